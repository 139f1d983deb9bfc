// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ring_set.c: one BPF ring buffer per CPU instead of one shared by all. A shared ring's
 * reserve takes a spinlock and advances a producer position that every CPU writes, and
 * records from different CPUs land in the same cache lines: on a 2-vCPU guest that was about
 * a third of a streamed sched record's cost. libbpf makes an array of maps' inner maps only
 * for slots the object names at build time, so the rings, one per possible CPU, and the array
 * are created here; each ring is added to the consumer, which puts their records back in time
 * order.
 */
#include "core/ring_set.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RING_MIN_BYTES 4096U /* a ring buffer is at least one page */

static int ring_set__cpus(void)
{
	int n = libbpf_num_possible_cpus();

	return n > 0 ? n : 1;
}

uint32_t ring_set__ring_bytes(uint64_t total)
{
	uint64_t each = total / (uint64_t)ring_set__cpus();
	uint32_t bytes = RING_MIN_BYTES;

	while ((uint64_t)bytes * 2 <= each && bytes < (1U << 30))
		bytes *= 2;
	return bytes;
}

/*
 * Putting a map into an array of maps makes the kernel wait for an RCU grace period (so no
 * program still sees the old slot), ~13 ms here, longer than the load itself. One batch
 * update waits once for all the rings; what a batch could not do (a kernel without batch
 * updates for this map type does none) is done one by one.
 */
static int ring_set__fill(const struct ring_set *rs)
{
	uint32_t n = (uint32_t)rs->n, done = n;
	int err = 0;

	if (bpf_map_update_batch(rs->outer, rs->keys, rs->fds, &done, NULL))
		for (uint32_t cpu = done < n ? done : 0; !err && cpu < n; cpu++)
			if (bpf_map_update_elem(rs->outer, &rs->keys[cpu], &rs->fds[cpu], BPF_ANY))
				err = -errno;
	return err;
}

static void *ring_set__filler(void *arg)
{
	struct ring_set *rs = arg;

	rs->fill_err = ring_set__fill(rs);
	return NULL;
}

/* The array of maps for obj's `events`: one slot per ring, the first ring its template. */
static int ring_set__make_outer(struct ring_set *rs, struct bpf_object *obj)
{
	struct bpf_map *events = bpf_object__find_map_by_name(obj, "events");
	LIBBPF_OPTS(bpf_map_create_opts, opts, .inner_map_fd = (uint32_t)rs->fds[0]);
	int err;

	if (!events)
		return -ENOENT;
	rs->outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "events", sizeof(uint32_t),
				   sizeof(uint32_t), (uint32_t)rs->n, &opts);
	if (rs->outer < 0)
		return -errno;
	err = bpf_map__reuse_fd(events, rs->outer);
	return err < 0 ? err : 0;
}

/*
 * The rings are made before the object loads and the array is handed to libbpf in place of
 * the one it would make, so that the fill's grace period passes on a thread while libbpf
 * reads the kernel's BTF and the verifier runs, instead of after them.
 */
int ring_set__prepare(struct ring_set *rs, struct bpf_object *obj, uint64_t total)
{
	int cpus = ring_set__cpus(), err;

	memset(rs, 0, sizeof(*rs));
	rs->outer = -1;
	rs->ring_bytes = ring_set__ring_bytes(total);
	rs->keys = calloc((size_t)cpus, sizeof(*rs->keys));
	rs->fds = rs->keys ? calloc((size_t)cpus, sizeof(*rs->fds)) : NULL;
	if (!rs->fds) {
		free(rs->keys);
		rs->keys = NULL;
		return -ENOMEM;
	}
	for (int cpu = 0; cpu < cpus; cpu++) {
		int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "events", 0, 0, rs->ring_bytes, NULL);

		if (fd < 0)
			return -errno;
		rs->keys[cpu] = (uint32_t)cpu;
		rs->fds[rs->n++] = fd;
	}
	err = ring_set__make_outer(rs, obj);
	if (err)
		return err;
	rs->filling = !pthread_create(&rs->filler, NULL, ring_set__filler, rs);
	if (!rs->filling)
		rs->fill_err = ring_set__fill(rs); /* no thread: wait here instead */
	return 0;
}

int ring_set__wait(struct ring_set *rs)
{
	if (rs->filling) {
		pthread_join(rs->filler, NULL);
		rs->filling = false;
	}
	return rs->fill_err;
}

int ring_set__join(struct ring_buffer **rb, int fd, ring_sample_fn fn, void *ctx)
{
	if (*rb)
		return ring_buffer__add(*rb, fd, fn, ctx);
	*rb = ring_buffer__new(fd, fn, ctx, NULL);
	return *rb ? 0 : -errno;
}

int ring_set__add_to(const struct ring_set *rs, struct ring_buffer **rb, ring_sample_fn fn,
		     void *ctx)
{
	int err = 0;

	for (int i = 0; i < rs->n && !err; i++)
		err = ring_set__join(rb, rs->fds[i], fn, ctx);
	return err;
}

void ring_set__free(struct ring_set *rs)
{
	if (!rs->fds)
		return; /* never prepared */
	ring_set__wait(rs);
	if (rs->outer >= 0)
		close(rs->outer);
	for (int i = 0; i < rs->n; i++)
		close(rs->fds[i]);
	free(rs->fds);
	free(rs->keys);
	memset(rs, 0, sizeof(*rs));
}
