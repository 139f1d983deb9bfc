// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_hist.c: `vigil hist NAME`: a log2 histogram aggregated in the kernel, printed like
 * runqlat every --interval (or once, at the end), globally or per pid, tid or cgroup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/hist.h"
#include "export/hist_print.h"
#include "core/log.h"
#include "export/output.h"
#include "cli/parse.h"
#include "core/session.h"
#include "core/stop.h"
#include "cli/trace_opts.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

enum { OPT_INTERVAL = CLI_COMMON_MAX, OPT_COUNT, OPT_PER, OPT_UNIT };

static const char *const unit_names[] = { "us", "ms", NULL };

struct hist_args {
	struct trace_cfg cfg;
	uint64_t interval_ns;
	uint64_t count;
};

struct hist_run {
	const struct hist_args *a;
	const struct hist_desc *desc;
	struct output *out;
	struct hist_reader reader;
	struct hist_entry *entries;
	struct wallclock clock;
	uint64_t printed;	    /* intervals */
	uint64_t objects;	    /* JSON objects written, for separators */
	int total_fd;		    /* the global histogram, for the status line */
	struct cgroup_ids *cgroups; /* --per cgroup: keys shown as paths */
};

/*
 * Events counted so far, from the global histogram (a status_count_fn, once a second). The
 * map is a per-CPU array: a lookup fills one value per possible CPU, summed here.
 */
static uint64_t hist_run__count(void *ctx)
{
	struct hist_run *r = ctx;
	int ncpus = libbpf_num_possible_cpus();
	struct vg_hist *v;
	uint64_t n = 0;
	__u32 key = 0;

	if (r->total_fd < 0 || ncpus <= 0)
		return 0;
	v = calloc((size_t)ncpus, sizeof(*v));
	if (v && !bpf_map_lookup_elem(r->total_fd, &key, v)) {
		for (int i = 0; i < ncpus; i++)
			n += vg_hist__total(&v[i]);
	}
	free(v);
	return n;
}

static const struct cli_opt hist_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	CLI_OPT_DURATION,
	{ "interval", 'i', "TIME", OPT_INTERVAL, "a duration such as 1s or 500ms",
	  "print (and reset) the histogram every TIME" },
	{ "count", 'n', "N", OPT_COUNT, "a whole number from 1", "stop after N intervals" },
	{ "per", 'P', "KEY", OPT_PER,
	  "pid, tid or cgroup; raddr, rport or pid for tcp-*; disk, op, disk-op or pid for "
	  "blkio; qtype, server or pid for dns",
	  "one histogram per key (runq, oncpu: pid, tid, cgroup; tcp-*: raddr,\n"
	  "                             rport, pid; blkio: disk, op, disk-op, pid;\n"
	  "                             dns: qtype, server, pid)" },
	{ "unit", 'u', "UNIT", OPT_UNIT, "us or ms", "bucket unit (default us)" },
	TRACE_OPTS_FILTERS,
	TRACE_OPT_BACKEND, /* not --poll-interval: no fallback has histograms */
	TRACE_OPTS_TCP,
	TRACE_OPTS_BLKIO,
	TRACE_OPTS_DNS,
	CLI_OPT_END,
};

static int hist_set(void *ctx, int id, const char *arg)
{
	struct hist_args *a = ctx;
	int v;

	switch (id) {
	case OPT_INTERVAL:
		if (parse_duration(arg, NSEC_PER_SEC, &a->interval_ns) || !a->interval_ns)
			return -EINVAL;
		return 0;
	case OPT_COUNT:
		return parse_u64(arg, 1, UINT32_MAX, &a->count);
	case OPT_PER:
		v = parse_choice(arg, hist_per_names);
		if (v <= 0)
			return -EINVAL;
		a->cfg.hist_per = (uint32_t)v;
		return 0;
	case OPT_UNIT:
		v = parse_choice(arg, unit_names);
		if (v < 0)
			return v;
		a->cfg.hist_unit_ns = v ? NSEC_PER_MSEC : NSEC_PER_USEC;
		return 0;
	}
	return trace_cfg__set_opt(&a->cfg, id, arg);
}

static const struct cli_cmd hist_cmd = {
	.name = "hist",
	.usage = "vigil hist runq|oncpu|tcp-connect|tcp-rtt|blkio|dns [options]",
	.summary = "Print a log2 histogram aggregated in the kernel: runq (wakeup to on-CPU\n"
		   "latency), oncpu (time slice lengths), tcp-connect (SYN_SENT to ESTABLISHED),\n"
		   "tcp-rtt (smoothed RTT, sampled per received segment) or blkio (block I/O,\n"
		   "issue to completion; --queued: from insert) or dns (query to response).",
	.details = "Without --interval the histogram is printed once, when the duration ends\n"
		   "or on Ctrl-C. JSON output gives each bucket's bounds (lo, hi) and count.",
	.examples = "vigil hist runq -d 10s\n"
		    "vigil hist blkio --per disk -i 5s\n"
		    "vigil hist tcp-rtt -f json -d 30s",
	.opts = hist_opts,
	.set = hist_set,
};

static void hist_run__print(struct hist_run *r, uint64_t now, const struct hist_entry *e)
{
	struct hist_print p = {
		.desc = r->desc,
		.unit = r->a->cfg.hist_unit_ns == NSEC_PER_MSEC ? "msecs" : "usecs",
		.per = r->a->cfg.hist_per,
		.ts_ns = now,
		.clock = &r->clock,
		.cgroups = r->cgroups,
	};

	if (r->out->fmt == FMT_JSON)
		sink__puts(r->out->sink, r->objects ? ",\n" : "\n");
	hist_print(r->out->sink, r->out->fmt, &p, e);
	r->objects++;
}

/* Drain the map and print one interval. Returns 1 once --count intervals are printed. */
static int hist_run__tick(void *ctx, uint64_t now)
{
	struct hist_run *r = ctx;
	int n = hist_reader__drain(&r->reader, r->entries);

	if (n < 0) {
		pr_err("hist %s: reading map: %s", r->desc->name, strerror(-n));
		return n;
	}
	if (r->out->fmt == FMT_TABLE && r->a->interval_ns) {
		char when[WALLCLOCK_LEN];

		wallclock__format(&r->clock, now, when);
		sink__printf(r->out->sink, "\n%.8s\n", when + 11);
	}
	for (int i = 0; i < n; i++)
		hist_run__print(r, now, &r->entries[i]);
	sink__flush(r->out->sink);
	r->printed++;
	return r->a->count && r->printed >= r->a->count ? 1 : 0;
}

static void hist_run__begin(struct hist_run *r)
{
	if (r->out->fmt == FMT_JSON)
		sink__putc(r->out->sink, '[');
	if (r->out->fmt == FMT_CSV)
		sink__puts(r->out->sink, "time,ts_ns,hist,unit,per,key,comm,lo,hi,count\r\n");
	if (r->out->fmt == FMT_TABLE)
		fprintf(stderr, "Tracing %s... Hit Ctrl-C to end.\n", r->desc->what);
}

static int hist_run__start(struct hist_run *r, struct session *s)
{
	bool global = r->a->cfg.hist_per == VG_PER_GLOBAL;
	int fd = tracer__map_fd(s->tracers[0], global ? r->desc->total_map : r->desc->map);
	int err;

	if (fd < 0)
		return fd;
	err = hist_reader__init(&r->reader, fd);
	if (err)
		return err;
	r->entries = calloc(r->reader.max_entries, sizeof(*r->entries));
	if (!r->entries)
		return -ENOMEM;
	if (r->a->cfg.hist_per == VG_PER_CGROUP && !(r->cgroups = cgroup_ids__new()))
		return -ENOMEM;
	return 0;
}

int cmd_hist(int argc, char **argv)
{
	struct hist_args a = { 0 };
	struct cli_common common = { 0 };
	struct hist_run r = { .a = &a };
	const struct tracer_ops *ops;
	struct output out;
	struct status_line status;
	struct session s;
	int first, id, err;
	char target[48];
	bool help;

	trace_cfg__init(&a.cfg);
	first = cli_parse(&hist_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	log_set_level(common.verbose);
	if (argc - first != 1) {
		cli_error(&hist_cmd,
			  "name one histogram (accepts runq, oncpu, tcp-connect, tcp-rtt, blkio, "
			  "dns)");
		return EXIT_USAGE;
	}
	id = hist_by_name(argv[first]);
	if (id < 0) {
		cli_error(&hist_cmd,
			  "unknown histogram '%s' (accepts runq, oncpu, tcp-connect, tcp-rtt, "
			  "blkio, dns)",
			  argv[first]);
		return EXIT_USAGE;
	}
	if (!hist_per_is_allowed(id, a.cfg.hist_per)) {
		char accepts[64];

		cli_error(&hist_cmd, "--per: invalid value '%s' for %s (accepts %s)",
			  hist_per_names[a.cfg.hist_per], argv[first],
			  hist_per_accepts(id, accepts, sizeof(accepts)));
		return EXIT_USAGE;
	}
	if (trace_opts__check_addrs(&hist_cmd, &a.cfg))
		return EXIT_USAGE;
	if (trace_cfg__check_targets(&a.cfg, "hist"))
		return 1;
	r.desc = &hist_descs[id];
	snprintf(target, sizeof(target), "'vigil hist %s'", r.desc->name);
	if (cli_check_scope(&hist_cmd, &common, trace_scope_of(r.desc->subsystem), trace_opt_scope,
			    trace_scope_names, target))
		return EXIT_USAGE;
	ops = tracer_ops__by_name(r.desc->subsystem);
	a.cfg.hists = 1U << id;
	wallclock__init(&r.clock);

	if (output__open(&out, &hist_cmd, &common, FMT_NDJSON, 0))
		return 1;
	r.out = &out;
	stop_install_handlers();
	err = session__start(&s, &ops, 1, &a.cfg, NULL, NULL, NULL);
	if (err)
		goto out_close;
	if (!s.ntracers) {
		pr_err("hist %s: histograms are aggregated by BPF, and %s's fallback (%s) only has "
		       "totals: use 'vigil trace %s --backend fallback'",
		       r.desc->name, r.desc->subsystem, ops->fallback, r.desc->subsystem);
		err = -ENOTSUP;
		goto out_stop;
	}
	err = hist_run__start(&r, &s);
	if (err) {
		pr_err("hist %s: %s", r.desc->name, strerror(-err));
		goto out_stop;
	}
	hist_run__begin(&r);
	if (!a.interval_ns) {
		/* one histogram at the end: until then, a status line says it is alive */
		r.total_fd = tracer__map_fd(s.tracers[0], r.desc->total_map);
		status_line__init(&status, "hist", "events", hist_run__count, &r, mono_now_ns());
		s.status = &status;
	}
	err = session__run(&s, common.duration_ns, a.interval_ns, hist_run__tick, &r);
	if (!err && !a.interval_ns)
		err = hist_run__tick(&r, mono_now_ns()) < 0;
	if (out.fmt == FMT_JSON)
		sink__puts(out.sink, "\n]\n");
	output__report(&out, &s);
out_stop:
	session__stop(&s);
	hist_reader__fini(&r.reader);
	free(r.entries);
	cgroup_ids__free(r.cgroups);
out_close:
	return output__close(&out) || err ? 1 : 0;
}
