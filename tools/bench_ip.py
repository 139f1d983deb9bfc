"""bench_ip.py: `vigil ip` against IPy (python3-ipy) on the same work, measured in the same
run and interleaved (vigil, IPy, vigil, IPy, ...): 200 networks (IPv4 and IPv6, from a fixed
seed), each with every field `vigil ip -f json` prints (version, network, netmask, broadcast,
size, first, last, iptype, reverseName, reverseNames) and a comparison with one other network.
Whole processes, output to /dev/null; medians of N runs (BENCH_RUNS, default 15); the ratio
is vigil / IPy (below 1: vigil is faster). Needs python3-ipy and the repo's .output/vigil."""
import os
import random
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
VIGIL = os.path.join(ROOT, ".output", "vigil")
RUNS = int(os.environ.get("BENCH_RUNS", "15"))

IPY = r"""
import json, sys
from IPy import IP
b = IP(sys.argv[1])
out = []
for s in sys.argv[2:]:
    ip = IP(s)
    v4 = ip.version() == 4
    out.append({"cidr": str(ip), "version": ip.version(), "network": str(ip.net()),
                "netmask": str(ip.netmask()), "broadcast": str(ip.broadcast()),
                "size": ip.len(), "first": str(ip[0]), "last": str(ip[-1]),
                "type": ip.iptype(),
                "reverse_name": ip.reverseName() if v4 and ip.prefixlen() >= 8 else None,
                "reverse_names": ip.reverseNames() if v4 or ip.prefixlen() % 4 == 0 else [],
                "compare": (ip > b) - (ip < b)})
print(json.dumps(out))
"""


def nets(n):
    rng = random.Random(1)
    out = []
    for i in range(n):
        if i % 2:
            plen = rng.choice([8, 16, 20, 24, 28, 32])
            ip = rng.getrandbits(32) >> (32 - plen) << (32 - plen)
            out.append("%d.%d.%d.%d/%d" % (ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255,
                                           plen))
        else:
            plen = rng.choice([32, 48, 56, 64, 96, 128])
            ip = rng.getrandbits(128) >> (128 - plen) << (128 - plen)
            words = ["%x" % (ip >> (112 - 16 * k) & 0xffff) for k in range(8)]
            out.append("%s/%d" % (":".join(words), plen))
    return out


def once(argv):
    t0 = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0


def main():
    try:
        import IPy  # noqa: F401
    except ImportError:
        print("bench_ip: python3-ipy is not installed (tools/deps.sh)", file=sys.stderr)
        return 1
    ns = nets(200)
    ours = [VIGIL, "ip", "-f", "json", "--compare", "10.0.0.0/8", *ns]
    theirs = ["/usr/bin/python3", "-c", IPY, "10.0.0.0/8", *ns]
    once(ours), once(theirs)
    a, b = [], []
    for _ in range(RUNS):
        a.append(once(ours))
        b.append(once(theirs))
    ma, mb = statistics.median(a), statistics.median(b)
    print("vigil ip, 200 networks, every field   vigil %8.2f ms   IPy %8.2f ms   ratio %.3f"
          % (ma * 1e3, mb * 1e3, ma / mb))
    return 0


if __name__ == "__main__":
    sys.exit(main())
