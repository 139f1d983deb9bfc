// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_sock.c: the BPF task_file iterator as the fallback library's socket-owner feed. Each
 * listing loads iter_net.bpf.c through its light skeleton (no vmlinux BTF parse in the
 * process), attaches `dump_sock_owner` and reads one walk in bounded chunks (iter_read.h),
 * each record checked for version and size: a foreign format at open means the /proc scan,
 * with a warning.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "iter/iter_read.h"
#include "iter/iter_sock.h"
#include "iter_net.lskel.h"
#include "iter_rec.h"

struct iter_sock {
	struct iter_net_lskel *skel;
	struct iter_reader rd;
};

static char last_why[256];

const char *iter_sock__why(void)
{
	return last_why;
}

static void sock_close(void *state)
{
	struct iter_sock *s = state;

	if (!s)
		return;
	iter_reader__fini(&s->rd);
	iter_net_lskel__destroy(s->skel);
	free(s);
}

static int sock_open(void **state)
{
	struct iter_sock *s = calloc(1, sizeof(*s));
	const char *step = "allocate";
	int err = -ENOMEM;

	if (!s)
		goto fail;
	s->rd.fd = -1;
	step = "open";
	s->skel = iter_net_lskel__open();
	if (!s->skel)
		goto fail;
	step = "load";
	err = iter_net_lskel__load(s->skel);
	if (err)
		goto fail;
	step = "attach";
	err = iter_net_lskel__attach(s->skel);
	if (err)
		goto fail;
	step = "walk";
	err = iter_reader__init(&s->rd, s->skel->links.dump_sock_owner_fd, "socket owner");
	if (!err)
		err = iter_reader__start(&s->rd);
	if (err)
		goto fail;
	step = "check";
	err = iter_reader__check_first(&s->rd, ITER_SOCK_VERSION, sizeof(struct iter_sock_rec));
	if (err < 0)
		goto fail;
	last_why[0] = '\0';
	*state = s;
	return 0;

fail:
	snprintf(last_why, sizeof(last_why), "the BPF socket-owner iterator failed to %s: %s", step,
		 strerror(-err));
	pr_debug("%s", last_why);
	sock_close(s);
	return err;
}

static int sock_next(void *state, struct fb_sock_owner *out)
{
	struct iter_sock *s = state;
	const struct iter_sock_rec *r = NULL;
	int ret = iter_reader__next(&s->rd, ITER_SOCK_VERSION, sizeof(*r), (const void **)&r);

	if (ret <= 0)
		return ret;
	out->inode = r->inode;
	out->pid = (pid_t)r->pid;
	out->fd = r->fd;
	return 1;
}

static const struct fb_sock_owner_feed feed = {
	.source = "bpf_iter",
	.open = sock_open,
	.next = sock_next,
	.close = sock_close,
};

const struct fb_sock_owner_feed *iter_sock__feed(void)
{
	return &feed;
}
