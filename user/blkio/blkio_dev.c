// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * blkio_dev.c: block device name lookups in sysfs (through the fallback library), with a small
 * cache so that decoding a record costs no file I/O after the first record of each disk. The
 * cache is a fixed array (no allocation); when it is full the oldest slot is reused.
 */
#include "blkio/blkio_dev.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "fallback.h"

#define CACHE_SLOTS 64

struct disk_slot {
	uint32_t dev;
	int used;
	char name[BLKIO_DISK_LEN];
};

static struct disk_slot cache[CACHE_SLOTS];
static unsigned int cache_next;

int blkio_disk_name(uint32_t dev, char *buf, size_t len)
{
	return fb_block_dev_name(blkio_dev_major(dev), blkio_dev_minor(dev), buf, len);
}

int blkio_disk_dev(const char *name, uint32_t *dev)
{
	uint32_t major, minor;
	bool partition;
	int err;

	if (strlen(name) >= (strncmp(name, "/dev/", 5) ? 0 : 5) + BLKIO_DISK_LEN)
		return -EINVAL; /* no disk name is that long */
	err = fb_block_dev_number(name, &major, &minor, &partition);
	if (err == -EBADMSG)
		return -EINVAL;
	if (err)
		return err;
	/* Requests carry the whole disk's number: a partition would never match. */
	if (partition)
		return -EINVAL;
	*dev = blkio_dev_make(major, minor);
	return 0;
}

const char *blkio_disk_cached(uint32_t dev)
{
	struct disk_slot *s;

	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (cache[i].used && cache[i].dev == dev)
			return cache[i].name;
	}
	s = &cache[cache_next++ % CACHE_SLOTS];
	s->used = 1;
	s->dev = dev;
	if (blkio_disk_name(dev, s->name, sizeof(s->name)))
		s->name[0] = '\0';
	return s->name;
}
