"""test_human.py: what people read: every command's --help, its short flags and its tables.

Every --help ends with two or three examples whose flags the command takes; a short flag
means one thing across vigil's own commands (-t is --tid, -s is never both --signal and
--sort), while the Unix-tool lookalikes (and the probes: curl's, dig's and traceroute's)
keep their tool's letters, except -t; no table line ends in a
space; `net addrs` and `net stats` have header rows; the man pages keep one example a line.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import ROOT, VIGIL, check, main, require_root, skip, test, vigil

# Commands that copy a Unix tool: their short flags are that tool's (what its users type).
LOOKALIKES = {"lsof", "iostat", "iotop", "free", "prlimit", "uptime", "df", "who", "ionice",
              "renice", "taskset", "ip", "pmap", "biotop"}
# vigil's own commands whose letters follow a tool they stand in for, and why.
OWN_EXCEPTIONS = {
    ("fleet", "-i"): "ssh's -i identity", ("fleet", "-l"): "ssh's -l login",
    ("fleet", "-p"): "ssh's -p port", ("fleet", "-F"): "ssh's -F file",
    ("fleet", "-H"): "pdsh's -w/-H hosts", ("profile", "-F"): "perf record -F freq",
    ("diff", "-U"): "diff -U", ("profile", "-U"): "bcc profile -U",
    ("serve", "-l"): "listen", ("proc", "-r"): "recursive",
    ("top", "-n"): "rows, as head -n", ("ps", "-n"): "rows, as head -n",
    ("kill", "-T"): "timeout",
}


def commands():
    out = subprocess.run(["sh", os.path.join(ROOT, "tools", "vigil_commands.sh"), VIGIL],
                         capture_output=True, text=True, check=True).stdout
    names = [l.split("\t")[0] for l in out.splitlines()]
    check(len(names) > 20, "vigil --help lists %d commands" % len(names))
    return [[n] for n in names if n != "probe"] + \
        [["probe", k] for k in ("dns", "http", "tcp", "traceroute")]


def helptext(cmd):
    p = vigil(*cmd, "--help")
    return p.stdout


def shorts(text):
    """{short: long} from the options of a --help."""
    return dict(re.findall(r"^ +(-[A-Za-z0-9]), (--[a-z0-9-]+)", text, re.M))


@test
def every_help_ends_with_examples_the_command_takes():
    for cmd in commands() + [[], ["probe"]]:
        text = helptext(cmd)
        head, sep, tail = text.rpartition("\nexamples:\n")
        check(sep, "vigil %s --help has no examples" % " ".join(cmd))
        ex = tail.splitlines()
        check(2 <= len(ex) <= 3 and all(l.startswith("  vigil") for l in ex),
              "vigil %s: examples %r" % (" ".join(cmd), ex))
        for line in ex:
            for flag in re.findall(r"(?<!\S)(--?[A-Za-z][\w-]*)", line):
                check(re.search(r"(^|[\s,\[|])%s\b" % re.escape(flag.split("=")[0]), head),
                      "vigil %s: example %r uses %s, which --help does not list"
                      % (" ".join(cmd), line.strip(), flag))


@test
def short_flags_mean_the_same_across_commands():
    seen = {}  # short -> {long: [commands]}
    for cmd in commands():
        name = cmd[0]
        for s, l in shorts(helptext(cmd)).items():
            if s == "-t" and name not in LOOKALIKES:
                check(l == "--tid", "vigil %s: -t is %s, not --tid" % (" ".join(cmd), l))
            seen.setdefault(s, {}).setdefault(l, []).append(" ".join(cmd))
            if name in LOOKALIKES or (name, s) in OWN_EXCEPTIONS or name == "probe":
                continue
            seen.setdefault(("own", s), {}).setdefault(l, []).append(name)
    longs_s = seen.get("-s", {})
    check(not ("--signal" in longs_s and "--sort" in longs_s),
          "-s is both --signal and --sort: %s" % longs_s)
    clashes = {k[1]: v for k, v in seen.items() if isinstance(k, tuple) and len(v) > 1}
    check(not clashes, "short flags with two meanings among vigil's own commands: %s" % clashes)
    for common, long_ in (("-h", "--help"), ("-v", "--verbose"), ("-f", "--format"),
                          ("-o", "--output"), ("-d", "--duration")):
        for l, cmds in seen.get(common, {}).items():
            # the probes take curl's, dig's and traceroute's letters (curl -d data)
            own = [c for c in cmds if c.split()[0] not in LOOKALIKES | {"probe"}]
            check(l == long_ or not own, "%s is %s in %s" % (common, l, own))


def table_runs():
    me = str(os.getpid())
    return [["doctor"], ["ps", "-f", "table"], ["proc", "-f", "table", me],
            ["pidof", "python3"], ["net", "-f", "table"], ["net", "addrs", "-f", "table"],
            ["net", "stats", "-f", "table"], ["net", "io", "-f", "table"],
            ["sys", "all", "-f", "table"], ["lsof", "-p", me], ["pmap", me], ["pmap", "-x", me],
            ["taskset", "-p", me], ["ionice", "-p", me], ["prlimit", "-p", me], ["free"],
            ["free", "-h"], ["df"], ["df", "-h"], ["uptime"], ["who"], ["iostat"],
            ["iostat", "-x"], ["ip", "10.0.0.0/30", "--list"],
            ["iotop", "-b", "-n", "1", "-d", "200ms", "-f", "table"]]


def tracer_table_runs():
    return [["top", "--once", "-i", "200ms"], ["trace", "-d", "1", "-f", "table"],
            ["trace", "sched", "-d", "1", "-f", "table"], ["hist", "runq", "-d", "1", "-f",
                                                           "table"],
            ["biotop", "-d", "1", "-f", "table"]]


@test
def no_table_line_ends_in_a_space():
    runs = table_runs() + (tracer_table_runs() if os.geteuid() == 0 else [])
    for args in runs:
        p = vigil(*args, check=False, timeout=60)
        check(p.returncode in (0, 1) and (p.stdout.strip() or args == ["who"]),
              "vigil %s: exit %d, %r" % (" ".join(args), p.returncode, p.stderr[-300:]))
        bad = [l for l in p.stdout.splitlines() if l != l.rstrip(" ")]
        check(not bad, "vigil %s: %d lines end in a space, as %r"
              % (" ".join(args), len(bad), bad[:1]))
    if os.geteuid() != 0:
        require_root()  # the tracers' tables were not run


@test
def net_addrs_and_stats_have_header_rows():
    addrs = vigil("net", "addrs", "-f", "table").stdout.splitlines()
    check(addrs[0].split() == ["NIC", "FAMILY", "ADDRESS", "NETMASK"], addrs[:2])
    check(any(l.split()[:3] == ["lo", "inet", "127.0.0.1"] for l in addrs[1:]), addrs)
    stats = vigil("net", "stats", "-f", "table").stdout.splitlines()
    check(stats[0].split() == ["NIC", "STATE", "DUPLEX", "SPEED", "MTU", "FLAGS"], stats[:2])
    lo = [l.split() for l in stats[1:] if l.split()[:1] == ["lo"]]
    check(lo and lo[0][1] == "up" and lo[0][5] == "65536" and "loopback" in lo[0][6], stats)


DUR = r"\d+(\.\d+)? ?(ns|µs|ms|s|min|h)"


@test
def tables_print_durations_with_units_and_local_times():
    import json
    import time
    me = str(os.getpid())
    t = vigil("ps", "-f", "table", "-p", me, "-C", "pid,cpu_user,time,create_time,rss").stdout
    head, row = t.splitlines()[:2]
    check(head.split() == ["PID", "USER_S", "TIME", "STARTED", "RSS"], head)
    j = json.loads(vigil("ps", "-f", "json", "-p", me, "-C", "pid,create_time,rss").stdout)[0]
    started = time.strftime("%m-%d %H:%M:%S", time.localtime(int(j["create_time"])))
    check(started in row, "STARTED is not the local time %s: %r" % (started, row))
    ends = [m.end() for m in re.finditer(r"\S+", head)]  # right-aligned: cells end there
    cells = [row[a:b].strip() for a, b in zip([0] + ends, ends)][1:]
    check(re.fullmatch(DUR, cells[0]) and re.fullmatch(DUR, cells[1]),
          "durations without units: %r" % row)
    check(re.search(r" \d+(\.\d)?[KMGT]$", row), "RSS is not bytes2human: %r" % row)
    csv = vigil("ps", "-f", "csv", "-p", me, "-C", "pid,time,create_time").stdout
    check(re.fullmatch(r"\d+,\d+(\.\d+)?,\d+(\.\d+)?", csv.splitlines()[1]),
          "CSV keeps raw units: %r" % csv)
    if os.geteuid() != 0:
        require_root()
    out = vigil("trace", "sched", "-d", "1", "-f", "table").stdout.splitlines()
    runq = [l for l in out if " runq " in l]
    check(runq and all(re.search(r" latency=" + DUR.replace(" ?", "") + " ", l + " ")
                       for l in runq), "runq latency without a unit: %r" % runq[:2])
    check(not any("_ns=" in l for l in out), "raw _ns fields in the table")


@test
def man_pages_keep_one_example_a_line():
    if not shutil.which("help2man") or not shutil.which("man"):
        skip("help2man or man missing (tools/deps.sh installs them)")
    d = tempfile.mkdtemp()
    try:
        subprocess.run(["sh", os.path.join(ROOT, "tools", "gen_man.sh"), VIGIL, d], check=True,
                       capture_output=True)
        out = subprocess.run(["man", "-l", os.path.join(d, "vigil-top.1")], capture_output=True,
                             text=True, env=dict(os.environ, MANWIDTH="120")).stdout
        ex = [l.strip() for l in out.split("examples:")[-1].splitlines() if "vigil top" in l]
        want = helptext(["top"]).rpartition("\nexamples:\n")[2].split("\n")
        check(ex == [w.strip() for w in want if w.strip()], "man examples %r" % ex)
    finally:
        shutil.rmtree(d)


if __name__ == "__main__":
    main()
