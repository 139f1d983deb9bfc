/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * trace_cfg.h: what a user asked a tracer for, as plain data: filters that run in the
 * kernel, which record kinds to stream, which histograms to aggregate and how, and the ring
 * buffer's size. The CLI fills it; each subsystem turns it into its BPF object's rodata.
 */
#ifndef VIGIL_TRACE_CFG_H
#define VIGIL_TRACE_CFG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/ring_set.h"
#include "net/net_addrset.h"

#define TRACE_COMM_LEN		16
#define TRACE_TCP_MAX_PORTS	8 /* tcp.bpf.c TCP_MAX_PORTS */
#define TRACE_TCP_CONNS_DEFAULT 65536

enum hist_id {
	HIST_RUNQ,
	HIST_ONCPU,
	HIST_TCP_CONNECT,
	HIST_TCP_RTT,
	HIST_BLKIO,
	HIST_DNS,
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
	uint32_t rec_cgroup;   /* --with-cgroup: records carry their task's cgroup id */
	uint64_t stream_kinds; /* bit k: stream records of kind k */
	uint32_t hists;	       /* bit h: aggregate histogram h (enum hist_id) */
	uint32_t hist_per;     /* enum vg_hist_per */
	uint32_t hist_per_alt; /* the key of tracers whose histograms cannot take hist_per */
	uint32_t hist_unit_ns; /* 1000 (usecs) or 1000000 (msecs) */
	/* blkio */
	uint32_t blkio_dev;    /* --disk: the disk's dev_t (major << 20 | minor); 0: all */
	uint32_t blkio_queued; /* --queued: the histogram adds insert -> issue time */
	uint32_t blkio_top;    /* aggregate biotop's per-process table */
	/* transport */
	uint64_t ringbuf_bytes;
	/* sources: enum backend_mode, and how often fallback pollers read */
	uint32_t backend;
	uint64_t poll_interval_ns;
	/*
	 * A fallback that cannot apply the filters: 0 fails the start (the subsystem was named);
	 * 1 leaves that subsystem out with a warning (it was only implied, as "all").
	 */
	uint32_t skip_unfiltered;
	/* tcp: tuple filters (a port matches either end) and the connection table's size */
	uint16_t tcp_ports[TRACE_TCP_MAX_PORTS];
	uint32_t tcp_nports;
	struct addrset tcp_laddr; /* --laddr, --raddr: up to ADDRSET_MAX prefixes each */
	struct addrset tcp_raddr;
	uint32_t addr_loose;	/* --loose: prefixes with host bits set are accepted */
	uint32_t tcp_family;	/* 0: both, 4 or 6 */
	uint32_t tcp_max_conns; /* 0: TRACE_TCP_CONNS_DEFAULT */
	uint32_t tcp_io_bytes;	/* count send/recv bytes per process (tcptop's view) */
	/* dns: a query with no response this long is a timeout (0: 5 s, dns.c's default) */
	uint64_t dns_timeout_ns;
};

#define TRACE_RINGBUF_DEFAULT (8ULL << 20)

/* The ring buffer bytes cfg asks for over all CPUs (core/ring_set.h spreads them). */
static inline uint64_t trace_cfg__ring_total(const struct trace_cfg *cfg)
{
	return cfg->ringbuf_bytes ? cfg->ringbuf_bytes : TRACE_RINGBUF_DEFAULT;
}

/* Wake the consumer when a quarter of a CPU's ring waits. */
static inline uint64_t trace_cfg__wakeup_bytes(const struct trace_cfg *cfg)
{
	return ring_set__ring_bytes(trace_cfg__ring_total(cfg)) / 4;
}

/* The filters of a trace_cfg, as bits: which are set, and which a fallback poller applies. */
enum trace_filter {
	TF_PID = 1U << 0,
	TF_TID = 1U << 1,
	TF_COMM = 1U << 2,
	TF_CGROUP = 1U << 3,
	TF_MIN_LATENCY = 1U << 4,
	TF_TCP_TUPLE = 1U << 5, /* --port, --laddr, --raddr, --family */
	TF_DISK = 1U << 6,
};

/* The rodata every vigil BPF object shares (bpf/common.bpf.h), set from cfg. */
#define TRACE_CFG_SET_COMMON_RODATA(rodata, cfg)                                                   \
	do {                                                                                       \
		(rodata)->wakeup_bytes = trace_cfg__wakeup_bytes(cfg);                             \
		(rodata)->targ_tgid = (cfg)->tgid;                                                 \
		(rodata)->targ_tid = (cfg)->tid;                                                   \
		(rodata)->targ_cgroup_id = (cfg)->cgroup_id;                                       \
		(rodata)->targ_rec_cgroup = (cfg)->rec_cgroup;                                     \
		__builtin_memcpy((void *)(rodata)->targ_comm, (cfg)->comm,                         \
				 sizeof((rodata)->targ_comm));                                     \
	} while (0)

/* Whether cfg names the tasks to trace (--pid, --tid, --comm, --cgroup). */
static inline bool trace_cfg__has_task_filter(const struct trace_cfg *cfg)
{
	return cfg->tgid || cfg->tid || cfg->comm[0] || cfg->cgroup_id;
}

#endif /* VIGIL_TRACE_CFG_H */
