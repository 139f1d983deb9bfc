/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * consumer.h: drains the subsystems' ring buffers. Each record is checked and decoded into
 * one reused row (no allocation), shown to an optional observer (the summary's per-process
 * TCP table, serve's counters), and handed to the exporter. The BPF side wakes the consumer only
 * when a quarter
 * of a ring is full, so consumer__poll() also drains on its timeout: that bounds the
 * delivery delay to the poll interval.
 */
#ifndef VIGIL_CONSUMER_H
#define VIGIL_CONSUMER_H

#include <errno.h>
#include <stdint.h>

#include "export/export.h"
#include "core/record.h"

/*
 * The callback's answer when the sink buffer is nearly full: end this drain so the sink is
 * flushed outside the callback. The mark leaves room for the longest formatted row.
 */
#define CONSUMER_STOP	    (-EAGAIN)
#define CONSUMER_HIGH_WATER (SINK_BUF_SIZE - 16 * 1024)

struct ring_buffer;

typedef void (*consumer_observe_fn)(void *ctx, const struct vrow *row);
/* Adds to a row before it is observed and exported (--resolve's names); never waits. */
typedef void (*consumer_decorate_fn)(void *ctx, struct vrow *row);

struct consumer {
	struct ring_buffer *rb;
	struct exporter *ex; /* NULL: count and observe only */
	consumer_observe_fn observe;
	void *observe_ctx;
	consumer_decorate_fn decorate;
	void *decorate_ctx;
	uint64_t records[VK_MAX]; /* per kind */
	uint64_t bad_records;	  /* failed the size/kind check */
	struct vrow row;
};

void consumer__init(struct consumer *c, struct exporter *ex, consumer_observe_fn observe,
		    void *observe_ctx);
int consumer__add_ring(struct consumer *c, int ring_fd);

/* Wait up to timeout_ms for a wakeup, then drain everything ready. Returns records or -errno. */
int consumer__poll(struct consumer *c, int timeout_ms);

/* Count, observe and export one row made in userspace (a fallback poller's). */
void consumer__emit(void *ctx, const struct vrow *row);

/*
 * Handle one raw record: the ring-buffer callback, also fed directly by benchmarks. Returns 0,
 * or CONSUMER_STOP once the sink needs a flush (the record itself was handled).
 */
int consumer__handle(void *ctx, void *data, size_t len);

void consumer__fini(struct consumer *c);

#endif /* VIGIL_CONSUMER_H */
