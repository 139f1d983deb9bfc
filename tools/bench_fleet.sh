#!/bin/sh
# bench_fleet.sh - `vigil fleet` against parallel-ssh (Debian's pssh, which runs OpenSSH's ssh
# once per host) at the same parallelism: `vigil snapshot` on 20 hosts, each a real sshd of
# its own (Debian's /usr/sbin/sshd on its own loopback port, with its own host key), each
# host's output written to a directory by both (vigil --output-dir, pssh -o). The two
# alternate, run after run, so that both see the same background load; prints the machine,
# the median wall time of each and vigil's ratio (< 1: vigil is faster). Both check host keys
# against the same known_hosts file and log in with the same key, without an agent.
# Each sshd runs in a mount namespace of its own with an empty /root, so that root's shell
# start-up files (this machine's or CI's) are not part of what is measured.
# usage: tools/bench_fleet.sh [RUNS [HOSTS]]     (default 10 runs, 20 hosts)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-10}
HOSTS=${2:-20}
PSSH=$(command -v parallel-ssh || command -v pssh || true)
[ -n "$PSSH" ] || { echo "bench_fleet: parallel-ssh is missing (tools/deps.sh installs pssh)" >&2; exit 1; }
[ -x /usr/sbin/sshd ] || { echo "bench_fleet: sshd is missing (tools/deps.sh)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench_fleet: needs root (sshd, mount namespaces)" >&2; exit 1; }
[ -x .output/vigil ] || make -s .output/vigil
tools/bench/machine.sh
LC_ALL=C /usr/bin/python3 - "$RUNS" "$HOSTS" "$PSSH" <<'PYEOF'
import os, shutil, socket, statistics, subprocess, sys, tempfile, time
runs, nhosts, pssh = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
vigil = os.path.abspath(".output/vigil")
tmp = tempfile.mkdtemp(prefix="vigil-bench-fleet-")
os.chmod(tmp, 0o755)
procs = []


def sh(*cmd):
    subprocess.run(cmd, check=True, capture_output=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


try:
    key = os.path.join(tmp, "id_ed25519")
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key)
    shutil.copy(key + ".pub", os.path.join(tmp, "authorized_keys"))
    home = os.path.join(tmp, "home")
    os.mkdir(home)
    known = os.path.join(tmp, "known_hosts")
    hostsfile = os.path.join(tmp, "hosts")
    os.makedirs("/run/sshd", exist_ok=True)
    ports = []
    with open(known, "w") as kh, open(hostsfile, "w") as hf:
        for i in range(nhosts):
            port = free_port()
            hk = os.path.join(tmp, "host%d" % i)
            sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hk)
            with open(hk + ".pub") as f:
                kh.write("[127.0.0.1]:%d %s\n" % (port, " ".join(f.read().split()[:2])))
            hf.write("127.0.0.1:%d\n" % port)
            cfg = os.path.join(tmp, "sshd%d" % i)
            with open(cfg, "w") as f:
                f.write("Port %d\nListenAddress 127.0.0.1\nHostKey %s\nAuthorizedKeysFile %s\n"
                        "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
                        "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
                        "PidFile none\nLogLevel ERROR\nMaxStartups 100\n"
                        % (port, hk, os.path.join(tmp, "authorized_keys")))
            script = ("mount --make-rprivate / && mount --bind %s /root && "
                      "exec /usr/sbin/sshd -D -f %s" % (home, cfg))
            procs.append(subprocess.Popen(["unshare", "-m", "sh", "-c", script],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            ports.append(port)
    for port in ports:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("bench_fleet: sshd on port %d did not start" % port)
                time.sleep(0.05)
    env = {k: v for k, v in os.environ.items() if k != "SSH_AUTH_SOCK"}
    out = os.path.join(tmp, "out")
    ssh_opts = ["-O", "UserKnownHostsFile=" + known, "-O", "GlobalKnownHostsFile=/dev/null",
                "-O", "StrictHostKeyChecking=yes", "-O", "IdentityFile=" + key,
                "-O", "IdentitiesOnly=yes", "-O", "BatchMode=yes", "-O", "UpdateHostKeys=no"]
    fleet = [vigil, "fleet", "-F", hostsfile, "-j", str(nhosts), "-i", key, "--known-hosts",
             known, "--output-dir", out]
    pss = [pssh, "-h", hostsfile, "-p", str(nhosts), "-l", "root", "-o", out, "-t", "60",
           *ssh_opts]
    # the workload, then the bare cost of reaching the hosts (a command that does nothing)
    workloads = {
        "vigil snapshot": {
            "vigil fleet": fleet + ["--vigil", vigil, "--", "snapshot"],
            "parallel-ssh": pss + ["%s snapshot -f json" % vigil],
        },
        "true (connect, authenticate, run, close)": {
            "vigil fleet": fleet[:-2] + ["--run", "true"],
            "parallel-ssh": pss + ["true"],
        },
    }
    for title, cmds in workloads.items():
        wall = {k: [] for k in cmds}
        want = nhosts if title == "vigil snapshot" else 0
        for r in range(runs + 1):  # the first round warms caches and is not counted
            for k, c in cmds.items():
                shutil.rmtree(out, ignore_errors=True)
                os.mkdir(out)
                t0 = time.perf_counter()
                p = subprocess.run(c, env=env, capture_output=True, text=True)
                t1 = time.perf_counter()
                files = [f for f in os.listdir(out)
                         if os.path.getsize(os.path.join(out, f)) > 0]
                if p.returncode != 0 or len(files) < want:
                    raise SystemExit("bench_fleet: %s failed (exit %d, %d of %d outputs): %s"
                                     % (k, p.returncode, len(files), want,
                                        (p.stderr or p.stdout)[-800:]))
                if r:
                    wall[k].append((t1 - t0) * 1e3)
        print("%s on %d sshd hosts (loopback), parallelism %d, %d alternating runs each"
              % (title, nhosts, nhosts, runs))
        for k in cmds:
            print("  %-14s wall median %8.1f ms  (min %.1f, max %.1f)"
                  % (k, statistics.median(wall[k]), min(wall[k]), max(wall[k])))
        print("  ratio vigil fleet / parallel-ssh: %.2fx (< 1: vigil is faster)"
              % (statistics.median(wall["vigil fleet"]) /
                 statistics.median(wall["parallel-ssh"])))
finally:
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait()
    shutil.rmtree(tmp, ignore_errors=True)
PYEOF
