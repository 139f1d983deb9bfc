// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_who.c: `vigil who [-H]`: the users logged in, from the fallback library (psutil's
 * users(): the utmp login records), one line each as who(1) prints them: NAME LINE TIME
 * (HOST), leaving out records whose session process has ended, as who does. -H adds who's
 * heading. -f csv|json|ndjson gives rows with psutil's names (name,
 * terminal, host, started, pid). Names and hosts are escaped before they reach a terminal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"
#include "export/escape.h"
#include "export/output.h"
#include "export/rows.h"
#include "fallback.h"

enum { OPT_HEADING = CLI_COMMON_MAX };

struct who_args {
	bool heading;
};

static const struct cli_opt who_opts[] = {
	{ "heading", 'H', NULL, OPT_HEADING, NULL, "print a line of column headings" },
	CLI_OPT_FORMAT_TOOL,
	CLI_OPT_OUTPUT,
	CLI_OPT_END,
};

static int who_set(void *ctx, int id, const char *arg)
{
	struct who_args *a = ctx;

	(void)arg;
	if (id != OPT_HEADING)
		return -EINVAL;
	a->heading = true;
	return 0;
}

static const struct cli_cmd who_cmd = {
	.name = "who",
	.usage = "vigil who [-H]",
	.summary = "Show who is logged in, as who(1).",
	.examples = "vigil who\n"
		    "vigil who -H",
	.opts = who_opts,
	.set = who_set,
};

static void who_line(struct sink *s, const struct fb_user *u)
{
	char name[256], line[256], host[1024], when[32];
	time_t t = (time_t)u->started;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	esc_buf(name, sizeof(name), u->name);
	esc_buf(line, sizeof(line), (u->valid & FB_USER_TERMINAL) ? u->terminal : "?");
	sink__printf(s, "%-8s %-12s %s", name, line, when);
	/* who prints the record's own host: none where psutil says "localhost" for an empty one */
	if ((u->valid & FB_USER_HOST) && !(u->valid & FB_USER_HOST_IMPLIED) && u->host[0]) {
		esc_buf(host, sizeof(host), u->host);
		sink__printf(s, " (%s)", host);
	}
	sink__putc(s, '\n');
}

int cmd_who(int argc, char **argv)
{
	static const char *const keys[] = { "name", "terminal", "host", "started", "pid", NULL };
	struct who_args a = { 0 };
	struct cli_common common = { 0 };
	struct fb_user *u = NULL;
	struct output out;
	struct rows rows;
	int first, err;
	size_t n = 0;
	bool help;

	first = cli_parse(&who_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc) {
		cli_error(&who_cmd, "unexpected argument '%s' (who takes none)", argv[first]);
		return EXIT_USAGE;
	}
	log_set_level(common.verbose);
	err = fb_users(&u, &n);
	if (err) {
		cli_error(&who_cmd, "cannot read the login records: %s", strerror(-err));
		return 1;
	}
	if (output__open(&out, &who_cmd, &common, FMT_TABLE, 0)) {
		free(u);
		return 1;
	}
	if (out.fmt == FMT_TABLE) {
		if (a.heading)
			sink__printf(out.sink, "%-8s %-12s %-16s %s\n", "NAME", "LINE", "TIME",
				     "COMMENT");
		for (size_t i = 0; i < n; i++) {
			/* as who: a record whose session process has ended is stale */
			if ((u[i].valid & FB_USER_PID) && u[i].pid > 0 && !fb_pid_exists(u[i].pid))
				continue;
			who_line(out.sink, &u[i]);
		}
	} else {
		rows__begin(&rows, &out, keys);
		for (size_t i = 0; i < n; i++)
			rows__add(
				&rows,
				(const struct rowv[]){
					ROWV_S(u[i].name),
					(u[i].valid & FB_USER_TERMINAL) ? ROWV_S(u[i].terminal)
									: ROWV_NONE,
					(u[i].valid & FB_USER_HOST) ? ROWV_S(u[i].host) : ROWV_NONE,
					ROWV_F(u[i].started),
					(u[i].valid & FB_USER_PID) ? ROWV_I(u[i].pid)
								   : ROWV_NONE });
		rows__end(&rows);
	}
	free(u);
	return output__close(&out) ? 1 : 0;
}
