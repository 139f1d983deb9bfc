/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tcp_addr.h: addresses and ports as the TCP tracer's users write and read them: IPv4 dotted
 * and IPv6 per RFC 5952 (lowercase, no leading zeros, the first longest run of two or more
 * zero groups as "::", IPv4-mapped addresses in mixed notation) and port lists (the
 * --laddr/--raddr prefixes are net/net_addrset.h's).
 * Parsers take the whole string or nothing and return 0 or -EINVAL/-ERANGE.
 */
#ifndef VIGIL_TCP_ADDR_H
#define VIGIL_TCP_ADDR_H

#include <stddef.h>
#include <stdint.h>

#define TCP_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */
#define TCP_AF_INET	2
#define TCP_AF_INET6	10

/* Format a 16-byte wire address of family (IPv4 in bytes 0..3). Returns buf ("?" if unknown). */
const char *tcp_addr_format(int family, const uint8_t addr[16], char *buf, size_t len);

/* Format 16 bytes as IPv6 per RFC 5952, mapped IPv4 as plain dotted IPv4 when v4_plain. */
const char *tcp_addr6_format(const uint8_t addr[16], int v4_plain, char *buf, size_t len);

/* A comma list of 1 to max ports (1..65535) appended to ports[*n]; -E2BIG beyond max. */
int tcp_ports_parse(const char *s, uint16_t *ports, uint32_t *n, uint32_t max);

/* "ESTABLISHED"... for the kernel's TCP state numbers; "UNKNOWN" otherwise. */
const char *tcp_state_name(unsigned int state);

#endif /* VIGIL_TCP_ADDR_H */
