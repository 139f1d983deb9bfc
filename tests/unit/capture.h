/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * capture.h: test helper. A sink over an anonymous memory file, and a way to read back what
 * was written to it as a NUL-terminated string the test frees; and the record schema's
 * version as text, for outputs compared byte for byte.
 */
#ifndef VIGIL_TEST_CAPTURE_H
#define VIGIL_TEST_CAPTURE_H

#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/record.h"
#include "export/sink.h"

#define CAPTURE_STR_(x) #x
#define CAPTURE_STR(x)	CAPTURE_STR_(x)
#define SCHEMA_S	CAPTURE_STR(VREC_SCHEMA)

static inline struct sink *capture__open(int *fd)
{
	*fd = memfd_create("capture", 0);
	return *fd < 0 ? NULL : sink__from_fd(*fd);
}

/* Flush s and return everything written to fd so far. */
static inline char *capture__read(struct sink *s, int fd)
{
	struct stat st;
	char *buf;

	sink__flush(s);
	if (fstat(fd, &st))
		return NULL;
	buf = calloc(1, (size_t)st.st_size + 1);
	if (buf && pread(fd, buf, (size_t)st.st_size, 0) != st.st_size) {
		free(buf);
		return NULL;
	}
	return buf;
}

#endif /* VIGIL_TEST_CAPTURE_H */
