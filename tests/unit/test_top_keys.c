// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_top_keys.c: the keys of `vigil top` (top's and htop's sort letters, < >, the chooser,
 * the filter line, k's questions, arrows and pages as the terminal sends them, a lone Esc),
 * random bytes that must leave a sane state, and the human units the tables print
 * (human_duration, human_pad by display width).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export/human.h"
#include "view/top_keys.h"

static bool feed(struct top_view *v, const char *keys)
{
	return top_keys__feed(v, (const unsigned char *)keys, strlen(keys));
}

static uint32_t pid_at(void *ctx, size_t i)
{
	(void)ctx;
	return (uint32_t)(1000 + i);
}

static void test_sort_letters_and_neighbours(void **state)
{
	struct top_view v;

	(void)state;
	top_view__init(&v, TOP_CPU, NULL);
	assert_true(feed(&v, "M"));
	assert_int_equal(v.sort, TOP_MEM);
	feed(&v, "T");
	assert_int_equal(v.sort, TOP_TIME);
	feed(&v, "N");
	assert_int_equal(v.sort, TOP_PID);
	feed(&v, "P");
	assert_int_equal(v.sort, TOP_CPU);
	feed(&v, "r"); /* vigil's own letters still work */
	assert_int_equal(v.sort, TOP_RUNQ_P99);
	feed(&v, "N<"); /* from the first column, < wraps to the last */
	assert_int_equal(v.sort, top_col_order[TOP__COUNT - 1]);
	feed(&v, ">>");
	assert_int_equal(v.sort, TOP_COMM);
	feed(&v, "F\033[B\033[B\r"); /* the chooser: two down from COMM is MEM% */
	assert_int_equal(v.mode, TOPM_TABLE);
	assert_int_equal(v.sort, TOP_MEM);
	feed(&v, "F\033[A\033"); /* Esc leaves the sort as it was */
	assert_int_equal(v.sort, TOP_MEM);
	assert_false(v.quit);
	feed(&v, "q");
	assert_true(v.quit);
}

static void test_filter_line_edits_applies_and_cancels(void **state)
{
	struct top_view v;

	(void)state;
	top_view__init(&v, TOP_CPU, "ssh");
	feed(&v, "/");
	assert_int_equal(v.mode, TOPM_FILTER);
	assert_string_equal(v.edit, "ssh"); /* starts from the current filter */
	feed(&v, "\x7f\x7f\x7fngix\x7fnx\r");
	assert_string_equal(v.filter, "nginx");
	feed(&v, "/abc\033");
	assert_string_equal(v.filter, "nginx");
	feed(&v, "/\x7f\x7f\x7f\x7f\x7f\r");
	assert_string_equal(v.filter, "");
}

static void test_kill_asks_pid_signal_then_yes_or_no(void **state)
{
	struct top_view v;

	(void)state;
	top_view__init(&v, TOP_CPU, NULL);
	v.pid_at = pid_at;
	top_view__clamp(&v, 10, 4);
	feed(&v, "\033[B\033[B"); /* row 2 */
	assert_int_equal(v.sel, 2);
	feed(&v, "k");
	assert_int_equal(v.mode, TOPM_KILL_PID);
	assert_string_equal(v.edit, "1002");
	feed(&v, "\r");
	assert_int_equal(v.kill_pid, 1002);
	assert_int_equal(v.mode, TOPM_KILL_SIG);
	assert_string_equal(v.edit, "15");
	feed(&v, "\x7f\x7f"
		 "9x\r"); /* only digits go in */
	assert_int_equal(v.kill_sig, 9);
	assert_int_equal(v.mode, TOPM_KILL_ASK);
	feed(&v, "n");
	assert_int_equal(v.mode, TOPM_TABLE);
	assert_string_equal(v.msg, "not sent");
	feed(&v, "k\x7f\x7f\x7f\x7f\r"); /* no pid: nothing to ask */
	assert_int_equal(v.mode, TOPM_TABLE);
	assert_non_null(strstr(v.msg, "no such pid"));
	feed(&v, "k\r\033");
	assert_int_equal(v.mode, TOPM_TABLE);
	/* y: signal 0 to this process, which exists */
	v.pid_at = NULL;
	feed(&v, "k");
	snprintf(v.edit, sizeof(v.edit), "%d", (int)getpid());
	feed(&v, "\r\x7f\x7f"
		 "0\r");
	assert_int_equal(v.mode, TOPM_TABLE); /* 0 is no signal: refused */
	assert_non_null(strstr(v.msg, "no such signal"));
}

static void test_arrows_pages_and_clamping(void **state)
{
	struct top_view v;

	(void)state;
	top_view__init(&v, TOP_CPU, NULL);
	top_view__clamp(&v, 100, 10);
	feed(&v, "\033[6~\033[6~"); /* PgDn twice */
	assert_int_equal(v.sel, 20);
	assert_int_equal(v.first, 11);
	feed(&v, "\033[5~\033OA"); /* PgUp, then Up as SS3 */
	assert_int_equal(v.sel, 9);
	feed(&v, "\033[F"); /* End */
	assert_int_equal(v.sel, 99);
	assert_int_equal(v.first, 90);
	feed(&v, "\033[1~"); /* Home */
	assert_int_equal(v.sel, 0);
	top_view__clamp(&v, 0, 10);
	assert_int_equal(v.sel, 0);
	feed(&v, "?");
	assert_int_equal(v.mode, TOPM_HELP);
	feed(&v, "x");
	assert_int_equal(v.mode, TOPM_TABLE);
	feed(&v, "h\033[99;5Z"); /* an unknown sequence is skipped whole */
	assert_int_equal(v.mode, TOPM_HELP);
	feed(&v, "q"); /* q closes the help, as any key */
	assert_false(v.quit);
	feed(&v, "q");
	assert_true(v.quit);
}

static void test_random_bytes_keep_a_sane_state(void **state)
{
	unsigned char buf[64];
	struct top_view v;

	(void)state;
	srand(21);
	top_view__init(&v, TOP_CPU, NULL);
	v.pid_at = pid_at;
	for (int i = 0; i < 20000; i++) {
		size_t n = 1 + (size_t)rand() % sizeof(buf);

		for (size_t j = 0; j < n; j++)
			buf[j] = (unsigned char)rand();
		for (size_t j = 0; j < n; j++) /* never y: no signal leaves this test */
			if (buf[j] == 'y' || buf[j] == 'Y')
				buf[j] = 'n';
		v.quit = false;
		top_keys__feed(&v, buf, n);
		top_view__clamp(&v, 50, 7);
		assert_true(v.sort < TOP__COUNT);
		assert_true(v.sel < 50 && v.first <= v.sel && v.sel < v.first + 7);
		assert_true(strlen(v.edit) < sizeof(v.edit) && strlen(v.filter) < sizeof(v.filter));
		assert_true(v.sort_pick >= 0 && v.sort_pick < TOP__COUNT);
	}
}

static void test_human_durations_and_padding(void **state)
{
	static const struct {
		uint64_t ns;
		const char *text;
	} cases[] = {
		{ 0, "0 ns" },
		{ 999, "999 ns" },
		{ 1000, "1.00 \xc2\xb5s" },
		{ 25800, "25.8 \xc2\xb5s" },
		{ 999499, "999 \xc2\xb5s" },
		{ 999500, "1.00 ms" },
		{ 1990000000ULL, "1.99 s" },
		{ 59940000000ULL, "59.9 s" },
		{ 60000000000ULL, "1.00 min" },
		{ 7200000000000ULL, "2.00 h" },
	};
	char buf[HUMAN_DUR_LEN], pad[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		human_duration(cases[i].ns, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].text);
	}
	assert_int_equal(human_width("25.8 \xc2\xb5s"), 7);
	assert_string_equal(human_pad(pad, sizeof(pad), "25.8 \xc2\xb5s", 9, 0),
			    "  25.8 \xc2\xb5s");
	assert_string_equal(human_pad(pad, sizeof(pad), "ab", 4, 1), "ab  ");
	assert_string_equal(human_pad(pad, sizeof(pad), "abcdef", 4, 0), "abcdef");
	assert_string_equal(human_pad(pad, 4, "abcdef", 9, 0), "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_letters_and_neighbours),
		cmocka_unit_test(test_filter_line_edits_applies_and_cancels),
		cmocka_unit_test(test_kill_asks_pid_signal_then_yes_or_no),
		cmocka_unit_test(test_arrows_pages_and_clamping),
		cmocka_unit_test(test_random_bytes_keep_a_sane_state),
		cmocka_unit_test(test_human_durations_and_padding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
