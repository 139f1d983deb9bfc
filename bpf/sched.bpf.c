// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sched.bpf.c: the scheduler tracer. On sched_wakeup/sched_wakeup_new (and on a preemption
 * seen in sched_switch) it stamps the task's enqueue time in task-local storage, which lives
 * and dies with the task and so cannot fill up like a global hash. On sched_switch it turns
 * the incoming task's stamp into a run-queue latency and the outgoing task's on-CPU stamp
 * into a time slice; exec, exit and fork become records of their own. Each measurement can
 * go to an in-kernel log2 histogram, to the ring buffer, or both, as userspace chose in
 * rodata. Where the kernel refuses a task its storage, the stamp goes to a spill
 * (task_spill.bpf.h) instead of being lost. sched_switch is the hottest path: it touches
 * only the storage the chosen outputs need (none for a task going to sleep when only
 * run-queue latency is asked for), and the global histograms are per-CPU, so no atomic and
 * no cache line crosses CPUs. A switch-in without a stamp is counted as unmatched (a task
 * runnable before the trace began, or a wakeup the kernel's tracepoints never showed),
 * never as a drop. The idle task is never traced.
 */
#include "common.bpf.h"
#include "task_spill.bpf.h"

#define TASK_RUNNING 0

/* Per-task timestamps, 0 when not armed. */
struct task_ts {
	__u64 wake_ns;	/* when the task became runnable */
	__u64 oncpu_ns; /* when it last got a CPU */
	__u64 spilled;	/* 1: this is the task's entry in task_ts_spill */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ts);
} task_ts SEC(".maps");

TASK_SPILL_MAP(task_ts_spill, struct task_ts);

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

/*
 * The global (unkeyed) histograms: one-slot per-CPU arrays, whose lookup the verifier inlines,
 * never reset; each CPU adds to its own copy without atomics, and userspace sums the copies,
 * reads them as cumulative counters and prints the deltas.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_hist);
} runq_hist_total SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_hist);
} oncpu_hist_total SEC(".maps");

/* What to produce; set by userspace before load. */
const volatile __u32 targ_stream_runq = 0;
const volatile __u32 targ_stream_oncpu = 0;
const volatile __u32 targ_stream_proc = 0;
const volatile __u32 targ_hist_runq = 0;
const volatile __u32 targ_hist_oncpu = 0;
const volatile __u32 targ_hist_per = VG_PER_GLOBAL;
const volatile __u32 targ_hist_unit_ns = 1000; /* 1000: usecs, 1000000: msecs */
const volatile __u64 targ_min_ns = 0;	       /* only events at least this slow */

/* task_struct.state was renamed __state in 5.14. */
struct task_struct___o {
	long state;
} __attribute__((preserve_access_index));

static __always_inline long task__state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return t->__state;
	return ((struct task_struct___o *)t)->state;
}

static __always_inline __u64 hist__key(struct task_struct *t)
{
	switch (targ_hist_per) {
	case VG_PER_PID:
		return t->tgid;
	case VG_PER_TID:
		return t->pid;
	case VG_PER_CGROUP:
		return task__cgroup_id(t);
	default:
		return 0;
	}
}

/* The keyed histogram entry for t, created on first use; NULL (counted) if the map is full. */
static __always_inline struct vg_hist *hist__keyed(void *map, struct task_struct *t)
{
	__u64 key = hist__key(t);
	struct vg_hist *h = bpf_map_lookup_elem(map, &key);
	struct vg_hist zero = {};

	if (h)
		return h;
	comm__copy(zero.comm, t);
	/* EEXIST from a racing CPU is fine: the lookup below finds its entry. */
	bpf_map_update_elem(map, &key, &zero, BPF_NOEXIST);
	h = bpf_map_lookup_elem(map, &key);
	if (!h)
		drop__count(VG_DROP_MAP_FULL);
	return h;
}

static __always_inline void hist__add(void *keyed, void *total, struct task_struct *t,
				      __u64 value_ns)
{
	__u64 v = value_ns / targ_hist_unit_ns;
	struct vg_hist *h;
	__u32 zero = 0;

	if (targ_hist_per == VG_PER_GLOBAL) {
		h = bpf_map_lookup_elem(total, &zero);
		if (!h)
			return;
		/* This CPU's copy, and interrupts are off on this path: plain adds. */
		h->slots[hist__slot(v)] += 1;
		h->sum += v;
		return;
	}
	h = hist__keyed(keyed, t);
	if (!h)
		return;
	__sync_fetch_and_add(&h->slots[hist__slot(v)], 1);
	__sync_fetch_and_add(&h->sum, v);
}

static __always_inline bool wants_runq(void)
{
	return targ_hist_runq || targ_stream_runq;
}

static __always_inline bool wants_oncpu(void)
{
	return targ_hist_oncpu || targ_stream_oncpu;
}

/* t's stamps, from its storage or, where the kernel refused that, from the spill. */
static __always_inline struct task_ts *task_ts__find(struct task_struct *t)
{
	struct task_ts *ts = bpf_task_storage_get(&task_ts, t, 0, 0);

	return ts ?: task_spill__lookup(&task_ts_spill, t);
}

/* t's stamps, made (and *is_new set) if it has none; NULL, counted, only if both refuse. */
static __always_inline struct task_ts *task_ts__get(struct task_struct *t, bool *is_new)
{
	struct task_ts *ts = task_ts__find(t);
	struct task_ts init = { .spilled = 1 };

	*is_new = !ts;
	if (ts)
		return ts;
	ts = bpf_task_storage_get(&task_ts, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	return ts ?: task_spill__create(&task_ts_spill, t, &init);
}

/* A spilled entry goes once its stamps are consumed, so the spill holds only live ones. */
static __always_inline void task_ts__put(struct task_struct *t, struct task_ts *ts)
{
	if (ts->spilled && !ts->wake_ns && !ts->oncpu_ns)
		task_spill__delete(&task_ts_spill, t);
}

/*
 * A task woken while it still runs on a CPU is not queued: nothing to stamp (if it stays
 * runnable, its switch-out stamps it). So a stamp is always consumed by the next switch-in,
 * and a task going to sleep never holds one: sched_switch need not clear it.
 */
static __always_inline void on_wakeup(struct task_struct *p)
{
	struct task_ts *ts;
	bool is_new;

	if (!wants_runq())
		return;
	if (!p->pid || p->on_cpu || !task__is_traced(p))
		return;
	ts = task_ts__get(p, &is_new);
	if (!ts)
		return;
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

/* The time slice that began at `since` and ends now. */
static __always_inline void emit_oncpu(struct task_struct *t, __u64 now, __u64 since)
{
	__u64 slice = now - since;
	struct vg_oncpu *e;

	if (slice < targ_min_ns)
		return;
	if (targ_hist_oncpu)
		hist__add(&oncpu_hist, &oncpu_hist_total, t, slice);
	if (!targ_stream_oncpu)
		return;
	e = event__reserve(sizeof(*e), VG_KIND_ONCPU, now);
	if (!e)
		return;
	e->duration_ns = slice;
	e->cgroup_id = rec__cgroup_id(t);
	e->pid = t->tgid;
	e->tid = t->pid;
	comm__copy(e->comm, t);
	event__submit(e);
}

/* next's wait on the run queue, from its stamp `since` to now. */
static __always_inline void emit_runq(struct task_struct *prev, struct task_struct *next, __u64 now,
				      __u64 since)
{
	__u64 latency = now - since;
	struct vg_runq *e;

	if (latency < targ_min_ns)
		return;
	if (targ_hist_runq)
		hist__add(&runq_hist, &runq_hist_total, next, latency);
	if (!targ_stream_runq)
		return;
	e = event__reserve(sizeof(*e), VG_KIND_RUNQ, now);
	if (!e)
		return;
	e->latency_ns = latency;
	e->cgroup_id = rec__cgroup_id(next);
	e->pid = next->tgid;
	e->tid = next->pid;
	e->prev_pid = prev->tgid;
	e->prev_tid = prev->pid;
	comm__copy(e->comm, next);
	comm__copy(e->prev_comm, prev);
	event__submit(e);
}

/*
 * The clock, read at most once per switch and only when a stamp is made or used: most
 * switches on a busy machine involve the idle task or a task going to sleep, and on a VM the
 * clock read is among the costliest steps left.
 */
static __always_inline __u64 clock__now(__u64 *now)
{
	if (!*now)
		*now = bpf_ktime_get_ns();
	return *now;
}

/*
 * The outgoing task: close its time slice, and stamp it if it stays runnable. A preempted task
 * stays on the run queue whatever its state says: preemption can catch it between
 * set_current_state() and schedule(), so the state alone (runqlat's test) would miss its
 * wait. A task going to sleep needs nothing here unless time slices are asked for: it holds
 * no stamp (see on_wakeup), and its wakeup creates its storage if it has none.
 */
static __always_inline void switch_out(struct task_struct *prev, bool preempt, __u64 *now)
{
	bool runnable = preempt || task__state(prev) == TASK_RUNNING;
	struct task_ts *ts;
	bool is_new;

	if (!wants_oncpu() && !runnable)
		return;
	if (!prev->pid || !task__is_traced(prev))
		return;
	ts = runnable ? task_ts__get(prev, &is_new) : task_ts__find(prev);
	if (!ts)
		return;
	if (wants_oncpu() && ts->oncpu_ns)
		emit_oncpu(prev, clock__now(now), ts->oncpu_ns);
	ts->oncpu_ns = 0;
	/* A task switched out while still runnable goes straight back to the run queue. */
	if (runnable)
		ts->wake_ns = clock__now(now);
	task_ts__put(prev, ts);
}

/*
 * The incoming task: its wait on the run queue ends now, its time slice starts. Without time
 * slices a task with no storage was never seen runnable: it has no stamp, and none is made.
 */
static __always_inline void switch_in(struct task_struct *prev, struct task_struct *next,
				      __u64 *now)
{
	struct task_ts *ts;
	bool is_new = false;

	if (!next->pid || !task__is_traced(next))
		return;
	ts = wants_oncpu() ? task_ts__get(next, &is_new) : task_ts__find(next);
	if (!ts) {
		if (!wants_oncpu())
			unmatched__count(VG_UNMATCHED_BEFORE_TRACE);
		return;
	}
	if (wants_oncpu())
		ts->oncpu_ns = clock__now(now);
	if (!wants_runq())
		return;
	if (ts->wake_ns) {
		emit_runq(prev, next, clock__now(now), ts->wake_ns);
		ts->wake_ns = 0;
	} else {
		/* Runnable before the trace began (first sight), or a wakeup never announced. */
		unmatched__count(is_new ? VG_UNMATCHED_BEFORE_TRACE : VG_UNMATCHED_START_NOT_SEEN);
	}
	task_ts__put(next, ts);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 now = 0;

	switch_out(prev, preempt, &now);
	switch_in(prev, next, &now);
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
	e->cgroup_id = rec__cgroup_id(t);
	e->pid = t->tgid;
	e->tid = t->pid;
	e->ppid = t->real_parent->tgid;
	e->exit_code = exit_code;
	comm__copy(e->comm, t);
	if (filename)
		bpf_probe_read_kernel_str(&e->filename, sizeof(e->filename), filename);
	else
		e->filename[0] = 0;
	event__submit(e);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_sched_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	emit_proc(p, VG_KIND_EXEC, 0, bprm->filename);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_sched_exit, struct task_struct *p)
{
	emit_proc(p, VG_KIND_EXIT, p->exit_code, NULL);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_sched_fork, struct task_struct *parent, struct task_struct *child)
{
	emit_proc(child, VG_KIND_FORK, 0, NULL);
	return 0;
}
