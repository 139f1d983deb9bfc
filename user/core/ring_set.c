// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ring_set.c: one BPF ring buffer per CPU instead of one shared by all. A shared ring's
 * reserve takes a spinlock and advances a producer position that every CPU writes, and
 * records from different CPUs land in the same cache lines: on a 2-vCPU guest that was about
 * a third of a streamed sched record's cost. libbpf makes an array of maps' inner maps only
 * for slots the object names at build time, so the rings, one per possible CPU, are created
 * here after load; each is added to the consumer, which puts their records back in time order.
 */
#include "core/ring_set.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
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
 * The array holds one ring per possible CPU. The rings' size is not the template's: the
 * kernel checks a ring put into the array against the template's type and flags only.
 */
int ring_set__size(struct bpf_object *obj)
{
	struct bpf_map *events = bpf_object__find_map_by_name(obj, "events");

	return events ? bpf_map__set_max_entries(events, (uint32_t)ring_set__cpus()) : -ENOENT;
}

/*
 * Putting a map into an array of maps makes the kernel wait for an RCU grace period (so no
 * program still sees the old slot), ~13 ms here: one batch update waits once for all the
 * rings, where an update per CPU waited once each. What a batch could not do (a kernel
 * without batch updates for this map type does none) is done one by one.
 */
static int ring_set__fill(int outer, const int *fds, uint32_t n)
{
	uint32_t *keys = calloc(n, sizeof(*keys)), done = n;
	int err = 0;

	if (!keys)
		return -ENOMEM;
	for (uint32_t cpu = 0; cpu < n; cpu++)
		keys[cpu] = cpu;
	if (bpf_map_update_batch(outer, keys, fds, &done, NULL))
		for (uint32_t cpu = done < n ? done : 0; !err && cpu < n; cpu++)
			if (bpf_map_update_elem(outer, &keys[cpu], &fds[cpu], BPF_ANY))
				err = -errno;
	free(keys);
	return err;
}

int ring_set__create(struct ring_set *rs, struct bpf_object *obj, uint64_t total)
{
	struct bpf_map *events = bpf_object__find_map_by_name(obj, "events");
	int outer = events ? bpf_map__fd(events) : -ENOENT;

	rs->n = 0;
	rs->ring_bytes = ring_set__ring_bytes(total);
	if (outer < 0)
		return outer;
	rs->fds = calloc(bpf_map__max_entries(events), sizeof(*rs->fds));
	if (!rs->fds)
		return -ENOMEM;
	for (uint32_t cpu = 0; cpu < bpf_map__max_entries(events); cpu++) {
		int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "events", 0, 0, rs->ring_bytes, NULL);

		if (fd < 0)
			return -errno;
		rs->fds[rs->n++] = fd;
	}
	return ring_set__fill(outer, rs->fds, (uint32_t)rs->n);
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
	for (int i = 0; i < rs->n; i++)
		close(rs->fds[i]);
	free(rs->fds);
	rs->fds = NULL;
	rs->n = 0;
}
