#!/bin/sh
# bench_agent.sh: vigil's own cost as an agent. `vigil serve` runs with every subsystem this
# build has, while tools/bench/agent_load makes their tracepoints fire (pipe ping-pong on one
# CPU for sched, loopback TCP connections, O_DIRECT 4 KiB writes) and the endpoint is scraped
# every second. Over the measured window it prints the event rate the BPF programs saw
# (bpf_stats run_cnt), vigil's userspace CPU (utime+stime from /proc, % of one core), its RSS
# and peak RSS, and the in-kernel cost per event. Targets: < 5% of a core, < 64 MiB RSS, at
# 100k events/s.
# A second run does the same with --backend fallback (every subsystem on its poller, polled
# every second), for the cost of the agent without BPF.
# usage: tools/bench_agent.sh [SECONDS] [ROUNDTRIPS_PER_S]     (defaults 10 25000)
set -eu
cd "$(dirname "$0")/.."
SECS=${1:-10}
RT=${2:-25000}
PORT=19475
VIGIL=.output/vigil
LOAD=.output/tools/bench/agent_load
IMG=/var/tmp/vigil-bench-agent.$$.img
[ -x "$LOAD" ] || make -s "$LOAD"
stats_old=$(cat /proc/sys/kernel/bpf_stats_enabled)
echo 1 > /proc/sys/kernel/bpf_stats_enabled

vpid=
cleanup() {
	[ -z "$vpid" ] || kill "$vpid" 2>/dev/null || true
	[ -z "$vpid" ] || wait "$vpid" 2>/dev/null || true
	echo "$stats_old" > /proc/sys/kernel/bpf_stats_enabled
	rm -f "$IMG"
}
trap cleanup EXIT INT TERM

# Sum of run_cnt and run_time over vigil's programs, and vigil's CPU ticks and RSS.
scrape() {
	curl -sf "http://127.0.0.1:$PORT/metrics" | awk '
		/^vigil_bpf_program_run_count_total/ { n += $2 }
		/^vigil_bpf_program_run_time_seconds_total/ { t += $2 }
		END { printf "%.0f %.9f\n", n, t }'
}
ticks() { awk '{ print $14 + $15 }' "/proc/$vpid/stat"; }
rss_kib() { awk -v k="$1" '$1 == k":" { print $2 }' "/proc/$vpid/status"; }

start_vigil() {
	$VIGIL serve --listen 127.0.0.1:$PORT "$@" 2>/dev/null &
	vpid=$!
	i=0
	until curl -sf "http://127.0.0.1:$PORT/" >/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "bench_agent: vigil serve did not start" >&2; exit 1; }
		sleep 0.1
	done
}

stop_vigil() {
	kill "$vpid"
	wait "$vpid" 2>/dev/null || true
	vpid=
}

# One measured window: $1 names the run.
measure() {
	name=$1
	$LOAD $((SECS + 3)) "$RT" 1000 500 "$IMG" &
	lpid=$!
	sleep 1.5
	set -- $(scrape)
	n0=$1 t0=$2
	c0=$(ticks)
	s0=$(date +%s.%N)
	k=0
	while [ $k -lt "$SECS" ]; do
		sleep 1
		scrape >/dev/null
		k=$((k + 1))
	done
	set -- $(scrape)
	n1=$1 t1=$2
	c1=$(ticks)
	s1=$(date +%s.%N)
	rss=$(rss_kib VmRSS)
	hwm=$(rss_kib VmHWM)
	wait "$lpid"
	hz=$(getconf CLK_TCK)
	awk -v n0="$n0" -v n1="$n1" -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" -v s0="$s0" \
	    -v s1="$s1" -v hz="$hz" -v rss="$rss" -v hwm="$hwm" -v name="$name" 'BEGIN {
		wall = s1 - s0; ev = (n1 - n0) / wall; cpu = (c1 - c0) / hz / wall * 100
		ns = (n1 > n0) ? (t1 - t0) * 1e9 / (n1 - n0) : 0
		printf "%s under load, %.1f s window, scraped every second\n", name, wall
		if (ev > 0)
			printf "  events seen by vigil BPF programs: %.0f/s\n", ev
		printf "  vigil userspace CPU: %.2f%% of one core (target < 5%%)%s\n", cpu, \
			cpu < 5 ? "" : "  OVER TARGET"
		printf "  vigil RSS: %.1f MiB, peak %.1f MiB (target < 64 MiB)%s\n", rss / 1024, \
			hwm / 1024, hwm < 65536 ? "" : "  OVER TARGET"
		if (ev > 0)
			printf "  in-kernel cost: %.0f ns/event, %.2f%% of one core\n", ns, \
				(t1 - t0) / wall * 100
	}'
}

start_vigil
measure "vigil serve (BPF)"
stop_vigil
start_vigil --backend fallback
measure "vigil serve --backend fallback (pollers, every 1 s)"
stop_vigil
