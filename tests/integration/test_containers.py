"""test_containers.py: the names vigil derives from cgroups, against cgroups this test makes.

Under the machine's cgroup v2 hierarchy (its own parent directory, removed at the end) the
test makes cgroups named as systemd, docker (systemd and cgroupfs drivers), containerd and
CRI-O under Kubernetes, and podman (with its conmon) name theirs, moves a sleeping and waking
workload into each, and checks what `ps` and `top` (as root, and as nobody: from /proc) and
`hist runq --per cgroup` show for them: the path, the systemd unit and runtime:shortid.
A scope is made as a plain cgroup of the name systemd gives it: systemd-run --scope needs
systemd as PID 1, which the machines this runs on do not have.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import (VIGIL, cgroup2_root, check, main, records, require_root, rmdir_cgroup,
                     start_vigil, test, unprivileged_vigil, vigil, wait_attached)

WORKLOAD = "import time\nwhile True:\n    time.sleep(0.002)\n"


def hexid():
    return os.urandom(32).hex()


class Cgroups:
    """The test's cgroups: each (relative path, unit, container) with one workload in it."""

    def __init__(self):
        self.root = cgroup2_root()
        self.base = "/vigil-ct-%d" % os.getpid()
        d, p, u = hexid(), hexid(), "1f2e3d4c-5b6a-7980-a1b2-%012x" % os.getpid()
        self.want = [
            ("/system.slice/vigil-ct.service", "vigil-ct.service", None),
            ("/system.slice/docker-%s.scope" % d, "docker-%s.scope" % d, "docker:" + d[:12]),
            ("/docker/%s" % p, None, "docker:" + p[:12]),
            ("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod%s.slice/"
             "cri-containerd-%s.scope" % (u.replace("-", "_"), d),
             "cri-containerd-%s.scope" % d, "containerd:" + d[:12]),
            ("/kubepods/burstable/pod%s/%s" % (u, p), None, "cri:" + p[:12]),
            ("/machine.slice/libpod-%s.scope" % p, "libpod-%s.scope" % p, "podman:" + p[:12]),
            ("/machine.slice/libpod-conmon-%s.scope" % d, "libpod-conmon-%s.scope" % d,
             "conmon:" + d[:12]),
        ]
        self.procs = {}  # relative path -> Popen

    def start(self):
        for rel, _, _ in self.want:
            path = self.root + self.base + rel
            os.makedirs(path)
            p = subprocess.Popen(["/usr/bin/python3", "-c", WORKLOAD])
            with open(os.path.join(path, "cgroup.procs"), "w") as f:
                f.write(str(p.pid))
            self.procs[self.base + rel] = p
        return self

    def ids(self):
        return {os.stat(self.root + rel).st_ino: rel for rel in self.procs}

    def stop(self):
        for p in self.procs.values():
            p.kill()
            p.wait()
        dirs = set()
        for rel in self.procs:
            while rel != "/" and rel:
                dirs.add(rel)
                rel = os.path.dirname(rel)
        for rel in sorted(dirs, key=lambda d: d.count("/"), reverse=True):
            rmdir_cgroup(self.root + rel)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def expected(cg):
    return {cg.procs[cg.base + rel].pid: (cg.base + rel, unit, ctr) for rel, unit, ctr in cg.want}


def check_ps_rows(rows, cg, who):
    by_pid = {r["pid"]: r for r in rows}
    for pid, (path, unit, ctr) in expected(cg).items():
        r = by_pid.get(pid)
        check(r is not None, "%s: pid %d missing" % (who, pid))
        got = (r["cgroup"], r["unit"], r["container"])
        check(got == (path, unit, ctr), "%s: pid %d: %r, want %r" % (who, pid, got,
                                                                     (path, unit, ctr)))


@test
def ps_shows_cgroup_unit_and_container():
    require_root()
    with Cgroups() as cg:
        out = vigil("ps", "-C", "pid,cgroup,unit,container", "-f", "json").stdout
        check_ps_rows(json.loads(out), cg, "ps json")
        # the same as CSV columns, and selectable by --filter
        csv_out = vigil("ps", "-C", "pid,container", "-f", "csv", "--filter",
                        "container=docker:*").stdout.splitlines()
        pids = {int(l.split(",")[0]) for l in csv_out[1:]}
        want = {pid for pid, (_, _, c) in expected(cg).items() if c and c.startswith("docker:")}
        check(csv_out[0] == "pid,container" and want <= pids,
              "ps --filter container=docker:*: %r, want pids %r" % (csv_out, want))
        table = vigil("ps", "-C", "pid,container,unit", "-f", "table").stdout
        pid, (_, unit, ctr) = next(x for x in expected(cg).items() if x[1][2] and x[1][1])
        line = [l for l in table.splitlines() if l.split()[:1] == [str(pid)]]
        check(line and line[0].split()[1:] == [ctr, unit], "ps table row: %r" % line)


@test
def ps_as_nobody_reads_the_same_names():
    require_root()  # to make the cgroups; vigil itself runs as nobody
    with Cgroups() as cg:
        tmp, exe = unprivileged_vigil()
        try:
            p = subprocess.run([exe, "ps", "--backend", "fallback", "-C",
                                "pid,cgroup,unit,container", "-f", "json"],
                               capture_output=True, text=True, timeout=60, preexec_fn=as_nobody)
            check(p.returncode == 0, "ps as nobody: %s" % p.stderr)
            check_ps_rows(json.loads(p.stdout), cg, "ps as nobody")
        finally:
            shutil.rmtree(tmp)


def top_rows(exe, preexec_fn=None):
    p = subprocess.run([exe, "top", "-1", "-i", "300ms", "-F", "python3", "-C",
                        "cgroup,container,unit", "-f", "json"], capture_output=True, text=True,
                       timeout=60, preexec_fn=preexec_fn)
    check(p.returncode == 0, "top: %s" % p.stderr)
    return [r for frame in records(p.stdout) for r in frame["rows"]]


def as_nobody():
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)


@test
def top_columns_show_cgroup_unit_and_container():
    require_root()
    with Cgroups() as cg:
        check_ps_rows(top_rows(VIGIL), cg, "top json")
        p = subprocess.run([VIGIL, "top", "-1", "-i", "300ms", "-F", "python3", "-C",
                            "container,unit"], capture_output=True, text=True, timeout=60)
        check(p.returncode == 0, "top table: %s" % p.stderr)
        for pid, (_, unit, ctr) in expected(cg).items():
            line = [l.split() for l in p.stdout.splitlines() if l.split()[:1] == [str(pid)]]
            # a cell holds at most 64 characters, as PEER's: a docker scope's unit is cut
            check(line and line[0][-2] == (ctr or "-") and (unit or "-")[:64] == line[0][-1],
                  "top table row of %d: %r" % (pid, line))
        tmp, exe = unprivileged_vigil()
        try:
            check_ps_rows(top_rows(exe, as_nobody), cg, "top as nobody")
        finally:
            shutil.rmtree(tmp)


@test
def hist_per_cgroup_is_labelled_by_path():
    require_root()
    with Cgroups() as cg:
        ids = cg.ids()
        h = start_vigil("hist", "runq", "--per", "cgroup", "-f", "json")
        t = start_vigil("hist", "runq", "--per", "cgroup", "-f", "table")
        wait_attached(h)
        wait_attached(t)
        deadline = time.monotonic() + 1.0  # the workloads wake 500 times a second
        while time.monotonic() < deadline:
            time.sleep(0.1)
        for p in (h, t):
            p.send_signal(signal.SIGINT)
        out, err = h.communicate(timeout=60)
        check(h.returncode == 0, "hist json: %s" % err)
        text, err = t.communicate(timeout=60)
        check(t.returncode == 0, "hist table: %s" % err)
        hists = {x["key"]: x for x in json.loads(out)}
        want = {rel: (unit, ctr) for rel, unit, ctr in
                [(cg.base + r, u, c) for r, u, c in cg.want]}
        for cid, rel in ids.items():
            x = hists.get(cid)
            check(x is not None and x["count"] > 0, "no histogram for %s" % rel)
            got = (x["cgroup"], x["systemd_unit"], x["container"])
            check(got == (rel,) + want[rel], "hist %s: %r" % (rel, got))
            check("comm" not in x, "a resolved cgroup still carries a comm: %r" % x)
            unit, ctr = want[rel]
            line = "cgroup = %s%s" % (rel, " [%s]" % ctr if ctr else "")
            check(line in text.splitlines(), "table has no line %r" % line)


CLIENT = """
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"x" * 1000)
time.sleep(float(sys.argv[2]))
s.close()
time.sleep(float(sys.argv[2]))
"""


def client_in(cg_dir, port, hold):
    """A python3 that joins cgroup cg_dir before it execs, connects to port, holds the
    connection `hold` seconds, closes it and lives `hold` seconds more."""
    def join():
        with open(os.path.join(cg_dir, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))
    return subprocess.Popen(["/usr/bin/python3", "-c", CLIENT, str(port), str(hold)],
                            preexec_fn=join)


def traced_clients(cg, *vigil_args, hold=0.2):
    """Under `vigil trace ARGS --with-cgroup -f ndjson`, one loopback client in each of the
    test's cgroups; returns ({client pid: (path, unit, container)}, records, stderr)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    v = start_vigil("trace", *vigil_args, "--with-cgroup", "-f", "ndjson")
    wait_attached(v)
    want, conns = {}, []
    for rel, unit, ctr in cg.want:
        c = client_in(cg.root + cg.base + rel, srv.getsockname()[1], hold)
        conns.append(srv.accept()[0])
        want[c.pid] = (cg.base + rel, unit, ctr)
        c.wait(timeout=30)
    time.sleep(0.5)
    v.send_signal(signal.SIGINT)
    out, err = v.communicate(timeout=60)
    for c in conns:
        c.close()
    srv.close()
    check(v.returncode == 0, "trace: %s" % err)
    return want, records(out), err


def cgroup_of(r):
    return (r["cgroup"], r["unit"], r["container"])


@test
def trace_with_cgroup_names_sched_and_tcp_records():
    require_root()
    with Cgroups() as cg:
        want, recs, err = traced_clients(cg, "sched", "tcp")
        for pid, names in want.items():
            mine = {r["kind"]: r for r in recs if r.get("pid") == pid}
            for kind in ("exec", "exit", "runq", "tcp_connect", "tcp_close"):
                check(kind in mine, "no %s record of client %d: %s" % (kind, pid, sorted(mine)))
                check(cgroup_of(mine[kind]) == names, "%s of %d: %r, want %r" %
                      (kind, pid, cgroup_of(mine[kind]), names))
        # the test's workloads too, from their runq and oncpu records
        for pid, names in expected(cg).items():
            mine = [r for r in recs if r.get("pid") == pid and r["kind"] in ("runq", "oncpu")]
            check(mine and all(cgroup_of(r) == names for r in mine),
                  "workload %d: %r" % (pid, {cgroup_of(r) for r in mine}))
        check(re.search(r"--with-cgroup: \d+ records named", err), "no summary: %s" % err)
        # without the flag the fields are there, and null
        p = vigil("trace", "sched", "-d", "0.5", "-f", "ndjson")
        rows = records(p.stdout)
        check(rows and all(cgroup_of(r) == (None, None, None) for r in rows
                           if r["kind"] != "drops"), "cgroup fields without --with-cgroup")


@test
def trace_with_cgroup_on_the_fallback_reads_proc():
    require_root()
    with Cgroups() as cg:
        want, recs, err = traced_clients(cg, "tcp", "--backend", "fallback",
                                         "--poll-interval", "100ms", hold=0.6)
        for pid, names in want.items():
            mine = [r for r in recs if r.get("pid") == pid and r["kind"].startswith("tcp_")]
            check(mine, "no tcp record of client %d" % pid)
            for r in mine:
                check(r["source"] == "sock_diag" and cgroup_of(r) == names,
                      "%s of %d: %r, want %r" % (r["kind"], pid, cgroup_of(r), names))


def serve_counts(*args, want=(), timeout=30):
    """Scrape a vigil serve started with args until every container in want has run-queue
    and time-slice observations (or timeout); return {(metric, container): count}."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    p = subprocess.Popen([VIGIL, "serve", "--listen", "127.0.0.1:%d" % port, *args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pat = re.compile(r'^(vigil_(?:runq_latency|oncpu_slice)_seconds)_count(?:\{(.*)\})? (\d+)$')
    counts = {}
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            check(p.poll() is None, "vigil serve exited: %s" % (p.stderr.read() if
                                                               p.poll() is not None else ""))
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port,
                                            timeout=5) as r:
                    body = r.read().decode()
            except OSError:
                time.sleep(0.1)
                continue
            counts = {}
            for line in body.splitlines():
                m = pat.match(line)
                if m:
                    lbl = re.findall(r'(\w+)="([^"]*)"', m.group(2) or "")
                    counts[(m.group(1), dict(lbl).get("container"))] = int(m.group(3))
                    check(set(k for k, _ in lbl) <= {"container"}, "labels %r" % lbl)
            if all(counts.get((f, c), 0) > 0 for c in want for f in
                   ("vigil_runq_latency_seconds", "vigil_oncpu_slice_seconds")):
                break
            time.sleep(0.2)
    finally:
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=30)
    check(p.returncode == 0, "vigil serve exited %d: %s" % (p.returncode, err))
    return counts


@test
def serve_container_label_is_opt_in():
    require_root()
    with Cgroups() as cg:
        want = sorted({c for _, _, c in cg.want if c})
        counts = serve_counts("--container-label", want=want)
        for c in want:
            for f in ("vigil_runq_latency_seconds", "vigil_oncpu_slice_seconds"):
                check(counts.get((f, c), 0) > 0, "no %s{container=%r}: %r" % (f, c, counts))
        check(counts.get(("vigil_runq_latency_seconds", None), 0) > 0,
              "no series for the tasks outside containers: %r" % counts)
        plain = serve_counts(timeout=3)
        check(plain and all(c is None for _, c in plain),
              "container labels without --container-label: %r" % plain)


if __name__ == "__main__":
    main()
