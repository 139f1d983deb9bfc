#!/usr/bin/python3
"""test_iostat.py: `vigil iostat` against a loop device the test drives, and against sysstat.

The blkio_io driver does O_DIRECT I/O of known counts and sizes on a loop device the test
creates. One test runs `vigil iostat -x -d -y LOOP 2 1` around a burst of exactly known I/O
and checks the report's counts and kilobytes (rate x interval) exactly. Another runs
sysstat's `iostat -x -d -y LOOP 1 2` and `vigil iostat` over the same two seconds of a paced
workload and compares r/s, w/s, rkB/s, wkB/s, r_await, w_await and %util within a tolerance.
Then the output formats and flags: CSV and JSON carry the same columns, -m divides by 1024,
a bad flag or INTERVAL exits 2 naming it.
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import IN_CI, check, main, records, skip, test, vigil  # noqa: E402
from loopdev import loop, release_driver, start_driver  # noqa: E402

IOSTAT = shutil.which("iostat") or "/usr/bin/iostat"
EXT = ["r/s", "rkB/s", "rrqm/s", "%rrqm", "r_await", "rareq-sz", "w/s", "wkB/s", "wrqm/s",
       "%wrqm", "w_await", "wareq-sz", "d/s", "dkB/s", "drqm/s", "%drqm", "d_await",
       "dareq-sz", "f/s", "f_await", "aqu-sz", "%util"]


def dev_rows(out, name):
    return [r for r in records(out) if r["kind"] == "iostat" and r["device"] == name]


@test
def known_burst_counts_exactly():
    """300 writes of 4 KiB and 200 reads of 8 KiB inside one report: exact counts and kB."""
    lp = loop()
    d, _ = start_driver("w:300:4096", "r:200:8192")
    v = subprocess.Popen([os.path.join(os.path.dirname(__file__), "..", "..", ".output",
                                       "vigil"), "iostat", "-x", "-d", "-y", lp["name"], "2",
                          "1", "-f", "ndjson"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    threading.Timer(0.5, release_driver, (d,)).start()
    out, err = v.communicate(timeout=30)
    check(v.returncode == 0, "vigil iostat exited %d: %s" % (v.returncode, err))
    rows = dev_rows(out, lp["name"])
    check(len(rows) == 1, "one report for %s: %r" % (lp["name"], out))
    r = rows[0]
    sec = r["interval_ns"] / 1e9
    check(1.9 < sec < 2.5, "interval %.3f s" % sec)
    check(round(r["w/s"] * sec) == 300, "writes: %.2f/s x %.3f s" % (r["w/s"], sec))
    check(round(r["r/s"] * sec) == 200, "reads: %.2f/s x %.3f s" % (r["r/s"], sec))
    check(round(r["wkB/s"] * sec) == 300 * 4, "wkB: %r" % r["wkB/s"])
    check(round(r["rkB/s"] * sec) == 200 * 8, "rkB: %r" % r["rkB/s"])
    check(abs(r["wareq-sz"] - 4.0) < 1e-6 and abs(r["rareq-sz"] - 8.0) < 1e-6,
          "request sizes: %r %r" % (r["wareq-sz"], r["rareq-sz"]))
    check(r["w_await"] >= 0 and r["r_await"] >= 0 and 0 <= r["%util"] <= 100, "row: %r" % r)
    check(r["source"] == "diskstats" and r["kind"] == "iostat", "row: %r" % r)


def parse_sysstat(text, name):
    """The rows for name in `iostat -x -d` output, as dicts of the header's columns."""
    header, rows = None, []
    for line in text.splitlines():
        f = line.split()
        if f and f[0] == "Device":
            header = f[1:]
        elif f and header and f[0] == name:
            rows.append(dict(zip(header, (float(x.replace(",", ".")) for x in f[1:]))))
    return rows


@test
def matches_sysstat_iostat_over_the_same_interval():
    """A paced read+write workload; both tools report the same two 1 s intervals."""
    if not os.access(IOSTAT, os.X_OK):
        if IN_CI:
            raise AssertionError("sysstat's iostat is missing (tools/deps.sh installs it)")
        skip("no sysstat iostat")
    lp = loop()
    steps = ["w:16:4096", "r:16:16384", "s:8"] * 400  # ~5 s, about 1000 r/s and 1000 w/s
    d, _ = start_driver(*steps)
    release_driver_t = threading.Thread(target=release_driver, args=(d,))
    release_driver_t.start()
    env = dict(os.environ, LC_ALL="C", S_TIME_FORMAT="ISO")
    threading.Event().wait(0.5)  # the workload is steady before either tool starts
    sysstat = subprocess.Popen([IOSTAT, "-x", "-d", "-y", lp["name"], "1", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    ours = subprocess.Popen([os.path.join(os.path.dirname(__file__), "..", "..", ".output",
                                          "vigil"), "iostat", "-x", "-d", "-y", lp["name"], "1",
                             "2", "-f", "ndjson"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    s_out, _ = sysstat.communicate(timeout=30)
    o_out, o_err = ours.communicate(timeout=30)
    release_driver_t.join(timeout=60)
    check(ours.returncode == 0, "vigil iostat: %s" % o_err)
    theirs = parse_sysstat(s_out, lp["name"])
    mine = dev_rows(o_out, lp["name"])
    check(len(theirs) == 2 and len(mine) == 2, "reports: %d vs %d\n%s" %
          (len(theirs), len(mine), s_out))
    for t, m in zip(theirs, mine):
        check(set(EXT) <= set(t) and set(EXT) <= set(m), "columns: %r / %r" % (t, m))
        for col in ("r/s", "w/s", "rkB/s", "wkB/s"):
            check(t[col] > 100, "the workload ran: %s %r" % (col, t))
            check(abs(m[col] - t[col]) <= 0.1 * t[col],
                  "%s: vigil %.2f, iostat %.2f" % (col, m[col], t[col]))
        for col in ("r_await", "w_await"):
            check(abs(m[col] - t[col]) <= max(0.05, 0.3 * t[col]),
                  "%s: vigil %.3f, iostat %.3f" % (col, m[col], t[col]))
        check(abs(m["%util"] - t["%util"]) <= max(3.0, 0.15 * t["%util"]),
              "%%util: vigil %.2f, iostat %.2f" % (m["%util"], t["%util"]))
        check(abs(m["rareq-sz"] - 16.0) < 0.01 and abs(m["wareq-sz"] - 4.0) < 0.01,
              "request sizes: %r" % m)


@test
def formats_agree_and_megabytes():
    lp = loop()
    j = vigil("iostat", "-x", "-d", lp["name"], "-f", "json").stdout
    rows = json.loads(j)
    check(len(rows) == 1 and rows[0]["device"] == lp["name"], "json: %r" % rows)
    c = list(csv.DictReader(io.StringIO(vigil("iostat", "-x", "-d", lp["name"], "-f",
                                              "csv").stdout)))
    check(len(c) == 1 and [k for k in c[0] if k in EXT] == EXT, "csv header: %r" % c)
    m = json.loads(vigil("iostat", "-d", "-m", lp["name"], "-f", "json").stdout)[0]
    k = json.loads(vigil("iostat", "-d", lp["name"], "-f", "json").stdout)[0]
    check("MB_wrtn" in m and "kB_wrtn" in k and m["MB_wrtn"] == k["kB_wrtn"] // 1024,
          "-m: %r vs %r" % (m, k))
    cpu = [r for r in json.loads(vigil("iostat", "-f", "json").stdout)
           if r["kind"] == "iostat_cpu"]
    check(len(cpu) == 1 and abs(sum(cpu[0][x] for x in ("%user", "%nice", "%system",
                                                        "%iowait", "%steal", "%idle")) - 100)
          < 0.5, "avg-cpu adds up to 100: %r" % cpu)
    t = vigil("iostat", "-x", "-f", "table").stdout
    check(t.startswith("Linux ") and "\navg-cpu:  %user" in t and
          "Device            r/s     rkB/s" in t, t)


def shape(text):
    """The layout of a table with every number (dates, times, counts) made N and the padding in
    front of it made one space: 100.00 is one column wider than 99.50, and an idle machine gives
    the one where a busy one gives the other."""
    return re.sub(r" *[0-9]+([.:/-][0-9]+)*", " N", text)


def sysstat_or_skip():
    if not os.access(IOSTAT, os.X_OK):
        if IN_CI:
            raise AssertionError("sysstat's iostat is missing (tools/deps.sh installs it)")
        skip("no sysstat iostat")


@test
def banner_line_is_sysstats():
    """Linux RELEASE (HOST) \tDATE \t_MACHINE_\t(N CPU), in the C locale and in ISO."""
    sysstat_or_skip()
    for env in ({"LC_ALL": "C"}, {"LC_ALL": "C", "S_TIME_FORMAT": "ISO"}):
        env = dict(os.environ, **env)
        for _ in range(3):  # the date can turn between the two runs at midnight
            theirs = subprocess.run([IOSTAT, "-c"], capture_output=True, text=True, env=env,
                                    check=True).stdout.split("\n")[0]
            ours = vigil("iostat", "-c", "-f", "table", env=env).stdout.split("\n")[0]
            if ours == theirs:
                break
        check(ours == theirs, "banner: %r vs iostat %r" % (ours, theirs))
    u = os.uname()
    check(ours.startswith("%s %s (%s) \t" % (u.sysname, u.release, u.nodename)) and
          ours.endswith("\t_%s_\t(%d CPU)" % (u.machine, os.cpu_count())), ours)


@test
def cpu_only_times_and_mapper_names_lay_out_as_sysstat():
    """-c, -d, -c -d, -t, -x -N, -y with an interval: the same lines as iostat's, numbers aside."""
    sysstat_or_skip()
    env = dict(os.environ, LC_ALL="C")
    for args in (["-c"], ["-d"], ["-c", "-d"], ["-c", "-x"], ["-t", "-d"], ["-t", "-x"],
                 ["-x", "-N"],
                 ["-d", "-N", "-t"], ["-c", "-y", "1", "1"], ["-p", "ALL", "-d"], ["-z", "-x"]):
        for _ in range(3):  # a device that starts I/O between the two runs changes the rows
            theirs = subprocess.run([IOSTAT, *args], capture_output=True, text=True, env=env,
                                    check=True, timeout=30).stdout
            ours = vigil("iostat", *args, "-f", "table", env=env).stdout
            if shape(ours) == shape(theirs):
                break
        check(shape(ours) == shape(theirs), "iostat %s:\n%s\nsysstat:\n%s" %
              (" ".join(args), ours, theirs))
    # -c leaves the devices out; -t puts the time of the report above it
    t = vigil("iostat", "-c", "-t", "-f", "table", env=env).stdout.split("\n")
    check(re.fullmatch(r"\d\d/\d\d/\d\d \d\d:\d\d:\d\d", t[2]) and
          t[3].startswith("avg-cpu:") and "Device" not in "\n".join(t), t)
    iso = vigil("iostat", "-d", "-t", "-f", "table",
                env=dict(env, S_TIME_FORMAT="ISO")).stdout.split("\n")[2]
    check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", iso), iso)
    # in records -c gives the CPU only; CSV holds device rows, so -c alone is refused there
    recs = records(vigil("iostat", "-c", "-f", "ndjson").stdout)
    check(recs and all(r["kind"] == "iostat_cpu" for r in recs), recs)
    p = vigil("iostat", "-c", "-f", "csv", check=False)
    check(p.returncode == 2 and "--cpu" in p.stderr, "-c -f csv: %d %r" % (p.returncode,
                                                                         p.stderr))


@test
def output_file_gz_holds_the_records():
    import gzip
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "io.ndjson.gz")
        p = vigil("iostat", "-x", "-d", "-o", path, "-f", "ndjson")
        check(p.stdout == "", "stdout stays empty with -o: %r" % p.stdout[:80])
        with gzip.open(path, "rt") as f:
            rows = [json.loads(line) for line in f]
        check(rows and all(r["kind"] == "iostat" and "r/s" in r for r in rows),
              "gzip'd NDJSON: %r" % rows[:1])


@test
def bad_flags_exit_2_naming_them():
    for args, word in ((["--nope"], "--nope"), (["-x", "0"], "INTERVAL"),
                       (["1", "zero"], "COUNT"), (["-y"], "--omit-first"),
                       (["--duration", "1s"], "--duration"), (["1", "2", "3"], "'3'")):
        p = vigil("iostat", *args, check=False)
        check(p.returncode == 2 and word in p.stderr, "%r: %d %r" % (args, p.returncode,
                                                                      p.stderr))


if __name__ == "__main__":
    main()
