/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * session.h: a running trace: the subsystems loaded for it, the consumer draining their ring
 * buffers, and the drop accounting. session__run() polls until the duration ends or a stop
 * is requested, emits a `drops` record whenever a drop counter grows, and calls an optional
 * tick callback at a fixed cadence (histogram intervals, live views). Each subsystem gets
 * its source per cfg->backend (backend.h): a BPF tracer, or a fallback poller that the run
 * loop calls every cfg->poll_interval_ns, and once more at the end.
 */
#ifndef VIGIL_SESSION_H
#define VIGIL_SESSION_H

#include <stdint.h>

#include "core/backend.h"
#include "core/consumer.h"
#include "core/trace_cfg.h"
#include "core/tracer.h"
#include "cli/status.h"

#define SESSION_MAX_TRACERS 8
#define SESSION_POLL_MS	    100 /* the bound on delivery delay */

struct session {
	struct tracer *tracers[SESSION_MAX_TRACERS];
	uint64_t drops_seen[SESSION_MAX_TRACERS][TRACER_DROP_REASONS];
	/* end events without a start, not losses: counted, never emitted as drops */
	uint64_t unmatched_seen[SESSION_MAX_TRACERS][TRACER_UNMATCHED_REASONS];
	int ntracers;
	struct consumer consumer;
	int write_err; /* the sink failed: stop and report */
	/* fallback pollers, for subsystems BPF cannot serve */
	struct session_poller {
		const struct poller_ops *ops;
		void *state;
		struct probe_result why; /* why not BPF */
	} pollers[SESSION_MAX_TRACERS];
	int npollers;
	uint64_t poll_interval_ns;
	struct status_line *status; /* optional, set after session__start(): redrawn each second */
};

typedef int (*session_tick_fn)(void *ctx, uint64_t now_ns);

/* Records handed to the exporter so far, drops records aside (a status_count_fn). */
uint64_t session__records(void *session);

/* Load and attach each of ops[0..n) with cfg; the consumer exports to ex (may be NULL). */
int session__start(struct session *s, const struct tracer_ops *const *ops, int n,
		   const struct trace_cfg *cfg, struct exporter *ex, consumer_observe_fn observe,
		   void *observe_ctx);

/*
 * Run until duration_ns passes (0: until stop is requested), calling tick every tick_ns
 * (0: never). Returns 0 or the first error (a sink write error, a failing tick).
 */
int session__run(struct session *s, uint64_t duration_ns, uint64_t tick_ns, session_tick_fn tick,
		 void *ctx);

/*
 * Emit drops records for counters that grew since the last call; totals are kept, and the
 * unmatched counters are read along (kept, not emitted: they are not losses).
 */
void session__check_drops(struct session *s, struct exporter *ex);

/* The drops of one reason summed over all subsystems, since start. */
uint64_t session__drops_total(const struct session *s, int reason);

/* The unmatched end events of one reason summed over all subsystems, since start. */
uint64_t session__unmatched_total(const struct session *s, int reason);

/* The session's tracer for subsystem name, or NULL if it was not started. */
struct tracer *session__tracer(const struct session *s, const char *name);

void session__stop(struct session *s);

/* The record kinds a session of ops[0..n) under cfg will produce (the planned sources'). */
uint64_t session_plan_kinds(const struct tracer_ops *const *ops, int n,
			    const struct trace_cfg *cfg);

/* Call every poller now; their rows go through the consumer. */
void session__poll(struct session *s, uint64_t now_ns);

/* The source serving subsystem name in this session ("bpf", "procfs", ...), or NULL. */
const char *session__source(const struct session *s, const char *name);

#endif /* VIGIL_SESSION_H */
