// SPDX-License-Identifier: BSD-2-Clause
/*
 * mem.c - virtual and swap memory on macOS: hw.memsize and hw.pagesize with the Mach
 * vm_statistics64 page counts (host_statistics64 HOST_VM_INFO64), and vm.swapusage for the
 * dynamic swap files; psutil's sin/sout are the page-ins and page-outs.  macOS gives no
 * buffers, cached, shared or slab figures: left invalid.
 */
#include "darwin_decode.h"

#include <errno.h>
#include <mach/mach.h>
#include <string.h>
#include <sys/types.h>
#include <sys/sysctl.h>

static int vmstat64(unsigned char buf[FB_DARWIN_VMSTAT64_SIZE])
{
	mach_msg_type_number_t count = HOST_VM_INFO64_COUNT;
	host_t host = mach_host_self();
	kern_return_t kr;

	kr = host_statistics64(host, HOST_VM_INFO64, (host_info64_t)buf, &count);
	mach_port_deallocate(mach_task_self(), host);
	return kr == KERN_SUCCESS && count == HOST_VM_INFO64_COUNT ? 0 : -EIO;
}

static int page_size(uint64_t *ps)
{
	unsigned char buf[8] = { 0 };
	size_t len = sizeof(buf);

	if (sysctlbyname("hw.pagesize", buf, &len, NULL, 0))
		return -errno;
	if (len == 4) {
		uint32_t v;

		memcpy(&v, buf, 4);
		*ps = v;
	} else {
		memcpy(ps, buf, 8);
	}
	return 0;
}

int fb_virtual_memory(struct fb_vmem *out)
{
	_Alignas(8) unsigned char buf[FB_DARWIN_VMSTAT64_SIZE];
	uint64_t memsize = 0, ps;
	size_t len = sizeof(memsize);
	int err;

	if (sysctlbyname("hw.memsize", &memsize, &len, NULL, 0))
		return -errno;
	err = page_size(&ps);
	if (!err)
		err = vmstat64(buf);
	return err ? err : fb__darwin_decode_vmstat(buf, sizeof(buf), memsize, ps, out);
}

int fb_swap_memory(struct fb_swap *out)
{
	_Alignas(8) unsigned char buf[FB_DARWIN_VMSTAT64_SIZE], xsw[FB_DARWIN_XSW_SIZE];
	size_t len = sizeof(xsw);
	uint64_t ps, pin, pout;
	int err;

	if (sysctlbyname("vm.swapusage", xsw, &len, NULL, 0))
		return -errno;
	err = fb__darwin_decode_xsw_usage(xsw, len, out);
	if (err)
		return err;
	if (!page_size(&ps) && !vmstat64(buf) &&
	    !fb__darwin_decode_vm_paging(buf, sizeof(buf), &pin, &pout)) {
		out->sin = pin * ps;
		out->sout = pout * ps;
		out->valid |= FB_SWAP_SIN | FB_SWAP_SOUT;
	}
	return 0;
}
