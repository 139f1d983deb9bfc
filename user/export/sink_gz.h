/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sink_gz.h: the gzip stream under a sink whose file name ends in ".gz", a module of the
 * build: sink_gz.c over zlib's deflate(), or sink_gz_none.c where zlib is not built in
 * (Windows), which says so instead. The sink keeps the buffering, the record boundaries, the
 * sticky error and the cut back to the last whole record (which ends the gzip stream by hand
 * with a stored block and the trailer); this is only the compressor, its state in s->gz and
 * s->zbuf, and the CRC-32 the trailer needs.
 */
#ifndef VIGIL_SINK_GZ_H
#define VIGIL_SINK_GZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "export/sink.h"

/* Whether output to path is gzip'd: its name ends in ".gz". */
static inline bool sink_gz_path_is_gzip(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && !strcmp(path + n - 3, ".gz");
}

/* Whether this build can write gzip; cli_parse() refuses --output FILE.gz if not. */
bool sink_gz_is_available(void);

/* Start a gzip stream for s (s->gz, s->zbuf, s->at.crc, s->before); 0 or -errno. */
int sink_gz__init(struct sink *s);

/*
 * Compress p[0..n) and write it to s->fd: a sync flush (the file can be cut after it and the
 * stream still ended there), or with finish the stream's end. *out += the bytes written;
 * 0 or -errno.
 */
int sink_gz__deflate(struct sink *s, const char *p, size_t n, bool finish, uint64_t *out);

/* The CRC-32 (gzip's) of p[0..n) continued from crc. */
uint32_t sink_gz__crc32(uint32_t crc, const void *p, size_t n);

/* Free the stream's state (s->gz, s->zbuf); the fd stays the sink's. */
void sink_gz__end(struct sink *s);

/* Write all n bytes of p to fd, retrying on EINTR and short writes; 0 or -errno (sink.c). */
int sink_write_all(int fd, const char *p, size_t n);

#endif /* VIGIL_SINK_GZ_H */
