// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc.c - the process listing on FreeBSD: one kern.proc.proc read (every process, one
 * struct kinfo_proc each, threads folded) decoded entry by entry, sorted by pid, as the
 * fb__os_proc_scan() hook that pids() and the iterator (posix/proc_iter.c) walk;
 * pid_exists() asks kern.proc.pid.N.  The hooks of the
 * shared process handle (fallback/posix/proc.c) read one entry (kern.proc.pid.N), the path
 * (kern.proc.pathname.N) and the arguments (kern.proc.args.N, NUL-separated).
 */
#include "bsd_int.h"
#include "../sysctl/sysctl_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/sysctl.h>

static int info_cmp(const void *a, const void *b)
{
	pid_t x = ((const struct fb_proc_info *)a)->pid, y = ((const struct fb_proc_info *)b)->pid;

	return (x > y) - (x < y);
}

/* Every process, decoded and sorted; *out is freed with free(). */
int fb__os_proc_scan(struct fb_proc_info **out, size_t *n)
{
	struct fb_proc_info *v;
	uint64_t ps;
	size_t len, cnt = 0;
	void *buf;
	int err;

	*out = NULL;
	*n = 0;
	err = fb__sysctl_uint("vm.stats.vm.v_page_size", &ps);
	if (!err)
		err = fb__sysctl_alloc("kern.proc.proc", &buf, &len);
	if (err)
		return err;
	v = calloc(len / FB_BSD_KINFO_PROC_SIZE + 1, sizeof(*v));
	if (!v) {
		free(buf);
		return -ENOMEM;
	}
	for (size_t off = 0; off + FB_BSD_KINFO_PROC_SIZE <= len; off += FB_BSD_KINFO_PROC_SIZE) {
		err = fb__bsd_decode_kinfo_proc((char *)buf + off, len - off, ps, &v[cnt]);
		if (err)
			break;
		cnt++;
	}
	free(buf);
	if (err) {
		free(v);
		return err;
	}
	qsort(v, cnt, sizeof(*v), info_cmp);
	*out = v;
	*n = cnt;
	return 0;
}

bool fb_pid_exists(pid_t pid)
{
	int mib[4] = { CTL_KERN, KERN_PROC, KERN_PROC_PID, (int)pid };
	size_t len = 0;

	if (pid < 0)
		return false;
	return sysctl(mib, 4, NULL, &len, NULL, 0) == 0 && len > 0;
}

int fb__os_proc_info(pid_t pid, struct fb_proc_info *pi)
{
	int mib[4] = { CTL_KERN, KERN_PROC, KERN_PROC_PID, (int)pid };
	unsigned char buf[FB_BSD_KINFO_PROC_SIZE];
	size_t len = sizeof(buf);
	uint64_t ps;
	int err;

	if (pid < 0)
		return -ESRCH;
	err = fb__sysctl_uint("vm.stats.vm.v_page_size", &ps);
	if (err)
		return err;
	if (sysctl(mib, 4, buf, &len, NULL, 0))
		return errno == ENOENT ? -ESRCH : -errno;
	if (!len)
		return -ESRCH;
	return fb__bsd_decode_kinfo_proc(buf, len, ps, pi);
}

int fb__os_proc_exe(pid_t pid, char *buf, size_t len)
{
	int mib[4] = { CTL_KERN, KERN_PROC, KERN_PROC_PATHNAME, (int)pid };
	size_t n = len;

	if (!len)
		return -EINVAL;
	if (sysctl(mib, 4, buf, &n, NULL, 0))
		return errno == ENOENT ? -ESRCH : -errno;
	buf[n < len ? n : len - 1] = '\0';
	return 0;
}

int fb__os_proc_cmdline(pid_t pid, struct fb_strv *out)
{
	int mib[4] = { CTL_KERN, KERN_PROC, KERN_PROC_ARGS, (int)pid };
	char buf[65536];
	size_t len = sizeof(buf);

	out->n = 0;
	out->v = NULL;
	if (sysctl(mib, 4, buf, &len, NULL, 0))
		return errno == ENOENT ? -ESRCH : -errno;
	return fb__strv_split(buf, len, '\0', out);
}
