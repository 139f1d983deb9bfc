"""test_matrix.py: every vigil command and subcommand, run three ways, ends cleanly.

Each command in CASES runs as root with BPF, as root with no kernel BTF (VIGIL_BTF pointed
at a file that does not exist, as a kernel without BTF looks), and as uid 65534 with every
capability dropped (a copy of vigil it can reach). stdout is a pipe and stdin /dev/null,
as in any script. Every run must exit 0 (it worked, or fell back) or 1 with a message on
stderr; never on a signal, never 1 in silence, never a usage error for a valid command line,
and never hang past its duration. As root with BPF every command must succeed. Without BPF
the commands that have no fallback must exit 1 before writing anything, and no record or
metric may claim source bpf. kill gets a fresh process of the mode's own user and must leave
it gone; serve is scraped once, then stopped with SIGTERM. All findings are listed before the
test fails, one line each. The commands vigil --help lists must all be in CASES.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import VIGIL, check, main, require_root, test, unprivileged_vigil

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
          "--bounding-set=-all"]
TIMEOUT = 30  # seconds past which a run with a 1 s duration is hung
D = ["-d", "1s"]

# The command lines. {victim} is the pid of a fresh `sleep` of the mode's user, {tree} the same
# with a child, {sleeper} the name of such a process, {port} a free loopback port, {tmp} a
# directory every mode can write.
# --resolve cases look up loopback peers only: no query leaves the machine's own files
LOOP = "127.0.0.0/8,::1"
CASES = [
    ["--version"],
    ["--help"],
    [*D],
    [*D, "--backend", "fallback"],
    [*D, "--backend", "bpf"],
    [*D, "-f", "json", "-o", "{tmp}/run.json.gz"],
    ["doctor"],
    ["doctor", "-f", "json"],
    ["trace", *D],
    ["trace", "sched", *D],
    ["trace", "tcp", *D],
    ["trace", "tcp", "--raddr", "127.0.0.0/8,!127.0.0.2", "--laddr", "!10.0.0.0/8", *D],
    ["trace", "tcp", "--resolve", "--raddr", LOOP, "--resolve-timeout", "500ms", *D],
    ["trace", "blkio", *D],
    ["trace", "sched", "tcp", "blkio", "-f", "csv", *D],
    ["trace", *D, "--backend", "fallback"],
    ["trace", *D, "--backend", "bpf"],
    ["hist", "runq", *D],
    ["hist", "oncpu", *D],
    ["hist", "tcp-connect", *D],
    ["hist", "tcp-rtt", *D],
    ["hist", "blkio", *D],
    ["hist", "runq", "-f", "json", "-i", "500ms", *D],
    ["hist", "blkio", "-f", "table", "--per", "disk", *D],
    ["trace", "dns", "--dns-timeout", "1s", *D],
    ["hist", "dns", "--per", "qtype", *D],
    ["hist", "runq", "--per", "cgroup", "-f", "json", *D],
    ["biotop", *D],
    ["biotop", "-f", "table", *D],
    ["biotop", "-f", "csv", "-i", "500ms", "-n", "1"],
    ["biotop", "-f", "json", *D],
    ["iostat"],
    ["iostat", "-x", "-f", "table"],
    ["iostat", "-c", "-t", "-N", "-f", "table"],
    ["iostat", "-x", "-d", "-m", "-f", "csv", "-y", "0.2", "2"],
    ["iostat", "-p", "ALL", "-f", "json", "-o", "{tmp}/iostat.json.gz", "0.2", "1"],
    ["iotop", "-o", "-n", "1", "-d", "200ms"],
    ["iotop", "-b", "-P", "-a", "-n", "2", "-d", "0.2", "-f", "table"],
    ["iotop", "-n", "1", "-d", "200ms", "-f", "csv", "--output", "{tmp}/iotop.csv.gz"],
    ["profile", *D],
    ["profile", "--off-cpu", *D],
    ["profile", "-f", "svg", *D],
    ["top", "--once"],
    ["top", "--once", "--raddr", "!10.0.0.0/8", "--laddr", "0.0.0.0/0,::/0"],
    ["top", "--once", "--resolve", "--raddr", LOOP, "--resolve-timeout", "200ms"],
    ["top", "--once", "--backend", "fallback"],
    ["top", *D],
    ["top", "--once", "-f", "json"],
    ["top", "--once", "-C", "cgroup,container,unit"],
    ["top", "-f", "json", *D],
    ["serve", *D, "--listen", "127.0.0.1:{port}"],
    ["serve", *D, "--container-label", "--listen", "127.0.0.1:{port}"],
    ["serve-scrape"],
    ["snapshot"],
    ["snapshot", "-o", "{tmp}/snap.json.gz"],
    ["snapshot", "--attrs", "name,memory_maps,children"],
    ["ps"],
    ["ps", "-f", "table", "--interval", "200ms", "--sort", "-cpu_percent", "-n", "5"],
    ["ps", "-p", "{victim}"],
    ["ps", "-C", "pid,cgroup,container,unit", "-f", "csv"],
    ["proc", "{victim}"],
    ["proc", "-f", "table", "{victim}", "1"],
    ["proc", "-f", "json", "--attrs", "name,environ,open_files,connections", "-o",
     "{tmp}/proc.json.gz", "{victim}"],
    ["proc", "--recursive", "--attrs", "children,memory_maps", "{tree}"],
    ["ps", "-F", "rss>1M", "-F", "threads>=1", "-F", "name!=kworker*"],
    ["ps", "-C", "pid,num_fds,memory_percent,exe,cgroup,cmdline", "-f", "csv"],
    ["ps", "-i", "200ms", "-C", "pid,read_bps,write_bps,name", "-f", "table"],
    ["pidof", "{sleeper}"],
    ["pidof", "no-such-command-here"],
    ["net"],
    ["net", "connections", "--kind", "all"],
    ["net", "tcp"],
    ["net", "io"],
    ["net", "io", "--pernic"],
    ["net", "io", "--interval", "200ms", "--count", "2", "-f", "csv"],
    ["net", "io", "--pernic", "-i", "200ms", "-n", "1", "-f", "table"],
    ["net", "addrs"],
    ["net", "stats"],
    ["net", "connections", "--raddr", "127.0.0.0/8,!127.0.0.2,::/0", "--loose", "-f", "csv"],
    ["net", "connections", "--kind", "tcp", "--resolve", "--raddr", LOOP,
     "--resolve-timeout", "300ms"],
    ["ip", "10.0.0.0/8", "2001:db8::/32", "--compare", "10.0.0.0/24"],
    ["ip", "-f", "csv", "192.168.0.0/30", "--list"],
    ["ip", "-f", "json", "--loose", "10.0.0.1/8", "--contains", "10.1.0.0/16"],
    ["net", "-f", "table", "--pid", "{victim}"],
    ["sys"],
    *[["sys", s] for s in ("all", "cpu", "memory", "swap", "disks", "disk-io", "net", "sensors",
                           "users", "boot", "cgroup")],
    ["sys", "-f", "table"],
    ["sys", "cpu", "--percpu", "-i", "200ms"],
    ["sys", "cpu", "--percpu", "-f", "table", "-i", "200ms"],
    ["sys", "sysctl"],
    ["sys", "sysctl", "kernel.ostype"],
    ["kill", "{victim}"],
    ["kill", "--tree", "--timeout", "2s", "{tree}"],
    ["kill", "--signal", "KILL", "{victim}"],
    ["lsof"],
    ["lsof", "-f", "table", "-p", "{victim}"],
    ["lsof", "-f", "table", "-p", "{victim}", "-i", "TCP"],
    ["lsof", "-f", "json", "-p", "{victim}", "--resolve", "--resolve-timeout", "300ms"],
    ["lsof", "-f", "csv", "-c", "{sleeper}", "-o", "{tmp}/lsof.csv.gz"],
    ["lsof", "-f", "json", "-u", "0,65534", "-a", "-n", "-P"],
    ["pmap", "{victim}"],
    ["pmap", "-x", "-f", "table", "{victim}"],
    ["pmap", "--grouped", "-f", "json", "{victim}"],
    ["pmap", "--backend", "bpf", "-f", "csv", "{victim}"],
    ["taskset", "-p", "{victim}"],
    ["taskset", "-cp", "0", "{victim}"],
    ["taskset", "-f", "json", "-p", "{victim}"],
    ["renice", "-n", "5", "-p", "{victim}"],
    ["renice", "-n", "6", "-f", "csv", "{victim}"],
    ["ionice", "-p", "{victim}"],
    ["ionice", "-c", "idle", "-p", "{victim}"],
    ["ionice", "-f", "ndjson", "-p", "{victim}"],
    ["prlimit", "-p", "{victim}"],
    ["prlimit", "--nofile=512:", "-p", "{victim}"],
    ["prlimit", "--core", "-f", "json", "-p", "{victim}"],
    ["free"],
    ["free", "-b", "-w", "-t"],
    ["free", "-h", "-f", "json"],
    ["df"],
    ["df", "-a", "-T", "-h"],
    ["df", "-B1", "/", "-f", "csv"],
    ["uptime"],
    ["uptime", "-p"],
    ["uptime", "-s"],
    ["uptime", "-f", "json", "-o", "{tmp}/uptime.json.gz"],
    ["who"],
    ["who", "-H", "-f", "csv"],
    ["probe", "traceroute", "127.0.0.1", "--port", "{port}", "-q", "1"],
    ["probe", "traceroute", "127.0.0.1", "-p", "{port}", "-n", "-f", "svg", "-o", "{tmp}/r.svg"],
    ["probe", "--help"],
    ["probe", "traceroute", "--help"],
    ["probe", "http", "--count", "2", "--interval", "0", "{http}"],
    ["probe", "http", "-f", "table", "--headers", "{http}"],
    ["probe", "http", "-f", "csv", "-o", "{tmp}/probe.csv.gz", "{http}"],
    ["probe", "tcp", "-c", "2", "-i", "0", "{http}"],
    ["probe", "tcp", "-f", "table", "--send", "GET / HTTP/1.0\\r\\n\\r\\n", "--expect", "HTTP",
     "{http}"],
    ["diff", "/etc/hostname", "/etc/hostname"],
    ["diff", "-f", "html", "-o", "{tmp}/diff.html", "/etc/hostname", "/etc/hostname"],
    ["diff", "--files", "-f", "json", "/usr/share/doc/coreutils", "/usr/share/doc/coreutils"],
    ["baseline", "save", "/usr/share/doc/coreutils", "-o", "{tmp}/baseline.json"],
    ["diff", "--baseline", "{tmp}/baseline.json", "/usr/share/doc/coreutils"],
    ["snapshot", "-o", "{tmp}/drift.json"],
    ["diff", "-f", "html", "{tmp}/drift.json", "{tmp}/drift.json"],
]
CASES += [["probe", "--help"], ["probe", "http", "--help"], ["probe", "tcp", "--help"],
          ["probe", "dns", "--help"]]
CASES += [[c, "--help"] for c in ("doctor", "trace", "hist", "serve", "top", "profile",
                                  "snapshot", "ps", "proc", "pidof", "net", "sys", "kill",
                                  "biotop", "lsof", "pmap", "taskset", "renice", "ionice",
                                  "prlimit", "free", "df", "uptime", "who", "iostat", "iotop",
                                  "ip", "diff", "baseline")]

# Exit 1 in silence is the contract here, as for pidof(1): no process has that name.
SILENT_EXIT1 = [["pidof", "no-such-command-here"]]

# rules, alerts and report: a rules file checked, a serve that is not there (exit 1, saying so),
# and a report printed (mailing it is tests/integration/test_mail.py's).
RULES = """groups:
  - name: matrix
    rules:
      - alert: RootFull
        expr: disk_used_percent{mount="/"} > 99
        for: 1m
"""
CASES += [["rules", "check", "{tmp}/rules.yml"], ["rules", "--help"],
          ["alerts", "--url", "http://127.0.0.1:{port}"], ["alerts", "--help"],
          ["report", "--duration", "1s"],
          ["report", "--help"]]

# fleet: there is no sshd to reach here, so exit 1 and a summary saying so is its success.
CASES += [["fleet", "--help"], ["fleet", "-H", "127.0.0.1:{port}", "--run", "true"]]

# What has no fallback: without BPF these must exit 1, say why, and write nothing.
BPF_ONLY = ("hist", "biotop", "profile")

MODES = {
    "root_bpf": dict(env={}, nobody=False, bpf=True),
    "root_no_btf": dict(env={"VIGIL_BTF": "/nonexistent"}, nobody=False, bpf=False),
    "uid_65534": dict(env={}, nobody=True, bpf=False),
}


_httpd = []


def http_url():
    """{http}: a URL of a small HTTP server of this test's own on loopback (started once)."""
    if not _httpd:
        import http.server

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *a):
                pass
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        _httpd.append(srv)
    return "http://127.0.0.1:%d/" % _httpd[0].server_address[1]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def settle(pid, comm, with_children, seconds=10):
    """Wait until pid has exec'd comm (setpriv execs it) and, if asked, started a child."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with open("/proc/%d/comm" % pid) as f:
                if f.read().strip() == comm and (not with_children or children(pid)):
                    return
        except OSError:
            return
        time.sleep(0.02)


def is_gone(pid):
    """Whether pid has ended (a zombie counts: it is only waiting to be reaped)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


class Mode:
    def __init__(self, name, env, nobody, bpf, tmp, exe):
        self.name = name
        self.bpf = bpf
        self.env = dict(os.environ, **env)
        self.prefix = NOBODY if nobody else []
        self.tmp = tmp
        self.exe = exe if nobody else VIGIL
        self.findings = []
        self.runs = 0

    def spawn(self, argv):
        return subprocess.Popen(self.prefix + argv, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                cwd=self.tmp)

    def finding(self, argv, what):
        self.findings.append("%s: vigil %s: %s" % (self.name, " ".join(argv), what))

    def judge(self, argv, rc, err, out=""):
        """The exit contract; returns whether the run is acceptable."""
        self.runs += 1
        tail = (err.strip().splitlines() or [""])[-1][:200]
        if rc < 0:
            what = "killed by %s" % signal.Signals(-rc).name
        elif rc >= 128:
            what = "exit %d (a signal's status)" % rc
        elif rc not in (0, 1):
            what = "exit %d: %s" % (rc, tail)
        elif "Sanitizer" in err or "runtime error:" in err:
            what = "sanitizer report: %s" % tail
        elif argv in SILENT_EXIT1:
            if rc == 1:
                return True
            what = "exit %d, not 1" % rc
        elif argv[0] == "fleet" and rc == 1 and "failed: connection refused" in err:
            return True
        elif argv[0] == "alerts" and rc == 1 and "Couldn't connect to server" in err:
            return True
        elif rc == 1 and not err.strip():
            what = "exit 1 with nothing on stderr"
        elif rc and self.bpf:
            what = "exit 1 as root with BPF: %s" % tail
        elif not self.bpf and rc == 0 and argv[0] in BPF_ONLY and "--help" not in argv:
            what = "exit 0 without BPF: it has no fallback, so what did it use?"
        elif not self.bpf and rc == 1 and argv[0] in BPF_ONLY and out:
            what = "refused to start, but wrote %r to stdout first" % out[:40]
        elif not self.bpf and re.search(r'"source": ?"bpf"', out):
            what = "a record says source bpf in a mode without BPF"
        else:
            return True
        self.finding(argv, what)
        return False

    def run(self, argv, timeout=TIMEOUT):
        p = subprocess.Popen(self.prefix + [self.exe, *argv], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             errors="replace", env=self.env, cwd=self.tmp)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            self.finding(argv, "still running after %d s" % timeout)
            return None
        return p.returncode if self.judge(argv, p.returncode, err, out) else None

    def run_serve_scrape(self):
        """serve until stopped: one scrape of /metrics must answer, SIGTERM must end it."""
        port = free_port()
        argv = ["serve", "--listen", "127.0.0.1:%d" % port]
        p = subprocess.Popen(self.prefix + [self.exe, *argv], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             errors="replace", env=self.env, cwd=self.tmp)
        body = None
        deadline = time.time() + 10
        while body is None and time.time() < deadline and p.poll() is None:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port,
                                            timeout=5) as r:
                    body = r.read()
            except OSError:
                time.sleep(0.1)
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        try:
            _, err = p.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            self.finding(argv, "SIGTERM did not stop it")
            return
        if not self.judge(argv + ["(then SIGTERM)"], p.returncode, err):
            return
        if not body and p.returncode == 0:
            self.finding(argv, "exit 0 but /metrics never answered")
        elif body and not self.bpf and re.search(rb'source="bpf"} 1', body):
            self.finding(argv, "a subsystem's source is bpf in a mode without BPF")

    def run_case(self, case):
        if case == ["serve-scrape"]:
            self.run_serve_scrape()
            return
        victims = []
        argv = []
        for a in case:
            if a in ("{victim}", "{tree}", "{sleeper}"):
                v = self.spawn(["sh", "-c", "sleep 300 & sleep 300; wait"] if a == "{tree}"
                               else ["sleep", "300"])
                victims.append(v)
                settle(v.pid, "sh" if a == "{tree}" else "sleep", a == "{tree}")
                a = "sleep" if a == "{sleeper}" else str(v.pid)
            argv.append(a.replace("{tmp}", self.tmp).replace("{port}", str(free_port()))
                        .replace("{http}", http_url() if a == "{http}" else ""))
            if case[:2] == ["probe", "tcp"] and a == "{http}":  # HOST:PORT, not a URL
                argv[-1] = argv[-1][len("http://"):-1]
        try:
            rc = self.run(argv)
            if case[0] == "kill" and rc == 0:
                pids = [v.pid for v in victims]
                pids += [c for v in victims for c in children(v.pid)]
                time.sleep(0.2)
                for v in victims:
                    v.poll()
                alive = [pid for pid in pids if not is_gone(pid)]
                if alive:
                    self.finding(argv, "exit 0 but pid %s still alive" % alive)
        finally:
            for v in victims:
                tree = children(v.pid)
                if v.poll() is None:
                    v.kill()
                for c in tree:
                    try:
                        os.kill(c, signal.SIGKILL)
                    except OSError:
                        pass
                v.wait()

    def run_all(self):
        for case in CASES:
            try:
                self.run_case(case)
            except Exception as e:  # the matrix goes on; the case is a finding
                self.finding(case, "the test could not run it: %r" % e)


_modes = {}
_lock = threading.Lock()


def mode(name):
    """The finished runs of mode name; the first call runs every selected mode at once."""
    with _lock:
        if not _modes:
            only = sys.argv[1:]
            tmp, exe = unprivileged_vigil()
            try:
                for n, m in MODES.items():
                    if not only or n in only:
                        wdir = tempfile.mkdtemp(prefix="vigil-matrix-%s-" % n)
                        os.chmod(wdir, 0o777)
                        with open(os.path.join(wdir, "rules.yml"), "w") as f:
                            f.write(RULES)
                        _modes[n] = Mode(n, m["env"], m["nobody"], m["bpf"], wdir, exe)
                threads = [threading.Thread(target=m.run_all) for m in _modes.values()]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
            finally:
                shutil.rmtree(tmp)
                for m in _modes.values():
                    shutil.rmtree(m.tmp, ignore_errors=True)
    m = _modes[name]
    for f in m.findings:
        print("     " + f)
    check(m.runs >= len(CASES), "%s: only %d of %d runs finished" % (name, m.runs, len(CASES)))
    check(not m.findings, "%s: %d of %d runs broke the exit contract" %
          (name, len(m.findings), len(CASES)))


@test
def every_command_is_in_the_matrix():
    """A command added to vigil --help and not here would escape the matrix."""
    out = subprocess.run([VIGIL, "--help"], capture_output=True, text=True).stdout
    listed = out.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    names = [line.split()[0] for line in listed.splitlines() if line.startswith("  ")]
    covered = {c[0] for c in CASES if "--help" not in c}
    check(len(names) >= 10, "could not read the command list from --help: %r" % names)
    missing = [n for n in names if n not in covered]
    check(not missing, "commands the matrix does not run: %s" % ", ".join(missing))


@test
def root_bpf():
    require_root()
    mode("root_bpf")


@test
def root_no_btf():
    require_root()
    mode("root_no_btf")


@test
def uid_65534():
    require_root()
    mode("uid_65534")


if __name__ == "__main__":
    main()
