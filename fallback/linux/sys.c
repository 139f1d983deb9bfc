// SPDX-License-Identifier: BSD-2-Clause
/*
 * sys.c - whole-system facts that are not a subject of their own: boot_time() (the btime line
 * of /proc/stat, which follows wall-clock changes as psutil's does), pids() (the numeric
 * entries of /proc, thread-group ids only), pid_exists() (kill(pid, 0), then the Tgid line so
 * a thread id is not a process) and users() (utmp USER_PROCESS entries); and the kernel's task
 * count, which the BPF walks are checked against.
 */
#include "../common/fb_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utmpx.h>

int fb_boot_time(double *out)
{
	char buf[8192], *heap = NULL;
	const char *text = buf, *p;
	ssize_t r;
	int err = -ENODATA;

	r = fb__read(FB_DIR_PROC, "stat", buf, sizeof(buf));
	if (r < 0)
		return (int)r;
	if ((size_t)r + 1 >= sizeof(buf)) {
		r = fb__read_alloc(FB_DIR_PROC, "stat", &heap);
		if (r < 0)
			return (int)r;
		text = heap;
	}
	for (p = text; p; p = fb__next_line(p)) {
		if (strncmp(p, "btime ", 6) == 0) {
			const char *q = p + 6;
			uint64_t v;

			if (!fb__parse_u64(&q, &v)) {
				*out = (double)v;
				err = 0;
			}
			break;
		}
	}
	free(heap);
	return err;
}

int fb__pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

uint64_t fb__kernel_tasks(int procfd)
{
	char buf[128];
	const char *q;
	uint64_t n;

	if (fb__read_at(procfd, "loadavg", buf, sizeof(buf)) < 0)
		return 0;
	q = strchr(buf, '/');
	return q && (q++, !fb__parse_u64(&q, &n)) ? n : 0;
}

int fb__scan_pids(pid_t **out, size_t *n)
{
	size_t cnt = 0, cap = 0;
	pid_t *v = NULL;
	struct dirent *de;
	int dfd, err = 0;
	DIR *dir;

	dfd = openat(fb__dirfd(FB_DIR_PROC), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return fb__dirfd(FB_DIR_PROC) < 0 ? fb__dirfd(FB_DIR_PROC) : -errno;
	dir = fdopendir(dfd);
	if (!dir) {
		err = -errno;
		close(dfd);
		return err;
	}
	while ((de = readdir(dir))) {
		const char *q = de->d_name;
		uint64_t v64;

		if (*q < '1' || *q > '9' || fb__parse_u64(&q, &v64) || *q || v64 > INT_MAX)
			continue;
		err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
		if (err)
			goto close_dir;
		v[cnt++] = (pid_t)v64;
	}
	/* readdir of /proc is in pid order already, but a fixture tree's is not */
	qsort(v, cnt, sizeof(*v), fb__pid_cmp);
	*out = v;
	*n = cnt;
	v = NULL;
close_dir:
	free(v);
	closedir(dir);
	return err;
}

int fb_pids(pid_t **out, size_t *n)
{
	int err = fb__scan_pids(out, n);

	if (!err && !*n) {
		/* an empty procfs is an error, as psutil's tests expect */
		free(*out);
		*out = NULL;
		return -ENOENT;
	}
	return err;
}

bool fb_pid_exists(pid_t pid)
{
	char rel[64], buf[2048];
	uint64_t tgid;

	if (pid < 0)
		return false;
	if (pid == 0) {
		/* psutil: "0 in pids()" */
		return fb__read(FB_DIR_PROC, "0/stat", buf, sizeof(buf)) >= 0;
	}
	if (fb__root_is_live() && kill(pid, 0) && errno == ESRCH)
		return false;
	fb__fmt(rel, sizeof(rel), "%d/status", (int)pid);
	if (fb__read(FB_DIR_PROC, rel, buf, sizeof(buf)) >= 0 && !fb__kv_u64(buf, "Tgid", &tgid))
		return tgid == (uint64_t)pid;
	/* status unreadable: fall back to "pid in pids()" */
	fb__fmt(rel, sizeof(rel), "%d", (int)pid);
	return faccessat(fb__dirfd(FB_DIR_PROC), rel, F_OK, 0) == 0;
}

int fb_users(struct fb_user **out, size_t *n)
{
	struct fb_user *v = NULL;
	size_t cnt = 0, cap = 0;
	struct utmpx *ut;
	char path[PATH_MAX];
	int err;

	*out = NULL;
	*n = 0;
	err = fb__path(FB_DIR_RUN, "utmp", path, sizeof(path));
	if (err)
		return err;
	if (utmpxname(path))
		return 0; /* no utmp: no users, as psutil on musl */
	setutxent();
	while ((ut = getutxent())) {
		struct fb_user *u;

		if (ut->ut_type != USER_PROCESS)
			continue;
		err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
		if (err)
			goto end_utmp;
		u = &v[cnt++];
		memset(u, 0, sizeof(*u));
		memcpy(u->name, ut->ut_user, strnlen(ut->ut_user, sizeof(ut->ut_user)));
		memcpy(u->terminal, ut->ut_line, strnlen(ut->ut_line, sizeof(ut->ut_line)));
		memcpy(u->host, ut->ut_host, strnlen(ut->ut_host, sizeof(ut->ut_host)));
		if (u->terminal[0])
			u->valid |= FB_USER_TERMINAL;
		if (!u->host[0] || !strcmp(u->host, ":0") || !strcmp(u->host, ":0.0")) {
			strcpy(u->host, "localhost");
			u->valid |= FB_USER_HOST_IMPLIED;
		}
		u->valid |= FB_USER_HOST | FB_USER_PID;
		u->started = (double)ut->ut_tv.tv_sec;
		u->pid = ut->ut_pid;
	}
	*out = v;
	*n = cnt;
	v = NULL;
end_utmp:
	endutxent();
	free(v);
	return err;
}
