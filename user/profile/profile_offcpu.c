// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * profile_offcpu.c: off-CPU blocks still open when the profile ends. A thread that went to
 * sleep during the profile and had not been woken by its end would otherwise count for
 * nothing: the kernel side adds a block only at its wakeup. After detaching, each thread's
 * task storage is read through a pidfd (the syscall-side key of task storage maps), and an
 * open block is added to the counts map up to the end time, under the same filters.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fallback.h"
#include "profile.skel.h"
#include "profile/profile_impl.h"

/* pidfd_open() flag for a thread rather than a process (6.9+); it is O_EXCL's value. */
#define VG_PIDFD_THREAD O_EXCL

static int pidfd_of_thread(uint32_t tid)
{
	int fd = (int)syscall(SYS_pidfd_open, tid, VG_PIDFD_THREAD);

	/* Older kernels: only a thread-group leader has a pidfd. */
	if (fd < 0 && errno == EINVAL)
		fd = (int)syscall(SYS_pidfd_open, tid, 0);
	return fd;
}

static void counts__add_user(int fd, const struct vg_prof_key *key, uint64_t value)
{
	struct vg_prof_val v = { 0 };

	bpf_map_lookup_elem(fd, key, &v);
	v.value += value;
	v.count++;
	bpf_map_update_elem(fd, key, &v, BPF_ANY);
}

static void profiler__close_thread(struct profiler *p, uint32_t tid, uint64_t end, int store_fd,
				   int counts_fd)
{
	struct vg_prof_start st;
	uint64_t delta;
	int pidfd = pidfd_of_thread(tid);

	if (pidfd < 0)
		return;
	if (!bpf_map_lookup_elem(store_fd, &pidfd, &st) && st.ts && st.ts < end) {
		delta = end - st.ts;
		if (delta >= p->cfg.min_block_ns && delta <= p->cfg.max_block_ns) {
			counts__add_user(counts_fd, &st.key, delta);
			p->open_blocks++;
		}
	}
	close(pidfd);
}

static void profiler__close_process(struct profiler *p, pid_t pid, uint64_t end, int store_fd,
				    int counts_fd)
{
	pid_t *tids;
	size_t n;

	if (fb_proc_tids(pid, &tids, &n))
		return; /* gone */
	for (size_t i = 0; i < n; i++)
		profiler__close_thread(p, (uint32_t)tids[i], end, store_fd, counts_fd);
	free(tids);
}

void profiler__close_open_blocks(struct profiler *p, uint64_t end)
{
	int store_fd = bpf_map__fd(p->skel->maps.offcpu_start);
	int counts_fd = bpf_map__fd(p->skel->maps.counts);
	pid_t *pids;
	size_t n;

	if (!p->cfg.off_cpu)
		return;
	/* The kernel filters by pid already; the others have no open block to find. */
	if (p->cfg.trace.tgid) {
		profiler__close_process(p, (pid_t)p->cfg.trace.tgid, end, store_fd, counts_fd);
		return;
	}
	if (fb_pids(&pids, &n))
		return;
	for (size_t i = 0; i < n; i++)
		profiler__close_process(p, pids[i], end, store_fd, counts_fd);
	free(pids);
}
