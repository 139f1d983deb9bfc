// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sched_record.c: the scheduler's record kinds (runq, oncpu, exec, exit, fork): their columns
 * in schema order and the decoders from the wire structs of bpf/events.h. Strings point into
 * the ring-buffer record, so a row is valid only while its record is.
 */
#include <linux/types.h>
#include <stddef.h>

#include "events.h"
#include "core/record.h"

static void decode_runq(struct vrow *row, const void *data)
{
	const struct vg_runq *e = data;

	row->v[VF_PID].u = e->pid;
	row->v[VF_TID].u = e->tid;
	row->v[VF_COMM].str = e->comm;
	row->v[VF_LATENCY_NS].u = e->latency_ns;
	row->v[VF_PREV_PID].u = e->prev_pid;
	row->v[VF_PREV_TID].u = e->prev_tid;
	row->v[VF_PREV_COMM].str = e->prev_comm;
	row->cgroup_id = e->cgroup_id;
}

static void decode_oncpu(struct vrow *row, const void *data)
{
	const struct vg_oncpu *e = data;

	row->v[VF_PID].u = e->pid;
	row->v[VF_TID].u = e->tid;
	row->v[VF_COMM].str = e->comm;
	row->v[VF_DURATION_NS].u = e->duration_ns;
	row->cgroup_id = e->cgroup_id;
}

/* wait(2)'s status as a shell shows it: the exit code, or 128 + the killing signal. */
static int64_t exit_status_code(int32_t status)
{
	return (status & 0x7f) ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
}

static void decode_proc(struct vrow *row, const void *data)
{
	const struct vg_proc *e = data;

	row->v[VF_PID].u = e->pid;
	row->v[VF_TID].u = e->tid;
	row->v[VF_PPID].u = e->ppid;
	row->v[VF_COMM].str = e->comm;
	row->v[VF_FILENAME].str = e->filename;
	row->v[VF_EXIT_CODE].s = exit_status_code(e->exit_code);
	row->cgroup_id = e->cgroup_id;
}

static const enum vfield runq_fields[] = {
	VF_PID,	     VF_TID,	  VF_COMM,	VF_CPU,		  VF_LATENCY_NS,
	VF_PREV_PID, VF_PREV_TID, VF_PREV_COMM, VF_CGROUP_FIELDS,
};
static const enum vfield oncpu_fields[] = {
	VF_PID, VF_TID, VF_COMM, VF_CPU, VF_DURATION_NS, VF_CGROUP_FIELDS,
};
static const enum vfield exec_fields[] = {
	VF_PID, VF_TID, VF_PPID, VF_COMM, VF_FILENAME, VF_CGROUP_FIELDS,
};
static const enum vfield exit_fields[] = {
	VF_PID, VF_TID, VF_PPID, VF_COMM, VF_EXIT_CODE, VF_CGROUP_FIELDS,
};
static const enum vfield fork_fields[] = { VF_PID, VF_TID, VF_PPID, VF_COMM, VF_CGROUP_FIELDS };

const struct vkind_desc sched_kind_runq = {
	"runq", "sched", VKIND_FIELDS(runq_fields), sizeof(struct vg_runq), decode_runq,
};
const struct vkind_desc sched_kind_oncpu = {
	"oncpu", "sched", VKIND_FIELDS(oncpu_fields), sizeof(struct vg_oncpu), decode_oncpu,
};
const struct vkind_desc sched_kind_exec = {
	"exec", "sched", VKIND_FIELDS(exec_fields), sizeof(struct vg_proc), decode_proc,
};
const struct vkind_desc sched_kind_exit = {
	"exit", "sched", VKIND_FIELDS(exit_fields), sizeof(struct vg_proc), decode_proc,
};
const struct vkind_desc sched_kind_fork = {
	"fork", "sched", VKIND_FIELDS(fork_fields), sizeof(struct vg_proc), decode_proc,
};
