/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * top_procs.h: what `vigil top` reads of every process from the fallback library's process
 * listing each frame (the BPF task walk when its feed is set and loads, else /proc): the
 * leader's name, disk bytes from io_counters as rates since the last frame, and MEM%, RES and
 * TIME+ (memory_info's rss over physical memory, and cpu_times' user + system), as ps and
 * psutil give them. It keeps the listing open across frames, and the last frame's io
 * counters, pid-sorted, for the rates.
 */
#ifndef VIGIL_TOP_PROCS_H
#define VIGIL_TOP_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "view/top.h"

struct top_io_snap {
	uint32_t pid;
	uint64_t rb, wb;
};

struct fb_proc_iter;

struct top_procs {
	struct fb_proc_iter *it; /* kept across frames, rewound by each */
	struct top_io_snap *prev, *cur;
	size_t nprev, ncur, cap;
};

/*
 * Read every process into t (a row each, created if new) over interval_ns since the last
 * call; baseline: only take the io counters (rates need two readings), t is left alone.
 */
void top_procs__collect(struct top_procs *p, struct top_table *t, uint64_t interval_ns,
			bool baseline);

/* Where the last frame's listing came from: "bpf_iter" or "procfs". */
const char *top_procs__source(const struct top_procs *p);

void top_procs__free(struct top_procs *p);

#endif /* VIGIL_TOP_PROCS_H */
