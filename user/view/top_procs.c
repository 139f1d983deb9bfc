// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * top_procs.c: the per-process readings of `vigil top` (see top_procs.h): one pass of the
 * fallback library's process listing per frame, kept open and rewound, so each frame is one
 * BPF task walk where the iterator loads and otherwise a pread() of each process' kept stat,
 * statm and io files; its io counters matched to the last frame's by binary search.
 */
#include "view/top_procs.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "fallback.h"

#define TOP_PI_ATTRS (FB_PI_NAME | FB_PI_CPU_TIMES | FB_PI_MEMORY_INFO | FB_PI_IO_COUNTERS)

static int cmp_io(const void *a, const void *b)
{
	const struct top_io_snap *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Name, MEM%, RES and TIME+ of the process pi, as ps and psutil give them. */
static void fill_row(const struct fb_proc_info *pi, struct top_row *row, uint64_t mem_total)
{
	if (pi->valid & FB_PI_NAME)
		top_row__set_leader_name(row, pi->name);
	if (pi->valid & FB_PI_MEMORY_INFO) {
		row->res_bytes = pi->memory_info.rss;
		row->known |= 1U << TOP_RES;
		if (mem_total) {
			row->mem_pct = 100.0 * (double)pi->memory_info.rss / (double)mem_total;
			row->known |= 1U << TOP_MEM;
		}
	}
	if (pi->valid & FB_PI_CPU_TIMES) {
		row->cpu_time_s = pi->cpu_times.user + pi->cpu_times.system;
		row->known |= 1U << TOP_TIME;
	}
}

/* Room for one more reading in cur (prev grows alongside: the two swap each frame). */
static int grow(struct top_procs *p)
{
	struct top_io_snap *a, *b;
	size_t n = p->cap ? 2 * p->cap : 256;

	if (p->ncur < p->cap)
		return 0;
	a = realloc(p->prev, n * sizeof(*a));
	if (!a)
		return -1;
	p->prev = a;
	b = realloc(p->cur, n * sizeof(*b));
	if (!b)
		return -1;
	p->cur = b;
	p->cap = n;
	return 0;
}

/* The disk rates of row from this reading s and the last one of the same pid. */
static void io_rates(const struct top_procs *p, const struct top_io_snap *s, struct top_row *row,
		     uint64_t interval_ns)
{
	const struct top_io_snap *old =
		p->nprev ? bsearch(s, p->prev, p->nprev, sizeof(*s), cmp_io) : NULL;
	uint64_t rb = old && s->rb >= old->rb ? s->rb - old->rb : 0;
	uint64_t wb = old && s->wb >= old->wb ? s->wb - old->wb : 0;

	row->disk_read_bps = (uint64_t)((double)rb * 1e9 / (double)interval_ns);
	row->disk_write_bps = (uint64_t)((double)wb * 1e9 / (double)interval_ns);
	row->known |= 1U << TOP_DISK_READ | 1U << TOP_DISK_WRITE;
}

/* The listing, opened by the first frame and rewound by the next ones; NULL if it fails. */
static struct fb_proc_iter *top_procs__scan(struct top_procs *p)
{
	if (p->it && fb_proc_iter__rewind(p->it)) {
		fb_proc_iter__free(p->it);
		p->it = NULL;
	}
	if (!p->it)
		p->it = fb_proc_iter__new(TOP_PI_ATTRS);
	return p->it;
}

void top_procs__collect(struct top_procs *p, struct top_table *t, uint64_t interval_ns,
			bool baseline)
{
	struct fb_proc_iter *it = top_procs__scan(p);
	const struct fb_proc_info *pi;
	uint64_t mem_total = 0;
	struct fb_vmem vm;

	if (!it)
		return;
	if (!fb_virtual_memory(&vm) && (vm.valid & FB_VMEM_TOTAL))
		mem_total = vm.total;
	p->ncur = 0;
	while ((pi = fb_proc_iter__next(it))) { /* in ascending pid order */
		struct top_row *row = baseline ? NULL : top_table__row(t, (uint32_t)pi->pid);
		struct top_io_snap *s;

		if (row)
			fill_row(pi, row, mem_total);
		if (!(pi->valid & FB_PI_IO_COUNTERS) || grow(p))
			continue;
		s = &p->cur[p->ncur++];
		s->pid = (uint32_t)pi->pid;
		s->rb = pi->io_counters.read_bytes;
		s->wb = pi->io_counters.write_bytes;
		if (row && interval_ns)
			io_rates(p, s, row, interval_ns);
	}
	{
		struct top_io_snap *tmp = p->prev;

		p->prev = p->cur;
		p->cur = tmp;
		p->nprev = p->ncur;
	}
}

const char *top_procs__source(const struct top_procs *p)
{
	return fb_proc_iter__source(p->it);
}

void top_procs__free(struct top_procs *p)
{
	fb_proc_iter__free(p->it);
	free(p->prev);
	free(p->cur);
	memset(p, 0, sizeof(*p));
}
