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

#include "export/rows.h"
#include "probe/probe.h"
#include "probe/probe_kview.h"

#define PROBE_IP_LEN 46

/* What one connection was: cumulative phases from the start (-1: not reached), addresses. */
struct probe_conn {
	int64_t dns_ns, connect_ns, tls_ns;
	char remote_ip[PROBE_IP_LEN], local_ip[PROBE_IP_LEN];
	long remote_port, local_port;
	int ip_protocol;		  /* 4 or 6; 0 before connecting */
	char *cert_subject, *cert_issuer; /* the server's certificate */
	int64_t cert_expiry;		/* earliest notAfter of the chain, unix seconds; 0: none */
	struct probe_kview_conn kernel; /* the kernel's view (found: false without one) */
};

/* The kernel view's record keys, in the order probe_conn_kernel_rowv() fills them. */
#define PROBE_KERNEL_KEYS                                                                          \
	"kernel_connect_latency_ns", "kernel_srtt_us", "kernel_srtt_min_us", "kernel_srtt_max_us", \
		"kernel_retransmits", "kernel_bytes_sent", "kernel_bytes_received"
#define PROBE_KERNEL_NKEYS 7
#define PROBE_KERNEL_ROWV_SLOTS                                                                    \
	ROWV_NONE, ROWV_NONE, ROWV_NONE, ROWV_NONE, ROWV_NONE, ROWV_NONE, ROWV_NONE

/* The kernel view's values (nulls when it was not found) into v[0..PROBE_KERNEL_NKEYS). */
void probe_conn_kernel_rowv(const struct probe_conn *c, struct rowv *v);

/* The table's indented "  kernel: ..." line, when the kernel view was found. */
void probe_conn_kernel_line(const struct probe_conn *c, struct sink *s);

/*
 * The kernel view for a probe command: started unless --no-kernel (NULL then, or when BPF
 * cannot be used, which is said once on stderr naming the command).
 */
struct probe_kview *probe_kview_for(const char *cmd, bool no_kernel);

/* Fill c->kernel from k for the connection c describes (established ones only). */
void probe_conn_kernel_lookup(struct probe_conn *c, struct probe_kview *k, const char *cmd);

/* libcurl's global set-up, once (thread-safe); 0 or -ENOSYS when libcurl cannot be used. */
int probe_curl__init(void);

void probe_conn__init(struct probe_conn *c);
/* Fill c from the finished handle h (a CURL *). */
void probe_conn__read(struct probe_conn *c, void *h);
void probe_conn__free(struct probe_conn *c);

/*
 * The socket options the curl tool sets on every connection (TCP keepalive, 60 s), so that
 * libcurl's phase times cover the same work as curl -w's. 0 or -EINVAL.
 */
int probe_curl__socket_defaults(void *h);

/* The class of a failed transfer (rc a CURLcode) on handle h. */
enum probe_fail probe_curl_classify(void *h, int rc);

/* The message for a failure of class f; why is libcurl's own words. */
void probe_curl_describe(char *buf, size_t len, enum probe_fail f, const char *why,
			 uint64_t timeout_ns, bool insecure);

#endif /* VIGIL_PROBE_CURL_H */
