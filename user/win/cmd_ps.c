// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_ps.c (Windows): `vigil ps`, psutil's process_iter() over the library's fast listing: pid,
 * ppid, name, status, threads, CPU seconds and resident memory per process, as a table or JSON.
 * Values a platform cannot read for a process are "-" (table) or null (JSON).
 */
#include "fbcmd.h"

#include <errno.h>
#include <stdio.h>

#include "fallback.h"
#include "wjson.h"

#define PS_ATTRS                                                                                   \
	(FB_PI_NAME | FB_PI_STATUS | FB_PI_CPU_TIMES | FB_PI_MEMORY_INFO | FB_PI_PPID |            \
	 FB_PI_NUM_THREADS | FB_PI_CREATE_TIME)

static void row_json(struct fj *j, const struct fb_proc_info *pi)
{
	bool cpu = pi->valid & FB_PI_CPU_TIMES, mem = pi->valid & FB_PI_MEMORY_INFO;

	fj__obj(j, NULL);
	fj__s64(j, "pid", pi->pid);
	fj__u64_if(j, "ppid", pi->valid & FB_PI_PPID, (uint64_t)pi->ppid);
	if (pi->valid & FB_PI_NAME)
		fj__str(j, "name", pi->name);
	else
		fj__null(j, "name");
	if (pi->valid & FB_PI_STATUS)
		fj__str(j, "status", fb_status_name(pi->status));
	else
		fj__null(j, "status");
	fj__u64_if(j, "num_threads", pi->valid & FB_PI_NUM_THREADS, (uint64_t)pi->num_threads);
	fj__f64_if(j, "create_time", pi->valid & FB_PI_CREATE_TIME, pi->create_time);
	fj__f64_if(j, "cpu_user", cpu, pi->cpu_times.user);
	fj__f64_if(j, "cpu_system", cpu, pi->cpu_times.system);
	fj__u64_if(j, "rss", mem, pi->memory_info.rss);
	fj__u64_if(j, "vms", mem, pi->memory_info.vms);
	fj__end(j);
}

static void row_table(const struct fb_proc_info *pi)
{
	char ppid[16] = "-", thr[16] = "-", cpu[32] = "-", rss[16] = "-";

	if (pi->valid & FB_PI_PPID)
		snprintf(ppid, sizeof(ppid), "%d", (int)pi->ppid);
	if (pi->valid & FB_PI_NUM_THREADS)
		snprintf(thr, sizeof(thr), "%d", pi->num_threads);
	if (pi->valid & FB_PI_CPU_TIMES)
		snprintf(cpu, sizeof(cpu), "%.2f", pi->cpu_times.user + pi->cpu_times.system);
	if (pi->valid & FB_PI_MEMORY_INFO)
		fb_bytes2human(pi->memory_info.rss, rss, sizeof(rss));
	printf("%7d %7s %-10s %4s %9s %8s  %s\n", (int)pi->pid, ppid,
	       pi->valid & FB_PI_STATUS ? fb_status_name(pi->status) : "-", thr, cpu, rss,
	       pi->valid & FB_PI_NAME ? pi->name : "-");
}

int cmd_ps(int argc, char **argv)
{
	const struct fb_proc_info *pi;
	struct fb_proc_iter *it;
	struct fbcmd_opts o;
	struct fj j;
	int npos, err;

	err = fbcmd_parse("ps", "[--format table|json]  (every process, psutil's process_iter)", "",
			  argc, argv, &o, NULL, &npos, 0);
	if (err)
		return err == 1 ? 0 : err;
	it = fb_proc_iter__new(PS_ATTRS);
	if (!it)
		return fbcmd_fail("ps", "process listing", -errno);
	if (o.json) {
		fj__init(&j, stdout);
		fj__arr(&j, NULL);
	} else {
		printf("%7s %7s %-10s %4s %9s %8s  %s\n", "PID", "PPID", "STATUS", "THR", "CPU(s)",
		       "RSS", "NAME");
	}
	while ((pi = fb_proc_iter__next(it))) {
		if (o.json)
			row_json(&j, pi);
		else
			row_table(pi);
	}
	err = errno;
	if (o.json)
		fj__end(&j);
	fb_proc_iter__free(it);
	if (err)
		return fbcmd_fail("ps", "process listing", -err);
	return fflush(stdout) ? 1 : 0;
}
