#!/bin/sh
# bench_profile.sh: the profiler's overhead. A CPU-bound workload (profile_burn bench: one
# busy thread per CPU) runs alone, under `vigil profile` at 99 Hz on every CPU, and under
# `perf record -F 99 -g -a` (cpu-clock), interleaved, RUNS times each. For each it prints the
# median throughput and its ratio to the baseline (1.000 = no overhead), then vigil's ratio
# against perf's. Two throughputs: ops per wall-clock second (what the workload sees, all
# costs included, but skewed by any other load on the machine) and ops per second of the
# workload's own CPU time (the in-context cost of sampling: the BPF program or perf's
# handler runs in the interrupted task's time; immune to other load), and the CPU time of
# the profilers' own processes. Needs root, /usr/bin/time and a built tree (make). RUNS and
# SECS override the defaults (7 runs of 5 s).
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-7}
SECS=${SECS:-5}
BURN=.output/tests/integration/profile_burn
VIGIL=.output/vigil
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

[ -x "$BURN" ] && [ -x "$VIGIL" ] || { echo "bench_profile: run make first" >&2; exit 1; }
# The profilers' own processes: user + system CPU, beside what they cost in the workload.
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench_profile: needs /usr/bin/time (package time)" >&2; exit 1; }
HAVE_PERF=1
if ! perf record -e cpu-clock -F 99 -g -a -o "$TMP/probe.data" -- true >/dev/null 2>&1; then
	echo "bench_profile: perf record does not work here; perf rows skipped" >&2
	HAVE_PERF=0
fi

# Append "wall cpu" throughputs of one workload run to file $1.
burn() {
	"$BURN" bench "$SECS" | awk '/^ops_per_sec/ { w = $2 } /^ops_per_cpu_sec/ { c = $2 }
		END { print w, c }' >>"$1"
}

run_vigil() {
	$TIME -f "%U %S" -o "$TMP/v.time" "$VIGIL" profile --freq 99 --duration $((SECS + 2)) \
		-o "$TMP/v.folded" 2>"$TMP/v.err" &
	vp=$!
	sleep 1
	burn "$TMP/vigil"
	# Still attached for another second: read the program's in-kernel cost per sample.
	bpftool -j prog show 2>/dev/null | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p.get("name", "").startswith("handle_profile") and p.get("run_cnt"):
        print(p["run_time_ns"] / p["run_cnt"])' >>"$TMP/bpf_ns" || true
	wait "$vp"
	awk '{ print ($1 + $2) * 1000 }' "$TMP/v.time" >>"$TMP/vigil_ms"
}

run_perf() {
	$TIME -f "%U %S" -o "$TMP/p.time" perf record -e cpu-clock -F 99 -g -a \
		-o "$TMP/perf.data" -- sleep $((SECS + 2)) >/dev/null 2>&1 &
	pp=$!
	sleep 1
	burn "$TMP/perf"
	wait "$pp"
	awk '{ print ($1 + $2) * 1000 }' "$TMP/p.time" >>"$TMP/perf_ms"
}

# Median of column $1 of file $2.
median() {
	awk -v c="$1" '{ print $c }' "$2" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

: >"$TMP/base"; : >"$TMP/vigil"; : >"$TMP/perf"; : >"$TMP/bpf_ns"
: >"$TMP/vigil_ms"; : >"$TMP/perf_ms"
stats_was=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
sysctl -qw kernel.bpf_stats_enabled=1 2>/dev/null || true
trap 'sysctl -qw kernel.bpf_stats_enabled="$stats_was" 2>/dev/null; rm -rf "$TMP"' EXIT
for i in $(seq "$RUNS"); do
	burn "$TMP/base"
	run_vigil
	[ "$HAVE_PERF" = 1 ] && run_perf
	printf '.' >&2
done
echo >&2

echo "profile overhead at 99 Hz, $(nproc) CPUs busy, median of $RUNS runs of ${SECS}s"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other load skews the wall column)"
printf '  %-26s %14s %8s %14s %8s\n' "" "ops/s (wall)" "ratio" "ops/cpu-s" "ratio"
row() {
	printf '  %-26s %14.1f %8.4f %14.1f %8.4f\n' "$1" "$2" "$(echo "$2 $4" | awk '{ print $1 / $2 }')" \
		"$3" "$(echo "$3 $5" | awk '{ print $1 / $2 }')"
}
bw=$(median 1 "$TMP/base"); bc=$(median 2 "$TMP/base")
vw=$(median 1 "$TMP/vigil"); vc=$(median 2 "$TMP/vigil")
row "baseline" "$bw" "$bc" "$bw" "$bc"
row "vigil profile -F 99" "$vw" "$vc" "$bw" "$bc"
if [ "$HAVE_PERF" = 1 ]; then
	pw=$(median 1 "$TMP/perf"); pc=$(median 2 "$TMP/perf")
	row "perf record -F 99 -g -a" "$pw" "$pc" "$bw" "$bc"
	echo "$vw $pw $vc $pc" | awk '{ printf "  vigil/perf throughput: wall %.4f, cpu %.4f " \
		"(>= 1: vigil costs no more than perf)\n", $1 / $2, $3 / $4 }'
fi
echo "  own process CPU per $((SECS + 2))s run (median): vigil $(median 1 "$TMP/vigil_ms") ms" \
	"(attach, read maps, symbolise, write)$([ "$HAVE_PERF" = 1 ] &&
	echo ", perf record $(median 1 "$TMP/perf_ms") ms (write samples)")"
[ -s "$TMP/bpf_ns" ] && echo "  vigil's BPF program: median $(median 1 "$TMP/bpf_ns" | \
	awk '{ printf "%.0f", $1 }') ns per sample (kernel.bpf_stats_enabled)"
grep 'samples in' "$TMP/v.err" | sed 's/^/  last vigil run: /'
