// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_iostat.c: the arithmetic behind `vigil iostat`: every -x column for two hand-made
 * diskstats samples against values worked out by hand with sysstat's formulas, the
 * since-boot first report, a counter that went backwards, columns a kernel lacks, avg-cpu
 * without counting guest time twice, and which partitions belong to which disk.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "view/iostat.h"

#define ALL_VALID                                                                                  \
	(FB_DIO_READ_TIME | FB_DIO_WRITE_TIME | FB_DIO_MERGED | FB_DIO_BUSY_TIME |                 \
	 FB_DIO_WEIGHTED_TIME | FB_DIO_DISCARD | FB_DIO_FLUSH)

static void close_to(double got, double want)
{
	double d = got - want;

	if (d < -1e-9 || d > 1e-9)
		fail_msg("got %.12f, want %.12f", got, want);
}

static void test_ext_columns_over_two_seconds(void **state)
{
	struct fb_disk_io p = { .name = "sda", .valid = ALL_VALID }, c;
	struct iostat_ext e;

	(void)state;
	p.read_count = 1000;
	p.write_count = 500;
	c = p;
	c.read_count += 200;	    /* 100 r/s */
	c.read_merged_count += 50;  /* 25 rrqm/s, 50/250 = 20 % */
	c.read_bytes += 200 * 8192; /* 800 kB/s, 8 kB a request */
	c.read_time += 400;	    /* 2 ms each */
	c.write_count += 100;
	c.write_merged_count += 0;
	c.write_bytes += 100 * 4096;
	c.write_time += 1000; /* 10 ms each */
	c.discard_count += 4;
	c.discard_merged_count += 4;
	c.discard_bytes += 4 << 20;
	c.discard_time += 8;
	c.flush_count += 10;
	c.flush_time += 30;
	c.weighted_time += 3000; /* 1.5 in the queue on average */
	c.busy_time += 500;	 /* 25 % */
	assert_int_equal(iostat_compute(&p, &c, 2000000000ULL, &e), 0);
	close_to(e.r_s, 100);
	close_to(e.rkb_s, 800);
	close_to(e.rrqm_s, 25);
	close_to(e.rrqm_pct, 20);
	close_to(e.r_await, 2);
	close_to(e.rareq_sz, 8);
	close_to(e.w_s, 50);
	close_to(e.wkb_s, 200);
	close_to(e.wrqm_pct, 0);
	close_to(e.w_await, 10);
	close_to(e.wareq_sz, 4);
	close_to(e.d_s, 2);
	close_to(e.dkb_s, 2048);
	close_to(e.drqm_pct, 50);
	close_to(e.d_await, 2);
	close_to(e.dareq_sz, 1024);
	close_to(e.f_s, 5);
	close_to(e.f_await, 3);
	close_to(e.aqu_sz, 1.5);
	close_to(e.util, 25);
	close_to(e.tps, 152);
	assert_int_equal(e.kb_read, 1600);
	assert_int_equal(e.kb_wrtn, 400);
	assert_int_equal(e.kb_dscd, 4096);
	assert_int_equal(e.valid, ALL_VALID);
}

static void test_first_report_is_since_boot(void **state)
{
	struct fb_disk_io c = { .name = "vda", .valid = ALL_VALID };
	struct iostat_ext e;

	(void)state;
	c.read_count = 3000;
	c.read_bytes = 3000 * 4096;
	c.busy_time = 1000500; /* more than the interval: rounding in the kernel */
	assert_int_equal(iostat_compute(NULL, &c, 1000000000000ULL, &e), 0); /* 1000 s */
	close_to(e.r_s, 3);
	close_to(e.rkb_s, 12);
	close_to(e.util, 100); /* capped, as iostat caps it */
	assert_int_equal(iostat_compute(NULL, &c, 0, &e), -EINVAL);
}

static void test_idle_interval_and_backwards_counter(void **state)
{
	struct fb_disk_io p = { .name = "sdb", .valid = ALL_VALID }, c;
	struct iostat_ext e;

	(void)state;
	p.read_count = 10;
	p.read_time = 100;
	c = p;
	c.read_time = 50; /* a reset: never a huge delta */
	assert_int_equal(iostat_compute(&p, &c, 1000000000ULL, &e), 0);
	close_to(e.r_s, 0);
	close_to(e.r_await, 0); /* no request: 0, as iostat prints */
	close_to(e.rareq_sz, 0);
	close_to(e.rrqm_pct, 0);
}

static void test_missing_fields_stay_invalid(void **state)
{
	struct fb_disk_io p = { .name = "old", .valid = FB_DIO_READ_TIME | FB_DIO_WRITE_TIME },
			  c = p;
	struct iostat_ext e;

	(void)state;
	c.valid |= FB_DIO_DISCARD; /* valid now, not before: still unknown for the interval */
	assert_int_equal(iostat_compute(&p, &c, 1000000000ULL, &e), 0);
	assert_false(e.valid & FB_DIO_DISCARD);
	assert_false(e.valid & FB_DIO_BUSY_TIME);
	assert_true(e.valid & FB_DIO_READ_TIME);
}

static void test_avg_cpu_counts_guest_once(void **state)
{
	struct fb_cpu_times p = { 0 }, c = { 0 };
	struct iostat_cpu o;

	(void)state;
	c.user = 30; /* 10 of them guest */
	c.guest = 10;
	c.nice = 5;
	c.system = 10;
	c.irq = 2;
	c.softirq = 3;
	c.iowait = 5;
	c.steal = 5;
	c.idle = 40; /* total 100 */
	iostat_cpu_compute(&p, &c, &o);
	close_to(o.user, 20);
	close_to(o.nice, 5);
	close_to(o.system, 15);
	close_to(o.iowait, 5);
	close_to(o.steal, 5);
	close_to(o.idle, 40);
	iostat_cpu_compute(&c, &c, &o); /* nothing elapsed: zeros, no division by 0 */
	close_to(o.idle, 0);
}

static void test_partitions_of_a_disk(void **state)
{
	(void)state;
	assert_true(iostat_part_is_of("sda1", "sda"));
	assert_true(iostat_part_is_of("sda12", "sda"));
	assert_true(iostat_part_is_of("nvme0n1p1", "nvme0n1"));
	assert_false(iostat_part_is_of("sdaa", "sda"));
	assert_false(iostat_part_is_of("sdaa1", "sda"));
	assert_false(iostat_part_is_of("sda", "sda"));
	assert_false(iostat_part_is_of("nvme0n1p", "nvme0n1"));
	assert_false(iostat_part_is_of("sda1x", "sda"));
	assert_false(iostat_part_is_of("sda1", ""));
}

static void test_used_devices(void **state)
{
	struct fb_disk_io d = { .name = "loop7" };

	(void)state;
	assert_false(iostat_dev_is_used(&d));
	d.flush_count = 1;
	assert_true(iostat_dev_is_used(&d));
}

/* iostat -N: dm-0's name from a fixture root's sys/block/dm-0/dm/name; others keep theirs. */
static void test_device_mapper_names(void **state)
{
	char root[] = "/tmp/vigil-iostat-dm-XXXXXX", path[256], buf[128];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/sys/block/dm-0/dm", root);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/sys/block/dm-0/dm/name", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("vg0-root\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/sys/block/dm-1", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/sys/block/dm-1/dm", root);
	assert_int_equal(mkdir(path, 0755), 0); /* dm-1 without a name file */
	assert_int_equal(fb_root_set(root), 0);
	assert_int_equal(iostat_dm_name("dm-0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "vg0-root");
	assert_int_equal(iostat_dm_name("dm-1", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(iostat_dm_name("dm-7", buf, sizeof(buf)), -ENOENT); /* no such device */
	assert_int_equal(iostat_dm_name("vda", buf, sizeof(buf)), -ENOENT);  /* not dm */
	assert_int_equal(iostat_dm_name("dm-0", buf, 1), -ENOENT);	     /* no room */
	assert_int_equal(fb_root_set("/"), 0);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ext_columns_over_two_seconds),
		cmocka_unit_test(test_first_report_is_since_boot),
		cmocka_unit_test(test_idle_interval_and_backwards_counter),
		cmocka_unit_test(test_missing_fields_stay_invalid),
		cmocka_unit_test(test_avg_cpu_counts_guest_once),
		cmocka_unit_test(test_partitions_of_a_disk),
		cmocka_unit_test(test_used_devices),
		cmocka_unit_test(test_device_mapper_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
