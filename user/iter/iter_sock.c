// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_sock.c: the BPF fd-table walk (iter/task) as the fallback library's socket-owner
 * feed, and the tcp and udp iterators as its socket-table feed (unix sockets: see
 * iter_net.bpf.c).
 * The first walk loads iter_net.bpf.c through its light skeleton (no vmlinux BTF parse in
 * the process) and attaches its programs once for the process' lifetime (a refreshing view
 * pays it once); each walk is read in bounded chunks (iter_read.h), every record checked for
 * version and size: a foreign format means the /proc scan or the sock_diag dump, with a
 * warning.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/types.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "iter/iter_lskel.h"
#include "iter/iter_read.h"
#include "iter/iter_sock.h"
#include "iter/iter_tcp_hash.h"
#include "iter_net.lskel.h"
#include "iter_rec.h"

ITER_LSKEL_ONCE(iter_net_lskel)

static char last_why[256], table_why[256], walk_note[160], table_note[192];

const char *iter_sock__why(void)
{
	return last_why;
}

const char *iter_sock__note(void)
{
	return walk_note;
}

const char *iter_sock__table_note(void)
{
	return table_note;
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

/*
 * A walk's owners, read whole when it opens: the markers from the seq_file, the sockets from
 * the ring buffer, drained after each read() of markers (a process' sockets are in the ring
 * before its marker is written), so the ring need only hold the sockets of the processes one
 * read() covers. A process marked partial keeps its marker and loses its sockets: its fds are
 * read from /proc.
 */
struct iter_sock {
	struct fb_sock_owner *v;
	size_t n, cap, pos;
	size_t npartial;
	int err; /* a foreign record in the ring */
};

/*
 * Markers read at a time: the walk stops after that many processes, and their sockets, in the
 * 1 MiB ring (32k at most), are drained before it goes on.
 */
#define OWNER_READ (256 * sizeof(struct iter_sock_rec))

/* One walk at a time in the process: the ring and its reader are shared. */
static pthread_mutex_t walk_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ring_buffer *owner_ring;
static struct iter_sock *ring_sink;

static int owner_push(struct iter_sock *s, pid_t pid, int fd, unsigned threads, uint64_t inode)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		struct fb_sock_owner *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = (struct fb_sock_owner){ inode, pid, fd, threads };
	return 0;
}

static int ring_record(void *ctx, void *data, size_t len)
{
	const struct iter_sock_rec *r = data;
	struct iter_sock *s = ring_sink;

	(void)ctx;
	if (len < sizeof(*r) || r->version != ITER_SOCK_VERSION || r->size != sizeof(*r)) {
		s->err = -EPROTO;
		return -EPROTO;
	}
	s->err = owner_push(s, (pid_t)r->pid, r->fd, 0, r->inode);
	return s->err;
}

static int pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* Drop the sockets of the processes marked partial: /proc lists them whole. */
static void drop_partial(struct iter_sock *s)
{
	pid_t *pids = malloc(s->npartial * sizeof(*pids));
	size_t k = 0, m = 0;

	if (!pids) {
		s->err = -ENOMEM;
		return;
	}
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].fd == FB_SOCK_OWNER_PARTIAL)
			pids[m++] = s->v[i].pid;
	qsort(pids, m, sizeof(*pids), pid_cmp);
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].fd < 0 || !bsearch(&s->v[i].pid, pids, m, sizeof(*pids), pid_cmp))
			s->v[k++] = s->v[i];
	s->n = k;
	free(pids);
}

/* The walk, under walk_lock: 0, or -errno and *step says where. */
static int sock_walk(struct iter_sock *s, const char **step)
{
	struct iter_net_lskel *skel = iter_net_lskel_once;
	struct iter_reader rd = { .fd = -1 };
	const struct iter_sock_rec *r;
	int ret;

	*step = "map its ring buffer";
	if (!owner_ring)
		owner_ring = ring_buffer__new(skel->maps.owners.map_fd, ring_record, NULL, NULL);
	if (!owner_ring)
		return errno ? -errno : -ENOMEM;
	ring_sink = s;
	ring_buffer__consume(owner_ring); /* what an earlier, broken walk left */
	s->n = 0;
	s->err = 0;
	*step = "walk";
	ret = iter_reader__init(&rd, skel->links.dump_sock_owner_fd, "socket owner");
	rd.chunk = OWNER_READ;
	if (!ret)
		ret = iter_reader__start(&rd);
	if (!ret)
		ret = iter_reader__check_first(&rd, ITER_SOCK_VERSION, sizeof(*r));
	while (ret >= 0 && (ret = iter_reader__next(&rd, ITER_SOCK_VERSION, sizeof(*r),
						    (const void **)&r)) > 0) {
		bool partial = r->fd == ITER_SOCK_PARTIAL;

		s->npartial += partial;
		ret = owner_push(s, (pid_t)r->pid,
				 partial ? FB_SOCK_OWNER_PARTIAL : FB_SOCK_OWNER_VISITED,
				 r->threads, 0);
		if (!ret && ring_buffer__consume(owner_ring) < 0)
			ret = s->err ?: -EIO;
	}
	iter_reader__fini(&rd);
	if (!ret && ring_buffer__consume(owner_ring) < 0)
		ret = s->err ?: -EIO;
	walk_note[0] = '\0';
	if (!ret && s->npartial) {
		drop_partial(s);
		ret = s->err;
		snprintf(walk_note, sizeof(walk_note),
			 "%zu processes' fds from /proc: their sockets overflowed the walk's "
			 "1 MiB ring buffer",
			 s->npartial);
	}
	ring_sink = NULL;
	return ret;
}

static void sock_close(void *state)
{
	struct iter_sock *s = state;

	if (!s)
		return;
	free(s->v);
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
	pthread_mutex_lock(&walk_lock);
	err = sock_walk(s, &step);
	pthread_mutex_unlock(&walk_lock);
	if (err)
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

	if (s->pos == s->n)
		return 0;
	*out = s->v[s->pos++];
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

/*
 * The TCP table from the hash walk (iter_tcp_hash.h), else from iter/tcp; then the walk of
 * each other wanted table in turn, one record in flight.
 */
struct iter_sktab {
	struct iter_tcp_hash tcp;
	size_t tcp_pos;
	struct iter_reader rd;
	int links[2];
	int nlinks, cur;
};

static void sktab_close(void *state)
{
	struct iter_sktab *t = state;

	if (!t)
		return;
	iter_tcp_hash__fini(&t->tcp);
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

/* The TCP table: the hash walk's sockets, or iter/tcp's link to walk with the others. */
static void sktab_tcp(struct iter_sktab *t)
{
	struct iter_net_lskel *skel = iter_net_lskel_once;
	const struct iter_tcp_hash_prog prog = { skel->links.dump_tcp_hash_fd,
						 skel->maps.tcp_socks.map_fd,
						 &skel->bss->next_slice };

	if (!iter_tcp_hash__walk(&t->tcp, &prog))
		return;
	snprintf(table_note, sizeof(table_note),
		 "TCP sockets from iter/tcp: the hash walk failed: %s", t->tcp.why);
	pr_debug("%s", table_note);
	t->links[t->nlinks++] = skel->links.dump_tcp_fd;
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
	table_note[0] = '\0';
	if (*which & FB_SOCK_TCP)
		sktab_tcp(t);
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

static void sk_entry_from(const struct iter_sk_rec *r, struct fb_sock_entry *out)
{
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
}

static int sktab_next(void *state, struct fb_sock_entry *out)
{
	struct iter_sktab *t = state;
	const struct iter_sk_rec *r = NULL;
	int ret;

	if (t->tcp_pos < t->tcp.n) {
		sk_entry_from(&t->tcp.v[t->tcp_pos++], out);
		return 1;
	}
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
	sk_entry_from(r, out);
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
		 "%s, iter/udp and the fd tables' iter/task load and walk (net, lsof -i); unix "
		 "sockets through sock_diag",
		 *table_note ? "iter/tcp (the TCP hash walk failed)" : "the TCP hash walk");
	return true;
}
