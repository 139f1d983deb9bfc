// SPDX-License-Identifier: BSD-2-Clause
/*
 * mem.c - virtual and swap memory on FreeBSD: hw.physmem and the vm.stats.vm page counters
 * (v_cache_count is gone since FreeBSD 12 and then counts as 0), vfs.bufspace for buffers;
 * swap from every vm.swap_info.N device (pages) and vm.stats.vm.v_swappgsin/out.  FreeBSD
 * has no shared or slab figure here: left invalid.
 */
#include "bsd_int.h"

#include <errno.h>
#include <string.h>
#include <sys/types.h>
#include <sys/sysctl.h>

int fb_virtual_memory(struct fb_vmem *out)
{
	struct fb__bsd_vm_raw r = { 0 };
	int err;

	err = fb__sysctl_uint("hw.physmem", &r.physmem);
	if (!err)
		err = fb__sysctl_uint("vm.stats.vm.v_page_size", &r.page_size);
	if (!err)
		err = fb__sysctl_uint("vm.stats.vm.v_free_count", &r.free);
	if (!err)
		err = fb__sysctl_uint("vm.stats.vm.v_active_count", &r.active);
	if (!err)
		err = fb__sysctl_uint("vm.stats.vm.v_inactive_count", &r.inactive);
	if (!err)
		err = fb__sysctl_uint("vm.stats.vm.v_wire_count", &r.wire);
	if (err)
		return err;
	/* optional: absent on newer or older releases */
	fb__sysctl_uint("vm.stats.vm.v_cache_count", &r.cache);
	fb__sysctl_uint("vm.stats.vm.v_laundry_count", &r.laundry);
	fb__sysctl_uint("vfs.bufspace", &r.bufspace);
	fb__bsd_vmem(&r, out);
	return 0;
}

int fb_swap_memory(struct fb_swap *out)
{
	int mib[CTL_MAXNAME];
	size_t miblen = CTL_MAXNAME - 1;
	uint64_t ps, pin, pout;

	memset(out, 0, sizeof(*out));
	if (fb__sysctl_uint("vm.stats.vm.v_page_size", &ps))
		return -ENODATA;
	if (sysctlnametomib("vm.swap_info", mib, &miblen))
		return -errno;
	for (int dev = 0;; dev++) {
		unsigned char buf[FB_BSD_XSWDEV_SIZE];
		size_t len = sizeof(buf);
		uint64_t nblks, used;

		mib[miblen] = dev;
		if (sysctl(mib, (u_int)miblen + 1, buf, &len, NULL, 0))
			break; /* ENOENT after the last device */
		if (fb__bsd_decode_xswdev(buf, len, &nblks, &used))
			return -EINVAL;
		out->total += nblks * ps;
		out->used += used * ps;
	}
	out->free = out->total - out->used;
	out->percent = out->total ? fb__round1((double)out->used * 100.0 / (double)out->total) : 0;
	out->valid = FB_SWAP_TOTAL | FB_SWAP_USED | FB_SWAP_FREE | FB_SWAP_PERCENT;
	if (!fb__sysctl_uint("vm.stats.vm.v_swappgsin", &pin) &&
	    !fb__sysctl_uint("vm.stats.vm.v_swappgsout", &pout)) {
		out->sin = pin * ps;
		out->sout = pout * ps;
		out->valid |= FB_SWAP_SIN | FB_SWAP_SOUT;
	}
	return 0;
}
