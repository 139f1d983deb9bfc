// SPDX-License-Identifier: BSD-2-Clause
/*
 * parallel.c - an optional helper thread for the two scans that are worth sharing (the
 * process table and the /proc/PID/fd walk).  Both sides take work in chunks from an atomic
 * counter, so the caller never depends on the helper: if the helper has not started by the
 * time the caller runs out of work (a busy machine), it is cancelled and exits later without
 * touching the job; if it is running, the caller waits only for its current chunk.  A plain
 * pthread_join() would make the caller wait for the scheduler to run a thread with nothing
 * left to do. The helper starts on another CPU than the caller's where the OS says how
 * (fb__par_away()).
 */
#include "posix_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

enum { PAR_PENDING, PAR_RUNNING, PAR_DONE, PAR_CANCELLED };

struct fb__par {
	void (*fn)(void *);
	void *arg;
	void *home; /* fb__par_away()'s, for the helper to undo */
	int state;  /* under mu */
	int refs;   /* atomic: the caller and the helper */
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void par_put(struct fb__par *p)
{
	if (__atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL))
		return;
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

static void *par_helper(void *arg)
{
	struct fb__par *p = arg;

	fb__par_home(p->home);
	pthread_mutex_lock(&p->mu);
	if (p->state == PAR_CANCELLED) {
		pthread_mutex_unlock(&p->mu);
		par_put(p);
		return NULL;
	}
	p->state = PAR_RUNNING;
	pthread_mutex_unlock(&p->mu);
	p->fn(p->arg);
	pthread_mutex_lock(&p->mu);
	p->state = PAR_DONE;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	par_put(p);
	return NULL;
}

struct fb__par *fb__par_start(void (*fn)(void *), void *arg)
{
	static long ncpu;
	struct fb__par *p;
	pthread_attr_t attr;
	pthread_t t;
	int err;

	if (!__atomic_load_n(&ncpu, __ATOMIC_RELAXED))
		__atomic_store_n(&ncpu, sysconf(_SC_NPROCESSORS_ONLN), __ATOMIC_RELAXED);
	if (__atomic_load_n(&ncpu, __ATOMIC_RELAXED) < 2)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->fn = fn;
	p->arg = arg;
	p->state = PAR_PENDING;
	p->refs = 2;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	p->home = fb__par_away(&attr);
	err = pthread_create(&t, &attr, par_helper, p);
	pthread_attr_destroy(&attr);
	if (err) {
		free(p->home);
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
		free(p);
		return NULL;
	}
	return p;
}

void fb__par_finish(struct fb__par *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	if (p->state == PAR_PENDING)
		p->state = PAR_CANCELLED; /* never started: it will leave the job alone */
	else
		while (p->state != PAR_DONE)
			pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	par_put(p);
}
