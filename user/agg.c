// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * agg.c: the per-process table behind agg.h: open addressing on the pid with linear probing,
 * filled to at most three quarters so probes stay short.
 */
#include "agg.h"

#include <stdlib.h>
#include <string.h>

#include "bits.h"

struct agg {
	uint32_t mask;
	uint32_t used;
	uint32_t limit; /* 3/4 of the slots */
	uint64_t overflow;
	uint64_t records;
	struct agg_proc *slots;
};

struct agg *agg__new(uint32_t capacity)
{
	struct agg *a = calloc(1, sizeof(*a));
	uint32_t n = 16;

	if (!a)
		return NULL;
	while (n < capacity + capacity / 3 && n < (1U << 30))
		n <<= 1;
	a->slots = calloc(n, sizeof(*a->slots));
	if (!a->slots) {
		free(a);
		return NULL;
	}
	a->mask = n - 1;
	a->limit = n / 4 * 3;
	return a;
}

static uint32_t pid_hash(uint32_t pid)
{
	return pid * 2654435761U; /* Knuth's multiplicative hash */
}

static struct agg_proc *agg__slot(struct agg *a, uint32_t pid, bool create)
{
	for (uint32_t i = pid_hash(pid) & a->mask;; i = (i + 1) & a->mask) {
		struct agg_proc *p = &a->slots[i];

		if (p->pid == pid)
			return p;
		if (p->pid)
			continue;
		if (!create || a->used == a->limit)
			return NULL;
		a->used++;
		p->pid = pid;
		return p;
	}
}

static void hist_add(struct vg_hist *h, uint64_t ns)
{
	uint64_t us = ns / 1000;

	h->slots[vg_hist_slot(us, VG_HIST_SLOTS)]++;
	h->sum += us;
}

void agg__ingest(struct agg *a, const struct vrow *row)
{
	struct agg_proc *p;
	uint32_t pid;

	a->records++;
	if (row->kind == VK_DROPS)
		return;
	pid = (uint32_t)row->v[VF_PID].u;
	if (!pid || vrow__is_null(row, VF_PID))
		return;
	p = agg__slot(a, pid, true);
	if (!p) {
		a->overflow++;
		return;
	}
	p->records[row->kind]++;
	if (row->kind == VG_KIND_RUNQ)
		hist_add(&p->runq, row->v[VF_LATENCY_NS].u);
	else if (row->kind == VG_KIND_ONCPU)
		hist_add(&p->oncpu, row->v[VF_DURATION_NS].u);
	/* a thread's record carries its own comm: it never renames the process */
	if (row->v[VF_COMM].str && !p->comm_is_leader) {
		bool leader = !vrow__is_null(row, VF_TID) && row->v[VF_TID].u == pid;

		if (leader || !p->comm[0]) {
			memset(p->comm, 0, sizeof(p->comm));
			strncpy(p->comm, row->v[VF_COMM].str, VG_COMM_LEN - 1);
			p->comm_is_leader = leader;
		}
	}
}

void agg__observe(void *ctx, const struct vrow *row)
{
	agg__ingest(ctx, row);
}

const struct agg_proc *agg__find(const struct agg *a, uint32_t pid)
{
	return pid ? agg__slot((struct agg *)a, pid, false) : NULL;
}

uint64_t agg__overflow(const struct agg *a)
{
	return a->overflow;
}

uint64_t agg__records(const struct agg *a)
{
	return a->records;
}

void agg__free(struct agg *a)
{
	if (!a)
		return;
	free(a->slots);
	free(a);
}
