"""test_serve.py: `vigil serve`, the Prometheus endpoint, against the tools that consume it.

promtool lints a live scrape; a real Prometheus server (Debian's), started here on loopback
with a temporary config and data directory, scrapes vigil and answers PromQL over its HTTP
API; histogram buckets are checked to be cumulative, monotone and to grow by what a known
workload did; slow, malformed and wrong-method clients must not stall the server; it binds
loopback by default, and its memory stays flat over many scrapes.
"""
import base64
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import OUT, VIGIL, check, main, require_root, skip, test, unprivileged_vigil

LOAD = os.path.join(OUT, "tests", "integration", "runq_load")
# node_exporter's own names that promtool's snake_case lint objects to; the issue asks for
# node_exporter's names, so these (and only these) lint messages are expected.
NODE_CAMEL = re.compile(r"^node_memory_[A-Za-z]+_bytes metric names should be written in "
                        r"'snake_case' not 'camelCase'$")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, *args, port=None, env=None, tls=None, auth=None):
        """tls: an ssl.SSLContext to scrape over https with; auth: (user, password)."""
        self.tls, self.auth = tls, auth
        self.port = port or free_port()
        listen = [] if "--listen" in args else ["--listen", "127.0.0.1:%d" % self.port]
        self.proc = subprocess.Popen([VIGIL, "serve", *listen, *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("vigil serve exited %d: %s" %
                                     (self.proc.returncode, self.proc.stderr.read()))
            try:
                self.get("/")
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("vigil serve did not answer in 15 s")

    def url(self, path):
        return "%s://127.0.0.1:%d%s" % ("https" if self.tls else "http", self.port, path)

    def get(self, path="/metrics", timeout=5, auth=None):
        req = urllib.request.Request(self.url(path))
        auth = auth or self.auth
        if auth:
            req.add_header("Authorization", "Basic " + base64.b64encode(
                ("%s:%s" % auth).encode()).decode())
        with urllib.request.urlopen(req, timeout=timeout, context=self.tls) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()

    def metrics(self):
        status, ctype, body = self.get()
        check(status == 200, "status %d" % status)
        check(ctype.startswith("text/plain; version=0.0.4"), "content type %r" % ctype)
        return body

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=30)
        check(self.proc.returncode == 0, "vigil serve exited %d: %s" % (self.proc.returncode, err))
        return err

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def parse(text):
    """{name: [(labels dict, value)]} from exposition text."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$', line)
        check(m, "unparseable line %r" % line)
        labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        out.setdefault(m.group(1), []).append((labels, float(m.group(4))))
    return out


def value(series, name, **labels):
    for lbl, v in series.get(name, []):
        if all(lbl.get(k) == val for k, val in labels.items()):
            return v
    raise AssertionError("no %s%r in scrape" % (name, labels))


def check_histogram(series, name):
    buckets = [(float(l["le"]), v) for l, v in series[name + "_bucket"]]
    les = [b[0] for b in buckets]
    counts = [b[1] for b in buckets]
    check(les == sorted(les) and len(set(les)) == len(les), "%s: le not increasing" % name)
    check(les[-1] == float("inf"), "%s: no +Inf bucket" % name)
    check(all(a <= b for a, b in zip(counts, counts[1:])), "%s: buckets not cumulative" % name)
    check(counts[-1] == value(series, name + "_count"), "%s: +Inf != _count" % name)
    check(value(series, name + "_sum") >= 0, "%s: negative _sum" % name)
    return counts[-1]


@test
def promtool_accepts_a_live_scrape():
    require_root()
    if not os.path.exists("/usr/bin/promtool"):
        skip("promtool missing (tools/deps.sh installs prometheus)")
    with Server() as s:
        time.sleep(1)
        body = s.metrics()
        s.stop()
    p = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True,
                       text=True)
    problems = [l for l in (p.stdout + p.stderr).splitlines() if l.strip()]
    unexpected = [l for l in problems if not NODE_CAMEL.match(l)]
    check(not unexpected, "promtool: %s" % "\n".join(unexpected[:20]))
    # Without node_exporter's camelCase memory names, the scrape must lint clean.
    rest = "\n".join(l for l in body.splitlines() if "node_memory_" not in l) + "\n"
    p = subprocess.run(["promtool", "check", "metrics"], input=rest, capture_output=True,
                       text=True)
    check(p.returncode == 0, "promtool exit %d: %s%s" % (p.returncode, p.stdout, p.stderr))


def family_of(name, types):
    """The family a sample name belongs to: a histogram's _bucket, _sum, _count are its."""
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[:-len(suffix)]
        if name.endswith(suffix) and types.get(base) == "histogram":
            return base
    return name


def families(text):
    """[(family, type, [sample names])] in the order written, a family once per run of lines."""
    out, types = [], {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, typ = line.split(" ", 3)
            types[name] = typ
            out.append((name, typ, []))
        elif line and not line.startswith("#"):
            name = re.match(r"^[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0)
            fam = family_of(name, types)
            if not out or out[-1][0] != fam:
                out.append((fam, types.get(fam), []))
            out[-1][2].append(name)
    return out


@test
def each_family_is_one_group_named_as_users_join_it():
    """Every family's TYPE line comes once, followed by all of its samples and no other
    family's (the BPF program families used to interleave); disks carry node_exporter's
    device label; _info metrics and the process_* self metrics every client library has."""
    require_root()
    with Server() as s:
        subprocess.run(["dd", "if=/dev/zero", "of=/var/tmp/vigil-serve-group.dd", "bs=64k",
                        "count=32", "oflag=direct"], capture_output=True)
        os.unlink("/var/tmp/vigil-serve-group.dd")
        body = s.metrics()
        s.stop()
    fams = families(body)
    names = [f[0] for f in fams]
    dup = sorted({n for n in names if names.count(n) > 1})
    check(not dup, "families written in more than one group: %s" % dup)
    check(all(t for _, t, _ in fams), "samples without a TYPE: %s" %
          [f for f, t, _ in fams if not t])
    series = parse(body)
    for h in ("vigil_runq_latency_seconds", "vigil_oncpu_slice_seconds"):
        check_histogram(series, h)
    for old in ("vigil_runq_seconds", "vigil_oncpu_seconds", "vigil_blkio_seconds",
                "vigil_subsystem_source"):
        check(old + "_count" not in series and old not in series, "old name %s" % old)
    blk = series.get("vigil_blkio_latency_seconds_count", [])
    check(blk, "no vigil_blkio_latency_seconds after direct writes")
    check(all(set(l) == {"device", "op"} for l, _ in blk), "blkio labels: %s" % blk[:3])
    check(any(l["op"] == "write" and v > 0 for l, v in blk), "no write I/O: %s" % blk)
    disks = {l["device"] for l, _ in series.get("node_disk_writes_completed_total", [])}
    check({l["device"] for l, _ in blk} <= disks | {"other"}, "devices do not join: %s vs %s"
          % ({l["device"] for l, _ in blk}, disks))
    info = series["vigil_build_info"]
    check(len(info) == 1 and info[0][1] == 1 and info[0][0]["version"], "build_info %s" % info)
    check(value(series, "vigil_subsystem_source_info", subsystem="sched", source="bpf") == 1,
          "vigil_subsystem_source_info")
    for name in ("process_cpu_seconds_total", "process_resident_memory_bytes",
                 "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
                 "process_start_time_seconds"):
        check(value(series, name) > 0, "%s missing or 0" % name)
    start = value(series, "process_start_time_seconds")
    check(abs(start - time.time()) < 120, "process_start_time_seconds %f is not now" % start)
    check(value(series, "process_open_fds") < value(series, "process_max_fds"), "fds")
    check(value(series, "process_virtual_memory_bytes") >=
          value(series, "process_resident_memory_bytes"), "virtual < resident")


@test
def answers_in_gzip_when_the_client_asks():
    """Prometheus sends Accept-Encoding: gzip; the answer is then gzip'd, and inflates to a
    whole scrape; a client that does not ask, or refuses it with q=0, gets the plain text."""
    import gzip
    require_root()
    with Server() as s:
        def get(enc):
            req = urllib.request.Request(s.url("/metrics"))
            if enc is not None:
                req.add_header("Accept-Encoding", enc)
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.headers, r.read()
        hz, bz = get("gzip")
        hp, bp = get(None)
        hq, bq = get("gzip;q=0, identity")
        hb, bb = get("br;q=1.0, gzip;q=0.8, *;q=0.1")
        s.stop()
    check(hz.get("Content-Encoding") == "gzip", "no Content-Encoding: gzip: %s" % dict(hz))
    check(bz[:2] == b"\x1f\x8b", "not a gzip stream")
    text = gzip.decompress(bz).decode()
    check(text.endswith("\n") and "vigil_build_info" in text and "process_open_fds" in text,
          "the gzip'd scrape is not whole")
    parse(text)
    lint = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                          text=True)
    bad = [l for l in (lint.stdout + lint.stderr).splitlines() if l and not NODE_CAMEL.match(l)]
    check(not bad, "promtool on the gzip'd scrape: %s" % bad)
    check(len(bz) * 3 < len(text), "gzip saved little: %d of %d bytes" % (len(bz), len(text)))
    check(hz.get("Vary") == "Accept-Encoding", "no Vary: %s" % dict(hz))
    check(hp.get("Content-Encoding") is None and bp.startswith(b"# HELP"), "plain answer")
    check(hq.get("Content-Encoding") is None and bq.startswith(b"# HELP"), "q=0 not honoured")
    check(hb.get("Content-Encoding") == "gzip", "weighted list: %s" % dict(hb))


# The families only the BPF path has: none of the fallback collectors can measure them.
# (docs/metrics.md lists them, and why.)
BPF_ONLY = {
    "vigil_runq_latency_seconds", "vigil_oncpu_slice_seconds",
    "vigil_tcp_connect_latency_seconds", "vigil_tcp_rtt_seconds",
    "vigil_blkio_latency_seconds", "vigil_dns_latency_seconds",
    "vigil_bpf_program_run_time_seconds_total", "vigil_bpf_program_run_count_total",
    "vigil_drops_total", "vigil_unmatched_events_total",
}


def label_sets(text):
    """{family: set of label names} of the samples in text (le left out)."""
    out, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, typ = line.split(" ", 3)
            types[name] = typ
        elif line and not line.startswith("#"):
            m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ", line)
            labels = set(re.findall(r'(\w+)="', m.group(3) or "")) - {"le"}
            out.setdefault(family_of(m.group(1), types), set()).update(labels)
    return out


@test
def the_same_series_exist_on_bpf_and_on_the_fallback():
    """A dashboard must not break when privilege changes: scraped with --backend bpf and with
    --backend fallback, every family either exists on both with the same label names, or is
    one of the documented BPF-only ones."""
    require_root()
    port = free_port()
    with Server("--backend", "bpf") as bpf, Server("--backend", "fallback") as fb:
        hold_connections(port, 2, 1000, 1.5)  # seen by the fallback's poll (every second)
        deadline = time.time() + 20
        while True:  # until both have counted the closes (the fallback at its next poll)
            got = {"bpf": label_sets(bpf.metrics()), "fallback": label_sets(fb.metrics())}
            if all("vigil_tcp_connections_closed_total" in g for g in got.values()) or \
                    time.time() > deadline:
                break
            time.sleep(0.2)
        bpf.stop()
        fb.stop()
    b, f = got["bpf"], got["fallback"]
    only_bpf = set(b) - set(f) - BPF_ONLY
    only_fb = set(f) - set(b)
    check(not only_bpf, "families only on BPF, undocumented: %s" % sorted(only_bpf))
    check(not only_fb, "families only on the fallback: %s" % sorted(only_fb))
    differ = {n: (b[n], f[n]) for n in set(b) & set(f) if b[n] != f[n]}
    check(not differ, "label names differ: %s" % differ)
    for n in ("vigil_sched_run_delay_seconds_total", "vigil_sched_oncpu_seconds_total",
              "vigil_sched_timeslices_total", "vigil_tcp_connections_closed_total",
              "vigil_subsystem_source_info", "process_cpu_seconds_total"):
        check(n in b and n in f, "%s not on both paths" % n)
    doc = open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "metrics.md")).read()
    for n in BPF_ONLY:
        check(n in doc, "docs/metrics.md does not name BPF-only %s" % n)


@test
def histograms_are_cumulative_and_grow_by_the_workload():
    require_root()
    with Server() as s:
        before = parse(s.metrics())
        check_histogram(before, "vigil_runq_latency_seconds")
        check_histogram(before, "vigil_oncpu_slice_seconds")
        p = subprocess.run([LOAD, "--cpu", "0", "--busy", "1", "--loops", "300", "--sleep-us",
                            "1000"], capture_output=True, text=True, timeout=60, check=True)
        load = json.loads(p.stdout)
        time.sleep(0.3)
        after = parse(s.metrics())
        s.stop()
    n0 = check_histogram(before, "vigil_runq_latency_seconds")
    n1 = check_histogram(after, "vigil_runq_latency_seconds")
    check(n1 - n0 >= load["loops"], "runq count grew %d for %d wakeups" % (n1 - n0, load["loops"]))
    # Every bucket is a counter: none may shrink between scrapes.
    b0 = dict((l["le"], v) for l, v in before["vigil_runq_latency_seconds_bucket"])
    for l, v in after["vigil_runq_latency_seconds_bucket"]:
        check(v >= b0[l["le"]], "bucket le=%s shrank" % l["le"])
    check(value(after, "vigil_subsystem_source_info", subsystem="sched") == 1, "no source")
    check(value(after, "vigil_subsystem_source_info", subsystem="sched", source="bpf") == 1,
          "sched is not served by bpf")
    check(value(after, "node_memory_MemTotal_bytes") > 0, "no MemTotal")
    check(value(after, "node_cpu_seconds_total", cpu="0", mode="idle") > 0, "no cpu idle")
    check("vigil_drops_total" in after, "no drop counters")


@test
def drops_counter_stays_zero_when_nothing_is_lost():
    """`rate(vigil_drops_total[5m]) > 0` is the standard alert: it must not fire on a machine
    where nothing is lost. Tasks runnable before vigil started and wakeups the kernel never
    showed go to vigil_unmatched_events_total instead."""
    require_root()
    with Server() as s:
        time.sleep(2)
        first = parse(s.metrics())
        time.sleep(3)
        second = parse(s.metrics())
        s.stop()
    for series in (first, second):
        drops = series.get("vigil_drops_total", [])
        check(drops, "no vigil_drops_total series")
        lost = [(l, v) for l, v in drops if v != 0]
        check(not lost, "drops on a quiet machine: %s" % lost)
        check(all(l["reason"] != "missing_start" for l, _ in drops), "a missing_start drop")
        reasons = {l["reason"] for l, _ in series.get("vigil_unmatched_events_total", [])}
        check(reasons == {"started_before_trace", "start_not_seen"},
              "vigil_unmatched_events_total reasons: %s" % reasons)


@test
def le_bounds_are_exact_slot_maxima():
    require_root()
    with Server() as s:
        series = parse(s.metrics())
        s.stop()
    les = [l["le"] for l, _ in series["vigil_runq_latency_seconds_bucket"]]
    # slot i of integer usecs holds up to 2^(i+1) us - 1 ns
    for i, le in enumerate(les[:-1]):
        want = ((2 << i) * 1000 - 1)
        got = round(float(le) * 1e9)
        check(got == want, "le[%d] = %s, want %d ns" % (i, le, want))


@test
def bpf_program_cost_is_exported_when_bpf_stats_is_on():
    require_root()
    path = "/proc/sys/kernel/bpf_stats_enabled"
    old = open(path).read().strip()
    try:
        with open(path, "w") as f:
            f.write("1")
        with Server() as s:
            subprocess.run([LOAD, "--loops", "50"], capture_output=True, timeout=60, check=True)
            series = parse(s.metrics())
            s.stop()
    finally:
        with open(path, "w") as f:
            f.write(old)
    runs = value(series, "vigil_bpf_program_run_count_total", program="handle_sched_switch")
    ns = value(series, "vigil_bpf_program_run_time_seconds_total", program="handle_sched_switch")
    check(runs > 0 and ns > 0, "switch program: %d runs, %g s" % (runs, ns))


def prometheus_query(port, q):
    url = "http://127.0.0.1:%d/api/v1/query?%s" % (port, urllib.parse.urlencode({"query": q}))
    with urllib.request.urlopen(url, timeout=5) as r:
        data = json.loads(r.read())
    check(data["status"] == "success", "query %s: %s" % (q, data))
    return data["data"]["result"]


@test
def a_real_prometheus_scrapes_vigil_and_answers_promql():
    require_root()
    if not os.path.exists("/usr/bin/prometheus"):
        skip("prometheus missing (tools/deps.sh installs it)")
    tmp = tempfile.mkdtemp(prefix="vigil-prom-")
    with Server() as s:
        prom_port = free_port()
        cfg = os.path.join(tmp, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    "scrape_configs:\n  - job_name: vigil\n    static_configs:\n"
                    "      - targets: ['127.0.0.1:%d']\n" % s.port)
        prom = subprocess.Popen(["prometheus", "--config.file", cfg, "--storage.tsdb.path",
                                 os.path.join(tmp, "data"), "--web.listen-address",
                                 "127.0.0.1:%d" % prom_port],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            subprocess.run([LOAD, "--loops", "200"], capture_output=True, timeout=60)
            deadline, up, count = time.time() + 40, [], []
            while time.time() < deadline:
                time.sleep(1)
                try:
                    up = prometheus_query(prom_port, 'up{job="vigil"} == 1')
                    count = prometheus_query(prom_port, 'vigil_runq_latency_seconds_count{job="vigil"}')
                except (OSError, urllib.error.URLError):
                    continue
                if up and count:
                    break
            check(up, "prometheus never saw vigil up")
            check(count and float(count[0]["value"][1]) > 0, "no vigil_runq_latency_seconds_count: %r"
                  % count)
            time.sleep(3)
            q = prometheus_query(prom_port, 'histogram_quantile(0.99, '
                                 'rate(vigil_runq_latency_seconds_bucket{job="vigil"}[1m]))')
            check(q, "histogram_quantile gave no series")
            cpus = prometheus_query(prom_port, 'count(node_cpu_seconds_total{mode="idle"})')
            check(cpus and int(float(cpus[0]["value"][1])) == os.cpu_count(),
                  "node_cpu_seconds_total covers %r CPUs" % cpus)
        finally:
            prom.terminate()
            prom.wait(timeout=30)
            subprocess.run(["rm", "-rf", tmp])
        s.stop()


def raw_request(port, data, read=True, timeout=5):
    c = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    c.sendall(data)
    if not read:
        return c
    chunks = []
    try:
        while True:
            b = c.recv(65536)
            if not b:
                break
            chunks.append(b)
            if b"\r\n\r\n" in b"".join(chunks) and not data.startswith(b"GET /metrics"):
                break
    except socket.timeout:
        pass
    c.close()
    return b"".join(chunks)


@test
def slow_and_malformed_clients_do_not_stall_it():
    require_root()
    with Server() as s:
        # Ten clients that send half a request line and go quiet.
        stalled = [raw_request(s.port, b"GET /metr", read=False) for _ in range(10)]
        # One that asks for the metrics and never reads them.
        sleeper = socket.create_connection(("127.0.0.1", s.port))
        sleeper.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        sleeper.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        t0 = time.time()
        body = s.metrics()
        check(time.time() - t0 < 2, "a scrape took %.1f s behind stalled clients" %
              (time.time() - t0))
        check("vigil_runq_latency_seconds_count" in body, "scrape incomplete")
        garbage = raw_request(s.port, b"\x00\x01\x02 NOT HTTP\r\n\r\n")
        check(garbage == b"" or garbage.startswith(b"HTTP/1.1 400"), "garbage got %r" %
              garbage[:60])
        post = raw_request(s.port, b"POST /metrics HTTP/1.1\r\nHost: x\r\n"
                                   b"Content-Length: 3\r\n\r\nabc")
        check(post.startswith(b"HTTP/1.1 405"), "POST got %r" % post[:60])
        try:
            s.get("/nope")
            check(False, "/nope answered 200")
        except urllib.error.HTTPError as e:
            check(e.code == 404, "/nope: %d" % e.code)
        huge = raw_request(s.port, b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 100000 + b"\r\n\r\n")
        check(huge == b"" or huge.split(b" ")[1] in (b"413", b"431", b"400"),
              "oversized header got %r" % huge[:60])
        check("vigil_runq_latency_seconds_count" in s.metrics(), "server unwell after bad clients")
        for c in stalled:
            c.close()
        sleeper.close()
        s.stop()


@test
def binds_loopback_by_default():
    require_root()
    with open("/proc/net/tcp") as f:
        if ":24F8 " in f.read():
            skip("port 9464 is taken on this machine")
    with Server(port=9464) as s:
        with open("/proc/net/tcp") as f:
            listening = [l.split()[1] for l in f if l.split()[3] == "0A"]
        s.stop()
    check("0100007F:24F8" in listening, "not listening on 127.0.0.1:9464: %r" % listening)
    check(not [a for a in listening if a.endswith(":24F8") and a != "0100007F:24F8"],
          "also listening beyond loopback")


@test
def memory_stays_flat_over_many_scrapes():
    require_root()
    with Server() as s:
        for _ in range(50):
            s.metrics()
        rss0 = s.rss_kib()
        for _ in range(300):
            s.metrics()
        rss1 = s.rss_kib()
        s.stop()
    check(rss1 < 64 * 1024, "RSS %d KiB" % rss1)
    check(rss1 - rss0 < 2048, "RSS grew %d KiB over 300 scrapes" % (rss1 - rss0))


@test
def fallback_serves_schedstat_and_says_where_data_comes_from():
    require_root()
    with Server("--backend", "fallback") as s:
        before = parse(s.metrics())
        load = subprocess.Popen([LOAD, "--cpu", "0", "--busy", "2", "--loops", "300",
                                 "--linger-ms", "2500"], stdout=subprocess.PIPE, text=True)
        load.stdout.readline()  # done, and still alive for the next poll (every second)
        time.sleep(1.3)
        body = s.metrics()
        after = parse(body)
        load.wait(timeout=30)
        s.stop()
    lint = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True,
                          text=True)
    bad = [l for l in (lint.stdout + lint.stderr).splitlines() if l and not NODE_CAMEL.match(l)]
    check(not bad, "promtool on the fallback scrape: %s" % bad)
    check(value(after, "vigil_subsystem_source_info", subsystem="sched", source="procfs") == 1,
          "sched source is not procfs")
    check("vigil_runq_latency_seconds_bucket" not in after, "a BPF histogram without BPF")
    w0 = value(before, "vigil_sched_run_delay_seconds_total")
    w1 = value(after, "vigil_sched_run_delay_seconds_total")
    check(w1 > w0, "run-queue wait did not grow under a contended load")
    check(value(after, "vigil_sched_timeslices_total") >= 300 +
          value(before, "vigil_sched_timeslices_total"), "timeslices")
    if os.path.exists("/proc/schedstat"):
        check(value(after, "node_schedstat_waiting_seconds_total", cpu="0") >
              value(before, "node_schedstat_waiting_seconds_total", cpu="0"), "schedstat")


@test
def unprivileged_serve_works_from_the_fallback():
    require_root()
    tmp, exe = unprivileged_vigil()
    port = free_port()
    p = subprocess.Popen(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                          "--inh-caps=-all", "--bounding-set=-all", exe, "serve", "--listen",
                          "127.0.0.1:%d" % port], stderr=subprocess.PIPE, text=True)
    try:
        body = None
        for _ in range(50):
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port,
                                            timeout=5) as r:
                    body = r.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        check(body, "no answer from an unprivileged vigil serve")
        series = parse(body)
        check(value(series, "vigil_subsystem_source_info", subsystem="sched", source="procfs") == 1,
              "unprivileged sched source")
        check(value(series, "node_memory_MemTotal_bytes") > 0, "no memory metrics")
    finally:
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=30)
        subprocess.run(["rm", "-rf", tmp])
    check(p.returncode == 0, "exit %d" % p.returncode)


def hold_connections(port, n, c2s, hold):
    """n loopback connections to port, c2s bytes each way, kept open hold seconds."""
    lst = socket.socket()
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("127.0.0.1", port))
    lst.listen(64)
    pairs = []
    for _ in range(n):
        c = socket.create_connection(("127.0.0.1", port))
        a, _ = lst.accept()
        pairs.append((c, a))
    for c, a in pairs:
        c.sendall(b"x" * c2s)
        got = 0
        while got < c2s:
            got += len(a.recv(65536))
    time.sleep(hold)
    for c, a in pairs:
        c.close()
        a.close()
    lst.close()


@test
def closed_connections_by_class_agree_with_and_without_bpf():
    require_root()
    port, n, nbytes = free_port(), 6, 50000
    with Server() as bpf, Server("--backend", "fallback") as fb:
        hold_connections(port, n, nbytes, 1.5)
        time.sleep(1.5)  # the fallback polls every second
        got = {"bpf": parse(bpf.metrics()), "fallback": parse(fb.metrics())}
        bpf.stop()
        fb.stop()
    check(value(got["fallback"], "vigil_subsystem_source_info", subsystem="tcp",
                source="sock_diag") == 1, "tcp fallback source")
    for k, series in got.items():
        for d in ("active", "passive"):
            closed = value(series, "vigil_tcp_connections_closed_total", direction=d,
                           port=str(port))
            check(closed == n, "%s: %s closes %d, want %d" % (k, d, closed, n))
        recv = value(series, "vigil_tcp_received_bytes_total", direction="passive",
                     port=str(port))
        sent = value(series, "vigil_tcp_sent_bytes_total", direction="active", port=str(port))
        if k == "bpf":  # payload exactly: no SYN or FIN sequence numbers
            check(recv == n * nbytes and sent == n * nbytes,
                  "bpf: received %d, sent %d, want %d" % (recv, sent, n * nbytes))
        else:
            check(n * nbytes <= recv <= n * (nbytes + 1), "%s: received %d" % (k, recv))


@test
def per_disk_latency_histogram_counts_every_io_and_matches_diskstats():
    require_root()
    doc = json.loads(subprocess.run([VIGIL, "doctor", "--format", "json"], capture_output=True,
                                    text=True).stdout)
    if not any(x["name"] == "blkio" and x["bpf"] for x in doc["subsystems"]):
        skip("no blkio tracer on BPF in this build")
    backing = tempfile.mktemp(prefix="vigil-serve-", suffix=".img", dir="/var/tmp")
    with open(backing, "wb") as f:
        f.truncate(16 << 20)
    dev = subprocess.run(["losetup", "-f", "--show", backing], capture_output=True, text=True,
                         check=True).stdout.strip()
    name = os.path.basename(dev)
    try:
        time.sleep(0.5)
        with Server() as s:
            before = parse(s.metrics())
            subprocess.run(["dd", "if=/dev/zero", "of=" + dev, "bs=4k", "count=300",
                            "oflag=direct"], capture_output=True, check=True)
            time.sleep(0.3)
            after = parse(s.metrics())
            s.stop()
    finally:
        subprocess.run(["losetup", "-d", dev])
        os.unlink(backing)

    def count(series):
        try:
            return value(series, "vigil_blkio_latency_seconds_count", device=name, op="write")
        except AssertionError:
            return 0
    ios = count(after) - count(before)
    check(ios == 300, "%s: %d I/Os in the histogram for 300 writes" % (name, ios))
    disk = value(after, "node_disk_writes_completed_total", device=name) - \
        value(before, "node_disk_writes_completed_total", device=name)
    check(disk == ios, "diskstats says %d writes, the histogram %d" % (disk, ios))


class Slowloris:
    """n connections to port spread over the source addresses srcs, each sending a request
    header one byte every 1 to 2 s and never finishing it; a connection the server closes is
    opened again at once, as an attacker would. Runs in a thread of its own until stop()."""

    def __init__(self, port, n, srcs):
        import random
        import threading
        self.port, self.srcs, self.rng = port, srcs, random.Random(11)
        self.socks = [None] * n
        self.due = [0.0] * n
        self.sent = [0] * n
        self.reconnects = 0
        self.stopping = False
        for i in range(n):
            self.open(i)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def open(self, i):
        c = socket.socket()
        c.setblocking(False)
        c.bind((self.srcs[i % len(self.srcs)], 0))
        try:
            c.connect(("127.0.0.1", self.port))
        except BlockingIOError:
            pass
        self.socks[i], self.sent[i] = c, 0
        self.due[i] = time.time() + self.rng.uniform(0.0, 1.0)

    HEADER = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100000

    def run(self):
        while not self.stopping:
            now = time.time()
            for i, c in enumerate(self.socks):
                if now < self.due[i]:
                    continue
                try:
                    if c.recv(1, socket.MSG_DONTWAIT | socket.MSG_PEEK) == b"":
                        raise ConnectionResetError  # the server closed it
                except BlockingIOError:
                    pass
                except OSError:
                    c.close()
                    self.reconnects += 1
                    self.open(i)
                    continue
                try:
                    c.send(self.HEADER[self.sent[i]:self.sent[i] + 1])
                    self.sent[i] += 1
                except BlockingIOError:
                    pass
                except OSError:
                    c.close()
                    self.reconnects += 1
                    self.open(i)
                    continue
                self.due[i] = now + self.rng.uniform(1.0, 2.0)
            time.sleep(0.05)

    def stop(self):
        self.stopping = True
        self.thread.join()
        for c in self.socks:
            c.close()


def timed_scrape(port, timeout):
    """Seconds one GET /metrics took on a fresh connection from 127.0.0.1, or None."""
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=timeout) as r:
            body = r.read()
        if r.status != 200 or b"vigil_subsystem_source_info" not in body:
            return None
    except OSError:
        return None
    return time.monotonic() - t0


@test
def scrapes_are_answered_under_200_slowloris_connections():
    require_root()
    with Server("--backend", "fallback") as s:
        base = sorted(t for t in (timed_scrape(s.port, 5) for _ in range(5)) if t is not None)
        check(base, "no scrape answered before the attack")
        # 200 slow clients from four loopback addresses, 127.0.0.1 (the scraper's) among them
        loris = Slowloris(s.port, 200, ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"])
        try:
            time.sleep(6)  # every slot taken, and some deadlines passed, before the scrapes
            times = []
            for _ in range(20):
                times.append(timed_scrape(s.port, 2))
                time.sleep(0.2)
        finally:
            loris.stop()
        after = parse(s.metrics())
        s.stop()
    done = sorted(t for t in times if t is not None)
    evicted = value(after, "vigil_http_connections_closed_total", reason="evicted")
    expired = value(after, "vigil_http_connections_closed_total", reason="request_timeout")
    print("    closed by vigil: %d evicted, %d past their deadline" % (evicted, expired))
    print("    scrape latency without attack: median %.1f ms; under 200 slow connections: "
          "%d/20 answered, median %s ms, max %s ms; %d slow connections closed by the server"
          % (base[len(base) // 2] * 1e3, len(done),
             "%.1f" % (done[len(done) // 2] * 1e3) if done else "-",
             "%.1f" % (done[-1] * 1e3) if done else "-", loris.reconnects))
    check(len(done) == 20, "%d of 20 scrapes failed under 200 slow connections"
          % (20 - len(done)))
    check(done[-1] < 0.1, "the slowest scrape took %.0f ms" % (done[-1] * 1e3))
    check(evicted + expired > 0, "no slow connection counted as closed")


@test
def a_trickling_request_is_closed_at_its_deadline():
    require_root()
    with Server("--backend", "fallback", "--request-timeout", "1s") as s:
        c = socket.create_connection(("127.0.0.1", s.port))
        t0 = time.monotonic()
        closed = None
        for b in b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
            try:
                c.send(bytes([b]))
                c.settimeout(0.25)
                if c.recv(1) == b"":
                    closed = time.monotonic() - t0
                    break
            except socket.timeout:
                continue
            except OSError:
                closed = time.monotonic() - t0
                break
        c.close()
        # an idle timer restarted by each byte would never fire at one byte every 0.25 s
        check(closed is not None, "a request trickled for 25 s was never closed")
        check(0.9 <= closed <= 2.0, "closed after %.2f s, deadline 1 s" % closed)
        closed_total = value(parse(s.metrics()), "vigil_http_connections_closed_total",
                             reason="request_timeout")
        check(closed_total == 1, "%d closes for a missed deadline counted" % closed_total)
        # a prompt client on a kept-alive connection is answered again and again
        c = socket.create_connection(("127.0.0.1", s.port))
        for _ in range(3):
            c.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            check(c.recv(4096).startswith(b"HTTP/1.1 200"), "keep-alive request not answered")
            time.sleep(0.3)
        c.close()
        s.stop()


@test
def a_trickling_tls_handshake_is_closed_at_its_deadline():
    require_root()
    d = tempfile.mkdtemp(prefix="vigil-web-")
    try:
        make_pki(d)
        with open(os.path.join(d, "web.yml"), "w") as f:
            f.write("tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n")
        with Server("--backend", "fallback", "--request-timeout", "1s", "--web.config.file",
                    os.path.join(d, "web.yml"), tls=client_tls(d)) as s:
            c = socket.create_connection(("127.0.0.1", s.port))
            t0, closed = time.monotonic(), None
            # a TLS handshake record header announcing 512 bytes, then its body byte by byte
            for b in b"\x16\x03\x01\x02\x00" + b"\x01" + b"\x00" * 100:
                try:
                    c.send(bytes([b]))
                    c.settimeout(0.25)
                    if c.recv(1) == b"":
                        closed = time.monotonic() - t0
                        break
                except socket.timeout:
                    continue
                except OSError:
                    closed = time.monotonic() - t0
                    break
            c.close()
            check(closed is not None, "a trickled handshake was never closed")
            check(0.9 <= closed <= 2.0, "closed after %.2f s, deadline 1 s" % closed)
            check("vigil_subsystem_source_info" in s.metrics(), "no TLS scrape after it")
            s.stop()
    finally:
        subprocess.run(["rm", "-rf", d])


@test
def warns_when_listening_beyond_loopback():
    require_root()
    port = free_port()
    with Server("--backend", "fallback", "--listen", "0.0.0.0:%d" % port, port=port) as s:
        err = s.stop()
    check("not loopback" in err, "no warning for 0.0.0.0: %r" % err[-500:])
    with Server("--backend", "fallback") as s:
        err = s.stop()
    check("loopback" not in err, "a warning for 127.0.0.1: %r" % err[-500:])
    # no warning when every client must give a password
    d = tempfile.mkdtemp(prefix="vigil-web-")
    try:
        with open(os.path.join(d, "web.yml"), "w") as f:
            f.write("basic_auth_users:\n  prom: %s\n" % bcrypt("x"))
        port = free_port()
        with Server("--backend", "fallback", "--listen", "0.0.0.0:%d" % port, "--web.config.file",
                    os.path.join(d, "web.yml"), port=port, auth=("prom", "x")) as s:
            err = s.stop()
        check("loopback" not in err, "a warning despite basic auth: %r" % err[-500:])
    finally:
        subprocess.run(["rm", "-rf", d])


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


def make_pki(d):
    """In d: a CA, a server certificate for 127.0.0.1 and a client certificate it signed,
    and a self-signed client certificate no CA vouches for."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    p = lambda n: os.path.join(d, n)
    openssl("req", "-x509", *ec, "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "2",
            "-subj", "/CN=vigil test CA")
    for name, ext in (("server", "subjectAltName=IP:127.0.0.1"),
                      ("client", "extendedKeyUsage=clientAuth")):
        openssl("req", *ec, "-keyout", p(name + ".key"), "-out", p(name + ".csr"), "-subj",
                "/CN=" + name)
        with open(p(name + ".ext"), "w") as f:
            f.write(ext + "\n")
        openssl("x509", "-req", "-in", p(name + ".csr"), "-CA", p("ca.pem"), "-CAkey",
                p("ca.key"), "-CAcreateserial", "-out", p(name + ".pem"), "-days", "2",
                "-extfile", p(name + ".ext"))
    openssl("req", "-x509", *ec, "-keyout", p("rogue.key"), "-out", p("rogue.pem"), "-days",
            "2", "-subj", "/CN=rogue")


def bcrypt(password, rounds=1 << 6):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import crypt
    h = crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=rounds))
    check(h and h.startswith("$2"), "no bcrypt from crypt(3): %r" % h)
    return h


def client_tls(d, cert=None):
    ctx = ssl.create_default_context(cafile=os.path.join(d, "ca.pem"))
    if cert:
        ctx.load_cert_chain(os.path.join(d, cert + ".pem"), os.path.join(d, cert + ".key"))
    return ctx


def http_error(fn):
    """The HTTP status fn() failed with, or the exception's name when it was not HTTP."""
    try:
        fn()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("WWW-Authenticate")
    except (OSError, ssl.SSLError) as e:
        return type(e).__name__, None
    return 200, None


@test
def web_config_serves_tls_and_asks_for_basic_auth():
    require_root()
    d = tempfile.mkdtemp(prefix="vigil-web-")
    try:
        make_pki(d)
        with open(os.path.join(d, "web.yml"), "w") as f:
            # relative file names resolve against the config's folder, as the toolkit's do
            f.write("tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n"
                    "basic_auth_users:\n  alice: %s\n  bob: '%s'\n"
                    % (bcrypt("wonder land"), bcrypt("builder")))
        with Server("--backend", "fallback", "--web.config.file", os.path.join(d, "web.yml"),
                    tls=client_tls(d), auth=("alice", "wonder land")) as s:
            body = s.metrics()
            check("vigil_subsystem_source_info" in body, "TLS scrape incomplete")
            check(s.get(auth=("bob", "builder"))[0] == 200, "bob refused")
            code, how = http_error(lambda: s.get(auth=("alice", "wonder lane")))
            check(code == 401 and how and how.startswith("Basic"),
                  "wrong password: %r %r" % (code, how))
            check(http_error(lambda: s.get(auth=("carol", "wonder land")))[0] == 401,
                  "unknown user let in")
            check(http_error(lambda: s.get(auth=("alice", "")))[0] == 401, "empty password")
            req = urllib.request.Request(s.url("/metrics"))
            code, how = http_error(lambda: urllib.request.urlopen(req, timeout=5,
                                                                  context=s.tls).read())
            check(code == 401 and how and "vigil" in how, "no credentials: %r %r" % (code, how))
            # plain HTTP to the TLS port gets no metrics
            plain = raw_request(s.port, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            check(b"vigil_" not in plain, "metrics over plain HTTP")
            err = s.stop()
        check("over TLS with basic auth" in err, "start line: %r" % err[-300:])
    finally:
        subprocess.run(["rm", "-rf", d])


@test
def web_config_client_certificates_are_verified():
    require_root()
    d = tempfile.mkdtemp(prefix="vigil-web-")
    try:
        make_pki(d)
        with open(os.path.join(d, "web.yml"), "w") as f:
            f.write("tls_server_config:\n  cert_file: %s\n  key_file: %s\n"
                    "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: %s\n"
                    % (os.path.join(d, "server.pem"), os.path.join(d, "server.key"),
                       os.path.join(d, "ca.pem")))
        with Server("--backend", "fallback", "--web.config.file", os.path.join(d, "web.yml"),
                    tls=client_tls(d, "client")) as s:
            check("vigil_subsystem_source_info" in s.metrics(), "a CA-signed client refused")
            s.tls = client_tls(d)
            code = http_error(s.get)[0]
            check(code == 403, "no client certificate: %r" % code)
            s.tls = client_tls(d, "rogue")
            code = http_error(s.get)[0]
            check(code == 403, "a self-signed client certificate: %r" % code)
            s.stop()
    finally:
        subprocess.run(["rm", "-rf", d])


@test
def wrong_passwords_cannot_starve_a_scraper_with_basic_auth():
    require_root()
    import threading
    d = tempfile.mkdtemp(prefix="vigil-web-")
    try:
        with open(os.path.join(d, "web.yml"), "w") as f:
            f.write("basic_auth_users:\n  prom: %s\n" % bcrypt("scrape me", rounds=1 << 10))
        with Server("--backend", "fallback", "--web.config.file", os.path.join(d, "web.yml"),
                    auth=("prom", "scrape me")) as s:
            s.metrics()  # the scraper's password is known good from now on
            stop, tries, refusals = threading.Event(), [0] * 6, [0] * 6

            def flood(i):
                while not stop.is_set():
                    try:
                        s.get(auth=("prom", "guess %d-%d" % (i, tries[i])), timeout=10)
                    except urllib.error.HTTPError as e:
                        refusals[i] += e.code in (401, 429)
                    except OSError:
                        pass
                    tries[i] += 1
            flooders = [threading.Thread(target=flood, args=(i,)) for i in range(6)]
            for t in flooders:
                t.start()
            times = []
            try:
                time.sleep(1)
                for _ in range(20):
                    t0 = time.monotonic()
                    try:
                        s.metrics()
                        times.append(time.monotonic() - t0)
                    except OSError:
                        pass
                    time.sleep(0.1)
            finally:
                stop.set()
                for t in flooders:
                    t.join()
            series = parse(s.metrics())
            s.stop()
        refused = value(series, "vigil_http_auth_failures_total", code="401") + \
            value(series, "vigil_http_auth_failures_total", code="429")
        check(refused == sum(refusals), "%d refusals counted, %d seen" % (refused, sum(refusals)))
    finally:
        subprocess.run(["rm", "-rf", d])
    times.sort()
    print("    under a wrong-password flood (%d guesses): %d/20 scrapes answered, median %s ms, "
          "max %s ms" % (sum(tries), len(times), "%.0f" % (times[len(times) // 2] * 1e3)
                         if times else "-", "%.0f" % (times[-1] * 1e3) if times else "-"))
    check(len(times) == 20, "%d of 20 scrapes failed" % (20 - len(times)))
    check(times[-1] < 0.5, "the slowest scrape took %.0f ms" % (times[-1] * 1e3))


@test
def bad_web_configs_exit_2_naming_the_problem():
    d = tempfile.mkdtemp(prefix="vigil-web-")
    cases = [
        ("tls_server_config:\n  cert_file: a.pem\n  key_file: a.key\nbasic_auth_user: {}\n",
         "unknown key 'basic_auth_user'"),
        ("tls_server_config:\n  certfile: a.pem\n", "unknown key 'certfile'"),
        ("http_server_config:\n  http2: false\n", "'http_server_config' is not supported"),
        ("tls_server_config:\n  cert_file: nope.pem\n  key_file: nope.key\n", "nope.pem"),
        ("tls_server_config:\n  cert_file: web.yml\n  key_file: web.yml\n", "not a PEM"),
        ("basic_auth_users:\n  alice: plaintext\n", "not a bcrypt hash"),
        ("basic_auth_users: [alice]\n", "want a mapping"),
        ("tls_server_config: {cert_file: a.pem\n", "line "),
        ("\x00\x01\x02\xff", "web.yml"),
    ]
    try:
        for text, want in cases:
            path = os.path.join(d, "web.yml")
            with open(path, "w", encoding="latin-1") as f:
                f.write(text)
            p = subprocess.run([VIGIL, "serve", "--web.config.file", path], capture_output=True,
                               text=True, timeout=10)
            check(p.returncode == 2, "exit %d for %r: %s" % (p.returncode, text, p.stderr))
            check("--web.config.file" in p.stderr and want in p.stderr,
                  "for %r: %r lacks %r" % (text, p.stderr, want))
        p = subprocess.run([VIGIL, "serve", "--web.config.file", os.path.join(d, "none.yml")],
                           capture_output=True, text=True, timeout=10)
        check(p.returncode == 2 and "No such file" in p.stderr, "missing file: %d %s"
              % (p.returncode, p.stderr))
    finally:
        subprocess.run(["rm", "-rf", d])


@test
def bad_listen_address_exits_2_naming_the_flag():
    p = subprocess.run([VIGIL, "serve", "--listen", "localhost:x"], capture_output=True,
                       text=True, timeout=10)
    check(p.returncode == 2 and "--listen" in p.stderr, "exit %d: %s" % (p.returncode, p.stderr))
    p = subprocess.run([VIGIL, "serve", "--backend", "magic"], capture_output=True, text=True,
                       timeout=10)
    check(p.returncode == 2 and "--backend" in p.stderr, "exit %d: %s" % (p.returncode, p.stderr))
    p = subprocess.run([VIGIL, "serve", "--request-timeout", "50ms"], capture_output=True,
                       text=True, timeout=10)
    check(p.returncode == 2 and "--request-timeout" in p.stderr, "exit %d: %s" %
          (p.returncode, p.stderr))


if __name__ == "__main__":
    main()
