"""test_profile_symbols.py: the names `vigil profile` gives user frames, and its pprof and
flame-graph output, against the tools users trust.

Workloads are compiled here (gcc, g++) into a temporary directory: a C program whose hot
functions are static (so no .dynsym entry can name them), and a C++ one with a template and
a namespace. The tests check that C++ names equal c++filt's (and stay mangled with
--no-demangle); that a stripped binary gets its symbols from a debug file installed by
build id under --debug-dir, and from MiniDebugInfo (.gnu_debugdata made with objcopy and xz,
as Fedora and Debian do) -- and does not without them; that `go tool pprof -top` reads the
pprof file and finds the same top functions as the folded output of a profiler running
alongside; that flame graphs colour kernel and user frames apart (blue off-CPU), carry a
title with host, duration, count and filter, show human durations, and are well-formed XML;
and that an SVG or pprof is never written to a terminal.
"""
import atexit
import colorsys
import os
import pty
import re
import shutil
import socket
import subprocess
import tempfile
import xml.etree.ElementTree as ET

from harness import VIGIL, check, main, require_root, skip, start_vigil, test, vigil

C_SRC = r"""
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static __attribute__((noinline)) unsigned long sym_hot_a(unsigned long n)
{
	volatile unsigned long x = 0;

	for (unsigned long i = 0; i < n; i++)
		x += i * 7;
	return x;
}

static __attribute__((noinline)) unsigned long sym_hot_b(unsigned long n)
{
	volatile unsigned long x = 1;

	for (unsigned long i = 0; i < n; i++)
		x ^= i * 13;
	return x;
}

static __attribute__((noinline)) void sym_sleeper(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static __attribute__((noinline)) void sym_reader(int fd, char *buf)
{
	if (read(fd, buf, 1 << 20) < 0)
		exit(1);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "cpu";
	static char buf[1 << 20];
	int fd = open("/dev/zero", O_RDONLY);

	printf("ready %d\n", getpid());
	fflush(stdout);
	for (;;) {
		if (!strcmp(mode, "sleep")) {
			sym_sleeper();
			continue;
		}
		sym_hot_a(2000000);
		sym_hot_a(2000000);
		sym_hot_a(2000000);
		sym_hot_b(2000000);
		if (!strcmp(mode, "mix"))
			sym_reader(fd, buf);
	}
}
"""

CXX_SRC = r"""
#include <cstdio>
#include <string>
#include <vector>
#include <unistd.h>

namespace shapes {
template <typename T> struct Box {
	__attribute__((noinline)) T spin(T n) const
	{
		volatile T x = 0;
		for (T i = 0; i < n; i++)
			x = x + i * 3;
		return x;
	}
};

__attribute__((noinline)) long run(const std::vector<int> &v, std::string tag)
{
	Box<long> b;
	long s = 0;
	for (int x : v)
		s += b.spin(x) + (long)tag.size();
	return s;
}
}

int main()
{
	std::vector<int> v(100, 200000);

	std::printf("ready %d\n", (int)getpid());
	std::fflush(stdout);
	for (;;)
		shapes::run(v, "t");
}
"""

_build = {}


def sh(cmd, cwd):
    r = subprocess.run(cmd, shell=True, cwd=cwd, capture_output=True, text=True)
    check(r.returncode == 0, "%s: %s" % (cmd, r.stderr[-1000:]))
    return r.stdout


def require_tool(name):
    if not shutil.which(name):
        skip("%s is not installed (tools/deps.sh)" % name)


def workdir():
    """Compile the workloads once: returns the directory holding them."""
    if "dir" in _build:
        return _build["dir"]
    for t in ("gcc", "g++", "objcopy", "strip", "nm", "xz", "readelf"):
        require_tool(t)
    d = tempfile.mkdtemp(prefix="vigil-syms-")
    atexit.register(shutil.rmtree, d, True)
    with open(os.path.join(d, "prog.c"), "w") as f:
        f.write(C_SRC)
    with open(os.path.join(d, "cxx.cpp"), "w") as f:
        f.write(CXX_SRC)
    flags = "-O1 -g -fno-omit-frame-pointer -fno-inline -Wl,--build-id"
    sh("gcc %s -o prog prog.c" % flags, d)
    with open(os.path.join(d, "other.c"), "w") as f:
        f.write(C_SRC.replace("sym_hot_", "sym_other_"))
    sh("gcc %s -o other other.c" % flags, d)
    sh("g++ %s -o cxx cxx.cpp" % flags, d)
    # A debug file by build id, under a private root (never /usr/lib/debug).
    bid = build_id(os.path.join(d, "prog"))
    os.makedirs(os.path.join(d, "debug", ".build-id", bid[:2]))
    sh("objcopy --only-keep-debug prog debug/.build-id/%s/%s.debug" % (bid[:2], bid[2:]), d)
    sh("strip --strip-all -o prog.stripped prog", d)
    # MiniDebugInfo, the way Fedora's find-debuginfo and Debian's dh_strip build it: the
    # function symbols that .dynsym lacks, in an xz-compressed ELF in .gnu_debugdata.
    sh("nm -D prog --format=posix --defined-only | awk '{print $1}' | sort > dynsyms", d)
    sh("nm prog --format=posix --defined-only | awk '$2 ~ /[Tt]/ {print $1}' | sort > funcs", d)
    sh("comm -13 dynsyms funcs > keep", d)
    sh("objcopy --only-keep-debug prog full.debug", d)
    sh("objcopy -S --remove-section .gdb_index --remove-section .comment "
       "--keep-symbols=keep full.debug mini", d)
    sh("xz -f mini", d)
    sh("strip --strip-all -o prog.mini prog", d)
    sh("objcopy --add-section .gnu_debugdata=mini.xz prog.mini", d)
    _build["dir"] = d
    return d


def build_id(path):
    out = subprocess.run(["readelf", "-n", path], capture_output=True, text=True).stdout
    m = re.search(r"Build ID: ([0-9a-f]+)", out)
    check(m, "%s has no build id" % path)
    return m.group(1)


def start_workload(path, *args):
    p = subprocess.Popen([path, *args], stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    check(line.startswith("ready "), "%s did not start: %r" % (path, line))
    return p


def stop(p):
    p.kill()
    p.wait()


def run_profiles(pid, *arglists, duration="3", pid_filter=True):
    """Run several `vigil profile --pid PID -d DURATION ARGS` side by side over one window of
    the workload; returns [(stdout, stderr)]."""
    target = ["--pid", str(pid)] if pid_filter else []
    procs = [start_vigil("profile", *target, "--duration", duration, *args)
             for args in arglists]
    out = []
    for v in procs:
        stdout, stderr = v.communicate(timeout=120)
        check(v.returncode == 0, "vigil exited %d: %s" % (v.returncode, stderr[-2000:]))
        out.append((stdout, stderr))
    return out


def folded(text):
    out = []
    for line in text.splitlines():
        m = re.match(r"^(.+) (\d+)$", line)
        check(m, "bad folded line: %r" % line[:200])
        out.append((m.group(1).split(";"), int(m.group(2))))
    return out


def leaf_totals(stacks):
    """Samples by innermost user frame."""
    tot = {}
    for frames, v in stacks:
        user = [f for f in frames[1:] if not f.endswith("_[k]")]
        if user:
            tot[user[-1]] = tot.get(user[-1], 0) + v
    return tot


def all_frames(stacks):
    return {f for frames, _ in stacks for f in frames}


@test
def test_cxx_names_equal_cxxfilt():
    require_root()
    d = workdir()
    require_tool("c++filt")
    mangled = [line.split()[-1] for line in sh("nm cxx", d).splitlines()
               if "4spin" in line or "3run" in line]
    check(len(mangled) == 2, "expected spin and run in nm: %r" % mangled)
    expected = sh("c++filt " + " ".join(mangled), d).split("\n")[:2]
    w = start_workload(os.path.join(d, "cxx"))
    try:
        (plain, _), (raw, _) = run_profiles(w.pid, ["-U"], ["-U", "--no-demangle"])
    finally:
        stop(w)
    names, raw_names = all_frames(folded(plain)), all_frames(folded(raw))
    for want, m in zip(expected, mangled):
        check(want in names, "c++filt's %r not among the frames %r" % (want, sorted(names)))
        check(m in raw_names, "--no-demangle: %r not among %r" % (m, sorted(raw_names)))
        check(m not in names, "mangled %r left in demangled output" % m)


@test
def test_stripped_binary_symbols_from_build_id_debug_dir():
    require_root()
    d = workdir()
    w = start_workload(os.path.join(d, "prog.stripped"))
    try:
        (found, _), (missing, _) = run_profiles(
            w.pid, ["-U", "--debug-dir", os.path.join(d, "debug")], ["-U"])
    finally:
        stop(w)
    with_dbg, without = leaf_totals(folded(found)), leaf_totals(folded(missing))
    check(with_dbg.get("sym_hot_a", 0) > 0 and with_dbg.get("sym_hot_b", 0) > 0,
          "debug file by build id not used: %r" % with_dbg)
    # Without it the static functions have no name: the same samples are module+offset.
    check(not any(k.startswith("sym_hot") for k in without),
          "symbols found without the debug file: %r" % without)
    check(any(k.startswith("prog.stripped+0x") for k in without),
          "expected module+offset frames: %r" % without)


@test
def test_minidebuginfo_symbols():
    require_root()
    d = workdir()
    w = start_workload(os.path.join(d, "prog.mini"))
    try:
        [(out, _)] = run_profiles(w.pid, ["-U"])
    finally:
        stop(w)
    tot = leaf_totals(folded(out))
    check(tot.get("sym_hot_a", 0) > 0 and tot.get("sym_hot_b", 0) > 0,
          ".gnu_debugdata symbols not found: %r" % tot)
    check(tot["sym_hot_a"] > tot["sym_hot_b"], "3:1 workload, got %r" % tot)


@test
def test_same_path_in_two_mount_namespaces_not_confused():
    """A "container" (a private mount namespace) runs another binary at the host's path of
    prog: both processes are profiled together, and each keeps its own symbols, since objects
    are cached by inode and build id, not by path."""
    require_root()
    require_tool("unshare")
    d = workdir()
    prog = os.path.join(d, "prog")
    host = start_workload(prog)
    cont = subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh", "-c",
                             "mount --bind %s %s && exec %s" % (os.path.join(d, "other"), prog,
                                                                prog)],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = cont.stdout.readline()
        check(line.startswith("ready "), "container workload did not start: %r" % line)
        [(out, _)] = run_profiles(0, ["-U", "--comm", "prog"], pid_filter=False)
    finally:
        stop(host)
        stop(cont)
    names = all_frames(folded(out))
    check({"sym_hot_a", "sym_other_a"} <= names,
          "each process's own functions expected, got %r" % sorted(names))


def pprof_top(path, env):
    """go tool pprof -top, by sample count: {function: flat samples}."""
    # Every node: by default pprof leaves out those under half a percent.
    r = subprocess.run(["go", "tool", "pprof", "-top", "-sample_index=samples",
                        "-nodefraction=0", "-nodecount=100000", path],
                       capture_output=True, text=True, env=env, timeout=120)
    check(r.returncode == 0, "go tool pprof failed: %s" % r.stderr[-2000:])
    flat = {}
    for line in r.stdout.splitlines():
        m = re.match(r"^\s*(\d+)\s+[\d.]+%\s+[\d.]+%\s+(\d+)\s+[\d.]+%\s+(.+)$", line)
        if m:
            flat[m.group(3).strip()] = int(m.group(1))
    check(flat, "no rows in pprof -top: %s" % r.stdout[-2000:])
    return flat, r.stdout


@test
def test_pprof_read_by_go_tool_pprof():
    require_root()
    if not shutil.which("go"):
        skip("go (golang-go) is not installed (tools/deps.sh)")
    d = workdir()
    tmp = scratch("vigil-pprof-")
    pb = os.path.join(tmp, "cpu.pb.gz")
    w = start_workload(os.path.join(d, "prog"))
    try:
        # 997 Hz: both profiles get hundreds of samples even on a loaded machine, so that the
        # shares below differ by sampling noise of a few points at most.
        (_, err), (fold, _) = run_profiles(w.pid, ["-f", "pprof", "-o", pb, "--freq", "997"],
                                           ["--freq", "997"], duration="4")
    finally:
        stop(w)
    env = dict(os.environ, HOME=tmp, PPROF_TMPDIR=tmp)
    flat, text = pprof_top(pb, env)
    # Every sample vigil counted is in the file.
    m = re.search(r"vigil profile: (\d+) samples", err)
    check(m and int(m.group(1)) == sum(flat.values()),
          "pprof holds %d samples, vigil counted %s" % (sum(flat.values()), err))
    fold_leaf = leaf_totals(folded(fold))
    top_pprof = sorted(flat, key=flat.get, reverse=True)[:2]
    top_fold = sorted(fold_leaf, key=fold_leaf.get, reverse=True)[:2]
    check(top_pprof == top_fold == ["sym_hot_a", "sym_hot_b"],
          "top functions: pprof %r, folded %r" % (top_pprof, top_fold))
    n_pprof, n_fold = sum(flat.values()), sum(fold_leaf.values())
    check(min(n_pprof, n_fold) >= 300, "too few samples: %d, %d" % (n_pprof, n_fold))
    for name in top_pprof:
        a, b = flat[name] / n_pprof, fold_leaf[name] / n_fold
        # Two independent samplings of one 3:1 workload: 0.1 is over 4 standard deviations.
        check(abs(a - b) < 0.1, "%s: %.2f of pprof, %.2f of folded" % (name, a, b))
    raw = subprocess.run(["go", "tool", "pprof", "-raw", pb], capture_output=True, text=True,
                         env=env, timeout=120).stdout
    check(build_id(os.path.join(d, "prog")) in raw, "no build id in mappings: %s" % raw[-800:])
    # The profiled program is the profile's main object ("File:" in pprof's header).
    check(re.search(r"^File: prog$", text, re.M), "main object: %s" % text[:300])
    check("cpu/nanoseconds" in raw and "samples/count" in raw, "sample types: %s" % raw[:400])


def scratch(prefix):
    d = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, d, True)
    return d


def frames_of(svg_path):
    """[(name, fill, tooltip)] of an SVG flame graph; fails unless it is well-formed XML."""
    root = ET.parse(svg_path).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    check(root.tag == ns + "svg", "root is %s" % root.tag)
    out = []
    for g in root.iter(ns + "g"):
        name = g.get("data-name")
        if name is None:
            continue
        out.append((name, g.find(ns + "rect").get("fill"), g.find(ns + "title").text))
    texts = {t.get("id"): "".join(t.itertext()) for t in root.iter(ns + "text")}
    return out, texts


def hue(fill):
    r, g, b = (int(x) / 255 for x in re.match(r"rgb\((\d+),(\d+),(\d+)\)", fill).groups())
    return colorsys.rgb_to_hsv(r, g, b)[0] * 360


def coloured(frames, comm):
    """The frames drawn in a kind colour: not the root, the process, or [markers]."""
    return [(n, f, t) for n, f, t in frames if n not in ("all", comm) and not n.startswith("[")]


@test
def test_flamegraph_colours_by_kind_and_title():
    require_root()
    d = workdir()
    tmp = scratch("vigil-fg-")
    svg = os.path.join(tmp, "cpu.svg")
    w = start_workload(os.path.join(d, "prog"), "mix")
    try:
        run_profiles(w.pid, ["-f", "svg", "-o", svg, "--freq", "199"])
    finally:
        stop(w)
    frames, texts = frames_of(svg)
    drawn = coloured(frames, "prog")
    kernel = [hue(f) for n, f, _ in drawn if n.endswith("_[k]")]
    user = [hue(f) for n, f, _ in drawn if not n.endswith("_[k]")]
    check(kernel and user, "need both kinds of frames: %r" % [n for n, _, _ in drawn])
    # Red user frames, amber kernel frames: hue ranges that do not meet.
    check(max(user) < 25 and min(kernel) > 35,
          "user hues %r, kernel hues %r" % (sorted(user)[-3:], sorted(kernel)[:3]))
    check("sym_hot_a" in {n for n, _, _ in drawn}, "user symbol missing")
    sub = texts.get("subtitle", "")
    check(socket.gethostname() in sub, "no host in %r" % sub)
    check(re.search(r"\b\d+(\.\d+)? s\b", sub), "no human duration in %r" % sub)
    check(re.search(r"\b\d+ samples\b", sub) and "--pid %d" % w.pid in sub,
          "no sample count or filter in %r" % sub)


@test
def test_offcpu_flamegraph_blue_with_human_durations():
    require_root()
    d = workdir()
    tmp = scratch("vigil-fg-")
    svg, pb = os.path.join(tmp, "off.svg"), os.path.join(tmp, "off.pb.gz")
    w = start_workload(os.path.join(d, "prog"), "sleep")
    try:
        run_profiles(w.pid, ["--off-cpu", "-f", "svg", "-o", svg],
                     ["--off-cpu", "-f", "pprof", "-o", pb])
    finally:
        stop(w)
    frames, texts = frames_of(svg)
    drawn = coloured(frames, "prog")
    check(any(n.endswith("_[k]") for n, _, _ in drawn), "no kernel frames off-CPU")
    for n, f, _ in drawn:
        check(165 <= hue(f) <= 240, "%s is not in the blue palette: %s" % (n, f))
    root_tip = [t for n, _, t in frames if n == "all"][0]
    # About 3 s blocked in nanosleep: shown as seconds, not millions of microseconds.
    check(re.match(r"^all \(\d\.\d\d s, 100\.00%\)$", root_tip), "root tooltip %r" % root_tip)
    check(not any(re.search(r"\(\d{4,} us", t) for _, _, t in frames), "raw microseconds")
    check("blocks" in texts.get("subtitle", ""), "subtitle %r" % texts.get("subtitle"))
    # The same blocks in pprof: nanoseconds off-CPU, the default sample type.
    if not shutil.which("go"):
        skip("go (golang-go) is not installed (tools/deps.sh)")
    env = dict(os.environ, HOME=tmp, PPROF_TMPDIR=tmp)
    raw = subprocess.run(["go", "tool", "pprof", "-raw", pb], capture_output=True, text=True,
                         env=env, timeout=120).stdout
    check("blocks/count off_cpu/nanoseconds[dflt]" in raw, "sample types: %s" % raw[:400])
    body = raw.split("Samples:", 1)[1].split("Locations", 1)[0]
    total_ns = sum(int(m.group(1)) for m in re.finditer(r"^\s+\d+\s+(\d+): ", body, re.M))
    svg_s = float(re.match(r"^all \((\d\.\d\d) s", root_tip).group(1))
    check(abs(total_ns / 1e9 - svg_s) < 0.1 * svg_s,
          "pprof %.3f s blocked, svg %.2f s" % (total_ns / 1e9, svg_s))


@test
def test_svg_and_pprof_refused_on_a_terminal():
    for fmt, hint in (("svg", "profile.svg"), ("pprof", "profile.pb.gz")):
        master, slave = pty.openpty()
        try:
            r = subprocess.run([VIGIL, "profile", "-f", fmt, "-d", "1"], stdout=slave,
                               stderr=subprocess.PIPE, text=True, timeout=60)
        finally:
            os.close(slave)
            os.close(master)
        check(r.returncode == 2, "%s to a terminal: exit %d" % (fmt, r.returncode))
        check("--output" in r.stderr and hint in r.stderr, "message: %r" % r.stderr)
    # Redirected, the same command gets past that check (to fail on a pid that is gone).
    gone = 4194303
    check(not os.path.exists("/proc/%d" % gone), "pid %d exists" % gone)
    r = vigil("profile", "-f", "svg", "-d", "1", "--pid", str(gone), check=False)
    check(r.returncode == 1 and "--output" not in r.stderr, "svg to a pipe: %s" % r.stderr)


@test
def test_symbol_flags_checked():
    for args, want in ((["--debug-dir", "/nonexistent/vigil-debug"], "--debug-dir"),
                       (["-K", "--no-demangle"], "--no-demangle does nothing"),
                       (["-K", "--debug-dir", "/tmp"], "--debug-dir does nothing"),
                       (["-f", "pdf"], "--format")):
        r = vigil("profile", "-d", "1", *args, check=False)
        check(r.returncode == 2 and want in r.stderr, "%r: %d %r" % (args, r.returncode,
                                                                   r.stderr))


if __name__ == "__main__":
    main()
