// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dns_record.c: the `dns` record kind: its columns in schema order and its decoder from
 * bpf/events.h's vg_dns (a response the kernel paired with its query, or a timeout that
 * userspace made from a pending query). The question's name comes as wire bytes from the
 * query; the answers are read here from the response's first bytes (dns_msg.c). The texts
 * (name, addresses, server) live in this thread's buffers until the next decode: a row is
 * exported before the next one is decoded.
 */
#include <errno.h>
#include <linux/types.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "core/record.h"
#include "dns/dns_msg.h"
#include "dns/dns_record.h"
#include "tcp/tcp_addr.h"

#define SCRATCH_SERVER 64

_Static_assert(VROW_SCRATCH >= SCRATCH_SERVER + TCP_ADDR_STRLEN, "room for two addresses");

static _Thread_local char qname_text[DNS_NAME_TEXTLEN];
static _Thread_local char addrs_text[DNS_MAX_ADDRS * (TCP_ADDR_STRLEN + 1)];
static _Thread_local char qtype_text[16], rcode_text[16];
static _Thread_local struct dns_msg msg;

static atomic_ullong malformed_responses;

uint64_t dns_record_malformed(void)
{
	return atomic_load(&malformed_responses);
}

static void decode_addrs(struct vrow *row, const struct dns_msg *m)
{
	size_t o = 0;
	uint32_t n = m->naddrs < DNS_MAX_ADDRS ? m->naddrs : DNS_MAX_ADDRS;

	addrs_text[0] = '\0';
	for (uint32_t i = 0; i < n; i++) {
		char a[TCP_ADDR_STRLEN];

		tcp_addr_format(m->addrs[i].family == 4 ? TCP_AF_INET : TCP_AF_INET6,
				m->addrs[i].addr, a, sizeof(a));
		o += (size_t)snprintf(addrs_text + o, sizeof(addrs_text) - o, "%s%s", i ? "," : "",
				      a);
		if (o >= sizeof(addrs_text))
			break;
	}
	row->v[VF_ADDRS].str = addrs_text;
}

void dns_record_decode(struct vrow *row, const struct vg_dns *e)
{
	const struct vg_dns_pending *q = &e->q;
	size_t qlen = q->qname_len < VG_DNS_NAME_LEN ? q->qname_len : VG_DNS_NAME_LEN;
	int family = q->family == TCP_AF_INET6 ? TCP_AF_INET6 : TCP_AF_INET;
	bool timeout = q->flags & VG_DNS_TIMEOUT;
	int err;

	row->v[VF_PID].u = q->pid;
	row->v[VF_COMM].str = q->comm;
	vrow__cgroup_unknown(row); /* rows of the packet fallback and of timeouts start here */
	row->cgroup_id = q->cgroup_id;
	if (!(q->flags & VG_DNS_PID_KNOWN)) {
		vrow__set_null(row, VF_PID);
		vrow__set_null(row, VF_COMM);
	}
	row->v[VF_FAMILY].u = family == TCP_AF_INET6 ? 6 : 4;
	row->v[VF_SADDR].str = tcp_addr_format(family, q->saddr, row->scratch, SCRATCH_SERVER);
	row->v[VF_SPORT].u = q->sport;
	row->v[VF_SERVER].str = tcp_addr_format(family, q->daddr, row->scratch + SCRATCH_SERVER,
						VROW_SCRATCH - SCRATCH_SERVER);
	row->v[VF_DPORT].u = q->dport;
	row->v[VF_TRANSPORT].str = q->transport == VG_DNS_TCP ? "tcp" : "udp";
	row->v[VF_DNS_ID].u = q->id;
	err = dns_name_text(q->qname, qlen, 0, qname_text, sizeof(qname_text), NULL);
	row->v[VF_QNAME].str = qname_text;
	row->v[VF_QNAME_TRUNCATED].u = (q->flags & VG_DNS_NAME_TRUNC) || err == -EMSGSIZE;
	if (err && err != -EMSGSIZE)
		vrow__set_null(row, VF_QNAME);
	row->v[VF_QTYPE].str = dns_qtype_name(q->qtype, qtype_text, sizeof(qtype_text));
	if (!(q->flags & VG_DNS_QTYPE_KNOWN))
		vrow__set_null(row, VF_QTYPE);
	row->v[VF_TIMEOUT].u = timeout;
	row->v[VF_LATENCY_NS].u = e->latency_ns;
	row->v[VF_TC].u = !!(q->flags & VG_DNS_TC);
	row->v[VF_MALFORMED].u = 0;
	if (timeout) {
		static const enum vfield unknown[] = { VF_LATENCY_NS, VF_RCODE, VF_ANSWERS,
						       VF_ADDRS,      VF_TC,	VF_MALFORMED };

		for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
			vrow__set_null(row, unknown[i]);
		return;
	}
	row->v[VF_RCODE].str = dns_rcode_name(e->rcode, rcode_text, sizeof(rcode_text));
	row->v[VF_ANSWERS].u = e->ancount;
	dns_msg_parse(e->msg, e->msg_len < VG_DNS_MSG_LEN ? e->msg_len : VG_DNS_MSG_LEN,
		      e->resp_len, &msg);
	if (msg.malformed) {
		row->v[VF_MALFORMED].u = 1;
		atomic_fetch_add(&malformed_responses, 1);
	}
	decode_addrs(row, &msg);
}

static void decode_dns(struct vrow *row, const void *data)
{
	dns_record_decode(row, data);
}

static const enum vfield dns_fields[] = {
	VF_PID,	      VF_COMM,		VF_FAMILY, VF_SADDR, VF_SPORT,		 VF_SERVER,
	VF_DPORT,     VF_TRANSPORT,	VF_DNS_ID, VF_QNAME, VF_QNAME_TRUNCATED, VF_QTYPE,
	VF_RCODE,     VF_ANSWERS,	VF_ADDRS,  VF_TC,    VF_LATENCY_NS,	 VF_TIMEOUT,
	VF_MALFORMED, VF_CGROUP_FIELDS,
};

const struct vkind_desc dns_kind_dns = {
	"dns", "dns", VKIND_FIELDS(dns_fields), sizeof(struct vg_dns), decode_dns,
};
