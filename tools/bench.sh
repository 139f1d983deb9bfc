#!/bin/sh
# bench.sh: `make bench`. Benchmarks, not tests: they print figures and ratios against peers
# measured in the same run, and fail only if a benchmark cannot run at all. Each subsystem
# contributes a tools/bench_<name>.{sh,py}; this runs the userspace figures first. Every table
# is headed by the machine it was measured on (tools/bench/machine.sh: CPU model, CPUs,
# kernel, load), printed here for the scripts that do not print it themselves.
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench: needs root (BPF programs, bpf_stats)" >&2; exit 1; }
echo "== userspace"
tools/bench/machine.sh
taskset -c 0 .output/tools/bench/bench_user
for b in tools/bench_*.py tools/bench_*.sh; do
	[ -e "$b" ] || continue
	echo
	echo "== $b"
	grep -q machine.sh "$b" || tools/bench/machine.sh
	case "$b" in
	*.py) /usr/bin/python3 "$b" ;;
	*) sh "$b" ;;
	esac
done
