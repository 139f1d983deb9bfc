#!/bin/sh
# fb_coverage.sh: how much of fallback/fallback.h each backend implements, read from the
# symbols its objects define (run `make all win bsd-check` first). For each backend it prints
# "N of M functions", the names it lacks, and any fb_ symbol two of its objects define (a static
# library would hide that: the linker takes the first). The BSD and macOS counts come from the
# compile-check objects: those backends are compiled, never linked or run.
cd "$(dirname "$0")/.." || exit 1
out=${OUTPUT:-.output}
decl=$(grep -E '^\s*(struct|const|int|void|bool|double|pid_t|ssize_t|uint|char|enum)[^;]*\bfb_[a-z0-9_]+\(' \
	fallback/fallback.h | grep -oE '\bfb_[a-z0-9_]+\(' | tr -d '(' | sort -u)
total=$(echo "$decl" | wc -l)

report() { # $1: name, $2: defined symbols (one per line, no leading underscore)
	have=$(printf '%s\n' "$2" | grep -E '^fb_' | sort -u)
	missing=$(printf '%s\n' "$decl" | grep -vxF "$have")
	n=$((total - $(printf '%s\n' "$missing" | grep -c .)))
	printf '%-8s %3d of %d functions\n' "$1" "$n" "$total"
	[ -n "$missing" ] && printf '%s\n' "$missing" | tr '\n' ' ' | fold -s -w 96 | sed 's/^/         missing: /'
	[ -n "$missing" ] && echo
	twice=$(printf '%s\n' "$2" | grep -E '^fb_' | sort | uniq -d)
	[ -n "$twice" ] && printf '%s\n' "$twice" | tr '\n' ' ' | fold -s -w 96 | sed 's/^/         defined twice: /'
	[ -n "$twice" ] && echo
	return 0
}

syms() { # $1: nm program, then files
	nm_prog=$1
	shift
	[ -e "$1" ] || return 0
	"$nm_prog" -g --defined-only "$@" 2>/dev/null | awk 'NF >= 3 { print $3 }' | sed 's/^_//'
}

report linux "$(syms nm "$out/libvigilfb.a")"
report win32 "$(syms x86_64-w64-mingw32-nm "$out/win/libvigilfb.a")"
report freebsd "$(syms llvm-nm "$out"/bsd-check/x86_64-unknown-freebsd13/*.o)"
report macos "$(syms llvm-nm "$out"/bsd-check/x86_64-apple-macos11/*.o)"
