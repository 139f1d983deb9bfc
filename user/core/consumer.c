// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * consumer.c: the ring-buffer read path: check, decode, observe, export. With an exporter,
 * the ring-buffer callbacks only queue copies (core/ring_merge.c) and the drain is followed
 * by writing the queued records in time order, the sink flushed whenever it nears full; so
 * write(2) and gzip run between drains, never inside a callback, and a slow disk delays the
 * next drain instead of stalling one. Without one, each callback handles its record at once.
 */
#include "core/consumer.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "core/ring_set.h"
#include "core/wallclock.h"

/* A merged record's turn: handled, and the sink flushed whenever it nears full. */
static void consumer__write_merged(void *ctx, void *data, size_t len)
{
	struct consumer *c = ctx;

	if (consumer__handle(c, data, len) == CONSUMER_STOP)
		sink__flush(c->ex->sink);
}

void consumer__init(struct consumer *c, struct exporter *ex, consumer_observe_fn observe,
		    void *observe_ctx)
{
	memset(c, 0, sizeof(*c));
	c->ex = ex;
	c->observe = observe;
	c->observe_ctx = observe_ctx;
	ring_merge__init(&c->merge, consumer__write_merged, c);
}

int consumer__handle(void *ctx, void *data, size_t len)
{
	struct consumer *c = ctx;

	if (vrow__decode(&c->row, data, len)) {
		c->bad_records++;
		return 0;
	}
	c->records[c->row.kind]++;
	if (c->decorate)
		c->decorate(c->decorate_ctx, &c->row);
	if (c->observe)
		c->observe(c->observe_ctx, &c->row);
	if (!c->ex)
		return 0;
	exporter__write(c->ex, &c->row);
	return c->ex->sink->len >= CONSUMER_HIGH_WATER ? CONSUMER_STOP : 0;
}

void consumer__emit(void *ctx, const struct vrow *row)
{
	struct consumer *c = ctx;
	struct vrow copy;

	if (c->decorate) {
		copy = *row; /* its text still points into row's scratch, alive during the call */
		c->decorate(c->decorate_ctx, &copy);
		row = &copy;
	}
	if (row->kind < VK_MAX)
		c->records[row->kind]++;
	if (c->observe)
		c->observe(c->observe_ctx, row);
	if (c->ex)
		exporter__write(c->ex, row);
}

int consumer__add_ring(struct consumer *c, int ring_fd)
{
	if (c->ex)
		return ring_merge__add(&c->merge, &c->rb, ring_fd);
	return ring_set__join(&c->rb, ring_fd, consumer__handle, c);
}

int consumer__poll(struct consumer *c, int timeout_ms)
{
	uint64_t drain_start;
	int n;

	if (!c->rb) { /* pollers only: hand on the last round's records, then wait */
		if (c->ex)
			sink__flush(c->ex->sink);
		poll(NULL, 0, timeout_ms);
		return 0;
	}
	n = ring_buffer__poll(c->rb, timeout_ms);
	if (n == CONSUMER_STOP)
		n = 0;
	else if (n < 0 && n != -EINTR)
		return n;
	drain_start = mono_now_ns();
	do {
		if (c->ex)
			sink__flush(c->ex->sink);
		n = ring_buffer__consume(c->rb);
	} while (n == CONSUMER_STOP);
	if (drain_start > CONSUMER_ORDER_SLACK_NS)
		ring_merge__write_until(&c->merge, drain_start - CONSUMER_ORDER_SLACK_NS);
	return n;
}

int consumer__drain_all(struct consumer *c)
{
	int n = consumer__poll(c, 0);

	ring_merge__write_until(&c->merge, UINT64_MAX);
	return n;
}

void consumer__fini(struct consumer *c)
{
	ring_buffer__free(c->rb);
	c->rb = NULL;
	ring_merge__free(&c->merge);
}
