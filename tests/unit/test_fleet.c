// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_fleet.c: `vigil fleet`'s pure parts: host words ([USER@]HOST[:PORT], IPv6, what is
 * refused), hosts files (comments, blanks, the bad line's number), and merging the hosts'
 * output: a host key in NDJSON and JSON, a host column in CSV (a quoted newline stays in its
 * record) and tables (one header), and histograms added bucket by bucket with Jansson.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "fleet/fleet_hosts.h"
#include "fleet/fleet_merge.h"

static void test_host_parse_forms(void **state)
{
	struct fleet_host h;

	(void)state;
	assert_int_equal(fleet_host__parse(&h, "web1", 4), 0);
	assert_string_equal(h.name, "web1");
	assert_string_equal(h.user, "");
	assert_int_equal(h.port, 0);
	assert_int_equal(fleet_host__parse(&h, "root@10.0.0.2:2222", 18), 0);
	assert_string_equal(h.user, "root");
	assert_string_equal(h.name, "10.0.0.2");
	assert_int_equal(h.port, 2222);
	assert_string_equal(h.label, "root@10.0.0.2:2222");
	assert_int_equal(fleet_host__parse(&h, "[::1]:22", 8), 0);
	assert_string_equal(h.name, "::1");
	assert_int_equal(h.port, 22);
	assert_int_equal(fleet_host__parse(&h, "fe80::1", 7), 0); /* bare IPv6: no port */
	assert_string_equal(h.name, "fe80::1");
	assert_int_equal(h.port, 0);
}

static void test_host_parse_refuses(void **state)
{
	static const char *const bad[] = { "",	    "a b",   "-oProxyCommand=x",
					   "a;b",   "h:0",   "h:65536",
					   "h:22x", "@h",    "u@",
					   "[::1",  "[]:22", "a'b",
					   "h:",    "u:x@h" };
	struct fleet_host h;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(fleet_host__parse(&h, bad[i], strlen(bad[i])), -EINVAL);
}

static void test_hosts_file_and_list(void **state)
{
	const char *text = "# the fleet\nweb1\n\n  web2:2200   # second\r\nroot@db1\n";
	struct fleet_hosts hs = { 0 };
	int bad = 0;

	(void)state;
	assert_int_equal(fleet_hosts__add_text(&hs, text, strlen(text), &bad), 0);
	assert_int_equal(hs.n, 3);
	assert_string_equal(hs.v[1].name, "web2");
	assert_int_equal(hs.v[1].port, 2200);
	assert_string_equal(hs.v[2].user, "root");
	assert_int_equal(fleet_hosts__add_list(&hs, "a,b"), 0);
	assert_int_equal(hs.n, 5);
	assert_int_equal(fleet_hosts__add_list(&hs, "a,,b"), -EINVAL);
	fleet_hosts__free(&hs);
	assert_int_equal(fleet_hosts__add_text(&hs, "ok\nh2:22 admin\nnot ok either\n", 34, &bad),
			 -EINVAL);
	assert_int_equal(bad, 3);
	assert_string_equal(hs.v[1].name, "h2");
	assert_string_equal(hs.v[1].user, "admin"); /* pssh's HOST[:PORT] USER */
	fleet_hosts__free(&hs);
}

static char *merged(enum out_format fmt, const char *const *hosts, const char *const *outs, int n)
{
	struct fleet_merge m = { .fmt = fmt, .host_width = 4 };
	struct sink *s;
	char *text;
	int fd;

	s = capture__open(&fd);
	assert_non_null(s);
	for (int i = 0; i < n; i++)
		assert_int_equal(fleet_merge__host(&m, s, hosts[i], outs[i], strlen(outs[i])), 0);
	fleet_merge__end(&m, s);
	fleet_merge__free(&m);
	text = capture__read(s, fd);
	sink__close(s);
	close(fd);
	return text;
}

static void test_merge_tags_rows(void **state)
{
	const char *hosts[] = { "h1", "h2" };
	const char *nd[] = { "{\"a\":1}\n{}\n", "{\"a\":2}\n" };
	const char *csv[] = { "a,b\r\n1,\"x\ny\"\r\n", "a,b\r\n2,z\r\n" };
	const char *tab[] = { "A  B\n1  2\n", "A  B\n3  4\n" };
	char *t;

	(void)state;
	t = merged(FMT_NDJSON, hosts, nd, 2);
	assert_string_equal(t, "{\"host\":\"h1\",\"a\":1}\n{\"host\":\"h1\"}\n"
			       "{\"host\":\"h2\",\"a\":2}\n");
	free(t);
	t = merged(FMT_JSON, hosts, nd, 2);
	assert_string_equal(t, "[\n{\"host\":\"h1\",\"a\":1},\n{\"host\":\"h1\"},\n"
			       "{\"host\":\"h2\",\"a\":2}\n]\n");
	free(t);
	t = merged(FMT_CSV, hosts, csv, 2);
	assert_string_equal(t, "host,a,b\r\nh1,1,\"x\ny\"\r\nh2,2,z\r\n");
	free(t);
	t = merged(FMT_TABLE, hosts, tab, 2);
	assert_string_equal(t, "HOST A  B\nh1   1  2\nh2   3  4\n");
	free(t);
}

static void test_merge_counts_lines_that_are_not_objects(void **state)
{
	struct fleet_merge m = { .fmt = FMT_NDJSON };
	const char *out = "{\"a\":1}\nnot json\n[1]\n";
	struct sink *s;
	int fd;

	(void)state;
	s = capture__open(&fd);
	assert_int_equal(fleet_merge__host(&m, s, "h", out, strlen(out)), 2);
	sink__close(s);
	close(fd);
}

static void test_hists_add_bucket_by_bucket(void **state)
{
	const char *a = "{\"hist\":\"runq\",\"unit\":\"usecs\",\"per\":\"global\",\"count\":3,"
			"\"sum\":10,\"buckets\":[{\"lo\":0,\"hi\":1,\"count\":1},"
			"{\"lo\":4,\"hi\":7,\"count\":2}]}\n";
	const char *b = "{\"hist\":\"runq\",\"unit\":\"usecs\",\"per\":\"global\",\"count\":5,"
			"\"sum\":40,\"buckets\":[{\"lo\":4,\"hi\":7,\"count\":1},"
			"{\"lo\":8,\"hi\":15,\"count\":4}]}\n"
			"{\"hist\":\"runq\",\"unit\":\"usecs\",\"per\":\"pid\",\"key\":1,"
			"\"buckets\":[{\"lo\":0,\"hi\":1,\"count\":100}]}\nnot json\n";
	struct fleet_merge m = { .fmt = FMT_NDJSON };
	struct fleet_hists *h = fleet_hists__new();
	struct sink *s;
	size_t bad = 0;
	char *t;
	int fd;

	(void)state;
	assert_non_null(h);
	assert_int_equal(fleet_hists__add(h, a, strlen(a), &bad), 0);
	assert_int_equal(fleet_hists__add(h, b, strlen(b), &bad), 0);
	assert_int_equal(bad, 1);
	s = capture__open(&fd);
	assert_int_equal(fleet_hists__print(h, &m, s, 2), 1);
	t = capture__read(s, fd);
	assert_non_null(strstr(t, "\"host\":\"*\",\"hosts\":2,\"hist\":\"runq\""));
	assert_non_null(strstr(t, "\"count\":8,\"sum\":50"));
	assert_non_null(strstr(t, "{\"lo\":0,\"hi\":1,\"count\":1},{\"lo\":4,\"hi\":7,\"count\":3},"
				  "{\"lo\":8,\"hi\":15,\"count\":4}"));
	free(t);
	sink__close(s);
	close(fd);
	fleet_hists__free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_parse_forms),
		cmocka_unit_test(test_host_parse_refuses),
		cmocka_unit_test(test_hosts_file_and_list),
		cmocka_unit_test(test_merge_tags_rows),
		cmocka_unit_test(test_merge_counts_lines_that_are_not_objects),
		cmocka_unit_test(test_hists_add_bucket_by_bucket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
