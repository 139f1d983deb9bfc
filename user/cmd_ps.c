// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_ps.c: `vigil ps`: every process with name, status, user, cpu times and memory, read by
 * the fallback library's one-pass scan (psutil's process_iter with attrs), as a table, CSV,
 * JSON or NDJSON; --pid and --comm keep some. `vigil pidof NAME` prints matching pids.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "export.h"
#include "fallback.h"
#include "fbjson.h"
#include "json.h"
#include "log.h"
#include "output.h"
#include "parse.h"

enum { OPT_PID = CLI_COMMON_MAX, OPT_COMM, OPT_INTERVAL };

struct ps_args {
	int64_t pid; /* -1: all */
	const char *comm;
	uint64_t interval_ns; /* 0: no cpu_percent */
};

/* First-scan CPU time per pid, for cpu_percent over --interval (psutil's Process.cpu_percent). */
struct cpu_mark {
	pid_t pid;
	double cpu, ctime;
};

static const struct cli_opt ps_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	{ "pid", 'p', "PID", OPT_PID, "a process id", "only this process" },
	{ "comm", 'c', "NAME", OPT_COMM, "a process name", "only processes with this name" },
	{ "interval", 'i', "TIME", OPT_INTERVAL, "a duration such as 500ms or 1s",
	  "add cpu_percent measured over TIME (two scans, like top)" },
	CLI_OPT_END,
};

static int ps_set(void *ctx, int id, const char *arg)
{
	struct ps_args *a = ctx;
	uint64_t v;

	switch (id) {
	case OPT_PID:
		if (parse_u64(arg, 0, INT32_MAX, &v))
			return -EINVAL;
		a->pid = (int64_t)v;
		return 0;
	case OPT_COMM:
		a->comm = arg;
		return 0;
	case OPT_INTERVAL:
		if (parse_duration(arg, NSEC_PER_SEC, &a->interval_ns) || !a->interval_ns)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

static const struct cli_cmd ps_cmd = {
	.name = "ps",
	.usage = "vigil ps [--pid PID] [--comm NAME] [--interval TIME] [--format FMT]",
	.summary = "List processes: pid, ppid, user, status, cpu times, memory, name.",
	.opts = ps_opts,
	.set = ps_set,
};

#define PS_ATTRS                                                                           \
	(FB_PI_NAME | FB_PI_STATUS | FB_PI_CPU_TIMES | FB_PI_MEMORY_INFO | FB_PI_PPID |    \
	 FB_PI_USERNAME | FB_PI_NUM_THREADS | FB_PI_CREATE_TIME)

static const char *const csv_cols = "pid,ppid,username,status,num_threads,cpu_user,cpu_system,"
				    "cpu_percent,rss,vms,shared,create_time,name";

static void ps_row(struct output *o, struct jw *w, const struct fb_proc_info *pi, double pct)
{
	struct sink *s = o->sink;
	char rss[16], vms[16];

	switch (o->fmt) {
	case FMT_JSON:
		fbjson_proc_info(w, pi, PS_ATTRS, pct);
		return;
	case FMT_NDJSON:
		jw__init(w, s, false);
		fbjson_proc_info(w, pi, PS_ATTRS, pct);
		sink__putc(s, '\n');
		return;
	case FMT_CSV:
		sink__s64(s, pi->pid);
		sink__putc(s, ',');
		sink__s64(s, pi->ppid);
		sink__putc(s, ',');
		csv_write_string(s, pi->username, sizeof(pi->username));
		sink__putc(s, ',');
		sink__puts(s, (pi->valid & FB_PI_STATUS) ? fb_status_name(pi->status) : "");
		sink__putc(s, ',');
		sink__s64(s, pi->num_threads);
		sink__putc(s, ',');
		sink__f64(s, pi->cpu_times.user);
		sink__putc(s, ',');
		sink__f64(s, pi->cpu_times.system);
		sink__putc(s, ',');
		if (pct >= 0)
			sink__f64(s, pct);
		sink__putc(s, ',');
		sink__u64(s, pi->memory_info.rss);
		sink__putc(s, ',');
		sink__u64(s, pi->memory_info.vms);
		sink__putc(s, ',');
		sink__u64(s, pi->memory_info.shared);
		sink__putc(s, ',');
		sink__f64(s, pi->create_time);
		sink__putc(s, ',');
		csv_write_string(s, pi->name, sizeof(pi->name));
		sink__puts(s, "\r\n");
		return;
	default:
		fb_bytes2human(pi->memory_info.rss, rss, sizeof(rss));
		fb_bytes2human(pi->memory_info.vms, vms, sizeof(vms));
		sink__printf(s, "%7d %7d %-10.10s %-12s %4d %8.2f ", pi->pid, pi->ppid,
			     (pi->valid & FB_PI_USERNAME) ? pi->username : "?",
			     (pi->valid & FB_PI_STATUS) ? fb_status_name(pi->status) : "?",
			     pi->num_threads, pi->cpu_times.user + pi->cpu_times.system);
		if (pct >= 0)
			sink__printf(s, "%6.1f ", pct);
		else if (pct > -1.5)
			; /* no --interval: no column */
		else
			sink__puts(s, "     - ");
		sink__printf(s, "%8s %8s ", (pi->valid & FB_PI_MEMORY_INFO) ? rss : "-",
			     (pi->valid & FB_PI_MEMORY_INFO) ? vms : "-");
		/* a comm may hold a newline: print it escaped, on one line */
		for (const char *c = pi->name; *c; c++) {
			if ((unsigned char)*c < 0x20)
				sink__printf(s, "\\x%02x", (unsigned char)*c);
			else
				sink__putc(s, *c);
		}
		sink__putc(s, '\n');
	}
}

static double ps_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void ps_sleep(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / NSEC_PER_SEC),
			       .tv_nsec = (long)(ns % NSEC_PER_SEC) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Remember every process' CPU time and identity (pid order, as the scan gives them). */
static int ps_first_scan(struct fb_proc_iter *it, struct cpu_mark **out, size_t *n, double *t0)
{
	const struct fb_proc_info *pi;
	size_t cap = 256;
	struct cpu_mark *v = malloc(cap * sizeof(*v));

	*n = 0;
	if (!v)
		return -ENOMEM;
	while ((pi = fb_proc_iter__next(it))) {
		if (*n == cap) {
			struct cpu_mark *nv = realloc(v, cap * 2 * sizeof(*v));

			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
			cap *= 2;
		}
		v[*n].pid = pi->pid;
		v[*n].cpu = pi->cpu_times.user + pi->cpu_times.system;
		v[*n].ctime = pi->create_time;
		(*n)++;
	}
	*t0 = ps_now();
	*out = v;
	return 0;
}

/*
 * psutil's Process.cpu_percent: CPU seconds over wall seconds, may exceed 100.  -2 for a
 * process born during the interval (-1 means "not measured" to ps_row).
 */
static double ps_percent(const struct cpu_mark *m, size_t n, const struct fb_proc_info *pi,
			 double dt)
{
	size_t lo = 0, hi = n;
	double pct;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m[mid].pid < pi->pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n || m[lo].pid != pi->pid || m[lo].ctime != pi->create_time || dt <= 0)
		return -2; /* a new process (or a reused pid): nothing to compare with */
	pct = (pi->cpu_times.user + pi->cpu_times.system - m[lo].cpu) / dt * 100.0;
	return pct < 0 ? 0 : (double)(long)(pct * 10.0 + 0.5) / 10.0;
}

int cmd_ps(int argc, char **argv)
{
	struct ps_args a = { .pid = -1 };
	struct cli_common common = { 0 };
	const struct fb_proc_info *pi;
	struct cpu_mark *marks = NULL;
	struct fb_proc_iter *it;
	struct output out;
	size_t nmarks = 0;
	double t0 = 0, t1 = 0;
	struct jw w;
	bool help;
	int first;

	first = cli_parse(&ps_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc) {
		cli_error(&ps_cmd, "unexpected argument '%s'", argv[first]);
		return EXIT_USAGE;
	}
	log_set_level(common.verbose);
	if (output__open(&out, &ps_cmd, &common, FMT_NDJSON, 0))
		return 1;
	it = fb_proc_iter__new(PS_ATTRS);
	if (!it) {
		pr_err("ps: cannot list processes: %s", strerror(errno));
		output__close(&out);
		return 1;
	}
	if (a.interval_ns) {
		if (ps_first_scan(it, &marks, &nmarks, &t0)) {
			pr_err("ps: out of memory");
			fb_proc_iter__free(it);
			output__close(&out);
			return 1;
		}
		ps_sleep(a.interval_ns);
		fb_proc_iter__rewind(it);
		t1 = ps_now();
	}
	if (out.fmt == FMT_JSON) {
		jw__init(&w, out.sink, false);
		jw__arr_begin(&w, NULL);
	} else if (out.fmt == FMT_CSV) {
		sink__puts(out.sink, csv_cols);
		sink__puts(out.sink, "\r\n");
	} else if (out.fmt == FMT_TABLE) {
		sink__printf(out.sink, "%7s %7s %-10s %-12s %4s %8s ", "PID", "PPID", "USER",
			     "STATUS", "THR", "TIME");
		if (a.interval_ns)
			sink__printf(out.sink, "%6s ", "%CPU");
		sink__printf(out.sink, "%8s %8s %s\n", "RSS", "VMS", "NAME");
	}
	while ((pi = fb_proc_iter__next(it))) {
		if (a.pid >= 0 && pi->pid != a.pid)
			continue;
		if (a.comm && strcmp(pi->name, a.comm))
			continue;
		ps_row(&out, &w, pi, a.interval_ns ? ps_percent(marks, nmarks, pi, t1 - t0) : -1);
	}
	fb_proc_iter__free(it);
	free(marks);
	if (out.fmt == FMT_JSON) {
		jw__arr_end(&w);
		sink__putc(out.sink, '\n');
	}
	return output__close(&out) ? 1 : 0;
}

static const struct cli_opt pidof_opts[] = { CLI_OPT_END };

static const struct cli_cmd pidof_cmd = {
	.name = "pidof",
	.usage = "vigil pidof NAME",
	.summary = "Print the pids of the processes called NAME (exit 1 if none).",
	.opts = pidof_opts,
};

int cmd_pidof(int argc, char **argv)
{
	struct cli_common common = { 0 };
	const struct fb_proc_info *pi;
	struct fb_proc_iter *it;
	bool help, any = false;
	int first;

	first = cli_parse(&pidof_cmd, argc, argv, &common, NULL, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first + 1 != argc) {
		cli_error(&pidof_cmd, "expects exactly one NAME");
		return EXIT_USAGE;
	}
	it = fb_proc_iter__new(FB_PI_NAME);
	if (!it)
		return 1;
	while ((pi = fb_proc_iter__next(it))) {
		if (!(pi->valid & FB_PI_NAME) || strcmp(pi->name, argv[first]))
			continue;
		printf("%s%d", any ? " " : "", pi->pid);
		any = true;
	}
	fb_proc_iter__free(it);
	if (any)
		putchar('\n');
	return any ? 0 : 1;
}
