#!/bin/sh
# with_tracefs.sh: run a peer tool (bpftrace, tcplife, tcpstates...) with tracefs mounted in a
# private mount namespace of its own, and nowhere else. Peers that resolve a tracepoint by name
# read its id under /sys/kernel/tracing, which a fresh machine does not mount; mounting it for
# the whole system would change what every other process (and test) sees. unshare(1) makes the
# namespace private and then execs, so the caller's pid is the tool's and SIGINT reaches it.
# Usage: tools/bench/with_tracefs.sh COMMAND [ARG...]
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }
exec unshare --mount --propagation private sh -c '
	if [ ! -e /sys/kernel/tracing/events ]; then
		mount -t tracefs nodev /sys/kernel/tracing || exit 1
	fi
	exec "$@"' with_tracefs "$@"
