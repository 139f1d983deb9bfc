// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_dns.c: one DNS query through libldns (loaded on first use, ldns_dl.c): a resolver
 * for the given server or /etc/resolv.conf's, one try of --timeout, UDP (falling back to TCP
 * on a truncated answer, as resolvers do) or TCP; then the answer's rcode and records turned
 * into text by libldns itself (no wire parsing here), and the --expect comparison over the
 * data of the records of the type asked.
 */
#include "probe/probe_dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "core/wallclock.h"

static const struct {
	const char *name;
	int type;
} dns_types[] = {
	{ "A", LDNS_RR_TYPE_A },     { "AAAA", LDNS_RR_TYPE_AAAA },   { "MX", LDNS_RR_TYPE_MX },
	{ "NS", LDNS_RR_TYPE_NS },   { "CNAME", LDNS_RR_TYPE_CNAME }, { "PTR", LDNS_RR_TYPE_PTR },
	{ "SOA", LDNS_RR_TYPE_SOA }, { "TXT", LDNS_RR_TYPE_TXT },
};

int probe_dns_type_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++) {
		if (!strcasecmp(s, dns_types[i].name))
			return dns_types[i].type;
	}
	return -EINVAL;
}

const char *probe_dns_type_name(int type)
{
	for (size_t i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++) {
		if (dns_types[i].type == type)
			return dns_types[i].name;
	}
	return "?";
}

const char *probe_dns_rcode_name(int rcode, char *buf, size_t len)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					     "NOTIMP",	"REFUSED", "YXDOMAIN", "YXRRSET",
					     "NXRRSET", "NOTAUTH", "NOTZONE" };

	if (rcode >= 0 && (size_t)rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	snprintf(buf, len, "RCODE%d", rcode);
	return buf;
}

bool probe_dns_server_is_valid(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

static int reverse_name(const char *ip, char *out, size_t len)
{
	unsigned char a[16];
	size_t o = 0;

	if (inet_pton(AF_INET, ip, a) == 1) {
		snprintf(out, len, "%u.%u.%u.%u.in-addr.arpa.", a[3], a[2], a[1], a[0]);
		return 0;
	}
	if (inet_pton(AF_INET6, ip, a) != 1 || len < 74)
		return -EINVAL;
	for (int i = 15; i >= 0; i--)
		o += (size_t)snprintf(out + o, len - o, "%x.%x.", a[i] & 0xf, a[i] >> 4);
	snprintf(out + o, len - o, "ip6.arpa.");
	return 0;
}

int probe_dns_qname(const char *name, int type, char *out, size_t len)
{
	size_t n = strlen(name), label = 0;

	if (type == LDNS_RR_TYPE_PTR && !reverse_name(name, out, len))
		return 0;
	if (!n || n > 253 || n >= len || (name[0] == '.' && n > 1))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c <= ' ' || c >= 0x7f)
			return -EINVAL;
		if (c == '.') {
			if (!label && n > 1)
				return -EINVAL; /* an empty label: "a..b" */
			label = 0;
		} else if (++label > 63) {
			return -EINVAL;
		}
	}
	memcpy(out, name, n + 1);
	return 0;
}

/* The record's data fields in presentation form, space-separated, as dig prints them. */
static void rr_data(const ldns_rr *rr, char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		char *s = ldns_rdf2str(ldns_rr_rdf(rr, i));

		if (s && o < len)
			o += (size_t)snprintf(out + o, len - o, "%s%s", i ? " " : "", s);
		free(s);
	}
}

static void read_answer(const struct probe_dns_opts *o, ldns_pkt *pkt, struct probe_dns_result *r)
{
	ldns_rr_list *ans = ldns_pkt_answer(pkt);
	ldns_rdf *from = ldns_pkt_answerfrom(pkt);
	char *s;

	r->rcode = (int)ldns_pkt_get_rcode(pkt);
	r->truncated = ldns_pkt_tc(pkt);
	if (from) {
		s = ldns_rdf2str(from);
		if (s)
			snprintf(r->server, sizeof(r->server), "%s", s);
		free(s);
	}
	r->n_rr_total = ans ? (int)ldns_rr_list_rr_count(ans) : 0;
	for (int i = 0; i < r->n_rr_total && r->n_rr < PROBE_DNS_MAX_RR; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ans, (size_t)i);
		struct probe_dns_rr *out = &r->rr[r->n_rr++];

		s = ldns_rdf2str(ldns_rr_owner(rr));
		snprintf(out->owner, sizeof(out->owner), "%s", s ? s : "?");
		free(s);
		out->ttl = ldns_rr_ttl(rr);
		s = ldns_rr_type2str(ldns_rr_get_type(rr));
		snprintf(out->type, sizeof(out->type), "%s", s ? s : "?");
		free(s);
		rr_data(rr, out->data, sizeof(out->data));
		out->is_asked = (int)ldns_rr_get_type(rr) == o->type;
	}
}

static void check_answer(const struct probe_dns_opts *o, struct probe_dns_result *r)
{
	char got[PROBE_DNS_MAX_RR][PROBE_EXPECT_VAL_LEN], rc[16];
	int n = 0;

	if (r->rcode != LDNS_RCODE_NOERROR) {
		r->fail = PROBE_FAIL_DNS;
		snprintf(r->error, sizeof(r->error), "%s from %.200s",
			 probe_dns_rcode_name(r->rcode, rc, sizeof(rc)), r->server);
		return;
	}
	if (!o->has_expect)
		return;
	for (int i = 0; i < r->n_rr; i++) {
		if (!r->rr[i].is_asked)
			continue;
		snprintf(got[n], sizeof(got[n]), "%s", r->rr[i].data);
		probe_value_norm(got[n++]);
	}
	if (!probe_value_set__equals(&o->expect, got, n)) {
		r->fail = PROBE_FAIL_EXPECT;
		snprintf(r->error, sizeof(r->error),
			 "the answer set (%d %s records) differs from --expect (%d values)", n,
			 probe_dns_type_name(o->type), o->expect.n);
	}
}

/* --raddr: every server the resolver may ask is in the set (else nothing is sent). */
static int servers_outside_raddr(const struct probe_dns_opts *o, ldns_resolver *res,
				 struct probe_dns_result *r)
{
	ldns_rdf **ns = ldns_resolver_nameservers(res);

	if (!o->addrs || addrset__is_empty(&o->addrs->sel.raddr))
		return 0;
	for (size_t i = 0; i < ldns_resolver_nameserver_count(res); i++) {
		char *s = ldns_rdf2str(ns[i]);
		bool in = s && probe_addrs__allows(o->addrs, s);

		if (!in) {
			snprintf(r->error, sizeof(r->error),
				 "server %.100s is outside --raddr: not asked", s ? s : "?");
			r->fail = PROBE_FAIL_CONNECT;
		}
		free(s);
		if (!in)
			return -EPERM;
	}
	return 0;
}

/* --laddr: the source address of the queries (the resolver owns the rdf). */
static int source_set(const struct probe_dns_opts *o, ldns_resolver *res,
		      struct probe_dns_result *r)
{
	ldns_rdf *src;

	if (!o->addrs || !o->addrs->src[0])
		return 0;
	src = ldns_rdf_new_frm_str(o->addrs->src_v4 ? LDNS_RDF_TYPE_A : LDNS_RDF_TYPE_AAAA,
				   o->addrs->src);
	if (!src) {
		snprintf(r->error, sizeof(r->error), "--laddr %s: libldns refused it",
			 o->addrs->src);
		return -EINVAL;
	}
	ldns_resolver_set_source(res, src);
	return 0;
}

/* A resolver for o: --server, or the system's; NULL after saying why in r. */
static ldns_resolver *resolver_new(const struct probe_dns_opts *o, struct probe_dns_result *r)
{
	struct timeval tv = { .tv_sec = (time_t)(o->timeout_ns / 1000000000ULL),
			      .tv_usec = (suseconds_t)(o->timeout_ns % 1000000000ULL / 1000) };
	ldns_resolver *res = NULL;
	ldns_status st;

	if (o->server) {
		ldns_rdf *ns = ldns_rdf_new_frm_str(
			strchr(o->server, ':') ? LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A, o->server);

		res = ns ? ldns_resolver_new() : NULL;
		st = res ? ldns_resolver_push_nameserver(res, ns) : LDNS_STATUS_MEM_ERR;
		ldns_rdf_deep_free(ns);
	} else {
		st = ldns_resolver_new_frm_file(&res, NULL);
	}
	if (st != LDNS_STATUS_OK || !res || !ldns_resolver_nameserver_count(res)) {
		snprintf(r->error, sizeof(r->error), "no resolver: %s",
			 st != LDNS_STATUS_OK ? ldns_get_errorstr_by_id(st)
					      : "no nameserver in /etc/resolv.conf");
		ldns_resolver_deep_free(res);
		return NULL;
	}
	if (servers_outside_raddr(o, res, r) || source_set(o, res, r)) {
		ldns_resolver_deep_free(res);
		return NULL;
	}
	ldns_resolver_set_usevc(res, o->tcp);
	ldns_resolver_set_timeout(res, tv);
	ldns_resolver_set_retry(res, 1);
	ldns_resolver_set_random(res, false);
	ldns_resolver_set_recursive(res, true);
	if (!r->server[0]) {
		char *s = ldns_rdf2str(ldns_resolver_nameservers(res)[0]);

		snprintf(r->server, sizeof(r->server), "%s", s ? s : "?");
		free(s);
	}
	return res;
}

int probe_dns__run(const struct probe_dns_opts *o, const char *name, struct probe_dns_result *r)
{
	ldns_resolver *res;
	ldns_pkt *pkt = NULL;
	ldns_rdf *qname;
	ldns_status st;
	uint64_t t0;

	memset(r, 0, sizeof(*r));
	r->query_ns = -1;
	r->rcode = -1;
	r->start_mono_ns = mono_now_ns();
	if (o->server)
		snprintf(r->server, sizeof(r->server), "%s", o->server);
	if (probe_dns_qname(name, o->type, r->qname, sizeof(r->qname))) {
		r->fail = PROBE_FAIL_URL;
		snprintf(r->error, sizeof(r->error), "'%s' is not a domain name", name);
		goto out_done;
	}
	qname = ldns_dname_new_frm_str(r->qname);
	if (!qname)
		return -ENOSYS; /* the name is valid: libldns is missing (already said) */
	res = resolver_new(o, r);
	if (!res) {
		r->fail = r->fail ? r->fail : PROBE_FAIL_OTHER;
		goto out_free_qname;
	}
	t0 = mono_now_ns();
	st = ldns_resolver_send(&pkt, res, qname, (ldns_rr_type)o->type, LDNS_RR_CLASS_IN, LDNS_RD);
	if (st != LDNS_STATUS_OK || !pkt) {
		uint64_t took = mono_now_ns() - t0;

		r->fail = took + o->timeout_ns / 10 >= o->timeout_ns ? PROBE_FAIL_TIMEOUT
								     : PROBE_FAIL_CONNECT;
		if (r->fail == PROBE_FAIL_TIMEOUT)
			snprintf(r->error, sizeof(r->error),
				 "timeout after %llu ms: no answer from %.100s",
				 (unsigned long long)(o->timeout_ns / 1000000), r->server);
		else
			snprintf(r->error, sizeof(r->error), "no answer from %.100s: %.100s",
				 r->server, ldns_get_errorstr_by_id(st));
		goto out_free_res;
	}
	r->query_ns = (int64_t)(mono_now_ns() - t0);
	read_answer(o, pkt, r);
	check_answer(o, r);
	ldns_pkt_free(pkt);
out_free_res:
	ldns_resolver_deep_free(res);
out_free_qname:
	ldns_rdf_deep_free(qname);
out_done:
	r->duration_ns = mono_now_ns() - r->start_mono_ns;
	return 0;
}
