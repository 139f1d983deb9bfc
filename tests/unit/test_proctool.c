// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_proctool.c: the value parsers of taskset, prlimit and df (toolvals.c, parse.c) (CPU lists
 * and masks,
 * SOFT:HARD, block sizes), fed good values and hostile ones (garbage, overflow, empty
 * pieces, huge CPU numbers), the list/mask printers, and the optional option values
 * ("--nofile" alone vs "--nofile=1:2") that cli.c gives prlimit, and rows.c's machine
 * formats (CSV quoting, JSON nulls and escapes) for the tool commands.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/parse.h"
#include "cli/proctool.h"
#include "export/rows.h"
#include "capture.h"

static void expect_cpus(const char *s, bool list, const int *want, size_t nwant)
{
	int *cpus = NULL;
	size_t n = 0;

	if (list)
		assert_int_equal(toolval_parse_cpu_list(s, &cpus, &n), 0);
	else
		assert_int_equal(toolval_parse_cpu_mask(s, &cpus, &n), 0);
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(cpus[i], want[i]);
	free(cpus);
}

static void test_cpu_list_ranges_strides_and_repeats(void **state)
{
	(void)state;
	expect_cpus("0", true, (const int[]){ 0 }, 1);
	expect_cpus("0,2,4-6", true, (const int[]){ 0, 2, 4, 5, 6 }, 5);
	expect_cpus("0-8:4", true, (const int[]){ 0, 4, 8 }, 3);
	expect_cpus("3,1,3,1-2", true, (const int[]){ 1, 2, 3 }, 3); /* sorted, no repeats */
}

static void test_cpu_list_hostile_is_rejected(void **state)
{
	static const char *const bad[] = {
		"",
		",",
		"0,",
		",0",
		"a",
		"1-",
		"-1",
		"3-1",
		"0-4:0",
		"0-4:",
		"1,,2",
		"0x1",
		"99999999999999999999",
		"8192",
		"0-8192",
		"1 2",
		"1;2",
		"0-2:1:1",
		" 1",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int *cpus = (int *)0x1;
		size_t n = 77;

		assert_int_equal(toolval_parse_cpu_list(bad[i], &cpus, &n), -EINVAL);
		assert_ptr_equal(cpus, (int *)0x1); /* untouched on failure */
		assert_int_equal(n, 77);
	}
}

static void test_cpu_mask_hex(void **state)
{
	static const char *const bad[] = { "", "0x", "g", "1 ", "-1", "0x-3", "1,2" };
	char big[2100];
	int *cpus;
	size_t n;

	(void)state;
	expect_cpus("3", false, (const int[]){ 0, 1 }, 2);
	expect_cpus("0x3", false, (const int[]){ 0, 1 }, 2);
	expect_cpus("A0", false, (const int[]){ 5, 7 }, 2);
	expect_cpus("0", false, NULL, 0); /* empty: the command refuses it */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(toolval_parse_cpu_mask(bad[i], &cpus, &n), -EINVAL);
	memset(big, 'f', sizeof(big) - 1); /* more bits than CPUs can exist */
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(toolval_parse_cpu_mask(big, &cpus, &n), -EINVAL);
}

static void test_cpu_list_and_mask_print_as_taskset(void **state)
{
	char buf[64];

	(void)state;
	toolval_format_cpu_list((const int[]){ 0, 1 }, 2, buf, sizeof(buf));
	assert_string_equal(buf, "0,1");
	toolval_format_cpu_list((const int[]){ 0, 1, 2, 3, 6, 8, 9 }, 7, buf, sizeof(buf));
	assert_string_equal(buf, "0-3,6,8,9");
	toolval_format_cpu_list(NULL, 0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	toolval_format_cpu_mask((const int[]){ 0, 1 }, 2, buf, sizeof(buf));
	assert_string_equal(buf, "3");
	toolval_format_cpu_mask((const int[]){ 4, 9 }, 2, buf, sizeof(buf));
	assert_string_equal(buf, "210");
	toolval_format_cpu_list((const int[]){ 100, 200, 300, 400 }, 4, buf, 8); /* truncates */
	assert_true(strlen(buf) < 8);
}

static void test_rlimit_values(void **state)
{
	int64_t s, h;

	(void)state;
	assert_int_equal(toolval_parse_rlimit("100:200", &s, &h), 0);
	assert_true(s == 100 && h == 200);
	assert_int_equal(toolval_parse_rlimit("100", &s, &h), 0);
	assert_true(s == 100 && h == 100);
	assert_int_equal(toolval_parse_rlimit("100:", &s, &h), 0);
	assert_true(s == 100 && h == TOOLVAL_RLIM_KEEP);
	assert_int_equal(toolval_parse_rlimit(":unlimited", &s, &h), 0);
	assert_true(s == TOOLVAL_RLIM_KEEP && h == -1);
	assert_int_equal(toolval_parse_rlimit("infinity:unlimited", &s, &h), 0);
	assert_true(s == -1 && h == -1);
	assert_int_equal(toolval_parse_rlimit("9223372036854775807:", &s, &h), 0);
	assert_true(s == INT64_MAX);
}

static void test_rlimit_hostile_is_rejected(void **state)
{
	static const char *const bad[] = {
		"",
		":",
		"::",
		"1:2:3",
		"-1",
		"1:-1",
		"x",
		"1x:2",
		"unlimitedX",
		"1 :2",
		"9223372036854775808",
		"99999999999999999999999:1",
		"123456789012345678901234567890123456789:",
	};
	int64_t s, h;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(toolval_parse_rlimit(bad[i], &s, &h), -EINVAL);
}

static void test_pid_argument(void **state)
{
	pid_t pid;

	(void)state;
	assert_int_equal(proctool_parse_pid("1", &pid), 0);
	assert_int_equal(pid, 1);
	assert_int_equal(proctool_parse_pid("2147483647", &pid), 0);
	assert_int_equal(proctool_parse_pid("0", &pid), -EINVAL);
	assert_int_equal(proctool_parse_pid("-1", &pid), -EINVAL);
	assert_int_equal(proctool_parse_pid("2147483648", &pid), -EINVAL);
	assert_int_equal(proctool_parse_pid("12a", &pid), -EINVAL);
	assert_int_equal(proctool_parse_pid("", &pid), -EINVAL);
}

static void test_block_size(void **state)
{
	static const char *const bad[] = { "",
					   "0",
					   "0K",
					   "Q",
					   "1Q",
					   "1KX",
					   "1KiBB",
					   "-1",
					   "K1",
					   "99999999999999999999",
					   "17179869184E" };
	uint64_t v;

	(void)state;
	assert_int_equal(parse_block_size("1", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(parse_block_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_block_size("K", &v), 0);
	assert_int_equal(v, 1024);
	assert_int_equal(parse_block_size("1KiB", &v), 0);
	assert_int_equal(v, 1024);
	assert_int_equal(parse_block_size("1MB", &v), 0);
	assert_int_equal(v, 1000000);
	assert_int_equal(parse_block_size("2G", &v), 0);
	assert_int_equal(v, 2ULL << 30);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(parse_block_size(bad[i], &v), 0);
}

/* cli.c: a "[VALUE]" option takes --name, --name=V, -n and -nV; a separate word is not it. */
static const char *seen_arg[4];
static int nseen;

static int opt_set(void *ctx, int id, const char *arg)
{
	(void)ctx;
	if (id != CLI_COMMON_MAX)
		return -EINVAL;
	if (arg && !strcmp(arg, "bad"))
		return -EINVAL;
	if (nseen < 4)
		seen_arg[nseen++] = arg;
	return 0;
}

static void test_optional_values(void **state)
{
	static const struct cli_opt opts[] = {
		{ "nofile", 'n', "[SOFT:HARD]", CLI_COMMON_MAX, "SOFT:HARD", "limit" },
		CLI_OPT_END,
	};
	static const struct cli_cmd cmd = {
		.name = "t", .usage = "t", .summary = "t", .opts = opts, .set = opt_set
	};
	char *argv[] = { "t", "--nofile", "--nofile=1:2", "-n", "-n5", "pos", NULL };
	char *bad[] = { "t", "--nofile=bad", NULL };
	struct cli_common c = { 0 };
	bool help;
	int first;

	(void)state;
	first = cli_parse(&cmd, 6, argv, &c, NULL, &help);
	assert_int_equal(nseen, 4);
	assert_null(seen_arg[0]);
	assert_string_equal(seen_arg[1], "1:2");
	assert_null(seen_arg[2]);
	assert_string_equal(seen_arg[3], "5");
	assert_int_equal(first, 5);
	assert_string_equal(argv[first], "pos");
	memset(&c, 0, sizeof(c));
	assert_int_equal(cli_parse(&cmd, 2, bad, &c, NULL, &help), -EINVAL);
}

static char *rows_in(enum out_format fmt)
{
	static const char *const keys[] = { "pid", "name", "load", "host", NULL };
	struct output o = { .fmt = fmt };
	struct rows r;
	char *text;
	int fd;

	o.sink = capture__open(&fd);
	assert_non_null(o.sink);
	rows__begin(&r, &o, keys);
	rows__add(&r,
		  (const struct rowv[]){ ROWV_I(-1), ROWV_S("a,\"b\"\n"), ROWV_F(0.5), ROWV_NONE });
	rows__add(&r,
		  (const struct rowv[]){ ROWV_I(7), ROWV_S("\x1b[2J"), ROWV_F(2), ROWV_S("h") });
	rows__end(&r);
	text = capture__read(o.sink, fd);
	sink__close(o.sink);
	close(fd);
	return text;
}

static void test_rows_machine_formats(void **state)
{
	char *t;

	(void)state;
	t = rows_in(FMT_CSV);
	assert_string_equal(t, "pid,name,load,host\r\n-1,\"a,\"\"b\"\"\n\",0.5,\r\n"
			       "7,\\x1b[2J,2,h\r\n"); /* escaped as for a terminal */
	free(t);
	t = rows_in(FMT_JSON);
	assert_string_equal(t, "[{\"pid\":-1,\"name\":\"a,\\\"b\\\"\\n\",\"load\":0.5,"
			       "\"host\":null},{\"pid\":7,\"name\":\"\\u001b[2J\",\"load\":2,"
			       "\"host\":\"h\"}]\n");
	free(t);
	t = rows_in(FMT_NDJSON);
	assert_non_null(strchr(t, '\n'));
	assert_string_equal(strchr(t, '\n') + 1,
			    "{\"pid\":7,\"name\":\"\\u001b[2J\",\"load\":2,\"host\":\"h\"}\n");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_list_ranges_strides_and_repeats),
		cmocka_unit_test(test_cpu_list_hostile_is_rejected),
		cmocka_unit_test(test_cpu_mask_hex),
		cmocka_unit_test(test_cpu_list_and_mask_print_as_taskset),
		cmocka_unit_test(test_rlimit_values),
		cmocka_unit_test(test_rlimit_hostile_is_rejected),
		cmocka_unit_test(test_pid_argument),
		cmocka_unit_test(test_block_size),
		cmocka_unit_test(test_optional_values),
		cmocka_unit_test(test_rows_machine_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
