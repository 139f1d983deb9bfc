/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * dns_metrics.h: the DNS counters `vigil serve` exports (vigil_dns_requests_total{qtype,
 * rcode}, vigil_dns_timeouts_total, vigil_dns_malformed_total), folded from dns records.
 * Not thread-safe: serve's metrics lock guards it.
 */
#ifndef VIGIL_DNS_METRICS_H
#define VIGIL_DNS_METRICS_H

#include "core/record.h"
#include "dns/dns_msg.h"

struct prom;
struct dns_metrics;

struct dns_metrics *dns_metrics__new(void);
void dns_metrics__free(struct dns_metrics *m);

/* Fold one row (only dns rows count; m may be NULL). */
void dns_metrics__add(struct dns_metrics *m, const struct vrow *row);

/* Write the families; tracer_skel is the dns tracer's handle (NULL: none running). */
void dns_metrics__write(const struct dns_metrics *m, struct prom *p, const void *tracer_skel);

#endif /* VIGIL_DNS_METRICS_H */
