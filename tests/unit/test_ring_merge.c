// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_ring_merge.c: records taken from several per-CPU rings come out in time order. Each
 * queue is fed as a ring would feed it (each CPU's records in its own order, the CPUs
 * interleaved unevenly, record sizes mixed); a write up to a horizon hands over exactly the
 * records stamped up to it, oldest first, keeps the rest queued in order, and a short
 * (headerless) record is not lost.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/types.h>
#include <stdlib.h>
#include <string.h>

#include "core/ring_merge.h"
#include "events.h"

#define CPUS	4
#define PER_CPU 5000

struct seen {
	uint64_t ts[CPUS * PER_CPU + 8];
	size_t lens[CPUS * PER_CPU + 8];
	int n;
};

static void record_seen(void *ctx, void *data, size_t len)
{
	struct seen *s = ctx;
	struct vg_hdr hdr = { 0 };

	if (len >= sizeof(hdr))
		memcpy(&hdr, data, sizeof(hdr));
	s->ts[s->n] = hdr.ts_ns;
	s->lens[s->n++] = len;
}

/* A record of len bytes (at least a header) stamped ts. */
static void take(struct ring_queue *q, uint64_t ts, size_t len)
{
	uint8_t buf[256] = { 0 };
	struct vg_hdr hdr = { VG_KIND_RUNQ, (__u16)len, 0, ts };

	memcpy(buf, &hdr, sizeof(hdr));
	assert_int_equal(ring_queue__take(q, buf, len), 0);
}

static void test_records_come_out_in_time_order(void **state)
{
	struct seen *s = calloc(1, sizeof(*s));
	struct ring_queue *q[CPUS];
	struct ring_merge m;
	uint64_t next[CPUS];
	int first;

	(void)state;
	assert_non_null(s);
	ring_merge__init(&m, record_seen, s);
	for (int c = 0; c < CPUS; c++) {
		q[c] = ring_merge__queue(&m);
		assert_non_null(q[c]);
		next[c] = 1000 + (uint64_t)c * 7;
	}
	/* Each CPU's clock moves on by its own uneven steps; the rings fill in turns. */
	for (int i = 0; i < CPUS * PER_CPU; i++) {
		int c = (i * 7 + i / 3) % CPUS;

		take(q[c], next[c], sizeof(struct vg_hdr) + (size_t)(i % 5) * 24);
		next[c] += 1 + (uint64_t)((i * 31 + c) % 97);
	}
	ring_merge__write_until(&m, 50000);
	first = s->n;
	assert_true(first > 0);
	assert_true(first < CPUS * PER_CPU);
	for (int i = 0; i < first; i++) {
		assert_true(s->ts[i] <= 50000);
		if (i)
			assert_true(s->ts[i - 1] <= s->ts[i]);
	}
	ring_merge__write_until(&m, UINT64_MAX);
	assert_int_equal(s->n, CPUS * PER_CPU);
	for (int i = first; i < s->n; i++) {
		assert_true(s->ts[i] > 50000);
		assert_true(s->ts[i - 1] <= s->ts[i]);
	}
	assert_int_equal(m.unqueued, 0);
	ring_merge__free(&m);
	free(s);
}

static void test_short_record_is_not_lost(void **state)
{
	struct seen *s = calloc(1, sizeof(*s));
	struct ring_merge m;
	struct ring_queue *a, *b;
	uint8_t junk[3] = { 1, 2, 3 };

	(void)state;
	assert_non_null(s);
	ring_merge__init(&m, record_seen, s);
	a = ring_merge__queue(&m);
	b = ring_merge__queue(&m);
	assert_non_null(a);
	assert_non_null(b);
	take(a, 200, sizeof(struct vg_hdr));
	take(b, 100, sizeof(struct vg_hdr));
	assert_int_equal(ring_queue__take(b, junk, sizeof(junk)), 0);
	ring_merge__write_until(&m, 150);
	/* b's 100 comes out; its junk waits behind it, as a stamp-0 record, and goes next. */
	assert_int_equal(s->n, 2);
	assert_int_equal(s->ts[0], 100);
	assert_int_equal(s->lens[1], sizeof(junk));
	ring_merge__write_until(&m, UINT64_MAX);
	assert_int_equal(s->n, 3);
	assert_int_equal(s->ts[2], 200);
	ring_merge__free(&m);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_come_out_in_time_order),
		cmocka_unit_test(test_short_record_is_not_lost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
