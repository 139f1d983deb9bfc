// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * consumer.c: the ring-buffer read path: check, decode, observe, export. The ring-buffer
 * callback only fills the exporter's sink buffer; when that buffer passes its high-water mark
 * the callback ends the drain early (libbpf keeps the record as consumed), consumer__poll()
 * flushes the sink, and the drain goes on. So write(2) and gzip run between drains, never
 * inside the callback, and a slow disk delays the next drain instead of stalling one.
 */
#include "core/consumer.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <poll.h>
#include <string.h>

void consumer__init(struct consumer *c, struct exporter *ex, consumer_observe_fn observe,
		    void *observe_ctx)
{
	memset(c, 0, sizeof(*c));
	c->ex = ex;
	c->observe = observe;
	c->observe_ctx = observe_ctx;
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
	if (!c->rb) {
		c->rb = ring_buffer__new(ring_fd, consumer__handle, c, NULL);
		return c->rb ? 0 : -errno;
	}
	return ring_buffer__add(c->rb, ring_fd, consumer__handle, c);
}

int consumer__poll(struct consumer *c, int timeout_ms)
{
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
	do {
		if (c->ex)
			sink__flush(c->ex->sink);
		n = ring_buffer__consume(c->rb);
	} while (n == CONSUMER_STOP);
	return n;
}

void consumer__fini(struct consumer *c)
{
	ring_buffer__free(c->rb);
	c->rb = NULL;
}
