/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * alert_serve.h: the rules inside `vigil serve`. From serve's options it loads the rules,
 * creates the notifiers (alert_serve__notifiers: the one place a new kind of notifier is
 * wired in) and runs evaluation and dispatch on a thread of its own, reading what serve
 * collects (struct metrics) and probing with serve's probe modules.
 */
#ifndef VIGIL_ALERT_SERVE_H
#define VIGIL_ALERT_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "alert/alert_manager.h"

#define ALERT_EVAL_DEFAULT_NS (15ULL * 1000000000ULL)
#define ALERT_EVAL_MIN_NS     (100ULL * 1000000ULL)

/* serve's options about alerts; zero means unset. */
struct alert_serve_opts {
	const char *rules;   /* --rules FILE */
	uint64_t eval_ns;    /* --eval-interval */
	const char *webhook; /* --webhook URL */
	const char *url;     /* serve's own URL, for payloads' externalURL */
};

struct metrics;
struct probe_modules;

/*
 * Create the notifiers o asks for and hand them to m. 0, or -EINVAL with why (a bad URL...).
 * Notifiers of a new kind (mail) are created here, from fields added to alert_serve_opts.
 */
int alert_serve__notifiers(struct alert_manager *m, const struct alert_serve_opts *o, char *why,
			   size_t whylen);

struct alert_serve;

/*
 * Load o->rules and set up the manager over metrics mt and probe modules pm (may be NULL).
 * NULL and errno: EINVAL with every fault of the rules file (or a notifier's) in why.
 */
struct alert_serve *alert_serve__new(const struct alert_serve_opts *o, struct metrics *mt,
				     struct probe_modules *pm, char *why, size_t whylen);

/* Start evaluating (a thread of its own). 0 or -errno. */
int alert_serve__start(struct alert_serve *as);

struct alert_manager *alert_serve__manager(struct alert_serve *as);

/* /api/v2/alerts for serve (a serve_json_fn; ctx: the alert_serve). */
char *alert_serve__json(void *ctx);

/* Stop the thread and free everything. */
void alert_serve__free(struct alert_serve *as);

#endif /* VIGIL_ALERT_SERVE_H */
