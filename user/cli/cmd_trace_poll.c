// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_trace_poll.c: `vigil trace` in a build without the tracer module (Windows: no BPF).
 * It polls the fallback library every --interval and streams `sample` records as NDJSON, one
 * per subsystem and round: cpu (cpu_percent and the user, system and idle percentages), mem
 * (virtual memory) and net (byte and packet deltas over the interval), each with the
 * tracer's common keys (time, ts_ns, kind, source, schema, subsystem, interval_ns). It stops
 * after --count rounds, at the end of --duration, or on Ctrl-C.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/parse.h"
#include "core/log.h"
#include "core/record.h"
#include "core/stop.h"
#include "core/wallclock.h"
#include "export/json.h"
#include "export/output.h"
#include "fallback.h"

enum { OPT_INTERVAL = CLI_COMMON_MAX, OPT_COUNT };

struct poll_args {
	uint64_t interval_ns;
	uint64_t count; /* 0: until --duration or a signal */
};

struct net_total {
	uint64_t sent, recv, psent, precv;
	bool ok;
};

static const struct cli_opt poll_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	CLI_OPT_DURATION,
	{ "interval", 'i', "TIME", OPT_INTERVAL, "a duration such as 200ms or 1s",
	  "poll every TIME (default 1s)" },
	{ "count", 'c', "N", OPT_COUNT, "a whole number from 1", "stop after N rounds" },
	CLI_OPT_END,
};

static int poll_set(void *ctx, int id, const char *arg)
{
	struct poll_args *a = ctx;

	switch (id) {
	case OPT_INTERVAL:
		if (parse_duration(arg, NSEC_PER_SEC, &a->interval_ns) || !a->interval_ns)
			return -EINVAL;
		return 0;
	case OPT_COUNT:
		return parse_u64(arg, 1, UINT32_MAX, &a->count);
	default:
		return -EINVAL;
	}
}

static const struct cli_cmd poll_cmd = {
	.name = "trace",
	.usage = "vigil trace [--interval TIME] [--count N] [--duration TIME] [--output FILE]",
	.summary = "Stream `sample` records polled from the fallback library (this build has no\n"
		   "BPF tracer): cpu, mem and net, one of each per --interval, as NDJSON.",
	.examples = "vigil trace -d 5s\n"
		    "vigil trace -i 1s -n 10 -o samples.ndjson",
	.opts = poll_opts,
	.set = poll_set,
};

static struct net_total net_sample(void)
{
	struct net_total t = { 0 };
	struct fb_net_io *v;
	size_t n;

	if (!fb_net_io_counters(false, NULL, &v, &n)) {
		if (n == 1)
			t = (struct net_total){ v[0].bytes_sent, v[0].bytes_recv, v[0].packets_sent,
						v[0].packets_recv, true };
		free(v);
	}
	return t;
}

static void opt_f64(struct jw *w, const char *k, bool valid, double v)
{
	if (valid)
		jw__f64(w, k, v);
	else
		jw__null(w, k);
}

static void opt_u64(struct jw *w, const char *k, bool valid, uint64_t v)
{
	if (valid)
		jw__u64(w, k, v);
	else
		jw__null(w, k);
}

/* Open one record with the tracer's common keys. */
static void record_begin(struct jw *w, struct sink *s, struct wallclock *wc, const char *sub,
			 uint64_t interval_ns)
{
	uint64_t now = mono_now_ns();
	char stamp[WALLCLOCK_LEN];

	wallclock__format(wc, now, stamp);
	jw__init(w, s, false);
	jw__obj_begin(w, NULL);
	jw__str(w, "time", stamp);
	jw__u64(w, "ts_ns", now);
	jw__str(w, "kind", "sample");
	jw__str(w, "source", fb_source_name());
	jw__u64(w, "schema", VREC_SCHEMA);
	jw__str(w, "subsystem", sub);
	jw__u64(w, "interval_ns", interval_ns);
}

static void record_end(struct jw *w, struct sink *s)
{
	jw__obj_end(w);
	sink__putc(s, '\n');
}

/* One round: waits the interval (cpu_percent blocks for it, as psutil's), then prints. */
static void poll_round(struct sink *s, struct wallclock *wc, struct fb_cpu_sampler *cs,
		       uint64_t interval_ns, struct net_total *last)
{
	struct fb_cpu_times tp;
	struct net_total nt;
	struct fb_vmem m;
	struct jw w;
	double pct;

	if (!fb_cpu_percent(cs, (double)interval_ns / 1e9, &pct) &&
	    !fb_cpu_times_percent(cs, 0, &tp)) {
		record_begin(&w, s, wc, "cpu", interval_ns);
		jw__f64(&w, "cpu_percent", pct);
		opt_f64(&w, "user_percent", tp.valid & FB_CPU_USER, tp.user);
		opt_f64(&w, "system_percent", tp.valid & FB_CPU_SYSTEM, tp.system);
		opt_f64(&w, "idle_percent", tp.valid & FB_CPU_IDLE, tp.idle);
		record_end(&w, s);
	}
	if (!fb_virtual_memory(&m)) {
		record_begin(&w, s, wc, "mem", interval_ns);
		opt_u64(&w, "total", m.valid & FB_VMEM_TOTAL, m.total);
		opt_u64(&w, "available", m.valid & FB_VMEM_AVAILABLE, m.available);
		opt_u64(&w, "used", m.valid & FB_VMEM_USED, m.used);
		opt_f64(&w, "percent", m.valid & FB_VMEM_PERCENT, m.percent);
		record_end(&w, s);
	}
	nt = net_sample();
	if (nt.ok && last->ok) {
		record_begin(&w, s, wc, "net", interval_ns);
		jw__u64(&w, "bytes_sent", nt.sent - last->sent);
		jw__u64(&w, "bytes_recv", nt.recv - last->recv);
		jw__u64(&w, "packets_sent", nt.psent - last->psent);
		jw__u64(&w, "packets_recv", nt.precv - last->precv);
		record_end(&w, s);
	}
	*last = nt;
	sink__flush(s);
}

int cmd_trace_poll(int argc, char **argv)
{
	struct poll_args a = { .interval_ns = NSEC_PER_SEC };
	struct cli_common common = { 0 };
	struct fb_cpu_sampler *cs;
	struct net_total last;
	struct wallclock wc;
	struct output out;
	uint64_t end_ns;
	bool help;
	int first;

	first = cli_parse(&poll_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc) {
		cli_error(&poll_cmd, "'%s': this build has no BPF tracer: no subsystem to name",
			  argv[first]);
		return EXIT_USAGE;
	}
	if (common.format_set && common.format != FMT_NDJSON) {
		cli_error(&poll_cmd, "--format: invalid value '%s' (accepts ndjson)",
			  out_format_names[common.format]);
		return EXIT_USAGE;
	}
	common.format = FMT_NDJSON;
	common.format_set = true;
	log_set_level(common.verbose);
	cs = fb_cpu_sampler__new();
	if (!cs) {
		pr_err("trace: cpu sampler: %s", strerror(errno));
		return 1;
	}
	if (output__open(&out, &poll_cmd, &common, FMT_NDJSON, 0)) {
		fb_cpu_sampler__free(cs);
		return 1;
	}
	stop_install_handlers();
	wallclock__init(&wc);
	last = net_sample();
	end_ns = common.duration_ns ? mono_now_ns() + common.duration_ns : UINT64_MAX;
	for (uint64_t i = 0; !a.count || i < a.count; i++) {
		poll_round(out.sink, &wc, cs, a.interval_ns, &last);
		if (stop_is_requested() || sink__error(out.sink) || mono_now_ns() >= end_ns)
			break;
	}
	fb_cpu_sampler__free(cs);
	return output__close(&out) ? 1 : 0;
}
