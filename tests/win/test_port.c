// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_port.c: the Windows port layer of the shared CLI (user/port/win32), run under wine:
 * port_glob_matches() against the answers glibc's fnmatch(pattern, s, 0) gives for the same
 * pairs (what `vigil ps --filter name=GLOB` relies on), port_qsort_r() passing its context
 * through, and port_gmtime().
 */
#include "port.h" /* first: it brings winsock2.h, which must precede windows.h */
#include "wtest.h"

static void test_glob_like_fnmatch(void)
{
	/* pattern, string, fnmatch(pattern, string, 0) == 0 on glibc */
	static const struct {
		const char *p, *s;
		bool match;
	} cases[] = {
		{ "vigil.exe", "vigil.exe", true },
		{ "vigil.*", "vigil.exe", true },
		{ "vigil.*", "vigil", false },
		{ "*", "", true },
		{ "*", "anything", true },
		{ "", "", true },
		{ "", "x", false },
		{ "?", "", false },
		{ "?", "a", true },
		{ "a?c", "abc", true },
		{ "a?c", "ac", false },
		{ "*.exe", "svchost.exe", true },
		{ "*.exe", "svchost.exe.bak", false },
		{ "s*t.exe", "svchost.exe", true },
		{ "*a*b*c*", "xaxbxcx", true },
		{ "*a*b*c*", "xaxcxbx", false },
		{ "[abc]x", "bx", true },
		{ "[abc]x", "dx", false },
		{ "[!abc]x", "dx", true },
		{ "[!abc]x", "ax", false },
		{ "[^abc]x", "dx", true },
		{ "[a-c]", "b", true },
		{ "[a-c]", "d", false },
		{ "[]a]", "]", true },
		{ "[]a]", "a", true },
		{ "[!]a]", "b", true },
		{ "[a-]", "-", true },
		{ "[", "[", true },
		{ "[ab", "[ab", true },
		{ "\\*", "*", true },
		{ "\\*", "a", false },
		{ "a\\?", "a?", true },
		{ "kworker/*", "kworker/0:1", true },
		{ "*(sd-pam)", "(sd-pam)", true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECKF(port_glob_matches(cases[i].p, cases[i].s) == cases[i].match,
		       "'%s' vs '%s': expected %s", cases[i].p, cases[i].s,
		       cases[i].match ? "a match" : "no match");
}

/* arg: 1 ascending, -1 descending */
static int by_dir(const void *a, const void *b, void *arg)
{
	const int *x = a, *y = b, *dir = arg;

	return *dir * ((*x > *y) - (*x < *y));
}

static void test_qsort_r_passes_context(void)
{
	int v[] = { 5, 3, 9, 1, 7 }, up = 1, down = -1;

	port_qsort_r(v, 5, sizeof(v[0]), by_dir, &up);
	CHECKF(v[0] == 1 && v[1] == 3 && v[2] == 5 && v[3] == 7 && v[4] == 9, "%d %d %d %d %d",
	       v[0], v[1], v[2], v[3], v[4]);
	port_qsort_r(v, 5, sizeof(v[0]), by_dir, &down);
	CHECKF(v[0] == 9 && v[1] == 7 && v[2] == 5 && v[3] == 3 && v[4] == 1, "%d %d %d %d %d",
	       v[0], v[1], v[2], v[3], v[4]);
}

static void test_gmtime(void)
{
	time_t t = 86400 * 365 + 3600; /* 1971-01-01T01:00:00Z */
	struct tm tm;

	CHECK(port_gmtime(&t, &tm) == &tm);
	CHECK(tm.tm_year == 71 && tm.tm_mon == 0 && tm.tm_mday == 1 && tm.tm_hour == 1);
}

int main(void)
{
	static const struct wtest tests[] = {
		WTEST(test_glob_like_fnmatch),
		WTEST(test_qsort_r_passes_context),
		WTEST(test_gmtime),
	};

	return wtest_main(tests, sizeof(tests) / sizeof(tests[0]));
}
