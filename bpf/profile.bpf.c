// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * profile.bpf.c: the profiler. On-CPU, a perf_event program runs on every tick of a software
 * CPU clock on each CPU, takes the kernel and user stacks of the interrupted task and counts
 * the sample under {pid, tid, cgroup, comm, kernel stack, user stack} in the `counts` hash;
 * the stacks themselves live in hashes by id. Off-CPU, sched_switch saves the outgoing
 * task's stacks and the time it left the CPU in task-local storage; sched_wakeup (or, for a
 * preempted task that was never woken, its next switch-in) turns that into blocked time added
 * under the same kind of key. Nothing is streamed per sample: only the first sample of each
 * process sends a small record, so that userspace can read its memory map while it lives.
 * Stacks that cannot be taken are counted per reason in `stack_errs` and kept in the key as
 * the negative errno, so they show up in the output instead of vanishing. Kernel stacks come
 * from bpf_get_stack(); user stacks from the call-frame unwinder (unwind.bpf.h), which
 * does not need frame pointers, from the user registers saved at the sample or the switch.
 */
#include "common.bpf.h"
#include "unwind.bpf.h"

#define PF_KTHREAD	0x00200000
#define TASK_REPORT_MAX 0x7f

/*
 * Kernel stacks by id, as the unwinder keeps user stacks: a hash that allocates as stacks
 * come, where a STACK_TRACE map would preallocate all of them (16 MB, a quarter of the load
 * time of a short profile). Resized by userspace before load (--stack-storage).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct unw_stack);
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct unw_stack);
} kstack_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct vg_prof_key);
	__type(value, struct vg_prof_val);
} counts SEC(".maps");

/* Processes already announced to userspace; LRU so it never fills. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u8);
} seen_pids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_SERR_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stack_errs SEC(".maps");

/* Off-CPU: where and when the task left the CPU (events.h); ts 0 when not armed. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct vg_prof_start);
} offcpu_start SEC(".maps");

const volatile __u32 targ_include_idle = 0;
const volatile __u32 targ_kernel_stacks = 1;
const volatile __u32 targ_user_stacks = 1;
/* Off-CPU: blocked times outside [min, max] are ignored; states are a mask of VG_PSTATE_*. */
const volatile __u64 targ_min_block_ns = 1;
const volatile __u64 targ_max_block_ns = ~0ULL;
const volatile __u32 targ_state_mask = ~0U;

/*
 * Set once a task passed the task filters (--pid, --comm, ...), whatever became of its
 * sample: userspace tells "nothing matched" from "matched, but every block was filtered".
 * Written once, then only read: no cache line bouncing.
 */
__u8 task_matched = 0;

static __always_inline void task_matched__set(void)
{
	if (!task_matched)
		task_matched = 1;
}

/* bit 0: TASK_INTERRUPTIBLE (S), bit 1: TASK_UNINTERRUPTIBLE (D), bit 31: preempted (R). */
#define VG_PSTATE_RUNNING (1U << 31)

static __always_inline void stack_err__count(int err, __u32 base)
{
	__u32 idx = base;
	__u64 *cnt;

	if (err == -17) /* EEXIST */
		idx += VG_SERR_EEXIST;
	else if (err == -14) /* EFAULT */
		idx += VG_SERR_EFAULT;
	else if (err == -12) /* ENOMEM */
		idx += VG_SERR_ENOMEM;
	else
		idx += VG_SERR_OTHER;
	cnt = bpf_map_lookup_elem(&stack_errs, &idx);
	if (cnt)
		*cnt += 1;
}

/* The kernel stack at ctx, stored in `stacks`: its id, or -errno (counted). */
static __always_inline __s32 kstack__get(void *ctx, bool wanted)
{
	__u64 hash = 0xcbf29ce484222325ULL;
	struct unw_stack *st;
	__u32 zero = 0;
	long n;
	__s32 id;

	if (!wanted)
		return VG_STACK_NONE;
	st = bpf_map_lookup_elem(&kstack_scratch, &zero);
	if (!st)
		return -14;
	/* Zeroed straight through: a loop that branched per slot cost the verifier a path each. */
	__builtin_memset(st, 0, sizeof(*st));
	n = bpf_get_stack(ctx, st->ips, VG_PROF_MAX_DEPTH * sizeof(__u64), 0);
	if (n <= 0) {
		id = n < 0 ? (__s32)n : -14;
	} else {
		n /= sizeof(__u64);
		for (int i = 0; i < VG_PROF_MAX_DEPTH && i < n; i++)
			hash = (hash ^ st->ips[i]) * 0x100000001b3ULL;
		id = stack__store(&stacks, st, hash);
	}
	if (id < 0)
		stack_err__count(id, 0);
	return id;
}

/*
 * The user stack of t (current) through the unwinder, from the sample's registers (uregs)
 * when it interrupted user mode, else from those saved at kernel entry.
 */
static __always_inline __s32 ustack__get(bpf_user_pt_regs_t *uregs, struct task_struct *t,
					 bool wanted)
{
	struct pt_regs *kregs;
	__s32 id;

	if (!wanted)
		return VG_STACK_NONE;
	if (uregs) {
		id = unw_stack_get(uregs->ip, uregs->sp, uregs->bp, t->tgid);
	} else {
		kregs = (struct pt_regs *)bpf_task_pt_regs(t);
		if (!kregs)
			return VG_STACK_NONE;
		id = unw_stack_get(kregs->ip, kregs->sp, kregs->bp, t->tgid);
	}
	if (id < 0)
		stack_err__count(id, VG_SERR_PER_STACK);
	return id;
}

/* Announce pid to userspace the first time it is seen. */
static __always_inline void pid__announce(__u32 pid, __u64 now)
{
	struct vg_prof_pid *e;
	__u8 one = 1;

	if (bpf_map_update_elem(&seen_pids, &pid, &one, BPF_NOEXIST))
		return;
	e = event__reserve(sizeof(*e), VG_KIND_PROF_PID, now);
	if (!e)
		return;
	e->pid = pid;
	e->pad = 0;
	event__submit(e);
}

static __always_inline void counts__add(struct vg_prof_key *key, __u64 value, __u64 now)
{
	struct vg_prof_val *v = bpf_map_lookup_elem(&counts, key);

	if (!v) {
		struct vg_prof_val zero = {};

		/* EEXIST from a racing CPU is fine: the lookup below finds its entry. */
		bpf_map_update_elem(&counts, key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&counts, key);
		if (!v) {
			drop__count(VG_DROP_MAP_FULL);
			return;
		}
		if (key->ustack_id != VG_STACK_NONE)
			pid__announce(key->pid, now);
	}
	__sync_fetch_and_add(&v->value, value);
	__sync_fetch_and_add(&v->count, 1);
}

static __always_inline bool task__has_user_stack(struct task_struct *t)
{
	return !(BPF_CORE_READ(t, flags) & PF_KTHREAD);
}

static __always_inline void key__fill(struct vg_prof_key *key, struct task_struct *t)
{
	key->pid = BPF_CORE_READ(t, tgid);
	key->tid = BPF_CORE_READ(t, pid);
	key->cgroup_id = task__cgroup_id(t);
	BPF_CORE_READ_STR_INTO(&key->comm, t, comm);
}

SEC("perf_event")
int handle_profile_sample(struct bpf_perf_event_data *ctx)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct vg_prof_key key = {};
	bool in_user;

	if (!BPF_CORE_READ(t, pid) && !targ_include_idle)
		return 0;
	if (!task__is_traced(t))
		return 0;
	task_matched__set();
	key__fill(&key, t);
	/* x86-64: user addresses are the lower half; the kernel lives in the upper one. */
	in_user = (long)ctx->regs.ip >= 0;
	key.kstack_id = kstack__get(ctx, targ_kernel_stacks && !in_user);
	key.ustack_id = ustack__get(in_user ? &ctx->regs : NULL, t,
				    targ_user_stacks && task__has_user_stack(t));
	counts__add(&key, 1, bpf_ktime_get_ns());
	return 0;
}

/*
 * state is prev's __state at the switch: 0 when preempted; otherwise the sleep kind in the
 * low bits (TASK_KILLABLE and TASK_IDLE are D plus flags). TASK_DEAD (0x80) is outside the
 * reportable bits, so a task's last switch-out is never armed.
 */
static __always_inline bool state__is_wanted(unsigned int state)
{
	if (!state)
		return targ_state_mask & VG_PSTATE_RUNNING;
	return state & TASK_REPORT_MAX & targ_state_mask;
}

/* Add the blocked time of t, if it was armed and the time is in range; disarm it. */
static __always_inline void offcpu__account(struct task_struct *t, __u64 now)
{
	struct vg_prof_start *st = bpf_task_storage_get(&offcpu_start, t, 0, 0);
	__u64 delta;

	if (!st || !st->ts)
		return;
	delta = now - st->ts;
	st->ts = 0;
	if (delta < targ_min_block_ns || delta > targ_max_block_ns)
		return;
	counts__add(&st->key, delta, now);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_offcpu_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	__u64 now = bpf_ktime_get_ns();
	struct vg_prof_start *st;
	bool wanted;

	if (!BPF_CORE_READ(prev, pid) || !task__is_traced(prev))
		goto switch_in;
	task_matched__set();
	wanted = state__is_wanted(preempt ? 0 : prev_state);
	st = bpf_task_storage_get(&offcpu_start, prev, 0,
				  wanted ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	/*
	 * prev is running, so its last block ended; if it is still armed, both closing lookups
	 * failed (task storage is refused while another program on this CPU holds it). Count
	 * the lost block rather than let a later wakeup add the time prev spent running.
	 */
	if (st && st->ts) {
		drop__count(VG_DROP_NO_STORAGE);
		st->ts = 0;
	}
	if (!wanted)
		goto switch_in;
	if (!st) {
		drop__count(VG_DROP_NO_STORAGE);
		goto switch_in;
	}
	key__fill(&st->key, prev);
	/* prev is still current here: these are its stacks. */
	st->key.kstack_id = kstack__get(ctx, targ_kernel_stacks);
	st->key.ustack_id = ustack__get(NULL, prev, targ_user_stacks && task__has_user_stack(prev));
	st->ts = now;
switch_in:
	/* A preempted task gets no wakeup: its off-CPU time ends when it runs again. */
	offcpu__account(next, now);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(handle_offcpu_wakeup, struct task_struct *p)
{
	offcpu__account(p, bpf_ktime_get_ns());
	return 0;
}
