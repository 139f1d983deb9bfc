// SPDX-License-Identifier: BSD-2-Clause
/*
 * decode.c - the FreeBSD decoders (bsd_decode.h): CPU ticks, clock rate, load average, boot
 * time, swap devices and the virtual memory arithmetic.  Plain C over byte buffers, copied
 * out with memcpy so that no alignment is assumed; built on FreeBSD into the backend and on
 * Linux into the unit tests.
 */
#include "bsd_decode.h"

#include <errno.h>
#include <string.h>

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int fb__bsd_decode_uint(const void *buf, size_t len, uint64_t *out)
{
	if (len == 4)
		*out = get_u32(buf);
	else if (len == 8)
		*out = get_u64(buf);
	else
		return -EINVAL;
	return 0;
}

int fb__bsd_decode_cp_times(const void *buf, size_t len, long stathz, struct fb_cpu_times *out,
			    size_t max, size_t *n)
{
	const size_t row = FB_BSD_CPUSTATES * FB_BSD_LONG;
	const unsigned char *p = buf;
	size_t cnt;

	if (stathz <= 0 || !len || len % row)
		return -EINVAL;
	cnt = len / row;
	if (cnt > max)
		cnt = max;
	for (size_t i = 0; i < cnt; i++, p += row) {
		struct fb_cpu_times *t = &out[i];
		double hz = (double)stathz;

		memset(t, 0, sizeof(*t));
		t->user = (double)get_u64(p + 0 * FB_BSD_LONG) / hz;
		t->nice = (double)get_u64(p + 1 * FB_BSD_LONG) / hz;
		t->system = (double)get_u64(p + 2 * FB_BSD_LONG) / hz;
		t->irq = (double)get_u64(p + 3 * FB_BSD_LONG) / hz;
		t->idle = (double)get_u64(p + 4 * FB_BSD_LONG) / hz;
		t->valid = FB_CPU_USER | FB_CPU_NICE | FB_CPU_SYSTEM | FB_CPU_IRQ | FB_CPU_IDLE;
	}
	*n = cnt;
	return 0;
}

int fb__bsd_decode_clockinfo(const void *buf, size_t len, long *stathz)
{
	int32_t hz;

	if (len != FB_BSD_CLOCKINFO_SIZE)
		return -EINVAL;
	memcpy(&hz, (const unsigned char *)buf + FB_BSD_CLOCKINFO_STATHZ, sizeof(hz));
	if (hz <= 0) { /* no separate statistics clock: cp_time counts in hz */
		memcpy(&hz, buf, sizeof(hz));
		if (hz <= 0)
			return -EINVAL;
	}
	*stathz = hz;
	return 0;
}

int fb__bsd_decode_loadavg(const void *buf, size_t len, double out[3])
{
	const unsigned char *p = buf;
	uint64_t fscale;

	if (len != FB_BSD_LOADAVG_SIZE)
		return -EINVAL;
	fscale = get_u64(p + FB_BSD_LOADAVG_FSCALE);
	if (!fscale)
		return -EINVAL;
	for (int i = 0; i < 3; i++)
		out[i] = (double)get_u32(p + 4 * i) / (double)fscale;
	return 0;
}

int fb__bsd_decode_timeval(const void *buf, size_t len, double *out)
{
	const unsigned char *p = buf;
	int64_t sec, usec;

	if (len != FB_BSD_TIMEVAL_SIZE)
		return -EINVAL;
	memcpy(&sec, p, 8);
	memcpy(&usec, p + 8, 8);
	if (sec <= 0 || usec < 0 || usec >= 1000000)
		return -EINVAL;
	*out = (double)sec + (double)usec / 1e6;
	return 0;
}

int fb__bsd_decode_xswdev(const void *buf, size_t len, uint64_t *nblks, uint64_t *used)
{
	const unsigned char *p = buf;
	int32_t nb, us;

	if (len != FB_BSD_XSWDEV_SIZE || get_u32(p) != FB_BSD_XSWDEV_VERSION)
		return -EINVAL;
	memcpy(&nb, p + FB_BSD_XSWDEV_NBLKS, 4);
	memcpy(&us, p + FB_BSD_XSWDEV_USED, 4);
	if (nb < 0 || us < 0 || us > nb)
		return -EINVAL;
	*nblks = (uint64_t)nb;
	*used = (uint64_t)us;
	return 0;
}

void fb__bsd_vmem(const struct fb__bsd_vm_raw *r, struct fb_vmem *out)
{
	uint64_t ps = r->page_size;

	memset(out, 0, sizeof(*out));
	out->total = r->physmem;
	out->free = r->free * ps;
	out->active = r->active * ps;
	out->inactive = r->inactive * ps;
	out->cached = r->cache * ps;
	out->buffers = r->bufspace;
	out->available = (r->inactive + r->cache + r->free) * ps;
	if (out->available > out->total)
		out->available = out->total;
	out->used = (r->active + r->wire + r->cache) * ps;
	out->percent = out->total ? fb__round1((double)(out->total - out->available) * 100.0 /
					       (double)out->total)
				  : 0.0;
	out->valid = FB_VMEM_TOTAL | FB_VMEM_AVAILABLE | FB_VMEM_USED | FB_VMEM_FREE |
		     FB_VMEM_ACTIVE | FB_VMEM_INACTIVE | FB_VMEM_BUFFERS | FB_VMEM_CACHED |
		     FB_VMEM_PERCENT;
}
