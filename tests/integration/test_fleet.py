#!/usr/bin/python3
"""test_fleet.py: `vigil fleet` against three real OpenSSH servers.

Three network namespaces made here, each joined to this one by a veth pair (10.77.N.1 here,
10.77.N.2 there), each with Debian's /usr/sbin/sshd listening on port 22 of its own address,
with its own host key, root login by a test key (AuthorizedKeysFile in a temp dir, StrictModes
no) and a test known_hosts file. The machine's own sshd (port 22 of the root namespace) is
never involved. Each sshd runs in a mount namespace of its own where /root is an empty
directory, so that the machine's root shell start-up files do not run in the sessions; hosts 1
and 2 have a vigil on their PATH (sshd's SetEnv), host 3 has none.

Cases: snapshot rows tagged with the host that really made them (its own address is in its
snapshot); --merge's histogram total is the sum of the hosts' totals, bucket by bucket; a
stopped sshd is "failed: connection refused" while the others succeed; a wrong host key is
refused with the key named; a slow host hits its timeout while the others end early; --install
on the host without vigil works and leaves nothing behind; -J reaches a host through another;
and a real Prometheus scrapes three `vigil serve` agents through file_sd, where a recording
rule gives the fleet-wide run-queue p99.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import OUT, VIGIL, check, main, records, require_root, skip, test, vigil  # noqa

SSHD = "/usr/sbin/sshd"
NHOSTS = 3
LOAD = os.path.join(OUT, "tests", "integration", "runq_load")


def ns(i):
    return "vgfleet%d" % i


def addr(i, side=2):
    return "10.77.%d.%d" % (i, side)


def wait_port(host, port, timeout=30.0, want=True):
    """Until host:port accepts (want) or refuses (not want) a connection."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                if want:
                    return
        except OSError:
            if not want:
                return
        time.sleep(0.05)
    raise AssertionError("%s:%d did not %s in %.0f s" % (host, port,
                                                         "accept" if want else "refuse",
                                                         timeout))


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


class Fleet:
    """The three namespaces, their sshd and the client's keys; removed by close()."""

    def __init__(self):
        if not os.path.exists(SSHD):
            skip("sshd missing (tools/deps.sh installs openssh-server)")
        self.tmp = tempfile.mkdtemp(prefix="vigil-fleet-test-")
        os.chmod(self.tmp, 0o755)
        self.key = os.path.join(self.tmp, "id_ed25519")
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", self.key])
        shutil.copy(self.key + ".pub", os.path.join(self.tmp, "authorized_keys"))
        self.home = os.path.join(self.tmp, "home")
        os.mkdir(self.home)
        self.bin = os.path.join(self.tmp, "bin")
        os.mkdir(self.bin)
        os.chmod(self.bin, 0o755)
        shutil.copy(VIGIL, os.path.join(self.bin, "vigil"))
        self.known = os.path.join(self.tmp, "known_hosts")
        self.sshd = {}
        self.hostkey = {}
        self.teardown_net()
        with open(self.known, "w") as kh:
            for i in range(1, NHOSTS + 1):
                self.setup_ns(i)
                hk = os.path.join(self.tmp, "host%d_key" % i)
                run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hk])
                self.hostkey[i] = hk
                with open(hk + ".pub") as f:
                    key = " ".join(f.read().split()[:2])
                    kh.write("%s %s\n" % (addr(i), key))
                    if i == 1:
                        kh.write("127.0.0.1 %s\n" % key)
                self.start_sshd(i)

    def setup_ns(self, i):
        n, v = ns(i), "vgfl%d" % i
        for c in (["ip", "netns", "add", n],
                  ["ip", "link", "add", v, "type", "veth", "peer", "name", v + "p"],
                  ["ip", "link", "set", v + "p", "netns", n],
                  ["ip", "addr", "add", addr(i, 1) + "/24", "dev", v],
                  ["ip", "link", "set", v, "up"],
                  ["ip", "-n", n, "addr", "add", addr(i) + "/24", "dev", v + "p"],
                  ["ip", "-n", n, "link", "set", v + "p", "up"],
                  ["ip", "-n", n, "link", "set", "lo", "up"]):
            run(c)

    def config(self, i):
        path = os.path.join(self.tmp, "sshd%d_config" % i)
        paths = "/usr/local/bin:/usr/bin:/bin" if i == NHOSTS else \
            self.bin + ":/usr/local/bin:/usr/bin:/bin"
        with open(path, "w") as f:
            f.write("Port 22\nListenAddress %s\n%sHostKey %s\nAuthorizedKeysFile %s\n"
                    "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
                    "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
                    "PidFile none\nSubsystem sftp /usr/lib/openssh/sftp-server\n"
                    "SetEnv PATH=%s\nMaxStartups 100\nLogLevel ERROR\n"
                    % (addr(i), "ListenAddress 127.0.0.1\n" if i == 1 else "", self.hostkey[i], os.path.join(self.tmp, "authorized_keys"),
                       paths))
        return path

    def start_sshd(self, i):
        os.makedirs("/run/sshd", exist_ok=True)
        cfg = self.config(i)
        log = os.path.join(self.tmp, "sshd%d.log" % i)
        # a mount namespace of its own where /root is an empty directory (see the top)
        script = ("mount --make-rprivate / && mount --bind %s /root && exec %s -D -f %s -E %s"
                  % (self.home, SSHD, cfg, log))
        self.sshd[i] = subprocess.Popen(["ip", "netns", "exec", ns(i), "unshare", "-m", "sh",
                                         "-c", script], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        wait_port(addr(i), 22)

    def stop_sshd(self, i):
        p = self.sshd.pop(i, None)
        if p:
            p.terminate()
            p.wait(timeout=10)
        wait_port(addr(i), 22, want=False)

    def hosts(self, *which):
        return ",".join(addr(i) for i in (which or range(1, NHOSTS + 1)))

    def fleet(self, *args, timeout=120, known=None):
        return vigil("fleet", "-i", self.key, "--known-hosts", known or self.known,
                     "--connect-timeout", "10s", *args, timeout=timeout, check=False)

    def teardown_net(self):
        for i in range(1, NHOSTS + 1):
            subprocess.run(["ip", "netns", "del", ns(i)], capture_output=True)
            subprocess.run(["ip", "link", "del", "vgfl%d" % i], capture_output=True)

    def close(self):
        for i in list(self.sshd):
            self.stop_sshd(i)
        self.teardown_net()
        shutil.rmtree(self.tmp, ignore_errors=True)


_fleet = None


def fleet():
    global _fleet
    require_root()
    if _fleet is None:
        _fleet = Fleet()
    return _fleet


def summary_lines(stderr):
    """{host: 'ok (...)' / 'failed: ...' / 'timed out: ...'} from fleet's summary."""
    out = {}
    for line in stderr.splitlines():
        parts = line.split(None, 1)
        if line.startswith("  ") and len(parts) == 2:
            out[parts[0]] = parts[1]
    return out


@test
def run_prefixes_each_hosts_output_and_exit_status():
    f = fleet()
    p = f.fleet("-H", f.hosts(), "--run",
                'echo "out $SSH_CONNECTION"; echo "err line" >&2; '
                'case $SSH_CONNECTION in *" 10.77.2.2 "*) exit 3;; esac')
    check(p.returncode == 1, "a host exited 3: status 1, got %d: %s" % (p.returncode, p.stderr))
    for i in range(1, NHOSTS + 1):
        check(any(l.startswith("%s: out " % addr(i)) and addr(i) in l.split(": ", 1)[1]
                  for l in p.stdout.splitlines()),
              "host %d's stdout, prefixed, from that host: %r" % (i, p.stdout))
        check("%s: err line" % addr(i) in p.stderr, "host %d's stderr prefixed" % i)
    s = summary_lines(p.stderr)
    check(s[addr(1)].startswith("ok") and s[addr(3)].startswith("ok"), "others ok: %r" % s)
    check(s[addr(2)].startswith("failed: exit status 3"), "host 2: %r" % s.get(addr(2)))
    # the same as records
    p = f.fleet("-H", f.hosts(), "-f", "json", "--run", "echo hi; echo oops >&2; exit 0")
    recs = json.loads(p.stdout)
    check(p.returncode == 0, "all ok: %s" % p.stderr)
    check(sorted(r["host"] for r in recs) == sorted(f.hosts().split(",")), "one per host")
    check(all(r["status"] == "ok" and r["exit_status"] == 0 and r["stdout"] == "hi\n" and
              r["stderr"] == "oops\n" for r in recs), "records: %r" % recs)
    # quotes, backslashes, tabs and control bytes survive JSON and CSV
    weird = 'a"b\\c\td\001e,f'
    p = f.fleet("-H", f.hosts(1), "-f", "json", "--run", "printf '%s'" % weird.replace("\\", "\\\\"))
    check(json.loads(p.stdout)[0]["stdout"] == weird, "JSON: %r" % p.stdout)
    p = f.fleet("-H", f.hosts(1), "-f", "csv", "--run", "printf '%s'" % weird.replace("\\", "\\\\"))
    import csv as csvmod
    import io
    rows = list(csvmod.DictReader(io.StringIO(p.stdout, newline="")))
    # vigil's CSV writes control bytes as \\xNN, as it does for every text field
    check(rows[0]["stdout"] == weird.replace("\001", "\\x01") and rows[0]["status"] == "ok",
          "CSV: %r" % rows)


@test
def snapshot_rows_come_back_tagged_by_the_host_that_made_them():
    f = fleet()
    p = f.fleet("-H", f.hosts(1, 2), "-f", "json", "--", "snapshot")
    check(p.returncode == 0, "fleet snapshot: %d %s" % (p.returncode, p.stderr))
    snaps = json.loads(p.stdout)
    check(len(snaps) == 2, "two snapshots: %d" % len(snaps))
    for s in snaps:
        addrs = [a["address"] for nic in s["net_if_addrs"].values() for a in nic]
        check(s["host"] in addrs, "host %s's snapshot holds its own address: %r"
              % (s["host"], addrs))
        check(s["virtual_memory"]["total"] > 0, "a whole snapshot")
    # --install for the host without vigil: the same, all three
    p = f.fleet("-H", f.hosts(), "-f", "ndjson", "--install", "--", "snapshot", timeout=300)
    check(p.returncode == 0, "fleet --install snapshot: %d %s" % (p.returncode, p.stderr))
    check(sorted(r["host"] for r in records(p.stdout)) == sorted(f.hosts().split(",")),
          "all three tagged")


@test
def output_dir_writes_one_snapshot_per_host():
    f = fleet()
    d = tempfile.mkdtemp(prefix="vigil-fleet-snaps-")
    try:
        p = f.fleet("-H", f.hosts(1, 2), "--output-dir", d, "--", "snapshot")
        check(p.returncode == 0, "exit 0: %s" % p.stderr)
        names = sorted(os.listdir(d))
        check(names == sorted("%s.json" % addr(i) for i in (1, 2)), "files: %r" % names)
        for n in names:
            with open(os.path.join(d, n)) as fh:
                check("virtual_memory" in json.load(fh), "%s is a snapshot" % n)
    finally:
        shutil.rmtree(d)


@test
def csv_and_table_rows_gain_a_host_column():
    f = fleet()
    p = f.fleet("-H", f.hosts(1, 2), "-f", "csv", "--", "df")
    check(p.returncode == 0, "fleet df: %s" % p.stderr)
    lines = p.stdout.splitlines()
    check(lines[0].startswith("host,device,"), "one header with host first: %r" % lines[0])
    check(sum(l.startswith("host,") for l in lines) == 1, "one header for both hosts")
    check({l.split(",")[0] for l in lines[1:]} == {addr(1), addr(2)}, "rows of both hosts")
    p = f.fleet("-H", f.hosts(1, 2), "-f", "table", "--", "free")
    lines = p.stdout.splitlines()
    check(lines[0].split()[0] == "HOST" and "total" in lines[0], "HOST column: %r" % lines[0])
    check([l.split()[0] for l in lines[1:]] == [addr(1)] * 2 + [addr(2)] * 2,
          "Mem and Swap rows per host: %r" % lines)


@test
def merged_histogram_is_the_sum_of_the_hosts_histograms():
    f = fleet()
    load = subprocess.Popen([LOAD, "--loops", "400"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL) if os.path.exists(LOAD) else None
    try:
        p = f.fleet("-H", f.hosts(1, 2), "-f", "ndjson", "--", "hist", "runq", "-d", "2s",
                    "--merge")
    finally:
        if load:
            load.kill()
            load.wait()
    check(p.returncode == 0, "fleet hist --merge: %s" % p.stderr)
    recs = records(p.stdout)
    per_host = [r for r in recs if r["host"] != "*"]
    merged = [r for r in recs if r["host"] == "*"]
    check(sorted(r["host"] for r in per_host) == [addr(1), addr(2)], "one per host")
    check(len(merged) == 1 and merged[0]["hosts"] == 2, "one merged: %r" % merged)
    m = merged[0]
    check(m["count"] == sum(r["count"] for r in per_host) and m["count"] > 0,
          "merged count %d = %r" % (m["count"], [r["count"] for r in per_host]))
    check(m["sum"] == sum(r["sum"] for r in per_host), "sums add")
    want = {}
    for r in per_host:
        for b in r["buckets"]:
            want[b["lo"]] = want.get(b["lo"], 0) + b["count"]
    got = {b["lo"]: b["count"] for b in m["buckets"]}
    check(got == {k: v for k, v in want.items() if v}, "buckets add: %r vs %r" % (got, want))
    # the table: per-host histograms, then the merged one
    p = f.fleet("-H", f.hosts(1, 2), "-f", "table", "--", "hist", "runq", "-d", "1s",
                "--merge")
    check("runq on %s:" % addr(1) in p.stdout and "merged over 2 hosts" in p.stdout,
          "table sections: %r" % p.stdout[:500])


@test
def a_stopped_sshd_is_connection_refused_and_the_others_succeed():
    f = fleet()
    f.stop_sshd(2)
    try:
        t0 = time.monotonic()
        p = f.fleet("-H", f.hosts(), "--run", "echo alive")
        took = time.monotonic() - t0
    finally:
        f.start_sshd(2)
    s = summary_lines(p.stderr)
    check(p.returncode == 1, "exit 1 when a host failed")
    check(s[addr(2)].startswith("failed: connection refused"), "host 2: %r" % s.get(addr(2)))
    for i in (1, 3):
        check(s[addr(i)].startswith("ok"), "host %d: %r" % (i, s.get(addr(i))))
        check("%s: alive" % addr(i) in p.stdout, "host %d's output" % i)
    check(took < 30, "a refused host costs no timeout: %.1f s" % took)


@test
def a_dead_host_hits_the_connect_timeout_and_the_others_end_early():
    f = fleet()
    if not shutil.which("nft"):
        skip("nft missing (tools/deps.sh installs nftables)")
    # host 2 drops SYNs to its sshd: no answer at all, as a dead machine behaves
    nft = ["ip", "netns", "exec", ns(2), "nft"]
    run(nft + ["add", "table", "inet", "vgfleet"])
    run(nft + ["add chain inet vgfleet in { type filter hook input priority 0 ; }"])
    run(nft + ["add", "rule", "inet", "vgfleet", "in", "tcp", "dport", "22", "drop"])
    try:
        t0 = time.monotonic()
        p = vigil("fleet", "-i", f.key, "--known-hosts", f.known, "--connect-timeout", "3s",
                  "-H", f.hosts(), "-f", "json", "--run", "echo up", check=False)
        took = time.monotonic() - t0
    finally:
        run(nft + ["delete", "table", "inet", "vgfleet"])
    recs = {r["host"]: r for r in json.loads(p.stdout)}
    check(p.returncode == 1, "exit 1")
    check(recs[addr(2)]["status"] == "timed out" and "connect" in recs[addr(2)]["reason"],
          "host 2: %r" % recs[addr(2)])
    check(recs[addr(2)]["seconds"] >= 2.5, "it waited its connect timeout")
    check(took < 20, "no more than the timeout: %.1f s" % took)
    for i in (1, 3):
        r = recs[addr(i)]
        check(r["status"] == "ok" and r["stdout"] == "up\n", "host %d: %r" % (i, r))
        check(r["seconds"] < recs[addr(2)]["seconds"], "host %d ended first" % i)


@test
def a_wrong_host_key_is_refused_and_named():
    f = fleet()
    wrong = os.path.join(f.tmp, "known_wrong")
    other = os.path.join(f.tmp, "other_key")
    if not os.path.exists(other):
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other])
    with open(f.known) as src, open(wrong, "w") as dst, open(other + ".pub") as o:
        for line in src:
            if line.startswith(addr(3) + " "):
                line = "%s %s\n" % (addr(3), " ".join(o.read().split()[:2]))
            dst.write(line)
    fp = run(["ssh-keygen", "-l", "-E", "sha256", "-f", f.hostkey[3] + ".pub"]).stdout.split()[1]
    p = f.fleet("-H", f.hosts(), "--run", "echo fine", known=wrong)
    s = summary_lines(p.stderr)
    check(p.returncode == 1, "exit 1")
    check(s[addr(3)].startswith("failed: host key changed") and fp in s[addr(3)] and
          "ssh-ed25519" in s[addr(3)], "names the key %s: %r" % (fp, s.get(addr(3))))
    check("%s: fine" % addr(3) not in p.stdout, "nothing ran on host 3")
    check(s[addr(1)].startswith("ok") and s[addr(2)].startswith("ok"), "others ok: %r" % s)
    # a host missing from known_hosts: unknown, named too
    with open(wrong, "w") as dst, open(f.known) as src:
        dst.write("".join(l for l in src if not l.startswith(addr(1) + " ")))
    p = f.fleet("-H", f.hosts(1), "--run", "true", known=wrong)
    check("unknown host key ssh-ed25519 SHA256:" in p.stderr, "unknown key: %s" % p.stderr)


@test
def a_slow_host_times_out_and_the_others_end_early():
    f = fleet()
    t0 = time.monotonic()
    p = f.fleet("-H", f.hosts(), "--timeout", "4s", "-f", "json", "--run",
                'case $SSH_CONNECTION in *" 10.77.1.2 "*) sleep 60;; esac; echo done')
    took = time.monotonic() - t0
    recs = {r["host"]: r for r in json.loads(p.stdout)}
    check(p.returncode == 1, "exit 1 on a timeout")
    check(recs[addr(1)]["status"] == "timed out", "host 1 timed out: %r" % recs[addr(1)])
    check(took < 30, "the sleeper was cut at its timeout: %.1f s" % took)
    for i in (2, 3):
        r = recs[addr(i)]
        check(r["status"] == "ok" and r["stdout"] == "done\n", "host %d: %r" % (i, r))
        check(r["seconds"] < recs[addr(1)]["seconds"], "host %d ended before the slow one" % i)
    # and with -j 1 the slow host first, the others still run after it is cut
    p = f.fleet("-H", f.hosts(), "-j", "1", "--timeout", "2s", "--run",
                'case $SSH_CONNECTION in *" 10.77.1.2 "*) sleep 60;; esac; echo done')
    s = summary_lines(p.stderr)
    check(s[addr(1)].startswith("timed out") and s[addr(3)].startswith("ok"), "%r" % s)


@test
def parallel_limits_how_many_hosts_run_at_once():
    f = fleet()
    cmd = "date +%s.%N; sleep 1; date +%s.%N"

    def spans(j):
        p = f.fleet("-H", f.hosts(), "-j", str(j), "-f", "json", "--run", cmd)
        check(p.returncode == 0, "-j %d: %s" % (j, p.stderr))
        return sorted(tuple(float(x) for x in r["stdout"].split()) for r in json.loads(p.stdout))

    one = spans(1)
    check(all(a[1] <= b[0] for a, b in zip(one, one[1:])), "-j 1: one at a time: %r" % one)
    three = spans(3)
    check(max(s[0] for s in three) < min(s[1] for s in three), "-j 3: all at once: %r" % three)


@test
def install_runs_where_vigil_is_missing_and_leaves_nothing():
    f = fleet()
    p = f.fleet("-H", f.hosts(3), "--run", "command -v vigil")
    check(p.returncode == 1, "host 3 has no vigil on its PATH: %s" % p.stdout)
    p = f.fleet("-H", f.hosts(3), "-f", "json", "--", "uptime")
    check("failed" in p.stderr, "without --install it fails on host 3")
    before = set(n for n in os.listdir("/tmp") if n.startswith("vigil-fleet."))
    p = f.fleet("-H", f.hosts(3), "-f", "ndjson", "--install", "--", "uptime", timeout=300)
    check(p.returncode == 0, "--install: %s" % p.stderr)
    r = records(p.stdout)
    check(len(r) == 1 and r[0]["host"] == addr(3) and r[0]["uptime"] > 0, "uptime: %r" % r)
    after = set(n for n in os.listdir("/tmp") if n.startswith("vigil-fleet."))
    check(after == before, "left behind: %r" % (after - before))
    # cut by its timeout, it is removed all the same
    p = f.fleet("-H", f.hosts(3), "--timeout", "2s", "--install", "--", "hist", "runq", "-d", "60s",
                timeout=300)
    check("timed out" in summary_lines(p.stderr)[addr(3)], "timed out: %s" % p.stderr)
    after = set(n for n in os.listdir("/tmp") if n.startswith("vigil-fleet."))
    check(after == before, "left behind after a timeout: %r" % (after - before))


@test
def ctrl_c_stops_the_hosts_and_removes_installed_copies():
    f = fleet()
    before = set(n for n in os.listdir("/tmp") if n.startswith("vigil-fleet."))
    p = subprocess.Popen([VIGIL, "fleet", "-i", f.key, "--known-hosts", f.known, "-H",
                          f.hosts(), "--install", "--", "hist", "runq", "-d", "120s"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until the three copies run
        now = set(n for n in os.listdir("/tmp") if n.startswith("vigil-fleet.")) - before
        if len(now) == NHOSTS:
            break
        time.sleep(0.05)
    check(len(now) == NHOSTS, "three installed copies: %r" % now)
    t0 = time.monotonic()
    p.send_signal(signal.SIGINT)
    err = p.communicate(timeout=60)[1]
    check(time.monotonic() - t0 < 20, "Ctrl-C ends it promptly")
    check(p.returncode == 1, "exit 1: the hosts did not finish: %d" % p.returncode)
    s = summary_lines(err)
    check(all("interrupted" in s[addr(i)] for i in range(1, NHOSTS + 1)), "%r" % s)
    after = set(n for n in os.listdir("/tmp") if n.startswith("vigil-fleet."))
    check(after == before, "left behind after Ctrl-C: %r" % (after - before))


@test
def ssh_config_aliases_and_the_agent_authenticate():
    f = fleet()
    cfg = os.path.join(f.tmp, "ssh_config")
    with open(cfg, "w") as fh:
        fh.write("Host web2\n  HostName %s\n  User root\n  IdentityFile %s\n"
                 % (addr(2), f.key))
    p = vigil("fleet", "--ssh-config", cfg, "--known-hosts", f.known, "-H", "web2",
              "-f", "json", "--run", 'echo "$SSH_CONNECTION"', check=False,
              env={k: v for k, v in os.environ.items() if k != "SSH_AUTH_SOCK"})
    check(p.returncode == 0, "an alias with its own key: %s" % p.stderr)
    r = json.loads(p.stdout)[0]
    check(r["host"] == "web2" and r["stdout"].split()[2] == addr(2), "%r" % r)
    # no -i and no key in ~/.ssh: only the agent holds it
    sock = os.path.join(f.tmp, "agent.sock")
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", sock], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(sock) and time.monotonic() < deadline:
            time.sleep(0.05)
        env = dict(os.environ, SSH_AUTH_SOCK=sock, HOME=f.home)
        run(["ssh-add", f.key], env=env)
        p = vigil("fleet", "--known-hosts", f.known, "-H", f.hosts(1), "--run", "echo agent",
                  check=False, env=env)
        check(p.returncode == 0 and "%s: agent" % addr(1) in p.stdout,
              "the agent's key: %s" % p.stderr)
        env = dict(os.environ, HOME=f.home)
        env.pop("SSH_AUTH_SOCK", None)
        p = vigil("fleet", "--known-hosts", f.known, "-H", f.hosts(1), "--run", "true",
                  check=False, env=env)
        check(p.returncode == 1 and "authentication refused" in p.stderr,
              "without agent nor key: %s" % p.stderr)
    finally:
        agent.terminate()
        agent.wait()


@test
def jump_host_reaches_a_host_only_it_can_reach():
    f = fleet()
    # host 1's sshd also listens on its namespace's own 127.0.0.1, which only a session
    # through host 1 can reach (this namespace's 127.0.0.1:22, if anything, is another sshd)
    p = f.fleet("-J", addr(1), "-H", "127.0.0.1,%s" % addr(1), "-f", "json", "--run",
                'echo "$SSH_CONNECTION"')
    check(p.returncode == 0, "-J: %s" % p.stderr)
    recs = {r["host"]: r for r in json.loads(p.stdout)}
    check(recs["127.0.0.1"]["stdout"].split()[2] == "127.0.0.1", "%r" % recs)
    check(recs[addr(1)]["stdout"].split()[0] == addr(1), "host 1 was reached from its own "
          "address (the jump), not from %s: %r" % (addr(1, 1), recs[addr(1)]))
    p = f.fleet("-J", addr(1), "-H", "127.0.0.1:2", "--run", "true")
    check(p.returncode == 1 and "failed: connection refused (through jump host" in p.stderr,
          "a refused target behind the jump: %s" % p.stderr)


def prometheus_query(port, q):
    url = "http://127.0.0.1:%d/api/v1/query?%s" % (port, urllib.parse.urlencode({"query": q}))
    with urllib.request.urlopen(url, timeout=5) as r:
        data = json.loads(r.read())
    check(data["status"] == "success", "query %s: %s" % (q, data))
    return data["data"]["result"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@test
def prometheus_scrapes_three_agents_by_file_sd_and_a_rule_gives_the_fleet_p99():
    fleet()  # the three agents this test scrapes
    if not os.path.exists("/usr/bin/prometheus"):
        skip("prometheus missing (tools/deps.sh installs it)")
    docs = os.path.join(os.path.dirname(VIGIL), "..", "docs", "fleet.md")
    rules_text = extract_block(docs, "yaml", "groups:")
    d = tempfile.mkdtemp(prefix="vigil-fleet-prom-")
    agents, prom = [], None
    try:
        for i in range(1, NHOSTS + 1):
            agents.append(subprocess.Popen(["ip", "netns", "exec", ns(i), VIGIL, "serve",
                                            "--listen", "%s:9464" % addr(i)],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        for i in range(1, NHOSTS + 1):
            wait_port(addr(i), 9464)
        with open(os.path.join(d, "vigil.json"), "w") as fh:
            json.dump([{"targets": ["%s:9464" % addr(i) for i in range(1, NHOSTS + 1)],
                        "labels": {"fleet": "test"}}], fh)
        with open(os.path.join(d, "rules.yml"), "w") as fh:
            fh.write(rules_text)
        port = free_port()
        with open(os.path.join(d, "prometheus.yml"), "w") as fh:
            fh.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                     "rule_files: ['%s/rules.yml']\n"
                     "scrape_configs:\n  - job_name: vigil\n    file_sd_configs:\n"
                     "      - files: ['%s/*.json']\n" % (d, d))
        chk = subprocess.run(["promtool", "check", "rules", os.path.join(d, "rules.yml")],
                             capture_output=True, text=True)
        check(chk.returncode == 0, "promtool on docs/fleet.md's rules: %s" % chk.stdout)
        prom = subprocess.Popen(["prometheus", "--config.file", os.path.join(d, "prometheus.yml"),
                                 "--storage.tsdb.path", os.path.join(d, "data"),
                                 "--web.listen-address", "127.0.0.1:%d" % port],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        load = subprocess.Popen([LOAD, "--loops", "2000"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) if os.path.exists(LOAD) else None
        deadline, up, p99 = time.monotonic() + 90, [], []
        try:
            while time.monotonic() < deadline:
                time.sleep(1)
                try:
                    up = prometheus_query(port, 'up{job="vigil"} == 1')
                    p99 = prometheus_query(port, "fleet:vigil_runq_latency_seconds:p99_5m")
                except (OSError, urllib.error.URLError):
                    continue
                if len(up) == NHOSTS and p99:
                    break
        finally:
            if load:
                load.kill()
                load.wait()
        check(len(up) == NHOSTS, "three agents up: %r" % up)
        check(p99 and float(p99[0]["value"][1]) > 0, "fleet p99 from the rule: %r" % p99)
        check(set(p99[0]["metric"]) <= {"__name__", "fleet", "job"},
              "the rule aggregates hosts away: %r" % p99[0]["metric"])
        info = prometheus_query(port, "vigil_build_info")
        check(len(info) == NHOSTS and all(r["metric"].get("version") for r in info),
              "vigil_build_info per agent: %r" % info)
        insts = {r["metric"]["instance"] for r in info}
        check(insts == {"%s:9464" % addr(i) for i in range(1, NHOSTS + 1)},
              "instance labels: %r" % insts)
    finally:
        for a in agents:
            a.send_signal(signal.SIGINT)
        for a in agents:
            try:
                a.wait(timeout=20)
            except subprocess.TimeoutExpired:
                a.kill()
        if prom:
            prom.terminate()
            prom.wait(timeout=30)
        shutil.rmtree(d, ignore_errors=True)


def extract_block(path, lang, first):
    """The fenced ```lang block of path whose first line starts with first."""
    with open(path) as fh:
        text = fh.read()
    for block in text.split("```" + lang + "\n")[1:]:
        body = block.split("```", 1)[0]
        if body.startswith(first):
            return body
    raise AssertionError("%s has no ```%s block starting %r" % (path, lang, first))


@test
def bad_flags_exit_2_naming_them():
    for args, word in ((["--run", "x"], "no hosts"), (["-H", "a b", "--run", "x"], "--hosts"),
                       (["-H", "a", "-j", "0", "--run", "x"], "--parallel"),
                       (["-H", "a"], "either --run"),
                       (["-H", "a", "--run", "x", "--", "ps"], "either --run"),
                       (["-H", "a", "--", "ps", "-f", "csv"], "-f"),
                       (["-H", "a", "--run", "x", "--install"], "--install"),
                       (["-H", "a", "-f", "csv", "--", "snapshot"], "only JSON"),
                       (["-H", "a", "--timeout", "soon", "--run", "x"], "--timeout")):
        p = vigil("fleet", *args, check=False)
        check(p.returncode == 2 and word in p.stderr, "%r: %d %s" % (args, p.returncode,
                                                                     p.stderr))


if __name__ == "__main__":
    try:
        main()
    finally:
        if _fleet:
            _fleet.close()
