/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sink.h: where output goes. A sink is a buffered byte stream to stdout or to a file; a
 * file name ending in ".gz" is compressed (by zlib, sink_gz.c). Writers that produce records
 * say where each one ends (sink__end_record()): the buffer is then written out in whole
 * records only, so when a write fails (a full disk, a closed pipe) the file is cut back to
 * the last whole record, the gzip stream is ended there with its trailer, and every record
 * that did not make it is counted (sink__lost()). The first error is kept: later writes
 * become no-ops and sink__error() reports it, so a tracer can stop and say what failed
 * instead of losing data quietly. Bytes written after the last record (a JSON array's
 * closing bracket) are still added at close. sink__close() flushes and, for gzip, writes the
 * stream trailer, so a file closed after Ctrl-C is complete.
 */
#ifndef VIGIL_SINK_H
#define VIGIL_SINK_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "port.h"

#define SINK_BUF_SIZE (64 * 1024)
/* Record ends remembered per buffer: writes go out in pieces of whole records. */
#define SINK_MAX_ENDS 1024

struct sink {
	char buf[SINK_BUF_SIZE];
	size_t len;
	size_t mark;		      /* buf[0..mark) ends at a record boundary */
	uint64_t pending;	      /* records in buf[0..mark) */
	uint32_t ends[SINK_MAX_ENDS]; /* where the first of them end (all, unless too many) */
	unsigned int nends;
	int fd;
	void *gz;	  /* z_stream, when compressing */
	char *zbuf;	  /* its output buffer */
	int err;	  /* first error, negative errno; 0 if none */
	bool owns_fd;	  /* close fd on sink__close() */
	bool is_file;	  /* a regular file: can be cut back after a failed write */
	bool finished;	  /* sink__finish() ran: nothing more goes out */
	const char *path; /* for messages; "-" is stdout */
	uint64_t bytes;	  /* bytes accepted, before compression */
	uint64_t lost;	  /* records not written because of the error */
	/* The file up to the end of the last (and the one before) whole write: for the cut. */
	struct sink_point {
		uint64_t off;	  /* file bytes */
		uint64_t isize;	  /* gzip: uncompressed bytes */
		uint32_t crc;	  /* gzip: CRC-32 of those */
		uint64_t records; /* records the write since the point before carried */
	} at, before;
};

/* Open path for writing (NULL or "-" is stdout). NULL and errno on failure. */
struct sink *sink__open(const char *path);

/* A sink over an fd the caller keeps (tests, the HTTP endpoint's buffer). */
struct sink *sink__from_fd(int fd);

int sink__flush(struct sink *s);

/*
 * Flush, finish the gzip stream (or, after an error, cut the file back to its last whole
 * record and end it there), close the fd; returns the first error seen, or 0. sink__lost()
 * is final after it.
 */
int sink__finish(struct sink *s);

/* sink__finish() and free; returns the first error seen, or 0. NULL is fine. */
int sink__close(struct sink *s);

static inline int sink__error(const struct sink *s)
{
	return s->err;
}

/* Records lost to a write error (0 while there is none). */
static inline uint64_t sink__lost(const struct sink *s)
{
	return s->lost;
}

/* Write out buf[0..mark) (whole records) and keep the rest; sink__flush() writes it all. */
void sink__drain(struct sink *s);

/* The bytes written since the last boundary end a record (mark) or a header (boundary). */
static inline void sink__end_record(struct sink *s)
{
	if (s->err) {
		s->len = s->mark; /* it cannot be written whole any more: drop it, count it */
		s->lost++;
		return;
	}
	s->mark = s->len;
	s->pending++;
	if (s->nends < SINK_MAX_ENDS)
		s->ends[s->nends++] = (uint32_t)s->len;
}

static inline void sink__boundary(struct sink *s)
{
	if (!s->err)
		s->mark = s->len;
}

bool sink__is_tty(const struct sink *s);

void sink__write_slow(struct sink *s, const void *p, size_t n);

static inline void sink__write(struct sink *s, const void *p, size_t n)
{
	if (s->len + n <= SINK_BUF_SIZE) {
		__builtin_memcpy(s->buf + s->len, p, n);
		s->len += n;
		return;
	}
	sink__write_slow(s, p, n);
}

static inline void sink__putc(struct sink *s, char c)
{
	if (s->len == SINK_BUF_SIZE)
		sink__drain(s);
	s->buf[s->len++] = c;
}

/*
 * End a line of a table: the spaces that padded its last cell are dropped (those still in
 * the buffer: all of them, unless the line is longer than the buffer), then '\n'. Tables
 * have no trailing spaces.
 */
static inline void sink__end_line(struct sink *s)
{
	while (s->len > s->mark && s->buf[s->len - 1] == ' ')
		s->len--;
	sink__putc(s, '\n');
}

static inline void sink__puts(struct sink *s, const char *str)
{
	sink__write(s, str, __builtin_strlen(str));
}

void sink__u64(struct sink *s, uint64_t v);
void sink__s64(struct sink *s, int64_t v);
void sink__f64(struct sink *s, double v);
void sink__printf(struct sink *s, const char *fmt, ...) PORT_PRINTF(2, 3);

#endif /* VIGIL_SINK_H */
