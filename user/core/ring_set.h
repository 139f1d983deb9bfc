/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ring_set.h: the per-CPU ring buffers behind a BPF object's `events` array of maps
 * (bpf/common.bpf.h). Made before the object loads (the ring bytes asked for, spread over
 * the possible CPUs) and put into the array while it loads.
 */
#ifndef VIGIL_RING_SET_H
#define VIGIL_RING_SET_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bpf_object;
struct ring_buffer;

struct ring_set {
	int *fds;	/* one ring per possible CPU, indexed by CPU */
	uint32_t *keys; /* 0 .. n - 1, for the batch update */
	int n;
	uint32_t ring_bytes; /* each ring's size */
	int outer;	     /* the `events` array of maps, or -1 */
	pthread_t filler;    /* puts the rings into the array, while filling */
	bool filling;
	int fill_err;
};

/* Each ring's size for total bytes over this machine's CPUs: a power of two, a page at least. */
uint32_t ring_set__ring_bytes(uint64_t total);

/*
 * Before load: one ring per possible CPU, total bytes over them all, and obj's `events` array
 * holding them, filled on a thread while the object loads. ring_set__free() after an error.
 */
int ring_set__prepare(struct ring_set *rs, struct bpf_object *obj, uint64_t total);

/* After load, before attach: 0 once every ring is in the array, or the fill's -errno. */
int ring_set__wait(struct ring_set *rs);

/* A ring buffer callback, as libbpf's ring_buffer_sample_fn. */
typedef int (*ring_sample_fn)(void *ctx, void *data, size_t len);

/* Add ring fd to *rb, making *rb on the first; 0 or -errno. */
int ring_set__join(struct ring_buffer **rb, int fd, ring_sample_fn fn, void *ctx);

/* Add every ring of rs to *rb (made on the first): each record goes to fn with ctx. */
int ring_set__add_to(const struct ring_set *rs, struct ring_buffer **rb, ring_sample_fn fn,
		     void *ctx);

void ring_set__free(struct ring_set *rs);

#endif /* VIGIL_RING_SET_H */
