// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_fb_cpu.c - CPU and whole-system facts parsed from fixture trees: cpu_times with an old
 * kernel's short cpuN line (missing fields invalid, not zero), per-CPU lists, logical and
 * core counts, cpu_stats, cpu_freq from cpuinfo, getloadavg, boot_time, pids and pid_exists.
 */
#include "fb_test.h"

static int teardown(void **state)
{
	(void)state;
	fb_root_set(NULL);
	return 0;
}

static void test_cpu_times_total_exact(void **state)
{
	struct fb_cpu_times t;
	double tck = fb_test_tck();

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_cpu_times(&t), 0);
	assert_true(t.user == 100 / tck);
	assert_true(t.nice == 20 / tck);
	assert_true(t.system == 30 / tck);
	assert_true(t.idle == 400 / tck);
	assert_true(t.iowait == 50 / tck);
	assert_true(t.guest_nice == 10 / tck);
	assert_int_equal(t.valid, 0x3ff);
}

static void test_cpu_times_percpu_old_kernel_fields_invalid(void **state)
{
	struct fb_cpu_times *v;
	size_t n;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_cpu_times_percpu(&v, &n), 0);
	assert_int_equal(n, 2);
	/* cpu0 has only user nice system idle */
	assert_int_equal(v[0].valid, FB_CPU_USER | FB_CPU_NICE | FB_CPU_SYSTEM | FB_CPU_IDLE);
	assert_false(v[0].valid & FB_CPU_IOWAIT);
	assert_int_equal(v[1].valid, 0x3ff);
	assert_true(v[1].steal == 4 / fb_test_tck());
	free(v);
}

static void test_cpu_count_logical_and_cores(void **state)
{
	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_cpu_count(true), 2);
	/* both CPUs list "0-1" as their core: one core */
	assert_int_equal(fb_cpu_count(false), 1);
}

static void test_cpu_stats_lines(void **state)
{
	struct fb_cpu_stats s;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_cpu_stats(&s), 0);
	assert_int_equal(s.ctx_switches, 67890);
	assert_int_equal(s.interrupts, 12345);
	assert_int_equal(s.soft_interrupts, 555);
	assert_false(s.valid & FB_CPUSTAT_SYSCALLS);
}

static void test_cpu_freq_from_cpuinfo(void **state)
{
	struct fb_cpu_freq f, *v;
	size_t n;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_cpu_freq_percpu(&v, &n), 0);
	assert_int_equal(n, 2);
	assert_true(v[0].current == 2400.0);
	assert_true(v[1].current == 2600.0);
	free(v);
	assert_int_equal(fb_cpu_freq(&f), 0);
	assert_true(f.current == 2500.0);
	/* no cpufreq in sysfs: min and max unknown (psutil 0.0), marked invalid */
	assert_false(f.valid & FB_FREQ_MIN);
	assert_false(f.valid & FB_FREQ_MAX);
}

static void test_cpu_freq_from_cpufreq_policies(void **state)
{
	struct fb_cpu_freq f, *v;
	size_t n;

	(void)state;
	fb_test_root("hostile-wrap");
	assert_int_equal(fb_cpu_freq_percpu(&v, &n), 0);
	assert_int_equal(n, 2);
	/* one cpuinfo entry for two policies: the counts differ, sysfs' current is kept */
	assert_true(v[0].current == 1200.0);
	assert_true(v[0].min == 800.0 && v[0].max == 3000.0);
	assert_true(v[1].current == 2800.0 && v[1].max == 3400.0);
	assert_int_equal(v[1].valid, FB_FREQ_CURRENT | FB_FREQ_MIN | FB_FREQ_MAX);
	free(v);
	assert_int_equal(fb_cpu_freq(&f), 0);
	assert_true(f.current == 2000.0 && f.min == 800.0 && f.max == 3200.0);
}

static void test_loadavg_and_boot_time(void **state)
{
	double la[3], bt;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_getloadavg(la), 0);
	assert_true(la[0] == 0.5 && la[1] == 1.25 && la[2] == 2.0);
	assert_int_equal(fb_boot_time(&bt), 0);
	assert_true(bt == 1700000000.0);
}

static void test_pids_sorted_and_pid_exists(void **state)
{
	pid_t *p;
	size_t n;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_pids(&p, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(p[0], 4242);
	assert_int_equal(p[4], 4246);
	free(p);
	assert_false(fb_pid_exists(-1));
	/* 4250 is a thread of 4242: not a process */
	assert_false(fb_pid_exists(4250));
	assert_false(fb_pid_exists(999999));
}

static void test_cpu_sampler_rejects_negative_interval(void **state)
{
	struct fb_cpu_sampler *s;
	double pct, *pp;
	size_t n;

	(void)state;
	fb_test_root("hostile");
	s = fb_cpu_sampler__new();
	assert_non_null(s);
	assert_int_equal(fb_cpu_percent(s, -1, &pct), -EINVAL);
	/* same file twice: no time passed, 0.0 */
	assert_int_equal(fb_cpu_percent(s, 0, &pct), 0);
	assert_true(pct == 0.0);
	assert_int_equal(fb_cpu_percent_percpu(s, 0, &pp, &n), 0);
	assert_int_equal(n, 2);
	free(pp);
	fb_cpu_sampler__free(s);
	fb_cpu_sampler__free(NULL);
}

static void test_cpu_times_recorded_fixture(void **state)
{
	struct fb_cpu_times t, *v;
	size_t n;
	char path[PATH_MAX + 64];
	FILE *f;
	unsigned long long user;

	(void)state;
	/* compare with the first number of the recorded cpu line */
	snprintf(path, sizeof(path), "%s/debian12-6.18/proc/stat", fb_test_fixtures());
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "cpu %llu", &user), 1);
	fclose(f);
	fb_test_root("debian12-6.18");
	assert_int_equal(fb_cpu_times(&t), 0);
	assert_true(t.user == (double)user / fb_test_tck());
	assert_int_equal(fb_cpu_times_percpu(&v, &n), 0);
	assert_int_equal((int)n, fb_cpu_count(true));
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_cpu_times_total_exact, teardown),
		cmocka_unit_test_teardown(test_cpu_times_percpu_old_kernel_fields_invalid,
					  teardown),
		cmocka_unit_test_teardown(test_cpu_count_logical_and_cores, teardown),
		cmocka_unit_test_teardown(test_cpu_stats_lines, teardown),
		cmocka_unit_test_teardown(test_cpu_freq_from_cpuinfo, teardown),
		cmocka_unit_test_teardown(test_cpu_freq_from_cpufreq_policies, teardown),
		cmocka_unit_test_teardown(test_loadavg_and_boot_time, teardown),
		cmocka_unit_test_teardown(test_pids_sorted_and_pid_exists, teardown),
		cmocka_unit_test_teardown(test_cpu_sampler_rejects_negative_interval, teardown),
		cmocka_unit_test_teardown(test_cpu_times_recorded_fixture, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
