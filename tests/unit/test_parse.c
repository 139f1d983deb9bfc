// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_parse.c: the value parsers behind every flag: durations with and without units,
 * sizes, bounded integers and enum names, including garbage, negatives and overflow.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "cli/parse.h"

static void test_duration_units(void **state)
{
	uint64_t ns;

	(void)state;
	assert_int_equal(parse_duration("500us", NSEC_PER_SEC, &ns), 0);
	assert_int_equal(ns, 500000);
	assert_int_equal(parse_duration("10ms", NSEC_PER_SEC, &ns), 0);
	assert_int_equal(ns, 10000000);
	assert_int_equal(parse_duration("1.5s", NSEC_PER_SEC, &ns), 0);
	assert_int_equal(ns, 1500000000ULL);
	assert_int_equal(parse_duration("2m", NSEC_PER_SEC, &ns), 0);
	assert_int_equal(ns, 120 * NSEC_PER_SEC);
	assert_int_equal(parse_duration("1h", NSEC_PER_SEC, &ns), 0);
	assert_int_equal(ns, 3600 * NSEC_PER_SEC);
	assert_int_equal(parse_duration("250ns", NSEC_PER_SEC, &ns), 0);
	assert_int_equal(ns, 250);
	assert_int_equal(parse_duration("0.000000001s", NSEC_PER_SEC, &ns), 0);
	assert_int_equal(ns, 1);
}

static void test_duration_bare_number_uses_default_unit(void **state)
{
	uint64_t ns;

	(void)state;
	assert_int_equal(parse_duration("3", NSEC_PER_SEC, &ns), 0);
	assert_int_equal(ns, 3 * NSEC_PER_SEC);
	assert_int_equal(parse_duration("750", NSEC_PER_USEC, &ns), 0);
	assert_int_equal(ns, 750000);
}

static void test_duration_rejects_bad_values(void **state)
{
	static const char *const bad[] = { "",	   "s",	  "-1s",  "1 s", "1x",	 "1.2.3s",
					   "ms10", "1e3", "0x10", "+5s", "10sec" };
	uint64_t ns = 42;

	(void)state;
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_duration(bad[i], NSEC_PER_SEC, &ns), -EINVAL);
	assert_int_equal(parse_duration(NULL, NSEC_PER_SEC, &ns), -EINVAL);
	assert_int_equal(parse_duration("99999999999999999999s", NSEC_PER_SEC, &ns), -ERANGE);
	assert_int_equal(parse_duration("9999999999999h", NSEC_PER_SEC, &ns), -ERANGE);
	assert_int_equal(ns, 42); /* untouched on error */
}

static void test_size(void **state)
{
	uint64_t b;

	(void)state;
	assert_int_equal(parse_size("8M", &b), 0);
	assert_int_equal(b, 8 << 20);
	assert_int_equal(parse_size("64KiB", &b), 0);
	assert_int_equal(b, 64 << 10);
	assert_int_equal(parse_size("1g", &b), 0);
	assert_int_equal(b, 1 << 30);
	assert_int_equal(parse_size("4096", &b), 0);
	assert_int_equal(b, 4096);
	assert_int_equal(parse_size("1.5K", &b), 0);
	assert_int_equal(b, 1536);
	assert_int_equal(parse_size("8Q", &b), -EINVAL);
	assert_int_equal(parse_size("-8M", &b), -EINVAL);
	assert_int_equal(parse_size("", &b), -EINVAL);
}

static void test_u64_bounds(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_u64("42", 1, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_u64("0", 1, 100, &v), -ERANGE);
	assert_int_equal(parse_u64("101", 1, 100, &v), -ERANGE);
	assert_int_equal(parse_u64("4x", 1, 100, &v), -EINVAL);
	assert_int_equal(parse_u64("-1", 0, 100, &v), -EINVAL);
	assert_int_equal(parse_u64("18446744073709551616", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(parse_u64("18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
}

static void test_choice(void **state)
{
	static const char *const names[] = { "table", "csv", "json", NULL };

	(void)state;
	assert_int_equal(parse_choice("csv", names), 1);
	assert_int_equal(parse_choice("CSV", names), -EINVAL);
	assert_int_equal(parse_choice("", names), -EINVAL);
	assert_int_equal(parse_choice(NULL, names), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_units),
		cmocka_unit_test(test_duration_bare_number_uses_default_unit),
		cmocka_unit_test(test_duration_rejects_bad_values),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_u64_bounds),
		cmocka_unit_test(test_choice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
