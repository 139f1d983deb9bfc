// SPDX-License-Identifier: BSD-2-Clause
/*
 * wait_procs.c - psutil's wait_procs() over the portable fb_proc API: rounds of short waits on
 * each process still alive (at most one second per round, shared among them), a last
 * non-blocking look at the survivors, and the gone/alive split with each gone process'
 * returncode.  Whether a process is gone is fb_proc__wait()'s call, which reaps our children
 * and treats a zombie that is not ours as alive until its parent reaps it.
 */
#include "fb_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* psutil's check_gone(): one wait of up to @timeout seconds; 0 or an error other than timeout. */
static int check_gone(struct fb_waited *w, double timeout, fb_wait_cb callback, void *ctx)
{
	int code, err;

	err = fb_proc__wait(w->proc, timeout, &code);
	if (err == -ETIMEDOUT)
		return 0;
	if (err)
		return err;
	if (code == FB_EXIT_UNKNOWN && fb_proc__is_running(w->proc))
		return 0;
	w->gone = true;
	w->returncode = code;
	if (callback)
		callback(w, ctx);
	return 0;
}

/* Gone entries first, each group in its original order. */
static int partition(struct fb_waited *procs, size_t n, size_t *ngone)
{
	struct fb_waited *tmp = calloc(n ? n : 1, sizeof(*tmp));
	size_t k = 0;

	if (!tmp)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (procs[i].gone)
			tmp[k++] = procs[i];
	*ngone = k;
	for (size_t i = 0; i < n; i++)
		if (!procs[i].gone)
			tmp[k++] = procs[i];
	memcpy(procs, tmp, n * sizeof(*procs));
	free(tmp);
	return 0;
}

int fb_wait_procs(struct fb_waited *procs, size_t n, double timeout, fb_wait_cb callback, void *ctx,
		  size_t *ngone)
{
	bool forever = timeout < 0;
	double deadline = fb__mono() + (forever ? 0 : timeout);
	size_t alive = n;
	int err = 0, perr;

	*ngone = 0;
	if (timeout != timeout) /* NaN */
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!procs[i].proc)
			return -EINVAL;
		procs[i].gone = false;
		procs[i].returncode = FB_EXIT_UNKNOWN;
	}
	while (alive && !err && (forever || fb__mono() < deadline)) {
		double share = 1.0 / (double)alive;

		for (size_t i = 0; i < n && !err; i++) {
			double t = share;

			if (procs[i].gone)
				continue;
			if (!forever) {
				t = deadline - fb__mono();
				t = t < share ? t : share;
				if (t <= 0)
					break;
			}
			err = check_gone(&procs[i], t, callback, ctx);
			if (procs[i].gone)
				alive--;
		}
	}
	/* a last look that does not wait: a process may have ended at the deadline */
	for (size_t i = 0; i < n && !err; i++)
		if (!procs[i].gone)
			err = check_gone(&procs[i], 0, callback, ctx);
	perr = partition(procs, n, ngone);
	return err ? err : perr;
}
