/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hist.h: the in-kernel log2 histograms, seen from userspace. A histogram map is drained
 * with batched lookup-and-delete, so increments that land while userspace reads are kept
 * for the next interval instead of being lost between a read and a delete. Printing is in
 * export/hist_print.h.
 */
#ifndef VIGIL_HIST_H
#define VIGIL_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "events.h"
#include "core/trace_cfg.h"

struct hist_desc {
	const char *name;      /* "runq": the `vigil hist` argument */
	const char *subsystem; /* "sched" */
	const char *map;       /* BPF hash map, keyed by pid, tid, cgroup, ... */
	const char *total_map; /* BPF one-slot array for the global histogram */
	const char *what;      /* a phrase for headers */
	const char *metric;    /* serve's histogram: "vigil_runq_latency_seconds" */
	uint32_t pers;	       /* bit p: --per p is allowed (enum vg_hist_per); 0: the task keys */
};

/* Whether hist id may be keyed by per (enum vg_hist_per). */
bool hist_per_is_allowed(int id, uint32_t per);

/* "pid, tid or cgroup": the --per keys hist id allows, for messages. */
const char *hist_per_accepts(int id, char *buf, size_t len);

extern const struct hist_desc hist_descs[HIST__COUNT];
/* "global", "pid", "tid", "cgroup", "raddr", "rport", "disk", "op", NULL: by enum vg_hist_per */
extern const char *const hist_per_names[];

int hist_by_name(const char *name);

struct hist_entry {
	uint64_t key;
	struct vg_hist h;
};

/*
 * A reusable reader for one histogram map. A hash map is drained (read and emptied); a
 * one-slot array map is never reset by anyone, and reads as the delta since the last read.
 */
struct hist_reader {
	int fd;
	bool cumulative; /* array map: report deltas */
	int ncpus;	 /* per-CPU array: sum this many copies; 0 otherwise */
	struct vg_hist *percpu;
	uint32_t max_entries;
	uint64_t *keys;
	struct vg_hist *values;
	struct vg_hist last; /* cumulative: the previous read */
};

int hist_reader__init(struct hist_reader *r, int map_fd);
void hist_reader__fini(struct hist_reader *r);

/*
 * Move every entry of the map into out (sorted by key), leaving the map empty, or for a
 * cumulative map the one entry's growth since the last call. out has room for
 * r->max_entries entries. Returns the number of entries or a negative errno.
 */
int hist_reader__drain(struct hist_reader *r, struct hist_entry *out);

/* Drain the histogram map named map of tracer t and merge every key into total. */
struct tracer;
int hist_map__sum(const struct tracer *t, const char *map, struct vg_hist *total);

/* Merge src's counts into dst (for totals across keys). */
void vg_hist__merge(struct vg_hist *dst, const struct vg_hist *src);
uint64_t vg_hist__total(const struct vg_hist *h);

/* The bounds of slot i, as runqlat prints them: [0,1], [2,3], [4,7], ... */
void hist_slot_bounds(int slot, uint64_t *lo, uint64_t *hi);

/* Value at quantile q (0..1) as the upper bound of the slot that holds it; 0 if empty. */
uint64_t vg_hist__quantile(const struct vg_hist *h, double q);

#endif /* VIGIL_HIST_H */
