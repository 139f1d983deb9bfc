// SPDX-License-Identifier: BSD-2-Clause
/*
 * kill_tree.c - psutil's kill_proc_tree recipe over the portable fb_proc API: one scan of every
 * process records each descendant with its identity (pid, parent, creation time); each is then
 * opened as a handle only if it is still that process, so a pid that died and was reused by
 * an unrelated process after the scan is never signalled (on Linux the handle holds a pidfd,
 * which also closes the window between that check and the signal).  Descendants are signalled
 * deepest first so that no parent can respawn a child we already signalled, then the root
 * itself, then wait_procs-style polling until each is gone or the timeout expires.  A
 * descendant left as a zombie is dead and counts as gone; one that refuses the signal is
 * reported apart (AccessDenied), not as alive.
 */
#include "fb_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void (*fb__kill_tree_scanned_hook)(void);

/* A descendant as the scan saw it, and its parent's creation time then. */
struct kid {
	pid_t pid, ppid;
	double ctime, pctime;
};

static bool proc_is_gone(struct fb_proc *p)
{
	enum fb_proc_status st;
	int code;

	if (fb_proc__wait(p, 0, &code) == 0)
		return true;
	if (!fb_proc__is_running(p))
		return true;
	return fb_proc__status(p, &st) == 0 && st == FB_STATUS_ZOMBIE;
}

/*
 * children(recursive) with identities: breadth first over one scan; a child must be no older
 * than its parent, else the ppid was reused (psutil's rule).
 */
static int scan_descendants(pid_t root, double root_ctime, struct kid **out, size_t *n)
{
	const struct fb_proc_info *pi;
	struct fb_proc_info *all = NULL;
	struct fb_proc_iter *it;
	struct kid *v = NULL;
	size_t cnt = 0, cap = 0, k = 0, kcap = 0, head = 0;
	int err = 0;

	it = fb_proc_iter__new(FB_PI_PPID | FB_PI_CREATE_TIME);
	if (!it)
		return -errno;
	while (!err && (pi = fb_proc_iter__next(it))) {
		if ((pi->valid & (FB_PI_PPID | FB_PI_CREATE_TIME)) !=
		    (FB_PI_PPID | FB_PI_CREATE_TIME))
			continue;
		err = fb__grow((void **)&all, &cap, cnt + 1, sizeof(*all));
		if (!err)
			all[cnt++] = *pi;
	}
	fb_proc_iter__free(it);
	for (pid_t parent = root; !err;) {
		double pct = head ? v[head - 1].ctime : root_ctime;

		for (size_t i = 0; i < cnt && !err; i++) {
			bool seen = all[i].pid == root;

			if (all[i].ppid != parent || all[i].pid == parent ||
			    all[i].create_time < pct)
				continue;
			for (size_t j = 0; j < k && !seen; j++)
				seen = v[j].pid == all[i].pid;
			if (seen)
				continue;
			err = fb__grow((void **)&v, &kcap, k + 1, sizeof(*v));
			if (!err)
				v[k++] = (struct kid){ .pid = all[i].pid,
						       .ppid = parent,
						       .ctime = all[i].create_time,
						       .pctime = pct };
		}
		if (head >= k)
			break;
		parent = v[head++].pid;
	}
	free(all);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*n = k;
	return 0;
}

static bool same_time(double a, double b)
{
	return fabs(a - b) < 1e-3; /* well below a clock tick: the same reading */
}

/*
 * A handle on @k only if the pid still is the process the scan saw: same creation time, and
 * the same parent unless that parent has ended (then it was reparented).  NULL with errno
 * ESRCH (gone or reused) or EACCES (its identity cannot be read).
 */
static struct fb_proc *kid_open(const struct kid *k)
{
	struct fb_proc *h, *par;
	pid_t ppid;
	double ct;
	int err;

	h = fb_proc__new(k->pid);
	if (!h)
		return NULL;
	err = fb_proc__create_time(h, &ct);
	if (!err)
		err = fb_proc__ppid(h, &ppid);
	if (err) {
		err = err == -EACCES || err == -EPERM ? EACCES : ESRCH;
		goto reused;
	}
	err = ESRCH;
	if (!same_time(ct, k->ctime))
		goto reused;
	if (ppid != k->ppid) {
		par = fb_proc__new(k->ppid);
		if (par && fb_proc__create_time(par, &ct) == 0 && same_time(ct, k->pctime)) {
			fb_proc__free(par); /* its parent lives on: this pid is someone else */
			goto reused;
		}
		fb_proc__free(par);
	}
	return h;
reused:
	fb_proc__free(h);
	errno = err;
	return NULL;
}

int fb_kill_tree_ex(pid_t pid, int sig, bool include_parent, double timeout,
		    struct fb_kill_tree_result *out)
{
	struct fb_proc *root, **procs = NULL;
	struct kid *kids = NULL;
	pid_t *g = NULL, *a = NULL, *d = NULL;
	size_t nkids = 0, nprocs = 0, ng = 0, na = 0, nd = 0;
	double deadline, root_ctime;
	int err;

	memset(out, 0, sizeof(*out));
	if (pid == getpid())
		return -EINVAL; /* won't kill myself */
	root = fb_proc__new(pid);
	if (!root)
		return -errno;
	err = fb_proc__create_time(root, &root_ctime);
	if (err)
		goto free_root;
	err = scan_descendants(pid, root_ctime, &kids, &nkids);
	if (err)
		goto free_root;
	if (fb__kill_tree_scanned_hook)
		fb__kill_tree_scanned_hook();
	procs = calloc(nkids + 1, sizeof(*procs));
	g = calloc(nkids + 1, sizeof(*g));
	a = calloc(nkids + 1, sizeof(*a));
	d = calloc(nkids + 1, sizeof(*d));
	if (!procs || !g || !a || !d) {
		err = -ENOMEM;
		goto free_lists;
	}
	/* deepest first: the breadth-first list backwards */
	for (size_t i = nkids; i-- > 0;) {
		procs[nprocs] = kid_open(&kids[i]);
		if (procs[nprocs])
			nprocs++;
		else if (errno == EACCES)
			d[nd++] = kids[i].pid;
		else
			g[ng++] = kids[i].pid;
	}
	if (include_parent)
		procs[nprocs++] = root;
	for (size_t i = 0; i < nprocs; i++) {
		err = fb_proc__send_signal(procs[i], sig);
		if (err == -EPERM || err == -EACCES) {
			d[nd++] = fb_proc__pid(procs[i]);
			if (procs[i] != root)
				fb_proc__free(procs[i]);
			procs[i] = NULL;
		}
		/* NoSuchProcess: already gone, which the wait below finds */
	}
	deadline = fb__mono() + (timeout > 0 ? timeout : 0);
	for (;;) {
		bool all = true;

		for (size_t i = 0; i < nprocs; i++) {
			if (!procs[i])
				continue;
			if (proc_is_gone(procs[i])) {
				g[ng++] = fb_proc__pid(procs[i]);
				if (procs[i] != root)
					fb_proc__free(procs[i]);
				procs[i] = NULL;
			} else {
				all = false;
			}
		}
		if (all || fb__mono() >= deadline)
			break;
		fb__sleep(0.01);
	}
	for (size_t i = 0; i < nprocs; i++) {
		if (!procs[i])
			continue;
		a[na++] = fb_proc__pid(procs[i]);
		if (procs[i] != root)
			fb_proc__free(procs[i]);
	}
	*out = (struct fb_kill_tree_result){
		.gone = g, .ngone = ng, .alive = a, .nalive = na, .denied = d, .ndenied = nd
	};
	g = a = d = NULL;
	err = 0;
free_lists:
	free(procs);
	free(g);
	free(a);
	free(d);
	free(kids);
free_root:
	fb_proc__free(root);
	return err;
}

void fb_kill_tree_result_free(struct fb_kill_tree_result *r)
{
	if (!r)
		return;
	free(r->gone);
	free(r->alive);
	free(r->denied);
	memset(r, 0, sizeof(*r));
}

int fb_kill_tree(pid_t pid, int sig, bool include_parent, double timeout, pid_t **gone,
		 size_t *ngone, pid_t **alive, size_t *nalive)
{
	struct fb_kill_tree_result r;
	pid_t *v;
	int err;

	*gone = *alive = NULL;
	*ngone = *nalive = 0;
	err = fb_kill_tree_ex(pid, sig, include_parent, timeout, &r);
	if (err)
		return err;
	/* the old contract: a process that refused the signal is still alive */
	v = realloc(r.alive, (r.nalive + r.ndenied + 1) * sizeof(*v));
	if (!v) {
		fb_kill_tree_result_free(&r);
		return -ENOMEM;
	}
	if (r.ndenied)
		memcpy(v + r.nalive, r.denied, r.ndenied * sizeof(*v));
	*gone = r.gone;
	*ngone = r.ngone;
	*alive = v;
	*nalive = r.nalive + r.ndenied;
	free(r.denied);
	return 0;
}
