// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_uptime.c: `vigil uptime [-p] [-s]`: how long the system has run, how many users are
 * logged in and the load averages, from the fallback library (psutil's boot_time, users and
 * getloadavg), printed as procps uptime prints them (" 17:01:03 up  1:22,  0 user,  load
 * average: 0.00, 0.01, 0.05"); -p "up 1 hour, 22 minutes"; -s the boot time. -f
 * csv|json|ndjson gives one row with psutil's names.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"
#include "export/output.h"
#include "export/rows.h"
#include "fallback.h"

enum { OPT_PRETTY = CLI_COMMON_MAX, OPT_SINCE };

struct uptime_args {
	bool pretty, since;
};

static const struct cli_opt uptime_opts[] = {
	{ "pretty", 'p', NULL, OPT_PRETTY, NULL, "only the time up, in words" },
	{ "since", 's', NULL, OPT_SINCE, NULL, "only the boot time, yyyy-mm-dd HH:MM:SS" },
	CLI_OPT_FORMAT_TOOL,
	CLI_OPT_OUTPUT,
	CLI_OPT_END,
};

static int uptime_set(void *ctx, int id, const char *arg)
{
	struct uptime_args *a = ctx;

	(void)arg;
	if (id == OPT_PRETTY)
		a->pretty = true;
	else if (id == OPT_SINCE)
		a->since = true;
	else
		return -EINVAL;
	return 0;
}

static const struct cli_cmd uptime_cmd = {
	.name = "uptime",
	.usage = "vigil uptime [-p|-s]",
	.summary = "Show the time, how long the system has run, users and load, as uptime(1).",
	.examples = "vigil uptime\n"
		    "vigil uptime -p\n"
		    "vigil uptime -s",
	.opts = uptime_opts,
	.set = uptime_set,
};

static int count_users(void)
{
	struct fb_user *u = NULL;
	size_t n = 0;
	int err = fb_users(&u, &n);

	free(u);
	return err ? err : (int)n;
}

static void pretty(struct sink *s, long up)
{
	static const struct {
		long secs;
		const char *one, *many;
	} units[] = {
		{ 365L * 86400, "year", "years" },
		{ 7L * 86400, "week", "weeks" },
		{ 86400, "day", "days" },
		{ 3600, "hour", "hours" },
	};
	bool any = false;

	sink__puts(s, "up ");
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		long n = up / units[i].secs;

		up %= units[i].secs;
		if (!n)
			continue;
		sink__printf(s, "%s%ld %s", any ? ", " : "", n,
			     n == 1 ? units[i].one : units[i].many);
		any = true;
	}
	if (up / 60 || !any)
		sink__printf(s, "%s%ld %s", any ? ", " : "", up / 60,
			     up / 60 == 1 ? "minute" : "minutes");
	sink__putc(s, '\n');
}

static void classic(struct sink *s, time_t now, long up, int users, const double *la)
{
	long days = up / 86400, hours = up % 86400 / 3600, mins = up % 3600 / 60;
	struct tm tm;

	localtime_r(&now, &tm);
	sink__printf(s, " %02d:%02d:%02d up ", tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (days)
		sink__printf(s, "%ld %s, ", days, days > 1 ? "days" : "day");
	if (hours)
		sink__printf(s, "%2ld:%02ld, ", hours, mins);
	else
		sink__printf(s, "%ld min, ", mins);
	if (users >= 0)
		sink__printf(s, "%2d %s,  ", users, users > 1 ? "users" : "user");
	sink__printf(s, "load average: %.2f, %.2f, %.2f\n", la[0], la[1], la[2]);
}

int cmd_uptime(int argc, char **argv)
{
	static const char *const keys[] = { "time",  "boot_time", "uptime", "users",
					    "load1", "load5",	  "load15", NULL };
	struct uptime_args a = { 0 };
	struct cli_common common = { 0 };
	struct timespec ts;
	double boot, now, la[3];
	struct output out;
	struct rows rows;
	int first, err, users;
	bool help;
	long up;

	first = cli_parse(&uptime_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc) {
		cli_error(&uptime_cmd, "unexpected argument '%s' (uptime takes none)", argv[first]);
		return EXIT_USAGE;
	}
	if (a.pretty && cli_refuse_with(&uptime_cmd, &common, OPT_SINCE, "--pretty"))
		return EXIT_USAGE;
	log_set_level(common.verbose);
	err = fb_boot_time(&boot);
	if (!err)
		err = fb_getloadavg(la);
	if (err) {
		cli_error(&uptime_cmd, "cannot read the boot time or load: %s", strerror(-err));
		return 1;
	}
	users = count_users();
	if (users < 0)
		pr_warn("uptime: cannot count users: %s", strerror(-users));
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	up = (long)(now - boot);
	if (up < 0)
		up = 0;
	if (output__open(&out, &uptime_cmd, &common, FMT_TABLE, 0))
		return 1;
	if (out.fmt != FMT_TABLE) {
		rows__begin(&rows, &out, keys);
		rows__add(&rows,
			  (const struct rowv[]){ ROWV_F(now), ROWV_F(boot), ROWV_F(now - boot),
						 users >= 0 ? ROWV_I(users) : ROWV_NONE,
						 ROWV_F(la[0]), ROWV_F(la[1]), ROWV_F(la[2]) });
		rows__end(&rows);
	} else if (a.since) {
		time_t b = (time_t)boot;
		struct tm tm;
		char buf[64];

		localtime_r(&b, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
		sink__printf(out.sink, "%s\n", buf);
	} else if (a.pretty) {
		pretty(out.sink, up);
	} else {
		classic(out.sink, ts.tv_sec, up, users, la);
	}
	return output__close(&out) ? 1 : 0;
}
