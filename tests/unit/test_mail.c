// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_mail.c: the parts of the e-mail code that need no server: the spool format (a message
 * written and read back is the same message; truncated, padded or altered files are refused),
 * the spool directory (durable write, listing in order, the temporary files of an interrupted
 * write removed, removal), the retry backoff, the Message-ID's stability, the composed
 * message's subject and parts, and the address and option checks.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/mail_opts.h"
#include "mail/mail_chart.h"
#include "mail/mail_notifier.h"
#include "mail/mail_spool.h"

static const char *const labels[] = { "mount", "/data", NULL };

static void sample_notification(struct notification *n, struct alert *a, const char *status)
{
	memset(a, 0, sizeof(*a));
	a->name = "DiskFull";
	a->status = status;
	a->labels = labels;
	a->summary = "disk is full";
	a->expr = "disk_used_percent{mount=\"/data\"} > 90";
	a->fingerprint = "00ff";
	a->value = 95;
	a->threshold = 90;
	a->unit = "%";
	a->starts_at = 1700000000;
	a->records_csv = "a,b\n1,2\n";
	memset(n, 0, sizeof(*n));
	n->group_key = "{alertname=\"DiskFull\"}";
	n->status = status;
	n->alerts = a;
	n->nalerts = 1;
	n->host = "web-1";
}

static void sample_msg(struct mail_msg *m)
{
	static const char bin[] = { 0, 1, '\n', 'e', 'n', 'd', '\n', 0x7f };

	memset(m, 0, sizeof(*m));
	assert_int_equal(mail_msg__set(&m->message_id, "vigil.1234.firing@web-1"), 0);
	assert_int_equal(mail_msg__set(&m->from, "vigil@example.org"), 0);
	assert_int_equal(mail_msg__set(&m->to, "a@example.org,b@example.org"), 0);
	assert_int_equal(mail_msg__set(&m->subject, "[FIRING:1] DiskFull on web-1"), 0);
	assert_int_equal(mail_msg__set(&m->date, "Sat, 05 Dec 2026 07:42:54 +0000"), 0);
	assert_int_equal(mail_buf__printf(&m->text, "text\nend\n"), 0);
	assert_int_equal(mail_buf__printf(&m->html, "<p>html</p>"), 0);
	assert_int_equal(mail_msg__add_part(m, true, "image/png", "c.png", bin, sizeof(bin)), 0);
	assert_int_equal(mail_msg__add_part(m, false, "text/csv", "r.csv", "x\n", 2), 0);
}

static void assert_same_msg(const struct mail_msg *a, const struct mail_msg *b)
{
	assert_string_equal(a->message_id, b->message_id);
	assert_string_equal(a->from, b->from);
	assert_string_equal(a->to, b->to);
	assert_string_equal(a->subject, b->subject);
	assert_string_equal(a->date, b->date);
	assert_int_equal(a->text.len, b->text.len);
	assert_memory_equal(a->text.data, b->text.data, a->text.len);
	assert_int_equal(a->html.len, b->html.len);
	assert_int_equal(a->nparts, b->nparts);
	for (int i = 0; i < a->nparts; i++) {
		assert_int_equal(a->parts[i].is_inline, b->parts[i].is_inline);
		assert_string_equal(a->parts[i].type, b->parts[i].type);
		assert_string_equal(a->parts[i].name, b->parts[i].name);
		assert_int_equal(a->parts[i].data.len, b->parts[i].data.len);
		assert_memory_equal(a->parts[i].data.data, b->parts[i].data.data,
				    a->parts[i].data.len);
	}
}

static void test_spool_round_trip_and_refusals(void **state)
{
	struct mail_msg m, back;
	struct mail_buf b = { 0 };

	(void)state;
	sample_msg(&m);
	assert_int_equal(mail_spool__encode(&m, &b), 0);
	assert_int_equal(mail_spool__decode(b.data, b.len, &back), 0);
	assert_same_msg(&m, &back);
	mail_msg__free(&back);
	/* every truncation is refused, never read as a shorter message */
	for (size_t n = 0; n < b.len; n++)
		assert_int_equal(mail_spool__decode(b.data, n, &back), -EINVAL);
	/* bytes after "end" */
	assert_int_equal(mail_buf__append(&b, "x", 1), 0);
	assert_int_equal(mail_spool__decode(b.data, b.len, &back), -EINVAL);
	/* a length that runs past the end */
	b.len--;
	memcpy(strstr(b.data, "text 9"), "text 8", 6);
	assert_int_equal(mail_spool__decode(b.data, b.len, &back), -EINVAL);
	/* a header with a control character */
	assert_int_equal(mail_spool__decode("vigil-mail 1\nid a\x01\n", 17, &back), -EINVAL);
	assert_int_equal(mail_spool__decode("vigil-mail 2\n", 13, &back), -EINVAL);
	mail_buf__free(&b);
	mail_msg__free(&m);
}

static void test_spool_directory(void **state)
{
	char dir[] = "/tmp/vigil-spool-XXXXXX", sub[256], path[4096], tmp[4200], **paths;
	struct mail_msg m, back;
	FILE *f;
	int n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/a/b/mail", dir);
	assert_int_equal(mail_spool__mkdir(sub), 0);
	sample_msg(&m);
	assert_int_equal(mail_spool__write(sub, &m, path, sizeof(path)), 0);
	assert_non_null(strstr(path, "/vigil.1234.firing@web-1.msg"));
	/* a second message, and what an interrupted write leaves */
	assert_int_equal(mail_msg__set(&m.message_id, "vigil.0000/..\n"), -EINVAL);
	assert_int_equal(mail_msg__set(&m.message_id, "vigil.0000/../x@h"), 0);
	assert_int_equal(mail_spool__write(sub, &m, NULL, 0), 0);
	snprintf(tmp, sizeof(tmp), "%s/.half.msg.tmp", sub);
	f = fopen(tmp, "w");
	assert_non_null(f);
	fclose(f);
	n = mail_spool__list(sub, &paths);
	assert_int_equal(n, 2);
	assert_non_null(strstr(paths[0], "/vigil.0000_.._x@h.msg")); /* no way out of the dir */
	assert_string_equal(paths[1], path);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(mail_spool__read(paths[1], &back), 0);
	assert_string_equal(back.message_id, "vigil.1234.firing@web-1");
	mail_msg__free(&back);
	for (int i = 0; i < n; i++) {
		assert_int_equal(mail_spool__remove(paths[i]), 0);
		free(paths[i]);
	}
	free(paths);
	assert_int_equal(mail_spool__list(sub, &paths), 0);
	free(paths);
	assert_int_equal(mail_spool__read(path, &back), -ENOENT);
	mail_msg__free(&m);
	snprintf(tmp, sizeof(tmp), "rm -rf %s", dir);
	assert_int_equal(system(tmp), 0);
}

static void test_backoff_doubles_up_to_the_max(void **state)
{
	(void)state;
	assert_true(mail_backoff(0, 300) == 1);
	assert_true(mail_backoff(1, 300) == 1);
	assert_true(mail_backoff(2, 300) == 2);
	assert_true(mail_backoff(5, 300) == 16);
	assert_true(mail_backoff(9, 300) == 256);
	assert_true(mail_backoff(10, 300) == 300);
	assert_true(mail_backoff(1000000, 300) == 300);
	assert_true(mail_backoff(3, 2) == 2);
}

static void test_message_id_is_stable_and_distinct(void **state)
{
	char a[256], b[256], c[256];
	struct notification n;
	struct alert al;

	(void)state;
	sample_notification(&n, &al, "firing");
	mail_message_id(a, sizeof(a), &n);
	mail_message_id(b, sizeof(b), &n);
	assert_string_equal(a, b);
	assert_true(!strncmp(a, "vigil.", 6) && strstr(a, ".firing@web-1"));
	sample_notification(&n, &al, "resolved");
	al.ends_at = 1700000600;
	mail_message_id(c, sizeof(c), &n);
	assert_string_not_equal(a, c);
	al.starts_at++; /* the same rule firing again later is another notification */
	mail_message_id(b, sizeof(b), &n);
	assert_string_not_equal(b, c);
}

static void test_compose(void **state)
{
	struct notification n;
	struct alert al;
	struct mail_msg m;
	char id[256];

	(void)state;
	sample_notification(&n, &al, "firing");
	assert_int_equal(mail_msg__compose(&m, &n, "v@example.org", "a@example.org", 0), 0);
	mail_message_id(id, sizeof(id), &n);
	assert_string_equal(m.message_id, id);
	assert_string_equal(m.subject, "[FIRING:1] DiskFull on web-1");
	assert_string_equal(m.date, "Thu, 01 Jan 1970 00:00:00 +0000");
	assert_non_null(strstr(m.text.data, "95% (threshold 90%)"));
	assert_non_null(strstr(m.html.data, "&quot;/data&quot;} &gt; 90"));
	/* the chart (when cairo is there), then the records */
	assert_string_equal(m.parts[m.nparts - 1].name, "DiskFull-1-records.csv");
	if (m.nparts == 2) {
		assert_true(m.parts[0].is_inline);
		assert_non_null(strstr(m.html.data, "cid:DiskFull-1.png\" width=\"640\""));
		assert_memory_equal(m.parts[0].data.data, "\x89PNG", 4);
	}
	mail_msg__free(&m);
}

static void test_units(void **state)
{
	char b[32];

	(void)state;
	mail_fmt_value(b, sizeof(b), 0.0123, "s");
	assert_string_equal(b, "12.3 ms");
	mail_fmt_value(b, sizeof(b), 1536, "B");
	assert_string_equal(b, "1.5 KiB");
	mail_fmt_value(b, sizeof(b), 2500, "/s");
	assert_string_equal(b, "2.5k/s");
	mail_fmt_value(b, sizeof(b), 91, "%");
	assert_string_equal(b, "91%");
	mail_fmt_value(b, sizeof(b), NAN, "%");
	assert_string_equal(b, "n/a");
}

static void test_options(void **state)
{
	struct mail_opts o;

	(void)state;
	mail_opts__init(&o);
	assert_true(mail_addr_ok("ops@example.org"));
	assert_false(mail_addr_ok("Ops <ops@example.org>"));
	assert_false(mail_addr_ok("ops@"));
	assert_false(mail_addr_ok("@example.org"));
	assert_false(mail_addr_ok("a b@example.org"));
	assert_int_equal(mail_opts__set(&o, MAIL_OPT_TO, "a@x.org,b@y.org"), 0);
	assert_int_equal(mail_opts__set(&o, MAIL_OPT_TO, "a@x.org,"), -EINVAL);
	assert_int_equal(mail_opts__set(&o, MAIL_OPT_SMTP, "smtps://mail:465"), 0);
	assert_int_equal(mail_opts__set(&o, MAIL_OPT_SMTP, "http://mail"), -EINVAL);
	assert_int_equal(mail_opts__set(&o, MAIL_OPT_SMTP, "smtp://"), -EINVAL);
	assert_int_equal(mail_opts__set(&o, MAIL_OPT_SMTP_STARTTLS, "maybe"), -EINVAL);
	assert_int_equal(mail_opts__set(&o, MAIL_OPT_SMTP_TIMEOUT, "0s"), -ERANGE);
	assert_int_equal(mail_opts__set(&o, MAIL_OPT_SMTP_RETRY_MAX, "2m"), 0);
	assert_true(o.retry_max_ns == 120 * 1000000000ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spool_round_trip_and_refusals),
		cmocka_unit_test(test_spool_directory),
		cmocka_unit_test(test_backoff_doubles_up_to_the_max),
		cmocka_unit_test(test_message_id_is_stable_and_distinct),
		cmocka_unit_test(test_compose),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
