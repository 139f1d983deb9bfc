/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * metrics.h: everything `vigil serve` exposes, gathered at scrape time (pull, as
 * ebpf_exporter does): the in-kernel histograms of the loaded BPF subsystems (kept as
 * cumulative totals across scrapes), their drop counters, each BPF program's own cost from
 * bpf_prog_info, where each subsystem's data comes from, vigil's own CPU and memory, and the
 * fallback library's system metrics under node_exporter's names (CPU, memory, schedstat,
 * disks, network). One scrape at a time: callers serialise.
 */
#ifndef VIGIL_METRICS_H
#define VIGIL_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "prom/prom.h"
#include "core/record.h"

struct session;
struct metrics;

/* One subsystem's source, for vigil_subsystem_source_info{subsystem,source}. */
struct metrics_source {
	const char *subsystem;
	const char *source; /* "bpf", "procfs", "diskstats", "sock_diag", "none" */
};

/* sources[0..n) are kept by pointer and must outlive m. NULL and errno on failure. */
struct metrics *metrics__new(const struct metrics_source *sources, int nsources);

/*
 * Read s's BPF objects (histograms, drops, program stats) from now on, each histogram keyed
 * as its tracer was (global, per disk, or per cgroup: one series per container). 0 or -errno.
 */
int metrics__attach(struct metrics *m, const struct session *s);

/*
 * The session's observer (ctx: the metrics): folds the sched fallback's samples and every
 * tcp_close (from BPF or the tcp fallback) into counters. Thread-safe against scrapes.
 */
void metrics__observe(void *ctx, const struct vrow *row);

/* Write one whole scrape into p. Returns 0 or a negative errno (p is then partial). */
int metrics__scrape(struct metrics *m, struct prom *p);

void metrics__free(struct metrics *m);

/*
 * For the alert rules (user/alert/): the cumulative totals of histogram name ("runq",
 * "blkio"), every key summed, in usec log2 slots; 0 or -ENOENT when serve has no such
 * histogram. Thread-safe against scrapes.
 */
int metrics__hist_total(struct metrics *m, const char *name, uint64_t *slots, int nslots);

/* A cumulative counter by name: "tcp_retransmits" (of closed connections). 0 or -ENOENT. */
int metrics__counter(struct metrics *m, const char *name, double *v);

struct fb_nowrap;

/*
 * vigil's own process_* metrics, as every Prometheus client library names them: CPU time,
 * resident and virtual memory, open and maximum file descriptors, start time.
 */
void metrics_process_write(struct prom *p);

/*
 * The fallback library's system metrics with node_exporter's names: node_cpu_seconds_total,
 * node_memory_*_bytes, node_load*, node_context_switches_total, node_schedstat_*, node_disk_*,
 * node_network_*. disk_nw and net_nw keep the counters monotone across 32-bit wraps.
 */
void metrics_node_write(struct prom *p, struct fb_nowrap *disk_nw, struct fb_nowrap *net_nw);

/*
 * Closed TCP connections by class: direction and service port (the remote port of an
 * active connection, the local port of a passive one). Bounded: past METRICS_TCP_CLASSES
 * classes, new ones are counted under port "other".
 */
#define METRICS_TCP_CLASSES 256

struct metrics_tcp {
	struct metrics_tcp_class {
		uint16_t port; /* 0: "other" */
		bool passive;
		uint64_t closes, bytes_sent, bytes_received, retransmits;
	} v[METRICS_TCP_CLASSES + 2];
	int n;
};

void metrics_tcp__add(struct metrics_tcp *t, const struct vrow *row);
void metrics_tcp__write(const struct metrics_tcp *t, struct prom *p);

#endif /* VIGIL_METRICS_H */
