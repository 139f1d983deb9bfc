/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * mail_notifier.h: alert notifications by e-mail, a notifier (alert/notifier.h). Every
 * notification is composed (mail_msg.h), written to the spool (STATE_DIR/mail), then tried
 * once; what the server does not take stays in the spool and is tried again in
 * notifier__tick with exponential backoff (1s, 2s, 4s... up to --smtp-retry-max), including
 * what a previous run left there. A spool file is removed only once the server answered 250 to
 * the end of DATA.
 */
#ifndef VIGIL_MAIL_NOTIFIER_H
#define VIGIL_MAIL_NOTIFIER_H

#include "alert/notifier.h"
#include "cli/mail_opts.h"

/*
 * A notifier mailing o->to through o->smtp (o is copied; its strings must outlive it). Creates
 * the spool and queues what it holds. NULL (after a message) if the spool cannot be made.
 * Freed as the alert manager frees its notifiers: notifier__free(n), then free(n).
 */
struct notifier *mail_notifier__new(const struct mail_opts *o);

/* Seconds to wait after the attempts-th failed try (1, 2, 4, ... at most max). */
double mail_backoff(int attempts, double max);

/* How many messages wait in the spool. */
size_t mail_notifier__queued(const struct notifier *n);

#endif /* VIGIL_MAIL_NOTIFIER_H */
