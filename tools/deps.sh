#!/bin/sh
# deps.sh: install (with apt-get) whatever vigil needs to build, test and benchmark that this
# Debian machine lacks. Cheap when everything is present: it asks dpkg first.
set -eu
build="make gcc clang clang-format llvm libbpf-dev libelf-dev zlib1g-dev bpftool pkg-config libmicrohttpd-dev
       libgnutls28-dev libyaml-dev libcrypt-dev"
test="libcmocka-dev python3 python3-psutil procps iproute2 util-linux libbpf-tools sysstat
      libcap2-bin bpftrace linux-perf fio tmux prometheus gcc-mingw-w64-x86-64 wine wine64
      chromium time openssl libclang-rt-14-dev lsof coreutils nsd bind9-dnsutils python3-dnspython
      nftables"
missing=""
for p in $build $test; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing:$missing; run as root (or: sudo apt-get install$missing)" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
