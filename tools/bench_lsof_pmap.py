"""bench_lsof_pmap.py: whole-command timings of `vigil lsof` and `vigil pmap -x` against lsof
and procps' pmap, measured in the same run and interleaved (vigil, peer, vigil, peer, ...) so
that load from elsewhere falls on both alike. Each command runs N times with its output to
/dev/null; the figures are medians of time.perf_counter() around the whole process, and the
ratio is vigil / peer (below 1: vigil is faster). pmap runs on a child holding ~4000
mappings (anonymous pages with alternating protections, so the kernel cannot merge them).
Needs only Debian's lsof and procps, and the repo's .output/vigil. BENCH_VIGIL_OLD=path adds
another vigil binary (say, the previous commit's) to the same interleaved runs, with its own
ratio to the peer."""
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
VIGIL = os.path.join(ROOT, ".output", "vigil")
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
VIGIL_OLD = os.environ.get("BENCH_VIGIL_OLD")

MAPPER = r"""
import mmap, sys
keep = [mmap.mmap(-1, 4096, prot=mmap.PROT_READ | (mmap.PROT_WRITE if i % 2 else 0))
        for i in range(4000)]
for i, m in enumerate(keep):
    if i % 2:
        m[0] = 1
print("ready", flush=True)
sys.stdin.read()
"""


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def once(argv):
    t0 = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t0


def pair(name, ours, theirs):
    """ours: argv after the vigil binary. Each round runs vigil, the peer, then the old vigil."""
    bins = [VIGIL] + ([VIGIL_OLD] if VIGIL_OLD else [])
    for b in bins:
        once([b] + ours)  # warm the page cache and the dentry cache for all
    once(theirs)
    times = {b: [] for b in bins}
    peer = []
    for _ in range(RUNS):
        times[VIGIL].append(once([VIGIL] + ours))
        peer.append(once(theirs))
        if VIGIL_OLD:
            times[VIGIL_OLD].append(once([VIGIL_OLD] + ours))
    mb = statistics.median(peer)
    for b in bins:
        ma = statistics.median(times[b])
        print("%-34s %-5s %8.2f ms   %-14s %8.2f ms   ratio %.2f" %
              (name, "vigil" if b == VIGIL else "old", ma * 1e3, theirs[0], mb * 1e3, ma / mb))
    return statistics.median(times[VIGIL]) / mb


def main():
    if not os.path.exists(VIGIL):
        print("bench_lsof_pmap: build vigil first (make)", file=sys.stderr)
        return 1
    missing = [t for t in ("lsof", "pmap") if not shutil.which(t)]
    if missing:
        print("bench_lsof_pmap: missing %s (tools/deps.sh)" % ", ".join(missing),
              file=sys.stderr)
        return 1
    nproc = sum(1 for d in os.listdir("/proc") if d.isdigit())
    print("cpu: %s, %d cpus; %d processes; %d runs each, medians" %
          (cpu_model(), os.cpu_count(), nproc, RUNS))
    pair("lsof, whole system", ["lsof", "-f", "table"], ["lsof"])
    pair("lsof -nP -Ki (no threads, numeric)", ["lsof", "-f", "table"],
         ["lsof", "-nP", "-Ki"])
    child = subprocess.Popen(["/usr/bin/python3", "-c", MAPPER], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        child.stdout.readline()
        with open("/proc/%d/maps" % child.pid) as f:
            nmaps = sum(1 for _ in f)
        pair("pmap -x, %d mappings" % nmaps, ["pmap", "-x", "-f", "table",
                                                 str(child.pid)], ["pmap", "-x", str(child.pid)])
    finally:
        child.stdin.close()
        child.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
