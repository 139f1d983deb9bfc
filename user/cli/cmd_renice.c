// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_renice.c: `vigil renice -n N [-p] PID...` (or `vigil renice N PID...`): set processes'
 * nice value through fallback handles (psutil's Process.nice), printing what renice prints,
 * "PID (process ID) old priority X, new priority Y", or rows with -f csv|json|ndjson. Each
 * PID is checked against the creation time its handle recorded, so a reused pid is never
 * reniced (NoSuchProcess); a refusal is AccessDenied with the pid and the value. Exit 1 if
 * any PID failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/parse.h"
#include "cli/proctool.h"
#include "core/log.h"
#include "export/output.h"
#include "export/rows.h"

enum { OPT_PRIORITY = CLI_COMMON_MAX, OPT_PID };

struct renice_args {
	int prio;
	bool prio_set;
};

static const struct cli_opt renice_opts[] = {
	{ "priority", 'n', "N", OPT_PRIORITY, "a nice value from -20 to 19",
	  "the new nice value (-20 highest priority, 19 lowest)" },
	{ "pid", 'p', NULL, OPT_PID, NULL, "the arguments are process ids (the default)" },
	CLI_OPT_FORMAT_TOOL,
	CLI_OPT_OUTPUT,
	CLI_OPT_END,
};

static int parse_prio(const char *s, int *out)
{
	bool neg = s[0] == '-';
	uint64_t v;

	if (parse_u64(s + (neg || s[0] == '+'), 0, neg ? 20 : 19, &v))
		return -EINVAL;
	*out = neg ? -(int)v : (int)v;
	return 0;
}

static int renice_set(void *ctx, int id, const char *arg)
{
	struct renice_args *a = ctx;

	if (id == OPT_PID)
		return 0;
	if (id != OPT_PRIORITY || parse_prio(arg, &a->prio))
		return -EINVAL;
	a->prio_set = true;
	return 0;
}

static const struct cli_cmd renice_cmd = {
	.name = "renice",
	.usage = "vigil renice -n N [-p] PID...\n       vigil renice N PID...",
	.summary = "Set the nice value of running processes, as renice(1).",
	.examples = "vigil renice -n 10 -p 1234\n"
		    "vigil renice 5 1234",
	.opts = renice_opts,
	.set = renice_set,
};

/* Renice one pid; 0, or -errno after reporting why not. */
static int renice_one(struct output *o, struct rows *r, pid_t pid, int prio)
{
	struct fb_proc *p = proctool_open(&renice_cmd, pid);
	char what[64];
	int old, now, err;

	if (!p)
		return -ESRCH;
	err = fb_proc__nice(p, &old);
	if (err) {
		proctool_report(&renice_cmd, p, "read the nice value", err);
		goto free_proc;
	}
	err = fb_proc__set_nice(p, prio);
	if (err) {
		snprintf(what, sizeof(what), "set nice to %d", prio);
		proctool_report(&renice_cmd, p, what, err);
		goto free_proc;
	}
	err = fb_proc__nice(p, &now);
	if (err) {
		proctool_report(&renice_cmd, p, "read the new nice value", err);
		goto free_proc;
	}
	if (o->fmt == FMT_TABLE)
		sink__printf(o->sink, "%d (process ID) old priority %d, new priority %d\n",
			     (int)pid, old, now);
	else
		rows__add(r, (const struct rowv[]){ ROWV_I(pid), ROWV_I(old), ROWV_I(now) });
free_proc:
	fb_proc__free(p);
	return err;
}

int cmd_renice(int argc, char **argv)
{
	static const char *const keys[] = { "pid", "old_nice", "nice", NULL };
	struct renice_args a = { 0 };
	struct cli_common common = { 0 };
	struct output out;
	struct rows rows;
	int first, rc = 0;
	bool help;

	first = cli_parse(&renice_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (!a.prio_set && first < argc) {
		if (parse_prio(argv[first], &a.prio)) {
			cli_error(&renice_cmd,
				  "N: invalid value '%s' (accepts a nice value from "
				  "-20 to 19)",
				  argv[first]);
			return EXIT_USAGE;
		}
		a.prio_set = true;
		first++;
	}
	if (!a.prio_set || first >= argc) {
		cli_error(&renice_cmd, "expects -n N and at least one PID");
		return EXIT_USAGE;
	}
	for (int i = first; i < argc; i++) {
		pid_t pid;

		if (proctool_parse_pid(argv[i], &pid)) {
			cli_error(&renice_cmd, "PID: invalid value '%s' (accepts a process id)",
				  argv[i]);
			return EXIT_USAGE;
		}
	}
	log_set_level(common.verbose);
	if (output__open(&out, &renice_cmd, &common, FMT_TABLE, 0))
		return 1;
	if (out.fmt != FMT_TABLE)
		rows__begin(&rows, &out, keys);
	for (int i = first; i < argc; i++)
		rc |= renice_one(&out, &rows, (pid_t)atoi(argv[i]), a.prio) ? 1 : 0;
	if (out.fmt != FMT_TABLE)
		rows__end(&rows);
	return output__close(&out) ? 1 : rc;
}
