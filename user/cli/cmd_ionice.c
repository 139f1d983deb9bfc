// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_ionice.c: `vigil ionice [-c CLASS] [-n LEVEL] -p PID...`: read or set processes' I/O
 * scheduling class and level through fallback handles (psutil's Process.ionice). Reading
 * prints what ionice -p prints ("best-effort: prio 4", "idle", "none: prio 0"); setting
 * prints nothing, as ionice; -f csv|json|ndjson gives rows either way. A pid reused since
 * its handle was opened is never touched (NoSuchProcess); a refusal is AccessDenied.
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

enum { OPT_CLASS = CLI_COMMON_MAX, OPT_LEVEL, OPT_PID };

static const char *const class_names[] = { "none", "realtime", "best-effort", "idle", NULL };

struct ionice_args {
	int ioclass; /* -1: not given */
	int level;   /* -1: not given */
};

static const struct cli_opt ionice_opts[] = {
	{ "class", 'c', "CLASS", OPT_CLASS, "0-3 or none, realtime, best-effort, idle",
	  "the scheduling class to set" },
	{ "classdata", 'n', "LEVEL", OPT_LEVEL, "a level from 0 (highest) to 7",
	  "the level within realtime or best-effort (default 4)" },
	{ "pid", 'p', NULL, OPT_PID, NULL, "the arguments are process ids" },
	CLI_OPT_FORMAT_TOOL,
	CLI_OPT_OUTPUT,
	CLI_OPT_END,
};

static int ionice_set(void *ctx, int id, const char *arg)
{
	struct ionice_args *a = ctx;
	uint64_t v;

	switch (id) {
	case OPT_CLASS:
		if (!parse_u64(arg, 0, 3, &v)) {
			a->ioclass = (int)v;
			return 0;
		}
		a->ioclass = parse_choice(arg, class_names);
		return a->ioclass < 0 ? -EINVAL : 0;
	case OPT_LEVEL:
		if (parse_u64(arg, 0, 7, &v))
			return -EINVAL;
		a->level = (int)v;
		return 0;
	case OPT_PID:
		return 0;
	}
	return -EINVAL;
}

static const struct cli_cmd ionice_cmd = {
	.name = "ionice",
	.usage = "vigil ionice [-c CLASS] [-n LEVEL] -p PID...",
	.summary = "Show or set the I/O scheduling class and level of processes, as ionice -p.",
	.examples = "vigil ionice -p 1234\n"
		    "vigil ionice -c 3 -p 1234",
	.opts = ionice_opts,
	.set = ionice_set,
};

/* Set (with -c) and read one pid's I/O class; 0, or -errno after reporting why not. */
static int ionice_one(struct output *o, struct rows *r, const struct ionice_args *a, pid_t pid)
{
	struct fb_proc *p = proctool_open(&ionice_cmd, pid);
	enum fb_ioprio_class cls;
	int level, err;
	char what[64];

	if (!p)
		return -ESRCH;
	if (a->ioclass >= 0) {
		err = fb_proc__set_ionice(p, (enum fb_ioprio_class)a->ioclass, a->level);
		if (err) {
			snprintf(what, sizeof(what), "set the I/O class to %s",
				 class_names[a->ioclass]);
			if (a->level >= 0 && a->ioclass != FB_IOPRIO_CLASS_NONE &&
			    a->ioclass != FB_IOPRIO_CLASS_IDLE)
				snprintf(what + strlen(what), sizeof(what) - strlen(what),
					 ", level %d", a->level);
			proctool_report(&ionice_cmd, p, what, err);
			goto free_proc;
		}
	}
	err = fb_proc__ionice(p, &cls, &level);
	if (err) {
		proctool_report(&ionice_cmd, p, "read the I/O class", err);
		goto free_proc;
	}
	if (o->fmt != FMT_TABLE) {
		bool known = (int)cls >= 0 && (int)cls <= 3;

		rows__add(r, (const struct rowv[]){ ROWV_I(pid),
						    known ? ROWV_S(class_names[cls]) : ROWV_NONE,
						    ROWV_I(cls), ROWV_I(level) });
	} else if (a->ioclass < 0) {
		if (cls == FB_IOPRIO_CLASS_IDLE)
			sink__puts(o->sink, "idle\n");
		else if ((int)cls >= 0 && (int)cls <= 3)
			sink__printf(o->sink, "%s: prio %d\n", class_names[cls], level);
		else
			sink__printf(o->sink, "unknown: prio %d\n", level);
	}
free_proc:
	fb_proc__free(p);
	return err;
}

int cmd_ionice(int argc, char **argv)
{
	static const char *const keys[] = { "pid", "ioclass", "ioclass_value", "value", NULL };
	struct ionice_args a = { .ioclass = -1, .level = -1 };
	struct cli_common common = { 0 };
	struct output out;
	struct rows rows;
	int first, rc = 0;
	bool help;

	first = cli_parse(&ionice_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first >= argc) {
		cli_error(&ionice_cmd, "expects -p PID... (running a command is not supported)");
		return EXIT_USAGE;
	}
	if (a.level >= 0 && a.ioclass < 0)
		a.ioclass = FB_IOPRIO_CLASS_BE; /* as ionice: -n alone means best-effort */
	if (a.ioclass == FB_IOPRIO_CLASS_NONE || a.ioclass == FB_IOPRIO_CLASS_IDLE) {
		if (cli_refuse_with(&ionice_cmd, &common, OPT_LEVEL,
				    a.ioclass ? "class idle" : "class none"))
			return EXIT_USAGE;
	}
	for (int i = first; i < argc; i++) {
		pid_t pid;

		if (proctool_parse_pid(argv[i], &pid)) {
			cli_error(&ionice_cmd, "PID: invalid value '%s' (accepts a process id)",
				  argv[i]);
			return EXIT_USAGE;
		}
	}
	log_set_level(common.verbose);
	if (output__open(&out, &ionice_cmd, &common, FMT_TABLE, 0))
		return 1;
	if (out.fmt != FMT_TABLE)
		rows__begin(&rows, &out, keys);
	for (int i = first; i < argc; i++)
		rc |= ionice_one(&out, &rows, &a, (pid_t)atoi(argv[i])) ? 1 : 0;
	if (out.fmt != FMT_TABLE)
		rows__end(&rows);
	return output__close(&out) ? 1 : rc;
}
