#!/bin/sh
# bench_fallback.sh - vigil's fallback library against python3-psutil (and ss) in the same run,
# on the same machine state: listing every process with name, status, cpu times and memory
# info; net_connections('all') (and `ss -tuanp`); the full snapshot.  Library and psutil are
# timed in-process (median of RUNS calls after one warm-up); the connection listing is also
# timed as whole commands against `ss -tuanp`.  A workload of sleeper processes and loopback
# TCP connections is started first so the numbers are not those of an idle box.
# usage: tools/bench_fallback.sh [RUNS] [PROCS] [CONNS]     (defaults 30 100 200)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-30}
PROCS=${2:-100}
CONNS=${3:-200}
PROBE=.output/tests/live/fbprobe
PY=/usr/bin/python3
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
import socket, sys, time
n = int(sys.argv[1]) // 2
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(n + 8)
keep = []
for _ in range(n):
    c = socket.create_connection(l.getsockname()); a, _ = l.accept(); keep += [c, a]
time.sleep(600)
PYEOF
holder=$!
trap 'kill $pids $holder 2>/dev/null || true' EXIT INT TERM
sleep 1

# --- psutil, in-process
$PY - "$RUNS" >/tmp/vigil_bench_psutil.$$ <<'PYEOF'
import json, statistics, sys, time
import psutil
runs = int(sys.argv[1])
def med(fn):
    fn()
    t = []
    for _ in range(runs):
        t0 = time.perf_counter(); fn(); t.append((time.perf_counter() - t0) * 1000)
    return statistics.median(t)
ATTRS = ["name", "status", "cpu_times", "memory_info"]
def ps():
    psutil.process_iter.cache_clear() if hasattr(psutil.process_iter, "cache_clear") else None
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
print(json.dumps({"ps": med(ps), "conns": med(conns), "snapshot": med(snapshot),
                  "nprocs": len(psutil.pids()), "nconns": len(psutil.net_connections("all"))}))
PYEOF

# --- vigil, in-process
v_ps=$($PROBE bench ps "$RUNS" | sed 's/.*"median_ms":\([0-9.]*\).*/\1/')
v_psw=$($PROBE bench ps-warm "$RUNS" | sed 's/.*"median_ms":\([0-9.]*\).*/\1/')
v_conns=$($PROBE bench conns "$RUNS" | sed 's/.*"median_ms":\([0-9.]*\).*/\1/')
v_snap=$($PROBE bench snapshot "$RUNS" | sed 's/.*"median_ms":\([0-9.]*\).*/\1/')

# --- whole commands: fbprobe conns all vs ss -tuanp (exec included for both)
cmd_med() { # cmd_med RUNS CMD...: median wall ms of a command
	n=$1
	shift
	$PY - "$n" "$@" <<'PYEOF'
import statistics, subprocess, sys, time
n = int(sys.argv[1]); cmd = sys.argv[2:]
subprocess.run(cmd, stdout=subprocess.DEVNULL)
t = []
for _ in range(n):
    t0 = time.perf_counter(); subprocess.run(cmd, stdout=subprocess.DEVNULL)
    t.append((time.perf_counter() - t0) * 1000)
print("%.4f" % statistics.median(t))
PYEOF
}
c_fb=$(cmd_med "$RUNS" "$PROBE" conns all)
c_ss=$(cmd_med "$RUNS" ss -tuanp)
c_fbinet=$(cmd_med "$RUNS" "$PROBE" conns inet)

$PY - /tmp/vigil_bench_psutil.$$ "$v_ps" "$v_conns" "$v_snap" "$c_fb" "$c_ss" "$c_fbinet" \
	"$v_psw" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))
v_ps, v_conns, v_snap, c_fb, c_ss, c_fbinet, v_psw = (float(x) for x in sys.argv[2:9])
print("fallback bench: %d processes, %d connections, medians of in-process calls"
      % (p["nprocs"], p["nconns"]))
rows = [("process list, refreshed (iterator rewound)", v_psw, p["ps"], "psutil"),
        ("process list, cold (new iterator each time)", v_ps, p["ps"], "psutil"),
        ("net_connections('all')", v_conns, p["conns"], "psutil"),
        ("full snapshot", v_snap, p["snapshot"], "psutil"),
        ("command: fbprobe conns all vs ss -tuanp", c_fb, c_ss, "ss"),
        ("command: fbprobe conns inet vs ss -tuanp", c_fbinet, c_ss, "ss")]
for name, v, o, peer in rows:
    print("  %-52s vigil %8.3f ms  %-6s %8.3f ms  %6.1fx" % (name, v, peer, o, o / v))
PYEOF
rm -f /tmp/vigil_bench_psutil.$$
