"""bench_tcp.py: in-kernel cost of vigil's TCP tracer against libbpf-tools tcplife and
tcpstates, measured in the same runs on the same loopback connection churn.

Each tracer runs alone in its own phase of the same bench run (MODE=together runs them all at
once instead, which lowers the churn rate and lets them disturb one another);
tools/bench/tcp_churn drives THREADS client threads against a local server for SECONDS per run. With kernel.bpf_stats_enabled=1 the kernel keeps run_cnt and
run_time_ns per program; each tracer's programs are found through the prog_id lines of its
process's /proc/PID/fdinfo, and read with `bpftool prog show -j` before and after each run.
Printed per tracer: ns per program run (event), events and ns per connection (the sum over
all its programs), as medians over RUNS, and ratios against tcplife and tcpstates.
"""
import ctypes
import json
import os
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, ".output")
VIGIL = os.path.join(OUT, "vigil")
CHURN = os.path.join(OUT, "tools", "bench", "tcp_churn")
WITH_TRACEFS = os.path.join(ROOT, "tools", "bench", "with_tracefs.sh")
RUNS = int(os.environ.get("RUNS", "5"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
THREADS = os.environ.get("THREADS", "4")
PORT = os.environ.get("PORT", "17299")
TOGETHER = os.environ.get("MODE") == "together"

TRACERS = [
    ("vigil (all tcp records)", [VIGIL, "trace", "tcp", "-f", "ndjson", "-o", "/dev/null"]),
    ("vigil (tcp_close only)", [VIGIL, "trace", "tcp", "-f", "ndjson", "-o", "/dev/null",
                                "--events", "tcp_close"]),
    # the address-set LPM tries with an exclusion: the cost of --raddr per event
    ("vigil (tcp_close, --raddr)", [VIGIL, "trace", "tcp", "-f", "ndjson", "-o", "/dev/null",
                                    "--events", "tcp_close", "--raddr",
                                    "127.0.0.0/8,!127.0.0.2,::1"]),
    ("vigil hist tcp-connect", [VIGIL, "hist", "tcp-connect", "-f", "ndjson", "-o",
                                "/dev/null"]),
    # Their tracepoints resolve through tracefs: mounted for them alone (with_tracefs.sh).
    ("tcplife", [WITH_TRACEFS, "/usr/sbin/tcplife"]),
    ("tcpstates", [WITH_TRACEFS, "/usr/sbin/tcpstates"]),
]


def hold_bpf_stats():
    """bpf(BPF_ENABLE_STATS): run-time stats stay on while the returned fd is open, even if
    another process writes kernel.bpf_stats_enabled=0 meanwhile. -1 if refused."""
    libc = ctypes.CDLL(None, use_errno=True)
    attr = ctypes.create_string_buffer(8)  # union bpf_attr { __u32 type; } (RUN_TIME = 0)
    return libc.syscall(321, 32, attr, 8)  # __NR_bpf on x86_64, BPF_ENABLE_STATS


def prog_ids(pid):
    ids = set()
    fdinfo = "/proc/%d/fdinfo" % pid
    for fd in os.listdir(fdinfo):
        try:
            with open(os.path.join(fdinfo, fd)) as f:
                for line in f:
                    if line.startswith("prog_id:"):
                        ids.add(int(line.split()[1]))
        except OSError:
            pass
    return ids


def prog_stats():
    out = subprocess.run(["bpftool", "prog", "show", "-j"], capture_output=True, text=True,
                         check=True).stdout
    return {p["id"]: (p.get("run_cnt", 0), p.get("run_time_ns", 0), p.get("name", "?"))
            for p in json.loads(out)}


def churn():
    out = subprocess.run([CHURN, PORT, str(SECONDS), THREADS], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)


def main():
    if os.geteuid() != 0:
        print("bench_tcp: needs root (BPF, bpf_stats)", file=sys.stderr)
        return 1
    subprocess.run([os.path.join(ROOT, "tools", "bench", "machine.sh")], check=True)
    with open("/proc/sys/kernel/bpf_stats_enabled") as f:
        old_stats = f.read().strip()
    subprocess.run(["sysctl", "-qw", "kernel.bpf_stats_enabled=1"], check=True)
    stats_fd = hold_bpf_stats()
    res = {"per_event": {}, "per_conn": {}, "ev_conn": {}, "rates": {}, "per_prog": {}}
    try:
        base = churn()
        groups = [TRACERS] if TOGETHER else [[t] for t in TRACERS]
        for group in groups:
            err = measure(group, res)
            if err:
                return err
    finally:
        if stats_fd >= 0:
            os.close(stats_fd)
        subprocess.run(["sysctl", "-qw", "kernel.bpf_stats_enabled=%s" % old_stats])
    report(base, res)
    return 0


def measure(group, res):
    procs = []
    try:
        for name, argv in group:
            procs.append((name, subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                                 stderr=subprocess.DEVNULL)))
        time.sleep(2.5)
        ids = {}
        for name, p in procs:
            if p.poll() is not None:
                print("bench_tcp: %s exited early (%d)" % (name, p.returncode), file=sys.stderr)
                return 1
            ids[name] = prog_ids(p.pid)
            for k in ("per_event", "per_conn", "ev_conn", "rates"):
                res[k][name] = []
        for _ in range(RUNS):
            before = prog_stats()
            c = churn()
            after = prog_stats()
            for name, _ in procs:
                res["rates"][name].append(c["rate"])
                cnt = sum(after[i][0] - before[i][0] for i in ids[name] if i in after)
                ns = sum(after[i][1] - before[i][1] for i in ids[name] if i in after)
                res["per_event"][name].append(ns / cnt if cnt else 0)
                res["per_conn"][name].append(ns / c["conns"])
                res["ev_conn"][name].append(cnt / c["conns"])
                for i in ids[name]:
                    if i in after:
                        d = (after[i][0] - before[i][0], after[i][1] - before[i][1])
                        res["per_prog"].setdefault((name, after[i][2]), []).append(
                            (d[1] / d[0] if d[0] else 0, d[0] / c["conns"]))
    finally:
        for _, p in procs:
            p.send_signal(signal.SIGINT)
        for _, p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    return 0


def report(base, res):
    med = statistics.median
    print("tcp bench: %d runs x %.0f s per tracer, %s client threads, loopback, tracers %s; "
          "churn %.0f conn/s untraced" % (RUNS, SECONDS, THREADS,
                                          "all at once" if TOGETHER else "one at a time",
                                          base["rate"]))
    print("%-26s %9s %10s %12s %10s %10s %12s" % ("tracer (medians)", "conn/s", "ns/event",
                                                  "events/conn", "ns/conn", "vs tcplife",
                                                  "vs tcpstates"))
    life, states = med(res["per_conn"]["tcplife"]), med(res["per_conn"]["tcpstates"])
    for name, _ in TRACERS:
        if not med(res["ev_conn"][name]):
            print("bench_tcp: no program runs counted for %s (bpf_stats off?)" % name,
                  file=sys.stderr)
    for name, _ in TRACERS:
        pc = med(res["per_conn"][name])
        print("%-26s %9.0f %10.0f %12.2f %10.0f %9.2fx %11.2fx" % (
            name, med(res["rates"][name]), med(res["per_event"][name]),
            med(res["ev_conn"][name]), pc, pc / life if life else 0,
            pc / states if states else 0))
    print("vigil (all tcp records), per program: median ns/run, runs/conn")
    for (name, prog), vals in sorted(res["per_prog"].items()):
        if name.startswith("vigil (all"):
            print("  %-28s %8.0f %8.2f" % (prog, med(v[0] for v in vals),
                                          med(v[1] for v in vals)))


if __name__ == "__main__":
    sys.exit(main())
