"""harness.py: the small test harness every integration test uses.

A test module defines functions decorated with @test and calls main() at the end. main()
runs them in order, prints one line per test and closes with "N passed, N failed, N skipped".
skip() raises Skip; when CI=true a skip counts as a failure, because in CI every BPF test
must really run. vigil() runs the built binary and returns its result; records() parses
NDJSON output into dicts. without_tracefs() re-runs a test module in a private mount
namespace where tracefs and debugfs are unmounted, so that its result does not depend on
what an earlier tool mounted on the machine (a fresh one mounts neither).
"""
import errno
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VIGIL = os.path.join(ROOT, ".output", "vigil")
OUT = os.path.join(ROOT, ".output")
IN_CI = os.environ.get("CI") == "true"

_tests = []
_ready_seq = itertools.count()


class Skip(Exception):
    pass


def test(fn):
    _tests.append(fn)
    return fn


def skip(reason):
    raise Skip(reason)


def require_root():
    if os.geteuid() != 0:
        skip("needs root to load BPF programs")


def vigil(*args, timeout=120, check=True, env=None, preexec_fn=None):
    """Run vigil with args; return CompletedProcess (text). check: exit 0 required."""
    p = subprocess.run([VIGIL, *args], capture_output=True, text=True, timeout=timeout,
                       env=env, preexec_fn=preexec_fn)
    if check and p.returncode != 0:
        raise AssertionError("vigil %s exited %d: %s" % (" ".join(args), p.returncode,
                                                        p.stderr.strip()[-2000:]))
    return p


def start_vigil(*args, env=None):
    """Start vigil in the background; returns the Popen (stdout/stderr piped, text). vigil
    gets a NOTIFY_SOCKET of its own, so wait_attached() can wait for its READY=1."""
    ready = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    name = "@vigil-test-%d-%d" % (os.getpid(), next(_ready_seq))
    ready.bind("\0" + name[1:])
    env = dict(os.environ if env is None else env, NOTIFY_SOCKET=name)
    p = subprocess.Popen([VIGIL, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env)
    p.ready_socket = ready
    return p


def wait_attached(proc, seconds=0.0, timeout=60.0):
    """Wait for vigil's READY=1 (every tracer attached, the consumer draining), then for
    seconds more. A vigil not started by start_vigil() gets a fixed second instead."""
    ready = getattr(proc, "ready_socket", None)
    if ready is None:
        time.sleep(max(seconds, 1.0))
    else:
        deadline = time.monotonic() + timeout
        got = b""
        while b"READY=1" not in got:
            if proc.poll() is not None:
                raise AssertionError("vigil exited early (%d): %s" %
                                     (proc.returncode, proc.stderr.read()))
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("vigil was not ready after %.0f s" % timeout)
            ready.settimeout(min(left, 0.2))
            try:
                got = ready.recv(256)
            except socket.timeout:
                pass
        ready.close()
        proc.ready_socket = None
        time.sleep(seconds)
    if proc.poll() is not None:
        raise AssertionError("vigil exited early (%d): %s" % (proc.returncode, proc.stderr.read()))


TRACEFS_DIRS = ("/sys/kernel/debug/tracing", "/sys/kernel/tracing", "/sys/kernel/debug")
NO_TRACEFS_ENV = "VIGIL_TEST_NO_TRACEFS"


def cgroup2_root():
    """Where cgroup v2 is mounted (the hybrid layout has it at /sys/fs/cgroup/unified); as
    root on a machine that has none, a mount of it under /tmp."""
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, right = line.split(" - ", 1)
            if right.split()[0] == "cgroup2":
                return left.split()[4]
    if os.geteuid() != 0:
        skip("no cgroup v2 mount")
    root = tempfile.mkdtemp(prefix="vigil-cg2-")
    subprocess.run(["mount", "-t", "cgroup2", "none", root], check=True)
    return root


def schema_version():
    """The record schema's version, as docs/records.schema.json defines it."""
    with open(os.path.join(ROOT, "docs", "records.schema.json")) as f:
        return json.load(f)["properties"]["schema"]["const"]


def rmdir_cgroup(path):
    """Remove a cgroup directory; a task that just exited leaves it busy for a moment."""
    for _ in range(50):
        try:
            os.rmdir(path)
            return
        except FileNotFoundError:
            return
        except OSError as e:
            if e.errno != errno.EBUSY:
                raise
            time.sleep(0.1)
    os.rmdir(path)


def tracing_mounts():
    """Mount points of tracefs and debugfs seen by this process."""
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            fstype = fields[fields.index("-") + 1]
            if fstype in ("tracefs", "debugfs"):
                out.append(fields[4])
    return out


def without_tracefs():
    """Re-exec this test module (same arguments) under `unshare -m` with tracefs and debugfs
    unmounted in that private mount namespace only; the machine's own mounts are untouched.
    Returns in the child (and when not root: the tests that need root skip anyway)."""
    if os.geteuid() != 0:
        return
    if os.environ.get(NO_TRACEFS_ENV) == "1":
        for _ in range(4):  # stacked mounts come off one at a time
            for d in TRACEFS_DIRS:
                if d in tracing_mounts():
                    subprocess.run(["umount", "-l", d], capture_output=True)
        left = tracing_mounts()
        if left:
            raise SystemExit("could not unmount %s in the private mount namespace" % left)
        return
    env = dict(os.environ, **{NO_TRACEFS_ENV: "1"})
    p = subprocess.run(["unshare", "-m", "--propagation", "private", sys.executable,
                        os.path.abspath(sys.argv[0]), *sys.argv[1:]], env=env)
    sys.exit(p.returncode)


def unprivileged_vigil():
    """(dir, path) of a copy of vigil that uid 65534 can run: the build tree may sit in a
    directory it cannot enter (a private clone). The caller removes dir."""
    tmp = tempfile.mkdtemp(prefix="vigil-nobody-")
    os.chmod(tmp, 0o755)
    exe = os.path.join(tmp, "vigil")
    shutil.copy(VIGIL, exe)
    os.chmod(exe, 0o755)
    return tmp, exe


def bpf_map_ids(pid):
    """The ids of the BPF maps process pid holds open (from /proc/PID/fdinfo): a way to find
    one vigil's maps even when other tracers have maps of the same name."""
    ids = set()
    fds = os.path.join("/proc", str(pid), "fdinfo")
    for fd in os.listdir(fds):
        try:
            with open(os.path.join(fds, fd)) as f:
                for line in f:
                    if line.startswith("map_id:"):
                        ids.add(int(line.split()[1]))
        except OSError:
            pass
    return ids


def records(text):
    """Parse NDJSON into a list of dicts; every line must be valid JSON."""
    out = []
    for i, line in enumerate(text.splitlines()):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except ValueError as e:
            raise AssertionError("line %d is not JSON (%s): %r" % (i + 1, e, line[:200]))
    return out


def table_rows(text, first="PID"):
    """The rows of a table whose header line starts with `first`, as dicts by column name.
    The last column takes the rest of the line, so it may hold spaces."""
    head, rows = None, []
    for line in text.splitlines():
        f = line.split()
        if f[:1] == [first]:
            head = f
        elif head and f and len(f) >= len(head) - 1:
            f = f[:len(head) - 1] + [" ".join(f[len(head) - 1:])]
            rows.append(dict(zip(head, f)))
    return rows


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def main():
    only = sys.argv[1:]
    passed = failed = skipped = 0
    for fn in _tests:
        if only and fn.__name__ not in only:
            continue
        t0 = time.time()
        try:
            fn()
        except Skip as s:
            if IN_CI:
                failed += 1
                print("FAIL %s: would skip in CI: %s" % (fn.__name__, s))
            else:
                skipped += 1
                print("SKIP %s: %s" % (fn.__name__, s))
            continue
        except Exception:
            failed += 1
            print("FAIL %s (%.1fs)" % (fn.__name__, time.time() - t0))
            traceback.print_exc(limit=3, file=sys.stdout)
            continue
        passed += 1
        print("ok   %s (%.1fs)" % (fn.__name__, time.time() - t0))
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    sys.exit(1 if failed else 0)
