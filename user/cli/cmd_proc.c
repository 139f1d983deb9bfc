// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_proc.c: `vigil proc PID...`: everything psutil knows about each process, its as_dict()
 * keys plus parent, children and rlimits, as a key/value table for people or as JSON/NDJSON
 * with psutil's names and shapes. --attrs picks keys as as_dict(attrs=...) does. A field the
 * process will not show us (another user's environ) is null, noted in the table; a pid that
 * does not exist or vanishes while it is read is reported on stderr and makes the exit status
 * 1, while the other pids are still printed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/parse.h"
#include "core/log.h"
#include "export/fbjson.h"
#include "export/json.h"
#include "export/output.h"
#include "fallback.h"
#include "view/proc_dict.h"

enum { OPT_ATTRS = CLI_COMMON_MAX, OPT_RECURSIVE, OPT_INTERVAL };

struct proc_args {
	uint64_t attrs;
	const char *bad_attr;
	char attrs_buf[1024];
	bool recursive;
	uint64_t interval_ns;
};

static const struct cli_opt proc_opts[] = {
	{ "format", 'f', "FMT", CLI_FORMAT, "table, json or ndjson",
	  "output format (default: table on a terminal, else ndjson)" },
	CLI_OPT_OUTPUT,
	{ "attrs", 'a', "LIST", OPT_ATTRS,
	  "a comma list of psutil's as_dict() keys (cmdline, connections, cpu_affinity, cpu_num, "
	  "cpu_percent, cpu_times, create_time, cwd, environ, exe, gids, io_counters, ionice, "
	  "memory_full_info, memory_info, memory_maps, memory_percent, name, nice, "
	  "num_ctx_switches, num_fds, num_threads, open_files, pid, ppid, status, terminal, "
	  "threads, uids, username) and parent, children, rlimits",
	  "only these keys, as psutil's as_dict(attrs=...) (default: all)" },
	{ "recursive", 'r', NULL, OPT_RECURSIVE, NULL,
	  "children: every descendant, not only direct children" },
	{ "interval", 'i', "TIME", OPT_INTERVAL, "a duration such as 500ms or 1s",
	  "measure cpu_percent over TIME (default: psutil's first call, 0.0)" },
	CLI_OPT_END,
};

static int proc_set(void *ctx, int id, const char *arg)
{
	struct proc_args *a = ctx;

	switch (id) {
	case OPT_ATTRS:
		if (strlen(arg) >= sizeof(a->attrs_buf))
			return -EINVAL;
		strcpy(a->attrs_buf, arg);
		/* an unknown name is reported after parsing, by its own name */
		pd_attrs_parse(a->attrs_buf, &a->attrs, &a->bad_attr);
		return 0;
	case OPT_RECURSIVE:
		a->recursive = true;
		return 0;
	case OPT_INTERVAL:
		if (parse_duration(arg, NSEC_PER_SEC, &a->interval_ns) || !a->interval_ns)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

static const struct cli_cmd proc_cmd = {
	.name = "proc",
	.usage = "vigil proc [--attrs LIST] [--recursive] [--interval TIME] PID...",
	.summary = "Everything psutil knows about each process: its as_dict() keys, parent,\n"
		   "children and rlimits.",
	.details = "Keys: cmdline, connections, cpu_affinity, cpu_num, cpu_percent, cpu_times,\n"
		   "create_time, cwd, environ, exe, gids, io_counters, ionice, memory_full_info,\n"
		   "memory_info, memory_maps, memory_percent, name, nice, num_ctx_switches,\n"
		   "num_fds, num_threads, open_files, pid, ppid, status, terminal, threads, uids,\n"
		   "username (psutil's as_dict()), and parent, children, rlimits.\n"
		   "A key the process does not show to this user is null (noted in the table).\n"
		   "pid is always printed. Exit status 1 when a pid does not exist or vanished.\n"
		   "Examples: vigil proc $$\n"
		   "          vigil proc -f json --attrs name,cmdline,environ 1 $$",
	.examples = "vigil proc 1\n"
		    "vigil proc --attrs name,rss --recursive 1234",
	.opts = proc_opts,
	.set = proc_set,
};

static void proc_sleep(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / NSEC_PER_SEC),
			       .tv_nsec = (long)(ns % NSEC_PER_SEC) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void proc_gone(pid_t pid)
{
	cli_error(&proc_cmd, "%d: no such process", (int)pid);
}

/* Handles for every pid (NULL for one that does not exist, reported). */
static int proc_open(struct fb_proc **procs, pid_t *pids, int n)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		procs[i] = fb_proc__new(pids[i]);
		if (!procs[i]) {
			proc_gone(pids[i]);
			bad = 1;
		}
	}
	return bad;
}

static int proc_print(struct output *out, struct fb_proc **procs, int n, const struct pd_opts *o)
{
	struct jw w;
	int rc = 0, shown = 0;

	if (out->fmt == FMT_JSON) {
		jw__init(&w, out->sink, false);
		jw__arr_begin(&w, NULL);
	}
	for (int i = 0; i < n; i++) {
		struct proc_dict d;
		int err;

		if (!procs[i])
			continue;
		err = proc_dict__collect(&d, procs[i], o);
		if (err == -ESRCH) {
			proc_gone(fb_proc__pid(procs[i]));
			rc = 1;
			continue;
		}
		if (err) {
			cli_error(&proc_cmd, "%d: %s", (int)fb_proc__pid(procs[i]), strerror(-err));
			rc = 1;
			continue;
		}
		if (out->fmt == FMT_TABLE) {
			if (shown)
				sink__putc(out->sink, '\n');
			proc_dict__table(&d, out->sink);
		} else {
			if (out->fmt == FMT_NDJSON)
				jw__init(&w, out->sink, false);
			fbjson_proc_dict(&w, &d);
			if (out->fmt == FMT_NDJSON)
				sink__putc(out->sink, '\n');
		}
		shown++;
		proc_dict__free(&d);
	}
	if (out->fmt == FMT_JSON) {
		jw__arr_end(&w);
		sink__putc(out->sink, '\n');
	}
	return rc;
}

int cmd_proc(int argc, char **argv)
{
	struct proc_args a = { .attrs = PD_ALL };
	struct cli_common common = { 0 };
	struct fb_proc **procs = NULL;
	struct pd_opts o = { 0 };
	pid_t *pids = NULL;
	struct output out;
	int first, n, rc = 1;
	bool help;

	first = cli_parse(&proc_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (a.bad_attr) {
		if (*a.bad_attr)
			cli_error(&proc_cmd,
				  "--attrs: unknown attribute '%s' (see 'vigil proc --help')",
				  a.bad_attr);
		else
			cli_error(&proc_cmd,
				  "--attrs: names no attribute (see 'vigil proc --help')");
		return EXIT_USAGE;
	}
	if (common.format_set && common.format == FMT_CSV) {
		cli_error(&proc_cmd,
			  "--format: invalid value 'csv' (accepts table, json or ndjson)");
		return EXIT_USAGE;
	}
	n = argc - first;
	if (n < 1) {
		cli_error(&proc_cmd, "expects at least one PID (see 'vigil proc --help')");
		return EXIT_USAGE;
	}
	pids = calloc((size_t)n, sizeof(*pids));
	procs = calloc((size_t)n, sizeof(*procs));
	if (!pids || !procs) {
		cli_error(&proc_cmd, "out of memory");
		goto free_lists;
	}
	for (int i = 0; i < n; i++) {
		uint64_t v;

		if (parse_u64(argv[first + i], 0, INT32_MAX, &v)) {
			cli_error(&proc_cmd, "PID: invalid value '%s' (accepts a process id)",
				  argv[first + i]);
			rc = EXIT_USAGE;
			goto free_lists;
		}
		pids[i] = (pid_t)v;
	}
	log_set_level(common.verbose);
	o.attrs = a.attrs;
	o.recursive = a.recursive;
	rc = proc_open(procs, pids, n);
	if (a.interval_ns && (o.attrs & PD_BIT(PD_CPU_PERCENT))) {
		double pct;

		/* one sleep for every pid: each handle's first call starts its measurement */
		for (int i = 0; i < n; i++)
			if (procs[i])
				fb_proc__cpu_percent(procs[i], 0.0, &pct);
		proc_sleep(a.interval_ns);
	}
	if (output__open(&out, &proc_cmd, &common, FMT_NDJSON, 0)) {
		rc = 1;
		goto free_procs;
	}
	rc |= proc_print(&out, procs, n, &o);
	if (output__close(&out))
		rc = 1;
free_procs:
	for (int i = 0; i < n; i++)
		fb_proc__free(procs[i]);
free_lists:
	free(procs);
	free(pids);
	return rc;
}
