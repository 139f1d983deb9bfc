#!/bin/sh
# bench_profile_unwind.sh: the cost of whole stacks on frame-pointer-less code. Debian's
# `xz -9 -T1` compresses MB megabytes of random data (CPU-bound, no frame pointers) alone,
# under `vigil profile --freq 99 --comm xz` (unwinding from .eh_frame in the kernel), and under
# `perf record -F 99 --call-graph dwarf` (8 KiB stack copies, unwound afterwards), interleaved,
# RUNS times each. Prints medians of: the workload's run time and its ratio to the baseline
# (throughput lost), the profiler's own CPU time (vigil: attach, tables, symbolise and write;
# perf: record, then separately `perf script` to turn its samples into stacks), and the
# output size. Needs root, /usr/bin/time, xz, perf and a built tree. RUNS, MB override.
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
MB=${MB:-16}
VIGIL=.output/vigil
TIME=/usr/bin/time
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
[ -x "$VIGIL" ] || { echo "bench_profile_unwind: run make first" >&2; exit 1; }
for t in "$TIME" xz perf; do
	command -v "$t" >/dev/null || { echo "bench_profile_unwind: needs $t" >&2; exit 1; }
done
head -c "${MB}M" /dev/urandom >"$TMP/in"

# Seconds of one compression, appended to $1 ($2: a command to prefix, e.g. perf record).
work() {
	$TIME -f "%e %U %S" -o "$TMP/w.time" xz -9 -T1 -c "$TMP/in" >/dev/null
	awk '{ print $1 }' "$TMP/w.time" >>"$1"
}

nprogs() { bpftool prog show 2>/dev/null | grep -c handle_profile_sample || true; }

# Wait until one more sampling program than $1 is loaded (vigil's), at most 30 s.
wait_attached() {
	i=0
	while [ $i -lt 300 ]; do
		[ "$(nprogs)" -gt "$1" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

run_vigil() {
	n0=$(nprogs)
	$TIME -f "%U %S" -o "$TMP/v.time" "$VIGIL" profile --freq 99 --comm xz -U \
		-o "$TMP/v.folded" 2>"$TMP/v.err" &
	vp=$!
	wait_attached "$n0"
	sleep 0.5
	work "$TMP/vigil"
	# vigil is time's child: stop it, not time.
	kill -INT "$(pgrep -P "$vp")"
	wait "$vp" || true
	awk '{ print ($1 + $2) * 1000 }' "$TMP/v.time" >>"$TMP/vigil_ms"
	stat -c %s "$TMP/v.folded" >>"$TMP/vigil_bytes"
}

run_perf() {
	# perf runs xz itself; its own CPU is the total less what xz used (the inner time).
	$TIME -f "%U %S" -o "$TMP/p.time" perf record -q -e cpu-clock -F 99 --call-graph dwarf \
		-o "$TMP/perf.data" -- $TIME -f "%e %U %S" -o "$TMP/w.time" \
		xz -9 -T1 -c "$TMP/in" >/dev/null 2>&1
	awk '{ print $1 }' "$TMP/w.time" >>"$TMP/perf"
	paste "$TMP/p.time" "$TMP/w.time" | awk '{ print ($1 + $2 - $4 - $5) * 1000 }' \
		>>"$TMP/perf_ms"
	$TIME -f "%U %S" -o "$TMP/s.time" perf script -i "$TMP/perf.data" >"$TMP/perf.txt" \
		2>/dev/null
	awk '{ print ($1 + $2) * 1000 }' "$TMP/s.time" >>"$TMP/script_ms"
	stat -c %s "$TMP/perf.data" >>"$TMP/perf_bytes"
	grep -c __libc_start_call_main "$TMP/perf.txt" >>"$TMP/perf_full" || true
	grep -c '^xz ' "$TMP/perf.txt" >>"$TMP/perf_samples" || true
}

median() {
	sort -g "$1" | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

for f in base vigil perf vigil_ms perf_ms script_ms vigil_bytes perf_bytes perf_full \
	perf_samples; do
	: >"$TMP/$f"
done
for i in $(seq "$RUNS"); do
	work "$TMP/base"
	run_vigil
	run_perf
	printf '.' >&2
done
echo >&2

b=$(median "$TMP/base")
v=$(median "$TMP/vigil")
p=$(median "$TMP/perf")
echo "unwinding profilers on xz -9 -T1 (${MB} MiB random), 99 Hz, median of $RUNS runs"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '  %-36s %10s %10s %12s %12s\n' "" "xz s" "slowdown" "own CPU ms" "output B"
printf '  %-36s %10.2f %10s %12s %12s\n' "alone" "$b" "1.000" "-" "-"
printf '  %-36s %10.2f %10.3f %12.0f %12.0f\n' "vigil profile --freq 99 (in-kernel)" "$v" \
	"$(echo "$v $b" | awk '{ print $1 / $2 }')" "$(median "$TMP/vigil_ms")" \
	"$(median "$TMP/vigil_bytes")"
printf '  %-36s %10.2f %10.3f %12.0f %12.0f\n' "perf record --call-graph dwarf" "$p" \
	"$(echo "$p $b" | awk '{ print $1 / $2 }')" "$(median "$TMP/perf_ms")" \
	"$(median "$TMP/perf_bytes")"
printf '  %-36s %10s %10s %12.0f %12s\n' "  + perf script (to get stacks)" "" "" \
	"$(median "$TMP/script_ms")" ""
echo "$(median "$TMP/vigil_ms") $(median "$TMP/perf_ms") $(median "$TMP/script_ms")" | awk \
	'{ printf "  vigil CPU / perf CPU: %.3f of record alone, %.3f of record + script\n", \
	$1 / $2, $1 / ($2 + $3) }'
grep 'samples in' "$TMP/v.err" | sed 's/^/  last vigil run: /'
echo "  last perf run: $(tail -1 "$TMP/perf_full") of $(tail -1 "$TMP/perf_samples") samples" \
	"reach __libc_start_call_main"
