// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_vmas.c: the BPF task_vma walk of every mapping (iter_vmas.h). The first walk loads
 * iter_vmas.bpf.c through its light skeleton and keeps it for the process' lifetime; a walk
 * of one process gets a link of its own, limited to that pid. The walk is read in bounded
 * chunks (iter_read.h), every record checked for version and size, and handed to the decoder
 * (iter_vmas_decode.c), which names it.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/types.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "iter/iter_lskel.h"
#include "iter/iter_read.h"
#include "iter/iter_vmas.h"
#include "iter_rec.h"
#include "iter_vmas.lskel.h"

ITER_LSKEL_ONCE(iter_vmas_lskel)

static char last_why[256];

const char *iter_vmas__why(void)
{
	return last_why;
}

static int vmas_read(struct iter_reader *rd, struct iter_vmas *w)
{
	for (;;) {
		const void *r;
		uint16_t size;
		int ret = iter_reader__next_var(rd, ITER_VMA_VERSION, sizeof(struct iter_vma_rec),
						&r, &size);

		if (ret <= 0)
			return ret;
		ret = iter_vmas__add(w, r, size);
		if (ret)
			return ret;
	}
}

/* A link that walks pid's mappings only: its fd, or -errno. */
static int pid_link(pid_t pid)
{
	union bpf_iter_link_info info = { .task.pid = (__u32)pid };
	LIBBPF_OPTS(bpf_link_create_opts, opts, .iter_info = &info, .iter_info_len = sizeof(info));
	int fd = bpf_link_create(iter_vmas_lskel_once->progs.dump_vma.prog_fd, 0, BPF_TRACE_ITER,
				 &opts);

	return fd < 0 ? -errno : fd;
}

/* Load the object if need be and start a walk into rd: 0, or -errno (*step failed). */
static int vmas_start(struct iter_reader *rd, pid_t pid, int *own_link, const char **step)
{
	int err = iter_reader__check_pid_ns(step), link;

	if (!err)
		err = iter_vmas_lskel_get(step);
	if (err)
		return err;
	link = iter_vmas_lskel_once->links.dump_vma_fd;
	if (pid) {
		*step = "attach to one process";
		link = *own_link = pid_link(pid);
		if (link < 0)
			return link;
	}
	*step = "walk";
	err = iter_reader__init(rd, link, "mapping");
	return err ? err : iter_reader__start(rd);
}

int iter_vmas__walk(struct iter_vmas *out, pid_t pid)
{
	struct iter_reader rd = { .fd = -1 };
	const char *step;
	int link = -1, err;

	memset(out, 0, sizeof(*out));
	err = vmas_start(&rd, pid, &link, &step);
	if (!err)
		err = vmas_read(&rd, out);
	iter_reader__fini(&rd);
	if (link >= 0)
		close(link);
	if (err) {
		snprintf(last_why, sizeof(last_why), "the BPF mapping iterator failed to %s: %s",
			 step, strerror(-err));
		pr_debug("%s", last_why);
		iter_vmas__free(out);
		return err;
	}
	last_why[0] = '\0';
	iter_vmas__settle(out);
	return 0;
}

bool iter_vmas__probe(char *why, size_t len)
{
	struct iter_reader rd = { .fd = -1 };
	const char *step;
	const void *rec;
	uint16_t size;
	int link = -1, err = vmas_start(&rd, getpid(), &link, &step);

	if (!err) {
		err = iter_reader__next_var(&rd, ITER_VMA_VERSION, sizeof(struct iter_vma_rec),
					    &rec, &size);
		err = err < 0 ? err : err ? 0 : -ENODATA;
	}
	iter_reader__fini(&rd);
	if (link >= 0)
		close(link);
	if (err)
		snprintf(why, len, "the BPF mapping iterator failed to %s: %s", step,
			 strerror(-err));
	else
		snprintf(why, len, "iter/task_vma loads and walks (lsof's mem rows, pmap)");
	return !err;
}
