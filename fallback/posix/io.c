// SPDX-License-Identifier: BSD-2-Clause
/*
 * io.c - whole-file reads for procfs and sysfs.  /proc files report size 0, so files are read
 * with plain read() until EOF: into a caller's stack buffer for the small per-process files,
 * or into a growing heap buffer for tables of unknown size (smaps, mounts, /proc/net/unix).
 * No stdio: a FILE per file is most of psutil's cost on a process scan.
 */
#include "posix_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static ssize_t read_fd(int fd, char *buf, size_t len)
{
	size_t off = 0;

	while (off + 1 < len) {
		ssize_t r = read(fd, buf + off, len - 1 - off);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		off += (size_t)r;
	}
	buf[off] = '\0';
	return (ssize_t)off;
}

ssize_t fb__read_at(int dirfd, const char *rel, char *buf, size_t len)
{
	ssize_t r;
	int fd;

	if (!len)
		return -EINVAL;
	if (dirfd < 0)
		return dirfd;
	fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = read_fd(fd, buf, len);
	close(fd);
	return r;
}

ssize_t fb__read(enum fb_dir d, const char *rel, char *buf, size_t len)
{
	return fb__read_at(fb__dirfd(d), rel, buf, len);
}

ssize_t fb__read_alloc_at(int dirfd, const char *rel, char **out)
{
	size_t cap = 16384, off = 0;
	char *buf = NULL, *nb;
	ssize_t err;
	int fd;

	*out = NULL;
	if (dirfd < 0)
		return dirfd;
	fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	if (!buf) {
		err = -ENOMEM;
		goto close_fd;
	}
	for (;;) {
		ssize_t r;

		if (off + 1 >= cap) {
			nb = realloc(buf, cap * 2);
			if (!nb) {
				err = -ENOMEM;
				goto free_buf;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + off, cap - 1 - off);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto free_buf;
		}
		if (r == 0)
			break;
		off += (size_t)r;
	}
	buf[off] = '\0';
	close(fd);
	*out = buf;
	return (ssize_t)off;

free_buf:
	free(buf);
close_fd:
	close(fd);
	return err;
}

ssize_t fb__read_alloc(enum fb_dir d, const char *rel, char **out)
{
	return fb__read_alloc_at(fb__dirfd(d), rel, out);
}

ssize_t fb__readlink_at(int dirfd, const char *rel, char *buf, size_t len)
{
	ssize_t r;

	if (len < 2)
		return -EINVAL;
	if (dirfd < 0)
		return dirfd;
	r = readlinkat(dirfd, rel, buf, len - 1);
	if (r < 0)
		return -errno;
	buf[r] = '\0';
	return r;
}
