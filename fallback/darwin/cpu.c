// SPDX-License-Identifier: BSD-2-Clause
/*
 * cpu.c - CPU times, counts, frequency and load average on macOS: the Mach host interface
 * for ticks (host_statistics HOST_CPU_LOAD_INFO for the total, host_processor_info
 * PROCESSOR_CPU_LOAD_INFO per CPU, whose buffer is given back with vm_deallocate), and sysctl
 * for hw.logicalcpu, hw.physicalcpu and hw.cpufrequency (Intel only; the load average is
 * sysctl/cpu.c's).  macOS
 * reports no iowait, irq or softirq time and no context-switch counters here.
 */
#include "darwin_decode.h"
#include "../sysctl/sysctl_int.h"

#include <errno.h>
#include <mach/mach.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/sysctl.h>

int fb_cpu_times(struct fb_cpu_times *out)
{
	natural_t ticks[HOST_CPU_LOAD_INFO_COUNT];
	mach_msg_type_number_t count = HOST_CPU_LOAD_INFO_COUNT;
	host_t host = mach_host_self();
	kern_return_t kr;
	size_t n;

	kr = host_statistics(host, HOST_CPU_LOAD_INFO, (host_info_t)ticks, &count);
	mach_port_deallocate(mach_task_self(), host);
	if (kr != KERN_SUCCESS || count != HOST_CPU_LOAD_INFO_COUNT)
		return -EIO;
	return fb__darwin_decode_cpu_load(ticks, sizeof(ticks), out, 1, &n);
}

int fb_cpu_times_percpu(struct fb_cpu_times **out, size_t *n)
{
	processor_info_array_t info;
	mach_msg_type_number_t count;
	host_t host = mach_host_self();
	struct fb_cpu_times *v;
	natural_t ncpu;
	kern_return_t kr;
	int err;

	*out = NULL;
	*n = 0;
	kr = host_processor_info(host, PROCESSOR_CPU_LOAD_INFO, &ncpu, &info, &count);
	mach_port_deallocate(mach_task_self(), host);
	if (kr != KERN_SUCCESS)
		return -EIO;
	v = calloc(ncpu ? ncpu : 1, sizeof(*v));
	err = v ? fb__darwin_decode_cpu_load(info, (size_t)count * sizeof(integer_t), v, ncpu, n)
		: -ENOMEM;
	vm_deallocate(mach_task_self(), (vm_address_t)info, (vm_size_t)count * sizeof(integer_t));
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	return 0;
}

int fb_cpu_count(bool logical)
{
	uint64_t v;

	if (fb__sysctl_uint(logical ? "hw.logicalcpu" : "hw.physicalcpu", &v) || !v)
		return -ENODATA;
	return (int)v;
}

int fb_cpu_stats(struct fb_cpu_stats *out)
{
	(void)out;
	return -ENOTSUP; /* psutil reads these from the Mach VM and processor counters: not yet */
}

int fb_cpu_freq(struct fb_cpu_freq *out)
{
	uint64_t hz;

	memset(out, 0, sizeof(*out));
	if (fb__sysctl_uint("hw.cpufrequency", &hz))
		return -ENODATA; /* Apple silicon has no such key */
	out->current = (double)hz / 1e6;
	out->valid = FB_FREQ_CURRENT;
	if (!fb__sysctl_uint("hw.cpufrequency_min", &hz)) {
		out->min = (double)hz / 1e6;
		out->valid |= FB_FREQ_MIN;
	}
	if (!fb__sysctl_uint("hw.cpufrequency_max", &hz)) {
		out->max = (double)hz / 1e6;
		out->valid |= FB_FREQ_MAX;
	}
	return 0;
}
