/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sink_gz.h: the gzip stream under a sink whose file name ends in ".gz", a module of the
 * build: sink_gz.c over zlib, or sink_gz_none.c where zlib is not built in (Windows), which
 * says so instead. The sink keeps the buffering and the sticky error; this is only the
 * compressor and the file it owns.
 */
#ifndef VIGIL_SINK_GZ_H
#define VIGIL_SINK_GZ_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Whether output to path is gzip'd: its name ends in ".gz". */
static inline bool sink_gz_path_is_gzip(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && !strcmp(path + n - 3, ".gz");
}

/* Whether this build can write gzip; cli_parse() refuses --output FILE.gz if not. */
bool sink_gz_is_available(void);

/* Start a gzip stream over fd, which it then owns (closes). NULL and errno on failure. */
void *sink_gz__open(int fd);

/* Compress all n bytes of p into the stream; 0 or -errno. */
int sink_gz__write(void *gz, const char *p, size_t n);

/* Write the stream's trailer and close the file; 0 or -errno. */
int sink_gz__close(void *gz);

#endif /* VIGIL_SINK_GZ_H */
