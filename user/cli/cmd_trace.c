// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_trace.c: `vigil trace [SUBSYSTEM]...`: stream records from the named subsystems (all
 * when none is named) until the duration ends or a signal arrives, then close the output
 * whole and print a one-line account of what was seen and what was lost.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"
#include "export/output.h"
#include "core/session.h"
#include "core/stop.h"
#include "cli/trace_opts.h"
#include "core/backend.h"
#include "net/net_rname.h"
#include "core/cgroup_rows.h"

enum { OPT_EVENTS = CLI_COMMON_MAX, OPT_WITH_CGROUP };

struct trace_args {
	struct trace_cfg cfg;
	uint64_t events; /* kinds asked for with --events; 0: all */
	bool resolve;	 /* --resolve: tcp records' rname */
	uint64_t resolve_timeout_ns;
};

/* What trace adds to each record before it is exported: --resolve's names, --with-cgroup's. */
struct trace_decor {
	struct net_rname rn;
	struct cgroup_rows *cg;
};

static const struct cli_opt trace_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	CLI_OPT_DURATION,
	TRACE_OPTS_FILTERS,
	TRACE_OPTS_TCP,
	ADDR_OPTS_RESOLVE,
	TRACE_OPTS_BLKIO,
	TRACE_OPTS_DNS,
	{ "events", 'e', "KINDS", OPT_EVENTS, "a comma list of record kinds, e.g. runq,exec",
	  "stream only these record kinds" },
	{ "with-cgroup", 0, NULL, OPT_WITH_CGROUP, NULL,
	  "records name their task's cgroup, container and systemd unit" },
	TRACE_OPTS_RINGBUF,
	TRACE_OPTS_BACKEND,
	CLI_OPT_END,
};

static int parse_kinds(const char *arg, uint64_t *mask)
{
	char buf[256], *save = NULL;

	if (strlen(arg) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, arg);
	*mask = 0;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t m = vkind__mask_by_name(tok);

		if (!m || (m & (1ULL << VK_DROPS)))
			return -EINVAL;
		*mask |= m;
	}
	return *mask ? 0 : -EINVAL;
}

static int trace_set(void *ctx, int id, const char *arg)
{
	struct trace_args *a = ctx;

	if (id == OPT_EVENTS)
		return parse_kinds(arg, &a->events);
	if (id == OPT_WITH_CGROUP) {
		a->cfg.rec_cgroup = 1;
		return 0;
	}
	if (id == TO_RESOLVE) {
		a->resolve = true;
		return 0;
	}
	if (id == TO_RESOLVE_TIMEOUT)
		return addr_opts__resolve_timeout(arg, &a->resolve_timeout_ns);
	return trace_cfg__set_opt(&a->cfg, id, arg);
}

static void trace_decorate(void *ctx, struct vrow *row)
{
	struct trace_decor *d = ctx;

	if (d->rn.r)
		net_rname__decorate(&d->rn, row);
	if (d->cg)
		cgroup_rows__decorate(d->cg, row);
}

/*
 * --resolve: names from a resolver; --with-cgroup: cgroup names. Both are set on each record
 * by the consumer's decorator, never waiting.
 */
static int trace_decor_start(struct session *s, struct trace_decor *d, const struct trace_args *a)
{
	if (a->resolve && !(d->rn.r = resolver__new(a->resolve_timeout_ns, 0))) {
		pr_err("trace: --resolve: cannot start the resolver: %s", strerror(errno));
		return -errno;
	}
	if (a->cfg.rec_cgroup && !(d->cg = cgroup_rows__new())) {
		pr_err("trace: --with-cgroup: %s", strerror(errno));
		return -errno;
	}
	if (d->rn.r || d->cg) {
		s->consumer.decorate = trace_decorate;
		s->consumer.decorate_ctx = d;
	}
	return 0;
}

/* Say what --resolve and --with-cgroup did (nothing silent), then free them. */
static void trace_decor_stop(struct trace_decor *d)
{
	struct resolver_stats st;
	uint64_t named, unnamed;

	if (d->rn.r) {
		resolver__stats(d->rn.r, &st);
		fprintf(stderr,
			"vigil trace: --resolve: %llu lookups, %llu named, %llu without a name, "
			"%llu timed out, %llu not started (queue full)\n",
			(unsigned long long)st.queued, (unsigned long long)st.named,
			(unsigned long long)st.unnamed, (unsigned long long)st.timeouts,
			(unsigned long long)st.dropped);
		resolver__free(d->rn.r);
	}
	if (d->cg) {
		cgroup_rows__stats(d->cg, &named, &unnamed);
		fprintf(stderr,
			"vigil trace: --with-cgroup: %llu records named, %llu of a cgroup or "
			"process gone before it could be named\n",
			(unsigned long long)named, (unsigned long long)unnamed);
		cgroup_rows__free(d->cg);
	}
}

static const struct cli_cmd trace_cmd = {
	.name = "trace",
	.usage = "vigil trace [sched|tcp|blkio|dns]... [options]",
	.summary = "Stream records from the named subsystems (all but dns when none is named).",
	.details = "Record kinds: runq, oncpu, exec, exit, fork (sched); tcp_connect, tcp_accept,\n"
		   "tcp_state, tcp_close, tcp_retransmit, tcp_reset (tcp); bio (blkio); dns (dns:\n"
		   "one per DNS transaction, docs/dns.md); sample\n"
		   "(fallback polls, each labelled with its source); drops (any).\n"
		   "Columns are documented in the README. Ctrl-C or SIGTERM ends the trace\n"
		   "cleanly: the output file (and its gzip stream) is always complete.",
	.examples = "vigil trace sched -d 5s\n"
		    "vigil trace tcp -p 1234 -f json\n"
		    "vigil trace blkio -o io.ndjson.gz",
	.opts = trace_opts,
	.set = trace_set,
};

/* The subsystems named in argv[first..argc), or all of them. */
static int pick_tracers(int argc, char **argv, int first, const struct tracer_ops **out)
{
	int n = 0;

	if (first >= argc) {
		for (int i = 0; tracer_registry[i]; i++)
			if (!tracer_registry[i]->on_request) /* dns: only when named */
				out[n++] = tracer_registry[i];
		return n;
	}
	for (int i = first; i < argc; i++) {
		const struct tracer_ops *ops = tracer_ops__by_name(argv[i]);

		if (!ops) {
			cli_error(&trace_cmd, "unknown subsystem '%s' (accepts %s)", argv[i],
				  tracer_names());
			return -EINVAL;
		}
		out[n++] = ops;
	}
	return n;
}

/*
 * Refuse an --events kind that none of the named subsystems produces (`trace tcp -e runq`
 * would otherwise stream nothing, silently). drops are any subsystem's.
 */
static int check_kinds(const struct tracer_ops *const *ops, int n, uint64_t events)
{
	uint64_t can = 1ULL << VK_DROPS;
	char named[64] = "";

	for (int i = 0; i < n; i++) {
		const struct poller_ops *p = poller_ops__by_subsystem(ops[i]->name);

		can |= ops[i]->kinds | (p ? p->kinds : 0);
		snprintf(named + strlen(named), sizeof(named) - strlen(named), "%s%s",
			 i ? ", " : "", ops[i]->name);
	}
	for (unsigned int k = 0; k < VK_MAX; k++) {
		const struct vkind_desc *d = vkind__desc(k);

		/* A name shared by several kinds (sample) needs one of them here. */
		if (!(events & ~can & (1ULL << k)) || !d || (vkind__mask_by_name(d->name) & can))
			continue;
		cli_error(&trace_cmd, "--events: '%s' is not a record kind of %s (it is %s's)",
			  d->name, named, d->subsystem ? d->subsystem : "another subsystem");
		return -EINVAL;
	}
	return 0;
}

/*
 * An --events kind that the sources chosen here cannot produce (runq when sched runs on its
 * procfs fallback) would stream nothing: say so. can: the kinds the plan streams.
 */
static int check_sources(uint64_t events, uint64_t can)
{
	for (unsigned int k = 0; k < VK_MAX; k++) {
		const struct vkind_desc *d = vkind__desc(k);

		if (!(events & (1ULL << k)) || !d || (vkind__mask_by_name(d->name) & can))
			continue;
		pr_err("trace: '%s' records need %s on BPF, which is not used here ('vigil doctor' "
		       "says why), and its fallback cannot produce them",
		       d->name, d->subsystem ? d->subsystem : "its subsystem");
		return -ENOTSUP;
	}
	return 0;
}

/* Refuse a subsystem's option (--port, --disk) when that subsystem is not traced. */
static int check_scope(const struct tracer_ops *const *ops, int n, const struct cli_common *c)
{
	char target[64] = "'vigil trace";
	uint32_t scope = 0;

	for (int i = 0; i < n; i++) {
		scope |= trace_scope_of(ops[i]->name);
		snprintf(target + strlen(target), sizeof(target) - strlen(target), " %s",
			 ops[i]->name);
	}
	snprintf(target + strlen(target), sizeof(target) - strlen(target), "'");
	return cli_check_scope(&trace_cmd, c, scope, trace_opt_scope, trace_scope_names, target);
}

int cmd_trace(int argc, char **argv)
{
	struct trace_args a = { 0 };
	const struct tracer_ops *ops[SESSION_MAX_TRACERS];
	struct cli_common common = { 0 };
	struct output out;
	struct status_line status;
	struct trace_decor decor = { 0 };
	struct session s;
	bool help;
	int first, n, err;

	trace_cfg__init(&a.cfg);
	first = cli_parse(&trace_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	log_set_level(common.verbose);
	n = pick_tracers(argc, argv, first, ops);
	if (n < 0)
		return EXIT_USAGE;
	if (trace_cfg__check_targets(&a.cfg, "trace"))
		return 1;
	a.cfg.skip_unfiltered = first >= argc; /* no subsystem named: all that can filter */
	if (a.events && check_kinds(ops, n, a.events))
		return EXIT_USAGE;
	if (check_scope(ops, n, &common) ||
	    trace_opts__check_backend(&trace_cmd, &common, &a.cfg) ||
	    trace_opts__check_addrs(&trace_cmd, &a.cfg))
		return EXIT_USAGE;
	a.cfg.stream_kinds = session_plan_kinds(ops, n, &a.cfg);
	if (a.events && check_sources(a.events, a.cfg.stream_kinds))
		return 1;
	if (a.events)
		a.cfg.stream_kinds &= a.events;

	if (output__open(&out, &trace_cmd, &common, FMT_NDJSON, a.cfg.stream_kinds))
		return 1;
	stop_install_handlers();
	err = session__start(&s, ops, n, &a.cfg, out.ex, NULL, NULL);
	if (err) {
		output__close(&out);
		return 1;
	}
	if (trace_decor_start(&s, &decor, &a)) {
		trace_decor_stop(&decor);
		session__stop(&s);
		output__close(&out);
		return 1;
	}
	if (common.output && strcmp(common.output, "-")) {
		/* nothing reaches the terminal until the end: show that it is alive */
		status_line__init(&status, "trace", "records", session__records, &s, mono_now_ns());
		s.status = &status;
	}
	err = session__run(&s, common.duration_ns, 0, NULL, NULL);
	output__report(&out, &s);
	session__stop(&s);
	trace_decor_stop(&decor);
	return output__close(&out) || err ? 1 : 0;
}
