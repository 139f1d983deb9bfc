"""test_fb_cli.py: the fallback commands as users drive them. `vigil ps`: selectable
columns, --sort (and descending), --filter by name glob, user and status, --limit, checked
against /bin/ps and processes the test makes itself (a zombie child, a named sleeper, a CPU
burner). `vigil sys SECTION` and `vigil net io|connections|addrs|stats` with --pernic and
--kind, checked against psutil and the test's own sockets."""
import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time

import psutil

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import check, main, records, test, unprivileged_vigil, vigil  # noqa: E402


def ps_json(*args):
    return records(vigil("ps", "-f", "ndjson", *args).stdout)


@test
def sort_descending_by_rss_matches_ps():
    rows = ps_json("--sort", "-rss", "--limit", "10")
    rss = [r["memory_info"]["rss"] for r in rows]
    check(len(rows) == 10, "--limit 10 gave %d rows" % len(rows))
    check(rss == sorted(rss, reverse=True), "not sorted by rss, descending: %s" % rss)
    theirs = subprocess.run(["ps", "-eo", "pid", "--sort=-rss", "--no-headers"],
                            capture_output=True, text=True, check=True).stdout.split()[:5]
    overlap = {r["pid"] for r in rows[:5]} & {int(p) for p in theirs}
    check(len(overlap) >= 3, "top-5 by rss differs from ps: %s vs %s" %
          ([r["pid"] for r in rows[:5]], theirs))


@test
def sort_ascending_by_name_and_ties_by_pid():
    rows = ps_json("--sort", "name", "-C", "pid,name")
    keys = [(r["name"], r["pid"]) for r in rows]
    check(keys == sorted(keys), "not sorted by name then pid")


@test
def filter_by_user_status_and_name_glob():
    sleeper = subprocess.Popen(["sleep", "30"])
    zombie = subprocess.Popen(["true"])  # exits; not waited for: a zombie
    try:
        time.sleep(0.3)
        roots = ps_json("--filter", "user=root")
        check(roots and all(r["username"] == "root" for r in roots), "a non-root row")
        ps_root = subprocess.run(["ps", "-U", "root", "-u", "root", "--no-headers", "-o", "pid"],
                                 capture_output=True, text=True, check=True).stdout.split()
        check(abs(len(roots) - len(ps_root)) <= 10, "root processes: vigil %d, ps %d" %
              (len(roots), len(ps_root)))
        zombies = ps_json("--filter", "status=zombie")
        check(zombie.pid in {r["pid"] for r in zombies}, "the zombie child is not listed")
        check(all(r["status"] == "zombie" for r in zombies), "a non-zombie row")
        sleeps = ps_json("--filter", "name=sl*p", "--filter", "ppid=%d" % os.getpid())
        check([r["pid"] for r in sleeps] == [sleeper.pid], "name glob + ppid: %s" % sleeps)
    finally:
        sleeper.kill()
        sleeper.wait()
        zombie.wait()


@test
def columns_select_the_csv_header_and_cells():
    out = vigil("ps", "-f", "csv", "-C", "pid,name,rss,status", "-n", "5").stdout
    rows = list(csv.reader(io.StringIO(out)))
    check(rows[0] == ["pid", "name", "rss", "status"], "header %s" % rows[0])
    check(len(rows) == 6 and all(len(r) == 4 for r in rows), "rows %s" % rows)
    check(all(r[0].isdigit() and r[2].isdigit() for r in rows[1:]), "pid/rss not numbers")


@test
def cpu_percent_needs_an_interval_and_then_sorts():
    p = vigil("ps", "-C", "pid,cpu_percent", check=False)
    check(p.returncode == 2 and "--interval" in p.stderr, p.stderr)
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.2)
        rows = ps_json("--interval", "500ms", "--sort", "-cpu_percent")
        pct = [r["cpu_percent"] for r in rows if "cpu_percent" in r]
        check(pct == sorted(pct, reverse=True), "not sorted by cpu_percent, descending")
        mine = [r for r in rows if r["pid"] == burner.pid]
        # a busy loop on a shared 2-CPU machine still gets a good part of one CPU
        check(mine and mine[0]["cpu_percent"] > 20, "burner: %s" % mine)
    finally:
        burner.kill()
        burner.wait()


@test
def bad_values_exit_2_naming_the_flag():
    for args, flag in [(["--sort", "bogus"], "--sort"), (["-C", "pid,nope"], "--columns"),
                       (["--filter", "nope=1"], "--filter"), (["--filter", "pid=x"], "--filter"),
                       (["--limit", "0"], "--limit")]:
        p = vigil("ps", *args, check=False)
        check(p.returncode == 2 and flag in p.stderr, "%s: %d %r" % (args, p.returncode,
                                                                    p.stderr))


def sys_json(section):
    return json.loads(vigil("sys", section, "--format", "json").stdout)


@test
def sys_sections_carry_psutils_keys_and_values():
    want = {"cpu": "cpu_times", "memory": "virtual_memory", "swap": "swap_memory",
            "disks": "disk_partitions", "disk-io": "disk_io_counters_perdisk",
            "net": "net_if_stats", "sensors": "sensors_temperatures", "users": "users",
            "boot": "boot_time", "cgroup": "cgroup"}
    for section, key in want.items():
        d = sys_json(section)
        check(key in d, "vigil sys %s has no %s: %s" % (section, key, sorted(d)))
    check(sys_json("memory")["virtual_memory"]["total"] == psutil.virtual_memory().total,
          "memory total differs from psutil")
    check(abs(sys_json("boot")["boot_time"] - psutil.boot_time()) < 2, "boot_time")
    swap = sys_json("swap")["swap_memory"]
    free = subprocess.run(["free", "-b"], capture_output=True, text=True).stdout.split("\n")
    check(swap["total"] == int([l for l in free if l.startswith("Swap:")][0].split()[1]),
          "swap total differs from free")
    disks = sys_json("disk-io")["disk_io_counters_perdisk"]
    check(set(disks) >= {d for d in psutil.disk_io_counters(perdisk=True)
                         if not d.startswith(("loop", "zram"))}, "disks missing")
    everything = sys_json("all")
    check(all(k in everything for k in want.values()), "all lacks a section")
    p = vigil("sys", "mem", check=False)
    check(p.returncode == 2 and "memory" in p.stderr, "old name not refused with the list")


@test
def net_io_total_and_pernic():
    total = json.loads(vigil("net", "io", "-f", "json").stdout)["net_io_counters"]
    per = json.loads(vigil("net", "io", "--pernic", "-f", "json").stdout)["net_io_counters_pernic"]
    check("lo" in per and set(per) == set(psutil.net_io_counters(pernic=True)), "NIC names")
    # totals are the sum over NICs, read a moment apart: allow the traffic in between
    check(0 <= sum(v["bytes_recv"] for v in per.values()) - total["bytes_recv"] < 10**9,
          "total bytes_recv is not the sum of the NICs")


@test
def net_connections_kind_selects_the_tests_own_sockets():
    t4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t4.bind(("127.0.0.1", 0))
    t4.listen()
    u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u6.bind(("::1", 0))
    try:
        me = str(os.getpid())
        tcp = records(vigil("net", "connections", "--kind", "tcp4", "--pid", me,
                            "-f", "ndjson").stdout)
        udp6 = records(vigil("net", "--kind", "udp6", "--pid", me, "-f", "ndjson").stdout)
        check([c["laddr"][1] for c in tcp] == [t4.getsockname()[1]], "tcp4: %s" % tcp)
        check(tcp[0]["status"] == "LISTEN" and tcp[0]["fd"] == t4.fileno(), tcp)
        check([c["laddr"][1] for c in udp6] == [u6.getsockname()[1]], "udp6: %s" % udp6)
        short = records(vigil("net", "tcp4", "--pid", me, "-f", "ndjson").stdout)
        check(short == tcp, "`net tcp4` differs from `net connections --kind tcp4`")
    finally:
        t4.close()
        u6.close()


@test
def net_addrs_and_stats_match_psutil():
    addrs = json.loads(vigil("net", "addrs", "-f", "json").stdout)["net_if_addrs"]
    stats = json.loads(vigil("net", "stats", "-f", "json").stdout)["net_if_stats"]
    check(set(addrs) == set(psutil.net_if_addrs()), "addrs NICs")
    check(any(a["address"] == "127.0.0.1" for a in addrs["lo"]), "lo has no 127.0.0.1")
    check(stats["lo"]["mtu"] == psutil.net_if_stats()["lo"].mtu, "lo mtu")


@test
def kill_tree_ends_the_tree_and_reports_access_denied():
    tree = subprocess.Popen(["sh", "-c", "sleep 60 & sleep 60 & wait"])
    try:
        time.sleep(0.3)
        kids = [c.pid for c in psutil.Process(tree.pid).children(recursive=True)]
        p = vigil("kill", "--tree", "--timeout", "5s", str(tree.pid), check=False)
        gone = p.stdout.splitlines()[0].split()[1:] if p.stdout else []
        check(p.returncode == 0 and sorted(map(int, gone)) == sorted(kids + [tree.pid]),
              "kill --tree: rc %d, %r for %r" % (p.returncode, p.stdout, kids + [tree.pid]))
    finally:
        tree.kill()
        tree.wait()
    if os.geteuid() != 0:
        return
    # a process the caller may not signal is AccessDenied, not "alive"
    victim = subprocess.Popen(["sleep", "60"])
    tmp, exe = unprivileged_vigil()
    try:
        p = subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                            exe, "kill", "--tree", "--timeout", "1s", str(victim.pid)],
                           capture_output=True, text=True, timeout=30)
        check(p.returncode == 1 and "%d: AccessDenied" % victim.pid in p.stderr and
              p.stdout.splitlines()[1:] == ["alive:"], "as nobody: rc %d, %r, %r" %
              (p.returncode, p.stdout, p.stderr))
        check(victim.poll() is None, "the victim was signalled")
    finally:
        shutil.rmtree(tmp)
        victim.kill()
        victim.wait()


if __name__ == "__main__":
    main()
