// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * top_procs.c: the per-process readings of `vigil top` (see top_procs.h): one fb_proc per
 * pid per frame, its io counters matched to the last frame's by binary search.
 */
#include "view/top_procs.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "fallback.h"

static int cmp_io(const void *a, const void *b)
{
	const struct top_io_snap *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* MEM%, RES and TIME+ of the process p, as ps and psutil give them. */
static void mem_time(struct fb_proc *p, struct top_row *row, uint64_t mem_total)
{
	struct fb_proc_cpu_times ct;
	struct fb_proc_mem m;

	if (!fb_proc__memory_info(p, &m)) {
		row->res_bytes = m.rss;
		row->known |= 1U << TOP_RES;
		if (mem_total) {
			row->mem_pct = 100.0 * (double)m.rss / (double)mem_total;
			row->known |= 1U << TOP_MEM;
		}
	}
	if (!fb_proc__cpu_times(p, &ct)) {
		row->cpu_time_s = ct.user + ct.system;
		row->known |= 1U << TOP_TIME;
	}
}

static int grow(struct top_procs *p, size_t n)
{
	struct top_io_snap *a, *b;

	if (n <= p->cap)
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

void top_procs__collect(struct top_procs *p, struct top_table *t, uint64_t interval_ns,
			bool baseline)
{
	uint64_t mem_total = 0;
	pid_t *pids = NULL;
	struct fb_vmem vm;
	size_t n = 0;

	if (fb_pids(&pids, &n))
		return;
	if (grow(p, n)) {
		free(pids);
		return;
	}
	if (!fb_virtual_memory(&vm) && (vm.valid & FB_VMEM_TOTAL))
		mem_total = vm.total;
	p->ncur = 0;
	for (size_t i = 0; i < n; i++) { /* fb_pids() lists them in ascending order */
		struct fb_proc *fp = fb_proc__new(pids[i]);
		struct top_io_snap *s = &p->cur[p->ncur];
		struct top_row *row;
		struct fb_proc_io io;

		if (!fp)
			continue;
		row = baseline ? NULL : top_table__row(t, (uint32_t)pids[i]);
		if (row)
			mem_time(fp, row, mem_total);
		if (!fb_proc__io_counters(fp, &io)) {
			s->pid = (uint32_t)pids[i];
			s->rb = io.read_bytes;
			s->wb = io.write_bytes;
			p->ncur++;
			if (row && interval_ns)
				io_rates(p, s, row, interval_ns);
		}
		fb_proc__free(fp);
	}
	free(pids);
	{
		struct top_io_snap *tmp = p->prev;

		p->prev = p->cur;
		p->cur = tmp;
		p->nprev = p->ncur;
	}
}

void top_procs__free(struct top_procs *p)
{
	free(p->prev);
	free(p->cur);
	memset(p, 0, sizeof(*p));
}
