// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * poll_summary.c: folding and printing the fallback pollers' samples for the main job.
 */
#include "core/poll_summary.h"

#include <stdlib.h>
#include <string.h>

static void disk_add(struct run_fallback *f, const struct vrow *row)
{
	const char *name = row->v[VF_DISK].str;
	struct run_fb_disk *d = NULL;

	for (int i = 0; i < f->ndisks; i++) {
		if (!strcmp(f->disks[i].name, name))
			d = &f->disks[i];
	}
	if (!d) {
		if (f->ndisks == RUN_FB_MAX_DISKS)
			return;
		d = &f->disks[f->ndisks++];
		memset(d, 0, sizeof(*d));
		memcpy(d->name, name, strnlen(name, sizeof(d->name) - 1));
	}
	d->reads += row->v[VF_READS].u;
	d->writes += row->v[VF_WRITES].u;
	d->read_bytes += row->v[VF_READ_BYTES].u;
	d->write_bytes += row->v[VF_WRITE_BYTES].u;
}

void run_fallback__observe(void *ctx, const struct vrow *row)
{
	struct run_fallback *f = ctx;

	if (row->kind == VK_SAMPLE)
		top_table__add_sample(&f->procs, row);
	else if (row->kind == VK_SAMPLE_BLKIO)
		disk_add(f, row);
}

static int cmp_wait(const void *a, const void *b)
{
	const struct top_row *x = a, *y = b;

	return x->run_delay_ns < y->run_delay_ns ? 1 : x->run_delay_ns > y->run_delay_ns ? -1 : 0;
}

static bool has_poller(const struct session *s, const char *name)
{
	const char *src = session__source(s, name);

	return src && strcmp(src, "bpf");
}

void run_fallback__print_table(const struct run_fallback *f, struct sink *out,
			       const struct session *s, int top)
{
	for (int i = 0; i < s->npollers; i++)
		sink__printf(out, "%-6s source=%s  (BPF unavailable: %s)\n",
			     s->pollers[i].ops->subsystem, s->pollers[i].ops->source,
			     s->pollers[i].why.detail);
	if (has_poller(s, "sched")) {
		sink__printf(out, "\ntop processes by time spent waiting for a CPU (schedstat):\n");
		sink__printf(out, "%7s %-16s %9s %10s %10s %12s\n", "PID", "COMM", "SLICES",
			     "WAIT_US", "AVG_US", "ONCPU_US");
		for (size_t i = 0; i < f->procs.n && (int)i < top; i++) {
			const struct top_row *p = &f->procs.rows[i];

			sink__printf(
				out, "%7u %-16.16s %9llu %10llu %10llu %12llu\n", p->pid, p->comm,
				(unsigned long long)p->slices,
				(unsigned long long)(p->run_delay_ns / 1000),
				(unsigned long long)(p->slices ? p->run_delay_ns / p->slices / 1000
							       : 0),
				(unsigned long long)(p->oncpu_ns / 1000));
		}
	}
	if (has_poller(s, "blkio")) {
		sink__printf(out, "\ndisk I/O (diskstats):\n%-12s %10s %10s %14s %14s\n", "DISK",
			     "READS", "WRITES", "READ_BYTES", "WRITE_BYTES");
		for (int i = 0; i < f->ndisks; i++)
			sink__printf(out, "%-12s %10llu %10llu %14llu %14llu\n", f->disks[i].name,
				     (unsigned long long)f->disks[i].reads,
				     (unsigned long long)f->disks[i].writes,
				     (unsigned long long)f->disks[i].read_bytes,
				     (unsigned long long)f->disks[i].write_bytes);
	}
}

void run_fallback__print_json(const struct run_fallback *f, struct jw *w, const struct session *s,
			      int top)
{
	if (!s->npollers)
		return;
	jw__obj_begin(w, "fallback");
	if (has_poller(s, "sched")) {
		jw__arr_begin(w, "top_schedstat");
		for (size_t i = 0; i < f->procs.n && (int)i < top; i++) {
			const struct top_row *p = &f->procs.rows[i];

			jw__obj_begin(w, NULL);
			jw__u64(w, "pid", p->pid);
			jw__strn(w, "comm", p->comm, VG_COMM_LEN);
			jw__u64(w, "timeslices", p->slices);
			jw__u64(w, "run_delay_ns", p->run_delay_ns);
			jw__u64(w, "oncpu_ns", p->oncpu_ns);
			jw__obj_end(w);
		}
		jw__arr_end(w);
	}
	if (has_poller(s, "blkio")) {
		jw__arr_begin(w, "disks");
		for (int i = 0; i < f->ndisks; i++) {
			jw__obj_begin(w, NULL);
			jw__str(w, "disk", f->disks[i].name);
			jw__u64(w, "reads", f->disks[i].reads);
			jw__u64(w, "writes", f->disks[i].writes);
			jw__u64(w, "read_bytes", f->disks[i].read_bytes);
			jw__u64(w, "write_bytes", f->disks[i].write_bytes);
			jw__obj_end(w);
		}
		jw__arr_end(w);
	}
	jw__obj_end(w);
}

void run_fallback__sort(struct run_fallback *f)
{
	if (f->procs.n)
		qsort(f->procs.rows, f->procs.n, sizeof(*f->procs.rows), cmp_wait);
}

void run_fallback__fini(struct run_fallback *f)
{
	top_table__free(&f->procs);
}
