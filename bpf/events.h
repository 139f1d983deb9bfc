/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * events.h: the wire contract between vigil's BPF programs and its userspace. Every record
 * that crosses the ring buffer starts with struct vg_hdr (kind, size, cpu, timestamp) and
 * uses fixed-width types only, so both sides agree on the layout whatever compiler built
 * them. The includer provides __u8..__u64: vmlinux.h on the BPF side, <linux/types.h> in
 * userspace. Sizes are pinned with _Static_assert; a change here is a schema change.
 */
#ifndef VIGIL_EVENTS_H
#define VIGIL_EVENTS_H

#define VG_COMM_LEN 16
#define VG_FILENAME_LEN 256
#define VG_HIST_SLOTS 32

/* Record kinds. Values are stable: they travel through the ring buffer. */
enum vg_kind {
	VG_KIND_RUNQ = 1,
	VG_KIND_ONCPU = 2,
	VG_KIND_EXEC = 3,
	VG_KIND_EXIT = 4,
	VG_KIND_FORK = 5,
	VG_KIND_TCP_CONNECT = 16,
	VG_KIND_TCP_ACCEPT = 17,
	VG_KIND_TCP_STATE = 18,
	VG_KIND_TCP_CLOSE = 19,
	VG_KIND_TCP_RETRANSMIT = 20,
	VG_KIND_TCP_RESET = 21,
	VG_KIND_BIO = 32,
	VG_KIND_PROF_PID = 48, /* profile: internal "first sample of a pid", not a record */
	VG_KIND_MAX = 64,
};

/*
 * Why an event could not be handed over. Counted per CPU in each subsystem's `drops`
 * array map (index = reason), summed and reported by userspace.
 */
enum vg_drop_reason {
	VG_DROP_RINGBUF_FULL = 0,  /* bpf_ringbuf_reserve() failed */
	VG_DROP_MISSING_START = 1, /* an end event with no start timestamp */
	VG_DROP_MAP_FULL = 2,	   /* a map update failed (histogram or state map full) */
	VG_DROP_NO_STORAGE = 3,	   /* task-local storage could not be had (busy or no memory) */
	VG_DROP_MAX = 4,
};

/* Histogram keying, set as rodata before load. */
enum vg_hist_per {
	VG_PER_GLOBAL = 0,
	VG_PER_PID = 1,
	VG_PER_TID = 2,
	VG_PER_CGROUP = 3,
};

/* The common header of every ring-buffer record. */
struct vg_hdr {
	__u16 kind;  /* enum vg_kind */
	__u16 size;  /* sizeof the whole record */
	__u32 cpu;   /* CPU the event was observed on */
	__u64 ts_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
};

/* runq: a task waited latency_ns between wakeup (or preemption) and getting a CPU. */
struct vg_runq {
	struct vg_hdr hdr;
	__u64 latency_ns;
	__u32 pid; /* tgid */
	__u32 tid;
	__u32 prev_pid; /* the task that ran on this CPU before it */
	__u32 prev_tid;
	char comm[VG_COMM_LEN];
	char prev_comm[VG_COMM_LEN];
};

/* oncpu: one time slice of a task, from switch-in to switch-out. */
struct vg_oncpu {
	struct vg_hdr hdr;
	__u64 duration_ns;
	__u32 pid;
	__u32 tid;
	char comm[VG_COMM_LEN];
};

/* exec, exit and fork share one record; filename is set for exec only. */
struct vg_proc {
	struct vg_hdr hdr;
	__u32 pid;
	__u32 tid;
	__u32 ppid;
	__s32 exit_code; /* exit: the wait(2) status, as the kernel keeps it */
	char comm[VG_COMM_LEN];
	char filename[VG_FILENAME_LEN];
};

/* An in-kernel log2 histogram: slot i counts values in [2^i, 2^(i+1)) units. */
struct vg_hist {
	__u32 slots[VG_HIST_SLOTS];
	__u64 sum; /* of the values, in the histogram's unit, for averages and _sum */
	char comm[VG_COMM_LEN];
};

/*
 * profile: in-kernel stack aggregation. Each key of the `counts` hash is one (task, kernel
 * stack, user stack); its value counts samples (on-CPU) or sums blocked ns (off-CPU). A stack
 * id >= 0 indexes the `stacks` STACK_TRACE map; VG_STACK_NONE means the stack does not exist
 * (a user-mode sample has no kernel stack, a kernel thread no user stack); any other negative
 * value is the -errno bpf_get_stackid() returned (-EEXIST: stack map collision, -EFAULT: the
 * stack could not be walked, -ENOMEM: stack map full), shown to the user as a missing stack.
 */
#define VG_STACK_NONE (-100000)
#define VG_PROF_MAX_DEPTH 127

struct vg_prof_key {
	__u64 cgroup_id;
	__u32 pid; /* tgid */
	__u32 tid;
	__s32 kstack_id;
	__s32 ustack_id;
	char comm[VG_COMM_LEN];
};

struct vg_prof_val {
	__u64 value; /* samples (on-CPU) or blocked ns (off-CPU) */
	__u64 count; /* samples, or number of blocks */
};

/* Index of the per-CPU `stack_errs` array: which stack, and why bpf_get_stackid() failed. */
enum vg_stack_err {
	VG_SERR_EEXIST = 0,
	VG_SERR_EFAULT = 1,
	VG_SERR_ENOMEM = 2,
	VG_SERR_OTHER = 3,
	VG_SERR_PER_STACK = 4, /* user stack errors start here */
	VG_SERR_MAX = 8,
};

/*
 * Off-CPU: a task's open block, in the `offcpu_start` task storage (ts 0: none). Userspace
 * reads it through a pidfd at the end, to count blocks still open then.
 */
struct vg_prof_start {
	__u64 ts; /* bpf_ktime_get_ns() at the switch-out */
	struct vg_prof_key key;
};

/* The first sample of a process: userspace reads its /proc/<pid>/maps while it lives. */
struct vg_prof_pid {
	struct vg_hdr hdr;
	__u32 pid;
	__u32 pad;
};

_Static_assert(sizeof(struct vg_prof_key) == 40, "vg_prof_key layout");
_Static_assert(sizeof(struct vg_prof_val) == 16, "vg_prof_val layout");
_Static_assert(sizeof(struct vg_prof_pid) == 24, "vg_prof_pid layout");
_Static_assert(sizeof(struct vg_prof_start) == 48, "vg_prof_start layout");

_Static_assert(sizeof(struct vg_hdr) == 16, "vg_hdr layout");
_Static_assert(sizeof(struct vg_runq) == 72, "vg_runq layout");
_Static_assert(sizeof(struct vg_oncpu) == 48, "vg_oncpu layout");
_Static_assert(sizeof(struct vg_proc) == 304, "vg_proc layout");
_Static_assert(sizeof(struct vg_hist) == 152, "vg_hist layout");

#endif /* VIGIL_EVENTS_H */
