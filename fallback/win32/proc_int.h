/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proc_int.h - the Win32 process handle and the one-row view of the kernel's process table
 * that proc.c, proc_iter.c and proc_more.c share.  NtQuerySystemInformation(
 * SystemProcessInformation) is the source for times and memory of every process, because
 * GetProcessTimes needs a handle that other users' processes refuse (and under wine returns the
 * caller's own times for everyone).
 */
#ifndef VIGIL_FB_WIN_PROC_INT_H
#define VIGIL_FB_WIN_PROC_INT_H

#include "fb_win.h"

struct fb_proc {
	pid_t pid;
	double create_time; /* epoch seconds: the identity with pid */
	struct fb_error err;
	bool have_last_cpu;
	double last_cpu, last_wall;
};

/* What one SystemProcessInformation entry says about a process. */
struct fb__nt_row {
	pid_t pid, ppid;
	char name[64];
	double create_time, user, system;
	uint64_t rss, vms, peak_rss, peak_vms;
	int num_threads;
};

/* One row of the process table by pid; -ESRCH when absent. */
int fb__nt_find(pid_t pid, struct fb__nt_row *row);
/* The whole table, sorted by pid; *rows is freed with free(). */
int fb__nt_list(struct fb__nt_row **rows, size_t *n);
/*
 * The threads of @pid from the same table (id, user and kernel seconds; *out freed with free())
 * and the sum of their context switches.  -ESRCH when the pid is absent.
 */
int fb__nt_threads(pid_t pid, struct fb_thread **out, size_t *n, uint64_t *ctx_switches);
/* Record a method failure in p->err and return it. */
int fb__proc_fail(struct fb_proc *p, const char *what, int err);

#endif /* VIGIL_FB_WIN_PROC_INT_H */
