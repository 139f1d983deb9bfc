#!/bin/sh
# machine.sh: the one line every benchmark table carries, saying what it was measured on: the
# CPU model and count from /proc/cpuinfo, the kernel, and the load average when it started
# (anything above ~0.1 means the figures shared the machine with other work).
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
[ -n "$model" ] ||
	model=$(sed -n 's/^\(cpu\|Hardware\|uarch\)[[:space:]]*: //p' /proc/cpuinfo | head -1)
printf 'machine: %s, %s CPUs, Linux %s, load average %s at start\n' "${model:-unknown CPU}" \
	"$(nproc)" "$(uname -r)" "$(cut -d' ' -f1-3 /proc/loadavg)"
