// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_ip.c: `vigil ip`'s calculator (net/net_ip.h) against IPy: every line of
 * tests/fixtures/ipy/ipy_table.tsv (written by gen_ipy_table.py from python3-ipy) is one
 * operation on one network (or pair) and IPy's answer: parsing (good and refused input),
 * str(), version, network, prefix length, netmask, broadcast, size, first and last address,
 * iptype(), reverseName(), reverseNames(), `in`, overlaps() and IPy's ordering. Plus the
 * calculator's own bounds: --loose's make_net, 2^128, and the covering IPv6 zones that IPy
 * refuses to give.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_addrset.h"
#include "net/net_ip.h"

struct joined {
	char buf[IP_REVNAMES_MAX * IP_REVNAME_LEN];
	size_t off;
};

static void join(void *ctx, const char *name)
{
	struct joined *j = ctx;

	j->off += (size_t)snprintf(j->buf + j->off, sizeof(j->buf) - j->off, "%s%s",
				   j->off ? " " : "", name);
}

static struct ip_net must_parse(const char *s)
{
	struct ip_net n;

	if (ip_net__parse(s, 0, &n))
		fail_msg("'%s' did not parse", s);
	return n;
}

/* What vigil computes for op on a (and b); the text IPy prints. */
static void compute(const char *op, const char *a, const char *b, char *out, size_t len)
{
	struct ip_net n, m;
	struct joined j = { .off = 0 };

	if (!strcmp(op, "parse")) {
		snprintf(out, len, "%s", ip_net__parse(a, 0, &n) ? "error" : "ok");
		return;
	}
	n = must_parse(a);
	if (!strcmp(op, "cidr"))
		ip_net__format(&n, out, len);
	else if (!strcmp(op, "version"))
		snprintf(out, len, "%u", n.version);
	else if (!strcmp(op, "network") || !strcmp(op, "first"))
		ip_addr__format(n.version, n.ip, out, len);
	else if (!strcmp(op, "prefixlen"))
		snprintf(out, len, "%u", n.plen);
	else if (!strcmp(op, "netmask"))
		ip_addr__format(n.version, ip_net__netmask(&n), out, len);
	else if (!strcmp(op, "broadcast") || !strcmp(op, "last"))
		ip_addr__format(n.version, ip_net__last(&n), out, len);
	else if (!strcmp(op, "size"))
		ip_net__size(&n, out, len);
	else if (!strcmp(op, "type"))
		snprintf(out, len, "%s", ip_net__type(&n));
	else if (!strcmp(op, "reverse_name")) {
		if (ip_net__reverse_name(&n, out, len))
			snprintf(out, len, "(none)");
	} else if (!strcmp(op, "reverse_names")) {
		ip_net__reverse_names(&n, join, &j);
		snprintf(out, len, "%s", j.buf);
	} else {
		m = must_parse(b);
		if (!strcmp(op, "contains"))
			snprintf(out, len, "%d", ip_net__contains(&n, &m));
		else if (!strcmp(op, "overlaps"))
			snprintf(out, len, "%d", ip_net__overlaps(&n, &m));
		else if (!strcmp(op, "compare"))
			snprintf(out, len, "%d", ip_net__compare(&n, &m));
		else
			fail_msg("unknown op '%s'", op);
	}
}

static void test_ipy_table(void **state)
{
	char path[4096], src[] = __FILE__, line[IP_REVNAMES_MAX * IP_REVNAME_LEN + 256];
	static char got[IP_REVNAMES_MAX * IP_REVNAME_LEN];
	int checked = 0, failed = 0;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/../fixtures/ipy/ipy_table.tsv", dirname(src));
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *op, *a, *b, *want, *save = NULL;

		if (line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = '\0';
		op = line;
		a = strchr(op, '\t');
		assert_non_null(a);
		*a++ = '\0';
		b = strchr(a, '\t');
		assert_non_null(b);
		*b++ = '\0';
		want = strchr(b, '\t');
		assert_non_null(want);
		*want++ = '\0';
		(void)save;
		compute(op, a, b, got, sizeof(got));
		checked++;
		if (strcmp(got, want)) {
			print_error("%s(%s%s%s): IPy '%s', vigil '%s'\n", op, a, *b ? ", " : "", b,
				    want, got);
			failed++;
		}
	}
	fclose(f);
	print_message("%d checks against IPy\n", checked);
	assert_true(checked > 1000);
	assert_int_equal(failed, 0);
}

static void test_loose_is_make_net(void **state)
{
	struct ip_net n;
	char buf[IP_STRLEN];

	(void)state;
	assert_int_equal(ip_net__parse("10.0.0.1/8", 0, &n), -EDOM);
	assert_int_equal(ip_net__parse("10.0.0.1/8", ADDRSET_F_LOOSE, &n), 0);
	assert_string_equal(ip_net__format(&n, buf, sizeof(buf)), "10.0.0.0/8");
	assert_int_equal(ip_net__parse("2001:db8::1/64", ADDRSET_F_LOOSE, &n), 0);
	assert_string_equal(ip_net__format(&n, buf, sizeof(buf)), "2001:db8::/64");
}

static void test_sizes_up_to_2_128(void **state)
{
	struct ip_net n = must_parse("::/0");
	char buf[IP_SIZE_STRLEN];

	(void)state;
	assert_string_equal(ip_net__size(&n, buf, sizeof(buf)),
			    "340282366920938463463374607431768211456");
	n = must_parse("::1");
	assert_string_equal(ip_net__size(&n, buf, sizeof(buf)), "1");
	assert_string_equal(ip_net__size(&n, buf, 1), ""); /* too small: empty, no overflow */
}

static void test_ipv6_off_nibble_covering_zones(void **state)
{
	struct ip_net n = must_parse("2001:db8::/63");
	struct joined j = { .off = 0 };
	char buf[IP_REVNAME_LEN];

	(void)state;
	assert_int_equal(ip_net__reverse_names(&n, join, &j), 2);
	assert_string_equal(j.buf, "0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. "
				   "1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
	assert_int_equal(ip_net__reverse_name(&n, buf, sizeof(buf)), -ERANGE);
	/* IPy's reverseNames() drops leading zero nibbles ("%x"); these are whole */
	n = must_parse("::1:2");
	j.off = 0;
	assert_int_equal(ip_net__reverse_names(&n, join, &j), 1);
	assert_string_equal(j.buf, "2.0.0.0.1.0.0.0.0.0.0.0.0.0.0.0."
				   "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipy_table),
		cmocka_unit_test(test_loose_is_make_net),
		cmocka_unit_test(test_sizes_up_to_2_128),
		cmocka_unit_test(test_ipv6_off_nibble_covering_zones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
