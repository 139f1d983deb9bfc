#!/usr/bin/python3
"""test_blkio.py: the block I/O tracer against a loop device the test creates on a file.

A C driver (blkio_io) does O_DIRECT I/O of known sizes and counts after the tracer is
attached; the tests assert on the records, histograms and biotop rows that come back:
exact counts, ops, bytes, the disk's name and number, the driver's own pid; that --disk
keeps vda's traffic out; that a flush and a discard are recognised; and that over the same
workload the histogram total matches libbpf-tools' biolatency. The loop device and its file
are removed at exit.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loopdev import DRIVER, loop, release_driver, start_driver  # noqa: E402
from harness import (bpf_map_ids, cgroup2_root, check, main, records, require_root,  # noqa: E402
                     rmdir_cgroup, skip, start_vigil, test, vigil, wait_attached)

BIOLATENCY = "/usr/sbin/biolatency"
KiB = 1024


def stop(proc, sig=signal.SIGINT, timeout=30):
    time.sleep(0.3)  # completions in flight, then the consumer's poll interval
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=timeout)
    check(proc.returncode == 0, "exited %d: %s" % (proc.returncode, err.strip()[-2000:]))
    return out, err


def traced(args, steps, with_pid=True):
    """Run the driver's steps under `vigil ARGS [--pid PID]`; returns (pid, stdout)."""
    d, pid = start_driver(*steps)
    try:
        v = start_vigil(*args, *(["--pid", str(pid)] if with_pid else []))
        wait_attached(v)
        release_driver(d)
    finally:
        if d.poll() is None:
            d.kill()
    out, _ = stop(v)
    return pid, out


def bios(out, pid=None):
    rows = [r for r in records(out) if r["kind"] == "bio"]
    return [r for r in rows if pid is None or r["pid"] == pid]


@test
def records_match_the_workload_exactly():
    lp = loop()
    pid, out = traced(["trace", "blkio", "-f", "ndjson", "--disk", lp["name"]],
                      ["w:200:4096", "r:50:65536"])
    rows = bios(out)
    writes = [r for r in rows if r["op"].startswith("W")]
    reads = [r for r in rows if r["op"].startswith("R")]
    check(len(rows) == 250, "expected 250 bio records, got %d" % len(rows))
    check(len(writes) == 200 and len(reads) == 50,
          "expected 200 writes and 50 reads, got %d and %d" % (len(writes), len(reads)))
    for r in rows:
        check(r["pid"] == pid and r["comm"] == "blkio_io", "wrong submitter: %r" % r)
        check(r["disk"] == lp["name"] and r["dev"] == lp["dev"], "wrong disk: %r" % r)
        check((r["cgroup"], r["container"], r["unit"]) == (None, None, None),
              "cgroup fields without --with-cgroup: %r" % r)
        check(r["service_ns"] > 0 and r["error"] == "", "bad latency or error: %r" % r)
    check(all(r["bytes"] == 4 * KiB for r in writes), "write sizes")
    check(all(r["bytes"] == 64 * KiB for r in reads), "read sizes")
    check(sorted(r["sector"] for r in writes) == [i * 8 for i in range(200)], "write sectors")
    check(sorted(r["sector"] for r in reads) == [i * 128 for i in range(50)], "read sectors")


@test
def pid_filter_keeps_other_processes_out():
    lp = loop()
    other = subprocess.Popen([DRIVER, lp["path"], "--now", "r:30:4096"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pid, out = traced(["trace", "blkio", "-f", "ndjson", "--disk", lp["name"]],
                      ["w:20:8192"])
    other.wait(timeout=30)
    rows = bios(out)
    check(len(rows) == 20 and all(r["pid"] == pid for r in rows),
          "expected only the driver's 20 writes, got %d rows from pids %s" %
          (len(rows), sorted({r["pid"] for r in rows}, key=str)))


@test
def comm_and_cgroup_filters_select_the_submitter():
    lp = loop()
    other = subprocess.Popen([DRIVER, lp["path"], "--now", "r:30:4096"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        pid, out = traced(["trace", "blkio", "-f", "ndjson", "--disk", lp["name"], "--comm",
                           "blkio_io"], ["w:12:4096"], with_pid=False)
    finally:
        other.wait(timeout=30)
    rows = bios(out)
    check(all(r["comm"] == "blkio_io" for r in rows) and len(bios(out, pid)) == 12,
          "--comm: %d rows, comms %s" % (len(rows), sorted({r["comm"] for r in rows}, key=str)))
    cg = os.path.join(cgroup2_root(), "vigil-blkio-test-%d" % os.getpid())
    os.mkdir(cg)
    d = None
    try:
        d, pid = start_driver("w:15:4096")
        with open(os.path.join(cg, "cgroup.procs"), "w") as f:
            f.write(str(pid))
        other = subprocess.Popen([DRIVER, lp["path"], "--now", "r:30:4096"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        v = start_vigil("trace", "blkio", "-f", "ndjson", "--disk", lp["name"], "--cgroup", cg)
        try:
            wait_attached(v)
            release_driver(d)
        finally:
            other.wait(timeout=30)
        rows = bios(stop(v)[0])
    finally:
        if d and d.poll() is None:
            d.kill()
            d.wait()
        os.rmdir(cg)
    check(len(rows) == 15 and all(r["pid"] == pid for r in rows),
          "--cgroup: %d rows from %s" % (len(rows), sorted({r["pid"] for r in rows}, key=str)))


@test
def with_cgroup_names_the_submitters_cgroup():
    lp = loop()
    rel = "/vigil-blkio-%d/system.slice/docker-%s.scope" % (os.getpid(), "ab" * 32)
    top = cgroup2_root() + os.path.dirname(os.path.dirname(rel))
    os.makedirs(cgroup2_root() + rel)
    d = None
    try:
        d, pid = start_driver("w:15:4096")
        with open(cgroup2_root() + rel + "/cgroup.procs", "w") as f:
            f.write(str(pid))
        v = start_vigil("trace", "blkio", "-f", "ndjson", "--disk", lp["name"], "--with-cgroup")
        wait_attached(v)
        release_driver(d)
        out, err = stop(v)
    finally:
        if d and d.poll() is None:
            d.kill()
            d.wait()
        for path in (cgroup2_root() + rel, os.path.dirname(cgroup2_root() + rel), top):
            rmdir_cgroup(path)
    rows = bios(out, pid)
    check(len(rows) == 15, "%d of the driver's 15 writes" % len(rows))
    want = (rel, "docker:" + "ab" * 6, "docker-%s.scope" % ("ab" * 32))
    for r in rows:
        check((r["cgroup"], r["container"], r["unit"]) == want, "bio record: %r" % r)
    check("--with-cgroup: " in err, "no --with-cgroup summary: %s" % err)


@test
def min_latency_keeps_only_slow_requests():
    lp = loop()
    pid, out = traced(["trace", "blkio", "-f", "ndjson", "--disk", lp["name"], "-m", "10s"],
                      ["w:20:4096"])
    check(not bios(out), "-m 10s let fast requests through")
    pid, out = traced(["trace", "blkio", "-f", "ndjson", "--disk", lp["name"], "-m", "1ns"],
                      ["w:20:4096"])
    check(len(bios(out)) == 20, "-m 1ns dropped requests")


@test
def hist_count_equals_the_number_of_ios():
    lp = loop()
    pid, out = traced(["hist", "blkio", "-f", "ndjson", "--disk", lp["name"]],
                      ["w:200:4096", "r:50:65536"])
    hists = records(out)
    check(len(hists) == 1, "expected one histogram, got %d" % len(hists))
    h = hists[0]
    check(h["hist"] == "blkio" and h["count"] == 250, "expected count 250: %r" % h)
    check(sum(b["count"] for b in h["buckets"]) == 250, "bucket counts")


@test
def hist_per_op_and_per_pid():
    lp = loop()
    pid, out = traced(["hist", "blkio", "-f", "ndjson", "--disk", lp["name"], "--per", "op"],
                      ["w:30:4096", "r:10:65536"])
    by_op = {}
    for h in records(out):
        by_op[h["label"][0]] = by_op.get(h["label"][0], 0) + h["count"]
    check(by_op == {"W": 30, "R": 10}, "per op counts: %r" % by_op)
    pid, out = traced(["hist", "blkio", "-f", "ndjson", "--per", "pid"], ["w:25:4096"])
    hs = records(out)
    check(len(hs) == 1 and hs[0]["key"] == pid and hs[0]["comm"] == "blkio_io" and
          hs[0]["count"] == 25, "per pid: %r" % hs)


@test
def hist_per_disk_labels_the_disk():
    lp = loop()
    pid, out = traced(["hist", "blkio", "-f", "ndjson", "--per", "disk"], ["w:30:4096"])
    mine = [h for h in records(out) if h["label"] == "%s (%s)" % (lp["name"], lp["dev"])]
    major, minor = (int(x) for x in lp["dev"].split(":"))
    check(len(mine) == 1 and mine[0]["count"] == 30 and mine[0]["key"] == major << 20 | minor,
          "per disk: %r" % records(out))


@test
def queued_adds_queue_time():
    lp = loop()
    pid, out = traced(["hist", "blkio", "-f", "ndjson", "--disk", lp["name"], "--queued"],
                      ["w:40:4096"])
    h = records(out)[0]
    check(h["count"] == 40, "queued hist count: %r" % h)


@test
def disk_filter_excludes_vda_traffic():
    lp = loop()
    scratch = "/var/tmp/vigil-blkio-vda-%d" % os.getpid()
    d, pid = start_driver("w:50:4096")
    everything = start_vigil("trace", "blkio", "-f", "ndjson")
    only_loop = start_vigil("trace", "blkio", "-f", "ndjson", "--disk", lp["name"])
    try:
        wait_attached(everything)
        wait_attached(only_loop, 0.1)
        subprocess.run(["dd", "if=/dev/zero", "of=" + scratch, "bs=64k", "count=32",
                        "oflag=direct,sync"], check=True, capture_output=True)
        release_driver(d)
    finally:
        if os.path.exists(scratch):
            os.unlink(scratch)
    all_rows = bios(stop(everything)[0])
    loop_rows = bios(stop(only_loop)[0])
    check(any(r["disk"] == "vda" for r in all_rows), "no vda traffic seen without --disk")
    check(loop_rows and all(r["disk"] == lp["name"] for r in loop_rows),
          "--disk %s let other disks through: %s" %
          (lp["name"], sorted({r["disk"] for r in loop_rows}, key=str)))
    check(len([r for r in loop_rows if r["pid"] == pid]) == 50, "the driver's 50 writes")


@test
def flush_and_discard_are_recognised():
    lp = loop()
    pid, out = traced(["trace", "blkio", "-f", "ndjson", "--disk", lp["name"]],
                      ["w:4:4096", "f", "d:0:1048576"])
    rows = bios(out)
    flushes = [r for r in rows if r["op"] in ("F", "FF") or r["op"].startswith("FF")]
    discards = [r for r in rows if r["op"].startswith("D")]
    check(flushes, "no flush among %s" % sorted({r["op"] for r in rows}))
    check(all(r["bytes"] == 0 and r["sector"] is None for r in flushes), "flush fields")
    check(all(r["pid"] == pid and r["comm"] == "blkio_io" for r in flushes),
          "the flush is not attributed to the fsync caller: %r" % flushes)
    check(len(discards) == 1 and discards[0]["bytes"] == 1 << 20 and
          discards[0]["sector"] == 0 and discards[0]["pid"] == pid,
          "expected one 1 MiB discard at sector 0 by the driver: %r" % discards)
    check(discards[0]["queue_ns"] is None or discards[0]["queue_ns"] >= 0, "queue_ns")


@test
def biotop_sums_per_process():
    lp = loop()
    pid, out = traced(["biotop", "-f", "ndjson", "--disk", lp["name"], "-i", "500ms"],
                      ["w:200:4096", "r:50:65536"])
    rows = [r for r in records(out) if r["kind"] == "bio_top" and r["pid"] == pid]
    total = {}
    for r in rows:
        t = total.setdefault(r["op"], [0, 0])
        t[0] += r["ios"]
        t[1] += r["bytes"]
        check(r["disk"] == lp["name"] and r["comm"] == "blkio_io", "row: %r" % r)
        check(r["avg_latency_ns"] > 0, "avg latency: %r" % r)
    check(total == {"W": [200, 200 * 4096], "R": [50, 50 * 65536]}, "totals: %r" % total)


def biolatency_total(text):
    n = 0
    for line in text.splitlines():
        parts = line.split(":")
        if len(parts) >= 2 and "->" in parts[0]:
            n += int(parts[1].split("|")[0].strip())
    return n


@test
def hist_total_matches_biolatency():
    lp = loop()
    if not os.access(BIOLATENCY, os.X_OK):
        skip("libbpf-tools biolatency is not installed")
    d, pid = start_driver("w:300:4096", "r:60:65536")
    bl = subprocess.Popen([BIOLATENCY, "-d", lp["name"]], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    v = start_vigil("hist", "blkio", "-f", "ndjson", "--disk", lp["name"])
    try:
        wait_attached(v, 1.5)
        if bl.poll() is not None:
            raise AssertionError("biolatency exited early: %s" % bl.stderr.read())
        release_driver(d)
    finally:
        if d.poll() is None:
            d.kill()
    ours = records(stop(v)[0])[0]["count"]
    time.sleep(0.2)
    bl.send_signal(signal.SIGINT)
    bl_out, bl_err = bl.communicate(timeout=30)
    theirs = biolatency_total(bl_out)
    check(theirs == ours == 360, "vigil %d, biolatency %d, expected 360 (%s)" %
          (ours, theirs, bl_err.strip()[-300:]))


@test
def bad_values_exit_2():
    for args, flag in ((["trace", "blkio", "--disk", "no/such"], "--disk"),
                       (["hist", "blkio", "--per", "tid"], "--per"),
                       (["hist", "blkio", "--per", "bogus"], "--per"),
                       (["biotop", "--interval", "0"], "--interval")):
        p = vigil(*args, check=False)
        check(p.returncode == 2 and flag in p.stderr, "%s: exit %d, %r" %
              (args, p.returncode, p.stderr))


@test
def no_drops_and_no_leaks_over_a_busy_run():
    lp = loop()
    pid, out = traced(["trace", "blkio", "-f", "ndjson", "--disk", lp["name"]],
                      ["w:2000:4096", "f", "r:500:16384", "d:0:4194304"], with_pid=False)
    drops = [r for r in records(out) if r["kind"] == "drops"]
    check(not drops, "drops: %r" % drops)
    # 2000 writes, the fsync's flush, 500 reads, one discard
    mine = bios(out, pid)
    ops = sorted({r["op"]: sum(1 for x in mine if x["op"] == r["op"]) for r in mine}.items())
    others = [(r["pid"], r["comm"], r["op"]) for r in bios(out) if r["pid"] != pid]
    check(len(mine) == 2502, "expected 2502 records from the driver, got %d: by op %r; "
          "other submitters %r" % (len(mine), ops, others[:5]))


def bpf_json(*args):
    return json.loads(subprocess.run(["bpftool", *args, "-j"], capture_output=True, text=True,
                                     check=True).stdout)


@test
def merges_and_requeues_leave_no_state_behind():
    """mq-deadline on the loop device: plug and elevator merges and requeues happen."""
    lp = loop()
    sched = "/sys/block/%s/queue/scheduler" % lp["name"]
    with open(sched, "w") as f:
        f.write("mq-deadline")
    v = start_vigil("trace", "blkio", "-f", "ndjson", "--disk", lp["name"])
    try:
        wait_attached(v)
        for engine, rw in (("libaio", "write"), ("io_uring", "randwrite")):
            subprocess.run(["fio", "--name=m", "--filename=" + lp["path"], "--direct=1",
                            "--rw=" + rw, "--bs=4k", "--ioengine=" + engine, "--iodepth=32",
                            "--size=8M", "--output-format=terse"], check=True,
                           capture_output=True)
        subprocess.run(["dd", "if=/dev/zero", "of=" + lp["path"], "bs=4k", "count=2000",
                        "conv=fsync"], check=True, capture_output=True)
        time.sleep(0.5)
        mine = bpf_map_ids(v.pid)
        reqs = [m["id"] for m in bpf_json("map", "show")
                if m.get("name") == "reqs" and m["id"] in mine]
        check(len(reqs) == 1, "expected vigil's reqs map, found %r" % reqs)
        left = bpf_json("map", "dump", "id", str(reqs[0]))
        runs = {p["name"]: p.get("run_cnt", 0) for p in bpf_json("prog", "show")
                if p.get("name", "").startswith("handle_blkio_")}
    finally:
        with open(sched, "w") as f:
            f.write("none")
    out, _ = stop(v)
    print("     merges %d, requeues %d" % (runs.get("handle_blkio_merge", 0),
                                          runs.get("handle_blkio_requeue", 0)))
    # An ended request's entry stays, marked dead, for the next use of its pointer (rewritten
    # in place, cheaper than a delete and an insert): none may stay live, and the dead ones
    # are bounded by the device's preallocated requests.
    live = [e for e in left if e["formatted"]["value"]["live"]]
    check(not live, "%d live request entries left in the map: %r" % (len(live), live[:3]))
    with open("/sys/block/%s/queue/nr_requests" % lp["name"]) as f:
        nr = int(f.read())
    check(len(left) <= 4 * nr * max(1, len(os.listdir("/sys/block/%s/mq" % lp["name"]))),
          "%d dead entries for a device of %d requests" % (len(left), nr))
    check(not [r for r in records(out) if r["kind"] == "drops"], "drops reported")
    queued = [r for r in bios(out) if r["queue_ns"] is not None]
    check(len(queued) >= len(bios(out)) // 2, "mq-deadline queues requests, yet only %d of %d "
          "records have queue_ns" % (len(queued), len(bios(out))))
    written = sum(r["bytes"] for r in bios(out) if r["op"].startswith("W"))
    check(written == 16 * 1024 * 1024 + 2000 * 4096, "bytes written: %d" % written)


@test
def an_error_is_named_and_leaves_no_state():
    """A loop device over a file on a 1 MiB tmpfs: the write past 1 MiB fails with ENOSPC."""
    require_root()
    mnt = tempfile.mkdtemp(prefix="vigil-blkio-tiny-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1M", "none", mnt], check=True)
    dev = None
    try:
        img = os.path.join(mnt, "f.img")
        with open(img, "wb") as f:
            f.truncate(16 << 20)
        dev = subprocess.run(["losetup", "-f", "--show", img], capture_output=True, text=True,
                             check=True).stdout.strip()
        time.sleep(0.3)
        v = start_vigil("trace", "blkio", "-f", "ndjson", "--disk", os.path.basename(dev))
        wait_attached(v)
        dd = subprocess.run(["dd", "if=/dev/zero", "of=" + dev, "bs=4k", "count=1000",
                             "oflag=direct"], capture_output=True, text=True)
        out, err = stop(v)
    finally:
        if dev:
            subprocess.run(["losetup", "-d", dev], capture_output=True)
        subprocess.run(["umount", mnt], capture_output=True)
        os.rmdir(mnt)
    check(dd.returncode != 0, "dd did not fail")
    rows = bios(out)
    failed = [r for r in rows if r["error"]]
    check(len(failed) == 1 and failed[0]["error"] == "ENOSPC" and failed[0]["op"] == "WS",
          "expected one ENOSPC write: %r" % failed)
    check(len(rows) == 257 and all(r["error"] == "" for r in rows if r is not failed[0]),
          "%d records" % len(rows))
    check(not [r for r in records(out) if r["kind"] == "drops"] and "no drops" in err,
          "drops after an error: %s" % err.strip())


if __name__ == "__main__":
    main()
