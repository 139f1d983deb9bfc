"""test_tools.py: vigil's util-linux and procps lookalikes against the real tools, on
processes, mounts and login records the test makes itself. taskset, renice, ionice and
prlimit: set with vigil and read back with both vigil and the real tool, set with the real
tool and read with vigil; as uid 65534 on root's process each setter exits 1 with
AccessDenied naming the pid and what was refused; a pid that has gone gives NoSuchProcess.
free -b (total exact, the rest within a tolerance), df -B1 (/ and a tmpfs mounted in a
private mount namespace: exact), uptime (users and load, the boot time within a second) and
who (records written to a utmp file bind-mounted in a private namespace). Each command's
bad flag exits 2 naming the flag."""
import csv
import gzip
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

import psutil

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import VIGIL, check, main, records, require_root, test, unprivileged_vigil, vigil  # noqa: E402,E501

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def run(*argv, **kw):
    return subprocess.run(list(argv), capture_output=True, text=True, check=True, **kw).stdout


class Sleeper:
    """A sleep of our own, ended and reaped on exit."""

    def __init__(self, prefix=()):
        self.p = subprocess.Popen([*prefix, "sleep", "300"])
        self.pid = self.p.pid

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.p.kill()
        self.p.wait()


@test
def taskset_get_and_set_match_taskset():
    ncpu = len(os.sched_getaffinity(0))
    with Sleeper() as s:
        pid = str(s.pid)
        for flags in (["-p"], ["-cp"]):
            ours, theirs = vigil("taskset", *flags, pid).stdout, run("taskset", *flags, pid)
            check(ours == theirs, "taskset %s: %r vs %r" % (flags, ours, theirs))
        out = vigil("taskset", "-cp", "0", pid).stdout
        check(out.splitlines()[-1] == "pid %s's new affinity list: 0" % pid, out)
        check(run("taskset", "-cp", pid).strip().endswith(": 0"), "taskset does not see 0")
        check(psutil.Process(s.pid).cpu_affinity() == [0], "psutil does not see [0]")
        if ncpu >= 2:
            run("taskset", "-p", "3", pid)  # widen with the real tool, read with vigil
            out = vigil("taskset", "-cp", pid).stdout
            check(out.strip().endswith("list: 0,1"), out)
            vigil("taskset", "2", pid)  # mask 2 = CPU 1
            check(psutil.Process(s.pid).cpu_affinity() == [1], "mask 2 did not give [1]")
            vigil("taskset", "-cp", "0-%d" % (ncpu - 1), pid)  # widen again with vigil
            check(psutil.Process(s.pid).cpu_affinity() == list(range(ncpu)), "not widened")
        row = json.loads(vigil("taskset", "-f", "json", "-p", pid).stdout)[0]
        check(row["pid"] == s.pid and row["cpu_affinity"] ==
              ",".join(map(str, psutil.Process(s.pid).cpu_affinity())), row)
        bad = vigil("taskset", "-cp", "0,99999", pid, check=False)
        check(bad.returncode == 2 and "LIST" in bad.stderr, bad.stderr)


def ps_nice(pid):
    return int(run("ps", "-o", "ni=", "-p", str(pid)))


@test
def renice_sets_what_ps_and_renice_see():
    with Sleeper() as s:
        out = vigil("renice", "-n", "7", "-p", str(s.pid)).stdout
        check(out == "%d (process ID) old priority 0, new priority 7\n" % s.pid, out)
        check(ps_nice(s.pid) == 7 and psutil.Process(s.pid).nice() == 7, "ps/psutil: not 7")
        theirs = run("renice", "-n", "3", "-p", str(s.pid))
        ours = vigil("renice", "-n", "4", str(s.pid)).stdout
        check(theirs == "%d (process ID) old priority 7, new priority 3\n" % s.pid, theirs)
        check(ours == "%d (process ID) old priority 3, new priority 4\n" % s.pid, ours)
        rows = records(vigil("renice", "-n", "5", "-f", "ndjson", str(s.pid)).stdout)
        check(rows == [{"pid": s.pid, "old_nice": 4, "nice": 5}], rows)


@test
def ionice_matches_ionice():
    require_root()  # realtime needs CAP_SYS_NICE
    with Sleeper() as s:
        pid = str(s.pid)
        check(vigil("ionice", "-p", pid).stdout == run("ionice", "-p", pid), "fresh process")
        vigil("ionice", "-c", "2", "-n", "6", "-p", pid)
        check(run("ionice", "-p", pid) == "best-effort: prio 6\n", "after vigil -c2 -n6")
        check(vigil("ionice", "-p", pid).stdout == "best-effort: prio 6\n", "vigil read")
        run("ionice", "-c", "3", "-p", pid)
        check(vigil("ionice", "-p", pid).stdout == "idle\n", "after ionice -c3")
        run("ionice", "-c", "1", "-n", "2", "-p", pid)
        check(vigil("ionice", "-p", pid).stdout == "realtime: prio 2\n", "after ionice -c1")
        vigil("ionice", "-c", "idle", "-p", pid)
        check(run("ionice", "-p", pid) == "idle\n", "after vigil -c idle")
        vigil("ionice", "-n", "1", "-p", pid)  # -n alone: best-effort, as ionice
        check(run("ionice", "-p", pid) == "best-effort: prio 1\n", "after vigil -n 1")
        row = json.loads(vigil("ionice", "-f", "json", "-p", pid).stdout)[0]
        check(row == {"pid": s.pid, "ioclass": "best-effort", "ioclass_value": 2, "value": 1},
              row)
        bad = vigil("ionice", "-c", "idle", "-n", "3", "-p", pid, check=False)
        check(bad.returncode == 2 and "--classdata" in bad.stderr, bad.stderr)


def prlimit_table(text):
    """{resource: (soft, hard)} from prlimit's table (RESOURCE DESCRIPTION SOFT HARD UNITS)."""
    out = {}
    for line in text.splitlines()[1:]:
        m = re.match(r"(\S+)\s+.*?\s(\S+)\s+(\S+)\s+(\S+)?$", line)
        f = line.split()
        # UNITS is empty for NICE and RTPRIO
        soft, hard = (f[-3], f[-2]) if not f[-1].isdigit() and f[-1] != "unlimited" \
            else (f[-2], f[-1])
        check(m is not None, line)
        out[f[0]] = (soft, hard)
    return out


@test
def prlimit_matches_prlimit():
    with Sleeper() as s:
        pid = str(s.pid)
        ours = prlimit_table(vigil("prlimit", "-p", pid).stdout)
        theirs = prlimit_table(run("prlimit", "-p", pid))
        check(len(ours) == 16 and ours == theirs, "%s\nvs\n%s" % (ours, theirs))
        vigil("prlimit", "--nofile=100:200", "-p", pid)
        check(prlimit_table(run("prlimit", "--nofile", "-p", pid)) == {"NOFILE": ("100", "200")},
              "after --nofile=100:200")
        vigil("prlimit", "--nofile=150:", "-p", pid)
        vigil("prlimit", "--nofile=:180", "-p", pid)
        check(prlimit_table(run("prlimit", "--nofile", "-p", pid)) == {"NOFILE": ("150", "180")},
              "after SOFT: and :HARD")
        check(psutil.Process(s.pid).rlimit(psutil.RLIMIT_NOFILE) == (150, 180), "psutil")
        run("prlimit", "--core=unlimited", "--stack=8192:16384", "-p", pid)
        got = prlimit_table(vigil("prlimit", "--core", "--stack", "-p", pid).stdout)
        check(got == {"CORE": ("unlimited", "unlimited"), "STACK": ("8192", "16384")}, got)
        rows = records(vigil("prlimit", "-c", "-f", "ndjson", "-p", pid).stdout)
        check([(r["resource"], r["soft"], r["hard"]) for r in rows] == [("core", -1, -1)], rows)
        bad = vigil("prlimit", "--nofile=10:5:3", "-p", pid, check=False)
        check(bad.returncode == 2 and "--nofile" in bad.stderr, bad.stderr)


@test
def setters_refused_as_nobody_say_access_denied():
    require_root()
    tmp, exe = unprivileged_vigil()
    try:
        with Sleeper() as s:
            cases = [(["renice", "-n", "-5", "-p"], "nice"),
                     (["ionice", "-c", "1", "-p"], "I/O class"),
                     (["prlimit", "--nofile=1:1", "-p"], "nofile"),
                     (["taskset", "-cp", "0"], "CPU affinity")]
            for argv, what in cases:
                p = subprocess.run([*NOBODY, exe, *argv, str(s.pid)], capture_output=True,
                                   text=True)
                check(p.returncode == 1, "%s: exit %d" % (argv, p.returncode))
                check("AccessDenied" in p.stderr and "pid %d" % s.pid in p.stderr and
                      what in p.stderr, "%s: %r" % (argv, p.stderr))
            check(psutil.Process(s.pid).nice() == 0, "the refused renice changed the nice value")
    finally:
        shutil.rmtree(tmp)


@test
def setters_on_a_gone_pid_say_no_such_process():
    s = subprocess.Popen(["true"])
    s.wait()  # reaped: the pid is free (and not reused this soon on a 4M pid space)
    for argv in (["renice", "-n", "1"], ["ionice", "-c", "3", "-p"], ["prlimit", "-p"],
                 ["taskset", "-p"]):
        p = vigil(*argv, str(s.pid), check=False)
        check(p.returncode == 1 and "NoSuchProcess" in p.stderr and str(s.pid) in p.stderr,
              "%s: %d %r" % (argv, p.returncode, p.stderr))


def free_b():
    rows = {}
    for line in run("free", "-b", "-w").splitlines()[1:]:
        f = line.split()
        rows[f[0].rstrip(":")] = [int(x) for x in f[1:]]
    return rows


@test
def free_matches_free():
    before = free_b()
    ours = {}
    for line in vigil("free", "-b", "-w").stdout.splitlines()[1:]:
        f = line.split()
        ours[f[0].rstrip(":")] = [int(x) for x in f[1:]]
    theirs = after = free_b()
    # memory moves: ours must lie between free's reads just before and after, give or take
    slack = 32 << 20
    check(ours["Mem"][0] == theirs["Mem"][0], "total %d vs %d" % (ours["Mem"][0],
                                                                   theirs["Mem"][0]))
    check(ours["Swap"][0] == theirs["Swap"][0], "swap total %s vs %s" % (ours["Swap"],
                                                                          theirs["Swap"]))
    for row, n in (("Mem", 7), ("Swap", 3)):
        for i, name in enumerate(("total", "used", "free", "shared", "buffers", "cache",
                                  "available")[:n]):
            lo = min(before[row][i], after[row][i]) - slack
            hi = max(before[row][i], after[row][i]) + slack
            check(lo <= ours[row][i] <= hi, "%s %s: %d not within free's %d..%d" %
                  (row, name, ours[row][i], before[row][i], after[row][i]))
    head = vigil("free").stdout.splitlines()[0]
    check(head == run("free").splitlines()[0], "heading %r" % head)
    rows = records(vigil("free", "-t", "-f", "ndjson").stdout)
    check([r["kind"] for r in rows] == ["mem", "swap", "total"] and
          rows[0]["total"] == theirs["Mem"][0], rows)
    with tempfile.TemporaryDirectory() as d:  # -o FILE.gz: the same rows, gzip'd
        vigil("free", "-f", "json", "-o", os.path.join(d, "free.json.gz"))
        with gzip.open(os.path.join(d, "free.json.gz"), "rt") as f:
            rows = json.load(f)
        check(rows[0]["kind"] == "mem" and rows[0]["total"] == theirs["Mem"][0], rows)
    # -c/-s repeat with free's blank line between reports; Ctrl-C ends a JSON file whole
    def firsts(text):
        return [line.split()[0] if line else "" for line in text.split("\n")]
    rep = firsts(vigil("free", "-c", "2", "-s", "0.1").stdout)
    check(rep == firsts(run("free", "-c", "2", "-s", "0.1")), "free -c 2: %r" % rep)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "free.json.gz")
        p = subprocess.Popen([VIGIL, "free", "-s", "0.1", "-f", "json", "-o", path])
        time.sleep(0.5)
        p.send_signal(2)
        check(p.wait(10) == 0, "free -s stopped by Ctrl-C: exit %s" % p.returncode)
        with gzip.open(path, "rt") as f:
            rows = json.load(f)
        check(len(rows) >= 4 and len(rows) % 2 == 0, "%d rows" % len(rows))
    bad = vigil("free", "--mega", check=False)
    check(bad.returncode == 2 and "--mega" in bad.stderr, bad.stderr)


def df_mounts(text):
    """(source, type, target) of `df --output=source,fstype,target` lines."""
    return [tuple(line.split(None, 2)) for line in text.splitlines()[1:]]


@test
def df_without_a_lists_the_mounts_df_lists():
    """Not only physical devices: tmpfs, devtmpfs, overlay as df shows them, each device once
    (a bind mount of one is not repeated), no proc/sysfs/cgroup/nsfs; here and in a private
    mount namespace holding a tmpfs, its bind mount, an overlay and a proc of the test's own."""
    require_root()
    for _ in range(5):  # other tests add and remove mounts (network namespaces) meanwhile
        theirs = df_mounts(run("df", "--output=source,fstype,target"))
        ours = [(r["device"], r["fstype"], r["mountpoint"])
                for r in json.loads(vigil("df", "-f", "json").stdout)]
        if ours == theirs:
            break
    check(ours == theirs, "vigil df %s\ndf       %s" % (ours, theirs))
    d = tempfile.mkdtemp(prefix="vigil-df-")
    try:
        script = """set -e
            cd %s && mkdir -p t/lower t/upper t/work aaaaaaaa b ov p
            mount -t tmpfs -o size=4m vigilfst t
            mkdir -p t/lower t/upper t/work && echo x > t/lower/f
            mount -t tmpfs -o size=8m vigiltmp aaaaaaaa
            mount --bind aaaaaaaa b
            mount -t overlay -o lowerdir=t/lower,upperdir=t/upper,workdir=t/work vigilov ov
            mount -t proc proc p
            df --output=source,fstype,target
            echo ---
            %s df -f csv
            """ % (d, VIGIL)
        out = run("unshare", "-m", "--propagation", "private", "sh", "-c", script)
        df_part, ours_part = out.split("---\n")
        theirs = df_mounts(df_part)
        rows = list(csv.DictReader(io.StringIO(ours_part)))
        ours = [(r["device"], r["fstype"], r["mountpoint"]) for r in rows]
        check(ours == theirs, "in the namespace: vigil df %s\ndf %s" % (ours, theirs))
        mine = [m for m in ours if m[2].startswith(d)]
        # the bind mount nearer the root wins, in the first one's place; proc is not listed
        check([(m[0], m[1], m[2][len(d):]) for m in mine] ==
              [("vigilfst", "tmpfs", "/t"), ("vigiltmp", "tmpfs", "/b"),
               ("vigilov", "overlay", "/ov")], "the test's mounts: %s" % mine)
    finally:
        subprocess.run(["rm", "-rf", d])


@test
def df_matches_df_on_root_and_a_tmpfs():
    require_root()
    before = run("df", "-B1", "/").splitlines()[1].split()
    ours = vigil("df", "-B1", "/").stdout.splitlines()[1].split()
    theirs = run("df", "-B1", "/").splitlines()[1].split()
    check(ours[0] == theirs[0] and ours[1] == theirs[1] and ours[5] == theirs[5],
          "%s vs %s" % (ours, theirs))
    for i in (2, 3):  # used, available: / is shared, so between df's reads, give or take
        lo = min(int(before[i]), int(theirs[i])) - (16 << 20)
        hi = max(int(before[i]), int(theirs[i])) + (16 << 20)
        check(lo <= int(ours[i]) <= hi, "column %d: %s vs %s..%s" % (i, ours, before, theirs))
    d = tempfile.mkdtemp(prefix="vigil df ")  # a space in the mount point (\040 in mounts)
    try:
        q = "'%s'" % d
        script = ("mount -t tmpfs -o size=8m vigiltest %s && "
                  "head -c 1234567 /dev/zero > %s/f && "
                  "df -B1 -T %s && %s df -B1 -T %s && df -h %s && %s df -h %s"
                  % (q, q, q, VIGIL, q, q, VIGIL, q))
        out = run("unshare", "-m", "--propagation", "private", "sh", "-c", script)
        lines = out.splitlines()
        check(lines[0:2] == lines[2:4], "df -B1 -T:\n%s\nvs\n%s" % (lines[0:2], lines[2:4]))
        check(lines[1].split()[:2] == ["vigiltest", "tmpfs"] and
              lines[1].split()[2] == str(8 << 20), lines[1])
        check(lines[4:6] == lines[6:8], "df -h:\n%s\nvs\n%s" % (lines[4:6], lines[6:8]))
    finally:
        os.rmdir(d)
    bad = vigil("df", "-B", "12Q", "/", check=False)
    check(bad.returncode == 2 and "--block-size" in bad.stderr, bad.stderr)


@test
def uptime_matches_uptime():
    ours, theirs = vigil("uptime").stdout, run("uptime")
    pat = r"^ \d\d:\d\d:\d\d up .*, +(\d+) users?, +load average: ([\d.]+), ([\d.]+), ([\d.]+)$"
    mo, mt = re.match(pat, ours.rstrip("\n")), re.match(pat, theirs.rstrip("\n"))
    check(mo and mt, "%r vs %r" % (ours, theirs))
    check(mo.group(1) == mt.group(1), "users %s vs %s" % (mo.group(1), mt.group(1)))
    for i in (2, 3, 4):
        check(abs(float(mo.group(i)) - float(mt.group(i))) <= 1.0, "load %r vs %r" %
              (ours, theirs))
    fmt = "%Y-%m-%d %H:%M:%S"
    s1 = time.mktime(time.strptime(vigil("uptime", "-s").stdout.strip(), fmt))
    s2 = time.mktime(time.strptime(run("uptime", "-s").strip(), fmt))
    check(abs(s1 - s2) <= 1, "since %s vs %s" % (s1, s2))
    row = json.loads(vigil("uptime", "-f", "json").stdout)[0]
    with open("/proc/uptime") as f:
        up = float(f.read().split()[0])
    check(abs(row["uptime"] - up) <= 1.0, "uptime %s vs /proc/uptime %s" % (row["uptime"], up))
    check(vigil("uptime", "-p").stdout.startswith("up "), "uptime -p")
    bad = vigil("uptime", "--container", check=False)
    check(bad.returncode == 2 and "--container" in bad.stderr, bad.stderr)


def utmp_record(pid, user, line, host, when):
    """One glibc x86-64/arm64 struct utmp (384 bytes), USER_PROCESS."""
    return struct.pack("<h2xi32s4s32s256shhiii16s20s", 7, pid, line.encode(),
                       line[-4:].encode(), user.encode(), host.encode(), 0, 0, 0, when, 0,
                       b"", b"")


@test
def who_matches_who_on_records_the_test_writes():
    require_root()
    with Sleeper() as a, Sleeper() as b:
        recs = (utmp_record(a.pid, "alice", "pts/7", "10.1.2.3", 1796398800) +
                utmp_record(b.pid, "bob", "tty3", "", 1796400060) +
                utmp_record(999999999, "gone", "pts/9", "old.example", 1796400120))
        with tempfile.NamedTemporaryFile("wb", delete=False) as f:
            f.write(recs)
        try:
            script = ("mount -t tmpfs none /run && cp %s /run/utmp && "
                      "who && echo --- && %s who && echo --- && %s who -f json"
                      % (f.name, VIGIL, VIGIL))
            out = run("unshare", "-m", "--propagation", "private", "sh", "-c", script)
        finally:
            os.unlink(f.name)
        theirs, ours, js = out.split("---\n")
        check(len(theirs.splitlines()) == 2, "who shows %r" % theirs)
        check(ours == theirs, "%r vs %r" % (ours, theirs))
        rows = json.loads(js)
        check([r["name"] for r in rows] == ["alice", "bob", "gone"] and
              rows[0]["host"] == "10.1.2.3" and rows[1]["host"] == "localhost" and
              rows[0]["pid"] == a.pid, rows)
    # hostile records: escapes in the name and host never reach the terminal raw
    with Sleeper() as c:
        with tempfile.NamedTemporaryFile("wb", delete=False) as f:
            f.write(utmp_record(c.pid, "ev\x1b[2Jil", "pts/8", "h\x1b]0;pwned\x07", 1796398800))
        try:
            out = run("unshare", "-m", "--propagation", "private", "sh", "-c",
                      "mount -t tmpfs none /run && cp %s /run/utmp && %s who" % (f.name, VIGIL))
        finally:
            os.unlink(f.name)
        check(out.count("\n") == 1 and "\x1b" not in out and "\x07" not in out and
              "pts/8" in out, "hostile record printed as %r" % out)
    # the machine's own records, whatever they are (often none)
    check(vigil("who").stdout == run("who"), "who on this machine")
    bad = vigil("who", "-q", check=False)
    check(bad.returncode == 2 and "-q" in bad.stderr, bad.stderr)


@test
def bad_flags_exit_2_naming_the_flag():
    for argv, flag in ((["taskset", "--bogus", "1"], "--bogus"),
                       (["renice", "-n", "99", "1"], "--priority"),
                       (["ionice", "-c", "9", "-p", "1"], "--class"),
                       (["prlimit", "--nofile=x", "-p", "1"], "--nofile"),
                       (["free", "-z"], "-z"), (["df", "--bogus"], "--bogus"),
                       (["uptime", "-x"], "-x"), (["who", "--bogus"], "--bogus"),
                       (["free", "--duration", "1s"], "--duration")):
        p = vigil(*argv, check=False)
        check(p.returncode == 2 and flag in p.stderr and not p.stdout,
              "%s: exit %d %r" % (argv, p.returncode, p.stderr))


if __name__ == "__main__":
    main()
