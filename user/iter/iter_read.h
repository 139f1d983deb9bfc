/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * iter_read.h: reading a BPF iterator's records in bounded chunks. One iterator fd per walk,
 * read 64 KiB at a time, or less (the kernel stops a walk's read() once it has as much as was
 * asked for); a record cut by a chunk's end is carried over, so memory stays the same however
 * long the walk; every record's version and size are checked against what this vigil was
 * built with.
 */
#ifndef VIGIL_ITER_READ_H
#define VIGIL_ITER_READ_H

#include <stddef.h>
#include <stdint.h>

struct iter_reader {
	int link_fd; /* the iterator link: each walk creates an fd from it */
	int fd;	     /* this walk's fd, -1 once it ended */
	char *buf;
	size_t len, off;  /* bytes in buf, bytes consumed */
	size_t chunk;	  /* bytes a read() asks for: 64 KiB, or less to stop the walk sooner */
	const char *what; /* "task", "socket owner": for the warnings */
};

/* 0 or -errno; the reader does not own link_fd. */
int iter_reader__init(struct iter_reader *r, int link_fd, const char *what);
/* Start a new walk: 0 or -errno. */
int iter_reader__start(struct iter_reader *r);
/*
 * The next record, which must carry version and size: 1 (*rec valid until the next call), 0
 * at the end, -EPROTO (with a warning) for a foreign or cut record, -errno.
 */
int iter_reader__next(struct iter_reader *r, uint16_t version, uint16_t size, const void **rec);
/*
 * The same for records of varying size (a fixed part of at least min_size, then data): *size
 * gets the record's own.
 */
int iter_reader__next_var(struct iter_reader *r, uint16_t version, uint16_t min_size,
			  const void **rec, uint16_t *size);
/* Whether the walk's first record (read now if need be) has version and size: 0, -EPROTO. */
int iter_reader__check_first(struct iter_reader *r, uint16_t version, uint16_t size);
void iter_reader__fini(struct iter_reader *r);
/*
 * The task walks' records carry the kernel's pids, those of the initial pid namespace, which a
 * reader in a child namespace would list beside its own /proc's. 0 in the initial namespace;
 * else -EXDEV (or -errno), with *step saying why, and the caller reads /proc.
 */
int iter_reader__check_pid_ns(const char **step);

#endif /* VIGIL_ITER_READ_H */
