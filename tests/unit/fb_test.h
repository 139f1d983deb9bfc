/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fb_test.h - what the fallback library's cmocka tests share: cmocka's required includes in
 * the right order, and fb_test_root(), which points the library at a fixture scenario under
 * tests/fixtures/proc/ (found from $FB_FIXTURES, the working directory or the binary's path).
 */
#ifndef VIGIL_FB_TEST_H
#define VIGIL_FB_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../fallback/fallback.h"

static inline const char *fb_test_fixtures(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX - 64];
	ssize_t r;

	if (dir[0])
		return dir;
	if (getenv("FB_FIXTURES")) {
		snprintf(dir, sizeof(dir), "%s", getenv("FB_FIXTURES"));
		return dir;
	}
	if (access("tests/fixtures/proc", F_OK) == 0) {
		snprintf(dir, sizeof(dir), "tests/fixtures/proc");
		return dir;
	}
	/* .output/tests/<bin> -> ../../tests/fixtures/proc */
	r = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (r > 0) {
		exe[r] = '\0';
		*strrchr(exe, '/') = '\0';
		snprintf(dir, sizeof(dir), "%s/../../tests/fixtures/proc", exe);
	}
	return dir;
}

/* Point the library at tests/fixtures/proc/<scenario>. */
static inline void fb_test_root(const char *scenario)
{
	char path[PATH_MAX + 128];

	snprintf(path, sizeof(path), "%s/%s", fb_test_fixtures(), scenario);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(fb_root_set(path), 0);
}

static inline double fb_test_tck(void)
{
	return (double)sysconf(_SC_CLK_TCK);
}

#define KB(x) ((uint64_t)(x)*1024u)

#endif /* VIGIL_FB_TEST_H */
