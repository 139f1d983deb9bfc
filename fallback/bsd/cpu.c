// SPDX-License-Identifier: BSD-2-Clause
/*
 * cpu.c - CPU times, counts, statistics, frequency and load average on FreeBSD: kern.cp_time
 * and kern.cp_times in statistics-clock ticks (kern.clockrate's stathz), hw.ncpu and
 * kern.smp.cores, vm.stats.sys.* counters, dev.cpu.0.freq (the load average is
 * sysctl/cpu.c's).  FreeBSD keeps no iowait, softirq, steal or guest time: those stay invalid.
 */
#include "bsd_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int stathz(long *hz)
{
	unsigned char buf[FB_BSD_CLOCKINFO_SIZE];
	size_t len = sizeof(buf);
	int err = fb__sysctl_fixed("kern.clockrate", buf, &len);

	return err ? err : fb__bsd_decode_clockinfo(buf, len, hz);
}

int fb_cpu_times(struct fb_cpu_times *out)
{
	unsigned char buf[FB_BSD_CPUSTATES * FB_BSD_LONG];
	size_t len = sizeof(buf), n;
	long hz;
	int err;

	err = stathz(&hz);
	if (!err)
		err = fb__sysctl_fixed("kern.cp_time", buf, &len);
	if (!err)
		err = fb__bsd_decode_cp_times(buf, len, hz, out, 1, &n);
	return err;
}

int fb_cpu_times_percpu(struct fb_cpu_times **out, size_t *n)
{
	struct fb_cpu_times *v;
	size_t len;
	void *buf;
	long hz;
	int err;

	*out = NULL;
	*n = 0;
	err = stathz(&hz);
	if (err)
		return err;
	err = fb__sysctl_alloc("kern.cp_times", &buf, &len);
	if (err)
		return err;
	v = calloc(len / (FB_BSD_CPUSTATES * FB_BSD_LONG) + 1, sizeof(*v));
	if (!v) {
		free(buf);
		return -ENOMEM;
	}
	err = fb__bsd_decode_cp_times(buf, len, hz, v, len / (FB_BSD_CPUSTATES * FB_BSD_LONG), n);
	free(buf);
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

	if (fb__sysctl_uint(logical ? "hw.ncpu" : "kern.smp.cores", &v) || !v)
		return -ENODATA;
	return (int)v;
}

int fb_cpu_stats(struct fb_cpu_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!fb__sysctl_uint("vm.stats.sys.v_swtch", &out->ctx_switches))
		out->valid |= FB_CPUSTAT_CTX;
	if (!fb__sysctl_uint("vm.stats.sys.v_intr", &out->interrupts))
		out->valid |= FB_CPUSTAT_INTR;
	if (!fb__sysctl_uint("vm.stats.sys.v_soft", &out->soft_interrupts))
		out->valid |= FB_CPUSTAT_SOFTIRQ;
	if (!fb__sysctl_uint("vm.stats.sys.v_syscall", &out->syscalls))
		out->valid |= FB_CPUSTAT_SYSCALLS;
	return out->valid ? 0 : -ENODATA;
}

int fb_cpu_freq(struct fb_cpu_freq *out)
{
	uint64_t mhz;

	memset(out, 0, sizeof(*out));
	/* dev.cpu.0.freq exists only with cpufreq(4) loaded */
	if (fb__sysctl_uint("dev.cpu.0.freq", &mhz))
		return -ENODATA;
	out->current = (double)mhz;
	out->valid = FB_FREQ_CURRENT;
	return 0;
}
