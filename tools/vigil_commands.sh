#!/bin/sh
# vigil_commands.sh VIGIL: the commands `VIGIL --help` lists, one "NAME<TAB>SUMMARY" per line.
# The man pages and the shell completions are made from this and each command's --help, so
# they cover every command and flag the binary has, and cannot fall behind it.
"$1" --help | awk '/^Run .vigil COMMAND/ { exit } /^  [a-z]/ { n = $1; sub(/^  [a-z-]+ +/, ""); print n "\t" $0 }'
