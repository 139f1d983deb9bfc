// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_bsd_decode.c - the FreeBSD backend's decoders on byte fixtures laid out as FreeBSD 13
 * amd64 returns them (kern.cp_time/cp_times longs, struct clockinfo, struct loadavg, struct
 * timeval, struct xswdev version 2, u_int and u_long numbers), plus psutil's FreeBSD memory
 * arithmetic.  Each decoder must also refuse a buffer of the wrong size or a bad version
 * instead of reading past it.  These run on Linux; the backend itself is only compiled.
 */
#include "fb_test.h"

#include "../../fallback/bsd/bsd_decode.h"

static void put_u32(unsigned char *b, size_t off, uint32_t v)
{
	memcpy(b + off, &v, 4);
}

static void put_u64(unsigned char *b, size_t off, uint64_t v)
{
	memcpy(b + off, &v, 8);
}

static void test_cp_time_one_cpu(void **state)
{
	unsigned char b[40];
	struct fb_cpu_times t;
	size_t n = 0;

	(void)state;
	/* user, nice, sys, intr, idle in ticks of a 128 Hz statistics clock */
	put_u64(b, 0, 1280);
	put_u64(b, 8, 64);
	put_u64(b, 16, 640);
	put_u64(b, 24, 32);
	put_u64(b, 32, 12800);
	assert_int_equal(fb__bsd_decode_cp_times(b, sizeof(b), 128, &t, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_true(t.user == 10.0 && t.nice == 0.5 && t.system == 5.0);
	assert_true(t.irq == 0.25 && t.idle == 100.0);
	assert_true(t.valid & FB_CPU_IRQ);
	assert_false(t.valid & (FB_CPU_IOWAIT | FB_CPU_SOFTIRQ | FB_CPU_STEAL | FB_CPU_GUEST));
}

static void test_cp_times_percpu_and_bad_sizes(void **state)
{
	unsigned char b[3 * 40] = { 0 };
	struct fb_cpu_times t[3];
	size_t n = 0;

	(void)state;
	for (int cpu = 0; cpu < 3; cpu++)
		put_u64(b, (size_t)cpu * 40 + 32, (uint64_t)(cpu + 1) * 100); /* idle */
	assert_int_equal(fb__bsd_decode_cp_times(b, sizeof(b), 100, t, 3, &n), 0);
	assert_int_equal(n, 3);
	assert_true(t[0].idle == 1.0 && t[2].idle == 3.0);
	assert_int_equal(fb__bsd_decode_cp_times(b, sizeof(b), 100, t, 2, &n), 0);
	assert_int_equal(n, 2); /* capped at the caller's room */
	assert_int_equal(fb__bsd_decode_cp_times(b, 39, 100, t, 3, &n), -EINVAL);
	assert_int_equal(fb__bsd_decode_cp_times(b, 0, 100, t, 3, &n), -EINVAL);
	assert_int_equal(fb__bsd_decode_cp_times(b, 40, 0, t, 3, &n), -EINVAL);
}

static void test_clockinfo(void **state)
{
	unsigned char b[20] = { 0 };
	long hz = 0;

	(void)state;
	put_u32(b, 0, 1000); /* hz */
	put_u32(b, 12, 127); /* stathz */
	assert_int_equal(fb__bsd_decode_clockinfo(b, sizeof(b), &hz), 0);
	assert_int_equal(hz, 127);
	put_u32(b, 12, 0); /* no statistics clock: hz */
	assert_int_equal(fb__bsd_decode_clockinfo(b, sizeof(b), &hz), 0);
	assert_int_equal(hz, 1000);
	assert_int_equal(fb__bsd_decode_clockinfo(b, 16, &hz), -EINVAL);
}

static void test_loadavg(void **state)
{
	unsigned char b[24] = { 0 };
	double l[3];

	(void)state;
	put_u32(b, 0, 2048); /* 1.0 with FSCALE 2048 */
	put_u32(b, 4, 1024);
	put_u32(b, 8, 512);
	put_u64(b, 16, 2048);
	assert_int_equal(fb__bsd_decode_loadavg(b, sizeof(b), l), 0);
	assert_true(l[0] == 1.0 && l[1] == 0.5 && l[2] == 0.25);
	put_u64(b, 16, 0);
	assert_int_equal(fb__bsd_decode_loadavg(b, sizeof(b), l), -EINVAL);
	assert_int_equal(fb__bsd_decode_loadavg(b, 20, l), -EINVAL);
}

static void test_boottime(void **state)
{
	unsigned char b[16];
	double t;

	(void)state;
	put_u64(b, 0, 1700000000);
	put_u64(b, 8, 250000);
	assert_int_equal(fb__bsd_decode_timeval(b, sizeof(b), &t), 0);
	assert_true(t == 1700000000.25);
	put_u64(b, 8, 1000000);
	assert_int_equal(fb__bsd_decode_timeval(b, sizeof(b), &t), -EINVAL);
	assert_int_equal(fb__bsd_decode_timeval(b, 12, &t), -EINVAL);
}

static void test_xswdev(void **state)
{
	unsigned char b[32] = { 0 };
	uint64_t nblks, used;

	(void)state;
	put_u32(b, 0, 2);	/* XSWDEV_VERSION */
	put_u64(b, 8, 0xff01);	/* dev */
	put_u32(b, 16, 1);	/* flags */
	put_u32(b, 20, 524288); /* 2 GiB in 4 KiB pages */
	put_u32(b, 24, 1024);
	assert_int_equal(fb__bsd_decode_xswdev(b, sizeof(b), &nblks, &used), 0);
	assert_int_equal(nblks, 524288);
	assert_int_equal(used, 1024);
	put_u32(b, 0, 1); /* an old layout: refused, not misread */
	assert_int_equal(fb__bsd_decode_xswdev(b, sizeof(b), &nblks, &used), -EINVAL);
	put_u32(b, 0, 2);
	put_u32(b, 24, 600000); /* more used than present */
	assert_int_equal(fb__bsd_decode_xswdev(b, sizeof(b), &nblks, &used), -EINVAL);
	assert_int_equal(fb__bsd_decode_xswdev(b, 28, &nblks, &used), -EINVAL);
}

static void test_uint_widths(void **state)
{
	unsigned char b[8];
	uint64_t v;

	(void)state;
	put_u32(b, 0, 4096);
	assert_int_equal(fb__bsd_decode_uint(b, 4, &v), 0);
	assert_int_equal(v, 4096);
	put_u64(b, 0, 1ULL << 35);
	assert_int_equal(fb__bsd_decode_uint(b, 8, &v), 0);
	assert_int_equal(v, 1ULL << 35);
	assert_int_equal(fb__bsd_decode_uint(b, 2, &v), -EINVAL);
}

static void test_vmem_formulas(void **state)
{
	struct fb__bsd_vm_raw r = {
		.physmem = 8ULL << 30,
		.page_size = 4096,
		.free = 1000000 / 4,
		.active = 300000,
		.inactive = 200000,
		.wire = 100000,
		.cache = 0,
		.bufspace = 1 << 20,
	};
	struct fb_vmem m;

	(void)state;
	fb__bsd_vmem(&r, &m);
	assert_int_equal(m.total, 8ULL << 30);
	assert_int_equal(m.available, (250000ULL + 200000) * 4096);
	assert_int_equal(m.used, (300000ULL + 100000) * 4096);
	assert_int_equal(m.free, 250000ULL * 4096);
	assert_int_equal(m.buffers, 1 << 20);
	assert_true(m.percent == fb__round1((double)(m.total - m.available) * 100 / m.total));
	assert_false(m.valid & (FB_VMEM_SHARED | FB_VMEM_SLAB));
	/* counters that add up past physmem never make available exceed total */
	r.free = r.physmem;
	fb__bsd_vmem(&r, &m);
	assert_int_equal(m.available, m.total);
	assert_true(m.percent == 0.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cp_time_one_cpu),
		cmocka_unit_test(test_cp_times_percpu_and_bad_sizes),
		cmocka_unit_test(test_clockinfo),
		cmocka_unit_test(test_loadavg),
		cmocka_unit_test(test_boottime),
		cmocka_unit_test(test_xswdev),
		cmocka_unit_test(test_uint_widths),
		cmocka_unit_test(test_vmem_formulas),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
