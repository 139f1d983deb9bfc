/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ring_merge.h: records from several ring buffers (one per CPU) put back in time order.
 * Each ring's records are copied out as they are drained into a queue of their own, in the
 * order that CPU stamped them; ring_merge__write_until() then hands over every queued record
 * up to a time, oldest first across the queues.
 */
#ifndef VIGIL_RING_MERGE_H
#define VIGIL_RING_MERGE_H

#include <stddef.h>
#include <stdint.h>

struct ring_buffer;
struct ring_merge;

/* Where merged records go: the consumer's handler. */
typedef void (*ring_merge_write_fn)(void *ctx, void *data, size_t len);

struct ring_queue {
	struct ring_merge *m;
	uint8_t *buf; /* records, each as a size_t length and the bytes, 8-byte aligned */
	size_t head;  /* offset of the oldest record not yet written */
	size_t len;   /* bytes in use */
	size_t cap;
};

struct ring_merge {
	struct ring_queue **queues;
	int n;
	struct ring_queue **heap; /* queues with a record due, by their oldest record's time */
	ring_merge_write_fn write;
	void *ctx;
	uint64_t unqueued; /* records written at once, out of order, for want of memory */
};

void ring_merge__init(struct ring_merge *m, ring_merge_write_fn write, void *ctx);

/* A new queue of m, for one ring; NULL without memory. */
struct ring_queue *ring_merge__queue(struct ring_merge *m);

/* The ring buffer callback (ctx: a queue): queue a copy, or write it now without memory. */
int ring_queue__take(void *ctx, void *data, size_t len);

/* Add ring fd to *rb (made on the first), its records queued here. */
int ring_merge__add(struct ring_merge *m, struct ring_buffer **rb, int fd);

/* Write every queued record stamped at or before horizon (ns), oldest first. */
void ring_merge__write_until(struct ring_merge *m, uint64_t horizon);

void ring_merge__free(struct ring_merge *m);

#endif /* VIGIL_RING_MERGE_H */
