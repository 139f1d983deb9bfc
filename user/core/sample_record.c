// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sample_record.c: the `sample` kind, the shape of data polled by the fallbacks: one kind
 * per subsystem, all named `sample`, each with the subsystem's metric fields and the
 * interval they cover. sched: per task, schedstat's deltas (time on CPU, run-queue wait,
 * time slices) and context switches. blkio: per disk, diskstats' deltas as iostat reads
 * them (I/Os, bytes, r_await/w_await as ns per I/O, busy time for %util).
 */
#include "core/record.h"

static const enum vfield sched_fields[] = {
	VF_SUBSYSTEM,
	VF_PID,
	VF_TID,
	VF_COMM,
	VF_ONCPU_NS,
	VF_RUN_DELAY_NS,
	VF_TIMESLICES,
	VF_VOLUNTARY_SWITCHES,
	VF_INVOLUNTARY_SWITCHES,
	VF_INTERVAL_NS,
};
static const enum vfield blkio_fields[] = {
	VF_SUBSYSTEM,	VF_DISK,       VF_READS,      VF_WRITES,  VF_READ_BYTES,
	VF_WRITE_BYTES, VF_R_AWAIT_NS, VF_W_AWAIT_NS, VF_BUSY_NS, VF_INTERVAL_NS,
};

const struct vkind_desc sample_kind_sched = {
	"sample", "sched", VKIND_FIELDS(sched_fields), 0, NULL,
};
const struct vkind_desc sample_kind_blkio = {
	"sample", "blkio", VKIND_FIELDS(blkio_fields), 0, NULL,
};
