#!/bin/sh
# bench_blkio.sh: the in-kernel cost of the block I/O tracer per I/O, against libbpf-tools'
# biolatency in the same run. A loop device on a tmpfs file takes fio 4 KiB random reads
# (O_DIRECT, io_uring, queue depth 32: well over 50k IOPS here); each tool is attached in
# turn, and kernel.bpf_stats_enabled (put back as it was at the end) gives its programs'
# run_time_ns, summed over all of the tool's programs and divided by the I/Os fio completed.
# Runs alternate between tools;
# medians and ratios to biolatency are printed. Usage: tools/bench_blkio.sh [RUNS] [SECONDS]
# (defaults 5 and 4). Needs root, fio, bpftool and /usr/sbin/biolatency. The table starts with
# the machine it was measured on (tools/bench/machine.sh).
cd "$(dirname "$0")/.." || exit 1
exec /usr/bin/python3 - "$@" <<'EOF'
import json, os, signal, statistics, subprocess, sys, time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
SECS = int(sys.argv[2]) if len(sys.argv) > 2 else 4
VIGIL = os.path.abspath(".output/vigil")
IMG = "/dev/shm/vigil-bench-blkio.img"


def sh(*args, **kw):
    return subprocess.run(args, capture_output=True, text=True, check=True, **kw).stdout


def progs():
    """id -> (name, run_time_ns, run_cnt) of every loaded tracing program."""
    out = {}
    for p in json.loads(sh("bpftool", "prog", "show", "-j")):
        if p.get("type") == "tracing":
            out[p["id"]] = (p.get("name", "?"), p.get("run_time_ns", 0), p.get("run_cnt", 0))
    return out


def prog_ids(pid):
    """The ids of the BPF programs process pid holds, from its fds' prog_id lines."""
    ids = set()
    for fd in os.listdir("/proc/%d/fdinfo" % pid):
        try:
            with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                ids.update(int(l.split()[1]) for l in f if l.startswith("prog_id:"))
        except OSError:
            pass
    return ids


def fio(dev):
    out = sh("fio", "--name=bench", "--filename=" + dev, "--direct=1", "--rw=randread",
             "--bs=4k", "--ioengine=io_uring", "--iodepth=32", "--time_based",
             "--runtime=%d" % SECS, "--output-format=json")
    job = json.loads(out)["jobs"][0]["read"]
    return job["total_ios"], job["iops"]


def measure(cmd, dev):
    """Start cmd, find its programs, run fio; returns (ns per I/O, iops, program names)."""
    tool = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    if tool.poll() is not None:
        sys.exit("bench_blkio: %s exited: %s" % (cmd[0], tool.stderr.read()))
    # This tool's programs only, found through its own fds: other tracers (other vigils on
    # a shared machine) may load programs with the same names meanwhile.
    own = prog_ids(tool.pid)
    mine = {i: v for i, v in progs().items()
            if i in own and v[0].startswith(("block_", "handle_blkio_"))}
    ios, iops = fio(dev)
    after = progs()
    tool.send_signal(signal.SIGINT)
    tool.communicate(timeout=30)
    ns = sum(after[i][1] - v[1] for i, v in mine.items() if i in after)
    return ns / ios if ios else 0.0, iops, sorted(v[0] for v in mine.values())


def main():
    if os.geteuid() != 0:
        sys.exit("bench_blkio: needs root")
    for need in ("/usr/sbin/biolatency", VIGIL):
        if not os.access(need, os.X_OK):
            sys.exit("bench_blkio: %s is missing (make first)" % need)
    subprocess.run(["tools/bench/machine.sh"], check=True)
    with open("/proc/sys/kernel/bpf_stats_enabled") as f:
        stats_was = f.read().strip()
    sh("sysctl", "-q", "kernel.bpf_stats_enabled=1")
    with open(IMG, "wb") as f:
        f.truncate(512 << 20)
    dev = sh("losetup", "-f", "--show", IMG).strip()
    name = os.path.basename(dev)
    tools = [
        ("biolatency", ["/usr/sbin/biolatency", "-d", name]),
        ("vigil hist blkio", [VIGIL, "hist", "blkio", "--disk", name, "-f", "ndjson"]),
        ("vigil hist blkio --per pid", [VIGIL, "hist", "blkio", "--disk", name, "--per",
                                        "pid", "-f", "ndjson"]),
        ("vigil biotop", [VIGIL, "biotop", "--disk", name, "-f", "ndjson"]),
        ("vigil trace blkio", [VIGIL, "trace", "blkio", "--disk", name, "-f", "ndjson",
                               "-o", "/dev/null"]),
    ]
    # BENCH_VIGIL_OLD=path: another vigil binary (say, the previous commit's) in the same runs.
    old = os.environ.get("BENCH_VIGIL_OLD")
    if old:
        tools += [("old" + t[5:], [old] + cmd[1:]) for t, cmd in tools if t.startswith("vigil")]
    res = {t: [] for t, _ in tools}
    iops = {t: [] for t, _ in tools}
    names = {}
    try:
        fio(dev)  # warm up
        for _ in range(RUNS):
            for t, cmd in tools:
                ns, rate, pn = measure(cmd, dev)
                res[t].append(ns)
                iops[t].append(rate)
                names[t] = pn
    finally:
        subprocess.run(["losetup", "-d", dev], capture_output=True)
        os.unlink(IMG)
        sh("sysctl", "-q", "kernel.bpf_stats_enabled=" + stats_was)
    base = statistics.median(res["biolatency"])
    print("blkio bench: fio 4k randread, io_uring qd32, O_DIRECT on %s (tmpfs file), "
          "%d runs x %d s" % (name, RUNS, SECS))
    print("%-28s %10s %12s %8s  %s" % ("tool", "kIOPS", "ns/IO", "ratio", "programs"))
    for t, _ in tools:
        med = statistics.median(res[t])
        print("%-28s %10.1f %12.1f %7.2fx  %s" % (t, statistics.median(iops[t]) / 1e3, med,
                                                  med / base if base else 0.0,
                                                  ",".join(names[t])))
    print("(ns/IO: run_time_ns of all the tool's programs / I/Os completed; median of runs;"
          " ratio: to biolatency)")


main()
EOF
