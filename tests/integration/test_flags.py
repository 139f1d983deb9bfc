"""test_flags.py: nothing is silent. A flag either works or is refused with exit 2 naming it; a
target that does not exist exits 1 with a message; write errors are reported; statistics are
never computed from zero samples; -v adds diagnostics. Each test runs vigil the way a user
would and checks the exit status and what was said.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import VIGIL, check, main, records, require_root, test, vigil

NO_PID = "4000000"  # above any default pid_max, below PID_MAX_LIMIT: valid, never live


def refused(args, needle, status=2):
    p = vigil(*args, check=False, timeout=60)
    check(p.returncode == status, "%s exited %d (want %d): %s" % (args, p.returncode, status,
                                                                 p.stderr.strip()))
    check(needle in p.stderr, "%s: message %r does not name %r" % (args, p.stderr, needle))
    return p


@test
def events_outside_the_named_subsystems_are_refused():
    p = refused(["trace", "tcp", "-e", "runq", "-d", "1"], "'runq'")
    check("tcp" in p.stderr, p.stderr)
    refused(["trace", "sched", "blkio", "-e", "runq,tcp_close", "-d", "1"], "'tcp_close'")
    # a kind of the subsystem, but not of the source in use
    refused(["trace", "sched", "-e", "runq", "--backend", "fallback", "-d", "1"],
            "'runq' records need sched on BPF", status=1)
    refused(["trace", "tcp", "-e", "tcp_state", "--backend", "fallback", "-d", "1"],
            "'tcp_state'", status=1)


@test
def a_process_that_does_not_exist_is_an_error():
    refused(["ps", "-p", NO_PID], "no such process", status=1)
    refused(["ps", "-c", "nosuchcomm"], "nosuchcomm", status=1)
    refused(["top", "--once", "--backend", "fallback", "-p", NO_PID], "no such process",
            status=1)


@test
def top_writes_to_a_full_disk_are_errors():
    with open("/dev/full", "w") as full:
        p = subprocess.run([VIGIL, "top", "--once", "--backend", "fallback"], stdout=full,
                           stderr=subprocess.PIPE, text=True, timeout=60)
    check(p.returncode == 1, "exit %d writing to /dev/full" % p.returncode)
    check("No space left on device" in p.stderr, p.stderr)


@test
def top_pid_filter_applies_on_the_fallback_path():
    p = vigil("top", "--once", "--backend", "fallback", "-p", "1", timeout=60)
    rows = [l.split() for l in p.stdout.splitlines() if l[:7].strip().isdigit()]
    check([r[0] for r in rows] == ["1"], "top -p 1 listed pids %s" % [r[0] for r in rows][:10])


@test
def tracers_refuse_a_pid_that_does_not_exist():
    require_root()
    for args in (["trace", "-d", "1"], ["hist", "runq", "-d", "1"], ["profile", "-d", "1"],
                 ["-d", "1"]):
        refused(args + ["-p", NO_PID], "no such process: " + NO_PID, status=1)
    refused(["hist", "runq", "-d", "1", "--tid", NO_PID], "no such thread", status=1)


@test
def profile_that_matched_nothing_writes_no_flame_graph():
    require_root()
    tmp = tempfile.mkdtemp(prefix="vigil-flags-")
    svg = os.path.join(tmp, "out.svg")
    try:
        p = refused(["profile", "-d", "1", "-c", "nosuchcomm", "-f", "svg", "-o", svg],
                    "nosuchcomm", status=1)
        check("no samples" in p.stderr, p.stderr)
        check(not os.path.exists(svg), "an empty flame graph was left at %s" % svg)
    finally:
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        os.rmdir(tmp)


@test
def net_views_work_when_stdout_is_not_a_terminal():
    for what in ("io", "addrs", "stats"):
        p = vigil("net", what, timeout=60)  # stdout is a pipe here
        check(isinstance(json.loads(p.stdout), dict), "net %s: %r" % (what, p.stdout[:200]))
        check(len(records(vigil("net", what, "-f", "ndjson").stdout)) == 1, "ndjson")
    refused(["net", "io", "-f", "csv"], "--format")


@test
def sys_disks_path_is_disk_usage():
    u = json.loads(vigil("sys", "disks", "/tmp", "-f", "json").stdout)["disk_usage"]
    st = os.statvfs("/tmp")
    check(u["path"] == "/tmp" and u["total"] == st.f_blocks * st.f_frsize, u)
    check(u["free"] > 0 and 0 <= u["percent"] <= 100, u)
    refused(["sys", "disks", "/nonexistent-vigil"], "No such file", status=1)
    refused(["sys", "cpu", "/tmp"], "'/tmp'")
    refused(["sys", "nosuch"], "'nosuch'")


@test
def no_statistics_from_zero_samples():
    p = vigil("-d", "1", "--backend", "fallback", "-f", "table")
    check("records: exec 0" not in p.stdout, "fallback summary counts events it cannot see")
    check("exec, exit, fork unavailable" in p.stdout and "no BPF" in p.stdout, p.stdout[:600])
    doc = json.loads(vigil("-d", "1", "--backend", "fallback", "-f", "json").stdout)
    check(doc["records"].get("exec", 0) is None, "exec: %r" % doc["records"])
    check(doc["records_unavailable"], doc.get("records_unavailable"))
    check(doc["runq"]["count"] == 0 and doc["runq"]["p50"] is None and
          doc["runq"]["avg"] is None, "statistics of nothing: %r" % doc["runq"])


@test
def an_empty_histogram_says_no_samples():
    require_root()
    # --port 1: nothing connects to tcpmux on a test machine
    p = vigil("hist", "tcp-connect", "--port", "1", "-d", "1", "-f", "table")
    check("no samples" in p.stdout and "avg" not in p.stdout, p.stdout)
    doc = json.loads(vigil("-d", "1", "--port", "1", "-f", "json").stdout)
    check(doc["tcp"]["connect"]["count"] == 0 and doc["tcp"]["connect"]["p50"] is None,
          doc["tcp"]["connect"])


@test
def verbose_adds_diagnostics_on_stderr():
    require_root()
    quiet = vigil("trace", "sched", "-d", "1").stderr
    loud = vigil("trace", "sched", "-d", "1", "-v").stderr
    check(len(loud.splitlines()) > len(quiet.splitlines()) + 5, "-v added little: %r" % loud)
    for needle in ("sched: source bpf", "attached tp_btf/sched_switch", "map events: array_of_maps",
                   "sched: ring buffers: ",
                   "filters: ", "duration 1.000 s"):
        check(needle in loud, "-v does not say %r: %r" % (needle, loud[:1500]))
    check("libbpf:" not in loud, "-v already has libbpf's messages")
    check("libbpf:" in vigil("trace", "sched", "-d", "1", "-vv").stderr, "-vv lacks libbpf's")
    fb = vigil("trace", "sched", "-d", "1", "-v", "--backend", "fallback").stderr
    check("sched: source procfs (BPF not used: --backend fallback)" in fb, fb)
    check("1 process kept" in vigil("ps", "-v", "-p", "1").stderr, "ps -v says nothing")
    check("cpu-clock perf events" in vigil("profile", "-d", "1", "-v", "-o", "/dev/null").stderr,
          "profile -v says nothing")


@test
def a_filter_the_fallback_cannot_apply_is_not_ignored():
    # named subsystem: an error naming the flag; implied ("all"): left out, with a warning
    refused(["trace", "blkio", "--backend", "fallback", "-d", "1", "-p", "1"], "--pid",
            status=1)
    refused(["trace", "sched", "--backend", "fallback", "-d", "1", "-m", "1ms"],
            "--min-latency", status=1)
    p = vigil("trace", "--backend", "fallback", "-d", "1", "-p", "1")
    check("blkio: left out" in p.stderr and "--pid" in p.stderr, p.stderr)
    check(all(r.get("subsystem") != "blkio" for r in records(p.stdout)), "blkio samples")


@test
def flags_a_command_cannot_use_are_refused_by_name():
    for args, needle in [
            (["ps", "-d", "3"], "-d (--duration) is not supported by 'vigil ps'"),
            (["ps", "--port", "80"], "--port is not supported by 'vigil ps'"),
            (["top", "--once", "-m", "1ms"], "--min-latency) is not supported by 'vigil top'"),
            (["top", "--once", "--poll-interval", "1s"], "--poll-interval is not supported"),
            (["top", "--once", "-d", "3"], "--duration does nothing with --once"),
            (["profile", "-m", "1ms"], "--min-latency) is not supported by 'vigil profile'"),
            (["profile", "--title", "x"], "--title only applies to --format svg"),
            (["profile", "--off-cpu", "-F", "99"], "--freq only applies to on-CPU"),
            (["profile", "--min-block", "1ms"], "--min-block only applies to off-CPU"),
            (["hist", "runq", "--port", "80"], "--port only applies to tcp"),
            (["hist", "runq", "--disk", "loop0"], "--disk only applies to blkio"),
            (["hist", "tcp-rtt", "--queued"], "--queued only applies to blkio"),
            (["hist", "runq", "--poll-interval", "1s"], "--poll-interval is not supported"),
            (["trace", "sched", "--port", "80"], "--port only applies to tcp"),
            (["trace", "tcp", "--queued"], "--queued only applies to blkio"),
            (["net", "addrs", "--pernic"], "--pernic only applies to io"),
            (["net", "io", "--pid", "1"], "--pid only applies to connections"),
            (["net", "tcp", "--kind", "udp"], "--kind does nothing with a KIND"),
            (["sys", "memory", "-i", "1s"], "--interval does nothing with memory"),
            (["kill", "-T", "1s", NO_PID], "--timeout only applies with --tree"),
            (["trace", "--backend", "fallback", "--ringbuf-size", "16M"],
             "--ringbuf-size does nothing with --backend fallback"),
            (["--backend", "bpf", "--poll-interval", "2s"],
             "--poll-interval does nothing with --backend bpf")]:
        refused(args + (["-d", "1"] if args[0] in ("trace", "hist", "profile") and
                        "-d" not in args else []), needle)


@test
def an_empty_profile_never_removes_a_device():
    """profile removes the file it opened early when nothing matched; /dev/null is no such
    file (an earlier build unlinked it, and every later test's /dev/null broke)."""
    require_root()
    st = os.stat("/dev/null")
    p = vigil("profile", "-c", "nosuchcomm", "-d", "1", "-o", "/dev/null", check=False)
    check(p.returncode == 1 and "no samples" in p.stderr, "exit %d: %s" % (p.returncode, p.stderr))
    check(os.path.exists("/dev/null") and os.stat("/dev/null").st_rdev == st.st_rdev,
          "/dev/null was removed or replaced")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cpu.svg")
        vigil("profile", "-c", "nosuchcomm", "-d", "1", "-f", "svg", "-o", out, check=False)
        check(not os.path.exists(out), "an empty flame graph was left behind")


@test
def an_unfiltered_profile_of_idle_cpus_is_not_an_error():
    require_root()
    p = vigil("profile", "-d", "1", "-o", "/dev/null", check=False)
    check(p.returncode == 0, "exit %d: %s" % (p.returncode, p.stderr))


if __name__ == "__main__":
    main()
