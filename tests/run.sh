#!/bin/sh
# run.sh: `make test`: the unit tests, the integration and comparison tests, then the fuzzers
# (tests/run_fuzz.sh, FUZZ_SECONDS each), then one closing line with the totals of all three.
cd "$(dirname "$0")/.." || exit 1
unit=$(tests/run_unit.sh "$@" 2>&1); urc=$?
printf '%s\n' "$unit"
integ=$(tests/run_integration.sh 2>&1); irc=$?
printf '%s\n' "$integ"
fuzz=$(tests/run_fuzz.sh 2>&1); frc=$?
printf '%s\n' "$fuzz"
up=$(printf '%s\n' "$unit" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p')
ip=$(printf '%s\n' "$integ" | sed -n 's/^integration: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped.*/\1 \2 \3/p')
fp=$(printf '%s\n' "$fuzz" | sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p')
set -- $fp
fpass=${1:-0}; ffail=${2:-0}
set -- $up $ip
p=$(( ${1:-0} + ${3:-0} + fpass )); f=$(( ${2:-0} + ${4:-0} + ffail )); s=${5:-0}
[ "$urc" -ne 0 ] && [ "${2:-0}" -eq 0 ] && f=$((f + 1))
[ "$irc" -ne 0 ] && [ "${4:-0}" -eq 0 ] && f=$((f + 1))
[ "$frc" -ne 0 ] && [ "$ffail" -eq 0 ] && f=$((f + 1))
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
