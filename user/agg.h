/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * agg.h: the userspace aggregator. It folds decoded records into a per-process table (counts
 * per kind, log2 histograms of run-queue waits and time slices) sized once at creation:
 * ingesting never allocates, and a process that finds the table full is counted, not lost
 * silently. Views such as the summary and live top read it.
 */
#ifndef VIGIL_AGG_H
#define VIGIL_AGG_H

#include <stdint.h>
#include <linux/types.h>

#include "events.h"
#include "record.h"

struct agg_proc {
	uint32_t pid; /* 0: free slot */
	char comm[VG_COMM_LEN]; /* the leader's once one of its records came; else a thread's */
	bool comm_is_leader;
	uint64_t records[VK_MAX];
	struct vg_hist runq;  /* usecs */
	struct vg_hist oncpu; /* usecs */
};

struct agg;

/* A table for up to capacity processes (rounded up to a power of two). */
struct agg *agg__new(uint32_t capacity);
void agg__ingest(struct agg *a, const struct vrow *row);

/* The consumer's observe hook: ctx is the agg. */
void agg__observe(void *ctx, const struct vrow *row);

const struct agg_proc *agg__find(const struct agg *a, uint32_t pid);
uint64_t agg__overflow(const struct agg *a); /* records of processes that found it full */
uint64_t agg__records(const struct agg *a);
void agg__free(struct agg *a);

#endif /* VIGIL_AGG_H */
