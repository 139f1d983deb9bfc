// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ldns_dl.c: libldns, loaded on first use (dl.h), for `vigil probe dns`: the resolver (a given
 * server or /etc/resolv.conf's, UDP or TCP, a timeout), the answer packet and its records in
 * presentation form. Each function the probe calls is defined here under its own name and
 * forwards to libldns.so.3; when it cannot be loaded every call fails as libldns reports
 * failure (NULL, LDNS_STATUS_ERR), after one message naming the library and its package.
 */
#include <ldns/ldns.h>

#include "dl/dl.h"

static struct dl_lib ldns_lib = DL_LIB_INIT("libldns.so.3", "libldns3");

#define LDNS_FN(name) DL_FN(&ldns_lib, name)

ldns_resolver *ldns_resolver_new(void)
{
	__typeof__(&ldns_resolver_new) fn = LDNS_FN(ldns_resolver_new);

	return fn ? fn() : NULL;
}

ldns_status ldns_resolver_new_frm_file(ldns_resolver **r, const char *filename)
{
	__typeof__(&ldns_resolver_new_frm_file) fn = LDNS_FN(ldns_resolver_new_frm_file);

	return fn ? fn(r, filename) : LDNS_STATUS_ERR;
}

void ldns_resolver_deep_free(ldns_resolver *res)
{
	__typeof__(&ldns_resolver_deep_free) fn = LDNS_FN(ldns_resolver_deep_free);

	if (fn)
		fn(res);
}

ldns_status ldns_resolver_push_nameserver(ldns_resolver *r, const ldns_rdf *n)
{
	__typeof__(&ldns_resolver_push_nameserver) fn = LDNS_FN(ldns_resolver_push_nameserver);

	return fn ? fn(r, n) : LDNS_STATUS_ERR;
}

void ldns_resolver_set_usevc(ldns_resolver *r, bool b)
{
	__typeof__(&ldns_resolver_set_usevc) fn = LDNS_FN(ldns_resolver_set_usevc);

	if (fn)
		fn(r, b);
}

void ldns_resolver_set_recursive(ldns_resolver *r, bool b)
{
	__typeof__(&ldns_resolver_set_recursive) fn = LDNS_FN(ldns_resolver_set_recursive);

	if (fn)
		fn(r, b);
}

void ldns_resolver_set_random(ldns_resolver *r, bool b)
{
	__typeof__(&ldns_resolver_set_random) fn = LDNS_FN(ldns_resolver_set_random);

	if (fn)
		fn(r, b);
}

void ldns_resolver_set_timeout(ldns_resolver *r, struct timeval timeout)
{
	__typeof__(&ldns_resolver_set_timeout) fn = LDNS_FN(ldns_resolver_set_timeout);

	if (fn)
		fn(r, timeout);
}

void ldns_resolver_set_retry(ldns_resolver *r, uint8_t re)
{
	__typeof__(&ldns_resolver_set_retry) fn = LDNS_FN(ldns_resolver_set_retry);

	if (fn)
		fn(r, re);
}

void ldns_resolver_set_port(ldns_resolver *r, uint16_t p)
{
	__typeof__(&ldns_resolver_set_port) fn = LDNS_FN(ldns_resolver_set_port);

	if (fn)
		fn(r, p);
}

void ldns_resolver_set_source(ldns_resolver *r, ldns_rdf *s)
{
	__typeof__(&ldns_resolver_set_source) fn = LDNS_FN(ldns_resolver_set_source);

	if (fn)
		fn(r, s);
}

size_t ldns_resolver_nameserver_count(const ldns_resolver *r)
{
	__typeof__(&ldns_resolver_nameserver_count) fn = LDNS_FN(ldns_resolver_nameserver_count);

	return fn ? fn(r) : 0;
}

ldns_rdf **ldns_resolver_nameservers(const ldns_resolver *r)
{
	__typeof__(&ldns_resolver_nameservers) fn = LDNS_FN(ldns_resolver_nameservers);

	return fn ? fn(r) : NULL;
}

ldns_status ldns_resolver_send(ldns_pkt **answer, ldns_resolver *r, const ldns_rdf *name,
			       ldns_rr_type t, ldns_rr_class c, uint16_t flags)
{
	__typeof__(&ldns_resolver_send) fn = LDNS_FN(ldns_resolver_send);

	return fn ? fn(answer, r, name, t, c, flags) : LDNS_STATUS_ERR;
}

ldns_pkt_rcode ldns_pkt_get_rcode(const ldns_pkt *p)
{
	__typeof__(&ldns_pkt_get_rcode) fn = LDNS_FN(ldns_pkt_get_rcode);

	return fn ? fn(p) : LDNS_RCODE_SERVFAIL;
}

ldns_rr_list *ldns_pkt_answer(const ldns_pkt *p)
{
	__typeof__(&ldns_pkt_answer) fn = LDNS_FN(ldns_pkt_answer);

	return fn ? fn(p) : NULL;
}

ldns_rdf *ldns_pkt_answerfrom(const ldns_pkt *p)
{
	__typeof__(&ldns_pkt_answerfrom) fn = LDNS_FN(ldns_pkt_answerfrom);

	return fn ? fn(p) : NULL;
}

bool ldns_pkt_tc(const ldns_pkt *p)
{
	__typeof__(&ldns_pkt_tc) fn = LDNS_FN(ldns_pkt_tc);

	return fn ? fn(p) : false;
}

void ldns_pkt_free(ldns_pkt *packet)
{
	__typeof__(&ldns_pkt_free) fn = LDNS_FN(ldns_pkt_free);

	if (fn)
		fn(packet);
}

size_t ldns_rr_list_rr_count(const ldns_rr_list *rr_list)
{
	__typeof__(&ldns_rr_list_rr_count) fn = LDNS_FN(ldns_rr_list_rr_count);

	return fn ? fn(rr_list) : 0;
}

ldns_rr *ldns_rr_list_rr(const ldns_rr_list *rr_list, size_t nr)
{
	__typeof__(&ldns_rr_list_rr) fn = LDNS_FN(ldns_rr_list_rr);

	return fn ? fn(rr_list, nr) : NULL;
}

size_t ldns_rr_rd_count(const ldns_rr *rr)
{
	__typeof__(&ldns_rr_rd_count) fn = LDNS_FN(ldns_rr_rd_count);

	return fn ? fn(rr) : 0;
}

ldns_rdf *ldns_rr_rdf(const ldns_rr *rr, size_t nr)
{
	__typeof__(&ldns_rr_rdf) fn = LDNS_FN(ldns_rr_rdf);

	return fn ? fn(rr, nr) : NULL;
}

ldns_rdf *ldns_rr_owner(const ldns_rr *rr)
{
	__typeof__(&ldns_rr_owner) fn = LDNS_FN(ldns_rr_owner);

	return fn ? fn(rr) : NULL;
}

uint32_t ldns_rr_ttl(const ldns_rr *rr)
{
	__typeof__(&ldns_rr_ttl) fn = LDNS_FN(ldns_rr_ttl);

	return fn ? fn(rr) : 0;
}

ldns_rr_type ldns_rr_get_type(const ldns_rr *rr)
{
	__typeof__(&ldns_rr_get_type) fn = LDNS_FN(ldns_rr_get_type);

	return fn ? fn(rr) : 0;
}

char *ldns_rr_type2str(const ldns_rr_type type)
{
	__typeof__(&ldns_rr_type2str) fn = LDNS_FN(ldns_rr_type2str);

	return fn ? fn(type) : NULL;
}

char *ldns_rdf2str(const ldns_rdf *rdf)
{
	__typeof__(&ldns_rdf2str) fn = LDNS_FN(ldns_rdf2str);

	return fn ? fn(rdf) : NULL;
}

ldns_rdf *ldns_dname_new_frm_str(const char *str)
{
	__typeof__(&ldns_dname_new_frm_str) fn = LDNS_FN(ldns_dname_new_frm_str);

	return fn ? fn(str) : NULL;
}

ldns_rdf *ldns_rdf_new_frm_str(ldns_rdf_type type, const char *str)
{
	__typeof__(&ldns_rdf_new_frm_str) fn = LDNS_FN(ldns_rdf_new_frm_str);

	return fn ? fn(type, str) : NULL;
}

void ldns_rdf_deep_free(ldns_rdf *rd)
{
	__typeof__(&ldns_rdf_deep_free) fn = LDNS_FN(ldns_rdf_deep_free);

	if (fn)
		fn(rd);
}

const char *ldns_get_errorstr_by_id(ldns_status err)
{
	__typeof__(&ldns_get_errorstr_by_id) fn = LDNS_FN(ldns_get_errorstr_by_id);

	return fn ? fn(err) : "libldns is not available";
}
