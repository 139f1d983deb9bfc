// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_taskset.c: `vigil taskset [-c] [-p] [LIST|MASK] PID`: a process' CPU affinity, read or
 * set through a fallback handle (psutil's Process.cpu_affinity), printed as taskset -p prints
 * it ("pid N's current affinity list: 0,1"; with a new value also "pid N's new affinity
 * ..."), or as rows with -f csv|json|ndjson. A process that ended or whose pid was reused
 * after it was opened is never touched: NoSuchProcess, exit 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/proctool.h"
#include "core/log.h"
#include "export/output.h"
#include "export/rows.h"

enum { OPT_LIST = CLI_COMMON_MAX, OPT_PID };

struct taskset_args {
	bool list;
};

static const struct cli_opt taskset_opts[] = {
	{ "cpu-list", 'c', NULL, OPT_LIST, NULL, "CPUs as a list (0,2,4-7) instead of a hex mask" },
	{ "pid", 'p', NULL, OPT_PID, NULL, "act on an existing PID (the only mode vigil has)" },
	CLI_OPT_FORMAT_TOOL,
	CLI_OPT_OUTPUT,
	CLI_OPT_END,
};

static int taskset_set(void *ctx, int id, const char *arg)
{
	struct taskset_args *a = ctx;

	(void)arg;
	if (id == OPT_LIST)
		a->list = true;
	else if (id != OPT_PID)
		return -EINVAL;
	return 0;
}

static const struct cli_cmd taskset_cmd = {
	.name = "taskset",
	.usage = "vigil taskset [-c] [-p] [LIST|MASK] PID",
	.summary = "Show or set a process' CPU affinity, as taskset -p (-c: as a CPU list).",
	.details = "MASK is hexadecimal (3 = CPUs 0 and 1); with -c, LIST is like 0,2,4-7.",
	.examples = "vigil taskset -p 1234\n"
		    "vigil taskset -c -p 0,1 1234",
	.opts = taskset_opts,
	.set = taskset_set,
};

static void print_affinity(struct output *o, const struct taskset_args *a, pid_t pid,
			   const char *when, const int *cpus, size_t n)
{
	char buf[4096];

	if (a->list)
		toolval_format_cpu_list(cpus, n, buf, sizeof(buf));
	else
		toolval_format_cpu_mask(cpus, n, buf, sizeof(buf));
	sink__printf(o->sink, "pid %d's %s affinity %s: %s\n", (int)pid, when,
		     a->list ? "list" : "mask", buf);
}

static void add_row(struct rows *r, pid_t pid, const int *old, size_t nold, const int *cpus,
		    size_t n)
{
	char l_old[4096], l_new[4096], mask[2048];

	toolval_format_cpu_list(old, nold, l_old, sizeof(l_old));
	toolval_format_cpu_list(cpus, n, l_new, sizeof(l_new));
	toolval_format_cpu_mask(cpus, n, mask, sizeof(mask));
	rows__add(r, (const struct rowv[]){ ROWV_I(pid), cpus == old ? ROWV_NONE : ROWV_S(l_old),
					    ROWV_S(l_new), ROWV_S(mask) });
}

int cmd_taskset(int argc, char **argv)
{
	static const char *const keys[] = { "pid", "old_cpu_affinity", "cpu_affinity", "mask",
					    NULL };
	struct taskset_args a = { 0 };
	struct cli_common common = { 0 };
	int *want = NULL, *old = NULL, *now = NULL, first, err, rc = 1;
	size_t nwant = 0, nold = 0, nnow = 0;
	struct fb_proc *p = NULL;
	struct output out;
	struct rows rows;
	bool help;
	pid_t pid;

	first = cli_parse(&taskset_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (argc - first < 1 || argc - first > 2) {
		cli_error(&taskset_cmd, "expects [LIST|MASK] PID (running a command is not "
					"supported: start it, then give its PID)");
		return EXIT_USAGE;
	}
	if (proctool_parse_pid(argv[argc - 1], &pid)) {
		cli_error(&taskset_cmd, "PID: invalid value '%s' (accepts a process id)",
			  argv[argc - 1]);
		return EXIT_USAGE;
	}
	if (argc - first == 2) {
		err = a.list ? toolval_parse_cpu_list(argv[first], &want, &nwant)
			     : toolval_parse_cpu_mask(argv[first], &want, &nwant);
		if (err || !nwant) {
			cli_error(&taskset_cmd, "%s: invalid value '%s' (accepts %s)",
				  a.list ? "LIST" : "MASK", argv[first],
				  a.list ? "CPU numbers and ranges such as 0,2,4-7"
					 : "a non-zero hexadecimal mask such as 3 or 0x3");
			free(want);
			return EXIT_USAGE;
		}
	}
	log_set_level(common.verbose);
	if (output__open(&out, &taskset_cmd, &common, FMT_TABLE, 0))
		goto free_want;
	if (out.fmt != FMT_TABLE)
		rows__begin(&rows, &out, keys);
	p = proctool_open(&taskset_cmd, pid);
	if (!p)
		goto close_out;
	err = fb_proc__cpu_affinity(p, &old, &nold);
	if (err) {
		proctool_report(&taskset_cmd, p, "read the CPU affinity", err);
		goto free_proc;
	}
	if (out.fmt == FMT_TABLE)
		print_affinity(&out, &a, pid, "current", old, nold);
	if (!want) {
		if (out.fmt != FMT_TABLE)
			add_row(&rows, pid, old, nold, old, nold);
		rc = 0;
		goto free_proc;
	}
	err = fb_proc__set_cpu_affinity(p, want, nwant);
	if (err) {
		char what[4200], list[4096];

		toolval_format_cpu_list(want, nwant, list, sizeof(list));
		snprintf(what, sizeof(what), "set the CPU affinity to %s", list);
		if (err == -EINVAL)
			cli_error(&taskset_cmd, "pid %d: cannot %s: not every CPU is online",
				  (int)pid, what);
		else
			proctool_report(&taskset_cmd, p, what, err);
		goto free_proc;
	}
	err = fb_proc__cpu_affinity(p, &now, &nnow);
	if (err) {
		proctool_report(&taskset_cmd, p, "read the new CPU affinity", err);
		goto free_proc;
	}
	if (out.fmt == FMT_TABLE)
		print_affinity(&out, &a, pid, "new", now, nnow);
	else
		add_row(&rows, pid, old, nold, now, nnow);
	rc = 0;
free_proc:
	fb_proc__free(p);
close_out:
	if (out.fmt != FMT_TABLE)
		rows__end(&rows);
	if (output__close(&out))
		rc = 1;
	free(now);
	free(old);
free_want:
	free(want);
	return rc;
}
