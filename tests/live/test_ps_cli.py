"""test_ps_cli.py: `vigil ps` as a ps/top user drives it: selectable columns, --sort (and
descending), --filter by name glob, user and status, --limit, checked against /bin/ps and
against processes the test makes itself (a zombie child, a named sleeper)."""
import csv
import io
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import check, main, records, test, vigil  # noqa: E402


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


if __name__ == "__main__":
    main()
