"""test_output.py: what vigil's output does with hostile names and full disks.

A real process names itself (prctl PR_SET_NAME) with ESC[2J, a lone C1 byte (0x9b), the
UTF-8 encoding of U+009B and DEL; no table, CSV or terminal view may hand any of those bytes
raw to stdout. JSON must carry the name escaped as \\u00XX.

A trace written to a 64 KiB tmpfs the test mounts fills it: vigil must stop, say how many
records it lost (never "no drops"), and leave a file that ends at the last whole record:
CSV and NDJSON lines whole, a JSON array closed, a gzip stream with its trailer.

Long jobs whose output goes elsewhere (`trace -o`, `profile -o`, `hist` without an interval)
keep one status line on stderr when it is a terminal (a pty here): elapsed time, records and
drops, redrawn with \\r and blanked at the end; with stderr a pipe, not a byte of it.
"""
import csv
import ctypes
import gzip
import io
import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from harness import VIGIL, check, main, require_root, test

HOSTILE = b"e\x1b[2J\x9b\xc2\x9bx\x7f"  # 10 bytes: fits TASK_COMM_LEN
# C0 but TAB/LF/CR, DEL, lone C1 bytes and U+0080-U+009F in UTF-8
RAW = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|(?<![\xc2-\xf4])[\x80-\x9f]")
ESCAPED = b"e\\x1b[2J\\x9b\\xc2\\x9bx\\x7f"


def hostile_process():
    """A child whose comm is HOSTILE; it wakes up often so the scheduler tracer sees it."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(15, ctypes.c_char_p(HOSTILE), 0, 0, 0):  # PR_SET_NAME
            os._exit(3)
        os.write(w, b"1")
        os.close(w)
        while True:
            time.sleep(0.005)
    os.close(w)
    check(os.read(r, 1) == b"1", "child set its name")
    os.close(r)
    with open("/proc/%d/comm" % pid, "rb") as f:
        check(f.read().rstrip(b"\n") == HOSTILE, "comm is the hostile name")
    return pid


def stop(pid):
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def run(*args):
    p = subprocess.run([VIGIL, *args], capture_output=True, timeout=60)
    check(p.returncode == 0, "vigil %s exited %d: %s" % (args, p.returncode, p.stderr[-500:]))
    return p.stdout


def no_raw(out, what, want_escaped=True):
    m = RAW.search(out)
    if m:
        raise AssertionError("%s: raw control byte %r at %d: %r" %
                             (what, m.group(), m.start(), out[max(0, m.start() - 40):][:80]))
    if want_escaped:
        check(ESCAPED in out, "%s: the name appears escaped: %r" % (what, out[:600]))


@test
def test_hostile_comm_ps():
    pid = hostile_process()
    try:
        for fmt in ("table", "csv"):
            no_raw(run("ps", "--pid", str(pid), "--format", fmt), "ps --format " + fmt)
        out = run("ps", "--pid", str(pid), "--format", "json")
        no_raw(out, "ps --format json", want_escaped=False)
        names = [p.get("name") for p in json.loads(out)] if out.strip().startswith(b"[") else \
            [json.loads(l).get("name") for l in out.splitlines() if l.strip()]
        check(HOSTILE.decode("utf-8", "replace").replace("\ufffd", "") in
              [n.replace("\ufffd", "") for n in names if n], "json name: %r" % names)
    finally:
        stop(pid)


@test
def test_hostile_comm_top():
    require_root()
    pid = hostile_process()
    try:
        no_raw(run("top", "--once", "--pid", str(pid), "--interval", "1s"), "top --once")
    finally:
        stop(pid)


@test
def test_hostile_comm_trace():
    require_root()
    pid = hostile_process()
    try:
        for fmt in ("table", "csv", "ndjson"):
            out = run("trace", "sched", "--pid", str(pid), "--duration", "1s", "--format", fmt)
            no_raw(out, "trace --format " + fmt, want_escaped=fmt != "ndjson")
            if fmt == "ndjson":
                check(b"\\u001b[2J" in out and b"\\u009b" in out and b"\\u007f" in out,
                      "json escapes ESC, C1 and DEL as \\u00XX: %r" % out[:300])
    finally:
        stop(pid)


@test
def test_hostile_comm_summary_and_hist():
    require_root()
    pid = hostile_process()
    try:
        # the main job's summary names the processes that waited most: ours wakes every 5 ms
        no_raw(run("--duration", "2s", "--pid", str(pid)), "main job summary")
        no_raw(run("hist", "runq", "--per", "pid", "--pid", str(pid), "-d", "2s", "-f", "table"),
               "hist --per pid")
    finally:
        stop(pid)


def busy_waker():
    """A process that wakes up thousands of times a second: plenty of sched records."""
    return subprocess.Popen([sys.executable, "-c",
                             "import time\nwhile True: time.sleep(0.0001)"])


def trace_to_full_disk(name):
    """Trace sched into name on a 64 KiB tmpfs; returns (content bytes, CompletedProcess)."""
    d = tempfile.mkdtemp(prefix="vigil-enospc-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", d], check=True)
    w = busy_waker()
    try:
        path = os.path.join(d, name)
        fmt = name.split(".")[1]
        p = subprocess.run([VIGIL, "trace", "sched", "--duration", "20s", "-o", path, "-f", fmt],
                           capture_output=True, text=True, timeout=60)
        with open(path, "rb") as f:
            data = f.read()
        if name.endswith(".gz"):
            t = subprocess.run(["gzip", "-t", path], capture_output=True, text=True)
            check(t.returncode == 0, "%s: gzip -t: %s" % (name, t.stderr.strip()))
            data = gzip.decompress(data)
        return data, p
    finally:
        w.kill()
        w.wait()
        subprocess.run(["umount", d], check=False)
        shutil.rmtree(d, ignore_errors=True)


def check_enospc_report(p, name):
    check(p.returncode != 0, "%s: exit %d after a full disk" % (name, p.returncode))
    check("no drops" not in p.stderr, "%s: says 'no drops' after ENOSPC: %s" % (name, p.stderr))
    m = re.search(r"WRITE FAILED \(No space left on device\): (\d+) records? lost", p.stderr)
    check(m and int(m.group(1)) > 0, "%s: lost records reported: %s" % (name, p.stderr))
    final = re.search(r"(\d+) records? lost, the file ends at the last whole one", p.stderr)
    check(final, "%s: the error names the loss: %s" % (name, p.stderr))
    # the summary is printed after the file was sealed, so both say the same
    check(final.group(1) == m.group(1), "%s: summary and error disagree: %s" % (name, p.stderr))
    return int(m.group(1))


@test
def test_full_disk_ndjson_csv_json_gz_end_whole():
    require_root()
    for name in ("t.ndjson", "t.csv", "t.json", "t.ndjson.gz", "t.csv.gz", "t.json.gz"):
        data, p = trace_to_full_disk(name)
        lost = check_enospc_report(p, name)
        text = data.decode()
        if ".ndjson" in name:
            check(text.endswith("\n"), "%s: ends with a whole line: %r" % (name, text[-80:]))
            recs = [json.loads(line) for line in text.splitlines()]
        elif ".csv" in name:
            check(text.endswith("\r\n"), "%s: ends with a whole row: %r" % (name, text[-80:]))
            rows = list(csv.reader(io.StringIO(text, newline="")))
            check(all(len(r) == len(rows[0]) for r in rows), "%s: every row whole" % name)
            recs = rows[1:]
        else:
            recs = json.loads(text)
        check(len(recs) > 10, "%s: %d records kept" % (name, len(recs)))
        # every record handed to the exporter is in the file or counted as lost
        seen = int(re.search(r"vigil trace: (\d+) records", p.stderr).group(1))
        check(len(recs) + lost >= seen,
              "%s: %d kept + %d lost < %d seen" % (name, len(recs), lost, seen))
        check(all(r["kind"] in ("runq", "oncpu", "exec", "exit", "fork", "drops") for r in recs)
              if not isinstance(recs[0], list) else True, "%s: records are whole" % name)


@test
def test_full_disk_profile_folded_ends_at_a_whole_line():
    require_root()
    d = tempfile.mkdtemp(prefix="vigil-enospc-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", d], check=True)
    # a CPU burner, not the sleeping waker: on a quiet machine the profile must still fill 16k
    # (a shell loop: its forks and interrupts give hundreds of distinct stacks)
    w = subprocess.Popen(["sh", "-c", "while :; do /bin/true; done"])
    try:
        path = os.path.join(d, "p.folded")
        p = subprocess.run([VIGIL, "profile", "-F", "999", "-d", "3s", "-o", path],
                           capture_output=True, text=True, timeout=120)
        with open(path, "rb") as f:
            data = f.read()
    finally:
        w.kill()
        w.wait()
        subprocess.run(["umount", d], check=False)
        shutil.rmtree(d, ignore_errors=True)
    check(p.returncode != 0, "profile: exit %d after a full disk" % p.returncode)
    m = re.search(r"(\d+) stacks lost, the file ends at the last whole one", p.stderr)
    check(m and int(m.group(1)) > 0, "profile: lost stacks reported: %s" % p.stderr)
    check(data.endswith(b"\n") and len(data) > 1000, "profile: whole lines: %r" % data[-80:])
    check(all(re.match(rb".+ \d+$", l) for l in data.splitlines()),
          "profile: every line is 'stack count'")


def stderr_of(args, tty):
    """Run vigil with stdout to /dev/null and stderr to a pty (tty) or a pipe; its stderr."""
    if not tty:
        p = subprocess.run([VIGIL, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=60)
        check(p.returncode == 0, "vigil %s exited %d" % (args, p.returncode))
        return p.stderr
    master, slave = pty.openpty()
    p = subprocess.Popen([VIGIL, *args], stdout=subprocess.DEVNULL, stderr=slave,
                         stdin=subprocess.DEVNULL)
    os.close(slave)
    out = b""
    while True:
        r, _, _ = select.select([master], [], [], 30)
        if not r:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the pty
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    check(p.wait(timeout=30) == 0, "vigil %s exited %d" % (args, p.returncode))
    return out


STATUS = re.compile(rb"\rvigil (\w+): 0:00:0(\d), (\d+) (records|stacks|events), (\d+) drops")


@test
def test_status_line_on_a_terminal_only():
    require_root()
    d = tempfile.mkdtemp(prefix="vigil-status-")
    w = busy_waker()
    # The profiler counts stacks of CPU time: a spinner gives it samples from its first tick
    # (the waker alone sleeps most of the time, and a run could see none in 2 s).
    spin = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        jobs = [("trace", "records", ["trace", "sched", "-d", "3s", "-o", d + "/t.ndjson"]),
                ("profile", "stacks", ["profile", "-d", "3s", "-o", d + "/p.folded"]),
                ("hist", "events", ["hist", "runq", "-d", "3s"])]
        for cmd, what, args in jobs:
            err = stderr_of(args, tty=True)
            lines = STATUS.findall(err)
            check(len(lines) >= 2, "%s: status lines on a tty: %r" % (cmd, err[-600:]))
            check(all(l[0] == cmd.encode() and l[3] == what.encode() for l in lines),
                  "%s: names the job and counts %s: %r" % (cmd, what, lines))
            check(int(lines[-1][2]) > 0, "%s: counts grow: %r" % (cmd, lines))
            secs = [int(l[1]) for l in lines]
            check(secs == sorted(secs) and len(set(secs)) == len(secs),
                  "%s: at most one redraw a second: %r" % (cmd, secs))
            # blanked before anything else: "\r<spaces>\r" follows the last status line
            last = err.rfind(b"\rvigil %s: 0:" % cmd.encode())
            check(re.match(rb"\r[^\r\n]*\r +\r", err[last:]) is not None,
                  "%s: the line is cleared at the end: %r" % (cmd, err[last:last + 200]))
            err = stderr_of(args, tty=False)
            check(b"\r" not in err and not STATUS.search(err),
                  "%s: no status line when stderr is not a terminal: %r" % (cmd, err[-300:]))
    finally:
        for proc in (w, spin):
            proc.kill()
            proc.wait()
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(__file__))
    main()
