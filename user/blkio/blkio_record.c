// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * blkio_record.c: the block I/O record kinds. `bio` is one request, decoded from struct
 * vg_bio: the submitter (null when unknown, as for requests in flight before tracing), the disk as
 * "M:m" and by name, the op string, sector,
 * bytes, queue and service times, and the error as an errno name. `bio_top` is biotop's
 * per-process interval summary, built in userspace from the io_top map. Text goes into the
 * row's scratch space; the disk name points into the name cache.
 */
#include <linux/types.h>
#include <stdio.h>

#include "blkio/blkio_dev.h"
#include "blkio/blkio_fmt.h"
#include "events.h"
#include "core/record.h"

#define SCRATCH_DEV 0
#define SCRATCH_OP  16
#define SCRATCH_ERR 32

_Static_assert(SCRATCH_ERR + 32 <= VROW_SCRATCH, "blkio scratch layout");

static void decode_bio(struct vrow *row, const void *data)
{
	const struct vg_bio *e = data;
	char *dev = row->scratch + SCRATCH_DEV;

	row->v[VF_PID].u = e->pid;
	row->v[VF_COMM].str = e->comm;
	row->cgroup_id = e->cgroup_id;
	if (!(e->known & VG_BIO_OWNER)) {
		vrow__set_null(row, VF_PID);
		vrow__set_null(row, VF_COMM);
	}
	snprintf(dev, 16, "%u:%u", blkio_dev_major(e->dev), blkio_dev_minor(e->dev));
	row->v[VF_DEV].str = dev;
	row->v[VF_DISK].str = blkio_disk_cached(e->dev);
	if (!row->v[VF_DISK].str[0])
		vrow__set_null(row, VF_DISK);
	row->v[VF_OP].str = blkio_op_format(e->op, e->flags, row->scratch + SCRATCH_OP, 16);
	row->v[VF_SECTOR].u = e->sector;
	if (e->sector == (__u64)-1)
		vrow__set_null(row, VF_SECTOR);
	row->v[VF_BYTES].u = e->bytes;
	row->v[VF_QUEUE_NS].u = e->queue_ns;
	if (!(e->known & VG_BIO_QUEUED))
		vrow__set_null(row, VF_QUEUE_NS);
	row->v[VF_SERVICE_NS].u = e->service_ns;
	row->v[VF_ERROR].str = blkio_status_name(e->status, row->scratch + SCRATCH_ERR, 32);
}

static const enum vfield bio_fields[] = {
	VF_PID,	   VF_COMM,  VF_CPU,	  VF_DEV,	 VF_DISK,  VF_OP,
	VF_SECTOR, VF_BYTES, VF_QUEUE_NS, VF_SERVICE_NS, VF_ERROR, VF_CGROUP_FIELDS,
};

static const enum vfield top_fields[] = {
	VF_PID,	  VF_COMM,	     VF_DEV,	     VF_DISK, VF_OP, VF_IOS,
	VF_BYTES, VF_AVG_LATENCY_NS, VF_INTERVAL_NS,
};

const struct vkind_desc blkio_kind_bio = {
	"bio", "blkio", VKIND_FIELDS(bio_fields), sizeof(struct vg_bio), decode_bio,
};

const struct vkind_desc blkio_kind_top = {
	"bio_top", "blkio", VKIND_FIELDS(top_fields), 0, NULL,
};
