#!/bin/sh
# run_integration.sh: run every integration and comparison test (tests/integration/test_*.py
# and tests/live/test_*.py), each of which prints "N passed, N failed[, N skipped]" last, and
# print the totals. They load real BPF programs, so they need root; with CI=true a test that
# would skip fails instead. tests/run_win.sh (the Windows build under wine) runs last; its
# skips are values wine cannot provide, each with its reason.
cd "$(dirname "$0")/.." || exit 1
passed=0
failed=0
skipped=0
for t in tests/integration/test_*.py tests/live/test_*.py tests/run_win.sh; do
	[ -e "$t" ] || continue
	echo "--- $t"
	case "$t" in
	*.sh) out=$(sh "$t" 2>&1) ;;
	*) out=$(/usr/bin/python3 "$t" 2>&1) ;;
	esac
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	s=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
	[ -n "$p" ] || { p=0; f=1; echo "$t: no result line (exit $rc)"; }
	[ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ] && f=1
	passed=$((passed + p))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${s:-0}))
done
echo "integration: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
