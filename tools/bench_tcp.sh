#!/bin/sh
# bench_tcp.sh: in-kernel cost per connection and per event of vigil's TCP tracer against
# libbpf-tools tcplife and tcpstates, in the same runs, on loopback connection churn
# (tools/bench/tcp_churn). Needs root; sets kernel.bpf_stats_enabled=1 for the duration and
# restores it. Knobs: RUNS (5), BENCH_SECONDS (4), THREADS (4), PORT (17299).
cd "$(dirname "$0")/.." || exit 1
[ -x .output/vigil ] && [ -x .output/tools/bench/tcp_churn ] || make -s all || exit 1
exec /usr/bin/python3 tools/bench/bench_tcp.py "$@"
