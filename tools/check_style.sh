#!/bin/sh
# check_style.sh: `make check-style`. The tree's C against .clang-format (as an error), the
# 100-column limit (tabs 8 wide), no /proc or /sys path literal outside fallback/ (every such
# read goes through the fallback library's root, so fixture trees work everywhere), and no
# operating-system #ifdef in a .c file (the Makefile picks the platform folder). Prints each
# offence as FILE:LINE: what, and exits 1 if there was one.
cd "$(dirname "$0")/.." || exit 1
src=$(git ls-files '*.c' '*.h' | grep -v -e '^bpf/vmlinux/' -e '^tests/stubs/')
rc=0

if ! command -v clang-format >/dev/null; then
	echo "check-style: clang-format is not installed (tools/deps.sh installs it)" >&2
	exit 1
fi
# shellcheck disable=SC2086
clang-format --dry-run --Werror $src 2>&1 | grep -E '^[^ ].*: error:' | cut -d: -f1 | sort -u \
	| sed 's/$/: differs from .clang-format (make fmt)/' > /tmp/.cs.$$
[ -s /tmp/.cs.$$ ] && { cat /tmp/.cs.$$; rc=1; }
rm -f /tmp/.cs.$$

for f in $src; do
	expand -t 8 "$f" | awk -v f="$f" 'length($0) > 100 { printf "%s:%d: %d columns\n", f, NR, length($0); bad = 1 }
		END { exit bad }' || rc=1
done

# shellcheck disable=SC2086
hits=$(printf '%s\n' $src | grep -v '^fallback/' | grep -v -e '^tests/' -e '^tools/' \
	| xargs grep -nE '"/(proc|sys)(/|")' 2>/dev/null \
	| grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)')
[ -n "$hits" ] && { printf '%s\n' "$hits" | sed 's/$/  <- a \/proc or \/sys literal outside fallback\//'; rc=1; }

# shellcheck disable=SC2086
hits=$(printf '%s\n' $src | grep '\.c$' | grep -v -e '^tests/' \
	| xargs grep -nE '^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif)\b.*(__linux__|_WIN32|_WIN64|__APPLE__|__FreeBSD__|__NetBSD__|__OpenBSD__|__MACH__)' 2>/dev/null)
[ -n "$hits" ] && { printf '%s\n' "$hits" | sed 's/$/  <- an OS #if in a .c file/'; rc=1; }

[ "$rc" -eq 0 ] && echo "check-style: clean ($(printf '%s\n' $src | wc -l) files)"
exit "$rc"
