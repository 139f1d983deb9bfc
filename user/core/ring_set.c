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
		if (bpf_map_update_elem(outer, &cpu, &fd, BPF_ANY))
			return -errno;
	}
	return 0;
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
