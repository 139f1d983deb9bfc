/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * dns_record.h: the dns record kind's decoder, shared by the BPF path (ring-buffer records
 * and the timeouts made from pending queries) and the packet-socket fallback, and the count
 * of responses whose answers could not be read (malformed), for vigil_dns_malformed_total.
 */
#ifndef VIGIL_DNS_RECORD_H
#define VIGIL_DNS_RECORD_H

#include <stdint.h>

struct vrow;
struct vg_dns;

/* Fill row from e (kind, source and timestamp are the caller's). */
void dns_record_decode(struct vrow *row, const struct vg_dns *e);

/* Responses decoded so far whose bytes were malformed (not merely cut at 512 bytes). */
uint64_t dns_record_malformed(void);

#endif /* VIGIL_DNS_RECORD_H */
