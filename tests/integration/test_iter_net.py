#!/usr/bin/python3
"""test_iter_net.py: the BPF socket-table walks (the TCP hash walk, iter/udp) joined with the
fd-table owner walk, against sock_diag with the readlink scan of /proc/PID/fd, and against
ss. Unix sockets come from sock_diag on both paths (iter/unix skipped sockets here).

In a network namespace the test makes, a holder process opens TCP over IPv4 and IPv6 (a
listener, connected pairs, a v4-mapped connection, a TIME_WAIT), UDP (bound and connected),
and unix sockets of every type (a path, an abstract name, unbound pairs). `vigil net -k all`
with `--backend bpf` and `--backend fallback` must give the same rows there, field by field
(inode, owner pid and fd included), and `ss -tuanp` must name the same sockets and owners.
On the live host, where sockets come and go, only rows that both paths' repeated listings
disagree on twice fail. An unprivileged run falls back and says so in every row. A holder of
10k threads and 50k sockets is listed whole, with vigil's peak RSS under a stated bound. In
a child pid namespace the TCP hash walk runs its slices at the walk's end: with more sockets
than its ring holds, the table comes from iter/tcp, and the rows are still sock_diag's.
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (VIGIL, check, main, require_root, test, unprivileged_vigil,  # noqa: E402
                     vigil)

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
          "--bounding-set=-all"]

# The holder: run inside a fresh network namespace (lo is brought up first).
HOLDER = r"""
import os, resource, socket, sys, threading
npairs, nunix, nthreads, tmp = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
keep = []


def bulk(npairs, nunix):
    l4 = socket.socket(); l4.bind(("127.0.0.1", 0)); l4.listen(4096); keep.append(l4)
    for _ in range(npairs):
        c = socket.create_connection(l4.getsockname()); a, _ = l4.accept(); keep.extend([c, a])
    for _ in range(nunix):
        keep.extend(socket.socketpair())
    return l4


# more sockets than one process may hold (the hard limit): workers forked first hold them
nwork = (2 * npairs + 2 * nunix + hard - 257) // (hard - 256)
ready = []
for i in range(nwork - 1):
    r, w = os.pipe()
    if os.fork() == 0:
        bulk(npairs // nwork, nunix // nwork)
        os.write(w, b"1")
        threading.Event().wait()  # killed with the session
        os._exit(0)
    ready.append(r)
l4 = bulk(npairs - (nwork - 1) * (npairs // nwork), nunix - (nwork - 1) * (nunix // nwork))
for r in ready:
    os.read(r, 1)
l6 = socket.socket(socket.AF_INET6); l6.bind(("::1", 0)); l6.listen(16); keep.append(l6)
for _ in range(3):
    c = socket.create_connection(l6.getsockname()[:2]); a, _ = l6.accept(); keep += [c, a]
dual = socket.socket(socket.AF_INET6); dual.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
dual.bind(("::", 0)); dual.listen(16); keep.append(dual)
c = socket.create_connection(("127.0.0.1", dual.getsockname()[1])); a, _ = dual.accept()
keep += [c, a]
# a TIME_WAIT: the side that closes first keeps it
c = socket.create_connection(l4.getsockname()); a, _ = l4.accept(); c.close(); a.close()
u4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u4.bind(("127.0.0.1", 0)); keep.append(u4)
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u6.bind(("::1", 0)); keep.append(u6)
uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); uc.connect(u4.getsockname()); keep.append(uc)
un = socket.socket(socket.AF_UNIX); un.bind(os.path.join(tmp, "a sock")); un.listen(4)
keep.append(un)
c = socket.socket(socket.AF_UNIX); c.connect(os.path.join(tmp, "a sock")); a, _ = un.accept()
keep += [c, a]
ab = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); ab.bind(b"\0vigil-test-abstract")
keep.append(ab)
keep += socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
ev = threading.Event()
threading.stack_size(65536)
ts = [threading.Thread(target=ev.wait, daemon=True) for _ in range(nthreads)]
for t in ts:
    t.start()
print("ready", flush=True)
sys.stdin.read()
"""


class Holder:
    """The holder process in its own network namespace; vigil and ss run in it via nsenter."""

    def __init__(self, npairs=20, nunix=10, nthreads=0):
        self.tmp = tempfile.mkdtemp(prefix="vigil-iter-net-")
        self.p = subprocess.Popen(
            ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"',
             sys.executable, "-c", HOLDER, str(npairs), str(nunix), str(nthreads), self.tmp],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True)
        line = self.p.stdout.readline().strip()
        check(line == "ready", "the holder did not start: %r" % line)
        self.pre = ["nsenter", "--net=/proc/%d/ns/net" % self.p.pid]

    def close(self):
        os.killpg(self.p.pid, 9)  # the holder and its workers
        self.p.wait()
        subprocess.run(["rm", "-rf", self.tmp])


def net_run(backend, pre=(), exe=VIGIL, kind="all"):
    """vigil net -v: its rows, and what it said."""
    p = subprocess.run([*pre, exe, "net", "--backend", backend, "-k", kind, "-f", "json", "-v"],
                       capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, "net --backend %s exited %d: %s" % (backend, p.returncode,
                                                                p.stderr))
    return json.loads(p.stdout), p.stderr


def net_rows(backend, pre=(), exe=VIGIL, kind="all"):
    return net_run(backend, pre, exe, kind)[0]


def row_key(r):
    """Every field both paths fill: a row compared field by field is this tuple."""
    def addr(a):  # unix addresses are strings, inet ones [host, port] or []
        return a if isinstance(a, str) else tuple(a)

    return (r["family"], r["type"], addr(r["laddr"]), addr(r["raddr"]), r["status"],
            r["pid"], r["fd"], r["inode"])


def sources(rows, table, owner):
    """Every row's sources; unix sockets always come from sock_diag (no iter/unix: it skips
    sockets on this kernel: bpf/iter_net.bpf.c says how)."""
    bad = [r for r in rows if r["owner_source"] != owner or
           r["source"] != ("sock_diag" if r["family"] == 1 else table)]
    check(not bad, "%d rows not from %s/%s, e.g. %r" % (len(bad), table, owner, bad[:1]))


@test
def tables_match_sock_diag_in_a_netns():
    """Every socket of a namespace, every field and owner: the iterators against sock_diag."""
    require_root()
    h = Holder()
    try:
        g, said = net_run("bpf", h.pre)
        check("hash walk failed" not in said, "the TCP hash walk was not read: %s" % said)
        f = net_rows("fallback", h.pre)
        sources(g, "bpf_iter", "bpf_iter")
        sources(f, "sock_diag", "procfs")
        kg, kf = sorted(map(row_key, g)), sorted(map(row_key, f))
        only_g = sorted(set(kg) - set(kf))
        only_f = sorted(set(kf) - set(kg))
        check(kg == kf, "rows differ: %d only in the walk %r, %d only in sock_diag %r" %
              (len(only_g), only_g[:5], len(only_f), only_f[:5]))
        mine = [r for r in g if r["pid"] == h.p.pid]
        kinds = {(r["family"], r["type"]) for r in mine}
        for want in ((2, 1), (10, 1), (2, 2), (10, 2), (1, 1), (1, 2), (1, 5)):
            check(want in kinds, "no %r row of the holder's: %r" % (want, sorted(kinds)))
        tw = [r for r in g if r["status"] == "TIME_WAIT"]
        check(tw and all(r["pid"] is None and r["inode"] == 0 for r in tw),
              "the TIME_WAIT row: %r" % tw)
        names = {r["laddr"] for r in g if r["family"] == 1}
        check(os.path.join(h.tmp, "a sock") in names and "@vigil-test-abstract" in names,
              "unix names: %r" % sorted(names)[:10])
        v6 = [r for r in g if r["family"] == 10 and r["laddr"] and
              r["laddr"][0] == "::ffff:127.0.0.1"]
        check(v6, "no v4-mapped row")
        print("  %d rows, %d of the holder's, identical on both paths" % (len(g), len(mine)))
    finally:
        h.close()


def ss_rows(pre):
    """{(proto, local, peer, state): {(pid, fd)}} from ss -tuanp."""
    p = subprocess.run([*pre, "ss", "-tuanpH"], capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, "ss failed: %s" % p.stderr)
    out = {}
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) < 6:
            continue
        owners = set((int(x), int(y)) for x, y in re.findall(r"pid=(\d+),fd=(\d+)", line))
        # ss writes a dual-stack wildcard (IPv6, not v6only) as *
        la, ra = (re.sub(r"^\*:", "[::]:", a) for a in (f[4], f[5]))
        out.setdefault((f[0], f[1], la, ra), set()).update(owners)
    return out


SS_STATE = {"ESTABLISHED": "ESTAB", "SYN_SENT": "SYN-SENT", "SYN_RECV": "SYN-RECV",
            "FIN_WAIT1": "FIN-WAIT-1", "FIN_WAIT2": "FIN-WAIT-2", "TIME_WAIT": "TIME-WAIT",
            "CLOSE": "UNCONN", "CLOSE_WAIT": "CLOSE-WAIT", "LAST_ACK": "LAST-ACK",
            "LISTEN": "LISTEN", "CLOSING": "CLOSING"}


def ss_addr(r, which, listen):
    a = r[which]
    if not a:
        return ("[::]:*" if r["family"] == 10 else "0.0.0.0:*") if listen or which == "raddr" \
            else None
    host = "[%s]" % a[0] if r["family"] == 10 else a[0]
    return "%s:%d" % (host, a[1])


@test
def tables_match_ss_in_a_netns():
    """Every inet socket of the namespace: ss -tuanp names the same state and owners."""
    require_root()
    h = Holder()
    try:
        g = net_rows("bpf", h.pre, kind="inet")
        ss = ss_rows(h.pre)
        want = {}
        for r in g:
            proto = "tcp" if r["type"] == 1 else "udp"
            if proto == "tcp":
                st = SS_STATE[r["status"]]
            else:  # psutil says NONE for UDP; ss, connected or not
                st = "ESTAB" if r["raddr"] else "UNCONN"
            key = (proto, st, ss_addr(r, "laddr", st == "LISTEN"),
                   ss_addr(r, "raddr", st in ("LISTEN", "UNCONN")))
            want.setdefault(key, set())
            if r["pid"] is not None:
                want[key].add((r["pid"], r["fd"]))
        check(set(want) == set(ss), "sockets differ: only vigil %r, only ss %r" %
              (sorted(set(want) - set(ss))[:5], sorted(set(ss) - set(want))[:5]))
        # psutil's rule: an inet socket shows its first holder; ss lists every holder
        bad = [(k, want[k], ss[k]) for k in want if not want[k] <= ss[k] or
               (ss[k] and not want[k])]
        check(not bad, "owners differ: %r" % bad[:5])
        print("  %d inet sockets, the same in ss -tuanp" % len(want))
    finally:
        h.close()


@test
def tables_match_sock_diag_on_the_live_host():
    """The host's sockets: a row one path gives twice and the other never fails the test."""
    require_root()
    held = []  # the test's own sockets, so a quiet machine still has rows to compare
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(16)
    held.append(lst)
    for _ in range(8):
        c = socket.create_connection(lst.getsockname())
        held += [c, lst.accept()[0]]
        u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        u.bind(("::1", 0))
        held.append(u)
    try:
        g1, f1, g2, f2 = (net_rows(b) for b in ("bpf", "fallback", "bpf", "fallback"))
    finally:
        for x in held:
            x.close()
    sources(g1 + g2, "bpf_iter", "bpf_iter")
    sources(f1 + f2, "sock_diag", "procfs")
    kg1, kg2 = set(map(row_key, g1)), set(map(row_key, g2))
    kf1, kf2 = set(map(row_key, f1)), set(map(row_key, f2))
    only_g = (kg1 & kg2) - (kf1 | kf2)
    only_f = (kf1 & kf2) - (kg1 | kg2)
    check(not only_g and not only_f, "only the walk, twice: %r; only sock_diag, twice: %r" %
          (sorted(only_g)[:5], sorted(only_f)[:5]))
    stable = kg1 & kg2 & kf1 & kf2
    mine = {r for r in stable if r[5] == os.getpid()}
    check(len(mine) == len(held), "%d of the test's %d sockets in both paths, both reads" %
          (len(mine), len(held)))
    print("  %d stable rows, %d came or went between the reads" %
          (len(stable), len((kg1 | kg2 | kf1 | kf2) - stable)))


@test
def unprivileged_falls_back_to_sock_diag():
    """uid 65534 without capabilities: sock_diag and /proc, said in every row and by -v."""
    tmp, exe = unprivileged_vigil()
    try:
        p = subprocess.run([*NOBODY, exe, "net", "-k", "all", "-f", "json", "-v"],
                           capture_output=True, text=True, timeout=120)
        check(p.returncode == 0, "unprivileged net: %d %r" % (p.returncode, p.stderr))
        rows = json.loads(p.stdout)
        check(rows, "no rows")
        sources(rows, "sock_diag", "procfs")
        check("TCP and UDP tables from sock_diag: the BPF socket iterators failed" in p.stderr,
              "-v does not say why: %r" % p.stderr)
        p = subprocess.run([*NOBODY, exe, "net", "--backend", "bpf", "-k", "all"],
                           capture_output=True, text=True, timeout=60)
        check(p.returncode == 1 and "--backend bpf" in p.stderr and
              "socket iterators" in p.stderr, "net --backend bpf unprivileged: %d %r" %
              (p.returncode, p.stderr))
    finally:
        subprocess.run(["rm", "-rf", tmp])


@test
def doctor_lists_the_socket_listing():
    """doctor: the sockets line says bpf_iter as root, sock_diag with the reason unprivileged."""
    require_root()
    d = json.loads(vigil("doctor", "-f", "json").stdout)
    lst = {x["name"]: x for x in d["listings"]}
    check(lst["sockets"]["source"] == "bpf_iter", "doctor: %r" % lst)
    check("sockets    bpf_iter" in vigil("doctor").stdout, "doctor's table has no sockets line")
    tmp, exe = unprivileged_vigil()
    try:
        p = subprocess.run([*NOBODY, exe, "doctor", "-f", "json"], capture_output=True,
                           text=True, timeout=120)
        lst = {x["name"]: x for x in json.loads(p.stdout)["listings"]}
        check(lst["sockets"]["source"] == "sock_diag" and
              "socket" in lst["sockets"].get("reason", ""), "unprivileged doctor: %r" % lst)
    finally:
        subprocess.run(["rm", "-rf", tmp])


def vigil_hwm(pre, args):
    """(output lines, VmHWM KiB from /proc/PID/status) of one vigil run. vigil writes only
    once the whole listing is built, so its first bytes mean the walk is behind it; the
    unread pipe then holds it while its status is read."""
    p = subprocess.Popen([*pre, VIGIL, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    hwm = 0
    first = p.stdout.read(1)
    try:  # nsenter execs vigil: p.pid is vigil's own pid
        for line in open("/proc/%d/status" % p.pid):
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    except OSError:
        pass
    out = first + p.stdout.read()
    err = p.stderr.read()
    check(p.wait() == 0, "vigil %s: %s" % (" ".join(args), err))
    return out.decode().count("\n"), hwm


def maxrss_kb(pre, args):
    """ru_maxrss (KiB) of one vigil run, from /usr/bin/time: at exit, output included."""
    p = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M", *pre, VIGIL, *args],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                       timeout=300)
    check(p.returncode == 0, "vigil %s: %s" % (" ".join(args), p.stderr))
    return int(p.stderr.strip().splitlines()[-1].split()[1])


@test
def memory_bounded_with_10k_threads_and_50k_sockets():
    """10k threads and 50k sockets (over processes, as RLIMIT_NOFILE's hard limit allows): every
    socket listed, peak RSS under 8 MiB and 512 bytes a socket."""
    require_root()
    args = ["net", "--backend", "bpf", "-k", "all", "-f", "csv"]
    t0 = time.time()
    h = Holder(npairs=5000, nunix=20000, nthreads=10000)
    try:
        print("  holder ready in %.1fs" % (time.time() - t0))
        n, hwm = vigil_hwm(h.pre, args)
        maxrss = maxrss_kb(h.pre, args)
        nsock = n - 1  # the CSV header
        check(nsock >= 50000, "only %d sockets listed" % nsock)
        # the rows themselves (about 250 bytes each, and a sorted copy of the owners) dominate
        bound = 8 * 1024 + nsock // 2
        print("  %d sockets: VmHWM %d KiB after the walk, ru_maxrss %d KiB at exit "
              "(bound %d KiB: 8 MiB + 512 bytes a socket)" % (nsock, hwm, maxrss, bound))
        check(0 < hwm <= bound and maxrss <= bound, "peak RSS %d/%d KiB over %d KiB" %
              (hwm, maxrss, bound))
    finally:
        h.close()



def table_key(r):
    return (r["family"], r["type"], tuple(r["laddr"]), tuple(r["raddr"]), r["status"],
            r["inode"])


@test
def tcp_hash_walk_in_a_child_pid_namespace():
    """With fewer tasks than the walk has slices (a child pid namespace), the TCP hash walk
    takes its slices at the walk's end, all at once: 40 sockets fit its ring, and the rows
    are sock_diag's; 16k do not, and the table comes from iter/tcp, -v says why, and the
    rows are still sock_diag's."""
    require_root()
    for npairs, fits in ((20, True), (8000, False)):
        h = Holder(npairs=npairs)
        try:
            pre = h.pre + ["unshare", "--pid", "--fork", "--mount-proc"]
            g, said = net_run("auto", pre, kind="tcp")
            f, _ = net_run("fallback", pre, kind="tcp")
            check(g and all(r["source"] == "bpf_iter" for r in g), "%d pairs: rows not from "
                  "bpf_iter: %r" % (npairs, [r["source"] for r in g][:3]))
            full = r"TCP sockets from iter/tcp: the hash walk failed: slice \d+: its ring " \
                r"buffer filled"
            check("hash walk failed" not in said if fits else re.search(full, said),
                  "%d pairs: -v said %r" % (npairs, said))
            kg, kf = sorted(map(table_key, g)), sorted(map(table_key, f))
            check(kg == kf and len(kg) >= 2 * npairs, "%d pairs: %d rows walked, %d from "
                  "sock_diag, %d differ" % (npairs, len(kg), len(kf),
                                            len(set(kg) ^ set(kf))))
            print("  %d rows: %s" % (len(kg), "the hash walk" if fits else "iter/tcp"))
        finally:
            h.close()


if __name__ == "__main__":
    main()
