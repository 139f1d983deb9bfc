// SPDX-License-Identifier: BSD-2-Clause
/*
 * mem.c - virtual_memory() and swap_memory() from /proc/meminfo (kB) and /proc/vmstat.  The
 * formulas are psutil 7.1+ and procps-ng 4's: cached = Cached + SReclaimable, used = total -
 * available, percent = (total - available) / total.  When MemAvailable is missing (kernels
 * before 3.14) it is estimated as the kernel does, from the zoneinfo low watermarks, the file
 * LRU lists and SReclaimable.  Fields the kernel lacks stay invalid instead of becoming zeros.
 */
#include "../common/fb_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct meminfo_key {
	const char *key;
	uint64_t *dst;
	uint32_t bit;
};

/* The kernel's si_mem_available(), from /proc/zoneinfo (psutil #1279 for kernels < 3.14). */
static int estimate_available(const char *mi, uint64_t *avail)
{
	uint64_t free_kb, afile = 0, ifile = 0, srecl = 0, low_pages = 0, v;
	char *zone;
	const char *p;
	int64_t est;

	if (fb__kv_u64(mi, "MemFree", &free_kb) || fb__kv_u64(mi, "Active(file)", &afile) ||
	    fb__kv_u64(mi, "Inactive(file)", &ifile))
		return -ENODATA;
	fb__kv_u64(mi, "SReclaimable", &srecl);
	/* one block per zone and node: tens of KiB on NUMA machines */
	if (fb__read_alloc(FB_DIR_PROC, "zoneinfo", &zone) < 0)
		return -ENODATA;
	for (p = zone; p; p = fb__next_line(p)) {
		const char *q = fb__skip_ws(p);

		if (strncmp(q, "low ", 4) == 0) {
			q += 4;
			if (!fb__parse_u64(&q, &v))
				low_pages += v;
		}
	}
	free(zone);
	{
		int64_t wm = (int64_t)(low_pages * (uint64_t)fb__page_size() / 1024);
		int64_t pagecache = (int64_t)(afile + ifile);
		int64_t half = pagecache / 2 < wm ? pagecache / 2 : wm;
		int64_t rs = (int64_t)srecl / 2 < wm ? (int64_t)srecl / 2 : wm;

		est = (int64_t)free_kb - wm + pagecache - half + (int64_t)srecl - rs;
	}
	*avail = est > 0 ? (uint64_t)est * 1024 : 0;
	return 0;
}

int fb_virtual_memory(struct fb_vmem *out)
{
	uint64_t sreclaimable = 0, cached = 0, inact_dirty, inact_clean, inact_laundry;
	char buf[8192];
	ssize_t r;
	struct meminfo_key keys[] = {
		{ "MemTotal", &out->total, FB_VMEM_TOTAL },
		{ "MemFree", &out->free, FB_VMEM_FREE },
		{ "Buffers", &out->buffers, FB_VMEM_BUFFERS },
		{ "Active", &out->active, FB_VMEM_ACTIVE },
		{ "Inactive", &out->inactive, FB_VMEM_INACTIVE },
		{ "Shmem", &out->shared, FB_VMEM_SHARED },
		{ "Slab", &out->slab, FB_VMEM_SLAB },
		{ "MemAvailable", &out->available, FB_VMEM_AVAILABLE },
	};

	memset(out, 0, sizeof(*out));
	r = fb__read(FB_DIR_PROC, "meminfo", buf, sizeof(buf));
	if (r < 0)
		return (int)r;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!fb__kv_u64(buf, keys[i].key, keys[i].dst)) {
			*keys[i].dst *= 1024;
			out->valid |= keys[i].bit;
		}
	}
	if (!(out->valid & FB_VMEM_TOTAL))
		return -ENODATA;
	/* kernels before 2.6.32 call Shmem MemShared */
	if (!(out->valid & FB_VMEM_SHARED) && !fb__kv_u64(buf, "MemShared", &out->shared)) {
		out->shared *= 1024;
		out->valid |= FB_VMEM_SHARED;
	}
	/* Inactive is missing on some 2.4 kernels: the sum of its parts (psutil #1004) */
	if (!(out->valid & FB_VMEM_INACTIVE) && !fb__kv_u64(buf, "Inact_dirty", &inact_dirty) &&
	    !fb__kv_u64(buf, "Inact_clean", &inact_clean) &&
	    !fb__kv_u64(buf, "Inact_laundry", &inact_laundry)) {
		out->inactive = (inact_dirty + inact_clean + inact_laundry) * 1024;
		out->valid |= FB_VMEM_INACTIVE;
	}
	/* cached = Cached + SReclaimable, as free(1) from procps-ng */
	if (!fb__kv_u64(buf, "Cached", &cached)) {
		fb__kv_u64(buf, "SReclaimable", &sreclaimable);
		out->cached = (cached + sreclaimable) * 1024;
		out->valid |= FB_VMEM_CACHED;
	}
	/* MemAvailable is 3.14+; 0 also means "not computed" (psutil #1915) */
	if (!(out->valid & FB_VMEM_AVAILABLE) || out->available == 0) {
		out->valid &= ~(uint32_t)FB_VMEM_AVAILABLE;
		if (!estimate_available(buf, &out->available))
			out->valid |= FB_VMEM_AVAILABLE;
	}
	if (out->valid & FB_VMEM_AVAILABLE) {
		/* LXC can report more available than total (psutil #1587): use free */
		if (out->available > out->total)
			out->available = (out->valid & FB_VMEM_FREE) ? out->free : out->total;
		out->used = out->total - out->available;
		out->percent = out->total
				       ? fb__round1((double)out->used / (double)out->total * 100.0)
				       : 0.0;
		out->valid |= FB_VMEM_USED | FB_VMEM_PERCENT;
	}
	return 0;
}

int fb_swap_memory(struct fb_swap *out)
{
	char buf[8192], vbuf[16384];
	uint64_t v;
	ssize_t r;

	memset(out, 0, sizeof(*out));
	r = fb__read(FB_DIR_PROC, "meminfo", buf, sizeof(buf));
	if (r < 0)
		return (int)r;
	if (!fb__kv_u64(buf, "SwapTotal", &out->total) &&
	    !fb__kv_u64(buf, "SwapFree", &out->free)) {
		out->total *= 1024;
		out->free *= 1024;
		if (out->free > out->total)
			out->free = out->total;
		out->used = out->total - out->free;
		out->percent = out->total
				       ? fb__round1((double)out->used / (double)out->total * 100.0)
				       : 0.0;
		out->valid |= FB_SWAP_TOTAL | FB_SWAP_FREE | FB_SWAP_USED | FB_SWAP_PERCENT;
	}
	/* pswpin/pswpout count pages */
	r = fb__read(FB_DIR_PROC, "vmstat", vbuf, sizeof(vbuf));
	if (r >= 0) {
		const char *p;

		for (p = vbuf; p; p = fb__next_line(p)) {
			const char *q;

			if (strncmp(p, "pswpin ", 7) == 0) {
				q = p + 7;
				if (!fb__parse_u64(&q, &v)) {
					out->sin = v * (uint64_t)fb__page_size();
					out->valid |= FB_SWAP_SIN;
				}
			} else if (strncmp(p, "pswpout ", 8) == 0) {
				q = p + 8;
				if (!fb__parse_u64(&q, &v)) {
					out->sout = v * (uint64_t)fb__page_size();
					out->valid |= FB_SWAP_SOUT;
				}
			}
		}
	}
	return out->valid ? 0 : -ENODATA;
}
