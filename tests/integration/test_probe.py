#!/usr/bin/python3
"""test_probe.py: `vigil probe http|tcp|dns` against real servers in network namespaces.

A client namespace and a server namespace are joined by a veth pair (made here, removed
after); vigil runs in the client namespace. The server namespace runs nginx (plain HTTP and
TLS with a self-signed certificate made by openssl) with its own config, pid and log files in
a temp dir, a small Python upstream behind proxy_pass that answers after a known wait and
echoes request bodies, and an nft rule that drops the first SYN of every connection to one
port (the client's SYN retransmit comes 1 s later). The tests assert on what was measured:
phases within bounds, status, redirects, headers and sizes exact, and each failure's class,
message and exit status.
"""
import calendar
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check, records, schema_version, skip, test  # noqa: E402

TAG = "vgpr%d" % (os.getpid() % 10000)
NS_C, NS_S = TAG + "c", TAG + "s"
VETH_C, VETH_S = TAG + "a", TAG + "b"
IP_C, IP_S = "10.213.7.1", "10.213.7.2"
WAIT_S = 0.5  # the upstream's wait before answering /slow
BODY = "hello from nginx\n"

UPSTREAM = r'''
import http.server, sys, time
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def answer(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (a probe's --timeout)
    def do_GET(self):
        if self.path.startswith("/slow"):
            time.sleep(float(sys.argv[2]))
        self.answer(b"slow done\n")
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        data = self.rfile.read(n)
        self.answer(self.command.encode() + b" " + data)
    do_PUT = do_POST
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
'''

BANNER = r'''
import socketserver, sys
class H(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 vigil-test ready\r\n")
        line = self.rfile.readline()
        if line:
            self.wfile.write(b"250 got " + line)
socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer((sys.argv[1], int(sys.argv[2])), H).serve_forever()
'''

NGINX_CONF = r'''
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen {ip}:80;
        listen {ip}:443 ssl;
        listen {ip}:8080;
        listen {ip}:8443 ssl;
        ssl_certificate {dir}/cert.pem;
        ssl_certificate_key {dir}/key.pem;
        location = / {{ default_type text/plain; return 200 "{body}"; }}
        location = /method {{ default_type text/plain; return 200 "$request_method\n"; }}
        location = /hdr {{
            add_header X-Vigil-Probe "seen $http_x_test";
            default_type text/plain;
            return 200 "ok\n";
        }}
        location = /redirect1 {{ return 302 /redirect2; }}
        location = /redirect2 {{ return 301 /; }}
        location = /missing {{ return 404; }}
        location /slow {{ proxy_pass http://127.0.0.1:8081; }}
        location /echo {{ proxy_pass http://127.0.0.1:8081; }}
    }}
}}
'''

# nft in the server namespace: the first SYN of each (address, port) to 8080 and 8443 is
# dropped, the retransmit (same address and port) passes.
NFT_DROP_FIRST_SYN = '''
table inet vgprobe {
    set seen { type ipv4_addr . inet_service; flags dynamic,timeout; timeout 5m; }
    chain input {
        type filter hook input priority 0;
        tcp dport { 8080, 8443 } tcp flags & (syn | ack) == syn ip saddr . tcp sport @seen accept
        tcp dport { 8080, 8443 } tcp flags & (syn | ack) == syn add @seen { ip saddr . tcp sport } drop
    }
}
'''

IP_DROP = "10.213.7.3"  # the server namespace drops DNS to this address: timeouts
IP_SLOWDNS = "10.213.7.4"  # a UDP relay to nsd that holds each query DNS_WAIT_S
DNS_WAIT_S = 0.3

# The slow resolver: each query answered by nsd DNS_WAIT_S after it came (one thread each, so
# the A and AAAA lookups of one name wait side by side, as they would at a slow server).
SLOW_DNS = r'''
import socket, sys, threading, time
me, nsd, wait = sys.argv[1], sys.argv[2], float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((me, 53))
def relay(data, peer):
    time.sleep(wait)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(5)
    u.sendto(data, (nsd, 53))
    try:
        s.sendto(u.recv(65535), peer)
    except OSError:
        pass
print("ready", flush=True)
while True:
    data, peer = s.recvfrom(65535)
    threading.Thread(target=relay, args=(data, peer), daemon=True).start()
'''

NSD_CONF = """
server:
    ip-address: {ip}
    port: 53
    username: ""
    chroot: ""
    zonesdir: "{dir}"
    pidfile: "{dir}/nsd.pid"
    database: ""
    xfrdfile: "{dir}/xfrd.state"
    zonelistfile: "{dir}/zone.list"
    logfile: "{dir}/nsd.log"
    hide-version: yes
    verbosity: 1
remote-control:
    control-enable: no
zone:
    name: vigil.test
    zonefile: "{dir}/vigil.test.zone"
zone:
    name: 7.213.10.in-addr.arpa
    zonefile: "{dir}/rev.zone"
zone:
    name: broken.test
    zonefile: "{dir}/no-such.zone"
"""

ZONE = """$ORIGIN vigil.test.
$TTL 300
@       IN SOA ns1.vigil.test. admin.vigil.test. 2026120401 3600 600 86400 60
@       IN NS ns1.vigil.test.
@       IN NS ns2.vigil.test.
ns1     IN A 10.213.7.2
ns2     IN A 10.213.7.2
www 120 IN A 10.213.7.10
www 120 IN A 10.213.7.11
www     IN AAAA 2001:db8::10
@       IN MX 10 mail.vigil.test.
@       IN MX 20 mail2.vigil.test.
mail    IN A 10.213.7.25
alias   IN CNAME www.vigil.test.
@       IN TXT "v=spf1 -all"
txt     IN TXT "hello world" "second string"
"""

REV_ZONE = """$ORIGIN 7.213.10.in-addr.arpa.
$TTL 300
@  IN SOA ns1.vigil.test. admin.vigil.test. 1 3600 600 86400 60
@  IN NS ns1.vigil.test.
10 IN PTR www.vigil.test.
2  IN PTR ns1.vigil.test.
"""

NFT_DROP_DNS = """
table inet vgprobedns {
    chain input {
        type filter hook input priority 0;
        ip daddr %s udp dport 53 drop
        ip daddr %s tcp dport 53 drop
    }
}
""" % (IP_DROP, IP_DROP)

state = {}


def sh(*cmd, check_rc=True):
    p = subprocess.run(list(cmd), capture_output=True, text=True)
    if check_rc and p.returncode != 0:
        raise AssertionError("%s: %s" % (" ".join(cmd), p.stderr.strip()))
    return p


def in_ns(ns, *cmd):
    return ["ip", "netns", "exec", ns, *cmd]


def probe(*args, check_rc=None, timeout=120, env=None):
    """vigil probe ARGS in the client namespace; CompletedProcess."""
    p = subprocess.run(in_ns(NS_C, harness.VIGIL, "probe", *args), capture_output=True,
                       text=True, timeout=timeout, env=dict(os.environ, **(env or {})))
    if check_rc is not None and p.returncode != check_rc:
        raise AssertionError("vigil probe %s exited %d, not %d: %s" % (
            " ".join(args), p.returncode, check_rc, p.stderr.strip()[-2000:]))
    return p


def probe_json(*args, check_rc=0):
    p = probe(*args, "-f", "ndjson", check_rc=check_rc)
    return records(p.stdout), p


def wait_port(ns, ip, port, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        p = subprocess.run(in_ns(ns, "ss", "-Hlnt", "sport = :%d" % port), capture_output=True,
                           text=True)
        if p.stdout.strip():
            return
        time.sleep(0.05)
    raise AssertionError("nothing listens on %s:%d after %.0fs" % (ip, port, timeout))


def net_setup():
    net_teardown()
    for c in ["ip netns add %s" % NS_C, "ip netns add %s" % NS_S,
              "ip link add %s type veth peer name %s" % (VETH_C, VETH_S),
              "ip link set %s netns %s" % (VETH_C, NS_C),
              "ip link set %s netns %s" % (VETH_S, NS_S),
              "ip -n %s addr add %s/24 dev %s" % (NS_C, IP_C, VETH_C),
              "ip -n %s addr add %s/24 dev %s" % (NS_S, IP_S, VETH_S),
              "ip -n %s link set %s up" % (NS_C, VETH_C),
              "ip -n %s link set %s up" % (NS_S, VETH_S),
              "ip -n %s link set lo up" % NS_C, "ip -n %s link set lo up" % NS_S]:
        sh(*c.split())


def net_teardown():
    for ns in (NS_C, NS_S):
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def http_setup():
    if os.geteuid() != 0:
        skip("needs root for network namespaces")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        skip("nginx is not installed (tools/deps.sh installs nginx-light)")
    d = tempfile.mkdtemp(prefix="vigil-probe-")
    state["dir"] = d
    net_setup()
    sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/key.pem",
       "-out", d + "/cert.pem", "-days", "30", "-subj", "/O=vigil test/CN=vigil-probe-test")
    end = sh("openssl", "x509", "-noout", "-enddate", "-in", d + "/cert.pem").stdout
    state["cert_end"] = time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.strptime(end.strip().split("=", 1)[1], "%b %d %H:%M:%S %Y GMT"))
    with open(d + "/nginx.conf", "w") as f:
        f.write(NGINX_CONF.format(dir=d, ip=IP_S, body=BODY.replace("\n", "\\n")))
    with open(d + "/upstream.py", "w") as f:
        f.write(UPSTREAM)
    state["upstream"] = subprocess.Popen(
        in_ns(NS_S, "/usr/bin/python3", d + "/upstream.py", "8081", str(WAIT_S)))
    with open(d + "/banner.py", "w") as f:
        f.write(BANNER)
    state["banner"] = subprocess.Popen(
        in_ns(NS_S, "/usr/bin/python3", d + "/banner.py", IP_S, "2525"))
    state["nginx"] = subprocess.Popen(in_ns(NS_S, nginx, "-c", d + "/nginx.conf", "-p", d),
                                      stderr=subprocess.PIPE)
    nft = subprocess.run(in_ns(NS_S, "nft", "-f", "-"), input=NFT_DROP_FIRST_SYN, text=True,
                         capture_output=True)
    check(nft.returncode == 0, "nft: %s" % nft.stderr)
    dns_setup(d)
    for port in (80, 443, 8080, 8443):
        wait_port(NS_S, IP_S, port)
    wait_port(NS_S, "127.0.0.1", 8081)
    wait_port(NS_S, IP_S, 2525)


def dns_setup(d):
    nsd = shutil.which("nsd") or "/usr/sbin/nsd"
    if not os.path.exists(nsd):
        skip("nsd is not installed (tools/deps.sh installs it)")
    for name, text in (("nsd.conf", NSD_CONF.format(ip=IP_S, dir=d)),
                       ("vigil.test.zone", ZONE), ("rev.zone", REV_ZONE)):
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
    sh("ip", "-n", NS_S, "addr", "add", IP_DROP + "/24", "dev", VETH_S)
    nft = subprocess.run(in_ns(NS_S, "nft", "-f", "-"), input=NFT_DROP_DNS, text=True,
                         capture_output=True)
    check(nft.returncode == 0, "nft: %s" % nft.stderr)
    state["nsd"] = subprocess.Popen(in_ns(NS_S, nsd, "-d", "-c", d + "/nsd.conf"),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(NS_S, IP_S, 53)
    sh("ip", "-n", NS_S, "addr", "add", IP_SLOWDNS + "/24", "dev", VETH_S)
    state["slowdns"] = subprocess.Popen(in_ns(NS_S, "/usr/bin/python3", "-c", SLOW_DNS,
                                              IP_SLOWDNS, IP_S, str(DNS_WAIT_S)),
                                        stdout=subprocess.PIPE, text=True)
    state["slowdns"].stdout.readline()


def http_teardown():
    for k in ("nginx", "upstream", "banner", "nsd", "slowdns"):
        p = state.pop(k, None)
        if p:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    net_teardown()
    shutil.rmtree("/etc/netns/" + NS_C, ignore_errors=True)
    if state.get("dir"):
        shutil.rmtree(state.pop("dir"), ignore_errors=True)


def url(path="/", scheme="http", port=None):
    return "%s://%s%s%s" % (scheme, IP_S, ":%d" % port if port else "", path)


MS = 1000000
S = 1000000000


@test
def test_probe_http_plain_exact():
    r, _ = probe_json("http", url("/"))
    check(len(r) == 1, "one record: %s" % r)
    r = r[0]
    for k in ("time", "probe", "target", "success", "duration_ns", "dns_ns", "connect_ns",
              "tls_ns", "pretransfer_ns", "first_byte_ns", "total_ns"):
        check(k in r, "record has %s: %s" % (k, r))
    check(r["probe"] == "http" and r["target"] == url("/") and r["success"] is True, r)
    check(r["status"] == 200 and r["http_version"] == "1.1", r)
    check(r["size_bytes"] == len(BODY) and r["content_length"] == len(BODY), r)
    check(r["tls_ns"] is None, "no TLS phase on plain http: %s" % r)
    check(r["remote_ip"] == IP_S and r["remote_port"] == 80 and r["local_ip"] == IP_C, r)
    check(r["ip_protocol"] == 4, r)
    check(0 <= r["dns_ns"] <= r["connect_ns"] <= r["pretransfer_ns"] <= r["first_byte_ns"]
          <= r["total_ns"] <= r["duration_ns"], "phases in order: %s" % r)
    check(r["total_ns"] < 2 * S, r)
    check(r["redirects"] == 0 and r["failure"] is None and r["error"] is None, r)
    # the kernel's view of the same connection: no loss, a sub-ms srtt, the bytes on the wire
    check(r["kernel_retransmits"] == 0, r)
    check(0 < r["kernel_connect_latency_ns"] <= r["connect_ns"], r)
    check(0 < r["kernel_srtt_min_us"] <= r["kernel_srtt_us"] <= r["kernel_srtt_max_us"] < 100000,
          r)
    check(r["kernel_bytes_received"] > len(BODY) and r["kernel_bytes_sent"] > 0, r)


@test
def test_probe_kernel_view_off():
    kernel = ["kernel_connect_latency_ns", "kernel_srtt_us", "kernel_srtt_min_us",
              "kernel_srtt_max_us", "kernel_retransmits", "kernel_bytes_sent",
              "kernel_bytes_received"]
    r, p = probe_json("http", "--no-kernel", url("/"))
    check(all(r[0][k] is None for k in kernel) and r[0]["success"], r)
    check("kernel" not in p.stderr, p.stderr)
    p = probe("http", "--count", "2", "--interval", "0", url("/"), "-f", "ndjson", check_rc=0,
              env={"VIGIL_BTF": "/nonexistent"})
    r = records(p.stdout)
    check(len(r) == 2 and all(x[k] is None for x in r for k in kernel), r)
    check(p.stderr.count("no kernel view") == 1 and "BTF" in p.stderr, "said once, why: %s" %
          p.stderr)
    p = probe("tcp", "%s:80" % IP_S, "-f", "table", check_rc=0)
    check("  kernel: connect " in p.stdout, p.stdout)


@test
def test_probe_http_first_byte_includes_wait():
    r, _ = probe_json("http", url("/slow"))
    r = r[0]
    check(r["status"] == 200 and r["size_bytes"] == len("slow done\n"), r)
    wait = r["first_byte_ns"] - r["pretransfer_ns"]
    check(WAIT_S * S <= wait < WAIT_S * S + 1.5 * S, "first byte waits %.3fs: %s" % (
        wait / S, r))
    check(r["connect_ns"] < 0.5 * S, "connect is quick: %s" % r)


@test
def test_probe_http_dropped_syn_connect():
    r, _ = probe_json("http", url("/", port=8080))
    r = r[0]
    check(r["success"] and r["status"] == 200, r)
    # the SYN retransmit timer starts at 1 s (TCP_TIMEOUT_INIT)
    check(0.95 * S <= r["connect_ns"] < 3.5 * S, "connect %.3fs includes the 1 s SYN "
          "retransmit: %s" % (r["connect_ns"] / S, r))
    check(r["first_byte_ns"] - r["connect_ns"] < 0.5 * S, r)
    # the kernel's view: the SYN's retransmit, and a connect latency that includes it
    check(r["kernel_retransmits"] >= 1, "the dropped SYN's retransmit: %s" % r)
    check(0.95 * S <= r["kernel_connect_latency_ns"] <= r["connect_ns"], r)
    check(0 < r["kernel_srtt_min_us"] <= r["kernel_srtt_max_us"] < 1000000, r)
    r, _ = probe_json("tcp", "%s:8080" % IP_S)
    check(r[0]["kernel_retransmits"] >= 1 and r[0]["kernel_connect_latency_ns"] >= 0.95 * S, r)


CHURN = r"""
import resource, socket, sys
n = int(sys.argv[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(4096)
keep = []
for _ in range(n):
    c = socket.create_connection(l.getsockname()); a, _ = l.accept(); keep += [c, a]
print("held", flush=True)
sys.stdin.read()
"""


@test
def test_probe_kernel_view_is_not_crowded_out_by_other_processes():
    """Another process starting 9000 connections between two probes: the kernel view follows
    the probing process' sockets alone (socket-local storage, no table shared with the
    system), so the second probe's kernel_* fields are still filled, and nothing is said
    missing. (With a table of the system's connections of 16384, this filled it.)"""
    p = subprocess.Popen(in_ns(NS_C, harness.VIGIL, "probe", "http", "--count", "2",
                               "--interval", "4", "-f", "ndjson", url("/")),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    churn = None
    try:
        first = p.stdout.readline()  # the first probe is done: its summary came
        check(json.loads(first)["kernel_connect_latency_ns"] is not None, first)
        churn = subprocess.Popen([sys.executable, "-c", CHURN, "9000"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True)
        check(churn.stdout.readline().strip() == "held", "the churn did not start")
        out, err = p.communicate(timeout=60)
    finally:
        if churn:
            churn.kill()
            churn.wait()
        p.kill()
    second = json.loads(out.splitlines()[0])
    check(second["success"] and second["kernel_connect_latency_ns"] is not None and
          second["kernel_srtt_us"] is not None and second["kernel_bytes_received"] > 0, second)
    check("left out" not in err, err)


@test
def test_probe_http_tls_self_signed():
    p = probe("http", url("/", "https"), "-f", "ndjson", check_rc=1)
    r = records(p.stdout)[0]
    check(r["success"] is False and r["failure"] == "tls", r)
    check("TLS failure" in p.stderr and "--insecure" in p.stderr, p.stderr)
    r, _ = probe_json("http", "--insecure", url("/", "https"))
    r = r[0]
    check(r["success"] and r["status"] == 200 and r["size_bytes"] == len(BODY), r)
    check(r["connect_ns"] <= r["tls_ns"] <= r["pretransfer_ns"], "TLS phase: %s" % r)
    check("CN = vigil-probe-test" in r["cert_subject"] or
          "CN=vigil-probe-test" in r["cert_subject"], r["cert_subject"])
    check("vigil-probe-test" in r["cert_issuer"], r["cert_issuer"])
    check(r["cert_expiry"] == state["cert_end"], "expiry %s, openssl says %s" % (
        r["cert_expiry"], state["cert_end"]))


@test
def test_probe_http_redirects_headers_method_data():
    r, _ = probe_json("http", url("/redirect1"), check_rc=0)
    check(r[0]["status"] == 302 and r[0]["redirects"] == 0, r)
    r, _ = probe_json("http", "--follow", url("/redirect1"))
    r = r[0]
    check(r["status"] == 200 and r["redirects"] == 2 and r["url"] == url("/"), r)
    check(r["size_bytes"] == len(BODY), r)
    r, _ = probe_json("http", "--headers", "-H", "X-Test: abc", url("/hdr"))
    h = r[0]["headers"]
    check("X-Vigil-Probe: seen abc\n" in h and "Content-Length: 3\n" in h and
          h.startswith("Server: nginx"), repr(h))
    r, _ = probe_json("http", "--method", "HEAD", url("/method"))
    check(r[0]["status"] == 200 and r[0]["size_bytes"] == 0, r)
    r, _ = probe_json("http", "-X", "PUT", url("/method"))
    check(r[0]["size_bytes"] == len("PUT\n"), r)
    r, _ = probe_json("http", "--data", "payload=1", "--expect-body", "^POST payload=1$",
                      url("/echo"))
    check(r[0]["success"] and r[0]["size_bytes"] == len("POST payload=1"), r)


@test
def test_probe_http_expectations():
    p = probe("http", url("/missing"), "-f", "ndjson", check_rc=1)
    r = records(p.stdout)[0]
    check(r["status"] == 404 and r["failure"] == "status", r)
    check("status 404" in p.stderr, p.stderr)
    probe("http", "--expect-status", "4xx", url("/missing"), check_rc=0)
    probe("http", "--expect-status", "200,404-404", url("/missing"), check_rc=0)
    p = probe("http", "--expect-body", "goodbye", url("/"), "-f", "ndjson", check_rc=1)
    check(records(p.stdout)[0]["failure"] == "body", p.stdout)
    probe("http", "--expect-body", "^hello [a-z]+ nginx$", url("/"), check_rc=0)


@test
def test_probe_http_failures():
    p = probe("http", "htp:/nope", check_rc=2)
    check("malformed URL" in p.stderr, p.stderr)
    p = probe("http", "http://exa mple/", check_rc=2)
    check("malformed URL" in p.stderr, p.stderr)
    p = probe("http", "http://no-such-host.invalid/", "-f", "ndjson", check_rc=1)
    check(records(p.stdout)[0]["failure"] == "resolve" and "unresolvable name" in p.stderr,
          p.stderr)
    p = probe("http", url("/", port=81), "-f", "ndjson", check_rc=1)
    check(records(p.stdout)[0]["failure"] == "refused" and "connection refused" in p.stderr,
          p.stderr)
    # /slow waits WAIT_S: a shorter timeout gives up
    p = probe("http", "--timeout", "200ms", url("/slow"), "-f", "ndjson", check_rc=1)
    # the run itself gives up at its timeout (the command's wall time also pays the tracer)
    check(0.2 * S <= records(p.stdout)[0]["duration_ns"] < 2.2 * S, p.stdout)
    check(records(p.stdout)[0]["failure"] == "timeout" and "timeout after 200 ms" in p.stderr,
          p.stderr)
    for bad in ([], ["nope", "x"]):
        p = probe(*bad, check_rc=2)
        check("probe kind" in p.stderr and "http" in p.stderr, p.stderr)
    p = probe("http", check_rc=2)
    check("no URL given" in p.stderr, p.stderr)
    for bad in (["--count", "0"], ["--timeout", "0"], ["--expect-status", "99"],
                ["--expect-body", "("], ["--method", "get me"], ["--header", "nocolon"]):
        p = probe("http", *bad, url("/"), check_rc=2)
        check("--" + bad[0].lstrip("-") in p.stderr, "message names the flag: %s" % p.stderr)


@test
def test_probe_http_count_summary_formats():
    p = probe("http", "--count", "3", "--interval", "100ms", url("/"), "-f", "ndjson",
              check_rc=0)
    r = records(p.stdout)
    check(len(r) == 3 and all(x["success"] for x in r), r)
    check("3 runs, 3 ok, 0.0% loss" in p.stderr and "min/avg/max" in p.stderr, p.stderr)
    starts = [x["time"] for x in r]
    check(starts == sorted(starts), starts)
    p = probe("http", "--count", "2", "--interval", "0", url("/"), url("/", port=81), "-f",
              "table", check_rc=1)
    check(p.stdout.splitlines()[0].split()[:3] == ["URL", "STATUS", "VER"], p.stdout)
    check("2 runs, 0 ok, 100.0% loss" in p.stdout and "2 runs, 2 ok" in p.stdout, p.stdout)
    p = probe("http", url("/"), "-f", "csv", check_rc=0)
    lines = p.stdout.splitlines()
    head = lines[0].split(",")
    check(head[:8] == ["time", "ts_ns", "kind", "source", "schema", "probe", "target", "success"],
          head)
    row = dict(zip(head, lines[1].split(",")))
    check(row["success"] == "true" and row["status"] == "200" and row["tls_ns"] == "", row)
    check(row["kind"] == "probe" and row["source"] == "libcurl" and row["schema"] == str(schema_version()), row)
    p = probe("http", url("/"), "-f", "json", check_rc=0)
    arr = json.loads(p.stdout)
    check(len(arr) == 1 and arr[0]["status"] == 200, arr)


@test
def test_probe_tcp_connect_send_expect():
    r, _ = probe_json("tcp", "%s:80" % IP_S)
    r = r[0]
    check(r["probe"] == "tcp" and r["success"] and r["remote_port"] == 80, r)
    check(0 <= r["dns_ns"] <= r["connect_ns"] <= r["duration_ns"] and r["tls_ns"] is None, r)
    check(r["sent_bytes"] == 0 and r["answer"] is None and r["expect_ns"] is None, r)
    r, _ = probe_json("tcp", "--send", r"GET / HTTP/1.0\r\n\r\n", "--expect", r"^HTTP/1\.1 200",
                      "%s:80" % IP_S)
    r = r[0]
    check(r["sent_bytes"] == 18 and r["received_bytes"] > 0 and
          r["answer"].startswith("HTTP/1.1 200 OK\r\n"), r)
    check(r["connect_ns"] <= r["expect_ns"] <= r["duration_ns"], r)
    r, _ = probe_json("tcp", "--expect", "^220 vigil-test", "%s:2525" % IP_S)
    check(r[0]["answer"] == "220 vigil-test ready\r\n", r)
    r, _ = probe_json("tcp", "--send", r"HELO x\r\n", "--expect", "^250 got HELO x",
                      "%s:2525" % IP_S)
    check(r[0]["success"] and r[0]["sent_bytes"] == 8, r)
    p = probe("tcp", "--send", r"GET / HTTP/1.0\r\n\r\n", "--expect", "^HTTP/1.1 500",
              "%s:80" % IP_S, "-f", "ndjson", check_rc=1)
    check(records(p.stdout)[0]["failure"] == "expect" and "does not match --expect" in p.stderr,
          p.stderr)
    p = probe("tcp", "--timeout", "300ms", "--expect", "^never", "%s:2525" % IP_S, "-f",
              "ndjson", check_rc=1)
    r = records(p.stdout)[0]
    check(r["failure"] == "timeout" and 0.3 * S <= r["duration_ns"] < 2.3 * S, (r, p.stderr))


@test
def test_probe_tcp_tls_refused_dropped_syn():
    p = probe("tcp", "--tls", "%s:443" % IP_S, "-f", "ndjson", check_rc=1)
    check(records(p.stdout)[0]["failure"] == "tls" and "TLS failure" in p.stderr, p.stderr)
    r, _ = probe_json("tcp", "--tls", "--insecure", "%s:443" % IP_S)
    r = r[0]
    check(r["success"] and r["connect_ns"] <= r["tls_ns"], r)
    check("vigil-probe-test" in r["cert_subject"] and r["cert_expiry"] == state["cert_end"], r)
    p = probe("tcp", "%s:81" % IP_S, "-f", "ndjson", check_rc=1)
    check(records(p.stdout)[0]["failure"] == "refused" and "connection refused" in p.stderr,
          p.stderr)
    r, _ = probe_json("tcp", "%s:8080" % IP_S)
    check(0.95 * S <= r[0]["connect_ns"] < 3.5 * S, "dropped SYN: %s" % r)
    p = probe("tcp", "--count", "2", "--interval", "0", "%s:80" % IP_S, "-f", "table",
              check_rc=0)
    check("2 runs, 2 ok, 0.0% loss" in p.stdout, p.stdout)
    for bad in (["nohostport"], ["::1:80"], ["%s:0" % IP_S], ["%s:99999" % IP_S],
                ["--insecure", "%s:80" % IP_S], ["--send", r"\q", "%s:80" % IP_S],
                ["--expect", "(", "%s:80" % IP_S]):
        p = probe("tcp", *bad, check_rc=2)
        check(p.stderr.strip(), "a message: %s" % bad)


def dnspython_answers(name, rdtype, tcp=False):
    """The answer section as dnspython reads it: [(owner, ttl, type, data)], and the rcode."""
    # dnspython runs in the client namespace, as vigil does
    code = ("import dns.message, dns.query, dns.rcode, json, sys\n"
            "q = dns.message.make_query(%r, %r)\n"
            "r = dns.query.%s(q, %r, timeout=10)\n"
            "out = [[rr.name.to_text(), rr.ttl, dns.rdatatype.to_text(rr.rdtype), x.to_text()]"
            " for rr in r.answer for x in rr]\n"
            "print(json.dumps([dns.rcode.to_text(r.rcode()), out]))\n"
            % (name, rdtype, "tcp" if tcp else "udp", IP_S))
    p = subprocess.run(in_ns(NS_C, "/usr/bin/python3", "-c", code), capture_output=True,
                       text=True, timeout=60)
    check(p.returncode == 0, "dnspython: %s" % p.stderr)
    rcode, rrs = json.loads(p.stdout)
    return rcode, sorted(tuple(x) for x in rrs)


def vigil_answers(rec):
    rrs = []
    for line in (rec["answers"] or "").splitlines():
        owner, ttl, typ, data = line.split(" ", 3)
        rrs.append((owner, int(ttl), typ, data))
    return sorted(rrs)


DNS_CASES = [("www.vigil.test", "A"), ("www.vigil.test", "AAAA"), ("vigil.test", "MX"),
             ("vigil.test", "NS"), ("alias.vigil.test", "CNAME"), ("alias.vigil.test", "A"),
             ("10.7.213.10.in-addr.arpa", "PTR"), ("vigil.test", "SOA"), ("vigil.test", "TXT"),
             ("txt.vigil.test", "TXT")]


@test
def test_probe_dns_answers_equal_dnspython():
    for tcp in (False, True):
        for name, typ in DNS_CASES:
            args = ["dns", "--server", IP_S, "--type", typ, name] + (["--tcp"] if tcp else [])
            r, _ = probe_json(*args)
            r = r[0]
            rcode, want = dnspython_answers(name, typ, tcp)
            got = vigil_answers(r)
            check(r["rcode"] == rcode == "NOERROR" and r["success"], r)
            check(got == want, "%s %s (tcp %s): vigil %s, dnspython %s" % (name, typ, tcp, got,
                                                                        want))
            check(r["answer_rrs"] == len(want) and len(want) > 0, r)
            check(r["server"] == IP_S and r["transport"] == ("tcp" if tcp else "udp"), r)
            check(0 < r["query_ns"] <= r["duration_ns"] < 5 * S, r)
    # PTR of an address asks its reverse name, as dig -x
    r, _ = probe_json("dns", "--server", IP_S, "--type", "PTR", "10.213.7.10")
    check(r[0]["qname"] == "10.7.213.10.in-addr.arpa." and
          vigil_answers(r[0])[0][3] == "www.vigil.test.", r)


@test
def test_probe_dns_expect_and_failures():
    probe("dns", "--server", IP_S, "--expect", "10.213.7.11,10.213.7.10", "www.vigil.test",
          check_rc=0)
    probe("dns", "--server", IP_S, "-T", "MX", "--expect", "10 mail.vigil.test",
          "--expect", "20 MAIL2.vigil.test.", "vigil.test", check_rc=0)
    p = probe("dns", "--server", IP_S, "--expect", "10.213.7.10", "www.vigil.test", "-f",
              "ndjson", check_rc=1)
    check(records(p.stdout)[0]["failure"] == "expect" and "differs from --expect" in p.stderr,
          p.stderr)
    p = probe("dns", "--server", IP_S, "nosuch.vigil.test", "-f", "ndjson", check_rc=1)
    r = records(p.stdout)[0]
    rcode, _ = dnspython_answers("nosuch.vigil.test", "A")
    check(r["rcode"] == rcode == "NXDOMAIN" and r["failure"] == "rcode", r)
    check("NXDOMAIN" in p.stderr, p.stderr)
    # a zone nsd is told to serve but could not load: SERVFAIL
    p = probe("dns", "--server", IP_S, "www.broken.test", "-f", "ndjson", check_rc=1)
    r = records(p.stdout)[0]
    rcode, _ = dnspython_answers("www.broken.test", "A")
    check(r["rcode"] == rcode == "SERVFAIL" and r["failure"] == "rcode" and
          "SERVFAIL" in p.stderr, (r, p.stderr))
    p = probe("dns", "--server", IP_S, "example.org", "-f", "ndjson", check_rc=1)
    r = records(p.stdout)[0]
    rcode, _ = dnspython_answers("example.org", "A")
    check(r["rcode"] == rcode == "REFUSED" and "REFUSED" in p.stderr, (r, p.stderr))
    p = probe("dns", "--server", IP_DROP, "--timeout", "500ms", "www.vigil.test", "-f",
              "ndjson", check_rc=1)
    r = records(p.stdout)[0]
    check(r["failure"] == "timeout" and r["rcode"] is None and "timeout after 500 ms" in
          p.stderr and 0.5 * S <= r["duration_ns"] < 2.5 * S, (r, p.stderr))
    p = probe("dns", "--server", IP_S, "--count", "3", "--interval", "50ms", "-f", "table",
              "www.vigil.test", check_rc=0)
    check("3 runs, 3 ok, 0.0% loss" in p.stdout and "10.213.7.11" in p.stdout, p.stdout)
    for bad in (["--type", "SRV", "x.test"], ["--server", "dns.example", "x.test"],
                ["a..b"], ["x" * 64 + ".test"], ["--expect", "a,,b", "x.test"]):
        p = probe("dns", *bad, check_rc=2)
        check(p.stderr.strip(), "a message for %s" % bad)


IP_C2, IP_C3 = "10.213.7.21", "10.213.7.22"  # more client addresses, for --laddr


def netns_etc(name, text):
    """A file `ip netns exec` binds over /etc/NAME in the client namespace (as resolv.conf)."""
    d = "/etc/netns/" + NS_C
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "w") as f:
        f.write(text)


@test
def test_probe_laddr_raddr_resolve():
    for a in (IP_C2, IP_C3):
        sh("ip", "-n", NS_C, "addr", "replace", a + "/24", "dev", VETH_C)
    # the server drops DNS from IP_C3: a query sent from it times out, so --laddr binds
    nft = subprocess.run(in_ns(NS_S, "nft", "-f", "-"), text=True, capture_output=True,
                         input="table inet vgladdr {\n chain input {\n"
                               "  type filter hook input priority 0;\n"
                               "  ip saddr %s udp dport 53 drop\n }\n}\n" % IP_C3)
    check(nft.returncode == 0, "nft: %s" % nft.stderr)
    # --laddr: the source address, as curl --interface gives it
    curl = subprocess.run(in_ns(NS_C, "curl", "-s", "-o", "/dev/null", "--interface", IP_C2,
                                "-w", "%{local_ip}", url()), capture_output=True, text=True)
    r, _ = probe_json("http", "--laddr", IP_C2, "--no-kernel", url())
    check(r[0]["success"] and r[0]["local_ip"] == IP_C2 == curl.stdout, (r, curl.stdout))
    r, _ = probe_json("tcp", "--laddr", IP_C2, "--no-kernel", "%s:80" % IP_S)
    check(r[0]["success"] and r[0]["local_ip"] == IP_C2, r)
    probe("dns", "--server", IP_S, "--laddr", IP_C2, "www.vigil.test", check_rc=0)
    p = probe("dns", "--server", IP_S, "--laddr", IP_C3, "--timeout", "500ms",
              "www.vigil.test", "-f", "ndjson", check_rc=1)
    check(records(p.stdout)[0]["failure"] == "timeout", p.stdout)
    # --raddr: a target outside the set is not probed (exit 1, said), inside it is
    out = "10.213.7.0/24,!" + IP_S
    for args in (["http", "--no-kernel", url()], ["tcp", "--no-kernel", "%s:80" % IP_S],
                 ["dns", "--server", IP_S, "www.vigil.test"]):
        p = probe(*args, "--raddr", out, "-f", "ndjson", check_rc=1)
        r = records(p.stdout)[0]
        check(not r["success"] and "outside --raddr" in p.stderr, (args, r, p.stderr))
        probe(*args, "--raddr", "10.213.7.0/24", check_rc=0)
    p = probe("traceroute", "--raddr", out, "-p", "80", IP_S, check_rc=1)
    check("outside --raddr" in p.stderr, p.stderr)
    # --resolve: the peer's reverse name, as dig -x says (resolv.conf: the test's server)
    netns_etc("resolv.conf", "nameserver %s\n" % IP_S)
    want = subprocess.run(in_ns(NS_C, "dig", "+short", "-x", IP_S), capture_output=True,
                          text=True).stdout.strip().rstrip(".")
    check(want == "ns1.vigil.test", "dig -x %s: %r" % (IP_S, want))
    r, _ = probe_json("http", "--resolve", "--no-kernel", url())
    check(r[0]["remote_name"] == want, r)
    r, _ = probe_json("tcp", "--resolve", "--no-kernel", "%s:80" % IP_S)
    check(r[0]["remote_name"] == want, r)
    r, _ = probe_json("dns", "--server", IP_S, "--resolve", "www.vigil.test")
    check(r[0]["server_name"] == want, r)
    r, _ = probe_json("http", "--no-kernel", url())
    check(r[0]["remote_name"] is None, "no --resolve, no name: %s" % r)
    p = probe("tcp", "--resolve", "--no-kernel", "-f", "table", "%s:80" % IP_S, check_rc=0)
    check("remote: %s (%s)" % (IP_S, want) in p.stdout, p.stdout)
    os.remove("/etc/netns/%s/resolv.conf" % NS_C)
    # bad values: exit 2 naming the flag
    for args, flag in ((["http", "--laddr", "10.213.7.0/24", url()], "--laddr"),
                       (["tcp", "--laddr", "192.0.2.1", "%s:80" % IP_S], "--laddr"),
                       (["dns", "--raddr", "10.213.7.1/24", "x.test"], "--raddr"),
                       (["traceroute", "--resolve", "--no-resolve", IP_S], "--no-resolve"),
                       (["http", "--expect-body", "ok+*", url()], "--expect-body"),
                       (["tcp", "--expect", "^o{2}?", "%s:80" % IP_S], "--expect")):
        p = probe(*args, check_rc=2)
        check(flag in p.stderr, (args, p.stderr))
        if "expect" in flag:  # refused before regcomp(), which stacked quantifiers stall
            check("quantifier on a quantifier" in p.stderr, p.stderr)


def curl_phases(target, n):
    """curl -w's phases (seconds) for n runs of target, each its own curl, as users time."""
    fmt = ("%{time_namelookup} %{time_connect} %{time_appconnect} %{time_starttransfer} "
           "%{time_total}")
    runs = []
    for _ in range(n):
        p = subprocess.run(in_ns(NS_C, "curl", "-s", "-k", "-o", "/dev/null", "-w", fmt, target),
                           capture_output=True, text=True, timeout=60)
        check(p.returncode == 0, "curl %s: %s" % (target, p.stderr))
        runs.append([float(x) for x in p.stdout.split()])
    return runs


@test
def test_probe_http_phases_agree_with_curl_within_10pct():
    # every phase made long by a known wait: DNS (a resolver that holds each query 0.3 s),
    # connect (the first SYN dropped: 1 s), TLS (after that connect), first byte (the
    # upstream's 0.5 s), total
    netns_etc("resolv.conf", "nameserver %s\n" % IP_SLOWDNS)
    target = "https://ns1.vigil.test:8443/slow"
    n = 3
    recs, _ = probe_json("http", "--insecure", "--no-kernel", "--count", str(n), "--interval",
                         "0", target)
    check(len(recs) == n and all(r["success"] for r in recs), recs)
    curl = curl_phases(target, n)
    keys = ("dns_ns", "connect_ns", "tls_ns", "first_byte_ns", "total_ns")
    floors = (DNS_WAIT_S, DNS_WAIT_S + 1, DNS_WAIT_S + 1, DNS_WAIT_S + 1 + WAIT_S,
              DNS_WAIT_S + 1 + WAIT_S)
    os.remove("/etc/netns/%s/resolv.conf" % NS_C)
    for i, k in enumerate(keys):
        ours = sorted(r[k] / S for r in recs)[n // 2]
        theirs = sorted(c[i] for c in curl)[n // 2]
        check(ours >= floors[i] * 0.95 and theirs >= floors[i] * 0.95,
              "%s: vigil %.3fs, curl %.3fs, both at least %.2fs" % (k, ours, theirs, floors[i]))
        print("  %-13s vigil %.4fs  curl -w %.4fs  %.3fx" % (k, ours, theirs, ours / theirs))
        check(abs(ours / theirs - 1) <= 0.10, "%s: vigil %.3fs, curl -w %.3fs: %.2fx, not "
              "within 10%%" % (k, ours, theirs, ours / theirs))


MODULES = """
modules:
  http_200:
    prober: http
    timeout: 3s
    http:
      valid_status_codes: [200]
  https_insecure:
    prober: http
    timeout: 3s
    http:
      tls_config:
        insecure_skip_verify: true
  tcp_connect:
    prober: tcp
    timeout: 3s
  dns_www:
    prober: dns
    timeout: 500ms
    dns:
      query_name: www.vigil.test
      query_type: A
"""

PROM_JOB = """
  - job_name: %(job)s
    metrics_path: /probe
    params:
      module: [%(module)s]
    static_configs:
      - targets: [%(targets)s]
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: 127.0.0.1:%(port)d
"""


def free_port_in(ns):
    p = subprocess.run(in_ns(ns, "/usr/bin/python3", "-c", "import socket; s = socket.socket(); "
                             "s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"),
                       capture_output=True, text=True, check=True)
    return int(p.stdout)


def promql(port, q):
    p = subprocess.run(in_ns(NS_C, "curl", "-s", "--max-time", "5", "-G",
                             "http://127.0.0.1:%d/api/v1/query" % port, "--data-urlencode",
                             "query=" + q), capture_output=True, text=True)
    if p.returncode:
        return None
    data = json.loads(p.stdout)
    check(data["status"] == "success", "query %s: %s" % (q, data))
    return {r["metric"].get("instance", ""): float(r["value"][1]) for r in data["data"]["result"]}


@test
def test_probe_serve_blackbox_endpoint_under_prometheus():
    if not os.path.exists("/usr/bin/prometheus"):
        skip("prometheus missing (tools/deps.sh installs it)")
    d = state["dir"]
    with open(d + "/modules.yml", "w") as f:
        f.write(MODULES)
    bad = d + "/bad.yml"
    with open(bad, "w") as f:
        f.write("modules:\n  m:\n    prober: http\n    http:\n      bearer_token: x\n")
    p = subprocess.run([harness.VIGIL, "serve", "--probe.config", bad, "-d", "1s"],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 2 and "line 5" in p.stderr and "bearer_token" in p.stderr, p.stderr)
    with open(bad, "w") as f:
        f.write("modules:\n  m:\n    prober: http\n    http:\n"
                "      fail_if_body_not_matches_regexp: ['o" + "*" * 120 + "k']\n")
    p = subprocess.run([harness.VIGIL, "serve", "--probe.config", bad, "-d", "1s"],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 2 and "line 5" in p.stderr and "quantifier on a quantifier"
          in p.stderr, p.stderr)
    vport, pport = free_port_in(NS_C), free_port_in(NS_C)
    serve = subprocess.Popen(in_ns(NS_C, harness.VIGIL, "serve", "--listen",
                                   "127.0.0.1:%d" % vport, "--probe.config",
                                   d + "/modules.yml"),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    jobs = [("http", "http_200", ["http://%s/" % IP_S, "http://%s/missing" % IP_S,
                                  "http://%s:8080/" % IP_S]),
            ("https", "https_insecure", ["https://%s/" % IP_S]),
            ("tcp", "tcp_connect", ["%s:80" % IP_S, "%s:81" % IP_S]),
            ("dns", "dns_www", [IP_S, IP_DROP])]
    cfg = d + "/prometheus.yml"
    with open(cfg, "w") as f:
        f.write("global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\n"
                "  evaluation_interval: 2s\nscrape_configs:\n")
        for job, module, targets in jobs:
            f.write(PROM_JOB % {"job": job, "module": module, "port": vport,
                                "targets": ", ".join("'%s'" % t for t in targets)})
    prom = subprocess.Popen(in_ns(NS_C, "prometheus", "--config.file", cfg,
                                  "--storage.tsdb.path", d + "/promdata",
                                  "--web.listen-address", "127.0.0.1:%d" % pport),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, got = time.time() + 60, {}
        while time.time() < deadline:
            time.sleep(1)
            got = promql(pport, "probe_success") or {}
            if len(got) == 8:
                break
        check(len(got) == 8, "prometheus saw probe_success for %s" % got)
        check(got["http://%s/" % IP_S] == 1 and got["http://%s/missing" % IP_S] == 0, got)
        check(got["https://%s/" % IP_S] == 1 and got["%s:80" % IP_S] == 1, got)
        check(got["%s:81" % IP_S] == 0 and got[IP_S] == 1 and got[IP_DROP] == 0, got)
        code = promql(pport, "probe_http_status_code")
        check(code["http://%s/missing" % IP_S] == 404 and code["http://%s/" % IP_S] == 200, code)
        length = promql(pport, 'probe_http_content_length{job="http"}')
        check(length["http://%s/" % IP_S] == len(BODY), length)
        connect = promql(pport, 'max_over_time(probe_http_duration_seconds{phase="connect"}[1m])')
        check(connect["http://%s:8080/" % IP_S] >= 0.95 and connect["http://%s/" % IP_S] < 0.5,
              "the dropped SYN shows in the connect phase: %s" % connect)
        exp = promql(pport, "probe_ssl_earliest_cert_expiry")
        want = calendar.timegm(time.strptime(state["cert_end"], "%Y-%m-%dT%H:%M:%SZ"))
        check(list(exp) == ["https://%s/" % IP_S] and exp["https://%s/" % IP_S] == want,
              "expiry %s, openssl says %s" % (exp, want))
        rrs = promql(pport, "probe_dns_answer_rrs")
        check(rrs[IP_S] == 2 and rrs[IP_DROP] == 0, rrs)
        lookup = promql(pport, "probe_dns_lookup_time_seconds")
        check(0 < lookup[IP_S] < 0.5, lookup)
        proto = promql(pport, "probe_ip_protocol")
        check(proto["http://%s/" % IP_S] == 4, proto)
        # /metrics still answers while probes run
        p = subprocess.run(in_ns(NS_C, "curl", "-s", "--max-time", "5",
                                 "http://127.0.0.1:%d/metrics" % vport), capture_output=True,
                           text=True)
        check("vigil_" in p.stdout, "metrics answer during probes")
    finally:
        prom.terminate()
        prom.wait(timeout=30)
        serve.terminate()
        _, err = serve.communicate(timeout=60)
        check(serve.returncode == 0, "serve ended %s: %s" % (serve.returncode, err[-500:]))


def main():
    try:
        http_setup()
    except harness.Skip as e:
        why = str(e)
        for fn in list(harness._tests):
            harness._tests.remove(fn)

        @test
        def test_probe_setup():
            skip(why)
        harness.main()
        return
    try:
        harness.main()
    finally:
        http_teardown()


if __name__ == "__main__":
    main()
