// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_prlimit.c: `vigil prlimit [--RESOURCE[=SOFT:HARD]]... -p PID`: a process' resource
 * limits through a fallback handle (psutil's Process.rlimit). With no resource, or with
 * resources named without a value, prints prlimit's table (RESOURCE DESCRIPTION SOFT HARD
 * UNITS); a value sets the limit (SOFT: or :HARD keeps the other side; "unlimited"). Rows
 * with -f csv|json|ndjson, with psutil's -1 for unlimited. The handle's creation time is
 * checked before each change: a reused pid is never touched (NoSuchProcess).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/proctool.h"
#include "core/log.h"
#include "export/output.h"
#include "export/rows.h"

#define PRL_N 16

struct prl_res {
	const char *name; /* the long option, lower case */
	char short_name;
	int resource; /* RLIMIT_* */
	const char *desc, *units;
};

/* prlimit's order, descriptions and units. */
static const struct prl_res prl_res[PRL_N] = {
	{ "as", 'v', RLIMIT_AS, "address space limit", "bytes" },
	{ "core", 'c', RLIMIT_CORE, "max core file size", "bytes" },
	{ "cpu", 't', RLIMIT_CPU, "CPU time", "seconds" },
	{ "data", 'd', RLIMIT_DATA, "max data size", "bytes" },
	{ "fsize", 0, RLIMIT_FSIZE, "max file size", "bytes" }, /* -f is --format */
	{ "locks", 'x', RLIMIT_LOCKS, "max number of file locks held", "locks" },
	{ "memlock", 'l', RLIMIT_MEMLOCK, "max locked-in-memory address space", "bytes" },
	{ "msgqueue", 'q', RLIMIT_MSGQUEUE, "max bytes in POSIX mqueues", "bytes" },
	{ "nice", 'e', RLIMIT_NICE, "max nice prio allowed to raise", "" },
	{ "nofile", 'n', RLIMIT_NOFILE, "max number of open files", "files" },
	{ "nproc", 'u', RLIMIT_NPROC, "max number of processes", "processes" },
	{ "rss", 'm', RLIMIT_RSS, "max resident set size", "bytes" },
	{ "rtprio", 'r', RLIMIT_RTPRIO, "max real-time priority", "" },
	{ "rttime", 'y', RLIMIT_RTTIME, "timeout for real-time tasks", "microsecs" },
	{ "sigpending", 'i', RLIMIT_SIGPENDING, "max number of pending signals", "signals" },
	{ "stack", 's', RLIMIT_STACK, "max stack size", "bytes" },
};

enum { OPT_PID = CLI_COMMON_MAX, OPT_RES0 };

#define PRL_ACCEPTS "SOFT:HARD, SOFT:, :HARD or one value for both; a number or unlimited"
#define PRL_OPT(n, s)                                                                              \
	{                                                                                          \
		n, s, "[SOFT:HARD]", 0, PRL_ACCEPTS, "show, or set, this limit"                    \
	}

struct prl_args {
	pid_t pid;
	bool show[PRL_N], set[PRL_N];
	int64_t soft[PRL_N], hard[PRL_N];
};

static struct cli_opt prl_opts[PRL_N + 4] = {
	{ "pid", 'p', "PID", OPT_PID, "a process id", "the process" },
	CLI_OPT_FORMAT_TOOL,
	CLI_OPT_OUTPUT,
};

static int prl_set_opt(void *ctx, int id, const char *arg)
{
	struct prl_args *a = ctx;
	int r = id - OPT_RES0;

	if (id == OPT_PID)
		return proctool_parse_pid(arg, &a->pid);
	if (r < 0 || r >= PRL_N)
		return -EINVAL;
	if (!arg) {
		a->show[r] = true;
		return 0;
	}
	if (toolval_parse_rlimit(arg, &a->soft[r], &a->hard[r]))
		return -EINVAL;
	a->set[r] = true;
	return 0;
}

static const struct cli_cmd prl_cmd = {
	.name = "prlimit",
	.usage = "vigil prlimit [--RESOURCE[=SOFT:HARD]]... -p PID",
	.summary = "Show or set a process' resource limits, as prlimit -p.",
	.details = "RESOURCE: as, core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile,\n"
		   "nproc, rss, rtprio, rttime, sigpending, stack. A value sets the limit:\n"
		   "SOFT:HARD, SOFT: or :HARD (the other side is kept), or one value for both;\n"
		   "each side is a number or 'unlimited'.",
	.examples = "vigil prlimit -p 1234\n"
		    "vigil prlimit --nofile=1024:4096 -p 1234",
	.opts = prl_opts,
	.set = prl_set_opt,
};

/* The resource options, built from prl_res so the two never disagree. */
static void prl_opts_init(void)
{
	for (int i = 0; i < PRL_N; i++) {
		prl_opts[3 + i] = (struct cli_opt)PRL_OPT(prl_res[i].name, prl_res[i].short_name);
		prl_opts[3 + i].id = OPT_RES0 + i;
	}
	prl_opts[3 + PRL_N] = (struct cli_opt)CLI_OPT_END;
}

static void fmt_limit(int64_t v, char *buf, size_t len)
{
	if (v < 0)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%lld", (long long)v);
}

static void upper(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 'a' + 'A' : s[i]);
	buf[i] = '\0';
}

static void print_table(struct sink *s, const bool *show, const int64_t *soft, const int64_t *hard)
{
	int w[4] = { 8, 11, 4, 4 }; /* RESOURCE DESCRIPTION SOFT HARD */
	char a[32], b[32], name[16];

	for (int i = 0; i < PRL_N; i++) {
		if (!show[i])
			continue;
		fmt_limit(soft[i], a, sizeof(a));
		fmt_limit(hard[i], b, sizeof(b));
		w[0] = (int)strlen(prl_res[i].name) > w[0] ? (int)strlen(prl_res[i].name) : w[0];
		w[1] = (int)strlen(prl_res[i].desc) > w[1] ? (int)strlen(prl_res[i].desc) : w[1];
		w[2] = (int)strlen(a) > w[2] ? (int)strlen(a) : w[2];
		w[3] = (int)strlen(b) > w[3] ? (int)strlen(b) : w[3];
	}
	sink__printf(s, "%-*s %-*s %*s %*s UNITS\n", w[0], "RESOURCE", w[1], "DESCRIPTION", w[2],
		     "SOFT", w[3], "HARD");
	for (int i = 0; i < PRL_N; i++) {
		if (!show[i])
			continue;
		fmt_limit(soft[i], a, sizeof(a));
		fmt_limit(hard[i], b, sizeof(b));
		upper(prl_res[i].name, name, sizeof(name));
		sink__printf(s, "%-*s %-*s %*s %*s %s", w[0], name, w[1], prl_res[i].desc, w[2], a,
			     w[3], b, prl_res[i].units);
		sink__end_line(s);
	}
}

/*
 * Set resource r from a->soft/hard; a side left out keeps its value, read first (the only
 * read: a process whose limits may be set but not read, as another user's, is still set).
 * 0, or -errno after reporting.
 */
static int prl_change(struct fb_proc *p, const struct prl_args *a, int r)
{
	int64_t s = a->soft[r], h = a->hard[r], cur_s, cur_h;
	char what[128], sv[32], hv[32];
	int err;

	if (s == TOOLVAL_RLIM_KEEP || h == TOOLVAL_RLIM_KEEP) {
		err = fb_proc__rlimit(p, prl_res[r].resource, &cur_s, &cur_h);
		if (err) {
			snprintf(what, sizeof(what), "read the %s limit", prl_res[r].name);
			proctool_report(&prl_cmd, p, what, err);
			return err;
		}
		s = s == TOOLVAL_RLIM_KEEP ? cur_s : s;
		h = h == TOOLVAL_RLIM_KEEP ? cur_h : h;
	}
	err = fb_proc__set_rlimit(p, prl_res[r].resource, s, h);
	if (err) {
		fmt_limit(s, sv, sizeof(sv));
		fmt_limit(h, hv, sizeof(hv));
		snprintf(what, sizeof(what), "set %s to %s:%s", prl_res[r].name, sv, hv);
		if (err == -EINVAL)
			cli_error(&prl_cmd,
				  "pid %d: cannot %s: the soft limit must not exceed the "
				  "hard one",
				  (int)a->pid, what);
		else
			proctool_report(&prl_cmd, p, what, err);
		return err;
	}
	return 0;
}

int cmd_prlimit(int argc, char **argv)
{
	static const char *const keys[] = { "pid",  "resource", "description", "soft",
					    "hard", "units",	NULL };
	struct prl_args a = { .pid = -1 };
	struct cli_common common = { 0 };
	int64_t soft[PRL_N], hard[PRL_N];
	bool show[PRL_N], any = false, help;
	struct fb_proc *p = NULL;
	int first, err, rc = 1;
	struct output out;
	struct rows rows;

	prl_opts_init();
	first = cli_parse(&prl_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc) {
		cli_error(&prl_cmd,
			  "unexpected argument '%s' (running a command is not "
			  "supported: use -p PID)",
			  argv[first]);
		return EXIT_USAGE;
	}
	if (a.pid < 0) {
		cli_error(&prl_cmd, "expects -p PID");
		return EXIT_USAGE;
	}
	for (int i = 0; i < PRL_N; i++)
		any |= a.show[i] || a.set[i];
	log_set_level(common.verbose);
	if (output__open(&out, &prl_cmd, &common, FMT_TABLE, 0))
		return 1;
	if (out.fmt != FMT_TABLE)
		rows__begin(&rows, &out, keys);
	p = proctool_open(&prl_cmd, a.pid);
	if (!p)
		goto close_out;
	for (int i = 0; i < PRL_N; i++) {
		if (a.set[i] && prl_change(p, &a, i))
			goto free_proc;
	}
	/* prlimit shows every limit when none is named, and prints nothing after a change */
	for (int i = 0; i < PRL_N; i++) {
		show[i] = !any || a.show[i] || (a.set[i] && out.fmt != FMT_TABLE);
		if (!show[i])
			continue;
		err = fb_proc__rlimit(p, prl_res[i].resource, &soft[i], &hard[i]);
		if (err) {
			char what[64];

			snprintf(what, sizeof(what), "read the %s limit", prl_res[i].name);
			proctool_report(&prl_cmd, p, what, err);
			goto free_proc;
		}
	}
	if (out.fmt == FMT_TABLE) {
		bool shown = false;

		for (int i = 0; i < PRL_N; i++)
			shown |= show[i];
		if (shown)
			print_table(out.sink, show, soft, hard);
	} else {
		for (int i = 0; i < PRL_N; i++) {
			if (!show[i])
				continue;
			rows__add(&rows, (const struct rowv[]){
						 ROWV_I(a.pid), ROWV_S(prl_res[i].name),
						 ROWV_S(prl_res[i].desc), ROWV_I(soft[i]),
						 ROWV_I(hard[i]), ROWV_S(prl_res[i].units) });
		}
	}
	rc = 0;
free_proc:
	fb_proc__free(p);
close_out:
	if (out.fmt != FMT_TABLE)
		rows__end(&rows);
	if (output__close(&out))
		rc = 1;
	return rc;
}
