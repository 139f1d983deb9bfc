// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sink.c: buffered output to stdout, a file, or a gzip file. Writes retry on EINTR and short
 * writes; the first real error sticks so callers can stop cleanly and report it.
 */
#include "export/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export/sink_gz.h"
#include "port.h"

static struct sink *sink__alloc(int fd, bool owns_fd, const char *path)
{
	struct sink *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->fd = fd;
	s->owns_fd = owns_fd;
	s->path = path;
	return s;
}

struct sink *sink__from_fd(int fd)
{
	return sink__alloc(fd, false, "-");
}

struct sink *sink__open(const char *path)
{
	struct sink *s;
	int fd;

	if (!path || !strcmp(path, "-")) {
		port_fd_set_binary(STDOUT_FILENO);
		return sink__alloc(STDOUT_FILENO, false, "-");
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | PORT_O_BINARY, 0644);
	if (fd < 0)
		return NULL;
	s = sink__alloc(fd, true, path);
	if (!s)
		goto err_close_fd;
	if (sink_gz_path_is_gzip(path)) {
		s->gz = sink_gz__open(fd);
		if (!s->gz)
			goto err_free_sink;
		s->owns_fd = false; /* sink_gz__close() closes it */
	}
	return s;

err_free_sink:
	free(s);
err_close_fd:
	close(fd);
	return NULL;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int sink__emit(struct sink *s, const char *p, size_t n)
{
	int err;

	if (s->err)
		return s->err;
	err = s->gz ? sink_gz__write(s->gz, p, n) : write_all(s->fd, p, n);
	if (err)
		s->err = err;
	return err;
}

int sink__flush(struct sink *s)
{
	int err = 0;

	if (s->len)
		err = sink__emit(s, s->buf, s->len);
	s->bytes += s->len;
	s->len = 0;
	return err ? err : s->err;
}

void sink__write_slow(struct sink *s, const void *p, size_t n)
{
	sink__flush(s);
	if (n >= SINK_BUF_SIZE) {
		sink__emit(s, p, n);
		s->bytes += n;
		return;
	}
	memcpy(s->buf, p, n);
	s->len = n;
}

int sink__close(struct sink *s)
{
	int err;

	if (!s)
		return 0;
	sink__flush(s);
	if (s->gz) {
		int zerr = sink_gz__close(s->gz);

		if (zerr && !s->err)
			s->err = zerr;
	} else if (s->owns_fd && close(s->fd) && !s->err) {
		s->err = -errno;
	}
	err = s->err;
	free(s);
	return err;
}

bool sink__is_tty(const struct sink *s)
{
	return !s->gz && isatty(s->fd);
}

void sink__u64(struct sink *s, uint64_t v)
{
	char tmp[20];
	int i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sink__write(s, tmp + i, sizeof(tmp) - (size_t)i);
}

void sink__s64(struct sink *s, int64_t v)
{
	if (v < 0) {
		sink__putc(s, '-');
		sink__u64(s, (uint64_t)0 - (uint64_t)v);
		return;
	}
	sink__u64(s, (uint64_t)v);
}

void sink__f64(struct sink *s, double v)
{
	char tmp[32];

	/* The shortest of %.15g..%.17g that reads back as the same double. */
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	sink__puts(s, tmp);
}

void sink__printf(struct sink *s, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		sink__write(s, tmp, (size_t)n);
		return;
	}
	{
		char *big = malloc((size_t)n + 1);

		if (!big) {
			s->err = s->err ? s->err : -ENOMEM;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		sink__write(s, big, (size_t)n);
		free(big);
	}
}
