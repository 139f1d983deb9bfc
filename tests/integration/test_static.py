"""test_static.py: `make static`'s .output/vigil-static, the binary the fleet command copies to
hosts. It must be statically linked (ldd: "not a dynamic executable", no program interpreter),
and it must do what the normal binary does without any shared library: the fallback commands
(snapshot, ps, with user names resolved) against psutil, and BPF loaded from it (libbpf and
libelf linked in) with `trace sched -d 1s` and `hist runq -d 1s` on a sleeper the test starts.
serve's HTTP endpoint is not in the static binary (Debian's libgnutls.a needs libp11-kit,
shipped only shared): serve must say so and exit 1. The normal binary loads libc alone at exec:
each more shared object costs every command page faults before main() (docs/benchmarks.md).
"""
import json
import os
import subprocess
import sys

import psutil

sys.path.insert(0, os.path.dirname(__file__))
from harness import OUT, ROOT, check, main, records, require_root, skip, test

STATIC = os.path.join(OUT, "vigil-static")

SLEEPER = r"""
import time
with open("/proc/self/comm", "w") as f:
    f.write("static_sleeper")
print("ready", flush=True)
while True:
    time.sleep(0.002)
"""


def build():
    p = subprocess.run(["make", "-s", "-C", ROOT, "-j2", ".output/vigil-static"],
                       capture_output=True, text=True, timeout=900)
    check(p.returncode == 0, "make static failed: %s" % p.stderr[-2000:])


def run(*args, timeout=60):
    return subprocess.run([STATIC, *args], capture_output=True, text=True, timeout=timeout)


class Sleeper:
    """A python process named static_sleeper that wakes every 2 ms."""

    def __enter__(self):
        self.p = subprocess.Popen([sys.executable, "-c", SLEEPER], stdout=subprocess.PIPE,
                                  text=True)
        check(self.p.stdout.readline().strip() == "ready", "sleeper did not start")
        return self.p

    def __exit__(self, *exc):
        self.p.kill()
        self.p.wait()


@test
def static_binary_builds_and_is_not_dynamic():
    build()
    p = subprocess.run(["ldd", STATIC], capture_output=True, text=True)
    check("not a dynamic executable" in p.stdout + p.stderr,
          "ldd lists libraries: %s" % (p.stdout + p.stderr))
    with open(STATIC, "rb") as f:
        elf = f.read()
    check(b"ld-linux" not in elf[:4096], "the binary names a program interpreter")
    p = subprocess.run(["readelf", "-l", STATIC], capture_output=True, text=True)
    if p.returncode == 0:
        check("INTERP" not in p.stdout and "DYNAMIC" not in p.stdout,
              "readelf shows INTERP/DYNAMIC segments")
    check(run("--version").returncode == 0, "vigil-static --version failed")


@test
def dynamic_binary_needs_only_libc():
    p = subprocess.run(["readelf", "-d", os.path.join(OUT, "vigil")], capture_output=True,
                       text=True, check=True)
    needed = [ln.split("[", 1)[1].rstrip("]") for ln in p.stdout.splitlines()
              if "(NEEDED)" in ln]
    check(needed == ["libc.so.6"], "vigil needs %s at exec, not libc alone" % needed)


@test
def snapshot_has_every_key_of_the_dynamic_build():
    build()
    p = run("snapshot")
    check(p.returncode == 0, "snapshot exited %d: %s" % (p.returncode, p.stderr))
    ours = json.loads(p.stdout)
    dyn = json.loads(subprocess.run([os.path.join(OUT, "vigil"), "snapshot"], capture_output=True,
                                    text=True, check=True).stdout)
    check(set(ours) == set(dyn), "keys differ: %s" % (set(ours) ^ set(dyn)))
    mine = [q for q in ours["processes"] if q["pid"] == os.getpid()]
    check(len(mine) == 1, "this process is not in the snapshot")
    me = psutil.Process()
    check(mine[0]["cmdline"] == me.cmdline(), "cmdline %r vs %r" % (mine[0]["cmdline"],
                                                                    me.cmdline()))
    check(mine[0]["username"] == me.username(), "username %r" % mine[0]["username"])
    check(ours["boot_time"] == psutil.boot_time() or abs(ours["boot_time"] - psutil.boot_time())
          < 2, "boot_time %s vs psutil %s" % (ours["boot_time"], psutil.boot_time()))


@test
def ps_resolves_users_without_shared_libraries():
    build()
    # a process of uid 65534: its name comes from /etc/passwd through the static libc
    if os.geteuid() != 0:
        skip("needs root to start a process as uid 65534")
    child = subprocess.Popen(["sleep", "60"], preexec_fn=lambda: os.setuid(65534))
    try:
        p = run("ps", "-f", "json")
        check(p.returncode == 0, "ps exited %d: %s" % (p.returncode, p.stderr))
        rows = {r["pid"]: r for r in json.loads(p.stdout)}
        for pid in (os.getpid(), child.pid):
            check(pid in rows, "pid %d missing from ps" % pid)
            want = psutil.Process(pid).username()
            check(rows[pid]["username"] == want, "pid %d: user %r, psutil %r" %
                  (pid, rows[pid]["username"], want))
        gone = run("ps", "-p", "999999999")
        check(gone.returncode == 1 and gone.stderr.strip(), "ps -p of no pid: exit %d" %
              gone.returncode)
    finally:
        child.kill()
        child.wait()


@test
def trace_sched_loads_bpf_from_the_static_binary():
    require_root()
    build()
    with Sleeper() as s:
        p = run("trace", "sched", "-d", "1s", "-f", "ndjson")
    check(p.returncode == 0, "trace exited %d: %s" % (p.returncode, p.stderr[-1000:]))
    recs = records(p.stdout)
    check(all(r.get("source") == "bpf" for r in recs), "records not from BPF")
    mine = [r for r in recs if r["pid"] == s.pid and r["kind"] == "runq"]
    # 2 ms sleeps for 1 s: hundreds of wakeups; a loaded machine still gives dozens
    check(len(mine) >= 20, "only %d runq records for the sleeper" % len(mine))
    check(all(r["comm"] == "static_sleeper" for r in mine), "sleeper named otherwise")
    check(all(r["latency_ns"] >= 0 for r in mine), "negative latency")


@test
def hist_runq_counts_the_sleepers_wakeups():
    require_root()
    build()
    with Sleeper() as s:
        p = run("hist", "runq", "-d", "1s", "--per", "pid", "-f", "ndjson")
    check(p.returncode == 0, "hist exited %d: %s" % (p.returncode, p.stderr[-1000:]))
    hists = records(p.stdout)
    mine = [h for h in hists if h.get("key") == s.pid]
    check(len(mine) == 1, "no histogram for the sleeper: %s" % [h.get("key") for h in hists][:20])
    h = mine[0]
    check(h["count"] >= 20 and h["count"] == sum(b["count"] for b in h["buckets"]),
          "count %d vs buckets %d" % (h["count"], sum(b["count"] for b in h["buckets"])))


@test
def serve_says_the_http_endpoint_is_not_in_the_static_binary():
    build()
    p = run("serve", "--listen", "127.0.0.1:0", timeout=30)
    check(p.returncode == 1, "serve exited %d" % p.returncode)
    check("libmicrohttpd" in p.stderr and "not in this build" in p.stderr,
          "serve's message: %r" % p.stderr)


if __name__ == "__main__":
    main()
