#!/usr/bin/python3
"""test_schema.py: every record vigil streams validates against docs/records.schema.json.

Workloads make each kind appear: fork/exec/exit of a shell (sched), loopback TCP connections,
a refused connect and a SYN that is dropped once by a full backlog (tcp, and `drops` from a
connection table made too small), O_DIRECT I/O on a loop device the test creates (blkio, and
biotop's bio_top rows), and DNS queries to a small server on a loopback address of this test's
own, plus one to an address where nothing listens (a timeout). The same workloads run with
`--backend fallback` (sample, sock_diag and packet records). Every record is checked with
python3-jsonschema; the last test checks that every kind the schema defines was seen, and that
a record with a renamed, missing, extra or retyped field, or an unknown kind, is refused.
`vigil hist` objects validate against the schema's hist definition, and `snapshot` and
`trace` (JSON and CSV) write time in one format.
"""
import calendar
import copy
import csv
import http.server
import io
import json
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (IN_CI, OUT, ROOT, check, main, records, require_root,  # noqa: E402
                     schema_version, skip, start_vigil, test, vigil, wait_attached)
from loopdev import loop, release_driver, start_driver  # noqa: E402

SCHEMA_PATH = os.path.join(ROOT, "docs", "records.schema.json")
WORKLOAD = os.path.join(OUT, "tests", "integration", "tcp_workload")
TAG = os.getpid()
BASE = 30000 + (TAG % 1000) * 8  # below the ephemeral range, apart from test_tcp's ports
DNS_NET = "127.53.%d.%d" % ((TAG >> 8) % 250, (TAG % 200) + 1)  # this test's own address
DNS_DEAD = "127.54.%d.%d" % ((TAG >> 8) % 250, (TAG % 200) + 1)  # nothing listens there

SEEN = {}  # (kind, subsystem of a sample) -> one record of it, as validated


def validator():
    try:
        import jsonschema
    except ImportError:
        if IN_CI:
            raise AssertionError("python3-jsonschema is missing (tools/deps.sh installs it)")
        skip("python3-jsonschema is not installed")
    with open(SCHEMA_PATH) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def key(r):
    """The name of the schema's definition this record follows."""
    k = r.get("kind")
    if k == "sample":
        return "sample_" + r.get("subsystem", "")
    if k == "probe":
        return "probe_" + r.get("probe", "")
    if k == "iostat":
        return k + ("_x" if "r/s" in r else "") + ("_mb" if any("MB" in f for f in r) else "")
    return k


def validate_all(recs, what):
    v = validator()
    check(recs, "%s: no records" % what)
    for r in recs:
        errs = sorted(v.iter_errors(r), key=lambda e: list(e.path))
        if not errs and key(r) in v.schema["$defs"]:  # the definition the test expects, too
            errs = list(type(v)({"$defs": v.schema["$defs"],
                                 "$ref": "#/$defs/" + key(r)}).iter_errors(r))
        check(not errs, "%s: %s record refused: %s\n%r" %
              (what, r.get("kind"), "; ".join(e.message for e in errs[:3]), r))
        SEEN.setdefault(key(r), r)
    return {key(r) for r in recs}


def finish(p):
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    check(p.returncode == 0, "vigil exited %d: %s" % (p.returncode, err[-1500:]))
    return records(out)


def trace(*args, backend="bpf"):
    p = start_vigil("trace", *args, "--backend", backend, "-f", "ndjson")
    wait_attached(p, 1.0 if backend == "fallback" else 0.0)
    return p


def sched_workload():
    for _ in range(5):
        subprocess.run(["/bin/sh", "-c", "/bin/true & wait; exit 3"], check=False)


def tcp_workload(port, n):
    """n loopback connections held open together (more than --max-conns), then closed."""
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", port))
    lsock.listen(256)
    held = []
    for _ in range(n):
        c = socket.create_connection(("127.0.0.1", port))
        a, _ = lsock.accept()
        c.sendall(b"x" * 100)
        a.recv(100)
        held += [c, a]
    return lsock, held


def tcp_close_all(lsock, held):
    for s_ in held:
        s_.close()
    lsock.close()


def run_tcp_workload(*args):
    p = subprocess.run([WORKLOAD, *args], capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, "tcp_workload %s failed: %s" % (args, p.stderr))
    return p.stdout


def dns_query(qid, name):
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\0" + struct.pack(">HH", 1, 1)


class DnsServer:
    """Answers every A query with one address, on DNS_NET:53 (UDP)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((DNS_NET, 53))
        self.sock.settimeout(0.1)
        self.done = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.done:
            try:
                q, peer = self.sock.recvfrom(512)
            except socket.timeout:
                continue
            hdr = struct.pack(">HHHHHH", struct.unpack(">H", q[:2])[0], 0x8180, 1, 1, 0, 0)
            ans = struct.pack(">HHHIH", 0xc00c, 1, 1, 60, 4) + socket.inet_aton("192.0.2.7")
            self.sock.sendto(hdr + q[12:] + ans, peer)

    def close(self):
        self.done = True
        self.thread.join()
        self.sock.close()


def dns_workload():
    """Three answered queries and one to an address where nothing listens."""
    srv = DnsServer()
    try:
        for i in range(3):
            c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            c.settimeout(5)
            c.sendto(dns_query(0x4000 + i, "www%d.schema.test" % i), (DNS_NET, 53))
            check(len(c.recv(512)) > 12, "no DNS answer")
            c.close()
        dead = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        dead.sendto(dns_query(0x5000, "lost.schema.test"), (DNS_DEAD, 53))
        dead.close()
    finally:
        srv.close()
    return time.monotonic()


def wait_for_kind(p, kind, timeout=30):
    """Read NDJSON from a running vigil until a record of this kind; return what was read."""
    got, end = [], time.monotonic() + timeout
    fd = p.stdout.fileno()
    buf = getattr(p, "partial", b"")
    while time.monotonic() < end:
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            got.append(json.loads(line))
            if got[-1]["kind"] == kind:
                p.partial = buf
                return got
        ready, _, _ = select.select([fd], [], [], max(0.0, end - time.monotonic()))
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buf += chunk
    raise AssertionError("no %s record within %ds (got %s)" %
                         (kind, timeout, sorted({r["kind"] for r in got})))


def finish_read(p):
    """Like finish(), for a vigil whose stdout wait_for_kind() has been reading."""
    p.send_signal(signal.SIGINT)
    rest = getattr(p, "partial", b"")
    fd = p.stdout.fileno()
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        rest += chunk
    err = p.stderr.read()
    p.wait(timeout=60)
    check(p.returncode == 0, "vigil exited %d: %s" % (p.returncode, err[-1500:]))
    return records(rest.decode())


@test
def bpf_sched_records_validate():
    require_root()
    v = trace("sched", "--with-cgroup")
    sched_workload()
    kinds = validate_all(finish(v), "trace sched")
    for k in ("runq", "oncpu", "exec", "exit", "fork"):
        check(k in kinds, "no %s record (got %s)" % (k, sorted(kinds)))


@test
def bpf_tcp_records_validate_drops_included():
    require_root()
    port = BASE
    v = trace("tcp", "--port", "%d,%d" % (port, port + 1), "--with-cgroup")
    # a connection table too small for the workload (and whatever else the machine runs)
    small = trace("tcp", "--port", str(port), "--max-conns", "64", "--events", "tcp_close")
    lsock, held = tcp_workload(port, 80)
    tcp_close_all(lsock, held)
    run_tcp_workload("reset", "4", "127.0.0.1", str(port))
    b = json.loads(run_tcp_workload("backlog", "4", "127.0.0.1", str(port)))
    # the dropped SYN's retransmit comes 1 s later: without it there is nothing to record
    check(b["b_latency_ns"] >= 900000000, "the backlog workload's SYN was not dropped: %s" % b)
    kinds = validate_all(finish(small), "trace tcp --max-conns 64")
    kinds |= validate_all(finish(v), "trace tcp")
    for k in ("tcp_connect", "tcp_accept", "tcp_state", "tcp_close", "tcp_retransmit",
              "tcp_reset", "drops"):
        check(k in kinds, "no %s record (got %s)" % (k, sorted(kinds)))


@test
def bpf_blkio_and_biotop_records_validate():
    lp = loop()
    d, pid = start_driver("w:64:4096", "r:16:65536")
    try:
        v = trace("blkio", "--disk", lp["name"], "--with-cgroup")
        top = start_vigil("biotop", "--disk", lp["name"], "-i", "200ms", "-f", "ndjson")
        wait_attached(top)
        release_driver(d)
    finally:
        if d.poll() is None:
            d.kill()
    rows = wait_for_kind(top, "bio_top")
    rows += finish_read(top)
    kinds = validate_all(finish(v), "trace blkio") | validate_all(rows, "biotop")
    check("bio" in kinds and "bio_top" in kinds, "kinds %s" % sorted(kinds))


@test
def bpf_dns_records_validate_timeouts_included():
    require_root()
    v = trace("dns", "--dns-timeout", "500ms", "--with-cgroup")
    dns_workload()
    recs = wait_for_kind(v, "dns")
    while not any(r["kind"] == "dns" and r["timeout"] for r in recs):
        recs += wait_for_kind(v, "dns")
    recs += finish_read(v)
    validate_all(recs, "trace dns")
    mine = [r for r in recs if r["kind"] == "dns" and r["qname"].endswith("schema.test")]
    check(len([r for r in mine if not r["timeout"]]) == 3, "3 answered queries: %s" % mine)
    check(any(r["timeout"] and r["rcode"] is None for r in mine), "a timeout: %s" % mine)


@test
def fallback_records_validate():
    require_root()
    lp = loop()
    port = BASE + 4
    v = trace("sched", "blkio", "--poll-interval", "200ms", backend="fallback")
    t = trace("tcp", "--port", str(port), "--poll-interval", "200ms", "--with-cgroup",
              backend="fallback")
    d, _ = start_driver("w:64:4096")
    release_driver(d)
    sched_workload()
    # sock_diag sees a connection only while it exists: hold them until a poll has seen them
    lsock, held = tcp_workload(port, 4)
    recs = wait_for_kind(t, "tcp_accept")
    while not any(r["kind"] == "tcp_connect" for r in recs):  # the client side, same or next poll
        recs += wait_for_kind(t, "tcp_connect")
    tcp_close_all(lsock, held)
    recs += wait_for_kind(t, "tcp_close")
    recs += finish_read(t)
    while not any(r.get("subsystem") == "blkio" and r["disk"] == lp["name"] for r in recs):
        recs += wait_for_kind(v, "sample")
    recs += finish_read(v)
    kinds = validate_all(recs, "trace --backend fallback")
    for k in ("sample_sched", "sample_blkio", "tcp_connect", "tcp_accept", "tcp_close"):
        check(k in kinds, "no %s record (got %s)" % (k, sorted(kinds)))
    sources = {r["source"] for r in recs}
    check({"procfs", "sock_diag", "diskstats"} <= sources, "sources %s" % sources)
    check(any(r["kind"] == "sample" and r["disk"] == lp["name"] for r in recs
              if r.get("subsystem") == "blkio"), "no sample of %s" % lp["name"])


@test
def fallback_dns_records_validate():
    require_root()
    v = trace("dns", "--dns-timeout", "500ms", backend="fallback")
    dns_workload()
    recs = wait_for_kind(v, "dns")
    recs += finish_read(v)
    validate_all(recs, "trace dns --backend fallback")
    check(any(r["kind"] == "dns" and r["source"] == "packet" for r in recs),
          "no dns record from the packet fallback")


@test
def snapshot_and_trace_share_the_time_format():
    """snapshot, trace -f json, trace -f csv and top -f json: RFC 3339 UTC with ns in `time`,
    and the same CLOCK_MONOTONIC stamp in `ts_ns`, so time - ts_ns agrees across all four."""
    require_root()
    rfc3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")

    def offset(t, ts_ns):
        check(rfc3339.match(t), "time %r is not RFC 3339 UTC with ns" % t)
        whole, frac = t[:-1].split(".")
        sec = calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S"))
        return sec * 10**9 + int(frac) - int(ts_ns)

    snap = json.loads(vigil("snapshot", "--attrs", "pid").stdout)
    offsets = {"snapshot": offset(snap["time"], snap["ts_ns"])}
    js = json.loads(vigil("trace", "sched", "-d", "300ms", "-f", "json").stdout)
    check(js, "trace -f json: no records")
    offsets["json"] = offset(js[0]["time"], js[0]["ts_ns"])
    rows = list(csv.DictReader(io.StringIO(vigil("trace", "sched", "-d", "300ms", "-f",
                                                 "csv").stdout, newline="")))
    check(rows, "trace -f csv: no rows")
    check(all(r["schema"] == str(schema_version()) for r in rows), "csv schema column")
    offsets["csv"] = offset(rows[0]["time"], rows[0]["ts_ns"])
    frame = json.loads(vigil("top", "--once", "-i", "200ms", "-f", "json").stdout)
    offsets["top"] = offset(frame["time"], frame["ts_ns"])
    spread = max(offsets.values()) - min(offsets.values())
    check(spread < 5 * 10**6, "realtime - monotonic differs by %d ns: %s" % (spread, offsets))


def hist_validator():
    v = validator()
    return type(v)({"$defs": v.schema["$defs"], "$ref": "#/$defs/hist"})


def hist_run(*args, workload=None):
    p = start_vigil("hist", *args, "-f", "ndjson")
    wait_attached(p)
    if workload:
        workload()
    return finish(p)


@test
def hist_objects_validate():
    require_root()
    v = hist_validator()
    lp = loop()
    port = BASE + 6

    def tcp():
        lsock, held = tcp_workload(port, 4)
        tcp_close_all(lsock, held)

    def blkio():
        d, _ = start_driver("w:16:4096")
        release_driver(d)
    runs = {"runq": hist_run("runq", workload=sched_workload),
            "runq per pid": hist_run("runq", "--per", "pid", workload=sched_workload),
            "runq per cgroup": hist_run("runq", "--per", "cgroup", workload=sched_workload),
            "tcp-connect per raddr": hist_run("tcp-connect", "--per", "raddr", workload=tcp),
            "blkio per disk-op": hist_run("blkio", "--per", "disk-op", "--disk", lp["name"],
                                          workload=blkio)}
    for what, hists in runs.items():
        check(hists, "%s: no histogram" % what)
        for h in hists:
            errs = list(v.iter_errors(h))
            check(not errs, "%s: refused: %s\n%r" % (what, errs[0].message if errs else "", h))
    h = copy.deepcopy(runs["blkio per disk-op"][0])
    check("label" in h and isinstance(h["key"], int), "disk-op: key and label %r" % h)
    check(isinstance(runs["tcp-connect per raddr"][0]["key"], str), "raddr key is text")
    check(any(h.get("cgroup") for h in runs["runq per cgroup"]),
          "per cgroup: no path %r" % runs["runq per cgroup"])
    h["buckets"][0]["n"] = h["buckets"][0].pop("count")
    check(not v.is_valid(h), "a bucket with a renamed field was accepted")


def tool_records(*args, rc=0):
    """The records of one tool command, in NDJSON and JSON (an array); both validated."""
    runs = [vigil(*args, "-f", f, check=False) for f in ("ndjson", "json")]
    for p in runs:
        check(p.returncode == rc, "%s exited %d, not %d: %s" % (" ".join(args), p.returncode, rc,
                                                               p.stderr[-1500:]))
    recs, arr = records(runs[0].stdout), json.loads(runs[1].stdout)
    check(isinstance(arr, list) and arr, "%s -f json: %r" % (" ".join(args), arr))
    validate_all(recs, " ".join(args))
    validate_all(arr, " ".join(args) + " -f json")
    return recs + arr


def csv_schema_column(*args):
    rows = list(csv.reader(io.StringIO(vigil(*args, "-f", "csv", check=False).stdout,
                                       newline="")))
    check(len(rows) > 1, "%s -f csv: no rows" % " ".join(args))
    check(rows[0][:5] == ["time", "ts_ns", "kind", "source", "schema"], "header %r" % rows[0])
    check(all(r[4] == str(schema_version()) for r in rows[1:]), "schema column: %r" % rows[1:3])


@test
def iostat_records_validate_every_column_set():
    seen = set()
    for flags in ([], ["-m"], ["-x"], ["-x", "-m"]):
        recs = tool_records("iostat", *flags, "1", "1")
        seen |= {key(r) for r in recs}
        csv_schema_column("iostat", *flags, "1", "1")
    check(seen == {"iostat", "iostat_mb", "iostat_x", "iostat_x_mb", "iostat_cpu"},
          "column sets %s" % sorted(seen))


@test
def iotop_records_validate():
    require_root()
    recs = tool_records("iotop", "-n", "1", "-d", "200ms")
    check(any(r["sources"]["blk"] == "bpf" for r in recs), "no BPF block columns")
    csv_schema_column("iotop", "-n", "1", "-d", "200ms")


@test
def net_io_records_validate():
    total = tool_records("net", "io", "--interval", "100ms", "--count", "1")
    check(all(r["nic"] is None for r in total), "the total has nic null: %r" % total)
    per = tool_records("net", "io", "--pernic", "--interval", "100ms", "--count", "1")
    check(any(r["nic"] == "lo" for r in per), "no lo row: %r" % per)
    csv_schema_column("net", "io", "--interval", "100ms", "--count", "1")


@test
def probe_traceroute_records_validate():
    """Two runs to a loopback port that listens (syn-ack) and one to a closed port (rst)."""
    require_root()
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", BASE + 7))
    lsock.listen(16)
    try:
        args = ("probe", "traceroute", "-n", "-c", "2", "-i", "100ms")
        recs = tool_records(*args, "-p", str(BASE + 7), "127.0.0.1")
        recs += tool_records(*args, "-p", str(BASE + 8), "127.0.0.1")
        csv_schema_column(*args, "-p", str(BASE + 7), "127.0.0.1")
    finally:
        lsock.close()
    replies = {r["reply"] for r in recs if r["kind"] == "probe"}
    check({"syn-ack", "rst"} <= replies, "replies %s" % replies)
    check(any(r["kind"] == "probe_summary" for r in recs), "no probe_summary")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@test
def probe_http_tcp_dns_records_validate_failures_included():
    """Runs that succeed (a loopback HTTP server, a TCP listener, the DNS server above) and
    runs that fail (a refused port, a DNS server that never answers)."""
    require_root()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", BASE + 9), Quiet)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    srv = DnsServer()
    try:
        ok = "http://127.0.0.1:%d/" % (BASE + 9)
        recs = tool_records("probe", "http", ok)
        recs += tool_records("probe", "http", "http://127.0.0.1:%d/" % (BASE + 8), rc=1)
        recs += tool_records("probe", "tcp", "127.0.0.1:%d" % (BASE + 9))
        recs += tool_records("probe", "tcp", "127.0.0.1:%d" % (BASE + 8), rc=1)
        recs += tool_records("probe", "dns", "--server", DNS_NET, "www.schema.test")
        recs += tool_records("probe", "dns", "--server", DNS_DEAD, "--timeout", "300ms",
                             "lost.schema.test", rc=1)
        csv_schema_column("probe", "http", ok)
    finally:
        srv.close()
        httpd.shutdown()
        httpd.server_close()
    got = {(r["probe"], r["success"], r["failure"]) for r in recs}
    for want in (("http", True, None), ("http", False, "refused"), ("tcp", True, None),
                 ("tcp", False, "refused"), ("dns", True, None), ("dns", False, "timeout")):
        check(want in got, "no %s run (got %s)" % (want, sorted(got, key=str)))


@test
def every_kind_is_validated_and_wrong_records_are_refused():
    v = validator()
    defined = {n for n, d in v.schema["$defs"].items() if "kind" in d["properties"]}  # not hist
    missing = defined - set(SEEN)
    check(not missing, "kinds in the schema that no test drove: %s" % sorted(missing))
    check(set(SEEN) <= defined, "kinds not in the schema: %s" % (set(SEEN) - defined))

    def refused(r, what):
        check(not v.is_valid(r), "%s: accepted %r" % (what, r))

    for kind, rec in SEEN.items():
        field = [f for f in rec if f not in ("time", "ts_ns", "kind", "source", "schema")][-1]
        r = copy.deepcopy(rec)
        r[field + "_x"] = r.pop(field)
        refused(r, "%s with %s renamed" % (kind, field))
        r = copy.deepcopy(rec)
        del r[field]
        refused(r, "%s without %s" % (kind, field))
        r = copy.deepcopy(rec)
        r["extra"] = 1
        refused(r, "%s with an extra field" % kind)
        r = copy.deepcopy(rec)
        r[field] = {"nested": True}
        refused(r, "%s with %s an object" % (kind, field))
        r = copy.deepcopy(rec)
        r["schema"] = 2
        refused(r, "%s of schema 2" % kind)
        r = copy.deepcopy(rec)
        r["time"] = "%d" % r["ts_ns"]
        refused(r, "%s with a time that is not RFC 3339" % kind)
    r = copy.deepcopy(SEEN["runq"])
    r["latency_ns"] = "12"
    refused(r, "runq latency_ns as a string")
    r["kind"] = "runq2"
    refused(r, "an unknown kind")


if __name__ == "__main__":
    main()
