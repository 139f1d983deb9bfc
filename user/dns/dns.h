/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * dns.h: what the DNS tracer counts beside its records, for serve and the end-of-trace
 * account. p is the dns tracer's skeleton handle (struct tracer's skel).
 */
#ifndef VIGIL_DNS_H
#define VIGIL_DNS_H

#include <stdint.h>

/* Malformed DNS packets: the kernel's (header, question) and userspace's (answers). */
uint64_t dns_tracer_malformed(const void *p);

/* Queries reported as timeouts so far. */
uint64_t dns_tracer_timeouts(const void *p);

#endif /* VIGIL_DNS_H */
