// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * blkio_dev.c: block device name lookups in sysfs, with a small cache so that decoding a
 * record costs no file I/O after the first record of each disk. The cache is a fixed array
 * (no allocation); when it is full the oldest slot is reused.
 */
#include "blkio/blkio_dev.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CACHE_SLOTS 64

struct disk_slot {
	uint32_t dev;
	int used;
	char name[BLKIO_DISK_LEN];
};

static struct disk_slot cache[CACHE_SLOTS];
static unsigned int cache_next;

const char *blkio_sysfs_root(void)
{
	const char *r = getenv("VIGIL_SYSFS");

	return r && *r ? r : "/sys";
}

int blkio_disk_name(const char *sysroot, uint32_t dev, char *buf, size_t len)
{
	char path[256], line[256];
	int err = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "%s/dev/block/%u:%u/uevent", sysroot, blkio_dev_major(dev),
		 blkio_dev_minor(dev));
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		size_t n;

		if (strncmp(line, "DEVNAME=", 8))
			continue;
		n = strcspn(line + 8, "\n");
		if (!n || n >= len)
			break;
		memcpy(buf, line + 8, n);
		buf[n] = '\0';
		err = 0;
		break;
	}
	fclose(f);
	return err;
}

static bool name_is_valid(const char *name)
{
	size_t n = strlen(name);

	return n && n < BLKIO_DISK_LEN && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

int blkio_disk_dev(const char *sysroot, const char *name, uint32_t *dev)
{
	unsigned int major, minor;
	char path[256], extra;
	int n, err = 0;
	FILE *f;

	if (!strncmp(name, "/dev/", 5))
		name += 5;
	if (!name_is_valid(name))
		return -EINVAL;
	/* Requests carry the whole disk's number: a partition would never match. */
	snprintf(path, sizeof(path), "%s/class/block/%s/partition", sysroot, name);
	if (!access(path, F_OK))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/class/block/%s/dev", sysroot, name);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ENOENT : -errno;
	n = fscanf(f, "%u:%u%c", &major, &minor, &extra);
	if (n < 2 || major >= 4096 || minor >= (1U << 20))
		err = -EINVAL;
	else
		*dev = blkio_dev_make(major, minor);
	fclose(f);
	return err;
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
	if (blkio_disk_name(blkio_sysfs_root(), dev, s->name, sizeof(s->name)))
		s->name[0] = '\0';
	return s->name;
}
