// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_doctor.c: `vigil doctor`: what this machine allows, and for each subsystem whether
 * BPF can be used here, exactly why not if it cannot, and the fallback that would be used.
 */
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/backend.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "export/json.h"
#include "core/log.h"
#include "export/output.h"
#include "core/probe.h"

static const struct cli_opt doctor_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	CLI_OPT_END,
};

static const struct cli_cmd doctor_cmd = {
	.name = "doctor",
	.usage = "vigil doctor [--format table|json]",
	.summary = "Say what this machine allows and which source each subsystem will use.",
	.opts = doctor_opts,
};

struct doctor_report {
	struct utsname uts;
	struct probe_result checks[PROBE__COUNT];
	struct probe_result subsys[16];
	int nsubsys;
	int bpf_stats; /* kernel.bpf_stats_enabled, -1 if unknown */
};

static void doctor_collect(struct doctor_report *d)
{
	uname(&d->uts);
	for (int c = 0; c < PROBE__COUNT; c++)
		probe_run((enum probe_check)c, &d->checks[c]);
	for (d->nsubsys = 0; tracer_registry[d->nsubsys]; d->nsubsys++)
		probe_subsystem(tracer_registry[d->nsubsys], true, &d->subsys[d->nsubsys]);
	d->bpf_stats = probe_sysctl_int("kernel/bpf_stats_enabled");
}

/* What --backend auto uses for subsystem i: bpf, its poller's source, or none. */
static const char *auto_source(const struct doctor_report *d, int i)
{
	const struct poller_ops *p = poller_ops__by_subsystem(tracer_registry[i]->name);

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
		     d->bpf_stats == 1 ? "per-program cost is measured" :
					 "sysctl kernel.bpf_stats_enabled=1 to measure vigil's cost");
	sink__printf(s, "%-10s %-9s %s\n", "SUBSYSTEM", "SOURCE", "WHY (the source --backend auto picks)");
	for (int i = 0; i < d->nsubsys; i++) {
		const struct tracer_ops *ops = tracer_registry[i];

		if (d->subsys[i].ok)
			sink__printf(s, "%-10s %-9s %s\n", ops->name, "bpf", d->subsys[i].detail);
		else
			sink__printf(s, "%-10s %-9s BPF unavailable: %s\n%-20s fallback: %s\n",
				     ops->name, auto_source(d, i), d->subsys[i].detail, "",
				     ops->fallback);
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
