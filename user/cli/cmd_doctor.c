// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_doctor.c: `vigil doctor`: what this machine allows, and for each subsystem whether
 * BPF can be used here, exactly why not if it cannot, and the fallback that would be used.
 * Then, by record kind and histogram, whether every attach point it needs is in kernel BTF,
 * verifies and really attaches (each is attached and detached at once), or which one fails.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/backend.h"
#include "cli/cli.h"
#include "iter/iter_files.h"
#include "iter/iter_sock.h"
#include "iter/iter_task.h"
#include "iter/iter_vmas.h"
#include "cli/commands.h"
#include "export/json.h"
#include "core/log.h"
#include "export/output.h"
#include "core/probe.h"
#include "core/hist.h"
#include "core/record.h"

static const struct cli_opt doctor_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	CLI_OPT_END,
};

static const struct cli_cmd doctor_cmd = {
	.name = "doctor",
	.usage = "vigil doctor [--format table|json]",
	.summary = "Say what this machine allows and which source each subsystem will use.",
	.examples = "vigil doctor\n"
		    "vigil doctor -f json",
	.opts = doctor_opts,
};

/* The listings the BPF iterators serve where they load, each with what else serves it. */
enum { LISTING_PROCESSES, LISTING_SOCKETS, LISTING_FILES, LISTING_MAPS, LISTING__COUNT };

static const struct listing_kind {
	const char *name, *fallback;
	bool (*probe)(char *why, size_t len);
} listing_kinds[LISTING__COUNT] = {
	[LISTING_PROCESSES] = { "processes", "procfs", iter_task__probe }, /* ps, pidof, lsof */
	[LISTING_SOCKETS] = { "sockets", "sock_diag", iter_sock__probe },  /* net, lsof -i */
	[LISTING_FILES] = { "files", "procfs", iter_files__probe },	   /* lsof's fds */
	[LISTING_MAPS] = { "maps", "procfs", iter_vmas__probe }, /* lsof's mem rows, pmap */
};

struct doctor_listing {
	bool bpf; /* the BPF walk loads and serves the listing */
	char why[256];
};

struct doctor_report {
	struct utsname uts;
	struct probe_result checks[PROBE__COUNT];
	struct probe_result subsys[16];
	struct tracer_hook_check hooks[16][TRACER_MAX_HOOKS];
	int nhooks[16]; /* 0: not checked (the machine checks failed) */
	int nsubsys;
	int bpf_stats; /* kernel.bpf_stats_enabled, -1 if unknown */
	struct doctor_listing listings[LISTING__COUNT];
};

/*
 * The subsystem's verdict, then its hooks'. A required hook that does not attach makes BPF
 * unusable for the whole subsystem (the tracer would fail at start-up); an optional one
 * costs its record kinds only.
 */
static void doctor_collect_subsystem(struct doctor_report *d, int i)
{
	const struct tracer_ops *ops = tracer_registry[i];
	struct probe_result machine;

	backend_probe(ops, true, &d->subsys[i]);
	if (!probe_machine(&machine) || !ops->hooks)
		return;
	d->nhooks[i] = tracer__check_hooks(ops, d->hooks[i]);
	for (int h = 0; h < d->nhooks[i] && d->subsys[i].ok; h++) {
		if (d->hooks[i][h].ok || ops->hooks[h].optional)
			continue;
		d->subsys[i].ok = false;
		snprintf(d->subsys[i].detail, sizeof(d->subsys[i].detail), "%s: %s",
			 d->hooks[i][h].attach, d->hooks[i][h].detail);
	}
}

/*
 * Whether subsystem i can make a record kind (kind >= 0) or a histogram (hist >= 0): NULL
 * if so, else the reason. attach lists the attach points it needs.
 */
static const char *doctor_verdict(const struct doctor_report *d, int i, int kind, int hist,
				  char *attach, size_t len)
{
	const struct tracer_ops *ops = tracer_registry[i];
	const char *why = NULL;
	static char buf[256];

	attach[0] = '\0';
	for (int h = 0; h < d->nhooks[i]; h++) {
		const struct tracer_hook *hook = &ops->hooks[h];
		bool needed = kind >= 0 ? hook->kinds & (1ULL << kind) : hook->hists & (1U << hist);

		if (!needed)
			continue;
		snprintf(attach + strlen(attach), len - strlen(attach), "%s%s",
			 attach[0] ? " " : "", d->hooks[i][h].attach);
		if (!why && !d->hooks[i][h].ok) {
			snprintf(buf, sizeof(buf), "%s: %s", d->hooks[i][h].attach,
				 d->hooks[i][h].detail);
			why = buf;
		}
	}
	if (!d->subsys[i].ok)
		return d->subsys[i].detail; /* nothing of the subsystem comes from BPF */
	return why;
}

static void doctor_print_kinds(struct sink *s, const struct doctor_report *d, int i)
{
	const struct tracer_ops *ops = tracer_registry[i];
	char attach[512], label[48];
	const char *why;

	for (int k = 0; k < VG_KIND_MAX; k++) {
		if (!(ops->kinds & (1ULL << k)))
			continue;
		why = doctor_verdict(d, i, k, -1, attach, sizeof(attach));
		sink__printf(s, "  %-22s %-4s %s\n", vkind__desc((unsigned int)k)->name,
			     why ? "no" : "ok", why ? why : attach);
	}
	for (int h = 0; h < HIST__COUNT; h++) {
		if (!(ops->hists & (1U << h)))
			continue;
		why = doctor_verdict(d, i, -1, h, attach, sizeof(attach));
		snprintf(label, sizeof(label), "hist %s", hist_descs[h].name);
		sink__printf(s, "  %-22s %-4s %s\n", label, why ? "no" : "ok", why ? why : attach);
	}
}

/* One kind's or histogram's verdict: "attach" as an array, "reason" when it is not BPF. */
static void doctor_json_item(struct jw *w, const char *key, const char *name,
			     const struct doctor_report *d, int i, int kind, int hist)
{
	char attach[512], *save = NULL;
	const char *why = doctor_verdict(d, i, kind, hist, attach, sizeof(attach));

	jw__obj_begin(w, NULL);
	jw__str(w, key, name);
	jw__bool(w, "bpf", !why && d->nhooks[i]);
	jw__arr_begin(w, "attach");
	for (char *a = strtok_r(attach, " ", &save); a; a = strtok_r(NULL, " ", &save))
		jw__str(w, NULL, a);
	jw__arr_end(w);
	if (why || !d->nhooks[i])
		jw__str(w, "reason", why ? why : d->subsys[i].detail);
	jw__obj_end(w);
}

static void doctor_json_kinds(struct jw *w, const struct doctor_report *d, int i)
{
	const struct tracer_ops *ops = tracer_registry[i];

	jw__arr_begin(w, "kinds");
	for (int k = 0; k < VG_KIND_MAX; k++) {
		if (ops->kinds & (1ULL << k))
			doctor_json_item(w, "kind", vkind__desc((unsigned int)k)->name, d, i, k,
					 -1);
	}
	jw__arr_end(w);
	jw__arr_begin(w, "hists");
	for (int h = 0; h < HIST__COUNT; h++) {
		if (ops->hists & (1U << h))
			doctor_json_item(w, "hist", hist_descs[h].name, d, i, -1, h);
	}
	jw__arr_end(w);
}

static void doctor_collect(struct doctor_report *d)
{
	uname(&d->uts);
	for (int c = 0; c < PROBE__COUNT; c++)
		probe_run((enum probe_check)c, &d->checks[c]);
	for (d->nsubsys = 0; tracer_registry[d->nsubsys]; d->nsubsys++)
		doctor_collect_subsystem(d, d->nsubsys);
	d->bpf_stats = probe_sysctl_int("kernel.bpf_stats_enabled");
	for (int i = 0; i < LISTING__COUNT; i++) {
		struct doctor_listing *l = &d->listings[i];

		l->bpf = listing_kinds[i].probe(l->why, sizeof(l->why));
	}
}

/* What --backend auto uses for subsystem i: bpf, its poller's source, or none. */
static const char *auto_source(const struct doctor_report *d, int i)
{
	const struct poller_ops *p = poller_ops__by_subsystem(tracer_registry[i]->name);
	struct probe_result r;

	if (p && p->probe && !p->probe(&r))
		p = NULL; /* dns's packet socket without CAP_NET_RAW */
	return d->subsys[i].ok ? "bpf" : p ? p->source : "none";
}

static void doctor_print_table(struct sink *s, const struct doctor_report *d)
{
	sink__printf(s, "vigil %s on Linux %s (%s), %ld CPUs\n\n", VIGIL_VERSION, d->uts.release,
		     d->uts.machine, sysconf(_SC_NPROCESSORS_ONLN));
	for (int c = 0; c < PROBE__COUNT; c++)
		sink__printf(s, "  %-18s %-4s %s\n", probe_check_names[c],
			     d->checks[c].ok ? "ok" : "FAIL", d->checks[c].detail);
	sink__printf(s, "  %-18s %-4s %s\n\n", "bpf_stats", d->bpf_stats == 1 ? "on" : "off",
		     d->bpf_stats == 1
			     ? "per-program cost is measured"
			     : "sysctl kernel.bpf_stats_enabled=1 to measure vigil's cost");
	sink__printf(s, "%-10s %-9s %s\n", "SUBSYSTEM", "SOURCE",
		     "WHY (the source --backend auto picks)");
	for (int i = 0; i < d->nsubsys; i++) {
		const struct tracer_ops *ops = tracer_registry[i];

		if (d->subsys[i].ok)
			sink__printf(s, "%-10s %-9s %s\n", ops->name, "bpf", d->subsys[i].detail);
		else
			sink__printf(s, "%-10s %-9s BPF unavailable: %s\n%-20s fallback: %s\n",
				     ops->name, auto_source(d, i), d->subsys[i].detail, "",
				     ops->fallback);
		if (d->nhooks[i])
			doctor_print_kinds(s, d, i);
	}
	sink__printf(s, "\n%-10s %-9s %s\n", "LISTING", "SOURCE", "WHY");
	for (int i = 0; i < LISTING__COUNT; i++) {
		const struct doctor_listing *l = &d->listings[i];
		const struct listing_kind *k = &listing_kinds[i];

		if (l->bpf)
			sink__printf(s, "%-10s %-9s %s\n", k->name, "bpf_iter", l->why);
		else
			sink__printf(s, "%-10s %-9s BPF unavailable: %s\n", k->name, k->fallback,
				     l->why);
	}
}

static void doctor_print_json(struct sink *s, const struct doctor_report *d)
{
	struct jw w;

	jw__init(&w, s, true);
	jw__obj_begin(&w, NULL);
	jw__str(&w, "version", VIGIL_VERSION);
	jw__str(&w, "kernel", d->uts.release);
	jw__str(&w, "machine", d->uts.machine);
	jw__obj_begin(&w, "checks");
	for (int c = 0; c < PROBE__COUNT; c++) {
		jw__obj_begin(&w, probe_check_names[c]);
		jw__bool(&w, "ok", d->checks[c].ok);
		jw__str(&w, "detail", d->checks[c].detail);
		jw__obj_end(&w);
	}
	jw__obj_end(&w);
	if (d->bpf_stats >= 0)
		jw__bool(&w, "bpf_stats_enabled", d->bpf_stats == 1);
	else
		jw__null(&w, "bpf_stats_enabled");
	jw__arr_begin(&w, "subsystems");
	for (int i = 0; i < d->nsubsys; i++) {
		const struct tracer_ops *ops = tracer_registry[i];

		jw__obj_begin(&w, NULL);
		jw__str(&w, "name", ops->name);
		jw__bool(&w, "bpf", d->subsys[i].ok);
		jw__str(&w, "source", auto_source(d, i));
		jw__str(&w, d->subsys[i].ok ? "detail" : "reason", d->subsys[i].detail);
		jw__str(&w, "fallback", ops->fallback);
		doctor_json_kinds(&w, d, i);
		jw__obj_end(&w);
	}
	jw__arr_end(&w);
	jw__arr_begin(&w, "listings");
	for (int i = 0; i < LISTING__COUNT; i++) {
		const struct doctor_listing *l = &d->listings[i];

		jw__obj_begin(&w, NULL);
		jw__str(&w, "name", listing_kinds[i].name);
		jw__str(&w, "source", l->bpf ? "bpf_iter" : listing_kinds[i].fallback);
		jw__str(&w, l->bpf ? "detail" : "reason", l->why);
		jw__obj_end(&w);
	}
	jw__arr_end(&w);
	jw__obj_end(&w);
	sink__putc(s, '\n');
}

int cmd_doctor(int argc, char **argv)
{
	struct cli_common common = { 0 };
	struct doctor_report d = { 0 };
	struct output out;
	bool help;
	int first;

	first = cli_parse(&doctor_cmd, argc, argv, &common, NULL, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc) {
		cli_error(&doctor_cmd, "unexpected argument '%s'", argv[first]);
		return EXIT_USAGE;
	}
	if (common.format_set && common.format != FMT_TABLE && common.format != FMT_JSON) {
		cli_error(&doctor_cmd, "--format: invalid value '%s' (accepts table or json)",
			  out_format_names[common.format]);
		return EXIT_USAGE;
	}
	log_set_level(common.verbose ? common.verbose : -1);
	if (output__open(&out, &doctor_cmd, &common, FMT_TABLE, 0))
		return 1;
	doctor_collect(&d);
	if (out.fmt == FMT_JSON)
		doctor_print_json(out.sink, &d);
	else
		doctor_print_table(out.sink, &d);
	return output__close(&out) ? 1 : 0;
}
