// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_curl.c: the libcurl parts the HTTP and TCP probes share: the global set-up (once, for
 * every thread), the connection's facts from a finished handle (phase times in ns, addresses,
 * the certificate chain from CURLOPT_CERTINFO: the leaf's subject and issuer and the earliest
 * expiry), and a failed transfer's class (resolve, refused, timeout, tls...) and message.
 */
#include "probe/probe_curl.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const fail_names[] = {
	[PROBE_OK] = "",
	[PROBE_FAIL_URL] = "url",
	[PROBE_FAIL_RESOLVE] = "resolve",
	[PROBE_FAIL_REFUSED] = "refused",
	[PROBE_FAIL_CONNECT] = "connect",
	[PROBE_FAIL_TIMEOUT] = "timeout",
	[PROBE_FAIL_TLS] = "tls",
	[PROBE_FAIL_HTTP] = "http",
	[PROBE_FAIL_STATUS] = "status",
	[PROBE_FAIL_BODY] = "body",
	[PROBE_FAIL_EXPECT] = "expect",
	[PROBE_FAIL_DNS] = "rcode",
	[PROBE_FAIL_OTHER] = "other",
};

const char *probe_fail_name(enum probe_fail f)
{
	return (unsigned int)f < sizeof(fail_names) / sizeof(fail_names[0]) && fail_names[f]
		       ? fail_names[f]
		       : "?";
}

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int probe_curl__init(void)
{
	pthread_once(&global_once, global_init);
	return global_rc ? -ENOSYS : 0;
}

void probe_conn__init(struct probe_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->dns_ns = c->connect_ns = c->tls_ns = -1;
}

static int64_t info_ns(CURL *h, CURLINFO what)
{
	curl_off_t v = 0;

	if (curl_easy_getinfo(h, what, &v))
		return -1;
	return (int64_t)v * 1000;
}

/* "Expire date:Mar 10 12:00:00 2027 GMT" (OpenSSL's) or "2027-03-10 12:00:00 GMT". */
static int64_t cert_time(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!strptime(s, "%b %d %H:%M:%S %Y GMT", &tm)) {
		memset(&tm, 0, sizeof(tm));
		if (!strptime(s, "%Y-%m-%d %H:%M:%S", &tm))
			return 0;
	}
	return (int64_t)timegm(&tm);
}

static void read_certs(CURL *h, struct probe_conn *c)
{
	struct curl_certinfo *ci = NULL;

	if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &ci) || !ci)
		return;
	for (int i = 0; i < ci->num_of_certs; i++) {
		for (struct curl_slist *s = ci->certinfo[i]; s; s = s->next) {
			const char *d = s->data;

			if (i == 0 && !strncmp(d, "Subject:", 8) && !c->cert_subject)
				c->cert_subject = strdup(d + 8);
			else if (i == 0 && !strncmp(d, "Issuer:", 7) && !c->cert_issuer)
				c->cert_issuer = strdup(d + 7);
			else if (!strncmp(d, "Expire date:", 12)) {
				int64_t t = cert_time(d + 12);

				if (t && (!c->cert_expiry || t < c->cert_expiry))
					c->cert_expiry = t;
			}
		}
	}
}

void probe_conn__read(struct probe_conn *c, void *handle)
{
	CURL *h = handle;
	char *s = NULL;

	c->dns_ns = info_ns(h, CURLINFO_NAMELOOKUP_TIME_T);
	c->connect_ns = info_ns(h, CURLINFO_CONNECT_TIME_T);
	c->tls_ns = info_ns(h, CURLINFO_APPCONNECT_TIME_T);
	/* libcurl says 0 for a phase it did not reach (and for TLS without TLS) */
	if (c->connect_ns <= 0 && c->dns_ns <= 0)
		c->dns_ns = -1;
	if (c->connect_ns <= 0)
		c->connect_ns = -1;
	if (c->tls_ns <= 0)
		c->tls_ns = -1;
	if (!curl_easy_getinfo(h, CURLINFO_PRIMARY_IP, &s) && s) {
		snprintf(c->remote_ip, sizeof(c->remote_ip), "%s", s);
		c->ip_protocol = strchr(s, ':') ? 6 : s[0] ? 4 : 0;
	}
	if (!curl_easy_getinfo(h, CURLINFO_LOCAL_IP, &s) && s)
		snprintf(c->local_ip, sizeof(c->local_ip), "%s", s);
	curl_easy_getinfo(h, CURLINFO_PRIMARY_PORT, &c->remote_port);
	curl_easy_getinfo(h, CURLINFO_LOCAL_PORT, &c->local_port);
	read_certs(h, c);
}

void probe_conn__free(struct probe_conn *c)
{
	if (!c)
		return;
	free(c->cert_subject);
	free(c->cert_issuer);
	c->cert_subject = c->cert_issuer = NULL;
}

int probe_curl__socket_defaults(void *h)
{
	CURLcode rc = CURLE_OK;

	/*
	 * The curl tool turns TCP keepalive on for every connection (60 s idle and interval,
	 * unless --no-keepalive): three setsockopt()s between socket() and connect() that its
	 * time_connect (and every later phase) includes. Doing the same makes the phases measure
	 * the same work as curl -w's.
	 */
	rc |= curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	rc |= curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, 60L);
	rc |= curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, 60L);
	return rc ? -EINVAL : 0;
}

enum probe_fail probe_curl_classify(void *h, int rc)
{
	long os_errno = 0;

	switch ((CURLcode)rc) {
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return PROBE_FAIL_URL;
	case CURLE_COULDNT_RESOLVE_HOST:
		return PROBE_FAIL_RESOLVE;
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
		return os_errno == ECONNREFUSED ? PROBE_FAIL_REFUSED : PROBE_FAIL_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return PROBE_FAIL_TIMEOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return PROBE_FAIL_TLS;
	default:
		return PROBE_FAIL_HTTP;
	}
}

void probe_curl_describe(char *buf, size_t len, enum probe_fail f, const char *why,
			 uint64_t timeout_ns, bool insecure)
{
	switch (f) {
	case PROBE_FAIL_RESOLVE:
		snprintf(buf, len, "unresolvable name: %s", why);
		break;
	case PROBE_FAIL_REFUSED:
		snprintf(buf, len, "connection refused: %s", why);
		break;
	case PROBE_FAIL_CONNECT:
		snprintf(buf, len, "cannot connect: %s", why);
		break;
	case PROBE_FAIL_TIMEOUT:
		snprintf(buf, len, "timeout after %llu ms: %s",
			 (unsigned long long)(timeout_ns / 1000000), why);
		break;
	case PROBE_FAIL_TLS:
		snprintf(buf, len, "TLS failure: %s%s", why,
			 insecure ? "" : " (--insecure accepts an unverified certificate)");
		break;
	default:
		snprintf(buf, len, "%s", why);
		break;
	}
}

void probe_conn_kernel_rowv(const struct probe_conn *c, struct rowv *v)
{
	const struct probe_kview_conn *k = &c->kernel;
	const int64_t vals[PROBE_KERNEL_NKEYS] = { k->connect_latency_ns, k->srtt_us,
						   k->srtt_min_us,	  k->srtt_max_us,
						   k->retransmits,	  k->bytes_sent,
						   k->bytes_received };

	for (int i = 0; i < PROBE_KERNEL_NKEYS; i++)
		v[i] = k->found && vals[i] >= 0 ? ROWV_I(vals[i]) : ROWV_NONE;
}

void probe_conn_kernel_line(const struct probe_conn *c, struct sink *s)
{
	const struct probe_kview_conn *k = &c->kernel;

	if (!k->found)
		return;
	sink__printf(s,
		     "  kernel: connect %.3f ms, srtt %.3f ms (min %.3f, max %.3f), "
		     "retransmits %lld, bytes sent %lld, received %lld\n",
		     (double)k->connect_latency_ns / 1e6, (double)k->srtt_us / 1e3,
		     (double)k->srtt_min_us / 1e3, (double)k->srtt_max_us / 1e3,
		     (long long)k->retransmits, (long long)k->bytes_sent,
		     (long long)k->bytes_received);
}

static void *curl_init_thread(void *arg)
{
	(void)arg;
	probe_curl__init();
	return NULL;
}

/*
 * Loading libcurl (and the TLS library under it) and starting the tracer are independent,
 * and each takes milliseconds: libcurl is loaded on a thread meanwhile, so the first probe
 * finds it ready. Its errors are the first probe's, as without the kernel view.
 */
struct probe_kview *probe_kview_for(const char *cmd, bool no_kernel)
{
	struct probe_kview *k;
	char why[300];
	pthread_t t;
	bool loading;

	if (no_kernel)
		return NULL;
	loading = !pthread_create(&t, NULL, curl_init_thread, NULL);
	k = probe_kview__start(why, sizeof(why));
	if (loading)
		pthread_join(t, NULL);
	if (!k)
		fprintf(stderr, "vigil %s: no kernel view (the kernel_* fields are null): %s\n",
			cmd, why);
	return k;
}

void probe_conn_kernel_lookup(struct probe_conn *c, struct probe_kview *k, const char *cmd)
{
	static bool said, said_missed;
	uint64_t missed;

	if (!k || c->connect_ns < 0)
		return;
	probe_kview__lookup(k, c->local_ip, c->local_port, c->remote_ip, c->remote_port,
			    1000000000ULL, &c->kernel);
	if ((!c->kernel.found || c->kernel.connect_latency_ns < 0) && !said_missed &&
	    (missed = probe_kview__missed(k))) {
		fprintf(stderr,
			"vigil %s: the kernel view left out %llu connections (no socket storage, "
			"or its ring buffer was full); the kernel_* fields it could not fill are "
			"null\n",
			cmd, (unsigned long long)missed);
		said_missed = true;
	}
	if (!c->kernel.found && !said) {
		fprintf(stderr,
			"vigil %s: the kernel's summary of %s:%ld -> %s:%ld did not come within "
			"1 s (the socket is not closed yet); its kernel_* fields are null\n",
			cmd, c->local_ip, c->local_port, c->remote_ip, c->remote_port);
		said = true;
	}
}
