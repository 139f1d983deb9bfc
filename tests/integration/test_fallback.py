"""test_fallback.py: automatic fallback per subsystem, against the BPF tracers.

The same workload is traced three ways at once: with --backend bpf, with --backend fallback,
and by an unprivileged vigil (uid 65534, every capability dropped with setpriv) that must
pick the fallback on its own. The fallback numbers must agree with the BPF ones within the
stated bounds: a thread's run-queue wait total (schedstat's run_delay against the sum of its
runq latency_ns) within 20%; per-disk I/O counts and bytes exactly. Every polled record says
where it came from, and doctor says what auto picks.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (OUT, check, main, records, require_root, skip, start_vigil, test,
                     unprivileged_vigil,
                     vigil, wait_attached)

LOAD = os.path.join(OUT, "tests", "integration", "runq_load")
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
          "--bounding-set=-all"]


def start_as_nobody(exe, *args):
    return subprocess.Popen(NOBODY + [exe, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(proc):
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    check(proc.returncode == 0, "vigil exited %d: %s" % (proc.returncode, err))
    return records(out), err


def subsystems():
    doc = json.loads(vigil("doctor", "--format", "json").stdout)
    return {s["name"]: s for s in doc["subsystems"]}


@test
def runq_wait_agrees_between_bpf_fallback_and_unprivileged():
    require_root()
    tmp, exe = unprivileged_vigil()
    try:
        common = ["--comm", "runq_load", "--format", "ndjson"]
        bpf = start_vigil("trace", "sched", "--backend", "bpf", "--events", "runq", *common)
        fb = start_vigil("trace", "sched", "--backend", "fallback", "--poll-interval", "500ms",
                         *common)
        nobody = start_as_nobody(exe, "trace", "sched", *common)
        wait_attached(bpf, 1.5)
        load = subprocess.Popen([LOAD, "--cpu", "0", "--busy", "2", "--loops", "400",
                                 "--sleep-us", "1000", "--linger-ms", "3000"],
                                stdout=subprocess.PIPE, text=True)
        info = json.loads(load.stdout.readline())  # the work is done; it lingers
        time.sleep(0.3)
        got = {name: finish(p) for name, p in (("bpf", bpf), ("fallback", fb),
                                                 ("nobody", nobody))}
        load.wait(timeout=30)
    finally:
        shutil.rmtree(tmp)
    tid = info["tid"]
    runq = [r for r in got["bpf"][0] if r["kind"] == "runq" and r["tid"] == tid]
    bpf_wait = sum(r["latency_ns"] for r in runq)
    check(len(runq) >= info["loops"], "bpf saw %d waits for %d wakeups" % (len(runq),
                                                                       info["loops"]))
    for name in ("fallback", "nobody"):
        recs = got[name][0]
        mine = [r for r in recs if r["kind"] == "sample" and r["tid"] == tid]
        check(mine, "%s: no samples for tid %d" % (name, tid))
        check(all(r["source"] == "procfs" and r["subsystem"] == "sched" for r in recs
                  if r["kind"] == "sample"), "%s: source/subsystem" % name)
        check(not [r for r in recs if r["kind"] == "runq"], "%s: runq records" % name)
        fb_wait = sum(r["run_delay_ns"] for r in mine)
        print("     %s: run_delay %d ns vs BPF %d ns over %d waits (%+.1f%%)" %
              (name, fb_wait, bpf_wait, len(runq), 100.0 * (fb_wait - bpf_wait) / bpf_wait))
        check(abs(fb_wait - bpf_wait) <= 0.2 * bpf_wait,
              "%s: run_delay %d ns vs BPF runq total %d ns (%d waits): off by %.1f%%" %
              (name, fb_wait, bpf_wait, len(runq), 100.0 * (fb_wait - bpf_wait) / bpf_wait))
        slices = sum(r["timeslices"] for r in mine)
        check(slices >= info["loops"], "%s: %d timeslices for %d wakeups" %
              (name, slices, info["loops"]))
        check(all(r["interval_ns"] > 0 for r in mine), "%s: interval_ns" % name)


@test
def unprivileged_auto_picks_the_fallback_and_doctor_says_so():
    require_root()
    tmp, exe = unprivileged_vigil()
    try:
        p = subprocess.run(NOBODY + [exe, "doctor", "--format", "json"], capture_output=True,
                           text=True, timeout=60)
        check(p.returncode == 0, p.stderr)
        doc = json.loads(p.stdout)
        for s in doc["subsystems"]:
            check(not s["bpf"], "%s: bpf without privilege?" % s["name"])
        sched = [s for s in doc["subsystems"] if s["name"] == "sched"][0]
        check(sched["source"] == "procfs", sched)
        p = subprocess.run(NOBODY + [exe, "doctor"], capture_output=True, text=True,
                           timeout=60)
        check("sched      procfs" in p.stdout, p.stdout)
        p = subprocess.run(NOBODY + [exe, "trace", "sched", "-d", "1.2", "-f", "ndjson"],
                           capture_output=True, text=True, timeout=60)
        check(p.returncode == 0, "exit %d: %s" % (p.returncode, p.stderr))
        recs = records(p.stdout)
        check(recs and all(r["source"] == "procfs" for r in recs), "sources")
        p = subprocess.run(NOBODY + [exe, "trace", "sched", "--backend", "bpf", "-d", "1"],
                           capture_output=True, text=True, timeout=60)
        check(p.returncode == 1 and "CAP_BPF" in p.stderr, "forced bpf: %d %s" %
              (p.returncode, p.stderr))
    finally:
        shutil.rmtree(tmp)


@test
def main_job_summarises_the_fallback_without_privilege():
    require_root()
    tmp, exe = unprivileged_vigil()
    try:
        load = subprocess.Popen([LOAD, "--cpu", "0", "--busy", "2", "--loops", "2000"],
                                stdout=subprocess.PIPE, text=True)
        p = subprocess.run(NOBODY + [exe, "--duration", "2", "--format", "json"],
                           capture_output=True, text=True, timeout=60)
        load.kill()
        load.wait()
    finally:
        shutil.rmtree(tmp)
    check(p.returncode == 0, "exit %d: %s" % (p.returncode, p.stderr))
    doc = json.loads(p.stdout)
    sched = [s for s in doc["subsystems"] if s["name"] == "sched"][0]
    check(sched["source"] == "procfs" and "CAP_BPF" in sched["reason"], sched)
    top = doc["fallback"]["top_schedstat"]
    check(any(t["pid"] == load.pid and t["run_delay_ns"] > 0 for t in top),
          "the contended load is not among the longest waiters: %r" % top[:3])
    check(doc["records"].get("sample", 0) > 0, doc["records"])


@test
def no_btf_falls_back_under_auto_and_fails_under_bpf():
    require_root()
    env = dict(os.environ, VIGIL_BTF="/nonexistent/vmlinux")
    p = vigil("trace", "sched", "-d", "1.2", "-f", "ndjson", env=env)
    check(all(r["source"] == "procfs" for r in records(p.stdout)), "auto without BTF")
    p = vigil("trace", "sched", "--backend", "bpf", "-d", "1", env=env, check=False)
    check(p.returncode == 1 and "no BTF" in p.stderr, p.stderr)
    doc = json.loads(vigil("doctor", "--format", "json", env=env).stdout)
    sched = [s for s in doc["subsystems"] if s["name"] == "sched"][0]
    check(sched["source"] == "procfs" and "no BTF" in sched["reason"], sched)


@test
def hist_refuses_the_fallback_and_says_why():
    p = vigil("hist", "runq", "--backend", "fallback", "-d", "1", check=False)
    check(p.returncode == 1 and "only has totals" in p.stderr, p.stderr)
    p = vigil("hist", "runq", "--backend", "sometimes", check=False)
    check(p.returncode == 2 and "--backend" in p.stderr, p.stderr)
    p = vigil("trace", "--poll-interval", "1ms", check=False)
    check(p.returncode == 2 and "--poll-interval" in p.stderr, p.stderr)


@test
def long_fallback_traces_are_whole_after_sigterm():
    tmp = tempfile.mkdtemp()
    try:
        gz = os.path.join(tmp, "t.ndjson.gz")
        cs = os.path.join(tmp, "t.csv.gz")
        a = start_vigil("trace", "sched", "--backend", "fallback", "--poll-interval", "100ms",
                        "-o", gz)
        b = start_vigil("trace", "sched", "--backend", "fallback", "--poll-interval", "100ms",
                        "-f", "csv", "-o", cs)
        time.sleep(3)
        for p in (a, b):
            p.send_signal(signal.SIGTERM)
            p.communicate(timeout=60)
            check(p.returncode == 0, "exit %d" % p.returncode)
        import csv
        import gzip
        with gzip.open(gz, "rt") as f:
            text = f.read()
        recs = records(text)
        check(text.endswith("\n") and len(recs) > 20, "%d records" % len(recs))
        with gzip.open(cs, "rt", newline="") as f:
            rows = list(csv.reader(f))
        check(rows[0][:4] == ["time", "ts_ns", "kind", "source"], rows[0])
        check(all(len(r) == len(rows[0]) for r in rows), "ragged CSV")
        check(len(rows) > 20, "%d rows" % len(rows))
    finally:
        shutil.rmtree(tmp)


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def hold_connections(port, n, c2s, s2c, hold):
    """n loopback connections to port; c2s then s2c bytes each; kept open hold seconds after
    the last byte (so a poll sees the final counters), then closed."""
    import socket
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
        c.sendall(b"c" * c2s)
        got = 0
        while got < c2s:
            got += len(a.recv(65536))
        a.sendall(b"s" * s2c)
        got = 0
        while got < s2c:
            got += len(c.recv(65536))
    time.sleep(hold)
    sports = sorted(c.getsockname()[1] for c, _ in pairs)
    for c, a in pairs:
        c.close()
        a.close()
    lst.close()
    return sports


@test
def tcp_connections_and_bytes_agree_between_bpf_fallback_and_unprivileged():
    require_root()
    if "tcp" not in subsystems():
        skip("the tcp tracer is not in this build yet")
    port, n, c2s, s2c = free_port(), 8, 30000, 70000
    tmp, exe = unprivileged_vigil()
    try:
        flt = ["--port", str(port), "--format", "ndjson"]
        bpf = start_vigil("trace", "tcp", "--backend", "bpf", *flt)
        fb = start_vigil("trace", "tcp", "--backend", "fallback", "--poll-interval", "200ms",
                         *flt)
        nobody = start_as_nobody(exe, "trace", "tcp", "--poll-interval", "200ms", *flt)
        wait_attached(bpf, 1.5)
        sports = hold_connections(port, n, c2s, s2c, 1.0)
        time.sleep(1.0)
        got = {k: finish(p) for k, p in (("bpf", bpf), ("fallback", fb), ("nobody", nobody))}
    finally:
        shutil.rmtree(tmp)

    def by_kind(recs, kind):
        return [r for r in recs if r["kind"] == kind]

    def closes(recs):
        return dict(((r["sport"], r["dport"], r["direction"]), r)
                    for r in by_kind(recs, "tcp_close"))
    ref = closes(got["bpf"][0])
    check(len(by_kind(got["bpf"][0], "tcp_connect")) == n, "bpf connects")
    check(len(ref) == 2 * n, "bpf: %d closes for %d connections" % (len(ref), n))
    for k in ("fallback", "nobody"):
        recs = got[k][0]
        check(all(r["source"] == "sock_diag" for r in recs), "%s: source" % k)
        connects = by_kind(recs, "tcp_connect")
        check(sorted(r["sport"] for r in connects) == sports, "%s: connects %r vs %r" %
              (k, sorted(r["sport"] for r in connects), sports))
        check(len(by_kind(recs, "tcp_accept")) == n, "%s: accepts" % k)
        mine = closes(recs)
        check(sorted(mine) == sorted(ref), "%s: closes differ from bpf's" % k)
        for key, r in mine.items():
            b = ref[key]
            check(r["partial"] == 0 and r["connect_latency_ns"] is None, "%s: partial" % k)
            # Payload bytes, exactly, on both paths: the kernel's counters also count the
            # SYN and FIN sequence numbers, which BPF and the sock_diag path both take off.
            sent, recv = (c2s, s2c) if key[2] == "active" else (s2c, c2s)
            check((b["bytes_sent"], b["bytes_received"]) == (sent, recv),
                  "bpf %s: %d/%d bytes for %d/%d exactly" % (key, b["bytes_sent"],
                                                             b["bytes_received"], sent, recv))
            check(r["bytes_sent"] == sent and r["bytes_received"] == recv,
                  "%s %s: %d/%d bytes for %d/%d" % (k, key, r["bytes_sent"],
                                                    r["bytes_received"], sent, recv))
            check(r["retransmits"] == b["retransmits"], "%s: retransmits" % k)
            check(r["srtt_us"] is not None and r["srtt_us"] > 0, "%s: srtt" % k)
    check(all(r["pid"] is not None for r in by_kind(got["fallback"][0], "tcp_close")),
          "root fallback could not name the owners")


def make_loop():
    backing = tempfile.mktemp(prefix="vigil-fb-", suffix=".img", dir="/var/tmp")
    with open(backing, "wb") as f:
        f.truncate(32 << 20)
    p = subprocess.run(["losetup", "-f", "--show", backing], capture_output=True, text=True)
    if p.returncode:
        os.unlink(backing)
        raise AssertionError("losetup: %s" % p.stderr)
    time.sleep(0.5)  # udev's probe reads of the new device end before we count
    return p.stdout.strip(), backing


def io_on(path, writes, reads):
    subprocess.run(["dd", "if=/dev/zero", "of=" + path, "bs=4k", "count=%d" % writes,
                    "oflag=direct"], capture_output=True, check=True)
    subprocess.run(["dd", "if=" + path, "of=/dev/null", "bs=8k", "count=%d" % reads,
                    "iflag=direct"], capture_output=True, check=True)


@test
def disk_io_counts_agree_exactly_between_bpf_fallback_and_unprivileged():
    require_root()
    if "blkio" not in subsystems():
        skip("the blkio tracer is not in this build yet")
    dev, backing = make_loop()
    name = os.path.basename(dev)
    tmp, exe = unprivileged_vigil()
    try:
        bpf = start_vigil("trace", "blkio", "--backend", "bpf", "--format", "ndjson")
        fb = start_vigil("trace", "blkio", "--backend", "fallback", "--format", "ndjson")
        nobody = start_as_nobody(exe, "trace", "blkio", "--format", "ndjson")
        wait_attached(bpf, 1.5)
        io_on(dev, 256, 64)
        time.sleep(0.5)
        got = {n: finish(p) for n, p in (("bpf", bpf), ("fallback", fb), ("nobody", nobody))}
    finally:
        shutil.rmtree(tmp)
        subprocess.run(["losetup", "-d", dev])
        os.unlink(backing)
    bios = [r for r in got["bpf"][0] if r["kind"] == "bio" and
            (r.get("disk") == name or name in str(r.get("dev")))]
    bw = [r for r in bios if r["op"].startswith("W")]
    br = [r for r in bios if r["op"].startswith("R")]
    check(len(bw) == 256 and len(br) == 64, "bpf: %d writes, %d reads" % (len(bw), len(br)))
    for n in ("fallback", "nobody"):
        mine = [r for r in got[n][0] if r["kind"] == "sample" and r["disk"] == name]
        check(all(r["source"] == "diskstats" for r in mine), "%s: source" % n)
        w, rd = sum(r["writes"] for r in mine), sum(r["reads"] for r in mine)
        check(w == len(bw) and rd == len(br), "%s: %d writes, %d reads vs bpf %d, %d" %
              (n, w, rd, len(bw), len(br)))
        check(sum(r["write_bytes"] for r in mine) == sum(r["bytes"] for r in bw), "%s: bytes" % n)
        check(sum(r["read_bytes"] for r in mine) == sum(r["bytes"] for r in br), "%s: bytes" % n)


if __name__ == "__main__":
    main()
