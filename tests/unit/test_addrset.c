// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_addrset.c: the address sets of --laddr/--raddr (net/net_addrset.h): the address text
 * parser on good and hostile text, prefixes with IPy's host-bit refusal and --loose, netmask
 * forms, lists with negation, the longest-prefix decision (the kernel's LPM rule) including
 * sets of only exclusions, and text matching of the fallback library's address strings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/net_addrset.h"

static void test_prefix_parse_valid(void **state)
{
	struct addr_prefix p;

	(void)state;
	assert_int_equal(addr_prefix_parse("10.0.0.0/8", 0, &p), 0);
	assert_int_equal(p.prefixlen, 104);
	assert_true(p.v4);
	assert_int_equal(p.addr[10], 0xff);
	assert_int_equal(p.addr[11], 0xff);
	assert_int_equal(p.addr[12], 10);
	assert_int_equal(addr_prefix_parse("127.0.0.1", 0, &p), 0);
	assert_int_equal(p.prefixlen, 128);
	assert_int_equal(addr_prefix_parse("0.0.0.0/0", 0, &p), 0);
	assert_int_equal(p.prefixlen, 96);
	assert_int_equal(addr_prefix_parse("fd00::/8", 0, &p), 0);
	assert_int_equal(p.prefixlen, 8);
	assert_false(p.v4);
	assert_int_equal(p.addr[0], 0xfd);
	assert_int_equal(addr_prefix_parse("::1", 0, &p), 0);
	assert_int_equal(p.prefixlen, 128);
	assert_int_equal(p.addr[15], 1);
	assert_int_equal(addr_prefix_parse("::/0", 0, &p), 0);
	assert_int_equal(p.prefixlen, 0);
	assert_int_equal(addr_prefix_parse("::ffff:192.0.2.0/120", 0, &p), 0);
	assert_int_equal(p.addr[12], 192);
	assert_int_equal(addr_prefix_parse("1:2:3:4:5:6:7:8", 0, &p), 0);
	assert_int_equal(p.addr[14], 0);
	assert_int_equal(p.addr[15], 8);
	assert_int_equal(addr_prefix_parse("1::", 0, &p), 0);
	assert_int_equal(p.addr[1], 1);
	assert_int_equal(addr_prefix_parse("1:2:3:4:5:6:7::", 0, &p), 0);
	assert_int_equal(p.addr[13], 7);
	assert_int_equal(addr_prefix_parse("64:ff9b::192.0.2.33", 0, &p), 0);
	assert_int_equal(p.addr[15], 33);
	/* IPv4 netmask form, as IPy takes it */
	assert_int_equal(addr_prefix_parse("192.168.0.0/255.255.0.0", 0, &p), 0);
	assert_int_equal(p.prefixlen, 112);
	assert_int_equal(addr_prefix_parse("10.0.0.0/255.255.255.255", 0, &p), 0);
	assert_int_equal(p.prefixlen, 128);
}

static void test_prefix_host_bits_refused_unless_loose(void **state)
{
	struct addr_prefix p;

	(void)state;
	assert_int_equal(addr_prefix_parse("10.0.0.1/8", 0, &p), -EDOM);
	assert_int_equal(addr_prefix_parse("10.1.2.3/16", ADDRSET_F_LOOSE, &p), 1);
	assert_int_equal(p.prefixlen, 112);
	assert_int_equal(p.addr[13], 1);
	assert_int_equal(p.addr[14], 0);
	assert_int_equal(p.addr[15], 0);
	assert_int_equal(addr_prefix_parse("fd12:3456::/12", 0, &p), -EDOM);
	assert_int_equal(addr_prefix_parse("fd12:3456::/12", ADDRSET_F_LOOSE, &p), 1);
	assert_int_equal(p.addr[0], 0xfd);
	assert_int_equal(p.addr[1], 0x10);
	assert_int_equal(p.addr[2], 0);
	assert_int_equal(addr_prefix_parse("255.255.255.255/0", 0, &p), -EDOM);
}

static void test_prefix_parse_bad_input(void **state)
{
	static const char *const bad[] = {
		"",
		"/8",
		"10.0.0.0/",
		"10.0.0.0/33",
		"10.0.0/8",
		"10.0.0.0/8x",
		"10.0.0.0/-1",
		"10.0.0.0/08",
		"010.0.0.0/8",
		"256.0.0.0/8",
		"1.2.3.4.5",
		"1..2.3",
		"fd00::/129",
		"fd00:::/8",
		"fd00::/8/8",
		":::",
		"1:2:3:4:5:6:7:8:9",
		"1:2:3:4:5:6:7",
		"1::2::3",
		":1::",
		"1::2:",
		"12345::",
		"1:2:3:4:5:6:7:1.2.3.4",
		"::1.2.3",
		"::g",
		"abc",
		"10.0.0.0 /8",
		"10.0.0.0/255.0.255.0",
		"fd00::/255.0.0.0",
		"1111111111111111111111111111111111111111111111111111/8",
	};
	struct addr_prefix p;

	(void)state;
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (addr_prefix_parse(bad[i], ADDRSET_F_LOOSE, &p) >= 0)
			fail_msg("accepted bad prefix '%s'", bad[i]);
	}
}

static bool match(const struct addrset *s, const char *addr)
{
	uint8_t a[16];
	bool v4;

	assert_int_equal(addr_parse(addr, a, &v4), 0);
	return addrset__match(s, a);
}

static void test_set_negation_longest_prefix_decides(void **state)
{
	struct addrset s;

	(void)state;
	addrset__init(&s);
	assert_true(match(&s, "192.0.2.1")); /* empty: everything */
	assert_int_equal(addrset__parse(&s, "10.0.0.0/8,!10.1.0.0/16", 0), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.npos, 1);
	assert_true(match(&s, "10.0.0.1"));
	assert_true(match(&s, "10.2.255.255"));
	assert_false(match(&s, "10.1.0.1"));
	assert_false(match(&s, "11.0.0.1"));
	assert_false(match(&s, "fd00::1"));
	/* a longer positive prefix inside an exclusion wins again */
	assert_int_equal(addrset__parse(&s, "10.1.2.0/24", 0), 0);
	assert_true(match(&s, "10.1.2.3"));
	assert_false(match(&s, "10.1.3.3"));
	/* IPv4-mapped IPv6 addresses are IPv4 addresses */
	assert_true(match(&s, "::ffff:10.0.0.1"));
}

static void test_set_only_exclusions_match_the_rest(void **state)
{
	struct addrset s;

	(void)state;
	addrset__init(&s);
	assert_int_equal(addrset__parse(&s, "!127.0.0.0/8,!::1", 0), 0);
	assert_int_equal(s.npos, 0);
	assert_false(match(&s, "127.0.0.1"));
	assert_false(match(&s, "::1"));
	assert_true(match(&s, "192.0.2.1"));
	assert_true(match(&s, "2001:db8::1"));
}

static void test_set_lists_and_errors(void **state)
{
	struct addrset s;
	char big[ADDRSET_LIST_MAX + 8];

	(void)state;
	addrset__init(&s);
	assert_int_equal(addrset__parse(&s, "10.0.0.0/8,10.0.0.0/8", 0), 0);
	assert_int_equal(s.n, 1); /* kept once */
	assert_int_equal(addrset__parse(&s, "!10.0.0.0/8", 0), -EINVAL);
	assert_int_equal(s.n, 1);
	assert_int_equal(addrset__parse(&s, "192.168.0.0/16,junk", 0), -EINVAL);
	assert_int_equal(s.n, 1); /* unchanged on error */
	assert_int_equal(addrset__parse(&s, "", 0), -EINVAL);
	assert_int_equal(addrset__parse(&s, "1.2.3.4,", 0), -EINVAL);
	assert_int_equal(addrset__parse(&s, ",1.2.3.4", 0), -EINVAL);
	assert_int_equal(addrset__parse(&s, "!", 0), -EINVAL);
	assert_int_equal(addrset__parse(&s, "!!1.2.3.4", 0), -EINVAL);
	assert_int_equal(addrset__parse(&s, "192.168.1.1/24", 0), -EDOM);
	assert_string_equal(s.hostbits, "");
	assert_int_equal(addrset__parse(&s, "!192.168.1.1/24", ADDRSET_F_LOOSE), 0);
	assert_string_equal(s.hostbits, "192.168.1.1/24");
	assert_false(match(&s, "192.168.1.200"));
	addrset__init(&s);
	for (int i = 0; i < ADDRSET_MAX; i++) {
		char p[32];

		snprintf(p, sizeof(p), "10.0.%d.0/24", i);
		assert_int_equal(addrset__parse(&s, p, 0), 0);
	}
	assert_int_equal(addrset__parse(&s, "10.1.0.0/24", 0), -E2BIG);
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(addrset__parse(&s, big, 0), -EINVAL);
}

static void test_match_text(void **state)
{
	struct addrset s;

	(void)state;
	addrset__init(&s);
	assert_true(addrset__match_text(&s, "")); /* empty set: even no address */
	assert_int_equal(addrset__parse(&s, "fe80::/10", 0), 0);
	assert_true(addrset__match_text(&s, "fe80::1%eth0"));
	assert_true(addrset__match_text(&s, "fe81::1")); /* fe80::/10 is fe80:: to febf:: */
	assert_false(addrset__match_text(&s, "fec0::1"));
	assert_false(addrset__match_text(&s, ""));
	assert_false(addrset__match_text(&s, "/run/x.sock"));
	addrset__init(&s);
	assert_int_equal(addrset__parse(&s, "!10.0.0.0/8", 0), 0);
	assert_false(addrset__match_text(&s, "")); /* no address is in no set */
	assert_true(addrset__match_text(&s, "192.0.2.1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_parse_valid),
		cmocka_unit_test(test_prefix_host_bits_refused_unless_loose),
		cmocka_unit_test(test_prefix_parse_bad_input),
		cmocka_unit_test(test_set_negation_longest_prefix_decides),
		cmocka_unit_test(test_set_only_exclusions_match_the_rest),
		cmocka_unit_test(test_set_lists_and_errors),
		cmocka_unit_test(test_match_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
