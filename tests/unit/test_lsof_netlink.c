// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_lsof_netlink.c: the kernel's netlink socket table as `vigil lsof` reads it: sockets
 * found by inode with their protocol, lsof's protocol names, lines that do not parse
 * skipped, a table that is not the kernel's refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/lsof_netlink.h"

static const char table[] =
	"sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    "
	"Inode\n"
	"00000000a547559d 0   30417      00000000 0        0        0     2        0        "
	"4790197 \n"
	"000000006046235d 0   0          00000000 0        0        0     2        0        4  "
	"     \n"
	"garbage line\n"
	"000000009f35d56e 15  30417      00000001 0        0        0     2        0        "
	"4790198 \n"
	"00000000e9b67ec6 99  1          00000000 0        0        0     2        0        77\n";

static void test_sockets_by_inode(void **state)
{
	FILE *f = fmemopen((void *)table, sizeof(table) - 1, "r");
	struct lsof_netlink nl;
	const struct lsof_netlink_sock *s;

	(void)state;
	assert_non_null(f);
	assert_int_equal(lsof_netlink__parse(f, &nl), 0);
	fclose(f);
	assert_int_equal(nl.n, 4);
	s = lsof_netlink__find(&nl, 4790198);
	assert_non_null(s);
	assert_int_equal(s->protocol, 15);
	assert_string_equal(lsof_netlink__proto_name(s->protocol), "KOBJECT_UEVENT");
	s = lsof_netlink__find(&nl, 4790197);
	assert_non_null(s);
	assert_string_equal(lsof_netlink__proto_name(s->protocol), "ROUTE");
	s = lsof_netlink__find(&nl, 77);
	assert_non_null(s);
	assert_null(lsof_netlink__proto_name(s->protocol)); /* 99: printed as a number */
	assert_null(lsof_netlink__find(&nl, 12345));
	lsof_netlink__free(&nl);
}

static void test_names_and_refusals(void **state)
{
	static const char other[] = "Inode Something\n1 2 3\n";
	FILE *f = fmemopen((void *)other, sizeof(other) - 1, "r");
	struct lsof_netlink nl;

	(void)state;
	assert_string_equal(lsof_netlink__proto_name(4), "INET_DIAG");
	assert_string_equal(lsof_netlink__proto_name(16), "GENERIC");
	assert_null(lsof_netlink__proto_name(17));
	assert_null(lsof_netlink__proto_name(-1));
	assert_non_null(f);
	assert_int_equal(lsof_netlink__parse(f, &nl), -EBADMSG);
	assert_int_equal(nl.n, 0);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sockets_by_inode),
		cmocka_unit_test(test_names_and_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
