/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * trace_cfg.h: what a user asked a tracer for, as plain data: filters that run in the
 * kernel, which record kinds to stream, which histograms to aggregate and how, and the ring
 * buffer's size. The CLI fills it; each subsystem turns it into its BPF object's rodata.
 */
#ifndef VIGIL_TRACE_CFG_H
#define VIGIL_TRACE_CFG_H

#include <stdint.h>

#define TRACE_COMM_LEN 16

enum hist_id {
	HIST_RUNQ,
	HIST_ONCPU,
	HIST_BLKIO,
	HIST__COUNT,
};

struct trace_cfg {
	/* task filters */
	uint32_t tgid;
	uint32_t tid;
	char comm[TRACE_COMM_LEN];
	uint64_t cgroup_id;
	uint64_t min_latency_ns;
	/* what to produce */
	uint64_t stream_kinds; /* bit k: stream records of kind k */
	uint32_t hists;	       /* bit h: aggregate histogram h (enum hist_id) */
	uint32_t hist_per;     /* enum vg_hist_per */
	uint32_t hist_unit_ns; /* 1000 (usecs) or 1000000 (msecs) */
	/* blkio */
	uint32_t blkio_dev;    /* --disk: the disk's dev_t (major << 20 | minor); 0: all */
	uint32_t blkio_queued; /* --queued: the histogram adds insert -> issue time */
	uint32_t blkio_top;    /* aggregate biotop's per-process table */
	/* transport */
	uint64_t ringbuf_bytes;
};

#define TRACE_RINGBUF_DEFAULT (8ULL << 20)

/* The rodata every vigil BPF object shares (bpf/common.bpf.h), set from cfg. */
#define TRACE_CFG_SET_COMMON_RODATA(rodata, cfg)                                   \
	do {                                                                       \
		(rodata)->wakeup_bytes = (cfg)->ringbuf_bytes / 4;                 \
		(rodata)->targ_tgid = (cfg)->tgid;                                 \
		(rodata)->targ_tid = (cfg)->tid;                                   \
		(rodata)->targ_cgroup_id = (cfg)->cgroup_id;                       \
		__builtin_memcpy((void *)(rodata)->targ_comm, (cfg)->comm,         \
				 sizeof((rodata)->targ_comm));                     \
	} while (0)

#endif /* VIGIL_TRACE_CFG_H */
