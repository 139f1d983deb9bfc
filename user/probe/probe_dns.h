/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * probe_dns.h: one DNS query through libldns, as dnspython's resolver or dig ask it: a name
 * and a type (A, AAAA, MX, NS, CNAME, PTR, SOA, TXT) to a given server or the system's, over
 * UDP or TCP, with recursion desired; the answer's rcode, its records (owner, TTL, type and
 * data in presentation form, as dig and dnspython print them), the query time and the server
 * that answered. NXDOMAIN, SERVFAIL or REFUSED are results of the probe, not errors.
 */
#ifndef VIGIL_PROBE_DNS_H
#define VIGIL_PROBE_DNS_H

#include <stdbool.h>
#include <stdint.h>

#include "probe/probe.h"
#include "probe/probe_addrs.h"
#include "probe/probe_expect.h"

#define PROBE_DNS_MAX_RR   64
#define PROBE_DNS_NAME_LEN 256

struct probe_dns_opts {
	int type;	    /* LDNS_RR_TYPE_* */
	const char *server; /* an IP address, or NULL: the system's resolver */
	bool tcp;
	uint64_t timeout_ns;
	bool has_expect;
	struct probe_value_set expect;	 /* the answer set --expect wants */
	const struct probe_addrs *addrs; /* --laddr (the source), --raddr (servers); or NULL */
};

struct probe_dns_rr {
	char owner[PROBE_DNS_NAME_LEN];
	uint32_t ttl;
	char type[12];
	char data[PROBE_EXPECT_VAL_LEN]; /* presentation form, cut to fit */
	bool is_asked;			 /* of the type asked (not a CNAME on the way) */
};

struct probe_dns_result {
	enum probe_fail fail;
	char error[256];
	uint64_t start_mono_ns, duration_ns;
	int64_t query_ns;		 /* send to answer; -1 without an answer */
	int rcode;			 /* -1 without an answer */
	char server[PROBE_DNS_NAME_LEN]; /* who answered, or who was asked */
	char qname[PROBE_DNS_NAME_LEN];	 /* what was asked (PTR: the reverse name) */
	int n_rr;			 /* records in the answer section (up to the max) */
	int n_rr_total;
	struct probe_dns_rr rr[PROBE_DNS_MAX_RR];
	bool truncated; /* TC set (UDP): the answer is partial */
};

/* "A", "aaaa"... to LDNS_RR_TYPE_*; -EINVAL for a type the probe does not ask. */
int probe_dns_type_parse(const char *s);
const char *probe_dns_type_name(int type);
/* "NOERROR", "NXDOMAIN"... ("RCODE12" past the known ones). */
const char *probe_dns_rcode_name(int rcode, char *buf, size_t len);

/*
 * The name to ask: name itself, or for PTR with an IPv4 or IPv6 address its reverse name
 * (as dig -x). 0, or -EINVAL (empty, too long, a label over 63 bytes).
 */
int probe_dns_qname(const char *name, int type, char *out, size_t len);

/* Whether s is an IPv4 or IPv6 address (what --server takes). */
bool probe_dns_server_is_valid(const char *s);

/* Ask once; 0 with r filled (r->fail: the outcome), or -ENOMEM/-ENOSYS (libldns missing). */
int probe_dns__run(const struct probe_dns_opts *o, const char *name, struct probe_dns_result *r);

#endif /* VIGIL_PROBE_DNS_H */
