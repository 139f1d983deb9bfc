/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tracer.h: one BPF subsystem (sched, tcp, blkio) loaded into the kernel. The generic part
 * (this file) sizes the ring buffer, loads the object, attaches every program, and reads
 * the per-CPU drop counters (events lost), the unmatched counters (end events whose start
 * came before the trace or was never shown: not losses) and the histogram maps; each
 * subsystem supplies a small ops table that opens its skeleton and sets its rodata. The
 * registry lists the subsystems in the order commands show them.
 */
#ifndef VIGIL_TRACER_H
#define VIGIL_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ring_set.h"
#include "core/trace_cfg.h"

struct bpf_object;
struct bpf_link;
struct bpf_map;
struct probe_result;
struct vrow;

#define TRACER_MAX_LINKS	 32
#define TRACER_DROP_REASONS	 3 /* VG_DROP_MAX */
#define TRACER_UNMATCHED_REASONS 2 /* VG_UNMATCHED_MAX */

struct tracer;

/*
 * One attach point of a subsystem: the BPF program behind it and what cannot be made
 * without it. `vigil doctor` checks each one (tracepoint in BTF, verifier, attach) and
 * reports by record kind. An optional hook that fails to attach costs its kinds only.
 */
struct tracer_hook {
	const char *prog;	/* program name in the BPF object; NULL ends a table */
	const char *tracepoint; /* "sock:inet_sock_set_state": must be in kernel BTF; NULL: a
				 * cgroup program, attached to the root of the cgroup v2 tree */
	uint64_t kinds;		/* record kinds (bit VG_KIND_*) that need it */
	uint32_t hists;		/* histograms (bit HIST_*) that need it */
	bool optional;		/* the subsystem runs without it, minus its kinds */
};

#define TRACER_MAX_HOOKS 16

/* One hook's verdict. */
struct tracer_hook_check {
	bool ok;
	char attach[64];  /* "tp_btf/sys_exit": the program's section */
	char detail[160]; /* why not, or what was checked */
};

struct tracer_ops {
	const char *name;		 /* "sched" */
	const char *const *tracepoints;	 /* "sched:sched_switch", ...; NULL-terminated */
	const char *fallback;		 /* the source used when BPF cannot be */
	uint64_t kinds;			 /* record kinds it can stream */
	uint32_t hists;			 /* histograms it can aggregate */
	const struct tracer_hook *hooks; /* every attach point, ended by a NULL prog */
	/* Open the skeleton and set its rodata from cfg; return it and its bpf_object. */
	void *(*open)(const struct trace_cfg *cfg, struct bpf_object **obj);
	void (*destroy)(void *skel);
	/* Optional: after load, before attach (fill filter maps); 0 or a negative errno. */
	int (*loaded)(void *skel, const struct trace_cfg *cfg);
	/* Optional: what BPF needs beyond tracepoints (a cgroup v2 root, a capability). */
	bool (*probe)(struct probe_result *r);
	/*
	 * Optional: called every SESSION_POLL_MS while the session runs, and once at its end:
	 * rows made in userspace (timeouts) go out through emit(ctx, row).
	 */
	void (*tick)(void *skel, uint64_t now_ns, void (*emit)(void *ctx, const struct vrow *row),
		     void *ctx);
	/* Optional: a phrase for the end-of-trace account ("dns: 3 malformed, 1 timeout"). */
	void (*report)(void *skel, char *buf, size_t len);
	/* Loaded only when named (trace dns, hist dns) or by serve and top, not by the main job. */
	bool on_request;
};

struct tracer {
	const struct tracer_ops *ops;
	void *skel;
	struct bpf_object *obj;
	struct bpf_link *links[TRACER_MAX_LINKS];
	int nlinks;
	struct ring_set rings; /* the per-CPU ring buffers its records come through */
	int drops_fd;
	int unmatched_fd;
	uint32_t hist_per; /* the key its histograms were given (enum vg_hist_per) */
};

/* NULL-terminated registry, in display order. */
extern const struct tracer_ops *const tracer_registry[];

const struct tracer_ops *tracer_ops__by_name(const char *name);

/* "sched, tcp, blkio": the registry's names, for messages. */
const char *tracer_names(void);

/* Open, load and attach; on failure returns a negative errno and logs why. */
int tracer__new(const struct tracer_ops *ops, const struct trace_cfg *cfg, struct tracer **out);

/* Open and load without attaching: the doctor's proof that this kernel accepts the object. */
int tracer__try_load(const struct tracer_ops *ops);

/*
 * Check every hook of ops: its tracepoint is in kernel BTF, its program verifies (alone, if
 * the whole object does not), and it attaches (then detaches at once). out[i] is the verdict
 * on ops->hooks[i]. Returns the number of hooks.
 */
int tracer__check_hooks(const struct tracer_ops *ops, struct tracer_hook_check *out);

/* The hook of ops whose program is named prog, or NULL. */
const struct tracer_hook *tracer_ops__hook(const struct tracer_ops *ops, const char *prog);

/* Sum the per-CPU drop counters into out[reason]. */
int tracer__read_drops(const struct tracer *t, uint64_t out[TRACER_DROP_REASONS]);

/* Sum the per-CPU counters of end events without a start (not losses) into out[reason]. */
int tracer__read_unmatched(const struct tracer *t, uint64_t out[TRACER_UNMATCHED_REASONS]);

/*
 * Before load: a map this run never touches gets one entry. Keyed histograms and per-process
 * tables are preallocated hashes of thousands of entries, each threaded onto per-CPU free
 * lists at map creation: a tenth of a probe command's start for ones it never uses.
 */
int map__shrink_unused(struct bpf_map *map, bool used);

/* The fd of the map named name, or a negative errno. */
int tracer__map_fd(const struct tracer *t, const char *name);

void tracer__free(struct tracer *t);

extern const char *const drop_reason_names[TRACER_DROP_REASONS];
extern const char *const unmatched_reason_names[TRACER_UNMATCHED_REASONS];

#endif /* VIGIL_TRACER_H */
