/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tcp_summary.h: the TCP section of the main job's summary: record counts, the connect latency
 * and RTT histograms drained from the kernel, and the processes that moved the most bytes
 * over connections that closed during the trace. It observes decoded rows (no allocation
 * per record) and prints as table or JSON.
 */
#ifndef VIGIL_RUN_TCP_H
#define VIGIL_RUN_TCP_H

#include <stdint.h>
#include <linux/types.h>

#include "events.h"
#include "export/json.h"
#include "core/record.h"
#include "export/sink.h"
#include "core/trace_cfg.h"

#define RUN_TCP_PROCS 256

struct session;

struct run_tcp_proc {
	uint64_t pid; /* UINT64_MAX: owner unknown */
	char comm[VG_COMM_LEN];
	uint64_t conns;	      /* connections closed */
	uint64_t retransmits; /* over those */
	uint64_t bytes_sent;  /* during the trace, all its TCP sockets */
	uint64_t bytes_received;
};

struct run_tcp {
	bool active; /* the tcp tracer runs */
	uint64_t closes, partial, retransmits, resets;
	struct vg_hist connect; /* usecs */
	struct vg_hist rtt;	/* usecs */
	struct run_tcp_proc procs[RUN_TCP_PROCS];
	int nprocs;
	uint64_t untracked; /* processes that did not fit in procs */
};

/* Ask cfg for what the summary needs: the records it observes and both histograms. */
void run_tcp__configure(struct trace_cfg *cfg);

void run_tcp__observe(struct run_tcp *t, const struct vrow *row);

/* Drain the histograms of the session's tcp tracer, if it has one; sort the processes. */
int run_tcp__finish(struct run_tcp *t, struct session *s);

void run_tcp__print_table(const struct run_tcp *t, struct sink *out, int top);
void run_tcp__print_json(const struct run_tcp *t, struct jw *w, int top);

#endif /* VIGIL_RUN_TCP_H */
