/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * profile_impl.h: the profiler's state, shared by profile.c (lifecycle) and
 * profile_stacks.c (reading and symbolising the counts). Not for other modules.
 */
#ifndef VIGIL_PROFILE_IMPL_H
#define VIGIL_PROFILE_IMPL_H

#include "profile/profile.h"

#define PROF_MAX_LINKS	 1024
#define PROF_PENDING_MAX 4096

struct profile_bpf;
struct ring_buffer;
struct bpf_link;
struct usyms;
struct unw_maps;

struct profiler {
	struct profile_cfg cfg;
	struct profile_bpf *skel;
	struct ring_buffer *rb;
	struct ring_set rings; /* per-CPU rings feeding rb */
	struct bpf_link *links[PROF_MAX_LINKS];
	int nlinks;
	int ncpus;
	uint32_t pending[PROF_PENDING_MAX]; /* pids announced, maps not yet read */
	int npending;
	uint64_t pending_lost;
	struct usyms *usyms;
	struct unw_maps *unw; /* the unwinder's tables and mapping lists */
	uint64_t start_ns, end_ns;
	uint64_t open_blocks;	    /* off-CPU blocks still open at the end, counted up to it */
	struct status_line *status; /* optional */
};

/* Off-CPU: add the blocks still open at end (CLOCK_MONOTONIC ns) to the counts map. */
void profiler__close_open_blocks(struct profiler *p, uint64_t end);

#endif /* VIGIL_PROFILE_IMPL_H */
