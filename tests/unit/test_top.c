// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_top.c: the model behind `vigil top`: rows kept in pid order while sources merge,
 * schedstat samples turned into CPU% and mean wait, histograms into percentiles, unknown
 * values sorted last and never shown as 0, the name filter.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/types.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "view/top.h"

static void sample(struct top_table *t, uint32_t pid, const char *comm, uint64_t oncpu,
		   uint64_t wait, uint64_t slices)
{
	struct vrow row = { .kind = VK_SAMPLE };

	row.v[VF_PID].u = pid;
	row.v[VF_COMM].str = comm;
	row.v[VF_ONCPU_NS].u = oncpu;
	row.v[VF_RUN_DELAY_NS].u = wait;
	row.v[VF_TIMESLICES].u = slices;
	top_table__add_sample(t, &row);
}

static void test_rows_merge_in_pid_order(void **state)
{
	struct top_table t = { 0 };

	(void)state;
	for (uint32_t pid = 1000; pid > 7; pid -= 7)
		assert_non_null(top_table__row(&t, pid));
	assert_ptr_equal(top_table__row(&t, 993), top_table__row(&t, 993));
	for (size_t i = 1; i < t.n; i++)
		assert_true(t.rows[i - 1].pid < t.rows[i].pid);
	top_table__free(&t);
}

static void test_samples_give_cpu_and_mean_wait(void **state)
{
	struct top_table t = { 0 };
	const struct top_row *r;

	(void)state;
	sample(&t, 42, "db", 300000000, 2000000, 10); /* two threads of one process */
	sample(&t, 42, "db", 200000000, 1000000, 20);
	top_table__finish_samples(&t, 1000000000);
	r = top_table__row(&t, 42);
	assert_string_equal(r->comm, "db");
	assert_true(top_row__has(r, TOP_CPU) && fabs(r->cpu_pct - 50.0) < 1e-9);
	assert_true(top_row__has(r, TOP_RUNQ_AVG));
	assert_int_equal(r->runq_avg_us, 100);	     /* 3 ms over 30 slices */
	assert_false(top_row__has(r, TOP_RUNQ_P99)); /* no percentiles from a poller */
	top_table__free(&t);
}

static void test_hist_gives_percentiles(void **state)
{
	struct top_table t = { 0 };
	struct vg_hist h;
	const struct top_row *r;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.slots[3] = 98; /* 8..15 us */
	h.slots[10] = 2; /* 1024..2047 us */
	h.sum = 98 * 10 + 2 * 1500;
	strcpy(h.comm, "nginx");
	top_table__add_runq(&t, 7, &h);
	r = top_table__row(&t, 7);
	assert_int_equal(r->runq_p50_us, 15);
	assert_int_equal(r->runq_p99_us, 2047);
	assert_int_equal(r->runq_avg_us, 39);
	assert_string_equal(r->comm, "nginx");
	top_table__free(&t);
}

static void test_sort_puts_unknowns_last_and_filters(void **state)
{
	struct top_table t = { 0 };

	(void)state;
	sample(&t, 3, "a-low", 100, 1, 1);
	sample(&t, 2, "b-high", 900, 1, 1);
	top_table__row(&t, 1); /* nothing known but its pid */
	memcpy(top_table__row(&t, 1)->comm, "c-none", 7);
	sample(&t, 4, "a-mid", 500, 1, 1);
	top_table__finish_samples(&t, 1000);
	top_table__select(&t, NULL, TOP_CPU);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.rows[0].pid, 2);
	assert_int_equal(t.rows[1].pid, 4);
	assert_int_equal(t.rows[2].pid, 3);
	assert_int_equal(t.rows[3].pid, 1); /* unknown CPU: last, not 0 */
	top_table__select(&t, "a-", TOP_COMM);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.rows[0].comm, "a-low");
	assert_string_equal(t.rows[1].comm, "a-mid");
	top_table__free(&t);
}

static void task_sample(struct top_table *t, uint32_t pid, uint32_t tid, const char *comm)
{
	struct vrow row = { .kind = VK_SAMPLE };

	row.v[VF_PID].u = pid;
	row.v[VF_TID].u = tid;
	row.v[VF_COMM].str = comm;
	row.v[VF_ONCPU_NS].u = 1000;
	top_table__add_sample(t, &row);
}

static int fake_leader_name(uint32_t pid, char *buf, size_t len)
{
	if (pid == 7)
		return -ESRCH; /* gone: the row keeps what it had */
	snprintf(buf, len, "leader-%u", pid);
	return 0;
}

/*
 * A process row shows the thread-group leader's name (PID 1 showed as tokio-rt-worker, one
 * of its threads): a thread's record, first or not, never names the row over the leader's;
 * rows that only saw threads (or a BPF histogram) get the leader's name from the callback.
 */
static void test_thread_names_never_name_the_process(void **state)
{
	struct top_table t = { 0 };
	struct vg_hist h;

	(void)state;
	task_sample(&t, 1, 61, "tokio-rt-worker"); /* a thread's sample arrives first */
	task_sample(&t, 1, 1, "process_api");
	task_sample(&t, 1, 62, "vsock-console");
	assert_string_equal(top_table__row(&t, 1)->comm, "process_api");
	task_sample(&t, 5, 6, "worker");
	memset(&h, 0, sizeof(h));
	h.slots[0] = 1;
	snprintf(h.comm, sizeof(h.comm), "bpf-thread");
	top_table__add_runq(&t, 6, &h);
	task_sample(&t, 7, 8, "lonely-thread");
	top_table__leader_names(&t, fake_leader_name);
	assert_string_equal(top_table__row(&t, 1)->comm, "process_api"); /* already the leader's */
	assert_string_equal(top_table__row(&t, 5)->comm, "leader-5");
	assert_string_equal(top_table__row(&t, 6)->comm, "leader-6");
	assert_string_equal(top_table__row(&t, 7)->comm, "lonely-thread");
	task_sample(&t, 5, 9, "late-thread"); /* the leader's name stays */
	assert_string_equal(top_table__row(&t, 5)->comm, "leader-5");
	top_table__free(&t);
}

/* --pid and --comm: exact, on every row whatever source added it (the fallback path). */
static void test_keep_task_applies_pid_and_comm(void **state)
{
	struct top_table t = { 0 };

	(void)state;
	for (uint32_t pid = 1; pid <= 5; pid++)
		snprintf(top_table__row(&t, pid)->comm, VG_COMM_LEN, pid % 2 ? "odd" : "even");
	top_table__keep_task(&t, 0, NULL);
	assert_int_equal(t.n, 5);
	top_table__keep_task(&t, 0, "odd");
	assert_int_equal(t.n, 3);
	top_table__keep_task(&t, 0, "od"); /* exact, not a substring (that is --filter) */
	assert_int_equal(t.n, 0);
	for (uint32_t pid = 1; pid <= 5; pid++)
		snprintf(top_table__row(&t, pid)->comm, VG_COMM_LEN, "x");
	top_table__keep_task(&t, 4, "");
	assert_int_equal(t.n, 1);
	assert_int_equal(t.rows[0].pid, 4);
	top_table__free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_merge_in_pid_order),
		cmocka_unit_test(test_samples_give_cpu_and_mean_wait),
		cmocka_unit_test(test_hist_gives_percentiles),
		cmocka_unit_test(test_sort_puts_unknowns_last_and_filters),
		cmocka_unit_test(test_thread_names_never_name_the_process),
		cmocka_unit_test(test_keep_task_applies_pid_and_comm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
