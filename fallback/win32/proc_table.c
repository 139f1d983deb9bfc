// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_table.c - the kernel's process table (NtQuerySystemInformation with
 * SystemProcessInformation) decoded into plain rows: pid, parent, image name, creation time,
 * user and kernel time, working set, private bytes and thread count, and the per-thread
 * entries that follow each process (times, context switches).  Also psutil.pids() and
 * pid_exists(), which read the same table (EnumProcesses lists the same set).
 */
#include "proc_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <winternl.h>

static void decode_row(const SYSTEM_PROCESS_INFORMATION *e, struct fb__nt_row *r)
{
	FILETIME ct;

	memset(r, 0, sizeof(*r));
	r->pid = (pid_t)(uintptr_t)e->UniqueProcessId;
	r->ppid = (pid_t)(uintptr_t)e->InheritedFromUniqueProcessId;
	if (e->ImageName.Buffer)
		fb__w2u(e->ImageName.Buffer, e->ImageName.Length / 2, r->name, sizeof(r->name));
	else
		fb__copy(r->name, sizeof(r->name), r->pid == 0 ? "System Idle Process" : "System");
	ct.dwLowDateTime = e->CreateTime.LowPart;
	ct.dwHighDateTime = (DWORD)e->CreateTime.HighPart;
	r->create_time = fb__ft_epoch(&ct);
	r->user = fb__ticks_sec((uint64_t)e->UserTime.QuadPart);
	r->system = fb__ticks_sec((uint64_t)e->KernelTime.QuadPart);
	r->rss = e->VirtualMemoryCounters.WorkingSetSize;
	r->vms = e->VirtualMemoryCounters.PagefileUsage;
	r->peak_rss = e->VirtualMemoryCounters.PeakWorkingSetSize;
	r->peak_vms = e->VirtualMemoryCounters.PeakPagefileUsage;
	r->num_threads = (int)e->NumberOfThreads;
}

static int row_cmp(const void *a, const void *b)
{
	pid_t x = ((const struct fb__nt_row *)a)->pid, y = ((const struct fb__nt_row *)b)->pid;

	return (x > y) - (x < y);
}

int fb__nt_list(struct fb__nt_row **rows, size_t *n)
{
	struct fb__nt_row *v = NULL;
	size_t len, cap = 0, cnt = 0, off = 0;
	char *buf;
	int err;

	*rows = NULL;
	*n = 0;
	err = fb__ntqsi(SystemProcessInformation, (void **)&buf, &len);
	if (err)
		return err;
	for (;;) {
		const SYSTEM_PROCESS_INFORMATION *e = (const void *)(buf + off);

		if (off + sizeof(*e) > len)
			break;
		err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
		if (err)
			goto free_buf;
		decode_row(e, &v[cnt++]);
		if (!e->NextEntryOffset)
			break;
		off += e->NextEntryOffset;
	}
	qsort(v, cnt, sizeof(*v), row_cmp);
	*rows = v;
	*n = cnt;
	v = NULL;
free_buf:
	free(v);
	free(buf);
	return err;
}

int fb__nt_find(pid_t pid, struct fb__nt_row *row)
{
	struct fb__nt_row *v;
	size_t n;
	int err = fb__nt_list(&v, &n);

	if (err)
		return err;
	err = -ESRCH;
	for (size_t i = 0; i < n; i++) {
		if (v[i].pid == pid) {
			*row = v[i];
			err = 0;
			break;
		}
	}
	free(v);
	return err;
}

int fb__nt_threads(pid_t pid, struct fb_thread **out, size_t *n, uint64_t *ctx_switches)
{
	size_t len, off = 0;
	char *buf;
	int err;

	*out = NULL;
	*n = 0;
	*ctx_switches = 0;
	err = fb__ntqsi(SystemProcessInformation, (void **)&buf, &len);
	if (err)
		return err;
	err = -ESRCH;
	for (;;) {
		const SYSTEM_PROCESS_INFORMATION *e = (const void *)(buf + off);
		const SYSTEM_THREAD_INFORMATION *t = (const void *)(e + 1);
		struct fb_thread *v;

		if (off + sizeof(*e) > len)
			break;
		if ((pid_t)(uintptr_t)e->UniqueProcessId != pid) {
			if (!e->NextEntryOffset)
				break;
			off += e->NextEntryOffset;
			continue;
		}
		if (off + sizeof(*e) + e->NumberOfThreads * sizeof(*t) > len) {
			err = -EIO;
			break;
		}
		v = calloc(e->NumberOfThreads ? e->NumberOfThreads : 1, sizeof(*v));
		if (!v) {
			err = -ENOMEM;
			break;
		}
		for (ULONG i = 0; i < e->NumberOfThreads; i++) {
			/* Reserved1: kernel, user, create time; Reserved3: context switches */
			v[i].id = (pid_t)(uintptr_t)t[i].ClientId.UniqueThread;
			v[i].system_time = fb__ticks_sec((uint64_t)t[i].Reserved1[0].QuadPart);
			v[i].user_time = fb__ticks_sec((uint64_t)t[i].Reserved1[1].QuadPart);
			*ctx_switches += t[i].Reserved3;
		}
		*out = v;
		*n = e->NumberOfThreads;
		err = 0;
		break;
	}
	free(buf);
	return err;
}

int fb_pids(pid_t **out, size_t *n)
{
	struct fb__nt_row *v;
	pid_t *p;
	size_t cnt;
	int err = fb__nt_list(&v, &cnt);

	if (err)
		return err;
	p = calloc(cnt ? cnt : 1, sizeof(*p));
	if (!p) {
		free(v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < cnt; i++)
		p[i] = v[i].pid;
	free(v);
	*out = p;
	*n = cnt;
	return 0;
}

bool fb_pid_exists(pid_t pid)
{
	struct fb__nt_row r;

	return pid >= 0 && fb__nt_find(pid, &r) == 0;
}
