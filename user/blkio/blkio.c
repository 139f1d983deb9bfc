// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * blkio.c: the block I/O subsystem's side of the tracer ops: its tracepoints, what it can
 * produce, and how a trace_cfg becomes blkio.bpf.c's rodata. Programs a mode does not need
 * are left unloaded, so a plain histogram costs what biolatency's does: block_io_start only
 * when someone asks who submitted the I/O (records, --per pid, biotop, task filters), and
 * block_rq_insert only when queue time is wanted (records, --queued).
 */
#include <errno.h>
#include <linux/types.h>
#include <time.h>

#include "events.h"
#include "cli/parse.h"
#include "core/record.h"
#include "blkio.skel.h"
#include "core/tracer.h"

#define BLKIO_GRACE_NS (2 * NSEC_PER_SEC)

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static bool cfg_has_task_filter(const struct trace_cfg *cfg)
{
	return cfg->tgid || cfg->tid || cfg->comm[0] || cfg->cgroup_id;
}

static void *blkio_open(const struct trace_cfg *cfg, struct bpf_object **obj)
{
	struct blkio_bpf *skel = blkio_bpf__open();
	bool stream = cfg->stream_kinds & (1ULL << VG_KIND_BIO);
	bool hist = cfg->hists & (1U << HIST_BLKIO);
	bool owner, queue;

	if (!skel)
		return NULL;
	TRACE_CFG_SET_COMMON_RODATA(skel->rodata, cfg);
	skel->rodata->targ_stream = stream;
	skel->rodata->targ_hist = hist;
	skel->rodata->targ_top = cfg->blkio_top;
	skel->rodata->targ_hist_per = cfg->hist_per;
	skel->rodata->targ_hist_unit_ns = cfg->hist_unit_ns ? cfg->hist_unit_ns : 1000;
	skel->rodata->targ_queued = cfg->blkio_queued;
	skel->rodata->targ_dev = cfg->blkio_dev;
	skel->rodata->targ_min_ns = cfg->min_latency_ns;
	skel->rodata->targ_grace_until_ns = monotonic_ns() + BLKIO_GRACE_NS;
	owner = stream || cfg->blkio_top || cfg_has_task_filter(cfg) ||
		(hist && cfg->hist_per == VG_PER_PID);
	queue = stream || (hist && cfg->blkio_queued);
	skel->rodata->targ_owner = owner;
	skel->rodata->targ_insert = queue;
	if (map__shrink_unused(skel->maps.blkio_hist, hist && cfg->hist_per != VG_PER_GLOBAL) ||
	    map__shrink_unused(skel->maps.io_top, cfg->blkio_top) ||
	    map__shrink_unused(skel->maps.flush_owner, owner)) {
		blkio_bpf__destroy(skel);
		return NULL;
	}
	bpf_program__set_autoload(skel->progs.handle_blkio_start, owner);
	bpf_program__set_autoload(skel->progs.handle_blkio_insert, queue);
	*obj = skel->obj;
	return skel;
}

static void blkio_destroy(void *skel)
{
	blkio_bpf__destroy(skel);
}

static const char *const blkio_tracepoints[] = {
	"block:block_io_start",
	"block:block_rq_insert",
	"block:block_rq_issue",
	"block:block_rq_complete",
	"block:block_rq_merge",
	"block:block_rq_requeue",
	NULL,
};

#define BIO  (1ULL << VG_KIND_BIO)
#define HIST (1U << HIST_BLKIO)

/* Each one feeds every bio record: pid (start), queue time (insert), service time (issue). */
static const struct tracer_hook blkio_hooks[] = {
	{ "handle_blkio_start", "block:block_io_start", BIO, HIST, false },
	{ "handle_blkio_insert", "block:block_rq_insert", BIO, HIST, false },
	{ "handle_blkio_issue", "block:block_rq_issue", BIO, HIST, false },
	{ "handle_blkio_merge", "block:block_rq_merge", BIO, HIST, false },
	{ "handle_blkio_requeue", "block:block_rq_requeue", BIO, HIST, false },
	{ "handle_blkio_complete", "block:block_rq_complete", BIO, HIST, false },
	{ 0 },
};

const struct tracer_ops blkio_tracer_ops = {
	.name = "blkio",
	.tracepoints = blkio_tracepoints,
	.fallback = "diskstats (/proc/diskstats)",
	.kinds = 1ULL << VG_KIND_BIO,
	.hists = 1U << HIST_BLKIO,
	.hooks = blkio_hooks,
	.open = blkio_open,
	.destroy = blkio_destroy,
};
