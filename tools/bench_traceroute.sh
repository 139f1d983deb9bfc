#!/bin/sh
# bench_traceroute.sh - `vigil probe traceroute` against tcptraceroute over the same path: a
# chain of network namespaces made here (client, three routers with forwarding on and no ICMP
# rate limit, target; veth pairs, static routes, nothing routed out of the chain) and removed
# at the end. Both trace the target's closed port (4 hops, ending in RST) with 3 probes per
# hop and numeric output, as whole commands (exec included), alternately so that both see the
# same load, RUNS times each. Prints the machine, the median and min wall time of each, the
# ratio vigil/tcptraceroute (< 1: vigil is faster), and whether both found the same hops.
# usage: tools/bench_traceroute.sh [RUNS]      (default 50)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-50}
TT=$(command -v tcptraceroute || true)
[ -n "$TT" ] || { echo "bench_traceroute: tcptraceroute is missing (tools/deps.sh)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench_traceroute: needs root (namespaces, raw sockets)" >&2; exit 1; }
[ -x .output/vigil ] || make -s .output/vigil
P=vbtr$$
down() { for n in c r1 r2 r3 t; do ip netns del $P-$n 2>/dev/null || true; done; }
trap down EXIT INT TERM
for n in c r1 r2 r3 t; do ip netns add $P-$n; ip -n $P-$n link set lo up; done
i=0
for link in "c 10.78.1.2 r1 10.78.1.1" "r1 10.78.2.1 r2 10.78.2.2" "r2 10.78.3.1 r3 10.78.3.2" \
	"r3 10.78.4.1 t 10.78.4.2"; do
	set -- $link
	ip link add l$i netns $P-$1 type veth peer name r$i netns $P-$3
	ip -n $P-$1 addr add $2/24 dev l$i && ip -n $P-$1 link set l$i up
	ip -n $P-$3 addr add $4/24 dev r$i && ip -n $P-$3 link set r$i up
	i=$((i + 1))
done
ip -n $P-c route add 10.78.0.0/16 via 10.78.1.1
ip -n $P-r1 route add 10.78.3.0/24 via 10.78.2.2
ip -n $P-r1 route add 10.78.4.0/24 via 10.78.2.2
ip -n $P-r2 route add 10.78.1.0/24 via 10.78.2.1
ip -n $P-r2 route add 10.78.4.0/24 via 10.78.3.2
ip -n $P-r3 route add 10.78.1.0/24 via 10.78.3.1
ip -n $P-r3 route add 10.78.2.0/24 via 10.78.3.1
ip -n $P-t route add 10.78.0.0/16 via 10.78.4.1
for r in r1 r2 r3; do
	ip netns exec $P-$r sysctl -qw net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0 \
		net.ipv4.icmp_msgs_per_sec=100000
done
tools/bench/machine.sh
LC_ALL=C ip netns exec $P-c /usr/bin/python3 - "$RUNS" "$TT" <<'PYEOF'
import re, statistics, subprocess, sys, time
runs, tt = int(sys.argv[1]), sys.argv[2]
target, port = "10.78.4.2", "9"
cmds = {"vigil probe traceroute": [".output/vigil", "probe", "traceroute", "-n", "-q", "3",
                                   "-p", port, target],
        "tcptraceroute": [tt, "-n", "-q", "3", target, port]}
hops = {}
for k, c in cmds.items():  # warm up, and the hop lists to compare
    out = subprocess.run(c, capture_output=True, text=True, check=True).stdout
    hops[k] = re.findall(r"^\s*\d+\s+(\S+)", out, re.M)
wall = {k: [] for k in cmds}
for _ in range(runs):
    for k, c in cmds.items():
        t0 = time.perf_counter()
        subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        wall[k].append((time.perf_counter() - t0) * 1e3)
print("TCP traceroute over 3 routers to a closed port (4 hops, 3 probes each), whole command:"
      " %d alternating runs each" % runs)
print("  %-24s %12s %12s" % ("", "wall median", "wall min"))
for k in cmds:
    print("  %-24s %10.3fms %10.3fms" % (k, statistics.median(wall[k]), min(wall[k])))
v, t = "vigil probe traceroute", "tcptraceroute"
print("  ratio vigil/tcptraceroute: wall %.2fx (< 1: vigil is faster)"
      % (statistics.median(wall[v]) / statistics.median(wall[t])))
same = hops[v] == hops[t]
print("  hops: vigil %s, tcptraceroute %s: %s" % (" ".join(hops[v]), " ".join(hops[t]),
                                                   "the same" if same else "DIFFERENT"))

PYEOF
