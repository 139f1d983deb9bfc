#!/bin/sh
# sanitize_fallback.sh - build the fallback library, its unit tests, fbprobe and vigil with
# ASan and UBSan into .output/asan and run them: the unit tests, the live comparison test
# through the sanitized fbprobe, and vigil's library commands; then the unit tests under
# ThreadSanitizer.  Any sanitizer report fails.
set -u
cd "$(dirname "$0")/.."
OUT=.output/asan
SAN="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
tests=$(ls tests/unit/test_fb_*.c | sed "s|tests/unit/\(.*\)\.c|$OUT/tests/\1|")
make -s OUTPUT=$OUT CFLAGS="$SAN" $tests $OUT/tests/live/fbprobe || exit 1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
rc=0
for t in $tests; do
	if ! "$t" >"$t.log" 2>&1 || grep -qE "Sanitizer|runtime error" "$t.log"; then
		echo "sanitize: $t failed"; tail -20 "$t.log"; rc=1
	fi
done
FBPROBE=$PWD/$OUT/tests/live/fbprobe /usr/bin/python3 tests/live/test_fb_vs_psutil.py \
	2>"$OUT/live.stderr" | tail -3 || rc=1
if grep -qE "Sanitizer|runtime error" "$OUT/live.stderr"; then
	echo "sanitize: fbprobe reported:"; grep -E -A5 "Sanitizer|runtime error" "$OUT/live.stderr" | head -40
	rc=1
fi
# the vigil commands built on the library
if make -s OUTPUT=$OUT CFLAGS="$SAN" $OUT/vigil; then
	for c in "snapshot" "ps" "ps -f csv" "ps -f table" "net all -f table" "net unix -f json" \
		"net io -f table" "net addrs" "net stats" "sys -f table" "sys" "pidof init"; do
		# shellcheck disable=SC2086
		$OUT/vigil $c >/dev/null 2>"$OUT/vigil.stderr"
		if grep -qE "Sanitizer|runtime error" "$OUT/vigil.stderr"; then
			echo "sanitize: vigil $c:"; head -20 "$OUT/vigil.stderr"; rc=1
		fi
	done
else
	echo "sanitize: vigil did not build with sanitizers"; rc=1
fi
# ThreadSanitizer over the unit tests (the process scan and fd scan use two threads)
TOUT=.output/tsan
ttests=$(ls tests/unit/test_fb_*.c | sed "s|tests/unit/\(.*\)\.c|$TOUT/tests/\1|")
if make -s OUTPUT=$TOUT CFLAGS="-O1 -g -fsanitize=thread" $ttests; then
	for t in $ttests; do
		if ! "$t" >"$t.log" 2>&1 || grep -q "ThreadSanitizer" "$t.log"; then
			echo "sanitize: $t failed under TSan"; grep -A12 ThreadSanitizer "$t.log" | head -30
			rc=1
		fi
	done
else
	echo "sanitize: unit tests did not build with TSan"; rc=1
fi
[ $rc -eq 0 ] && echo "sanitize: clean"
exit $rc
