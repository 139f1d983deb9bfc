// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_files.bpf.c: every open file of every process in one walk, for `vigil lsof`.
 * `dump_file` (iter/task_file) writes one record (iter_rec.h) per fd of each thread-group
 * leader's table, what /proc/PID/fd/FD gives through a readlink, a stat and its fdinfo: the
 * path as the link names it (bpf_d_path, so "pipe:[9]" and "socket:[123]" as there), the
 * inode's mode, number, size and device, the open flags with O_CLOEXEC, and the position.
 * Record and path are assembled in a per-CPU buffer and written with one bpf_seq_write(), so
 * a file is reported whole or not at all. Fields are read by direct loads through untrusted
 * casts (untrusted.bpf.h); the path needs the trusted file pointer the iterator hands over.
 * Its own object: lsof loads it, ps and net do not.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "iter_rec.h"
#include "untrusted.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define O_CLOEXEC 02000000

struct file_buf {
	struct iter_file_rec rec;
	char path[ITER_FILE_PATH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct file_buf);
} bufs SEC(".maps");

/* Whether fd is close-on-exec in the table of files (fdinfo adds it to the flags). */
static bool fd_cloexec(struct files_struct *files, __u32 fd)
{
	struct fdtable *fdt = files->fdt;
	unsigned long word = 0;

	bpf_probe_read_kernel(&word, sizeof(word), &fdt->close_on_exec[fd / 64]);
	return (word >> (fd % 64)) & 1;
}

SEC("iter/task_file")
int dump_file(struct bpf_iter__task_file *ctx)
{
	struct file *file = ctx->file, *f;
	struct file_buf *b;
	struct task_struct *t;
	struct inode *inode;
	__u32 key = 0;
	long len;

	if (!ctx->task || !file)
		return 0;
	t = untrusted(ctx->task, struct task_struct);
	if (t->pid != t->tgid)
		return 0; /* a thread with a table of its own: /proc/PID/fd shows the leader's */
	b = bpf_map_lookup_elem(&bufs, &key);
	if (!b)
		return 0;
	len = bpf_d_path((struct path *)&file->f_path, b->path, sizeof(b->path));
	if (len <= 0 || len > ITER_FILE_PATH_MAX)
		return 0; /* no name (the file is going away): as a link that cannot be read */
	f = untrusted(file, struct file);
	inode = f->f_inode;
	b->rec.version = ITER_FILE_VERSION;
	b->rec.size = sizeof(b->rec) + (__u16)len;
	b->rec.pid = t->tgid;
	b->rec.fd = (__s32)ctx->fd;
	b->rec.flags = f->f_flags | (fd_cloexec(t->files, ctx->fd) ? O_CLOEXEC : 0);
	b->rec.pos = f->f_pos;
	b->rec.mode = inode ? inode->i_mode : 0;
	b->rec.ino = inode ? inode->i_ino : 0;
	b->rec.isize = inode ? inode->i_size : 0;
	b->rec.dev = inode ? inode->i_sb->s_dev : 0;
	b->rec.rdev = inode ? inode->i_rdev : 0;
	bpf_seq_write(ctx->meta->seq, b, sizeof(b->rec) + len);
	return 0;
}
