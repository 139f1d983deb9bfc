/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * unwind.bpf.h: the profiler's user-stack unwinder, for programs that cannot rely on frame
 * pointers (Debian builds without them). From the task's user registers it walks one frame
 * per bpf_loop() step: find the mapping holding the PC in the process's mapping list
 * (`unw_procs`), binary-search the object's rows (`unw_rows`, located by `unw_objs`), compute
 * the caller's CFA, return address and rbp, and read them from the user stack. Where no row
 * applies (no table loaded yet, JIT code, a rule the tables cannot express) the step follows
 * the frame-pointer chain instead; the walk ends where both fail, where the CFI says the
 * frame is outermost (VG_UNW_END_MARK is then appended so userspace knows it is complete), or
 * at targ_max_frames. A walk that stops where a caller was known (a read failed, the object's
 * table was evicted, the frame limit) gets VG_UNW_CUT_MARK instead: userspace must not guess
 * that such a stack is whole from where it ends. Stacks are stored in the `ustacks` hash
 * under a hash of their frames, probing a few slots on collision; a PC outside every known
 * mapping asks userspace, once, to re-read the process's maps (dlopen, exec). BPF-only;
 * profile.bpf.c includes it.
 */
#ifndef VIGIL_UNWIND_BPF_H
#define VIGIL_UNWIND_BPF_H

#include "unwind.h"

#define UNW_SLOTS    (VG_PROF_MAX_DEPTH + 1) /* frames and the end mark */
#define UNW_USER_TOP 0x800000000000ULL
#define UNW_PROBES   4
#define UNW_REFRESH  1 /* vg_unw_proc.pad: a re-read was requested */

/* One load of x, where the code says: the compiler may neither merge nor move it. */
#define UNW_READ(x) (*(volatile typeof(x) *)&(x))

struct unw_stack {
	__u64 ips[UNW_SLOTS];
};

struct unw_state {
	struct unw_stack st;
	__u64 ip, sp, bp;
	__u64 hash;
	__u32 depth;
	__u32 pid;
	__u32 done;
	__u32 cut; /* the last frame recorded has a caller the walk did not reach */
	__u32 miss;
	__u32 have_proc;
	__u32 exact;		 /* ip is where a signal interrupted, not a return address */
	struct vg_unw_proc proc; /* the process's mappings, copied once per stack */
};

/* Rows of every loaded object; resized by userspace (--unwind-memory), mmapped there. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_unw_row);
} unw_rows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VG_UNW_MAX_OBJS);
	__type(key, __u32);
	__type(value, struct vg_unw_obj);
} unw_objs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct vg_unw_proc);
} unw_procs SEC(".maps");

/* User stacks by id; resized with the counts map (--stack-storage). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct unw_stack);
} ustacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct unw_state);
} unw_scratch SEC(".maps");

const volatile __u32 targ_max_frames = VG_PROF_MAX_DEPTH;

/* A binary search's bounds, in bpf_loop() callbacks (so the verifier sees one step). */
struct unw_bsearch {
	__u32 lo, hi;
	__u64 key;
};

static __always_inline struct unw_state *unw_state__get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&unw_scratch, &zero);
}

/* lo ends as one past the last mapping whose start <= key. */
static long unw_bsearch_maps(__u32 i, void *ctx)
{
	struct unw_bsearch *b = ctx;
	struct unw_state *s = unw_state__get();
	__u32 mid;

	if (!s || b->lo >= b->hi)
		return 1;
	mid = b->lo + (b->hi - b->lo) / 2;
	if (s->proc.maps[mid & (VG_UNW_MAX_MAPS - 1)].start <= b->key)
		b->lo = mid + 1;
	else
		b->hi = mid;
	return 0;
}

/* lo ends as one past the last row whose pc <= key; hi is 0 if a row could not be read. */
static long unw_bsearch_rows(__u32 i, void *ctx)
{
	struct unw_bsearch *b = ctx;
	struct vg_unw_row *r;
	__u32 mid;

	if (b->lo >= b->hi)
		return 1;
	mid = b->lo + (b->hi - b->lo) / 2;
	r = bpf_map_lookup_elem(&unw_rows, &mid);
	if (!r) {
		b->lo = b->hi = 0;
		return 1;
	}
	if (r->pc <= b->key)
		b->lo = mid + 1;
	else
		b->hi = mid;
	return 0;
}

/*
 * Ask userspace, once until it answers, to place an evicted table again. The entry is
 * marked only while it is still {0, 0}, in one atomic step: a table placed meanwhile stays.
 */
static __always_inline void unw_request_table(__u32 pid, __u32 table, struct vg_unw_obj *o)
{
	struct vg_prof_pid *e;

	if (__sync_val_compare_and_swap((__u64 *)o, 0, (__u64)VG_UNW_WANTED))
		return;
	e = event__reserve(sizeof(*e), VG_KIND_PROF_PID, bpf_ktime_get_ns());
	if (!e)
		return;
	e->pid = pid;
	e->pad = table + 1;
	event__submit(e);
}

/*
 * The row that holds for pc in s's process, copied to *row; false: none (use frame pointers).
 * Userspace may evict the table and give its rows to another object while this CPU reads
 * them: it clears the entry (a new gen) before it reuses a row, so an entry read again
 * unchanged after the row was copied proves the row was the table's own.
 */
static __always_inline bool unw_row_find(struct unw_state *s, __u64 pc, struct vg_unw_row *row)
{
	struct unw_bsearch b = { .lo = 0, .hi = s->proc.n, .key = pc };
	struct vg_unw_obj seen, *o;
	struct vg_unw_map *m;
	struct vg_unw_row *r;
	__u32 first, table;
	__u64 vaddr;

	if (!s->have_proc)
		return false;
	if (b.hi > VG_UNW_MAX_MAPS)
		b.hi = VG_UNW_MAX_MAPS;
	bpf_loop(VG_UNW_MAP_STEPS, unw_bsearch_maps, &b, 0);
	if (!b.lo) {
		s->miss = 1;
		return false;
	}
	m = &s->proc.maps[(b.lo - 1) & (VG_UNW_MAX_MAPS - 1)];
	if (pc >= m->end) {
		s->miss = 1;
		return false;
	}
	table = m->table;
	if (table == VG_UNW_NO_TABLE)
		return false;
	o = bpf_map_lookup_elem(&unw_objs, &table);
	if (!o)
		return false;
	seen.gen = UNW_READ(o->gen);
	seen.first = UNW_READ(o->first);
	seen.count = UNW_READ(o->count);
	if (!seen.count) {
		unw_request_table(s->pid, table, o);
		s->cut = 1;
		return false;
	}
	vaddr = pc - m->bias;
	if (vaddr > 0xffffffffULL)
		return false;
	b.lo = seen.first;
	b.hi = seen.first + seen.count;
	b.key = vaddr;
	bpf_loop(VG_UNW_BSEARCH, unw_bsearch_rows, &b, 0);
	if (!b.hi || b.lo == seen.first)
		return false;
	first = b.lo - 1;
	r = bpf_map_lookup_elem(&unw_rows, &first);
	if (!r)
		return false;
	*row = *r;
	barrier();
	if (UNW_READ(o->gen) == seen.gen && UNW_READ(o->count) == seen.count &&
	    UNW_READ(o->first) == seen.first)
		return true;
	s->cut = 1; /* the table moved while it was read */
	return false;
}

/* One frame by the frame-pointer chain; false when it ends. */
static __always_inline bool unw_step_fp(struct unw_state *s)
{
	__u64 frame[2];

	if (!s->bp || bpf_probe_read_user(frame, sizeof(frame), (void *)s->bp))
		return false;
	s->sp = s->bp + 16;
	s->bp = frame[0];
	s->ip = frame[1];
	return true;
}

/*
 * Out of a signal trampoline: rbp .. rip of the interrupted code from the sigcontext, where
 * rsp is at sp + off words (rbp, rbx, rdx, rax, rcx, rsp, rip).
 */
static __always_inline bool unw_step_signal(struct unw_state *s, __s16 off)
{
	__u64 regs[VG_UNW_SIG_RBP_BACK + 2];

	if (bpf_probe_read_user(regs, sizeof(regs),
				(void *)(s->sp + ((__s64)off - VG_UNW_SIG_RBP_BACK) * 8)))
		return false;
	s->bp = regs[0];
	s->sp = regs[VG_UNW_SIG_RBP_BACK];
	s->ip = regs[VG_UNW_SIG_RBP_BACK + 1];
	s->exact = 1;
	return true;
}

/* A bpf_loop() callback; its context must be on the stack, so the state is looked up. */
static long unw_step(__u32 i, void *ctx)
{
	struct unw_state *s = unw_state__get();
	__u32 d;
	struct vg_unw_row r;
	__u64 cfa, ra;
	bool found;

	if (!s)
		return 1;
	d = s->depth;
	if (!s->ip || s->ip >= UNW_USER_TOP)
		return 1;
	if (d >= targ_max_frames || d >= VG_PROF_MAX_DEPTH) {
		s->cut = 1; /* a caller was found, past the limit */
		return 1;
	}
	s->st.ips[d & (UNW_SLOTS - 1)] = s->ip;
	s->depth = d + 1;
	s->cut = 0;
	s->hash = (s->hash ^ s->ip) * 0x100000001b3ULL;
	/* A return address points after the call: look up the call itself. */
	found = unw_row_find(s, d && !s->exact ? s->ip - 1 : s->ip, &r);
	s->exact = 0;
	if (!found || r.cfa == VG_CFA_NONE)
		return unw_step_fp(s) ? 0 : 1;
	switch (r.cfa) {
	case VG_CFA_RSP:
		cfa = s->sp + (__s64)r.cfa_off * 8;
		break;
	case VG_CFA_RBP:
		cfa = s->bp + (__s64)r.cfa_off * 8;
		break;
	case VG_CFA_PLT:
		cfa = s->sp + 8 + ((__s32)(s->ip & 15) >= r.cfa_off ? 8 : 0);
		break;
	case VG_CFA_END:
		s->done = 1;
		return 1;
	case VG_CFA_SIGNAL:
		if (unw_step_signal(s, r.cfa_off))
			return 0;
		s->cut = 1;
		return 1;
	default:
		return 1;
	}
	if (bpf_probe_read_user(&ra, sizeof(ra), (void *)(cfa - 8)) ||
	    (r.rbp_off &&
	     bpf_probe_read_user(&s->bp, sizeof(s->bp), (void *)(cfa + (__s64)r.rbp_off * 8)))) {
		s->cut = 1;
		return 1;
	}
	s->sp = cfa;
	s->ip = ra;
	return 0;
}

static __always_inline bool unw_same(const struct unw_stack *a, const struct unw_stack *b)
{
	for (int i = 0; i < UNW_SLOTS; i++) {
		if (a->ips[i] != b->ips[i])
			return false;
	}
	return true;
}

/* Ask userspace to re-read pid's maps: a PC fell outside all of them. Once per pid. */
static __always_inline void unw_request_refresh(__u32 pid, __u64 now)
{
	struct vg_unw_proc *p = bpf_map_lookup_elem(&unw_procs, &pid);
	struct vg_prof_pid *e;

	if (!p || p->pad & UNW_REFRESH)
		return;
	p->pad |= UNW_REFRESH;
	e = event__reserve(sizeof(*e), VG_KIND_PROF_PID, now);
	if (!e)
		return;
	e->pid = pid;
	e->pad = 0;
	event__submit(e);
}

/*
 * Store st, whose frames hash to hash, in map (a hash of struct unw_stack by id): its id,
 * from the hash, probing a few slots on collision, or -errno (-EEXIST: collisions, -ENOMEM:
 * map full). The same stack always gets the same id while it is kept.
 */
static __always_inline __s32 stack__store(void *map, struct unw_stack *st, __u64 hash)
{
	__u32 id = (__u32)(hash ^ (hash >> 32)) & 0x7fffffff;
	struct unw_stack *old;
	long err;

	for (int k = 0; k < UNW_PROBES; k++) {
		err = bpf_map_update_elem(map, &id, st, BPF_NOEXIST);
		if (!err)
			return (__s32)id;
		if (err != -17)
			return -12;
		old = bpf_map_lookup_elem(map, &id);
		if (old && unw_same(old, st))
			return (__s32)id;
		id = (id + 1) & 0x7fffffff;
	}
	return -17;
}

/*
 * Unwind the user stack of the current task (tgid pid) from its user registers and store
 * it: its id in `ustacks`, or -errno (-EEXIST: collisions, -ENOMEM: map full, -EFAULT: no
 * frame). A global function: the verifier checks it once, with unknown arguments, instead
 * of once at each of its three call sites (that, and the per-slot zeroing loop now done by
 * one memset, took the sampling program's verification from 91 to 10 ms).
 */
__noinline int unw_stack_get(__u64 ip, __u64 sp, __u64 bp, __u32 pid)
{
	struct unw_state *s = unw_state__get();
	struct vg_unw_proc *proc;
	__u32 depth, n;
	__u64 mark;

	if (!s)
		return -14;
	__builtin_memset(&s->st, 0, sizeof(s->st));
	s->ip = ip;
	s->sp = sp;
	s->bp = bp;
	s->depth = 0;
	s->done = 0;
	s->cut = 0;
	s->miss = 0;
	s->pid = pid;
	s->hash = 0xcbf29ce484222325ULL;
	s->have_proc = 0;
	s->exact = 0;
	proc = bpf_map_lookup_elem(&unw_procs, &pid);
	if (proc) {
		n = proc->n;
		if (n > VG_UNW_MAX_MAPS)
			n = VG_UNW_MAX_MAPS;
		s->have_proc =
			!bpf_probe_read_kernel(&s->proc, 8 + n * sizeof(struct vg_unw_map), proc);
	}
	bpf_loop(VG_PROF_MAX_DEPTH, unw_step, NULL, 0);
	if (!s->depth)
		return -14;
	if (s->miss)
		unw_request_refresh(pid, bpf_ktime_get_ns());
	depth = s->depth;
	/* depth <= VG_PROF_MAX_DEPTH: a mark always has its slot. */
	if (s->done || s->cut) {
		mark = s->done ? VG_UNW_END_MARK : VG_UNW_CUT_MARK;
		s->st.ips[depth & (UNW_SLOTS - 1)] = mark;
		s->hash = (s->hash ^ mark) * 0x100000001b3ULL;
	}
	return stack__store(&ustacks, &s->st, s->hash);
}

#endif /* VIGIL_UNWIND_BPF_H */
