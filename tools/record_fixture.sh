#!/bin/sh
# record_fixture.sh - copy a whitelist of /proc, /sys and /dev facts of this machine into
# tests/fixtures/proc/<scenario>/{proc,sys,dev} so the fallback library's unit tests can point
# fb_root_set() at them.  Files are copied with cat because /proc files report size 0.  Only
# only the recording shell's process files are taken (or the PIDs given), environ never (secrets), and a
# README line records the kernel and date.
# usage: tools/record_fixture.sh SCENARIO [PID...]
set -eu
scenario=${1:?usage: record_fixture.sh SCENARIO [PID...]}
shift
root="$(cd "$(dirname "$0")/.." && pwd)/tests/fixtures/proc/$scenario"
pids="${*:-$$}"
rm -rf "$root"
mkdir -p "$root/proc" "$root/sys" "$root/dev"

grab() { # grab SRC: copy one file under the same relative path, skipping unreadable ones
	src=$1
	dst="$root$src"
	mkdir -p "$(dirname "$dst")"
	cat "$src" >"$dst" 2>/dev/null || rm -f "$dst"
}

for f in stat meminfo vmstat loadavg cpuinfo diskstats filesystems partitions zoneinfo \
	net/dev net/tcp net/tcp6 net/udp net/udp6 net/unix self/mounts; do
	grab "/proc/$f"
done
# /proc/self is a symlink: record the mounts under a real self/ directory
for pid in $pids; do
	for f in stat status statm cmdline io smaps_rollup; do
		grab "/proc/$pid/$f"
	done
	mkdir -p "$root/proc/$pid/task"
	for t in /proc/"$pid"/task/*; do
		grab "$t/stat"
	done
done
grab /sys/devices/system/cpu/online
for c in /sys/devices/system/cpu/cpu[0-9]*; do
	grab "$c/topology/core_cpus_list"
	grab "$c/topology/thread_siblings_list"
	for f in scaling_cur_freq scaling_min_freq scaling_max_freq; do
		grab "$c/cpufreq/$f"
	done
done
# whole disks are the names under /sys/block: record them as empty directories
for b in /sys/block/*; do
	[ -e "$b" ] && mkdir -p "$root/sys/block/$(basename "$b")"
done
for h in /sys/class/hwmon/hwmon*; do
	[ -d "$h" ] || continue
	for f in "$h"/name "$h"/temp*_* "$h"/fan*_*; do
		[ -f "$f" ] && grab "$f"
	done
done
printf '%s: %s, recorded %s by tools/record_fixture.sh (pids: %s)\n' "$scenario" \
	"$(uname -sr)" "$(date -u +%Y-%m-%d)" "$pids" >>"$root/../README.md"
echo "recorded $root"
