// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_sock.c: the BPF task_file iterator as the fallback library's socket-owner feed, and
 * the tcp and udp iterators as its socket-table feed (unix sockets: see iter_net.bpf.c).
 * The first walk loads iter_net.bpf.c through its light skeleton (no vmlinux BTF parse in
 * the process) and attaches its programs once for the process' lifetime (a refreshing view
 * pays it once); each walk is read in bounded chunks (iter_read.h), every record checked for
 * version and size: a foreign format means the /proc scan or the sock_diag dump, with a
 * warning.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "iter/iter_lskel.h"
#include "iter/iter_read.h"
#include "iter/iter_sock.h"
#include "iter_net.lskel.h"
#include "iter_rec.h"

struct iter_sock {
	struct iter_reader rd;
};

ITER_LSKEL_ONCE(iter_net_lskel)

static char last_why[256], table_why[256];

const char *iter_sock__why(void)
{
	return last_why;
}

const char *iter_sock__table_why(void)
{
	return table_why;
}

/* The loaded and attached object: 0, or -errno and @why says why. */
static int net_skel_get(char *why, size_t len)
{
	const char *step;
	int err = iter_net_lskel_get(&step);

	if (err) {
		snprintf(why, len, "the BPF socket iterators failed to %s: %s", step,
			 strerror(-err));
		pr_debug("%s", why);
	}
	return err;
}

static void sock_close(void *state)
{
	struct iter_sock *s = state;

	if (!s)
		return;
	iter_reader__fini(&s->rd);
	free(s);
}

static int sock_open(void **state)
{
	struct iter_sock *s = NULL;
	const char *step;
	int err = iter_reader__check_pid_ns(&step);

	if (err)
		goto fail;
	err = net_skel_get(last_why, sizeof(last_why));
	if (err)
		return err;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->rd.fd = -1;
	step = "walk";
	err = iter_reader__init(&s->rd, iter_net_lskel_once->links.dump_sock_owner_fd,
				"socket owner");
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

/* ------------------------------------------------------------- socket tables */

/* One walk of each wanted table in turn, one record in flight. */
struct iter_sktab {
	struct iter_reader rd;
	int links[2];
	int nlinks, cur;
};

static void sktab_close(void *state)
{
	struct iter_sktab *t = state;

	if (!t)
		return;
	iter_reader__fini(&t->rd);
	free(t);
}

/* Start the walk of the next table: 1, 0 when none is left, -errno. */
static int sktab_advance(struct iter_sktab *t)
{
	int err;

	if (t->cur >= t->nlinks)
		return 0;
	t->rd.link_fd = t->links[t->cur++];
	err = iter_reader__start(&t->rd);
	if (!err)
		err = iter_reader__check_first(&t->rd, ITER_SK_VERSION, sizeof(struct iter_sk_rec));
	return err < 0 ? err : 1;
}

static int sktab_open(void **state, unsigned *which)
{
	struct iter_sktab *t;
	const char *step = "walk";
	int err;

	*which &= FB_SOCK_TCP | FB_SOCK_UDP; /* no unix walk */
	err = net_skel_get(table_why, sizeof(table_why));
	if (err)
		return err;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (*which & FB_SOCK_TCP)
		t->links[t->nlinks++] = iter_net_lskel_once->links.dump_tcp_fd;
	if (*which & FB_SOCK_UDP)
		t->links[t->nlinks++] = iter_net_lskel_once->links.dump_udp_fd;
	err = iter_reader__init(&t->rd, -1, "socket table");
	if (!err)
		err = sktab_advance(t);
	if (err < 0)
		goto fail;
	table_why[0] = '\0';
	*state = t;
	return 0;

fail:
	snprintf(table_why, sizeof(table_why), "the BPF socket-table iterators failed to %s: %s",
		 step, strerror(-err));
	pr_debug("%s", table_why);
	sktab_close(t);
	return err;
}

static int sktab_next(void *state, struct fb_sock_entry *out)
{
	struct iter_sktab *t = state;
	const struct iter_sk_rec *r = NULL;
	int ret;

	for (;;) {
		ret = iter_reader__next(&t->rd, ITER_SK_VERSION, sizeof(*r), (const void **)&r);
		if (ret)
			break;
		ret = sktab_advance(t);
		if (ret <= 0)
			return ret;
	}
	if (ret < 0) {
		snprintf(table_why, sizeof(table_why), "the BPF socket-table walk broke off: %s",
			 strerror(-ret));
		return ret;
	}
	memset(out, 0, sizeof(*out));
	out->family = r->family;
	out->type = r->type;
	out->state = r->state;
	memcpy(out->saddr, r->saddr, sizeof(out->saddr));
	memcpy(out->daddr, r->daddr, sizeof(out->daddr));
	out->sport = r->sport;
	out->dport = r->dport;
	out->inode = r->inode;
	out->uid = r->uid;
	out->has_rtt = r->flags & ITER_SK_RTT;
	out->srtt_us = out->has_rtt ? r->srtt_us : 0;
	return 1;
}

static const struct fb_sock_table_feed table_feed = {
	.source = "bpf_iter",
	.open = sktab_open,
	.next = sktab_next,
	.close = sktab_close,
};

const struct fb_sock_table_feed *iter_sock__table_feed(void)
{
	return &table_feed;
}

bool iter_sock__probe(char *why, size_t len)
{
	unsigned which = FB_SOCK_TCP | FB_SOCK_UDP;
	void *state;

	if (sock_open(&state)) {
		snprintf(why, len, "%s", last_why);
		return false;
	}
	sock_close(state);
	if (sktab_open(&state, &which)) {
		snprintf(why, len, "%s", table_why);
		return false;
	}
	sktab_close(state);
	snprintf(why, len,
		 "iter/tcp, iter/udp and iter/task_file load and walk (net, lsof -i); "
		 "unix sockets through sock_diag");
	return true;
}
