#!/usr/bin/python3
"""test_resolve.py: --resolve against a real DNS server. The test makes a network namespace
with a veth pair (host 10.77.N.1, namespace 10.77.N.53 plus peers .2, .3, .4), starts
dnsmasq there serving a test reverse zone (peer2/peer3.vigil.test; .4 has no name), and runs
vigil, getent and dig in a private mount namespace whose /etc/resolv.conf points at it (the
host's resolver is untouched). Names must equal `getent hosts` and `dig -x`; a name not known
yet is null and later records carry it; a dead resolver (a server address that answers
nothing) never stalls the records."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (VIGIL, check, main, records, require_root, skip,  # noqa: E402
                     test)

TAG = os.getpid()
NS = "vgr%d" % TAG
VETH_H, VETH_N = "vgr%dh" % TAG, "vgr%dn" % TAG
NET = "10.77.%d" % (TAG % 200 + 20)
HOST, DNS, DEAD = NET + ".1", NET + ".53", NET + ".99"
PEERS = {NET + ".2": "peer2.vigil.test", NET + ".3": "peer3.vigil.test"}
NONAME = NET + ".4"
PORT = 31000 + TAG % 1000
DNSMASQ = "/usr/sbin/dnsmasq"


def sh(*cmd, check_rc=True):
    return subprocess.run(cmd, capture_output=True, text=True, check=check_rc)


class Env:
    """The namespace, dnsmasq, TCP listeners on the peers, and a resolv.conf per server."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="vigil-resolve-")
        self.dnsmasq = self.listener = None
        self.teardown()
        sh("ip", "netns", "add", NS)
        sh("ip", "link", "add", VETH_H, "type", "veth", "peer", "name", VETH_N)
        sh("ip", "link", "set", VETH_N, "netns", NS)
        sh("ip", "addr", "add", HOST + "/24", "dev", VETH_H)
        sh("ip", "link", "set", VETH_H, "up")
        for a in (DNS, NONAME, *PEERS):
            sh("ip", "-n", NS, "addr", "add", a + "/24", "dev", VETH_N)
        sh("ip", "-n", NS, "link", "set", VETH_N, "up")
        sh("ip", "-n", NS, "link", "set", "lo", "up")
        args = ["ip", "netns", "exec", NS, DNSMASQ, "--keep-in-foreground", "--no-resolv",
                "--no-hosts", "--conf-file=/dev/null", "--bind-interfaces",
                "--listen-address=" + DNS, "--port=53", "--user=root", "--pid-file=",
                "--log-facility=" + os.path.join(self.tmp, "dnsmasq.log")]
        args += ["--host-record=%s,%s" % (n, a) for a, n in PEERS.items()]
        self.dnsmasq = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        # peers that accept: a listener on every namespace address
        self.listener = subprocess.Popen(
            ["ip", "netns", "exec", NS, sys.executable, "-c", LISTENER, str(PORT)],
            stdout=subprocess.PIPE, text=True)
        self.listener.stdout.readline()  # "ready"
        for name, server in (("good", DNS), ("dead", DEAD)):
            with open(os.path.join(self.tmp, name + ".conf"), "w") as f:
                f.write("nameserver %s\noptions timeout:1 attempts:1\n" % server)
        deadline = time.monotonic() + 30
        while self.dig_x(next(iter(PEERS))) != next(iter(PEERS.values())) + ".":
            if time.monotonic() > deadline or self.dnsmasq.poll() is not None:
                raise AssertionError("dnsmasq did not answer: %s" % self.dnsmasq.stderr.read()
                                     if self.dnsmasq.poll() is not None else "timeout")
            time.sleep(0.1)

    def dig_x(self, addr):
        return sh("dig", "+short", "+time=1", "+tries=1", "@" + DNS, "-x", addr,
                  check_rc=False).stdout.strip()

    def in_mntns(self, which, *cmd):
        """cmd in a private mount namespace whose /etc/resolv.conf is ours."""
        conf = os.path.join(self.tmp, which + ".conf")
        return ["unshare", "-m", "--propagation", "private", "sh", "-c",
                'mount --bind "$0" /etc/resolv.conf && exec "$@"', conf, *cmd]

    def teardown(self):
        for p in (self.dnsmasq, self.listener):
            if p and p.poll() is None:
                p.kill()
                p.wait()
        sh("ip", "netns", "del", NS, check_rc=False)
        sh("ip", "link", "del", VETH_H, check_rc=False)


LISTENER = r'''
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(128)
print("ready", flush=True)
def serve(c):
    c.recv(10); c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
'''


def connect(addr):
    c = socket.create_connection((addr, PORT), timeout=10)
    c.sendall(b"x")
    c.close()


def need():
    require_root()
    if not os.access(DNSMASQ, os.X_OK) or not shutil.which("dig"):
        skip("dnsmasq or dig missing (tools/deps.sh installs dnsmasq-base, bind9-dnsutils)")


class Trace:
    def __init__(self, env, which, *args):
        self.p = subprocess.Popen(env.in_mntns(which, VIGIL, "trace", "tcp", "-f", "ndjson",
                                               "--port", str(PORT), "--resolve", *args),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.recs, self.lock = [], threading.Lock()
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for line in self.p.stdout:
            with self.lock:
                self.recs.extend(records(line))

    def wait(self, cond, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if cond(list(self.recs)):
                    return True
            time.sleep(0.05)
        return False

    def stop(self):
        self.p.send_signal(signal.SIGINT)
        self.p.wait(timeout=60)
        self.t.join(timeout=10)
        return self.recs, self.p.stderr.read()


def closes(recs, addr):
    return [r for r in recs if r["kind"] == "tcp_close" and r["daddr"] == addr]


def attached(tr):
    """vigil is tracing once a probe connection to the no-name peer is seen."""
    return tr.wait(lambda recs: any(closes(recs, NONAME)), 0.5)


@test
def test_resolve_names_match_getent_and_dig():
    need()
    env = Env()
    try:
        want = {}
        for addr, name in PEERS.items():
            g = sh(*env.in_mntns("good", "getent", "hosts", addr), check_rc=False).stdout.split()
            check(env.dig_x(addr) == name + ".", "dig -x %s: %s" % (addr, env.dig_x(addr)))
            check(g[:2] == [addr, name], "getent hosts %s: %s" % (addr, g))
            want[addr] = g[1]
        tr = Trace(env, "good", "--resolve-timeout", "2s")
        deadline = time.monotonic() + 60
        while not attached(tr):
            check(time.monotonic() < deadline and tr.p.poll() is None, "vigil is not tracing")
            connect(NONAME)
        # a name not known yet is null; later records of the same peer carry it
        ok = False
        while not ok and time.monotonic() < deadline:
            for addr in PEERS:
                connect(addr)
            ok = tr.wait(lambda recs: all(any(r["rname"] for r in closes(recs, a))
                                          for a in PEERS), 0.5)
        recs, err = tr.stop()
        check(ok, "names arrived on later records: %s" % err)
        for addr, name in want.items():
            named = {r["rname"] for r in closes(recs, addr)} - {None}
            check(named == {name}, "%s named %s, getent says %s" % (addr, named, name))
        check(all(r["rname"] is None for r in closes(recs, NONAME)), "no PTR: null")
        check("named" in err and "timed out" in err, "resolver summary: %s" % err)
        # net connections --resolve: a snapshot waits for the answers (at most the timeout)
        cs = [socket.create_connection((a, PORT)) for a in PEERS]
        p = subprocess.run(env.in_mntns("good", VIGIL, "net", "connections", "--kind", "tcp4",
                                        "--raddr", NET + ".0/24", "--resolve", "-f", "json"),
                           capture_output=True, text=True, timeout=60)
        # lsof --resolve: NAME as lsof itself writes it without -n, rname as getent
        mine = subprocess.run(env.in_mntns("good", VIGIL, "lsof", "-p", str(os.getpid()),
                                           "--raddr", NET + ".0/24", "--resolve", "-f", "json"),
                              capture_output=True, text=True, timeout=60).stdout
        real = subprocess.run(env.in_mntns("good", "lsof", "-P", "-a", "-p", str(os.getpid()),
                                           "-i", "TCP:%d" % PORT), capture_output=True,
                              text=True, timeout=60).stdout
        # top --resolve: PEER is the busiest remote's name (two connections to .3, one to .2)
        cs.append(socket.create_connection((NET + ".3", PORT)))
        top = subprocess.run(env.in_mntns("good", VIGIL, "top", "--once", "-i", "1s", "--raddr",
                                          NET + ".0/24", "--resolve", "-f", "json"),
                             capture_output=True, text=True, timeout=60).stdout
        for c in cs:
            c.close()
        mine_top = [r for r in json.loads(top)["rows"] if r["pid"] == os.getpid()]
        check(mine_top and mine_top[0]["peer"] == PEERS[NET + ".3"]
              and mine_top[0]["tcp_conns"] == 3,
              "top --resolve: 3 connections, PEER %s: %s" % (PEERS[NET + ".3"], top))
        lrows = json.loads(mine)
        check(sorted(r["rname"] for r in lrows) == sorted(want.values()),
              "lsof --resolve rname: %s" % lrows)
        want_names = sorted(" ".join(ln.split()[8:]) for ln in real.splitlines()[1:])
        check(sorted(r["name"] for r in lrows) == want_names,
              "lsof --resolve NAME equals lsof -P: %s vs %s" % ([r["name"] for r in lrows],
                                                                 want_names))
        rows = [r for r in json.loads(p.stdout) if r["raddr"] and r["raddr"][1] == PORT]
        est = {r["raddr"][0]: r["rname"] for r in rows if r["status"] == "ESTABLISHED"}
        check(est == want, "net connections --resolve: %s" % est)
        check(all(r["rname"] == want.get(r["raddr"][0]) for r in rows),
              "every row of a peer has its name, the no-name peer null: %s" % rows)
    finally:
        env.teardown()


@test
def test_dead_resolver_never_stalls_records():
    need()
    env = Env()
    try:
        tr = Trace(env, "dead", "--resolve-timeout", "5s")
        deadline = time.monotonic() + 60
        while not attached(tr):
            check(time.monotonic() < deadline and tr.p.poll() is None, "vigil is not tracing")
            connect(NONAME)
        # the resolver is stuck on the first lookups; every record still comes at once
        for i in range(5):
            t0 = time.monotonic()
            addr = list(PEERS)[i % 2]
            connect(addr)
            n = len(closes(tr.recs, addr))
            ok = tr.wait(lambda recs: len(closes(recs, addr)) > n, 30)
            check(ok, "record %d arrived with a dead resolver" % i)
            check(time.monotonic() - t0 < 2.0, "record %d took %.2f s (a lookup takes 1 s "
                  "per try)" % (i, time.monotonic() - t0))
        recs, err = tr.stop()
        check(all(r["rname"] is None for r in recs if r["kind"] == "tcp_close"),
              "no names from a dead server")
        check("0 named" in err, "summary: %s" % err)
        t0 = time.monotonic()
        p = subprocess.run(env.in_mntns("dead", VIGIL, "net", "connections", "--kind", "tcp",
                                        "--resolve", "--resolve-timeout", "300ms",
                                        "-f", "json"),
                           capture_output=True, text=True, timeout=60)
        took = time.monotonic() - t0
        check(p.returncode == 0 and took < 5, "net --resolve with a dead server: %.2f s" % took)
        c = socket.create_connection((NET + ".2", PORT))
        t0 = time.monotonic()
        top = subprocess.run(env.in_mntns("dead", VIGIL, "top", "--once", "-i", "500ms",
                                          "--raddr", NET + ".2", "--resolve"),
                             capture_output=True, text=True, timeout=60).stdout
        took = time.monotonic() - t0
        c.close()
        row = [ln.split() for ln in top.splitlines() if ln.split()[:1] == [str(os.getpid())]]
        check(took < 5 and row and row[0][-1] == NET + ".2",
              "top --resolve, dead server: the address in %.2f s: %s" % (took, top))
    finally:
        env.teardown()


if __name__ == "__main__":
    main()
