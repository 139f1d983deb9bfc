#!/usr/bin/python3
"""test_sysctl.py: `vigil sys sysctl` against procps `sysctl`, in a private network namespace.

net.* keys belong to a network namespace, so each test works in one it creates (ip netns),
sets values of its own there with `sysctl -w`, and compares vigil's output with `sysctl -a`
run in the same namespace: the same keys, the same values, byte for byte, and the values it
set. The host's own values must not change. Also the snapshot's tracer keys and JSON output.
"""
import json
import os
import subprocess

from harness import VIGIL, check, main, skip, test

NS = "vigil-sysctl-%d" % os.getpid()
SETS = {
    "net.core.somaxconn": "1234",
    "net.ipv4.tcp_fin_timeout": "17",
    "net.ipv4.tcp_keepalive_time": "321",
    "net.ipv4.ip_local_port_range": "20000\t30000",
}


def sh(*args, ns=True, check_rc=True):
    cmd = (["ip", "netns", "exec", NS] if ns else []) + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if check_rc and p.returncode != 0:
        raise AssertionError("%s exited %d: %s" % (" ".join(cmd), p.returncode, p.stderr))
    return p


def as_dict(text):
    out = {}
    for line in text.splitlines():
        name, _, value = line.partition(" = ")
        out.setdefault(name, []).append(value)
    return out


def setup():
    if os.geteuid() != 0:
        skip("needs root for ip netns")
    sh("ip", "netns", "add", NS, ns=False)
    sh("ip", "link", "set", "lo", "up")
    for k, v in SETS.items():
        sh("sysctl", "-q", "-w", "%s=%s" % (k, v.replace("\t", " ")))


@test
def sysctl_net_matches_procps_in_netns():
    ours = as_dict(sh(VIGIL, "sys", "sysctl", "net").stdout)
    theirs = as_dict(sh("sysctl", "-a", "--pattern", r"^net\.").stdout)
    check(len(ours) > 100, "only %d net keys" % len(ours))
    check(ours.keys() == theirs.keys(), "keys differ: only vigil %s, only sysctl %s" % (
        sorted(ours.keys() - theirs.keys())[:5], sorted(theirs.keys() - ours.keys())[:5]))
    diff = [k for k in ours if ours[k] != theirs[k]]
    check(not diff, "values differ: %s" % [(k, ours[k], theirs[k]) for k in diff[:5]])
    for k, v in SETS.items():
        check(ours[k] == [v], "%s = %r, set %r" % (k, ours[k], v))


@test
def host_values_untouched():
    host = as_dict(subprocess.run([VIGIL, "sys", "sysctl", "net.core.somaxconn"],
                                  capture_output=True, text=True, timeout=60).stdout)
    with open("/proc/sys/net/core/somaxconn") as f:
        real = f.read().strip()
    check(host["net.core.somaxconn"] == [real] and real != SETS["net.core.somaxconn"],
          "host somaxconn %r, /proc says %r" % (host, real))


@test
def glob_pattern_matches_procps():
    ours = sh(VIGIL, "sys", "sysctl", "net.ipv4.tcp_*").stdout
    theirs = sh("sysctl", "-a", "--pattern", r"^net\.ipv4\.tcp_").stdout
    check(sorted(ours.splitlines()) == sorted(theirs.splitlines()),
          "tcp_* differs:\n%s\n---\n%s" % (ours[:500], theirs[:500]))
    check("net.ipv4.tcp_fin_timeout = 17" in ours.splitlines(), ours[:300])


@test
def json_and_snapshot_carry_the_set_values():
    d = json.loads(sh(VIGIL, "sys", "sysctl", "net.core", "--format", "json").stdout)
    check(d["net.core.somaxconn"] == "1234", d.get("net.core.somaxconn"))
    check(all(k.startswith("net.core.") for k in d), list(d)[:5])
    snap = json.loads(sh(VIGIL, "snapshot").stdout)
    sc = snap["sysctl"]
    check(sc["net.core.somaxconn"] == "1234" and sc["net.ipv4.tcp_keepalive_time"] == "321", sc)
    with open("/proc/sys/kernel/pid_max") as f:
        check(sc["kernel.pid_max"] == f.read().strip(), sc.get("kernel.pid_max"))
    check(any(k.startswith("vm.") for k in sc), "no vm.* keys")


@test
def bad_usage_and_unknown_key():
    p = sh(VIGIL, "sys", "sysctl", "no.such.key", check_rc=False)
    check(p.returncode == 1 and "no.such.key" in p.stderr, (p.returncode, p.stderr))
    p = sh(VIGIL, "sys", "sysctl", "--format", "yaml", check_rc=False)
    check(p.returncode == 2 and "--format" in p.stderr, (p.returncode, p.stderr))
    p = sh(VIGIL, "sys", "nosuch", check_rc=False)
    check(p.returncode == 2 and "nosuch" in p.stderr, (p.returncode, p.stderr))


if __name__ == "__main__":
    try:
        setup()
        main()
    finally:
        subprocess.run(["ip", "netns", "del", NS], capture_output=True)
