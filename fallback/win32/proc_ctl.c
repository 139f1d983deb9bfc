// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_ctl.c - the Process methods that read or change scheduling on Windows: nice() is the
 * priority class (psutil returns the *_PRIORITY_CLASS constant there, e.g. 32 for normal, and
 * set_nice() takes one), cpu_affinity() the process affinity mask as a CPU list (an empty set
 * means every CPU of the system mask), threads() and num_ctx_switches() from the NT process
 * table's thread entries (all switches count as voluntary, as psutil reports them), and
 * suspend()/resume() through NtSuspendProcess/NtResumeProcess.
 */
#include "proc_int.h"

#include <errno.h>
#include <stdlib.h>
#include <winternl.h>

NTSTATUS NTAPI NtSuspendProcess(HANDLE process);
NTSTATUS NTAPI NtResumeProcess(HANDLE process);

static HANDLE open_for(struct fb_proc *p, const char *what, DWORD access, int *err)
{
	HANDLE h = OpenProcess(access, FALSE, (DWORD)p->pid);

	*err = h ? 0 : fb__proc_fail(p, what, fb__win_err(GetLastError()));
	return h;
}

int fb_proc__nice(struct fb_proc *p, int *out)
{
	HANDLE h;
	DWORD cls;
	int err;

	h = open_for(p, "nice", PROCESS_QUERY_LIMITED_INFORMATION, &err);
	if (!h)
		return err;
	cls = GetPriorityClass(h);
	if (!cls)
		err = fb__proc_fail(p, "nice", fb__win_err(GetLastError()));
	CloseHandle(h);
	if (!err)
		*out = (int)cls;
	return err;
}

int fb_proc__set_nice(struct fb_proc *p, int value)
{
	HANDLE h;
	int err;

	switch (value) {
	case IDLE_PRIORITY_CLASS:
	case BELOW_NORMAL_PRIORITY_CLASS:
	case NORMAL_PRIORITY_CLASS:
	case ABOVE_NORMAL_PRIORITY_CLASS:
	case HIGH_PRIORITY_CLASS:
	case REALTIME_PRIORITY_CLASS:
		break;
	default:
		return fb__proc_fail(p, "nice", -EINVAL);
	}
	h = open_for(p, "nice", PROCESS_SET_INFORMATION, &err);
	if (!h)
		return err;
	if (!SetPriorityClass(h, (DWORD)value))
		err = fb__proc_fail(p, "nice", fb__win_err(GetLastError()));
	CloseHandle(h);
	return err;
}

int fb_proc__cpu_affinity(struct fb_proc *p, int **cpus, size_t *n)
{
	DWORD_PTR mask, sys;
	size_t k = 0;
	HANDLE h;
	int *v, err;

	*cpus = NULL;
	*n = 0;
	h = open_for(p, "cpu_affinity", PROCESS_QUERY_LIMITED_INFORMATION, &err);
	if (!h)
		return err;
	if (!GetProcessAffinityMask(h, &mask, &sys))
		err = fb__proc_fail(p, "cpu_affinity", fb__win_err(GetLastError()));
	CloseHandle(h);
	if (err)
		return err;
	v = calloc(sizeof(mask) * 8, sizeof(*v));
	if (!v)
		return fb__proc_fail(p, "cpu_affinity", -ENOMEM);
	for (int i = 0; i < (int)sizeof(mask) * 8; i++)
		if (mask & ((DWORD_PTR)1 << i))
			v[k++] = i;
	*cpus = v;
	*n = k;
	return 0;
}

int fb_proc__set_cpu_affinity(struct fb_proc *p, const int *cpus, size_t n)
{
	DWORD_PTR mask = 0, cur, sys;
	HANDLE h;
	int err;

	h = open_for(p, "cpu_affinity", PROCESS_SET_INFORMATION | PROCESS_QUERY_LIMITED_INFORMATION,
		     &err);
	if (!h)
		return err;
	if (!GetProcessAffinityMask(h, &cur, &sys)) {
		err = fb__proc_fail(p, "cpu_affinity", fb__win_err(GetLastError()));
		goto close;
	}
	for (size_t i = 0; i < n; i++) {
		if (cpus[i] < 0 || cpus[i] >= (int)sizeof(mask) * 8 ||
		    !(sys & ((DWORD_PTR)1 << cpus[i]))) {
			err = fb__proc_fail(p, "cpu_affinity", -EINVAL);
			goto close;
		}
		mask |= (DWORD_PTR)1 << cpus[i];
	}
	if (!SetProcessAffinityMask(h, n ? mask : sys))
		err = fb__proc_fail(p, "cpu_affinity", fb__win_err(GetLastError()));
close:
	CloseHandle(h);
	return err;
}

int fb_proc__threads(struct fb_proc *p, struct fb_thread **out, size_t *n)
{
	uint64_t ctx;
	int err = fb__nt_threads(p->pid, out, n, &ctx);

	return err ? fb__proc_fail(p, "threads", err) : 0;
}

int fb_proc__num_ctx_switches(struct fb_proc *p, uint64_t *voluntary, uint64_t *involuntary)
{
	struct fb_thread *t;
	size_t n;
	int err = fb__nt_threads(p->pid, &t, &n, voluntary);

	if (err)
		return fb__proc_fail(p, "num_ctx_switches", err);
	free(t);
	*involuntary = 0;
	return 0;
}

static int suspend_resume(struct fb_proc *p, const char *what, bool suspend)
{
	NTSTATUS st;
	HANDLE h;
	int err;

	h = open_for(p, what, PROCESS_SUSPEND_RESUME, &err);
	if (!h)
		return err;
	st = suspend ? NtSuspendProcess(h) : NtResumeProcess(h);
	CloseHandle(h);
	return st < 0 ? fb__proc_fail(p, what, -EIO) : 0;
}

int fb_proc__suspend(struct fb_proc *p)
{
	return suspend_resume(p, "suspend", true);
}

int fb_proc__resume(struct fb_proc *p)
{
	return suspend_resume(p, "resume", false);
}
