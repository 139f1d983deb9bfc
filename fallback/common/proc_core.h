/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proc_core.h - the fb_proc handle as every OS shares it (psutil's all -> posix -> os layering):
 * the fields the OS-free core in common/proc.c owns (pid, identity, the recorded error, the
 * oneshot depth, cpu_percent and wait state), a pointer to the OS's own per-handle state, and
 * the hooks each OS defines exactly once: fb__proc_os_size, fb__proc_os_open(),
 * fb__proc_os_ident() and fb__proc_os_close().
 * The errno contract of fb_proc__new() lives here, once: a negative pid is -EINVAL (psutil's
 * ValueError), a pid that names no process is -ESRCH (NoSuchProcess).
 */
#ifndef VIGIL_FB_PROC_CORE_H
#define VIGIL_FB_PROC_CORE_H

#include "fb_int.h"

/* Who a pid is right now, as the OS tells it. */
struct fb__proc_ident {
	double create_time; /* epoch seconds; 0 when the OS does not say */
	uint64_t start;	    /* an exact start stamp (Linux: clock ticks since boot) */
	bool have_start;    /* start is set: it alone decides identity */
	bool zombie;	    /* the process has exited and awaits its parent's wait() */
};

/* Each OS's per-handle state; defined (or left incomplete) by the OS folder. */
struct fb__proc_os;

struct fb_proc {
	pid_t pid;
	struct fb__proc_ident ident; /* taken at fb_proc__new() */
	bool have_ident;	     /* false when the OS hid the pid (Linux hidepid) */
	struct fb_error err;
	int oneshot;	      /* nesting depth of fb_proc__oneshot_begin() */
	unsigned oneshot_gen; /* changes when an outermost oneshot begins or ends */
	/* cpu_percent() state */
	bool have_last_cpu;
	double last_cpu, last_wall;
	/* wait() result cache */
	bool have_exitcode;
	int exitcode;
	struct fb__proc_os *os; /* fb__proc_os_size bytes, zeroed, allocated with the handle */
};

/*
 * Hook: the bytes of struct fb__proc_os this OS keeps per handle (0 when it keeps none).
 * Defined once per OS folder.
 */
extern const size_t fb__proc_os_size;

/*
 * Hook: take hold of the process @p names, before the core reads its identity (p->pid is set,
 * p->os zeroed).  Linux opens a pidfd, so what the identity check then approves stays this
 * process even if the pid is reused later; the other OSes keep nothing.  It cannot fail: a
 * handle that could not be pinned (old kernel, a thread id, a vanished pid) uses the pid.
 * Defined once per OS.
 */
void fb__proc_os_open(struct fb_proc *p);

/* Hook: release what fb__proc_os_open() took; called once, by fb_proc__free().  Once per OS. */
void fb__proc_os_close(struct fb_proc *p);

/*
 * Hook: who @pid is.  0 with @id filled; -ESRCH when no process has that pid; -EACCES or
 * -EPERM when the OS will not say (the pid may exist); another negative errno on failure.
 * Defined once per OS folder.
 */
int fb__proc_os_ident(pid_t pid, struct fb__proc_ident *id);

/*
 * Hook: whether the OS knows for sure that @p's own process has been reaped (Linux: its
 * pidfd says so), so that a pid reused even within one clock tick is never taken for it.
 * false when it cannot tell. Defined once per OS folder.
 */
bool fb__proc_os_is_reaped(const struct fb_proc *p);

/*
 * Record a failure of method @what and classify @err (either sign) as psutil's
 * wrap_exceptions does: EACCES/EPERM -> AccessDenied; ESRCH/ENOENT -> ZombieProcess when the
 * pid is still this process and a zombie, NoSuchProcess (-ESRCH) when it is gone (ENOENT from a
 * file of a process that still exists stays an OSError); ETIMEDOUT -> TimeoutExpired; anything
 * else -> OSError.  Returns the negative errno the method returns.
 */
int fb__proc_fail(struct fb_proc *p, const char *what, int err);
/* Forget the last recorded error (the pid stays). */
void fb__proc_clear_err(struct fb_proc *p);
/* Is @p still the process it was created for? 0, or -ESRCH (recorded) when gone or reused. */
int fb__proc_check_identity(struct fb_proc *p, const char *what);

/*
 * Oneshot caching for the OS's readers: a value cached with stamp @gen (from
 * fb__proc_oneshot_stamp() when it was stored) may be reused while the same oneshot lasts.
 */
bool fb__proc_oneshot_has(const struct fb_proc *p, unsigned gen);
unsigned fb__proc_oneshot_stamp(const struct fb_proc *p);

#endif /* VIGIL_FB_PROC_CORE_H */
