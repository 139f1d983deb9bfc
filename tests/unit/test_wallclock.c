// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_wallclock.c: RFC 3339 UTC timestamps with nanoseconds from monotonic stamps,
 * including the per-second cache and a leap-year date.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "core/wallclock.h"

static void test_format_known_instants(void **state)
{
	struct wallclock c;
	char out[WALLCLOCK_LEN];

	(void)state;
	wallclock__init_offset(&c, 951782400LL * 1000000000LL); /* 2000-02-29T00:00:00Z */
	wallclock__format(&c, 0, out);
	assert_string_equal(out, "2000-02-29T00:00:00.000000000Z");
	wallclock__format(&c, 999999999, out);
	assert_string_equal(out, "2000-02-29T00:00:00.999999999Z");
	wallclock__format(&c, 86399000000001ULL, out);
	assert_string_equal(out, "2000-02-29T23:59:59.000000001Z");
	wallclock__format(&c, 86400000000000ULL, out); /* the cache must roll over */
	assert_string_equal(out, "2000-03-01T00:00:00.000000000Z");
}

static void test_live_offset_is_close_to_realtime(void **state)
{
	struct wallclock c;
	struct timespec rt;
	char out[WALLCLOCK_LEN], want[32];
	struct tm tm;

	(void)state;
	wallclock__init(&c);
	clock_gettime(CLOCK_REALTIME, &rt);
	wallclock__format(&c, mono_now_ns(), out);
	gmtime_r(&rt.tv_sec, &tm);
	strftime(want, sizeof(want), "%Y-%m-%dT%H:%M", &tm);
	assert_memory_equal(out, want, 16); /* same minute (a boundary race is 1 in 60000) */
}

/* Hostile stamps saturate (1970 .. 2262) instead of overflowing a signed sum (UBSan). */
static void test_hostile_stamps_saturate(void **state)
{
	struct wallclock c;
	char out[WALLCLOCK_LEN];

	(void)state;
	wallclock__init_offset(&c, 1764806400LL * 1000000000LL);
	wallclock__format(&c, (uint64_t)INT64_MAX, out);
	assert_string_equal(out, "2262-04-11T23:47:16.854775807Z");
	wallclock__format(&c, UINT64_MAX, out);
	assert_string_equal(out, "2262-04-11T23:47:16.854775807Z");
	wallclock__init_offset(&c, INT64_MIN);
	wallclock__format(&c, 5, out);
	assert_string_equal(out, "1970-01-01T00:00:00.000000000Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_known_instants),
		cmocka_unit_test(test_live_offset_is_close_to_realtime),
		cmocka_unit_test(test_hostile_stamps_saturate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
