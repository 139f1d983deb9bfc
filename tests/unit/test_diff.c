// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_diff.c: the pieces of `vigil diff` that need no files: the baseline's path encoding
 * (every byte back exactly, malformed encodings refused), the baseline comparison (what
 * changed, named), and the drift comparison (a restarted process is one change, a process
 * started twice is two, a disk-usage move under the threshold is none), and a baseline
 * written then read back through jansson.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "capture.h"
#include "diff/baseline.h"
#include "diff/drift.h"

static void test_path_codec_round_trip(void **state)
{
	const char *names[] = { "plain/name.txt", "sp ace",	     "pct%",
				"q\"uote\\",	  "\xff\xfe\x1b[2J", "\t\n" };
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int fd;
		struct sink *s = capture__open(&fd);
		char *enc, *dec;

		assert_non_null(s);
		baseline_path_encode(s, names[i]);
		enc = capture__read(s, fd);
		for (char *p = enc; *p; p++)
			assert_true(*p > 0x20 && *p < 0x7f && *p != '"' && *p != '\\');
		dec = baseline_path_decode(enc, strlen(enc));
		assert_non_null(dec);
		assert_string_equal(dec, names[i]);
		free(dec);
		free(enc);
		sink__close(s);
		close(fd);
	}
}

static void test_path_decode_malformed_refused(void **state)
{
	const char *bad[] = { "%", "%z1", "%1", "a%00b", "a b", "a\"b" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(baseline_path_decode(bad[i], strlen(bad[i])));
}

struct seen {
	char line[8][128];
	int n;
};

static int note_baseline(void *ctx, const struct baseline_diff *d)
{
	struct seen *s = ctx;
	const struct baseline_entry *e = d->new ? d->new : d->old;
	char *p = s->line[s->n];

	p += sprintf(p, "%d %s", d->change, e->path);
	for (int i = 0; i < d->nwhat; i++)
		p += sprintf(p, " %s", d->what[i]);
	s->n++;
	return 0;
}

static void test_baseline_compare_names_changes(void **state)
{
	struct baseline_entry o[] = {
		{ .path = "a", .type = 'f', .mode = 0644, .size = 1, .has_hash = true },
		{ .path = "b", .type = 'f', .mode = 0644, .size = 1 },
		{ .path = "c", .type = 'l', .target = "x" },
	};
	struct baseline_entry n[] = {
		{ .path = "a",
		  .type = 'f',
		  .mode = 0600,
		  .size = 2,
		  .has_hash = true,
		  .sha256 = { 1 } },
		{ .path = "c", .type = 'l', .target = "y" },
		{ .path = "d", .type = 'd' },
	};
	struct baseline old = { .v = o, .n = 3 }, new = { .v = n, .n = 3 };
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(baseline_compare(&old, &new, note_baseline, &s), 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.line[0], "2 a content mode size");
	assert_string_equal(s.line[1], "1 b");
	assert_string_equal(s.line[2], "2 c target");
	assert_string_equal(s.line[3], "0 d");
}

static void test_baseline_written_reads_back(void **state)
{
	struct baseline_entry e[] = {
		{ .path = "d", .type = 'd', .mode = 0755, .uid = 1, .gid = 2 },
		{ .path = "d/\xff",
		  .type = 'f',
		  .mode = 04755,
		  .size = 9,
		  .mtime_ns = -1,
		  .has_hash = true,
		  .sha256 = { 0xab, 0xcd } },
		{ .path = "l", .type = 'l', .mode = 0777, .target = "%zz" },
	};
	struct baseline b = { .v = e, .n = 3 }, back;
	struct seen s = { 0 };
	const char *why = NULL;
	struct sink *sk;
	char *text;
	int fd;

	(void)state;
	sk = capture__open(&fd);
	baseline__write(&b, sk, "/root");
	text = capture__read(sk, fd);
	if (baseline__parse(&back, text, strlen(text), &why))
		fail_msg("parse: %s", why);
	assert_int_equal(back.n, 3);
	assert_int_equal(baseline_compare(&b, &back, note_baseline, &s), 0);
	assert_int_equal(s.n, 0);
	baseline__free(&back);
	text[strlen(text) / 2] = '\0';
	assert_int_not_equal(baseline__parse(&back, text, strlen(text), &why), 0);
	assert_non_null(why);
	free(text);
	sink__close(sk);
	close(fd);
}

static int note_drift(void *ctx, const struct drift_diff *d)
{
	struct seen *s = ctx;

	snprintf(s->line[s->n++], 128, "%s %s %s %s->%s", d->section, drift_change_names[d->change],
		 d->key, d->old ? d->old : "-", d->new ? d->new : "-");
	return 0;
}

static void test_drift_restart_is_one_change(void **state)
{
	/* items as drift_set__load leaves them: sorted by section, key, start */
	struct drift_item o[] = {
		{ "processes", "root sleep 1", "pid 10", 100.0 },
		{ "processes", "root web", "pid 20", 200.0 },
		{ "disk_usage", "/", "40.0%", 40.0 },
		{ "sysctl", "net.core.somaxconn", "4096", NAN },
	};
	struct drift_item n[] = {
		{ "processes", "root sleep 1", "pid 11", 150.0 },
		{ "processes", "root web", "pid 20", 200.3 },
		{ "processes", "root web", "pid 30", 300.0 },
		{ "disk_usage", "/", "44.0%", 44.0 },
		{ "sysctl", "net.core.somaxconn", "4096", NAN },
	};
	struct drift_set old = { .v = o, .n = 4 }, new = { .v = n, .n = 5 };
	struct drift_opts opt = { .threshold = 5 };
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(drift_compare(&old, &new, &opt, note_drift, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.line[0], "processes changed root sleep 1 pid 10->pid 11");
	assert_string_equal(s.line[1], "processes added root web -->pid 30");
	memset(&s, 0, sizeof(s));
	opt.threshold = 3;
	assert_int_equal(drift_compare(&old, &new, &opt, note_drift, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.line[2], "disk_usage changed / 40.0%->44.0%");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_codec_round_trip),
		cmocka_unit_test(test_path_decode_malformed_refused),
		cmocka_unit_test(test_baseline_compare_names_changes),
		cmocka_unit_test(test_baseline_written_reads_back),
		cmocka_unit_test(test_drift_restart_is_one_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
