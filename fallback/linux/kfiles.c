// SPDX-License-Identifier: BSD-2-Clause
/*
 * kfiles.c - the kernel files that vigil's tracers read outside this library, reached through
 * the library's one root so that a fixture tree stands in for them as it does for every
 * collector: open or name a file under proc/ or sys/ (kallsyms, a process's maps, the
 * kernel's BTF), ask whether a task exists, list a process's threads, and map block devices
 * between their numbers and their names in sysfs.
 */
#include "proc_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static FILE *root_fopen(enum fb_dir d, const char *rel)
{
	int dfd = fb__dirfd(d), fd;
	FILE *f;

	if (dfd < 0) {
		errno = -dfd;
		return NULL;
	}
	while (*rel == '/')
		rel++;
	fd = openat(dfd, *rel ? rel : ".", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "r");
	if (!f) {
		int err = errno;

		close(fd);
		errno = err;
	}
	return f;
}

FILE *fb_proc_fopen(const char *rel)
{
	return root_fopen(FB_DIR_PROC, rel);
}

FILE *fb_sys_fopen(const char *rel)
{
	return root_fopen(FB_DIR_SYS, rel);
}

int fb_proc_path(const char *rel, char *buf, size_t len)
{
	while (*rel == '/')
		rel++;
	return fb__path(FB_DIR_PROC, rel, buf, len);
}

int fb_sys_path(const char *rel, char *buf, size_t len)
{
	while (*rel == '/')
		rel++;
	return fb__path(FB_DIR_SYS, rel, buf, len);
}

bool fb_tid_exists(pid_t tid)
{
	char rel[32];
	int dfd = fb__dirfd(FB_DIR_PROC);

	/* /proc/TID resolves for every thread, though readdir lists only thread-group leaders */
	if (tid <= 0 || dfd < 0)
		return false;
	fb__fmt(rel, sizeof(rel), "%d", (int)tid);
	return faccessat(dfd, rel, F_OK, 0) == 0;
}

static int tid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

int fb_proc_tids(pid_t pid, pid_t **out, size_t *n)
{
	size_t cnt = 0, cap = 0;
	int dfd = fb__dirfd(FB_DIR_PROC), fd, err = 0;
	pid_t *v = NULL;
	struct dirent *de;
	char rel[32];
	DIR *dir;

	*out = NULL;
	*n = 0;
	if (dfd < 0)
		return dfd;
	if (pid <= 0)
		return -ESRCH;
	fb__fmt(rel, sizeof(rel), "%d/task", (int)pid);
	fd = openat(dfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		err = -errno;
		close(fd);
		return err;
	}
	while ((de = readdir(dir))) {
		const char *q = de->d_name;
		uint64_t tid;

		if (*q < '1' || *q > '9' || fb__parse_u64(&q, &tid) || *q || tid > INT_MAX)
			continue;
		err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
		if (err)
			goto close_dir;
		v[cnt++] = (pid_t)tid;
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), tid_cmp);
	*out = v;
	*n = cnt;
	v = NULL;
close_dir:
	free(v);
	closedir(dir);
	return err;
}

int fb_block_dev_name(uint32_t major, uint32_t minor, char *buf, size_t len)
{
	char rel[64], text[1024];
	const char *p;
	ssize_t r;

	fb__fmt(rel, sizeof(rel), "dev/block/%u:%u/uevent", major, minor);
	r = fb__read(FB_DIR_SYS, rel, text, sizeof(text));
	if (r < 0)
		return (int)r;
	for (p = text; p; p = fb__next_line(p)) {
		size_t k;

		if (strncmp(p, "DEVNAME=", 8))
			continue;
		p += 8;
		k = strcspn(p, "\n");
		if (!k || k >= len)
			break;
		memcpy(buf, p, k);
		buf[k] = '\0';
		return 0;
	}
	return -ENOENT;
}

static bool name_is_plain(const char *name)
{
	size_t n = strlen(name);

	return n && n < NAME_MAX && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

int fb_block_dev_number(const char *name, uint32_t *major, uint32_t *minor, bool *partition)
{
	char rel[NAME_MAX + 32], text[64];
	const char *p = text;
	uint64_t ma, mi;
	ssize_t r;
	int dfd;

	if (!strncmp(name, "/dev/", 5))
		name += 5;
	if (!name_is_plain(name))
		return -EINVAL;
	fb__fmt(rel, sizeof(rel), "class/block/%s/dev", name);
	r = fb__read(FB_DIR_SYS, rel, text, sizeof(text));
	if (r < 0)
		return (int)r;
	if (fb__parse_u64(&p, &ma) || *p++ != ':' || fb__parse_u64(&p, &mi) || ma >= 4096 ||
	    mi >= (1u << 20))
		return -EBADMSG;
	*major = (uint32_t)ma;
	*minor = (uint32_t)mi;
	dfd = fb__dirfd(FB_DIR_SYS);
	fb__fmt(rel, sizeof(rel), "class/block/%s/partition", name);
	*partition = dfd >= 0 && faccessat(dfd, rel, F_OK, 0) == 0;
	return 0;
}
