// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_fb_sensors.c - sensors on fixture trees: hwmon temperatures (m°C, label, high copied
 * from critical and back), fans, a discharging battery's percent and time left, and empty
 * results, not errors, on a tree without sensors.
 */
#include "fb_test.h"

static int teardown(void **state)
{
	(void)state;
	fb_root_set(NULL);
	return 0;
}

static void test_temperatures_hwmon(void **state)
{
	struct fb_temp *t;
	size_t n;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_sensors_temperatures(&t, &n), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(t[i].chip, "coretemp");
		if (!strcmp(t[i].label, "Package id 0")) {
			assert_true(t[i].current == 45.0);
			assert_true(t[i].critical == 100.0);
			assert_true(t[i].high == 100.0); /* copied from critical */
		} else {
			assert_string_equal(t[i].label, "");
			assert_true(t[i].current == 40.0);
			assert_true(t[i].high == 80.0);
			assert_true(t[i].critical == 80.0); /* copied from high */
		}
	}
	free(t);
}

static void test_fans_and_battery(void **state)
{
	struct fb_battery b;
	struct fb_fan *f;
	size_t n;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_sensors_fans(&f, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(f[0].label, "cpu_fan");
	assert_true(f[0].current == 1200.0);
	free(f);
	assert_int_equal(fb_sensors_battery(&b), 0);
	assert_true(b.present);
	assert_true(b.percent == 50.0);
	assert_int_equal(b.power_plugged, 0);
	assert_int_equal(b.secsleft, 7200);
}

static void test_no_sensors_is_empty_not_error(void **state)
{
	struct fb_battery b;
	struct fb_temp *t;
	struct fb_fan *f;
	size_t n = 99;

	(void)state;
	fb_test_root("debian12-6.18");
	assert_int_equal(fb_sensors_temperatures(&t, &n), 0);
	assert_int_equal(n, 0);
	free(t);
	assert_int_equal(fb_sensors_fans(&f, &n), 0);
	assert_int_equal(n, 0);
	free(f);
	assert_int_equal(fb_sensors_battery(&b), 0);
	assert_false(b.present);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_temperatures_hwmon, teardown),
		cmocka_unit_test_teardown(test_fans_and_battery, teardown),
		cmocka_unit_test_teardown(test_no_sensors_is_empty_not_error, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
