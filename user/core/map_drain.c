// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * map_drain.c: the batched drain behind every histogram and per-process table reader.
 */
#include "core/map_drain.h"

#include <bpf/bpf.h>
#include <errno.h>

int map__drain(int fd, void *keys, size_t key_size, void *values, size_t value_size, uint32_t max)
{
	__u64 batch = 0;
	bool first = true;
	uint32_t total = 0;

	while (total < max) {
		__u32 count = max - total;
		int err;

		err = bpf_map_lookup_and_delete_batch(
			fd, first ? NULL : &batch, &batch, (char *)keys + total * key_size,
			(char *)values + total * value_size, &count, NULL);
		first = false;
		if (err && errno != ENOENT)
			return -errno;
		total += count;
		if (err)
			break; /* ENOENT: the map is empty now */
	}
	return (int)total;
}
