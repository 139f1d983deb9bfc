#!/usr/bin/python3
"""bench_dns.py: the in-kernel cost per packet of vigil's DNS programs (`vigil trace dns`),
against the floor: an empty program on the same cgroup_skb hooks (tools/bench/dns_floor),
attached at the same time so both run on the very same packets.

With kernel.bpf_stats_enabled=1 the kernel keeps run_cnt and run_time_ns per program. Each
run drives, inside a network namespace of its own (loopback only), first non-DNS traffic (a
UDP stream of 1000-byte datagrams and a TCP stream of 64 KiB writes) then DNS traffic (UDP
queries answered by a local responder), SECONDS each, and reads the counters of the egress
and ingress programs of both around each phase. Prints the medians over RUNS of ns per
packet (egress and ingress runs together) and the ratio to the floor.
Target: non-DNS packets cost no more than 2x the floor.
Knobs (environment): RUNS (5), BENCH_SECONDS (3).
"""
import ctypes
import os
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
VIGIL = os.path.join(ROOT, ".output", "vigil")
FLOOR = os.path.join(ROOT, ".output", "tools", "bench", "dns_floor")
RUNS = int(os.environ.get("RUNS", "5"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
NS = "vgdnsbench%d" % os.getpid()

RESPONDER = r"""
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
print("ready", flush=True)
ans = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00\x01"
while True:
    q, peer = s.recvfrom(512)
    if len(q) > 12:
        s.sendto(q[:2] + b"\x81\x80" + q[4:6] + b"\x00\x01\x00\x00\x00\x00" + q[12:] + ans,
                 peer)
"""

# mode seconds: "dns" sends queries (one in flight), "udp" and "tcp" stream on loopback
LOAD = r"""
import socket, struct, sys, threading, time
mode, secs = sys.argv[1], float(sys.argv[2])
end = time.monotonic() + secs
n = 0
if mode == "dns":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect(("127.0.0.1", 53))
    s.settimeout(1)
    q = b"\x07example\x04test\x00\x00\x01\x00\x01"
    while time.monotonic() < end:
        s.send(struct.pack("!HHHHHH", n & 0xffff, 0x0100, 1, 0, 0, 0) + q)
        try:
            s.recv(512)
        except OSError:
            pass
        n += 1
elif mode == "udp":
    r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    r.bind(("127.0.0.1", 0))
    r.setblocking(False)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    data = b"x" * 1000
    while time.monotonic() < end:
        for _ in range(64):
            s.sendto(data, r.getsockname())
            n += 1
        try:
            while True:
                r.recv(2048)
        except BlockingIOError:
            pass
else:
    l = socket.socket()
    l.bind(("127.0.0.1", 0))
    l.listen(1)
    def sink():
        c, _ = l.accept()
        while c.recv(1 << 20):
            pass
    threading.Thread(target=sink, daemon=True).start()
    s = socket.create_connection(l.getsockname())
    data = b"y" * 65536
    while time.monotonic() < end:
        s.sendall(data)
        n += 1
    s.close()
print(n)
"""


def hold_bpf_stats():
    libc = ctypes.CDLL(None, use_errno=True)
    attr = ctypes.create_string_buffer(8)
    return libc.syscall(321, 32, attr, 8)  # __NR_bpf on x86_64, BPF_ENABLE_STATS


def cgroup2_root():
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            if fields[fields.index("-") + 1] == "cgroup2":
                return fields[4]
    return None


def prog_fds(pid):
    """{name: (prog fd path)} of the BPF programs process pid holds."""
    out = {}
    fdinfo = "/proc/%d/fdinfo" % pid
    for fd in os.listdir(fdinfo):
        try:
            with open(os.path.join(fdinfo, fd)) as f:
                info = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        if "prog_id" in info:
            out[int(info["prog_id"])] = True
    return list(out)


def stats(ids):
    import json
    out = subprocess.run(["bpftool", "prog", "show", "-j"], capture_output=True, text=True,
                         check=True).stdout
    return {p["id"]: (p.get("name", "?"), p.get("run_cnt", 0), p.get("run_time_ns", 0))
            for p in json.loads(out) if p["id"] in ids}


def in_ns(*argv):
    return ["ip", "netns", "exec", NS, *argv]


def phase(mode, ids):
    before = stats(ids)
    subprocess.run(in_ns(sys.executable, "-c", LOAD, mode, str(SECONDS)), check=True,
                   capture_output=True)
    after = stats(ids)
    per = {}
    for pid_, (name, cnt, ns) in after.items():
        _, cnt0, ns0 = before.get(pid_, (name, 0, 0))
        per[name] = (cnt - cnt0, ns - ns0)
    return per


def ns_per_run(per, prefixes):
    """Over the programs whose name starts with one of prefixes (bpftool shows 15 bytes of a
    name, or the whole name when it has BTF)."""
    cnt = sum(v[0] for n, v in per.items() if n.startswith(prefixes))
    ns = sum(v[1] for n, v in per.items() if n.startswith(prefixes))
    return (ns / cnt if cnt else float("nan")), cnt


def main():
    if os.geteuid() != 0:
        print("bench_dns: needs root (BPF, bpf_stats)", file=sys.stderr)
        return 1
    for exe in (VIGIL, FLOOR):
        if not os.access(exe, os.X_OK):
            print("bench_dns: %s is missing (make all)" % exe, file=sys.stderr)
            return 1
    cg = cgroup2_root()
    if not cg:
        print("bench_dns: no cgroup v2 hierarchy mounted", file=sys.stderr)
        return 1
    subprocess.run([os.path.join(ROOT, "tools", "bench", "machine.sh")], check=True)
    with open("/proc/sys/kernel/bpf_stats_enabled") as f:
        old_stats = f.read().strip()
    subprocess.run(["sysctl", "-qw", "kernel.bpf_stats_enabled=1"], check=True)
    stats_fd = hold_bpf_stats()
    procs = []
    res = {"udp": [], "tcp": [], "dns": []}
    try:
        subprocess.run(["ip", "netns", "add", NS], check=True)
        subprocess.run(in_ns("ip", "link", "set", "lo", "up"), check=True)
        resp = subprocess.Popen(in_ns(sys.executable, "-c", RESPONDER), stdout=subprocess.PIPE,
                                text=True)
        procs.append(resp)
        resp.stdout.readline()
        floor = subprocess.Popen([FLOOR, cg], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True)
        procs.append(floor)
        if floor.stdout.readline().strip() != "ready":
            print("bench_dns: the floor program did not attach", file=sys.stderr)
            return 1
        v = subprocess.Popen([VIGIL, "trace", "dns", "-f", "ndjson", "-o", "/dev/null"],
                             stderr=subprocess.PIPE, text=True)
        procs.append(v)
        deadline = time.monotonic() + 30
        ids = []
        while time.monotonic() < deadline and len(ids) < 6:
            time.sleep(0.2)
            ids = prog_fds(v.pid)
        ids += prog_fds(floor.pid)
        for _ in range(RUNS):
            for mode in ("udp", "tcp", "dns"):
                per = phase(mode, set(ids))
                vig, n = ns_per_run(per, ("handle_dns_egre", "handle_dns_ingr"))
                flo, m = ns_per_run(per, ("floor_egress", "floor_ingress"))
                res[mode].append((vig, flo, n, m))
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGINT) if p.args[0] == VIGIL else p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        subprocess.run(["ip", "netns", "del", NS], capture_output=True)
        if stats_fd >= 0:
            os.close(stats_fd)
        subprocess.run(["sysctl", "-qw", "kernel.bpf_stats_enabled=%s" % old_stats])
    print("DNS programs (egress + ingress) vs an empty cgroup_skb program on the same packets;")
    print("medians of %d runs of %.0f s per traffic kind" % (RUNS, SECONDS))
    print("%-28s %10s %10s %10s %8s" % ("traffic", "packets", "vigil ns", "floor ns", "ratio"))
    for mode, what in (("udp", "non-DNS: UDP 1000 B stream"), ("tcp", "non-DNS: TCP 64 KiB writes"),
                       ("dns", "DNS: UDP queries+answers")):
        vig = statistics.median(r[0] for r in res[mode])
        flo = statistics.median(r[1] for r in res[mode])
        pk = statistics.median(r[2] for r in res[mode])
        print("%-28s %10d %10.1f %10.1f %7.2fx" % (what, pk, vig, flo, vig / flo))
    ratio = max(statistics.median(r[0] for r in res[m]) / statistics.median(r[1] for r in res[m])
                for m in ("udp", "tcp"))
    print("target: non-DNS packets <= 2x the floor: %s (worst %.2fx)" %
          ("met" if ratio <= 2.0 else "NOT met", ratio))
    return 0


if __name__ == "__main__":
    sys.exit(main())
