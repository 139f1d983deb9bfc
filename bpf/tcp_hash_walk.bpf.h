/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tcp_hash_walk.bpf.h: the TCP table read straight from the kernel's hash tables, the
 * listening hash (lhash2) and the established hash (ehash, which also holds TIME_WAIT and
 * request sockets), as the kernel's own lockless lookups read them: under RCU, each bucket's
 * chain followed to its nulls marker, whose value names the bucket the chain ended in; a
 * socket freed and reused elsewhere while the walk stood on it ends the chain in another
 * bucket, and the walk reports that rather than a list it cannot vouch for. iter/tcp pays
 * for a socket lock, a reference and a resumable batch per socket, and ~11 ns per empty
 * bucket (262,144 here); this reads the bucket heads 512 bytes at a time and visits only the
 * non-empty ones (9.3-10.1 -> 5.3-5.6 ms for 10k sockets, measured side by side).
 * `dump_tcp_hash` (iter/task) walks the next of 64 slices of both tables at each task the
 * iterator visits (the slices left at the walk's end, when there were fewer tasks) and writes
 * the slice's status into the seq_file after its sockets into the 1 MiB tcp_socks ring, so
 * that userspace, reading one status at a time, drains the ring between slices and stops
 * reading after the last. Any status but ITER_TCP_OK, or a missing slice, and userspace reads
 * iter/tcp instead. Include from iter_net.bpf.c, after tcp_fill().
 */
#ifndef VIGIL_TCP_HASH_WALK_BPF_H
#define VIGIL_TCP_HASH_WALK_BPF_H

#define CHUNK_BYTES	     512
#define LISTENING_NULLS_BASE (1U << 29) /* the kernel's: lhash2's chains end in this + bucket */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} tcp_socks SEC(".maps");

#define CHUNK_HEADS (CHUNK_BYTES / 8)
#define WALK_STEPS  (1 << 23) /* bpf_loop()'s own bound: past it the slice is too long */

/*
 * One slice of both tables being walked, as a state machine that bpf_loop() steps: each step
 * reads a chunk of bucket heads, or starts the next non-empty bucket's chain, or follows the
 * chain one socket. The state lives in a per-CPU map, not on the stack: the verifier tracks
 * stack values, and a loop over tracked state made it take seconds to converge; values loaded
 * from a map it does not tell apart. (Iterator programs run with migration disabled.)
 */
struct hash_walk {
	__u64 h;   /* the reader's struct inet_hashinfo */
	__u64 net; /* and its network namespace */
	__u64 slice;
	__u32 status; /* ITER_TCP_* */
	__u32 socks;
	__u32 table; /* 0 the listening hash, 1 the established one, 2 done */
	__u64 heads; /* the table's first bucket */
	__u32 end;   /* one past the slice's last bucket */
	__u32 nulls_base;
	__u32 next;  /* the next chunk's first bucket */
	__u32 first; /* the current chunk's first bucket */
	__u64 bits;  /* its non-empty buckets not yet walked */
	__u32 bucket;
	__u64 node; /* in a chain: a socket's nulls node or the end marker (bit 0); else 0 */
	__u64 chunk[CHUNK_HEADS]; /* the current chunk's bucket heads */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hash_walk);
} walk_state SEC(".maps");

/* The buckets of a listening-hash chunk: 16 bytes each, the chain head at 8 (checked). */
#define LHASH_STRIDE 16
#define LHASH_HEAD   8

static __always_inline void table_start(struct hash_walk *w)
{
	struct inet_hashinfo *h = (struct inet_hashinfo *)w->h;
	__u32 nbuckets;

	if (w->table == 0) {
		/* the listening sockets first, as iter/tcp and /proc/net/tcp give them */
		if (bpf_core_type_size(struct inet_listen_hashbucket) != LHASH_STRIDE ||
		    bpf_core_field_offset(struct inet_listen_hashbucket, nulls_head) !=
			    LHASH_HEAD) {
			w->status = ITER_TCP_MOVED;
			return;
		}
		w->heads = (__u64)BPF_CORE_READ(h, lhash2);
		w->nulls_base = LISTENING_NULLS_BASE;
		nbuckets = BPF_CORE_READ(h, lhash2_mask) + 1;
	} else {
		w->heads = (__u64)BPF_CORE_READ(h, ehash);
		w->nulls_base = 0;
		nbuckets = BPF_CORE_READ(h, ehash_mask) + 1;
	}
	w->next = (__u32)(w->slice * nbuckets / ITER_TCP_SLICES);
	w->end = (__u32)((w->slice + 1) * nbuckets / ITER_TCP_SLICES);
	w->bits = 0;
}

/* Copy the next chunk of bucket heads and mark its non-empty buckets (no end marker). */
static __always_inline void chunk_read(struct hash_walk *w)
{
	__u32 stride = w->table ? 8 : LHASH_STRIDE, per = CHUNK_BYTES / stride, n;
	__u64 *c = w->chunk;
	__u64 bytes;

	n = w->end - w->next;
	if (n > per)
		n = per;
	bytes = (__u64)n * stride;
	if (bytes > CHUNK_BYTES)
		bytes = CHUNK_BYTES;
	if (!bytes ||
	    bpf_probe_read_kernel(c, bytes, (void *)(w->heads + (__u64)w->next * stride))) {
		w->status = ITER_TCP_MOVED;
		return;
	}
	w->first = w->next;
	w->next += n;
	w->bits = 0;
	if (w->table) {
#pragma unroll
		for (int k = 0; k < CHUNK_HEADS; k++)
			w->bits |= (~c[k] & 1) << k;
	} else {
#pragma unroll
		for (int k = 0; k < CHUNK_BYTES / LHASH_STRIDE; k++)
			w->bits |= (~c[(k * LHASH_STRIDE + LHASH_HEAD) / 8] & 1) << k;
	}
	if (n < 64)
		w->bits &= (1ULL << n) - 1; /* the copy ended there */
}

/* Start the chain of the chunk's lowest non-empty bucket not yet walked. */
static __always_inline void chain_start(struct hash_walk *w)
{
	__u64 low = w->bits & -w->bits, b = __builtin_popcountll(low - 1);
	__u64 *c = w->chunk;

	w->bits ^= low;
	w->bucket = w->first + (__u32)b;
	w->node = w->table ? c[b & (CHUNK_HEADS - 1)]
			   : c[(b * (LHASH_STRIDE / 8) + LHASH_HEAD / 8) & (CHUNK_HEADS - 1)];
}

/* One socket of a chain: a record when it is of the reader's namespace; then the next. */
static __always_inline void chain_step(struct hash_walk *w)
{
	struct sock_common *skc;
	struct iter_sk_rec *r;

	if (w->node & 1) {
		if ((w->node >> 1) != w->nulls_base + w->bucket)
			w->status = ITER_TCP_MOVED; /* the chain led into another bucket */
		w->node = 0;
		return;
	}
	skc = untrusted(
		(void *)(w->node - bpf_core_field_offset(struct sock_common, skc_nulls_node)),
		struct sock_common);
	if ((__u64)skc->skc_net.net == w->net) {
		r = bpf_ringbuf_reserve(&tcp_socks, sizeof(*r), 0);
		if (!r) {
			w->status = ITER_TCP_FULL;
			return;
		}
		tcp_fill(r, skc);
		bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
		w->socks++;
	}
	if (bpf_probe_read_kernel(&w->node, sizeof(w->node), (void *)w->node))
		w->status = ITER_TCP_MOVED;
}

static long walk_step(__u64 i, void *arg)
{
	__u32 zero = 0;
	struct hash_walk *w = bpf_map_lookup_elem(&walk_state, &zero);

	if (!w)
		return 1;
	if (w->node)
		chain_step(w);
	else if (w->bits)
		chain_start(w);
	else if (w->next < w->end)
		chunk_read(w);
	else if (++w->table < 2)
		table_start(w);
	else
		return 1;
	return w->status ? 1 : 0;
}

/* The walk's next slice: userspace sets it to 0 before each walk (one at a time). */
__u32 next_slice;

/* Walk the next slice and write its status. */
static long slice_step(__u64 i, void *arg)
{
	struct seq_file *seq = *(struct seq_file **)arg;
	struct iter_tcp_slice_rec out = {};
	struct task_struct *me;
	struct hash_walk *w;
	struct net *net;
	__u32 zero = 0;

	w = bpf_map_lookup_elem(&walk_state, &zero);
	if (!w || next_slice >= ITER_TCP_SLICES)
		return 1;
	me = untrusted(bpf_get_current_task_btf(), struct task_struct);
	net = me->nsproxy->net_ns;
	w->net = (__u64)net;
	w->h = (__u64)untrusted(net, struct net)->ipv4.tcp_death_row.hashinfo;
	w->slice = next_slice++;
	w->status = w->socks = w->table = 0;
	w->node = 0;
	table_start(w);
	if (!w->status && bpf_loop(WALK_STEPS, walk_step, NULL, 0) == WALK_STEPS && !w->status)
		w->status = ITER_TCP_LONG;
	out.version = ITER_TCP_SLICE_VERSION;
	out.size = sizeof(out);
	out.slice = (__u32)w->slice;
	out.status = w->status;
	out.socks = w->socks;
	bpf_seq_write(seq, &out, sizeof(out));
	return w->status ? 1 : 0;
}

/*
 * A slice per task visited, so that each read() of one status returns before the next slice
 * fills the ring; at the walk's end (fewer tasks than slices: a child pid namespace), the
 * slices left, all at once.
 */
SEC("iter/task")
int dump_tcp_hash(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;

	bpf_loop(ctx->task ? 1 : ITER_TCP_SLICES, slice_step, &seq, 0);
	return 0;
}

#endif /* VIGIL_TCP_HASH_WALK_BPF_H */
