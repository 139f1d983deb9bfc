#!/bin/sh
# bench_iostat.sh - `vigil iostat -x` against sysstat's `iostat -x` as whole commands, in the
# same run: one report each (since boot, what a script that calls iostat once gets), exec
# included, output to /dev/null, the two run alternately so that both see the same background
# load. Prints the CPU model, the median wall time and the median CPU time (user+sys of the
# child) of each, and vigil's ratio (< 1: vigil is faster). The timer is Python's
# perf_counter and getrusage(RUSAGE_CHILDREN), nothing outside Debian and the repo. A third
# line, `vigil --version`, is the start-up floor every vigil command pays (exec, the dynamic
# loader, library constructors), so the report's own cost is the difference.
# BENCH_VIGIL_OLD=path adds another vigil binary (say, the previous commit's) to the same runs.
# usage: tools/bench_iostat.sh [RUNS]      (default 300)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-300}
IOSTAT=$(command -v iostat || true)
[ -n "$IOSTAT" ] || { echo "bench_iostat: sysstat's iostat is missing (tools/deps.sh)" >&2; exit 1; }
[ -x .output/vigil ] || make -s .output/vigil
LC_ALL=C /usr/bin/python3 - "$RUNS" "$IOSTAT" <<'PYEOF'
import os, resource, statistics, subprocess, sys, time
runs, iostat = int(sys.argv[1]), sys.argv[2]
cmds = {"vigil iostat -x": [".output/vigil", "iostat", "-x", "-f", "table"],
        "iostat -x": [iostat, "-x"],
        # the floor under any vigil command: exec, the loader and its libraries' constructors
        "vigil --version": [".output/vigil", "--version"]}
old = os.environ.get("BENCH_VIGIL_OLD")
if old:
    cmds["old iostat -x"] = [old, "iostat", "-x", "-f", "table"]
    cmds["old --version"] = [old, "--version"]
model = "unknown"
with open("/proc/cpuinfo") as f:
    for line in f:
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
wall = {k: [] for k in cmds}
cpu = {k: [] for k in cmds}
devnull = open(os.devnull, "w")
for c in cmds.values():  # warm the page cache for both binaries
    subprocess.run(c, stdout=devnull, check=True)
for _ in range(runs):
    for k, c in cmds.items():
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(c, stdout=devnull, check=True)
        t1 = time.perf_counter()
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall[k].append((t1 - t0) * 1e3)
        cpu[k].append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1e3)
print("iostat -x, one report, whole command: %d alternating runs each on %s (%d CPUs)"
      % (runs, model, os.cpu_count()))
print("  %-18s %12s %12s" % ("", "wall median", "CPU median"))
for k in cmds:
    print("  %-18s %10.3fms %10.3fms" % (k, statistics.median(wall[k]),
                                         statistics.median(cpu[k])))
v, s = "vigil iostat -x", "iostat -x"
print("  vigil iostat -x above its start-up floor: wall %.3fms, CPU %.3fms"
      % (statistics.median(wall[v]) - statistics.median(wall["vigil --version"]),
         statistics.median(cpu[v]) - statistics.median(cpu["vigil --version"])))
print("  ratio vigil/iostat: wall %.2fx, CPU %.2fx (< 1: vigil is faster)"
      % (statistics.median(wall[v]) / statistics.median(wall[s]),
         statistics.median(cpu[v]) / max(statistics.median(cpu[s]), 1e-9)))
if old:
    print("  ratio old vigil/iostat: wall %.2fx, CPU %.2fx"
          % (statistics.median(wall["old iostat -x"]) / statistics.median(wall[s]),
             statistics.median(cpu["old iostat -x"]) / max(statistics.median(cpu[s]), 1e-9)))
PYEOF
