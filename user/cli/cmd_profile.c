// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_profile.c: `vigil profile`: sample on-CPU stacks (or, with --off-cpu, sum blocked
 * time by stack) for --duration or until Ctrl-C, then print them folded, as JSON, or as a
 * self-contained interactive SVG flame graph, and a one-line account on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "profile/flamegraph.h"
#include "core/log.h"
#include "core/notify.h"
#include "cli/parse.h"
#include "profile/profile.h"
#include "profile/pprof_out.h"
#include "profile/profile_fold.h"
#include "profile/unwind_maps.h"
#include "core/stop.h"
#include "cli/trace_opts.h"
#include "cli/status.h"

enum {
	OPT_PFORMAT = CLI_COMMON_MAX + 40,
	OPT_FREQ,
	OPT_OFF_CPU,
	OPT_MIN_BLOCK,
	OPT_MAX_BLOCK,
	OPT_STATE,
	OPT_STORAGE,
	OPT_IDLE,
	OPT_TITLE,
	OPT_USER_ONLY,
	OPT_KERNEL_ONLY,
	OPT_NO_DEMANGLE,
	OPT_DEBUG_DIR,
	OPT_UNWIND_MEM,
	OPT_MAX_FRAMES,
};

enum prof_format { PF_FOLDED, PF_JSON, PF_SVG, PF_PPROF };
static const char *const prof_format_names[] = { "folded", "json", "svg", "pprof", NULL };

struct profile_args {
	struct profile_cfg cfg;
	enum prof_format format;
	const char *title;
	const char *unwind_flag; /* the last unwinder option given, for -K's check */
};

static const struct cli_opt profile_opts[] = {
	{ "format", 'f', "FMT", OPT_PFORMAT, "folded, json, svg or pprof",
	  "output format (default: folded); svg and pprof need --output" },
	CLI_OPT_OUTPUT,
	CLI_OPT_DURATION,
	{ "freq", 'F', "HZ", OPT_FREQ, "a whole number of samples per second, 1 to 10000",
	  "on-CPU samples per second per CPU (default 49)" },
	{ "off-cpu", 0, NULL, OPT_OFF_CPU, NULL,
	  "profile time blocked off-CPU (sched_switch to wakeup) instead" },
	{ "min-block", 0, "TIME", OPT_MIN_BLOCK,
	  "a duration such as 10us or 1ms (bare numbers are usecs)",
	  "off-CPU: ignore blocks shorter than TIME" },
	{ "max-block", 0, "TIME", OPT_MAX_BLOCK,
	  "a duration such as 1s or 500ms (bare numbers are usecs)",
	  "off-CPU: ignore blocks longer than TIME" },
	{ "state", 0, "STATES", OPT_STATE,
	  "a comma list of S (sleeping), D (uninterruptible), R (preempted), or a kernel state "
	  "mask such as 2",
	  "off-CPU: only these task states when leaving the CPU (default S,D,R)" },
	{ "stack-storage", 0, "N", OPT_STORAGE, "a number of stacks, 1024 to 1048576",
	  "distinct stacks and keys kept in the kernel (default 16384)" },
	{ "include-idle", 0, NULL, OPT_IDLE, NULL, "on-CPU: sample the idle task too" },
	{ "user-stacks-only", 'U', NULL, OPT_USER_ONLY, NULL,
	  "take user stacks only (as bcc's profile -U)" },
	{ "kernel-stacks-only", 'K', NULL, OPT_KERNEL_ONLY, NULL,
	  "take kernel stacks only (as bcc's profile -K)" },
	{ "unwind-memory", 0, "SIZE", OPT_UNWIND_MEM, "a size such as 16M, 1M to 1G",
	  "kernel memory for user-stack unwind tables; least recently used evicted (default 32M)" },
	{ "max-frames", 0, "N", OPT_MAX_FRAMES, "a number of frames, 1 to 127",
	  "deepest user stack walked (default 127)" },
	{ "title", 0, "TEXT", OPT_TITLE, "any text", "svg: the flame graph's title" },
	{ "no-demangle", 0, NULL, OPT_NO_DEMANGLE, NULL,
	  "keep C++ and Rust symbols mangled, as the linker sees them" },
	{ "debug-dir", 0, "DIR", OPT_DEBUG_DIR, "a directory",
	  "separate debug files' root, holding .build-id/ (default /usr/lib/debug)" },
	TRACE_OPT_PID,
	TRACE_OPT_TID,
	TRACE_OPT_COMM,
	TRACE_OPT_CGROUP,
	CLI_OPT_END,
};

static int parse_state(const char *arg, uint32_t *mask)
{
	char buf[32], *save = NULL;
	uint64_t v;

	if (!parse_u64(arg, 1, 0x7f, &v)) {
		*mask = (uint32_t)v;
		return 0;
	}
	if (strlen(arg) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, arg);
	*mask = 0;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "S"))
			*mask |= PROF_STATE_S;
		else if (!strcmp(tok, "D"))
			*mask |= PROF_STATE_D;
		else if (!strcmp(tok, "R"))
			*mask |= PROF_STATE_R;
		else
			return -EINVAL;
	}
	return *mask ? 0 : -EINVAL;
}

static int profile_set(void *ctx, int id, const char *arg)
{
	struct profile_args *a = ctx;
	uint64_t v;
	int err;

	switch (id) {
	case OPT_PFORMAT:
		err = parse_choice(arg, prof_format_names);
		if (err < 0)
			return err;
		a->format = (enum prof_format)err;
		return 0;
	case OPT_FREQ:
		err = parse_u64(arg, 1, 10000, &v);
		if (!err)
			a->cfg.freq = (uint32_t)v;
		return err;
	case OPT_OFF_CPU:
		a->cfg.off_cpu = true;
		return 0;
	case OPT_MIN_BLOCK:
		return parse_duration(arg, NSEC_PER_USEC, &a->cfg.min_block_ns);
	case OPT_MAX_BLOCK:
		err = parse_duration(arg, NSEC_PER_USEC, &a->cfg.max_block_ns);
		return err ? err : (a->cfg.max_block_ns ? 0 : -EINVAL);
	case OPT_STATE:
		return parse_state(arg, &a->cfg.state_mask);
	case OPT_STORAGE:
		err = parse_u64(arg, 1024, 1 << 20, &v);
		if (!err)
			a->cfg.stack_storage = (uint32_t)v;
		return err;
	case OPT_IDLE:
		a->cfg.include_idle = true;
		return 0;
	case OPT_TITLE:
		a->title = arg;
		return 0;
	case OPT_USER_ONLY:
		a->cfg.kernel_stacks = false;
		return 0;
	case OPT_KERNEL_ONLY:
		a->cfg.user_stacks = false;
		return 0;
	case OPT_NO_DEMANGLE:
		a->cfg.no_demangle = true;
		return 0;
	case OPT_DEBUG_DIR:
		if (access(arg, R_OK | X_OK))
			return -errno;
		a->cfg.debug_dir = arg;
		return 0;
	case OPT_UNWIND_MEM:
		a->unwind_flag = "--unwind-memory";
		err = parse_size(arg, &v);
		if (err || v < UNW_MEMORY_MIN || v > UNW_MEMORY_MAX)
			return -EINVAL;
		a->cfg.unwind_memory = v;
		return 0;
	case OPT_MAX_FRAMES:
		a->unwind_flag = "--max-frames";
		err = parse_u64(arg, 1, PROFILE_MAX_FRAMES, &v);
		if (!err)
			a->cfg.max_frames = (uint32_t)v;
		return err;
	}
	return trace_cfg__set_opt(&a->cfg.trace, id, arg);
}

static const struct cli_cmd profile_cmd = {
	.name = "profile",
	.usage = "vigil profile [--off-cpu] [options]",
	.summary = "Sample on-CPU stacks (or sum off-CPU time by stack) and print them folded, as "
		   "JSON, or as an SVG flame graph.",
	.details = "On-CPU: a software CPU clock samples every CPU at --freq; values are sample\n"
		   "counts. Off-CPU (--off-cpu): time from leaving the CPU until the wakeup (or,\n"
		   "for a preempted task, until it runs again); values are microseconds in folded\n"
		   "and svg output, nanoseconds in JSON. Kernel frames end in \"_[k]\".\n"
		   "Stacks the kernel could not take show as [missing user stack] /\n"
		   "[missing kernel stack]; user stacks that stop short of an entry point get a\n"
		   "[truncated] root frame. User stacks are unwound in the kernel from each\n"
		   "object's .eh_frame (no frame pointers needed), falling back to frame\n"
		   "pointers where an object has no table yet.",
	.examples = "vigil profile -d 10s -o stacks.folded\n"
		    "vigil profile --off-cpu -p 1234 -d 30s",
	.opts = profile_opts,
	.set = profile_set,
};

static int write_svg(struct sink *s, const struct prof_result *r, const char *title)
{
	struct fg_opts o = {
		.title = title ? title
			       : (r->off_cpu ? "Off-CPU Time Flame Graph" : "CPU Flame Graph"),
		.unit = r->off_cpu ? "us" : "samples",
		.width = 1200,
		.off_cpu = r->off_cpu,
		.duration_ns = r->duration_ns,
		.count = r->off_cpu ? r->total_count : r->total_value,
		.filter = r->filter,
	};
	struct flamegraph *fg = fg__new();
	struct prof_fold *f = NULL;
	size_t n = 0;
	int err;

	if (!fg)
		return -ENOMEM;
	err = prof_fold(r, &f, &n);
	for (size_t i = 0; !err && i < n; i++)
		err = fg__add_folded(fg, f[i].stack, f[i].value);
	if (!err)
		err = fg__write_svg(fg, s, &o);
	prof_fold__free(f, n);
	fg__free(fg);
	return err;
}

/* The profile's mode: on-CPU, off-CPU or the SVG output, as scope bits of its options. */
enum { PS_ON_CPU = 1U << 0, PS_OFF_CPU = 1U << 1, PS_SVG = 1U << 2 };

static const char *const profile_scope_names[] = { "on-CPU profiles",
						   "off-CPU profiles (--off-cpu)", "--format svg",
						   NULL };

static uint32_t profile_opt_scope(int id)
{
	switch (id) {
	case OPT_FREQ:
	case OPT_IDLE:
		return PS_ON_CPU;
	case OPT_MIN_BLOCK:
	case OPT_MAX_BLOCK:
	case OPT_STATE:
		return PS_OFF_CPU;
	case OPT_TITLE:
		return PS_SVG;
	}
	return 0;
}

static int validate(const struct profile_args *a, const struct cli_common *c)
{
	uint32_t scope =
		(a->cfg.off_cpu ? PS_OFF_CPU : PS_ON_CPU) | (a->format == PF_SVG ? PS_SVG : 0);
	char target[64];

	snprintf(target, sizeof(target), "'vigil profile%s --format %s'",
		 a->cfg.off_cpu ? " --off-cpu" : "", prof_format_names[a->format]);
	if (cli_check_scope(&profile_cmd, c, scope, profile_opt_scope, profile_scope_names, target))
		return -EINVAL;
	/* User-frame naming has nothing to name without user stacks. */
	if (!a->cfg.user_stacks &&
	    (cli_refuse_with(&profile_cmd, c, OPT_NO_DEMANGLE, "--kernel-stacks-only") ||
	     cli_refuse_with(&profile_cmd, c, OPT_DEBUG_DIR, "--kernel-stacks-only")))
		return -EINVAL;
	if (!a->cfg.kernel_stacks && !a->cfg.user_stacks) {
		cli_error(&profile_cmd, "--user-stacks-only and --kernel-stacks-only exclude "
					"each other");
		return -EINVAL;
	}
	if (!a->cfg.user_stacks && a->unwind_flag) {
		cli_error(&profile_cmd,
			  "%s applies to user stacks, which --kernel-stacks-only "
			  "leaves out",
			  a->unwind_flag);
		return -EINVAL;
	}
	if (a->cfg.min_block_ns > a->cfg.max_block_ns) {
		cli_error(&profile_cmd, "--min-block is larger than --max-block");
		return -EINVAL;
	}
	return 0;
}

/* Only a regular file that vigil opened may be removed: never /dev/null or a pipe. */
static bool output_is_regular(const char *path)
{
	struct stat st;

	return path && strcmp(path, "-") && !stat(path, &st) && S_ISREG(st.st_mode);
}

/* The task filters as the user gave them, for the flame graph's title ("" for none). */
static void describe_filter(const struct trace_cfg *t, char *buf, size_t len)
{
	if (t->comm[0])
		snprintf(buf, len, "--comm %s", t->comm);
	else if (t->tid)
		snprintf(buf, len, "--tid %u", t->tid);
	else if (t->tgid)
		snprintf(buf, len, "--pid %u", t->tgid);
	else if (t->cgroup_id)
		snprintf(buf, len, "--cgroup %llu", (unsigned long long)t->cgroup_id);
	else
		buf[0] = '\0';
}

/*
 * An SVG or a gzip'd protobuf on a terminal is noise at best: refuse before profiling, and
 * say where it should go. 0, or -EINVAL after the message.
 */
static int check_binary_output(const struct profile_args *a, const struct cli_common *c)
{
	bool to_stdout = !c->output || !strcmp(c->output, "-");

	if ((a->format != PF_SVG && a->format != PF_PPROF) || !to_stdout || !isatty(STDOUT_FILENO))
		return 0;
	cli_error(&profile_cmd,
		  "--format %s is not written to a terminal: give --output FILE (e.g. -o %s) or "
		  "redirect stdout",
		  prof_format_names[a->format],
		  a->format == PF_SVG ? "profile.svg" : "profile.pb.gz");
	return -EINVAL;
}

/* Why nothing was sampled, in the terms of the filters the user gave. */
static void report_empty(const struct profile_args *a, const struct prof_result *r)
{
	const struct trace_cfg *t = &a->cfg.trace;
	char what[64] = "any task";

	if (t->comm[0])
		snprintf(what, sizeof(what), "a task named '%s' (--comm)", t->comm);
	else if (t->tid)
		snprintf(what, sizeof(what), "thread %u (--tid)", t->tid);
	else if (t->tgid)
		snprintf(what, sizeof(what), "process %u (--pid)", t->tgid);
	else if (t->cgroup_id)
		snprintf(what, sizeof(what), "a task of the --cgroup");
	pr_err("profile: no samples: %s never %s in %.1fs; nothing written", what,
	       r->off_cpu ? "blocked off-CPU" : "ran on a CPU", (double)r->duration_ns / 1e9);
}

int cmd_profile(int argc, char **argv)
{
	struct profile_args a = { .format = PF_FOLDED };
	struct cli_common common = { 0 };
	struct status_line status;
	struct prof_result res;
	struct profiler *p;
	struct sink *out;
	bool help;
	int first, err;

	profile_cfg__init(&a.cfg);
	first = cli_parse(&profile_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc) {
		cli_error(&profile_cmd, "unexpected argument '%s'", argv[first]);
		return EXIT_USAGE;
	}
	if (validate(&a, &common) || check_binary_output(&a, &common))
		return EXIT_USAGE;
	log_set_level(common.verbose);
	if (trace_cfg__check_targets(&a.cfg.trace, "profile"))
		return 1;
	out = sink__open(common.output);
	if (!out) {
		pr_err("profile: %s: %s", common.output, strerror(errno));
		return 1;
	}
	stop_install_handlers();
	err = profiler__new(&a.cfg, &p);
	if (err)
		goto err_close;
	notify__ready();
	if (common.output && strcmp(common.output, "-"))
		profiler__show_status(p, &status); /* silent until the end otherwise */
	err = profiler__run(p, common.duration_ns);
	if (!err)
		err = profiler__collect(p, &res);
	profiler__free(p);
	if (err)
		goto err_close;
	if (!res.total_count && !res.task_matched && trace_cfg__has_task_filter(&a.cfg.trace)) {
		/* An empty flame graph would look like a success: say what matched nothing. */
		report_empty(&a, &res);
		prof_result__fini(&res);
		err = -ENODATA;
		goto err_close;
	}
	if (!res.total_count)
		fprintf(stderr, "vigil profile: no samples: %s\n",
			!res.task_matched ? "no task ran on a CPU (the CPUs were idle)"
			: res.off_cpu	  ? "tasks matched, but none blocked within "
					    "--min-block/--max-block and --state"
					  : "tasks matched, but none was sampled");
	describe_filter(&a.cfg.trace, res.filter, sizeof(res.filter));
	if (a.format == PF_FOLDED)
		prof_write_folded(out, &res);
	else if (a.format == PF_JSON)
		prof_write_json(out, &res);
	else if (a.format == PF_PPROF)
		err = prof_write_pprof(out, &res);
	else
		err = write_svg(out, &res, a.title);
	prof_report(&res);
	prof_result__fini(&res);
err_close:
	if (sink__finish(out) && !err) {
		err = sink__error(out);
		if (sink__lost(out))
			pr_err("profile: writing %s: %s; %llu stacks lost, "
			       "the file ends at the last whole one",
			       common.output ? common.output : "stdout", strerror(-err),
			       (unsigned long long)sink__lost(out));
		else
			pr_err("profile: writing %s failed: %s",
			       common.output ? common.output : "stdout", strerror(-err));
	}
	if (err == -ENODATA && output_is_regular(common.output))
		unlink(common.output); /* it was only opened early to fail early */
	sink__close(out);
	return err ? 1 : 0;
}
