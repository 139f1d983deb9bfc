// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_ctl.c - process methods that are system calls rather than file reads: nice (get/set
 * priority), ionice (ioprio_get/set), rlimit (prlimit), cpu_affinity (sched_get/setaffinity,
 * with psutil's "empty set = every eligible CPU"), cpu_percent (psutil's per-handle interval
 * maths), the signal family and wait().  Every setter and signal first checks the handle's
 * identity (pid + creation time), so a stale handle never touches a new process.
 */
#include "proc_int.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13

static int syscall_fail(struct fb_proc *p, const char *what, int e)
{
	if (e == ESRCH)
		return fb__proc_fail(p, what, ESRCH);
	return fb__proc_fail(p, what, e);
}

int fb_proc__nice(struct fb_proc *p, int *out)
{
	int v;

	fb__proc_clear_err(p);
	errno = 0;
	v = getpriority(PRIO_PROCESS, (id_t)p->pid);
	if (v == -1 && errno)
		return syscall_fail(p, "nice", errno);
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
		return syscall_fail(p, "nice", errno);
	return 0;
}

int fb_proc__ionice(struct fb_proc *p, enum fb_ioprio_class *ioclass, int *value)
{
	long r;

	fb__proc_clear_err(p);
	r = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, (int)p->pid);
	if (r < 0)
		return syscall_fail(p, "ionice", errno);
	*ioclass = (enum fb_ioprio_class)(r >> IOPRIO_CLASS_SHIFT);
	*value = (int)(r & ((1 << IOPRIO_CLASS_SHIFT) - 1));
	return 0;
}

int fb_proc__set_ionice(struct fb_proc *p, enum fb_ioprio_class ioclass, int value)
{
	int err;

	fb__proc_clear_err(p);
	/* psutil's checks: no value with NONE or IDLE, 0..7 (default 4) with RT and BE */
	if (ioclass == FB_IOPRIO_CLASS_NONE || ioclass == FB_IOPRIO_CLASS_IDLE) {
		if (value > 0)
			return -EINVAL;
		value = 0;
	} else if (ioclass == FB_IOPRIO_CLASS_RT || ioclass == FB_IOPRIO_CLASS_BE) {
		if (value < 0)
			value = 4;
		if (value > 7)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	err = fb__proc_check_identity(p, "ionice");
	if (err)
		return err;
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, (int)p->pid,
		    ((int)ioclass << IOPRIO_CLASS_SHIFT) | value))
		return syscall_fail(p, "ionice", errno);
	return 0;
}

static int64_t from_rlim(rlim_t v)
{
	return v == RLIM_INFINITY ? -1 : (int64_t)v;
}

static rlim_t to_rlim(int64_t v)
{
	return v < 0 ? RLIM_INFINITY : (rlim_t)v;
}

int fb_proc__rlimit(struct fb_proc *p, int resource, int64_t *soft, int64_t *hard)
{
	struct rlimit old;

	fb__proc_clear_err(p);
	if (prlimit(p->pid, (__rlimit_resource_t)resource, NULL, &old))
		return errno == EINVAL ? -EINVAL : syscall_fail(p, "rlimit", errno);
	*soft = from_rlim(old.rlim_cur);
	*hard = from_rlim(old.rlim_max);
	return 0;
}

int fb_proc__set_rlimit(struct fb_proc *p, int resource, int64_t soft, int64_t hard)
{
	struct rlimit nv = { .rlim_cur = to_rlim(soft), .rlim_max = to_rlim(hard) };
	int err;

	fb__proc_clear_err(p);
	err = fb__proc_check_identity(p, "rlimit");
	if (err)
		return err;
	if (prlimit(p->pid, (__rlimit_resource_t)resource, &nv, NULL))
		return errno == EINVAL ? -EINVAL : syscall_fail(p, "rlimit", errno);
	return 0;
}

int fb_proc__cpu_affinity(struct fb_proc *p, int **cpus, size_t *n)
{
	size_t setsize = CPU_ALLOC_SIZE(8192), cnt = 0;
	cpu_set_t *set;
	int *v;

	fb__proc_clear_err(p);
	set = CPU_ALLOC(8192);
	if (!set)
		return -ENOMEM;
	if (sched_getaffinity(p->pid, setsize, set)) {
		int e = errno;

		CPU_FREE(set);
		return syscall_fail(p, "cpu_affinity", e);
	}
	v = malloc((size_t)CPU_COUNT_S(setsize, set) * sizeof(*v) + sizeof(*v));
	if (!v) {
		CPU_FREE(set);
		return -ENOMEM;
	}
	for (int i = 0; i < 8192; i++)
		if (CPU_ISSET_S((size_t)i, setsize, set))
			v[cnt++] = i;
	CPU_FREE(set);
	*cpus = v;
	*n = cnt;
	return 0;
}

/*
 * CPUs any process may be given: the online CPUs (sysfs), else 0..cpu_count-1.  Not the
 * process' own Cpus_allowed_list: that is its current mask, which would forbid widening it
 * again after a narrowing (psutil validates against every CPU too; a cpuset cgroup still
 * narrows the mask in the kernel).
 */
static int eligible_cpus(cpu_set_t *set, size_t setsize)
{
	char line[1024];
	const char *q = line;
	int ncpu;

	CPU_ZERO_S(setsize, set);
	if (fb__read(FB_DIR_SYS, "devices/system/cpu/online", line, sizeof(line)) > 0) {
		while (*q) {
			uint64_t a, b;

			if (fb__parse_u64(&q, &a))
				break;
			b = a;
			if (*q == '-') {
				q++;
				if (fb__parse_u64(&q, &b))
					break;
			}
			for (uint64_t c = a; c <= b && c < 8192; c++)
				CPU_SET_S(c, setsize, set);
			if (*q != ',')
				break;
			q++;
		}
		if (CPU_COUNT_S(setsize, set))
			return 0;
	}
	ncpu = fb_cpu_count(true);
	if (ncpu <= 0)
		return -ENODATA;
	for (int i = 0; i < ncpu && i < 8192; i++)
		CPU_SET_S((size_t)i, setsize, set);
	return 0;
}

int fb_proc__set_cpu_affinity(struct fb_proc *p, const int *cpus, size_t n)
{
	size_t setsize = CPU_ALLOC_SIZE(8192);
	cpu_set_t *want, *ok;
	int err;

	fb__proc_clear_err(p);
	want = CPU_ALLOC(8192);
	ok = CPU_ALLOC(8192);
	if (!want || !ok) {
		err = -ENOMEM;
		goto free_sets;
	}
	err = eligible_cpus(ok, setsize);
	if (err)
		goto free_sets;
	CPU_ZERO_S(setsize, want);
	if (!n) {
		CPU_OR_S(setsize, want, want, ok);
	} else {
		for (size_t i = 0; i < n; i++) {
			if (cpus[i] < 0 || cpus[i] >= 8192 ||
			    !CPU_ISSET_S((size_t)cpus[i], setsize, ok)) {
				err = -EINVAL; /* psutil ValueError: invalid CPU */
				goto free_sets;
			}
			CPU_SET_S((size_t)cpus[i], setsize, want);
		}
	}
	err = fb__proc_check_identity(p, "cpu_affinity");
	if (err)
		goto free_sets;
	if (sched_setaffinity(p->pid, setsize, want))
		err = syscall_fail(p, "cpu_affinity", errno);
free_sets:
	CPU_FREE(want);
	CPU_FREE(ok);
	return err;
}

int fb_proc__cpu_percent(struct fb_proc *p, double interval, double *out)
{
	struct fb_proc_cpu_times t1, t2;
	int ncpu = fb_cpu_count(true), err;
	double w1, w2, d_proc, d_time;

	fb__proc_clear_err(p);
	if (interval < 0)
		return -EINVAL;
	if (ncpu <= 0)
		ncpu = 1;
	if (interval > 0) {
		w1 = fb__mono() * ncpu;
		err = fb_proc__cpu_times(p, &t1);
		if (err)
			return err;
		fb__sleep(interval);
		w2 = fb__mono() * ncpu;
		err = fb_proc__cpu_times(p, &t2);
		if (err)
			return err;
		d_proc = (t2.user - t1.user) + (t2.system - t1.system);
	} else {
		w2 = fb__mono() * ncpu;
		err = fb_proc__cpu_times(p, &t2);
		if (err)
			return err;
		if (!p->have_last_cpu) {
			p->have_last_cpu = true;
			p->last_cpu = t2.user + t2.system;
			p->last_wall = w2;
			*out = 0.0;
			return 0;
		}
		w1 = p->last_wall;
		d_proc = t2.user + t2.system - p->last_cpu;
	}
	p->have_last_cpu = true;
	p->last_cpu = t2.user + t2.system;
	p->last_wall = w2;
	d_time = w2 - w1;
	*out = d_time > 0 ? fb__round1(d_proc / d_time * 100.0 * ncpu) : 0.0;
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
	/* through the pidfd: a pid reused since the check cannot be hit */
	if (p->pidfd >= 0 && !syscall(SYS_pidfd_send_signal, p->pidfd, sig, NULL, 0))
		return 0;
	if (p->pidfd >= 0 && errno != ENOSYS)
		return syscall_fail(p, "send_signal", errno);
	if (kill(p->pid, sig))
		return syscall_fail(p, "send_signal", errno);
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

static int decode_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return -WTERMSIG(st);
	return FB_EXIT_UNKNOWN;
}

/*
 * Linux >= 5.3: sleep in poll() on a pidfd until the process ends (psutil HEAD does the same).
 * Returns 0 when it ended, -ETIMEDOUT, or -ENOSYS when pidfds are unavailable.
 */
static int pidfd_wait(const struct fb_proc *p, double timeout)
{
	struct pollfd pfd = { .events = POLLIN };
	int ms = timeout < 0 ? -1 : (int)(timeout * 1000.0 + 0.999), r;

	/* the handle's own pidfd watches its process even if the pid is reused meanwhile */
	pfd.fd = p->pidfd >= 0 ? p->pidfd : (int)syscall(SYS_pidfd_open, p->pid, 0);
	if (pfd.fd < 0)
		return errno == ESRCH ? 0 : -ENOSYS;
	do
		r = poll(&pfd, 1, ms);
	while (r < 0 && errno == EINTR);
	if (pfd.fd != p->pidfd)
		close(pfd.fd);
	if (r < 0)
		return -ENOSYS;
	return r == 0 ? -ETIMEDOUT : 0;
}

int fb_proc__wait(struct fb_proc *p, double timeout, int *exitcode)
{
	double deadline = timeout >= 0 ? fb__mono() + timeout : 0, delay = 0.0001;
	bool child = true, pidfd_ok = true;

	fb__proc_clear_err(p);
	if (p->pid == 0)
		return -EINVAL;
	if (p->have_exitcode) {
		*exitcode = p->exitcode;
		return 0;
	}
	for (;;) {
		double left;

		if (child) {
			int st;
			pid_t r = waitpid(p->pid, &st, WNOHANG);

			if (r == p->pid) {
				p->exitcode = decode_status(st);
				if (p->exitcode == FB_EXIT_UNKNOWN)
					continue; /* stopped/continued: keep waiting */
				p->have_exitcode = true;
				*exitcode = p->exitcode;
				return 0;
			}
			if (r < 0 && errno == ECHILD)
				child = false;
			else if (r < 0 && errno != EINTR)
				return fb__proc_fail(p, "wait", errno);
		}
		if (!child && !fb_pid_exists(p->pid)) {
			/* not our child: the exit status is not ours to know (psutil None) */
			p->have_exitcode = true;
			p->exitcode = FB_EXIT_UNKNOWN;
			*exitcode = FB_EXIT_UNKNOWN;
			return 0;
		}
		left = timeout >= 0 ? deadline - fb__mono() : -1;
		if (timeout >= 0 && left <= 0) {
			p->err.kind = FB_ERR_TIMEOUT;
			p->err.err = ETIMEDOUT;
			fb__copy(p->err.what, sizeof(p->err.what), "wait");
			return -ETIMEDOUT;
		}
		if (pidfd_ok) {
			int r = pidfd_wait(p, left);

			if (r == 0 && !child) {
				/*
				 * It ended, but a zombie keeps its pid until its parent reaps
				 * it, and psutil counts it as running until then: poll the
				 * pid from here on (the pidfd would stay readable).
				 */
				pidfd_ok = false;
				continue;
			}
			if (r != -ENOSYS)
				continue; /* a child to reap, or the deadline check */
			pidfd_ok = false;
		}
		if (timeout >= 0 && delay > left)
			delay = left;
		fb__sleep(delay);
		delay = delay * 2 > 0.04 ? 0.04 : delay * 2;
	}
}
