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

#include "prom.h"

struct session;
struct metrics;

/* One subsystem's source, for vigil_subsystem_source{subsystem,source}. */
struct metrics_source {
	const char *subsystem;
	const char *source; /* "bpf", "procfs", "diskstats", "sock_diag", "none" */
};

/* s may be NULL (no BPF at all); sources[0..n) are copied by pointer and must outlive m. */
struct metrics *metrics__new(const struct session *s, const struct metrics_source *sources,
			     int nsources);

/* Write one whole scrape into p. Returns 0 or a negative errno (p is then partial). */
int metrics__scrape(struct metrics *m, struct prom *p);

void metrics__free(struct metrics *m);

struct fb_nowrap;

/*
 * The fallback library's system metrics with node_exporter's names: node_cpu_seconds_total,
 * node_memory_*_bytes, node_load*, node_context_switches_total, node_schedstat_*, node_disk_*,
 * node_network_*. disk_nw and net_nw keep the counters monotone across 32-bit wraps.
 */
void metrics_node_write(struct prom *p, struct fb_nowrap *disk_nw, struct fb_nowrap *net_nw);

#endif /* VIGIL_METRICS_H */
