// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_vmas.bpf.c: every mapping of every process in one walk, for `vigil lsof`'s mem rows and
 * `vigil pmap`. `dump_vma` (iter/task_vma) writes one record (iter_rec.h) per mapping of each
 * thread group: what a line of /proc/PID/maps gives. bpf_d_path() refuses a mapping's file
 * here (vm_file is not a trusted pointer), so the program walks the path itself as the
 * kernel's d_path() does: dentry names up to the reader's root, from a mount's root to its
 * mountpoint in the parent mount, one bpf_loop() step each, written leaf first for userspace
 * to join. A mapping of the same file as the record before it (a library's four or five)
 * shares that record's names. Names the walk cannot build as /proc would (a detached mount,
 * an overlay's backing file, a name past 4 KiB) make the record ITER_VMA_UNSURE, and
 * userspace reads that process from /proc. Its own object: only lsof and pmap load it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "iter_rec.h"
#include "untrusted.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define PATH_STEPS 512 /* names plus mount crossings: past it, the path is given up */
#define MAX_ERRNO  4095

/* A path walk's state, and the record being built, per CPU. */
struct vma_buf {
	struct iter_vma_rec rec;
	char names[ITER_VMA_NAMES_MAX + ITER_VMA_NAME_MAX];
	__u64 dentry, mnt, root_dentry, root_mnt; /* untrusted pointers, as numbers */
	__u32 off;				  /* bytes of names written */
	__u8 unsure;
	/* the record written last on this CPU: a mapping of the same file may share its names */
	__u64 last_session, last_num, last_file;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vma_buf);
} bufs SEC(".maps");

/* Older kernels marked an anonymous namespace by a zero seq, newer ones by a zero ns_id. */
struct mnt_namespace___seq {
	u64 seq;
};

/* A mapping's name from prctl(PR_SET_VMA_ANON_NAME), in kernels built with it. */
struct vm_area_struct___named {
	struct anon_vma_name *anon_name;
};

static struct anon_vma_name *vma_anon_name(struct vm_area_struct *vma)
{
	if (!bpf_core_field_exists(struct vm_area_struct___named, anon_name))
		return NULL;
	return ((struct vm_area_struct___named *)vma)->anon_name;
}

static bool ns_is_anon(struct mnt_namespace *ns)
{
	if (bpf_core_field_exists(struct mnt_namespace___seq, seq))
		return !((struct mnt_namespace___seq *)ns)->seq;
	return !ns->ns.ns_id;
}

static struct vma_buf *buf_get(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&bufs, &key);
}

/* Append one NUL-ended name; false when it did not fit. */
static bool name_put(struct vma_buf *b, const void *name)
{
	__u32 off = b->off;
	long n;

	if (off >= ITER_VMA_NAMES_MAX)
		return false;
	n = bpf_probe_read_kernel_str(&b->names[off], ITER_VMA_NAME_MAX, name);
	if (n <= 0 || off + n > ITER_VMA_NAMES_MAX)
		return false;
	b->off = off + n;
	return true;
}

/*
 * One step up the path, as __prepend_path() takes it: 1 ends the walk. Reaching the reader's
 * root or the namespace's root ends it whole; a detached mount, a name that does not fit or a
 * read that fails makes the record unsure; a dentry that is its own parent below a mount's
 * root has left the tree, which /proc shows as "/".
 */
static long path_step(__u64 i, void *unused)
{
	struct vma_buf *b = buf_get();
	struct dentry *d, *parent;
	struct mount *m, *up;
	struct mnt_namespace *ns;

	if (!b)
		return 1;
	d = untrusted((void *)b->dentry, struct dentry);
	m = untrusted((void *)b->mnt, struct mount);
	if (b->dentry == b->root_dentry &&
	    b->mnt + bpf_core_field_offset(struct mount, mnt) == b->root_mnt)
		return 1;
	if (b->dentry == (__u64)m->mnt.mnt_root) {
		up = m->mnt_parent;
		if ((__u64)up != b->mnt) {
			b->dentry = (__u64)m->mnt_mountpoint;
			b->mnt = (__u64)up;
			return 0;
		}
		ns = m->mnt_ns;
		if (!ns || (__u64)ns >= (__u64)-MAX_ERRNO ||
		    ns_is_anon(untrusted(ns, struct mnt_namespace)))
			b->unsure = 1;
		return 1;
	}
	parent = d->d_parent;
	if ((__u64)parent == b->dentry) {
		b->rec.flags |= ITER_VMA_ESCAPED;
		b->off = 0;
		return 1;
	}
	if (!name_put(b, d->d_name.name)) {
		b->unsure = 1;
		return 1;
	}
	b->dentry = (__u64)parent;
	return 0;
}

/* The names of file's path, leaf first, as d_path() would build them for the reader. */
static void file_names(struct vma_buf *b, struct file *file)
{
	struct fs_struct *fs = untrusted(bpf_get_current_task_btf(), struct task_struct)->fs;
	struct dentry *d = file->f_path.dentry;
	__u64 mnt = (__u64)file->f_path.mnt - bpf_core_field_offset(struct mount, mnt);
	const struct dentry_operations *ops = d->d_op;

	/* pseudo files name themselves (d_path()'s d_dname case): userspace knows the few */
	if (ops && ops->d_dname &&
	    (d != d->d_parent || d != untrusted((void *)mnt, struct mount)->mnt.mnt_root)) {
		b->rec.kind = ITER_VMA_DNAME;
		b->rec.magic = (__u32)d->d_sb->s_magic;
		if (!name_put(b, d->d_name.name))
			b->unsure = 1;
		return;
	}
	if (!d->d_hash.pprev && d != d->d_parent)
		b->rec.flags |= ITER_VMA_DELETED;
	b->dentry = (__u64)d;
	b->mnt = mnt;
	b->root_dentry = (__u64)fs->root.dentry;
	b->root_mnt = (__u64)fs->root.mnt;
	if (bpf_loop(PATH_STEPS, path_step, NULL, 0) == PATH_STEPS)
		b->unsure = 1;
}

static void file_vma(struct vma_buf *b, struct bpf_iter_meta *meta, struct vm_area_struct *vma,
		     struct file *file)
{
	struct inode *inode = file->f_inode;

	b->rec.pgoff = vma->vm_pgoff;
	b->rec.dev = inode->i_sb->s_dev;
	b->rec.ino = inode->i_ino;
	if (vma_anon_name(vma)) {
		b->unsure = 1; /* "[anon_shmem:NAME]" */
		return;
	}
	if (b->last_session == meta->session_id && b->last_num + 1 == meta->seq_num &&
	    b->last_file == (__u64)file) {
		b->rec.kind = ITER_VMA_SAME_FILE;
		return;
	}
	b->rec.kind = ITER_VMA_FILE;
	file_names(b, file);
}

/*
 * A special mapping's name: "[vdso]", "[vvar]", "[uprobes]". An anonymous mapping with
 * operations is one (its vm_private_data a struct vm_special_mapping, whose first field is
 * the name, read without CO-RE: the kernel's cache of relocation candidates has 31 slots,
 * and vm_operations_struct and vm_special_mapping each share one with a type this walk
 * needs, which made every load search the kernel's BTF again). A name that is not in
 * brackets is not one, and makes the record unsure.
 */
static void special_name(struct vma_buf *b, const void *sm)
{
	const char *name = NULL;

	b->rec.kind = ITER_VMA_SPECIAL;
	if (!sm || bpf_probe_read_kernel(&name, sizeof(name), sm) || !name || !name_put(b, name) ||
	    b->off < 3) {
		b->unsure = 1;
		return;
	}
	/* off is at most ITER_VMA_NAMES_MAX (name_put): the mask only shows the verifier */
	if (b->names[0] != '[' || b->names[(b->off - 2) & (ITER_VMA_NAMES_MAX - 1)] != ']')
		b->unsure = 1;
}

/* What names an anonymous mapping: its special mapping, the heap, the stack, or its name. */
static void anon_vma(struct vma_buf *b, struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	struct anon_vma_name *name;

	if (vma->vm_ops) {
		special_name(b, vma->vm_private_data);
	} else if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk) {
		b->rec.kind = ITER_VMA_HEAP;
	} else if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack) {
		b->rec.kind = ITER_VMA_STACK;
	} else if ((name = vma_anon_name(vma))) {
		b->rec.kind = ITER_VMA_ANON_NAME;
		if (!name_put(b, untrusted(name, struct anon_vma_name)->name))
			b->unsure = 1;
	}
}

SEC("iter/task_vma")
int dump_vma(struct bpf_iter__task_vma *ctx)
{
	struct bpf_iter_meta *meta = ctx->meta;
	struct vm_area_struct *vma;
	struct task_struct *t;
	struct vma_buf *b;
	struct file *file;
	__u64 flags;
	__u32 len;

	if (!ctx->task || !ctx->vma)
		return 0;
	t = untrusted(ctx->task, struct task_struct);
	if (t->pid != t->tgid)
		return 0; /* a thread with a table of files of its own: its leader has the maps */
	b = buf_get();
	if (!b)
		return 0;
	vma = untrusted(ctx->vma, struct vm_area_struct);
	__builtin_memset(&b->rec, 0, sizeof(b->rec));
	b->off = 0;
	b->unsure = 0;
	b->rec.pid = t->tgid;
	b->rec.start = vma->vm_start;
	b->rec.end = vma->vm_end;
	flags = vma->vm_flags;
	b->rec.perms = (flags & 1 ? ITER_VMA_READ : 0) | (flags & 2 ? ITER_VMA_WRITE : 0) |
		       (flags & 4 ? ITER_VMA_EXEC : 0) | (flags & 0x80 ? ITER_VMA_SHARED : 0);
	file = vma->vm_file;
	if (file)
		file_vma(b, meta, vma, untrusted(file, struct file));
	else
		anon_vma(b, vma);
	if (b->unsure) {
		b->rec.kind = ITER_VMA_UNSURE;
		b->off = 0;
	}
	len = b->off;
	if (len > ITER_VMA_NAMES_MAX)
		return 0;
	b->rec.version = ITER_VMA_VERSION;
	b->rec.size = sizeof(b->rec) + len;
	if (bpf_seq_write(meta->seq, b, sizeof(b->rec) + len))
		return 0;
	b->last_session = meta->session_id;
	b->last_num = meta->seq_num;
	b->last_file = (__u64)file;
	return 0;
}
