// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_tcp_hash.c: reading the direct walk of the TCP hash tables (iter_tcp_hash.h). Each
 * read() takes one slice's status record, after which the slice's sockets are in the ring,
 * drained before the next read; after the last slice the iterator is closed, so the tasks
 * behind it are never visited. The walks of a process take turns: they share the ring and
 * the slice counter. A status other than OK, a slice out of order, a foreign record
 * or a count of sockets that does not match the ring's is a failed walk: nothing is kept.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iter/iter_tcp_hash.h"

/* The ring's reader, made once per process for the one ring; walks take turns. */
static pthread_mutex_t walk_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ring_buffer *ring;
static struct iter_tcp_hash *sink;
static int sink_err;

static int ring_record(void *ctx, void *data, size_t len)
{
	const struct iter_sk_rec *r = data;
	struct iter_tcp_hash *h = sink;

	(void)ctx;
	if (len < sizeof(*r) || r->version != ITER_SK_VERSION || r->size != sizeof(*r))
		return sink_err = -EPROTO;
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 4096;
		struct iter_sk_rec *v = realloc(h->v, cap * sizeof(*v));

		if (!v)
			return sink_err = -ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = *r;
	return 0;
}

static const char *status_why(uint32_t status)
{
	switch (status) {
	case ITER_TCP_MOVED:
		return "a chain changed under it";
	case ITER_TCP_FULL:
		return "its ring buffer filled";
	case ITER_TCP_LONG:
		return "a bucket's chain was too long";
	default:
		return "an unknown status";
	}
}

/* The slices in order, the ring drained after each: 0, or -errno and h->why. */
static int walk_slices(struct iter_tcp_hash *h, int fd)
{
	struct iter_tcp_slice_rec rec;
	size_t want = 0;

	for (uint32_t k = 0; k < ITER_TCP_SLICES; k++) {
		ssize_t got;

		do {
			got = read(fd, &rec, sizeof(rec));
		} while (got < 0 && errno == EINTR);
		if (got < 0) {
			snprintf(h->why, sizeof(h->why), "read slice %u: %s", k, strerror(errno));
			return -errno;
		}
		if (got == 0) {
			snprintf(h->why, sizeof(h->why), "it ended after %u of %d slices", k,
				 ITER_TCP_SLICES);
			return -ENODATA;
		}
		if (got != sizeof(rec) || rec.version != ITER_TCP_SLICE_VERSION ||
		    rec.size != sizeof(rec) || rec.slice != k) {
			snprintf(h->why, sizeof(h->why), "slice %u came as a foreign record", k);
			return -EPROTO;
		}
		if (rec.status != ITER_TCP_OK) {
			snprintf(h->why, sizeof(h->why), "slice %u: %s", k, status_why(rec.status));
			return -EAGAIN;
		}
		want += rec.socks;
		if (ring_buffer__consume(ring) < 0 || sink_err) {
			snprintf(h->why, sizeof(h->why), "its ring held a foreign record");
			return sink_err ?: -EIO;
		}
	}
	if (h->n != want) {
		snprintf(h->why, sizeof(h->why), "%zu sockets in the ring, %zu announced", h->n,
			 want);
		return -EPROTO;
	}
	return 0;
}

int iter_tcp_hash__walk(struct iter_tcp_hash *h, const struct iter_tcp_hash_prog *p)
{
	int fd, err;

	h->n = 0;
	h->why[0] = '\0';
	pthread_mutex_lock(&walk_lock);
	if (!ring)
		ring = ring_buffer__new(p->ring_fd, ring_record, NULL, NULL);
	if (!ring) {
		err = errno ? -errno : -ENOMEM;
		snprintf(h->why, sizeof(h->why), "map its ring buffer: %s", strerror(-err));
		goto out;
	}
	sink = h;
	ring_buffer__consume(ring); /* what a failed walk left */
	h->n = 0;
	sink_err = 0;
	*p->next_slice = 0;
	fd = bpf_iter_create(p->link_fd);
	if (fd < 0) {
		err = -errno;
		snprintf(h->why, sizeof(h->why), "start: %s", strerror(errno));
		goto out;
	}
	err = walk_slices(h, fd);
	close(fd);
out:
	sink = NULL;
	pthread_mutex_unlock(&walk_lock);
	if (err)
		h->n = 0;
	return err;
}

void iter_tcp_hash__fini(struct iter_tcp_hash *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}
