// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc.c - the process listing on macOS: one kern.proc.all read (a struct kinfo_proc per
 * process) decoded and sorted by pid, as the fb__os_proc_scan() hook that pids() and the
 * iterator (posix/proc_iter.c) walk; pid_exists() asks kern.proc.pid.N (empty when absent). 
 * kinfo_proc has no CPU times or memory (psutil reads
 * those with proc_pidinfo, per process): the listing leaves them invalid.  The hooks of the
 * shared process handle (fallback/posix/proc.c) add them from proc_pidinfo(PROC_PIDTASKINFO),
 * with the path from proc_pidpath and the arguments from KERN_PROCARGS2.
 */
#include "darwin_decode.h"
#include "../sysctl/sysctl_int.h"

#include <errno.h>
#include <libproc.h>
#include <mach/mach_time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/sysctl.h>

static int info_cmp(const void *a, const void *b)
{
	pid_t x = ((const struct fb_proc_info *)a)->pid, y = ((const struct fb_proc_info *)b)->pid;

	return (x > y) - (x < y);
}

int fb__os_proc_scan(struct fb_proc_info **out, size_t *n)
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

bool fb_pid_exists(pid_t pid)
{
	int mib[4] = { CTL_KERN, KERN_PROC, KERN_PROC_PID, (int)pid };
	unsigned char buf[FB_DARWIN_KINFO_PROC_SIZE];
	size_t len = sizeof(buf);

	if (pid < 0)
		return false;
	return sysctl(mib, 4, buf, &len, NULL, 0) == 0 && len >= FB_DARWIN_KINFO_PROC_SIZE;
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
