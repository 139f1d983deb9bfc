// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * blkio_fmt.c: op strings and status names for block I/O records. The status table follows
 * the kernel's blk_errors[] (block/blk-core.c) as numbered since 6.9, when BLK_STS_DM_REQUEUE
 * (11) was removed and the later values moved down by one.
 */
#include "blkio/blkio_fmt.h"

#include <linux/types.h>
#include <stdio.h>

#include "blkio/blkio_dev.h"
#include "events.h"

enum {
	OP_READ = 0,
	OP_WRITE = 1,
	OP_FLUSH = 2,
	OP_DISCARD = 3,
	OP_SECURE_ERASE = 5,
	OP_WRITE_ZEROES = 9,
};

static const char *op_letters(uint8_t op)
{
	switch (op) {
	case OP_READ:
		return "R";
	case OP_WRITE:
		return "W";
	case OP_FLUSH:
		return "F";
	case OP_DISCARD:
		return "D";
	case OP_SECURE_ERASE:
		return "DE";
	case OP_WRITE_ZEROES:
		return "Z";
	default:
		return "N";
	}
}

const char *blkio_op_name(uint8_t op)
{
	switch (op) {
	case OP_READ:
		return "read";
	case OP_WRITE:
		return "write";
	case OP_FLUSH:
		return "flush";
	case OP_DISCARD:
		return "discard";
	default:
		return "other";
	}
}

char *blkio_op_format(uint8_t op, uint8_t flags, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s", flags & VG_BIO_PREFLUSH ? "F" : "", op_letters(op),
		 flags & VG_BIO_FUA ? "F" : "", flags & VG_BIO_RAHEAD ? "A" : "",
		 flags & VG_BIO_SYNC ? "S" : "", flags & VG_BIO_META ? "M" : "");
	return buf;
}

/* clang-format off */
static const char *const status_names[] = {
	[0] = "",
	[1] = "EOPNOTSUPP",
	[2] = "ETIMEDOUT",
	[3] = "ENOSPC",
	[4] = "ENOLINK",
	[5] = "EREMOTEIO",
	[6] = "EBADE",
	[7] = "ENODATA",
	[8] = "EILSEQ",
	[9] = "ENOMEM",
	[10] = "EIO",
	[12] = "EAGAIN",
	[13] = "EBUSY",
	[14] = "ETOOMANYREFS",
	[15] = "EOVERFLOW",
	[16] = "ENODEV",
	[17] = "ETIME",
	[19] = "EINVAL",
};
/* clang-format on */

const char *blkio_status_name(uint8_t status, char *buf, size_t len)
{
	if (status < sizeof(status_names) / sizeof(status_names[0]) && status_names[status])
		return status_names[status];
	snprintf(buf, len, "BLK_STS_%u", status);
	return buf;
}

char *blkio_disk_label(uint32_t dev, char *buf, size_t len)
{
	const char *name = blkio_disk_cached(dev);

	if (*name)
		snprintf(buf, len, "%s (%u:%u)", name, blkio_dev_major(dev), blkio_dev_minor(dev));
	else
		snprintf(buf, len, "%u:%u", blkio_dev_major(dev), blkio_dev_minor(dev));
	return buf;
}
