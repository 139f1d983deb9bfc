// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc.c - the process listing on macOS: one kern.proc.all read (a struct kinfo_proc per
 * process) decoded and sorted by pid; pids() and pid_exists() (kern.proc.pid.N, an empty answer
 * when absent) use the same entries.  kinfo_proc has no CPU times or memory (psutil reads
 * those with proc_pidinfo, per process): the listing leaves them invalid.  The hooks of the
 * shared process handle (fallback/posix/proc.c) add them from proc_pidinfo(PROC_PIDTASKINFO),
 * with the path from proc_pidpath and the arguments from KERN_PROCARGS2.
 */
#include "darwin_decode.h"
#include "../posix/posix_int.h"

#include <errno.h>
#include <libproc.h>
#include <mach/mach_time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/sysctl.h>

struct fb_proc_iter {
	uint32_t attrs;
	struct fb_proc_info *v;
	size_t n, next;
};

static int info_cmp(const void *a, const void *b)
{
	pid_t x = ((const struct fb_proc_info *)a)->pid, y = ((const struct fb_proc_info *)b)->pid;

	return (x > y) - (x < y);
}

static int scan(struct fb_proc_info **out, size_t *n)
{
	int mib[4] = { CTL_KERN, KERN_PROC, KERN_PROC_ALL, 0 };
	struct fb_proc_info *v = NULL;
	size_t len = 0, cnt = 0;
	char *buf = NULL;
	int err = -ENOMEM;

	*out = NULL;
	*n = 0;
	/* the table grows between the size query and the read: retry a few times */
	for (int tries = 0; tries < 8; tries++) {
		if (sysctl(mib, 3, NULL, &len, NULL, 0))
			return -errno;
		len += len / 8 + FB_DARWIN_KINFO_PROC_SIZE * 16;
		free(buf);
		buf = malloc(len);
		if (!buf)
			return -ENOMEM;
		if (!sysctl(mib, 3, buf, &len, NULL, 0)) {
			err = 0;
			break;
		}
		err = -errno;
		if (err != -ENOMEM)
			break;
	}
	if (err)
		goto free_buf;
	v = calloc(len / FB_DARWIN_KINFO_PROC_SIZE + 1, sizeof(*v));
	if (!v) {
		err = -ENOMEM;
		goto free_buf;
	}
	for (size_t off = 0; off + FB_DARWIN_KINFO_PROC_SIZE <= len;
	     off += FB_DARWIN_KINFO_PROC_SIZE) {
		if (!fb__darwin_decode_kinfo_proc(buf + off, len - off, &v[cnt]))
			cnt++;
	}
	qsort(v, cnt, sizeof(*v), info_cmp);
	*out = v;
	*n = cnt;
free_buf:
	free(buf);
	return err;
}

int fb_pids(pid_t **out, size_t *n)
{
	struct fb_proc_info *v;
	pid_t *p;
	size_t cnt;
	int err = scan(&v, &cnt);

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

bool fb_pid_exists(pid_t pid)
{
	int mib[4] = { CTL_KERN, KERN_PROC, KERN_PROC_PID, (int)pid };
	unsigned char buf[FB_DARWIN_KINFO_PROC_SIZE];
	size_t len = sizeof(buf);

	if (pid < 0)
		return false;
	return sysctl(mib, 4, buf, &len, NULL, 0) == 0 && len >= FB_DARWIN_KINFO_PROC_SIZE;
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
	return scan(&it->v, &it->n);
}

const struct fb_proc_info *fb_proc_iter__next(struct fb_proc_iter *it)
{
	struct fb_proc_info *pi;

	if (it->next >= it->n) {
		errno = 0;
		return NULL;
	}
	pi = &it->v[it->next++];
	pi->valid &= it->attrs;
	return pi;
}

void fb_proc_iter__free(struct fb_proc_iter *it)
{
	if (!it)
		return;
	free(it->v);
	free(it);
}

/* ------------------------------------------------ hooks of the shared handle (posix/proc.c) */

int fb__os_proc_info(pid_t pid, struct fb_proc_info *pi)
{
	int mib[4] = { CTL_KERN, KERN_PROC, KERN_PROC_PID, (int)pid };
	_Alignas(8) unsigned char kp[FB_DARWIN_KINFO_PROC_SIZE], ti[FB_DARWIN_TASKINFO_SIZE];
	mach_timebase_info_data_t tb = { 0 };
	size_t len = sizeof(kp);
	int err;

	if (pid < 0)
		return -ESRCH;
	if (sysctl(mib, 4, kp, &len, NULL, 0))
		return -errno;
	if (len < FB_DARWIN_KINFO_PROC_SIZE)
		return -ESRCH;
	err = fb__darwin_decode_kinfo_proc(kp, len, pi);
	if (err)
		return err;
	/* times and memory need task access: another user's process refuses (left invalid) */
	if (proc_pidinfo(pid, PROC_PIDTASKINFO, 0, ti, (int)sizeof(ti)) == (int)sizeof(ti) &&
	    mach_timebase_info(&tb) == KERN_SUCCESS)
		fb__darwin_decode_taskinfo(ti, sizeof(ti), tb.numer, tb.denom, pi);
	return 0;
}

int fb__os_proc_exe(pid_t pid, char *buf, size_t len)
{
	char path[PROC_PIDPATHINFO_MAXSIZE];

	if (proc_pidpath(pid, path, sizeof(path)) <= 0)
		return -errno;
	fb__copy(buf, len, path);
	return 0;
}

int fb__os_proc_cmdline(pid_t pid, struct fb_strv *out)
{
	int mib[3] = { CTL_KERN, KERN_PROCARGS2, (int)pid }, argmax = 0;
	int amib[2] = { CTL_KERN, KERN_ARGMAX };
	size_t len = sizeof(argmax);
	char *buf;
	int err;

	out->n = 0;
	out->v = NULL;
	if (sysctl(amib, 2, &argmax, &len, NULL, 0) || argmax <= 0)
		return -EIO;
	buf = malloc((size_t)argmax);
	if (!buf)
		return -ENOMEM;
	len = (size_t)argmax;
	err = sysctl(mib, 3, buf, &len, NULL, 0) ? -errno : 0;
	if (!err)
		err = fb__darwin_decode_procargs2(buf, len, out);
	free(buf);
	return err;
}
