// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_probe.c: the probes' parts that need no network: --expect-status lists (codes, classes,
 * ranges, bad input refused whole), --expect value sets (normalised, compared as sets), the
 * repeat options' bounds, the summary's arithmetic, and the HTTP URL check (what exits 2).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "probe/probe.h"
#include "probe/probe_expect.h"
#include "probe/probe_dns.h"
#include "probe/probe_http.h"
#include "probe/probe_modules.h"
#include "probe/probe_tcp.h"

static void test_status_set_parses_codes_classes_ranges(void **state)
{
	struct probe_status_set s = { 0 };

	(void)state;
	assert_true(probe_status_set__has(&s, 200));
	assert_true(probe_status_set__has(&s, 399));
	assert_false(probe_status_set__has(&s, 404));
	assert_int_equal(probe_status_set__parse(&s, "2xx,404,500-502"), 0);
	assert_int_equal(s.n, 3);
	assert_true(probe_status_set__has(&s, 299));
	assert_false(probe_status_set__has(&s, 300));
	assert_true(probe_status_set__has(&s, 404));
	assert_true(probe_status_set__has(&s, 501));
	assert_false(probe_status_set__has(&s, 503));
}

static void test_status_set_refuses_bad_input_whole(void **state)
{
	static const char *const bad[] = { "",	  "99",	      "600",	 "2xx,",    ",200",
					   "20",  "2000",     "300-200", "6xx",	    "200-",
					   "x00", "200 ,301", "0xx",	 "200--300" };
	struct probe_status_set s = { 0 };

	(void)state;
	assert_int_equal(probe_status_set__parse(&s, "200"), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(probe_status_set__parse(&s, bad[i]), -EINVAL);
		assert_int_equal(s.n, 1);
	}
	for (int i = 1; i < PROBE_STATUS_RANGES; i++)
		assert_int_equal(probe_status_set__parse(&s, "201"), 0);
	assert_int_equal(probe_status_set__parse(&s, "202"), -EINVAL);
}

static void test_value_set_compares_as_sets(void **state)
{
	struct probe_value_set s = { 0 };
	char got[3][PROBE_EXPECT_VAL_LEN] = { "10.0.0.2", "mail.example.org", "10.0.0.1" };

	(void)state;
	assert_int_equal(probe_value_set__parse(&s, "10.0.0.1,Mail.Example.ORG."), 0);
	assert_int_equal(probe_value_set__parse(&s, "10.0.0.2"), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.v[1], "mail.example.org");
	assert_true(probe_value_set__equals(&s, got, 3));
	assert_false(probe_value_set__equals(&s, got, 2));
	assert_int_equal(probe_value_set__parse(&s, "a,,b"), -EINVAL);
	assert_int_equal(probe_value_set__parse(&s, "a\tb"), -EINVAL);
	assert_int_equal(s.n, 3);
}

static void test_loop_options_bounded(void **state)
{
	struct probe_loop l;

	(void)state;
	probe_loop__init(&l);
	assert_int_equal(l.count, 1);
	assert_int_equal(probe_loop__set(&l, PROBE_OPT_COUNT, "0"), -ERANGE);
	assert_int_equal(probe_loop__set(&l, PROBE_OPT_COUNT, "100001"), -ERANGE);
	assert_int_equal(probe_loop__set(&l, PROBE_OPT_COUNT, "100000"), 0);
	assert_int_equal(probe_loop__set(&l, PROBE_OPT_INTERVAL, "0"), 0);
	assert_int_equal(l.interval_ns, 0);
	assert_int_equal(probe_loop__set(&l, PROBE_OPT_TIMEOUT, "0"), -EINVAL);
	assert_int_equal(probe_loop__set(&l, PROBE_OPT_TIMEOUT, "250ms"), 0);
	assert_int_equal(l.timeout_ns, 250000000);
	assert_int_equal(probe_loop__set(&l, PROBE_OPT_NEXT, "1"), -ENOENT);
}

static void test_stats_min_avg_max_loss(void **state)
{
	struct probe_stats s = { 0 };

	(void)state;
	probe_stats__add(&s, true, 3000);
	probe_stats__add(&s, false, 100);
	probe_stats__add(&s, true, 1000);
	assert_int_equal(s.runs, 3);
	assert_int_equal(s.ok, 2);
	assert_int_equal(s.min_ns, 1000);
	assert_int_equal(s.max_ns, 3000);
	assert_int_equal(s.sum_ns, 4000);
}

static void test_http_url_check(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(probe_http__check_url("http://127.0.0.1:8080/x?y=1", err, sizeof(err)), 0);
	assert_int_equal(probe_http__check_url("https://[::1]/", err, sizeof(err)), 0);
	assert_int_equal(probe_http__check_url("ftp://host/", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "malformed URL"));
	assert_int_equal(probe_http__check_url("http://exa mple/", err, sizeof(err)), -EINVAL);
	assert_int_equal(probe_http__check_url("http://", err, sizeof(err)), -EINVAL);
	assert_int_equal(probe_http__check_url("http://host:99999/", err, sizeof(err)), -EINVAL);
}

static void test_unescape(void **state)
{
	char out[8];
	size_t n = 0;

	(void)state;
	assert_int_equal(probe_unescape("a\\r\\n\\x41\\0\\\\", out, sizeof(out), &n), 0);
	assert_int_equal(n, 6);
	assert_memory_equal(out, "a\r\nA\0\\", 6);
	assert_int_equal(probe_unescape("\\x4", out, sizeof(out), &n), -EINVAL);
	assert_int_equal(probe_unescape("\\q", out, sizeof(out), &n), -EINVAL);
	assert_int_equal(probe_unescape("abc\\", out, sizeof(out), &n), -EINVAL);
	assert_int_equal(probe_unescape("123456789", out, sizeof(out), &n), -ERANGE);
}

static void test_tcp_target_url(void **state)
{
	char url[320], err[256];

	(void)state;
	assert_int_equal(
		probe_tcp__target_url("10.0.0.1:25", false, url, sizeof(url), err, sizeof(err)), 0);
	assert_string_equal(url, "http://10.0.0.1:25/");
	assert_int_equal(
		probe_tcp__target_url("[::1]:443", true, url, sizeof(url), err, sizeof(err)), 0);
	assert_string_equal(url, "https://[::1]:443/");
	assert_int_equal(
		probe_tcp__target_url("::1:443", false, url, sizeof(url), err, sizeof(err)),
		-EINVAL);
	assert_int_equal(probe_tcp__target_url("host", false, url, sizeof(url), err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(probe_tcp__target_url("host:0", false, url, sizeof(url), err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(probe_tcp__target_url("a/b:80", false, url, sizeof(url), err, sizeof(err)),
			 -EINVAL);
}

static void test_dns_names_types(void **state)
{
	char q[PROBE_DNS_NAME_LEN], label[80];

	(void)state;
	assert_true(probe_dns_type_parse("aaaa") > 0);
	assert_string_equal(probe_dns_type_name(probe_dns_type_parse("Txt")), "TXT");
	assert_int_equal(probe_dns_type_parse("SRV"), -EINVAL);
	assert_int_equal(
		probe_dns_qname("www.example.org.", probe_dns_type_parse("A"), q, sizeof(q)), 0);
	assert_int_equal(probe_dns_qname("10.0.0.1", probe_dns_type_parse("PTR"), q, sizeof(q)), 0);
	assert_string_equal(q, "1.0.0.10.in-addr.arpa.");
	assert_int_equal(probe_dns_qname("2001:db8::1", probe_dns_type_parse("PTR"), q, sizeof(q)),
			 0);
	assert_string_equal(q, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2."
			       "ip6.arpa.");
	assert_int_equal(probe_dns_qname("a..b", 1, q, sizeof(q)), -EINVAL);
	assert_int_equal(probe_dns_qname("", 1, q, sizeof(q)), -EINVAL);
	assert_int_equal(probe_dns_qname("a b", 1, q, sizeof(q)), -EINVAL);
	memset(label, 'x', 64);
	label[64] = '\0';
	assert_int_equal(probe_dns_qname(label, 1, q, sizeof(q)), -EINVAL);
	label[63] = '\0';
	assert_int_equal(probe_dns_qname(label, 1, q, sizeof(q)), 0);
	assert_true(probe_dns_server_is_valid("::1"));
	assert_false(probe_dns_server_is_valid("dns.example"));
}

static void test_modules_parse_blackbox_shape(void **state)
{
	static const char ok[] = "modules:\n"
				 "  web:\n"
				 "    prober: http\n"
				 "    timeout: 2s\n"
				 "    http:\n"
				 "      method: HEAD\n"
				 "      valid_status_codes: [200, 301]\n"
				 "      no_follow_redirects: true\n"
				 "      tls_config: {insecure_skip_verify: true}\n"
				 "  ns:\n"
				 "    prober: dns\n"
				 "    dns: {query_name: www.example.org, query_type: MX, "
				 "transport_protocol: tcp}\n";
	static const char *const bad[] = {
		"modules:\n  m:\n    prober: ftp\n",
		"modules:\n  m:\n    prober: http\n    http:\n      bearer_token: x\n",
		"modules:\n  m:\n    timeout: 5s\n",
		"modules:\n  m:\n    prober: dns\n",
		"modules:\n  m:\n    prober: http\n    timeout: soon\n",
		"other: 1\n",
		"modules: [1, 2]\n",
		"modules:\n  m:\n    prober: http\n  m:\n    prober: tcp\n",
	};
	const struct probe_module *m;
	struct probe_modules *ms;
	char err[256];

	(void)state;
	ms = probe_modules__parse(ok, sizeof(ok) - 1, err, sizeof(err));
	assert_non_null(ms);
	assert_int_equal(ms->n, 2);
	m = probe_modules__find(ms, "web");
	assert_non_null(m);
	assert_int_equal(m->prober, PROBER_HTTP);
	assert_int_equal(m->timeout_ns, 2000000000ULL);
	assert_string_equal(m->method, "HEAD");
	assert_true(m->no_follow_redirects && m->insecure);
	assert_true(probe_status_set__has(&m->valid_status, 301));
	assert_false(probe_status_set__has(&m->valid_status, 302));
	m = probe_modules__find(ms, "ns");
	assert_int_equal(m->prober, PROBER_DNS);
	assert_int_equal(m->query_type, probe_dns_type_parse("MX"));
	assert_true(m->dns_tcp);
	assert_string_equal(m->query_name, "www.example.org");
	assert_int_equal(m->timeout_ns, 5000000000ULL);
	assert_null(probe_modules__find(ms, "nope"));
	probe_modules__free(ms);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_null(probe_modules__parse(bad[i], strlen(bad[i]), err, sizeof(err)));
		assert_true(err[0] != '\0');
	}
	assert_null(probe_modules__parse(bad[1], strlen(bad[1]), err, sizeof(err)));
	assert_non_null(strstr(err, "line 5"));
	assert_non_null(strstr(err, "bearer_token"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_set_parses_codes_classes_ranges),
		cmocka_unit_test(test_status_set_refuses_bad_input_whole),
		cmocka_unit_test(test_value_set_compares_as_sets),
		cmocka_unit_test(test_loop_options_bounded),
		cmocka_unit_test(test_stats_min_avg_max_loss),
		cmocka_unit_test(test_http_url_check),
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_tcp_target_url),
		cmocka_unit_test(test_dns_names_types),
		cmocka_unit_test(test_modules_parse_blackbox_shape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
