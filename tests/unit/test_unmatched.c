// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_unmatched.c: end events without a start are not drops. A session whose only counts are
 * unmatched ones (tasks runnable before the trace, wakeups the kernel never showed) must end
 * with "no drops" and say what the unmatched events are; real losses still read "DROPPED";
 * and no drop reason names a missing start.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <linux/types.h>

#include "events.h"
#include "export/output.h"
#include "core/session.h"
#include "core/tracer.h"

static const struct cli_cmd cmd = { .name = "hist" };

/* output__report's stderr line, as a string the caller frees. */
static char *report_line(const struct session *s)
{
	struct output o = { .cmd = &cmd };
	int fd = memfd_create("stderr", 0), saved = dup(STDERR_FILENO);
	char *buf = calloc(1, 4096);

	assert_true(fd >= 0 && saved >= 0 && buf);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	output__report(&o, s);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_true(pread(fd, buf, 4095, 0) > 0);
	close(fd);
	return buf;
}

static void test_unmatched_alone_is_no_drops(void **state)
{
	struct session *s = calloc(1, sizeof(*s));
	char *line;

	(void)state;
	s->ntracers = 1;
	s->unmatched_seen[0][VG_UNMATCHED_BEFORE_TRACE] = 9;
	s->unmatched_seen[0][VG_UNMATCHED_START_NOT_SEEN] = 3;
	line = report_line(s);
	assert_non_null(strstr(line, "no drops"));
	assert_null(strstr(line, "DROPPED"));
	assert_non_null(strstr(line, "12 unmatched (not losses)"));
	assert_non_null(strstr(line, "started_before_trace=9"));
	assert_non_null(strstr(line, "start_not_seen=3"));
	free(line);
	free(s);
}

static void test_real_losses_are_drops(void **state)
{
	struct session *s = calloc(1, sizeof(*s));
	char *line;

	(void)state;
	s->ntracers = 1;
	s->drops_seen[0][VG_DROP_RINGBUF_FULL] = 5;
	s->unmatched_seen[0][VG_UNMATCHED_BEFORE_TRACE] = 2;
	line = report_line(s);
	assert_non_null(strstr(line, "DROPPED ringbuf_full=5"));
	assert_null(strstr(line, "missing_start"));
	assert_non_null(strstr(line, "started_before_trace=2"));
	free(line);
	free(s);
}

static void test_a_quiet_session_says_no_drops_only(void **state)
{
	struct session *s = calloc(1, sizeof(*s));
	char *line;

	(void)state;
	s->ntracers = 1;
	line = report_line(s);
	assert_string_equal(line, "vigil hist: no drops\n");
	free(line);
	free(s);
}

static void test_no_drop_reason_is_a_missing_start(void **state)
{
	(void)state;
	assert_int_equal(TRACER_DROP_REASONS, VG_DROP_MAX);
	assert_int_equal(TRACER_UNMATCHED_REASONS, VG_UNMATCHED_MAX);
	for (int r = 0; r < TRACER_DROP_REASONS; r++)
		assert_null(strstr(drop_reason_names[r], "start"));
	assert_string_equal(unmatched_reason_names[VG_UNMATCHED_BEFORE_TRACE],
			    "started_before_trace");
	assert_string_equal(unmatched_reason_names[VG_UNMATCHED_START_NOT_SEEN], "start_not_seen");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unmatched_alone_is_no_drops),
		cmocka_unit_test(test_real_losses_are_drops),
		cmocka_unit_test(test_a_quiet_session_says_no_drops_only),
		cmocka_unit_test(test_no_drop_reason_is_a_missing_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
