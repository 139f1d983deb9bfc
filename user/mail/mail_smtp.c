// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mail_smtp.c: one SMTP delivery attempt through libcurl (mail_smtp.h): the envelope from the
 * message's From and To, the MIME tree and headers from mail_msg__mime(), TLS and AUTH from the
 * options. libcurl's answer is sorted into sent, retry later, or a configuration problem
 * (login refused, no STARTTLS, a certificate that does not verify), with the server's reply
 * code in the reason.
 */
#define CURL_DISABLE_TYPECHECK
#include <stdio.h>
#include <string.h>
#include <curl/curl.h>

#include "mail/mail_smtp.h"

static bool is_auth_tls(CURLcode rc)
{
	switch (rc) {
	case CURLE_LOGIN_DENIED:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_AUTH_ERROR:
		return true;
	default:
		return false;
	}
}

static struct curl_slist *recipients(const char *to)
{
	struct curl_slist *l = NULL, *n;
	char addr[300];

	for (const char *s = to; *s;) {
		size_t len = strcspn(s, ",");

		snprintf(addr, sizeof(addr), "<%.*s>", (int)(len < 256 ? len : 256), s);
		n = curl_slist_append(l, addr);
		if (!n) {
			curl_slist_free_all(l);
			return NULL;
		}
		l = n;
		s += len + (s[len] == ',');
	}
	return l;
}

static long starttls_mode(const struct mail_opts *o)
{
	if (!strncmp(o->smtp, "smtps://", 8))
		return CURLUSESSL_ALL;
	switch (o->starttls) {
	case MAIL_STARTTLS_TRY:
		return CURLUSESSL_TRY;
	case MAIL_STARTTLS_NEVER:
		return CURLUSESSL_NONE;
	default:
		return CURLUSESSL_ALL;
	}
}

enum mail_smtp_result mail_smtp__send(const struct mail_opts *o, const struct mail_msg *m,
				      char *why, size_t len, long *cause)
{
	char err[CURL_ERROR_SIZE] = "", from[300];
	struct curl_slist *rcpt = recipients(m->to), *headers = NULL;
	curl_mime *mime = NULL;
	CURL *curl = curl_easy_init();
	CURLcode rc = CURLE_OUT_OF_MEMORY;
	long code = 0;

	snprintf(why, len, "%s: out of memory", o->smtp);
	if (!curl || !rcpt || mail_msg__mime(m, curl, &mime, &headers))
		goto out;
	snprintf(from, sizeof(from), "<%s>", m->from);
	curl_easy_setopt(curl, CURLOPT_URL, o->smtp);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)(o->timeout_ns / 1000000));
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)(o->timeout_ns / 1000000));
	curl_easy_setopt(curl, CURLOPT_USE_SSL, starttls_mode(o));
	if (o->cacert)
		curl_easy_setopt(curl, CURLOPT_CAINFO, o->cacert);
	if (o->user) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, o->user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, o->password);
	}
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK)
		why[0] = '\0';
	else if (code >= 400)
		snprintf(why, len, "%s: %s (server replied %ld)", o->smtp,
			 err[0] ? err : curl_easy_strerror(rc), code);
	else
		snprintf(why, len, "%s: %s", o->smtp, err[0] ? err : curl_easy_strerror(rc));
out:
	*cause = (long)rc * 1000 + code;
	curl_easy_cleanup(curl);
	curl_mime_free(mime);
	curl_slist_free_all(headers);
	curl_slist_free_all(rcpt);
	if (rc == CURLE_OK)
		return MAIL_SMTP_SENT;
	if (is_auth_tls(rc) || code == 535 || code == 530 || code == 534)
		return MAIL_SMTP_AUTH_TLS;
	return MAIL_SMTP_RETRY;
}
