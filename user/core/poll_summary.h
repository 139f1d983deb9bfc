/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * poll_summary.h: the main job's summary of what the fallback pollers saw, for subsystems
 * BPF could not serve: the processes that waited longest for a CPU by schedstat, and each
 * disk's I/O by diskstats. It folds `sample` rows as they come (the consumer's observer).
 */
#ifndef VIGIL_RUN_FALLBACK_H
#define VIGIL_RUN_FALLBACK_H

#include "export/json.h"
#include "core/record.h"
#include "core/session.h"
#include "export/sink.h"
#include "view/top.h"

#define RUN_FB_MAX_DISKS 64

struct run_fallback {
	struct top_table procs;
	struct run_fb_disk {
		char name[32];
		uint64_t reads, writes, read_bytes, write_bytes;
	} disks[RUN_FB_MAX_DISKS];
	int ndisks;
};

/* The consumer's observer: ctx is a struct run_fallback. */
void run_fallback__observe(void *ctx, const struct vrow *row);

/* The lines for the pollers of s (nothing when s has none). */
void run_fallback__print_table(const struct run_fallback *f, struct sink *out,
			       const struct session *s, int top);

/* "fallback": {...} in the summary object. */
void run_fallback__print_json(const struct run_fallback *f, struct jw *w, const struct session *s,
			      int top);

/* Order the processes by run-queue wait, longest first (once, before printing). */
void run_fallback__sort(struct run_fallback *f);

void run_fallback__fini(struct run_fallback *f);

#endif /* VIGIL_RUN_FALLBACK_H */
