// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_iter.c - the process listing of FreeBSD and macOS, written once: pids() and the
 * iterator walk the pid-sorted entries the OS's fb__os_proc_scan() hook reads in one sysctl.
 */
#include "sysctl_int.h"

#include <errno.h>
#include <stdlib.h>

struct fb_proc_iter {
	uint32_t attrs;
	struct fb_proc_info *v;
	size_t n, next;
};

int fb_pids(pid_t **out, size_t *n)
{
	struct fb_proc_info *v;
	pid_t *p;
	size_t cnt;
	int err = fb__os_proc_scan(&v, &cnt);

	if (err)
		return err;
	p = calloc(cnt ? cnt : 1, sizeof(*p));
	if (!p) {
		free(v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < cnt; i++)
		p[i] = v[i].pid;
	free(v);
	*out = p;
	*n = cnt;
	return 0;
}

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
	free(it->v);
	it->v = NULL;
	it->n = it->next = 0;
	return fb__os_proc_scan(&it->v, &it->n);
}

const struct fb_proc_info *fb_proc_iter__next(struct fb_proc_iter *it)
{
	struct fb_proc_info *pi;

	if (it->next >= it->n) {
		errno = 0;
		return NULL;
	}
	pi = &it->v[it->next++];
	pi->valid &= it->attrs; /* user name and terminal need lookups not made here */
	return pi;
}

void fb_proc_iter__free(struct fb_proc_iter *it)
{
	if (!it)
		return;
	free(it->v);
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
	return "sysctl";
}
