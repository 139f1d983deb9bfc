// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * blkio_iotop.c: draining and sorting blkio's per-process I/O aggregate.
 */
#include "blkio/blkio_iotop.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/map_drain.h"

int io_top_reader__init(struct io_top_reader *r, int map_fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	memset(r, 0, sizeof(*r));
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	r->fd = map_fd;
	r->max_entries = info.max_entries;
	r->keys = calloc(info.max_entries, sizeof(*r->keys));
	r->values = calloc(info.max_entries, sizeof(*r->values));
	if (!r->keys || !r->values) {
		io_top_reader__fini(r);
		return -ENOMEM;
	}
	return 0;
}

void io_top_reader__fini(struct io_top_reader *r)
{
	if (!r)
		return;
	free(r->keys);
	free(r->values);
	r->keys = NULL;
	r->values = NULL;
}

static int cmp_row(const void *a, const void *b)
{
	const struct io_top_row *x = a, *y = b;

	if (x->v.bytes != y->v.bytes)
		return x->v.bytes < y->v.bytes ? 1 : -1;
	if (x->v.ios != y->v.ios)
		return x->v.ios < y->v.ios ? 1 : -1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->dev < y->dev ? -1 : x->dev > y->dev;
}

int io_top_reader__drain(struct io_top_reader *r, struct io_top_row *out)
{
	int total = map__drain(r->fd, r->keys, sizeof(*r->keys), r->values, sizeof(*r->values),
			       r->max_entries);

	if (total < 0)
		return total;
	for (int i = 0; i < total; i++) {
		out[i].write = r->keys[i] >> 63;
		out[i].pid = (r->keys[i] >> 32) & 0x7fffffff;
		out[i].dev = (uint32_t)r->keys[i];
		out[i].v = r->values[i];
	}
	qsort(out, (size_t)total, sizeof(*out), cmp_row);
	return total;
}
