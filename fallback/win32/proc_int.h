/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proc_int.h - the one-row view of the kernel's process table that the Win32 process files
 * share (the handle itself is the OS-free core's, common/proc_core.h).  NtQuerySystemInformation(
 * SystemProcessInformation) is the source for times and memory of every process, because
 * GetProcessTimes needs a handle that other users' processes refuse (and under wine returns the
 * caller's own times for everyone).
 */
#ifndef VIGIL_FB_WIN_PROC_INT_H
#define VIGIL_FB_WIN_PROC_INT_H

#include "fb_win.h"
#include "../common/proc_core.h"

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

#endif /* VIGIL_FB_WIN_PROC_INT_H */
