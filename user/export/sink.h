/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sink.h: where output goes. A sink is a buffered byte stream to stdout or to a file; a
 * file name ending in ".gz" is compressed (by zlib, sink_gz.c). The first write error (a full disk,
 * a closed pipe) is kept: later writes become no-ops and sink__error() reports it, so a
 * tracer can stop and say what failed instead of losing data quietly. sink__close() flushes
 * and, for gzip, writes the stream trailer, so a file closed after Ctrl-C is complete.
 */
#ifndef VIGIL_SINK_H
#define VIGIL_SINK_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define SINK_BUF_SIZE (64 * 1024)

struct sink {
	char buf[SINK_BUF_SIZE];
	size_t len;
	int fd;
	void *gz;	  /* gzFile, when compressing */
	int err;	  /* first error, negative errno; 0 if none */
	bool owns_fd;	  /* close fd on sink__close() */
	const char *path; /* for messages; "-" is stdout */
	uint64_t bytes;	  /* bytes accepted, before compression */
};

/* Open path for writing (NULL or "-" is stdout). NULL and errno on failure. */
struct sink *sink__open(const char *path);

/* A sink over an fd the caller keeps (tests, the HTTP endpoint's buffer). */
struct sink *sink__from_fd(int fd);

int sink__flush(struct sink *s);

/* Flush, finish the gzip stream, close; returns the first error seen, or 0. NULL is fine. */
int sink__close(struct sink *s);

static inline int sink__error(const struct sink *s)
{
	return s->err;
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
		sink__flush(s);
	s->buf[s->len++] = c;
}

static inline void sink__puts(struct sink *s, const char *str)
{
	sink__write(s, str, __builtin_strlen(str));
}

void sink__u64(struct sink *s, uint64_t v);
void sink__s64(struct sink *s, int64_t v);
void sink__f64(struct sink *s, double v);
void sink__printf(struct sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* VIGIL_SINK_H */
