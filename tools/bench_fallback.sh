#!/bin/sh
# bench_fallback.sh - vigil's fallback library against python3-psutil (and ss) in the same run,
# on the same machine state: listing every process with name, status, cpu times and memory
# info; net_connections('all') (and `ss -tuanp`); the full snapshot.  Library and psutil are
# timed in-process, after a warm-up, in alternating blocks so that both sides see the same
# background load; medians of wall time and of process CPU time (all threads) are reported
# with their ratios.  The connection listing is also timed as whole commands against
# `ss -tuanp`.  A workload of sleeper processes and loopback TCP connections is started first.
# The floor lines time tools/bench/fb_floor (the kernel work alone: what psutil also has to do)
# to show which ratio to psutil is reachable at all on one CPU.
# usage: tools/bench_fallback.sh [RUNS] [PROCS] [CONNS]     (defaults 30 100 200)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-30}
PROCS=${2:-100}
CONNS=${3:-200}
BLOCKS=5
PER=$(( (RUNS + BLOCKS - 1) / BLOCKS ))
PROBE=${PROBE:-.output/tests/live/fbprobe} # another build to compare: PROBE=path
PY=/usr/bin/python3
TMP=$(mktemp -d)
[ -x "$PROBE" ] || make -s "$PROBE"

# --- workload: PROCS sleepers and one process holding CONNS loopback TCP pairs
pids=""
i=0
while [ "$i" -lt "$PROCS" ]; do
	sleep 600 &
	pids="$pids $!"
	i=$((i + 1))
done
$PY - "$CONNS" <<'PYEOF' &
import socket, struct, sys, time
n = int(sys.argv[1]) // 2
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(n + 8)
keep = []
off = struct.pack("ii", 1, 0)  # linger 0: no TIME_WAIT rows left for the next bench
for _ in range(n):
    c = socket.create_connection(l.getsockname()); a, _ = l.accept(); keep += [c, a]
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, off)
    a.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, off)
time.sleep(600)
PYEOF
holder=$!
trap 'kill $pids $holder 2>/dev/null || true; rm -rf "$TMP"' EXIT INT TERM
sleep 1

cat >"$TMP/psutil_side.py" <<'PYEOF'
import json, sys, time
import psutil
what, runs = sys.argv[1], int(sys.argv[2])
ATTRS = ["name", "status", "cpu_times", "memory_info"]
def ps_warm():
    return [p.info for p in psutil.process_iter(ATTRS)]
def ps():
    # a fresh listing, as vigil's new iterator (or a new `python3 -c`): no cached Process
    # objects (psutil's warm path is no cheaper: it re-reads stat to check for pid reuse)
    psutil._pmap.clear()
    return [p.info for p in psutil.process_iter(ATTRS)]
def conns():
    return psutil.net_connections("all")
def snapshot():
    d = {"cpu_times": psutil.cpu_times(), "percpu": psutil.cpu_times(percpu=True),
         "cpu_count": psutil.cpu_count(), "cores": psutil.cpu_count(False),
         "cpu_stats": psutil.cpu_stats(), "cpu_freq": psutil.cpu_freq(),
         "load": psutil.getloadavg(), "vm": psutil.virtual_memory(), "swap": psutil.swap_memory(),
         "parts": psutil.disk_partitions(), "parts_all": psutil.disk_partitions(True),
         "usage": [psutil.disk_usage(p.mountpoint) for p in psutil.disk_partitions()],
         "dio": psutil.disk_io_counters(), "dio_per": psutil.disk_io_counters(perdisk=True),
         "nio": psutil.net_io_counters(), "nio_per": psutil.net_io_counters(pernic=True),
         "addrs": psutil.net_if_addrs(), "stats": psutil.net_if_stats(),
         "conns": psutil.net_connections("all"), "temps": psutil.sensors_temperatures(),
         "fans": psutil.sensors_fans(), "bat": psutil.sensors_battery(),
         "boot": psutil.boot_time(), "users": psutil.users(), "pids": psutil.pids(),
         "procs": [p.info for p in psutil.process_iter(ATTRS + ["ppid", "username",
                                                                "create_time", "num_threads"])]}
    return json.dumps(d, default=str)
fn = {"ps": ps, "ps-warm": ps_warm, "conns": conns, "snapshot": snapshot}[what]
fn()
wall, cpu = [], []
for _ in range(runs):
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    wall.append((time.perf_counter() - t0) * 1000)
    cpu.append((time.process_time() - c0) * 1000)
print(json.dumps({"what": what, "wall_ms": wall, "cpu_ms": cpu,
                  "nprocs": len(psutil.pids()), "nconns": len(psutil.net_connections("all"))}))
PYEOF

# --- alternate psutil and vigil blocks for each measurement, with the kernel floor
# (tools/bench/fb_floor.c: the files and readlinks alone, one thread) in the same blocks
FLOOR=.output/tools/bench/fb_floor
[ -x "$FLOOR" ] || make -s "$FLOOR"
for what in ps-warm ps conns snapshot; do
	b=0
	while [ "$b" -lt "$BLOCKS" ]; do
		$PY "$TMP/psutil_side.py" "$what" "$PER" >>"$TMP/psutil.$what"
		$PROBE bench "$what" "$PER" >>"$TMP/vigil.$what"
		case $what in
		ps | conns) $FLOOR "$what" "$PER" >>"$TMP/floor.$what" ;;
		esac
		b=$((b + 1))
	done
done

# --- whole commands: fbprobe conns vs ss -tuanp, alternating, exec included for both
$PY - "$RUNS" "$PROBE" >"$TMP/cmds" <<'PYEOF'
import json, statistics, subprocess, sys, time
n, probe = int(sys.argv[1]), sys.argv[2]
cmds = {"fb_all": [probe, "conns", "all"], "fb_inet": [probe, "conns", "inet"],
        "ss": ["ss", "-tuanp"]}
import os
if os.access(".output/vigil", os.X_OK):
    cmds["vigil_net"] = [".output/vigil", "net", "inet", "--format", "table"]
    cmds["vigil_ps"] = [".output/vigil", "ps", "--format", "table"]
    cmds["ps"] = ["ps", "-eo", "pid,ppid,user,stat,nlwp,time,rss,vsz,comm"]
t = {k: [] for k in cmds}
for k, c in cmds.items():
    subprocess.run(c, stdout=subprocess.DEVNULL)
for _ in range(n):
    for k, c in cmds.items():
        t0 = time.perf_counter(); subprocess.run(c, stdout=subprocess.DEVNULL)
        t[k].append((time.perf_counter() - t0) * 1000)
print(json.dumps({k: statistics.median(v) for k, v in t.items()}))
PYEOF

$PY - "$TMP" <<'PYEOF'
import json, os, statistics, sys
tmp = sys.argv[1]
def load(side, what):
    wall, cpu, meta = [], [], {}
    for line in open(os.path.join(tmp, "%s.%s" % (side, what))):
        d = json.loads(line)
        wall += d["wall_ms"]; cpu += d["cpu_ms"]
        meta = d
    return statistics.median(wall), statistics.median(cpu), meta
rows = [("ps-warm", "process list, refreshed (iterator rewound)"),
        ("ps", "process list, cold (new iterator each time)"),
        ("conns", "net_connections('all')"),
        ("snapshot", "full snapshot")]
_, _, meta = load("psutil", "conns")
print("fallback bench: %d processes, %d connections; medians, vigil vs psutil 5.9.4"
      % (meta["nprocs"], meta["nconns"]))
print("  %-46s %10s %10s %7s   %10s %10s %7s" % ("", "vigil", "psutil", "wall",
                                                "vigil cpu", "psutil cpu", "cpu"))
for what, name in rows:
    vw, vc, _ = load("vigil", what)
    pw, pc, _ = load("psutil", what)
    print("  %-46s %8.3fms %8.3fms %6.1fx   %8.3fms %8.3fms %6.1fx"
          % (name, vw, pw, pw / vw, vc, pc, pc / max(vc, 1e-6)))
for what, name, ref in (("ps", "floor: stat+statm open/read/close, 1 thread", "ps"),
                        ("conns", "floor: readlink of every fd, 1 thread", "conns")):
    fw = statistics.median(sum((json.loads(l)["wall_ms"]
                                for l in open(os.path.join(tmp, "floor." + what))), []))
    pw, _, _ = load("psutil", ref)
    print("  %-46s %8.3fms %8.3fms %6.1fx   (the best ratio one thread can reach)"
          % (name, fw, pw, pw / fw))
c = json.load(open(os.path.join(tmp, "cmds")))
print("  %-46s %8.3fms %8.3fms %6.1fx   (ss -tuanp)" % ("command: fbprobe conns all", c["fb_all"],
                                                       c["ss"], c["ss"] / c["fb_all"]))
print("  %-46s %8.3fms %8.3fms %6.1fx   (ss -tuanp)" % ("command: fbprobe conns inet",
                                                       c["fb_inet"], c["ss"],
                                                       c["ss"] / c["fb_inet"]))
if "vigil_net" in c:
    print("  %-46s %8.3fms %8.3fms %6.1fx   (ss -tuanp)" % ("command: vigil net inet",
                                                           c["vigil_net"], c["ss"],
                                                           c["ss"] / c["vigil_net"]))
    print("  %-46s %8.3fms %8.3fms %6.1fx   (ps -eo ...)" % ("command: vigil ps", c["vigil_ps"],
                                                            c["ps"], c["ps"] / c["vigil_ps"]))
PYEOF
