// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sched.bpf.c: the scheduler tracer. On sched_wakeup/sched_wakeup_new (and on a preemption
 * seen in sched_switch) it stamps the task's enqueue time in task-local storage, which lives
 * and dies with the task and so cannot fill up like a global hash. On sched_switch it turns
 * the incoming task's stamp into a run-queue latency and the outgoing task's on-CPU stamp
 * into a time slice; exec, exit and fork become records of their own. Each measurement can
 * go to an in-kernel log2 histogram, to the ring buffer, or both, as userspace chose in
 * rodata. The idle task is never traced.
 */
#include "common.bpf.h"

#define TASK_RUNNING 0

/* Per-task timestamps, 0 when not armed. */
struct task_ts {
	__u64 wake_ns;	/* when the task became runnable */
	__u64 oncpu_ns; /* when it last got a CPU */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ts);
} task_ts SEC(".maps");

/* Keyed by enum vg_hist_per's choice: 0, tgid, tid or cgroup id. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct vg_hist);
} runq_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct vg_hist);
} oncpu_hist SEC(".maps");

/* What to produce; set by userspace before load. */
const volatile __u32 targ_stream_runq = 0;
const volatile __u32 targ_stream_oncpu = 0;
const volatile __u32 targ_stream_proc = 0;
const volatile __u32 targ_hist_runq = 0;
const volatile __u32 targ_hist_oncpu = 0;
const volatile __u32 targ_hist_per = VG_PER_GLOBAL;
const volatile __u32 targ_hist_unit_ns = 1000; /* 1000: usecs, 1000000: msecs */
const volatile __u64 targ_min_ns = 0;		 /* stream only events at least this slow */

/* task_struct.state was renamed __state in 5.14. */
struct task_struct___o {
	long state;
} __attribute__((preserve_access_index));

static __always_inline long task__state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___o *)t, state);
}

static __always_inline __u64 hist__key(struct task_struct *t)
{
	switch (targ_hist_per) {
	case VG_PER_PID:
		return BPF_CORE_READ(t, tgid);
	case VG_PER_TID:
		return BPF_CORE_READ(t, pid);
	case VG_PER_CGROUP:
		return task__cgroup_id(t);
	default:
		return 0;
	}
}

static __always_inline void hist__add(void *map, struct task_struct *t, __u64 value_ns)
{
	__u64 key = hist__key(t);
	__u64 v = value_ns / targ_hist_unit_ns;
	struct vg_hist *h;

	h = bpf_map_lookup_elem(map, &key);
	if (!h) {
		struct vg_hist zero = {};

		if (targ_hist_per != VG_PER_GLOBAL)
			BPF_CORE_READ_STR_INTO(&zero.comm, t, comm);
		/* EEXIST from a racing CPU is fine: the lookup below finds its entry. */
		bpf_map_update_elem(map, &key, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(map, &key);
		if (!h) {
			drop__count(VG_DROP_MAP_FULL);
			return;
		}
	}
	__sync_fetch_and_add(&h->slots[hist__slot(v)], 1);
	__sync_fetch_and_add(&h->sum, v);
}

static __always_inline struct task_ts *task_ts__get(struct task_struct *t, bool *is_new)
{
	struct task_ts *ts = bpf_task_storage_get(&task_ts, t, 0, 0);

	*is_new = false;
	if (ts)
		return ts;
	*is_new = true;
	ts = bpf_task_storage_get(&task_ts, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!ts)
		drop__count(VG_DROP_NO_STORAGE);
	return ts;
}

static __always_inline void on_wakeup(struct task_struct *p)
{
	struct task_ts *ts;
	bool is_new;

	if (!targ_hist_runq && !targ_stream_runq)
		return;
	if (!BPF_CORE_READ(p, pid) || !task__is_traced(p))
		return;
	ts = task_ts__get(p, &is_new);
	if (ts)
		ts->wake_ns = bpf_ktime_get_ns();
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(handle_sched_wakeup, struct task_struct *p)
{
	on_wakeup(p);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(handle_sched_wakeup_new, struct task_struct *p)
{
	on_wakeup(p);
	return 0;
}

static __always_inline void emit_oncpu(struct task_struct *t, __u64 now, __u64 slice)
{
	struct vg_oncpu *e;

	if (targ_hist_oncpu)
		hist__add(&oncpu_hist, t, slice);
	if (!targ_stream_oncpu || slice < targ_min_ns)
		return;
	e = event__reserve(sizeof(*e), VG_KIND_ONCPU, now);
	if (!e)
		return;
	e->duration_ns = slice;
	e->pid = BPF_CORE_READ(t, tgid);
	e->tid = BPF_CORE_READ(t, pid);
	BPF_CORE_READ_STR_INTO(&e->comm, t, comm);
	event__submit(e);
}

static __always_inline void emit_runq(struct task_struct *prev, struct task_struct *next,
				      __u64 now, __u64 latency)
{
	struct vg_runq *e;

	if (targ_hist_runq)
		hist__add(&runq_hist, next, latency);
	if (!targ_stream_runq || latency < targ_min_ns)
		return;
	e = event__reserve(sizeof(*e), VG_KIND_RUNQ, now);
	if (!e)
		return;
	e->latency_ns = latency;
	e->pid = BPF_CORE_READ(next, tgid);
	e->tid = BPF_CORE_READ(next, pid);
	e->prev_pid = BPF_CORE_READ(prev, tgid);
	e->prev_tid = BPF_CORE_READ(prev, pid);
	BPF_CORE_READ_STR_INTO(&e->comm, next, comm);
	BPF_CORE_READ_STR_INTO(&e->prev_comm, prev, comm);
	event__submit(e);
}

/* The outgoing task: close its time slice, and re-arm (preempted) or disarm its wakeup. */
static __always_inline void switch_out(struct task_struct *prev, __u64 now)
{
	struct task_ts *ts;
	bool is_new;

	if (!BPF_CORE_READ(prev, pid) || !task__is_traced(prev))
		return;
	ts = task_ts__get(prev, &is_new);
	if (!ts)
		return;
	if (ts->oncpu_ns && (targ_hist_oncpu || targ_stream_oncpu))
		emit_oncpu(prev, now, now - ts->oncpu_ns);
	ts->oncpu_ns = 0;
	/* A task switched out while still runnable goes straight back to the run queue. */
	ts->wake_ns = task__state(prev) == TASK_RUNNING ? now : 0;
}

/* The incoming task: its wait on the run queue ends now, its time slice starts. */
static __always_inline void switch_in(struct task_struct *prev, struct task_struct *next,
				      __u64 now)
{
	struct task_ts *ts;
	bool is_new;

	if (!BPF_CORE_READ(next, pid) || !task__is_traced(next))
		return;
	ts = task_ts__get(next, &is_new);
	if (!ts)
		return;
	ts->oncpu_ns = now;
	if (!targ_hist_runq && !targ_stream_runq)
		return;
	if (ts->wake_ns) {
		emit_runq(prev, next, now, now - ts->wake_ns);
		ts->wake_ns = 0;
	} else if (!is_new) {
		/* Known task, yet no stamp: its wakeup was not seen. New tasks are expected. */
		drop__count(VG_DROP_MISSING_START);
	}
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	__u64 now = bpf_ktime_get_ns();

	switch_out(prev, now);
	switch_in(prev, next, now);
	return 0;
}

static __always_inline void emit_proc(struct task_struct *t, __u16 kind, __s32 exit_code,
				      const char *filename)
{
	struct vg_proc *e;

	if (!targ_stream_proc || !task__is_traced(t))
		return;
	e = event__reserve(sizeof(*e), kind, bpf_ktime_get_ns());
	if (!e)
		return;
	e->pid = BPF_CORE_READ(t, tgid);
	e->tid = BPF_CORE_READ(t, pid);
	e->ppid = BPF_CORE_READ(t, real_parent, tgid);
	e->exit_code = exit_code;
	BPF_CORE_READ_STR_INTO(&e->comm, t, comm);
	if (filename)
		bpf_probe_read_kernel_str(&e->filename, sizeof(e->filename), filename);
	else
		e->filename[0] = 0;
	event__submit(e);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_sched_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	emit_proc(p, VG_KIND_EXEC, 0, BPF_CORE_READ(bprm, filename));
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_sched_exit, struct task_struct *p)
{
	emit_proc(p, VG_KIND_EXIT, BPF_CORE_READ(p, exit_code), NULL);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_sched_fork, struct task_struct *parent, struct task_struct *child)
{
	emit_proc(child, VG_KIND_FORK, 0, NULL);
	return 0;
}
