// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_tcp.c: one TCP probe through libcurl's CONNECT_ONLY mode: libcurl resolves, connects
 * and (with --tls) does the handshake and checks the certificate, then the probe sends its
 * string and reads, polling the socket libcurl hands over, until the answer matches
 * --expect, the peer closes, PROBE_TCP_READ_MAX bytes came, or the run's time is up.
 */
#include "probe/probe_tcp.h"

#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/wallclock.h"
#include "probe/probe_http.h"

int probe_tcp__target_url(const char *target, bool tls, char *url, size_t len, char *err,
			  size_t errlen)
{
	const char *colon = strrchr(target, ':');
	char host[256];
	size_t hlen;
	char *end;
	long port;

	if (!colon || colon == target) {
		snprintf(err, errlen, "target '%s' is not HOST:PORT", target);
		return -EINVAL;
	}
	hlen = (size_t)(colon - target);
	if (hlen >= sizeof(host) || strpbrk(target, "/?#@ \t\r\n")) {
		snprintf(err, errlen, "target '%s' is not HOST:PORT", target);
		return -EINVAL;
	}
	memcpy(host, target, hlen);
	host[hlen] = '\0';
	if (host[0] != '[' && strchr(host, ':')) {
		snprintf(err, errlen, "target '%s': write an IPv6 address in brackets, [::1]:443",
			 target);
		return -EINVAL;
	}
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || errno || port < 1 || port > 65535) {
		snprintf(err, errlen, "target '%s': the port must be a number from 1 to 65535",
			 target);
		return -EINVAL;
	}
	snprintf(url, len, "%s://%s:%ld/", tls ? "https" : "http", host, port);
	return probe_http__check_url(url, err, errlen) ? -EINVAL : 0;
}

static bool banner_matches(const struct probe_tcp_opts *o, const struct probe_tcp_result *r)
{
	regmatch_t m = { .rm_so = 0, .rm_eo = (regoff_t)r->banner_len };

	return !regexec(&o->expect, r->banner, 1, &m, REG_STARTEND);
}

/* Wait for the socket to be ready for events until deadline; 0, or -ETIMEDOUT. */
static int wait_sock(CURL *h, short events, uint64_t deadline)
{
	curl_socket_t fd = CURL_SOCKET_BAD;
	uint64_t now = mono_now_ns();
	struct pollfd p;

	if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &fd) || fd == CURL_SOCKET_BAD)
		return -EBADF;
	if (now >= deadline)
		return -ETIMEDOUT;
	p.fd = fd;
	p.events = events;
	p.revents = 0;
	if (poll(&p, 1, (int)((deadline - now) / 1000000) + 1) <= 0)
		return mono_now_ns() >= deadline ? -ETIMEDOUT : 0;
	return 0;
}

static void fail(struct probe_tcp_result *r, enum probe_fail f, const char *fmt, const char *why)
{
	r->fail = f;
	snprintf(r->error, sizeof(r->error), fmt, why);
}

static void do_send(CURL *h, const struct probe_tcp_opts *o, struct probe_tcp_result *r,
		    uint64_t deadline)
{
	size_t off = 0;

	while (off < o->send_len) {
		size_t n = 0;
		CURLcode rc = curl_easy_send(h, o->send + off, o->send_len - off, &n);

		if (rc == CURLE_AGAIN) {
			if (wait_sock(h, POLLOUT, deadline) == -ETIMEDOUT) {
				fail(r, PROBE_FAIL_TIMEOUT, "timeout while sending%s", "");
				return;
			}
			continue;
		}
		if (rc) {
			fail(r, PROBE_FAIL_HTTP, "send failed: %s", curl_easy_strerror(rc));
			return;
		}
		off += n;
		r->sent_bytes = (int64_t)off;
	}
}

static void do_expect(CURL *h, const struct probe_tcp_opts *o, struct probe_tcp_result *r,
		      uint64_t deadline)
{
	while (r->banner_len < PROBE_TCP_READ_MAX) {
		size_t n = 0;
		CURLcode rc = curl_easy_recv(h, r->banner + r->banner_len,
					     PROBE_TCP_READ_MAX - r->banner_len, &n);

		if (rc == CURLE_AGAIN) {
			if (wait_sock(h, POLLIN, deadline) == -ETIMEDOUT)
				break;
			continue;
		}
		if (rc) {
			fail(r, PROBE_FAIL_HTTP, "receive failed: %s", curl_easy_strerror(rc));
			return;
		}
		r->banner_len += n;
		r->banner[r->banner_len] = '\0';
		r->received_bytes = (int64_t)r->banner_len;
		if (banner_matches(o, r)) {
			r->expect_ns = (int64_t)(mono_now_ns() - r->start_mono_ns);
			return;
		}
		if (!n)
			break; /* the peer closed */
	}
	if (mono_now_ns() >= deadline)
		snprintf(r->error, sizeof(r->error),
			 "timeout after %llu ms: %zu bytes received, none matched --expect",
			 (unsigned long long)(o->timeout_ns / 1000000), r->banner_len);
	else
		snprintf(r->error, sizeof(r->error),
			 "the answer (%zu bytes) does not match --expect", r->banner_len);
	r->fail = mono_now_ns() >= deadline ? PROBE_FAIL_TIMEOUT : PROBE_FAIL_EXPECT;
}

static int set_connect(CURL *h, const struct probe_tcp_opts *o, const char *url, char *errbuf,
		       struct probe_curl_addrs *ca)
{
	long ms = (long)(o->timeout_ns / 1000000);
	CURLcode rc = CURLE_OK;

	if (probe_curl__socket_defaults(h) || probe_curl_addrs__apply(ca, h))
		return -EINVAL;

	rc |= curl_easy_setopt(h, CURLOPT_URL, url);
	rc |= curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
	rc |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	rc |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	rc |= curl_easy_setopt(h, CURLOPT_PROXY, "");
	rc |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	rc |= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ms > 0 ? ms : 1L);
	rc |= curl_easy_setopt(h, CURLOPT_CERTINFO, 1L);
	if (o->insecure) {
		rc |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		rc |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return rc ? -EINVAL : 0;
}

int probe_tcp__run(const struct probe_tcp_opts *o, const char *target, struct probe_tcp_result *r)
{
	struct probe_curl_addrs ca = { .pa = o->addrs };
	char url[320], errbuf[CURL_ERROR_SIZE] = "";
	uint64_t deadline;
	CURLcode rc;
	CURL *h;
	int err;

	memset(r, 0, sizeof(*r));
	probe_conn__init(&r->conn);
	r->expect_ns = -1;
	r->start_mono_ns = mono_now_ns();
	deadline = r->start_mono_ns + o->timeout_ns;
	if (probe_tcp__target_url(target, o->tls, url, sizeof(url), r->error, sizeof(r->error))) {
		r->fail = PROBE_FAIL_URL;
		return 0;
	}
	err = probe_curl__init();
	if (err)
		return err;
	h = curl_easy_init();
	if (!h)
		return -ENOMEM;
	if (set_connect(h, o, url, errbuf, &ca)) {
		fail(r, PROBE_FAIL_OTHER, "libcurl refused an option%s", "");
		goto out_cleanup;
	}
	rc = curl_easy_perform(h);
	probe_conn__read(&r->conn, h);
	if (rc) {
		r->fail = probe_curl_classify(h, (int)rc);
		probe_curl_describe(r->error, sizeof(r->error), r->fail,
				    errbuf[0] ? errbuf : curl_easy_strerror(rc), o->timeout_ns,
				    o->insecure);
		if (probe_curl_addrs__explain(&ca, r->error, sizeof(r->error)))
			r->fail = PROBE_FAIL_CONNECT;
		goto out_cleanup;
	}
	if (o->send_len)
		do_send(h, o, r, deadline);
	if (!r->fail && o->has_expect)
		do_expect(h, o, r, deadline);
out_cleanup:
	r->duration_ns = mono_now_ns() - r->start_mono_ns;
	curl_easy_cleanup(h);
	return 0;
}

void probe_tcp_result__free(struct probe_tcp_result *r)
{
	if (r)
		probe_conn__free(&r->conn);
}
