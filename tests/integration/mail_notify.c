// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mail_notify.c: drives the e-mail notifier as the alert manager does, for test_mail.py:
 * hands it N notifications (a firing disk alert with a series, CSV records and a flame graph
 * SVG; distinct groups), one every GAP seconds, calling notifier__tick every 50 ms, until all
 * are handed and the spool is empty or WAIT seconds have passed; prints "handed I" after each
 * and "sent S failed F queued Q" at the end.
 * Usage: mail_notify N GAP WAIT [vigil mail options: --smtp URL --from A --mail-to B ...]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/mail_opts.h"
#include "core/log.h"
#include "mail/mail_notifier.h"

static const struct cli_opt opts[] = { MAIL_OPTS,
				       { "mail-to", 0, "ADDR", MAIL_OPT_TO, "addresses", "to" },
				       CLI_OPT_END };

static int set(void *ctx, int id, const char *arg)
{
	return mail_opts__set(ctx, id, arg);
}

static const struct cli_cmd cmd = {
	.name = "mail_notify", .usage = "", .summary = "", .opts = opts, .set = set
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const char *const labels[] = { "mount", "/mnt/small", "severity", "page", NULL };
	static const char *const group[] = { "alertname", "DiskFull", NULL };
	struct cli_common common = { 0 };
	struct alert_point pts[60];
	struct mail_opts o;
	struct notifier *n;
	double t0 = now_s(), wait, gap, next;
	int count, first, i = 0;
	bool help;

	if (argc < 4)
		return 2;
	count = atoi(argv[1]);
	gap = atof(argv[2]);
	wait = atof(argv[3]);
	mail_opts__init(&o);
	first = cli_parse(&cmd, argc - 3, argv + 3, &common, &o, &help);
	if (first < 0 || mail_opts__check(&cmd, &o))
		return 2;
	log_set_level(common.verbose);
	n = mail_notifier__new(&o);
	if (!n)
		return 1;
	for (int k = 0; k < 60; k++) {
		pts[k].t = t0 - 60 + k;
		pts[k].v = 20 + k * 1.2 + 3 * sin(k / 5.0);
	}
	next = t0;
	while ((i < count || mail_notifier__queued(n)) && now_s() - t0 < wait) {
		char key[64], fp[32];
		struct alert a = {
			.name = "DiskFull",
			.status = "firing",
			.labels = labels,
			.summary = "disk /mnt/small is 91% full",
			.description = "a file fills the tmpfs",
			.expr = "disk_used_percent{mount=\"/mnt/small\"} > 50",
			.fingerprint = fp,
			.value = 91,
			.threshold = 50,
			.unit = "%",
			.starts_at = t0 - 30,
			.series = pts,
			.nseries = 60,
			.records_csv =
				"time,mount,used_percent\n1,/mnt/small,20\n2,/mnt/small,91\n",
			.flame_svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" "
				     "height=\"10\"><rect width=\"5\" height=\"5\"/></svg>\n",
		};
		struct notification msg = { .group_key = key,
					    .status = "firing",
					    .group_labels = group,
					    .alerts = &a,
					    .nalerts = 1,
					    .host = "testhost" };

		usleep(50000);
		notifier__tick(n, now_s());
		if (i == count || now_s() < next)
			continue;
		snprintf(key, sizeof(key), "{alertname=\"DiskFull\",n=\"%d\"}", i);
		snprintf(fp, sizeof(fp), "%016x", i);
		if (notifier__send(n, &msg))
			fprintf(stderr, "mail_notify: send %d refused\n", i);
		printf("handed %d\n", ++i);
		fflush(stdout);
		next += gap;
	}
	printf("sent %llu failed %llu queued %zu\n", (unsigned long long)n->sent,
	       (unsigned long long)n->failed, mail_notifier__queued(n));
	fflush(stdout);
	notifier__free(n);
	free(n);
	return 0;
}
