// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter.bpf.c: kernel-assisted listings through BPF iterators. `dump_task` (iter/task) visits every
 * task and writes one fixed-size record (iter_rec.h) per thread group, at its leader, with what
 * /proc/PID/stat, statm and status would say: state letter, parent, the group's CPU times summed
 * over its live threads plus the dead ones kept in signal_struct (the same sums /proc makes before
 * scaling them, which userspace redoes), start time, the mm counters' central counts
 * (get_mm_counter(): the per-CPU parts need per-CPU offsets this kernel does not expose to BPF),
 * credentials, nice, thread count, terminal and the I/O accounting of /proc/PID/io (summed as the
 * CPU times are). No cgroup id: no listing reads one, and its three kernel types share the kernel's
 * CO-RE candidate cache slots with tty_struct and mm_struct, so each load would search the kernel's
 * BTF four more times (3.7 ms a load, not 2.0). The record is built whole on the stack and written
 * with one bpf_seq_write(), so a task is reported entirely or not at all; a leader caught in the
 * middle of exiting (PF_EXITING, not yet a zombie) is skipped, as its /proc files would vanish
 * under a reader.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "iter_rec.h"
#include "untrusted.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define PF_EXITING	     0x00000004
#define PF_KTHREAD	     0x00200000
#define TASK_REPORT	     0x7f
#define TASK_IDLE	     0x402
#define TASK_REPORT_IDLE     0x80
#define TASK_RTLOCK_WAIT     0x1000
#define TASK_UNINTERRUPTIBLE 0x2
#define MAX_PRIO_NICE_BASE   120
#define PAGE_SHIFT	     12
#define PAGE_SIZE	     (1UL << PAGE_SHIFT)
#define MAX_THREADS	     (1 << 22)

struct thread_walk {
	struct list_head *head, *pos;
	__u64 off; /* offsetof(struct task_struct, thread_node) */
	__u64 utime, stime, runtime;
	__u64 io[ITER_IO__COUNT];
};

static void io_add(__u64 io[ITER_IO__COUNT], const struct task_io_accounting *a)
{
	io[ITER_IO_RCHAR] += a->rchar;
	io[ITER_IO_WCHAR] += a->wchar;
	io[ITER_IO_SYSCR] += a->syscr;
	io[ITER_IO_SYSCW] += a->syscw;
	io[ITER_IO_READ_BYTES] += a->read_bytes;
	io[ITER_IO_WRITE_BYTES] += a->write_bytes;
}

static long walk_one(__u64 i, void *arg)
{
	struct thread_walk *w = arg;
	struct task_struct *t;

	if (!w->pos || w->pos == w->head)
		return 1;
	/* a list pointer is a scalar to the verifier: cast it as dump_task casts the leader */
	t = untrusted((char *)w->pos - w->off, struct task_struct);
	w->utime += t->utime;
	w->stime += t->stime;
	w->runtime += t->se.sum_exec_runtime;
	io_add(w->io, &t->ioac);
	w->pos = t->thread_node.next;
	return 0;
}

/* percpu_counter_read_positive(): the central count, as get_mm_counter() */
static __u64 positive(__s64 v)
{
	return v > 0 ? (__u64)v : 0;
}

static __u8 state_letter(struct task_struct *t)
{
	unsigned int st = t->__state;
	unsigned int report = (st | (unsigned int)t->exit_state) & TASK_REPORT;
	int idx = 0;

	if ((st & TASK_IDLE) == TASK_IDLE)
		report = TASK_REPORT_IDLE;
	if (st & TASK_RTLOCK_WAIT)
		report = TASK_UNINTERRUPTIBLE;
	while (report && idx < 9) { /* fls() */
		report >>= 1;
		idx++;
	}
	switch (idx) {
	case 0:
		return 'R';
	case 1:
		return 'S';
	case 2:
		return 'D';
	case 3:
		return 'T';
	case 4:
		return 't';
	case 5:
		return 'X';
	case 6:
		return 'Z';
	case 7:
		return 'P';
	case 8:
		return 'I';
	}
	return '?';
}

static void fill_mm(struct iter_task_rec *r, struct mm_struct *mm)
{
	unsigned long start_code = mm->start_code, end_code = mm->end_code;

	r->total_vm = mm->total_vm;
	r->mm[ITER_MM_FILE] = positive(mm->rss_stat[0].count);
	r->mm[ITER_MM_ANON] = positive(mm->rss_stat[1].count);
	r->mm[ITER_MM_SWAP] = positive(mm->rss_stat[2].count);
	r->mm[ITER_MM_SHMEM] = positive(mm->rss_stat[3].count);
	r->text_pages = (((end_code + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) -
			 (start_code & ~(PAGE_SIZE - 1))) >>
			PAGE_SHIFT;
	r->data_pages = mm->data_vm + mm->stack_vm;
}

SEC("iter/task")
int dump_task(struct bpf_iter__task *ctx)
{
	struct task_struct *task;
	struct iter_task_rec r = {};
	struct mm_struct *mm;
	__u32 pid;
	struct thread_walk w = {};
	struct signal_struct *sig;
	struct tty_struct *tty;
	const struct cred *cred;

	/* fields by direct loads through an untrusted cast (untrusted.bpf.h) */
	if (!ctx->task)
		return 0;
	task = untrusted(ctx->task, struct task_struct);
	pid = task->tgid;
	if (task->pid != pid)
		return 0;
	r.flags = task->flags;
	if ((r.flags & PF_EXITING) && !task->exit_state)
		return 0; /* half gone: its /proc files would vanish too */
	sig = task->signal;
	if (!sig)
		return 0;
	r.version = ITER_TASK_VERSION;
	r.size = sizeof(r);
	r.pid = pid;
	r.ppid = task->real_parent->tgid;
	bpf_probe_read_kernel_str(r.comm, sizeof(r.comm), task->comm);
	r.state = state_letter(task);
	r.nice = task->static_prio - MAX_PRIO_NICE_BASE;
	r.num_threads = sig->nr_threads;
	r.cpu = task->thread_info.cpu;
	cred = task->real_cred;
	r.uid[0] = cred->uid.val;
	r.uid[1] = cred->euid.val;
	r.uid[2] = cred->suid.val;
	r.gid[0] = cred->gid.val;
	r.gid[1] = cred->egid.val;
	r.gid[2] = cred->sgid.val;
	tty = sig->tty;
	if (tty) {
		r.tty_major = tty->driver->major;
		r.tty_minor = tty->driver->minor_start + tty->index;
	}
	w.utime = sig->utime;
	w.stime = sig->stime;
	w.runtime = sig->sum_sched_runtime;
	io_add(w.io, &sig->ioac);
	w.head = &sig->thread_head;
	w.pos = sig->thread_head.next;
	w.off = bpf_core_field_offset(struct task_struct, thread_node);
	bpf_loop(MAX_THREADS, walk_one, &w, 0);
	r.utime_ns = w.utime;
	r.stime_ns = w.stime;
	r.runtime_ns = w.runtime;
	__builtin_memcpy(r.io, w.io, sizeof(r.io));
	r.prev_utime_ns = sig->prev_cputime.utime;
	r.prev_stime_ns = sig->prev_cputime.stime;
	r.cutime_ns = sig->cutime;
	r.cstime_ns = sig->cstime;
	if (bpf_core_field_exists(task->delays) && task->delays)
		r.blkio_delay_ns = task->delays->blkio_delay;
	r.start_boottime_ns = task->start_boottime;
	mm = task->mm;
	if (!(r.flags & PF_KTHREAD) && mm)
		fill_mm(&r, mm);
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}
