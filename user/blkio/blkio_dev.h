/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * blkio_dev.h: block device names and numbers. The kernel hands over a disk as a dev_t
 * (major << 20 | minor); people name it "vda" or "loop0". Both directions are read from
 * sysfs by the fallback library (fb_block_dev_name(), fb_block_dev_number()) under its root,
 * which tests point at a fixture tree. The decoder's lookups are cached.
 */
#ifndef VIGIL_BLKIO_DEV_H
#define VIGIL_BLKIO_DEV_H

#include <stddef.h>
#include <stdint.h>

#define BLKIO_DISK_LEN 32

static inline uint32_t blkio_dev_major(uint32_t dev)
{
	return dev >> 20;
}

static inline uint32_t blkio_dev_minor(uint32_t dev)
{
	return dev & 0xfffff;
}

static inline uint32_t blkio_dev_make(uint32_t major, uint32_t minor)
{
	return major << 20 | (minor & 0xfffff);
}

/* The name of device dev into buf: 0, -ENOENT if it has none, or another -errno. */
int blkio_disk_name(uint32_t dev, char *buf, size_t len);

/*
 * The dev_t of the whole disk called name: 0, -ENOENT, or -EINVAL for a malformed name, a
 * partition or an unreadable number.
 */
int blkio_disk_dev(const char *name, uint32_t *dev);

/* blkio_disk_name(), cached; "" when unknown, never NULL. */
const char *blkio_disk_cached(uint32_t dev);

#endif /* VIGIL_BLKIO_DEV_H */
