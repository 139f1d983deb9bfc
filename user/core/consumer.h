/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * consumer.h: drains the subsystems' ring buffers. Each record is checked and decoded into
 * one reused row (no allocation), shown to an optional observer (the summary's per-process
 * TCP table, serve's counters), and handed to the exporter. The BPF side wakes the consumer
 * only when a quarter of a ring is full, so consumer__poll() also drains on its timeout: that
 * bounds the delivery delay to the poll interval. Records that are written out come from
 * per-CPU rings put back in time order (core/ring_merge.h): a record waits until every ring
 * has been drained past its time, CONSUMER_ORDER_SLACK_NS after it at the latest, so the
 * delay grows by at most one poll interval. Observers alone take records as they come.
 */
#ifndef VIGIL_CONSUMER_H
#define VIGIL_CONSUMER_H

#include <errno.h>
#include <stdint.h>

#include "export/export.h"
#include "core/record.h"
#include "core/ring_merge.h"

/*
 * The callback's answer when the sink buffer is nearly full: end this drain so the sink is
 * flushed outside the callback. The mark leaves room for the longest formatted row.
 */
#define CONSUMER_STOP	    (-EAGAIN)
#define CONSUMER_HIGH_WATER (SINK_BUF_SIZE - 16 * 1024)

/*
 * A record stamped this long before a drain began is in its ring by the time the drain
 * reads it (a program takes microseconds from its clock read to its submit), so every
 * record up to then can be written in order.
 */
#define CONSUMER_ORDER_SLACK_NS 5000000ULL

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
	struct ring_merge merge;  /* with an exporter: the rings' records in time order */
	uint64_t records[VK_MAX]; /* per kind */
	uint64_t bad_records;	  /* failed the size/kind check */
	struct vrow row;
};

void consumer__init(struct consumer *c, struct exporter *ex, consumer_observe_fn observe,
		    void *observe_ctx);
int consumer__add_ring(struct consumer *c, int ring_fd);

/*
 * Wait up to timeout_ms for a wakeup, then drain everything ready; records to be written wait
 * for their turn in time order. Returns 0 or more, or -errno.
 */
int consumer__poll(struct consumer *c, int timeout_ms);

/* Drain the rings and write every record still waiting: the end of a run. */
int consumer__drain_all(struct consumer *c);

/* Count, observe and export one row made in userspace (a fallback poller's). */
void consumer__emit(void *ctx, const struct vrow *row);

/*
 * Handle one raw record: the ring-buffer callback, also fed directly by benchmarks. Returns 0,
 * or CONSUMER_STOP once the sink needs a flush (the record itself was handled).
 */
int consumer__handle(void *ctx, void *data, size_t len);

void consumer__fini(struct consumer *c);

#endif /* VIGIL_CONSUMER_H */
