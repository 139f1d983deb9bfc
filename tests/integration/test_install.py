#!/usr/bin/python3
"""test_install.py: `make install` as an SRE would use it, into a DESTDIR.

Every command in `vigil --help` gets a man page that `man -l` renders without a warning and
that lists the command's flags; the bash completion offers every command, its words and every
long flag of its --help; the zsh completion parses and has a case per command; the systemd
unit passes `systemd-analyze verify`; the config file it installs starts `vigil serve`, whose
--config takes exactly serve's long options (the command line wins; a bad key or value stops
it with the file and line); `make uninstall` leaves only the admin's config.
"""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

from harness import VIGIL, check, main, skip, test

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEST = tempfile.mkdtemp(prefix="vigil-install-")
PREFIX = "/usr"


def run(args, **kw):
    kw.setdefault("timeout", 300)
    return subprocess.run(args, capture_output=True, text=True, **kw)


def commands():
    out = run([VIGIL, "--help"]).stdout
    body = out.split("Commands:", 1)[1].split("Run 'vigil COMMAND", 1)[0]
    return [m.group(1) for m in re.finditer(r"^  ([a-z][a-z-]*) ", body, re.M)]


def long_flags(cmd):
    out = run([VIGIL, cmd, "--help"]).stdout
    if "options:" not in out:
        return set()  # a dispatcher (vigil probe KIND): its kinds have the options
    return set(re.findall(r"^ +(?:-\w, )?(--[\w.-]+)", out.split("options:", 1)[1], re.M))


def installed():
    if not os.path.exists(DEST + PREFIX + "/bin/vigil"):
        if not shutil.which("help2man"):
            skip("help2man is not installed (tools/deps.sh installs it)")
        p = run(["make", "-s", "-C", ROOT, "install", "DESTDIR=" + DEST, "PREFIX=" + PREFIX])
        check(p.returncode == 0, "make install: %s" % p.stderr[-2000:])
    return DEST + PREFIX


@test
def man_page_per_command_renders_and_lists_flags():
    man1 = installed() + "/share/man/man1"
    cmds = commands()
    check(len(cmds) >= 20, "only %d commands in vigil --help" % len(cmds))
    for cmd in ["vigil"] + ["vigil-" + c for c in cmds]:
        page = "%s/%s.1" % (man1, cmd)
        check(os.path.exists(page), "no man page %s" % page)
        p = run(["man", "-l", "--warnings", page], env=dict(os.environ, MANWIDTH="100"))
        check(p.returncode == 0 and not p.stderr.strip(), "%s: %s" % (page, p.stderr[:500]))
        check(re.search(r"^NAME\n +%s - " % re.escape(cmd), p.stdout, re.M),
              "%s: NAME section says %r" % (cmd, p.stdout[:200]))
        if cmd != "vigil":
            text = p.stdout.replace("\u2010", "-")
            missing = [f for f in long_flags(cmd[6:]) if f not in text]
            check(not missing, "%s: flags missing from the page: %s" % (cmd, missing))


def bash_complete(*words):
    script = ('source %s/share/bash-completion/completions/vigil; COMP_WORDS=(%s); '
              'COMP_CWORD=%d; _vigil; printf "%%s\\n" "${COMPREPLY[@]}"'
              % (installed(), " ".join("'%s'" % w for w in words), len(words) - 1))
    p = run(["bash", "--norc", "--noprofile", "-c", script])
    check(p.returncode == 0, "bash: %s" % p.stderr)
    return set(p.stdout.split())


@test
def bash_completion_offers_every_command_word_and_flag():
    cmds = commands()
    check(bash_complete("vigil", "") >= set(cmds), "not every command is offered")
    check(bash_complete("vigil", "fr") == {"free"}, "vigil fr<TAB>")
    check(bash_complete("vigil", "trace", "") >= {"sched", "tcp", "blkio"}, "trace's words")
    check(bash_complete("vigil", "ps", "-f", "") == {"table", "csv", "json", "ndjson"},
          "formats after -f")
    for cmd in cmds:
        offered = bash_complete("vigil", cmd, "--")
        missing = long_flags(cmd) - offered
        check(not missing, "vigil %s --<TAB> lacks %s" % (cmd, sorted(missing)))


@test
def zsh_completion_parses_and_covers_every_command():
    if not shutil.which("zsh"):
        skip("zsh is not installed (tools/deps.sh installs it)")
    path = installed() + "/share/zsh/vendor-completions/_vigil"
    p = run(["zsh", "-n", path])
    check(p.returncode == 0, "zsh -n: %s" % p.stderr)
    text = open(path).read()
    check(text.startswith("#compdef vigil"), "no #compdef line")
    for cmd in commands():
        check(re.search(r"^\t%s\)$" % re.escape(cmd), text, re.M), "no zsh case for %s" % cmd)
        for f in long_flags(cmd):
            check(f in text, "zsh: %s lacks %s" % (cmd, f))


@test
def systemd_unit_verifies():
    if not shutil.which("systemd-analyze"):
        skip("systemd-analyze is not installed")
    unit = installed() + "/lib/systemd/system/vigil.service"
    text = open(unit).read()
    check("ExecStart=/usr/bin/vigil serve --config /etc/vigil/vigil.yaml" in text, text)
    for want in ("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                 "PrivateTmp=yes", "RestrictAddressFamilies=", "CAP_BPF", "CAP_PERFMON"):
        check(want in text, "unit lacks %s" % want)
    # verify checks that ExecStart's binary and the Documentation= man page exist: point
    # both at the DESTDIR copies.
    copy = os.path.join(DEST, "vigil.service")
    with open(copy, "w") as f:
        f.write(text.replace("ExecStart=/usr/bin/vigil", "ExecStart=" + installed() + "/bin/vigil"))
    p = run(["systemd-analyze", "verify", copy],
            env=dict(os.environ, MANPATH=installed() + "/share/man"))
    check(p.returncode == 0 and not p.stderr.strip(), "verify: %s" % p.stderr)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port, proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError("serve exited %s: %s" % (proc.poll(), proc.stderr.read()))
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as r:
                return r.read().decode()
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("nothing served on port %d: %s" % (port, proc.stderr.read()))


@test
def serve_reads_the_installed_config_and_the_command_line_wins():
    conf = open(DEST + "/etc/vigil/vigil.yaml" if installed() else "").read()
    port, other = free_port(), free_port()
    path = os.path.join(DEST, "mine.yaml")
    with open(path, "w") as f:
        f.write(conf.replace("listen: 127.0.0.1:9464", "listen: 127.0.0.1:%d" % port))
    for args, want in (([], port), (["--listen", "127.0.0.1:%d" % other], other)):
        proc = subprocess.Popen([VIGIL, "serve", "--config", path, "-d", "60s"] + args,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            check("vigil_" in scrape(want, proc), "no vigil_ metrics on port %d" % want)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


@test
def bad_config_stops_serve_naming_file_line_and_key():
    cases = {
        "listen: 127.0.0.1:1\nno-such-option: 3\n": ":2: unknown option 'no-such-option'",
        "poll-interval: 1y\n": ":1: poll-interval: invalid value '1y'",
        "listen: {host: x}\n": ":1: want a value or a list of values",
        "- a\n- b\n": ":1: want a mapping",
        "listen: [\n": "did not find expected node content",
        "config: other.yaml\n": ":1: not an option a config file can set",
    }
    for text, want in cases.items():
        path = os.path.join(DEST, "bad.yaml")
        with open(path, "w") as f:
            f.write(text)
        p = run([VIGIL, "serve", "--config", path, "-d", "5s"], timeout=60)
        check(p.returncode == 2, "%r: exit %d" % (text, p.returncode))
        check(path + want in p.stderr or want in p.stderr, "%r: said %r" % (text, p.stderr))
    p = run([VIGIL, "serve", "--config", os.path.join(DEST, "missing.yaml")])
    check(p.returncode == 2 and "No such file" in p.stderr, p.stderr)


@test
def uninstall_keeps_only_the_config():
    installed()
    p = run(["make", "-s", "-C", ROOT, "uninstall", "DESTDIR=" + DEST, "PREFIX=" + PREFIX])
    check(p.returncode == 0, p.stderr)
    left = sorted(os.path.relpath(os.path.join(d, f), DEST)
                  for d, _, fs in os.walk(DEST) for f in fs
                  if not f.endswith(".yaml") and f != "vigil.service" or "/lib/" in d)
    check(left == [], "left behind: %s" % left[:10])
    check(os.path.exists(DEST + "/etc/vigil/vigil.yaml"), "the config was removed")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(DEST, ignore_errors=True)
