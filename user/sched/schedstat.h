/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * schedstat.h: the scheduler's own accounting, read from procfs under the fallback library's
 * root (fb_root_get(), so tests can point it at a recorded tree). Per task,
 * /proc/<pid>/task/<tid>/schedstat holds three numbers: time on a CPU (ns), time waiting on a
 * run queue (run_delay, ns) and the number of time slices. Per CPU, /proc/schedstat's
 * "cpuN" lines (version 15 and later) hold the same totals in their 7th to 9th fields.
 */
#ifndef VIGIL_SCHEDSTAT_H
#define VIGIL_SCHEDSTAT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct schedstat {
	uint64_t run_ns;  /* on a CPU */
	uint64_t wait_ns; /* runnable, waiting on a run queue */
	uint64_t slices;  /* times it got a CPU */
};

/* Parse a task's schedstat text ("123 456 7\n"). 0 or -EINVAL. */
int schedstat_parse_task(const char *text, struct schedstat *out);

/* Read one task's counters; -ENOENT when it is gone. */
int schedstat_read_task(uint32_t pid, uint32_t tid, struct schedstat *out);

/*
 * Parse /proc/schedstat text: out[cpu] for each "cpuN" line with N < max. Returns the
 * number of CPUs seen (the highest N + 1), or -EINVAL if there is no usable line.
 */
int schedstat_parse_cpus(const char *text, struct schedstat *out, int max);

/* Read and parse /proc/schedstat. */
int schedstat_read_cpus(struct schedstat *out, int max);

/* The path of rel ("proc/schedstat") under the fallback root, into buf. */
int schedstat_path(const char *rel, char *buf, size_t len);

/* Read the small file rel under the root into buf (NUL-terminated); bytes or -errno. */
ssize_t schedstat_read_file(const char *rel, char *buf, size_t len);

/* The two context-switch counters of a status file's text; -ENOENT if absent. */
int status_parse_switches(const char *text, uint64_t *voluntary, uint64_t *involuntary);

#endif /* VIGIL_SCHEDSTAT_H */
