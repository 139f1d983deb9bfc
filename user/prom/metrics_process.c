// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * metrics_process.c: vigil's own process_* metrics under the names every Prometheus client
 * library exports (process_cpu_seconds_total, process_resident_memory_bytes,
 * process_virtual_memory_bytes, process_open_fds, process_max_fds,
 * process_start_time_seconds), so the dashboards and alerts written for any exporter's own
 * cost work on vigil's. Read through the fallback library and getrusage(2)/getrlimit(2); a
 * value that cannot be read is left out, never written as 0.
 */
#include <stdint.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fallback.h"
#include "prom/metrics.h"

static void write_cpu(struct prom *p)
{
	struct rusage ru;
	uint64_t us;

	if (getrusage(RUSAGE_SELF, &ru))
		return;
	us = ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000ULL +
	     (uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec;
	prom__family(p, "process_cpu_seconds_total", "counter",
		     "Total user and system CPU time spent in seconds.");
	prom__ns(p, "process_cpu_seconds_total", "", us * 1000);
}

static void gauge(struct prom *p, const char *name, const char *help, uint64_t v)
{
	prom__family(p, name, "gauge", help);
	prom__u64(p, name, "", v);
}

void metrics_process_write(struct prom *p)
{
	struct fb_proc *self = fb_proc__new(getpid());
	struct fb_proc_mem mem;
	struct rlimit rl;
	double start;
	int fds;

	write_cpu(p);
	if (self && !fb_proc__memory_info(self, &mem)) {
		gauge(p, "process_resident_memory_bytes", "Resident memory size in bytes.",
		      mem.rss);
		gauge(p, "process_virtual_memory_bytes", "Virtual memory size in bytes.", mem.vms);
	}
	if (self && !fb_proc__num_fds(self, &fds) && fds >= 0)
		gauge(p, "process_open_fds", "Number of open file descriptors.", (uint64_t)fds);
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY)
		gauge(p, "process_max_fds", "Maximum number of open file descriptors.",
		      (uint64_t)rl.rlim_cur);
	if (self && !fb_proc__create_time(self, &start)) {
		prom__family(p, "process_start_time_seconds", "gauge",
			     "Start time of the process since unix epoch in seconds.");
		prom__f64(p, "process_start_time_seconds", "", start);
	}
	fb_proc__free(self);
}
