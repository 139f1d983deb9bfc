// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sink_gz.c: gzip output through zlib, for sinks whose file name ends in ".gz": a fast
 * compression level (the tracer must keep up with the ring buffer) and a large zlib buffer.
 */
#include "export/sink_gz.h"

#include <errno.h>
#include <zlib.h>

bool sink_gz_is_available(void)
{
	return true;
}

void *sink_gz__open(int fd)
{
	gzFile gz = gzdopen(fd, "wb1");

	if (!gz) {
		errno = ENOMEM;
		return NULL;
	}
	gzbuffer(gz, 256 * 1024);
	return gz;
}

int sink_gz__write(void *gz, const char *p, size_t n)
{
	while (n) {
		unsigned int chunk = n > (1U << 30) ? 1U << 30 : (unsigned int)n;
		int w = gzwrite(gz, p, chunk);
		int zerr;

		if (w <= 0) {
			gzerror(gz, &zerr);
			return zerr == Z_ERRNO && errno ? -errno : -EIO;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int sink_gz__close(void *gz)
{
	int zerr = gzclose(gz);

	if (zerr == Z_OK)
		return 0;
	return zerr == Z_ERRNO && errno ? -errno : -EIO;
}
