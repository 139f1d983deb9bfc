"""loopdev.py: the loop device and the blkio_io driver that the block I/O tests share.

loop() creates one loop device on a 64 MiB file under /var/tmp (once per test process) and
removes both at exit; start_driver() starts blkio_io paused on it, release_driver() lets it
run its steps and checks that it finished.
"""
import atexit
import os
import subprocess
import time

from harness import OUT, check, require_root

DRIVER = os.path.join(OUT, "tests", "integration", "blkio_io")

_loop = {}


def loop():
    """The test's loop device: {'path', 'name', 'dev'}; created once, removed at exit."""
    require_root()
    if _loop:
        return _loop
    backing = "/var/tmp/vigil-blkio-test-%d.img" % os.getpid()
    with open(backing, "wb") as f:
        f.truncate(64 << 20)
    p = subprocess.run(["losetup", "-f", "--show", backing], capture_output=True, text=True)
    if p.returncode != 0:
        os.unlink(backing)
        raise AssertionError("losetup failed: %s" % p.stderr.strip())
    path = p.stdout.strip()
    name = os.path.basename(path)

    def cleanup():
        subprocess.run(["losetup", "-d", path], capture_output=True)
        if os.path.exists(backing):
            os.unlink(backing)

    atexit.register(cleanup)
    with open("/sys/class/block/%s/dev" % name) as f:
        dev = f.read().strip()
    time.sleep(0.5)  # let any probe reads of the new device finish before tracing
    _loop.update(path=path, name=name, dev=dev)
    return _loop



def start_driver(*steps):
    """Start blkio_io paused; returns (Popen, pid)."""
    d = subprocess.Popen([DRIVER, loop()["path"], *steps], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = d.stdout.readline().split()
    check(len(line) == 2 and line[0] == "ready", "driver did not start: %r" % line)
    return d, int(line[1])


def release_driver(d):
    d.stdin.write("go\n")
    d.stdin.flush()
    out, err = d.communicate(timeout=60)
    check(d.returncode == 0 and "done" in out, "driver failed (%d): %s" % (d.returncode, err))
