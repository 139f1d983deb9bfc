/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * probe_tcp.h: one TCP probe: connect to HOST:PORT (optionally with a TLS handshake), send an
 * optional string, and read until the answer matches an optional regular expression. libcurl
 * does the name lookup, the connect and the handshake (CONNECT_ONLY) and carries the bytes, so
 * the phases, addresses and certificate come out as the HTTP probe's do.
 */
#ifndef VIGIL_PROBE_TCP_H
#define VIGIL_PROBE_TCP_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/probe.h"
#include "probe/probe_addrs.h"
#include "probe/probe_curl.h"

#define PROBE_TCP_SEND_MAX 4096
#define PROBE_TCP_READ_MAX 4096

struct probe_tcp_opts {
	bool tls, insecure;
	char send[PROBE_TCP_SEND_MAX]; /* bytes to send after connecting */
	size_t send_len;
	bool has_expect;
	regex_t expect;
	uint64_t timeout_ns;
	const struct probe_addrs *addrs; /* --laddr, --raddr; NULL: none */
};

struct probe_tcp_result {
	enum probe_fail fail;
	char error[256];
	uint64_t start_mono_ns, duration_ns;
	struct probe_conn conn;
	int64_t expect_ns; /* from the start until the answer matched; -1: no match (or none) */
	int64_t sent_bytes, received_bytes;
	char banner[PROBE_TCP_READ_MAX + 1]; /* what was read, NUL-terminated */
	size_t banner_len;
};

/*
 * HOST:PORT ("example.org:25", "10.0.0.1:80", "[::1]:443") as the URL libcurl connects to;
 * 0, or -EINVAL with why in err (no port, a port outside 1..65535, an unbracketed IPv6).
 */
int probe_tcp__target_url(const char *target, bool tls, char *url, size_t len, char *err,
			  size_t errlen);

/* Probe target once; 0 with r filled (r->fail: the outcome), or -ENOMEM/-ENOSYS. */
int probe_tcp__run(const struct probe_tcp_opts *o, const char *target, struct probe_tcp_result *r);

void probe_tcp_result__free(struct probe_tcp_result *r);

#endif /* VIGIL_PROBE_TCP_H */
