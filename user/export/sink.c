// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sink.c: buffered output to stdout, a file, or a gzip file. Writes retry on EINTR and short
 * writes and go out in whole records; the first real error sticks so callers can stop cleanly
 * and report it, and the file is then cut back to its last whole record and ended there.
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
#include <zlib.h>

static bool path_is_gzip(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && !strcmp(path + n - 3, ".gz");
}

/* zlib's output buffer for one deflate() call. */
#define SINK_ZBUF_SIZE (64 * 1024)
/* A write of whole records: what one failed write can lose. */
#define SINK_PIECE (16 * 1024)

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

/*
 * A gzip stream through deflate() rather than gzFile: each write ends with a sync flush, so
 * the file can be cut at the end of any whole write and the stream still ended there.
 */
static int sink__gz_init(struct sink *s)
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

struct sink *sink__open(const char *path)
{
	struct sink *s;
	struct stat st;
	int fd, err;

	if (!path || !strcmp(path, "-"))
		return sink__alloc(STDOUT_FILENO, false, "-");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return NULL;
	s = sink__alloc(fd, true, path);
	if (!s)
		goto err_close_fd;
	s->is_file = !fstat(fd, &st) && S_ISREG(st.st_mode);
	if (path_is_gzip(path)) {
		err = sink__gz_init(s);
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

/* Compress p[0..n) with flush (Z_SYNC_FLUSH or Z_FINISH) and write it; *out += bytes out. */
static int gz_deflate(struct sink *s, const char *p, size_t n, int flush, uint64_t *out)
{
	z_stream *z = s->gz;
	int err;

	z->next_in = (Bytef *)p;
	z->avail_in = (uInt)n;
	do {
		size_t have;

		z->next_out = (Bytef *)s->zbuf;
		z->avail_out = SINK_ZBUF_SIZE;
		if (deflate(z, flush) == Z_STREAM_ERROR)
			return -EIO;
		have = SINK_ZBUF_SIZE - z->avail_out;
		err = write_all(s->fd, s->zbuf, have);
		if (err)
			return err;
		*out += have;
	} while (z->avail_out == 0);
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
		err = gz_deflate(s, p, n, Z_SYNC_FLUSH, &written);
	} else {
		err = write_all(s->fd, p, n);
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
		s->at.crc = (uint32_t)crc32(s->at.crc, (const Bytef *)p, (uInt)n);
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
	uint32_t crc = (uint32_t)crc32(pt->crc, (const Bytef *)s->buf, (uInt)n);
	uint32_t isize = (uint32_t)(pt->isize + n);
	int err;

	if (ftruncate(s->fd, (off_t)pt->off) || lseek(s->fd, (off_t)pt->off, SEEK_SET) < 0)
		return -errno;
	if (!s->gz)
		return write_all(s->fd, s->buf, s->len);
	/* The deflate stream stopped at a sync flush (a byte boundary): end it with one final
	 * stored block holding the tail, then the gzip trailer (CRC-32, size; little-endian). */
	if (!pt->off) {
		err = write_all(s->fd, (const char *)gz_header, sizeof(gz_header));
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
	err = write_all(s->fd, (const char *)block, sizeof(block));
	if (!err)
		err = write_all(s->fd, s->buf, n);
	if (!err)
		err = write_all(s->fd, (const char *)trailer, sizeof(trailer));
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
		err = gz_deflate(s, NULL, 0, Z_FINISH, &written);
		if (err)
			s->err = err;
	}
	if (s->err && s->is_file)
		sink__seal(s);
	if (s->gz) {
		deflateEnd(s->gz);
		free(s->gz);
		free(s->zbuf);
		s->gz = NULL;
		s->zbuf = NULL;
	}
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
