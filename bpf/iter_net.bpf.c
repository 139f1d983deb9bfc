// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_net.bpf.c: socket owners through a BPF iterator. `dump_sock_owner` (iter/task) reads
 * each thread-group leader's fd table itself, the open-fd bitmap a word at a time and the
 * file pointers of a word's set bits in one copy, and writes one record (iter_rec.h) per
 * socket into a ring buffer: thread group, fd and the socket's inode, what a readlink of
 * /proc/PID/fd/FD ("socket:[INODE]") would give, for the whole system in one walk instead of
 * a readlink per fd. Then a marker into the seq_file, with the group's thread count, so that
 * userspace knows the processes it visited (their fds need no /proc scan) and can check the
 * walk missed none. iter/task_file would take and drop a reference on every open file of
 * the system (its fget_task_next() was a seventh of a listing's samples), and a process'
 * sockets can exceed the 32 KiB a seq_file visit may write. A socket is recognised by its
 * inode's S_IFSOCK mode. The walk runs under RCU, as the kernel's lockless fd lookups do.
 * `dump_tcp` and `dump_udp` (iter/tcp, iter/udp) write one record per socket of the reader's
 * network namespace, what a sock_diag dump gives: family, type, state, addresses, ports,
 * inode, uid and a TCP socket's smoothed RTT (no queues: no listing shows them, and their
 * fields are cache misses of their own). The owner pass and the tables are
 * then joined by inode in userspace. No iter/unix program: on Linux 6.18 that iterator skips
 * sockets once a hash bucket holds more than its output buffer takes (24k of 40k sockets
 * listed, measured), so unix sockets come from sock_diag. Its own object, so that loading
 * the process iterator does not verify this one too.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "iter_rec.h"
#include "untrusted.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define S_IFMT	 0170000
#define S_IFSOCK 0140000
#define FD_WORDS (1 << 16) /* fd tables past 4M fds: the process is marked partial */

/*
 * The socket records: a process can hold more than the seq_file's 32 KiB buffer takes in one
 * visit, so they go here, and userspace drains the ring after each read() of (256) markers.
 * 1 MiB holds 32k sockets: the ring is mapped whole into the reader, so its size is resident
 * memory. A process whose sockets find it full is marked partial, and userspace reads that
 * process' fds from /proc instead.
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} owners SEC(".maps");

/* One bitmap word's 64 file pointers, copied in one read (too big for the stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct file *[64]);
} fd_chunk SEC(".maps");

struct fd_walk {
	unsigned long *open_fds;
	struct file **fd;
	__u32 tgid;
	bool partial; /* a socket found the ring full */
};

/* One bitmap word being walked (a bpf_loop() context, so on the stack). */
struct fd_word {
	struct fd_walk *fw;
	struct file **chunk; /* the word's 64 file pointers */
	__u64 bits;	     /* its open fds not yet looked at */
	__u64 base;	     /* the word's first fd */
};

/* The word's lowest open fd (one step per open fd): a record if it is a socket. */
static long walk_fd_bit(__u64 i, void *arg)
{
	struct fd_word *fw = arg;
	struct iter_sock_rec *r;
	struct inode *inode;
	struct file *f;
	__u64 low = fw->bits & -fw->bits, b = __builtin_popcountll(low - 1);

	fw->bits ^= low;
	f = fw->chunk[b & 63];
	if (!f)
		return 0;
	inode = untrusted(f, struct file)->f_inode;
	if (!inode || (inode->i_mode & S_IFMT) != S_IFSOCK)
		return 0;
	r = bpf_ringbuf_reserve(&owners, sizeof(*r), 0);
	if (!r) {
		fw->fw->partial = true;
		return 1;
	}
	r->version = ITER_SOCK_VERSION;
	r->size = sizeof(*r);
	r->pid = fw->fw->tgid;
	r->fd = (__s32)(fw->base + b);
	r->threads = 0;
	r->inode = inode->i_ino;
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	return 0;
}

/*
 * One word of the open-fd bitmap and its 64 fds. Each level is a bpf_loop() callback: a
 * bounded loop here would be verified once per iteration (40 ms more to load).
 */
static long walk_fd_word(__u64 w, void *arg)
{
	struct fd_word word = { .fw = arg, .base = w * 64 };
	__u32 zero = 0;

	if (word.fw->partial)
		return 1; /* the ring is full: the process is read from /proc */
	if (bpf_probe_read_kernel(&word.bits, sizeof(word.bits), word.fw->open_fds + w))
		return 1;
	if (!word.bits)
		return 0;
	word.chunk = bpf_map_lookup_elem(&fd_chunk, &zero);
	if (!word.chunk ||
	    bpf_probe_read_kernel(word.chunk, sizeof(struct file *[64]), word.fw->fd + word.base))
		return 1;
	bpf_loop(__builtin_popcountll(word.bits), walk_fd_bit, &word, 0);
	return 0;
}

SEC("iter/task")
int dump_sock_owner(struct bpf_iter__task *ctx)
{
	struct iter_sock_rec r = {};
	struct task_struct *task;
	struct files_struct *files;
	struct fdtable *fdt;
	struct fd_walk fw = {};
	__u32 words;

	if (!ctx->task)
		return 0;
	task = untrusted(ctx->task, struct task_struct);
	if (task->pid != task->tgid)
		return 0; /* /proc/PID/fd is the leader's table */
	r.version = ITER_SOCK_VERSION;
	r.size = sizeof(r);
	r.pid = task->tgid;
	r.fd = ITER_SOCK_VISITED;
	r.threads = task->signal ? task->signal->nr_threads : 1;
	files = task->files;
	if (files) {
		fdt = untrusted(files, struct files_struct)->fdt;
		fw.open_fds = fdt->open_fds;
		fw.fd = fdt->fd;
		fw.tgid = r.pid;
		words = fdt->max_fds / 64;
		if (words > FD_WORDS) {
			fw.partial = true;
			words = FD_WORDS;
		}
		bpf_loop(words, walk_fd_word, &fw, 0);
		if (fw.partial)
			r.fd = ITER_SOCK_PARTIAL;
	}
	/* the marker last: when userspace reads it, the sockets are in the ring */
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

#define AF_UNIX		 1
#define AF_INET		 2
#define AF_INET6	 10
#define SOCK_STREAM	 1
#define SOCK_DGRAM	 2
#define TCP_LISTEN	 10
#define TCP_TIME_WAIT	 6
#define TCP_NEW_SYN_RECV 12

/* The common part of every socket: family, state, addresses and ports. */
static __always_inline void sk_common_fill(struct iter_sk_rec *r, struct sock_common *skc)
{
	r->version = ITER_SK_VERSION;
	r->size = sizeof(*r);
	r->family = skc->skc_family;
	r->state = skc->skc_state;
	r->sport = skc->skc_num;
	r->dport = __builtin_bswap16(skc->skc_dport);
	if (r->family == AF_INET6) {
		__builtin_memcpy(r->saddr, &skc->skc_v6_rcv_saddr, sizeof(r->saddr));
		__builtin_memcpy(r->daddr, &skc->skc_v6_daddr, sizeof(r->daddr));
	} else {
		*(__u32 *)r->saddr = skc->skc_rcv_saddr;
		*(__u32 *)r->daddr = skc->skc_daddr;
	}
}

/* What sock_i_ino() and sock_i_uid() give a full socket: 0 when it has no struct socket. */
static __always_inline void sk_owner_fill(struct iter_sk_rec *r, struct sock *sk)
{
	struct socket *sock = sk->sk_socket;

	r->uid = sk->sk_uid.val;
	if (sock) {
		struct socket_alloc *sa = untrusted(container_of(sock, struct socket_alloc, socket),
						    struct socket_alloc);

		r->inode = sa->vfs_inode.i_ino;
	}
}

/* A TCP socket's record, in place (a ring's memory is not zeroed). */
static __always_inline void tcp_fill(struct iter_sk_rec *r, struct sock_common *skc)
{
	__builtin_memset(r, 0, sizeof(*r));
	sk_common_fill(r, skc);
	r->type = SOCK_STREAM;
	if (r->state != TCP_TIME_WAIT && r->state != TCP_NEW_SYN_RECV) {
		sk_owner_fill(r, untrusted(skc, struct sock));
		/* kept times 8, as tcp_get_info() undoes */
		r->srtt_us = untrusted(skc, struct tcp_sock)->srtt_us >> 3;
		r->flags = ITER_SK_RTT;
	}
}

SEC("iter/tcp")
int dump_tcp(struct bpf_iter__tcp *ctx)
{
	struct iter_sk_rec r;

	if (!ctx->sk_common)
		return 0;
	tcp_fill(&r, untrusted(ctx->sk_common, struct sock_common));
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

#include "tcp_hash_walk.bpf.h"

SEC("iter/udp")
int dump_udp(struct bpf_iter__udp *ctx)
{
	struct iter_sk_rec r = {};
	struct sock *sk;

	if (!ctx->udp_sk)
		return 0;
	sk = untrusted(ctx->udp_sk, struct sock);
	sk_common_fill(&r, untrusted(ctx->udp_sk, struct sock_common));
	r.type = SOCK_DGRAM;
	sk_owner_fill(&r, sk);
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}
