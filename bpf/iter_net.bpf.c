// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_net.bpf.c: socket owners through a BPF iterator. `dump_sock_owner` (iter/task_file)
 * visits every open file of every process (threads sharing their leader's table once) and
 * writes one record (iter_rec.h) per socket: thread group, fd and the socket's inode, what a
 * readlink of /proc/PID/fd/FD ("socket:[INODE]") would give, for the whole system in one
 * read() instead of a readlink per fd. A socket is recognised by its inode's S_IFSOCK mode.
 * Its own object, so that loading the process iterator does not verify this one too.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "iter_rec.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define S_IFMT	 0170000
#define S_IFSOCK 0140000

SEC("iter/task_file")
int dump_sock_owner(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct iter_sock_rec r = {};
	struct inode *inode;

	if (!task || !file)
		return 0;
	inode = BPF_CORE_READ(file, f_inode);
	if (!inode || (BPF_CORE_READ(inode, i_mode) & S_IFMT) != S_IFSOCK)
		return 0;
	r.version = ITER_SOCK_VERSION;
	r.size = sizeof(r);
	r.pid = BPF_CORE_READ(task, tgid);
	r.fd = (__s32)ctx->fd;
	r.inode = BPF_CORE_READ(inode, i_ino);
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}
