#!/bin/sh
# quickstart.sh: the README's first command. On a fresh Debian 12 machine, as root: install
# what is missing, build vigil, and run its main job (a short trace of everything it can see,
# ending with a summary). Arguments are passed to vigil, e.g. --duration 10s.
set -eu
cd "$(dirname "$0")/.."
echo "== quickstart: 1/3 packages to build and run (the test tools come with make test)"
sh tools/deps.sh build
echo "== quickstart: 2/3 building"
make -j"$(nproc)" >/dev/null
echo "== quickstart: 3/3 running vigil $*"
exec .output/vigil "$@"
