// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sink_gz_none.c: the gzip module of a build without zlib (the Windows build): there is no
 * compressor, so --output FILE.gz is refused up front (cli_parse asks sink_gz_is_available)
 * and starting a gzip stream fails with ENOTSUP. No sink ever has a stream, so the others
 * are never reached.
 */
#include "export/sink_gz.h"

#include <errno.h>

bool sink_gz_is_available(void)
{
	return false;
}

int sink_gz__init(struct sink *s)
{
	(void)s;
	return -ENOTSUP;
}

int sink_gz__deflate(struct sink *s, const char *p, size_t n, bool finish, uint64_t *out)
{
	(void)s;
	(void)p;
	(void)n;
	(void)finish;
	(void)out;
	return -ENOTSUP;
}

uint32_t sink_gz__crc32(uint32_t crc, const void *p, size_t n)
{
	(void)p;
	(void)n;
	return crc;
}

void sink_gz__end(struct sink *s)
{
	(void)s;
}
