/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * webhook.h: a notifier (notifier.h) that POSTs Alertmanager's webhook payload (version 4)
 * to a URL, as Alertmanager's webhook_config does, so receivers written for Alertmanager
 * take vigil's notifications unchanged. A failed POST is kept in memory and retried with
 * backoff (WEBHOOK_RETRIES times); each failed attempt counts in `failed`.
 */
#ifndef VIGIL_WEBHOOK_H
#define VIGIL_WEBHOOK_H

#include "alert/notifier.h"

#define WEBHOOK_TIMEOUT_MS 5000
#define WEBHOOK_RETRIES	   5
#define WEBHOOK_QUEUE	   64

/*
 * A webhook notifier for url (http:// or https://), naming receiver and external_url in its
 * payloads; malloc'd, for alert_manager__add_notifier(). NULL and errno (EINVAL: why).
 */
struct notifier *webhook__new(const char *url, const char *receiver, const char *external_url,
			      char *why, size_t whylen);

/* The JSON body for n (malloc'd), or NULL: what webhook__new's notifier POSTs. */
char *webhook_payload(const struct notification *n, const char *receiver, const char *external_url);

#endif /* VIGIL_WEBHOOK_H */
