// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_net.bpf.c: socket owners through a BPF iterator. `dump_sock_owner` (iter/task_file)
 * visits every open file of every process (threads sharing their leader's table once) and
 * writes one record (iter_rec.h) per socket: thread group, fd and the socket's inode, what a
 * readlink of /proc/PID/fd/FD ("socket:[INODE]") would give, for the whole system in one
 * read() instead of a readlink per fd; and a marker (fd -1) as it enters each process, so
 * that the processes it visited, sockets or not, are not scanned again in /proc. A socket
 * is recognised by its inode's S_IFSOCK mode.
 * `dump_tcp` and `dump_udp` (iter/tcp, iter/udp) write one record per socket of the reader's
 * network namespace, what a sock_diag dump gives: family, type, state, addresses, ports,
 * inode, uid, the queues and a TCP socket's smoothed RTT. The owner pass and the tables are
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

/*
 * The last thread group a marker was written for. Walks in other processes may run at the
 * same time: a lost marker only costs that process a /proc scan, a repeated one nothing.
 */
__u32 last_tgid;

SEC("iter/task_file")
int dump_sock_owner(struct bpf_iter__task_file *ctx)
{
	struct iter_sock_rec r = {};
	struct inode *inode;

	if (!ctx->task || !ctx->file)
		return 0;
	r.version = ITER_SOCK_VERSION;
	r.size = sizeof(r);
	r.pid = untrusted(ctx->task, struct task_struct)->tgid;
	if (r.pid != last_tgid) {
		/* a marker: this process was visited, so userspace need not scan its fds */
		last_tgid = r.pid;
		r.fd = -1;
		bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	}
	inode = untrusted(ctx->file, struct file)->f_inode;
	if (!inode || (inode->i_mode & S_IFMT) != S_IFSOCK)
		return 0;
	r.fd = (__s32)ctx->fd;
	r.inode = inode->i_ino;
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

SEC("iter/tcp")
int dump_tcp(struct bpf_iter__tcp *ctx)
{
	struct iter_sk_rec r = {};
	struct tcp_sock *tp;
	struct sock *sk;

	if (!ctx->sk_common)
		return 0;
	sk_common_fill(&r, untrusted(ctx->sk_common, struct sock_common));
	r.type = SOCK_STREAM;
	if (r.state != TCP_TIME_WAIT && r.state != TCP_NEW_SYN_RECV) {
		sk = untrusted(ctx->sk_common, struct sock);
		tp = untrusted(ctx->sk_common, struct tcp_sock);
		sk_owner_fill(&r, sk);
		if (r.state == TCP_LISTEN) {
			r.rx_queue = sk->sk_ack_backlog;
			r.tx_queue = sk->sk_max_ack_backlog;
		} else {
			__s32 rx = (__s32)(tp->rcv_nxt - tp->copied_seq);

			r.rx_queue = rx > 0 ? (__u32)rx : 0;
			r.tx_queue = tp->write_seq - tp->snd_una;
		}
		r.srtt_us = tp->srtt_us >> 3; /* kept times 8, as tcp_get_info() undoes */
		r.flags = ITER_SK_QUEUES | ITER_SK_RTT;
	}
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

SEC("iter/udp")
int dump_udp(struct bpf_iter__udp *ctx)
{
	struct iter_sk_rec r = {};
	struct sock *sk;
	int wmem;

	if (!ctx->udp_sk)
		return 0;
	sk = untrusted(ctx->udp_sk, struct sock);
	sk_common_fill(&r, untrusted(ctx->udp_sk, struct sock_common));
	r.type = SOCK_DGRAM;
	sk_owner_fill(&r, sk);
	/* as udp_diag: the receive memory, and the send memory without its base reference */
	r.rx_queue = sk->sk_backlog.rmem_alloc.counter;
	wmem = sk->sk_wmem_alloc.refs.counter - 1;
	r.tx_queue = wmem > 0 ? (__u32)wmem : 0;
	r.flags = ITER_SK_QUEUES;
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}
