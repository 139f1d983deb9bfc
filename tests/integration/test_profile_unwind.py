"""test_profile_unwind.py: `vigil profile` unwinds programs built without frame pointers.

unwind/unw_main.c and unwind/unw_lib.c are built here with -O2 -fomit-frame-pointer (as
Debian builds its packages): main calls ten frames down, five in the program and five in the
shared library, then burns CPU or sleeps in nanosleep. Nearly every sample must carry the
whole chain up to main. Debian's own xz (liblzma, libc: no frame pointers, no .symtab) must
unwind to libc's __libc_start_call_main as often as `perf record --call-graph dwarf`, run over
the same seconds, does. Every workload runs far longer than the profile and is killed after,
so a slow start of vigil on a loaded machine only shifts the window.
"""
import os
import re
import shutil
import subprocess
import tempfile

from harness import IN_CI, ROOT, check, main, require_root, skip, test, vigil

SRC = os.path.join(ROOT, "tests", "integration", "unwind")
CHAIN = ["main", "unw_a1", "unw_a2", "unw_a3", "unw_a4", "unw_a5",
         "unw_l1", "unw_l2", "unw_l3", "unw_l4", "unw_l5"]
LIBC_DEBUG = "/usr/lib/debug/.build-id"


def folded(text):
    out = []
    for line in text.splitlines():
        m = re.match(r"^(.+) (\d+)$", line)
        check(m, "bad folded line: %r" % line[:200])
        out.append((m.group(1).split(";"), int(m.group(2))))
    return out


def user_frames(frames):
    return [f for f in frames[1:] if not f.endswith("_[k]")]


def has_chain(frames):
    """CHAIN appears, in order and contiguous, below an entry point of the process."""
    u = user_frames(frames)
    for i in range(len(u) - len(CHAIN) + 1):
        if u[i:i + len(CHAIN)] == CHAIN:
            return i > 0 and "[truncated]" not in u
    return False


def build(tmp):
    """Build the workload without frame pointers; return the program's path."""
    if not shutil.which("gcc"):
        skip("gcc is not installed")
    flags = ["-O2", "-fomit-frame-pointer", "-g0"]
    lib = os.path.join(tmp, "libunw.so")
    prog = os.path.join(tmp, "unw_main")
    subprocess.run(["gcc", *flags, "-fPIC", "-shared", "-o", lib,
                    os.path.join(SRC, "unw_lib.c")], check=True)
    subprocess.run(["gcc", *flags, "-o", prog, os.path.join(SRC, "unw_main.c"),
                    "-L" + tmp, "-lunw", "-Wl,-rpath," + tmp], check=True)
    # The premise: none of the chain's functions keeps a frame pointer.
    for obj in (lib, prog):
        dis = subprocess.run(["objdump", "-d", obj], capture_output=True, text=True).stdout
        for fn in re.split(r"\n(?=[0-9a-f]+ <)", dis):
            if fn.split("\n")[0].split("<")[-1].startswith("unw_"):
                check("%rsp,%rbp" not in fn, "frame pointer set up in %s" % fn[:60])
    return prog


def start(cmd):
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    check(line.startswith("ready "), "workload did not start: %r" % line)
    return p, int(line.split()[1])


def stop(p):
    p.kill()
    p.wait()


@test
def test_unwind_ten_frames_without_frame_pointers():
    require_root()
    tmp = tempfile.mkdtemp()
    p, pid = start([build(tmp), "cpu", "120"])
    try:
        r = vigil("profile", "--pid", str(pid), "--duration", "3", "--freq", "199", "-U")
    finally:
        stop(p)
    stacks = folded(r.stdout)
    total = sum(v for _, v in stacks)
    whole = sum(v for f, v in stacks if has_chain(f))
    check(total >= 50, "too few samples: %d" % total)
    check(whole >= 0.99 * total, "%d of %d samples carry main..unw_l5: %r" %
          (whole, total, [s for s in stacks if not has_chain(s[0])][:3]))


@test
def test_unwind_max_frames_truncates():
    require_root()
    tmp = tempfile.mkdtemp()
    p, pid = start([build(tmp), "cpu", "120"])
    try:
        r = vigil("profile", "--pid", str(pid), "--duration", "2", "--freq", "99", "-U",
                  "--max-frames", "5")
    finally:
        stop(p)
    stacks = folded(r.stdout)
    total = sum(v for _, v in stacks)
    check(total > 0, "no samples")
    for f, _ in stacks:
        u = user_frames(f)
        check(u[0] == "[truncated]" and len(u) == 6, "not cut at 5 frames: %r" % f)


@test
def test_unwind_off_cpu_nanosleep_through_libc():
    require_root()
    tmp = tempfile.mkdtemp()
    p, pid = start([build(tmp), "sleep", "120"])
    try:
        r = vigil("profile", "--off-cpu", "--pid", str(pid), "--duration", "2", "-U")
    finally:
        stop(p)
    stacks = folded(r.stdout)
    total = sum(v for _, v in stacks)
    # nanosleep's own frames are libc's, which has no frame pointers: CFI walks them.
    whole = sum(v for f, v in stacks if has_chain(f) and user_frames(f)[-1] != "unw_l5")
    check(total >= 1000000, "only %d us blocked in 2 s" % total)
    check(whole >= 0.95 * total, "%d of %d us carry main..unw_l5..libc: %r" %
          (whole, total, stacks[:3]))


def perf_stacks(path):
    """perf script's samples, each a list of symbol names, innermost first."""
    out = subprocess.run(["perf", "script", "-i", path, "-F", "comm,ip,sym"],
                         capture_output=True, text=True).stdout
    samples, cur = [], None
    for line in out.splitlines():
        if not line.strip():
            if cur is not None:
                samples.append(cur)
            cur = None
        elif not line.startswith((" ", "\t")):
            cur = []
        elif cur is not None:
            parts = line.split(None, 1)
            cur.append(parts[1].strip() if len(parts) > 1 else "")
    if cur is not None:
        samples.append(cur)
    return samples


@test
def test_unwind_debian_xz_like_perf():
    require_root()
    for tool in ("xz", "perf"):
        if not shutil.which(tool):
            skip("%s is not installed (tools/deps.sh installs it)" % tool)
    if not os.path.isdir(LIBC_DEBUG):
        if IN_CI:
            raise AssertionError("libc6-dbg is not installed: libc has no symbols")
        skip("libc6-dbg is not installed: libc has no symbols")
    tmp = tempfile.mkdtemp()
    with open("/dev/urandom", "rb") as src, open(os.devnull, "wb") as dst:
        xz = subprocess.Popen(["xz", "-9", "-T1", "-c"], stdin=src, stdout=dst)
    data = os.path.join(tmp, "perf.data")
    try:
        perf = subprocess.Popen(["perf", "record", "-q", "-F", "99", "--call-graph", "dwarf",
                                 "-p", str(xz.pid), "-o", data, "--", "sleep", "4"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        r = vigil("profile", "--pid", str(xz.pid), "--duration", "3", "--freq", "99", "-U")
        perf.wait(timeout=120)
    finally:
        stop(xz)
    stacks = folded(r.stdout)
    total = sum(v for _, v in stacks)
    ours = sum(v for f, v in stacks if "__libc_start_call_main" in f)
    theirs = perf_stacks(data)
    perf_ok = sum(1 for s in theirs if "__libc_start_call_main" in s)
    print("    xz: vigil %d/%d samples to __libc_start_call_main, perf %d/%d" %
          (ours, total, perf_ok, len(theirs)))
    check(total >= 100, "too few samples: %d" % total)
    check(ours >= 0.95 * total, "vigil: %d of %d samples reach __libc_start_call_main: %r" %
          (ours, total, stacks[:3]))
    check(len(theirs) >= 100 and perf_ok >= 0.9 * len(theirs),
          "perf itself unwound only %d of %d samples" % (perf_ok, len(theirs)))
    # The common part of the stacks, frame by frame: what both name, in the same order.
    named = ["__libc_start_call_main", "main", "lzma_code"]
    ours_l = sum(v for f, v in stacks if all(n in f for n in named))
    theirs_l = sum(1 for s in theirs if all(n in s for n in named))
    for f, _ in stacks[:5]:
        idx = [f.index(n) for n in named if n in f]
        check(idx == sorted(idx), "frames out of order: %r" % f)
    check(abs(ours_l / total - theirs_l / len(theirs)) < 0.1,
          "share of samples under lzma_code: vigil %d/%d, perf %d/%d" %
          (ours_l, total, theirs_l, len(theirs)))


if __name__ == "__main__":
    main()
