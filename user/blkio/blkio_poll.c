// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * blkio_poll.c: block I/O's fallback when BPF cannot be used: /proc/diskstats through the
 * fallback library (psutil's disk_io_counters, per disk, with its nowrap), read every
 * interval into one `sample` row per disk that did anything, as iostat -x computes it:
 * reads and writes completed, bytes, r_await and w_await (the kernel's read or write time
 * divided by the I/Os, so millisecond resolution; null with no I/O of that direction), and
 * the time the disk was busy (iostat's %util is busy_ns / interval_ns).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/backend.h"
#include "fallback.h"
#include "core/wallclock.h"

struct blkio_poll {
	struct fb_nowrap *nw;
	struct fb_disk_io *prev;
	size_t nprev;
	uint64_t last_ns;
};

static void blkio_poll__close(void *state)
{
	struct blkio_poll *bp = state;

	if (!bp)
		return;
	fb_nowrap__free(bp->nw);
	free(bp->prev);
	free(bp);
}

static int blkio_poll__open(const struct trace_cfg *cfg, void **state)
{
	struct blkio_poll *bp = calloc(1, sizeof(*bp));
	int err;

	(void)cfg;
	if (!bp)
		return -ENOMEM;
	bp->nw = fb_nowrap__new();
	if (!bp->nw) {
		blkio_poll__close(bp);
		return -ENOMEM;
	}
	err = fb_disk_io_counters(true, bp->nw, &bp->prev, &bp->nprev);
	if (err) {
		blkio_poll__close(bp);
		return err;
	}
	bp->last_ns = mono_now_ns();
	*state = bp;
	return 0;
}

static const struct fb_disk_io *find_disk(const struct fb_disk_io *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v[i].name, name))
			return &v[i];
	}
	return NULL;
}

/* Average ns per I/O from a ms time delta, or null when there was no I/O. */
static void set_await(struct vrow *row, enum vfield f, uint64_t ms, uint64_t ios, bool valid)
{
	if (!ios || !valid) {
		vrow__set_null(row, f);
		return;
	}
	row->v[f].u = ms * 1000000ULL / ios;
}

static int blkio_poll__poll(void *state, uint64_t now_ns, poller_emit_fn emit, void *ctx)
{
	static const struct fb_disk_io zero;
	struct blkio_poll *bp = state;
	struct fb_disk_io *cur = NULL;
	size_t ncur = 0;
	int err = fb_disk_io_counters(true, bp->nw, &cur, &ncur);

	if (err)
		return err;
	for (size_t i = 0; i < ncur; i++) {
		const struct fb_disk_io *c = &cur[i], *p = find_disk(bp->prev, bp->nprev, c->name);
		uint64_t reads, writes, busy;
		struct vrow row;

		if (!p)
			p = &zero; /* a disk that appeared: everything it did is new */
		reads = c->read_count - p->read_count;
		writes = c->write_count - p->write_count;
		busy = c->busy_time - p->busy_time;
		if (!reads && !writes && !busy)
			continue;
		memset(&row, 0, sizeof(row));
		row.kind = VK_SAMPLE_BLKIO;
		row.source = "diskstats";
		row.ts_ns = now_ns;
		row.v[VF_SUBSYSTEM].str = "blkio";
		row.v[VF_DISK].str = c->name;
		row.v[VF_READS].u = reads;
		row.v[VF_WRITES].u = writes;
		row.v[VF_READ_BYTES].u = c->read_bytes - p->read_bytes;
		row.v[VF_WRITE_BYTES].u = c->write_bytes - p->write_bytes;
		set_await(&row, VF_R_AWAIT_NS, c->read_time - p->read_time, reads,
			  c->valid & FB_DIO_READ_TIME);
		set_await(&row, VF_W_AWAIT_NS, c->write_time - p->write_time, writes,
			  c->valid & FB_DIO_WRITE_TIME);
		if (c->valid & FB_DIO_BUSY_TIME)
			row.v[VF_BUSY_NS].u = busy * 1000000ULL;
		else
			vrow__set_null(&row, VF_BUSY_NS);
		row.v[VF_INTERVAL_NS].u = now_ns - bp->last_ns;
		emit(ctx, &row);
	}
	free(bp->prev);
	bp->prev = cur;
	bp->nprev = ncur;
	bp->last_ns = now_ns;
	return 0;
}

const struct poller_ops blkio_poller_ops = {
	.subsystem = "blkio",
	.source = "diskstats",
	.kinds = 1ULL << VK_SAMPLE_BLKIO,
	.filters = 0, /* whole disks: no task is known, and every disk is sampled */
	.open = blkio_poll__open,
	.poll = blkio_poll__poll,
	.close = blkio_poll__close,
};
