/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * map_drain.h: empty a BPF hash map into arrays with batched lookup-and-delete, so entries
 * the kernel adds while userspace reads are kept for the next read instead of being lost
 * between a read and a delete.
 */
#ifndef VIGIL_MAP_DRAIN_H
#define VIGIL_MAP_DRAIN_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Move up to max entries of map fd into keys[] and values[] (key_size and value_size bytes
 * each). Returns how many, or a negative errno.
 */
int map__drain(int fd, void *keys, size_t key_size, void *values, size_t value_size, uint32_t max);

#endif /* VIGIL_MAP_DRAIN_H */
