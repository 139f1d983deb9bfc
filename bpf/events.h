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
	VG_PER_DISK = 4, /* blkio: key = the disk's dev_t (kernel encoding, major << 20 | minor) */
	VG_PER_OP = 5,	 /* blkio: key = op | flags << 8 (struct vg_bio's op and flags) */
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
 * bio: one block I/O request, from the block layer's point of view. The op is the kernel's
 * REQ_OP_* number (stable ABI: READ 0, WRITE 1, FLUSH 2, DISCARD 3, ...); flags are vigil's
 * own bits below, mapped from the running kernel's REQ_* bits in BPF, so the wire does not
 * depend on the kernel version. status is the kernel's blk_status_t (0: success).
 */
enum vg_bio_flag {
	VG_BIO_SYNC = 1 << 0,
	VG_BIO_META = 1 << 1,
	VG_BIO_FUA = 1 << 2,
	VG_BIO_PREFLUSH = 1 << 3,
	VG_BIO_RAHEAD = 1 << 4,
};

enum vg_bio_known {
	VG_BIO_QUEUED = 1 << 0, /* block_rq_insert was seen: queue_ns is valid */
	VG_BIO_OWNER = 1 << 1,	/* block_io_start was seen: pid and comm are valid */
};

struct vg_bio {
	struct vg_hdr hdr;
	__u64 sector;	  /* (__u64)-1 when the request has none (a flush) */
	__u64 queue_ns;	  /* insert -> issue; valid with VG_BIO_QUEUED */
	__u64 service_ns; /* issue -> complete */
	__u32 pid;	  /* the submitter's tgid; valid with VG_BIO_OWNER */
	__u32 bytes;	  /* completed by this completion */
	__u32 dev;	  /* the disk's dev_t: major << 20 | minor */
	__u8 op;	  /* REQ_OP_* */
	__u8 flags;	  /* enum vg_bio_flag */
	__u8 status;	  /* blk_status_t */
	__u8 known;	  /* enum vg_bio_known */
	char comm[VG_COMM_LEN];
};

/* biotop's per-interval aggregate, keyed by vg_io_top_key(). */
struct vg_io_top {
	__u64 ios;
	__u64 bytes;
	__u64 sum_ns; /* issue -> complete, summed */
	char comm[VG_COMM_LEN];
};

/* The io_top map's key: write bit, submitter tgid (0: unknown), disk dev_t. */
#define VG_IO_TOP_KEY(write, pid, dev)                                                   \
	(((__u64)((write) ? 1 : 0) << 63) | ((__u64)((pid) & 0x7fffffff) << 32) | (__u32)(dev))

_Static_assert(sizeof(struct vg_hdr) == 16, "vg_hdr layout");
_Static_assert(sizeof(struct vg_runq) == 72, "vg_runq layout");
_Static_assert(sizeof(struct vg_oncpu) == 48, "vg_oncpu layout");
_Static_assert(sizeof(struct vg_proc) == 304, "vg_proc layout");
_Static_assert(sizeof(struct vg_hist) == 152, "vg_hist layout");
_Static_assert(sizeof(struct vg_bio) == 72, "vg_bio layout");
_Static_assert(sizeof(struct vg_io_top) == 40, "vg_io_top layout");

#endif /* VIGIL_EVENTS_H */
