"""test_lsof_pmap.py: `vigil lsof` and `vigil pmap` against the tools they replace, on a child
the test makes itself: it opens a file for reading, one for writing and one read-write, a
pipe, a listening TCP socket with a connection accepted from it, a listening unix socket, a
socketpair and a mapped file. lsof -nP (-F fields) is the oracle for `vigil lsof -p`,
`-i :PORT`, `-i TCP@ADDR:PORT` and `vigil lsof PATH`; procps' pmap -x for every mapping
and the totals of `vigil pmap -x`; psutil's memory_maps(grouped=True) for --grouped. Then
the error contract: bad flags exit 2 naming the flag, a missing pid exits 1 with "no such
process", and uid 65534 asking about a root process gets exit 1 naming the pid and what was
refused."""
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile

import psutil

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import (check, main, records, require_root, skip, test,  # noqa: E402
                     unprivileged_vigil, vigil)

CHILD = r"""
import mmap, os, socket, sys
d = sys.argv[1]
r = open(os.path.join(d, "read.txt"))
w = open(os.path.join(d, "write.txt"), "w")
rw = open(os.path.join(d, "rw.bin"), "w+b")
rw.write(b"x" * 65536)
rw.flush()
m = mmap.mmap(rw.fileno(), 65536)
pr, pw = os.pipe()
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen()
port = ls.getsockname()[1]
c = socket.create_connection(("127.0.0.1", port))
a, _ = ls.accept()
u = socket.socket(socket.AF_UNIX)
u.bind(os.path.join(d, "u.sock"))
u.listen()
sp = socket.socketpair()
print(os.getpid(), port, flush=True)
sys.stdin.read()
"""


class Child:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="vigil-lsof-")
        with open(os.path.join(self.dir, "read.txt"), "w") as f:
            f.write("hello\n")
        self.p = subprocess.Popen(["/usr/bin/python3", "-c", CHILD, self.dir],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True, cwd=self.dir)
        pid, port = self.p.stdout.readline().split()
        self.pid, self.port = int(pid), int(port)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.p.stdin.close()
        self.p.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def need(tool):
    if not shutil.which(tool):
        skip("%s is not installed (tools/deps.sh installs it)" % tool)


def lsof_rows(*args):
    """lsof -nP -F rows as dicts with lsof's table columns pid, fd, type, name."""
    need("lsof")
    out = subprocess.run(["lsof", "-nP", "-F", "pfatnT", *args], capture_output=True,
                         text=True).stdout
    rows, pid, cur = [], None, None
    for line in out.splitlines():
        tag, val = line[:1], line[1:]
        if tag == "p":
            pid = int(val)
        elif tag == "f":
            cur = {"pid": pid, "fd": val, "type": "", "name": ""}
            rows.append(cur)
        elif tag == "a" and cur and cur["fd"].isdigit():
            cur["fd"] += val.strip()
        elif tag == "t" and cur:
            cur["type"] = val
        elif tag == "n" and cur:
            cur["name"] = val
        elif tag == "T" and cur and val.startswith("ST=") and cur["type"] in ("IPv4", "IPv6", "unix"):
            cur["name"] += " (%s)" % val[3:]
    return rows


def vigil_rows(*args):
    return records(vigil("lsof", "-f", "ndjson", *args).stdout)


def keyset(rows, with_pid=False, kinds=None):
    return {((r["pid"],) if with_pid else ()) + (r["fd"], r["type"], r["name"])
            for r in rows if kinds is None or kinds(r["fd"])}


def not_mem(fd):
    return fd not in ("mem", "DEL")


@test
def lsof_p_matches_lsof_for_fds_cwd_txt():
    """Both sources: the fds from the BPF walk (--backend bpf), and all from /proc."""
    require_root()
    for backend in ("bpf", "fallback"):
        lsof_p_matches_lsof(backend)


def lsof_p_matches_lsof(backend):
    with Child() as c:
        ours = vigil_rows("-p", str(c.pid), "--backend", backend)
        theirs = lsof_rows("-p", str(c.pid))
        check(theirs, "lsof listed nothing for the child")
        a, b = keyset(ours, kinds=not_mem), keyset(theirs, kinds=not_mem)
        check(a == b, "vigil lsof -p --backend %s and lsof -p differ:\n  only vigil: %s\n"
              "  only lsof: %s" % (backend, sorted(a - b), sorted(b - a)))
        # what the child opened is there as lsof writes it
        names = {(r["fd"], r["type"], r["name"]) for r in ours}
        check(("cwd", "DIR", c.dir) in names, "no cwd row for %s" % c.dir)
        modes = {r["name"]: r["fd"][-1] for r in ours if r["fd"][0].isdigit()}
        for f, mode in (("read.txt", "r"), ("write.txt", "w"), ("rw.bin", "u")):
            got = modes.get(os.path.join(c.dir, f))
            check(got == mode, "%s: access mode %r, not %r" % (f, got, mode))
        types = [r["type"] for r in ours]
        for t in ("FIFO", "IPv4", "unix", "REG", "CHR"):
            check(t in types, "no %s row" % t)
        listen = "127.0.0.1:%d (LISTEN)" % c.port
        check(any(r["name"] == listen for r in ours), "no %r row" % listen)
        m, n = keyset(ours, kinds=lambda fd: fd == "mem"), keyset(theirs,
                                                                   kinds=lambda fd: fd == "mem")
        check({x[2] for x in m} == {x[2] for x in n}, "mapped files differ: %s" %
              sorted({x[2] for x in m} ^ {x[2] for x in n}))
        check(os.path.join(c.dir, "rw.bin") in {x[2] for x in m}, "the mapped file is not mem")


MAPPER = r"""
import mmap, os, sys
f = open(sys.argv[1], "rb")
m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
print(os.getpid(), os.fstat(f.fileno()).st_ino, flush=True)
sys.stdin.read()
"""


def mapper(path):
    p = subprocess.Popen(["/usr/bin/python3", "-c", MAPPER, path], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    pid, ino = p.stdout.readline().split()
    return p, int(pid), int(ino)


def lsof_mem_sizes(pid):
    """{name: (size, inode)} of lsof -nP's mem rows for pid."""
    need("lsof")
    out = subprocess.run(["lsof", "-nP", "-F", "fsin", "-p", str(pid)], capture_output=True,
                         text=True).stdout
    got, cur = {}, None
    for line in out.splitlines():
        tag, val = line[:1], line[1:]
        if tag == "f":
            cur = {"fd": val}
        elif cur is not None and tag in "sin":
            cur[tag] = val
            if tag == "n" and cur["fd"] == "mem":
                got[val] = (cur.get("s", ""), cur.get("i", ""))
    return got


@test
def mem_rows_have_the_mapped_files_sizes():
    """Three processes in one listing, each path stat()ed once for all of them: two map one
    file, the third a file since replaced at that path (renamed over). The two get the new
    file's size; the older mapping is DEL, with its own inode and no size; every mem row's
    size and inode are lsof's."""
    require_root()
    d = tempfile.mkdtemp(prefix="vigil-lsof-mem-")
    path, procs = os.path.join(d, "mapped.bin"), []
    try:
        with open(path, "wb") as f:
            f.write(b"a" * 5000)
        procs.append(mapper(path))  # the old file, replaced below
        with open(path + ".new", "wb") as f:
            f.write(b"b" * 7000)
        os.rename(path + ".new", path)
        procs += [mapper(path), mapper(path)]
        pids = ",".join(str(pid) for _, pid, _ in procs)
        for backend in ("bpf", "fallback"):
            rows = vigil_rows("-p", pids, "--backend", backend)
            mem = {(r["pid"], r["name"]): r for r in rows if r["fd"] in ("mem", "DEL")}
            old, new1, new2 = ((mem.get((pid, path)), ino) for _, pid, ino in procs)
            for (r, ino), fd, size in ((old, "DEL", ""), (new1, "mem", "7000"),
                                       (new2, "mem", "7000")):
                check(r is not None, "%s: no mem row for %s" % (backend, path))
                check(r["fd"] == fd, "%s: inode %d's row is %s, not %s" % (backend, ino,
                                                                          r["fd"], fd))
                check(r["node"] == str(ino), "%s: node %s, not %d" % (backend, r["node"], ino))
                check(r["size_off"] == size, "%s: %s mapping of inode %d: size %r, not %r" %
                      (backend, path, ino, r["size_off"], size))
            for _, pid, _ in procs[1:]:
                theirs = lsof_mem_sizes(pid)
                ours = {r["name"]: (r["size_off"], r["node"]) for r in rows
                        if r["pid"] == pid and r["fd"] == "mem"}
                check(ours == theirs, "%s: pid %d's mem rows differ from lsof's:\n  vigil %s"
                      "\n  lsof  %s" % (backend, pid, sorted(set(ours.items()) -
                                                             set(theirs.items())),
                                        sorted(set(theirs.items()) - set(ours.items()))))
    finally:
        for p, _, _ in procs:
            p.stdin.close()
            p.wait(timeout=10)
        shutil.rmtree(d, ignore_errors=True)


KINDS = r"""
import os, socket, sys
d = sys.argv[1]
keep = []
f = os.open(os.path.join(d, "grown.bin"), os.O_RDWR | os.O_CREAT)
os.write(f, b"y" * 1234)
with open(os.path.join(d, "seeked.bin"), "wb") as h:
    h.write(b"z" * 4096)
g = os.open(os.path.join(d, "seeked.bin"), os.O_RDONLY | os.O_CLOEXEC)
os.lseek(g, 100, os.SEEK_SET)
gone = os.open(os.path.join(d, "gone.bin"), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
os.unlink(os.path.join(d, "gone.bin"))
keep += [os.open("/dev/null", os.O_RDONLY), os.open(d, os.O_RDONLY | os.O_DIRECTORY),
         os.eventfd(0), *os.pipe()]
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.bind(("::1", 0))
print(os.getpid(), flush=True)
sys.stdin.read()
"""


def all_columns(rows):
    return {tuple(sorted(r.items())) for r in rows}


@test
def lsof_walk_and_proc_agree_on_every_column():
    """For a child holding a grown file, a seeked close-on-exec one, a deleted one, /dev/null,
    a directory, an eventfd, a pipe and a UDP6 socket: every column of every row, the fds from
    the BPF walk against /proc's links, stats and fdinfo."""
    require_root()
    d = tempfile.mkdtemp(prefix="vigil-lsof-kinds-")
    p = subprocess.Popen(["/usr/bin/python3", "-c", KINDS, d], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True, cwd=d)
    try:
        pid = int(p.stdout.readline())
        walk = vigil_rows("-p", str(pid), "--backend", "bpf")
        proc = vigil_rows("-p", str(pid), "--backend", "fallback")
        a, b = all_columns(walk), all_columns(proc)
        check(a == b, "the walk and /proc differ:\n  only the walk: %s\n  only /proc: %s"
              % (sorted(a - b), sorted(b - a)))
        types = {r["type"] for r in walk if r["fd"][0].isdigit()}
        for t in ("REG", "CHR", "DIR", "a_inode", "FIFO", "IPv6"):
            check(t in types, "no %s fd row: %s" % (t, sorted(types)))
        names = {r["name"] for r in walk}
        check(any("gone.bin" in n and "deleted" in n for n in names), "no deleted file row")
    finally:
        p.stdin.close()
        p.wait(timeout=10)
        shutil.rmtree(d, ignore_errors=True)


@test
def lsof_walk_matches_proc_for_the_whole_system():
    """vigil lsof from /proc, from the walks, from /proc again: every row both /proc listings
    agree on is in the walk's, column for column (a file opened or closed between the reads
    can differ once; so twice in a row it counts)."""
    require_root()

    def rows(backend):
        return all_columns(records(vigil("lsof", "-f", "ndjson", "--backend",
                                         backend).stdout))

    missing = None
    for _ in range(2):
        before, walk, after = rows("fallback"), rows("bpf"), rows("fallback")
        stable = before & after
        check(len(stable) > 200, "only %d stable rows" % len(stable))
        now = stable - walk
        missing = now if missing is None else missing & now
    check(not missing, "%d stable /proc rows not in the walk's, twice:\n  %s"
          % (len(missing), "\n  ".join(map(str, sorted(missing)[:20]))))


@test
def lsof_i_port_matches_lsof():
    with Child() as c:
        for spec in (":%d" % c.port, "TCP@127.0.0.1:%d" % c.port):
            ours = keyset(vigil_rows("-i", spec), with_pid=True)
            theirs = keyset(lsof_rows("-i", spec), with_pid=True)
            check(len(theirs) == 3, "lsof -i %s: %d rows, not 3" % (spec, len(theirs)))
            check(ours == theirs, "-i %s differs:\n  only vigil: %s\n  only lsof: %s" %
                  (spec, sorted(ours - theirs), sorted(theirs - ours)))
        table = vigil("lsof", "-f", "table", "-i", ":%d" % c.port).stdout.splitlines()
        check(table[0].split() == ["COMMAND", "PID", "USER", "FD", "TYPE", "DEVICE",
                                   "SIZE/OFF", "NODE", "NAME"], "header: %r" % table[0])
        check(any(line.endswith("(ESTABLISHED)") and "->" in line for line in table),
              "no connected row in the table")


@test
def selections_are_ored_and_anded_with_a_as_lsofs():
    """lsof ORs its selections (a file of the pid OR a socket on the port) and ANDs them with
    -a; a process not asked for by -p whose files cannot be read is no error."""
    with Child() as c:
        other = subprocess.Popen(["sleep", "300"])
        try:
            for args in (["-p", str(other.pid), "-i", ":%d" % c.port],
                         ["-i", ":%d" % c.port, "-c", "sleep", "-p", str(other.pid)],
                         ["-a", "-p", str(c.pid), "-i", ":%d" % c.port],
                         ["-a", "-p", str(other.pid), "-i", ":%d" % c.port]):
                p = vigil("lsof", "-f", "ndjson", *args, check=False)
                ours = keyset(records(p.stdout), with_pid=True, kinds=not_mem)
                theirs = keyset(lsof_rows(*args), with_pid=True, kinds=not_mem)
                ours = {r for r in ours if r[0] in (c.pid, other.pid)}
                theirs = {r for r in theirs if r[0] in (c.pid, other.pid)}
                check(ours == theirs, "lsof %s:\n  only vigil: %s\n  only lsof: %s" %
                      (" ".join(args), sorted(ours - theirs), sorted(theirs - ours)))
            union = keyset(vigil_rows("-p", str(other.pid), "-i", ":%d" % c.port),
                           with_pid=True)
            check({r[0] for r in union} == {c.pid, other.pid},
                  "OR: rows of the pid and of the port's owner: %s" % sorted(union))
            p = vigil("lsof", "-a", "-p", str(other.pid), "-i", ":%d" % c.port, check=False)
            check(p.returncode == 1 and not p.stdout, "-a with nothing in common: %d %r" %
                  (p.returncode, p.stdout[:200]))
            p = vigil("lsof", "-p", str(other.pid), "-i", "TCP", "-f", "ndjson", check=False)
            check(p.returncode == 0 and "access denied" not in p.stderr,
                  "processes not asked for are no error: %d %r" % (p.returncode, p.stderr))
        finally:
            other.kill()
            other.wait()


NETLINK_CHILD = r"""
import socket, sys
keep = []
for proto in (0, 4, 9, 15, 16):  # ROUTE INET_DIAG AUDIT KOBJECT_UEVENT GENERIC
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
    s.bind((0, 0))
    keep.append(s)
print("ready", flush=True)
sys.stdin.read()
"""


@test
def netlink_sockets_are_named_as_lsof_names_them():
    """TYPE netlink, NAME the protocol (ROUTE, INET_DIAG, AUDIT, KOBJECT_UEVENT, GENERIC)."""
    p = subprocess.Popen(["/usr/bin/python3", "-c", NETLINK_CHILD], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    try:
        check(p.stdout.readline().strip() == "ready", "the netlink child did not start")
        ours = {(r["fd"], r["type"], r["name"]) for r in vigil_rows("-p", str(p.pid))
                if r["type"] == "netlink"}
        theirs = {(r["fd"], r["type"], r["name"]) for r in lsof_rows("-p", str(p.pid))
                  if r["type"] == "netlink"}
        check(len(theirs) == 5 and ours == theirs, "netlink rows: vigil %s, lsof %s" %
              (sorted(ours), sorted(theirs)))
        table = vigil("lsof", "-f", "table", "-p", str(p.pid)).stdout
        check(any(line.split()[4:5] == ["netlink"] and line.endswith(" KOBJECT_UEVENT")
                  for line in table.splitlines()), table)
    finally:
        p.stdin.close()
        p.wait(timeout=10)


@test
def lsof_path_matches_lsof():
    with Child() as c:
        for f in ("rw.bin", "read.txt"):
            path = os.path.join(c.dir, f)
            ours = {(r["pid"], r["fd"], r["type"]) for r in vigil_rows(path)}
            theirs = {(r["pid"], r["fd"], r["type"]) for r in lsof_rows(path)}
            check(theirs and ours == theirs, "lsof %s: vigil %s, lsof %s" %
                  (f, sorted(ours), sorted(theirs)))
        p = vigil("lsof", "-t", os.path.join(c.dir, "rw.bin"))
        check(p.stdout.split() == [str(c.pid)], "-t printed %r" % p.stdout)
        p = vigil("lsof", os.path.join(c.dir, "no-such-file"), check=False)
        check(p.returncode == 1 and "no-such-file" in p.stderr, "a missing PATH: exit %d %r"
              % (p.returncode, p.stderr))


THREADS = r"""
import ctypes, os, sys, threading
libc = ctypes.CDLL(None)
ready = threading.Barrier(3)
f = open(sys.argv[1])
def run(name):
    libc.prctl(15, name.encode(), 0, 0, 0)  # PR_SET_NAME: the thread's comm, lsof's TASKCMD
    ready.wait()
    sys.stdin.read()
for n in ("vgworker1", "vgworker2"):
    threading.Thread(target=run, args=(n,), daemon=True).start()
ready.wait()
print(os.getpid(), flush=True)
sys.stdin.read()
"""


def lsof_task_rows(pid):
    """lsof -K -a -p PID -F: (tid or None, taskcmd or None, fd, type, name) per file row."""
    out = subprocess.run(["lsof", "-nP", "-K", "-a", "-p", str(pid), "-F", "pKMfatn"],
                         capture_output=True, text=True).stdout
    rows, cur, task = [], None, {}
    for line in out.splitlines():
        tag, val = line[:1], line[1:]
        if tag == "p":
            task = {"tid": None, "cmd": None}
        elif tag == "K":
            task = {"tid": int(val), "cmd": None}
        elif tag == "M":
            task["cmd"] = val
        elif tag == "f":
            cur = dict(task, fd=val, type="", name="")
            rows.append(cur)
        elif tag == "a" and cur and cur["fd"].isdigit():
            cur["fd"] += val.strip()
        elif tag == "t" and cur:
            cur["type"] = val
        elif tag == "n" and cur:
            cur["name"] = val
    return {(r["tid"], r["cmd"], r["fd"], r["type"], r["name"]) for r in rows
            if r["fd"] not in ("mem", "DEL")}


@test
def lsof_K_lists_each_task_as_lsof_K():
    need("lsof")
    d = tempfile.mkdtemp(prefix="vigil-lsofK-")
    path = os.path.join(d, "held.txt")
    with open(path, "w") as f:
        f.write("x\n")
    child = subprocess.Popen(["/usr/bin/python3", "-c", THREADS, path], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        pid = int(child.stdout.readline())
        tids = sorted(int(t) for t in os.listdir("/proc/%d/task" % pid))
        check(len(tids) == 3, "the child has 3 threads: %s" % tids)
        theirs = lsof_task_rows(pid)
        ours = {(r["tid"], r["taskcmd"], r["fd"], r["type"], r["name"])
                for r in vigil_rows("-K", "-p", str(pid)) if r["fd"] not in ("mem", "DEL")}
        check(ours == theirs, "vigil lsof -K and lsof -K differ:\n  only vigil: %s\n"
              "  only lsof: %s" % (sorted(ours - theirs, key=str)[:8],
                                   sorted(theirs - ours, key=str)[:8]))
        names = {(r[0], r[1]) for r in ours}
        check({n[0] for n in names if n[0]} == set(tids[1:]) and
              {n[1] for n in names if n[0]} == {"vgworker1", "vgworker2"} and
              (None, None) in names, "tasks: %s" % sorted(names, key=str))
        check(any(r[0] and r[4] == path for r in ours), "a task row holds %s" % path)
        table = vigil("lsof", "-K", "-p", str(pid), "-f", "table").stdout.splitlines()
        check(table[0].split()[:5] == ["COMMAND", "PID", "TID", "TASKCMD", "USER"],
              "header: %s" % table[0])
        plain = vigil("lsof", "-Ki", "-p", str(pid), "-f", "ndjson").stdout
        check("tid" not in plain and len(records(plain)) > 3, "-Ki: no task rows")
    finally:
        child.stdin.close()
        child.wait(timeout=10)
        shutil.rmtree(d, ignore_errors=True)


MAPS = r"""
import ctypes, mmap, os, sys
d = sys.argv[1]
keep = []


def mapfile(path, unlink=False):
    with open(path, "w+b") as f:
        f.write(b"m" * 8192)
        f.flush()
        keep.append(mmap.mmap(f.fileno(), 8192))
    if unlink:
        os.unlink(path)


mapfile(os.path.join(d, "new\nline.bin"))
mapfile(os.path.join(d, "gone.bin"), unlink=True)
mapfile(os.path.join(d, "mnt", "inside.bin"))
mapfile(os.path.join(d, "bound", "b.bin"))
fd = os.memfd_create("vigil-test")
os.ftruncate(fd, 4096)
keep.append(mmap.mmap(fd, 4096))
keep.append(mmap.mmap(-1, 4096, flags=mmap.MAP_SHARED))
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
shm = libc.shmget(0, 4096, 0o600 | 0o1000)
libc.shmat(shm, None, 0)
libc.shmctl(shm, 0, None)  # IPC_RMID: gone once detached
if len(sys.argv) > 2:
    mapfile(os.path.join(d, "ovl", "over.bin"))
print(os.getpid(), flush=True)
sys.stdin.read()
"""


def maps_child(d, overlay=False):
    """A child in a mount namespace of its own, with a tmpfs and a bind mount only it sees
    (and with overlay, an overlayfs), mapping every kind of file MAPS maps."""
    for sub in ("mnt", "sub", "bound", "lower", "upper", "work", "ovl"):
        os.mkdir(os.path.join(d, sub))
    mounts = 'mount -t tmpfs none "$1/mnt" && mount --bind "$1/sub" "$1/bound"'
    if overlay:
        mounts += (' && mount -t overlay none -o lowerdir="$1/lower",upperdir="$1/upper",'
                   'workdir="$1/work" "$1/ovl"')
    with open(os.path.join(d, "child.py"), "w") as f:
        f.write(MAPS)
    argv = ["unshare", "-m", "--propagation", "private", "sh", "-c",
            mounts + ' && exec /usr/bin/python3 "$1/child.py" "$1" $2', "sh", d,
            "overlay" if overlay else ""]
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return p, int(p.stdout.readline())


def proc_maps(pid):
    """/proc/PID/maps as (start, size, perms, name) rows, the name as /proc writes it."""
    rows = []
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            fields = line.rstrip("\n").split(None, 5)
            start, end = (int(x, 16) for x in fields[0].split("-"))
            rows.append((start, end - start, fields[1], fields[5] if len(fields) > 5 else ""))
    return rows


@test
def mapping_walk_names_every_kind_as_proc_does():
    """pmap and lsof's mem rows from the BPF mapping walk, for a child mapping a file with a
    newline in its name, a deleted file, a file on a tmpfs and one under a bind mount that
    only its own mount namespace has, a memfd, shared anonymous memory and SysV shm: every
    mapping's address, size, mode and name as /proc/PID/maps has them, `pmap`'s output byte
    for byte, and every lsof row as the /proc listing's."""
    require_root()
    need("pmap")
    d = tempfile.mkdtemp(prefix="vigil-maps-")
    p, pid = maps_child(d)
    try:
        walk = vigil("pmap", "--backend", "bpf", "-v", "-f", "ndjson", str(pid))
        check("from the BPF mapping walk" in walk.stderr, "not the walk: %r" % walk.stderr)
        ours = [(int(r["address"], 16), r["size"], r["path"]) for r in records(walk.stdout)]
        theirs = [(a, n, name or "[anon]") for a, n, _, name in proc_maps(pid)]
        check(ours == theirs, "the walk and /proc/PID/maps differ:\n  only the walk: %s\n"
              "  only /proc: %s" % (sorted(set(ours) - set(theirs)),
                                    sorted(set(theirs) - set(ours))))
        names = {t[2] for t in theirs}
        for want in ("%s/new\\012line.bin" % d, "%s/gone.bin (deleted)" % d,
                     "%s/mnt/inside.bin" % d, "%s/bound/b.bin" % d,
                     "/memfd:vigil-test (deleted)", "/dev/zero (deleted)",
                     "/SYSV00000000 (deleted)", "[heap]", "[stack]", "[vdso]"):
            check(want in names, "the child maps no %r: %s" % (want, sorted(names)))
        table = vigil("pmap", "--backend", "bpf", "-f", "table", str(pid)).stdout
        procps = subprocess.run(["pmap", str(pid)], capture_output=True, text=True).stdout
        check(table == procps, "pmap --backend bpf is not pmap's output:\n%s\n---\n%s"
              % (table, procps))
        walked = all_columns(vigil_rows("-p", str(pid), "--backend", "bpf"))
        proc = all_columns(vigil_rows("-p", str(pid), "--backend", "fallback"))
        check(walked == proc, "lsof's rows differ:\n  only the walk: %s\n  only /proc: %s"
              % (sorted(walked - proc), sorted(proc - walked)))
        check(any("DEL" in str(r) for r in walked), "no DEL row: %s" % sorted(walked))
    finally:
        p.stdin.close()
        p.wait(timeout=10)
        shutil.rmtree(d, ignore_errors=True)


@test
def mapping_walk_leaves_an_overlay_file_to_proc():
    """A file mapped through overlayfs is its backing file to the kernel, which /proc names
    by the overlay's path: the walk cannot, so pmap --backend bpf says so and exits 1, and
    lsof reads that process' maps from /proc (rows equal to the /proc listing's)."""
    require_root()
    d = tempfile.mkdtemp(prefix="vigil-maps-")
    p, pid = maps_child(d, overlay=True)
    try:
        r = vigil("pmap", "--backend", "bpf", str(pid), check=False)
        check(r.returncode == 1 and "cannot name" in r.stderr and str(pid) in r.stderr,
              "exit %d: %r" % (r.returncode, r.stderr))
        check(any(name == "%s/ovl/over.bin" % d for *_, name in proc_maps(pid)),
              "the overlay file is not in /proc/PID/maps")
        walked = vigil("lsof", "-v", "-f", "ndjson", "-p", str(pid), "--backend", "bpf")
        check("maps of 1 processes from /proc" in walked.stderr, "-v: %r" % walked.stderr)
        proc = all_columns(vigil_rows("-p", str(pid), "--backend", "fallback"))
        check(all_columns(records(walked.stdout)) == proc, "lsof's rows differ")
    finally:
        p.stdin.close()
        p.wait(timeout=10)
        shutil.rmtree(d, ignore_errors=True)


def pmap_x(argv):
    lines = subprocess.run(argv, capture_output=True, text=True, check=True).stdout.splitlines()
    rows = [line.split(None, 5) for line in lines[2:] if line[:1] in "0123456789abcdef"
            and not line.startswith("-")]
    total = [int(x) for x in lines[-1].split()[2:5]]
    return lines, [(r[0], int(r[1]), int(r[2]), int(r[3]), r[4], r[5].strip()) for r in rows], \
        total


@test
def pmap_x_matches_procps():
    need("pmap")
    with Child() as c:
        vl, ours, vt = pmap_x([os.path.join(os.path.dirname(__file__), "..", "..", ".output",
                                            "vigil"), "pmap", "-x", "-f", "table", str(c.pid)])
        pl, theirs, pt = pmap_x(["pmap", "-x", str(c.pid)])
        check(vl[1] == pl[1], "header %r, not %r" % (vl[1], pl[1]))
        check(len(ours) == len(theirs) and len(ours) > 10, "%d mappings, pmap %d" %
              (len(ours), len(theirs)))
        key = [(r[0], r[1], r[4], r[5]) for r in ours]
        want = [(r[0], r[1], r[4], r[5]) for r in theirs]
        diff = [(a, b) for a, b in zip(key, want) if a != b]
        check(not diff, "mappings differ (vigil, pmap): %s" % diff[:5])
        check(vt[0] == pt[0], "total Kbytes %d, pmap %d" % (vt[0], pt[0]))
        for i, name in ((1, "RSS"), (2, "Dirty")):
            check(abs(vt[i] - pt[i]) <= 64, "total %s %d kB, pmap %d kB" % (name, vt[i], pt[i]))
        check(any(r[5] == "rw.bin" and r[4] == "rw-s-" for r in ours),
              "the shared file mapping is not 'rw-s- rw.bin'")


@test
def pmap_grouped_matches_psutil_and_formats_parse():
    with Child() as c:
        ours = records(vigil("pmap", "--grouped", "-f", "ndjson", str(c.pid)).stdout)
        theirs = psutil.Process(c.pid).memory_maps(grouped=True)
        check({r["path"] for r in ours} == {m.path for m in theirs},
              "grouped paths differ: %s" % ({r["path"] for r in ours} ^
                                             {m.path for m in theirs}))
        rss, prss = sum(r["rss"] for r in ours), sum(m.rss for m in theirs)
        check(abs(rss - prss) <= 256 * 1024, "grouped rss %d, psutil %d" % (rss, prss))
        doc = json.loads(vigil("pmap", "-x", "-f", "json", str(c.pid)).stdout)
        check(isinstance(doc, list) and doc and "address" in doc[0], "json: %r" % doc[:1])
        csv = vigil("pmap", "-f", "csv", str(c.pid)).stdout.splitlines()
        check(csv[0] == "address,size,rss,dirty,mode,mapping,path", "csv header %r" % csv[0])
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "l.csv.gz")
            vigil("lsof", "-f", "csv", "-o", out, "-p", str(c.pid))
            with gzip.open(out, "rt") as f:
                lines = f.read().splitlines()
            check(lines[0] == "command,pid,user,fd,type,device,size_off,node,name",
                  "lsof csv header %r" % lines[0])
            check(len(lines) > 10, "lsof csv.gz has %d lines" % len(lines))


@test
def bad_flags_exit_2_naming_the_flag():
    for argv, named in ((["lsof", "--bogus"], "--bogus"), (["lsof", "-p", "abc"], "--pid"),
                        (["lsof", "-i", ":99999"], "--inet"), (["lsof", "-Z"], "-Z"),
                        (["lsof", "-u", ""], "--user"), (["pmap", "--nope", "1"], "--nope"),
                        (["pmap", "-x"], "PID"), (["pmap", "-x", "12ab"], "PID"),
                        (["pmap", "-f", "yaml", "1"], "--format")):
        p = vigil(*argv, check=False)
        check(p.returncode == 2, "vigil %s: exit %d, not 2" % (" ".join(argv), p.returncode))
        check(named in p.stderr, "vigil %s: %r does not name %s" % (" ".join(argv),
                                                                   p.stderr.strip(), named))


def dead_pid():
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


@test
def missing_pid_exits_1_no_such_process():
    pid = dead_pid()
    for argv in (["pmap", "-x", str(pid)], ["lsof", "-p", str(pid)]):
        p = vigil(*argv, check=False)
        check(p.returncode == 1, "vigil %s: exit %d" % (" ".join(argv), p.returncode))
        check("no such process" in p.stderr and str(pid) in p.stderr,
              "vigil %s: stderr %r" % (" ".join(argv), p.stderr))


@test
def access_denied_as_nobody_names_the_pid():
    require_root()
    if not shutil.which("setpriv"):
        skip("setpriv is not installed")
    tmp, exe = unprivileged_vigil()
    try:
        with Child() as c:
            nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", exe]
            p = subprocess.run(nobody + ["pmap", "-x", str(c.pid)], capture_output=True,
                               text=True)
            check(p.returncode == 1 and str(c.pid) in p.stderr and "access denied" in p.stderr,
                  "pmap as nobody: exit %d %r" % (p.returncode, p.stderr))
            p = subprocess.run(nobody + ["lsof", "-f", "ndjson", "-p", str(c.pid)],
                               capture_output=True, text=True)
            check(p.returncode == 1 and str(c.pid) in p.stderr and "access denied" in p.stderr,
                  "lsof -p as nobody: exit %d %r" % (p.returncode, p.stderr))
            rows = records(p.stdout)
            check(any("Permission denied" in r["name"] for r in rows),
                  "no lsof-style 'Permission denied' row: %r" % rows[:3])
            # a listing over every process notes and skips what it may not read: exit 0
            p = subprocess.run(nobody + ["lsof", "-f", "ndjson"], capture_output=True,
                               text=True)
            check(p.returncode == 0, "lsof as nobody: exit %d %r" % (p.returncode,
                                                                   p.stderr[-300:]))
            # the walks need BPF: asked for, they refuse and say why; auto read /proc
            p = subprocess.run(nobody + ["lsof", "--backend", "bpf"], capture_output=True,
                               text=True)
            check(p.returncode == 1 and "--backend bpf: the BPF" in p.stderr,
                  "lsof --backend bpf as nobody: exit %d %r" % (p.returncode, p.stderr))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
