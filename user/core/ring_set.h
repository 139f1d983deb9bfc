/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ring_set.h: the per-CPU ring buffers behind a BPF object's `events` array of maps
 * (bpf/common.bpf.h). Sized before the object loads (the ring bytes asked for, spread over
 * the possible CPUs), created and put into the array after it has.
 */
#ifndef VIGIL_RING_SET_H
#define VIGIL_RING_SET_H

#include <stddef.h>
#include <stdint.h>

struct bpf_object;
struct ring_buffer;

struct ring_set {
	int *fds; /* one ring per possible CPU, indexed by CPU */
	int n;
	uint32_t ring_bytes; /* each ring's size */
};

/* Each ring's size for total bytes over this machine's CPUs: a power of two, a page at least. */
uint32_t ring_set__ring_bytes(uint64_t total);

/* Before load: one slot per possible CPU in obj's `events` array. */
int ring_set__size(struct bpf_object *obj);

/* After load: create one ring per CPU, total bytes over them all, each in obj's `events`. */
int ring_set__create(struct ring_set *rs, struct bpf_object *obj, uint64_t total);

/* A ring buffer callback, as libbpf's ring_buffer_sample_fn. */
typedef int (*ring_sample_fn)(void *ctx, void *data, size_t len);

/* Add ring fd to *rb, making *rb on the first; 0 or -errno. */
int ring_set__join(struct ring_buffer **rb, int fd, ring_sample_fn fn, void *ctx);

/* Add every ring of rs to *rb (made on the first): each record goes to fn with ctx. */
int ring_set__add_to(const struct ring_set *rs, struct ring_buffer **rb, ring_sample_fn fn,
		     void *ctx);

void ring_set__free(struct ring_set *rs);

#endif /* VIGIL_RING_SET_H */
