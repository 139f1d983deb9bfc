/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * probe_http.h: one HTTP(S) probe through libcurl, as pycurl or `curl -w` time it: the
 * phases (DNS, connect, TLS, request sent, first byte, total), the response (status,
 * redirects, headers, size, speed, HTTP version), the certificate chain's subject, issuer and
 * earliest expiry, and the checks (--expect-status, --expect-body). Used by `vigil probe
 * http` and by serve's /probe endpoint.
 */
#ifndef VIGIL_PROBE_HTTP_H
#define VIGIL_PROBE_HTTP_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>

#include "probe/probe.h"
#include "probe/probe_addrs.h"
#include "probe/probe_curl.h"
#include "probe/probe_expect.h"

struct curl_slist;

struct probe_http_opts {
	const char *method; /* NULL: GET, or POST with data */
	const char *data;   /* request body, or NULL */
	struct curl_slist *headers;
	bool follow, insecure, want_headers;
	uint64_t timeout_ns;
	struct probe_status_set expect_status; /* empty: 200..399 */
	bool has_body_re;
	regex_t body_re;
	int ip_version;			 /* 0 any, 4 or 6 */
	const struct probe_addrs *addrs; /* --laddr, --raddr; NULL: none */
};

struct probe_http_result {
	enum probe_fail fail;
	char error[256]; /* what failed, for people; "" on success */
	uint64_t start_mono_ns, duration_ns;
	long status, redirects, http_version_num; /* 10, 11, 20, 30; 0 unknown */
	struct probe_conn conn; /* DNS, connect and TLS phases, addresses, certificate */
	/* cumulative from the start, as curl -w's time_*; -1: phase not reached */
	int64_t pretransfer_ns, first_byte_ns, total_ns, redirect_ns;
	int64_t size, content_length; /* bytes of body; content_length -1 when not given */
	double speed;		      /* download bytes/s */
	char *effective_url;
	char *headers; /* the last response's header lines, "Name: value\n"... (--headers) */
};

/*
 * Probe url once. Validates it first (PROBE_FAIL_URL: not http:// or https://, or not a URL).
 * Returns 0 with r filled (r->fail says whether the probe succeeded), or -ENOMEM/-ENOSYS
 * (libcurl could not be loaded: already said).
 */
int probe_http__run(const struct probe_http_opts *o, const char *url, struct probe_http_result *r);

/* 0, or -EINVAL with why in err[len]: the URL check of probe_http__run(), without traffic. */
int probe_http__check_url(const char *url, char *err, size_t len);

void probe_http_result__free(struct probe_http_result *r);

/* "1.1", "2", "3", "1.0" or NULL. */
const char *probe_http_version_name(long num);

#endif /* VIGIL_PROBE_HTTP_H */
