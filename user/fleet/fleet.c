// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fleet.c: `vigil fleet`'s runner: a pool of at most -j worker threads, each taking the next
 * host, connecting (fleet_ssh.c) and running the command with the host's own deadlines, so
 * a dead, slow or failing host holds up only its own worker. With --install the worker copies
 * this vigil over SFTP first and removes it afterwards, whether the command succeeded,
 * failed or timed out.
 */
#include "fleet/fleet.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libssh/libssh.h>

#include "core/stop.h"
#include "fleet/fleet_ssh.h"

struct fleet_run {
	const struct fleet_opts *o;
	const struct fleet_hosts *hs;
	const char *cmd;
	fleet_data_fn fn;
	void *ctx;
	struct fleet_result *res;
	pthread_mutex_t lock;
	size_t next;
};

const char *fleet_state_name(enum fleet_state s)
{
	switch (s) {
	case FLEET_OK:
		return "ok";
	case FLEET_FAILED:
		return "failed";
	case FLEET_TIMEOUT:
		return "timed out";
	default:
		return "not run";
	}
}

/* cmd, or with --install "'PATH' cmd"; NULL on no memory. */
static char *fleet_command(const char *path, const char *cmd)
{
	size_t n = strlen(path) + strlen(cmd) + 4;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "'%s' %s", path, cmd); /* path is /tmp/vigil-fleet.HEX/vigil */
	return s;
}

static void fleet_exec(struct fleet_run *r, size_t i, struct fleet_conn *c, const char *cmd)
{
	struct fleet_result *res = &r->res[i];
	uint64_t deadline = r->o->timeout_ns ? fleet_now_ns() + r->o->timeout_ns : 0;
	int err;

	err = fleet_conn__exec(c, cmd, deadline, r->fn, r->ctx, i, &res->exit_status, res->reason,
			       sizeof(res->reason));
	if (err == -ETIMEDOUT) {
		res->state = FLEET_TIMEOUT;
		snprintf(res->reason, sizeof(res->reason), "command still running after %.3g s",
			 (double)r->o->timeout_ns / 1e9);
	} else if (err == -EINTR) {
		res->state = FLEET_FAILED;
		snprintf(res->reason, sizeof(res->reason), "interrupted (Ctrl-C or SIGTERM)");
	} else if (err) {
		res->state = FLEET_FAILED;
	} else if (res->exit_status) {
		res->state = FLEET_FAILED;
		if (res->exit_status < 0)
			snprintf(res->reason, sizeof(res->reason),
				 "no exit status (the command was killed by a signal?)");
		else if (res->exit_status == 127) /* the shell's "command not found" */
			snprintf(res->reason, sizeof(res->reason),
				 "exit status 127 (command not found: for vigil, try --install or "
				 "--vigil PATH)");
		else
			snprintf(res->reason, sizeof(res->reason), "exit status %d",
				 res->exit_status);
	} else {
		res->state = FLEET_OK;
	}
}

static void fleet_install_exec(struct fleet_run *r, size_t i, struct fleet_conn *c)
{
	struct fleet_result *res = &r->res[i];
	char path[256], why[FLEET_REASON_LEN / 2];
	char *cmd;

	if (fleet_conn__install(c, r->o->install_exe, path, sizeof(path), res->reason,
				sizeof(res->reason))) {
		res->state = FLEET_FAILED;
		return;
	}
	cmd = fleet_command(path, r->cmd);
	if (cmd) {
		fleet_exec(r, i, c, cmd);
		free(cmd);
	} else {
		res->state = FLEET_FAILED;
		snprintf(res->reason, sizeof(res->reason), "out of memory");
	}
	if (fleet_conn__uninstall(c, path, why, sizeof(why))) {
		size_t n = strlen(res->reason);

		if (res->state == FLEET_OK) {
			res->state = FLEET_FAILED;
			snprintf(res->reason, sizeof(res->reason), "%s", why);
		} else if (n + 3 < sizeof(res->reason)) {
			snprintf(res->reason + n, sizeof(res->reason) - n, "; %s", why);
		}
	}
}

static void fleet_one(struct fleet_run *r, size_t i)
{
	struct fleet_result *res = &r->res[i];
	uint64_t t0 = fleet_now_ns();
	struct fleet_conn *c;
	int err;

	res->exit_status = -1;
	err = fleet_conn__open(&c, r->o, &r->hs->v[i], res->reason, sizeof(res->reason));
	if (err) {
		res->state = err == -ETIMEDOUT ? FLEET_TIMEOUT : FLEET_FAILED;
		goto done;
	}
	if (r->o->install_exe)
		fleet_install_exec(r, i, c);
	else
		fleet_exec(r, i, c, r->cmd);
	fleet_conn__free(c);
done:
	res->seconds = (double)(fleet_now_ns() - t0) / 1e9;
}

static void *fleet_worker(void *arg)
{
	struct fleet_run *r = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&r->lock);
		i = r->next++;
		pthread_mutex_unlock(&r->lock);
		if (i >= r->hs->n)
			return NULL;
		if (stop_is_requested()) {
			r->res[i].state = FLEET_FAILED;
			r->res[i].exit_status = -1;
			snprintf(r->res[i].reason, sizeof(r->res[i].reason),
				 "not started: interrupted (Ctrl-C or SIGTERM)");
			continue;
		}
		fleet_one(r, i);
	}
}

int fleet__run(const struct fleet_opts *o, const struct fleet_hosts *hs, const char *cmd,
	       fleet_data_fn fn, void *ctx, struct fleet_result *res)
{
	struct fleet_run r = {
		.o = o,
		.hs = hs,
		.cmd = cmd,
		.fn = fn,
		.ctx = ctx,
		.res = res,
		.lock = PTHREAD_MUTEX_INITIALIZER,
	};
	size_t nthreads = (size_t)(o->parallel > 0 ? o->parallel : 1), started = 0;
	pthread_t *tids;
	int err = 0;

	if (ssh_init() != SSH_OK)
		return -ENOPKG; /* dl.c said which library is missing */
	memset(res, 0, hs->n * sizeof(*res));
	if (nthreads > hs->n)
		nthreads = hs->n;
	tids = calloc(nthreads ? nthreads : 1, sizeof(*tids));
	if (!tids)
		return -ENOMEM;
	for (; started < nthreads; started++) {
		err = -pthread_create(&tids[started], NULL, fleet_worker, &r);
		if (err)
			break;
	}
	if (started) /* fewer workers than asked still run every host */
		err = 0;
	for (size_t t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	free(tids);
	return err;
}
