// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sink.c: buffered output to stdout, a file, or a gzip file. Writes retry on EINTR and short
 * writes and go out in whole records; the first real error sticks so callers can stop cleanly
 * and report it, and the file is then cut back to its last whole record and ended there.
 * The compressor is the build's gzip module (sink_gz.c over zlib, or sink_gz_none.c).
 */
#include "export/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export/sink_gz.h"
#include "port.h"

/* A write of whole records: what one failed write can lose. */
#define SINK_PIECE (16 * 1024)

/*
 * The 64 KiB buffer is left unzeroed: calloc() cleared it page by page, 16 page faults
 * (~0.5 ms on the development VM) that every command paid before printing a line.
 */
static struct sink *sink__alloc(int fd, bool owns_fd, const char *path)
{
	struct sink *s = malloc(sizeof(*s));
	size_t head = offsetof(struct sink, len);

	if (!s)
		return NULL;
	memset((char *)s + head, 0, sizeof(*s) - head);
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
	struct stat st;
	int fd, err;

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
	s->is_file = !fstat(fd, &st) && S_ISREG(st.st_mode);
	if (sink_gz_path_is_gzip(path)) {
		err = sink_gz__init(s);
		if (err) {
			errno = -err;
			goto err_free_sink;
		}
	}
	return s;

err_free_sink:
	free(s);
err_close_fd:
	close(fd);
	return NULL;
}

int sink_write_all(int fd, const char *p, size_t n)
{
	while (n) {
		/* one call writes at most 1 GiB: Windows' write() counts in unsigned int */
		ssize_t w = write(fd, p, (unsigned int)(n < (1U << 30) ? n : 1U << 30));

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

/* Write p[0..n), which carries records whole records; a failure loses them (and counts it). */
static int sink__emit(struct sink *s, const char *p, size_t n, uint64_t records)
{
	uint64_t written = 0;
	int err;

	if (s->err) {
		s->lost += records;
		return s->err;
	}
	if (!n)
		return 0;
	if (s->gz) {
		err = sink_gz__deflate(s, p, n, false, &written);
	} else {
		err = sink_write_all(s->fd, p, n);
		written = n;
	}
	if (err) {
		s->err = err;
		s->lost += records;
		return err;
	}
	s->before = s->at;
	s->at.off += written;
	s->at.records = records;
	if (s->gz) {
		s->at.crc = sink_gz__crc32(s->at.crc, p, n);
		s->at.isize += n;
	}
	return 0;
}

/*
 * Write buf[0..mark) in pieces of about SINK_PIECE bytes that end at record ends, so a failed
 * write loses the records of one piece, not of the whole buffer.
 */
static void sink__emit_marked(struct sink *s)
{
	uint64_t done = 0;
	size_t start = 0;
	unsigned int i = 0;

	while (start < s->mark) {
		size_t end = s->mark;
		uint64_t n = 0;

		while (i < s->nends && (!n || s->ends[i] - start <= SINK_PIECE)) {
			end = s->ends[i++];
			n++;
		}
		if (i == s->nends) { /* no more known ends: the rest is one piece */
			end = s->mark;
			n = s->pending - done;
		}
		sink__emit(s, s->buf + start, end - start, n);
		done += n;
		start = end;
	}
	s->nends = 0;
}

void sink__drain(struct sink *s)
{
	size_t keep = s->len - s->mark;

	if (!s->mark) { /* no boundary in the buffer (one huge record, or no records at all) */
		sink__flush(s);
		if (s->len == SINK_BUF_SIZE)
			s->len = 0; /* after an error, with nowhere to keep it */
		return;
	}
	sink__emit_marked(s);
	s->bytes += s->mark;
	memmove(s->buf, s->buf + s->mark, keep);
	s->len = keep;
	s->mark = 0;
	s->pending = 0;
}

int sink__flush(struct sink *s)
{
	size_t tail = s->len - s->mark;

	sink__emit_marked(s);
	s->bytes += s->mark;
	memmove(s->buf, s->buf + s->mark, tail);
	s->len = tail;
	s->mark = 0;
	s->pending = 0;
	/* After an error, what follows the last record (a closing bracket) waits for the cut. */
	if (!s->err && !sink__emit(s, s->buf, tail, 0)) {
		s->bytes += tail;
		s->len = 0;
	}
	return s->err;
}

void sink__write_slow(struct sink *s, const void *p, size_t n)
{
	sink__drain(s);
	if (s->len + n > SINK_BUF_SIZE)
		sink__flush(s); /* a record longer than the buffer: it goes out in pieces */
	if (s->len + n <= SINK_BUF_SIZE) {
		memcpy(s->buf + s->len, p, n);
		s->len += n;
		return;
	}
	if (!s->err && !sink__emit(s, p, n, 0))
		s->bytes += n;
}

/* Cut the file back to point pt and end it there with what the buffer holds. */
static int sink__seal_at(struct sink *s, const struct sink_point *pt)
{
	static const unsigned char gz_header[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };
	size_t n = s->len < 0xffff ? s->len : 0xffff;
	unsigned char block[5], trailer[8];
	uint32_t crc = sink_gz__crc32(pt->crc, s->buf, n);
	uint32_t isize = (uint32_t)(pt->isize + n);
	int err;

	if (ftruncate(s->fd, (off_t)pt->off) || lseek(s->fd, (off_t)pt->off, SEEK_SET) < 0)
		return -errno;
	if (!s->gz)
		return sink_write_all(s->fd, s->buf, s->len);
	/* The deflate stream stopped at a sync flush (a byte boundary): end it with one final
	 * stored block holding the tail, then the gzip trailer (CRC-32, size; little-endian). */
	if (!pt->off) {
		err = sink_write_all(s->fd, (const char *)gz_header, sizeof(gz_header));
		if (err)
			return err;
	}
	block[0] = 1; /* BFINAL, stored */
	block[1] = (unsigned char)n;
	block[2] = (unsigned char)(n >> 8);
	block[3] = (unsigned char)~n;
	block[4] = (unsigned char)(~n >> 8);
	for (int i = 0; i < 4; i++) {
		trailer[i] = (unsigned char)(crc >> (8 * i));
		trailer[4 + i] = (unsigned char)(isize >> (8 * i));
	}
	err = sink_write_all(s->fd, (const char *)block, sizeof(block));
	if (!err)
		err = sink_write_all(s->fd, s->buf, n);
	if (!err)
		err = sink_write_all(s->fd, (const char *)trailer, sizeof(trailer));
	return err;
}

/*
 * After a failed write: the file ends at the last whole write (whole records), completed
 * with the buffer's tail and, for gzip, the stream's end. If even that does not fit, one
 * write further back (its records are counted as lost).
 */
static void sink__seal(struct sink *s)
{
	if (!sink__seal_at(s, &s->at))
		return;
	s->lost += s->at.records;
	if (s->before.off != s->at.off)
		sink__seal_at(s, &s->before);
}

int sink__finish(struct sink *s)
{
	uint64_t written = 0;
	int err;

	if (s->finished)
		return s->err;
	s->finished = true;
	sink__flush(s);
	if (s->gz && !s->err) {
		err = sink_gz__deflate(s, NULL, 0, true, &written);
		if (err)
			s->err = err;
	}
	if (s->err && s->is_file)
		sink__seal(s);
	if (s->gz)
		sink_gz__end(s);
	if (s->owns_fd && close(s->fd) && !s->err)
		s->err = -errno;
	s->owns_fd = false;
	return s->err;
}

int sink__close(struct sink *s)
{
	int err;

	if (!s)
		return 0;
	err = sink__finish(s);
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
