// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tcp_metrics.c: per-class counters of closed TCP connections for `vigil serve`, fed by the
 * tcp_close records of either source (BPF or sock_diag), so the same series exist with or
 * without BPF.
 */
#include <stdio.h>

#include "prom/metrics.h"

static struct metrics_tcp_class *class_of(struct metrics_tcp *t, bool passive, uint16_t port)
{
	for (int i = 0; i < t->n; i++) {
		if (t->v[i].passive == passive && t->v[i].port == port)
			return &t->v[i];
	}
	if (t->n >= METRICS_TCP_CLASSES && port)
		return class_of(t, passive, 0); /* full: fold into "other" */
	t->v[t->n] = (struct metrics_tcp_class){ .port = port, .passive = passive };
	return &t->v[t->n++];
}

void metrics_tcp__add(struct metrics_tcp *t, const struct vrow *row)
{
	bool passive = row->v[VF_DIRECTION].str && !vrow__is_null(row, VF_DIRECTION) &&
		       row->v[VF_DIRECTION].str[0] == 'p';
	uint16_t port = (uint16_t)(passive ? row->v[VF_SPORT].u : row->v[VF_DPORT].u);
	struct metrics_tcp_class *c = class_of(t, passive, port);

	c->closes++;
	if (!vrow__is_null(row, VF_BYTES_SENT))
		c->bytes_sent += row->v[VF_BYTES_SENT].u;
	if (!vrow__is_null(row, VF_BYTES_RECEIVED))
		c->bytes_received += row->v[VF_BYTES_RECEIVED].u;
	if (!vrow__is_null(row, VF_RETRANSMITS))
		c->retransmits += row->v[VF_RETRANSMITS].u;
}

static void family(const struct metrics_tcp *t, struct prom *p, const char *name, const char *help,
		   size_t off)
{
	char lbl[PROM_LABELS_LEN], port[16];

	prom__family(p, name, "counter", help);
	for (int i = 0; i < t->n; i++) {
		const struct metrics_tcp_class *c = &t->v[i];

		if (c->port)
			snprintf(port, sizeof(port), "%u", c->port);
		else
			snprintf(port, sizeof(port), "other");
		prom__u64(p, name,
			  prom_labels(lbl, "direction", c->passive ? "passive" : "active", "port",
				      port, NULL),
			  *(const uint64_t *)((const char *)c + off));
	}
}

#define TC(f) offsetof(struct metrics_tcp_class, f)

void metrics_tcp__write(const struct metrics_tcp *t, struct prom *p)
{
	if (!t->n)
		return;
	family(t, p, "vigil_tcp_connections_closed_total",
	       "Closed TCP connections by direction and service port (remote port if active, "
	       "local if passive).",
	       TC(closes));
	family(t, p, "vigil_tcp_sent_bytes_total",
	       "Payload bytes acked by the peer over closed TCP connections (no SYN or FIN), by "
	       "class.",
	       TC(bytes_sent));
	family(t, p, "vigil_tcp_received_bytes_total",
	       "Payload bytes received over closed TCP connections (no SYN or FIN), by class.",
	       TC(bytes_received));
	family(t, p, "vigil_tcp_retransmits_total",
	       "Retransmitted segments of closed TCP connections, by class.", TC(retransmits));
}
