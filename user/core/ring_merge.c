// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ring_merge.c: a k-way merge of per-CPU ring buffers by record time. A ring hands its
 * records over in the order its CPU stamped them, so each queue is already sorted and a small
 * binary heap of queues, keyed by each one's oldest record, yields the next record in
 * O(log k). Records are copied out of the rings (libbpf releases a record when its callback
 * returns) into queues that grow as needed and are compacted after each write.
 */
#include "core/ring_merge.h"

#include <errno.h>
#include <linux/types.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "core/ring_set.h"

#define QUEUE_ALIGN 8

static size_t rec__span(size_t len)
{
	return (sizeof(size_t) + len + QUEUE_ALIGN - 1) & ~(size_t)(QUEUE_ALIGN - 1);
}

/* A record's time: its header's stamp, 0 for one too short to have a header (bad anyway). */
static uint64_t queue__head_ts(const struct ring_queue *q)
{
	size_t len;
	struct vg_hdr hdr;

	memcpy(&len, q->buf + q->head, sizeof(len));
	if (len < sizeof(hdr))
		return 0;
	memcpy(&hdr, q->buf + q->head + sizeof(size_t), sizeof(hdr));
	return hdr.ts_ns;
}

static int queue__push(struct ring_queue *q, const void *data, size_t len)
{
	size_t need = rec__span(len);

	if (q->head && q->head == q->len)
		q->head = q->len = 0;
	if (q->len + need > q->cap) {
		size_t cap = q->cap ? q->cap : 64 << 10;
		uint8_t *buf;

		if (q->head) { /* reclaim the written part first */
			memmove(q->buf, q->buf + q->head, q->len - q->head);
			q->len -= q->head;
			q->head = 0;
		}
		while (q->len + need > cap)
			cap *= 2;
		if (cap > q->cap) {
			buf = realloc(q->buf, cap);
			if (!buf)
				return -ENOMEM;
			q->buf = buf;
			q->cap = cap;
		}
	}
	memcpy(q->buf + q->len, &len, sizeof(len));
	memcpy(q->buf + q->len + sizeof(len), data, len);
	q->len += need;
	return 0;
}

int ring_queue__take(void *ctx, void *data, size_t len)
{
	struct ring_queue *q = ctx;

	if (queue__push(q, data, len)) {
		q->m->unqueued++;
		q->m->write(q->m->ctx, data, len);
	}
	return 0;
}

void ring_merge__init(struct ring_merge *m, ring_merge_write_fn write, void *ctx)
{
	memset(m, 0, sizeof(*m));
	m->write = write;
	m->ctx = ctx;
}

struct ring_queue *ring_merge__queue(struct ring_merge *m)
{
	struct ring_queue **queues = realloc(m->queues, (size_t)(m->n + 1) * sizeof(*queues));
	struct ring_queue **heap;
	struct ring_queue *q;

	if (!queues)
		return NULL;
	m->queues = queues;
	heap = realloc(m->heap, (size_t)(m->n + 1) * sizeof(*heap));
	if (!heap)
		return NULL;
	m->heap = heap;
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->m = m;
	m->queues[m->n++] = q;
	return q;
}

int ring_merge__add(struct ring_merge *m, struct ring_buffer **rb, int fd)
{
	struct ring_queue *q = ring_merge__queue(m);

	return q ? ring_set__join(rb, fd, ring_queue__take, q) : -ENOMEM;
}

static void heap__sift_down(struct ring_queue **h, int n, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, min = i;
		struct ring_queue *t;

		if (l < n && queue__head_ts(h[l]) < queue__head_ts(h[min]))
			min = l;
		if (r < n && queue__head_ts(h[r]) < queue__head_ts(h[min]))
			min = r;
		if (min == i)
			return;
		t = h[i];
		h[i] = h[min];
		h[min] = t;
		i = min;
	}
}

void ring_merge__write_until(struct ring_merge *m, uint64_t horizon)
{
	int n = 0;

	for (int i = 0; i < m->n; i++) {
		struct ring_queue *q = m->queues[i];

		if (q->head < q->len && queue__head_ts(q) <= horizon)
			m->heap[n++] = q;
	}
	for (int i = n / 2 - 1; i >= 0; i--)
		heap__sift_down(m->heap, n, i);
	while (n) {
		struct ring_queue *q = m->heap[0];
		size_t len;

		memcpy(&len, q->buf + q->head, sizeof(len));
		m->write(m->ctx, q->buf + q->head + sizeof(len), len);
		q->head += rec__span(len);
		if (q->head == q->len || queue__head_ts(q) > horizon)
			m->heap[0] = m->heap[--n];
		heap__sift_down(m->heap, n, 0);
	}
}

void ring_merge__free(struct ring_merge *m)
{
	for (int i = 0; i < m->n; i++) {
		free(m->queues[i]->buf);
		free(m->queues[i]);
	}
	free(m->queues);
	free(m->heap);
	m->queues = m->heap = NULL;
	m->n = 0;
}
