#!/usr/bin/python3
"""test_grafana.py: docs/grafana-dashboard.json against a real Prometheus scraping vigil.

The test starts `vigil serve` and Debian's Prometheus on loopback (a temporary config that
scrapes vigil every second, a temporary storage directory), drives the workloads the panels
show (a contended CPU, direct writes to a file, loopback TCP connections, DNS queries to a
small responder on 127.0.0.77:53), waits until Prometheus holds samples, then sends every
PromQL expression of the dashboard to Prometheus' HTTP API (/api/v1/query) with Grafana's
variables filled as Grafana would ($job the scrape job, $instance its all-value ".*",
$__rate_interval 30s): each must parse and return data, at least one series with a number.
The dashboard's variables' queries are checked the same way through the metric they list,
and its layout as Grafana needs it (ids, grid, data source variable).
"""
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (OUT, check, main, require_root, skip, start_vigil, test,  # noqa: E402
                     wait_attached)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
DASHBOARD = os.path.join(ROOT, "docs", "grafana-dashboard.json")
LOAD = os.path.join(OUT, "tests", "integration", "runq_load")
DNS_ADDR = ("127.0.0.77", 53)
GRAFANA_VARS = {"job": "vigil", "instance": ".*", "__rate_interval": "30s",
                "__interval": "1s", "datasource": "prometheus"}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def dashboard_exprs(d):
    """[(panel title, expr)] of every target of every panel, nested rows included."""
    out = []
    for p in d.get("panels", []):
        for t in p.get("targets", []):
            if t.get("expr"):
                out.append((p.get("title"), t["expr"]))
        out.extend(dashboard_exprs(p))
    return out


def fill(expr):
    """Grafana's variables ($name, ${name}) replaced by the values Grafana would send."""
    def one(m):
        name = m.group(1) or m.group(2)
        check(name in GRAFANA_VARS, "the dashboard uses an unknown variable $%s" % name)
        return GRAFANA_VARS[name]
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", one, expr)


def query(port, q):
    """Prometheus' answer to q: (status, result). A parse error is a 400 with bad_data."""
    url = "http://127.0.0.1:%d/api/v1/query?%s" % (port, urllib.parse.urlencode({"query": q}))
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            data = json.loads(r.read())
    except urllib.error.HTTPError as e:
        data = json.loads(e.read() or b"{}")
    return data.get("status"), data.get("data", {}).get("result", data.get("error"))


def has_number(result):
    for s in result if isinstance(result, list) else []:
        v = float(s["value"][1])
        if not math.isnan(v):
            return True
    return False


class DnsResponder:
    """Answers every UDP query on DNS_ADDR with NOERROR and no records, from a thread."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(DNS_ADDR)
        self.sock.settimeout(0.2)
        self.stopping = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopping:
            try:
                q, peer = self.sock.recvfrom(512)
            except socket.timeout:
                continue
            if len(q) < 12:
                continue
            # the query's id and question, QR and RD/RA set, rcode 0, no answers
            self.sock.sendto(q[:2] + b"\x81\x80" + q[4:6] + b"\x00\x00\x00\x00\x00\x00" +
                             q[12:], peer)

    def stop(self):
        self.stopping = True
        self.thread.join()
        self.sock.close()


def dns_query(name, qid):
    q = qid.to_bytes(2, "big") + b"\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\x00\x00\x01\x00\x01"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    try:
        s.sendto(q, DNS_ADDR)
        s.recvfrom(512)
    finally:
        s.close()


def workload(tmp, qid):
    """One round of what the panels show: CPU contention, direct writes, TCP, DNS."""
    subprocess.run([LOAD, "--loops", "50"], capture_output=True, timeout=60)
    subprocess.run(["dd", "if=/dev/zero", "of=" + os.path.join(tmp, "io"), "bs=64k",
                    "count=16", "oflag=direct"], capture_output=True, timeout=60)
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(8)
    for _ in range(4):
        c = socket.create_connection(lst.getsockname())
        a, _ = lst.accept()
        c.sendall(b"x" * 20000)
        got = 0
        while got < 20000:
            got += len(a.recv(65536))
        a.sendall(b"ok")
        c.recv(2)
        c.close()
        a.close()
    lst.close()
    for i in range(3):
        dns_query("www.vigil.test", qid + i)


@test
def the_dashboard_is_well_formed():
    """What Grafana needs to import it: unique panel ids, panels on the 24-column grid that do
    not overlap, a Prometheus data source variable every target uses, a unit per panel."""
    with open(DASHBOARD) as f:
        d = json.load(f)
    panels = d["panels"]
    ids = [p["id"] for p in panels]
    check(len(ids) == len(set(ids)), "duplicate panel ids")
    cells = {}
    for p in panels:
        g = p["gridPos"]
        check(g["x"] >= 0 and g["w"] > 0 and g["x"] + g["w"] <= 24, "%s: off the grid" %
              p["title"])
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                check((x, y) not in cells, "%s overlaps %s" % (p["title"], cells.get((x, y))))
                cells[(x, y)] = p["title"]
        if p["type"] == "row":
            continue
        check(p["targets"] and p.get("description"), "%s: no targets or description" %
              p["title"])
        check(p["fieldConfig"]["defaults"].get("unit"), "%s: no unit" % p["title"])
        for t in p["targets"]:
            check(t["datasource"]["uid"] == "${datasource}", "%s: fixed data source" %
                  p["title"])
    names = [v["name"] for v in d["templating"]["list"]]
    check(names[0] == "datasource" and d["templating"]["list"][0]["query"] == "prometheus",
          "no Prometheus data source variable: %s" % names)


@test
def every_dashboard_expression_parses_and_returns_data():
    require_root()
    if not shutil.which("prometheus"):
        skip("prometheus missing (tools/deps.sh installs it)")
    with open(DASHBOARD) as f:
        d = json.load(f)
    exprs = dashboard_exprs(d)
    check(len(exprs) >= 20, "only %d expressions in the dashboard" % len(exprs))
    for v in d["templating"]["list"]:  # label_values(METRIC, label): query the metric
        if v["type"] == "query":
            m = re.match(r"^label_values\((.+),\s*\w+\)$", v["definition"])
            check(m, "variable %s: %r" % (v["name"], v["definition"]))
            exprs.append(("variable " + v["name"], m.group(1)))
    tmp = tempfile.mkdtemp(prefix="vigil-grafana-", dir="/var/tmp")
    vport, pport = free_port(), free_port()
    dns = DnsResponder()
    vigil = start_vigil("serve", "--listen", "127.0.0.1:%d" % vport)
    prom = None
    try:
        wait_attached(vigil)
        cfg = os.path.join(tmp, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    "scrape_configs:\n  - job_name: vigil\n    static_configs:\n"
                    "      - targets: ['127.0.0.1:%d']\n" % vport)
        prom = subprocess.Popen(["prometheus", "--config.file", cfg, "--storage.tsdb.path",
                                 os.path.join(tmp, "data"), "--web.listen-address",
                                 "127.0.0.1:%d" % pport],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline, qid, failing = time.time() + 120, 1, exprs
        while failing and time.time() < deadline:
            workload(tmp, qid)
            qid += 3
            try:
                status, up = query(pport, 'count_over_time(up{job="vigil"}[1m]) >= 3')
            except (OSError, ValueError):
                time.sleep(0.5)
                continue
            if status != "success" or not up:
                continue
            now = []
            for title, e in failing:
                status, result = query(pport, fill(e))
                check(status == "success", "%s: %s does not parse: %s" % (title, e, result))
                if not has_number(result):
                    now.append((title, e))
            failing = now
        check(not failing, "no data from %d expressions: %s" %
              (len(failing), "; ".join("%s: %s" % f for f in failing[:6])))
        vigil.send_signal(signal.SIGTERM)
        vigil.communicate(timeout=30)
        check(vigil.returncode == 0, "vigil serve exited %d" % vigil.returncode)
    finally:
        if vigil.poll() is None:
            vigil.kill()
            vigil.communicate()
        if prom:
            prom.terminate()
            prom.wait(timeout=30)
        dns.stop()
        shutil.rmtree(tmp, ignore_errors=True)


@test
def a_broken_expression_would_be_caught():
    """The checks above can fail: Prometheus refuses what does not parse, and a metric vigil
    does not export returns nothing."""
    require_root()
    if not shutil.which("prometheus"):
        skip("prometheus missing (tools/deps.sh installs it)")
    tmp = tempfile.mkdtemp(prefix="vigil-grafana-", dir="/var/tmp")
    pport = free_port()
    cfg = os.path.join(tmp, "prometheus.yml")
    with open(cfg, "w") as f:
        f.write("global:\n  scrape_interval: 1s\n")
    prom = subprocess.Popen(["prometheus", "--config.file", cfg, "--storage.tsdb.path",
                             os.path.join(tmp, "data"), "--web.listen-address",
                             "127.0.0.1:%d" % pport],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                status, result = query(pport, "sum(rate(vigil_runq_seconds_bucket[30s])")
                break
            except OSError:
                time.sleep(0.2)
        check(status == "error", "an unbalanced expression parsed: %s" % result)
        status, result = query(pport, fill('vigil_runq_seconds_count{job="$job"}'))
        check(status == "success" and not has_number(result), "an old name returned data")
    finally:
        prom.terminate()
        prom.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
