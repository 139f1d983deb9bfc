#!/usr/bin/python3
"""test_dns.py: `vigil trace dns` and `vigil hist dns` against a real DNS server.

The test makes a network namespace joined to this one by a veth pair and starts there: NSD
(an authoritative server from Debian) serving the zone `test.` (and a zone `broken.` whose
file does not exist, which NSD answers with SERVFAIL), a UDP relay that holds each query a
known time before passing it to NSD (no netem on this kernel), a fake server that answers
with crafted malformed responses, and an nft rule that drops every packet to one address
(a timeout). Queries come from dig and from python3-dnspython, over UDP and TCP, IPv4 and
IPv6; each must appear in vigil's records exactly once with the pid of the process that
asked and the qname, qtype, rcode and answer count that the client itself saw.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (cgroup2_root, check, main, records, require_root, rmdir_cgroup,  # noqa: E402
                     skip, start_vigil, test, vigil, wait_attached)

TAG = os.getpid()
NS = "vgd%d" % TAG
VETH_H, VETH_N = "vgd%dh" % TAG, "vgd%dn" % TAG
NET = "10.%d.%d" % (100 + TAG % 100, (TAG // 100) % 250)
HOST4 = NET + ".1"
NSD4, RELAY4, DROP4, BAD4 = NET + ".2", NET + ".3", NET + ".4", NET + ".5"
V6NET = "fd53:%x::" % (TAG % 0xffff)
HOST6, NSD6 = V6NET + "1", V6NET + "2"
RELAY_DELAY = 0.25  # seconds the relay holds each query
BIG_TXT = 12  # TXT strings of 100 bytes: a response well over 512 bytes

ZONE = """$ORIGIN test.
$TTL 300
@      IN SOA ns.test. admin.test. 1 3600 600 86400 300
@      IN NS  ns.test.
ns     IN A   {nsd4}
www    IN A   {net}.10
www    IN AAAA {v6}10
multi  IN A   {net}.11
multi  IN A   {net}.12
multi  IN A   {net}.13
{big}
"""

NSD_CONF = """server:
    ip-address: {nsd4}
    ip-address: {nsd6}
    port: 53
    username: ""
    chroot: ""
    zonesdir: "{dir}"
    zonelistfile: "{dir}/zone.list"
    xfrdfile: "{dir}/xfrd.state"
    xfrdir: "{dir}"
    pidfile: "{dir}/nsd.pid"
    database: ""
    logfile: "{dir}/nsd.log"
    server-count: 1
    tcp-count: 50
    verbosity: 1
    hide-version: yes
remote-control:
    control-enable: no
zone:
    name: "test."
    zonefile: "test.zone"
zone:
    name: "broken."
    zonefile: "broken.zone"
"""

# The relay: each datagram is held RELAY_DELAY s, then asked of NSD from a socket of its own.
RELAY = r"""
import socket, sys, threading, time
listen, upstream, delay = sys.argv[1], sys.argv[2], float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((listen, 53))
print("ready", flush=True)
def relay(data, peer):
    time.sleep(delay)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(5)
    u.sendto(data, (upstream, 53))
    try:
        s.sendto(u.recv(65535), peer)
    except OSError:
        pass
while True:
    data, peer = s.recvfrom(65535)
    threading.Thread(target=relay, args=(data, peer), daemon=True).start()
"""

# The fake server: crafted answers chosen by the first label of the question's name, and a
# bare FORMERR header for a query it cannot read.
BAD_SERVER = r"""
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
print("ready", flush=True)
def question_end(q):
    i = 12
    while i < len(q) and q[i]:
        i += q[i] + 1
    return i + 5
while True:
    q, peer = s.recvfrom(65535)
    if len(q) < 12:
        continue
    qid = q[:2]
    end = question_end(q)
    if end > len(q):
        s.sendto(qid + struct.pack("!HHHHH", 0x8001, 0, 0, 0, 0), peer)  # FORMERR
        continue
    label = q[13:13 + q[12]]
    question = q[12:end]
    hdr = qid + struct.pack("!HHHHH", 0x8180, 1, 1, 0, 0)
    if label == b"loop":  # an answer whose name points at itself
        here = 12 + len(question)
        rr = struct.pack("!H", 0xc000 | here) + struct.pack("!HHIH", 1, 1, 60, 4) + b"\1\2\3\4"
    elif label == b"pastend":  # an rdlength that runs past the end of the message
        rr = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 200) + b"\1\2\3\4"
    elif label == b"forward":  # a pointer that points forwards
        rr = b"\xc0\xff" + struct.pack("!HHIH", 1, 1, 60, 4) + b"\1\2\3\4"
    elif label == b"badlabel":  # a reserved label type (0x40)
        rr = b"\x41abc\x00" + struct.pack("!HHIH", 1, 1, 60, 4) + b"\1\2\3\4"
    else:  # a good answer with a root (zero-length) owner name
        rr = b"\x00" + struct.pack("!HHIH", 1, 1, 60, 4) + b"\x0a\x00\x00\x01"
    s.sendto(hdr + question + rr, peer)
"""

DNSPY = r"""
import os, sys, dns.message, dns.query, dns.rcode
mode, server, name, rtype = sys.argv[1:5]
q = dns.message.make_query(name, rtype, use_edns=False)
if mode == "udp":
    r = dns.query.udp(q, server, timeout=5)
else:
    r = dns.query.tcp(q, server, timeout=5)
print(os.getpid(), dns.rcode.to_text(r.rcode()), sum(len(rr) for rr in r.answer), q.id)
"""

# Two sockets, two source ports, one DNS id, both in flight at once (through the relay).
SAME_ID = r"""
import os, socket, sys, dns.message
server = sys.argv[1]
socks = []
for name in ("www.test", "multi.test"):
    q = dns.message.make_query(name, "A", use_edns=False)
    q.id = 4242
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.connect((server, 53))
    s.send(q.to_wire())
    socks.append(s)
ports = [s.getsockname()[1] for s in socks]
answers = [len(dns.message.from_wire(s.recv(65535)).answer[0]) for s in socks]
print(os.getpid(), ports[0], ports[1], answers[0], answers[1])
"""

state = {"procs": [], "dir": None, "setup": None}


def sh(cmd, check_rc=True):
    p = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    if check_rc and p.returncode:
        raise AssertionError("%s: %s" % (cmd, p.stderr.strip()))
    return p


def in_ns(*argv):
    return ["ip", "netns", "exec", NS, *argv]


def spawn(argv, wait_line=True):
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    state["procs"].append(p)
    if wait_line:
        line = p.stdout.readline()
        if not line.startswith("ready"):
            p.kill()
            raise AssertionError("%s did not start (%r): %s" % (argv[:5], line,
                                                              p.communicate()[1][-500:]))
    return p


def dig(server, name, rtype="A", *opts):
    """Run dig; return (pid, status, answers, output)."""
    p = subprocess.Popen(["dig", "@" + server, name, rtype, "+tries=1", "+time=3", *opts],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, _ = p.communicate(timeout=30)
    m = re.search(r"status: (\w+)", out)
    status = m.group(1) if m else None
    answers = [int(a) for a in re.findall(r"ANSWER: (\d+)", out)]
    return p.pid, status, answers[-1] if answers else None, out


def dnspython(mode, server, name, rtype="A"):
    out = subprocess.run([sys.executable, "-c", DNSPY, mode, server, name, rtype],
                         capture_output=True, text=True, timeout=30)
    check(out.returncode == 0, "dnspython %s %s: %s" % (mode, name, out.stderr[-500:]))
    pid, rcode, answers, qid = out.stdout.split()
    return int(pid), rcode, int(answers), int(qid)


def wait_dns_up():
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        _, status, _, _ = dig(NSD4, "www.test")
        if status == "NOERROR":
            return
        time.sleep(0.2)
    raise AssertionError("nsd did not answer: %s" % open(os.path.join(state["dir"],
                                                                      "nsd.log")).read())


def setup():
    require_root()
    for tool in ("nsd", "dig", "nft"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            skip("%s is not installed (tools/deps.sh installs it)" % tool)
    try:
        import dns.message  # noqa: F401
    except ImportError:
        skip("python3-dnspython is not installed (tools/deps.sh installs it)")
    if vigil("doctor", "-f", "json", check=False).stdout.find('"name": "dns"') < 0:
        raise AssertionError("vigil doctor does not list the dns subsystem")
    d = tempfile.mkdtemp(prefix="vigil-dns-")
    state["dir"] = d
    big = "\n".join('big IN TXT "%s"' % (("%02d" % i) * 50) for i in range(BIG_TXT))
    with open(os.path.join(d, "test.zone"), "w") as f:
        f.write(ZONE.format(nsd4=NSD4, net=NET, v6=V6NET, big=big))
    with open(os.path.join(d, "nsd.conf"), "w") as f:
        f.write(NSD_CONF.format(nsd4=NSD4, nsd6=NSD6, dir=d))
    for cmd in ("ip netns add %s" % NS,
                "ip link add %s type veth peer name %s" % (VETH_H, VETH_N),
                "ip link set %s netns %s" % (VETH_N, NS),
                "ip addr add %s/24 dev %s" % (HOST4, VETH_H),
                "ip -6 addr add %s/64 dev %s nodad" % (HOST6, VETH_H),
                "ip link set %s up" % VETH_H,
                "ip netns exec %s ip link set lo up" % NS,
                "ip netns exec %s ip link set %s up" % (NS, VETH_N)):
        sh(cmd)
    for a in (NSD4, RELAY4, DROP4, BAD4):
        sh("ip netns exec %s ip addr add %s/24 dev %s" % (NS, a, VETH_N))
    sh("ip netns exec %s ip -6 addr add %s/64 dev %s nodad" % (NS, NSD6, VETH_N))
    sh("ip netns exec %s nft add table inet vigiltest" % NS)
    sh("ip netns exec %s nft 'add chain inet vigiltest in { type filter hook input priority 0; }'"
       % NS)
    sh("ip netns exec %s nft add rule inet vigiltest in ip daddr %s drop" % (NS, DROP4))
    spawn(in_ns("nsd", "-d", "-c", os.path.join(d, "nsd.conf")), wait_line=False)
    spawn(in_ns(sys.executable, "-c", RELAY, RELAY4, NSD4, str(RELAY_DELAY)))
    spawn(in_ns(sys.executable, "-c", BAD_SERVER, BAD4))
    wait_dns_up()


def ensure_setup():
    """Set the namespace and servers up once; every test re-raises the first failure (a skip
    when a tool is missing, which fails under CI=true)."""
    if state["setup"] is None:
        try:
            setup()
            state["setup"] = True
        except Exception as e:  # noqa: BLE001
            state["setup"] = e
            teardown()
    if state["setup"] is not True:
        raise state["setup"]


def teardown():
    for p in state["procs"]:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    state["procs"] = []
    subprocess.run(["ip", "link", "del", VETH_H], capture_output=True)
    subprocess.run(["ip", "netns", "del", NS], capture_output=True)
    if state["dir"]:
        shutil.rmtree(state["dir"], ignore_errors=True)
        state["dir"] = None


def trace(*args):
    ensure_setup()
    p = start_vigil("trace", "dns", "-f", "ndjson", *args)
    wait_attached(p)
    return p


def stop(p):
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    check(p.returncode == 0, "vigil exited %d: %s" % (p.returncode, err[-1000:]))
    return records(out), err


def mine(recs, pid=None, qname=None):
    return [r for r in recs if r["kind"] == "dns" and (pid is None or r["pid"] == pid) and
            (qname is None or r["qname"] == qname)]


def one(recs, pid, qname, what):
    got = mine(recs, pid, qname)
    check(len(got) == 1, "%s: %d records for pid %d %s (want 1): %s" %
          (what, len(got), pid, qname, got or mine(recs)[:6]))
    return got[0]


@test
def test_dns_dig_and_dnspython_udp_tcp_exactly_once():
    p = trace()
    cases = []
    for name, rtype in (("www.test", "A"), ("multi.test", "A"), ("www.test", "AAAA"),
                        ("nope.test", "A")):
        cases.append(("dig-udp", name, rtype) + dig(NSD4, name, rtype))
        cases.append(("dig-tcp", name, rtype) + dig(NSD4, name, rtype, "+tcp"))
        for mode in ("udp", "tcp"):
            pid, rcode, answers, _ = dnspython(mode, NSD4, name, rtype)
            cases.append(("dnspython-" + mode, name, rtype, pid, rcode, answers, ""))
    recs, _ = stop(p)
    for what, name, rtype, pid, rcode, answers, _ in cases:
        r = one(recs, pid, name, "%s %s %s" % (what, name, rtype))
        check(r["qtype"] == rtype, "%s: qtype %s, want %s" % (what, r["qtype"], rtype))
        check(r["rcode"] == rcode, "%s %s: rcode %s, client saw %s" % (what, name, r["rcode"],
                                                                        rcode))
        check(r["answers"] == answers, "%s %s: answers %s, client saw %s" %
              (what, name, r["answers"], answers))
        check(r["transport"] == what.split("-")[1], "%s: transport %s" % (what, r["transport"]))
        check(r["server"] == NSD4 and r["dport"] == 53, "%s: server %s" % (what, r["server"]))
        # the process's name, though dig sends from its libisc threads (isc-net-0000)
        check(r["comm"] == ("dig" if what.startswith("dig") else "python3"),
              "%s: comm %s" % (what, r["comm"]))
        check(r["timeout"] == 0 and r["latency_ns"] > 0, "%s: %s" % (what, r))
        check(not r["qname_truncated"] and not r["malformed"], "%s: %s" % (what, r))
    www = [r for r in mine(recs, qname="www.test") if r["qtype"] == "A"]
    check(all(r["addrs"] == NET + ".10" for r in www), "www A addrs: %s" % www)
    six = [r for r in mine(recs, qname="www.test") if r["qtype"] == "AAAA"]
    check(all(r["addrs"] == V6NET + "10" for r in six), "www AAAA addrs: %s" % six)
    nx = mine(recs, qname="nope.test")
    check(nx and all(r["rcode"] == "NXDOMAIN" for r in nx), "NXDOMAIN: %s" % nx)


@test
def test_dns_with_cgroup_names_the_querier_cgroup():
    rel = "/vigil-dns-%d/system.slice/vigil-dig.service" % os.getpid()
    path = cgroup2_root() + rel
    os.makedirs(path)

    def join():
        with open(os.path.join(path, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))
    try:
        p = trace("--with-cgroup")
        d = subprocess.Popen(["dig", "@" + NSD4, "www.test", "A", "+tries=1", "+time=3"],
                             stdout=subprocess.PIPE, text=True, preexec_fn=join)
        d.communicate(timeout=30)
        other_pid, _, _, _ = dig(NSD4, "www.test")
        recs, err = stop(p)
    finally:
        rmdir_cgroup(path)
        rmdir_cgroup(os.path.dirname(path))
        rmdir_cgroup(os.path.dirname(os.path.dirname(path)))
    r = one(recs, d.pid, "www.test", "dig in a cgroup")
    got = (r["cgroup"], r["unit"], r["container"])
    check(got == (rel, "vigil-dig.service", None), "dig in %s: %r" % (rel, got))
    r = one(recs, other_pid, "www.test", "dig outside")
    check(r["cgroup"] == "/" and r["unit"] is None, "dig outside: %r" % r)
    check("--with-cgroup: " in err, "no --with-cgroup summary: %s" % err)


@test
def test_dns_servfail_of_a_zone_the_server_cannot_serve():
    p = trace()
    pid, status, answers, _ = dig(NSD4, "x.broken")
    recs, _ = stop(p)
    check(status == "SERVFAIL", "nsd answered %s for the broken zone" % status)
    r = one(recs, pid, "x.broken", "servfail")
    check(r["rcode"] == "SERVFAIL" and r["answers"] == 0, "servfail record: %s" % r)


@test
def test_dns_latency_covers_the_relay_delay():
    p = trace()
    pids = [dig(RELAY4, "www.test")[0] for _ in range(3)]
    recs, _ = stop(p)
    for pid in pids:
        r = one(recs, pid, "www.test", "through the relay")
        check(r["latency_ns"] >= RELAY_DELAY * 1e9,
              "latency %d ns < the relay's %.0f ms" % (r["latency_ns"], RELAY_DELAY * 1e3))
        check(r["latency_ns"] < 5e9, "latency %d ns: far too long" % r["latency_ns"])
        check(r["server"] == RELAY4, "server %s" % r["server"])


@test
def test_dns_timeout_when_packets_are_dropped():
    p = trace("--dns-timeout", "500ms")
    pid, status, _, _ = dig(DROP4, "www.test", "A", "+time=1")
    check(status is None, "dig got an answer through the DROP rule")
    # dig waited 1 s, past the 500 ms timeout: the sweep vigil makes as it stops reports it
    recs, err = stop(p)
    r = one(recs, pid, "www.test", "dropped query")
    check(r["timeout"] == 1 and r["rcode"] is None and r["latency_ns"] is None,
          "timeout record: %s" % r)
    check(r["server"] == DROP4, "server %s" % r["server"])
    check(re.search(r"dns: \d+ malformed packets, [1-9]\d* timeouts", err), "report: %s" % err)


@test
def test_dns_big_response_truncated_then_tcp():
    p = trace()
    pid, status, answers, out = dig(NSD4, "big.test", "TXT", "+noedns")
    recs, _ = stop(p)
    check(status == "NOERROR" and answers == BIG_TXT, "dig: %s %s" % (status, answers))
    check("Truncated, retrying in TCP mode" in out, "dig did not retry over TCP:\n%s" % out)
    got = mine(recs, pid, "big.test")
    udp = [r for r in got if r["transport"] == "udp"]
    tcp = [r for r in got if r["transport"] == "tcp"]
    check(len(udp) == 1 and udp[0]["tc"] == 1, "the UDP answer with TC: %s" % got)
    check(len(tcp) == 1 and tcp[0]["tc"] == 0 and tcp[0]["answers"] == BIG_TXT,
          "the TCP retry: %s" % got)
    check(not tcp[0]["malformed"], "a response cut at 512 bytes is not malformed: %s" % tcp)


@test
def test_dns_ipv6_transport():
    p = trace()
    cases = [dig(NSD6, "www.test", "AAAA")[:3], dig(NSD6, "www.test", "A", "+tcp")[:3]]
    pid6, rcode6, ans6, _ = dnspython("udp", NSD6, "multi.test", "A")
    recs, _ = stop(p)
    for (pid, status, answers), name in zip(cases, ("www.test", "www.test")):
        r = one(recs, pid, name, "IPv6")
        check(r["family"] == 6 and r["server"] == NSD6 and r["saddr"] == HOST6,
              "IPv6 addresses: %s" % r)
        check(r["rcode"] == status and r["answers"] == answers, "IPv6 answer: %s" % r)
    r = one(recs, pid6, "multi.test", "IPv6 dnspython")
    check(r["family"] == 6 and r["answers"] == ans6 == 3, "IPv6 dnspython: %s" % r)
    check(sorted(r["addrs"].split(",")) == [NET + ".11", NET + ".12", NET + ".13"],
          "addresses: %s" % r["addrs"])


@test
def test_dns_same_id_from_two_ports_is_two_transactions():
    p = trace()
    out = subprocess.run([sys.executable, "-c", SAME_ID, RELAY4], capture_output=True,
                         text=True, timeout=30)
    check(out.returncode == 0, "same-id client: %s" % out.stderr)
    pid, port1, port2, n1, n2 = (int(x) for x in out.stdout.split())
    recs, _ = stop(p)
    got = sorted(mine(recs, pid), key=lambda r: r["sport"])
    check(len(got) == 2, "two records: %s" % got)
    check(all(r["id"] == 4242 for r in got), "ids: %s" % [r["id"] for r in got])
    by_port = {r["sport"]: r for r in got}
    check(set(by_port) == {port1, port2}, "ports %s, want %d %d" % (set(by_port), port1, port2))
    check(by_port[port1]["qname"] == "www.test" and by_port[port1]["answers"] == n1 == 1,
          "first: %s" % by_port[port1])
    check(by_port[port2]["qname"] == "multi.test" and by_port[port2]["answers"] == n2 == 3,
          "second: %s" % by_port[port2])
    check(all(r["latency_ns"] >= RELAY_DELAY * 1e9 for r in got), "latencies: %s" % got)


def send_raw(server, payload):
    import socket
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(payload, (server, 53))
    try:
        s.recv(65535)
    except OSError:
        pass
    s.close()


def query_wire(name, qid, rtype=1):
    import struct
    wire = b"".join(bytes([len(x)]) + x.encode() for x in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + wire + struct.pack("!HH", rtype, 1)


@test
def test_dns_malformed_packets_are_counted_and_vigil_keeps_running():
    import struct
    p = trace()
    crafted_answers = ("loop", "pastend", "forward", "badlabel")
    for i, label in enumerate(crafted_answers):
        send_raw(BAD4, query_wire(label + ".test", 100 + i))
    bad_queries = [
        struct.pack("!HHHHHH", 200, 0x0100, 1, 0, 0, 0) + b"\x05ab",  # name past the end
        struct.pack("!HHHHHH", 201, 0x0100, 1, 0, 0, 0) + b"\x41abc\x00\x00\x01\x00\x01",
        struct.pack("!HHHHHH", 202, 0x0100, 1, 0, 0, 0) + b"\xc0\x0c\x00\x01\x00\x01",
        b"\x00\xcb\x01",  # shorter than a header
    ]
    for q in bad_queries:
        send_raw(BAD4, q)
    send_raw(BAD4, query_wire("", 300))  # the root name: zero-length label, well formed
    pid, status, answers, _ = dig(NSD4, "www.test")  # still tracing
    recs, err = stop(p)
    one(recs, pid, "www.test", "a good query after the bad ones")
    bad = [r for r in mine(recs) if r["server"] == BAD4]
    by_id = {r["id"]: r for r in bad}
    for i, label in enumerate(crafted_answers):
        r = by_id.get(100 + i)
        check(r and r["malformed"] == 1 and r["qname"] == label + ".test",
              "crafted %s answer: %s" % (label, r))
    check(by_id.get(200) and by_id[200]["qname_truncated"] == 1 and by_id[200]["qname"] == "ab",
          "truncated name: %s" % by_id.get(200))
    check(by_id.get(300) and by_id[300]["qname"] == "." and not by_id[300]["malformed"],
          "root name: %s" % by_id.get(300))
    check(201 not in by_id and 202 not in by_id, "unreadable questions: %s" % bad)
    m = re.search(r"dns: (\d+) malformed packets", err)
    # 4 crafted answers, the cut name, the bad label, the pointer, the short packet
    check(m and int(m.group(1)) >= 8, "malformed count: %s" % err)


@test
def test_dns_hist_counts_match_queries():
    ensure_setup()
    h = start_vigil("hist", "dns", "--per", "qtype", "-f", "ndjson")
    wait_attached(h)
    n_a, n_aaaa = 5, 3
    for _ in range(n_a):
        dig(NSD4, "www.test", "A")
    for _ in range(n_aaaa):
        dnspython("udp", NSD4, "www.test", "AAAA")
    h.send_signal(signal.SIGINT)
    out, err = h.communicate(timeout=30)
    check(h.returncode == 0, "hist: %s" % err)
    counts = {}
    for r in records(out):
        counts[r["key"]] = counts.get(r["key"], 0) + r["count"]
    # other DNS traffic on the host may add to these; ours must all be there
    check(counts.get("A", 0) >= n_a and counts.get("AAAA", 0) >= n_aaaa, "per qtype: %s" % counts)
    check(counts.get("A", 0) <= n_a + 2 and counts.get("AAAA", 0) <= n_aaaa + 2,
          "more than asked: %s" % counts)
    pid_h = start_vigil("hist", "dns", "--per", "server", "-f", "ndjson")
    wait_attached(pid_h)
    for _ in range(4):
        dig(RELAY4, "www.test")
    pid_h.send_signal(signal.SIGINT)
    out, err = pid_h.communicate(timeout=30)
    check(pid_h.returncode == 0, "hist: %s" % err)
    per = {r["key"]: r for r in records(out)}
    check(RELAY4 in per and per[RELAY4]["count"] == 4, "per server: %s" % list(per))
    lo = min(b["lo"] for b in per[RELAY4]["buckets"] if b["count"])
    check(lo * 2 >= RELAY_DELAY * 1e6, "relay latency buckets from %d us" % lo)


@test
def test_dns_packet_socket_fallback():
    p = trace("--backend", "fallback", "--dns-timeout", "500ms", "--poll-interval", "200ms")
    cases = [("udp", "www.test", "A") + dig(NSD4, "www.test", "A")[1:3],
             ("tcp", "multi.test", "A") + dig(NSD4, "multi.test", "A", "+tcp")[1:3],
             ("udp", "nope.test", "AAAA") + dig(NSD6, "nope.test", "AAAA")[1:3]]
    _, rcode, answers, qid = dnspython("udp", RELAY4, "www.test", "AAAA")
    dig(DROP4, "drop.test", "A", "+time=1")  # 1 s: past the timeout; the last poll sees it
    recs, _ = stop(p)
    got = mine(recs)
    check(got and all(r["source"] == "packet" and r["pid"] is None and r["comm"] is None
                      for r in got), "source packet, no pid: %s" % got[:3])
    for transport, name, rtype, status, n in cases:
        r = [x for x in got if x["qname"] == name and x["qtype"] == rtype and
             x["transport"] == transport]
        check(len(r) == 1, "%s %s over %s: %s" % (name, rtype, transport, r or got))
        check(r[0]["rcode"] == status and r[0]["answers"] == n, "%s: %s" % (name, r[0]))
    r = [x for x in got if x["server"] == RELAY4 and x["id"] == qid]
    check(len(r) == 1 and r[0]["rcode"] == rcode and r[0]["answers"] == answers and
          r[0]["latency_ns"] >= RELAY_DELAY * 1e9, "through the relay: %s" % r)
    r = [x for x in got if x["qname"] == "drop.test"]
    check(len(r) == 1 and r[0]["timeout"] == 1, "timeout: %s" % r)


def addr_set_queries():
    """One query to each of NSD4, RELAY4 and NSD6 (by dig); their pids."""
    return {NSD4: dig(NSD4, "www.test")[0], RELAY4: dig(RELAY4, "www.test")[0],
            NSD6: dig(NSD6, "www.test", "AAAA")[0]}


@test
def test_dns_laddr_raddr_select_queries_in_kernel_and_fallback():
    # the set keeps the /24 but not the relay, and no IPv6 server: only NSD4 is left
    sel = NET + ".0/24,!" + RELAY4
    for backend in (("--backend", "bpf"), ("--backend", "fallback", "--poll-interval", "200ms")):
        p = trace("--raddr", sel, *backend)
        addr_set_queries()
        recs, _ = stop(p)
        got = sorted({r["server"] for r in mine(recs, qname="www.test")})
        check(got == [NSD4], "%s --raddr %s: servers %s" % (backend[1], sel, got))
        p = trace("--laddr", HOST6 + "/128", *backend)
        addr_set_queries()
        recs, _ = stop(p)
        got = sorted({r["server"] for r in mine(recs, qname="www.test")})
        check(got == [NSD6], "%s --laddr %s: servers %s" % (backend[1], HOST6, got))
    h = start_vigil("hist", "dns", "--per", "server", "--raddr", RELAY4, "-f", "ndjson")
    wait_attached(h)
    addr_set_queries()
    h.send_signal(signal.SIGINT)
    out, err = h.communicate(timeout=30)
    keys = sorted({r["key"] for r in records(out)})
    check(h.returncode == 0 and keys == [RELAY4], "hist --raddr %s: %s %s" % (RELAY4, keys, err))
    for args in (["trace", "dns", "--raddr", NET + ".1/24"], ["hist", "dns", "--laddr", "::1/64"]):
        r = vigil(*args, check=False)
        check(r.returncode == 2 and ("--" + args[2][2:]) in r.stderr and "host bits" in r.stderr,
              "%s: %d %s" % (args, r.returncode, r.stderr))


def scrape(port):
    import urllib.request
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10) as r:
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        if line.startswith("vigil_dns"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


@test
def test_dns_serve_exports_requests_latency_and_timeouts():
    ensure_setup()
    port = 20000 + TAG % 12000  # below the ephemeral range (32768)
    p = start_vigil("serve", "--listen", "127.0.0.1:%d" % port)
    wait_attached(p)
    try:
        before = scrape(port)
        for _ in range(3):
            dig(NSD4, "www.test", "A")
        dig(NSD4, "nope.test", "AAAA")
        dig(DROP4, "www.test", "A", "+time=1")
        send_raw(BAD4, query_wire("loop.test", 77))
        deadline = time.monotonic() + 15  # the timeout (5 s) and the sweep
        while time.monotonic() < deadline:
            after = scrape(port)
            if after.get("vigil_dns_timeouts_total", 0) > before.get("vigil_dns_timeouts_total",
                                                                      0):
                break
            time.sleep(0.5)
    finally:
        p.send_signal(signal.SIGINT)
        p.communicate(timeout=30)

    def delta(name):
        return after.get(name, 0) - before.get(name, 0)
    check(delta('vigil_dns_requests_total{qtype="A",rcode="NOERROR"}') >= 4,
          "A/NOERROR: %s" % after)  # 3 from dig, 1 from the fake server
    check(delta('vigil_dns_requests_total{qtype="AAAA",rcode="NXDOMAIN"}') == 1,
          "AAAA/NXDOMAIN: %s" % after)
    check(delta("vigil_dns_timeouts_total") == 1, "timeouts: %s" % after)
    check(delta("vigil_dns_malformed_total") >= 1, "malformed: %s" % after)
    check(delta('vigil_dns_latency_seconds_count') >= 5, "latency histogram: %s" % after)
    check(after.get('vigil_dns_latency_seconds_bucket{le="+Inf"}') == after.get("vigil_dns_latency_seconds_count"),
          "histogram buckets: %s" % after)


LOOP = r"""
import sys, time, dns.message, dns.query
print("ready", flush=True)
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    dns.query.udp(dns.message.make_query("www.test", "A"), sys.argv[1], timeout=5)
    time.sleep(0.02)
"""


@test
def test_dns_top_shows_queries_per_second_and_p99():
    ensure_setup()
    q = spawn([sys.executable, "-c", LOOP, RELAY4, "20"])
    out = vigil("top", "--once", "-i", "2s", "--pid", str(q.pid), "-f", "json",
                timeout=60).stdout
    q.kill()
    lines = [r for r in json.loads(out)["rows"] if r["pid"] == q.pid]
    check(len(lines) == 1, "top:\n%s" % out)
    qps, p99 = lines[0]["dns_qps"], lines[0]["dns_p99_us"]
    check(qps is not None and p99 is not None, "no DNS columns:\n%s" % out)
    # one query per relay delay (0.25 s) plus 20 ms: about 3.7/s
    check(1.0 <= float(qps) <= 5.0, "DNS/s %s:\n%s" % (qps, out))
    check(int(p99) >= RELAY_DELAY * 1e6, "DNS_P99 %s us:\n%s" % (p99, out))


@test
def test_dns_bad_values_exit_2():
    for args, flag in ((["trace", "dns", "--dns-timeout", "0"], "--dns-timeout"),
                       (["trace", "dns", "--dns-timeout", "2h"], "--dns-timeout"),
                       (["hist", "dns", "--per", "rport"], "--per"),
                       (["trace", "tcp", "--dns-timeout", "1s"], "--dns-timeout")):
        r = vigil(*args, check=False)
        check(r.returncode == 2 and flag in r.stderr, "%s: %d %s" % (args, r.returncode,
                                                                   r.stderr))


@test
def test_dns_doctor_lists_the_cgroup_attach_points():
    out = vigil("doctor").stdout
    check(re.search(r"^dns +bpf", out, re.M), "doctor:\n%s" % out)
    line = re.search(r"^  dns +ok +(.*)$", out, re.M)
    check(line and "cgroup_skb/egress" in line.group(1) and "cgroup_skb/ingress" in
          line.group(1) and "cgroup/connect4" in line.group(1), "doctor dns line:\n%s" % out)


if __name__ == "__main__":
    try:
        main()
    finally:
        teardown()
