#!/bin/sh
# gen_man.sh VIGIL OUTDIR: the man pages, made with help2man from the binary's own help:
# vigil.1 and one vigil-COMMAND.1 per command (the name in the page's title and NAME section
# is fixed up to vigil-COMMAND, which help2man would take from the executable's name). The
# examples that end each --help keep one command per line (help2man would fill them).
set -eu
vigil=$1
out=$2
version=$("$vigil" --version | awk '{ print $2 }')
mkdir -p "$out"
page() { # page NAME SUMMARY HELP-OPTION
	help2man -N --no-discard-stderr --version-string="$version" --name "$2" \
		--help-option="$3" "$vigil" |
		sed -e "s/^\.TH VIGIL /.TH $(echo "$1" | tr a-z A-Z) /" \
			-e "/^\.SH NAME/{n;s/^vigil /$(echo "$1" | sed 's/-/\\\\-/g') /;}" \
			-e '/^\.SS "examples:"/,/^\.S[SH]/{/^vigil/a\
.br
}' >"$out/$1.1"
}
page vigil "a low-overhead system tracer and ops toolbox" --help
tools/vigil_commands.sh "$vigil" | while IFS="	" read -r cmd summary; do
	page "vigil-$cmd" "$summary" "$cmd --help"
done
