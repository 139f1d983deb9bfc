/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * iostat.h: iostat's arithmetic over two disk_io_counters samples, kept apart from the
 * command so that unit tests can check every column against hand-computed values. The
 * columns are sysstat's (iostat -x, and the basic tps / kB_read/s report), from the same
 * /proc/diskstats fields, over an interval measured on the boot-time clock as iostat
 * measures it from /proc/uptime; the first report compares with zero, i.e. since boot.
 */
#ifndef VIGIL_VIEW_IOSTAT_H
#define VIGIL_VIEW_IOSTAT_H

#include <stdbool.h>
#include <stdint.h>

#include "fallback.h"

/* One device over one interval. Rates per second, sizes in kB, times in ms. */
struct iostat_ext {
	double r_s, rkb_s, rrqm_s, rrqm_pct, r_await, rareq_sz;
	double w_s, wkb_s, wrqm_s, wrqm_pct, w_await, wareq_sz;
	double d_s, dkb_s, drqm_s, drqm_pct, d_await, dareq_sz;
	double f_s, f_await, aqu_sz, util;
	double tps;
	uint64_t kb_read, kb_wrtn, kb_dscd; /* in the interval */
	uint32_t valid; /* FB_DIO_* of both samples: a column without its field is unavailable */
};

/*
 * The interval's columns for one device: prev may be NULL (the first report, or a device
 * that appeared), itv_ns is the time between the samples (> 0). 0, or -EINVAL.
 */
int iostat_compute(const struct fb_disk_io *prev, const struct fb_disk_io *cur, uint64_t itv_ns,
		   struct iostat_ext *out);

/* avg-cpu: iostat's split of the CPU time between two cpu_times samples, in percent. */
struct iostat_cpu {
	double user, nice, system, iowait, steal, idle;
};

/* prev may be NULL (since boot). */
void iostat_cpu_compute(const struct fb_cpu_times *prev, const struct fb_cpu_times *cur,
			struct iostat_cpu *out);

/* Whether iostat would list the device at all: it has done some I/O since boot. */
bool iostat_dev_is_used(const struct fb_disk_io *d);

/*
 * Whether partition part belongs to disk (sda1 of sda, nvme0n1p1 of nvme0n1; not sdaa of sda):
 * iostat -p DISK lists the disk and these.
 */
bool iostat_part_is_of(const char *part, const char *disk);

/*
 * iostat -N: the device-mapper name of dev (dm-0 -> "vg0-root"), from the kernel's
 * block/<dev>/dm/name under the fallback library's root. 0, or -ENOENT when dev is not a
 * device-mapper device or its name cannot be read.
 */
int iostat_dm_name(const char *dev, char *buf, size_t len);

#endif /* VIGIL_VIEW_IOSTAT_H */
