// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_run.c: `vigil` with no command, the main job: trace everything this machine lets vigil
 * see for a few seconds, show process starts as they happen, and end with a summary: where
 * each subsystem's data came from, what was seen and lost, the run-queue latency and time
 * slice histograms, and the processes that waited longest for a CPU.
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
#include "export/json.h"
#include "core/log.h"
#include "export/output.h"
#include "cli/parse.h"
#include "core/probe.h"
#include "core/poll_summary.h"
#include "blkio/blkio_summary.h"
#include "tcp/tcp_summary.h"
#include "core/session.h"
#include "core/stop.h"
#include "cli/trace_opts.h"
#include "export/escape.h"

#define RUN_DEFAULT_DURATION (5 * NSEC_PER_SEC)
#define RUN_TOP		     10

static const struct cli_opt run_opts[] = {
	CLI_OPT_FORMAT,	    CLI_OPT_OUTPUT, CLI_OPT_DURATION, TRACE_OPTS_FILTERS,
	TRACE_OPTS_BACKEND, TRACE_OPTS_TCP, TRACE_OPTS_BLKIO, CLI_OPT_END,
};

static int run_set(void *ctx, int id, const char *arg)
{
	return trace_cfg__set_opt(ctx, id, arg);
}

static const struct cli_cmd run_cmd = {
	.name = "",
	.usage = "vigil [COMMAND] [options]",
	.summary =
		"Without a command: trace everything for a few seconds (--duration, default\n"
		"5s) and end with a summary. Commands:\n"
		"  doctor    what this machine allows; the source each subsystem uses\n"
		"  trace     stream records: vigil trace [sched|tcp|blkio|dns]...\n"
		"  hist      in-kernel histograms: runq, oncpu, tcp-connect, tcp-rtt, blkio, dns\n"
		"  top       live view per process: CPU, run queue, disk, TCP (--once)\n"
		"  serve     Prometheus metrics on 127.0.0.1:9464\n"
		"  biotop    block I/O per process, every interval\n"
		"  iostat    disk statistics as iostat (-x) reports them\n"
		"  iotop     disk read and write rates per process, as iotop -b\n"
		"  profile   on-CPU stacks or off-CPU time, folded, JSON or flame graph\n"
		"  snapshot  the whole system at once, psutil's keys\n"
		"  ps        processes (--columns, --sort, --filter, --limit)\n"
		"  proc      everything about a process: psutil's as_dict(), parent, children\n"
		"  pidof     pids by name\n"
		"  net       connections, io, addrs, stats\n"
		"  sys       cpu, memory, swap, disks, disk-io, net, sensors, users, boot; sysctl\n"
		"  kill      signal a process or a tree, wait, say which are gone\n"
		"  lsof      open files and sockets per process (-p, -u, -c, -i [ADDR], PATH)\n"
		"  pmap      a process' memory maps, as pmap and pmap -x\n"
		"  taskset   show or set a process' CPU affinity (as taskset -p)\n"
		"  renice    set processes' nice value (as renice)\n"
		"  ionice    show or set processes' I/O class and level (as ionice -p)\n"
		"  prlimit   show or set a process' resource limits (as prlimit -p)\n"
		"  free      memory and swap (as free)\n"
		"  df        file system use (as df)\n"
		"  uptime    time up, users, load (as uptime)\n"
		"  who       users logged in (as who)\n"
		"  probe     active checks: http, tcp, dns (timings, kernel view), traceroute\n"
		"  rules     check alerting-rules files (serve --rules), as promtool\n"
		"  alerts    the alerts of a running serve --rules\n"
		"  fleet     a command on many hosts over SSH, rows tagged by host\n"
		"  ip        address calculator, as IPy: networks, types, reverse zones\n"
		"  diff      what changed: files (-U, html), trees (--files), a baseline\n"
		"  baseline  save a tree's hashes, modes and owners for 'diff --baseline'\n"
		"  report    a host report (summary, histograms, disks), printed or mailed\n"
		"Run 'vigil COMMAND --help' for a command's options.",
	.examples = "vigil\n"
		    "vigil -d 30s -o run.ndjson\n"
		    "vigil top",
	.opts = run_opts,
	.set = run_set,
};

struct per_proc {
	uint64_t pid;
	struct vg_hist runq;
	struct vg_hist oncpu;
};

struct run_summary {
	uint64_t elapsed_ns;
	struct vg_hist runq;  /* all tasks */
	struct vg_hist oncpu; /* all tasks */
	struct per_proc *procs;
	int nprocs;
	struct probe_result unavailable[16];
	const struct tracer_ops *unavailable_ops[16];
	int nunavailable;
	struct run_fallback fb; /* what the fallback pollers saw */
	struct run_tcp tcp;
	struct run_blkio blkio;
};

static void run_observe(void *ctx, const struct vrow *row)
{
	struct run_summary *sum = ctx;

	run_tcp__observe(&sum->tcp, row);
	run_fallback__observe(&sum->fb, row);
}

static struct per_proc *summary__proc(struct run_summary *sum, uint64_t pid, int cap)
{
	for (int i = 0; i < sum->nprocs; i++) {
		if (sum->procs[i].pid == pid)
			return &sum->procs[i];
	}
	if (sum->nprocs == cap)
		return NULL;
	sum->procs[sum->nprocs].pid = pid;
	return &sum->procs[sum->nprocs++];
}

/* Drain one per-pid histogram map into the totals and the per-process table. */
static int summary__drain(struct run_summary *sum, struct session *s, const struct hist_desc *d,
			  bool runq)
{
	const struct tracer *t = session__tracer(s, d->subsystem);
	struct hist_reader r;
	struct hist_entry *e;
	int n, fd = t ? tracer__map_fd(t, d->map) : -ENOENT;

	if (fd < 0 || hist_reader__init(&r, fd))
		return -ENOENT;
	e = calloc(r.max_entries, sizeof(*e));
	n = e ? hist_reader__drain(&r, e) : -ENOMEM;
	for (int i = 0; i < n; i++) {
		struct per_proc *p = summary__proc(sum, e[i].key, (int)r.max_entries * 2);

		vg_hist__merge(runq ? &sum->runq : &sum->oncpu, &e[i].h);
		if (!p)
			continue;
		vg_hist__merge(runq ? &p->runq : &p->oncpu, &e[i].h);
		memcpy(runq ? p->runq.comm : p->oncpu.comm, e[i].h.comm, VG_COMM_LEN);
	}
	free(e);
	hist_reader__fini(&r);
	return n < 0 ? n : 0;
}

static int cmp_runq_sum(const void *a, const void *b)
{
	const struct per_proc *x = a, *y = b;

	return x->runq.sum < y->runq.sum ? 1 : x->runq.sum > y->runq.sum ? -1 : 0;
}

static const char *proc_comm(const struct per_proc *p)
{
	return p->runq.comm[0] ? p->runq.comm : p->oncpu.comm;
}

static void print_hist_table(struct sink *out, const char *title, const struct vg_hist *h)
{
	uint64_t n = vg_hist__total(h);

	if (!n) { /* no average or percentile of nothing */
		sink__printf(out, "\n%s: no samples\n", title);
		return;
	}
	sink__printf(out, "\n%s: %llu samples, avg %llu us, p50 <= %llu us, p99 <= %llu us\n",
		     title, (unsigned long long)n, (unsigned long long)(h->sum / n),
		     (unsigned long long)vg_hist__quantile(h, 0.5),
		     (unsigned long long)vg_hist__quantile(h, 0.99));
	hist_print_log2(out, h->slots, VG_HIST_SLOTS, "usecs");
}

/*
 * Why sched's source cannot see exec, exit and fork (a poller sees a process only once it
 * exists, and not at all if it lived between two polls), or NULL when BPF streams them.
 */
static const char *proc_events_unavailable(const struct run_summary *sum, const struct session *s)
{
	const char *src = session__source(s, "sched");

	if (src && !strcmp(src, "bpf"))
		return NULL;
	for (int i = 0; i < sum->nunavailable; i++) {
		if (!strcmp(sum->unavailable_ops[i]->name, "sched"))
			return sum->unavailable[i].detail;
	}
	for (int i = 0; i < s->npollers; i++) {
		if (!strcmp(s->pollers[i].ops->subsystem, "sched"))
			return s->pollers[i].why.detail;
	}
	return "sched is not traced";
}

static void summary__print_table(struct sink *out, const struct run_summary *sum,
				 const struct session *s)
{
	const char *why;

	sink__printf(out, "\n=== vigil summary: %.1f s ===\n", (double)sum->elapsed_ns / 1e9);
	for (int i = 0; i < s->ntracers; i++) {
		const struct tracer *t = s->tracers[i];
		uint64_t lost = 0;

		for (int r = 0; r < TRACER_DROP_REASONS; r++)
			lost += s->drops_seen[i][r];
		sink__printf(out, "%-6s source=bpf  drops: %s", t->ops->name, lost ? "" : "none");
		for (int r = 0; lost && r < TRACER_DROP_REASONS; r++) {
			if (s->drops_seen[i][r])
				sink__printf(out, "%s=%llu ", drop_reason_names[r],
					     (unsigned long long)s->drops_seen[i][r]);
		}
		/* not losses: starts before the trace, or never shown by the kernel */
		for (int r = 0, first = 1; r < TRACER_UNMATCHED_REASONS; r++) {
			if (!s->unmatched_seen[i][r])
				continue;
			sink__printf(out, "%s %s=%llu", first ? "; unmatched (not losses):" : "",
				     unmatched_reason_names[r],
				     (unsigned long long)s->unmatched_seen[i][r]);
			first = 0;
		}
		sink__putc(out, '\n');
	}
	for (int i = 0; i < sum->nunavailable; i++)
		sink__printf(out, "%-6s BPF unavailable: %s\n", sum->unavailable_ops[i]->name,
			     sum->unavailable[i].detail);
	why = proc_events_unavailable(sum, s);
	if (why)
		sink__printf(out,
			     "records: exec, exit, fork unavailable: they need sched on BPF, "
			     "and polling %s cannot see them (no BPF: %s)\n",
			     session__source(s, "sched") ? session__source(s, "sched") : "nothing",
			     why);
	else
		sink__printf(out, "records: exec %llu, exit %llu, fork %llu\n",
			     (unsigned long long)s->consumer.records[VG_KIND_EXEC],
			     (unsigned long long)s->consumer.records[VG_KIND_EXIT],
			     (unsigned long long)s->consumer.records[VG_KIND_FORK]);
	run_fallback__print_table(&sum->fb, out, s, RUN_TOP);
	if (!s->ntracers)
		return;
	print_hist_table(out, "run queue latency (wakeup to on-CPU)", &sum->runq);
	print_hist_table(out, "on-CPU time slices", &sum->oncpu);
	sink__printf(out, "\ntop processes by time spent waiting for a CPU:\n");
	sink__printf(out, "%7s %-16s %9s %10s %10s %12s\n", "PID", "COMM", "WAKEUPS", "WAIT_US",
		     "P99_US", "ONCPU_US");
	for (int i = 0; i < sum->nprocs && i < RUN_TOP; i++) {
		const struct per_proc *p = &sum->procs[i];

		char comm[ESC_MAX_PER_BYTE * VG_COMM_LEN + 1];

		esc_str(comm, sizeof(comm), proc_comm(p), VG_COMM_LEN);
		sink__printf(out, "%7llu %-16s %9llu %10llu %10llu %12llu\n",
			     (unsigned long long)p->pid, comm,
			     (unsigned long long)vg_hist__total(&p->runq),
			     (unsigned long long)p->runq.sum,
			     (unsigned long long)vg_hist__quantile(&p->runq, 0.99),
			     (unsigned long long)p->oncpu.sum);
	}
}

static void summary__print_json(struct sink *out, const struct run_summary *sum,
				const struct session *s)
{
	struct jw w;

	jw__init(&w, out, true);
	jw__obj_begin(&w, NULL);
	jw__f64(&w, "duration_s", (double)sum->elapsed_ns / 1e9);
	jw__arr_begin(&w, "subsystems");
	for (int i = 0; i < s->ntracers; i++) {
		jw__obj_begin(&w, NULL);
		jw__str(&w, "name", s->tracers[i]->ops->name);
		jw__str(&w, "source", "bpf");
		jw__obj_begin(&w, "drops");
		for (int r = 0; r < TRACER_DROP_REASONS; r++)
			jw__u64(&w, drop_reason_names[r], s->drops_seen[i][r]);
		jw__obj_end(&w);
		jw__obj_begin(&w, "unmatched");
		for (int r = 0; r < TRACER_UNMATCHED_REASONS; r++)
			jw__u64(&w, unmatched_reason_names[r], s->unmatched_seen[i][r]);
		jw__obj_end(&w);
		jw__obj_end(&w);
	}
	for (int i = 0; i < sum->nunavailable; i++) {
		jw__obj_begin(&w, NULL);
		jw__str(&w, "name", sum->unavailable_ops[i]->name);
		jw__null(&w, "source");
		jw__str(&w, "reason", sum->unavailable[i].detail);
		jw__obj_end(&w);
	}
	for (int i = 0; i < s->npollers; i++) {
		jw__obj_begin(&w, NULL);
		jw__str(&w, "name", s->pollers[i].ops->subsystem);
		jw__str(&w, "source", s->pollers[i].ops->source);
		jw__str(&w, "reason", s->pollers[i].why.detail);
		jw__obj_end(&w);
	}
	jw__arr_end(&w);
	jw__obj_begin(&w, "records");
	for (unsigned int k = 0; k < VK_MAX; k++) {
		uint64_t mask, n = 0;

		if (!vkind__desc(k) || !s->consumer.records[k])
			continue;
		mask = vkind__mask_by_name(vkind__desc(k)->name); /* `sample` is several kinds */
		for (unsigned int j = 0; j < k && n != UINT64_MAX; j++)
			n = (mask & (1ULL << j)) && s->consumer.records[j] ? UINT64_MAX : 0;
		if (n == UINT64_MAX)
			continue; /* counted with the first of its name that has records */
		for (unsigned int j = k; j < VK_MAX; j++)
			n += (mask & (1ULL << j)) ? s->consumer.records[j] : 0;
		jw__u64(&w, vkind__desc(k)->name, n);
	}
	if (proc_events_unavailable(sum, s)) { /* unknown, not zero */
		jw__null(&w, "exec");
		jw__null(&w, "exit");
		jw__null(&w, "fork");
	}
	jw__obj_end(&w);
	if (proc_events_unavailable(sum, s))
		jw__str(&w, "records_unavailable", proc_events_unavailable(sum, s));
	run_fallback__print_json(&sum->fb, &w, s, RUN_TOP);
	hist_json_summary(&w, "runq", &sum->runq, true);
	hist_json_summary(&w, "oncpu", &sum->oncpu, true);
	jw__arr_begin(&w, "top");
	for (int i = 0; i < sum->nprocs && i < RUN_TOP; i++) {
		const struct per_proc *p = &sum->procs[i];

		jw__obj_begin(&w, NULL);
		jw__u64(&w, "pid", p->pid);
		jw__strn(&w, "comm", proc_comm(p), VG_COMM_LEN);
		jw__u64(&w, "runq_count", vg_hist__total(&p->runq));
		jw__u64(&w, "runq_sum_us", p->runq.sum);
		jw__u64(&w, "runq_p99_us", vg_hist__quantile(&p->runq, 0.99));
		jw__u64(&w, "oncpu_sum_us", p->oncpu.sum);
		jw__obj_end(&w);
	}
	jw__arr_end(&w);
	run_tcp__print_json(&sum->tcp, &w, RUN_TOP);
	run_blkio__print_json(&w, &sum->blkio);
	jw__obj_end(&w);
	sink__putc(out, '\n');
}

/* The subsystems BPF or a fallback can serve here; the others are listed with the reason. */
static int run_pick(struct run_summary *sum, const struct tracer_ops **ops,
		    const struct trace_cfg *cfg)
{
	int n = 0;

	for (int i = 0; tracer_registry[i]; i++) {
		struct backend_choice c;

		if (tracer_registry[i]->on_request)
			continue; /* dns: only when asked for */
		if (!backend_choose(tracer_registry[i], (enum backend_mode)cfg->backend, false,
				    &c)) {
			ops[n++] = tracer_registry[i];
			continue;
		}
		sum->unavailable[sum->nunavailable] = c.why;
		sum->unavailable_ops[sum->nunavailable++] = tracer_registry[i];
	}
	return n;
}

int cmd_run(int argc, char **argv)
{
	const struct tracer_ops *ops[SESSION_MAX_TRACERS];
	struct cli_common common = { .duration_ns = RUN_DEFAULT_DURATION };
	struct run_summary sum = { 0 };
	struct trace_cfg cfg;
	struct output out;
	struct session s;
	uint64_t start;
	int first, n, err;
	bool help;

	trace_cfg__init(&cfg);
	first = cli_parse(&run_cmd, argc, argv, &common, &cfg, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc) {
		cli_error(&run_cmd, "unknown command '%s' (see 'vigil --help')", argv[first]);
		return EXIT_USAGE;
	}
	if (trace_opts__check_backend(&run_cmd, &common, &cfg) ||
	    trace_opts__check_addrs(&run_cmd, &cfg))
		return EXIT_USAGE;
	log_set_level(common.verbose);
	if (trace_cfg__check_targets(&cfg, ""))
		return 1;
	cfg.skip_unfiltered = 1; /* the main job traces what can honour the filters */
	n = run_pick(&sum, ops, &cfg);
	if (!n) {
		for (int i = 0; i < sum.nunavailable; i++)
			cli_error(&run_cmd, "%s: BPF unavailable: %s", sum.unavailable_ops[i]->name,
				  sum.unavailable[i].detail);
		cli_error(&run_cmd, "nothing can be traced here; 'vigil doctor' says why");
		return 1;
	}
	cfg.stream_kinds = (1ULL << VG_KIND_EXEC) | (1ULL << VG_KIND_EXIT) | (1ULL << VG_KIND_FORK);
	cfg.hists = (1U << HIST_RUNQ) | (1U << HIST_ONCPU);
	cfg.hist_per = VG_PER_PID;
	run_tcp__configure(&cfg);
	run_blkio__configure(&cfg);

	if (output__open(&out, &run_cmd, &common, FMT_TABLE, 0))
		return 1;
	if (out.fmt != FMT_TABLE && out.fmt != FMT_JSON) {
		cli_error(&run_cmd, "--format: the summary is table or json");
		output__close(&out);
		return EXIT_USAGE;
	}
	stop_install_handlers();
	err = session__start(&s, ops, n, &cfg, NULL, run_observe, &sum);
	if (err) {
		output__close(&out);
		return 1;
	}
	if (out.fmt == FMT_TABLE)
		fprintf(stderr, "vigil: tracing %s for %.1f s (Ctrl-C ends early)...\n",
			n ? tracer_names() : "nothing", (double)common.duration_ns / 1e9);
	start = mono_now_ns();
	err = session__run(&s, common.duration_ns, 0, NULL, NULL);
	sum.elapsed_ns = mono_now_ns() - start;
	if (s.ntracers) {
		sum.procs = calloc(2 * 10240, sizeof(*sum.procs));
		if (sum.procs) {
			summary__drain(&sum, &s, &hist_descs[HIST_RUNQ], true);
			summary__drain(&sum, &s, &hist_descs[HIST_ONCPU], false);
			qsort(sum.procs, (size_t)sum.nprocs, sizeof(*sum.procs), cmp_runq_sum);
		}
		run_tcp__finish(&sum.tcp, &s);
		run_blkio__collect(&sum.blkio, &s);
	}
	run_fallback__sort(&sum.fb);
	if (out.fmt == FMT_JSON)
		summary__print_json(out.sink, &sum, &s);
	else
		summary__print_table(out.sink, &sum, &s);
	if (out.fmt == FMT_TABLE) {
		run_tcp__print_table(&sum.tcp, out.sink, RUN_TOP);
		run_blkio__print_table(out.sink, &sum.blkio);
	}
	session__stop(&s);
	free(sum.procs);
	run_fallback__fini(&sum.fb);
	return output__close(&out) || err ? 1 : 0;
}
