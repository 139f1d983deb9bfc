// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_fb_disk.c - disks on fixture trees: every /proc/diskstats layout (2.4 with 15 fields,
 * 2.6 with 14, partitions with 7, 4.18+ with 20) and garbage lines, the whole-disk filter for
 * the total, nowrap on disk counters, and disk_partitions(all) with psutil's nodev filter,
 * "none" devices, \040 escapes and a truncated mounts line.
 */
#include "fb_test.h"

static int teardown(void **state)
{
	(void)state;
	fb_root_set(NULL);
	return 0;
}

static const struct fb_disk_io *find(const struct fb_disk_io *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

static void test_diskstats_every_layout(void **state)
{
	struct fb_disk_io *v;
	const struct fb_disk_io *d;
	size_t n;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_disk_io_counters(true, NULL, &v, &n), 0);
	assert_int_equal(n, 5); /* garbage and the 5-field sdb line are skipped */
	d = find(v, n, "sda");
	assert_non_null(d);
	assert_int_equal(d->read_count, 100);
	assert_int_equal(d->read_merged_count, 2);
	assert_int_equal(d->read_bytes, 800 * 512);
	assert_int_equal(d->read_time, 30);
	assert_int_equal(d->write_count, 200);
	assert_int_equal(d->write_merged_count, 4);
	assert_int_equal(d->write_bytes, 1600 * 512);
	assert_int_equal(d->write_time, 50);
	assert_int_equal(d->busy_time, 70);
	d = find(v, n, "sda1");
	assert_non_null(d);
	assert_int_equal(d->read_count, 10);
	assert_int_equal(d->read_bytes, 80 * 512);
	assert_int_equal(d->write_count, 20);
	assert_int_equal(d->write_bytes, 160 * 512);
	assert_false(d->valid & FB_DIO_BUSY_TIME); /* the 7-field format has none */
	d = find(v, n, "hda");
	assert_non_null(d);
	assert_int_equal(d->read_count, 1000);
	assert_int_equal(d->read_merged_count, 5);
	assert_int_equal(d->read_bytes, 100 * 512);
	assert_int_equal(d->write_count, 8000);
	assert_int_equal(d->busy_time, 9);
	d = find(v, n, "nvme0n1");
	assert_non_null(d);
	assert_int_equal(d->read_count, 1);
	assert_int_equal(d->write_bytes, 7 * 512);
	assert_int_equal(d->busy_time, 10);
	/* iostat -x's fields: weighted time, discards (4.18+) and flushes (5.5+) */
	assert_int_equal(d->weighted_time, 11);
	assert_int_equal(d->discard_count, 12);
	assert_int_equal(d->discard_merged_count, 13);
	assert_int_equal(d->discard_bytes, 14 * 512);
	assert_int_equal(d->discard_time, 15);
	assert_int_equal(d->flush_count, 16);
	assert_int_equal(d->flush_time, 17);
	assert_true((d->valid & (FB_DIO_WEIGHTED_TIME | FB_DIO_DISCARD | FB_DIO_FLUSH)) ==
		    (FB_DIO_WEIGHTED_TIME | FB_DIO_DISCARD | FB_DIO_FLUSH));
	assert_false(d->partition);
	d = find(v, n, "sda");
	assert_int_equal(d->weighted_time, 80);
	assert_false(d->valid & (FB_DIO_DISCARD | FB_DIO_FLUSH)); /* 2.6: 14 fields */
	assert_true(find(v, n, "sda1")->partition);
	free(v);
}

static void test_disk_total_counts_whole_disks_only(void **state)
{
	struct fb_disk_io *v;
	size_t n;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_disk_io_counters(false, NULL, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].name, "");
	/* sda + hda + nvme0n1 + loop0, not sda1 */
	assert_int_equal(v[0].read_count, 100 + 1000 + 1 + 0);
	assert_int_equal(v[0].read_bytes, (800 + 100 + 3) * 512);
	free(v);
}

static void test_disk_nowrap_state(void **state)
{
	struct fb_nowrap *nw = fb_nowrap__new();
	struct fb_disk_io *v;
	size_t n;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_disk_io_counters(true, nw, &v, &n), 0);
	free(v);
	assert_int_equal(fb_disk_io_counters(true, nw, &v, &n), 0);
	assert_int_equal(find(v, n, "sda")->read_count, 100); /* unchanged: no wrap */
	free(v);
	fb_nowrap__free(nw);
}

static void test_partitions_filter_and_escapes(void **state)
{
	struct fb_partitions p;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_disk_partitions(false, &p), 0);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.v[0].device, "/dev/sda1");
	assert_string_equal(p.v[0].mountpoint, "/");
	assert_string_equal(p.v[0].fstype, "ext4");
	assert_string_equal(p.v[0].opts, "rw,relatime");
	assert_string_equal(p.v[1].mountpoint, "/mnt/with space");
	fb_partitions_free(&p);
	assert_int_equal(fb_disk_partitions(true, &p), 0);
	assert_int_equal(p.n, 4);		/* the truncated line is dropped */
	assert_string_equal(p.v[3].device, ""); /* "none" */
	assert_string_equal(p.v[3].fstype, "tmpfs");
	fb_partitions_free(&p);
	fb_partitions_free(NULL);
}

static void test_disk_usage_matches_statvfs_rules(void **state)
{
	struct fb_disk_usage u;

	(void)state;
	assert_int_equal(fb_disk_usage("/", &u), 0);
	assert_true(u.total >= u.used);
	assert_true(u.used + u.free <= u.total);
	assert_true(u.percent >= 0 && u.percent <= 100);
	assert_int_equal(fb_disk_usage("/nonexistent/path", &u), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_diskstats_every_layout, teardown),
		cmocka_unit_test_teardown(test_disk_total_counts_whole_disks_only, teardown),
		cmocka_unit_test_teardown(test_disk_nowrap_state, teardown),
		cmocka_unit_test_teardown(test_partitions_filter_and_escapes, teardown),
		cmocka_unit_test_teardown(test_disk_usage_matches_statvfs_rules, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
