// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_agg.c: the userspace aggregator: per-process counts and histograms, a full table
 * counted as overflow instead of growing or losing records silently.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "agg.h"

static struct vrow runq_row(uint32_t pid, uint64_t latency_ns)
{
	struct vrow r = { .kind = VG_KIND_RUNQ, .source = "bpf" };

	r.v[VF_PID].u = pid;
	r.v[VF_TID].u = pid;
	r.v[VF_COMM].str = "worker";
	r.v[VF_LATENCY_NS].u = latency_ns;
	return r;
}

static void test_ingest_counts_and_buckets_per_process(void **state)
{
	struct agg *a = agg__new(64);
	const struct agg_proc *p;
	struct vrow r;

	(void)state;
	for (int i = 0; i < 10; i++) {
		r = runq_row(100, 5000); /* 5 us: slot 2 */
		agg__ingest(a, &r);
	}
	r = runq_row(100, 2000000); /* 2000 us: slot 10 */
	agg__ingest(a, &r);
	r = runq_row(200, 1);
	agg__ingest(a, &r);
	p = agg__find(a, 100);
	assert_non_null(p);
	assert_int_equal(p->records[VG_KIND_RUNQ], 11);
	assert_int_equal(p->runq.slots[2], 10);
	assert_int_equal(p->runq.slots[10], 1);
	assert_int_equal(p->runq.sum, 10 * 5 + 2000);
	assert_string_equal(p->comm, "worker");
	assert_int_equal(agg__find(a, 200)->runq.slots[0], 1);
	assert_null(agg__find(a, 300));
	assert_int_equal(agg__records(a), 12);
	agg__free(a);
}

static void test_full_table_counts_overflow(void **state)
{
	struct agg *a = agg__new(16);
	uint32_t pid;
	struct vrow r;

	(void)state;
	for (pid = 1; pid <= 1000; pid++) {
		r = runq_row(pid, 1000);
		agg__ingest(a, &r);
	}
	assert_true(agg__overflow(a) > 0);
	assert_int_equal(agg__records(a), 1000);
	/* Every pid is either in the table or counted as overflow. */
	{
		uint64_t kept = 0;

		for (pid = 1; pid <= 1000; pid++)
			kept += agg__find(a, pid) != NULL;
		assert_int_equal(kept + agg__overflow(a), 1000);
	}
	agg__free(a);
	agg__free(NULL);
}

/* The process is named by its leader's records, whichever thread's record came first. */
static void test_thread_comm_does_not_rename_process(void **state)
{
	struct agg *a = agg__new(16);
	struct vrow r = runq_row(1, 5000);

	(void)state;
	r.v[VF_TID].u = 61;
	r.v[VF_COMM].str = "tokio-rt-worker";
	agg__ingest(a, &r);
	assert_string_equal(agg__find(a, 1)->comm, "tokio-rt-worker"); /* better than nothing */
	r.v[VF_TID].u = 1;
	r.v[VF_COMM].str = "process_api";
	agg__ingest(a, &r);
	r.v[VF_TID].u = 62;
	r.v[VF_COMM].str = "vsock-console";
	agg__ingest(a, &r);
	assert_string_equal(agg__find(a, 1)->comm, "process_api");
	agg__free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ingest_counts_and_buckets_per_process),
		cmocka_unit_test(test_full_table_counts_overflow),
		cmocka_unit_test(test_thread_comm_does_not_rename_process),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
