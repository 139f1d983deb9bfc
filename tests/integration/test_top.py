"""test_top.py: `vigil top`, the live per-process view, rendered in a real terminal (tmux).

A known load (runq_load: a sleeper and spinners pinned to one CPU) must show up with the
CPU it burns and its run-queue wait, from BPF (p50/p99) and from the schedstat fallback
(mean per slice, percentiles shown as '-'); keys re-sort a live view and q quits it;
--once prints one frame; filters and bad flags behave.
"""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import OUT, VIGIL, check, main, require_root, skip, test, vigil

LOAD = os.path.join(OUT, "tests", "integration", "runq_load")


def start_load(seconds=6):
    return subprocess.Popen([LOAD, "--cpu", "0", "--busy", "2", "--loops", str(seconds * 1000),
                             "--sleep-us", "1000"], stdout=subprocess.PIPE, text=True)


COLS = {"CPU%": "cpu", "MEM%": "mem", "RES": "res", "TIME+": "time", "RQ_P50": "p50",
        "RQ_P99": "p99", "RQ_AVG": "avg", "READ/s": "read", "WRITE/s": "write",
        "DISK_P99": "disk", "TCP": "tcp", "TCP_RTT": "rtt", "DNS/s": "dns",
        "DNS_P99": "dns_p99", "PEER": "peer"}


def parse_rows(frame):
    """The frame's process rows: "%7u %-16s" then right-aligned cells that end where their
    titles end (a duration such as "25.8 µs" has a space in it)."""
    out, ends = [], None
    for line in frame.splitlines():
        if ends is None:
            if line.lstrip().startswith("PID ") and " COMM " in line:
                ends = [(m.end(), m.group()) for m in re.finditer(r"\S+", line)][2:]
            continue
        if len(line) <= 25 or not line[:7].strip().isdigit():
            continue
        row, start = dict(pid=int(line[:7]), comm=line[8:24].rstrip()), 24
        for end, title in ends:
            row[COLS[title]] = line[start:end].strip()
            start = end
        out.append(row)
    return out


def usecs(text):
    """A duration cell ("850 ns", "25.8 µs", "1.99 ms", "2.00 s") in microseconds."""
    num, unit = text.split()
    return float(num) * {"ns": 1e-3, "µs": 1, "ms": 1e3, "s": 1e6}[unit]


def rows(frame, comm="runq_load"):
    return [r for r in parse_rows(frame) if r["comm"] == comm]


def tmux(*args, check_rc=True):
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=check_rc)


def row_pids(frame):
    return [r["pid"] for r in parse_rows(frame)]


def capture_rows(name):
    """The pane once a whole frame is on it (a capture may land between two frames)."""
    for _ in range(20):
        frame = tmux("capture-pane", "-p", "-t", name).stdout
        if len(row_pids(frame)) >= 5:
            return frame
        time.sleep(0.1)
    return frame


def need_tmux():
    if not os.path.exists("/usr/bin/tmux"):
        skip("tmux missing (tools/deps.sh installs it)")


@test
def once_renders_a_frame_under_tmux():
    require_root()
    need_tmux()
    name = "vigil-top-%d" % os.getpid()
    load = start_load()
    # a plain shell: root's login shell may run slow start-up scripts (pyenv's rehash)
    tmux("new", "-d", "-s", name, "-x", "160", "-y", "50", "bash --norc --noprofile")
    try:
        tmux("send-keys", "-t", name,
             "%s top --once --filter runq_load; echo top-exited-$?" % VIGIL, "Enter")
        deadline = time.monotonic() + 30  # a loaded machine attaches slowly
        frame = ""
        while time.monotonic() < deadline:
            frame = tmux("capture-pane", "-p", "-t", name).stdout
            if any(l.startswith("top-exited-") for l in frame.splitlines()):
                break
            time.sleep(0.3)
    finally:
        tmux("kill-session", "-t", name, check_rc=False)
        load.kill()
        load.wait()
    check("top-exited-0" in frame.splitlines(), "top --once did not exit 0:\n" + frame)
    check("vigil top" in frame and "RQ_P99" in frame, "no frame:\n" + frame)
    mine = [r for r in rows(frame) if r["pid"] == load.pid]
    check(mine, "runq_load (pid %d) missing:\n%s" % (load.pid, frame))
    check(float(mine[0]["cpu"]) > 20, "CPU %s for two spinners" % mine[0]["cpu"])
    check(mine[0]["p99"] != "-" and usecs(mine[0]["p99"]) > 0, "no BPF p99: %r" % mine[0])


@test
def live_view_sorts_on_keys_and_quits_on_q():
    require_root()
    need_tmux()
    name = "vigil-top-live-%d" % os.getpid()
    load = start_load()
    tmux("new", "-d", "-s", name, "-x", "160", "-y", "50",
         "%s top --interval 500ms; sleep 30" % VIGIL)
    try:
        time.sleep(2)
        frame = capture_rows(name)
        check("sort cpu" in frame, "not sorted by cpu:\n" + frame)
        pids = row_pids(frame)
        check(load.pid in pids, "the spinning load is not listed:\n" + frame)
        cpus = [float(r["cpu"]) for r in parse_rows(frame) if r["cpu"] != "-"]
        check(cpus and cpus == sorted(cpus, reverse=True), "not in CPU order:\n" + frame)
        tmux("send-keys", "-t", name, "p")
        time.sleep(1.5)
        frame = capture_rows(name)
        check("sort pid" in frame, "p did not sort by pid:\n" + frame)
        pids = row_pids(frame)
        check(pids == sorted(pids), "rows not in pid order")
        tmux("send-keys", "-t", name, "q")
        time.sleep(1.5)
        ps = subprocess.run(["pgrep", "-f", "^%s top --interval 500ms$" % VIGIL],
                            capture_output=True, text=True)
        check(ps.returncode != 0, "q did not quit: %s" % ps.stdout)
    finally:
        tmux("kill-session", "-t", name, check_rc=False)
        load.kill()
        load.wait()


@test
def fallback_shows_cpu_and_mean_wait_without_percentiles():
    require_root()
    load = start_load()
    try:
        time.sleep(0.5)
        frame = vigil("top", "--once", "--backend", "fallback", "--filter", "runq_load").stdout
    finally:
        load.kill()
        load.wait()
    check("sched: procfs" in frame, frame)
    mine = [r for r in rows(frame) if r["pid"] == load.pid]
    check(mine, "runq_load missing:\n" + frame)
    r = mine[0]
    check(float(r["cpu"]) > 20, "CPU %s" % r["cpu"])
    check(r["p50"] == "-" and r["p99"] == "-", "percentiles from a poller: %r" % r)
    check(r["avg"] != "-" and usecs(r["avg"]) > 0, "no mean wait: %r" % r)
    check(all(row["comm"] == "runq_load" for row in rows(frame, "runq_load")), "filter")
    others = [l for l in frame.splitlines()[4:] if l.strip() and "runq_load" not in l]
    check(not others, "filter let through: %r" % others[:3])


@test
def tcp_connections_and_rtt_per_process():
    require_root()
    import socket
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(16)
    pairs = []
    for _ in range(5):
        c = socket.create_connection(lst.getsockname())
        a, _ = lst.accept()
        c.sendall(b"x" * 1000)
        a.recv(1000)
        pairs.append((c, a))
    try:
        frame = vigil("top", "--once", "--sort", "tcp", "--rows", "50").stdout
    finally:
        for c, a in pairs:
            c.close()
            a.close()
        lst.close()
    me = [r for r in parse_rows(frame) if r["pid"] == os.getpid()]
    check(me, "this process is not listed:\n" + frame)
    check(me[0]["tcp"] == "10", "TCP %s for 5 loopback pairs (10 sockets)" % me[0]["tcp"])
    check(me[0]["rtt"] != "-" and usecs(me[0]["rtt"]) > 0, "TCP_RTT %s" % me[0]["rtt"])


@test
def disk_latency_and_bytes_per_process():
    require_root()
    doc = json.loads(vigil("doctor", "--format", "json").stdout)
    if not any(x["name"] == "blkio" and x["bpf"] for x in doc["subsystems"]):
        skip("no blkio tracer on BPF in this build")
    path = "/var/tmp/vigil-top-dd-%d" % os.getpid()
    dd = subprocess.Popen(["dd", "if=/dev/zero", "of=" + path, "bs=4k", "count=1000000",
                           "oflag=direct"], stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        frame = vigil("top", "--once", "--filter", "dd").stdout
    finally:
        dd.kill()
        dd.wait()
        os.unlink(path)
    me = [r for r in parse_rows(frame) if r["pid"] == dd.pid]
    check(me, "dd is not listed:\n" + frame)
    check(me[0]["disk"] != "-" and usecs(me[0]["disk"]) > 0, "DISK_P99 %r" % me[0]["disk"])
    check(me[0]["write"] not in ("-", "0B"), "WRITE/s %r" % me[0]["write"])


@test
def bad_top_flags_exit_2():
    for args, needle in [(["top", "--sort", "colour"], "--sort"),
                         (["top", "--interval", "1ms"], "--interval"),
                         (["top", "--rows", "0"], "--rows")]:
        p = vigil(*args, check=False)
        check(p.returncode == 2 and needle in p.stderr, "%s: %d %s" % (args, p.returncode,
                                                                       p.stderr))


if __name__ == "__main__":
    main()
