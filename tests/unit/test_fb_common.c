// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_fb_common.c - the portable helpers of the fallback library: psutil's bytes2human and
 * its inverse, the nowrap reminders, connection kinds and constant names, the cpu_percent and
 * cpu_times_percent maths (clipping, guest subtraction, clamping), and the root setter.
 */
#include "fb_test.h"

static void test_bytes2human_psutil_examples(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(fb_bytes2human(10000, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "9.8K");
	fb_bytes2human(100001221, buf, sizeof(buf));
	assert_string_equal(buf, "95.4M");
	fb_bytes2human(100, buf, sizeof(buf));
	assert_string_equal(buf, "100B");
	fb_bytes2human(0, buf, sizeof(buf));
	assert_string_equal(buf, "0B");
	fb_bytes2human(1024, buf, sizeof(buf));
	assert_string_equal(buf, "1.0K");
	fb_bytes2human(UINT64_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "16.0E");
	assert_int_equal(fb_bytes2human(1024, buf, 3), -ENAMETOOLONG);
}

static void test_human2bytes_forms(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(fb_human2bytes("9.8K", &v), 0);
	assert_int_equal(v, 10035);
	assert_int_equal(fb_human2bytes("1.5 MiB", &v), 0);
	assert_int_equal(v, 1572864);
	assert_int_equal(fb_human2bytes("2G", &v), 0);
	assert_int_equal(v, 2147483648ull);
	assert_int_equal(fb_human2bytes("100B", &v), 0);
	assert_int_equal(v, 100);
	assert_int_equal(fb_human2bytes(" 42 ", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(fb_human2bytes("512k", &v), 0);
	assert_int_equal(v, 524288);
	assert_int_equal(fb_human2bytes("abc", &v), -EINVAL);
	assert_int_equal(fb_human2bytes("12Q", &v), -EINVAL);
	assert_int_equal(fb_human2bytes("", &v), -EINVAL);
	assert_int_equal(fb_human2bytes("99999Y", &v), -ERANGE);
}

static void test_human_roundtrip_within_rounding(void **state)
{
	char buf[32];
	uint64_t v;

	(void)state;
	for (uint64_t n = 1; n < (1ull << 60); n = n * 3 + 7) {
		fb_bytes2human(n, buf, sizeof(buf));
		assert_int_equal(fb_human2bytes(buf, &v), 0);
		/* one decimal: within 5% (or exact below 1K) */
		if (n < 1024)
			assert_int_equal(v, n);
		else
			assert_true((double)v > (double)n * 0.95 && (double)v < (double)n * 1.05);
	}
}

static void test_nowrap_wrapped_counter_keeps_increasing(void **state)
{
	struct fb_nowrap *nw = fb_nowrap__new();
	uint64_t f[2];

	(void)state;
	assert_non_null(nw);
	f[0] = 4294967000u;
	f[1] = 10;
	assert_int_equal(fb_nowrap__apply(nw, "eth0", f, 2), 0);
	assert_int_equal(f[0], 4294967000u);
	f[0] = 100; /* 32-bit wrap */
	f[1] = 11;
	fb_nowrap__apply(nw, "eth0", f, 2);
	assert_int_equal(f[0], 4294967000u + 100);
	assert_int_equal(f[1], 11);
	f[0] = 50; /* a second wrap adds the last raw value again */
	f[1] = 12;
	fb_nowrap__apply(nw, "eth0", f, 2);
	assert_int_equal(f[0], 4294967000u + 100 + 50);
	/* a new key passes through */
	f[0] = 5;
	fb_nowrap__apply(nw, "eth1", f, 2);
	assert_int_equal(f[0], 5);
	/* cache_clear forgets the reminders */
	fb_nowrap__clear(nw);
	f[0] = 7;
	fb_nowrap__apply(nw, "eth0", f, 2);
	assert_int_equal(f[0], 7);
	assert_int_equal(fb_nowrap__apply(nw, "x", f, 99), -EINVAL);
	fb_nowrap__free(nw);
	fb_nowrap__free(NULL);
}

static void test_conn_kinds_all_eleven(void **state)
{
	const char *names[] = { "inet", "inet4", "inet6", "tcp",  "tcp4", "tcp6",
				"udp",	"udp4",	 "udp6",  "unix", "all" };
	enum fb_conn_kind k;

	(void)state;
	for (size_t i = 0; i < 11; i++) {
		assert_int_equal(fb_conn_kind_parse(names[i], &k), 0);
		assert_string_equal(fb_conn_kind_name(k), names[i]);
	}
	assert_int_equal(fb_conn_kind_parse("tcp5", &k), -EINVAL);
	assert_int_equal(fb_conn_kind_parse(NULL, &k), -EINVAL);
}

static void test_constant_names_match_psutil(void **state)
{
	enum fb_proc_status s;

	(void)state;
	assert_string_equal(fb_status_name(FB_STATUS_DISK_SLEEP), "disk-sleep");
	assert_string_equal(fb_status_name(FB_STATUS_TRACING_STOP), "tracing-stop");
	assert_string_equal(fb_status_name(FB_STATUS_PARKED), "parked");
	assert_null(fb_status_name(FB_STATUS__COUNT));
	assert_string_equal(fb_conn_status_name(FB_CONN_ESTABLISHED), "ESTABLISHED");
	assert_string_equal(fb_conn_status_name(FB_CONN_CLOSING), "CLOSING");
	assert_string_equal(fb_conn_status_name(FB_CONN_NONE), "NONE");
	assert_string_equal(fb_conn_status_name(FB_CONN_IDLE), "IDLE");
	assert_string_equal(fb_conn_status_name(FB_CONN_BOUND), "BOUND");
	assert_string_equal(fb_nic_duplex_name(FB_NIC_DUPLEX_FULL), "NIC_DUPLEX_FULL");
	assert_int_equal(FB_NIC_DUPLEX_HALF, 1);
	assert_int_equal(fb_status_from_char('D', &s), 0);
	assert_int_equal(s, FB_STATUS_DISK_SLEEP);
	assert_int_equal(fb_status_from_char('I', &s), 0);
	assert_int_equal(s, FB_STATUS_IDLE);
	assert_int_equal(fb_status_from_char('?', &s), -EINVAL);
	assert_string_equal(fb_err_kind_name(FB_ERR_ZOMBIE), "ZombieProcess");
}

static void test_cpu_percent_calc_clips_and_subtracts_guest(void **state)
{
	struct fb_cpu_times a = { 0 }, b = { 0 }, pct;

	(void)state;
	a.user = 10;
	a.idle = 10;
	a.guest = 1;
	b.user = 20; /* +10, of which guest +5 is already included */
	b.idle = 20; /* +10 */
	b.guest = 6;
	b.steal = 0;
	a.steal = 3; /* went backwards: clipped to 0 */
	/* total = 10 + 10 (guest not added) -> busy 10 -> 50% */
	assert_true(fb_cpu_percent_calc(&a, &b) == 50.0);
	fb_cpu_times_percent_calc(&a, &b, &pct);
	assert_true(pct.user == 50.0);
	assert_true(pct.idle == 50.0);
	assert_true(pct.guest == 25.0);
	assert_true(pct.steal == 0.0);
	/* no time elapsed */
	assert_true(fb_cpu_percent_calc(&a, &a) == 0.0);
	/* iowait counts as idle; rounding to one decimal */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	b.user = 1;
	b.iowait = 1;
	b.idle = 1;
	assert_true(fb_cpu_percent_calc(&a, &b) == 33.3);
}

static void test_cpu_times_percent_clamps_small_totals(void **state)
{
	struct fb_cpu_times a = { 0 }, b = { 0 }, pct;

	(void)state;
	/* total below 1 s: psutil divides by max(1, total) */
	b.user = 0.5;
	fb_cpu_times_percent_calc(&a, &b, &pct);
	assert_true(pct.user == 50.0);
	/* guest larger than total cannot exceed 100 */
	b.guest = 5;
	fb_cpu_times_percent_calc(&a, &b, &pct);
	assert_true(pct.guest == 100.0);
}

static void test_root_set_normalises(void **state)
{
	(void)state;
	assert_int_equal(fb_root_set("/tmp/x//"), 0);
	assert_string_equal(fb_root_get(), "/tmp/x");
	assert_int_equal(fb_root_set(NULL), 0);
	assert_string_equal(fb_root_get(), "/");
}

static void test_empty_root_is_an_error(void **state)
{
	char tmpl[] = "/tmp/fbemptyXXXXXX";
	struct fb_cpu_times t;
	struct fb_vmem m;
	pid_t *p;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	fb_root_set(tmpl);
	assert_true(fb_cpu_times(&t) < 0);
	assert_true(fb_virtual_memory(&m) < 0);
	assert_true(fb_pids(&p, &n) < 0);
	assert_null(fb_proc__new(1));
	fb_root_set(NULL);
	rmdir(tmpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes2human_psutil_examples),
		cmocka_unit_test(test_human2bytes_forms),
		cmocka_unit_test(test_human_roundtrip_within_rounding),
		cmocka_unit_test(test_nowrap_wrapped_counter_keeps_increasing),
		cmocka_unit_test(test_conn_kinds_all_eleven),
		cmocka_unit_test(test_constant_names_match_psutil),
		cmocka_unit_test(test_cpu_percent_calc_clips_and_subtracts_guest),
		cmocka_unit_test(test_cpu_times_percent_clamps_small_totals),
		cmocka_unit_test(test_root_set_normalises),
		cmocka_unit_test(test_empty_root_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
