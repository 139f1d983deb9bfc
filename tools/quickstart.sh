#!/bin/sh
# quickstart.sh: the README's first command. On a fresh Debian 12 machine, as root: install
# what is missing, build vigil, and run its main job (a short trace of everything it can see,
# ending with a summary). Arguments are passed to vigil, e.g. --duration 10s.
set -eu
cd "$(dirname "$0")/.."
sh tools/deps.sh
make -j"$(nproc)" >/dev/null
exec .output/vigil "$@"
