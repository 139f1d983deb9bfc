// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sink_gz.c: gzip output through zlib, for sinks whose file name ends in ".gz": a fast
 * compression level (the tracer must keep up with the ring buffer). A stream through
 * deflate() rather than gzFile: each write ends with a sync flush, so the file can be cut at
 * the end of any whole write and the stream still ended there (sink.c does the cut).
 */
#include "export/sink_gz.h"

#include <errno.h>
#include <stdlib.h>
#include <zlib.h>

/* zlib's output buffer for one deflate() call. */
#define SINK_ZBUF_SIZE (64 * 1024)

bool sink_gz_is_available(void)
{
	return true;
}

int sink_gz__init(struct sink *s)
{
	z_stream *z = calloc(1, sizeof(*z));

	if (!z)
		return -ENOMEM;
	s->zbuf = malloc(SINK_ZBUF_SIZE);
	if (!s->zbuf)
		goto err_free_z;
	if (deflateInit2(z, 1, Z_DEFLATED, 15 + 16 /* gzip wrapper */, 8, Z_DEFAULT_STRATEGY))
		goto err_free_zbuf;
	s->gz = z;
	s->at.crc = (uint32_t)crc32(0, NULL, 0);
	s->before = s->at;
	return 0;

err_free_zbuf:
	free(s->zbuf);
	s->zbuf = NULL;
err_free_z:
	free(z);
	return -ENOMEM;
}

int sink_gz__deflate(struct sink *s, const char *p, size_t n, bool finish, uint64_t *out)
{
	z_stream *z = s->gz;
	int err;

	z->next_in = (Bytef *)p;
	z->avail_in = (uInt)n;
	do {
		size_t have;

		z->next_out = (Bytef *)s->zbuf;
		z->avail_out = SINK_ZBUF_SIZE;
		if (deflate(z, finish ? Z_FINISH : Z_SYNC_FLUSH) == Z_STREAM_ERROR)
			return -EIO;
		have = SINK_ZBUF_SIZE - z->avail_out;
		err = sink_write_all(s->fd, s->zbuf, have);
		if (err)
			return err;
		*out += have;
	} while (z->avail_out == 0);
	return 0;
}

uint32_t sink_gz__crc32(uint32_t crc, const void *p, size_t n)
{
	return (uint32_t)crc32(crc, (const Bytef *)p, (uInt)n);
}

void sink_gz__end(struct sink *s)
{
	deflateEnd(s->gz);
	free(s->gz);
	free(s->zbuf);
	s->gz = NULL;
	s->zbuf = NULL;
}
