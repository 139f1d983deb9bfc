// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_hist.c: histogram bucketing (the very log2 function the BPF programs run), slot
 * bounds, quantiles, merging, and the runqlat-style printing, byte for byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/types.h>
#include <stdlib.h>
#include <string.h>

#include "bits.h"
#include "capture.h"
#include "core/hist.h"
#include "export/hist_print.h"

static void test_log2_buckets_powers_and_seams(void **state)
{
	(void)state;
	assert_int_equal(vg_log2(0), 0);
	assert_int_equal(vg_log2(1), 0);
	assert_int_equal(vg_log2(2), 1);
	assert_int_equal(vg_log2(3), 1);
	assert_int_equal(vg_log2(4), 2);
	assert_int_equal(vg_log2(1023), 9);
	assert_int_equal(vg_log2(1024), 10);
	assert_int_equal(vg_log2(0xFFFFFFFFULL), 31);
	assert_int_equal(vg_log2(0x100000000ULL), 32);
	assert_int_equal(vg_log2(UINT64_MAX), 63);
	for (int i = 0; i < 64; i++) {
		assert_int_equal(vg_log2(1ULL << i), i);
		if (i > 1)
			assert_int_equal(vg_log2((1ULL << i) - 1), i - 1);
	}
	assert_int_equal(vg_hist_slot(UINT64_MAX, VG_HIST_SLOTS), VG_HIST_SLOTS - 1);
}

static void test_slot_bounds_match_runqlat(void **state)
{
	uint64_t lo, hi;

	(void)state;
	hist_slot_bounds(0, &lo, &hi);
	assert_int_equal(lo, 0);
	assert_int_equal(hi, 1);
	hist_slot_bounds(1, &lo, &hi);
	assert_int_equal(lo, 2);
	assert_int_equal(hi, 3);
	hist_slot_bounds(10, &lo, &hi);
	assert_int_equal(lo, 1024);
	assert_int_equal(hi, 2047);
	/* Every value lands in the slot whose bounds hold it. */
	for (uint64_t v = 0; v < 5000; v++) {
		hist_slot_bounds((int)vg_hist_slot(v, VG_HIST_SLOTS), &lo, &hi);
		assert_true(v >= lo && v <= hi);
	}
}

static void test_quantile_and_merge(void **state)
{
	struct vg_hist a = { 0 }, b = { 0 };

	(void)state;
	assert_int_equal(vg_hist__quantile(&a, 0.5), 0);
	a.slots[2] = 90;  /* 4..7 */
	a.slots[10] = 10; /* 1024..2047 */
	a.sum = 1000;
	assert_int_equal(vg_hist__total(&a), 100);
	assert_int_equal(vg_hist__quantile(&a, 0.5), 7);
	assert_int_equal(vg_hist__quantile(&a, 0.9), 7);
	assert_int_equal(vg_hist__quantile(&a, 0.91), 2047);
	assert_int_equal(vg_hist__quantile(&a, 0.99), 2047);
	b.slots[2] = 10;
	b.sum = 50;
	vg_hist__merge(&b, &a);
	assert_int_equal(b.slots[2], 100);
	assert_int_equal(b.slots[10], 10);
	assert_int_equal(b.sum, 1050);
}

static void test_print_log2_matches_runqlat_layout(void **state)
{
	uint32_t slots[VG_HIST_SLOTS] = { 0 };
	struct sink *s;
	char *out;
	int fd;

	(void)state;
	slots[0] = 1;
	slots[1] = 4;
	slots[3] = 2;
	s = capture__open(&fd);
	assert_non_null(s);
	hist_print_log2(s, slots, VG_HIST_SLOTS, "usecs");
	out = capture__read(s, fd);
	assert_string_equal(
		out,
		"     usecs               : count    distribution\n"
		"         0 -> 1          : 1        |**********                              |\n"
		"         2 -> 3          : 4        |****************************************|\n"
		"         4 -> 7          : 0        |                                        |\n"
		"         8 -> 15         : 2        |********************                    |\n");
	free(out);
	sink__close(s);
	close(fd);
}

static void test_print_empty_histogram_prints_header_only(void **state)
{
	uint32_t slots[VG_HIST_SLOTS] = { 0 };
	struct sink *s;
	char *out;
	int fd;

	(void)state;
	s = capture__open(&fd);
	hist_print_log2(s, slots, VG_HIST_SLOTS, "msecs");
	out = capture__read(s, fd);
	assert_string_equal(out, "     msecs               : count    distribution\n");
	free(out);
	sink__close(s);
	close(fd);
}

static void test_hist_names(void **state)
{
	(void)state;
	assert_int_equal(hist_by_name("runq"), HIST_RUNQ);
	assert_int_equal(hist_by_name("oncpu"), HIST_ONCPU);
	assert_true(hist_by_name("bogus") < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log2_buckets_powers_and_seams),
		cmocka_unit_test(test_slot_bounds_match_runqlat),
		cmocka_unit_test(test_quantile_and_merge),
		cmocka_unit_test(test_print_log2_matches_runqlat_layout),
		cmocka_unit_test(test_print_empty_histogram_prints_header_only),
		cmocka_unit_test(test_hist_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
