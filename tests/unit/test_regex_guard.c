// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_regex_guard.c: the check before regcomp() (user/core/regex_guard.c). Every probe and
 * alert pattern passes it: stacked quantifiers, which glibc's regcomp() takes seconds over,
 * are refused everywhere, while escapes and bracket expressions keep their `*` literal; the
 * alert rules' bounds (length, nesting, a repeated group that holds a quantifier) apply only
 * to a guard that sets them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/regex_guard.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_stacked_quantifiers_refused(void **state)
{
	static const char *const stacked[] = {
		"o**", "^o****k$", "a+?", "a{2}*", "(x)*+", "a*{3}"
	};
	static const char *const fine[] = { "a*b*",	     "[*+]*", "\\**",	  "[]*]+", "[^]*]?",
					    "[[:alpha:]*]*", "x{",    "a{2,3}b+", "(a*)*", "" };

	(void)state;
	for (size_t i = 0; i < N(stacked); i++) {
		const char *why = regex_guard__refusal(NULL, stacked[i]);

		assert_non_null(why);
		assert_non_null(strstr(why, "a quantifier on a quantifier"));
	}
	for (size_t i = 0; i < N(fine); i++)
		assert_null(regex_guard__refusal(NULL, fine[i]));
}

static void test_bounds_apply_when_set(void **state)
{
	static const struct regex_guard strict = { .max_len = 16,
						   .max_depth = 3,
						   .repeated_groups = true };
	static const struct {
		const char *re, *why; /* why NULL: accepted */
	} cases[] = {
		{ "(a*)*", "repeated group" },
		{ "((a+)b)+", "repeated group" },
		{ "(a*)b*", NULL },
		{ "([*]a)*", NULL }, /* the bracket's star is literal */
		{ "(\\*a)*", NULL }, /* so is an escaped one */
		{ "(((x)))", NULL }, /* three deep */
		{ "((((x))))", "nested too deep" },
		{ "[(((((]x", NULL },	      /* no groups in a bracket */
		{ "abcdefghijklmnop", NULL }, /* 16 bytes */
		{ "abcdefghijklmnopq", "too long" },
		{ "a**", "a quantifier on a quantifier" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		const char *why = regex_guard__refusal(&strict, cases[i].re);

		if (!cases[i].why) {
			assert_null(why);
			continue;
		}
		assert_non_null(why);
		assert_non_null(strstr(why, cases[i].why));
	}
	/* the same patterns with no bounds: only the stacked quantifier is refused */
	assert_null(regex_guard__refusal(NULL, "((((x))))"));
	assert_null(regex_guard__refusal(NULL, "abcdefghijklmnopq"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stacked_quantifiers_refused),
		cmocka_unit_test(test_bounds_apply_when_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
