/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * common.bpf.h: what every vigil BPF object shares. It defines the object's ring buffer
 * (`events`) and its per-CPU drop counters (`drops`), the reserve/submit pair that counts
 * every record it cannot hand over and batches consumer wakeups, the log2 bucketing of the
 * in-kernel histograms, the per-CPU counts of end events that had no start (`unmatched`: not
 * losses, kept apart from the drops), and the task filters (pid, tid, comm, cgroup) that
 * userspace sets as rodata before load so the verifier prunes the ones not in use. BPF-only:
 * never include it from user/.
 */
#ifndef VIGIL_COMMON_BPF_H
#define VIGIL_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "bits.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * One ring buffer per CPU: a ring's reserve takes a lock and moves a producer position that
 * every writer shares, and records written side by side from two CPUs share cache lines.
 * Userspace sizes the array to the possible CPUs before load, then creates the rings
 * (--ringbuf-size shared out over them; the template's size is not theirs) and puts them in.
 */
struct events_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 << 10);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct events_ring);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_DROP_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_UNMATCHED_MAX);
	__type(key, __u32);
	__type(value, __u64);
} unmatched SEC(".maps");

/* Wake the consumer only once this many bytes wait; it otherwise polls on a timer. */
const volatile __u64 wakeup_bytes = 0;

/* Task filters; zero (or an empty string) means "no filter". */
const volatile __u32 targ_tgid = 0;
const volatile __u32 targ_tid = 0;
const volatile __u64 targ_cgroup_id = 0;
const volatile char targ_comm[VG_COMM_LEN] = {};

/* Records carry their task's cgroup id (--with-cgroup); off, the loads are dead code. */
const volatile bool targ_rec_cgroup = false;

static __always_inline void drop__count(__u32 reason)
{
	__u64 *cnt = bpf_map_lookup_elem(&drops, &reason);

	if (cnt)
		*cnt += 1; /* per-CPU slot: no other writer */
}

static __always_inline void unmatched__count(__u32 reason)
{
	__u64 *cnt = bpf_map_lookup_elem(&unmatched, &reason);

	if (cnt)
		*cnt += 1; /* per-CPU slot: no other writer */
}

/* This CPU's ring; programs run with migration disabled, so reserve and submit agree. */
static __always_inline void *events__ring(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&events, &cpu);
}

/* Reserve a record of `size` bytes and fill its header; NULL (and a counted drop) if full. */
static __always_inline void *event__reserve(__u32 size, __u16 kind, __u64 ts)
{
	void *ring = events__ring();
	struct vg_hdr *hdr = ring ? bpf_ringbuf_reserve(ring, size, 0) : NULL;

	if (!hdr) {
		drop__count(VG_DROP_RINGBUF_FULL);
		return NULL;
	}
	hdr->kind = kind;
	hdr->size = size;
	hdr->cpu = bpf_get_smp_processor_id();
	hdr->ts_ns = ts;
	return hdr;
}

/* Records submitted on each CPU, to look at the ring's fill level only every so often. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} submits SEC(".maps");

#define WAKEUP_CHECK_EVERY 32 /* records per CPU between two looks at the fill level */

/*
 * Submit without waking the consumer, unless a quarter of the ring is waiting: wakeups cost
 * an IPI each (3-4x the program's own cost on a VM), and the consumer polls on a timer that
 * bounds the delivery delay anyway. The fill level is a helper call that reads the
 * consumer's position, a cache line the consumer writes from another CPU: each CPU looks
 * only every WAKEUP_CHECK_EVERY records, so a wakeup comes at most that many records late.
 */
static __always_inline void event__submit(void *rec)
{
	__u64 flags = BPF_RB_NO_WAKEUP, *n;
	__u32 zero = 0;
	void *ring;

	if (!wakeup_bytes) {
		bpf_ringbuf_submit(rec, 0);
		return;
	}
	n = bpf_map_lookup_elem(&submits, &zero);
	if (n && !(++*n % WAKEUP_CHECK_EVERY) && (ring = events__ring()) &&
	    bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(rec, flags);
}

static __always_inline __u32 hist__slot(__u64 v)
{
	return vg_hist_slot(v, VG_HIST_SLOTS);
}

/*
 * Programs attached with tp_btf get BTF-typed task pointers: plain loads through them are
 * fault-guarded by the kernel and cost far less than a bpf_probe_read_kernel() call each.
 */
static __always_inline __u64 task__cgroup_id(struct task_struct *t)
{
	return t->cgroups->dfl_cgrp->kn->id;
}

/* What a record's cgroup_id gets: the task's cgroup id when asked for, else 0 (not known). */
static __always_inline __u64 rec__cgroup_id(struct task_struct *t)
{
	return targ_rec_cgroup ? task__cgroup_id(t) : 0;
}

/* The task's 16-byte comm, as two 8-byte loads. */
static __always_inline void comm__copy(char *dst, struct task_struct *t)
{
	__u64 *d = (__u64 *)dst;

	d[0] = *(__u64 *)&t->comm[0];
	d[1] = *(__u64 *)&t->comm[8];
}

static __always_inline bool comm__matches(const char *comm)
{
	for (int i = 0; i < VG_COMM_LEN; i++) {
		if (comm[i] != targ_comm[i])
			return false;
		if (!comm[i])
			return true;
	}
	return true;
}

/* Whether the filters set at load time select task t. */
static __always_inline bool task__is_traced(struct task_struct *t)
{
	if (targ_tgid && t->tgid != targ_tgid)
		return false;
	if (targ_tid && t->pid != targ_tid)
		return false;
	if (targ_comm[0]) {
		char comm[VG_COMM_LEN];

		comm__copy(comm, t);
		if (!comm__matches(comm))
			return false;
	}
	if (targ_cgroup_id && task__cgroup_id(t) != targ_cgroup_id)
		return false;
	return true;
}

/*
 * Whether an address passes an address set (--laddr/--raddr): the longest prefix containing
 * it (the LPM lookup in map) includes or excludes it; none does: miss. The key is IPv6, with
 * IPv4 (v4: its 4 bytes at addr) as ::ffff:a.b.c.d.
 */
static __always_inline bool lpm__allows(void *map, const __u8 *addr, bool v4, bool miss)
{
	struct vg_lpm_key k = { .prefixlen = 128 };
	__u8 *v;

	if (v4) {
		k.addr[10] = 0xff;
		k.addr[11] = 0xff;
		__builtin_memcpy(&k.addr[12], addr, 4);
	} else {
		__builtin_memcpy(k.addr, addr, 16);
	}
	v = bpf_map_lookup_elem(map, &k);
	return v ? *v == VG_LPM_INCLUDE : miss;
}

#endif /* VIGIL_COMMON_BPF_H */
