// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_files.c: the BPF task_file walk of every open fd (iter_files.h). The first walk loads
 * iter_files.bpf.c through its light skeleton and attaches it for the process' lifetime; each
 * walk is read in bounded chunks (iter_read.h), every record checked for version and size, and
 * collected sorted by pid and fd. The kernel's dev_t (major << 20 | minor) becomes stat()'s.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <stddef.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "core/log.h"
#include "iter/iter_files.h"
#include "iter/iter_lskel.h"
#include "iter/iter_pid_run.h"
#include "iter/iter_read.h"
#include "iter_files.lskel.h"
#include "iter_rec.h"

ITER_LSKEL_ONCE(iter_files_lskel)

static char last_why[256];

const char *iter_files__why(void)
{
	return last_why;
}

static dev_t kernel_dev(__u32 k)
{
	return makedev(k >> 20, k & 0xfffff);
}

/*
 * One record into an entry: 0 or -errno. The paths' lengths leave records at any alignment:
 * the fixed part is read through a copy.
 */
static int file_fill(struct iter_file *e, const void *rec, uint16_t size)
{
	const char *path = (const char *)rec + sizeof(struct iter_file_rec);
	size_t path_len = size - sizeof(struct iter_file_rec); /* next_var: size >= that */
	struct iter_file_rec copy, *r = &copy;

	if (!path_len || path[path_len - 1])
		return -EPROTO;
	memcpy(&copy, rec, sizeof(copy));
	memset(e, 0, sizeof(*e));
	e->pid = (pid_t)r->pid;
	e->fd.kind = FB_FD_NUM;
	e->fd.fd = r->fd;
	e->fd.path = strdup(path);
	if (!e->fd.path)
		return -ENOMEM;
	e->fd.mode = r->mode;
	e->fd.dev = kernel_dev(r->dev);
	e->fd.rdev = kernel_dev(r->rdev);
	e->fd.size = r->isize;
	e->fd.ino = r->ino;
	e->fd.flags = r->flags;
	e->fd.pos = r->pos;
	e->fd.valid = FB_FDI_STAT | FB_FDI_FLAGS | FB_FDI_POS;
	return 0;
}

static int file_cmp(const void *a, const void *b)
{
	const struct iter_file *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd.fd > y->fd.fd) - (x->fd.fd < y->fd.fd);
}

static int files_read(struct iter_reader *rd, struct iter_files *out)
{
	size_t cap = 0;
	int ret;

	for (;;) {
		const struct iter_file_rec *r;
		uint16_t size;

		ret = iter_reader__next_var(rd, ITER_FILE_VERSION, sizeof(*r), (const void **)&r,
					    &size);
		if (ret <= 0)
			return ret;
		if (out->n == cap) {
			size_t ncap = cap ? 2 * cap : 1024;
			struct iter_file *v = realloc(out->v, ncap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			out->v = v;
			cap = ncap;
		}
		ret = file_fill(&out->v[out->n], r, size);
		if (ret)
			return ret;
		out->n++;
	}
}

/* Load the object if need be and start a walk into rd: 0, or -errno (*step failed). */
static int files_start(struct iter_reader *rd, const char **step)
{
	int err = iter_reader__check_pid_ns(step);

	if (!err)
		err = iter_files_lskel_get(step);
	if (err)
		return err;
	*step = "walk";
	err = iter_reader__init(rd, iter_files_lskel_once->links.dump_file_fd, "open file");
	return err ? err : iter_reader__start(rd);
}

int iter_files__walk(struct iter_files *out)
{
	struct iter_reader rd = { .fd = -1 };
	const char *step;
	int err;

	out->v = NULL;
	out->n = 0;
	err = files_start(&rd, &step);
	if (!err)
		err = files_read(&rd, out);
	iter_reader__fini(&rd);
	if (err) {
		snprintf(last_why, sizeof(last_why), "the BPF open-file iterator failed to %s: %s",
			 step, strerror(-err));
		pr_debug("%s", last_why);
		iter_files__free(out);
		return err;
	}
	last_why[0] = '\0';
	qsort(out->v, out->n, sizeof(*out->v), file_cmp);
	return 0;
}

_Static_assert(offsetof(struct iter_file, pid) == 0, "iter_pid_run() reads the pid first");

size_t iter_files__of(const struct iter_files *f, pid_t pid, size_t *first)
{
	return iter_pid_run(f->v, f->n, sizeof(*f->v), pid, first);
}

void iter_files__free(struct iter_files *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].fd.path);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

bool iter_files__probe(char *why, size_t len)
{
	struct iter_reader rd = { .fd = -1 };
	const char *step;
	const void *rec;
	uint16_t size;
	int err = files_start(&rd, &step);

	if (!err) {
		err = iter_reader__next_var(&rd, ITER_FILE_VERSION, sizeof(struct iter_file_rec),
					    &rec, &size);
		err = err < 0 ? err : 0;
	}
	iter_reader__fini(&rd);
	if (err)
		snprintf(why, len, "the BPF open-file iterator failed to %s: %s", step,
			 strerror(-err));
	else
		snprintf(why, len, "iter/task_file loads and walks (lsof's fds)");
	return !err;
}
