// SPDX-License-Identifier: BSD-2-Clause
/*
 * mem.c - virtual and swap memory on Windows from GlobalMemoryStatusEx.  As psutil: free is
 * the available physical memory, used = total - available, and swap is the page file total
 * minus physical memory (the commit limit counts RAM too).  Windows has no active, inactive,
 * buffers, cached, shared or slab figures and no swap-in/out counters here: left invalid.
 */
#include "fb_win.h"

#include <errno.h>
#include <string.h>

static int memstatus(MEMORYSTATUSEX *ms)
{
	memset(ms, 0, sizeof(*ms));
	ms->dwLength = sizeof(*ms);
	return GlobalMemoryStatusEx(ms) ? 0 : fb__win_err(GetLastError());
}

int fb_virtual_memory(struct fb_vmem *out)
{
	MEMORYSTATUSEX ms;
	int err = memstatus(&ms);

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	out->total = ms.ullTotalPhys;
	out->available = ms.ullAvailPhys;
	out->free = ms.ullAvailPhys;
	out->used = ms.ullTotalPhys - ms.ullAvailPhys;
	out->percent = out->total ? fb__round1((double)out->used * 100.0 / (double)out->total) : 0;
	out->valid =
		FB_VMEM_TOTAL | FB_VMEM_AVAILABLE | FB_VMEM_FREE | FB_VMEM_USED | FB_VMEM_PERCENT;
	return 0;
}

int fb_swap_memory(struct fb_swap *out)
{
	MEMORYSTATUSEX ms;
	uint64_t total, avail;
	int err = memstatus(&ms);

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	total = ms.ullTotalPageFile > ms.ullTotalPhys ? ms.ullTotalPageFile - ms.ullTotalPhys : 0;
	avail = ms.ullAvailPageFile > ms.ullAvailPhys ? ms.ullAvailPageFile - ms.ullAvailPhys : 0;
	out->total = total;
	out->free = avail < total ? avail : total;
	out->used = total - out->free;
	out->percent = total ? fb__round1((double)out->used * 100.0 / (double)total) : 0;
	out->valid = FB_SWAP_TOTAL | FB_SWAP_USED | FB_SWAP_FREE | FB_SWAP_PERCENT;
	return 0;
}
