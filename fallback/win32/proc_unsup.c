// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_unsup.c - the psutil.Process methods this Win32 backend does not provide yet, each an
 * honest -ENOTSUP recorded as the method's error.  Some have Windows equivalents psutil uses
 * (handle names for open files); others have no Windows meaning (uids, gids, terminal,
 * ionice classes, rlimits).
 */
#include "proc_int.h"

#include <errno.h>

#define UNSUP(p, what) fb__proc_fail((p), (what), -ENOTSUP)

int fb_proc__uids(struct fb_proc *p, struct fb_ids *out)
{
	(void)out;
	return UNSUP(p, "uids");
}

int fb_proc__gids(struct fb_proc *p, struct fb_ids *out)
{
	(void)out;
	return UNSUP(p, "gids");
}

int fb_proc__terminal(struct fb_proc *p, char *buf, size_t len)
{
	(void)buf, (void)len;
	return UNSUP(p, "terminal");
}

int fb_proc__ionice(struct fb_proc *p, enum fb_ioprio_class *ioclass, int *value)
{
	(void)ioclass, (void)value;
	return UNSUP(p, "ionice");
}

int fb_proc__set_ionice(struct fb_proc *p, enum fb_ioprio_class ioclass, int value)
{
	(void)ioclass, (void)value;
	return UNSUP(p, "ionice");
}

int fb_proc__rlimit(struct fb_proc *p, int resource, int64_t *soft, int64_t *hard)
{
	(void)resource, (void)soft, (void)hard;
	return UNSUP(p, "rlimit");
}

int fb_proc__set_rlimit(struct fb_proc *p, int resource, int64_t soft, int64_t hard)
{
	(void)resource, (void)soft, (void)hard;
	return UNSUP(p, "rlimit");
}

int fb_proc__cpu_num(struct fb_proc *p, int *out)
{
	(void)out;
	return UNSUP(p, "cpu_num");
}

int fb_proc__open_files(struct fb_proc *p, struct fb_open_file **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return UNSUP(p, "open_files");
}

int fb_proc__page_faults(struct fb_proc *p, uint64_t *minor, uint64_t *major)
{
	(void)minor, (void)major;
	return UNSUP(p, "page_faults"); /* Windows counts faults without a minor/major split */
}

int fb_proc__fds(struct fb_proc *p, struct fb_fds *out)
{
	out->v = NULL;
	out->n = 0;
	return UNSUP(p, "fds"); /* lsof's view would need the handle table, as open_files */
}

int fb_proc__fds_ex(struct fb_proc *p, uint32_t what, struct fb_fds *out)
{
	(void)what;
	return fb_proc__fds(p, out);
}

int fb_net_sockets(enum fb_conn_kind kind, struct fb_conn **out, size_t *n)
{
	return fb_net_connections(kind, out, n);
}
