/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * blkio_summary.h: the block I/O section of the main job's summary: how many I/Os and bytes,
 * their latency histogram (issue to completion), and the processes that moved the most
 * bytes, read from the blkio tracer's maps once the trace ends.
 */
#ifndef VIGIL_RUN_BLKIO_H
#define VIGIL_RUN_BLKIO_H

#include <stdbool.h>

#include "core/hist.h"
#include "blkio/blkio_iotop.h"
#include "export/json.h"
#include "core/session.h"
#include "export/sink.h"

#define RUN_BLKIO_TOP 10

struct run_blkio {
	bool present; /* the blkio tracer ran */
	struct vg_hist lat;
	uint64_t ios, bytes;
	struct io_top_row top[RUN_BLKIO_TOP];
	int ntop;
};

/* Ask the tracer for what the summary needs: the latency histogram and the top table. */
void run_blkio__configure(struct trace_cfg *cfg);

/* Read (and empty) the blkio maps of session s; 0 (also when blkio did not run) or -errno. */
int run_blkio__collect(struct run_blkio *b, const struct session *s);

void run_blkio__print_table(struct sink *out, const struct run_blkio *b);
void run_blkio__print_json(struct jw *w, const struct run_blkio *b);

#endif /* VIGIL_RUN_BLKIO_H */
