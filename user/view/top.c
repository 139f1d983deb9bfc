// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * top.c: the per-process table of `vigil top` (see top.h): a pid-sorted array, so merging
 * sources is a binary search and a frame costs no hashing state to keep.
 */
#include "view/top.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hist.h"

const char *const top_sort_names[] = {
	[TOP_PID] = "pid",	    [TOP_CPU] = "cpu",		 [TOP_RUNQ_P50] = "runq-p50",
	[TOP_RUNQ_P99] = "runq",    [TOP_RUNQ_AVG] = "runq-avg", [TOP_DISK_READ] = "read",
	[TOP_DISK_WRITE] = "write", [TOP_DISK_P99] = "disk",	 [TOP_TCP_CONNS] = "tcp",
	[TOP_TCP_RTT] = "rtt",	    [TOP_COMM] = "comm",	 [TOP_DNS_QPS] = "dns",
	[TOP_DNS_P99] = "dns-p99",  [TOP_MEM] = "mem",		 [TOP_RES] = "res",
	[TOP_TIME] = "time",	    [TOP__COUNT] = NULL,
};

const enum top_col top_col_order[TOP__COUNT] = {
	TOP_PID,       TOP_COMM,     TOP_CPU,	   TOP_MEM,	  TOP_RES,	  TOP_TIME,
	TOP_RUNQ_P50,  TOP_RUNQ_P99, TOP_RUNQ_AVG, TOP_DISK_READ, TOP_DISK_WRITE, TOP_DISK_P99,
	TOP_TCP_CONNS, TOP_TCP_RTT,  TOP_DNS_QPS,  TOP_DNS_P99,
};

const char *const top_col_titles[TOP__COUNT] = {
	[TOP_PID] = "PID",
	[TOP_COMM] = "COMM",
	[TOP_CPU] = "CPU%",
	[TOP_MEM] = "MEM%",
	[TOP_RES] = "RES",
	[TOP_TIME] = "TIME+",
	[TOP_RUNQ_P50] = "RQ_P50",
	[TOP_RUNQ_P99] = "RQ_P99",
	[TOP_RUNQ_AVG] = "RQ_AVG",
	[TOP_DISK_READ] = "READ/s",
	[TOP_DISK_WRITE] = "WRITE/s",
	[TOP_DISK_P99] = "DISK_P99",
	[TOP_TCP_CONNS] = "TCP",
	[TOP_TCP_RTT] = "TCP_RTT",
	[TOP_DNS_QPS] = "DNS/s",
	[TOP_DNS_P99] = "DNS_P99",
};

static int cmp_pid(const void *a, const void *b)
{
	const struct top_row *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

struct top_row *top_table__row(struct top_table *t, uint32_t pid)
{
	struct top_row key = { .pid = pid }, *r;
	size_t lo = 0, hi = t->n;

	r = t->n ? bsearch(&key, t->rows, t->n, sizeof(*r), cmp_pid) : NULL;
	if (r)
		return r;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 512;
		struct top_row *v = realloc(t->rows, cap * sizeof(*v));

		if (!v)
			return NULL;
		t->rows = v;
		t->cap = cap;
	}
	while (lo < hi) { /* the insertion point */
		size_t mid = (lo + hi) / 2;

		if (t->rows[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&t->rows[lo + 1], &t->rows[lo], (t->n - lo) * sizeof(*t->rows));
	t->n++;
	r = &t->rows[lo];
	memset(r, 0, sizeof(*r));
	r->pid = pid;
	r->known = 1U << TOP_PID | 1U << TOP_COMM;
	return r;
}

void top_table__reset(struct top_table *t)
{
	t->n = 0;
}

int top_table__copy(struct top_table *dst, const struct top_table *src)
{
	if (src->n > dst->cap) {
		struct top_row *v = realloc(dst->rows, src->n * sizeof(*v));

		if (!v)
			return -ENOMEM;
		dst->rows = v;
		dst->cap = src->n;
	}
	if (src->n)
		memcpy(dst->rows, src->rows, src->n * sizeof(*src->rows));
	dst->n = src->n;
	return 0;
}

void top_table__free(struct top_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

/* @leader: the record came from the thread-group leader, whose name the row shows. */
static void set_comm(struct top_row *r, const char *comm, bool leader)
{
	if (!comm || !comm[0] || r->comm_is_leader || (r->comm[0] && !leader))
		return;
	memset(r->comm, 0, sizeof(r->comm));
	memcpy(r->comm, comm, strnlen(comm, VG_COMM_LEN - 1));
	r->comm_is_leader = leader;
}

void top_row__set_leader_name(struct top_row *r, const char *comm)
{
	set_comm(r, comm, true);
}

void top_table__leader_names(struct top_table *t, int (*name)(uint32_t pid, char *buf, size_t len))
{
	for (size_t i = 0; i < t->n; i++) {
		struct top_row *r = &t->rows[i];
		char buf[VG_COMM_LEN];

		if (!r->comm_is_leader && !name(r->pid, buf, sizeof(buf)))
			set_comm(r, buf, true);
	}
}

void top_table__add_sample(struct top_table *t, const struct vrow *row)
{
	struct top_row *r;

	if (row->kind != VK_SAMPLE || vrow__is_null(row, VF_PID))
		return;
	r = top_table__row(t, (uint32_t)row->v[VF_PID].u);
	if (!r)
		return;
	/* a per-thread sample names its thread: only the leader's names the process */
	set_comm(r, row->v[VF_COMM].str,
		 !vrow__is_null(row, VF_TID) && row->v[VF_TID].u == row->v[VF_PID].u);
	r->oncpu_ns += row->v[VF_ONCPU_NS].u;
	r->run_delay_ns += row->v[VF_RUN_DELAY_NS].u;
	r->slices += row->v[VF_TIMESLICES].u;
}

void top_table__finish_samples(struct top_table *t, uint64_t interval_ns)
{
	for (size_t i = 0; i < t->n; i++) {
		struct top_row *r = &t->rows[i];

		if (!r->slices && !r->oncpu_ns)
			continue;
		r->cpu_pct = interval_ns ? 100.0 * (double)r->oncpu_ns / (double)interval_ns : 0;
		r->known |= 1U << TOP_CPU;
		if (r->slices) {
			r->runq_avg_us = r->run_delay_ns / r->slices / 1000;
			r->known |= 1U << TOP_RUNQ_AVG;
		}
	}
}

void top_table__add_runq(struct top_table *t, uint32_t pid, const struct vg_hist *h)
{
	struct top_row *r = top_table__row(t, pid);
	uint64_t n = vg_hist__total(h);

	if (!r || !n)
		return;
	set_comm(r, h->comm, false); /* whichever thread made the entry */
	r->runq_p50_us = vg_hist__quantile(h, 0.5);
	r->runq_p99_us = vg_hist__quantile(h, 0.99);
	r->runq_avg_us = h->sum / n;
	r->known |= 1U << TOP_RUNQ_P50 | 1U << TOP_RUNQ_P99 | 1U << TOP_RUNQ_AVG;
}

void top_table__add_oncpu(struct top_table *t, uint32_t pid, const struct vg_hist *h,
			  uint64_t interval_ns)
{
	struct top_row *r = top_table__row(t, pid);

	if (!r)
		return;
	set_comm(r, h->comm, false); /* whichever thread made the entry */
	r->cpu_pct = interval_ns ? 100.0 * (double)h->sum * 1000.0 / (double)interval_ns : 0;
	r->known |= 1U << TOP_CPU;
}

void top_table__add_disk(struct top_table *t, uint32_t pid, const struct vg_hist *h)
{
	struct top_row *r = top_table__row(t, pid);

	if (!r || !vg_hist__total(h))
		return;
	set_comm(r, h->comm, false); /* whichever thread made the entry */
	r->disk_p99_us = vg_hist__quantile(h, 0.99);
	r->known |= 1U << TOP_DISK_P99;
}

void top_table__add_dns(struct top_table *t, uint32_t pid, const struct vg_hist *h,
			uint64_t interval_ns)
{
	struct top_row *r = top_table__row(t, pid);
	uint64_t n = vg_hist__total(h);

	if (!r || !n)
		return;
	set_comm(r, h->comm, false); /* whichever thread asked */
	r->dns_qps = interval_ns ? (double)n * 1e9 / (double)interval_ns : 0;
	r->dns_p99_us = vg_hist__quantile(h, 0.99);
	r->known |= 1U << TOP_DNS_QPS | 1U << TOP_DNS_P99;
}

static double col_value(const struct top_row *r, enum top_col c)
{
	switch (c) {
	case TOP_PID:
		return r->pid;
	case TOP_CPU:
		return r->cpu_pct;
	case TOP_RUNQ_P50:
		return (double)r->runq_p50_us;
	case TOP_RUNQ_P99:
		return (double)r->runq_p99_us;
	case TOP_RUNQ_AVG:
		return (double)r->runq_avg_us;
	case TOP_DISK_READ:
		return (double)r->disk_read_bps;
	case TOP_DISK_WRITE:
		return (double)r->disk_write_bps;
	case TOP_DISK_P99:
		return (double)r->disk_p99_us;
	case TOP_TCP_CONNS:
		return (double)r->tcp_conns;
	case TOP_TCP_RTT:
		return (double)r->tcp_rtt_us;
	case TOP_DNS_QPS:
		return r->dns_qps;
	case TOP_DNS_P99:
		return (double)r->dns_p99_us;
	case TOP_MEM:
		return r->mem_pct;
	case TOP_RES:
		return (double)r->res_bytes;
	case TOP_TIME:
		return r->cpu_time_s;
	default:
		return 0;
	}
}

/* Descending by the column (unknown values last), ties by pid; pid and comm ascend. */
static int cmp_rows(const void *a, const void *b, void *ctx)
{
	const struct top_row *x = a, *y = b;
	enum top_col sort_col = *(const enum top_col *)ctx;
	bool hx = top_row__has(x, sort_col), hy = top_row__has(y, sort_col);
	double vx, vy;
	int c;

	if (sort_col == TOP_COMM) {
		c = strncmp(x->comm, y->comm, VG_COMM_LEN);
		return c ? c : cmp_pid(a, b);
	}
	if (sort_col == TOP_PID)
		return cmp_pid(a, b);
	if (hx != hy)
		return hx ? -1 : 1;
	vx = col_value(x, sort_col);
	vy = col_value(y, sort_col);
	if (vx != vy)
		return vx > vy ? -1 : 1;
	return cmp_pid(a, b);
}

void top_table__idle_zero(struct top_table *t, bool has_sched)
{
	for (size_t i = 0; has_sched && i < t->n; i++) {
		struct top_row *r = &t->rows[i];

		if (!top_row__has(r, TOP_CPU) && top_row__has(r, TOP_TIME)) {
			r->cpu_pct = 0;
			r->known |= 1U << TOP_CPU;
		}
	}
}

void top_table__keep_task(struct top_table *t, uint32_t pid, const char *comm)
{
	size_t kept = 0;

	for (size_t i = 0; i < t->n; i++) {
		if (pid && t->rows[i].pid != pid)
			continue;
		if (comm && *comm && strncmp(t->rows[i].comm, comm, sizeof(t->rows[i].comm)))
			continue;
		t->rows[kept++] = t->rows[i];
	}
	t->n = kept;
}

void top_table__select(struct top_table *t, const char *filter, enum top_col col)
{
	size_t kept = 0;

	for (size_t i = 0; i < t->n; i++) {
		if (filter && *filter && !strstr(t->rows[i].comm, filter))
			continue;
		t->rows[kept++] = t->rows[i];
	}
	t->n = kept;
	if (t->n)
		qsort_r(t->rows, t->n, sizeof(*t->rows), cmp_rows, &col);
}
