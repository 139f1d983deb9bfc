// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * blkio.bpf.c: the block I/O tracer, on tracepoints only. A request's state lives in a hash
 * keyed by the request pointer: block_io_start (in the submitter's context) records who
 * submitted it, block_rq_insert when it was queued, block_rq_issue when the driver got it,
 * and block_rq_complete turns that into a latency for the histogram, the per-process
 * aggregate (biotop) and the `bio` record, then marks the entry dead. block_rq_merge marks
 * dead the entry of a request merged into another (it never completes), block_rq_requeue
 * clears the timestamps of a request that will be issued again. A completion with no live
 * entry is counted as unmatched, not as a drop. Requests come from the block layer's
 * preallocated pools, so their pointers are a bounded set: entries are never deleted, the
 * next use of a pointer rewrites its entry in place (a lookup, not an insert and a delete),
 * and the map is an LRU for machines with more requests than entries. Programs a mode does
 * not need (io_start without owners, insert without queue time) are not loaded.
 * block_rq_error is not attached: it fires right after block_rq_complete, for the same
 * completion and with the same status, which the complete handler already records.
 */
#include "common.bpf.h"

#define REQ_OP_MASK 0xff
#define MAX_REQS    16384

struct rq_state {
	__u64 insert_ns; /* 0: not queued (yet) */
	__u64 issue_ns;	 /* 0: not issued (yet) */
	__u64 cgroup_id; /* the submitter's, with targ_rec_cgroup */
	__u32 pid;	 /* 0: submitter unknown */
	__u32 live;	 /* 0: the request ended; the entry waits for the pointer's next use */
	char comm[VG_COMM_LEN];
};

/*
 * An entry is not deleted when its request ends, only marked dead: the block layer reuses
 * its preallocated requests, so the next I/O on that pointer finds the entry and rewrites it
 * in place. A hash insert (element allocation, bucket lock) costs several times a lookup,
 * and a delete as much again: per I/O that is the largest cost after the clock. The set of
 * pointers is bounded by the devices' tag sets; the LRU evicts the stalest entries when a
 * machine has more requests than entries (a live one evicted shows as unmatched).
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_REQS);
	__type(key, __u64);
	__type(value, struct rq_state);
} reqs SEC(".maps");

/* Keyed by targ_hist_per: tgid, dev_t or op | flags << 8. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct vg_hist);
} blkio_hist SEC(".maps");

/*
 * Who last asked each queue for a cache flush. An fsync's flush is issued by the block
 * layer as a request of its own that block_io_start never announces; it is attributed to
 * the process whose preflush request is pending. One entry per queue, overwritten.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct rq_state);
} flush_owner SEC(".maps");

/*
 * The global histogram: a one-slot per-CPU array (inlined lookup, no atomics, no cache line
 * shared between CPUs), never reset; userspace sums the CPUs' copies and reads deltas.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_hist);
} blkio_hist_total SEC(".maps");

/* biotop: keyed by VG_IO_TOP_KEY(write, tgid, dev). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct vg_io_top);
} io_top SEC(".maps");

/* What to produce; set by userspace before load. */
const volatile __u32 targ_stream = 0;
const volatile __u32 targ_hist = 0;
const volatile __u32 targ_top = 0;
const volatile __u32 targ_hist_per = VG_PER_GLOBAL;
const volatile __u32 targ_hist_unit_ns = 1000;
const volatile __u32 targ_queued = 0; /* the histogram adds insert -> issue */
const volatile __u32 targ_dev = 0;    /* only this disk (dev_t); 0: all */
const volatile __u64 targ_min_ns = 0;
/* Which of the optional programs userspace loads: block_io_start, block_rq_insert. */
const volatile __u32 targ_owner = 0;
const volatile __u32 targ_insert = 0;
/* Completions without a start before this time are requests already in flight at attach. */
const volatile __u64 targ_grace_until_ns = 0;

static __always_inline bool has_task_filter(void)
{
	return targ_tgid || targ_tid || targ_comm[0] || targ_cgroup_id;
}

/* Direct loads: tp_btf hands over a BTF pointer, so no bpf_probe_read_kernel() calls. */
static __always_inline __u32 rq__dev(struct request *rq)
{
	struct gendisk *disk = rq->q->disk;

	return ((__u32)disk->major << 20) | (__u32)disk->first_minor;
}

static __always_inline bool rq__is_traced_disk(struct request *rq)
{
	return !targ_dev || rq__dev(rq) == targ_dev;
}

/* The running kernel's REQ_* bits, mapped onto vigil's stable enum vg_bio_flag. */
static __always_inline __u8 flags__map(__u32 cmd_flags)
{
	__u8 f = 0;

	if (cmd_flags & (1U << bpf_core_enum_value(enum req_flag_bits, __REQ_SYNC)))
		f |= VG_BIO_SYNC;
	if (cmd_flags & (1U << bpf_core_enum_value(enum req_flag_bits, __REQ_META)))
		f |= VG_BIO_META;
	if (cmd_flags & (1U << bpf_core_enum_value(enum req_flag_bits, __REQ_FUA)))
		f |= VG_BIO_FUA;
	if (cmd_flags & (1U << bpf_core_enum_value(enum req_flag_bits, __REQ_PREFLUSH)))
		f |= VG_BIO_PREFLUSH;
	if (cmd_flags & (1U << bpf_core_enum_value(enum req_flag_bits, __REQ_RAHEAD)))
		f |= VG_BIO_RAHEAD;
	return f;
}

SEC("tp_btf/block_io_start")
int BPF_PROG(handle_blkio_start, struct request *rq)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 key = (__u64)rq;
	struct rq_state s = {}, *old;

	if (has_task_filter() && !task__is_traced(task))
		return 0;
	if (!rq__is_traced_disk(rq))
		return 0;
	/* Direct loads from the BTF task: no pid/comm helper calls. */
	s.pid = task->tgid;
	s.cgroup_id = rec__cgroup_id(task);
	s.live = 1;
	comm__copy(s.comm, task);
	old = bpf_map_lookup_elem(&reqs, &key);
	if (old)
		*old = s; /* this request's previous use: rewritten in place */
	else if (bpf_map_update_elem(&reqs, &key, &s, BPF_ANY))
		drop__count(VG_DROP_MAP_FULL);
	if (rq->cmd_flags & (1U << bpf_core_enum_value(enum req_flag_bits, __REQ_PREFLUSH))) {
		__u64 q = (__u64)rq->q;

		if (bpf_map_update_elem(&flush_owner, &q, &s, BPF_ANY))
			drop__count(VG_DROP_MAP_FULL);
	}
	return 0;
}

/*
 * Stamp insert or issue time. An entry can exist only if an earlier program of this mode
 * may have made it (block_io_start; block_rq_insert before an issue); otherwise this is
 * the first sight of the request and one update does, as in biolatency. A request nobody
 * announced gets an entry without a submitter (a flush the block layer issues itself gets
 * the flush owner's), unless a task filter is set: then it belongs to nobody we trace.
 */
static __always_inline void state__stamp(struct request *rq, bool issue, bool may_exist)
{
	__u64 key = (__u64)rq, now = bpf_ktime_get_ns();
	struct rq_state fresh = {}, *s = bpf_map_lookup_elem(&reqs, &key);

	if (may_exist && s && s->live) {
		if (issue)
			s->issue_ns = now;
		else
			s->insert_ns = now;
		return;
	}
	if (targ_owner && (rq->cmd_flags & REQ_OP_MASK) == REQ_OP_FLUSH) {
		__u64 q = (__u64)rq->q;
		struct rq_state *o = bpf_map_lookup_elem(&flush_owner, &q);

		if (o) {
			fresh.pid = o->pid;
			fresh.cgroup_id = o->cgroup_id;
			__builtin_memcpy(fresh.comm, o->comm, sizeof(fresh.comm));
		}
	}
	/* With a task filter an unattributed request belongs to nobody we trace. */
	if ((has_task_filter() && !fresh.pid) || !rq__is_traced_disk(rq))
		return;
	if (issue)
		fresh.issue_ns = now;
	else
		fresh.insert_ns = now;
	fresh.live = 1;
	if (s)
		*s = fresh; /* the pointer's previous use: rewritten in place */
	else if (bpf_map_update_elem(&reqs, &key, &fresh, BPF_ANY))
		drop__count(VG_DROP_MAP_FULL);
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(handle_blkio_insert, struct request *rq)
{
	state__stamp(rq, false, targ_owner);
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(handle_blkio_issue, struct request *rq)
{
	state__stamp(rq, true, targ_owner || targ_insert);
	return 0;
}

/* Merged into another request: this one is freed without completing. */
SEC("tp_btf/block_rq_merge")
int BPF_PROG(handle_blkio_merge, struct request *rq)
{
	__u64 key = (__u64)rq;
	struct rq_state *s = bpf_map_lookup_elem(&reqs, &key);

	if (s)
		s->live = 0;
	return 0;
}

/* Back to the queue: it will be inserted and issued again; the submitter stays. */
SEC("tp_btf/block_rq_requeue")
int BPF_PROG(handle_blkio_requeue, struct request *rq)
{
	__u64 key = (__u64)rq;
	struct rq_state *s = bpf_map_lookup_elem(&reqs, &key);

	if (s && s->live) {
		s->insert_ns = 0;
		s->issue_ns = 0;
	}
	return 0;
}

static __always_inline void hist__add(__u64 key, const struct rq_state *s, __u64 value_ns)
{
	__u64 v = value_ns / targ_hist_unit_ns;
	struct vg_hist *h;
	__u32 zero_key = 0;

	if (targ_hist_per == VG_PER_GLOBAL) {
		h = bpf_map_lookup_elem(&blkio_hist_total, &zero_key);
		if (!h)
			return;
		/*
		 * This CPU's copy, written by this program only, which does not nest on a CPU
		 * (the kernel skips a program that is already running there): plain adds.
		 */
		h->slots[hist__slot(v)] += 1;
		h->sum += v;
		return;
	}
	h = bpf_map_lookup_elem(&blkio_hist, &key);
	if (!h) {
		struct vg_hist zero = {};

		if (targ_hist_per == VG_PER_PID)
			__builtin_memcpy(zero.comm, s->comm, sizeof(zero.comm));
		/* EEXIST from a racing CPU is fine: the lookup below finds its entry. */
		bpf_map_update_elem(&blkio_hist, &key, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&blkio_hist, &key);
		if (!h) {
			drop__count(VG_DROP_MAP_FULL);
			return;
		}
	}
	__sync_fetch_and_add(&h->slots[hist__slot(v)], 1);
	__sync_fetch_and_add(&h->sum, v);
}

static __always_inline void top__add(const struct rq_state *s, __u32 dev, bool write, __u32 bytes,
				     __u64 service)
{
	__u64 key = VG_IO_TOP_KEY(write, s->pid, dev);
	struct vg_io_top *t = bpf_map_lookup_elem(&io_top, &key);

	if (!t) {
		struct vg_io_top zero = {};

		__builtin_memcpy(zero.comm, s->comm, sizeof(zero.comm));
		bpf_map_update_elem(&io_top, &key, &zero, BPF_NOEXIST);
		t = bpf_map_lookup_elem(&io_top, &key);
		if (!t) {
			drop__count(VG_DROP_MAP_FULL);
			return;
		}
	}
	__sync_fetch_and_add(&t->ios, 1);
	__sync_fetch_and_add(&t->bytes, bytes);
	__sync_fetch_and_add(&t->sum_ns, service);
}

static __always_inline void emit_bio(struct request *rq, const struct rq_state *s, __u64 now,
				     __u64 queue, __u64 service, __u32 dev, __u32 cmd_flags,
				     __u32 status, __u32 bytes)
{
	struct vg_bio *e = event__reserve(sizeof(*e), VG_KIND_BIO, now);

	if (!e)
		return;
	e->sector = rq->__sector;
	e->queue_ns = queue;
	e->service_ns = service;
	e->pid = s->pid;
	e->cgroup_id = s->cgroup_id;
	e->bytes = bytes;
	e->dev = dev;
	e->op = cmd_flags & REQ_OP_MASK;
	e->flags = flags__map(cmd_flags);
	e->status = status;
	e->known = (s->insert_ns ? VG_BIO_QUEUED : 0) | (s->pid ? VG_BIO_OWNER : 0);
	__builtin_memcpy(e->comm, s->comm, sizeof(e->comm));
	event__submit(e);
}

/*
 * No entry at completion, and nothing was lost (a full map is counted where it happens): the
 * request was in flight before the programs were attached, or its start was never shown.
 */
static __always_inline void complete__unseen(struct request *rq)
{
	if (has_task_filter() || !rq__is_traced_disk(rq))
		return; /* filtered out at its start */
	if (rq->state == MQ_RQ_IDLE)
		return; /* never issued, e.g. the empty request behind a flush */
	if (bpf_ktime_get_ns() < targ_grace_until_ns)
		unmatched__count(VG_UNMATCHED_BEFORE_TRACE);
	else
		unmatched__count(VG_UNMATCHED_START_NOT_SEEN);
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(handle_blkio_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	__u64 key = (__u64)rq, now, queue = 0, service;
	struct rq_state *s = bpf_map_lookup_elem(&reqs, &key);
	__u32 dev = 0, cmd_flags = 0;
	bool partial;

	if (!s || !s->live) {
		complete__unseen(rq);
		return 0;
	}
	if (!s->issue_ns) {
		/* Ended without being issued (the request behind a flush, an early error). */
		s->live = 0;
		return 0;
	}
	now = bpf_ktime_get_ns();
	service = now - s->issue_ns;
	if (s->insert_ns && s->insert_ns <= s->issue_ns)
		queue = s->issue_ns - s->insert_ns;
	if (targ_top || targ_stream || targ_hist_per == VG_PER_OP ||
	    targ_hist_per == VG_PER_DISK_OP)
		cmd_flags = rq->cmd_flags;
	if (targ_top || targ_stream || targ_hist_per == VG_PER_DISK ||
	    targ_hist_per == VG_PER_DISK_OP)
		dev = rq__dev(rq);
	if (targ_hist && (targ_queued ? service + queue : service) >= targ_min_ns) {
		__u64 hkey = 0;

		if (targ_hist_per == VG_PER_PID)
			hkey = s->pid;
		else if (targ_hist_per == VG_PER_DISK)
			hkey = dev;
		else if (targ_hist_per == VG_PER_OP)
			hkey = (cmd_flags & REQ_OP_MASK) | ((__u64)flags__map(cmd_flags) << 8);
		else if (targ_hist_per == VG_PER_DISK_OP)
			hkey = dev | ((__u64)(cmd_flags & REQ_OP_MASK) << 32);
		hist__add(hkey, s, targ_queued ? service + queue : service);
	}
	if (targ_top)
		top__add(s, dev, (cmd_flags & REQ_OP_MASK) != REQ_OP_READ, nr_bytes, service);
	if (targ_stream && service + queue >= targ_min_ns)
		emit_bio(rq, s, now, queue, service, dev, cmd_flags, error, nr_bytes);
	/* A partial completion leaves the rest of the request in flight. */
	partial = !error && nr_bytes < rq->__data_len;
	if (!partial)
		s->live = 0;
	return 0;
}
