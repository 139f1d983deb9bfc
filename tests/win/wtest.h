/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wtest.h - the minimal test runner of the Windows test programs (Debian ships no mingw build
 * of cmocka).  A test is a function; CHECK records a failed condition with its line and
 * carries on, wt_skip ends the test as skipped with the reason printed, and wtest_main() runs
 * the table and closes with the line the CI scripts parse: "N passed, N failed, N skipped".
 * Exit status 1 when anything failed.  In CI (the environment has CI=true, or 1 or yes) a skip
 * is a failure: a check that cannot run there checks nothing, so it must not pass quietly.
 */
#ifndef VIGIL_WTEST_H
#define VIGIL_WTEST_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

struct wtest {
	const char *name;
	void (*fn)(void);
};

enum wtest_state { WT_PASS, WT_FAIL, WT_SKIP };
static enum wtest_state wt_state;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("    %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);        \
			wt_state = WT_FAIL;                                                        \
		}                                                                                  \
	} while (0)

/* CHECK with a formatted detail line on failure. */
#define CHECKF(cond, ...)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("    %s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);        \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
			wt_state = WT_FAIL;                                                        \
		}                                                                                  \
	} while (0)

/* True when the environment says CI: CI=true (or 1 or yes, in any case). */
static inline bool wt_in_ci(void)
{
	const char *ci = getenv("CI");

	return ci && (!_stricmp(ci, "true") || !strcmp(ci, "1") || !_stricmp(ci, "yes"));
}

/* Mark the current test skipped (the caller returns right after); a failure in CI. */
static inline void wt_skip(const char *why)
{
	if (wt_in_ci()) {
		printf("    skip counted as a failure (CI=%s: every check must run): %s\n",
		       getenv("CI"), why);
		wt_state = WT_FAIL;
		return;
	}
	printf("    skip: %s\n", why);
	if (wt_state != WT_FAIL)
		wt_state = WT_SKIP;
}

/* True under wine: ntdll exports wine_get_version there and nowhere on Windows. */
static inline bool wt_is_wine(void)
{
	HMODULE nt = GetModuleHandleW(L"ntdll.dll");

	return nt && GetProcAddress(nt, "wine_get_version");
}

static inline int wtest_main(const struct wtest *t, size_t n)
{
	int pass = 0, fail = 0, skip = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	for (size_t i = 0; i < n; i++) {
		wt_state = WT_PASS;
		t[i].fn();
		printf("[%s] %s\n",
		       wt_state == WT_PASS   ? "  OK  "
		       : wt_state == WT_SKIP ? " SKIP "
					     : " FAIL ",
		       t[i].name);
		pass += wt_state == WT_PASS;
		fail += wt_state == WT_FAIL;
		skip += wt_state == WT_SKIP;
	}
	printf("%d passed, %d failed, %d skipped\n", pass, fail, skip);
	return fail ? 1 : 0;
}

#define WTEST(fn)                                                                                  \
	{                                                                                          \
#fn, fn                                                                            \
	}

#endif /* VIGIL_WTEST_H */
