/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * profile.h: `vigil profile` below the CLI. A profiler loads bpf/profile.bpf.c in one of
 * two modes (on-CPU sampling through a software CPU clock on every CPU, or off-CPU time from
 * sched_switch/sched_wakeup), reads the memory map of each process the moment its first
 * sample arrives, and at the end turns the in-kernel counts into symbolised stacks: a
 * prof_result that the folded, JSON and SVG writers print. The on-CPU attach is one
 * perf_event per CPU, which the generic tracer cannot do, so this file owns the skeleton.
 */
#ifndef VIGIL_PROFILE_H
#define VIGIL_PROFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

#include "events.h"
#include "export/sink.h"
#include "core/trace_cfg.h"
#include "profile/unwind_maps.h"

#define PROFILE_FREQ_DEFAULT	49
#define PROFILE_STORAGE_DEFAULT 16384
#define PROFILE_MAX_FRAMES	127

/* --state bits (profile.bpf.c's targ_state_mask). */
#define PROF_STATE_S 0x1U	/* TASK_INTERRUPTIBLE: sleeping */
#define PROF_STATE_D 0x2U	/* TASK_UNINTERRUPTIBLE: disk and lock waits */
#define PROF_STATE_R (1U << 31) /* preempted while runnable */

struct profile_cfg {
	struct trace_cfg trace; /* task filters and ring buffer size */
	bool off_cpu;
	uint32_t freq;		/* on-CPU samples per second per CPU */
	uint64_t min_block_ns;	/* off-CPU: ignore shorter blocks */
	uint64_t max_block_ns;	/* off-CPU: ignore longer blocks */
	uint32_t state_mask;	/* off-CPU: PROF_STATE_* */
	uint32_t stack_storage; /* entries of the stack map and of the counts map */
	bool include_idle;	/* on-CPU: sample the idle task too */
	bool kernel_stacks;
	bool user_stacks;
	bool no_demangle;	/* keep C++/Rust symbols as the linker sees them */
	const char *debug_dir;	/* separate debug files' root; NULL: /usr/lib/debug */
	uint64_t unwind_memory; /* bytes of unwind rows kept in the kernel */
	uint32_t max_frames;	/* user frames walked, 1 to PROFILE_MAX_FRAMES */
};

void profile_cfg__init(struct profile_cfg *cfg);

/* One symbolised stack: a counts-map key with its frames, root first. */
struct prof_stack {
	uint32_t pid, tid;
	uint64_t cgroup_id;
	char comm[VG_COMM_LEN + 1];
	uint64_t value;	      /* samples, or blocked ns */
	uint64_t count;	      /* samples, or blocks */
	char **frames;	      /* root first: user frames, then kernel frames ("name_[k]") */
	uint32_t *frame_maps; /* per frame: 1 + its index in prof_result.maps, 0 for none */
	int nframes;
	int nkframes; /* how many of them, at the end, are kernel frames */
};

/* An object frames were found in: one per path and build id (pprof's mappings). */
struct prof_map {
	char *path; /* "/usr/lib/x86_64-linux-gnu/libc.so.6", "[kernel.kallsyms]" */
	char build_id[129];
	uint64_t start, limit, offset; /* of the first process seen mapping it */
};

struct prof_result {
	bool off_cpu;
	uint32_t freq;
	uint64_t duration_ns;
	int ncpus;
	struct prof_stack *stacks; /* sorted by value, largest first */
	size_t n;
	uint64_t total_value, total_count;
	uint64_t stack_errs[VG_SERR_MAX];      /* bpf_get_stackid() failures, kernel then user */
	uint64_t missing_kernel, missing_user; /* samples (not keys) shown as missing stacks */
	uint64_t truncated_user;      /* samples whose user stack does not reach an entry point */
	uint64_t unknown_pids;	      /* processes gone before their maps could be read */
	uint64_t drops[4];	      /* VG_DROP_*: map full, ring buffer full */
	uint64_t open_blocks;	      /* off-CPU: blocks still open at the end, counted up to it */
	bool task_matched;	      /* a task passed the task filters during the profile */
	struct unw_maps_stats unwind; /* the unwind tables at the end */
	struct prof_map *maps;
	size_t nmaps;
	uint64_t start_realtime_ns; /* wall clock when the profile began */
	char filter[128];	    /* the task filters, as the user gave them ("" for none) */
};

struct profiler;
struct status_line;

/* Open, load and attach. 0 or -errno, after logging why. */
int profiler__new(const struct profile_cfg *cfg, struct profiler **out);

/* Run until duration_ns passes (0: until a stop is requested), caching new processes' maps. */
int profiler__run(struct profiler *p, uint64_t duration_ns);

/* Keep st (status.h) up to date while it runs: distinct stacks so far, and drops. */
void profiler__show_status(struct profiler *p, struct status_line *st);

/* Read and symbolise everything counted so far. 0 or -errno. */
int profiler__collect(struct profiler *p, struct prof_result *res);

void profiler__free(struct profiler *p);

void prof_result__fini(struct prof_result *r);

/*
 * Whether a user stack whose outermost frame is name, in the object at path module (NULL:
 * none), reached a process or thread entry point.
 */
bool prof_frame_is_entry(const char *name, const char *module);

/* Writers (profile_out.c). Folded: "comm;frame;...;frame value" per stack, merged. */
int prof_folded_line(char *buf, size_t len, const char *comm, char *const *frames, int n,
		     uint64_t value);
void prof_write_folded(struct sink *s, const struct prof_result *r);
void prof_write_json(struct sink *s, const struct prof_result *r);
/* One line on stderr: totals, missing and truncated stacks, drops. */
void prof_report(const struct prof_result *r);

#endif /* VIGIL_PROFILE_H */
