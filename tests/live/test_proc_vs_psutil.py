"""test_proc_vs_psutil.py: `vigil proc` against psutil 5.9.4 on processes the test makes.

A child with a known cmdline, environment, cwd, nice value, CPU affinity, rlimit, open
files, TCP/UDP v4/v6 sockets, threads and a child of its own is read by `vigil proc -f json`
and by psutil's as_dict(); every as_dict() key must be in vigil's output and agree (exactly,
or within psutil's own tolerances for values that move), and parent, children and rlimits
must agree with psutil's methods. Then: another user's environ is null with a note and exit
0 (psutil raises AccessDenied there), a missing pid exits 1 with "no such process" while the
other pids are printed, bad flags and unknown --attrs exit 2 naming them, -o FILE.gz holds
the same JSON, and the table escapes control characters.
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time

import psutil

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import check, main, require_root, test, vigil  # noqa: E402

CHILD = r"""
import os, resource, socket, subprocess, sys, threading
os.chdir(sys.argv[1])
os.nice(5)
os.sched_setaffinity(0, {0})
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (200, hard))
w = open("written.txt", "w"); w.write("hello world"); w.flush()
r = open("written.txt", "r"); r.read(5)
a = open("appended.txt", "a")
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen()
c = socket.create_connection(ls.getsockname()); s, _ = ls.accept()
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u6.bind(("::1", 0))
l6 = socket.socket(socket.AF_INET6); l6.bind(("::1", 0)); l6.listen()
ev = threading.Event()
ts = [threading.Thread(target=ev.wait) for _ in range(3)]
for t in ts:
    t.start()
kid = subprocess.Popen(["sleep", "300"])
print(kid.pid, flush=True)
sys.stdin.read()
kid.kill()
ev.set()
"""

TAB_ESC = "\x1b[31mred"


class Child:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="vigil-proc-")
        env = {"PATH": "/usr/bin:/bin", "VIGIL_PROC_TEST": "a value with spaces",
               "VIGIL_PROC_ESC": TAB_ESC}
        self.p = subprocess.Popen(["/usr/bin/python3", "-c", CHILD, self.dir, "arg two"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                  text=True)
        self.kid = int(self.p.stdout.readline())
        self.pid = self.p.pid

    def close(self):
        self.p.stdin.close()
        self.p.wait(10)
        for f in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, f))
        os.rmdir(self.dir)


def near(a, b, tol):
    return a is not None and b is not None and abs(a - b) <= tol


def fields(ours, theirs, tol=0, names=None):
    """Each field of psutil's namedtuple against vigil's object, within tol."""
    if ours is None:
        return False, "vigil gave null"
    bad = []
    for k in names or theirs._fields:
        if k in ("lib", "dirty"):  # 5.9.4's always-0 aliases (README: psutil differences)
            continue
        if k not in ours or not near(ours[k], getattr(theirs, k), tol):
            bad.append((k, ours.get(k), getattr(theirs, k)))
    return not bad, bad


def conn_key(c):
    laddr = tuple(c["laddr"]) if isinstance(c, dict) else tuple(c.laddr)
    raddr = tuple(c["raddr"]) if isinstance(c, dict) else tuple(c.raddr)
    if isinstance(c, dict):
        return (c["fd"], c["family"], c["type"], laddr, raddr, c["status"])
    return (c.fd, int(c.family), int(c.type), laddr, raddr, c.status)


def compare(key, ours, theirs, p):
    """(ok, detail) for one as_dict() key."""
    if key in ("cmdline", "cpu_affinity", "cwd", "environ", "exe", "name", "nice", "num_fds",
               "num_threads", "pid", "ppid", "status", "terminal", "username", "cpu_num"):
        return ours == theirs, (ours, theirs)
    if key in ("uids", "gids", "num_ctx_switches", "ionice"):
        tol = 5 if key == "num_ctx_switches" else 0
        return fields(ours, theirs, tol, None if key != "ionice" else ["value"]) \
            if key != "ionice" else (ours == {"ioclass": int(theirs.ioclass),
                                              "value": theirs.value}, (ours, theirs))
    if key == "create_time":
        return near(ours, theirs, 0.01), (ours, theirs)
    if key == "cpu_times":
        return fields(ours, theirs, 0.1)
    if key == "cpu_percent":
        return ours == theirs == 0.0, (ours, theirs)  # as_dict()'s first call
    if key == "memory_percent":
        return near(ours, theirs, 0.1), (ours, theirs)
    if key in ("memory_info", "memory_full_info"):
        return fields(ours, theirs, 1024 * 1024)
    if key == "io_counters":
        return fields(ours, theirs, 4096)
    if key == "threads":
        mine = {t["id"]: t for t in ours or []}
        ok = set(mine) == {t.id for t in theirs} and all(
            near(mine[t.id]["user_time"], t.user_time, 0.1) for t in theirs)
        return ok, (sorted(mine), [t.id for t in theirs])
    if key == "open_files":
        mine = {(f["path"], f["fd"], f["mode"], f["position"], f["flags"]) for f in ours or []}
        want = {(f.path, f.fd, f.mode, f.position, f.flags) for f in theirs}
        return mine == want and len(want) == 3, (mine, want)
    if key == "connections":
        mine = {conn_key(c) for c in ours or []}
        want = {conn_key(c) for c in theirs}
        return mine == want and len(want) == 5, (mine ^ want)
    if key == "memory_maps":
        mine = {m["path"]: m for m in ours or []}
        want = {m.path: m for m in theirs}
        bad = [m.path for m in theirs if m.path in mine and not fields(mine[m.path], m, 256 * 1024,
                                                                       ["rss", "size"])[0]]
        return set(mine) == set(want) and not bad, (set(mine) ^ set(want), bad)
    return False, "no comparison written for this key: the test must learn it"


@test
def every_as_dict_key_agrees_with_psutil():
    child = Child()
    try:
        time.sleep(0.3)  # let the threads and the grandchild settle
        p = psutil.Process(child.pid)
        for _ in range(5):  # moving values: psutil's retry_on_failure
            ours = json.loads(vigil("proc", "-f", "json", "--attrs",
                                    ",".join(sorted(psutil.Process().as_dict())) +
                                    ",parent,children,rlimits", str(child.pid)).stdout)[0]
            theirs = p.as_dict()
            results = {k: compare(k, ours.get(k, "MISSING"), v, p) for k, v in theirs.items()}
            if all(ok for ok, _ in results.values()):
                break
            time.sleep(0.2)
        check(len(theirs) == 30, "psutil's as_dict() has %d keys, not 30" % len(theirs))
        bad = ["%s: %s" % (k, str(detail)[:300]) for k, (ok, detail) in
               sorted(results.items()) if not ok]
        check(not bad, "vigil and psutil disagree on %d keys:\n     %s" %
              (len(bad), "\n     ".join(bad)))
        check(ours["environ"].get("VIGIL_PROC_TEST") == "a value with spaces",
              "environ: %r" % ours["environ"])
        check(ours["cmdline"][-1] == "arg two" and ours["nice"] == 5 and
              ours["cpu_affinity"] == [0] and ours["num_threads"] == 4 and
              ours["cwd"] == os.path.realpath(child.dir),
              "the child's known values: %r" % {k: ours[k] for k in (
                  "cmdline", "nice", "cpu_affinity", "num_threads", "cwd")})
        check(ours["parent"] == {"pid": os.getpid(), "name": psutil.Process().name()},
              "parent: %r" % ours["parent"])
        check([c["pid"] for c in ours["children"]] == [c.pid for c in p.children()] ==
              [child.kid], "children: %r vs %r" % (ours["children"], p.children()))
        for name, lim in ours["rlimits"].items():
            want = list(p.rlimit(getattr(psutil, name)))
            check(lim == want, "%s: vigil %r, psutil %r" % (name, lim, want))
        check(ours["rlimits"]["RLIMIT_NOFILE"][0] == 200, "the child's RLIMIT_NOFILE")
        rec = json.loads(vigil("proc", "-f", "json", "--recursive", "-a", "children",
                               str(os.getpid())).stdout)[0]["children"]
        rec = {c["pid"] for c in rec if c["name"] != "vigil"}  # not the vigil that looked
        check(rec >= {child.pid, child.kid} and
              rec == {c.pid for c in psutil.Process().children(True)},
              "--recursive children: %r" % rec)
    finally:
        child.close()


@test
def another_users_environ_is_null_with_a_note():
    require_root()
    child = Child()
    try:
        nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        ps = subprocess.run(nobody + ["/usr/bin/python3", "-c",
                                      "import psutil,sys\ntry:\n psutil.Process(%d).environ()\n"
                                      "except psutil.AccessDenied:\n sys.exit(3)" % child.pid])
        check(ps.returncode == 3, "psutil as uid 65534 was not refused the environ")
        exe = os.path.join(child.dir, "vigil")
        subprocess.run(["cp", vigil_path(), exe], check=True)
        os.chmod(child.dir, 0o755)
        j = subprocess.run(nobody + [exe, "proc", "-f", "json", str(child.pid)],
                           capture_output=True, text=True)
        t = subprocess.run(nobody + [exe, "proc", "-f", "table", str(child.pid)],
                           capture_output=True, text=True)
        snap = subprocess.run(nobody + [exe, "snapshot", "-a", "name,connections,environ"],
                              capture_output=True, text=True)
        os.unlink(exe)
        mine = [p for p in json.loads(snap.stdout)["processes"] if p["pid"] == child.pid]
        check(mine and mine[0]["connections"] is None and mine[0]["environ"] is None,
              "snapshot as uid 65534: the child's sockets and environ are not null: %r" % mine)
        d = json.loads(j.stdout)[0] if j.returncode == 0 else {}
        check(j.returncode == 0 and d.get("environ", 1) is None and d.get("name") == "python3",
              "json as uid 65534: rc %d, %r" % (j.returncode, {k: d.get(k) for k in (
                  "environ", "name")}))
        line = [l for l in t.stdout.splitlines() if l.split()[:1] == ["environ"]]
        check(t.returncode == 0 and line and "access denied" in line[0],
              "table as uid 65534: rc %d, environ line %r" % (t.returncode, line))
    finally:
        child.close()


def vigil_path():
    from harness import VIGIL
    return VIGIL


@test
def a_missing_pid_exits_1_and_the_others_print():
    gone = subprocess.Popen(["true"])
    gone.wait()
    r = vigil("proc", "-f", "ndjson", "-a", "name", str(gone.pid), str(os.getpid()), check=False)
    rows = [json.loads(l) for l in r.stdout.splitlines()]
    check(r.returncode == 1, "exit %d, not 1" % r.returncode)
    check("%d: no such process" % gone.pid in r.stderr, "stderr: %r" % r.stderr)
    check([x["pid"] for x in rows] == [os.getpid()], "printed: %r" % rows)


@test
def bad_flags_exit_2_naming_them():
    for args, named in ((["--bogus", "1"], "--bogus"),
                        (["--attrs", "name,nosuchattr", "1"], "nosuchattr"),
                        (["-f", "csv", "1"], "--format"),
                        (["--interval", "soon", "1"], "--interval"),
                        (["notapid"], "notapid"),
                        ([], "PID")):
        r = vigil("proc", *args, check=False)
        check(r.returncode == 2 and named in r.stderr,
              "vigil proc %s: exit %d, stderr %r" % (" ".join(args), r.returncode, r.stderr))
    r = vigil("snapshot", "--attrs", "nosuchattr", check=False)
    check(r.returncode == 2 and "nosuchattr" in r.stderr, "snapshot --attrs: %r" % r.stderr)


@test
def gzip_output_and_escaped_table():
    child = Child()
    try:
        out = os.path.join(child.dir, "proc.json.gz")
        vigil("proc", "-f", "json", "-a", "name,environ", "-o", out, str(child.pid))
        with gzip.open(out, "rt") as f:
            d = json.load(f)[0]
        os.unlink(out)
        check(d["environ"]["VIGIL_PROC_ESC"] == TAB_ESC, "gzip'd JSON: %r" % d)
        t = vigil("proc", "-f", "table", "-a", "environ", str(child.pid)).stdout
        check("\x1b" not in t and "VIGIL_PROC_ESC=\\x1b[31mred" in t,
              "table environ not escaped: %r" % t[-300:])
    finally:
        child.close()


@test
def interval_measures_cpu_percent():
    """-i measures over TIME, as psutil's cpu_percent(interval): a busy loop gets what this
    shared machine gives it (psutil measures the next half second), a sleeper nothing."""
    burn = subprocess.Popen(["/usr/bin/python3", "-c", "while True: pass"])
    idle = subprocess.Popen(["sleep", "30"])
    try:
        time.sleep(0.2)
        rows = json.loads(vigil("proc", "-f", "json", "-i", "500ms", "-a", "cpu_percent",
                               str(burn.pid), str(idle.pid)).stdout)
        theirs = psutil.Process(burn.pid).cpu_percent(0.5)
        check(rows[0]["cpu_percent"] > 10 and near(rows[0]["cpu_percent"], theirs, 40) and
              rows[1]["cpu_percent"] < 5, "burner %r (psutil %.1f), sleeper %r" %
              (rows[0]["cpu_percent"], theirs, rows[1]["cpu_percent"]))
    finally:
        burn.kill()
        idle.kill()
        burn.wait()
        idle.wait()


@test
def snapshot_carries_as_dict_keys():
    snap = json.loads(vigil("snapshot").stdout)
    me = [p for p in snap["processes"] if p["pid"] == os.getpid()]
    keys = set(psutil.Process().as_dict()) - {"memory_maps"}
    check(me and keys <= set(me[0]), "snapshot's process keys lack %s" %
          sorted(keys - set(me[0] if me else {})))
    snap = json.loads(vigil("snapshot", "--attrs", "name,memory_maps").stdout)
    me = [p for p in snap["processes"] if p["pid"] == os.getpid()]
    check(me and set(me[0]) == {"pid", "name", "memory_maps"} and me[0]["memory_maps"],
          "snapshot --attrs name,memory_maps: %r" % (me[0].keys() if me else None))


if __name__ == "__main__":
    main()
