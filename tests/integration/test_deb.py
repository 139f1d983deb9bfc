#!/usr/bin/python3
"""test_deb.py: `make deb` builds a package lintian finds no error in, and the package works.

The test installs the .deb with dpkg, checks what it put where (the binary, man pages,
completions, the unit, /etc/vigil/vigil.yaml as a conffile), starts the service's own
ExecStart line (this machine's PID 1 is not systemd, so systemctl cannot start it; when it is,
systemctl does), scrapes it, and removes the package: the config stays until a purge.
"""
import os
import re
import shutil
import subprocess
import time
import urllib.request

from harness import ROOT, check, main, require_root, skip, test

DEB = None


def run(args, **kw):
    kw.setdefault("timeout", 900)
    return subprocess.run(args, capture_output=True, text=True, **kw)


def version():
    return re.search(r"^VERSION := (\S+)", open(ROOT + "/Makefile").read(), re.M).group(1)


def deb():
    global DEB
    if DEB:
        return DEB
    require_root()
    for tool in ("dpkg-buildpackage", "dh", "lintian"):
        if not shutil.which(tool):
            skip("%s is not installed (tools/deps.sh installs it)" % tool)
    p = run(["make", "-s", "-C", ROOT, "deb"])
    check(p.returncode == 0, "make deb: %s %s" % (p.stdout[-2000:], p.stderr[-2000:]))
    DEB = os.path.join(ROOT, ".output", "deb", "vigil_%s_amd64.deb" % version())
    check(os.path.exists(DEB), "no %s" % DEB)
    return DEB


@test
def lintian_finds_no_errors():
    p = run(["lintian", "--fail-on", "error", deb()])
    check(p.returncode == 0, "lintian: %s" % (p.stdout + p.stderr))
    check(not re.search(r"^E: ", p.stdout, re.M), p.stdout)


@test
def package_installs_serves_and_removes():
    path = deb()
    if os.path.exists("/usr/bin/vigil") and run(["dpkg", "-S", "/usr/bin/vigil"]).returncode:
        skip("/usr/bin/vigil exists and is not from the package")
    p = run(["dpkg", "-i", path])
    check(p.returncode == 0, "dpkg -i: %s" % p.stderr)
    try:
        files = run(["dpkg", "-L", "vigil"]).stdout.split()
        for want in ("/usr/bin/vigil", "/usr/share/man/man1/vigil-serve.1.gz",
                     "/usr/share/bash-completion/completions/vigil",
                     "/usr/share/zsh/vendor-completions/_vigil",
                     "/usr/lib/systemd/system/vigil.service", "/etc/vigil/vigil.yaml"):
            check(want in files, "the package lacks %s" % want)
        conffiles = run(["dpkg-query", "-W", "-f=${Conffiles}", "vigil"]).stdout
        check("/etc/vigil/vigil.yaml" in conffiles, "not a conffile: %r" % conffiles)
        out = run(["/usr/bin/vigil", "--version"]).stdout
        check(out.strip() == "vigil " + version(), out)
        unit = open("/usr/lib/systemd/system/vigil.service").read()
        execstart = re.search(r"^ExecStart=(.*)$", unit, re.M).group(1).split()
        check(execstart == ["/usr/bin/vigil", "serve", "--config", "/etc/vigil/vigil.yaml"],
              execstart)
        if os.path.isdir("/run/systemd/system"):
            check(run(["systemctl", "start", "vigil"]).returncode == 0, "systemctl start")
            proc = None
        else:
            proc = subprocess.Popen(execstart, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True)
        try:
            body = ""
            deadline = time.time() + 60
            while time.time() < deadline and "vigil_" not in body:
                if proc and proc.poll() is not None:
                    raise AssertionError("serve exited: %s" % proc.stderr.read())
                try:
                    with urllib.request.urlopen("http://127.0.0.1:9464/metrics",
                                                timeout=5) as r:
                        body = r.read().decode()
                except OSError:
                    time.sleep(0.3)
            check("vigil_" in body, "the service served no vigil_ metrics")
        finally:
            if proc:
                proc.terminate()
                proc.wait(timeout=30)
            else:
                run(["systemctl", "stop", "vigil"])
    finally:
        p = run(["dpkg", "-r", "vigil"])
    check(p.returncode == 0, "dpkg -r: %s" % p.stderr)
    check(not os.path.exists("/usr/bin/vigil"), "the binary is still there")
    check(os.path.exists("/etc/vigil/vigil.yaml"), "removal took the admin's config")
    p = run(["dpkg", "-P", "vigil"])
    check(p.returncode == 0 and not os.path.exists("/etc/vigil/vigil.yaml"),
          "purge: %s" % p.stderr)


if __name__ == "__main__":
    main()
