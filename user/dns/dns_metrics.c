// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dns_metrics.c: the DNS counters of `vigil serve`: transactions by qtype and rcode, fed by
 * the dns records the session streams, timeouts, and the malformed packets the kernel and
 * the decoder counted. Bounded: past DNS_METRICS_CLASSES (qtype, rcode) pairs, new ones are
 * counted under qtype "other". The latency histogram is serve's like every other one.
 */
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "dns/dns.h"
#include "dns/dns_metrics.h"
#include "dns/dns_record.h"
#include "prom/prom.h"

#define DNS_METRICS_CLASSES 256
#define QTYPE_OTHER	    0xffffffffU

struct dns_metrics {
	struct dns_metrics_class {
		uint32_t qtype; /* QTYPE_OTHER: the overflow class */
		char rcode[16];
		uint64_t n;
	} v[DNS_METRICS_CLASSES + 1];
	int n;
	uint64_t timeouts;
};

struct dns_metrics *dns_metrics__new(void)
{
	return calloc(1, sizeof(struct dns_metrics));
}

void dns_metrics__free(struct dns_metrics *m)
{
	free(m);
}

static struct dns_metrics_class *class_of(struct dns_metrics *m, uint32_t qtype, const char *rc)
{
	for (int i = 0; i < m->n; i++) {
		if (m->v[i].qtype == qtype && !strcmp(m->v[i].rcode, rc))
			return &m->v[i];
	}
	if (m->n >= DNS_METRICS_CLASSES && qtype != QTYPE_OTHER)
		return class_of(m, QTYPE_OTHER, "other");
	m->v[m->n].qtype = qtype;
	snprintf(m->v[m->n].rcode, sizeof(m->v[m->n].rcode), "%s", rc);
	return &m->v[m->n++];
}

void dns_metrics__add(struct dns_metrics *m, const struct vrow *row)
{
	char qtype_key[16];
	uint32_t qtype = QTYPE_OTHER - 1; /* unknown: the question could not be read */
	int q;

	if (!m || row->kind != VG_KIND_DNS)
		return;
	if (row->v[VF_TIMEOUT].u) {
		m->timeouts++;
		return;
	}
	if (!vrow__is_null(row, VF_QTYPE)) {
		snprintf(qtype_key, sizeof(qtype_key), "%s", row->v[VF_QTYPE].str);
		q = dns_qtype_by_name(qtype_key);
		qtype = q >= 0 ? (uint32_t)q : qtype;
	}
	class_of(m, qtype, vrow__is_null(row, VF_RCODE) ? "unknown" : row->v[VF_RCODE].str)->n++;
}

void dns_metrics__write(const struct dns_metrics *m, struct prom *p, const void *tracer_skel)
{
	char lbl[PROM_LABELS_LEN], qt[16];

	if (!m)
		return;
	prom__family(p, "vigil_dns_requests_total", "counter",
		     "DNS transactions answered, by the question's type and the response code.");
	for (int i = 0; i < m->n; i++) {
		const struct dns_metrics_class *c = &m->v[i];

		if (c->qtype == QTYPE_OTHER)
			snprintf(qt, sizeof(qt), "other");
		else if (c->qtype == QTYPE_OTHER - 1)
			snprintf(qt, sizeof(qt), "unknown");
		else
			dns_qtype_name((uint16_t)c->qtype, qt, sizeof(qt));
		prom__u64(p, "vigil_dns_requests_total",
			  prom_labels(lbl, "qtype", qt, "rcode", c->rcode, NULL), c->n);
	}
	prom__family(p, "vigil_dns_timeouts_total", "counter",
		     "DNS queries with no response within --dns-timeout (5 s).");
	prom__u64(p, "vigil_dns_timeouts_total", "", m->timeouts);
	prom__family(p, "vigil_dns_malformed_total", "counter",
		     "DNS packets whose header, question or answers could not be read.");
	/* the packet fallback: the answers the decoder could not read */
	prom__u64(p, "vigil_dns_malformed_total", "",
		  tracer_skel ? dns_tracer_malformed(tracer_skel) : dns_record_malformed());
}
