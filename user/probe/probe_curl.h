/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * probe_curl.h: what the probes built on libcurl share (HTTP, and TCP with its optional TLS
 * through CONNECT_ONLY): libcurl's global set-up, the connection's phases, addresses and
 * certificate chain read from a finished handle, and a failed transfer's class and message.
 */
#ifndef VIGIL_PROBE_CURL_H
#define VIGIL_PROBE_CURL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/probe.h"

#define PROBE_IP_LEN 46

/* What one connection was: cumulative phases from the start (-1: not reached), addresses. */
struct probe_conn {
	int64_t dns_ns, connect_ns, tls_ns;
	char remote_ip[PROBE_IP_LEN], local_ip[PROBE_IP_LEN];
	long remote_port, local_port;
	int ip_protocol;		  /* 4 or 6; 0 before connecting */
	char *cert_subject, *cert_issuer; /* the server's certificate */
	int64_t cert_expiry; /* earliest notAfter of the chain, unix seconds; 0: none */
};

/* libcurl's global set-up, once (thread-safe); 0 or -ENOSYS when libcurl cannot be used. */
int probe_curl__init(void);

void probe_conn__init(struct probe_conn *c);
/* Fill c from the finished handle h (a CURL *). */
void probe_conn__read(struct probe_conn *c, void *h);
void probe_conn__free(struct probe_conn *c);

/* The class of a failed transfer (rc a CURLcode) on handle h. */
enum probe_fail probe_curl_classify(void *h, int rc);

/* The message for a failure of class f; why is libcurl's own words. */
void probe_curl_describe(char *buf, size_t len, enum probe_fail f, const char *why,
			 uint64_t timeout_ns, bool insecure);

#endif /* VIGIL_PROBE_CURL_H */
