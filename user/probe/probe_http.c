// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_http.c: one HTTP(S) probe on a fresh libcurl handle (so each run pays and measures
 * its own DNS lookup, connection and handshake): libcurl's phase times (what pycurl and
 * `curl -w` show), the last response's status line and headers, the body's size (kept, up to
 * a bound, only when --expect-body must look at it), the certificate chain through
 * CURLOPT_CERTINFO, and the classification of a failure into what the user is told.
 * Environment proxies are switched off: a probe talks to its target and nowhere else. A run
 * uses its connection once and says so ("Connection: close", as blackbox_exporter's client
 * does, unless --header sets Connection): the server then closes first, as it would for any
 * client that does not keep connections, and the connection's end is no wait of the probe's.
 */
#include "probe/probe_http.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/wallclock.h"

#define HTTP_HEADERS_MAX (64 * 1024)   /* header bytes kept for --headers */
#define HTTP_BODY_MAX	 (1024 * 1024) /* body bytes kept for --expect-body */
#define HTTP_REDIRS_MAX	 10

struct http_buf {
	char *p;
	size_t len, cap, max;
};

const char *probe_http_version_name(long num)
{
	switch (num) {
	case 10:
		return "1.0";
	case 11:
		return "1.1";
	case 20:
		return "2";
	case 30:
		return "3";
	default:
		return NULL;
	}
}

/* Append n bytes, keeping at most b->max; the rest is dropped (the sizes come from curl). */
static void buf_add(struct http_buf *b, const char *p, size_t n)
{
	if (b->len + n > b->max)
		n = b->max - b->len;
	if (!n)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *q;

		while (cap < b->len + n + 1)
			cap *= 2;
		q = realloc(b->p, cap);
		if (!q)
			return;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct http_buf *b = ud;

	if (b)
		buf_add(b, p, size * n);
	return size * n;
}

/* Keep the last response's header lines (a redirect's or a 100's come before it). */
static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct http_buf *b = ud;
	size_t len = size * n, l = len;

	if (len >= 5 && !memcmp(p, "HTTP/", 5)) {
		b->len = 0;
		if (b->p)
			b->p[0] = '\0';
		return len;
	}
	while (l && (p[l - 1] == '\n' || p[l - 1] == '\r'))
		l--;
	if (l) {
		buf_add(b, p, l);
		buf_add(b, "\n", 1);
	}
	return len;
}

int probe_http__check_url(const char *url, char *err, size_t len)
{
	CURLU *u;
	CURLUcode rc;
	char *scheme = NULL, *host = NULL;
	int ret = -EINVAL;

	if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8)) {
		snprintf(err, len, "malformed URL '%s': it must start with http:// or https://",
			 url);
		return -EINVAL;
	}
	u = curl_url();
	if (!u) {
		snprintf(err, len, "libcurl is not available");
		return -ENOSYS;
	}
	rc = curl_url_set(u, CURLUPART_URL, url, 0);
	if (rc) {
		snprintf(err, len, "malformed URL '%s': %s", url, curl_url_strerror(rc));
		goto out_free_url;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) || !host || !host[0]) {
		snprintf(err, len, "malformed URL '%s': no host", url);
		goto out_free_url;
	}
	ret = 0;
	curl_free(host);
out_free_url:
	curl_free(scheme);
	curl_url_cleanup(u);
	return ret;
}

static int64_t info_ns(CURL *h, CURLINFO what)
{
	curl_off_t v = 0;

	if (curl_easy_getinfo(h, what, &v))
		return -1;
	return (int64_t)v * 1000;
}

static void read_info(CURL *h, struct probe_http_result *r)
{
	char *s = NULL;
	long v = 0;
	curl_off_t off = 0;

	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(h, CURLINFO_REDIRECT_COUNT, &r->redirects);
	if (!curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &v)) {
		r->http_version_num = v == CURL_HTTP_VERSION_1_0   ? 10
				      : v == CURL_HTTP_VERSION_1_1 ? 11
				      : v == CURL_HTTP_VERSION_2_0 ? 20
				      : v == CURL_HTTP_VERSION_3   ? 30
								   : 0;
	}
	probe_conn__read(&r->conn, h);
	r->pretransfer_ns = info_ns(h, CURLINFO_PRETRANSFER_TIME_T);
	r->first_byte_ns = info_ns(h, CURLINFO_STARTTRANSFER_TIME_T);
	r->total_ns = info_ns(h, CURLINFO_TOTAL_TIME_T);
	r->redirect_ns = info_ns(h, CURLINFO_REDIRECT_TIME_T);
	/* libcurl says 0 for a phase it did not reach */
	if (r->pretransfer_ns <= 0)
		r->pretransfer_ns = -1;
	if (r->first_byte_ns <= 0)
		r->first_byte_ns = -1;
	if (r->redirect_ns <= 0 || !r->redirects)
		r->redirect_ns = -1;
	if (!curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &off))
		r->size = (int64_t)off;
	off = -1;
	if (!curl_easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &off))
		r->content_length = (int64_t)off;
	off = 0;
	if (!curl_easy_getinfo(h, CURLINFO_SPEED_DOWNLOAD_T, &off))
		r->speed = (double)off;
	if (!curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &s) && s)
		r->effective_url = strdup(s);
}

static void check_expect(const struct probe_http_opts *o, struct probe_http_result *r,
			 const struct http_buf *body)
{
	if (!probe_status_set__has(&o->expect_status, r->status)) {
		r->fail = PROBE_FAIL_STATUS;
		snprintf(r->error, sizeof(r->error), "status %ld is not an expected one%s",
			 r->status, o->expect_status.n ? "" : " (200-399)");
		return;
	}
	if (o->has_body_re) {
		regmatch_t m = { .rm_so = 0, .rm_eo = (regoff_t)body->len };

		if (regexec(&o->body_re, body->p ? body->p : "", 1, &m, REG_STARTEND)) {
			r->fail = PROBE_FAIL_BODY;
			snprintf(r->error, sizeof(r->error),
				 "the body does not match --expect-body (%zu bytes looked at)",
				 body->len);
		}
	}
}

/* The request's headers: --header's, and "Connection: close" unless one sets Connection. */
static struct curl_slist *request_headers(const struct curl_slist *user)
{
	struct curl_slist *l = NULL, *n;
	bool own = false;

	for (; user; user = user->next) {
		own |= !strncasecmp(user->data, "Connection:", 11);
		n = curl_slist_append(l, user->data);
		if (!n) {
			curl_slist_free_all(l);
			return NULL;
		}
		l = n;
	}
	if (own)
		return l;
	n = curl_slist_append(l, "Connection: close");
	if (!n)
		curl_slist_free_all(l);
	return n;
}

static int set_request(CURL *h, const struct probe_http_opts *o, const char *url, char *errbuf,
		       struct http_buf *hdr, struct http_buf *body, struct probe_curl_addrs *ca,
		       struct curl_slist *headers)
{
	long ms = (long)(o->timeout_ns / 1000000);
	CURLcode rc = CURLE_OK;

	if (probe_curl__socket_defaults(h) ||
	    probe_curl_addrs__apply(ca, h)) /* first: -4/-6 below take over its family */
		return -EINVAL;

	rc |= curl_easy_setopt(h, CURLOPT_URL, url);
	rc |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	rc |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	rc |= curl_easy_setopt(h, CURLOPT_PROXY, "");
	rc |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	rc |= curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	rc |= curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms > 0 ? ms : 1L);
	rc |= curl_easy_setopt(h, CURLOPT_USERAGENT, "vigil/" VIGIL_VERSION);
	rc |= curl_easy_setopt(h, CURLOPT_CERTINFO, 1L);
	rc |= curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	rc |= curl_easy_setopt(h, CURLOPT_HEADERDATA, hdr);
	rc |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	rc |= curl_easy_setopt(h, CURLOPT_WRITEDATA, o->has_body_re ? body : NULL);
	if (o->follow) {
		rc |= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
		rc |= curl_easy_setopt(h, CURLOPT_MAXREDIRS, (long)HTTP_REDIRS_MAX);
	}
	if (o->insecure) {
		rc |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		rc |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (o->ip_version)
		rc |= curl_easy_setopt(h, CURLOPT_IPRESOLVE,
				       o->ip_version == 6 ? CURL_IPRESOLVE_V6 : CURL_IPRESOLVE_V4);
	rc |= curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	if (o->data) {
		rc |= curl_easy_setopt(h, CURLOPT_POSTFIELDS, o->data);
		rc |= curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(o->data));
	}
	if (o->method && !strcmp(o->method, "HEAD"))
		rc |= curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else if (o->method)
		rc |= curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, o->method);
	return rc ? -EINVAL : 0;
}

int probe_http__run(const struct probe_http_opts *o, const char *url, struct probe_http_result *r)
{
	struct http_buf hdr = { .max = HTTP_HEADERS_MAX }, body = { .max = HTTP_BODY_MAX };
	struct probe_curl_addrs ca = { .pa = o->addrs };
	struct curl_slist *headers = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;
	CURL *h;
	int err;

	memset(r, 0, sizeof(*r));
	r->content_length = -1;
	probe_conn__init(&r->conn);
	r->pretransfer_ns = -1;
	r->first_byte_ns = r->total_ns = r->redirect_ns = -1;
	r->start_mono_ns = mono_now_ns();
	err = probe_http__check_url(url, r->error, sizeof(r->error));
	if (err == -EINVAL) {
		r->fail = PROBE_FAIL_URL;
		return 0;
	}
	if (err)
		return err;
	err = probe_curl__init();
	if (err)
		return err;
	h = curl_easy_init();
	if (!h)
		return -ENOMEM;
	headers = request_headers(o->headers);
	err = headers ? set_request(h, o, url, errbuf, &hdr, &body, &ca, headers) : -ENOMEM;
	if (err) {
		snprintf(r->error, sizeof(r->error), "%s",
			 headers ? "libcurl refused an option" : "out of memory");
		r->fail = PROBE_FAIL_OTHER;
		goto out_cleanup;
	}
	rc = curl_easy_perform(h);
	r->duration_ns = mono_now_ns() - r->start_mono_ns;
	read_info(h, r);
	if (rc) {
		r->fail = probe_curl_classify(h, (int)rc);
		probe_curl_describe(r->error, sizeof(r->error), r->fail,
				    errbuf[0] ? errbuf : curl_easy_strerror(rc), o->timeout_ns,
				    o->insecure);
		if (probe_curl_addrs__explain(&ca, r->error, sizeof(r->error)))
			r->fail = PROBE_FAIL_CONNECT;
	} else {
		check_expect(o, r, &body);
	}
	if (o->want_headers) {
		r->headers = hdr.p;
		hdr.p = NULL;
	}
out_cleanup:
	if (!r->duration_ns)
		r->duration_ns = mono_now_ns() - r->start_mono_ns;
	curl_easy_cleanup(h);
	curl_slist_free_all(headers);
	free(hdr.p);
	free(body.p);
	return 0;
}

void probe_http_result__free(struct probe_http_result *r)
{
	if (!r)
		return;
	free(r->effective_url);
	free(r->headers);
	probe_conn__free(&r->conn);
	r->effective_url = r->headers = NULL;
}
