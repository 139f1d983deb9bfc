"""test_rules.py: `vigil serve --rules` alerting, end to end, against a real webhook receiver.

A small tmpfs, mounted in a private mount namespace that vigil serve runs in, is filled by
the test: the disk_used_percent rule must go pending, then firing no sooner than its `for`,
reach a Python http.server receiver as Alertmanager's webhook payload (the fields checked),
be repeated after repeat_interval and not before, be grouped with its sibling rule, show in
`vigil alerts` and /metrics, and resolve when the file is removed. `vigil rules check` must
give FILE:LINE:COLUMN for malformed files, and serve must refuse an unknown metric (exit 2).
"""
import http.server
import json
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
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import VIGIL, check, main, require_root, test, vigil

TMPFS_MIB = 10


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Receiver:
    """A webhook receiver: every POST body (parsed JSON) with the time it arrived."""

    def __init__(self):
        got = self.got = []
        lock = self.lock = threading.Lock()

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with lock:
                    got.append((time.monotonic(), self.headers.get("Content-Type"),
                                json.loads(body)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *a):
                pass

        self.srv = http.server.HTTPServer(("127.0.0.1", 0), H)
        self.url = "http://127.0.0.1:%d/hook" % self.srv.server_address[1]
        self.thread = threading.Thread(target=self.srv.serve_forever, daemon=True)
        self.thread.start()

    def payloads(self):
        with self.lock:
            return list(self.got)

    def wait(self, cond, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            hits = [p for p in self.payloads() if cond(p[2])]
            if hits:
                return hits
            time.sleep(0.05)
        raise AssertionError("no %s in %.0f s; got %s" % (what, timeout, self.payloads()))

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()


class NsServe:
    """vigil serve in a private mount namespace holding a TMPFS_MIB MiB tmpfs at self.mnt."""

    def __init__(self, rules_text, *args):
        self.dir = tempfile.mkdtemp(prefix="vigil-rules-")
        self.mnt = os.path.join(self.dir, "mnt")
        os.mkdir(self.mnt)
        self.rules = os.path.join(self.dir, "rules.yml")
        with open(self.rules, "w") as f:
            f.write(rules_text.replace("MNT", self.mnt))
        self.port = free_port()
        script = 'mount -t tmpfs -o size=%dm vigil-test "$1" && shift && exec "$@"' % TMPFS_MIB
        self.proc = subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", self.mnt,
             VIGIL, "serve", "--listen", "127.0.0.1:%d" % self.port, "--rules", self.rules,
             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                raise AssertionError("serve exited %s: %s" % (self.proc.returncode,
                                                              self.proc.stderr.read()))
            try:
                self.get("/")
                break
            except OSError:
                check(time.monotonic() < deadline, "serve did not answer in 30 s")
                time.sleep(0.1)

    def get(self, path):
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (self.port, path), timeout=5) as r:
            return r.read().decode()

    def alerts(self):
        return json.loads(self.get("/api/v2/alerts"))

    def ns(self, *cmd):
        """Run cmd in serve's mount namespace (where the tmpfs is)."""
        subprocess.run(["nsenter", "--mount=/proc/%d/ns/mnt" % self.proc.pid, *cmd],
                       check=True, capture_output=True)

    def fill(self, mib):
        self.ns("dd", "if=/dev/zero", "of=%s/fill" % self.mnt, "bs=1M", "count=%d" % mib)

    def empty(self):
        self.ns("rm", "-f", "%s/fill" % self.mnt)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        _, err = self.proc.communicate(timeout=30)
        check(self.proc.returncode == 0, "serve exited %d: %s" % (self.proc.returncode, err))
        return err

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


DISK_RULES = """
route:
  group_by: [severity]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 4s
groups:
  - name: disks
    rules:
      - alert: TmpfsHalfFull
        expr: disk_used_percent{mount="MNT"} > 50
        for: 2s
        labels: {severity: page}
        annotations:
          summary: '{{ $labels.mount }} is {{ $value }}% full'
          description: 'on {{ $labels.device }}'
      - alert: TmpfsMostlyFull
        expr: disk_used_percent{mount="MNT"} >= 70%
        for: 2s
        labels: {severity: page}
"""


def firing(names):
    return lambda p: p["status"] == "firing" and \
        sorted(a["labels"]["alertname"] for a in p["alerts"]) == sorted(names)


@test
def disk_rule_fires_groups_repeats_and_resolves_by_webhook():
    require_root()
    rx = Receiver()
    srv = NsServe(DISK_RULES, "--eval-interval", "200ms", "--webhook", rx.url)
    try:
        time.sleep(1)  # a few evaluations of an empty tmpfs
        check(srv.alerts() == [], "alerts on an empty tmpfs: %s" % srv.alerts())
        t_fill = time.monotonic()
        srv.fill(8)  # 80%: both rules
        # pending first: `for` has not held yet
        deadline = time.monotonic() + 10
        states = set()
        while time.monotonic() < deadline and "firing" not in states:
            states = {a["state"] for a in srv.alerts()}
            if "pending" in states:
                break
            time.sleep(0.05)
        check("pending" in states, "never pending: %s" % states)
        hits = rx.wait(firing(["TmpfsHalfFull", "TmpfsMostlyFull"]), 20, "grouped firing")
        t_first, ctype, p = hits[0]
        check(t_first - t_fill >= 2.0, "notified %.2f s after the fill, before for: 2s" %
              (t_first - t_fill))
        check(ctype == "application/json", "content type %r" % ctype)
        # Alertmanager's webhook payload
        check(p["version"] == "4", "version %r" % p["version"])
        check(p["receiver"] == "vigil", "receiver %r" % p["receiver"])
        check(p["groupKey"] == '{}:{severity="page"}', "groupKey %r" % p["groupKey"])
        check(p["groupLabels"] == {"severity": "page"}, "groupLabels %r" % p["groupLabels"])
        check(p["commonLabels"].get("mount") == srv.mnt and
              p["commonLabels"].get("severity") == "page" and
              "alertname" not in p["commonLabels"], "commonLabels %r" % p["commonLabels"])
        check(p["externalURL"] == "http://127.0.0.1:%d" % srv.port, p["externalURL"])
        byname = {a["labels"]["alertname"]: a for a in p["alerts"]}
        half = byname["TmpfsHalfFull"]
        check(half["status"] == "firing", half)
        check(half["labels"]["fstype"] == "tmpfs" and half["labels"]["device"] == "vigil-test",
              half["labels"])
        m = re.fullmatch(re.escape(srv.mnt) + r" is ([0-9.]+)% full", half["annotations"]["summary"])
        check(m and 75 <= float(m.group(1)) <= 85, half["annotations"])
        check(half["annotations"]["description"] == "on vigil-test", half["annotations"])
        check(half["endsAt"] == "0001-01-01T00:00:00Z", half["endsAt"])
        check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", half["startsAt"]),
              half["startsAt"])
        check(re.fullmatch(r"[0-9a-f]{16}", half["fingerprint"]), half["fingerprint"])
        check(half["fingerprint"] != byname["TmpfsMostlyFull"]["fingerprint"], "same fingerprint")

        # vigil alerts and /metrics show it
        out = vigil("alerts", "--url", "http://127.0.0.1:%d" % srv.port).stdout
        check(re.search(r"^TmpfsHalfFull +firing ", out, re.M), out)
        rows = json.loads(vigil("alerts", "--url", "http://127.0.0.1:%d" % srv.port,
                                "-f", "json").stdout)
        check({(r["alertname"], r["state"]) for r in rows} >=
              {("TmpfsHalfFull", "firing"), ("TmpfsMostlyFull", "firing")}, rows)
        metrics = srv.get("/metrics")
        check('vigil_alerts{alertname="TmpfsHalfFull",state="firing"} 1' in metrics,
              "no firing vigil_alerts series")
        check(re.search(r'^vigil_notifications_total\{kind="webhook"\} [1-9]', metrics, re.M),
              "no webhook notification counted")
        check('vigil_notifications_failed_total{kind="webhook"} 0' in metrics, "failures")

        # unchanged: repeated after repeat_interval (4s), not at every group_interval (1s)
        hits = rx.wait(lambda q: firing(["TmpfsHalfFull", "TmpfsMostlyFull"])(q) and
                       len([x for x in rx.payloads() if x[2]["status"] == "firing"]) >= 2,
                       20, "a repeated notification")
        times = [t for t, _, q in rx.payloads() if q["status"] == "firing"]
        gap = times[1] - times[0]
        check(3.5 <= gap <= 8, "repeated after %.2f s, repeat_interval is 4s" % gap)

        # 60%: TmpfsMostlyFull resolves while TmpfsHalfFull still fires, in the same group
        srv.ns("truncate", "-s", "6M", "%s/fill" % srv.mnt)  # at once: no empty tmpfs between
        mixed = rx.wait(lambda q: q["status"] == "firing" and
                        {a["labels"]["alertname"]: a["status"] for a in q["alerts"]} ==
                        {"TmpfsHalfFull": "firing", "TmpfsMostlyFull": "resolved"}, 20,
                        "a group with one alert resolved")[0][2]
        res = [a for a in mixed["alerts"] if a["status"] == "resolved"][0]
        check(res["endsAt"] != "0001-01-01T00:00:00Z", res)

        # the workload stops: everything resolves, said once
        srv.empty()
        hits = rx.wait(lambda q: q["status"] == "resolved", 20, "resolved")
        last = hits[0][2]
        check(all(a["status"] == "resolved" for a in last["alerts"]), last)
        n = len(rx.payloads())
        time.sleep(3)
        check(len(rx.payloads()) == n, "notifications after everything resolved: %s" %
              rx.payloads()[n:])
        check(all(a["state"] == "resolved" for a in srv.alerts()), srv.alerts())
        srv.stop()
    finally:
        srv.close()
        rx.close()


@test
def absent_process_fires_and_resolves_when_it_starts():
    require_root()
    rx = Receiver()
    name = "vigil-absent-%d" % os.getpid()
    rules = """
route: {group_wait: 0s, group_interval: 500ms, repeat_interval: 1h}
groups:
  - name: procs
    rules:
      - alert: ProcessGone
        expr: absent(process{name="%s"})
        annotations: {summary: '{{ $labels.name }} is not running'}
""" % name[:15]
    srv = NsServe(rules, "--eval-interval", "200ms", "--webhook", rx.url)
    sleeper = None
    try:
        p = rx.wait(lambda q: q["status"] == "firing", 20, "ProcessGone firing")[0][2]
        check(p["alerts"][0]["labels"] == {"alertname": "ProcessGone", "name": name[:15]},
              p["alerts"][0]["labels"])
        check(p["alerts"][0]["annotations"]["summary"] == name[:15] + " is not running",
              p["alerts"][0]["annotations"])
        # a process of that name appears: resolved
        exe = os.path.join(srv.dir, name[:15])  # comm: the executable's name
        shutil.copy("/bin/sleep", exe)
        sleeper = subprocess.Popen([exe, "60"])
        rx.wait(lambda q: q["status"] == "resolved", 20, "ProcessGone resolved")
        srv.stop()
    finally:
        if sleeper:
            sleeper.kill()
            sleeper.wait()
        srv.close()
        rx.close()


@test
def probe_rule_fires_when_the_port_closes():
    require_root()
    rx = Receiver()
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(64)
    target = "127.0.0.1:%d" % lsock.getsockname()[1]
    rules = """
route: {group_wait: 0s, group_interval: 500ms, repeat_interval: 1h}
groups:
  - name: probes
    rules:
      - alert: PortDown
        expr: probe_success{module="tcp_connect", target="%s"} == 0
        annotations: {summary: '{{ $labels.target }} refuses connections'}
""" % target
    pm = tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False)
    pm.write("modules:\n  tcp_connect:\n    prober: tcp\n    timeout: 2s\n")
    pm.close()
    srv = NsServe(rules, "--eval-interval", "200ms", "--webhook", rx.url,
                  "--probe.config", pm.name)
    try:
        # listening: probes succeed, so nothing fires
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            check(srv.alerts() == [], "an alert while the port listens: %s" % srv.alerts())
            time.sleep(0.2)
        lsock.close()
        p = rx.wait(lambda q: q["status"] == "firing", 20, "PortDown firing")[0][2]
        a = p["alerts"][0]
        check(a["labels"] == {"alertname": "PortDown", "module": "tcp_connect",
                              "target": target}, a["labels"])
        check(a["annotations"]["summary"] == target + " refuses connections", a["annotations"])
        srv.stop()
        # a module serve does not have is refused at start
        p = vigil("serve", "--listen", "127.0.0.1:%d" % free_port(), "--rules", srv.rules,
                  "--duration", "5", check=False, timeout=30)
        check(p.returncode == 2 and "probe module 'tcp_connect' is not in --probe.config"
              in p.stderr, p.stderr)
    finally:
        lsock.close()
        srv.close()
        rx.close()
        os.unlink(pm.name)


LOAD = os.path.join(os.path.dirname(VIGIL), "tests", "integration", "runq_load")


@test
def runq_rule_fires_under_a_pinned_cpu_hog():
    require_root()
    check(os.path.exists(LOAD), "build %s first (make)" % LOAD)
    rx = Receiver()
    rules = """
route: {group_wait: 0s, group_interval: 500ms, repeat_interval: 1h}
groups:
  - name: sched
    rules:
      - alert: RunQueueLatency
        expr: runq_p99 > 2ms
        for: 1s
        annotations: {summary: 'run-queue p99 is {{ $value }}s'}
"""
    srv = NsServe(rules, "--eval-interval", "500ms", "--webhook", rx.url)
    load = None
    try:
        # two spinners pinned beside a sleeper on CPU 0: its wakeups wait for a time slice
        load = subprocess.Popen([LOAD, "--cpu", "0", "--busy", "2", "--loops", "20000",
                                 "--sleep-us", "1000"], stdout=subprocess.DEVNULL)
        p = rx.wait(lambda q: q["status"] == "firing", 30, "RunQueueLatency firing")[0][2]
        a = p["alerts"][0]
        m = re.fullmatch(r"run-queue p99 is ([0-9.e-]+)s", a["annotations"]["summary"])
        check(m and float(m.group(1)) > 0.002, a["annotations"])
        firing = [x for x in srv.alerts() if x["state"] == "firing"]
        check(firing and firing[0]["value"] > 0.002, srv.alerts())
        srv.stop()
    finally:
        if load:
            load.kill()
            load.wait()
        srv.close()
        rx.close()


@test
def rules_check_gives_file_line_column():
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        f.write("groups:\n"
                "  - name: g\n"
                "    rules:\n"
                "      - alert: A\n"
                "        expr: runq_p99 > 10 parsecs\n"
                "      - alert: B\n"
                "        expr: disk_used_percent{mountpoint=\"/\"} > 90\n"
                "        for: soon\n")
        bad = f.name
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        f.write(DISK_RULES.replace("MNT", "/"))
        good = f.name
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        f.write("groups:\n  - name: g\n    rules: [\n")
        broken = f.name
    try:
        p = vigil("rules", "check", good, check=False)
        check(p.returncode == 0 and "SUCCESS: 2 rules found" in p.stdout, p.stdout + p.stderr)
        p = vigil("rules", "check", good, bad, check=False)
        check(p.returncode == 1, "exit %d" % p.returncode)
        check("%s:5:29: expr: unexpected 'p'" % bad in p.stderr, p.stderr)
        check("%s:7:33: expr: disk_used_percent has no label 'mountpoint'" % bad in p.stderr,
              p.stderr)
        check("%s:8:14: for: bad duration 'soon'" % bad in p.stderr, p.stderr)
        p = vigil("rules", "check", broken, check=False)
        check(p.returncode == 1 and re.search(re.escape(broken) + r":4:1: ", p.stderr), p.stderr)
        p = vigil("rules", check=False)
        check(p.returncode == 2 and "check" in p.stderr, p.stderr)
    finally:
        for x in (bad, good, broken):
            os.unlink(x)


@test
def serve_refuses_an_unknown_metric_and_lone_flags():
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        f.write("groups:\n  - name: g\n    rules:\n      - alert: A\n"
                "        expr: runq_p999 > 1ms\n")
        path = f.name
    try:
        p = vigil("serve", "--listen", "127.0.0.1:%d" % free_port(), "--rules", path,
                  "--duration", "5", check=False, timeout=30)
        check(p.returncode == 2, "exit %d: %s" % (p.returncode, p.stderr))
        check("%s:5:15: expr: unknown metric 'runq_p999'" % path in p.stderr, p.stderr)
        p = vigil("serve", "--webhook", "http://127.0.0.1:1/", "--duration", "1", check=False)
        check(p.returncode == 2 and "--webhook needs --rules" in p.stderr, p.stderr)
        p = vigil("serve", "--rules", path, "--eval-interval", "10ms", check=False)
        check(p.returncode == 2 and "--eval-interval" in p.stderr, p.stderr)
        p = vigil("alerts", "--url", "http://127.0.0.1:%d" % free_port(), check=False)
        check(p.returncode == 1 and "Couldn't connect" in p.stderr, p.stderr)
    finally:
        os.unlink(path)


if __name__ == "__main__":
    main()
