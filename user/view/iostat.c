// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iostat.c: sysstat iostat's per-device and avg-cpu arithmetic over two samples. Rates are
 * deltas over the interval; awaits and request sizes are per completed request, 0 when there
 * was none (as iostat prints them); %util is the busy time over the interval, capped at 100.
 */
#include "view/iostat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define KB 1024.0

/* cur - prev; the counters come through nowrap, so a smaller value is a reset: count 0. */
static uint64_t delta(uint64_t prev, uint64_t cur)
{
	return cur >= prev ? cur - prev : 0;
}

static double per_req(uint64_t num, uint64_t reqs)
{
	return reqs ? (double)num / (double)reqs : 0.0;
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? (double)part * 100.0 / (double)whole : 0.0;
}

int iostat_compute(const struct fb_disk_io *prev, const struct fb_disk_io *cur, uint64_t itv_ns,
		   struct iostat_ext *out)
{
	static const struct fb_disk_io zero = { .valid = ~0u };
	uint64_t rd, wr, dc, fl, rm, wm, dm, rb, wb, db;
	double sec;

	if (!cur || !itv_ns)
		return -EINVAL;
	if (!prev)
		prev = &zero;
	sec = (double)itv_ns / 1e9;
	memset(out, 0, sizeof(*out));
	out->valid = cur->valid & prev->valid;
	rd = delta(prev->read_count, cur->read_count);
	wr = delta(prev->write_count, cur->write_count);
	dc = delta(prev->discard_count, cur->discard_count);
	fl = delta(prev->flush_count, cur->flush_count);
	rm = delta(prev->read_merged_count, cur->read_merged_count);
	wm = delta(prev->write_merged_count, cur->write_merged_count);
	dm = delta(prev->discard_merged_count, cur->discard_merged_count);
	rb = delta(prev->read_bytes, cur->read_bytes);
	wb = delta(prev->write_bytes, cur->write_bytes);
	db = delta(prev->discard_bytes, cur->discard_bytes);

	out->r_s = (double)rd / sec;
	out->rkb_s = (double)rb / KB / sec;
	out->rrqm_s = (double)rm / sec;
	out->rrqm_pct = pct(rm, rm + rd);
	out->r_await = per_req(delta(prev->read_time, cur->read_time), rd);
	out->rareq_sz = per_req(rb, rd) / KB;

	out->w_s = (double)wr / sec;
	out->wkb_s = (double)wb / KB / sec;
	out->wrqm_s = (double)wm / sec;
	out->wrqm_pct = pct(wm, wm + wr);
	out->w_await = per_req(delta(prev->write_time, cur->write_time), wr);
	out->wareq_sz = per_req(wb, wr) / KB;

	out->d_s = (double)dc / sec;
	out->dkb_s = (double)db / KB / sec;
	out->drqm_s = (double)dm / sec;
	out->drqm_pct = pct(dm, dm + dc);
	out->d_await = per_req(delta(prev->discard_time, cur->discard_time), dc);
	out->dareq_sz = per_req(db, dc) / KB;

	out->f_s = (double)fl / sec;
	out->f_await = per_req(delta(prev->flush_time, cur->flush_time), fl);
	/* weighted ms per ms of interval: the average number of requests in the queue */
	out->aqu_sz = (double)delta(prev->weighted_time, cur->weighted_time) / 1e3 / sec;
	out->util = (double)delta(prev->busy_time, cur->busy_time) / 10.0 / sec;
	if (out->util > 100.0)
		out->util = 100.0;

	out->tps = (double)(rd + wr + dc) / sec;
	out->kb_read = rb / 1024;
	out->kb_wrtn = wb / 1024;
	out->kb_dscd = db / 1024;
	return 0;
}

static double cpu_delta(double prev, double cur)
{
	return cur > prev ? cur - prev : 0.0;
}

void iostat_cpu_compute(const struct fb_cpu_times *prev, const struct fb_cpu_times *cur,
			struct iostat_cpu *out)
{
	static const struct fb_cpu_times zero;
	double user, nice, sys, iowait, steal, idle, total;

	if (!prev)
		prev = &zero;
	/* the kernel's user and nice already hold guest and guest_nice: count them once */
	user = cpu_delta(prev->user - prev->guest, cur->user - cur->guest);
	nice = cpu_delta(prev->nice - prev->guest_nice, cur->nice - cur->guest_nice);
	sys = cpu_delta(prev->system, cur->system) + cpu_delta(prev->irq, cur->irq) +
	      cpu_delta(prev->softirq, cur->softirq);
	iowait = cpu_delta(prev->iowait, cur->iowait);
	steal = cpu_delta(prev->steal, cur->steal);
	idle = cpu_delta(prev->idle, cur->idle);
	total = user + nice + sys + iowait + steal + idle + cpu_delta(prev->guest, cur->guest) +
		cpu_delta(prev->guest_nice, cur->guest_nice);
	memset(out, 0, sizeof(*out));
	if (total <= 0.0)
		return;
	out->user = user * 100.0 / total;
	out->nice = nice * 100.0 / total;
	out->system = sys * 100.0 / total;
	out->iowait = iowait * 100.0 / total;
	out->steal = steal * 100.0 / total;
	out->idle = idle * 100.0 / total;
}

bool iostat_dev_is_used(const struct fb_disk_io *d)
{
	return d->read_count || d->write_count || d->discard_count || d->flush_count;
}

bool iostat_part_is_of(const char *part, const char *disk)
{
	size_t n = strlen(disk);
	const char *rest = part + n;

	if (!n || strncmp(part, disk, n) || !*rest)
		return false;
	if (*rest == 'p')
		rest++;
	if (*rest < '0' || *rest > '9')
		return false;
	for (; *rest; rest++) {
		if (*rest < '0' || *rest > '9')
			return false;
	}
	return true;
}

int iostat_dm_name(const char *dev, char *buf, size_t len)
{
	char rel[128];
	FILE *f;
	int err = 0;

	if (strncmp(dev, "dm-", 3) || len < 2 ||
	    snprintf(rel, sizeof(rel), "block/%s/dm/name", dev) >= (int)sizeof(rel))
		return -ENOENT;
	f = fb_sys_fopen(rel);
	if (!f)
		return -ENOENT;
	if (!fgets(buf, (int)(len > 1024 ? 1024 : len), f))
		err = -ENOENT;
	fclose(f);
	if (!err) {
		buf[strcspn(buf, "\n")] = '\0';
		err = buf[0] ? 0 : -ENOENT;
	}
	return err;
}
