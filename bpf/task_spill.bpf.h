/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * task_spill.bpf.h: where a task's state goes when the kernel refuses it task-local storage.
 * Creating storage fails while another storage operation holds this CPU (freeing an exiting
 * task's storage can wake an RCU thread, and that wakeup is traced) or while the storage
 * allocator's per-CPU cache is empty (a timer interrupt waking hundreds of tasks empties it);
 * a stamp refused there would be a real loss. The spill is a preallocated hash keyed by tid
 * and start time, so a reused tid never finds an old entry; its users delete an entry once
 * the stamp in it is consumed, so it holds only stamps in flight, and when even it is full
 * the loss is counted. Until the first spill no lookup visits it, so the common path costs
 * one global load. BPF-only; include after common.bpf.h.
 */
#ifndef VIGIL_TASK_SPILL_BPF_H
#define VIGIL_TASK_SPILL_BPF_H

struct task_spill_key {
	__u64 start_time;
	__u32 tid;
	__u32 pad;
};

#define TASK_SPILL_MAP(name, value_type)                                                           \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_HASH);                                                   \
		__uint(max_entries, 2048);                                                         \
		__type(key, struct task_spill_key);                                                \
		__type(value, value_type);                                                         \
	} name SEC(".maps")

/* Set by the first spill; a global, so every program of the object sees it. */
__u32 task_spill_used = 0;

static __always_inline void task_spill__key(struct task_spill_key *key, struct task_struct *t)
{
	key->start_time = BPF_CORE_READ(t, start_time);
	key->tid = BPF_CORE_READ(t, pid);
	key->pad = 0;
}

/* t's spilled entry, or NULL if it has none. */
static __always_inline void *task_spill__lookup(void *spill, struct task_struct *t)
{
	struct task_spill_key key;

	if (!task_spill_used)
		return NULL;
	task_spill__key(&key, t);
	return bpf_map_lookup_elem(spill, &key);
}

/* A new entry for t holding *init; NULL, counted as a drop, only if the spill refuses too. */
static __always_inline void *task_spill__create(void *spill, struct task_struct *t,
						const void *init)
{
	struct task_spill_key key;
	void *v;

	task_spill_used = 1;
	task_spill__key(&key, t);
	bpf_map_update_elem(spill, &key, init, BPF_NOEXIST);
	v = bpf_map_lookup_elem(spill, &key);
	if (!v)
		drop__count(VG_DROP_NO_STORAGE);
	return v;
}

static __always_inline void task_spill__delete(void *spill, struct task_struct *t)
{
	struct task_spill_key key;

	task_spill__key(&key, t);
	bpf_map_delete_elem(spill, &key);
}

#endif /* VIGIL_TASK_SPILL_BPF_H */
