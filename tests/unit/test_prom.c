// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_prom.c: the Prometheus text writer (escaping, exact decimal seconds, the le of each
 * log2 slot checked against the very bucketing function the kernel runs, cumulative
 * buckets, the size cap), the listen-address parser, and the schedstat parsers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/types.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "bits.h"
#include "events.h"
#include "prom/prom.h"
#include "sched/schedstat.h"
#include "prom/serve.h"

static char *scrape_text(struct prom *p)
{
	size_t len;
	char *buf = prom__take(p, &len), *s = calloc(1, len + 1);

	if (buf)
		memcpy(s, buf, len);
	free(buf);
	return s;
}

static void test_seconds_are_exact_decimals(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(prom_fmt_seconds(0, b), "0");
	assert_string_equal(prom_fmt_seconds(1999, b), "0.000001999");
	assert_string_equal(prom_fmt_seconds(3000000000ULL, b), "3");
	assert_string_equal(prom_fmt_seconds(12500000000ULL, b), "12.5");
	assert_string_equal(prom_fmt_double(287.17, b), "287.17");
	assert_string_equal(prom_fmt_double(0.1, b), "0.1");
}

static void test_labels_are_escaped(void **state)
{
	char b[PROM_LABELS_LEN];

	(void)state;
	assert_string_equal(prom_labels(b, NULL), "");
	assert_string_equal(prom_labels(b, "a", "x", "b", "y", NULL), "{a=\"x\",b=\"y\"}");
	assert_string_equal(prom_labels(b, "comm", "a\"b\\c\nd", NULL),
			    "{comm=\"a\\\"b\\\\c\\nd\"}");
}

/* Every integer-us value of slot i is <= le(i), and the first value of slot i+1 is > le(i). */
static void test_slot_le_is_the_exact_upper_bound(void **state)
{
	(void)state;
	for (int i = 0; i < VG_HIST_SLOTS - 1; i++) {
		uint64_t le = prom_log2_slot_le_ns(i, VG_HIST_SLOTS, 1000);
		uint64_t last_ns = le, next_ns = le + 1;

		assert_int_equal(vg_hist_slot(last_ns / 1000, VG_HIST_SLOTS), i);
		assert_int_equal(vg_hist_slot(next_ns / 1000, VG_HIST_SLOTS), i + 1);
	}
	assert_true(prom_log2_slot_le_ns(0, VG_HIST_SLOTS, 1000) == 1999);
	assert_true(prom_log2_slot_le_ns(VG_HIST_SLOTS - 1, VG_HIST_SLOTS, 1000) == UINT64_MAX);
}

static void test_hist_is_cumulative_with_sum_and_count(void **state)
{
	uint64_t slots[4] = { 1, 0, 2, 3 };
	struct prom p;
	char *s;

	(void)state;
	prom__init(&p, 1 << 20);
	prom__log2_hist(&p, "x_seconds", "{device=\"vda\"}", slots, 4, 40, 1000);
	s = scrape_text(&p);
	assert_string_equal(s, "x_seconds_bucket{device=\"vda\",le=\"0.000001999\"} 1\n"
			       "x_seconds_bucket{device=\"vda\",le=\"0.000003999\"} 1\n"
			       "x_seconds_bucket{device=\"vda\",le=\"0.000007999\"} 3\n"
			       "x_seconds_bucket{device=\"vda\",le=\"+Inf\"} 6\n"
			       "x_seconds_sum{device=\"vda\"} 0.00004\n"
			       "x_seconds_count{device=\"vda\"} 6\n");
	free(s);
}

static void test_size_cap_cuts_at_a_line(void **state)
{
	struct prom p;
	char *s;

	(void)state;
	prom__init(&p, 40);
	prom__u64(&p, "aaaaaaaaaa", "", 1); /* 13 bytes */
	prom__u64(&p, "bbbbbbbbbb", "", 2);
	prom__u64(&p, "cccccccccc", "", 3);
	prom__u64(&p, "d", "", 4);
	assert_true(p.truncated);
	s = scrape_text(&p);
	assert_string_equal(s, "aaaaaaaaaa 1\nbbbbbbbbbb 2\ncccccccccc 3\n");
	free(s);
}

static void test_listen_addresses(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;

	(void)state;
	assert_int_equal(serve_parse_listen("127.0.0.1:9464", &ss, &len), 0);
	assert_int_equal(in4->sin_family, AF_INET);
	assert_int_equal(ntohs(in4->sin_port), 9464);
	assert_int_equal(ntohl(in4->sin_addr.s_addr), 0x7f000001);
	assert_int_equal(serve_parse_listen(":80", &ss, &len), 0);
	assert_int_equal(ntohl(in4->sin_addr.s_addr), 0x7f000001);
	assert_int_equal(serve_parse_listen("9000", &ss, &len), 0);
	assert_int_equal(ntohs(in4->sin_port), 9000);
	assert_int_equal(serve_parse_listen("[::1]:9464", &ss, &len), 0);
	assert_int_equal(in6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(in6->sin6_port), 9464);
	assert_int_equal(serve_parse_listen("127.0.0.1:65536", &ss, &len), -EINVAL);
	assert_int_equal(serve_parse_listen("127.0.0.1:", &ss, &len), -EINVAL);
	assert_int_equal(serve_parse_listen("localhost:80", &ss, &len), -EINVAL);
	assert_int_equal(serve_parse_listen("[::1]9464", &ss, &len), -EINVAL);
	assert_int_equal(serve_parse_listen("1.2.3.4:x", &ss, &len), -EINVAL);
}

static void test_loopback_addresses(void **state)
{
	static const struct {
		const char *listen;
		bool loopback;
	} cases[] = {
		{ "127.0.0.1:1", true },
		{ "127.255.0.9:1", true },
		{ "[::1]:1", true },
		{ "[::ffff:127.0.0.2]:1", true },
		{ "0.0.0.0:1", false },
		{ "128.0.0.1:1", false },
		{ "10.1.2.3:1", false },
		{ "[::]:1", false },
		{ "[::ffff:10.0.0.1]:1", false },
		{ "[fe80::1]:1", false },
	};
	struct sockaddr_storage ss;
	socklen_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(serve_parse_listen(cases[i].listen, &ss, &len), 0);
		if (serve_addr_is_loopback(&ss) != cases[i].loopback)
			fail_msg("%s: loopback should be %d", cases[i].listen, cases[i].loopback);
	}
}

static void test_schedstat_parsers(void **state)
{
	struct schedstat t, cpus[4];
	const char *proc = "version 15\ntimestamp 4295\n"
			   "cpu0 0 0 100 20 50 40 111 222 33\n"
			   "domain0 3 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
			   "cpu1 0 0 100 20 50 40 444 555 66\n"
			   "cpu9 0 0 100 20 50 40 1 2 3\n"
			   "cpu2 0 0 truncated\n";

	(void)state;
	assert_int_equal(schedstat_parse_task("123 456 7\n", &t), 0);
	assert_true(t.run_ns == 123 && t.wait_ns == 456 && t.slices == 7);
	assert_int_equal(schedstat_parse_task("123 x 7\n", &t), -EINVAL);
	assert_int_equal(schedstat_parse_task("", &t), -EINVAL);
	memset(cpus, 0, sizeof(cpus));
	assert_int_equal(schedstat_parse_cpus(proc, cpus, 4), 2);
	assert_true(cpus[0].run_ns == 111 && cpus[0].wait_ns == 222 && cpus[0].slices == 33);
	assert_true(cpus[1].run_ns == 444 && cpus[1].wait_ns == 555 && cpus[1].slices == 66);
	assert_int_equal(schedstat_parse_cpus("version 15\n", cpus, 4), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seconds_are_exact_decimals),
		cmocka_unit_test(test_labels_are_escaped),
		cmocka_unit_test(test_slot_le_is_the_exact_upper_bound),
		cmocka_unit_test(test_hist_is_cumulative_with_sum_and_count),
		cmocka_unit_test(test_size_cap_cuts_at_a_line),
		cmocka_unit_test(test_listen_addresses),
		cmocka_unit_test(test_loopback_addresses),
		cmocka_unit_test(test_schedstat_parsers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
