// SPDX-License-Identifier: BSD-2-Clause
/*
 * decode.c - the macOS decoders (darwin_decode.h): CPU tick arrays, vm_statistics64, swap
 * usage, boot time and load average.  Plain C over byte buffers, read with memcpy so no
 * alignment is assumed; built on macOS into the backend and on Linux into the unit tests.
 */
#include "darwin_decode.h"

#include <errno.h>
#include <string.h>

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int fb__darwin_decode_cpu_load(const void *buf, size_t len, struct fb_cpu_times *out, size_t max,
			       size_t *n)
{
	const unsigned char *p = buf;
	size_t cnt;

	if (!len || len % FB_DARWIN_CPU_LOAD_SIZE)
		return -EINVAL;
	cnt = len / FB_DARWIN_CPU_LOAD_SIZE;
	if (cnt > max)
		cnt = max;
	for (size_t i = 0; i < cnt; i++, p += FB_DARWIN_CPU_LOAD_SIZE) {
		struct fb_cpu_times *t = &out[i];

		memset(t, 0, sizeof(*t));
		t->user = (double)get_u32(p + 0) / FB_DARWIN_TICK_HZ;
		t->system = (double)get_u32(p + 4) / FB_DARWIN_TICK_HZ;
		t->idle = (double)get_u32(p + 8) / FB_DARWIN_TICK_HZ;
		t->nice = (double)get_u32(p + 12) / FB_DARWIN_TICK_HZ;
		t->valid = FB_CPU_USER | FB_CPU_SYSTEM | FB_CPU_IDLE | FB_CPU_NICE;
	}
	*n = cnt;
	return 0;
}

int fb__darwin_decode_vmstat(const void *buf, size_t len, uint64_t memsize, uint64_t pagesize,
			     struct fb_vmem *out)
{
	const unsigned char *p = buf;
	uint64_t freep, spec;

	if (len != FB_DARWIN_VMSTAT64_SIZE || !memsize || !pagesize)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	freep = get_u32(p + FB_DARWIN_VM_FREE);
	spec = get_u32(p + FB_DARWIN_VM_SPECULATIVE);
	out->total = memsize;
	out->active = get_u32(p + FB_DARWIN_VM_ACTIVE) * pagesize;
	out->inactive = get_u32(p + FB_DARWIN_VM_INACTIVE) * pagesize;
	out->available = out->inactive + freep * pagesize;
	if (out->available > out->total)
		out->available = out->total;
	out->used = out->active + get_u32(p + FB_DARWIN_VM_WIRE) * pagesize;
	out->free = (freep > spec ? freep - spec : 0) * pagesize;
	out->percent =
		fb__round1((double)(out->total - out->available) * 100.0 / (double)out->total);
	out->valid = FB_VMEM_TOTAL | FB_VMEM_AVAILABLE | FB_VMEM_USED | FB_VMEM_FREE |
		     FB_VMEM_ACTIVE | FB_VMEM_INACTIVE | FB_VMEM_PERCENT;
	return 0;
}

int fb__darwin_decode_vm_paging(const void *buf, size_t len, uint64_t *pageins, uint64_t *pageouts)
{
	const unsigned char *p = buf;

	if (len != FB_DARWIN_VMSTAT64_SIZE)
		return -EINVAL;
	*pageins = get_u64(p + FB_DARWIN_VM_PAGEINS);
	*pageouts = get_u64(p + FB_DARWIN_VM_PAGEOUTS);
	return 0;
}

int fb__darwin_decode_xsw_usage(const void *buf, size_t len, struct fb_swap *out)
{
	const unsigned char *p = buf;

	if (len != FB_DARWIN_XSW_SIZE)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->total = get_u64(p + 0);
	out->free = get_u64(p + 8);
	out->used = get_u64(p + 16);
	if (out->used > out->total || out->free > out->total)
		return -EINVAL;
	out->percent = out->total ? fb__round1((double)out->used * 100.0 / (double)out->total) : 0;
	out->valid = FB_SWAP_TOTAL | FB_SWAP_USED | FB_SWAP_FREE | FB_SWAP_PERCENT;
	return 0;
}

int fb__darwin_decode_timeval(const void *buf, size_t len, double *out)
{
	const unsigned char *p = buf;
	int64_t sec;
	int32_t usec;

	if (len != FB_DARWIN_TIMEVAL_SIZE)
		return -EINVAL;
	memcpy(&sec, p, 8);
	memcpy(&usec, p + 8, 4);
	if (sec <= 0 || usec < 0 || usec >= 1000000)
		return -EINVAL;
	*out = (double)sec + (double)usec / 1e6;
	return 0;
}

int fb__darwin_decode_loadavg(const void *buf, size_t len, double out[3])
{
	const unsigned char *p = buf;
	uint64_t fscale;

	if (len != FB_DARWIN_LOADAVG_SIZE)
		return -EINVAL;
	fscale = get_u64(p + 16);
	if (!fscale)
		return -EINVAL;
	for (int i = 0; i < 3; i++)
		out[i] = (double)get_u32(p + 4 * i) / (double)fscale;
	return 0;
}
