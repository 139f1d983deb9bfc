// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_df_select.c: GNU df's choice of mounts without -a, on hand-made mount tables: pseudo
 * file systems and empty ones left out, one row per device with df's preferences (a device
 * path over a name, the mount point nearer the root, a new device mounted over a mount
 * point), in the place where the device first appeared; mounts that could not be read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "view/df_select.h"

#define M(dev_, mnt_, type_, st_dev, blocks)                                                       \
	{                                                                                          \
		.device = dev_, .mountpoint = mnt_, .fstype = type_, .dev = st_dev,                \
		.total = blocks, .ok = true                                                        \
	}

static void test_pseudo_and_empty_are_left_out(void **state)
{
	const struct df_mount m[] = {
		M("proc", "/proc", "proc", 1, 0),
		M("sysfs", "/sys", "sysfs", 2, 0),
		M("/dev/vda", "/", "ext4", 3, 100),
		M("devtmpfs", "/dev", "devtmpfs", 4, 10),
		M("devpts", "/dev/pts", "devpts", 5, 0),
		M("cgroup2", "/sys/fs/cgroup", "cgroup2", 6, 0),
		M("tmpfs", "/run", "tmpfs", 7, 20),
		M("nsfs", "/run/netns/x", "nsfs", 8, 0),
		M("overlay", "/ov", "overlay", 9, 30),
		M("none", "/mnt/n", "none", 10, 5),
	};
	size_t keep[10];

	(void)state;
	assert_int_equal(df_select__mounts(m, 10, keep), 4);
	assert_int_equal(keep[0], 2);
	assert_int_equal(keep[1], 3);
	assert_int_equal(keep[2], 6);
	assert_int_equal(keep[3], 8);
}

static void test_one_row_per_device(void **state)
{
	const struct df_mount m[] = {
		M("/dev/vda", "/", "ext4", 3, 100),
		M("/dev/vda", "/run/netns", "ext4", 3, 100), /* a bind mount: / stays */
		M("tmpfs", "/srv/long/path", "tmpfs", 7, 20),
		M("tmpfs", "/b", "tmpfs", 7, 20), /* nearer the root: wins, in place */
		M("shm", "/x", "tmpfs", 8, 20),
		M("/dev/loop0", "/y/z", "tmpfs", 8, 20), /* a device path beats a name */
		M("one", "/m", "tmpfs", 9, 20),
		M("two", "/m", "tmpfs", 9, 20), /* mounted over the same point */
	};
	size_t keep[8];

	(void)state;
	assert_int_equal(df_select__mounts(m, 8, keep), 4);
	assert_int_equal(keep[0], 0);
	assert_int_equal(keep[1], 3);
	assert_int_equal(keep[2], 5);
	assert_int_equal(keep[3], 7);
}

static void test_unreadable_mounts_and_empty_table(void **state)
{
	struct df_mount m[] = {
		M("/dev/vdb", "/data", "ext4", 4, 100),
		M("/dev/vda", "/", "ext4", 3, 100),
	};
	size_t keep[2];

	(void)state;
	m[0].ok = false; /* stat or statvfs failed: df cannot show it either */
	assert_int_equal(df_select__mounts(m, 2, keep), 1);
	assert_int_equal(keep[0], 1);
	assert_int_equal(df_select__mounts(m, 0, keep), 0);
	assert_true(df_select__is_dummy("autofs"));
	assert_false(df_select__is_dummy("tmpfs"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pseudo_and_empty_are_left_out),
		cmocka_unit_test(test_one_row_per_device),
		cmocka_unit_test(test_unreadable_mounts_and_empty_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
