// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_btf_names.c: probe_btf_has_name(), the tracepoint check's scan of a raw BTF string
 * section: a whole name is found, a prefix or suffix of a longer one is not (btf_trace_x is
 * not found in btf_trace_x_new), names at either edge of the section, and headers that point
 * outside the buffer or lack the magic are refused. probe_has_tracepoint() on a BTF file given
 * in VIGIL_BTF: the tracepoints whose btf_trace_ names it holds, and only those, in any order
 * of asking (the names are gathered once and searched).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/btf.h>

#include <cmocka.h>

#include "core/probe.h"

/* A raw BTF with no types and strs[0..len) as its string section, into buf; its size. */
static size_t make_btf(unsigned char *buf, const char *strs, size_t len)
{
	struct btf_header h = {
		.magic = BTF_MAGIC,
		.version = 1,
		.hdr_len = sizeof(h),
		.str_len = (unsigned int)len,
	};

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), strs, len);
	return sizeof(h) + len;
}

static void test_whole_names_only(void **state)
{
	static const char strs[] = "\0btf_trace_sched_wakeup_new\0xbtf_trace_a\0btf_trace_b";
	unsigned char buf[256];
	size_t n = make_btf(buf, strs, sizeof(strs)); /* the last string's NUL included */

	(void)state;
	assert_int_equal(probe_btf_has_name(buf, n, "btf_trace_sched_wakeup_new"), 1);
	assert_int_equal(probe_btf_has_name(buf, n, "btf_trace_sched_wakeup"), 0);
	assert_int_equal(probe_btf_has_name(buf, n, "trace_sched_wakeup_new"), 0);
	assert_int_equal(probe_btf_has_name(buf, n, "btf_trace_a"), 0); /* only as "xbtf..." */
	assert_int_equal(probe_btf_has_name(buf, n, "btf_trace_b"), 1);
	/* without its NUL the last string is not whole */
	assert_int_equal(probe_btf_has_name(buf, n - 1, "btf_trace_b"), -EINVAL);
	n = make_btf(buf, strs, sizeof(strs) - 1);
	assert_int_equal(probe_btf_has_name(buf, n, "btf_trace_b"), 0);
}

static void test_bad_headers_refused(void **state)
{
	unsigned char buf[256];
	struct btf_header h;
	size_t n = make_btf(buf, "\0abc", 5);

	(void)state;
	assert_int_equal(probe_btf_has_name(buf, n, "abc"), 1);
	assert_int_equal(probe_btf_has_name(buf, 10, "abc"), -EINVAL);
	memcpy(&h, buf, sizeof(h));
	h.str_len = 1000;
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(probe_btf_has_name(buf, n, "abc"), -EINVAL);
	h.str_len = 5;
	h.str_off = 0xfffffff0u;
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(probe_btf_has_name(buf, n, "abc"), -EINVAL);
	h.str_off = 0;
	h.magic = 0x1234;
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(probe_btf_has_name(buf, n, "abc"), -EINVAL);
}

static void test_tracepoints_from_file(void **state)
{
	static const char strs[] = "\0btf_trace_tcp_probe\0xbtf_trace_tcp_send_reset\0sock\0"
				   "btf_trace_sched_switch\0btf_trace_tcp_retransmit_skb";
	char path[] = "/tmp/vigil-test-btf-XXXXXX";
	unsigned char buf[256];
	size_t n = make_btf(buf, strs, sizeof(strs));
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	close(fd);
	setenv("VIGIL_BTF", path, 1);
	assert_true(probe_has_tracepoint("tcp:tcp_retransmit_skb"));
	assert_true(probe_has_tracepoint("sched:sched_switch"));
	assert_true(probe_has_tracepoint("tcp:tcp_probe"));
	assert_false(probe_has_tracepoint("tcp:tcp_send_reset")); /* only as "xbtf..." */
	assert_false(probe_has_tracepoint("tcp:tcp_probe_"));
	assert_false(probe_has_tracepoint("tcp:tcp"));
	assert_false(probe_has_tracepoint("sock:sock"));
	unsetenv("VIGIL_BTF");
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_names_only),
		cmocka_unit_test(test_bad_headers_refused),
		cmocka_unit_test(test_tracepoints_from_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
