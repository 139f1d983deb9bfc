// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sink_gz_none.c: the gzip module of a build without zlib (the Windows build): there is no
 * compressor, so --output FILE.gz is refused up front (cli_parse asks sink_gz_is_available)
 * and opening a gzip stream fails with ENOTSUP.
 */
#include "export/sink_gz.h"

#include <errno.h>

bool sink_gz_is_available(void)
{
	return false;
}

void *sink_gz__open(int fd)
{
	(void)fd;
	errno = ENOTSUP;
	return NULL;
}

int sink_gz__write(void *gz, const char *p, size_t n)
{
	(void)gz;
	(void)p;
	(void)n;
	return -ENOTSUP;
}

int sink_gz__close(void *gz)
{
	(void)gz;
	return -ENOTSUP;
}
