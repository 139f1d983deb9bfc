// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sched.c: the scheduler subsystem's side of the tracer ops: which tracepoints it needs,
 * what it can produce, and how a trace_cfg becomes sched.bpf.c's rodata.
 */
#include <errno.h>
#include <linux/types.h>

#include "events.h"
#include "core/record.h"
#include "sched.skel.h"
#include "core/tracer.h"

static bool wants(uint64_t mask, unsigned int bit)
{
	return mask & (1ULL << bit);
}

static void *sched_open(const struct trace_cfg *cfg, struct bpf_object **obj)
{
	struct sched_bpf *skel = sched_bpf__open();
	bool keyed = cfg->hist_per != VG_PER_GLOBAL;

	if (!skel)
		return NULL;
	TRACE_CFG_SET_COMMON_RODATA(skel->rodata, cfg);
	skel->rodata->targ_stream_runq = wants(cfg->stream_kinds, VG_KIND_RUNQ);
	skel->rodata->targ_stream_oncpu = wants(cfg->stream_kinds, VG_KIND_ONCPU);
	skel->rodata->targ_stream_proc = wants(cfg->stream_kinds, VG_KIND_EXEC) ||
					 wants(cfg->stream_kinds, VG_KIND_EXIT) ||
					 wants(cfg->stream_kinds, VG_KIND_FORK);
	skel->rodata->targ_hist_runq = wants(cfg->hists, HIST_RUNQ);
	skel->rodata->targ_hist_oncpu = wants(cfg->hists, HIST_ONCPU);
	skel->rodata->targ_hist_per = cfg->hist_per;
	skel->rodata->targ_hist_unit_ns = cfg->hist_unit_ns ? cfg->hist_unit_ns : 1000;
	skel->rodata->targ_min_ns = cfg->min_latency_ns;
	if (map__shrink_unused(skel->maps.runq_hist, keyed && skel->rodata->targ_hist_runq) ||
	    map__shrink_unused(skel->maps.oncpu_hist, keyed && skel->rodata->targ_hist_oncpu)) {
		sched_bpf__destroy(skel);
		return NULL;
	}
	/* Programs with nothing to do in this mode cost a run per event all the same. */
	if (!skel->rodata->targ_stream_proc) {
		bpf_program__set_autoload(skel->progs.handle_sched_exec, false);
		bpf_program__set_autoload(skel->progs.handle_sched_exit, false);
		bpf_program__set_autoload(skel->progs.handle_sched_fork, false);
	}
	*obj = skel->obj;
	return skel;
}

static void sched_destroy(void *skel)
{
	sched_bpf__destroy(skel);
}

static const char *const sched_tracepoints[] = {
	"sched:sched_switch",
	"sched:sched_wakeup",
	"sched:sched_wakeup_new",
	"sched:sched_process_exec",
	"sched:sched_process_exit",
	"sched:sched_process_fork",
	NULL,
};

#define K(kind) (1ULL << VG_KIND_##kind)
#define H(hist) (1U << HIST_##hist)

static const struct tracer_hook sched_hooks[] = {
	{ "handle_sched_wakeup", "sched:sched_wakeup", K(RUNQ), H(RUNQ), false },
	{ "handle_sched_wakeup_new", "sched:sched_wakeup_new", K(RUNQ), H(RUNQ), false },
	{ "handle_sched_switch", "sched:sched_switch", K(RUNQ) | K(ONCPU), H(RUNQ) | H(ONCPU),
	  false },
	{ "handle_sched_exec", "sched:sched_process_exec", K(EXEC), 0, false },
	{ "handle_sched_exit", "sched:sched_process_exit", K(EXIT), 0, false },
	{ "handle_sched_fork", "sched:sched_process_fork", K(FORK), 0, false },
	{ 0 },
};

const struct tracer_ops sched_tracer_ops = {
	.name = "sched",
	.tracepoints = sched_tracepoints,
	.fallback = "procfs (/proc/<pid>/schedstat, /proc/<pid>/status, /proc/stat)",
	.kinds = (1ULL << VG_KIND_RUNQ) | (1ULL << VG_KIND_ONCPU) | (1ULL << VG_KIND_EXEC) |
		 (1ULL << VG_KIND_EXIT) | (1ULL << VG_KIND_FORK),
	.hists = (1U << HIST_RUNQ) | (1U << HIST_ONCPU),
	.hooks = sched_hooks,
	.open = sched_open,
	.destroy = sched_destroy,
};
