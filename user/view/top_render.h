/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * top_render.h: one frame of `vigil top` drawn for people (a header, the column titles, the
 * rows that fit, each cut to the terminal's width; or the help, or the sort chooser) or for
 * scripts (one JSON object per frame and line: raw units, null for unknown).
 */
#ifndef VIGIL_TOP_RENDER_H
#define VIGIL_TOP_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "core/wallclock.h"
#include "export/sink.h"
#include "view/top.h"
#include "view/top_keys.h"

/* Columns added after the others (--columns): read per shown row from /proc/PID/cgroup. */
enum {
	TOP_X_CGROUP = 1u << 0,
	TOP_X_CONTAINER = 1u << 1, /* runtime:shortid */
	TOP_X_UNIT = 1u << 2,	   /* the systemd unit */
};
/* "cgroup", "container", "unit", NULL: bit i of top_frame.extra */
extern const char *const top_extra_names[];

struct top_frame {
	const struct top_table *t; /* the rows kept, sorted */
	double interval_s;
	struct timespec when;	  /* wall clock */
	uint64_t ts_ns;		  /* CLOCK_MONOTONIC, the records' ts_ns */
	char time[WALLCLOCK_LEN]; /* ts_ns in UTC, as the records' time */
	const char *sched;	  /* the scheduler's source ("bpf", "procfs"), NULL: none */
	const char *procs;	  /* the process listing's source ("bpf_iter", "procfs") */
	bool bpf_disk;		  /* disk latency from BPF too */
	bool bpf_tcp;		  /* TCP tables, RTTs and owners from the BPF socket walks */
	size_t max_rows;	  /* at most this many rows; 0: as many as fit */
	/* --resolve: the PEER of pid, else NULL */
	const char *(*peer)(void *ctx, uint32_t pid, char *buf, size_t len);
	void *peer_ctx;
	uint32_t extra; /* TOP_X_* */
};

/*
 * Draw f for a terminal of cols x rows (cols 0: no cut) with the view v's selection, prompt
 * and mode; live: clear the screen first and mark the selected row. Sets v's page and clamps
 * its selection.
 */
void top_render__screen(FILE *out, struct top_view *v, const struct top_frame *f, int cols,
			int rows, bool live);

/* One JSON object (and a newline) for the frame. */
void top_render__json(struct sink *s, const struct top_view *v, const struct top_frame *f);

#endif /* VIGIL_TOP_RENDER_H */
