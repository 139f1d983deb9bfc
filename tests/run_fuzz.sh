#!/bin/sh
# run_fuzz.sh: `make fuzz`, and the fuzzing part of `make test`: build every libFuzzer target
# (make fuzz-bins: ASan+UBSan, in .output/fuzz), then run each for FUZZ_SECONDS (default 20)
# over its seed corpus tests/fuzz/corpus/<name>/ (new inputs go to .output/fuzz/corpus/<name>,
# never into the repository). One line per fuzzer, then "fuzz: N passed, N failed"; a crash,
# leak or sanitizer report fails it, and its input is kept in .output/fuzz/artifacts/<name>/.
# Exit 1 if any failed.
cd "$(dirname "$0")/.." || exit 1
secs=${FUZZ_SECONDS:-20}
out=.output/fuzz
mkdir -p $out
if ! make --no-print-directory fuzz-bins >$out/build.log 2>&1; then
	tail -20 $out/build.log
	echo "fuzz: 0 passed, 1 failed (the build failed, see $out/build.log)"
	exit 1
fi
passed=0
failed=0
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	bin=$out/tests/fuzz/$name
	seeds=tests/fuzz/corpus/$name
	work=$out/corpus/$name
	art=$out/artifacts/$name/
	log=$out/$name.log
	mkdir -p "$work" "$art"
	[ -d "$seeds" ] || echo "fuzz: $name has no seed corpus ($seeds)"
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$art" "$work" $([ -d "$seeds" ] && echo "$seeds") >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	if [ "$rc" -eq 0 ]; then
		echo "fuzz: $name: ok, ${runs:-0} runs in ${secs}s"
		passed=$((passed + 1))
	else
		why=$(grep -m1 -E '^SUMMARY|ERROR: libFuzzer|runtime error' "$log")
		echo "fuzz: $name: FAILED (exit $rc): ${why:-see $log}"
		grep -m1 -E 'Test unit written to' "$log"
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
