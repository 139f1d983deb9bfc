// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_ctl.c - the process methods that are the same POSIX calls on Linux, FreeBSD and macOS:
 * nice (getpriority/setpriority) and the signal family (send_signal, suspend = SIGSTOP,
 * resume = SIGCONT, terminate, kill), delivered by the OS's fb__proc_os_signal() (Linux: the
 * handle's pidfd, else kill(2)).  A setter or signal first checks the handle's identity (pid +
 * creation time, common/proc.c), so a stale handle never touches a process that reused its
 * pid; pid 0 is refused, as kill(0) would signal our own process group.
 */
#include "posix_int.h"

#include <errno.h>
#include <signal.h>
#include <sys/resource.h>

int fb_proc__nice(struct fb_proc *p, int *out)
{
	int v;

	fb__proc_clear_err(p);
	errno = 0;
	v = getpriority(PRIO_PROCESS, (id_t)p->pid);
	if (v == -1 && errno)
		return fb__proc_fail(p, "nice", errno);
	*out = v;
	return 0;
}

int fb_proc__set_nice(struct fb_proc *p, int value)
{
	int err;

	fb__proc_clear_err(p);
	err = fb__proc_check_identity(p, "nice");
	if (err)
		return err;
	if (setpriority(PRIO_PROCESS, (id_t)p->pid, value))
		return fb__proc_fail(p, "nice", errno);
	return 0;
}

int fb_proc__send_signal(struct fb_proc *p, int sig)
{
	int err;

	fb__proc_clear_err(p);
	if (p->pid == 0)
		return -EINVAL; /* would signal our own process group */
	err = fb__proc_check_identity(p, "send_signal");
	if (err)
		return err;
	err = fb__proc_os_signal(p, sig);
	if (err)
		return fb__proc_fail(p, "send_signal", err);
	return 0;
}

int fb_proc__suspend(struct fb_proc *p)
{
	return fb_proc__send_signal(p, SIGSTOP);
}

int fb_proc__resume(struct fb_proc *p)
{
	return fb_proc__send_signal(p, SIGCONT);
}

int fb_proc__terminate(struct fb_proc *p)
{
	return fb_proc__send_signal(p, SIGTERM);
}

int fb_proc__kill(struct fb_proc *p)
{
	return fb_proc__send_signal(p, SIGKILL);
}
