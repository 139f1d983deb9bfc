#!/bin/sh
# bench_probe.sh - 100 sequential HTTP probes, whole commands, against the tool users time
# HTTP with: `vigil probe http --count 100 --interval 0` against `curl -w` doing the same 100
# (a shell loop of 100 curl commands, as a script that times a URL does, and one curl with the
# 100 URLs and "Connection: close" so each request opens its own connection, as vigil's do),
# on loopback against an nginx started here with its own config in a temp dir. The commands
# run alternately, ROUNDS times each, so that all see the same background load; the figures are
# medians. Also compares the phases both measured (connect, first byte, total: medians over
# every request) and says whether they agree within 10%. vigil runs with --no-kernel, and
# once more with the kernel's view (its BPF program loaded for the command: needs root).
# usage: tools/bench_probe.sh [ROUNDS]      (default 5)
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "bench_probe: nginx is missing (tools/deps.sh)" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench_probe: curl is missing (tools/deps.sh)" >&2; exit 1; }
[ -x .output/vigil ] || make -s .output/vigil
tools/bench/machine.sh
LC_ALL=C /usr/bin/python3 - "$ROUNDS" "$NGINX" <<'PYEOF'
import json, os, shutil, socket, statistics, subprocess, sys, tempfile, time
rounds, nginx = int(sys.argv[1]), sys.argv[2]
N = 100
s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
d = tempfile.mkdtemp(prefix="vigil-bench-probe-")
with open(d + "/nginx.conf", "w") as f:
    f.write("""daemon off; worker_processes 1; pid %(d)s/nginx.pid; error_log %(d)s/error.log;
events { worker_connections 512; }
http { access_log off; client_body_temp_path %(d)s/b; proxy_temp_path %(d)s/p;
  fastcgi_temp_path %(d)s/f; uwsgi_temp_path %(d)s/u; scgi_temp_path %(d)s/s;
  server { listen 127.0.0.1:%(port)d;
    location / { default_type text/plain; return 200 "hello from nginx\\n"; } } }
""" % {"d": d, "port": port})
srv = subprocess.Popen([nginx, "-c", d + "/nginx.conf", "-p", d])
url = "http://127.0.0.1:%d/" % port
try:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            break
        except OSError:
            time.sleep(0.05)
    fmt = "%{time_connect} %{time_starttransfer} %{time_total}\\n"
    loop = "for i in $(seq %d); do curl -s -o /dev/null -w '%s' %s; done" % (N, fmt, url)
    cmds = {
        "vigil probe http": [".output/vigil", "probe", "http", "--count", str(N),
                             "--interval", "0", "-f", "ndjson", "--no-kernel", url],
        # the same with the kernel's view: its BPF program loaded for the run (root)
        "vigil, kernel view": [".output/vigil", "probe", "http", "--count", str(N),
                               "--interval", "0", "-f", "ndjson", url],
        "curl -w, shell loop": ["sh", "-c", loop],
        "curl -w, 100 URLs": ["curl", "-s", "-H", "Connection: close", "-w", fmt] +
                             ["-o", "/dev/null", url] * N,
    }
    wall = {k: [] for k in cmds}
    phases = {k: {"connect": [], "first_byte": [], "total": []} for k in cmds}
    for _ in range(rounds):
        for k, c in cmds.items():
            t0 = time.perf_counter()
            out = subprocess.run(c, capture_output=True, text=True, check=True).stdout
            wall[k].append((time.perf_counter() - t0) * 1e3)
            if k.startswith("vigil"):
                for r in map(json.loads, out.splitlines()):
                    assert r["success"], r
                    phases[k]["connect"].append(r["connect_ns"] / 1e9)
                    phases[k]["first_byte"].append(r["first_byte_ns"] / 1e9)
                    phases[k]["total"].append(r["total_ns"] / 1e9)
            else:
                vals = out.split()
                for i in range(0, len(vals) - 2, 3):
                    phases[k]["connect"].append(float(vals[i]))
                    phases[k]["first_byte"].append(float(vals[i + 1]))
                    phases[k]["total"].append(float(vals[i + 2]))
finally:
    srv.terminate()
    srv.wait()
    shutil.rmtree(d, ignore_errors=True)
v = "vigil probe http"
print("%d sequential HTTP probes of a loopback nginx, whole command, %d alternating rounds"
      % (N, rounds))
print("  %-22s %12s %14s %14s %14s" % ("", "wall median", "connect med", "first byte med",
                                       "total med"))
for k in cmds:
    p = phases[k]
    print("  %-22s %10.1fms %12.1fus %12.1fus %12.1fus" % (
        k, statistics.median(wall[k]), statistics.median(p["connect"]) * 1e6,
        statistics.median(p["first_byte"]) * 1e6, statistics.median(p["total"]) * 1e6))
for k in cmds:
    if k.startswith("vigil"):
        continue
    ratio = statistics.median(wall[v]) / statistics.median(wall[k])
    agree = []
    for ph in ("connect", "first_byte", "total"):
        a, b = statistics.median(phases[v][ph]), statistics.median(phases[k][ph])
        agree.append("%s %.2fx%s" % (ph, a / b, "" if abs(a / b - 1) <= 0.10 else " (!)"))
    print("  vigil / %s: wall %.2fx (< 1: vigil is faster); phases vigil/curl: %s"
          % (k, ratio, ", ".join(agree)))
kv = "vigil, kernel view"
print("  with the kernel view (its load included): wall %.2fx curl's 100 URLs"
      % (statistics.median(wall[kv]) / statistics.median(wall["curl -w, 100 URLs"])))
print("  phases agree within 10% where no (!) follows the ratio")
PYEOF
