/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * backend.h: where each subsystem's data comes from, chosen per subsystem at start-up. The
 * first kind of source is a BPF tracer (tracer.h); the second is a poller: a small ops table
 * that reads what the kernel already counts (procfs, /proc/diskstats, sock_diag) every
 * interval and emits rows of the same schema, each labelled with its source. --backend auto
 * takes BPF where the probes say it works and the poller elsewhere; bpf and fallback force
 * one kind (and fail, saying why, when it cannot be had).
 */
#ifndef VIGIL_BACKEND_H
#define VIGIL_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "core/probe.h"
#include "core/record.h"
#include "core/trace_cfg.h"
#include "core/tracer.h"

enum backend_mode {
	BACKEND_AUTO,
	BACKEND_BPF,
	BACKEND_FALLBACK,
};

extern const char *const backend_names[]; /* "auto", "bpf", "fallback", NULL */

#define POLL_INTERVAL_DEFAULT_NS 1000000000ULL

/* Where a poller hands its rows: the consumer's emit path. */
typedef void (*poller_emit_fn)(void *ctx, const struct vrow *row);

struct poller_ops {
	const char *subsystem; /* "sched": the tracer it stands in for */
	const char *source;    /* "procfs": the `source` column of its rows */
	uint64_t kinds;	       /* record kinds it emits */
	uint32_t filters;      /* enum trace_filter: the filters it applies; others are refused */
	/* Take the first reading (the baseline); state is the poller's own. 0 or -errno. */
	int (*open)(const struct trace_cfg *cfg, void **state);
	/* Read again and emit a row per thing that changed since the last poll. */
	int (*poll)(void *state, uint64_t now_ns, poller_emit_fn emit, void *ctx);
	void (*close)(void *state);
	/* Optional: whether this source can be had here (a capability); r says why not. */
	bool (*probe)(struct probe_result *r);
};

/* NULL-terminated: the pollers this build has. */
extern const struct poller_ops *const poller_registry[];

/* The poller standing in for subsystem name, or NULL. */
const struct poller_ops *poller_ops__by_subsystem(const char *name);

/* One subsystem's choice. */
struct backend_choice {
	const struct tracer_ops *ops;
	const struct poller_ops *poller; /* set when the fallback is used */
	bool bpf;			 /* use the BPF tracer */
	struct probe_result why;	 /* why BPF is or is not usable */
};

/*
 * Whether BPF can serve ops: the machine checks, its tracepoints, then (try_load) a trial
 * load of its object. r says why not, or what was checked.
 */
bool backend_probe(const struct tracer_ops *ops, bool try_load, struct probe_result *r);

/*
 * Choose for ops under mode. Returns 0 with c filled, or -ENOTSUP when mode cannot be
 * honoured (bpf asked but unusable; fallback asked but this subsystem has none; auto and
 * neither works), with c->why saying why.
 */
int backend_choose(const struct tracer_ops *ops, enum backend_mode mode, bool try_load,
		   struct backend_choice *c);

/* The `source` a choice produces: "bpf", the poller's source, or "none". */
const char *backend_choice__source(const struct backend_choice *c);

#endif /* VIGIL_BACKEND_H */
