/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * diff_file.h: whole files read into memory for the text diff, and diff -u's header label
 * ("name<TAB>2026-12-04 20:35:44.123456789 +0000").
 */
#ifndef VIGIL_DIFF_FILE_H
#define VIGIL_DIFF_FILE_H

#include <stddef.h>
#include <sys/stat.h>

struct diff_buf {
	char *p;
	size_t len;
};

/* The largest file read whole (the text diff needs both sides in memory). */
#define DIFF_FILE_MAX (1ULL << 31)

/* Read the regular file at dirfd/path (dirfd AT_FDCWD: path alone) whole. 0 or -errno. */
int diff_file_read(int dirfd, const char *path, struct diff_buf *b);

void diff_buf__free(struct diff_buf *b);

/* diff -u's label of name with st's mtime, in local time, into buf. */
void diff_file_label(char *buf, size_t len, const char *name, const struct stat *st);

#endif /* VIGIL_DIFF_FILE_H */
