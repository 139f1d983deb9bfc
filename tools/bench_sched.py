#!/usr/bin/python3
"""bench_sched.py: in-kernel cost of the scheduler tracer against its peers, measured in
the same run under the same load.

Each tracer (vigil in histogram mode, vigil streaming runq records, vigil streaming every
sched record, libbpf-tools runqlat, a bpftrace runqlat one-liner) runs alone in turn while
`perf bench sched pipe` ping-pongs between two tasks. kernel.bpf_stats_enabled gives each
BPF program's run_cnt and run_time_ns; the delta over the load, per program, is the cost per
event. Rounds alternate between tracers so machine noise spreads evenly; medians are quoted,
and ratios against runqlat are what the targets speak of. bpftrace resolves its tracepoints
through tracefs, which a fresh machine does not mount: it runs in a private mount namespace
that has it (tools/bench/with_tracefs.sh), so the system's mounts stay as they were.
"""
import ctypes
import json
import os
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
VIGIL = os.path.join(ROOT, ".output", "vigil")
WITH_TRACEFS = os.path.join(ROOT, "tools", "bench", "with_tracefs.sh")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
LOOPS = os.environ.get("BENCH_PIPE_LOOPS", "200000")
# A comma list of tracer names (as in TRACERS) to measure only those; runqlat is always kept.
ONLY = os.environ.get("BENCH_TRACERS")
# Another vigil binary (say, the previous commit's) measured in the same rounds as "old ...".
VIGIL_OLD = os.environ.get("BENCH_VIGIL_OLD")

BPFTRACE_RUNQLAT = (
    "tracepoint:sched:sched_wakeup,tracepoint:sched:sched_wakeup_new { @q[args->pid] = nsecs; }"
    " tracepoint:sched:sched_switch { if (args->prev_state == 0) { @q[args->prev_pid] = nsecs; }"
    " $t = @q[args->next_pid]; if ($t) { @usecs = hist((nsecs - $t) / 1000);"
    " delete(@q[args->next_pid]); } }")

# name: (command, program type, {event: program name})
TRACERS = {
    "vigil hist": ([VIGIL, "hist", "runq"], "tracing",
                   {"switch": "handle_sched_switch", "wakeup": "handle_sched_wakeup"}),
    "vigil stream runq": ([VIGIL, "trace", "sched", "-e", "runq", "-o", "/dev/null"], "tracing",
                          {"switch": "handle_sched_switch", "wakeup": "handle_sched_wakeup"}),
    "vigil stream all": ([VIGIL, "trace", "sched", "-o", "/dev/null"], "tracing",
                         {"switch": "handle_sched_switch", "wakeup": "handle_sched_wakeup"}),
    "runqlat": (["runqlat", "99"], "tracing",
                {"switch": "sched_switch", "wakeup": "sched_wakeup"}),
    "bpftrace": ([WITH_TRACEFS, "bpftrace", "-e", BPFTRACE_RUNQLAT], "tracepoint",
                 {"switch": "sched_switch", "wakeup": "sched_wakeup"}),
}
if VIGIL_OLD:
    for n in ("vigil hist", "vigil stream runq"):
        cmd, ptype, names = TRACERS[n]
        TRACERS["old " + n[6:]] = ([VIGIL_OLD] + cmd[1:], ptype, names)


def progs():
    out = subprocess.run(["bpftool", "prog", "show", "-j"], capture_output=True, text=True,
                         check=True).stdout
    return {p["id"]: p for p in json.loads(out)}


class Ambiguous(Exception):
    pass


def measure(name, attempts=10):
    """Cost per event of tracer `name`; retried if another tracer's programs got in the way
    (on a shared machine other people's vigils load programs of the same names)."""
    for attempt in range(attempts):
        try:
            return measure_once(name)
        except Ambiguous as e:
            if attempt == attempts - 1:
                raise RuntimeError(str(e))


def measure_once(name):
    cmd, ptype, names = TRACERS[name]
    before = set(progs())
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ids = {}
    for _ in range(100):  # wait until its programs are attached
        time.sleep(0.1)
        new = {i: p for i, p in progs().items() if i not in before and p["type"] == ptype}
        matches = [(ev, i) for ev, pname in names.items() for i, p in new.items()
                   if p.get("name") == pname]
        if len(matches) > len(names):
            proc.kill()
            raise Ambiguous("%s: more programs named %s than it loads" % (name, names))
        ids = dict(matches)
        if len(ids) == len(names):
            break
    if len(ids) != len(names):
        proc.kill()
        raise RuntimeError("%s: programs %s not found" % (name, names))
    time.sleep(0.5)
    start = progs()
    subprocess.run(["perf", "bench", "sched", "pipe", "-l", LOOPS], capture_output=True,
                   check=True)
    end = progs()
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    if any(i not in end for i in ids.values()):
        raise Ambiguous("%s: a measured program went away" % name)
    cost = {}
    for ev, i in ids.items():
        runs = end[i].get("run_cnt", 0) - start[i].get("run_cnt", 0)
        ns = end[i].get("run_time_ns", 0) - start[i].get("run_time_ns", 0)
        cost[ev] = (ns / runs if runs else float("nan"), runs)
    return cost


def available(name):
    cmd = [c for c in TRACERS[name][0] if c != WITH_TRACEFS][0]
    return os.path.exists(cmd) or subprocess.run(["which", cmd], capture_output=True).returncode == 0


def hold_bpf_stats():
    """bpf(BPF_ENABLE_STATS): run-time stats stay on while the returned fd is open, even if
    another process writes kernel.bpf_stats_enabled=0 meanwhile. -1 if refused."""
    libc = ctypes.CDLL(None, use_errno=True)
    attr = ctypes.create_string_buffer(8)  # union bpf_attr { __u32 type; } (RUN_TIME = 0)
    return libc.syscall(321, 32, attr, 8)  # __NR_bpf on x86_64, BPF_ENABLE_STATS


def main():
    subprocess.run([os.path.join(ROOT, "tools", "bench", "machine.sh")], check=True)
    with open("/proc/sys/kernel/bpf_stats_enabled") as f:
        was = f.read().strip()
    subprocess.run(["sysctl", "-qw", "kernel.bpf_stats_enabled=1"], check=True)
    stats_fd = hold_bpf_stats()
    names = [n for n in TRACERS if available(n)
             and (not ONLY or n == "runqlat" or n in ONLY.split(","))]
    results = {n: {"switch": [], "wakeup": []} for n in names}
    try:
        for _ in range(ROUNDS):
            for n in names:
                for ev, (ns, _) in measure(n).items():
                    results[n][ev].append(ns)
    finally:
        if stats_fd >= 0:
            os.close(stats_fd)
        subprocess.run(["sysctl", "-qw", "kernel.bpf_stats_enabled=" + was])
    med = {n: {ev: statistics.median(v) for ev, v in r.items()} for n, r in results.items()}
    print("in-kernel cost under `perf bench sched pipe -l %s`, median of %d rounds "
          "(ns per program run, from bpf_stats):" % (LOOPS, ROUNDS))
    print("  %-20s %14s %14s" % ("tracer", "sched_switch", "sched_wakeup"))
    for n in names:
        print("  %-20s %14.0f %14.0f" % (n, med[n]["switch"], med[n]["wakeup"]))
    if "runqlat" in med:
        print("ratios against runqlat (lower is cheaper):")
        for n in names:
            if n == "runqlat":
                continue
            print("  %-20s switch %.2fx  wakeup %.2fx" % (
                n, med[n]["switch"] / med["runqlat"]["switch"],
                med[n]["wakeup"] / med["runqlat"]["wakeup"]))
        print("  targets: vigil hist <= 0.5x runqlat per sched_switch; "
              "vigil stream <= 1.0x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
