/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * blkio_iotop.h: reading blkio's io_top map, biotop's per-process aggregate. A reader drains the
 * map with batched lookup-and-delete (so increments landing meanwhile count toward the next
 * interval) into rows sorted busiest first: most bytes, then most I/Os.
 */
#ifndef VIGIL_IO_TOP_H
#define VIGIL_IO_TOP_H

#include <linux/types.h>
#include <stdbool.h>
#include <stdint.h>

#include "events.h"

struct io_top_row {
	uint32_t pid; /* 0: submitter unknown */
	uint32_t dev; /* major << 20 | minor */
	bool write;   /* anything but a read */
	struct vg_io_top v;
};

struct io_top_reader {
	int fd;
	uint32_t max_entries;
	uint64_t *keys;
	struct vg_io_top *values;
};

int io_top_reader__init(struct io_top_reader *r, int map_fd);
void io_top_reader__fini(struct io_top_reader *r);

/* Empty the map into out (room for r->max_entries rows), sorted; count or -errno. */
int io_top_reader__drain(struct io_top_reader *r, struct io_top_row *out);

#endif /* VIGIL_IO_TOP_H */
