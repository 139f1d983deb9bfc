// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_consumer.c: the ring-buffer callback does no I/O. Records go through
 * consumer__handle() as the ring buffer hands them over; the sink must accept no bytes for
 * writing while the callback runs, and the callback must ask for a flush (CONSUMER_STOP)
 * before the buffer overflows, with every record still exported once the caller flushes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/types.h>
#include <string.h>

#include "core/consumer.h"
#include "events.h"
#include "export/export.h"

#define RECORDS 20000

static void runq_record(struct vg_runq *e, uint32_t i)
{
	memset(e, 0, sizeof(*e));
	e->hdr = (struct vg_hdr){ VG_KIND_RUNQ, sizeof(*e), 0, 1000 + (uint64_t)i * 997 };
	e->latency_ns = 1000 + i;
	e->pid = 1000 + i % 100;
	e->tid = e->pid;
	strcpy(e->comm, "postgres");
	strcpy(e->prev_comm, "swapper/0");
}

static void test_callback_never_writes(void **state)
{
	struct sink *s = sink__open("/dev/null");
	struct exporter *ex;
	struct consumer c;
	struct vg_runq e;
	int stops = 0;

	(void)state;
	assert_non_null(s);
	ex = exporter__new(FMT_NDJSON, s, 1ULL << VG_KIND_RUNQ);
	assert_non_null(ex);
	consumer__init(&c, ex, NULL, NULL);
	for (uint32_t i = 0; i < RECORDS; i++) {
		uint64_t written = s->bytes;
		int ret;

		runq_record(&e, i);
		ret = consumer__handle(&c, &e, sizeof(e));
		assert_true(ret == 0 || ret == CONSUMER_STOP);
		assert_int_equal(s->bytes, written); /* nothing left the buffer in the callback */
		if (ret == CONSUMER_STOP) {
			assert_true(s->len >= CONSUMER_HIGH_WATER);
			stops++;
			sink__flush(s);
		}
	}
	assert_true(stops > 0);
	assert_int_equal(c.records[VG_KIND_RUNQ], RECORDS);
	assert_int_equal(ex->rows, RECORDS);
	exporter__free(ex);
	assert_int_equal(sink__close(s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_callback_never_writes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
