// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * webhook.c: the webhook notifier (webhook.h). The payload is built with Jansson and POSTed
 * with libcurl (both loaded on first use, user/dl/). Alertmanager's fields: version "4",
 * groupKey, truncatedAlerts, status, receiver, groupLabels, commonLabels (the labels every
 * alert shares), commonAnnotations, externalURL and alerts[] with status, labels, annotations,
 * startsAt, endsAt, generatorURL and fingerprint. A refused or unreachable POST waits in a
 * small queue and is retried from notifier__tick with a doubling backoff.
 */
#include "alert/webhook.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert/alert_manager.h"
#include "core/log.h"

struct webhook_item {
	char *body;
	int tries;
	double next;
};

struct webhook {
	char *url, *receiver, *external_url;
	struct notifier *self;
	struct webhook_item q[WEBHOOK_QUEUE];
	int nq;
	bool warned; /* the first failure is logged with its reason; then once per outage */
};

static json_t *pairs_json(const char *const *kv)
{
	json_t *o = json_object();

	for (size_t i = 0; o && kv && kv[i]; i += 2)
		json_object_set_new(o, kv[i], json_string(kv[i + 1]));
	return o;
}

static const char *pair_get(const char *const *kv, const char *key)
{
	for (size_t i = 0; kv && kv[i]; i += 2)
		if (!strcmp(kv[i], key))
			return kv[i + 1];
	return NULL;
}

/* The labels of alerts[0] that every alert has with the same value. */
static json_t *common_labels(const struct notification *n)
{
	json_t *o = json_object();
	const char *const *first = n->nalerts ? n->alerts[0].labels : NULL;

	for (size_t i = 0; o && first && first[i]; i += 2) {
		bool common = true;

		for (size_t a = 1; a < n->nalerts && common; a++) {
			const char *v = pair_get(n->alerts[a].labels, first[i]);

			common = v && !strcmp(v, first[i + 1]);
		}
		if (common)
			json_object_set_new(o, first[i], json_string(first[i + 1]));
	}
	return o;
}

static json_t *common_annotations(const struct notification *n)
{
	json_t *o = json_object();
	bool sum = n->nalerts > 0, desc = n->nalerts > 0;

	for (size_t a = 1; a < n->nalerts; a++) {
		sum &= !strcmp(n->alerts[a].summary, n->alerts[0].summary);
		desc &= !strcmp(n->alerts[a].description, n->alerts[0].description);
	}
	if (o && sum && n->alerts[0].summary[0])
		json_object_set_new(o, "summary", json_string(n->alerts[0].summary));
	if (o && desc && n->alerts[0].description[0])
		json_object_set_new(o, "description", json_string(n->alerts[0].description));
	return o;
}

char *webhook_payload(const struct notification *n, const char *receiver, const char *external_url)
{
	json_t *root = json_object(), *alerts = json_array();
	char key[1024], ts[40];
	char *out = NULL;

	if (!root || !alerts) {
		json_decref(root);
		json_decref(alerts);
		return NULL;
	}
	/* Alertmanager's groupKey: the route's matchers ({} for the root), then the group */
	snprintf(key, sizeof(key), "{}:%s", n->group_key);
	json_object_set_new(root, "version", json_string("4"));
	json_object_set_new(root, "groupKey", json_string(key));
	json_object_set_new(root, "truncatedAlerts", json_integer(0));
	json_object_set_new(root, "status", json_string(n->status));
	json_object_set_new(root, "receiver", json_string(receiver));
	json_object_set_new(root, "groupLabels", pairs_json(n->group_labels));
	json_object_set_new(root, "commonLabels", common_labels(n));
	json_object_set_new(root, "commonAnnotations", common_annotations(n));
	json_object_set_new(root, "externalURL", json_string(external_url));
	for (size_t i = 0; i < n->nalerts; i++) {
		const struct alert *a = &n->alerts[i];
		json_t *o = json_object(), *ann = json_object();

		if (!o || !ann) {
			json_decref(o);
			json_decref(ann);
			goto out;
		}
		if (a->summary[0])
			json_object_set_new(ann, "summary", json_string(a->summary));
		if (a->description[0])
			json_object_set_new(ann, "description", json_string(a->description));
		json_object_set_new(o, "status", json_string(a->status));
		json_object_set_new(o, "labels", pairs_json(a->labels));
		json_object_set_new(o, "annotations", ann);
		alert_time_rfc3339(a->starts_at, ts, sizeof(ts));
		json_object_set_new(o, "startsAt", json_string(ts));
		alert_time_rfc3339(a->ends_at, ts, sizeof(ts));
		json_object_set_new(o, "endsAt", json_string(ts));
		json_object_set_new(o, "generatorURL", json_string(external_url));
		json_object_set_new(o, "fingerprint", json_string(a->fingerprint));
		json_array_append_new(alerts, o);
	}
	json_object_set_new(root, "alerts", alerts);
	alerts = NULL;
	out = json_dumps(root, JSON_PRESERVE_ORDER | JSON_COMPACT);
out:
	json_decref(alerts);
	json_decref(root);
	return out;
}

static size_t webhook_discard(char *ptr, size_t size, size_t nmemb, void *ud)
{
	(void)ptr;
	(void)ud;
	return size * nmemb;
}

/* POST body; 0 on a 2xx answer, else -EIO with the reason in why. */
static int webhook_post(struct webhook *w, const char *body, char *why, size_t whylen)
{
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	CURL *h = curl_easy_init();
	char errbuf[CURL_ERROR_SIZE] = "";
	long code = 0;
	CURLcode rc;

	if (!h || !hdr) {
		snprintf(why, whylen, "libcurl cannot be used (libcurl4 installed?)");
		curl_slist_free_all(hdr);
		if (h)
			curl_easy_cleanup(h);
		return -EIO;
	}
	curl_easy_setopt(h, CURLOPT_URL, w->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)WEBHOOK_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "vigil/" VIGIL_VERSION);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, webhook_discard);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	if (rc != CURLE_OK) {
		snprintf(why, whylen, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
		return -EIO;
	}
	if (code < 200 || code > 299) {
		snprintf(why, whylen, "HTTP %ld", code);
		return -EIO;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One attempt at item it; true when it is done (delivered, or out of tries). */
static bool webhook_try(struct webhook *w, struct webhook_item *it, double now)
{
	char why[CURL_ERROR_SIZE + 32];

	if (!webhook_post(w, it->body, why, sizeof(why))) {
		__atomic_add_fetch(&w->self->sent, 1, __ATOMIC_RELAXED);
		if (w->warned)
			pr_info("webhook: %s: delivered again", w->url);
		w->warned = false;
		return true;
	}
	__atomic_add_fetch(&w->self->failed, 1, __ATOMIC_RELAXED);
	it->tries++;
	if (!w->warned)
		pr_warn("webhook: %s: %s; will retry", w->url, why);
	w->warned = true;
	if (it->tries >= WEBHOOK_RETRIES) {
		pr_warn("webhook: %s: a notification dropped after %d attempts", w->url, it->tries);
		return true;
	}
	it->next = now + (double)(1 << it->tries);
	return false;
}

static int webhook_send(void *ctx, const struct notification *n)
{
	struct webhook *w = ctx;
	struct webhook_item it = { 0 };

	it.body = webhook_payload(n, w->receiver, w->external_url);
	if (!it.body) {
		__atomic_add_fetch(&w->self->failed, 1, __ATOMIC_RELAXED);
		pr_warn("webhook: cannot build the payload (libjansson4 installed?)");
		return -ENOMEM;
	}
	if (webhook_try(w, &it, now_s())) {
		free(it.body);
		return 0;
	}
	if (w->nq == WEBHOOK_QUEUE) {
		pr_warn("webhook: %s: retry queue full: a notification dropped", w->url);
		free(it.body);
		return -ENOSPC;
	}
	w->q[w->nq++] = it;
	return 0;
}

static void webhook_tick(void *ctx, double now)
{
	struct webhook *w = ctx;

	for (int i = 0; i < w->nq;) {
		if (now >= w->q[i].next && webhook_try(w, &w->q[i], now)) {
			free(w->q[i].body);
			memmove(&w->q[i], &w->q[i + 1], (size_t)(w->nq - i - 1) * sizeof(w->q[0]));
			w->nq--;
			continue;
		}
		i++;
	}
}

static void webhook_free(void *ctx)
{
	struct webhook *w = ctx;

	if (!w)
		return;
	for (int i = 0; i < w->nq; i++)
		free(w->q[i].body);
	free(w->url);
	free(w->receiver);
	free(w->external_url);
	free(w);
}

static const struct notifier_ops webhook_ops = {
	.kind = "webhook",
	.send = webhook_send,
	.tick = webhook_tick,
	.free = webhook_free,
};

struct notifier *webhook__new(const char *url, const char *receiver, const char *external_url,
			      char *why, size_t whylen)
{
	struct notifier *n;
	struct webhook *w;

	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
		snprintf(why, whylen, "want an http:// or https:// URL");
		errno = EINVAL;
		return NULL;
	}
	n = calloc(1, sizeof(*n));
	w = calloc(1, sizeof(*w));
	if (!n || !w)
		goto err;
	w->url = strdup(url);
	w->receiver = strdup(receiver ? receiver : "vigil");
	w->external_url = strdup(external_url ? external_url : "");
	if (!w->url || !w->receiver || !w->external_url)
		goto err;
	w->self = n;
	n->ops = &webhook_ops;
	n->ctx = w;
	return n;
err:
	webhook_free(w);
	free(n);
	snprintf(why, whylen, "%s", strerror(ENOMEM));
	errno = ENOMEM;
	return NULL;
}
