/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * iter_pid_run.h: where one process' entries lie in a walk's listing sorted by pid (the fd
 * walk's files, the mapping walk's mappings): a binary search for the first, then the run.
 * Each entry, of size bytes, must start with its pid_t.
 */
#ifndef VIGIL_ITER_PID_RUN_H
#define VIGIL_ITER_PID_RUN_H

#include <stddef.h>
#include <sys/types.h>

/* How many of the n entries at v are pid's, from entry *first on. */
static inline size_t iter_pid_run(const void *v, size_t n, size_t size, pid_t pid, size_t *first)
{
	const char *base = v;
	size_t lo = 0, hi = n, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (*(const pid_t *)(base + mid * size) < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < n && *(const pid_t *)(base + end * size) == pid; end++)
		;
	*first = lo;
	return end - lo;
}

#endif /* VIGIL_ITER_PID_RUN_H */
