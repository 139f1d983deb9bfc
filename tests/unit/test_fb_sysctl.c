// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_fb_sysctl.c - the Linux sysctl collector on the "sysctl" fixture tree: dotted names
 * (an interface name with a dot becomes a slash), sorted output, values with tabs and several
 * lines kept as the kernel wrote them minus the last newline, sysctl -a's omissions (empty
 * trigger files, deprecated neigh keys unless named), globs, subtree names that must not match
 * a longer sibling ("net.core" is not "net.corex"), and single-key reads with bad names.
 */
#include "fb_test.h"

static int teardown(void **state)
{
	(void)state;
	fb_root_set(NULL);
	return 0;
}

static const char *value_of(const struct fb_sysctls *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return s->v[i].value;
	return NULL;
}

static void test_sysctl_list_all_is_sorted_and_dotted(void **state)
{
	struct fb_sysctls s;

	(void)state;
	fb_test_root("sysctl");
	assert_int_equal(fb_sysctl_list(NULL, &s), 0);
	/* 14 files: minus the empty vm.stat_refresh and the deprecated retrans_time */
	assert_int_equal(s.n, 12);
	for (size_t i = 1; i < s.n; i++)
		assert_true(strcmp(s.v[i - 1].name, s.v[i].name) < 0);
	assert_string_equal(value_of(&s, "net.ipv4.conf.eth0/100.forwarding"), "1");
	assert_string_equal(value_of(&s, "net.ipv4.tcp_rmem"), "4096\t131072\t6291456");
	assert_string_equal(value_of(&s, "kernel.core_modes"), "file\npipe");
	assert_string_equal(value_of(&s, "kernel.panic_sys_info"), "");
	assert_string_equal(value_of(&s, "net.ipv4.neigh.lo.retrans_time_ms"), "1000");
	assert_null(value_of(&s, "net.ipv4.neigh.lo.retrans_time"));
	assert_null(value_of(&s, "vm.stat_refresh"));
	fb_sysctls_free(&s);
	assert_int_equal(s.n, 0);
	fb_sysctls_free(NULL);
}

static void test_sysctl_glob_and_subtree(void **state)
{
	struct fb_sysctls s;

	(void)state;
	fb_test_root("sysctl");
	assert_int_equal(fb_sysctl_list("net.ipv4.tcp_*", &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.v[0].name, "net.ipv4.tcp_fin_timeout");
	assert_string_equal(s.v[1].name, "net.ipv4.tcp_rmem");
	fb_sysctls_free(&s);
	assert_int_equal(fb_sysctl_list("net.core", &s), 0);
	assert_int_equal(s.n, 2);
	fb_sysctls_free(&s);
	assert_int_equal(fb_sysctl_list("net.cor", &s), 0); /* a prefix is not a subtree */
	assert_int_equal(s.n, 0);
	fb_sysctls_free(&s);
	assert_int_equal(fb_sysctl_list("kernel.pid_max", &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].value, "32768");
	fb_sysctls_free(&s);
	/* a deprecated key is still there when asked for by name, as sysctl NAME shows it */
	assert_int_equal(fb_sysctl_list("net.ipv4.neigh.lo.retrans_time", &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].value, "100");
	fb_sysctls_free(&s);
	assert_int_equal(fb_sysctl_list("*.swappiness", &s), 0);
	assert_int_equal(s.n, 1);
	fb_sysctls_free(&s);
}

static void test_sysctl_read_one(void **state)
{
	char buf[64];

	(void)state;
	fb_test_root("sysctl");
	assert_int_equal(fb_sysctl_read("net.core.somaxconn", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "4096");
	assert_int_equal(fb_sysctl_read("net.ipv4.conf.eth0/100.forwarding", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1");
	assert_int_equal(fb_sysctl_read("net.core.nosuch", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(fb_sysctl_read("net..core", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(fb_sysctl_read("net.//.x", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(fb_sysctl_read(".net", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(fb_sysctl_read("", buf, sizeof(buf)), -EINVAL);
}

static void test_sysctl_tracer_keys_match_fixture(void **state)
{
	struct fb_sysctls s;
	size_t total = 0;

	(void)state;
	fb_test_root("sysctl");
	for (size_t k = 0; fb_sysctl_tracer_keys[k]; k++) {
		assert_int_equal(fb_sysctl_list(fb_sysctl_tracer_keys[k], &s), 0);
		total += s.n;
		fb_sysctls_free(&s);
	}
	/* net.core.* 2, tcp_* 2, port range 1, pid_max 1, vm.* 2 */
	assert_int_equal(total, 8);
}

static void test_sysctl_missing_tree(void **state)
{
	struct fb_sysctls s;

	(void)state;
	fb_test_root("hostile");
	assert_true(fb_sysctl_list(NULL, &s) < 0 || s.n == 0);
	fb_sysctls_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_sysctl_list_all_is_sorted_and_dotted, teardown),
		cmocka_unit_test_teardown(test_sysctl_glob_and_subtree, teardown),
		cmocka_unit_test_teardown(test_sysctl_read_one, teardown),
		cmocka_unit_test_teardown(test_sysctl_tracer_keys_match_fixture, teardown),
		cmocka_unit_test_teardown(test_sysctl_missing_tree, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
