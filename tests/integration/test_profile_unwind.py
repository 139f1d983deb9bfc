"""test_profile_unwind.py: `vigil profile` unwinds programs built without frame pointers.

unwind/unw_main.c and unwind/unw_lib.c are built here with -O2 -fomit-frame-pointer (as
Debian builds its packages): main calls ten frames down, five in the program and five in the
shared library, then burns CPU or sleeps in nanosleep. Nearly every sample must carry the
whole chain up to main. Debian's own xz (liblzma, libc: no frame pointers, no .symtab) and
python3 must unwind to libc's __libc_start_call_main as often as `perf record --call-graph
dwarf`, run over the same seconds, does. Every workload runs far longer than the profile and is killed after,
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


def require_libc_debug():
    """libc's local symbols (__libc_start_call_main, __restore_rt) come from libc6-dbg."""
    st = subprocess.run(["dpkg-query", "-W", "-f", "${Status}", "libc6-dbg"],
                        capture_output=True, text=True).stdout
    if not st.endswith(" installed"):
        if IN_CI:
            raise AssertionError("libc6-dbg is not installed: libc has no symbols")
        skip("libc6-dbg is not installed: libc has no symbols")


def build(tmp, flags=("-O2", "-fomit-frame-pointer", "-g0")):
    """Build the workload without frame pointers; return the program's path."""
    if not shutil.which("gcc"):
        skip("gcc is not installed")
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
def test_unwind_refuses_a_libdw_of_another_release():
    """libdw is loaded when profile starts and handed Elf handles from the libelf vigil links,
    so a libdw.so.1 of another elfutils release (here a stand-in reporting 0.999, found first
    through LD_LIBRARY_PATH) is refused with both versions named, once; the profile still
    runs, on frame pointers alone, so the chain no longer reaches main."""
    require_root()
    tmp = tempfile.mkdtemp()
    fake = os.path.join(tmp, "fake")
    os.mkdir(fake)
    src = os.path.join(fake, "dw.c")
    with open(src, "w") as f:
        f.write('const char *dwfl_version(void *dwfl) { return "0.999"; }\n')
    subprocess.run(["gcc", "-shared", "-fPIC", "-Wl,-soname,libdw.so.1", "-o",
                    os.path.join(fake, "libdw.so.1"), src], check=True)
    p, pid = start([build(tmp), "cpu", "120"])
    try:
        r = vigil("profile", "--pid", str(pid), "--duration", "2", "--freq", "199", "-U",
                  env=dict(os.environ, LD_LIBRARY_PATH=fake))
    finally:
        stop(p)
    said = re.findall(r"libdw\.so\.1 is elfutils 0\.999, vigil was built with \d+\.\d+", r.stderr)
    check(len(said) == 1, "mismatch said %d times: %r" % (len(said), r.stderr[-800:]))
    stacks = folded(r.stdout)
    total = sum(v for _, v in stacks)
    whole = sum(v for f, v in stacks if has_chain(f))
    check(total >= 50, "too few samples: %d" % total)
    check(whole < 0.5 * total, "%d of %d samples unwound without libdw's tables" % (whole, total))


@test
def test_unwind_from_debug_frame():
    """Built with -fno-asynchronous-unwind-tables -g, the chain's CFI is only in .debug_frame:
    first in the objects themselves, then stripped into debug files their .gnu_debuglink
    names (found next to them), then in a --debug-dir by build id."""
    require_root()
    tmp = tempfile.mkdtemp()
    prog = build(tmp, ["-O2", "-fomit-frame-pointer", "-fno-asynchronous-unwind-tables", "-g"])
    lib = os.path.join(tmp, "libunw.so")
    for obj in (prog, lib):
        out = subprocess.run(["readelf", "-wf", obj], capture_output=True, text=True).stdout
        check("FDE" in out, "%s has no .debug_frame" % obj)

    def chain_share(*args):
        p, pid = start([prog, "cpu", "120"])
        try:
            r = vigil("profile", "--pid", str(pid), "--duration", "2", "--freq", "199", "-U",
                      *args)
        finally:
            stop(p)
        stacks = folded(r.stdout)
        total = sum(v for _, v in stacks)
        check(total >= 50, "too few samples: %d" % total)
        return sum(v for f, v in stacks if has_chain(f)) / total, stacks

    for stripped in (False, True):
        if stripped:
            for obj in (prog, lib):
                subprocess.run(["objcopy", "--only-keep-debug", obj, obj + ".debug"],
                               check=True)
                subprocess.run(["objcopy", "--strip-debug", "--add-gnu-debuglink=" +
                                obj + ".debug", obj], check=True)
            sections = subprocess.run(["readelf", "-S", lib], capture_output=True,
                                      text=True).stdout
            check(".debug_frame" not in sections, "still has .debug_frame")
        share, stacks = chain_share()
        check(share >= 0.99, "stripped=%s: %.2f of samples carry main..unw_l5: %r" %
              (stripped, share, [s for s in stacks if not has_chain(s[0])][:3]))
    # the debug files moved to DIR/.build-id/xx/rest.debug, as -dbg packages lay them out:
    # found only when --debug-dir names DIR
    dbg = os.path.join(tmp, "debug")
    for obj in (prog, lib):
        notes = subprocess.run(["readelf", "-n", obj], capture_output=True, text=True).stdout
        bid = re.search(r"Build ID: ([0-9a-f]+)", notes).group(1)
        os.makedirs(os.path.join(dbg, ".build-id", bid[:2]), exist_ok=True)
        os.rename(obj + ".debug", os.path.join(dbg, ".build-id", bid[:2], bid[2:] + ".debug"))
    share, _ = chain_share()
    check(share < 0.5, "without --debug-dir %.2f of samples still reach main" % share)
    share, stacks = chain_share("--debug-dir", dbg)
    check(share >= 0.99, "--debug-dir: %.2f of samples carry main..unw_l5: %r" %
          (share, [s for s in stacks if not has_chain(s[0])][:3]))


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
    # Off-CPU the two innermost frames are libc's (nanosleep): a walk cut there by the limit
    # must not pass for one that ended in libc.
    p, pid = start([build(tmp), "sleep", "120"])
    try:
        r = vigil("profile", "--off-cpu", "--pid", str(pid), "--duration", "2", "-U",
                  "--max-frames", "2")
    finally:
        stop(p)
    stacks = folded(r.stdout)
    check(stacks, "no off-CPU stacks")
    for f, _ in stacks:
        u = user_frames(f)
        check(u[0] == "[truncated]" and len(u) == 3, "not cut at 2 frames: %r" % f)


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


def build_one(tmp, name, extra=()):
    """Build unwind/NAME.c with -O2 -fomit-frame-pointer (and extra); return its path."""
    if not shutil.which("gcc"):
        skip("gcc is not installed")
    prog = os.path.join(tmp, name)
    subprocess.run(["gcc", "-O2", "-fomit-frame-pointer", *extra, "-o", prog,
                    os.path.join(SRC, name + ".c")], check=True)
    return prog


@test
def test_unwind_through_signal_handler():
    require_root()
    require_libc_debug()
    tmp = tempfile.mkdtemp()
    p, pid = start([build_one(tmp, "unw_signal", ["-g0"]), "120"])
    try:
        r = vigil("profile", "--pid", str(pid), "--duration", "2", "--freq", "199", "-U")
    finally:
        stop(p)
    stacks = folded(r.stdout)
    total = sum(v for _, v in stacks)
    # The handler's frames, the trampoline, then the interrupted code down to main.
    want = ["main", "sig_outer", "sig_spin", "__restore_rt", "sig_handler", "sig_burn"]

    def through(frames):
        u = user_frames(frames)
        return "[truncated]" not in u and any(u[i:i + len(want)] == want
                                              for i in range(1, len(u)))
    whole = sum(v for f, v in stacks if through(f))
    check(total >= 50, "too few samples: %d" % total)
    check(whole >= 0.99 * total, "%d of %d samples reach main through the handler: %r" %
          (whole, total, stacks[:3]))


@test
def test_unwind_through_vdso():
    """clock_gettime() in a loop: samples in the [vdso] unwind from its own CFI, every one to
    main (frame pointers there lose or skip the caller at the vdso's entry and exit)."""
    require_root()
    tmp = tempfile.mkdtemp()
    p, pid = start([build_one(tmp, "unw_vdso", ["-g0"]), "120"])
    try:
        r = vigil("profile", "--pid", str(pid), "--duration", "3", "--freq", "199", "-U")
    finally:
        stop(p)
    stacks = folded(r.stdout)
    total = sum(v for _, v in stacks)
    in_vdso = [(f, v) for f, v in stacks if any(x.startswith("[vdso]") for x in f)]
    n_vdso = sum(v for _, v in in_vdso)
    check(total >= 200 and n_vdso >= total // 4, "%d of %d samples in the vdso" %
          (n_vdso, total))
    for f, v in in_vdso:
        u = user_frames(f)
        i = next(k for k, x in enumerate(u) if x.startswith("[vdso]"))
        check("[truncated]" not in u and u[i - 4:i - 1] == ["main", "vdso_outer", "vdso_loop"],
              "%d samples not unwound through the vdso: %r" % (v, f))


@test
def test_unwind_cut_where_the_cfi_knows_a_caller():
    """cut_leaf runs on a stack whose caller's frame is unreadable, called from a library
    named like a C library (libc-vigilcut.so), where a walk that merely ends would pass for a
    whole stack: the unwinder knew of a caller there, so every sample says [truncated]."""
    require_root()
    tmp = tempfile.mkdtemp()
    flags = ["-O2", "-fomit-frame-pointer", "-g0"]
    subprocess.run(["gcc", *flags, "-fPIC", "-shared", "-o",
                    os.path.join(tmp, "libc-vigilcut.so"),
                    os.path.join(SRC, "unw_cut_lib.c")], check=True)
    prog = os.path.join(tmp, "unw_cut")
    subprocess.run(["gcc", *flags, "-o", prog, os.path.join(SRC, "unw_cut.c"), "-L" + tmp,
                    "-l:libc-vigilcut.so", "-Wl,-rpath," + tmp], check=True)
    p, pid = start([prog, "120"])
    try:
        r = vigil("profile", "--pid", str(pid), "--duration", "2", "--freq", "199", "-U")
    finally:
        stop(p)
    stacks = folded(r.stdout)
    total = sum(v for _, v in stacks)
    check(total >= 200, "too few samples: %d" % total)
    for f, v in stacks:
        # cut_leaf's own callees (clock_gettime, the vdso) may sit below it in a sample
        check(user_frames(f)[:3] == ["[truncated]", "cut_call_on_edge", "cut_leaf"],
              "%d samples not marked cut: %r" % (v, f))
    check(re.search(r"truncated user stacks: %d samples" % total, r.stderr),
          "not counted: %r" % r.stderr)


@test
def test_unwind_jit_code_labelled_and_named_from_perf_map():
    """Code in anonymous executable memory shows as [jit], or by the name the process's
    /tmp/perf-PID.map gives it; the walk continues through it (frame pointers) to main."""
    require_root()
    tmp = tempfile.mkdtemp()
    prog = build_one(tmp, "unw_jit", ["-g0"])
    for extra, label in (([], "[jit]"), (["map"], "jit_trampoline")):
        p, pid = start([prog, "120", *extra])
        try:
            r = vigil("profile", "--pid", str(pid), "--duration", "2", "--freq", "199", "-U")
        finally:
            stop(p)
            if extra:
                os.unlink("/tmp/perf-%d.map" % pid)
        stacks = folded(r.stdout)
        total = sum(v for _, v in stacks)
        want = ["main", "jit_outer", label, "jit_burn"]
        whole = sum(v for f, v in stacks
                    if "[truncated]" not in f and
                    any(user_frames(f)[i:i + 4] == want for i in range(1, len(f))))
        check(total >= 50, "too few samples: %d" % total)
        check(whole >= 0.99 * total, "%s: %d of %d samples carry %r: %r" %
              (label, whole, total, want, stacks[:3]))


# test_unwind_eviction's padding: tiny functions whose CFI makes about two rows each.
EVICT_PAD = ('"evpad%s_%d:\\n.cfi_startproc\\npush %%rbx\\n.cfi_adjust_cfa_offset 8\\n'
             'pop %%rbx\\n.cfi_adjust_cfa_offset -8\\nret\\n.cfi_endproc\\n"\n')
EVICT_BURN = """#include <time.h>
static double evict_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noinline)) unsigned long evict%s_burn(double secs)
{
	double end = evict_now() + secs;
	unsigned long x = 1;

	while (evict_now() < end) {
		for (int i = 0; i < 10000; i++)
			x = x * 6364136223846793005UL + 1442695040888963407UL;
	}
	return x;
}
"""


def build_evict(tmp, nlibs=3, pad=40000):
    """unw_evict linked to nlibs libraries of about 2 * pad unwind rows each."""
    if not shutil.which("gcc"):
        skip("gcc is not installed")
    flags = ["-O2", "-fomit-frame-pointer", "-g0"]
    libs = []
    for k in range(nlibs):
        src = os.path.join(tmp, "ev%d.c" % k)
        with open(src, "w") as f:
            f.write(EVICT_BURN % k)
            f.write('__asm__(".text\\n"\n')
            f.write("".join(EVICT_PAD % (k, i) for i in range(pad)))
            f.write(");\n")
        subprocess.run(["gcc", *flags, "-fPIC", "-shared", "-o",
                        os.path.join(tmp, "libev%d.so" % k), src], check=True)
        libs.append("-lev%d" % k)
    prog = os.path.join(tmp, "unw_evict")
    subprocess.run(["gcc", *flags, "-o", prog, os.path.join(SRC, "unw_evict.c"), "-L" + tmp,
                    *libs, "-Wl,-rpath," + tmp], check=True)
    return prog


@test
def test_unwind_eviction_under_memory_bound():
    """Three libraries of ~80000 rows each, 131072 rows of --unwind-memory 1M: they take
    turns, each burning 0.3 s; tables are evicted and placed again, and no stack is wrong."""
    require_root()
    tmp = tempfile.mkdtemp()
    p, pid = start([build_evict(tmp), "0.3"])
    try:
        r = vigil("profile", "--pid", str(pid), "--duration", "4", "--freq", "199", "-U",
                  "--unwind-memory", "1M", "-f", "json")
    finally:
        stop(p)
    import json
    doc = json.loads(r.stdout)
    unw = doc["unwind"]
    print("    unwind: %r" % unw)
    check(unw["rows_capacity"] == 131072, "capacity %r" % unw)
    check(unw["evictions"] >= 3 and unw["loads"] > unw["evictions"], "no eviction: %r" % unw)
    check(re.search(r"\d+ unwind tables evicted", r.stderr), "not reported: %r" % r.stderr)
    total = whole = cut = 0
    for st in doc["stacks"]:
        u = st["user_frames"]
        total += st["value"]
        burn = [i for i, f in enumerate(u) if re.fullmatch(r"evict\d_burn", f)]
        if not burn:
            # Cut short inside the burn loop's call to clock_gettime (its PLT stub, libc, the
            # vdso) when the caller's table was evicted: only true frames, and marked as cut,
            # never as complete (a row read while its table's slot was reused once ended such
            # a walk).
            check(u and u[0] == "[truncated]" and
                  all(f.startswith(("__GI___clock_gettime", "clock_gettime", "[vdso]"))
                      for f in u[1:]), "no burn frame in %r" % u)
            cut += st["value"]
            continue
        check(len(burn) == 1, "two burn frames in %r" % u)
        i = burn[0]
        # What lies below the leaf is right, or cut short: never a wrong frame.
        check(u[i - 1] in ("evict_loop", "[truncated]"), "wrong caller: %r" % u)
        if u[i - 1] == "evict_loop":
            check(u[i - 2] in ("main", "[truncated]"), "wrong caller: %r" % u)
            whole += st["value"] if u[i - 2] == "main" else 0
    print("    %d samples, %d reach main, %d cut short in clock_gettime" % (total, whole, cut))
    check(total >= 200, "too few samples: %d" % total)
    check(whole >= 0.8 * total, "only %d of %d samples reach main" % (whole, total))


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


def unwind_like_perf(name, argv, named, stdin=None):
    """Profile the Debian program argv (no frame pointers) with vigil and with perf record
    --call-graph dwarf over the same seconds: at least 95% of vigil's samples must reach libc's
    __libc_start_call_main (perf: 90%, or the comparison means nothing), the frames both name
    (named, outermost first) must come in that order, and the share of samples under all of
    them must agree within 10 points."""
    for tool in (argv[0], "perf"):
        if not shutil.which(tool):
            skip("%s is not installed (tools/deps.sh installs it)" % tool)
    require_libc_debug()
    tmp = tempfile.mkdtemp()
    with open(os.devnull, "wb") as dst:
        prog = subprocess.Popen(argv, stdin=stdin, stdout=dst)
    data = os.path.join(tmp, "perf.data")
    try:
        perf = subprocess.Popen(["perf", "record", "-q", "-F", "99", "--call-graph", "dwarf",
                                 "-p", str(prog.pid), "-o", data, "--", "sleep", "4"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        r = vigil("profile", "--pid", str(prog.pid), "--duration", "3", "--freq", "99", "-U")
        perf.wait(timeout=120)
    finally:
        stop(prog)
    stacks = folded(r.stdout)
    total = sum(v for _, v in stacks)
    ours = sum(v for f, v in stacks if "__libc_start_call_main" in f)
    theirs = perf_stacks(data)
    perf_ok = sum(1 for s in theirs if "__libc_start_call_main" in s)
    print("    %s: vigil %d/%d samples to __libc_start_call_main, perf %d/%d" %
          (name, ours, total, perf_ok, len(theirs)))
    check(total >= 100, "too few samples: %d" % total)
    check(ours >= 0.95 * total, "vigil: %d of %d samples reach __libc_start_call_main: %r" %
          (ours, total, stacks[:3]))
    check(len(theirs) >= 100 and perf_ok >= 0.9 * len(theirs),
          "perf itself unwound only %d of %d samples" % (perf_ok, len(theirs)))
    # The common part of the stacks, frame by frame: what both name, in the same order.
    ours_l = sum(v for f, v in stacks if all(n in f for n in named))
    theirs_l = sum(1 for s in theirs if all(n in s for n in named))
    for f, _ in stacks[:5]:
        idx = [f.index(n) for n in named if n in f]
        check(idx == sorted(idx), "frames out of order: %r" % f)
    check(abs(ours_l / total - theirs_l / len(theirs)) < 0.1,
          "share of samples under %s: vigil %d/%d, perf %d/%d" %
          (named[-1], ours_l, total, theirs_l, len(theirs)))


@test
def test_unwind_debian_xz_like_perf():
    require_root()
    with open("/dev/urandom", "rb") as src:
        unwind_like_perf("xz", ["xz", "-9", "-T1", "-c"],
                         ["__libc_start_call_main", "main", "lzma_code"], stdin=src)


@test
def test_unwind_debian_python3_like_perf():
    """Debian's python3 (no frame pointers, its interpreter loop deep in libpython's code
    linked into the executable) running a recursive function."""
    require_root()
    loop = "def f(n):\n    return n if n < 2 else f(n - 1) + f(n - 2)\nwhile True:\n    f(25)\n"
    unwind_like_perf("python3", ["/usr/bin/python3", "-c", loop],
                     ["__libc_start_call_main", "Py_BytesMain", "Py_RunMain",
                      "_PyEval_EvalFrameDefault"])


if __name__ == "__main__":
    main()
