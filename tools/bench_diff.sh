#!/bin/sh
# bench_diff.sh: `vigil diff --files --deep` against `diff -rq` on two trees of N files
# (default 100000: 1000 directories of 100, 1-4 KiB each, the right tree a `cp -a` copy with
# 1% of its files changed), and `vigil baseline save` against `sha256sum` over the same files
# (find | xargs sha256sum, its output to a file as the baseline is). The trees live in a tmpfs
# in a private mount namespace, so the disk is not measured and nothing outlives the run.
# Paired runs (RUNS, default 5, alternating), medians, and the ratio vigil/peer (< 1: vigil
# is faster). Needs root (the mount namespace).
set -eu
cd "$(dirname "$0")/.."
if [ -z "${BENCH_DIFF_INNER:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "bench_diff: needs root (a private tmpfs)" >&2; exit 1; }
	exec env BENCH_DIFF_INNER=1 unshare -m --propagation private sh "$0" "$@"
fi
N=${N:-100000}
RUNS=${RUNS:-5}
VIGIL=${VIGIL:-.output/vigil}
[ -x "$VIGIL" ] || { echo "bench_diff: build $VIGIL first" >&2; exit 1; }
T=$(mktemp -d /tmp/vigil-bench-diff.XXXXXX)
mount -t tmpfs -o size=2g tmpfs "$T"
trap 'umount "$T"; rmdir "$T"' EXIT
tools/bench/machine.sh
/usr/bin/python3 - "$T/a" "$N" <<'PY'
import os, random, sys
top, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(1)
per = 100
for d in range((n + per - 1) // per):
    dp = os.path.join(top, "d%04d" % d)
    os.makedirs(dp)
    for f in range(min(per, n - d * per)):
        with open(os.path.join(dp, "f%03d" % f), "wb") as fh:
            fh.write(rng.randbytes(rng.randint(1024, 4096)))
PY
cp -a "$T/a" "$T/b"
# 1% of the right tree's files get one byte changed, keeping size and mtime (found by content)
find "$T/b" -type f | awk 'NR % 100 == 0' | while read -r f; do
	printf 'X' | dd of="$f" bs=1 seek=7 conv=notrunc status=none
done
echo "trees: 2 x $N files, $(du -sh "$T" | cut -f1) in tmpfs; $RUNS paired runs, medians"

now() { date +%s%N; }
# run NAME CMD...: time one run, append ms to $T/NAME
run() {
	name=$1
	shift
	t0=$(now)
	"$@" >/dev/null 2>&1 || [ $? -le 1 ]
	echo $((($(now) - t0) / 1000000)) >>"$T/$name"
}
median() { sort -n "$T/$1" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

sha_all() { find "$T/a" -type f -print0 | xargs -0 sha256sum >"$T/sums"; }
for i in $(seq "$RUNS"); do
	run vigil_deep "$VIGIL" diff --files --deep "$T/a" "$T/b"
	run diff_rq diff -rq "$T/a" "$T/b"
	run vigil_base "$VIGIL" baseline save "$T/a" -o "$T/base.json"
	run sha256sum sha_all
done
# the outputs agree: the same files differ
n_vigil=$("$VIGIL" diff --files --deep "$T/a" "$T/b" | grep -c '^diff_files' || true)
n_diff=$(diff -rq "$T/a" "$T/b" | grep -c ' differ$' || true)
printf '%-40s %10s %10s %8s\n' "task" "vigil ms" "peer ms" "ratio"
v=$(median vigil_deep)
p=$(median diff_rq)
printf '%-40s %10s %10s %8s\n' "diff --files --deep vs diff -rq" "$v" "$p" \
	"$(awk -v a="$v" -v b="$p" 'BEGIN {printf "%.2f", a / b}')"
v=$(median vigil_base)
p=$(median sha256sum)
printf '%-40s %10s %10s %8s\n' "baseline save vs find|xargs sha256sum" "$v" "$p" \
	"$(awk -v a="$v" -v b="$p" 'BEGIN {printf "%.2f", a / b}')"
echo "differing files found: vigil $n_vigil, diff -rq $n_diff (expected $((N / 100)))"
