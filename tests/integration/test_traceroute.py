"""test_traceroute.py: `vigil probe traceroute` over a real routed path, IPv4 and IPv6.

The test builds a chain of network namespaces of its own: a client, three routers with
forwarding on, and a target, joined by veth pairs, with static routes both ways (no default
route anywhere, so nothing can leave the chain). The ICMP rate limit is off in the routers, so
repeated runs get every time exceeded. Checks: the hops are exactly the three routers' addresses
then the target; the hop list equals scapy's TCP traceroute (python3-scapy) and tcptraceroute's
on the same path; an open port ends in SYN-ACK and a closed one in RST; an nft rule that drops
a router's ICMP shows that hop as `*` with 100% loss while the trace goes on; a router's reject
ends the trace as unreachable; reverse names come from the client namespace's own hosts file;
the SVG report parses as XML with one group per hop; over IPv6 the hops equal scapy's
traceroute6's; errors (no CAP_NET_RAW, bad flags, an
unresolvable or malformed host, an SVG to a terminal) exit as documented.
"""
import json
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(__file__))
from harness import (VIGIL, check, main, records, require_root, skip, test,
                     unprivileged_vigil)

TAG = "vtr%d" % (os.getpid() % 100000)
NS = {n: "%s-%s" % (TAG, n) for n in ("c", "r1", "r2", "r3", "t")}
CLIENT, R1, R2, R3, TARGET = "10.77.1.2", "10.77.1.1", "10.77.2.2", "10.77.3.2", "10.77.4.2"
HOPS = [R1, R2, R3, TARGET]
R1_6, R2_6, R3_6, TARGET6 = "fd77:1::1", "fd77:2::2", "fd77:3::2", "fd77:4::2"
HOPS6 = [R1_6, R2_6, R3_6, TARGET6]
OPEN_PORT, CLOSED_PORT = 8443, 8444
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
          "--bounding-set=-all"]
SVG_NS = "{http://www.w3.org/2000/svg}"
ETC = "/etc/netns/%s" % NS["c"]


def sh(*cmd, ns=None, check_rc=True):
    argv = (["ip", "netns", "exec", ns] if ns else []) + list(cmd)
    p = subprocess.run(argv, capture_output=True, text=True)
    if check_rc and p.returncode:
        raise AssertionError("%s: %s" % (" ".join(argv), p.stderr.strip()))
    return p


# (left ns, left addr, right ns, right addr) of each link, /24s
LINKS = [("c", CLIENT, "r1", R1), ("r1", "10.77.2.1", "r2", R2),
         ("r2", "10.77.3.1", "r3", R3), ("r3", "10.77.4.1", "t", TARGET)]
ROUTES = {
    "c": [("10.77.0.0/16", R1)],
    "r1": [("10.77.3.0/24", R2), ("10.77.4.0/24", R2)],
    "r2": [("10.77.1.0/24", "10.77.2.1"), ("10.77.4.0/24", R3)],
    "r3": [("10.77.1.0/24", "10.77.3.1"), ("10.77.2.0/24", "10.77.3.1")],
    "t": [("10.77.0.0/16", "10.77.4.1")],
}


def chain_down():
    for ns in NS.values():
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    shutil.rmtree(ETC, ignore_errors=True)


def chain_up():
    chain_down()
    for ns in NS.values():
        sh("ip", "netns", "add", ns)
        sh("ip", "-n", ns, "link", "set", "lo", "up")
    for i, (a, aa, b, ba) in enumerate(LINKS):
        n = aa.split(".")[2]
        aa6, ba6 = "fd77:%s::%s" % (n, aa.split(".")[3]), "fd77:%s::%s" % (n, ba.split(".")[3])
        sh("ip", "link", "add", "l%d" % i, "netns", NS[a], "type", "veth", "peer", "name",
           "r%d" % i, "netns", NS[b])
        sh("ip", "-n", NS[a], "addr", "add", aa + "/24", "dev", "l%d" % i)
        sh("ip", "-n", NS[b], "addr", "add", ba + "/24", "dev", "r%d" % i)
        sh("ip", "-n", NS[a], "addr", "add", aa6 + "/64", "dev", "l%d" % i, "nodad")
        sh("ip", "-n", NS[b], "addr", "add", ba6 + "/64", "dev", "r%d" % i, "nodad")
        sh("ip", "-n", NS[a], "link", "set", "l%d" % i, "up")
        sh("ip", "-n", NS[b], "link", "set", "r%d" % i, "up")
    for n, routes in ROUTES.items():
        for net, via in routes:
            sh("ip", "-n", NS[n], "route", "add", net, "via", via)
            net6 = "fd77::/16" if net.endswith("/16") else "fd77:%s::/64" % net.split(".")[2]
            via6 = "fd77:%s::%s" % tuple(via.split(".")[2:4])
            sh("ip", "-n", NS[n], "-6", "route", "add", net6, "via", via6)
    for r in ("r1", "r2", "r3"):
        for k, v in (("net.ipv4.ip_forward", "1"), ("net.ipv4.icmp_ratelimit", "0"),
                     ("net.ipv4.icmp_msgs_per_sec", "100000"),
                     ("net.ipv6.conf.all.forwarding", "1"), ("net.ipv6.icmp.ratelimit", "0")):
            sh("sysctl", "-qw", "%s=%s" % (k, v), ns=NS[r])
    # `ip netns exec` puts these over /etc: names for two routers, and a resolver that is this
    # namespace's own closed port, so a reverse lookup never leaves the chain
    os.makedirs(ETC, exist_ok=True)
    with open(os.path.join(ETC, "hosts"), "w") as f:
        f.write("127.0.0.1 localhost\n%s r1.chain.test\n%s r3.chain.test\n" % (R1, R3))
    with open(os.path.join(ETC, "resolv.conf"), "w") as f:
        f.write("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")


class Listener:
    """A TCP listener on the target's OPEN_PORT, in the target namespace."""

    def __enter__(self):
        code = ("import socket,sys;s=socket.socket();s.setsockopt(socket.SOL_SOCKET,"
                "socket.SO_REUSEADDR,1);s.bind(('%s',%d));s.listen(64);"
                "t=socket.socket(socket.AF_INET6);t.bind(('%s',%d));t.listen(64);"
                "print('up',flush=True);sys.stdin.read()" % (TARGET, OPEN_PORT, TARGET6,
                                                            OPEN_PORT))
        self.p = subprocess.Popen(["ip", "netns", "exec", NS["t"], "/usr/bin/python3", "-c",
                                   code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)
        check(self.p.stdout.readline().strip() == "up", "the target's listener started")
        return self

    def __exit__(self, *exc):
        self.p.stdin.close()
        self.p.wait(timeout=10)


_state = {"up": False}


def chain():
    require_root()
    if not _state["up"]:
        chain_up()
        _state["up"] = True


def vtrace(*args, ns="c", rc=0, timeout=60):
    argv = ["ip", "netns", "exec", NS[ns], VIGIL, "probe", "traceroute", *args]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if rc is not None and p.returncode != rc:
        raise AssertionError("%s: exit %d, not %d: %s%s" % (" ".join(argv[4:]), p.returncode,
                                                           rc, p.stdout, p.stderr))
    return p


def hop_list(rows):
    """The address that answered each TTL (None: no answer), from vigil's rows."""
    hops = {}
    for r in rows:
        if r["addr"] and r["ttl"] not in hops:
            hops[r["ttl"]] = r["addr"]
    return [hops.get(t) for t in range(1, max(r["ttl"] for r in rows) + 1)]


def check_common(rows, port, state, target=TARGET):
    for r in rows:
        for k in ("time", "ts_ns", "kind", "source", "probe", "target", "success",
                  "duration_ns", "ttl", "probe_index", "addr", "name", "rtt_ns", "reply"):
            check(k in r, "field %s in %r" % (k, r))
        check(r["probe"] == "traceroute" and r["target"] == target and r["port"] == port,
              "common fields: %r" % r)
        check(r["state"] == state and r["success"] == (state != "unreached"),
              "state %s: %r" % (state, r))
        check(r["reply"] in ("time-exceeded", "syn-ack", "rst", "none", "unreachable"),
              "reply: %r" % r)
        check((r["rtt_ns"] is None) == (r["reply"] == "none"), "rtt only with a reply: %r" % r)


@test
def open_port_hops_are_the_three_routers_then_the_target():
    chain()
    with Listener():
        p = vtrace(TARGET, "--port", str(OPEN_PORT), "-n", "-f", "ndjson")
    rows = records(p.stdout)
    check_common(rows, OPEN_PORT, "open")
    check(hop_list(rows) == HOPS, "hops %s, want %s" % (hop_list(rows), HOPS))
    check(len(rows) == 4 * 3, "3 probes for each of 4 hops: %d rows" % len(rows))
    for r in rows:
        want = "syn-ack" if r["ttl"] == 4 else "time-exceeded"
        check(r["reply"] == want, "ttl %d answered %s, want %s" % (r["ttl"], r["reply"], want))
        check(0 < r["rtt_ns"] < 1e9, "rtt within a second: %r" % r)
        check(r["name"] is None, "-n: no names: %r" % r)
    check(len({r["duration_ns"] for r in rows}) == 1 and
          rows[0]["duration_ns"] >= max(r["rtt_ns"] for r in rows), "one trace duration")


@test
def laddr_is_the_source_and_raddr_bounds_the_target():
    chain()
    alt = "10.77.1.3"  # a second client address on the link to r1 (the routers route the /24)
    sh("ip", "-n", NS["c"], "addr", "replace", alt + "/24", "dev", "l0")
    with Listener():
        p = vtrace(TARGET, "-p", str(OPEN_PORT), "-n", "--laddr", alt)
        rows = records(vtrace(TARGET, "-p", str(OPEN_PORT), "-n", "--laddr", alt, "--raddr",
                              "10.77.4.0/24", "-f", "ndjson").stdout)
    head = p.stdout.splitlines()[0]
    check(" from %s:" % alt in head, "header names the source %s: %r" % (alt, head))
    check(hop_list(rows) == HOPS and rows[-1]["reply"] == "syn-ack", "hops from %s: %s" %
          (alt, hop_list(rows)))
    p = vtrace(TARGET, "-p", str(OPEN_PORT), "--raddr", "10.77.0.0/16,!10.77.4.0/24", rc=1)
    check("outside --raddr" in p.stderr and not p.stdout.strip(), "refused: %r %r" %
          (p.stdout, p.stderr))
    for args, flag in ((["--laddr", "10.77.9.9"], "--laddr"), (["--laddr", "10.77.1.0/24"],
                                                                "--laddr"),
                       (["--laddr", alt, "-6"], "--laddr"), (["--raddr", "10.77.4.1/24"],
                                                              "--raddr")):
        p = vtrace(TARGET, *args, rc=2)
        check(flag in p.stderr, "%s: %r" % (args, p.stderr))


@test
def closed_port_ends_in_rst_and_the_table_reads_like_traceroute():
    chain()
    p = vtrace(TARGET, "-p", str(CLOSED_PORT), "-n")
    lines = p.stdout.splitlines()
    check(lines[0].startswith("traceroute to %s (%s), port %d" % (TARGET, TARGET, CLOSED_PORT)),
          "header: %r" % lines[0])
    hops = lines[1:5]
    for i, (line, addr) in enumerate(zip(hops, HOPS)):
        m = re.match(r"^ ?(\d+)  (\S+)( \[closed\])?((?:  [\d.]+ ms){3})$", line)
        check(m, "hop line %r" % line)
        check(int(m.group(1)) == i + 1 and m.group(2) == addr, "hop %d is %s: %r" %
              (i + 1, addr, line))
        check(bool(m.group(3)) == (addr == TARGET), "[closed] at the target only: %r" % line)
    check(lines[5].startswith("%s port %d: closed (rst) at hop 4; 12 probes sent, 0 lost" %
                              (TARGET, CLOSED_PORT)), "end line: %r" % lines[5])
    rows = json.loads(vtrace(TARGET, "-p", str(CLOSED_PORT), "-n", "-f", "json").stdout)
    check_common(rows, CLOSED_PORT, "closed")
    check([r["reply"] for r in rows if r["ttl"] == 4] == ["rst"] * 3, "RST at the target")


def scapy_hops(port):
    """scapy's TCP traceroute from the client namespace: the address per TTL."""
    code = ("from scapy.all import traceroute,conf;conf.verb=0\n"
            "res,_=traceroute('%s',dport=%d,maxttl=6,timeout=3,verbose=0)\n"
            "tr=res.get_trace()['%s']\n"
            "print(' '.join('%%d=%%s=%%d'%%(t,tr[t][0],tr[t][1]) for t in sorted(tr)))\n"
            % (TARGET, port, TARGET))
    p = sh("/usr/bin/python3", "-c", code, ns=NS["c"])
    got = {}
    for item in p.stdout.split():
        ttl, addr, is_target = item.split("=")
        got[int(ttl)] = (addr, is_target == "1")
    out = []
    for ttl in sorted(got):
        out.append(got[ttl][0])
        if got[ttl][1]:
            break
    return out


def tcptraceroute_hops(port):
    exe = shutil.which("tcptraceroute")
    if not exe:
        skip("tcptraceroute is not installed (tools/deps.sh)")
    p = sh(exe, "-n", "-q", "1", "-w", "2", "-m", "6", TARGET, str(port), ns=NS["c"])
    hops, state = [], None
    for line in p.stdout.splitlines():
        m = re.match(r"^\s*\d+\s+(\S+)( \[(open|closed)\])?", line)
        if m:
            hops.append(None if m.group(1) == "*" else m.group(1))
            state = m.group(3) or state
    return hops, state


@test
def hop_list_equals_scapys_and_tcptraceroutes():
    chain()
    if sh("/usr/bin/python3", "-c", "import scapy.all", check_rc=False).returncode:
        skip("python3-scapy is not installed (tools/deps.sh)")
    with Listener():
        for port, state in ((OPEN_PORT, "open"), (CLOSED_PORT, "closed")):
            rows = records(vtrace(TARGET, "-p", str(port), "-n", "-f", "ndjson").stdout)
            ours = hop_list(rows)
            theirs = scapy_hops(port)
            check(ours == theirs, "port %d: vigil %s, scapy %s" % (port, ours, theirs))
            tt, tstate = tcptraceroute_hops(port)
            check(ours == tt, "port %d: vigil %s, tcptraceroute %s" % (port, ours, tt))
            check(tstate == state == rows[-1]["state"], "port %d: tcptraceroute says %s, "
                  "vigil %s" % (port, tstate, rows[-1]["state"]))


def scapy6_hops(port):
    """scapy's traceroute6 (TCP SYNs) from the client namespace: the address per hop limit."""
    code = ("from scapy.all import conf,TCP;from scapy.layers.inet6 import traceroute6\n"
            "conf.verb=0\n"
            "a,_=traceroute6('%s',dport=%d,maxttl=6,timeout=3,verbose=0)\n"
            "for s,r in a: print(s.hlim, r.src, int(r.haslayer(TCP)))\n" % (TARGET6, port))
    p = sh("/usr/bin/python3", "-c", code, ns=NS["c"])
    got = {}
    for line in p.stdout.splitlines():
        hlim, addr, is_target = line.split()
        got[int(hlim)] = (addr, is_target == "1")
    out = []
    for ttl in sorted(got):
        out.append(got[ttl][0])
        if got[ttl][1]:
            break
    return out


@test
def ipv6_hops_equal_scapys_traceroute6():
    chain()
    if sh("/usr/bin/python3", "-c", "import scapy.all", check_rc=False).returncode:
        skip("python3-scapy is not installed (tools/deps.sh)")
    with Listener():
        for port, state, last in ((OPEN_PORT, "open", "syn-ack"),
                                  (CLOSED_PORT, "closed", "rst")):
            rows = records(vtrace(TARGET6, "-p", str(port), "-n", "-f", "ndjson").stdout)
            check_common(rows, port, state, TARGET6)
            check(hop_list(rows) == HOPS6, "port %d: hops %s, want %s" %
                  (port, hop_list(rows), HOPS6))
            check([r["reply"] for r in rows if r["ttl"] == 4] == [last] * 3,
                  "port %d ends in %s" % (port, last))
            theirs = scapy6_hops(port)
            check(theirs == HOPS6, "port %d: scapy's traceroute6 %s" % (port, theirs))
    table = vtrace(TARGET6, "-p", str(CLOSED_PORT), "-n").stdout.splitlines()
    check(table[0].startswith("traceroute to %s (%s), port %d" % (TARGET6, TARGET6,
                                                                CLOSED_PORT)) and
          "from [fd77:1::2]:" in table[0], "header: %r" % table[0])
    check(table[4].startswith(" 4  %s [closed]  " % TARGET6), "hop 4: %r" % table[4])


def nft(ns, *rules):
    sh("nft", "add", "table", "inet", "vigiltest", ns=ns)
    for chain_def, rule in rules:
        sh("nft", "add", "chain", "inet", "vigiltest", chain_def[0], "{ type filter hook %s "
           "priority 0 ; }" % chain_def[1], ns=ns)
        sh("nft", "add", "rule", "inet", "vigiltest", chain_def[0], *rule.split(), ns=ns)


def nft_flush(ns):
    sh("nft", "delete", "table", "inet", "vigiltest", ns=ns, check_rc=False)


@test
def a_router_that_drops_its_icmp_is_a_star_with_full_loss():
    chain()
    if not shutil.which("nft"):
        skip("nft is not installed (tools/deps.sh: nftables)")
    nft(NS["r2"], (("out", "output"), "icmp type time-exceeded drop"))
    try:
        p = vtrace(TARGET, "-p", str(CLOSED_PORT), "-n", "-w", "300ms")
        rows = records(vtrace(TARGET, "-p", str(CLOSED_PORT), "-n", "-w", "300ms",
                              "-f", "ndjson").stdout)
        tmp = tempfile.mkdtemp()
        svg = os.path.join(tmp, "route.svg")
        vtrace(TARGET, "-p", str(CLOSED_PORT), "-n", "-w", "300ms", "-f", "svg", "-o", svg)
        root = ET.parse(svg).getroot()
        shutil.rmtree(tmp)
    finally:
        nft_flush(NS["r2"])
    line = p.stdout.splitlines()[2]
    check(line == " 2  *  *  *", "hop 2 is all stars: %r" % line)
    check(hop_list(rows) == [R1, None, R3, TARGET], "hops %s" % hop_list(rows))
    check([r["reply"] for r in rows if r["ttl"] == 2] == ["none"] * 3, "hop 2 lost")
    check("12 probes sent, 3 lost" in p.stdout, "loss counted: %r" % p.stdout)
    hop2 = [g for g in root.iter(SVG_NS + "g") if g.get("id") == "hop-2"][0]
    text = " ".join(t.text or "" for t in hop2.iter(SVG_NS + "text"))
    check("loss 100% (3/3)" in text and "no reply" in text, "svg hop 2: %r" % text)
    check(hop2.find(SVG_NS + "circle").get("fill") == "#d0342c", "hop 2 drawn red")


@test
def repeated_runs_give_loss_and_min_avg_max_per_hop():
    chain()
    if not shutil.which("nft"):
        skip("nft is not installed (tools/deps.sh: nftables)")
    nft(NS["r2"], (("out", "output"), "icmp type time-exceeded drop"))
    try:
        with Listener():
            p = vtrace(TARGET, "-p", str(OPEN_PORT), "-n", "-w", "300ms", "-c", "3", "-i",
                       "200ms")
            recs = records(vtrace(TARGET, "-p", str(OPEN_PORT), "-n", "-w", "300ms", "-c",
                                  "2", "-i", "100ms", "-f", "ndjson").stdout)
    finally:
        nft_flush(NS["r2"])
    out = p.stdout
    check(out.count("open (syn-ack) at hop 4") == 3, "three runs: %r" % out)
    summary = out.split("--- %s port %d: 3 runs, the target answered in 3 ---\n" %
                        (TARGET, OPEN_PORT))[1].splitlines()
    check(summary[0].split() == ["hop", "address", "sent", "loss", "min", "ms", "avg", "ms",
                                 "max", "ms"], "summary header: %r" % summary[0])
    for line, addr in zip(summary[1:], [R1, "*", R3, TARGET]):
        f = line.split()
        check(f[1] == addr and f[2] == "9", "hop %s: %r" % (addr, line))
        if addr == "*":
            check(f[3] == "100.0%" and len(f) == 4, "all lost, no RTT: %r" % line)
        else:
            lo, avg, hi = (float(x) for x in f[4:7])
            check(f[3] == "0.0%" and 0 < lo <= avg <= hi < 1000, "min/avg/max: %r" % line)
    probes = [r for r in recs if r["kind"] == "probe"]
    sums = [r for r in recs if r["kind"] == "probe_summary"]
    check(sorted({r["run"] for r in probes}) == [1, 2] and len(probes) == 24, "2 runs of 12")
    check([r["ttl"] for r in sums] == [1, 2, 3, 4], "a summary per hop: %s" % sums)
    check(sums[1]["addr"] is None and sums[1]["lost"] == 6 and sums[1]["loss"] == 1 and
          sums[1]["rtt_avg_ns"] is None, "hop 2 lost: %r" % sums[1])
    want = [r["rtt_ns"] for r in probes if r["ttl"] == 3]
    check(sums[2]["rtt_min_ns"] == min(want) and sums[2]["rtt_max_ns"] == max(want) and
          sums[2]["rtt_avg_ns"] == sum(want) // len(want), "hop 3's figures: %r" % sums[2])
    check(all(r["runs"] == 2 and r["reached"] == 2 for r in sums), "runs and reached")
    p = vtrace(TARGET, "-p", str(CLOSED_PORT), "-n", "-m", "2", "-q", "1", "-c", "2", "-i",
               "10ms", rc=1)
    check("the target answered in 0 of 2 runs" in p.stderr, p.stderr)


@test
def ctrl_c_stops_the_trace_and_prints_what_it_has():
    chain()
    if not shutil.which("nft"):
        skip("nft is not installed (tools/deps.sh: nftables)")
    nft(NS["r2"], (("out", "output"), "icmp type time-exceeded drop"))
    try:
        p = subprocess.Popen(["ip", "netns", "exec", NS["c"], VIGIL, "probe", "traceroute",
                              TARGET, "-p", str(CLOSED_PORT), "-n", "-w", "30s"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = p.stdout.readline() + p.stdout.readline()  # the header, then hop 1
        t0 = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=20)
        took = time.monotonic() - t0
    finally:
        nft_flush(NS["r2"])
    check(" 1  %s  " % R1 in first, "hop 1 printed before the stop: %r" % first)
    check(took < 5, "stopped at once, not after the 30 s timeout: %.1f s" % took)
    check(p.returncode == 1 and "stopped at hop 2" in err, "%d %r" % (p.returncode, err))
    check("unreached after 1 hop;" in out, "the end line says what it had: %r" % out)


@test
def a_router_reject_ends_the_trace_unreachable():
    chain()
    if not shutil.which("nft"):
        skip("nft is not installed (tools/deps.sh: nftables)")
    nft(NS["r3"], (("fw", "forward"), "ip daddr %s reject with icmp type host-unreachable" %
                   TARGET))
    try:
        p = vtrace(TARGET, "-p", str(CLOSED_PORT), "-n", rc=1)
        rows = records(vtrace(TARGET, "-p", str(CLOSED_PORT), "-n", "-f", "ndjson",
                              rc=1).stdout)
    finally:
        nft_flush(NS["r3"])
    # TTL 3 expires in r3 before its forward hook; TTL 4 is what r3 rejects
    check(hop_list(rows) == [R1, R2, R3, R3], "ends at r3: %s" % hop_list(rows))
    check([r["reply"] for r in rows if r["ttl"] == 4] == ["unreachable"] * 3, "r3 rejects")
    check(all(r["state"] == "unreached" and r["success"] is False for r in rows), "unreached")
    check(p.stdout.splitlines()[4].count(" !H") == 3, "traceroute's !H mark: %r" % p.stdout)
    check("not reached in 4 hops" in p.stderr, "said on stderr: %r" % p.stderr)


@test
def max_hops_short_of_the_target_is_unreached():
    chain()
    p = vtrace(TARGET, "-p", str(CLOSED_PORT), "-n", "-m", "2", "-q", "1", rc=1)
    check("unreached after 2 hops; 2 probes sent, 0 lost" in p.stdout, p.stdout)
    check("not reached in 2 hops" in p.stderr, p.stderr)


@test
def reverse_names_come_from_the_resolver():
    chain()
    rows = records(vtrace(TARGET, "-p", str(CLOSED_PORT), "-f", "ndjson").stdout)
    names = {r["addr"]: r["name"] for r in rows if r["addr"]}
    check(names == {R1: "r1.chain.test", R2: None, R3: "r3.chain.test", TARGET: None},
          "names: %s" % names)
    table = vtrace(TARGET, "-p", str(CLOSED_PORT)).stdout.splitlines()
    check(table[1].startswith(" 1  r1.chain.test (%s)  " % R1), "table name: %r" % table[1])
    check(table[2].startswith(" 2  %s  " % R2), "no name, the address: %r" % table[2])


@test
def svg_report_is_xml_with_one_group_per_hop():
    chain()
    tmp = tempfile.mkdtemp()
    try:
        svg = os.path.join(tmp, "route.svg")
        with Listener():
            p = vtrace(TARGET, "-p", str(OPEN_PORT), "-n", "-f", "svg", "-o", svg)
        check(p.stdout == "", "nothing on stdout with -o")
        root = ET.parse(svg).getroot()
        if shutil.which("xmllint"):
            sh("xmllint", "--noout", svg)
    finally:
        shutil.rmtree(tmp)
    check(root.tag == SVG_NS + "svg", "an svg root")
    groups = [g for g in root.iter(SVG_NS + "g") if g.get("class") == "hop"]
    check([g.get("id") for g in groups] == ["hop-1", "hop-2", "hop-3", "hop-4"],
          "one group per hop: %s" % [g.get("id") for g in groups])
    for g, addr in zip(groups, HOPS):
        texts = " ".join(t.text or "" for t in g.iter(SVG_NS + "text"))
        check(addr in texts and "loss 0% (0/3)" in texts and "rtt " in texts,
              "hop %s: %r" % (addr, texts))
        check(float(g.find(SVG_NS + "rect").get("width")) >= 1, "an RTT bar")
    ends = [g for g in root.iter(SVG_NS + "g") if g.get("class") == "end"]
    check(len(ends) == 1 and ends[0].get("id") == "end-open", "end state open")
    check("SYN-ACK at hop 4" in " ".join(t.text or "" for t in ends[0].iter(SVG_NS + "text")),
          "the end says SYN-ACK")


def run_on_pty(argv):
    """Run argv with stdout on a terminal; (rc, what it printed)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")


@test
def errors_exit_as_documented():
    require_root()
    bad = [(["127.0.0.1", "--port", "0"], "--port"), (["127.0.0.1", "-m", "256"], "--max-hops"),
           (["127.0.0.1", "-q", "11"], "--probes"), (["127.0.0.1", "-w", "soon"], "--timeout"),
           (["127.0.0.1", "-w", "0"], "--timeout"), (["127.0.0.1", "--rate", "0"], "--rate"),
           (["127.0.0.1", "-f", "png"], "--format"), (["127.0.0.1", "-c", "0"], "--count"),
           (["127.0.0.1", "-i", "1s"], "--interval"), (["127.0.0.1", "-c", "2", "-i", "1ms"],
                                                       "--interval"),
           (["127.0.0.1", "-c", "2", "-f", "svg", "-o", "/dev/null"], "--count"), (["127.0.0.1", "-d", "1s"], "--duration"),
           ([], "HOST"), (["a b"], "HOST"), (["-x"], "-x"), (["127.0.0.1", "80"], "unexpected argument")]
    for args, word in bad:
        p = subprocess.run([VIGIL, "probe", "traceroute", *args], capture_output=True,
                           text=True)
        check(p.returncode == 2 and word in p.stderr, "%s: exit %d, %r" %
              (args, p.returncode, p.stderr))
    p = subprocess.run([VIGIL, "probe", "nosuch"], capture_output=True, text=True)
    check(p.returncode == 2 and "nosuch" in p.stderr, "unknown probe: %r" % p.stderr)
    p = subprocess.run([VIGIL, "probe", "traceroute", "no-such-host.invalid"],
                       capture_output=True, text=True)
    check(p.returncode == 1 and "cannot resolve 'no-such-host.invalid'" in p.stderr,
          "unresolvable: %d %r" % (p.returncode, p.stderr))
    rc, out = run_on_pty([VIGIL, "probe", "traceroute", "127.0.0.1", "-f", "svg"])
    check(rc == 2 and "-o" in out and "<svg" not in out, "svg to a terminal: %d %r" % (rc, out))
    tmp, exe = unprivileged_vigil()
    try:
        p = subprocess.run(NOBODY + [exe, "probe", "traceroute", "127.0.0.1"],
                           capture_output=True, text=True)
    finally:
        shutil.rmtree(tmp)
    check(p.returncode == 1 and "CAP_NET_RAW" in p.stderr and not p.stdout,
          "uid 65534: %d %r" % (p.returncode, p.stderr))


@test
def teardown():
    if _state["up"]:
        chain_down()
        _state["up"] = False


if __name__ == "__main__":
    try:
        main()
    finally:
        chain_down()
