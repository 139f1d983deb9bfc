#!/bin/sh
# bench_iter.sh - the BPF iterator listings (issue 20) against /proc and the peers, as whole
# commands, paired in one run on the same machine state: `vigil ps` with the task iterator
# (--backend bpf) and with /proc (--backend fallback) against procps `ps -e` with the same
# columns; `vigil net -k all` with the fd-table walk for owners and with the readlink scan
# against `ss -tuanp`; `vigil lsof` with the fd walk and with /proc against `lsof -nP`; then
# `vigil top`'s CPU per refresh with the walks and with /proc.  A workload of PROCS extra
# sleeping processes and one process holding SOCKS loopback TCP sockets is started first.
# Each round runs every command once, in turn,
# so all see the same background load; medians of wall time and of CPU time (user + system,
# from the kernel's accounting of the child) are printed with the ratios to the peer.
# Then the in-process listings against psutil (if installed), in alternating blocks:
# net_connections('all'), and a fresh process_iter(name, status, cpu_times, memory_info),
# each through vigil's iterators (tools/bench/iter_inproc, the walks loaded once for the
# process, as `vigil top` keeps them) and through /proc + sock_diag; medians of
# wall and process CPU per listing, the ratio psutil / vigil.
# usage: tools/bench_iter.sh [RUNS] [PROCS] [SOCKS]     (defaults 21 1000 10000)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-21}
PROCS=${2:-1000}
SOCKS=${3:-10000}
PY=/usr/bin/python3
V=.output/vigil
IN=.output/tools/bench/iter_inproc
[ -x "$V" ] || make -s "$V"
[ -x "$IN" ] || make -s "$IN"

# --- workload: PROCS sleepers and one process holding SOCKS loopback TCP sockets
pids=""
i=0
while [ "$i" -lt "$PROCS" ]; do
	sleep 900 &
	pids="$pids $!"
	i=$((i + 1))
done
$PY - "$SOCKS" <<'PYEOF' &
import resource, socket, struct, sys, time
n = int(sys.argv[1]) // 2
resource.setrlimit(resource.RLIMIT_NOFILE, (2 * n + 64, 2 * n + 64))
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(4096)
keep = []
# linger 0: the sockets reset at exit instead of leaving SOCKS/2 TIME_WAIT rows for a minute,
# which a bench started within that minute would list too
off = struct.pack("ii", 1, 0)
for _ in range(n):
    c = socket.create_connection(l.getsockname()); a, _ = l.accept(); keep += [c, a]
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, off)
    a.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, off)
print("ready", flush=True)
time.sleep(900)
PYEOF
holder=$!
trap 'kill $pids $holder 2>/dev/null || true' EXIT INT TERM
# wait until the holder's sockets are all there
while [ "$(ls /proc/$holder/fd 2>/dev/null | wc -l)" -lt "$SOCKS" ]; do sleep 0.2; done

$PY - "$RUNS" "$V" "$PROCS" "$SOCKS" <<'PYEOF'
import os, platform, resource, statistics, subprocess, sys, time
runs, v, procs, socks = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
cols = "pid,ppid,user,status,threads,time,rss,vms,name"
cmds = {
    "vigil ps (bpf_iter)": [v, "ps", "--backend", "bpf", "-f", "table", "-C", cols],
    "vigil ps (procfs)": [v, "ps", "--backend", "fallback", "-f", "table", "-C", cols],
    "ps -e (procps)": ["ps", "-e", "-o", "pid,ppid,user,stat,nlwp,time,rss,vsz,comm"],
    "vigil net (bpf_iter owners)": [v, "net", "--backend", "bpf", "-k", "all", "-f", "table"],
    "vigil net (procfs owners)": [v, "net", "--backend", "fallback", "-k", "all", "-f",
                                  "table"],
    "ss -tuanp": ["ss", "-tuanp"],
    "vigil lsof (bpf_iter fds)": [v, "lsof", "--backend", "bpf", "-f", "table"],
    "vigil lsof (procfs)": [v, "lsof", "--backend", "fallback", "-f", "table"],
    "lsof -nP": ["lsof", "-nP"],
}
wall = {k: [] for k in cmds}
cpu = {k: [] for k in cmds}
for c in cmds.values():
    subprocess.run(c, stdout=subprocess.DEVNULL, check=True)
for _ in range(runs):
    for k, c in cmds.items():
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(c, stdout=subprocess.DEVNULL, check=True)
        wall[k].append((time.perf_counter() - t0) * 1000)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[k].append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
model = "?"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        model = line.split(":", 1)[1].strip()
        break
nprocs = sum(1 for d in os.listdir("/proc") if d.isdigit())
print("iterator bench: %d processes (%s extra), %s extra sockets, %d rounds; %s, %d CPUs, "
      "Linux %s, load %.1f" % (nprocs, procs, socks, runs, model, os.cpu_count(),
                               platform.release(), os.getloadavg()[0]))
print("%-30s %10s %10s %12s %12s" % ("command", "wall ms", "cpu ms", "wall/peer", "cpu/peer"))
peer = {"vigil ps (bpf_iter)": "ps -e (procps)", "vigil ps (procfs)": "ps -e (procps)",
        "vigil net (bpf_iter owners)": "ss -tuanp", "vigil net (procfs owners)": "ss -tuanp",
        "vigil lsof (bpf_iter fds)": "lsof -nP", "vigil lsof (procfs)": "lsof -nP"}
for k in cmds:
    w, c = statistics.median(wall[k]), statistics.median(cpu[k])
    if k in peer:
        pw, pc = statistics.median(wall[peer[k]]), statistics.median(cpu[peer[k]])
        print("%-30s %10.1f %10.1f %11.2fx %11.2fx" % (k, w, c, w / pw, c / pc if pc else 0))
    else:
        print("%-30s %10.1f %10.1f" % (k, w, c))
PYEOF

# --- vigil top's refresh: CPU per frame at a 0.1 s interval, the walks against /proc. The
# CPU of a 2 s run is taken from a 6 s one's, so start-up cancels out; the frames between
# them are counted from the JSON output.
$PY - "$V" <<'PYEOF'
import resource, subprocess, sys
v = sys.argv[1]
def run(backend, secs):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([v, "top", "-f", "json", "-i", "0.1", "-d", str(secs), "--backend",
                          backend], capture_output=True, text=True, check=True).stdout
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    frames = sum(1 for line in out.splitlines() if line.startswith("{"))
    return r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime, frames
print("vigil top, CPU per refresh at -i 0.1 (median of 3):")
for backend, label in (("auto", "task and socket walks"), ("fallback", "/proc, sock_diag")):
    per = []
    for _ in range(3):
        (c2, f2), (c6, f6) = run(backend, 2), run(backend, 6)
        per.append((c6 - c2) * 1000 / max(f6 - f2, 1))
    per.sort()
    print("  %-24s %8.1f ms" % (label, per[1]))
PYEOF

# --- in process, against psutil: alternating blocks of RUNS/3 listings each
$PY -c "import psutil" 2>/dev/null || { echo "in-process: python3-psutil is not installed"; exit 0; }
$PY - "$RUNS" "$IN" <<'PYEOF'
import json, statistics, subprocess, sys
runs, inproc = int(sys.argv[1]), sys.argv[2]
per = max(3, runs // 3)
PSU = r"""
import json, sys, time, psutil
what, runs = sys.argv[1], int(sys.argv[2])
ATTRS = ["name", "status", "cpu_times", "memory_info"]
def ps():
    psutil._pmap.clear()  # a fresh listing: no cached Process objects
    return [p.info for p in psutil.process_iter(ATTRS)]
fn = {"conns": lambda: psutil.net_connections("all"), "ps": ps}[what]
fn()
wall, cpu = [], []
for _ in range(runs):
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    wall.append((time.perf_counter() - t0) * 1000)
    cpu.append((time.process_time() - c0) * 1000)
print(json.dumps({"wall_ms": wall, "cpu_ms": cpu}))
"""
res = {}
for what in ("conns", "ps"):
    for _ in range(3):
        for side in ("psutil", "bpf", "fallback"):
            cmd = ([sys.executable, "-c", PSU, what, str(per)] if side == "psutil"
                   else [inproc, what, str(per), side])
            d = json.loads(subprocess.run(cmd, capture_output=True, text=True,
                                          check=True).stdout)
            r = res.setdefault((what, side), {"wall": [], "cpu": []})
            r["wall"] += d["wall_ms"]
            r["cpu"] += d["cpu_ms"]
            if side == "bpf" and what == "conns":
                r["src"] = "%s tables, %s owners" % (d["table_source"], d["owner_source"])
print("in process, %d listings each, medians:" % (3 * per))
print("%-45s %10s %10s %14s %14s" % ("listing", "wall ms", "cpu ms", "psutil/vigil w",
                                       "psutil/vigil c"))
names = {"conns": "net_connections('all')", "ps": "process_iter(name,status,cpu,mem)"}
for what in ("conns", "ps"):
    pw = statistics.median(res[(what, "psutil")]["wall"])
    pc = statistics.median(res[(what, "psutil")]["cpu"])
    for side in ("bpf", "fallback", "psutil"):
        r = res[(what, side)]
        w, c = statistics.median(r["wall"]), statistics.median(r["cpu"])
        label = "%s %s" % (names[what], {"bpf": "(bpf_iter)", "fallback": "(procfs)",
                                         "psutil": "psutil"}[side])
        if side == "psutil":
            print("%-45s %10.2f %10.2f" % (label, w, c))
        else:
            print("%-45s %10.2f %10.2f %13.1fx %13.1fx" % (label, w, c, pw / w, pc / c))
PYEOF
