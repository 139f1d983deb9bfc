// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_iter.c - the fast process listing on Windows: one read of the kernel's process table
 * per scan (NtQuerySystemInformation), walked in pid order.  Name, parent, creation time, CPU
 * times, memory and thread count come from the table for every process; the owner needs the
 * process opened and is only read when asked for; Unix-only attributes stay invalid.
 */
#include "proc_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct fb_proc_iter {
	uint32_t attrs;
	struct fb__nt_row *rows;
	size_t n, next;
	struct fb_proc_info info;
};

#define WIN_PI_TABLE                                                                               \
	(FB_PI_NAME | FB_PI_STATUS | FB_PI_CPU_TIMES | FB_PI_MEMORY_INFO | FB_PI_PPID |            \
	 FB_PI_CREATE_TIME | FB_PI_NUM_THREADS)

struct fb_proc_iter *fb_proc_iter__new(uint32_t attrs)
{
	struct fb_proc_iter *it = calloc(1, sizeof(*it));
	int err;

	if (!it) {
		errno = ENOMEM;
		return NULL;
	}
	it->attrs = attrs;
	err = fb_proc_iter__rewind(it);
	if (err) {
		fb_proc_iter__free(it);
		errno = -err;
		return NULL;
	}
	return it;
}

int fb_proc_iter__rewind(struct fb_proc_iter *it)
{
	free(it->rows);
	it->rows = NULL;
	it->n = it->next = 0;
	return fb__nt_list(&it->rows, &it->n);
}

const struct fb_proc_info *fb_proc_iter__next(struct fb_proc_iter *it)
{
	struct fb_proc_info *pi = &it->info;
	const struct fb__nt_row *r;

	if (it->next >= it->n) {
		errno = 0;
		return NULL;
	}
	r = &it->rows[it->next++];
	memset(pi, 0, sizeof(*pi));
	pi->pid = r->pid;
	pi->ppid = r->ppid;
	fb__copy(pi->name, sizeof(pi->name), r->name);
	pi->status = FB_STATUS_RUNNING;
	pi->cpu_times.user = r->user;
	pi->cpu_times.system = r->system;
	pi->memory_info.rss = r->rss;
	pi->memory_info.vms = r->vms;
	pi->memory_info.shared = pi->memory_info.text = pi->memory_info.data = FB_MEM_UNKNOWN;
	pi->create_time = r->create_time;
	pi->num_threads = r->num_threads;
	pi->valid = it->attrs & WIN_PI_TABLE;
	if (it->attrs & FB_PI_USERNAME) {
		struct fb_proc p = { .pid = r->pid };

		if (!fb_proc__username(&p, pi->username, sizeof(pi->username)))
			pi->valid |= FB_PI_USERNAME;
	}
	return pi;
}

void fb_proc_iter__free(struct fb_proc_iter *it)
{
	if (!it)
		return;
	free(it->rows);
	free(it);
}

/* No kernel-side walker on this platform: a feed is ignored, the scan is the system's. */
void fb_proc_iter__set_feed(const struct fb_proc_feed *feed)
{
	(void)feed;
}

const char *fb_proc_iter__source(const struct fb_proc_iter *it)
{
	(void)it;
	return "win32";
}
