// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_ps_table.c: `vigil ps --filter` expressions: every operator on numbers, sizes with
 * K/M/G, percents, globs with = and !=, column aliases, unknown values that match nothing,
 * and hostile expressions (no operator, no value, an unknown column, a size suffix on a
 * count, an ordering operator on text, trailing garbage, NaN) that must be refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "view/ps_table.h"

static struct ps_row row(uint64_t rss, int threads, const char *name)
{
	struct ps_row r = { .cpu_percent = -1 };

	r.pi.pid = 42;
	r.pi.memory_info.rss = rss;
	r.pi.num_threads = threads;
	strcpy(r.pi.name, name);
	r.pi.valid = FB_PI_MEMORY_INFO | FB_PI_NUM_THREADS | FB_PI_NAME;
	return r;
}

static bool keeps(const char *expr, const struct ps_row *r)
{
	struct ps_filter f;

	assert_int_equal(ps_filter_parse(expr, &f), 0);
	return ps_filter__matches(&f, r);
}

static void test_numeric_operators_and_sizes(void **state)
{
	struct ps_row big = row(200ULL << 20, 4, "hog"), small = row(50ULL << 20, 1, "sh");

	(void)state;
	assert_true(keeps("rss>100M", &big));
	assert_false(keeps("rss>100M", &small));
	assert_true(keeps("rss<=50M", &small));
	assert_true(keeps("rss>=200M", &big));
	assert_false(keeps("rss<200M", &big));
	assert_true(keeps("rss>1G", &big) == false);
	assert_true(keeps("rss>102400K", &big));
	assert_true(keeps("rss>104857600", &big)); /* plain bytes */
	assert_true(keeps("threads>=4", &big));
	assert_true(keeps("num_threads==4", &big)); /* psutil's name */
	assert_true(keeps("threads!=4", &small));
	assert_true(keeps("threads=1", &small));
	assert_true(keeps("threads>0.5", &small));
}

static void test_text_globs(void **state)
{
	struct ps_row r = row(1, 1, "kworker/0:1");

	(void)state;
	assert_true(keeps("name=kworker*", &r));
	assert_false(keeps("name!=kworker*", &r));
	assert_true(keeps("name!=bash", &r));
	assert_true(keeps("name==kworker/0:?", &r));
}

static void test_percent_and_unknown_values(void **state)
{
	struct ps_row r = row(1, 1, "x");

	(void)state;
	/* cpu_percent not measured: no filter on it keeps the row, not even != */
	assert_false(keeps("cpu>5", &r));
	assert_false(keeps("cpu!=5", &r));
	r.cpu_percent = 12.5;
	assert_true(keeps("cpu>5", &r));
	assert_true(keeps("cpu_percent<=12.5%", &r));
	r.pi.valid = 0; /* rss unreadable (EACCES) */
	assert_false(keeps("rss<1G", &r));
	assert_false(keeps("rss!=0", &r));
}

static void test_hostile_expressions_refused(void **state)
{
	static const char *const bad[] = {
		"",	   "rss",      "rss>",
		">5",	   "nosuch>5", "rss>100X",
		"rss>>5",  "rss=>5",   "threads>5M",
		"name<x",  "name>=a",  "rss>5 ",
		"cpu>nan", "cpu>5%%",  "threads>0x",
		"rss>-",   "=",	       "a_very_long_column_name_that_overflows_the_key>1",
	};
	struct ps_filter f;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ps_filter_parse(bad[i], &f) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numeric_operators_and_sizes),
		cmocka_unit_test(test_text_globs),
		cmocka_unit_test(test_percent_and_unknown_values),
		cmocka_unit_test(test_hostile_expressions_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
