#!/usr/bin/python3
"""test_iter.py: the BPF task iterator against /proc, on the live system.

`vigil ps --backend fallback` (the /proc scan), then `--backend bpf` (one iter/task walk),
then /proc again. Every process the two /proc reads agree on (same pid, same start time)
must be in the walk with the same fields: parent, name, user, terminal, nice, start time,
thread count exactly when they did not change between the /proc reads; CPU times and io
counters between the two /proc readings; for a process that did not run in between (its CPU times did not
move), status (a sleeper may be caught running) and mapped sizes exactly, rss and shared
within the kernel's per-CPU slack (the walk reads the mm counters' central counts, /proc
adds their per-CPU parts). A process the walk lists and
neither /proc read saw must have started after the first. Then: churn (processes exiting
during walks are skipped, never half-reported), an unprivileged run (falls back to /proc and
says so; --backend bpf fails naming the reason), doctor's listing line, and memory that stays
bounded with 10k threads. Socket owners: `vigil net` with the fd-table walk against the
readlink scan of /proc/PID/fd (every row both /proc-path listings agree on), against
`ss -tuanp` for sockets this test opens with known fds, and with processes holding more
sockets than one read of the walk takes, then more than its ring buffer holds.
"""
import re
import socket
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (VIGIL, check, main, require_root, test, unprivileged_vigil,  # noqa: E402
                     vigil)

COLS = "pid,ppid,user,status,threads,nice,cpu_user,cpu_system,rss,vms,shared,create_time," \
       "terminal,name,read_bytes,write_bytes,source"
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
          "--bounding-set=-all"]
NCPU = os.sysconf("SC_NPROCESSORS_CONF")
PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = 1.0 / os.sysconf("SC_CLK_TCK")
# percpu_counter_batch is max(32, 2 * CPUs): each CPU may hold up to that many pages
SLACK_PAGES = NCPU * max(32, 2 * NCPU)


def listing(backend, exe=VIGIL, pre=()):
    p = subprocess.run([*pre, exe, "ps", "--backend", backend, "-f", "json", "-C", COLS],
                       capture_output=True, text=True, timeout=120)
    check(p.returncode == 0, "ps --backend %s exited %d: %s" % (backend, p.returncode,
                                                               p.stderr))
    return {r["pid"]: r for r in json.loads(p.stdout)}


def name_ok(got, a, b):
    if got in (a["name"], b["name"]):
        return True
    # a workqueue worker's name carries what it runs now: kworker/0:1-events
    return got.startswith("kworker/") and got.split("-")[0] == a["name"].split("-")[0]


def between(v, lo, hi, slack):
    return min(lo, hi) - slack <= v <= max(lo, hi) + slack


def compare(pid, a, g, b):
    """a, b: the /proc readings before and after; g: the walk's. A list of differences."""
    bad = []
    for k in ("ppid", "username", "terminal", "nice", "create_time"):
        if a.get(k) == b.get(k) and g.get(k) != a.get(k):
            bad.append("%s %r, /proc %r" % (k, g.get(k), a.get(k)))
    if not name_ok(g["name"], a, b):
        bad.append("name %r, /proc %r/%r" % (g["name"], a["name"], b["name"]))
    if not between(g["num_threads"], a["num_threads"], b["num_threads"], 0):
        if a["num_threads"] == b["num_threads"]:
            bad.append("num_threads %d, /proc %d" % (g["num_threads"], a["num_threads"]))
    ran = False
    for k in ("user", "system", "children_user", "children_system"):
        x, y, v = a["cpu_times"][k], b["cpu_times"][k], g["cpu_times"][k]
        ran = ran or x != y
        if not between(v, x, y, TICK + 1e-9):
            bad.append("cpu_times.%s %.2f not in /proc's [%.2f, %.2f]" % (k, v, x, y))
    # the io counters only grow: the walk's must lie between the two /proc readings
    ia, ib, ig = a.get("io_counters"), b.get("io_counters"), g.get("io_counters")
    if ia and ib:
        for k in sorted(ia):
            if not ig or not between(ig[k], ia[k], ib[k], 0):
                bad.append("io_counters.%s %s not in /proc's [%d, %d]" %
                           (k, ig and ig[k], ia[k], ib[k]))
    # a sleeper can be caught on a CPU, or waiting for a page, for less than a tick
    brief = ("running", "sleeping", "disk-sleep")
    if a["status"] == b["status"] and g["status"] != a["status"] and not ran and \
            not (a["status"] in brief and g["status"] in brief):
        bad.append("status %s, /proc %s" % (g["status"], a["status"]))
    if ran:
        return bad  # it ran between the reads: its memory may have moved, and back
    ma, mb, mg = a["memory_info"], b["memory_info"], g["memory_info"]
    for k in ("vms", "text", "data"):
        if ma[k] == mb[k] and mg[k] != ma[k]:
            bad.append("memory_info.%s %d, /proc %d" % (k, mg[k], ma[k]))
    for k, counters in (("rss", 3), ("shared", 2)):
        if not between(mg[k], ma[k], mb[k], counters * SLACK_PAGES * PAGE):
            bad.append("memory_info.%s %d, /proc %d/%d" % (k, mg[k], ma[k], mb[k]))
    return bad


def one_round():
    """/proc, walk, /proc: ({pid: [differences]}, compared, rows from bpf_iter)."""
    t0 = time.time()
    before = listing("fallback")
    walk = listing("bpf")
    after = listing("fallback")
    check(len(walk) > 50, "only %d processes in the walk" % len(walk))
    srcs = [r["source"] for r in walk.values()]
    check(srcs.count("bpf_iter") >= 0.9 * len(srcs),
          "only %d of %d rows from bpf_iter" % (srcs.count("bpf_iter"), len(srcs)))
    check(all(r["source"] == "procfs" for r in before.values()), "fallback rows not procfs")
    compared, problems = 0, {}
    for pid, a in before.items():
        b = after.get(pid)
        if not b or b["create_time"] != a["create_time"]:
            continue  # ended (or its pid was reused) between the /proc reads
        g = walk.get(pid)
        if g is None:
            problems[pid] = ["%s alive in both /proc reads, not in the walk" % a["name"]]
            continue
        compared += 1
        d = compare(pid, a, g, b)
        if d:
            problems[pid] = ["%s: %s" % (a["name"], x) for x in d]
    for pid, g in walk.items():
        # create_time is boot time (whole seconds in /proc/stat) plus ticks: 1 s of slack
        if pid not in before and pid not in after and g["create_time"] < t0 - 1.02:
            problems[pid] = ["%s only in the walk, started %.2f s before the test"
                             % (g["name"], t0 - g["create_time"])]
    check(compared > 50, "only %d processes compared" % compared)
    return problems, compared, srcs.count("bpf_iter")


@test
def walk_matches_proc_field_by_field():
    """Every process, every field, the walk against /proc read before and after it.

    A process can change for an instant between two reads and back (a thread started and
    joined, a page mapped and unmapped): a difference counts when the same process differs
    again in a second round; a real fault in either path shows every time."""
    require_root()
    first, compared, nbpf = one_round()
    again = one_round()[0] if first else {}
    both = {pid: first[pid] + again[pid] for pid in first if pid in again}
    lines = ["pid %d %s" % (pid, d) for pid, ds in sorted(both.items()) for d in ds]
    check(not lines, "%d differences, twice:\n  %s" % (len(lines), "\n  ".join(lines[:30])))
    print("  %d processes compared field by field, %d from bpf_iter, %d transient" %
          (compared, nbpf, len(first)))


CHURN = r"""
import os, sys, time
end = time.time() + float(sys.argv[1])
while time.time() < end:
    kids = []
    for _ in range(20):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        kids.append(pid)
    for k in kids:
        os.waitpid(k, 0)
"""


@test
def exiting_tasks_are_skipped_whole():
    """Walks while processes fork and exit: every row whole, no pid twice, none lost."""
    require_root()
    churn = subprocess.Popen([sys.executable, "-c", CHURN, "60"])
    try:
        for _ in range(15):
            p = vigil("ps", "--backend", "bpf", "-f", "json", "-C", COLS)
            rows = json.loads(p.stdout)
            pids = [r["pid"] for r in rows]
            check(len(pids) == len(set(pids)), "a pid listed twice")
            check(pids == sorted(pids), "rows out of pid order")
            for r in rows:
                check(r["pid"] > 0 and r["name"] and r["create_time"] > 1e9 and
                      r["ppid"] >= 0 and r["num_threads"] >= 1,
                      "a half-reported row: %r" % r)
            check(churn.pid in pids, "the churning parent is missing")
    finally:
        churn.kill()
        churn.wait()


@test
def unprivileged_falls_back_to_proc():
    """uid 65534 without capabilities: /proc, said in every row; --backend bpf fails."""
    tmp, exe = unprivileged_vigil()
    try:
        rows = listing("auto", exe, NOBODY)
        check(rows and all(r["source"] == "procfs" for r in rows.values()),
              "unprivileged rows not all procfs")
        check(os.getpid() in rows, "the test's own process is missing")
        p = subprocess.run([*NOBODY, exe, "ps", "--backend", "bpf"], capture_output=True,
                           text=True, timeout=60)
        check(p.returncode == 1 and "--backend bpf" in p.stderr and
              "task iterator" in p.stderr, "ps --backend bpf unprivileged: %d %r" %
              (p.returncode, p.stderr))
        p = subprocess.run([*NOBODY, exe, "pmap", "--backend", "bpf", "--", "self"],
                           capture_output=True, text=True, timeout=60)
        check(p.returncode == 2, "pmap self: %d %r" % (p.returncode, p.stderr))
        sleeper = subprocess.Popen([*NOBODY, "sleep", "60"])
        try:
            time.sleep(0.2)
            p = subprocess.run([*NOBODY, exe, "pmap", "--backend", "bpf", str(sleeper.pid)],
                               capture_output=True, text=True, timeout=60)
            check(p.returncode == 1 and "--backend bpf" in p.stderr and
                  "mapping iterator" in p.stderr, "pmap --backend bpf unprivileged: %d %r" %
                  (p.returncode, p.stderr))
            p = subprocess.run([*NOBODY, exe, "pmap", "-f", "table", str(sleeper.pid)],
                               capture_output=True, text=True, timeout=60)
            check(p.returncode == 0 and "sleep" in p.stdout, "pmap unprivileged: %d %r" %
                  (p.returncode, p.stderr))
        finally:
            sleeper.kill()
            sleeper.wait()
        p = subprocess.run([*NOBODY, exe, "ps", "--backend", "nosuch"], capture_output=True,
                           text=True, timeout=60)
        check(p.returncode == 2 and "--backend" in p.stderr, "a bad --backend: %d %r" %
              (p.returncode, p.stderr))
    finally:
        subprocess.run(["rm", "-rf", tmp])


@test
def child_pid_namespace_lists_its_own_pids():
    """The walks give the host's pids: in a child pid namespace every listing reads /proc, and
    says why. Before, ps listed the namespace's pids and the host's pids of the same processes."""
    require_root()
    ns = ["unshare", "--pid", "--fork", "--mount-proc"]
    script = ("%s ps -f json -C pid,name,source; %s net -k tcp -f json >/dev/null; "
              "%s doctor -f json" % (VIGIL, VIGIL, VIGIL))
    p = subprocess.run([*ns, "sh", "-c", script], capture_output=True, text=True, timeout=120)
    check(p.returncode == 0, "unshare: %d %s" % (p.returncode, p.stderr))
    lines = p.stdout.splitlines()
    rows = json.loads(lines[0])
    pids = sorted(r["pid"] for r in rows)
    check(pids == [1, 2] and all(r["source"] == "procfs" for r in rows),
          "ps in a child pid namespace: %r" % rows)
    check("child pid namespace" in p.stderr, "vigil net said nothing: %r" % p.stderr)
    lst = {x["name"]: x for x in json.loads("\n".join(lines[1:]))["listings"]}
    for name in ("processes", "sockets", "files", "maps"):
        check(lst[name]["source"] != "bpf_iter" and "child pid namespace" in lst[name]["reason"],
              "doctor in a child pid namespace: %s %r" % (name, lst[name]))


@test
def doctor_lists_the_process_listing():
    require_root()
    d = json.loads(vigil("doctor", "-f", "json").stdout)
    lst = {x["name"]: x for x in d["listings"]}
    check(lst["processes"]["source"] == "bpf_iter", "doctor: %r" % lst)
    check(lst["files"]["source"] == "bpf_iter", "doctor: %r" % lst)
    check(lst["maps"]["source"] == "bpf_iter", "doctor: %r" % lst)
    table = vigil("doctor").stdout
    for line in ("processes  bpf_iter", "files      bpf_iter", "maps       bpf_iter"):
        check(line in table, "doctor's table has no %r line" % line)


THREADS = r"""
import sys, threading
ev = threading.Event()
ts = [threading.Thread(target=ev.wait, daemon=True) for _ in range(int(sys.argv[1]))]
for t in ts:
    t.start()
print("ready", flush=True)
sys.stdin.read()
"""


def max_rss_kb(args):
    """ru_maxrss of one vigil run, in KiB."""
    p = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M", VIGIL, *args],
                       capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, "vigil %s: %s" % (" ".join(args), p.stderr))
    return int(p.stderr.strip().splitlines()[-1].split()[1])


@test
def memory_bounded_with_10k_threads():
    """A process with 10k threads: the walk visits them all; vigil's peak RSS barely moves."""
    require_root()
    args = ["ps", "--backend", "bpf", "-f", "csv", "-C", "pid,threads,name,source"]
    base = max_rss_kb(args)
    holder = subprocess.Popen([sys.executable, "-c", THREADS, "10000"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        check(holder.stdout.readline().strip() == "ready", "the thread holder failed")
        out = vigil(*args).stdout
        row = [r for r in out.splitlines() if r.startswith("%d," % holder.pid)]
        check(row and row[0].split(",")[1] == "10001" and row[0].endswith("bpf_iter"),
              "the holder's row: %r" % row)
        peak = max_rss_kb(args)
    finally:
        holder.kill()
        holder.wait()
    print("  peak RSS %d KiB without, %d KiB with 10k threads" % (base, peak))
    check(peak < base + 4096, "peak RSS grew from %d to %d KiB" % (base, peak))


def conns(backend):
    p = vigil("net", "--backend", backend, "-k", "all", "-f", "json")
    rows = json.loads(p.stdout)
    key = {(r["family"], r["type"], tuple(r["laddr"]), tuple(r["raddr"]), r["status"],
            r["pid"], r["fd"]) for r in rows}
    return rows, key


def my_sockets(n):
    """A TCP listener, n connected pairs on loopback, and n UDP sockets: {fd: socket}."""
    socks = []
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(n)
    socks.append(lst)
    for _ in range(n):
        c = socket.create_connection(lst.getsockname())
        a, _ = lst.accept()
        socks += [c, a]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", 0))
        socks.append(u)
    return socks


@test
def socket_owners_match_the_fd_scan():
    """Every socket row and owner: the fd-table walk against readlink of /proc/PID/fd."""
    require_root()
    socks = my_sockets(50)
    try:
        def round_():
            rows_a, a = conns("fallback")
            rows_g, g = conns("bpf")
            rows_b, b = conns("fallback")
            check(all(r["owner_source"] == "bpf_iter" for r in rows_g),
                  "walk rows not bpf_iter")
            check(all(r["owner_source"] == "procfs" for r in rows_a), "scan rows not procfs")
            return rows_g, g, a & b

        rows_g, g, stable = round_()
        check(len(stable) >= len(socks), "only %d stable rows for %d sockets of ours" %
              (len(stable), len(socks)))
        missing = stable - g
        if missing:  # a socket handed between processes for an instant: it must repeat
            _, g2, stable2 = round_()
            missing &= stable2 - g2
        missing = sorted(missing)
        check(not missing, "%d rows both /proc listings have, not the walk's, twice:\n  %s"
              % (len(missing), "\n  ".join(map(str, missing[:20]))))
        mine = {(r["fd"]) for r in rows_g if r["pid"] == os.getpid()}
        want = {s.fileno() for s in socks}
        check(want <= mine, "own sockets missing: %s" % sorted(want - mine))
        print("  %d stable rows, all in the walk's %d" % (len(stable), len(g)))
    finally:
        for s in socks:
            s.close()


def ss_owners():
    """(proto, local, peer) -> {(pid, fd)} from ss -tuanp."""
    p = subprocess.run(["ss", "-tuanpH"], capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, "ss failed: %s" % p.stderr)
    out = {}
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) < 6:
            continue
        owners = set((int(x), int(y)) for x, y in re.findall(r"pid=(\d+),fd=(\d+)", line))
        out[(f[0], f[4], f[5])] = owners
    return out


@test
def socket_owners_match_ss():
    """This test's own sockets: vigil net's (pid, fd) is the one ss -tuanp names."""
    require_root()
    socks = my_sockets(30)
    try:
        rows = json.loads(vigil("net", "--backend", "bpf", "-k", "inet4", "-f", "json").stdout)
        ss = ss_owners()
        seen = 0
        for s in socks:
            la = "%s:%d" % s.getsockname()
            try:
                peer = list(s.getpeername())
                ra = "%s:%d" % tuple(peer)
            except OSError:
                peer, ra = [], "0.0.0.0:*"
            proto = "udp" if s.type == socket.SOCK_DGRAM else "tcp"
            r = [x for x in rows if x["laddr"] and "%s:%d" % tuple(x["laddr"]) == la and
                 x["raddr"] == peer and x["type"] == s.type]
            check(len(r) == 1 and r[0]["fd"] == s.fileno(), "vigil net for %s: %r" % (la, r))
            owners = ss.get((proto, la, ra))
            check(owners == {(os.getpid(), s.fileno())}, "ss for %s %s %s: %r" %
                  (proto, la, ra, owners))
            seen += 1
        print("  %d sockets: vigil net and ss name the same (pid, fd)" % seen)
        p = vigil("net", "-p", str(os.getpid()), "--backend", "bpf", check=False)
        check(p.returncode == 2 and "not with --pid" in p.stderr,
              "net -p --backend bpf: %d %r" % (p.returncode, p.stderr))
    finally:
        for s in socks:
            s.close()


HOLDER = r"""
import resource, socket, sys, time
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
n = min((hard - 64) // 2, 8000)
resource.setrlimit(resource.RLIMIT_NOFILE, (2 * n + 64, hard))
keep = [socket.socketpair() for _ in range(n)]
print(2 * n, flush=True)
sys.stdin.read()
"""


def unix_rows(backend, pids):
    """vigil net -k unix -v for these pids: the rows' keys, and what -v said."""
    p = vigil("net", "--backend", backend, "-k", "unix", "-f", "json", "-v")
    rows = [r for r in json.loads(p.stdout) if r["pid"] in pids]
    check(all(r["owner_source"] == ("procfs" if backend == "fallback" else "bpf_iter")
              for r in rows), "%s rows from another source" % backend)
    return sorted((r["pid"], r["fd"], r["laddr"], r["raddr"]) for r in rows), p.stderr


@test
def owners_past_the_ring_buffer_come_from_proc():
    """Holders of 16k unix sockets each (fewer if RLIMIT_NOFILE says so): one alone, more
    than a read of the walk carries, is walked whole; past 2 x the 32k the 1 MiB ring holds
    (so that one read of the walk holds more than it), the processes that overflowed it are
    read from /proc and -v counts them. Either way every row is the fd scan's."""
    require_root()
    holders, held = [], 0
    try:
        while held < 96000:
            h = subprocess.Popen([sys.executable, "-c", HOLDER], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True)
            holders.append(h)
            held += int(h.stdout.readline())
            if len(holders) == 1:
                pids = {h.pid}
                walk, said = unix_rows("bpf", pids)
                scan, _ = unix_rows("fallback", pids)
                check(len(walk) == held and walk == scan,
                      "one holder: %d rows walked, %d scanned, %d held" %
                      (len(walk), len(scan), held))
                check("overflowed" not in said, "one holder overflowed: %s" % said)
        pids = {h.pid for h in holders}
        walk, said = unix_rows("bpf", pids)
        scan, _ = unix_rows("fallback", pids)
        m = re.search(r"(\d+) processes' fds from /proc: their sockets overflowed", said)
        # at least one holder; processes walked while the ring was full (vigil's own, with
        # its netlink sockets, comes after the holders) are counted too
        check(m and int(m.group(1)) >= 1, "-v said: %s" % said)
        check(len(walk) == held and walk == scan, "%d holders: %d rows walked, %d scanned, "
              "%d held" % (len(holders), len(walk), len(scan), held))
        print("  %d sockets in %d holders: %s of them read from /proc" %
              (held, len(holders), m.group(1)))
    finally:
        for h in holders:
            h.kill()
            h.wait()


if __name__ == "__main__":
    main()
