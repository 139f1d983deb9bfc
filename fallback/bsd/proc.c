// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc.c - the process listing on FreeBSD: one kern.proc.proc read (every process, one
 * struct kinfo_proc each, threads folded) decoded entry by entry, sorted by pid; pids() and
 * pid_exists() (kern.proc.pid.N, ESRCH when absent) use the same entries.  The hooks of the
 * shared process handle (fallback/posix/proc.c) read one entry (kern.proc.pid.N), the path
 * (kern.proc.pathname.N) and the arguments (kern.proc.args.N, NUL-separated).
 */
#include "bsd_int.h"
#include "../posix/posix_int.h"

#include <errno.h>
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

/* Every process, decoded and sorted; *out is freed with free(). */
static int scan(struct fb_proc_info **out, size_t *n)
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
