// SPDX-License-Identifier: BSD-2-Clause
/*
 * cpu.c - CPU times and counts on Windows.  Per-CPU times come from
 * NtQuerySystemInformation(SystemProcessorPerformanceInformation), whose kernel time includes
 * the idle time (so system = kernel - idle), and carry DPC and interrupt time, which land in
 * softirq and irq (psutil's "dpc" and "interrupt").  The total is the sum over CPUs, as psutil
 * sums them for interrupt and dpc.  Windows has no nice, iowait, steal or guest times, no
 * load average and no per-CPU frequency through a documented call: those are invalid or
 * -ENOTSUP.  The usable CPU count is the process affinity mask's; there are no cgroups.
 * cpu_stats() has the interrupt count only (InterruptCount summed over CPUs), invalid when
 * that sum is 0.
 */
#include "fb_win.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <winternl.h>

#define WIN_CPU_VALID (FB_CPU_USER | FB_CPU_SYSTEM | FB_CPU_IDLE | FB_CPU_IRQ | FB_CPU_SOFTIRQ)

static int read_percpu(SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION **out, size_t *n)
{
	void *buf;
	size_t len;
	int err;

	err = fb__ntqsi(SystemProcessorPerformanceInformation, &buf, &len);
	if (err)
		return err;
	*n = len / sizeof(**out);
	if (!*n) {
		free(buf);
		return -ENODATA;
	}
	*out = buf;
	return 0;
}

static void decode_cpu(const SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION *p, struct fb_cpu_times *t)
{
	uint64_t idle = (uint64_t)p->IdleTime.QuadPart, kernel = (uint64_t)p->KernelTime.QuadPart;

	memset(t, 0, sizeof(*t));
	t->user = fb__ticks_sec((uint64_t)p->UserTime.QuadPart);
	t->system = fb__ticks_sec(kernel > idle ? kernel - idle : 0);
	t->idle = fb__ticks_sec(idle);
	t->softirq = fb__ticks_sec((uint64_t)p->Reserved1[0].QuadPart); /* DpcTime */
	t->irq = fb__ticks_sec((uint64_t)p->Reserved1[1].QuadPart);	/* InterruptTime */
	t->valid = WIN_CPU_VALID;
}

int fb_cpu_times_percpu(struct fb_cpu_times **out, size_t *n)
{
	SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION *raw;
	struct fb_cpu_times *v;
	size_t cnt;
	int err;

	err = read_percpu(&raw, &cnt);
	if (err)
		return err;
	v = calloc(cnt, sizeof(*v));
	if (!v) {
		free(raw);
		return -ENOMEM;
	}
	for (size_t i = 0; i < cnt; i++)
		decode_cpu(&raw[i], &v[i]);
	free(raw);
	*out = v;
	*n = cnt;
	return 0;
}

int fb_cpu_times(struct fb_cpu_times *out)
{
	struct fb_cpu_times *v;
	size_t n;
	int err;

	err = fb_cpu_times_percpu(&v, &n);
	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		out->user += v[i].user;
		out->system += v[i].system;
		out->idle += v[i].idle;
		out->irq += v[i].irq;
		out->softirq += v[i].softirq;
	}
	out->valid = WIN_CPU_VALID;
	free(v);
	return 0;
}

int fb_cpu_count(bool logical)
{
	SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX *info = NULL;
	DWORD len = 0, off = 0;
	int cores = 0;

	if (logical) {
		DWORD n = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);

		return n ? (int)n : -ENODATA;
	}
	GetLogicalProcessorInformationEx(RelationProcessorCore, NULL, &len);
	if (!len)
		return -ENODATA;
	info = malloc(len);
	if (!info)
		return -ENOMEM;
	if (!GetLogicalProcessorInformationEx(RelationProcessorCore, info, &len)) {
		free(info);
		return -ENODATA;
	}
	while (off < len) {
		SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX *e = (void *)((char *)info + off);

		if (!e->Size)
			break;
		cores += e->Relationship == RelationProcessorCore;
		off += e->Size;
	}
	free(info);
	return cores ? cores : -ENODATA;
}

int fb_cpu_count_usable(void)
{
	DWORD_PTR mask, sys;
	int n = 0;

	if (!GetProcessAffinityMask(GetCurrentProcess(), &mask, &sys))
		return fb_cpu_count(true);
	for (; mask; mask &= mask - 1)
		n++;
	return n ? n : -ENODATA;
}

int fb_cgroup_limits(pid_t pid, struct fb_cgroup_limits *out)
{
	(void)pid, (void)out;
	return -ENOTSUP; /* Windows job objects are not cgroups */
}

int fb_cpu_stats(struct fb_cpu_stats *out)
{
	SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION *raw;
	size_t n;
	int err;

	err = read_percpu(&raw, &n);
	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out->interrupts += raw[i].Reserved2; /* InterruptCount */
	/* context switches and syscalls need SystemPerformanceInformation: not read yet.  No
	 * interrupt on any CPU since boot is no count at all (wine leaves InterruptCount at 0):
	 * invalid, not a valid 0. */
	out->valid = out->interrupts ? FB_CPUSTAT_INTR : 0;
	free(raw);
	return 0;
}

int fb_cpu_freq(struct fb_cpu_freq *out)
{
	(void)out;
	return -ENOTSUP;
}

int fb_cpu_freq_percpu(struct fb_cpu_freq **out, size_t *n)
{
	(void)out;
	*n = 0;
	return -ENOTSUP;
}

int fb_getloadavg(double out[3])
{
	(void)out;
	return -ENOTSUP; /* Windows has no load average; psutil emulates one with a thread */
}
