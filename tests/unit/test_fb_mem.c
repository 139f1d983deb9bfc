// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_fb_mem.c - virtual_memory() and swap_memory() on fixture trees: psutil 7.1+'s formulas
 * (cached = Cached + SReclaimable, used = total - available), the kernel's MemAvailable
 * estimate from zoneinfo for old kernels, MemShared for Shmem, invalid fields when meminfo
 * lacks them, and sin/sout from vmstat pages.
 */
#include "fb_test.h"

static int teardown(void **state)
{
	(void)state;
	fb_root_set(NULL);
	return 0;
}

static void test_vmem_old_kernel_estimates_available(void **state)
{
	struct fb_vmem m;
	uint64_t wm, est;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_virtual_memory(&m), 0);
	assert_int_equal(m.total, KB(1000000));
	assert_int_equal(m.free, KB(200000));
	assert_int_equal(m.buffers, KB(10000));
	assert_int_equal(m.cached, KB(300000 + 20000));
	assert_int_equal(m.shared, KB(5000)); /* from MemShared */
	assert_int_equal(m.active, KB(400000));
	assert_int_equal(m.slab, KB(30000));
	assert_false(m.valid & FB_VMEM_INACTIVE);
	/* low watermarks 100 + 400 pages */
	wm = 500 * (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
	est = 200000 - wm + 150000 - (wm < 75000 ? wm : 75000) + 20000 - (wm < 10000 ? wm : 10000);
	assert_true(m.valid & FB_VMEM_AVAILABLE);
	assert_int_equal(m.available, KB(est));
	assert_int_equal(m.used, m.total - m.available);
	assert_true(m.percent > 0 && m.percent < 100);
	assert_true(m.percent == (double)(long)(m.percent * 10 + 0.5) / 10);
}

static void test_vmem_missing_fields_are_invalid_not_zero(void **state)
{
	struct fb_vmem m;

	(void)state;
	fb_test_root("hostile-nomem");
	assert_int_equal(fb_virtual_memory(&m), 0);
	assert_int_equal(m.total, KB(1000));
	assert_int_equal(m.free, KB(300));
	assert_false(m.valid & FB_VMEM_AVAILABLE);
	assert_false(m.valid & FB_VMEM_USED);
	assert_false(m.valid & FB_VMEM_PERCENT);
	assert_false(m.valid & FB_VMEM_CACHED);
	assert_false(m.valid & FB_VMEM_BUFFERS);
}

static void test_swap_from_meminfo_and_vmstat(void **state)
{
	struct fb_swap s;
	uint64_t ps = (uint64_t)sysconf(_SC_PAGESIZE);

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_swap_memory(&s), 0);
	assert_int_equal(s.total, KB(100000));
	assert_int_equal(s.free, KB(40000));
	assert_int_equal(s.used, KB(60000));
	assert_true(s.percent == 60.0);
	assert_int_equal(s.sin, 10 * ps);
	assert_int_equal(s.sout, 20 * ps);
	/* no vmstat: sin/sout invalid */
	fb_test_root("hostile-nomem");
	assert_int_equal(fb_swap_memory(&s), -ENODATA);
}

static void test_vmem_recorded_fixture(void **state)
{
	struct fb_vmem m;
	char path[PATH_MAX + 64];
	unsigned long long total, avail = 0, v;
	char line[256], k[64];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/debian12-6.18/proc/meminfo", fb_test_fixtures());
	f = fopen(path, "r");
	assert_non_null(f);
	total = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63[^:]: %llu", k, &v) != 2)
			continue;
		if (!strcmp(k, "MemTotal"))
			total = v;
		if (!strcmp(k, "MemAvailable"))
			avail = v;
	}
	fclose(f);
	fb_test_root("debian12-6.18");
	assert_int_equal(fb_virtual_memory(&m), 0);
	assert_int_equal(m.total, KB(total));
	assert_int_equal(m.available, KB(avail));
	assert_int_equal(m.used, KB(total - avail));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_vmem_old_kernel_estimates_available, teardown),
		cmocka_unit_test_teardown(test_vmem_missing_fields_are_invalid_not_zero, teardown),
		cmocka_unit_test_teardown(test_swap_from_meminfo_and_vmstat, teardown),
		cmocka_unit_test_teardown(test_vmem_recorded_fixture, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
