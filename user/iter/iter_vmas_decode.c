// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_vmas_decode.c: the mapping walk's records into a listing (iter_vmas.h), apart from the
 * BPF that makes them, so the fuzzer drives it alone. Each record's name is made as
 * /proc/PID/maps shows it: a path's names joined from the root, a newline as "\012",
 * " (deleted)" after an unlinked file, memfd and SysV shm as "/NAME (deleted)", the special
 * mappings in brackets. A process with a record that cannot be named so, or whose records do
 * not hold together, is left out and listed as unsure.
 */
#include <errno.h>
#include <stddef.h>
#include <linux/types.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "iter/iter_pid_run.h"
#include "iter/iter_vmas.h"
#include "iter_rec.h"

/* The filesystems whose files name themselves in /proc, as d_path()'s d_dname gives them. */
#define TMPFS_MAGIC	    0x01021994u /* memfd, SysV shm, shared /dev/zero: simple_dname() */
#define HUGETLBFS_MAGIC	    0x958458f6u
#define RAMFS_MAGIC	    0x858458f6u
#define ANON_INODE_FS_MAGIC 0x09041934u /* "anon_inode:[perf_event]" */

static int names_put(struct iter_vmas *w, const char *s, size_t n)
{
	if (w->names_len + n + 1 > w->names_cap) {
		size_t cap = w->names_cap ? 2 * w->names_cap : 64 * 1024;
		char *v;

		while (cap < w->names_len + n + 1)
			cap *= 2;
		v = realloc(w->names, cap);
		if (!v)
			return -ENOMEM;
		w->names = v;
		w->names_cap = cap;
	}
	memcpy(w->names + w->names_len, s, n);
	w->names_len += n;
	w->names[w->names_len] = '\0';
	return 0;
}

/* A path's name as seq_path() writes it: each newline as "\012". */
static int names_put_escaped(struct iter_vmas *w, const char *s)
{
	int err = 0;

	for (const char *nl; !err && (nl = strchr(s, '\n')); s = nl + 1) {
		err = names_put(w, s, (size_t)(nl - s));
		if (!err)
			err = names_put(w, "\\012", 4);
	}
	return err ? err : names_put(w, s, strlen(s));
}

/* The path from the names the walk wrote, leaf first and each NUL ended, in len bytes. */
static int path_join(struct iter_vmas *w, const char *names, size_t len, bool deleted)
{
	const char *end = names + len, *p;
	int err = 0;

	if (!len)
		err = names_put(w, "/", 1);
	/* the last name first: step back over the NUL ending the one before it */
	while (!err && end > names) {
		for (p = end - 1; p > names && p[-1]; p--)
			;
		err = names_put(w, "/", 1);
		if (!err)
			err = names_put_escaped(w, p);
		end = p;
	}
	if (!err && deleted)
		err = names_put(w, " (deleted)", 10);
	return err;
}

/*
 * The name of one record into the pool, from e->path on, not yet NUL ended: 0, 1 when the
 * record cannot be named as /proc names it, -errno.
 */
static int vma_name(struct iter_vmas *w, struct iter_vma *e, const struct iter_vma_rec *r,
		    const char *names, size_t len)
{
	int err = 0;

	switch (r->kind) {
	case ITER_VMA_ANON:
		return 0;
	case ITER_VMA_FILE:
		e->deleted = r->flags & ITER_VMA_DELETED;
		return path_join(w, names, len, e->deleted);
	case ITER_VMA_DNAME:
		if (!len)
			return 1;
		if (r->magic == TMPFS_MAGIC || r->magic == HUGETLBFS_MAGIC ||
		    r->magic == RAMFS_MAGIC) {
			e->deleted = true;
			err = names_put(w, "/", 1);
			err = err ? err : names_put_escaped(w, names);
			return err ? err : names_put(w, " (deleted)", 10);
		}
		if (r->magic == ANON_INODE_FS_MAGIC) {
			err = names_put(w, "anon_inode:", 11);
			return err ? err : names_put_escaped(w, names);
		}
		return 1;
	case ITER_VMA_SPECIAL:
		return len ? names_put(w, names, len - 1) : 1;
	case ITER_VMA_HEAP:
		return names_put(w, "[heap]", 6);
	case ITER_VMA_STACK:
		return names_put(w, "[stack]", 7);
	case ITER_VMA_ANON_NAME:
		if (!len)
			return 1;
		err = names_put(w, "[anon:", 6);
		err = err ? err : names_put(w, names, len - 1);
		return err ? err : names_put(w, "]", 1);
	default:
		return 1;
	}
}

/*
 * e's name: the record before it's for ITER_VMA_SAME_FILE (which must be of the same
 * process' file), else its own, NUL ended in the pool. 0, 1 (unsure), -errno.
 */
static int vma_path(struct iter_vmas *w, struct iter_vma *e, const struct iter_vma_rec *r,
		    const char *names, size_t len)
{
	const struct iter_vma *prev = w->n ? &w->v[w->n - 1] : NULL;
	int ret;

	if (len && names[len - 1])
		return -EPROTO;
	if (r->kind == ITER_VMA_SAME_FILE) {
		if (!prev || prev->pid != e->pid || !prev->ino)
			return 1;
		e->path = prev->path;
		e->deleted = prev->deleted;
		return 0;
	}
	e->path = w->names_len;
	ret = vma_name(w, e, r, names, len);
	if (!ret)
		ret = names_put(w, "", 0);
	if (ret) {
		w->names_len = e->path;
		return ret;
	}
	w->names_len++; /* past the NUL names_put() left */
	return 0;
}

/* One record, with len bytes of names, into e: 0, 1 (unsure), -errno. */
static int vma_fill(struct iter_vmas *w, struct iter_vma *e, const struct iter_vma_rec *r,
		    const char *names, size_t len)
{
	static long page;

	if (!page)
		page = sysconf(_SC_PAGESIZE);
	memset(e, 0, sizeof(*e));
	e->pid = (pid_t)r->pid;
	e->start = r->start;
	e->end = r->end;
	if (r->ino) {
		e->offset = r->pgoff * (uint64_t)page;
		e->dev = makedev(r->dev >> 20, r->dev & 0xfffff);
		e->ino = r->ino;
	}
	e->perms[0] = r->perms & ITER_VMA_READ ? 'r' : '-';
	e->perms[1] = r->perms & ITER_VMA_WRITE ? 'w' : '-';
	e->perms[2] = r->perms & ITER_VMA_EXEC ? 'x' : '-';
	e->perms[3] = r->perms & ITER_VMA_SHARED ? 's' : 'p';
	return vma_path(w, e, r, names, len);
}

static int unsure_add(struct iter_vmas *w, pid_t pid)
{
	pid_t *v;

	if (w->nunsure && w->unsure[w->nunsure - 1] == pid)
		return 0;
	v = realloc(w->unsure, (w->nunsure + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	w->unsure = v;
	w->unsure[w->nunsure++] = pid;
	return 0;
}

int iter_vmas__add(struct iter_vmas *w, const void *rec, uint16_t size)
{
	struct iter_vma_rec r;
	int ret;

	/* the names' lengths leave records at any alignment: a copy of the fixed part */
	if (size < sizeof(r))
		return -EPROTO;
	memcpy(&r, rec, sizeof(r));
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 4096;
		struct iter_vma *v = realloc(w->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		w->v = v;
		w->cap = cap;
	}
	ret = vma_fill(w, &w->v[w->n], &r, (const char *)rec + sizeof(r), size - sizeof(r));
	if (ret < 0)
		return ret;
	if (ret)
		return unsure_add(w, (pid_t)r.pid);
	w->n++;
	return 0;
}

static int pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static int vma_cmp(const void *a, const void *b)
{
	const struct iter_vma *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->start > y->start) - (x->start < y->start);
}

void iter_vmas__settle(struct iter_vmas *w)
{
	size_t k = 0;

	if (!w->n)
		return;
	if (w->nunsure)
		qsort(w->unsure, w->nunsure, sizeof(*w->unsure), pid_cmp);
	for (size_t i = 0; i < w->n; i++) {
		if (!iter_vmas__unsure(w, w->v[i].pid))
			w->v[k++] = w->v[i];
	}
	w->n = k;
	qsort(w->v, w->n, sizeof(*w->v), vma_cmp);
}

_Static_assert(offsetof(struct iter_vma, pid) == 0, "iter_pid_run() reads the pid first");

size_t iter_vmas__of(const struct iter_vmas *w, pid_t pid, size_t *first)
{
	return iter_pid_run(w->v, w->n, sizeof(*w->v), pid, first);
}

bool iter_vmas__unsure(const struct iter_vmas *w, pid_t pid)
{
	return w->nunsure && bsearch(&pid, w->unsure, w->nunsure, sizeof(pid), pid_cmp);
}

void iter_vmas__free(struct iter_vmas *w)
{
	free(w->v);
	free(w->names);
	free(w->unsure);
	memset(w, 0, sizeof(*w));
}
