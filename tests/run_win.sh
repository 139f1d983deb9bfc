#!/bin/sh
# run_win.sh: the Windows leg of `make test`.  It runs the mingw-built test programs
# (.output/win/tests/test_*.exe) and the vigil.exe command checks (tests/win/check_vigil_exe.py)
# under wine, inside a private network namespace so that the socket tables hold only what the
# tests open, with one throw-away wine prefix and one persistent wineserver for the whole run;
# then it checks that the Win32 backend defines every function of fallback.h
# (tools/fb_coverage.sh).
# Closes with "N passed, N failed, N skipped".  Nothing is meant to skip: where wine cannot give
# a value, the tests check that vigil reports what the Win32 API itself says.  Under CI=true a
# skip fails (the harnesses count it so, and this script counts any skip that reaches it as a
# failure too).  Needs root (unshare -n) and `make win`.
cd "$(dirname "$0")/.." || exit 1
out=.output/win
if [ -z "$VIGIL_WIN_NETNS" ]; then
	if ! command -v wine >/dev/null 2>&1 || [ ! -x "$out/vigil.exe" ]; then
		echo "win: wine or $out/vigil.exe missing (tools/deps.sh, then make win)"
		echo "0 passed, 1 failed, 0 skipped"
		exit 1
	fi
	VIGIL_WIN_NETNS=1 exec unshare -n sh "$0" "$@"
fi

ip link set lo up
# one directory for everything wine leaves behind: the prefix and, through TMPDIR, the
# wineserver's socket directory
base=$(mktemp -d /tmp/vigil-wine.XXXXXX) || exit 1
mkdir -p "$base/prefix" "$base/tmp"
WINEPREFIX=$base/prefix TMPDIR=$base/tmp
export WINEPREFIX TMPDIR WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
trap 'wineserver -k >/dev/null 2>&1; rm -rf "$base"' EXIT
# the order matters: a persistent server first (the prefix directory must exist), then the
# prefix; a server started later by wineboot would linger and exit on its own
wineserver -p </dev/null >/dev/null 2>&1
timeout 120 wineboot -i </dev/null >/dev/null 2>&1
VIGIL_HOST_MEMTOTAL=$(awk '/^MemTotal:/ { printf "%.0f", $2 * 1024 }' /proc/meminfo)
export VIGIL_HOST_MEMTOTAL

passed=0 failed=0 skipped=0
tally() { # $1: name, $2: exit status, $3: output file
	cat "$3"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$3" | tail -1)
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	s=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
	[ -n "$p" ] || { p=0; f=1; echo "$1: no result line (exit $2)"; }
	[ "$2" -ne 0 ] && [ "${f:-0}" -eq 0 ] && f=1
	passed=$((passed + p)) failed=$((failed + ${f:-0})) skipped=$((skipped + ${s:-0}))
}
log=$base/log
for t in "$out"/tests/test_*.exe; do
	[ -e "$t" ] || continue
	echo "--- wine $t"
	timeout 300 wine "$t" </dev/null >"$log" 2>/dev/null
	tally "$t" $? "$log"
done
echo "--- tests/win/check_vigil_exe.py"
timeout 300 /usr/bin/python3 tests/win/check_vigil_exe.py "$out/vigil.exe" >"$log" 2>&1
tally check_vigil_exe.py $? "$log"
# the contract: the Win32 backend defines every function fallback.h declares
echo "--- tools/fb_coverage.sh (win32)"
cov=$(sh tools/fb_coverage.sh | sed -n '/^win32 /,/^[a-z]/p' | sed '$d')
echo "$cov"
if echo "$cov" | grep -qE '^win32 +([0-9]+) of \1 functions'; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi
case $(printf '%s' "${CI:-}" | tr '[:upper:]' '[:lower:]') in
true | 1 | yes)
	if [ "$skipped" -gt 0 ]; then
		echo "win: CI=$CI: $skipped skipped checks count as failures"
		failed=$((failed + skipped)) skipped=0
	fi
	;;
esac
echo "win: $passed passed, $failed failed, $skipped skipped"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
