/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * top.h: the model behind `vigil top`: one row per process per frame, merged from whatever
 * sources this run has. Scheduler figures come from the in-kernel per-pid histograms when
 * BPF serves sched (CPU from time-slice sums, run-queue p50/p99 from the runq histogram) or
 * from the schedstat poller's samples otherwise (CPU from on-CPU time, the mean run-queue
 * wait per time slice: no percentiles without events). Disk bytes per process come from
 * /proc/<pid>/io, TCP connection counts and their mean smoothed RTT from sock_diag. A value a
 * source cannot give is marked unknown and shown as "-", never as 0. MEM%, RES and TIME+
 * come from the fallback library's memory_info and cpu_times, as ps and psutil give them.
 * Rows sort by any column and filter by name.
 */
#ifndef VIGIL_TOP_H
#define VIGIL_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "events.h"
#include "core/record.h"

enum top_col {
	TOP_PID,
	TOP_CPU,
	TOP_RUNQ_P50,
	TOP_RUNQ_P99,
	TOP_RUNQ_AVG,
	TOP_DISK_READ,
	TOP_DISK_WRITE,
	TOP_DISK_P99,
	TOP_TCP_CONNS,
	TOP_TCP_RTT,
	TOP_COMM,
	TOP_DNS_QPS, /* DNS queries answered per second (BPF only) */
	TOP_DNS_P99, /* their latency's p99, usecs */
	TOP_MEM,     /* MEM%: resident memory over physical memory, as ps and psutil */
	TOP_RES,     /* resident bytes (memory_info().rss) */
	TOP_TIME,    /* TIME+: user + system CPU seconds since the process started */
	TOP__COUNT,
};

extern const char *const top_sort_names[]; /* "pid", "cpu", "runq", ..., NULL */
/* The columns as shown, left to right: the order of the `<` and `>` keys and the chooser. */
extern const enum top_col top_col_order[TOP__COUNT];
extern const char *const top_col_titles[TOP__COUNT]; /* "PID", "CPU%", ... by column */

struct top_row {
	uint32_t pid;
	char comm[VG_COMM_LEN];
	bool comm_is_leader; /* comm is the thread-group leader's, not one thread's */
	uint32_t known;	     /* bit c: column c has a value */
	double cpu_pct;
	uint64_t runq_p50_us, runq_p99_us, runq_avg_us;
	uint64_t disk_read_bps, disk_write_bps;
	uint64_t disk_p99_us; /* block I/O latency of the I/Os it issued (BPF only) */
	uint64_t tcp_conns;
	uint64_t tcp_rtt_us;		    /* mean smoothed RTT of its established connections */
	uint64_t tcp_rtt_sum_us, tcp_rtt_n; /* accumulators */
	double dns_qps;
	uint64_t dns_p99_us;
	double mem_pct;
	uint64_t res_bytes;
	double cpu_time_s;
	/* accumulators of one frame (schedstat samples) */
	uint64_t oncpu_ns, run_delay_ns, slices;
};

struct top_table {
	struct top_row *rows;
	size_t n, cap;
};

/* The row for pid (created empty if new); NULL when out of memory. */
struct top_row *top_table__row(struct top_table *t, uint32_t pid);
void top_table__reset(struct top_table *t);
/* Make dst a copy of src's rows; 0 or -ENOMEM (dst unchanged). */
int top_table__copy(struct top_table *dst, const struct top_table *src);
void top_table__free(struct top_table *t);

/* Fold one fallback `sample` row (sched) into the table. */
void top_table__add_sample(struct top_table *t, const struct vrow *row);

/* Turn the frame's sample accumulators into CPU and mean wait over interval_ns. */
void top_table__finish_samples(struct top_table *t, uint64_t interval_ns);

/* Fold a per-pid runq or oncpu histogram (usecs) into the row of pid. */
void top_table__add_runq(struct top_table *t, uint32_t pid, const struct vg_hist *h);
void top_table__add_oncpu(struct top_table *t, uint32_t pid, const struct vg_hist *h,
			  uint64_t interval_ns);

/* Fold a per-pid block I/O latency histogram (usecs) into the row of pid. */
void top_table__add_disk(struct top_table *t, uint32_t pid, const struct vg_hist *h);

/* Fold a per-pid DNS latency histogram (usecs) over interval_ns into the row of pid. */
void top_table__add_dns(struct top_table *t, uint32_t pid, const struct vg_hist *h,
			uint64_t interval_ns);

/*
 * A process row shows its leader's name: a record from another thread (its own comm, as a
 * tokio worker's) only fills an empty name.  This asks @name (0 or -errno) for the leader's
 * comm of every row that has none yet; a row keeps the thread's name if it fails.
 */
void top_table__leader_names(struct top_table *t, int (*name)(uint32_t pid, char *buf, size_t len));
/* Give row r its leader's name, comm (from a process listing). */
void top_row__set_leader_name(struct top_row *r, const char *comm);

/*
 * Keep only the rows of process pid (0: any) named exactly comm (NULL/"": any): --pid and
 * --comm, which BPF applies in the kernel and the fallback sources (every process) need here.
 */
void top_table__keep_task(struct top_table *t, uint32_t pid, const char *comm);

/*
 * A process the fallback library read this frame (TOP_TIME known) but that no scheduler
 * source saw run did not run: its CPU% is a real 0.0, not unknown. Only when a scheduler
 * source runs (has_sched), since then an absent sample means an idle process.
 */
void top_table__idle_zero(struct top_table *t, bool has_sched);

/* Keep the rows whose comm contains filter (NULL/"" keeps all), sorted by col (desc). */
void top_table__select(struct top_table *t, const char *filter, enum top_col col);

static inline bool top_row__has(const struct top_row *r, enum top_col c)
{
	return r->known & (1U << c);
}

#endif /* VIGIL_TOP_H */
