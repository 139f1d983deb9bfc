// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * diff_file.c: reading a file whole for the text diff (bounded by DIFF_FILE_MAX, a
 * directory or a device refused by name), and the label of diff -u's "---"/"+++" lines.
 */
#include "diff/diff_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int diff_file_read(int dirfd, const char *path, struct diff_buf *b)
{
	size_t cap, len = 0;
	struct stat st;
	char *p = NULL;
	int fd, err = 0;

	b->p = NULL;
	b->len = 0;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto close_fd;
	}
	if (S_ISDIR(st.st_mode)) {
		err = -EISDIR;
		goto close_fd;
	}
	cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
	if (cap > DIFF_FILE_MAX) {
		err = -EFBIG;
		goto close_fd;
	}
	p = malloc(cap);
	if (!p) {
		err = -ENOMEM;
		goto close_fd;
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *np;

			if (cap * 2 > DIFF_FILE_MAX) {
				err = -EFBIG;
				goto free_p;
			}
			np = realloc(p, cap * 2);
			if (!np) {
				err = -ENOMEM;
				goto free_p;
			}
			p = np;
			cap *= 2;
		}
		n = read(fd, p + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			goto free_p;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	b->p = p;
	b->len = len;
	goto close_fd;
free_p:
	free(p);
close_fd:
	close(fd);
	return err;
}

void diff_buf__free(struct diff_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
}

void diff_file_label(char *buf, size_t len, const char *name, const struct stat *st)
{
	char when[32], zone[8];
	struct tm tm;

	localtime_r(&st->st_mtim.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(buf, len, "%s\t%s.%09ld %s", name, when, (long)st->st_mtim.tv_nsec, zone);
}
