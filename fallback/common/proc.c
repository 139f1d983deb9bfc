// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc.c - the OS-free core of the fb_proc handle, written once for every platform: creating
 * one (psutil's Process(pid): a negative pid is -EINVAL, a pid that names no process -ESRCH,
 * a pid the OS hides still gets a handle whose identity is unknown), the identity check that
 * keeps a stale handle from acting on a reused pid (a pid whose identity cannot be read at all
 * is -ESRCH too, only -ENOMEM passes through), psutil's classification of a method's
 * failure (NoSuchProcess, ZombieProcess, AccessDenied, TimeoutExpired, OSError) and the
 * oneshot nesting.  What the OS knows comes through the hooks of proc_core.h.
 */
#include "proc_core.h"

#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* pid and creation: the same process?  An exact stamp decides alone; else 10 ms apart. */
static bool ident_same(const struct fb__proc_ident *a, const struct fb__proc_ident *b)
{
	if (a->have_start && b->have_start)
		return a->start == b->start;
	if (a->create_time <= 0 || b->create_time <= 0)
		return true; /* unknown: psutil treats it as a match */
	return !(a->create_time - b->create_time > 0.01 || b->create_time - a->create_time > 0.01);
}

struct fb_proc *fb_proc__new(pid_t pid)
{
	size_t head =
		(sizeof(struct fb_proc) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
	struct fb__proc_ident id = { 0 };
	struct fb_proc *p;
	int err;

	if (pid < 0) {
		errno = EINVAL; /* psutil: ValueError */
		return NULL;
	}
	p = calloc(1, head + fb__proc_os_size);
	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	p->pid = pid;
	p->err.pid = pid;
	p->os = (struct fb__proc_os *)(void *)((char *)p + head);
	/* hold the process first: the identity read next is then the held process' */
	fb__proc_os_open(p);
	err = fb__proc_os_ident(pid, &id);
	if (err && err != -EACCES && err != -EPERM) {
		/* absent, or no identity can be read: NoSuchProcess */
		fb_proc__free(p);
		errno = err == -ENOMEM ? ENOMEM : ESRCH;
		return NULL;
	}
	if (!err) {
		/* hidepid and the like: the handle exists, its identity is unknown */
		p->ident = id;
		p->have_ident = true;
	}
	return p;
}

void fb_proc__free(struct fb_proc *p)
{
	if (!p)
		return;
	fb__proc_os_close(p);
	free(p);
}

pid_t fb_proc__pid(const struct fb_proc *p)
{
	return p ? p->pid : -1;
}

const struct fb_error *fb_proc__error(const struct fb_proc *p)
{
	return p ? &p->err : NULL;
}

static void oneshot_next(struct fb_proc *p)
{
	if (++p->oneshot_gen == 0)
		p->oneshot_gen = 1; /* 0 is "never cached" */
}

void fb_proc__oneshot_begin(struct fb_proc *p)
{
	if (p && p->oneshot++ == 0)
		oneshot_next(p);
}

void fb_proc__oneshot_end(struct fb_proc *p)
{
	if (p && p->oneshot > 0 && --p->oneshot == 0)
		oneshot_next(p);
}

unsigned fb__proc_oneshot_stamp(const struct fb_proc *p)
{
	return p->oneshot ? p->oneshot_gen : 0;
}

bool fb__proc_oneshot_has(const struct fb_proc *p, unsigned gen)
{
	return p->oneshot && gen && gen == p->oneshot_gen;
}

void fb__proc_clear_err(struct fb_proc *p)
{
	memset(&p->err, 0, sizeof(p->err));
	p->err.pid = p->pid;
}

int fb__proc_fail(struct fb_proc *p, const char *what, int err)
{
	struct fb__proc_ident id;
	int e = err < 0 ? -err : err, r;

	p->err.pid = p->pid;
	p->err.err = e;
	fb__copy(p->err.what, sizeof(p->err.what), what);
	if (e == EACCES || e == EPERM) {
		p->err.kind = FB_ERR_ACCESS_DENIED;
		return -e;
	}
	if (e == ETIMEDOUT) {
		p->err.kind = FB_ERR_TIMEOUT;
		return -e;
	}
	if (e == ESRCH || e == ENOENT) {
		r = fb__proc_os_ident(p->pid, &id);
		if (!r && id.zombie && (!p->have_ident || ident_same(&id, &p->ident))) {
			p->err.kind = FB_ERR_ZOMBIE;
			return -ESRCH;
		}
		if (e == ESRCH || r == -ESRCH) {
			p->err.kind = FB_ERR_NO_SUCH_PROCESS;
			p->err.err = ESRCH;
			return -ESRCH;
		}
	}
	p->err.kind = FB_ERR_OS;
	return -e;
}

int fb__proc_check_identity(struct fb_proc *p, const char *what)
{
	struct fb__proc_ident id;
	int err = fb__proc_os_is_reaped(p) ? -ESRCH : fb__proc_os_ident(p->pid, &id);

	if (err == -EACCES || err == -EPERM)
		return 0; /* cannot tell: psutil treats an unknown ctime as a match */
	if (err || (p->have_ident && !ident_same(&id, &p->ident))) {
		p->err.kind = FB_ERR_NO_SUCH_PROCESS;
		p->err.pid = p->pid;
		p->err.err = ESRCH;
		fb__copy(p->err.what, sizeof(p->err.what), what);
		return -ESRCH;
	}
	return 0;
}

bool fb_proc__is_running(struct fb_proc *p)
{
	if (!p)
		return false;
	fb__proc_clear_err(p);
	return fb__proc_check_identity(p, "is_running") == 0;
}

/*
 * psutil's Process.cpu_percent(): the process' CPU seconds over wall seconds, times 100 and
 * not divided by the CPU count (it can exceed 100, as in top).  interval > 0 blocks; 0
 * compares with this handle's last call, and the first such call is 0.0.
 */
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
