"""test_top.py: `vigil top`, the live per-process view, rendered in a real terminal (tmux).

A known load (runq_load: a sleeper and spinners pinned to one CPU) must show up with the
CPU it burns and its run-queue wait, from BPF (p50/p99) and from the schedstat fallback
(mean per slice, percentiles shown as '-'); keys re-sort a live view and q quits it;
--once prints one frame; filters and bad flags behave.
"""
import calendar
import json
import os
import re
import signal
import socket
import struct
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


def tcpi_rtt(sock):
    """tcp_info's tcpi_rtt (us): the 16th 32-bit field, after 8 one-byte ones."""
    return struct.unpack_from("I", sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104),
                              8 + 15 * 4)[0]


@test
def tcp_connections_and_rtt_per_process():
    """10 idle loopback sockets: TCP counts them and RTT is the mean of their tcpi_rtt, from
    the tcp walk's records (--backend auto) and from sock_diag (fallback) alike."""
    require_root()
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
        time.sleep(0.3)  # the last ACKs are in: idle sockets keep their srtt
        rtts = [tcpi_rtt(s) for pair in pairs for s in pair]
        frame = vigil("top", "--once", "--sort", "tcp", "--rows", "50").stdout
        js = {b: json.loads(vigil("top", "--once", "-f", "json", "--sort", "tcp", "--rows",
                                  "50", "--backend", b).stdout) for b in ("auto", "fallback")}
        again = [tcpi_rtt(s) for pair in pairs for s in pair]
    finally:
        for c, a in pairs:
            c.close()
            a.close()
        lst.close()
    check(rtts == again, "the sockets' srtt moved while top read them: %s, %s" % (rtts, again))
    me = [r for r in parse_rows(frame) if r["pid"] == os.getpid()]
    check(me, "this process is not listed:\n" + frame)
    check(me[0]["tcp"] == "10", "TCP %s for 5 loopback pairs (10 sockets)" % me[0]["tcp"])
    check(me[0]["rtt"] != "-" and usecs(me[0]["rtt"]) > 0, "TCP_RTT %s" % me[0]["rtt"])
    for backend, doc in js.items():
        row = [r for r in doc["rows"] if r["pid"] == os.getpid()]
        check(row and row[0]["tcp_rtt_us"] == sum(rtts) // len(rtts),
              "%s: tcp_rtt_us %s, the sockets' tcpi_rtt %s (mean %d)" %
              (backend, row and row[0]["tcp_rtt_us"], rtts, sum(rtts) // len(rtts)))


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


ENTER_ALT, LEAVE_ALT = b"\x1b[?1049h", b"\x1b[?1049l"


class PtyTop:
    """vigil top on its own pseudo-terminal of cols x rows (python's pty): what it writes,
    keys typed into it, resizes."""

    def __init__(self, *args, cols=80, rows=24):
        import fcntl
        import pty
        import struct
        import termios
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen([VIGIL, "top", *args], stdin=slave, stdout=slave,
                                     stderr=slave, start_new_session=True,
                                     preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        self.out = b""

    def read(self, timeout=0.2):
        import select
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.master], [], [], left)[0]:
                return
            try:
                data = os.read(self.master, 65536)
            except OSError:  # the child closed its side
                return
            if not data:
                return
            self.out += data

    def wait_for(self, needle, timeout=30):
        """Read until needle (bytes) is in what was written since mark; the text after it."""
        end = time.monotonic() + timeout
        while needle not in self.out[self.mark:] and time.monotonic() < end:
            self.read(0.2)
        check(needle in self.out[self.mark:], "top never wrote %r; it wrote:\n%r"
              % (needle, self.out[-3000:]))

    mark = 0

    def frames(self):
        """The frames drawn since mark, as lists of lines without escapes."""
        text = self.out[self.mark:].decode("utf-8", "replace")
        out = []
        for f in text.split("\x1b[H\x1b[J")[1:]:
            f = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", f)
            out.append(f.replace("\r", "").split("\n"))
        return out

    def key(self, keys):
        self.mark = len(self.out)
        os.write(self.master, keys)

    def resize(self, cols, rows):
        import fcntl
        import struct
        import termios
        self.mark = len(self.out)
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def finish(self, timeout=30):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.read(0.3)
        os.close(self.master)
        return rc


def frame_with(top, needle, timeout=30):
    """The first whole frame since the mark that has needle in its lines."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        top.read(0.3)
        for f in top.frames()[:-1] + top.frames()[-1:]:
            if any(needle in l for l in f):
                return f
    check(False, "no frame with %r; last: %s" % (needle, top.frames()[-1:]))


@test
def live_view_uses_the_alternate_screen_and_restores_it():
    require_root()
    for how in ("q", "SIGTERM", "SIGINT"):
        top = PtyTop("--interval", "300ms", cols=120, rows=30)
        top.wait_for(b"PID")
        check(top.out.find(ENTER_ALT) >= 0 and top.out.find(ENTER_ALT) < top.out.find(b"PID"),
              "no alternate screen before the first frame: %r" % top.out[:200])
        if how == "q":
            top.key(b"q")
        else:
            top.proc.send_signal(getattr(signal, how))
        rc = top.finish()
        check(rc == 0, "%s: exit %d" % (how, rc))
        tail = top.out[top.out.rfind(b"PID"):]
        check(LEAVE_ALT in tail and tail.rfind(b"\x1b[?25h") >= 0,
              "%s: the alternate screen was not left: %r" % (how, tail[-200:]))


@test
def rows_are_cut_to_the_width_and_redrawn_on_resize():
    require_root()
    top = PtyTop("--interval", "1s", cols=60, rows=20)
    try:
        top.wait_for(b"TIME+")
        f = frame_with(top, "PID")
        check(max(len(l) for l in f) <= 60 and max(len(l) for l in f) >= 55,
              "lines not cut to 60 columns: %s" % [len(l) for l in f])
        check(len(f) <= 20, "%d lines on a 20-line terminal" % len(f))
        t0 = time.monotonic()
        top.resize(150, 40)
        f = frame_with(top, "DNS_P99", timeout=10)
        # the redraw comes on SIGWINCH, not at the next 1 s frame (allow a loaded machine)
        check(max(len(l) for l in f) > 60, "no wider frame after the resize")
        check(max(len(l) for l in f) <= 150, "lines wider than 150 columns")
        check(time.monotonic() - t0 < 5, "no redraw after the resize")
        top.key(b"q")
    finally:
        check(top.finish() == 0, "top did not exit 0")


def sort_of(frame):
    m = re.search(r"sort (\S+?)[,;]", frame[0])
    return m and m.group(1)


@test
def htop_keys_sort_filter_help_and_choose_the_column():
    require_root()
    load = start_load(20)
    top = PtyTop("--interval", "500ms", cols=200, rows=50)
    try:
        top.wait_for(b"PID")
        for key, want in ((b"M", "mem"), (b"T", "time"), (b"N", "pid"), (b">", "comm"),
                          (b"<", "pid"), (b"P", "cpu"), (b"c", "cpu"), (b"r", "runq")):
            top.key(key)
            f = frame_with(top, "sort %s" % want, timeout=5)
        # M: rows in MEM% order
        top.key(b"M")
        f = frame_with(top, "sort mem", timeout=5)
        mems = [float(r["mem"]) for r in parse_rows("\n".join(f)) if r["mem"] != "-"]
        check(mems and mems == sorted(mems, reverse=True), "not in MEM%% order: %s" % mems)
        # ? and h: the help; any key goes back
        for k in (b"?", b"h"):
            top.key(k)
            frame_with(top, "vigil top: keys", timeout=5)
            top.key(b" ")
            frame_with(top, "PID", timeout=5)
        # F: the chooser; Down twice from CPU% is RES, Enter chooses it
        top.key(b"P")
        frame_with(top, "sort cpu", timeout=5)
        top.key(b"F")
        frame_with(top, "Sort by", timeout=5)
        top.key(b"\x1b[B\x1b[B\r")
        frame_with(top, "sort res", timeout=5)
        # /: filter by name, Backspace edits, Enter applies
        top.key(b"/runq_loax\x7fd\r")
        f = frame_with(top, "filter runq_load", timeout=5)
        rows_ = parse_rows("\n".join(f))
        check(rows_ and all(r["comm"] == "runq_load" for r in rows_), "filter: %s" % rows_)
        check(any("1 process;" in l for l in f), "count of one: %s" % f[:3])
        # Esc cancels an edit; an empty filter clears it
        top.key(b"/xyz\x1b")
        f = frame_with(top, "filter runq_load", timeout=5)
        top.key(b"/\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\r")
        f = frame_with(top, "processes;", timeout=5)
        check(not any("filter" in l for l in f[:1]), "filter not cleared: %s" % f[0])
        # arrows and pages move the selection without leaving the view
        top.key(b"\x1b[B\x1b[B\x1b[6~\x1b[5~\x1b[A")
        frame_with(top, "PID", timeout=5)
        top.key(b"q")
    finally:
        rc = top.finish()
        load.kill()
        load.wait()
    check(rc == 0, "top exited %d" % rc)


@test
def k_signals_the_selected_process_after_asking():
    require_root()
    import shutil
    import tempfile
    tmp = tempfile.mkdtemp()
    sleeper = os.path.join(tmp, "vgsleep")
    shutil.copy("/bin/sleep", sleeper)
    victim = subprocess.Popen([sleeper, "300"])
    other = subprocess.Popen([sleeper, "300"])
    top = PtyTop("--interval", "300ms", "--filter", "vgsleep", "--sort", "pid", cols=160,
                 rows=40)
    try:
        top.wait_for(b"PID")
        frame_with(top, str(other.pid))
        # k on the first row (the older pid), then n: nothing is sent
        top.key(b"k")
        frame_with(top, "PID to signal (Esc cancels): %d" % victim.pid, timeout=5)
        top.key(b"\r")
        frame_with(top, "Signal to send to %d: 15" % victim.pid, timeout=5)
        top.key(b"\r")
        frame_with(top, "Send signal 15 to pid %d? [y/n]" % victim.pid, timeout=5)
        top.key(b"n")
        frame_with(top, "not sent", timeout=5)
        check(victim.poll() is None, "n killed it")
        # Down selects the second row; k, its pid, signal 9 typed over 15, y
        top.key(b"\x1b[Bk")
        frame_with(top, "PID to signal (Esc cancels): %d" % other.pid, timeout=5)
        top.key(b"\r\x7f\x7f9\ry")
        frame_with(top, "sent signal 9 to %d" % other.pid, timeout=5)
        check(other.wait(10) == -9, "signal 9 not delivered: %s" % other.returncode)
        # the default: the selected row again (now the only one), 15 (SIGTERM)
        top.mark = len(top.out)
        frame_with(top, "1 process;", timeout=10)
        top.key(b"k\r\ry")
        frame_with(top, "sent signal 15 to %d" % victim.pid, timeout=5)
        check(victim.wait(10) == -15, "SIGTERM not delivered: %s" % victim.returncode)
        top.key(b"q")
    finally:
        rc = top.finish()
        for p in (victim, other):
            p.kill()
            p.wait()
        shutil.rmtree(tmp)
    check(rc == 0, "top exited %d" % rc)


@test
def idle_process_shows_zero_cpu_and_counts_agree():
    require_root()
    import shutil
    import tempfile
    tmp = tempfile.mkdtemp()
    sleeper = os.path.join(tmp, "vgidle")
    shutil.copy("/bin/sleep", sleeper)
    idle = subprocess.Popen([sleeper, "300"])
    try:
        for backend in ("auto", "fallback"):
            frame = vigil("top", "--once", "--backend", backend, "--filter", "vgidle").stdout
            mine = [r for r in parse_rows(frame) if r["pid"] == idle.pid]
            check(mine and mine[0]["cpu"] == "0.0", "%s: idle CPU%%: %s\n%s"
                  % (backend, mine, frame))
            check(mine[0]["mem"] != "-" and mine[0]["res"] not in ("-", "0B")
                  and re.match(r"^\d+:\d\d\.\d\d$", mine[0]["time"]), "%s: %s" % (backend, mine))
            check("\n1 process;" in frame, "%s: not '1 process':\n%s" % (backend, frame))
        two = subprocess.Popen([sleeper, "300"])
        frame = vigil("top", "--once", "--filter", "vgidle").stdout
        two.kill()
        two.wait()
        check("\n2 processes;" in frame, "not '2 processes':\n" + frame)
        # RES is psutil's rss, as ps reports it (KiB): exactly from /proc; from the task walk
        # within the mm counters' per-CPU batches (3 counters, up to max(32, 2 x CPUs) pages
        # on each CPU), which the walk cannot add up (docs/commands.md, vigil ps)
        ps = subprocess.run(["ps", "-o", "rss=", "-p", str(idle.pid)], capture_output=True,
                            text=True).stdout.strip()
        ncpu = os.sysconf("SC_NPROCESSORS_CONF")
        slack = 3 * ncpu * max(32, 2 * ncpu) * os.sysconf("SC_PAGE_SIZE")
        for backend, procs, most in (("auto", "bpf_iter", slack), ("fallback", "procfs", 0)):
            js = json.loads(vigil("top", "--once", "-f", "json", "--filter", "vgidle",
                                  "--backend", backend).stdout)
            row = [r for r in js["rows"] if r["pid"] == idle.pid][0]
            check(js["procs"] == procs, "%s: processes from %s" % (backend, js["procs"]))
            check(abs(row["rss_bytes"] - int(ps) * 1024) <= most, "%s: rss %s, ps %s KiB"
                  % (backend, row["rss_bytes"], ps))
    finally:
        idle.kill()
        idle.wait()
        shutil.rmtree(tmp)


@test
def json_frames_parse_with_raw_units():
    require_root()
    load = start_load(8)
    try:
        once = vigil("top", "--once", "-f", "json", "-i", "500ms").stdout.splitlines()
        # live: frames as they come (no count per second: a loaded machine draws slower)
        v = subprocess.Popen([VIGIL, "top", "-f", "json", "-i", "300ms"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        live = [v.stdout.readline() for _ in range(3)]
        v.terminate()
        _, err = v.communicate(timeout=60)  # read on: a full pipe would hold its write
        check(v.returncode == 0, "top -f json after SIGTERM: exit %d: %s" % (v.returncode, err))
    finally:
        load.kill()
        load.wait()
    check(len(once) == 1, "--once -f json: %d lines" % len(once))
    check(all(l.endswith("\n") for l in live), "frames are lines: %r" % live)
    frames = [json.loads(l) for l in once + live]
    offsets = set()
    for f in frames:
        check(set(f) >= {"time", "ts_ns", "interval", "rows", "processes", "sort"},
              "keys %s" % list(f))
        # the records' time: RFC 3339 UTC with ns, of the frame's CLOCK_MONOTONIC ts_ns
        m = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{9})Z$", f["time"])
        check(m, "time %r is not RFC 3339 UTC with ns" % f["time"])
        wall = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")) * 10**9 + \
            int(m.group(2))
        check(abs(wall / 1e9 - time.time()) < 120, "time %s" % f["time"])
        offsets.add(wall - f["ts_ns"])
        check(f["processes"] == len(f["rows"]), "processes %s, %d rows" % (f["processes"],
                                                                          len(f["rows"])))
    check(frames[0]["interval"] == 0.5, "interval %s" % frames[0]["interval"])
    check(max(offsets) - min(offsets) < 10**6, "time - ts_ns varies: %s" % offsets)
    times = [f["ts_ns"] for f in frames[1:]]
    check(times == sorted(times) and len(set(times)) == len(times), "times %s" % times)
    mine = [r for r in frames[0]["rows"] if r["pid"] == load.pid]
    check(mine and mine[0]["cpu_pct"] > 20, "the load: %s" % mine)
    r = mine[0]
    check(isinstance(r["runq_p99_us"], int) and isinstance(r["rss_bytes"], int)
          and isinstance(r["cpu_time_s"], float), "raw units: %s" % r)
    check(b"\x1b" not in vigil("top", "--once", "-f", "json").stdout.encode(), "escapes")
    # a reader that leaves after one frame (| head -1) ends top cleanly
    v = subprocess.Popen([VIGIL, "top", "-f", "json", "-i", "200ms"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    json.loads(v.stdout.readline())
    v.stdout.close()
    rc = v.wait(30)
    check(rc == 0, "top -f json | head -1: exit %d: %s" % (rc, v.stderr.read()))
    p = vigil("top", "--once", "-f", "csv", check=False)
    check(p.returncode == 2 and "--format" in p.stderr, "csv: %d %s" % (p.returncode, p.stderr))


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
