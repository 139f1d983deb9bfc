#!/usr/bin/python3
"""test_diff.py: `vigil diff` on files and trees, against the tools users trust.

Files: vigil's unified diffs of generated pairs (edits, insertions, deletions at both ends,
no final newline, empty files) must have diff -u's hunks byte for byte at several -U
values and must apply with patch(1) to give the new file back; binary files are reported
as differing; the HTML's two columns give back both files. Trees: fixture trees the test
builds hold every filecmp case (same content with another mtime, same size with other
content, a permission-only change, symlinks to files and directories, dangling links, a
directory against a file, a FIFO, an unreadable file, empty directories, non-UTF-8 names),
and vigil's categories must equal Python's filecmp.dircmp walked recursively through its
subdirectories, shallow and deep (cmpfiles(shallow=False)), both run as uid 65534 so the
unreadable file is unreadable. A symlink loop and an unlistable directory are reported under
errors and the walk goes on; --diff output applies with patch -p1.
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import VIGIL, check, main, skip, test, unprivileged_vigil

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def run(*args, nobody=False, exe=VIGIL, cwd=None):
    cmd = (NOBODY if nobody else []) + [exe, *args]
    return subprocess.run(cmd, capture_output=True, timeout=120, cwd=cwd)


def hunks(text):
    """The lines from the first hunk header on (the headers carry names and times)."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith(b"@@"):
            return b"".join(lines[i:])
    return b""


def pairs():
    rng = random.Random(16)
    base = [b"line %d\n" % i for i in range(1, 120)]
    out = [(b"", b"one\ntwo\n"), (b"one\ntwo\n", b""), (b"x\ny", b"x\nz\n"),
           (b"x\ny\n", b"x\ny"), (b"a\nb\nc\n", b"a\nB\nc\n")]
    for _ in range(12):
        new = list(base)
        for _ in range(rng.randint(1, 8)):
            op = rng.choice("idc")
            at = rng.randrange(len(new) + 1)
            if op == "i":
                new[at:at] = [b"new %d\n" % rng.randrange(1000)] * rng.randint(1, 3)
            elif op == "d" and new:
                del new[at:at + rng.randint(1, 4)]
            elif new:
                new[min(at, len(new) - 1)] = b"changed %d\n" % rng.randrange(1000)
        out.append((b"".join(base), b"".join(new)))
    out.append((b"".join(base), b"first\n" + b"".join(base[:-1])))
    return out


@test
def unified_equals_diff_u_and_applies():
    with tempfile.TemporaryDirectory() as d:
        a, b, o = (os.path.join(d, n) for n in ("a", "b", "o"))
        for n, (old, new) in enumerate(pairs()):
            for ctx in (0, 1, 3, 7):
                with open(a, "wb") as f:
                    f.write(old)
                with open(b, "wb") as f:
                    f.write(new)
                p = run("diff", "-U", str(ctx), a, b)
                ref = subprocess.run(["diff", "-U", str(ctx), a, b], capture_output=True)
                check(p.returncode == ref.returncode,
                      "pair %d -U%d: exit %d, diff %d" % (n, ctx, p.returncode, ref.returncode))
                check(hunks(p.stdout) == hunks(ref.stdout),
                      "pair %d -U%d: hunks differ:\n%s\n---- diff -u:\n%s"
                      % (n, ctx, p.stdout.decode(), ref.stdout.decode()))
                check(p.stdout.startswith(b"--- " + a.encode() + b"\t"),
                      "pair %d: header: %r" % (n, p.stdout[:80]))
                if p.returncode == 1:
                    ap = subprocess.run(["patch", "-s", "-o", o, a], input=p.stdout,
                                        capture_output=True)
                    check(ap.returncode == 0, "patch refused pair %d: %s" % (n, ap.stdout))
                    with open(o, "rb") as f:
                        check(f.read() == new, "pair %d -U%d: patched file differs" % (n, ctx))
        p = run("diff", a, a)
        check(p.returncode == 0 and p.stdout == b"", "same file: %r" % (p,))


@test
def binary_files_differ():
    with tempfile.TemporaryDirectory() as d:
        a, b = os.path.join(d, "a.bin"), os.path.join(d, "b.bin")
        with open(a, "wb") as f:
            f.write(b"\x00\x01\x02" * 100)
        with open(b, "wb") as f:
            f.write(b"\x00\x01\x03" * 100)
        p = run("diff", a, b)
        check(p.returncode == 1, "exit %d" % p.returncode)
        check(p.stdout == b"Binary files %s and %s differ\n" % (a.encode(), b.encode()),
              "output: %r" % p.stdout)
        check(run("diff", a, a).returncode == 0, "identical binary files differ")


def html_columns(page):
    """(left lines, right lines, changed-row count) of vigil's HtmlDiff-style table."""
    left, right, chg = [], [], 0
    cell = re.compile(r'<td class="diff_header">(\d*)</td><td class="text">(.*?)</td>')
    for row in re.findall(r"<tr><td class=\"diff_next\"></td>(.*?)</tr>", page):
        cells = cell.findall(row)
        if len(cells) != 2:
            continue
        for (no, text), side in zip(cells, (left, right)):
            if no:
                side.append(re.sub(r"</?span[^>]*>", "", text))
        chg += "diff_chg" in row
    return left, right, chg


@test
def html_side_by_side():
    import html
    with tempfile.TemporaryDirectory() as d:
        a, b = os.path.join(d, "a"), os.path.join(d, "b")
        old = ["keep <1> & \"q\"", "drop me", "edit me", "tail"]
        new = ["keep <1> & \"q\"", "edited", "tail", "added"]
        with open(a, "w") as f:
            f.write("\n".join(old) + "\n")
        with open(b, "w") as f:
            f.write("\n".join(new) + "\n")
        p = run("diff", "-f", "html", a, b)
        check(p.returncode == 1, "exit %d: %s" % (p.returncode, p.stderr))
        page = p.stdout.decode()
        check(page.startswith("<!DOCTYPE html>") and "Legends" in page, "not a page")
        left, right, chg = html_columns(page)
        check([html.unescape(x) for x in left] == old, "left column: %r" % left)
        check([html.unescape(x) for x in right] == new, "right column: %r" % right)
        check(chg >= 1 and 'class="diff_add"' in page, "no changed/added rows")
        p = run("diff", "-f", "html", "-U", "0", a, b)
        left, right, _ = html_columns(p.stdout.decode())
        check(p.returncode == 1 and 0 < len(left) < len(old),
              "-U 0 shows unchanged lines: %r" % left)
        # as HtmlDiff, a changed pair marks what differs within the line, not the whole line
        with open(a, "w") as f:
            f.write("somaxconn = 4096\ncaf\u00e9 <x>\n")
        with open(b, "w") as f:
            f.write("somaxconn = 128\ncaf\u00e8 <x>\n")
        page = run("diff", "-f", "html", a, b).stdout.decode()
        for mark in ('somaxconn = <span class="diff_chg">4096</span>',
                     'somaxconn = <span class="diff_chg">128</span>',
                     'caf<span class="diff_chg">\u00e9</span> &lt;x&gt;',
                     'caf<span class="diff_chg">\u00e8</span> &lt;x&gt;'):
            check(mark in page, "no %r in %s" % (mark, page))


@test
def bad_input_exit_2():
    with tempfile.TemporaryDirectory() as d:
        f = os.path.join(d, "f")
        open(f, "w").close()
        for args, word in ((["diff", d, f], b"--files"), (["diff", f, d], b"--files"),
                           (["diff", f, os.path.join(d, "missing")], b"missing"),
                           (["diff", "--files", d, f], b"not a directory"),
                           (["diff", "-f", "json", f, f], b"--format"),
                           (["diff", "--deep", f, f], b"--files"),
                           (["diff", "-U", "x", f, f], b"--unified"),
                           (["diff", "-U", "2", "--files", d, d], b"--unified"),
                           (["diff", "--baseline", f, "--files", d, d], b"--baseline"),
                           (["diff", f], b"not a vigil snapshot")):
            p = run(*args)
            check(p.returncode == 2 and word in p.stderr,
                  "%s: exit %d, %r" % (args, p.returncode, p.stderr))


def write(path, data, mtime=None, mode=0o644):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def build_trees(top):
    """Two trees with every filecmp case; returns (left, right)."""
    L, R = os.path.join(top, b"L"), os.path.join(top, b"R")
    T = 1_600_000_000
    for side in (L, R):
        os.makedirs(os.path.join(side, b"sub", b"deeper"))
        os.makedirs(os.path.join(side, b"empty"))
    write(L + b"/same", b"same\n", T)
    write(R + b"/same", b"same\n", T)
    write(L + b"/mtime_only", b"content\n", T)
    write(R + b"/mtime_only", b"content\n", T + 100)
    write(L + b"/same_size", b"abc\n", T)
    write(R + b"/same_size", b"abd\n", T)
    write(L + b"/other_size", b"abc\n", T)
    write(R + b"/other_size", b"abcd\n", T)
    write(L + b"/perm_only", b"perm\n", T, 0o644)
    write(R + b"/perm_only", b"perm\n", T, 0o664)
    for side in (L, R):
        os.symlink(b"same", side + b"/link_file")
        os.symlink(b"sub", side + b"/link_dir")
        os.symlink(b"nowhere", side + b"/dangling")
        os.mkfifo(side + b"/fifo")
    os.symlink(b"same", L + b"/link_vs_file")
    write(R + b"/link_vs_file", b"same\n", T + 5)
    os.mkdir(L + b"/dir_vs_file")
    write(R + b"/dir_vs_file", b"file\n", T)
    write(L + b"/unreadable", b"secret\n", T, 0o000)
    write(R + b"/unreadable", b"secreT\n", T + 1)
    os.mkdir(L + b"/empty_left_only")
    write(L + b"/n\xff", b"left\n", T)
    write(R + b"/n\xff", b"right\n", T)
    write(L + b"/\xfe\xfd only", b"x\n", T)
    write(R + b"/right_only", b"r\n", T)
    write(L + b"/sub/deeper/d", b"1\n2\n3\n", T)
    write(R + b"/sub/deeper/d", b"1\nzwei\n3\n", T + 9)
    write(L + b"/sub/deeper/s", b"s\n", T)
    write(R + b"/sub/deeper/s", b"s\n", T)
    write(L + b"/sub/x", b"x\n", T)
    for dirpath, dirnames, _ in os.walk(top):
        os.chmod(dirpath, 0o755)
    return L, R


FILECMP = r"""
import filecmp, json, os, sys
# the paths are bytes, so are the names dircmp filters (str names would never match)
ignore = [os.fsencode(n) for n in (filecmp.DEFAULT_IGNORES if sys.argv[4] == "default"
                                   else json.loads(sys.argv[4]))]
def walk(a, b, rel, deep, out):
    d = filecmp.dircmp(a, b, ignore=ignore)
    def add(cat, names):
        for n in names:
            out.append([cat, (rel + n).hex()])
    add("left_only", d.left_only)
    add("right_only", d.right_only)
    add("common_funny", d.common_funny)
    add("common_dirs", d.common_dirs)
    if deep:
        same, diff, funny = filecmp.cmpfiles(a, b, d.common_files, shallow=False)
    else:
        same, diff, funny = d.same_files, d.diff_files, d.funny_files
    add("same_files", same)
    add("diff_files", diff)
    add("funny_files", funny)
    for n in d.common_dirs:
        walk(os.path.join(a, n), os.path.join(b, n), rel + n + b"/", deep, out)
out = []
walk(os.fsencode(sys.argv[1]), os.fsencode(sys.argv[2]), b"", sys.argv[3] == "deep", out)
print(json.dumps(out))
"""


def vigil_cats(entries):
    out = set()
    for e in entries:
        raw = bytes.fromhex(e["path_hex"]) if "path_hex" in e else e["path"].encode()
        out.add((e["category"], raw.hex()))
    return out


@test
def files_ignore_names_as_filecmp_does():
    """dircmp skips filecmp.DEFAULT_IGNORES (.git, __pycache__...) unless told otherwise; so does
    --files, and --ignore replaces the list as dircmp's ignore= does."""
    top = tempfile.mkdtemp(prefix="vigil-diff-")
    try:
        L, R = os.path.join(top, "l"), os.path.join(top, "r")
        for side, text in ((L, b"1"), (R, b"2")):
            for d in (".git/objects", "__pycache__", "node_modules/m", "src"):
                os.makedirs(os.path.join(side, d))
            for f in (".git/HEAD", "__pycache__/x.pyc", "node_modules/m/i.js", "src/a.c",
                      "tags"):
                write(os.path.join(side, f), text * 8, mtime=1700000000)
        write(os.path.join(L, "CVS"), b"only left")
        for args, ignore in (([], "default"), (["--ignore", ""], "[]"),
                             (["--ignore", "node_modules,.git"], '["node_modules", ".git"]')):
            ref = subprocess.run(["/usr/bin/python3", "-c", FILECMP, L, R, "deep", ignore],
                                 capture_output=True, timeout=60, check=True)
            want = {(c, h) for c, h in json.loads(ref.stdout)}
            p = run("diff", "--files", "--deep", "--same", "-f", "json", *args, L, R)
            got = vigil_cats(json.loads(p.stdout))
            check(p.returncode == 1 and got == want, "%s: vigil only: %s\nfilecmp only: %s"
                  % (args, sorted(got - want), sorted(want - got)))
            names = {bytes.fromhex(h) for _, h in got}
            check((b".git/HEAD" in names) == (ignore == "[]") and
                  (b"node_modules/m/i.js" in names) == (ignore != '["node_modules", ".git"]'),
                  "%s: %s" % (args, sorted(names)))
        p = run("diff", "--ignore", ".git", L, R)
        check(p.returncode == 2 and b"--files" in p.stderr, p.stderr)
    finally:
        shutil.rmtree(top)


@test
def files_equal_filecmp_dircmp():
    top = tempfile.mkdtemp(prefix="vigil-diff-").encode()
    tmp, exe = unprivileged_vigil()
    try:
        os.chmod(top, 0o755)
        L, R = build_trees(top)
        for mode in ("shallow", "deep"):
            ref = subprocess.run(NOBODY + ["/usr/bin/python3", "-c", FILECMP, L, R, mode,
                                           "default"], capture_output=True, timeout=60)
            check(ref.returncode == 0, "filecmp failed: %s" % ref.stderr.decode())
            want = {(c, h) for c, h in json.loads(ref.stdout)}
            p = run("diff", "--files", "--" + mode, "--same", "-f", "json", L, R, nobody=True,
                    exe=exe)
            check(p.returncode == 2, "%s: exit %d (an unreadable file: 2)" % (mode, p.returncode))
            got = vigil_cats(json.loads(p.stdout))
            check(got == want, "%s: vigil only: %s\nfilecmp only: %s"
                  % (mode, sorted(got - want), sorted(want - got)))
            # the cases must really be there, so the test cannot pass on an empty tree
            for cat, name in (("same_files", b"mtime_only"), ("funny_files", b"unreadable"),
                              ("common_funny", b"dir_vs_file"), ("common_funny", b"dangling"),
                              ("same_files", b"perm_only"), ("diff_files", b"n\xff"),
                              ("left_only", b"\xfe\xfd only"), ("common_dirs", b"empty"),
                              ("same_files" if mode == "shallow" else "diff_files",
                               b"same_size"), ("diff_files", b"sub/deeper/d"),
                              ("same_files", b"link_dir/deeper/s")):
                check((cat, name.hex()) in got, "%s: %s not in %s" % (mode, name, cat))
            # the table: one escaped line per entry, no raw non-UTF-8 byte
            t = run("diff", "--files", "--" + mode, L, R, nobody=True, exe=exe)
            check(b"\xff" not in t.stdout and b"n\\xff" in t.stdout, "table: %r" % t.stdout)
            check(b"unreadable" in t.stdout and b"Permission denied" in t.stdout,
                  "table lacks the unreadable file: %r" % t.stdout)
    finally:
        shutil.rmtree(top)
        shutil.rmtree(tmp)


@test
def files_loop_and_unlistable_dir():
    tmp, exe = unprivileged_vigil()
    top = tempfile.mkdtemp(prefix="vigil-diff-")
    try:
        os.chmod(top, 0o755)
        for side in ("L", "R"):
            os.makedirs(os.path.join(top, side, "a", "closed"))
            os.symlink("..", os.path.join(top, side, "a", "up"))
            write(os.path.join(top, side, "z"), side.encode())
        os.chmod(os.path.join(top, "L", "a", "closed"), 0o000)
        for dirpath in ("L", "R", "L/a", "R/a", "R/a/closed"):
            os.chmod(os.path.join(top, dirpath), 0o755)
        p = run("diff", "--files", "--deep", "-f", "json", os.path.join(top, "L"),
                os.path.join(top, "R"), nobody=True, exe=exe)
        check(p.returncode == 2, "exit %d: %s" % (p.returncode, p.stderr))
        entries = json.loads(p.stdout)
        errs = {e["path"]: e["error"] for e in entries if e["category"] == "errors"}
        check("symlink loop" in errs.get("a/up", ""), "loop not reported: %r" % entries)
        check("Permission denied" in errs.get("a/closed", ""), "closed dir: %r" % entries)
        check({"category": "diff_files", "path": "z", "left_type": "file",
               "right_type": "file"} in entries, "the walk stopped: %r" % entries)
    finally:
        os.chmod(os.path.join(top, "L", "a", "closed"), 0o755)
        shutil.rmtree(top)
        shutil.rmtree(tmp)


@test
def files_diff_applies_with_patch():
    top = tempfile.mkdtemp(prefix="vigil-diff-")
    try:
        for side, text in (("L", "1\n2\n3\n4\n"), ("R", "1\ntwo\n3\n4\nfive\n")):
            os.makedirs(os.path.join(top, side, "d"))
            write(os.path.join(top, side, "d", "f"), text.encode())
            write(os.path.join(top, side, "g"), side.encode() * 3 + b"\n")
        p = run("diff", "--files", "--deep", "--diff", "L", "R", cwd=top)
        check(p.returncode == 1, "exit %d: %s" % (p.returncode, p.stderr))
        ap = subprocess.run(["patch", "-s", "-p1", "-d", os.path.join(top, "L")],
                            input=p.stdout, capture_output=True)
        check(ap.returncode == 0, "patch: %s" % ap.stdout)
        again = run("diff", "--files", "--deep", "L", "R", cwd=top)
        check(again.returncode == 0 and again.stdout == b"",
              "after patch: %d %r" % (again.returncode, again.stdout))
        j = run("diff", "--files", "--deep", "--diff", "-f", "json", "L", "R", cwd=top)
        check(j.returncode == 0, "json: %d" % j.returncode)
    finally:
        shutil.rmtree(top)


def save_baseline(tree, out, **kw):
    p = run("baseline", "save", tree, "-o", out, **kw)
    return p


@test
def baseline_reports_exactly_what_changed():
    import hashlib
    top = tempfile.mkdtemp(prefix="vigil-baseline-").encode()
    try:
        A, B = top + b"/A", top + b"/B"
        os.makedirs(A + b"/etc/sub")
        write(A + b"/etc/passwd", b"root:x:0:0\n")
        write(A + b"/etc/sub/conf", b"a = 1\n")
        write(A + b"/etc/gone", b"bye\n")
        write(A + b"/etc/n\xff\x1b[2J", b"odd name\n")
        write(A + b"/big", os.urandom(3 << 20))
        os.symlink(b"etc/passwd", A + b"/link")
        base = top + b"/base.json"
        p = save_baseline(A, base)
        check(p.returncode == 0, "save: %d %s" % (p.returncode, p.stderr))
        with open(base) as f:
            doc = json.load(f)
        check(doc["vigil_baseline"] == 1 and doc["hash"] == "sha256", "header: %r" % doc)
        got = {}
        for e in doc["entries"]:
            raw = re.sub(rb"%([0-9a-f]{2})", lambda m: bytes([int(m.group(1), 16)]),
                         e["path"].encode())
            got[raw] = e
        want = {b"etc", b"etc/sub", b"etc/passwd", b"etc/sub/conf", b"etc/gone",
                b"etc/n\xff\x1b[2J", b"big", b"link"}
        check(set(got) == want, "entries: %r" % sorted(got))
        for name in (b"etc/passwd", b"big", b"etc/n\xff\x1b[2J"):
            with open(A + b"/" + name, "rb") as f:
                check(got[name]["sha256"] == hashlib.sha256(f.read()).hexdigest(),
                      "%r: sha256 differs from hashlib's" % name)
            st = os.stat(A + b"/" + name)
            check(got[name]["size"] == st.st_size and got[name]["mtime_ns"] == st.st_mtime_ns
                  and got[name]["mode"] == st.st_mode & 0o7777, "%r: attributes" % name)
        check(got[b"link"]["type"] == "symlink" and got[b"link"]["target"] == "etc/passwd",
              "link: %r" % got[b"link"])
        subprocess.run(["cp", "-a", A, B], check=True)
        p = run("diff", "--baseline", base, B)
        check(p.returncode == 0 and p.stdout == b"", "copy differs: %r" % p.stdout)
        write(B + b"/etc/sub/conf", b"a = 2\n")
        os.unlink(B + b"/etc/gone")
        write(B + b"/etc/new", b"hello\n")
        p = run("diff", "--baseline", base, "-f", "json", B)
        check(p.returncode == 1, "exit %d: %s" % (p.returncode, p.stderr))
        changes = json.loads(p.stdout)
        summary = sorted((c["change"], c["path"]) for c in changes)
        check(summary == [("added", "etc/new"), ("modified", "etc/sub/conf"),
                          ("removed", "etc/gone")], "changes: %r" % changes)
        mod = [c for c in changes if c["change"] == "modified"][0]
        check("content" in mod["what"] and "mode" not in mod["what"], "what: %r" % mod)
        # a permission-only change and a retargeted link are seen too, by name
        os.chmod(B + b"/etc/passwd", 0o600)
        os.unlink(B + b"/link")
        os.symlink(b"etc/sub/conf", B + b"/link")
        t = run("diff", "--baseline", base, B)
        check(t.returncode == 1, "exit %d" % t.returncode)
        check(b"modified  etc/passwd  (mode: 0644 -> 0600)" in t.stdout, "mode: %r" % t.stdout)
        check(re.search(rb"modified  link  \(target: etc/passwd -> etc/sub/conf", t.stdout),
              "target: %r" % t.stdout)
        check(b"\x1b" not in t.stdout, "raw escape in the table")
    finally:
        shutil.rmtree(top)


@test
def baseline_bad_files_and_unreadable_entries():
    top = tempfile.mkdtemp(prefix="vigil-baseline-")
    tmp, exe = unprivileged_vigil()
    try:
        os.chmod(top, 0o755)
        tree = os.path.join(top, "t")
        os.makedirs(tree)
        write(os.path.join(tree, "ok"), b"ok\n")
        write(os.path.join(tree, "secret"), b"s\n", mode=0o000)
        os.chmod(tree, 0o755)
        out = os.path.join(top, "b.json")
        open(out, "w").close()
        os.chmod(out, 0o666)
        p = save_baseline(tree, out, nobody=True, exe=exe)
        check(p.returncode == 1 and b"secret" in p.stderr and b"Permission denied" in p.stderr,
              "unreadable: %d %r" % (p.returncode, p.stderr))
        with open(out) as f:
            entries = {e["path"]: e for e in json.load(f)["entries"]}
        check("sha256" in entries["ok"] and "error" in entries["secret"], "%r" % entries)
        with open(out) as f:
            text = f.read()
        for name, content, word in (("trunc.json", text[:len(text) // 2], b"not valid JSON"),
                                    ("other.json", '{"vigil_baseline": 7, "entries": []}',
                                     b"another format"),
                                    ("foreign.json", '{"a": 1}', b"not a vigil baseline"),
                                    ("badpath.json",
                                     '{"vigil_baseline": 1, "entries": [{"path": "%zz",'
                                     ' "type": "file", "mode": 420, "uid": 0, "gid": 0,'
                                     ' "size": 1, "mtime_ns": 1}]}', b"encoded")):
            path = os.path.join(top, name)
            with open(path, "w") as f:
                f.write(content)
            p = run("diff", "--baseline", path, tree)
            check(p.returncode == 2 and word in p.stderr,
                  "%s: %d %r" % (name, p.returncode, p.stderr))
        p = run("baseline", "save", tree, "-o", out + ".gz")
        check(p.returncode == 2 and b".gz" in p.stderr, "gz: %r" % p.stderr)
    finally:
        shutil.rmtree(top)
        shutil.rmtree(tmp)


# The drift scenario, run inside private network, mount and pid namespaces (so the host is
# untouched and no other process on this busy machine is seen): a snapshot, then a listener,
# a process, a sysctl and a tmpfs mount, then vigil diff against the live system and against
# a second snapshot, in every format. argv: vigil, work dir, port.
DRIFT = r"""
import os, socket, subprocess, sys, time
vigil, work, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
def run(*a, **kw):
    return subprocess.run([vigil, *a], capture_output=True, timeout=120, **kw)
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
base = os.path.join(work, "base.json")
p = run("snapshot", "-o", base)
assert p.returncode == 0, p.stderr
lst = subprocess.Popen([sys.executable, "-c",
    "import socket, time; s = socket.socket(); s.bind(('127.0.0.1', %d)); s.listen(); "
    "print('up', flush=True); time.sleep(600)" % port, "drift-listener"],
    stdout=subprocess.PIPE)
assert lst.stdout.readline().strip() == b"up"
slp = subprocess.Popen(["sleep", "601"])
subprocess.run(["sysctl", "-q", "-w", "net.core.somaxconn=1234"], check=True)
mnt = os.path.join(work, "mnt")
os.mkdir(mnt)
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "vigil-drift", mnt], check=True)
# a cgroup below our own (the most specific of /proc/self/cgroup), removed at the end
own, made = None, None
for line in open("/proc/self/cgroup"):
    _, ctrls, path = line.strip().split(":", 2)
    ctrl = ctrls.split(",")[0].replace("name=", "")
    rel = ("/" + ctrl if ctrl else "") + (path if path != "/" else "")
    if own is None or len(path) > len(own[1]):
        own = (rel, path)
for d in [own[0]]:
    try:
        os.mkdir("/sys/fs/cgroup" + d + "/vigil-drift-%d" % os.getpid())
        made = d + "/vigil-drift-%d" % os.getpid()
    except OSError:
        pass
with open(os.path.join(work, "cgroup"), "w") as f:
    f.write("%s\n%s\n" % (own[0], made or ""))
for fmt in ("table", "json", "unified", "html"):
    p = run("diff", base, "-f", fmt)
    with open(os.path.join(work, "live." + fmt), "wb") as f:
        f.write(p.stdout)
    with open(os.path.join(work, "live." + fmt + ".rc"), "w") as f:
        f.write("%d %s" % (p.returncode, p.stderr.decode()))
other = os.path.join(work, "other.json")
assert run("snapshot", "-o", other).returncode == 0
p = run("diff", base, other, "-f", "json")
with open(os.path.join(work, "files.json"), "wb") as f:
    f.write(p.stdout)
with open(os.path.join(work, "files.json.rc"), "w") as f:
    f.write("%d %s" % (p.returncode, p.stderr.decode()))
p = run("diff", other, other)
with open(os.path.join(work, "same.rc"), "w") as f:
    f.write("%d %s" % (p.returncode, p.stdout.decode()))
subprocess.run(["umount", mnt])
if made:
    os.rmdir("/sys/fs/cgroup" + made)
lst.kill()
slp.kill()
"""


def drift_cgroups(work):
    """(our own cgroup, the one the scenario made or ""): the cgroup tree is the host's, and
    other sessions on this machine make and remove cgroups beside ours all the time."""
    with open(os.path.join(work, "cgroup")) as f:
        own, made = f.read().split("\n")[:2]
    return own, made


def is_noise(c, own):
    """A cgroup change outside our own cgroup, or another engineer's network namespace file
    (nsfs under /run/netns, whose removal reaches even a private mount namespace): another
    session's doing, not the scenario's."""
    if c["section"] == "mounts" and c["key"].startswith("/run/netns/"):
        return "nsfs" in (c["old"] or "") + (c["new"] or "")
    return c["section"] == "cgroups" and not (c["key"] + "/").startswith(own + "/")


def drift_expected(changes, port, work):
    """Check the JSON change list is exactly the scenario's changes (six with the cgroup)."""
    own, made = drift_cgroups(work)
    noise = [c for c in changes if is_noise(c, own)]
    if noise:
        print("note: %d changes of other sessions left out: %s"
              % (len(noise), ", ".join(c["key"] for c in noise)))
    changes = [c for c in changes if c not in noise]
    got = sorted((c["section"], c["change"]) for c in changes)
    want = [("listening", "added"), ("mounts", "added"), ("processes", "added"),
            ("processes", "added"), ("sysctl", "changed")]
    if made:
        want = [("cgroups", "added")] + want
        check({"section": "cgroups", "key": made, "change": "added", "old": None,
               "new": ""} in changes, "cgroup %s: %r" % (made, changes))
    check(got == want, "changes: %s" % json.dumps(changes, indent=1))
    by = {(c["section"], c["key"].split(" ")[1] if c["section"] == "processes" else c["key"]):
          c for c in changes}
    check(any("drift-listener" in c["key"] for c in changes), "listener process missing")
    check(any(c["section"] == "processes" and "sleep 601" in c["key"] for c in changes),
          "sleep missing: %r" % changes)
    lst = by.get(("listening", "tcp 127.0.0.1:%d" % port))
    check(lst and lst["old"] is None and "python" in lst["new"], "listener: %r" % changes)
    sc = by.get(("sysctl", "net.core.somaxconn"))
    check(sc and sc["new"] == "1234" and sc["old"] != "1234", "sysctl: %r" % sc)
    m = by.get(("mounts", os.path.join(work, "mnt")))
    check(m and m["new"].startswith("tmpfs vigil-drift"), "mount: %r" % changes)


@test
def drift_sees_exactly_what_changed():
    if shutil.which("unshare") is None:
        skip("needs unshare (util-linux)")
    port = 40000 + os.getpid() % 20000
    work = tempfile.mkdtemp(prefix="vigil-drift-")
    try:
        p = subprocess.run(["unshare", "-n", "-m", "-p", "--fork", "--mount-proc",
                            "--propagation", "private", "/usr/bin/python3", "-c", DRIFT, VIGIL,
                            work, str(port)], capture_output=True, timeout=300)
        check(p.returncode == 0, "scenario failed: %s" % p.stderr.decode()[-2000:])
        rc = {}
        for name in ("table", "json", "unified", "html"):
            with open(os.path.join(work, "live.%s.rc" % name)) as f:
                rc[name] = f.read()
            check(rc[name].startswith("1 "), "%s: exit %s" % (name, rc[name]))
        with open(os.path.join(work, "live.json")) as f:
            changes = json.load(f)
        drift_expected(changes, port, work)
        with open(os.path.join(work, "files.json")) as f:
            drift_expected(json.load(f), port, work)
        with open(os.path.join(work, "same.rc")) as f:
            same = f.read()
        check(same == "0 ", "a snapshot against itself: %r" % same)
        # the other formats carry the same changes (other sessions' cgroups left out)
        own, made = drift_cgroups(work)
        noise = [c["key"] for c in changes if is_noise(c, own)]
        n = 6 if made else 5

        def clean(lines):
            return [l for l in lines if not any(k in l for k in noise)]
        with open(os.path.join(work, "live.table"), "rb") as f:
            table = clean(f.read().decode().splitlines())
        check(len(table) == n and sum(l.split()[0] == "processes" for l in table) == 2,
              "table: %r" % table)
        check(any(l.startswith("sysctl") and "net.core.somaxconn" in l and l.endswith("-> 1234")
                  for l in table), "table sysctl: %r" % table)
        with open(os.path.join(work, "live.unified"), "rb") as f:
            uni = clean(f.read().decode().splitlines())
        check(uni[0].startswith("--- ") and uni[1] == "+++ live system", "unified: %r" % uni)
        sections = ["@@ listening @@", "@@ mounts @@", "@@ processes @@", "@@ sysctl @@"]
        check(sorted(l for l in uni if l.startswith("@@") and (made or "cgroups" not in l)) ==
              sorted(sections + (["@@ cgroups @@"] if made else [])),
              "unified sections: %r" % uni)
        check("-net.core.somaxconn = " in "\n".join(uni) and
              "+net.core.somaxconn = 1234" in uni, "unified sysctl: %r" % uni)
        check(len([l for l in uni[2:] if l[:1] in "+-"]) == n + 1, "unified lines: %r" % uni)
        with open(os.path.join(work, "live.html")) as f:
            page = "\n".join(clean(f.read().splitlines()))
        check(page.count("<span class=\"diff_add\">") == n - 1 and
              page.count("<span class=\"diff_chg\">") == 2 and "Legends" in page,
              "html rows: %r" % page[-3000:])
    finally:
        subprocess.run(["umount", os.path.join(work, "mnt")], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


@test
def drift_bad_snapshots_exit_2():
    with tempfile.TemporaryDirectory() as d:
        good = os.path.join(d, "good.json")
        check(run("snapshot", "-o", good).returncode == 0, "snapshot failed")
        with open(good) as f:
            text = f.read()
        cases = {"truncated.json": (text[:len(text) // 3], b"not valid JSON"),
                 "old.json": ('{"time": 1.0, "source": "procfs", "processes": []}',
                              b"another vigil version"),
                 "newer.json": (text.replace('"vigil_snapshot":2', '"vigil_snapshot":9', 1),
                                b"another vigil version")}
        for name, (content, word) in cases.items():
            path = os.path.join(d, name)
            with open(path, "w") as f:
                f.write(content)
            for args in ([path], [path, good], [good, path]):
                p = run("diff", *args)
                check(p.returncode == 2 and word in p.stderr and p.stdout == b"",
                      "%s: exit %d %r" % (args, p.returncode, p.stderr))
        p = run("diff", "--threshold", "5", good, "/etc/hostname")
        check(p.returncode == 2, "--threshold with a file: %d" % p.returncode)
        p = run("diff", "--include", "nothing", good)
        check(p.returncode == 2 and b"--include" in p.stderr, "--include: %r" % p.stderr)
        p = run("diff", "--include", "counters", "-f", "json", good, good)
        check(p.returncode == 0, "counters of one snapshot against itself: %d" % p.returncode)
        # a gzip'd snapshot (snapshot -o FILE.gz) reads as the plain one; a corrupt one is
        # refused naming the file
        gz = os.path.join(d, "good.json.gz")
        check(run("snapshot", "-o", gz).returncode == 0, "snapshot -o .gz failed")
        with open(gz, "rb") as f:
            data = f.read()
        check(data[:2] == b"\x1f\x8b", "not gzip'd")
        for args in ([gz, good], [good, gz], [gz, gz]):
            p = run("diff", "-f", "json", *args)
            check(p.returncode in (0, 1) and isinstance(json.loads(p.stdout), list),
                  "%s: exit %d %r" % (args, p.returncode, p.stderr))
        check(run("diff", gz, gz).returncode == 0, "a .gz snapshot differs from itself")
        bad = os.path.join(d, "bad.json.gz")
        with open(bad, "wb") as f:
            f.write(data[:len(data) // 2] + b"\x00" * 64 + data[len(data) // 2 + 64:])
        p = run("diff", bad, good)
        check(p.returncode == 2 and b"bad.json.gz: not a whole gzip file" in p.stderr and
              p.stdout == b"",
              "corrupt gzip: exit %d %r" % (p.returncode, p.stderr))


if __name__ == "__main__":
    main()
