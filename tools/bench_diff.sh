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

# run NAME CMD...: one run; appends its wall ms to $T/NAME and its CPU ms (user + system,
# children included) to $T/NAME.cpu. The CPU time is the steadier figure on a shared machine.
run() {
	name=$1
	shift
	rc=0
	/usr/bin/time -f '%e %U %S' -o "$T/t" "$@" >/dev/null 2>"$T/err" || rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "bench_diff: $name failed (exit $rc): $(head -c 300 "$T/err")" >&2
		exit 1
	fi
	tail -1 "$T/t" | awk '{printf "%d\n", $1 * 1000}' >>"$T/$name"
	tail -1 "$T/t" | awk '{printf "%d\n", ($2 + $3) * 1000}' >>"$T/$name.cpu"
}
median() { sort -n "$T/$1" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b ? a / b : 0}'; }
# row TITLE VIGIL PEER: medians of wall and CPU time, and their ratios
row() {
	vw=$(median "$2")
	pw=$(median "$3")
	vc=$(median "$2.cpu")
	pc=$(median "$3.cpu")
	printf '%-38s %8s %8s %6s %8s %8s %6s\n' "$1" "$vw" "$pw" "$(ratio "$vw" "$pw")" "$vc" \
		"$pc" "$(ratio "$vc" "$pc")"
}

export T
for i in $(seq "$RUNS"); do
	run vigil_deep "$VIGIL" diff --files --deep "$T/a" "$T/b"
	run diff_rq diff -rq "$T/a" "$T/b"
	run vigil_base "$VIGIL" baseline save "$T/a" -o "$T/base.json"
	run sha256sum sh -c 'find "$T/a" -type f -print0 | xargs -0 sha256sum >"$T/sums"'
done
# the outputs agree: the same files differ
n_vigil=$("$VIGIL" diff --files --deep "$T/a" "$T/b" | grep -c '^diff_files' || true)
n_diff=$(diff -rq "$T/a" "$T/b" | grep -c ' differ$' || true)
printf '%-38s %8s %8s %6s %8s %8s %6s\n' "task (medians, ms)" "vigil" "peer" "ratio" \
	"vigil" "peer" "ratio"
printf '%-38s %24s %24s\n' "" "------- wall -------" "------- CPU --------"
row "diff --files --deep vs diff -rq" vigil_deep diff_rq
row "baseline save vs find|xargs sha256sum" vigil_base sha256sum
echo "differing files found: vigil $n_vigil, diff -rq $n_diff"
