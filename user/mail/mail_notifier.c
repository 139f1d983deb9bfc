// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mail_notifier.c: the e-mail notifier (mail_notifier.h). The queue in memory mirrors the
 * spool directory: one entry per file, with its attempts and the time of its next try.
 * Failures are logged once per distinct reason (a server that stays down does not fill the
 * log), and an authentication or TLS failure names the server and what it said. The one
 * window where a message can go twice: the server has answered 250 and vigil dies before the
 * spool file is removed; the next run sends it again, with the same Message-ID.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "mail/mail_msg.h"
#include "mail/mail_notifier.h"
#include "mail/mail_smtp.h"
#include "mail/mail_spool.h"

struct mail_queued {
	char *path;
	int attempts;
	double next; /* unix seconds */
};

struct mail_notifier {
	struct notifier *n; /* the caller's to free, after notifier__free (as alert_manager does) */
	struct mail_opts o;
	char spool[4096];
	struct mail_queued *q;
	size_t nq, cap;
	long last_cause; /* the last failure logged (mail_smtp__send's cause); 0 after a success */
};

double mail_backoff(int attempts, double max)
{
	double s = (double)(1ULL << (attempts > 1 ? (attempts > 40 ? 40 : attempts - 1) : 0));

	return s < max ? s : max;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct mail_queued *queue_find(struct mail_notifier *mn, const char *path)
{
	for (size_t i = 0; i < mn->nq; i++) {
		if (!strcmp(mn->q[i].path, path))
			return &mn->q[i];
	}
	return NULL;
}

static struct mail_queued *queue_add(struct mail_notifier *mn, const char *path, double next)
{
	struct mail_queued *e = queue_find(mn, path);

	if (e)
		return e;
	if (mn->nq == mn->cap) {
		size_t cap = mn->cap ? mn->cap * 2 : 16;
		struct mail_queued *q = realloc(mn->q, cap * sizeof(*q));

		if (!q)
			return NULL;
		mn->q = q;
		mn->cap = cap;
	}
	e = &mn->q[mn->nq];
	e->path = strdup(path);
	if (!e->path)
		return NULL;
	e->attempts = 0;
	e->next = next;
	mn->nq++;
	return e;
}

static void queue_drop(struct mail_notifier *mn, struct mail_queued *e)
{
	free(e->path);
	*e = mn->q[--mn->nq];
}

/* One try of e's message m. true when it left the queue (delivered). */
static bool deliver(struct mail_notifier *mn, struct mail_queued *e, const struct mail_msg *m,
		    double now)
{
	enum mail_smtp_result r;
	char why[512];
	long cause;

	r = mail_smtp__send(&mn->o, m, why, sizeof(why), &cause);
	if (r == MAIL_SMTP_SENT) {
		mn->n->sent++;
		mn->last_cause = 0;
		pr_info("mail: delivered %s to %s\n", m->message_id, m->to);
		if (mail_spool__remove(e->path))
			pr_warn("mail: delivered %s but cannot remove %s: it may be sent again\n",
				m->message_id, e->path);
		queue_drop(mn, e);
		return true;
	}
	mn->n->failed++;
	e->attempts++;
	e->next = now + mail_backoff(e->attempts, (double)mn->o.retry_max_ns / 1e9);
	if (cause != mn->last_cause) {
		if (r == MAIL_SMTP_AUTH_TLS)
			pr_err("mail: authentication or TLS failed: %s; mail stays queued in %s\n",
			       why, mn->spool);
		else
			pr_warn("mail: not delivered: %s; queued in %s, retried with backoff\n",
				why, mn->spool);
		mn->last_cause = cause;
	}
	return false;
}

/* The spool failed (err): send m once as it is; 0 when the server took it, else err. */
static int mail_notifier__send_unspooled(struct mail_notifier *mn, const struct mail_msg *m,
					 int err)
{
	char why[512];
	long cause;

	if (mail_smtp__send(&mn->o, m, why, sizeof(why), &cause) == MAIL_SMTP_SENT) {
		mn->n->sent++;
		return 0;
	}
	mn->n->failed++;
	pr_err("mail: %s lost: it could not be queued (%s) nor sent: %s\n", m->message_id,
	       strerror(-err), why);
	return err;
}

static int mail_notifier__send(void *ctx, const struct notification *n)
{
	struct mail_notifier *mn = ctx;
	char path[4096];
	struct mail_queued *e;
	struct mail_msg m;
	double now = now_s();
	int err;

	err = mail_msg__compose(&m, n, mn->o.from, mn->o.to, now);
	if (err) {
		mn->n->failed++;
		pr_err("mail: cannot compose the notification for %s: %s\n", n->group_key,
		       strerror(-err));
		return err;
	}
	err = mail_spool__write(mn->spool, &m, path, sizeof(path));
	e = err ? NULL : queue_add(mn, path, now);
	if (!e) /* no spool (disk full...): one try without it, else refused */
		err = mail_notifier__send_unspooled(mn, &m, err ? err : -ENOMEM);
	else
		deliver(mn, e, &m, now);
	mail_msg__free(&m);
	return e ? 0 : err;
}

static void mail_notifier__tick(void *ctx, double now)
{
	struct mail_notifier *mn = ctx;

	for (size_t i = 0; i < mn->nq;) {
		struct mail_queued *e = &mn->q[i];
		struct mail_msg m;
		int err;

		if (e->next > now) {
			i++;
			continue;
		}
		err = mail_spool__read(e->path, &m);
		if (err) {
			if (err != -ENOENT)
				pr_err("mail: %s is not a message vigil can send (%s); left "
				       "there\n",
				       e->path, strerror(-err));
			queue_drop(mn, e);
			continue;
		}
		if (!deliver(mn, e, &m, now))
			i++;
		mail_msg__free(&m);
	}
}

static void mail_notifier__free(void *ctx)
{
	struct mail_notifier *mn = ctx;

	for (size_t i = 0; i < mn->nq; i++)
		free(mn->q[i].path);
	free(mn->q);
	explicit_bzero(mn->o.password, sizeof(mn->o.password));
	free(mn);
}

static const struct notifier_ops mail_notifier_ops = {
	.kind = "mail",
	.send = mail_notifier__send,
	.tick = mail_notifier__tick,
	.free = mail_notifier__free,
};

size_t mail_notifier__queued(const struct notifier *n)
{
	return ((const struct mail_notifier *)n->ctx)->nq;
}

struct notifier *mail_notifier__new(const struct mail_opts *o)
{
	struct mail_notifier *mn = calloc(1, sizeof(*mn));
	struct notifier *nf = calloc(1, sizeof(*nf));
	char **paths = NULL;
	int n;

	if (!mn || !nf)
		goto fail;
	mn->o = *o;
	mn->n = nf;
	nf->ops = &mail_notifier_ops;
	nf->ctx = mn;
	snprintf(mn->spool, sizeof(mn->spool), "%s/mail", o->state_dir);
	if (mail_spool__mkdir(mn->spool))
		goto fail;
	n = mail_spool__list(mn->spool, &paths);
	for (int i = 0; i < n; i++) {
		queue_add(mn, paths[i], 0); /* left by an earlier run: tried at the first tick */
		free(paths[i]);
	}
	free(paths);
	if (n > 0)
		pr_info("mail: %d message(s) queued in %s from an earlier run\n", n, mn->spool);
	return nf;
fail:
	free(mn);
	free(nf);
	return NULL;
}
