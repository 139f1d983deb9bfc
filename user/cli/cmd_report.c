// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_report.c: `vigil report [--mail TO[,TO]] [--duration T]`: run the main job (what `vigil`
 * alone does: trace everything this host allows for T) and make a host report of its summary,
 * the latency histograms and the disks (mail/mail_report.h). Without --mail it prints the
 * report's text; with it, it mails the report through --smtp, the histograms as inline PNG
 * charts. A report the server does not take is an error (exit 1); with --state-dir it is also
 * queued there, where `vigil serve` (or the next report with that --state-dir, which first
 * sends what is queued) delivers it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/mail_opts.h"
#include "cli/parse.h"
#include "core/log.h"
#include "mail/mail_notifier.h"
#include "mail/mail_report.h"
#include "mail/mail_smtp.h"
#include "mail/mail_spool.h"

#define REPORT_DEFAULT_DURATION (5 * NSEC_PER_SEC)

static const struct cli_opt report_opts[] = {
	CLI_OPT_DURATION,
	{ "mail", 0, "TO[,TO]", MAIL_OPT_TO, "addresses such as ops@example.org, comma-separated",
	  "mail the report to these addresses (else print its text)" },
	MAIL_OPTS,
	CLI_OPT_END,
};

static int report_set(void *ctx, int id, const char *arg)
{
	return mail_opts__set(ctx, id, arg);
}

static const struct cli_cmd report_cmd = {
	.name = "report",
	.usage = "vigil report [--mail TO[,TO] --smtp URL --from ADDR] [options]",
	.summary =
		"A one-off host report: trace everything for --duration (default 5s) as 'vigil'\n"
		"does, then the summary, latency histograms, top processes and disks; printed,\n"
		"or mailed with the histograms as charts (--mail).",
	.details = "With --state-dir, a report the server does not take is queued there, and\n"
		   "what is queued there is sent first.",
	.examples = "vigil report --duration 30s\n"
		    "vigil report --mail ops@example.org --smtp smtp://mail:587 --from vigil@host",
	.opts = report_opts,
	.set = report_set,
};

/* The main job's JSON summary, into b. 0, or 1 after its own messages. */
static int report_run_main_job(uint64_t duration_ns, struct mail_buf *b)
{
	char path[] = "/tmp/vigil-report-XXXXXX", dur[32], chunk[65536];
	char *argv[] = { "vigil", "--format", "json", "--output", path, "--duration", dur, NULL };
	int fd = mkstemp(path), rc;
	ssize_t n;

	if (fd < 0) {
		cli_error(&report_cmd, "cannot create a temporary file: %s", strerror(errno));
		return 1;
	}
	snprintf(dur, sizeof(dur), "%llums", (unsigned long long)(duration_ns / NSEC_PER_MSEC));
	rc = cmd_run(7, argv);
	while (!rc && (n = read(fd, chunk, sizeof(chunk))) > 0) {
		if (mail_buf__append(b, chunk, (size_t)n))
			rc = 1;
	}
	close(fd);
	unlink(path);
	if (!rc && !b->len) {
		cli_error(&report_cmd, "the main job wrote no summary");
		rc = 1;
	}
	return rc;
}

/* What an earlier report or serve left queued in the spool: one try each. */
static void report_flush_spool(const struct mail_opts *o)
{
	struct notifier *n = mail_notifier__new(o);
	size_t queued;

	if (!n)
		return;
	queued = mail_notifier__queued(n);
	if (queued) {
		notifier__tick(n, (double)time(NULL));
		fprintf(stderr, "vigil report: %llu queued message(s) sent, %zu still queued\n",
			(unsigned long long)n->sent, mail_notifier__queued(n));
	}
	notifier__free(n);
	free(n);
}

static int report_mail(struct mail_report *r, const struct mail_opts *o, bool queue)
{
	struct mail_msg m;
	char why[512], dir[4096];
	long cause;
	int err = mail_report__compose(r, &m, o->from, o->to);

	if (err) {
		cli_error(&report_cmd, "cannot compose the report: %s", strerror(-err));
		return 1;
	}
	if (mail_smtp__send(o, &m, why, sizeof(why), &cause) == MAIL_SMTP_SENT) {
		fprintf(stderr, "vigil report: mailed to %s\n", o->to);
		mail_msg__free(&m);
		return 0;
	}
	cli_error(&report_cmd, "not delivered: %s", why);
	snprintf(dir, sizeof(dir), "%s/mail", o->state_dir);
	if (queue && !mail_spool__mkdir(dir) && !mail_spool__write(dir, &m, NULL, 0))
		cli_error(&report_cmd,
			  "queued in %s: 'vigil serve --state-dir %s' or the next "
			  "report with it sends it",
			  dir, o->state_dir);
	mail_msg__free(&m);
	return 1;
}

int cmd_report(int argc, char **argv)
{
	struct cli_common common = { .duration_ns = REPORT_DEFAULT_DURATION };
	struct mail_buf json = { 0 }, text = { 0 };
	struct mail_report *r = NULL;
	struct mail_opts o;
	char host[256] = "localhost";
	int first, rc;
	bool help;

	mail_opts__init(&o);
	first = cli_parse(&report_cmd, argc, argv, &common, &o, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc) {
		cli_error(&report_cmd, "unexpected argument '%s'", argv[first]);
		return EXIT_USAGE;
	}
	if (!common.duration_ns) {
		cli_error(&report_cmd, "--duration: a report needs a duration above 0");
		return EXIT_USAGE;
	}
	if (mail_opts__check(&report_cmd, &o))
		return EXIT_USAGE;
	log_set_level(common.verbose);
	gethostname(host, sizeof(host) - 1);
	if (mail_opts__enabled(&o) && mail_opts__given(&o, MAIL_OPT_STATE_DIR))
		report_flush_spool(&o);
	rc = report_run_main_job(common.duration_ns, &json);
	if (!rc) {
		r = mail_report__new(json.data, json.len, host, (double)time(NULL));
		rc = r ? 0 : 1;
	}
	if (!rc && mail_opts__enabled(&o)) {
		rc = report_mail(r, &o, mail_opts__given(&o, MAIL_OPT_STATE_DIR));
	} else if (!rc) {
		rc = mail_report__text(r, &text) ? 1 : 0;
		if (!rc)
			fwrite(text.data, 1, text.len, stdout);
	}
	mail_report__free(r);
	mail_buf__free(&json);
	mail_buf__free(&text);
	explicit_bzero(o.password, sizeof(o.password));
	return rc;
}
