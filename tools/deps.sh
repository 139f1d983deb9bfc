#!/bin/sh
# deps.sh: install (with apt-get) whatever vigil needs to build, test and benchmark that this
# Debian machine lacks; `deps.sh build` only what building and running need (the quick start).
# Cheap when everything is present: it asks dpkg first. Shows each package as it is set up.
set -eu
build="make gcc clang clang-format llvm libbpf-dev libelf-dev zlib1g-dev bpftool pkg-config libmicrohttpd-dev
       libgnutls28-dev libyaml-dev libcrypt-dev libcurl4-openssl-dev help2man libldns-dev
       libgit2-dev libjansson-dev libssl-dev"
test="libcmocka-dev python3 python3-psutil procps iproute2 util-linux libbpf-tools sysstat
      libcap2-bin bpftrace linux-perf fio tmux prometheus gcc-mingw-w64-x86-64 wine wine64
      chromium time openssl libclang-rt-14-dev lsof coreutils zsh bash-completion man-db
      debhelper dpkg-dev fakeroot lintian
      python3-scapy tcptraceroute nftables
      iotop
      python3-ipy dnsmasq-base bind9-dnsutils
      nginx-light curl nsd python3-dnspython
      diffutils patch
"
# vigil profile: libdw for .eh_frame unwind tables (dlopen'd; its archive and its compressors'
# for make static)
build="$build libdw-dev libbz2-dev liblzma-dev"
[ "${1:-}" = build ] && test=""
missing=""
# vigil fleet: libssh and Jansson headers (both dlopen'd), real sshd and parallel-ssh for its tests
build="$build libssh-dev libjansson-dev"
[ -z "$test" ] || test="$test openssh-server openssh-client pssh nftables"
# vigil profile: MiniDebugInfo (liblzma, dlopen'd), pprof output (protobuf-c); pprof's reader
build="$build liblzma-dev libprotobuf-c-dev protobuf-c-compiler"
[ -z "$test" ] || test="$test golang-go g++ binutils xz-utils"
# the unwinder's tests name libc's local symbols (__libc_start_call_main, __restore_rt)
[ -z "$test" ] || test="$test libc6-dbg"
# vigil mail and report: cairo headers (dlopen'd) for the charts; a real SMTP server for the tests
build="$build libcairo2-dev"
[ -z "$test" ] || test="$test python3-aiosmtpd"
# the records schema test: docs/records.schema.json validated as users would
[ -z "$test" ] || test="$test python3-jsonschema"
for p in $build $test; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing:$missing; run as root (or: sudo apt-get install$missing)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
echo "deps: apt-get update"
apt-get update -qq
status=$(mktemp)
# shellcheck disable=SC2086
{
	apt-get install -y --no-install-recommends $missing 2>&1
	echo $? >"$status"
} | sed -n 's/^Setting up \([^ ]*\).*/deps: set up \1/p'
rc=$(cat "$status")
rm -f "$status"
[ "$rc" = 0 ] || { echo "deps: apt-get install failed (exit $rc)" >&2; exit 1; }
