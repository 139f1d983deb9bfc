"""test_tcp.py: the TCP tracer against known workloads, on loopback and across a pair of
network namespaces joined by a veth (created here, removed after). It checks counts, ports,
pids, byte counts and latencies in vigil's records, the in-kernel filters (port, CIDR,
family), bad flag values, the histograms, doctor's verdict per record kind, and agreement
with libbpf-tools tcplife. The workloads come from tests/integration/tcp_workload.c.
The module runs in a private mount namespace without tracefs (harness.without_tracefs),
as on a fresh machine, whatever the machine has mounted; tcplife, which needs tracefs,
mounts it in a namespace of its own.
"""
import ctypes
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (OUT, check, main, records, require_root, start_vigil, test,  # noqa: E402
                     tracing_mounts, vigil, wait_attached, without_tracefs)

WORKLOAD = os.path.join(OUT, "tests", "integration", "tcp_workload")
TCPLIFE = "/usr/sbin/tcplife"
# Per-run names and ports: another checkout's test run may share the machine.
TAG = os.getpid()
NS_A, NS_B = "vgt%da" % TAG, "vgt%db" % TAG
VETH_A, VETH_B = "vgt%dx" % TAG, "vgt%dy" % TAG
BASE = 10000 + (TAG % 1100) * 20  # below the ephemeral range
V4_A, V4_B = "10.231.0.1", "10.231.0.2"
V6_A, V6_B = "fd00:231::1", "fd00:231::2"


def trace(*args):
    p = start_vigil("trace", "tcp", "-f", "ndjson", *args)
    wait_attached(p)
    return p


def stop(p):
    """End a background vigil cleanly; return its records."""
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    check(p.returncode == 0, "vigil exited %d: %s" % (p.returncode, err[-1000:]))
    return records(out)


def ns_prefix(ns):
    return ["ip", "netns", "exec", ns] if ns else []


def serve(family, addr, port, n, nin, nout, ns=None):
    p = subprocess.Popen(ns_prefix(ns) + [WORKLOAD, "serve", family, addr, str(port), str(n),
                                          str(nin), str(nout)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if not line:
        p.wait(timeout=10)
        raise AssertionError("server did not start: %s" % p.stderr.read())
    check(json.loads(line).get("ready"), "server did not start: %r" % line)
    return p


def run_workload(*args, ns=None):
    p = subprocess.run(ns_prefix(ns) + [WORKLOAD, *args], capture_output=True, text=True,
                       timeout=60)
    check(p.returncode == 0, "workload %s failed: %s" % (args, p.stderr))
    return json.loads(p.stdout.strip().splitlines()[-1])


def conns(family, addr, port, n, c2s, s2c, ns_server=None, ns_client=None):
    """n connections: the client sends c2s bytes, the server answers s2c. Returns the pids
    and the client's source ports."""
    srv = serve(family, addr, port, n, c2s, s2c, ns=ns_server)
    srv_pid = srv.pid
    cli = run_workload("connect", family, addr, str(port), str(n), str(c2s), str(s2c),
                       ns=ns_client)
    srv.wait(timeout=30)
    check(srv.returncode == 0, "server failed")
    time.sleep(0.3)  # the last closes and the ring buffer's poll
    return srv_pid, cli["pid"], cli["sports"]


def kind(recs, k, port=None):
    out = [r for r in recs if r["kind"] == k]
    if port is not None:
        out = [r for r in out if port in (r["sport"], r["dport"])]
    return out


def check_bytes(value, want, what):
    # payload bytes, exactly: the SYN and FIN sequence numbers tcp_sock counts are taken out
    check(value == want, "%s = %d, expected exactly %d" % (what, value, want))


def check_conn_records(recs, port, n, srv_pid, cli_pid, sports, c2s, s2c):
    connects = kind(recs, "tcp_connect", port)
    check(len(connects) == n, "%d tcp_connect records, expected %d" % (len(connects), n))
    check(sorted(r["sport"] for r in connects) == sorted(sports), "tcp_connect source ports")
    for r in connects:
        check(r["dport"] == port, "tcp_connect dport %s" % r["dport"])
        check(r["pid"] == cli_pid, "tcp_connect pid %s, expected %d" % (r["pid"], cli_pid))
        check(0 < r["latency_ns"] < 1e9, "loopback connect latency %s" % r["latency_ns"])
    closes = kind(recs, "tcp_close", port)
    active = [r for r in closes if r["direction"] == "active"]
    passive = [r for r in closes if r["direction"] == "passive"]
    check(len(active) == n and len(passive) == n,
          "tcp_close: %d active, %d passive, expected %d each" % (len(active), len(passive), n))
    for r in active:
        check(r["pid"] == cli_pid, "active close pid %s, expected %d" % (r["pid"], cli_pid))
        check(r["sport"] in sports and r["dport"] == port, "active close ports")
        check_bytes(r["bytes_sent"], c2s, "client bytes_sent")
        check_bytes(r["bytes_received"], s2c, "client bytes_received")
        check(r["connect_latency_ns"] and r["duration_ns"] >= r["connect_latency_ns"],
              "active close latency/duration")
        check(r["partial"] == 0, "not partial")
        check(r["srtt_min_us"] <= r["srtt_us"] <= r["srtt_max_us"], "srtt min <= last <= max")
    for r in passive:
        check(r["pid"] == srv_pid, "passive close pid %s, expected %d" % (r["pid"], srv_pid))
        check(r["sport"] == port and r["dport"] in sports, "passive close ports")
        check_bytes(r["bytes_sent"], s2c, "server bytes_sent")
        check_bytes(r["bytes_received"], c2s, "server bytes_received")
        check(r["connect_latency_ns"] is None, "passive side has no connect latency")
    accepts = kind(recs, "tcp_accept", port)
    check(len(accepts) == n, "%d tcp_accept, expected %d" % (len(accepts), n))
    check(all(r["pid"] == srv_pid for r in accepts),
          "tcp_accept pid is the server's (%d, client %d): %s" % (srv_pid, cli_pid, accepts))
    # never a pid taken from softirq context: known pids are one of the two processes
    for r in recs:
        if r["kind"].startswith("tcp_") and r.get("pid") is not None:
            check(r["pid"] in (srv_pid, cli_pid), "%s with a foreign pid %s" % (r["kind"], r["pid"]))


@test
def test_tcp_loopback_counts_ports_pids_bytes():
    require_root()
    port, n, c2s, s2c = BASE + 1, 20, 12345, 54321
    v = trace("--port", str(port))
    srv_pid, cli_pid, sports = conns("4", "127.0.0.1", port, n, c2s, s2c)
    recs = stop(v)
    check_conn_records(recs, port, n, srv_pid, cli_pid, sports, c2s, s2c)
    states = kind(recs, "tcp_state", port)
    check(len(states) >= 8 * n, "tcp_state records: %d" % len(states))


@test
def test_tcp_close_bytes_are_payload_exactly():
    # 1000 bytes up, 3000 down: tcp_sock says 1002/3001 (client) and 3001/1001 (server)
    require_root()
    port, n = BASE + 14, 2
    v = trace("--port", str(port))
    srv_pid, cli_pid, sports = conns("4", "127.0.0.1", port, n, 1000, 3000)
    recs = stop(v)
    check_conn_records(recs, port, n, srv_pid, cli_pid, sports, 1000, 3000)


@test
def test_tcp_ipv6_loopback():
    require_root()
    port, n = BASE + 2, 3
    v = trace("--port", str(port))
    srv_pid, cli_pid, sports = conns("6", "::1", port, n, 3000, 70000)
    recs = stop(v)
    check_conn_records(recs, port, n, srv_pid, cli_pid, sports, 3000, 70000)
    for r in kind(recs, "tcp_close", port):
        check(r["family"] == 6 and r["saddr"] == "::1" and r["daddr"] == "::1",
              "IPv6 addresses as text: %s %s" % (r["saddr"], r["daddr"]))


@test
def test_tcp_full_backlog_drops_syn():
    require_root()
    port = BASE + 3
    v = trace("--port", str(port))
    w = run_workload("backlog", "4", "127.0.0.1", str(port))
    time.sleep(0.3)
    recs = stop(v)
    check(w["b_error"] == 0, "the second connect failed: %d" % w["b_error"])
    b = [r for r in kind(recs, "tcp_connect", port) if r["sport"] == w["b_sport"]]
    check(len(b) == 1, "one tcp_connect for the dropped-SYN connection, got %d" % len(b))
    check(b[0]["latency_ns"] >= 1e9, "connect latency %d ns, expected >= 1 s" % b[0]["latency_ns"])
    check(b[0]["pid"] == w["pid"], "connect pid")
    retrans = [r for r in kind(recs, "tcp_retransmit", port) if r["sport"] == w["b_sport"]]
    check(len(retrans) >= 1, "a tcp_retransmit for the SYN")
    check(retrans[0]["state"] == "SYN_SENT", "retransmitted in SYN_SENT: %s" % retrans[0]["state"])
    close = [r for r in kind(recs, "tcp_close", port) if r["sport"] == w["b_sport"]]
    check(len(close) == 1 and close[0]["retransmits"] >= 1, "close summary counts the retransmit")
    check(close[0]["connect_latency_ns"] >= 1e9, "close summary connect latency")


@test
def test_tcp_resets():
    require_root()
    port = BASE + 4
    v = trace("--port", "%d,%d" % (port, port + 1))
    w = run_workload("reset", "4", "127.0.0.1", str(port))
    time.sleep(0.3)
    recs = stop(v)
    check(w["refused"] == 1, "connect to a closed port was not refused")
    resets = kind(recs, "tcp_reset")
    refused_rx = [r for r in resets if r["dport"] == port and r["direction"] == "received"]
    refused_tx = [r for r in resets if r["sport"] == port and r["direction"] == "sent"]
    check(len(refused_rx) == 1, "the connecting socket received a reset: %s" % resets)
    check(refused_rx[0]["state"] == "SYN_SENT" and refused_rx[0]["pid"] == w["pid"],
          "refused: state and pid")
    check(len(refused_tx) == 1 and refused_tx[0]["state"] is None,
          "the closed port answered with a reset (no socket)")
    linger_tx = [r for r in resets if r["sport"] == w["linger_sport"] and r["direction"] == "sent"]
    linger_rx = [r for r in resets if r["dport"] == w["linger_sport"] and
                 r["direction"] == "received"]
    check(len(linger_tx) == 1, "SO_LINGER 0 close sent a reset")
    # the socket reached CLOSE (and left the table) before the reset went out: no owner
    check(linger_tx[0]["pid"] in (None, w["pid"]), "linger reset pid")
    check(len(linger_rx) == 1, "the peer received the reset")


@test
def test_tcp_partial_connection_started_before_vigil():
    require_root()
    port = BASE + 6
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", port))
    lsock.listen()
    c = socket.create_connection(("127.0.0.1", port))
    a, _ = lsock.accept()
    c.sendall(b"x" * 5000)
    a.recv(65536)
    v = trace("--port", str(port))
    c.sendall(b"y" * 1000)
    got = 0
    while got < 1000:
        got += len(a.recv(65536))
    c.close()
    a.close()
    lsock.close()
    time.sleep(0.3)
    recs = stop(v)
    closes = kind(recs, "tcp_close", port)
    check(len(closes) == 2, "two summaries for a connection that predates vigil: %s" % closes)
    for r in closes:
        check(r["partial"] == 1, "marked partial")
        check(r["duration_ns"] is None and r["connect_latency_ns"] is None, "unknowns are null")
        check(r["pid"] in (None, os.getpid()), "pid unknown or ours")
    client = [r for r in closes if r["dport"] == port][0]
    check_bytes(client["bytes_sent"], 6000, "bytes over the whole life, from tcp_sock")


def ns_setup():
    ns_teardown()
    cmds = [
        "ip netns add %s" % NS_A, "ip netns add %s" % NS_B,
        "ip link add %s type veth peer name %s" % (VETH_A, VETH_B),
        "ip link set %s netns %s" % (VETH_A, NS_A), "ip link set %s netns %s" % (VETH_B, NS_B),
        "ip -n %s addr add %s/24 dev %s" % (NS_A, V4_A, VETH_A),
        "ip -n %s addr add %s/24 dev %s" % (NS_B, V4_B, VETH_B),
        "ip -n %s addr add %s/64 dev %s nodad" % (NS_A, V6_A, VETH_A),
        "ip -n %s addr add %s/64 dev %s nodad" % (NS_B, V6_B, VETH_B),
        "ip -n %s link set %s up" % (NS_A, VETH_A), "ip -n %s link set %s up" % (NS_B, VETH_B),
        "ip -n %s link set lo up" % NS_A, "ip -n %s link set lo up" % NS_B,
    ]
    for c in cmds:
        subprocess.run(c.split(), check=True, capture_output=True)


def ns_teardown():
    for ns in (NS_A, NS_B):
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


@test
def test_tcp_netns_veth_cidr_filters():
    require_root()
    port, port6, n, n6 = BASE + 7, BASE + 8, 4, 3
    ns_setup()
    try:
        ports = ("--port", "%d,%d" % (port, port6))  # keeps other runs' traffic out
        v_in = trace("--raddr", "10.231.0.0/24", *ports)
        v_out = trace("--raddr", "10.99.0.0/16,fd99::/16", *ports)
        v_local = trace("--laddr", "%s/32" % V4_A, *ports)
        v_six = trace("--raddr", "fd00::/8", *ports)
        v_fam = trace("--family", "6", "--laddr", "fd00:231::/64", *ports)
        srv, cli, sports = conns("4", V4_A, port, n, 1000, 2000, NS_A, NS_B)
        srv6, cli6, sports6 = conns("6", V6_A, port6, n6, 4000, 500, NS_A, NS_B)
        r_in, r_out, r_local, r_six, r_fam = (stop(v) for v in (v_in, v_out, v_local, v_six,
                                                                 v_fam))
    finally:
        ns_teardown()
    check_conn_records(r_in, port, n, srv, cli, sports, 1000, 2000)
    check(not kind(r_in, "tcp_close", port6), "--raddr 10.231.0.0/24 excludes IPv6")
    check(not [r for r in r_out if r["kind"].startswith("tcp_")], "--raddr 10.99/16 excludes all")
    lc = kind(r_local, "tcp_close")
    check(len(lc) == n and all(r["direction"] == "passive" and r["saddr"] == V4_A for r in lc),
          "--laddr %s/32 keeps the server side only: %d" % (V4_A, len(lc)))
    check_conn_records(r_six, port6, n6, srv6, cli6, sports6, 4000, 500)
    check(not kind(r_six, "tcp_close", port), "--raddr fd00::/8 excludes IPv4")
    fc = kind(r_fam, "tcp_close")
    check(len(fc) == 2 * n6 and all(r["family"] == 6 for r in fc), "--family 6 with --laddr v6")
    check(all(r["saddr"] in (V6_A, V6_B) for r in fc), "RFC 5952 text for fd00:231::x")


@test
def test_tcp_matches_tcplife():
    require_root()
    if not os.access(TCPLIFE, os.X_OK):
        raise AssertionError("%s missing (tools/deps.sh installs libbpf-tools)" % TCPLIFE)
    port, n = BASE + 9, 12
    # tcplife ANDs -L and -D: one instance per side keeps other traffic out of its pipe
    # tcplife attaches through tracefs: mounted for it alone, in a mount namespace of its own
    tcplife = "mount -t tracefs nodev /sys/kernel/tracing && exec %s -w %s %d"
    lives = [subprocess.Popen(["unshare", "-m", "sh", "-c", tcplife % (TCPLIFE, flag, port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for flag in ("-L", "-D")]
    v = trace("--port", str(port), "--events", "tcp_close")
    time.sleep(1.0)
    # distinct sizes so that each connection's KB differ: 3..14 KB out, 20..31 KB back
    results = []
    for i in range(n):
        c2s, s2c = (3 + i) * 1024 + 100, (20 + i) * 1024 + 100
        s = serve("4", "127.0.0.1", port, 1, c2s, s2c)
        results.append(run_workload("connect", "4", "127.0.0.1", str(port), "1", str(c2s),
                                    str(s2c)))
        s.wait(timeout=30)
    time.sleep(0.5)
    recs = stop(v)
    out = ""
    for life in lives:
        life.send_signal(signal.SIGINT)
        out += life.communicate(timeout=30)[0]
    ours = {}
    for r in kind(recs, "tcp_close", port):
        ours[(r["sport"], r["dport"])] = (r["bytes_sent"], r["bytes_received"], r["pid"])
    theirs = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) < 9 or not f[0].isdigit():
            continue
        lport, rport = int(f[3]), int(f[5])
        if port in (lport, rport):
            theirs[(lport, rport)] = (float(f[6]), float(f[7]), int(f[0]))  # KB, %.2f
    check(len(theirs) == 2 * n, "tcplife saw %d connections, expected %d" % (len(theirs), 2 * n))
    check(len(ours) == len(theirs), "vigil %d vs tcplife %d tcp_close" % (len(ours), len(theirs)))
    for k, (tx, rx, pid) in theirs.items():
        check(k in ours, "tcplife's %s missing from vigil" % (k,))
        sent, received, our_pid = ours[k]
        check(abs(sent / 1024 - tx) < 0.0051 and abs(received / 1024 - rx) < 0.0051,
              "%s: vigil bytes %d/%d, tcplife KB %.2f/%.2f" % (k, sent, received, tx, rx))
        check(our_pid == pid, "%s: vigil pid %s, tcplife pid %d" % (k, our_pid, pid))


@test
def test_tcp_pid_and_comm_filters_follow_the_owner():
    require_root()
    port, n = BASE + 11, 5
    srv = serve("4", "127.0.0.1", port, n, 100, 100)
    v_pid = trace("--pid", str(srv.pid))
    v_comm = trace("--comm", "tcp_workload", "--port", str(port))
    v_none = trace("--comm", "no_such_task")
    cli = run_workload("connect", "4", "127.0.0.1", str(port), str(n), "100", "100")
    srv.wait(timeout=30)
    time.sleep(0.3)
    r_pid, r_comm, r_none = stop(v_pid), stop(v_comm), stop(v_none)
    closes = kind(r_pid, "tcp_close")
    check(len(closes) == n and all(r["direction"] == "passive" and r["pid"] == srv.pid
                                   for r in closes),
          "--pid server: its %d passive summaries only, got %s" % (n, closes))
    check(not kind(r_pid, "tcp_connect"), "--pid server: no client connects")
    check(all(r["pid"] == srv.pid for r in r_pid if r["kind"].startswith("tcp_")),
          "--pid: every record names the server")
    check(len(kind(r_comm, "tcp_close", port)) == 2 * n, "--comm: both sides")
    check(len(kind(r_comm, "tcp_connect", port)) == n and
          all(r["pid"] == cli["pid"] for r in kind(r_comm, "tcp_connect", port)), "--comm connects")
    check(not [r for r in r_none if r["kind"].startswith("tcp_")], "--comm no_such_task: nothing")


@test
def test_tcp_full_connection_table_counts_drops():
    require_root()
    port, n = BASE + 12, 120
    v = trace("--port", str(port), "--max-conns", "64", "--events", "tcp_close")
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", port))
    lsock.listen(256)
    held = []
    for _ in range(n):
        c = socket.create_connection(("127.0.0.1", port))
        a, _ = lsock.accept()
        held += [c, a]
    for s_ in held:
        s_.close()
    lsock.close()
    time.sleep(0.5)
    recs = stop(v)
    drops = [r for r in recs if r["kind"] == "drops" and r["subsystem"] == "tcp" and
             r["reason"] == "map_full"]
    check(drops and sum(r["lost"] for r in drops) >= n, "map_full drops reported: %s" % drops)
    closes = kind(recs, "tcp_close", port)
    check(len(closes) == 2 * n, "every connection still summarised: %d of %d" % (len(closes), 2 * n))
    check(sum(r["partial"] for r in closes) >= n, "the untracked ones are partial")


@test
def test_tcp_main_job_summary():
    require_root()
    port, n, c2s, s2c = BASE + 13, 4, 30000, 7000
    job = subprocess.Popen([os.path.join(OUT, "vigil"), "--duration", "4", "--format", "json"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    srv_pid, cli_pid, _ = conns("4", "127.0.0.1", port, n, c2s, s2c)
    out, err = job.communicate(timeout=60)
    check(job.returncode == 0, "vigil exited %d: %s" % (job.returncode, err))
    summary = json.loads(out)
    check([s_["name"] for s_ in summary["subsystems"]][:2] == ["sched", "tcp"], "subsystems")
    tcp = summary["tcp"]
    check(tcp["closes"] >= 2 * n and tcp["connect"]["count"] >= n, "tcp counts: %s" % tcp)
    top = {t["pid"]: t for t in tcp["top"]}
    check(srv_pid in top and cli_pid in top, "workload processes in the top list: %s" % top)
    check(top[cli_pid]["bytes_sent"] == n * c2s and top[cli_pid]["bytes_received"] == n * s2c,
          "client bytes (send/recv, exact): %s" % top[cli_pid])
    check(top[srv_pid]["bytes_sent"] == n * s2c and top[srv_pid]["bytes_received"] == n * c2s,
          "server bytes: %s" % top[srv_pid])
    check(top[cli_pid]["closed"] == n and top[srv_pid]["closed"] == n, "closed per process")


@test
def test_tcp_bad_filter_values_exit_2():
    for flag, bad in (("--raddr", "10.0.0.0/33"), ("--laddr", "fd00::/129"),
                      ("--raddr", "10.0.0.1/8"), ("--raddr", "10.0.0/8"), ("--port", "70000"), ("--port", "ssh"),
                      ("--port", "80,,81"), ("--family", "5")):
        p = vigil("trace", "tcp", flag, bad, "-d", "1", check=False)
        check(p.returncode == 2, "%s %s exited %d" % (flag, bad, p.returncode))
        check(flag in p.stderr and bad in p.stderr, "message names %s and %r: %s"
              % (flag, bad, p.stderr))
    p = vigil("hist", "tcp-rtt", "--per", "cgroup", "-d", "1", check=False)
    check(p.returncode == 2 and "raddr" in p.stderr, "--per cgroup for tcp-rtt: %s" % p.stderr)


@test
def test_tcp_hists_per_rport_and_raddr():
    require_root()
    port, n = BASE + 10, 8
    h1 = start_vigil("hist", "tcp-connect", "--per", "rport", "-f", "ndjson")
    h2 = start_vigil("hist", "tcp-rtt", "--per", "raddr", "-f", "ndjson", "--port", str(port))
    h3 = start_vigil("hist", "tcp-connect", "-f", "table", "--port", str(port))
    for h in (h1, h2, h3):  # three loads at once take longer on a busy machine
        wait_attached(h)
    conns("4", "127.0.0.1", port, n, 100000, 100000)
    outs = []
    for h in (h1, h2, h3):
        h.send_signal(signal.SIGINT)
        out, err = h.communicate(timeout=30)
        check(h.returncode == 0, "vigil hist exited %d: %s" % (h.returncode, err))
        outs.append(out)
    per_port = [h for h in records(outs[0]) if h["key"] == port]
    check(len(per_port) == 1 and per_port[0]["count"] == n,
          "tcp-connect rport=%d count: %s" % (port, per_port))
    check(per_port[0]["hist"] == "tcp-connect" and per_port[0]["per"] == "rport", "labels")
    rtt = records(outs[1])
    check(len(rtt) == 1 and rtt[0]["key"] == "127.0.0.1" and rtt[0]["count"] >= 2 * n,
          "tcp-rtt per raddr: %s" % rtt)
    check("usecs" in outs[2] and "count %d" % n in outs[2], "table form: %s" % outs[2])


def accept_in_process(lsock, use_accept4):
    """accept(2) or accept4(2) through libc, so that the syscall is known."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.accept4(lsock.fileno(), None, None, 0) if use_accept4 else \
        libc.accept(lsock.fileno(), None, None)
    check(fd >= 0, "accept: errno %d" % ctypes.get_errno())
    return socket.socket(fileno=fd)


@test
def test_tcp_accept_records_without_tracefs():
    require_root()
    check(not tracing_mounts(), "tracefs or debugfs is mounted here: %s" % tracing_mounts())
    port, n = BASE + 14, 4
    v = trace("--port", str(port), "--events", "tcp_accept")
    srv_pid, cli_pid, sports = conns("4", "127.0.0.1", port, n, 100, 100)
    lsock = socket.socket(socket.AF_INET6)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("::1", port))
    lsock.listen()
    mine = []
    for use_accept4 in (False, True):
        c = socket.create_connection(("::1", port))
        a = accept_in_process(lsock, use_accept4)
        mine.append(c.getsockname()[1])
        c.close()
        a.close()
    lsock.close()
    time.sleep(0.3)
    recs = stop(v)
    accepts = kind(recs, "tcp_accept", port)
    got = sorted(r["dport"] for r in accepts)
    check(got == sorted(sports + mine), "tcp_accept for the client ports %s, got %s"
          % (sorted(sports + mine), got))
    for r in accepts:
        want = os.getpid() if r["dport"] in mine else srv_pid
        check(r["pid"] == want and r["sport"] == port,
              "tcp_accept names the accepting process %d: %s" % (want, r))
    check(all(r["kind"] in ("tcp_accept", "drops") for r in recs), "--events tcp_accept only")


def prog_names(pid):
    """Names of the BPF programs that process pid holds (links and programs)."""
    ids = set()
    fds = os.path.join("/proc", str(pid), "fdinfo")
    for fd in os.listdir(fds):
        try:
            with open(os.path.join(fds, fd)) as f:
                ids.update(int(line.split()[1]) for line in f if line.startswith("prog_id:"))
        except OSError:
            pass
    names = set()
    for i in ids:
        p = subprocess.run(["bpftool", "-j", "prog", "show", "id", str(i)], capture_output=True,
                           text=True)
        if p.returncode == 0:
            names.add(json.loads(p.stdout)["name"])
    return names


@test
def test_tcp_sys_exit_hook_only_for_accept_records():
    require_root()
    with_accept = trace("--events", "tcp_accept,tcp_close")
    without = trace("--events", "tcp_connect,tcp_close,tcp_state,tcp_reset")
    names_with, names_without = prog_names(with_accept.pid), prog_names(without.pid)
    stop(with_accept)
    stop(without)
    check("handle_tcp_sys_exit" in names_with, "sys_exit attached for tcp_accept: %s" % names_with)
    check("handle_tcp_set_state" in names_without and "handle_tcp_sys_exit" not in names_without,
          "no sys_exit hook (it runs on every syscall) without tcp_accept: %s" % names_without)


@test
def test_doctor_reports_each_record_kind():
    require_root()
    doc = json.loads(vigil("doctor", "--format", "json").stdout)
    subs = {s_["name"]: s_ for s_ in doc["subsystems"]}
    for name, sub in subs.items():
        check(sub.get("kinds") and "hists" in sub, "%s: no verdict per kind: %s" % (name, sub))
        for k in sub["kinds"] + sub["hists"]:
            check(k["bpf"] or k.get("reason"), "%s: neither usable nor a reason" % k)
            check(not k["bpf"] or k["attach"], "%s: usable but no attach points" % k)
            check(not [a for a in k["attach"] if a.startswith("tracepoint/")],
                  "%s needs tracefs: %s" % (k.get("kind", k.get("hist")), k["attach"]))
    tcp = {k["kind"]: k for k in subs["tcp"]["kinds"]}
    check(set(tcp) == {"tcp_connect", "tcp_accept", "tcp_state", "tcp_close", "tcp_retransmit",
                       "tcp_reset"}, "tcp kinds: %s" % sorted(tcp))
    for k in tcp.values():
        check(k["bpf"], "%s not usable without tracefs: %s" % (k["kind"], k.get("reason")))
    check("tp_btf/sys_exit" in tcp["tcp_accept"]["attach"], "tcp_accept's hook: %s" % tcp)
    table = vigil("doctor").stdout
    for k in tcp:
        check(re.search(r"^ +%s +ok +\S" % k, table, re.M), "table line for %s:\n%s" % (k, table))


if __name__ == "__main__":
    without_tracefs()
    main()
