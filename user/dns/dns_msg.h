/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * dns_msg.h: reading DNS messages (RFC 1035) from untrusted bytes: names (with compression,
 * bounded: a pointer must point backwards, at most DNS_MAX_HOPS of them, 255 bytes at most),
 * as text the way dig prints them (without the final dot), the header, and the answer
 * section's A and AAAA addresses. Every read is checked against the length; a message cut
 * short (vigil copies the first 512 bytes) is told apart from a malformed one. Also the
 * names of query types and response codes.
 */
#ifndef VIGIL_DNS_MSG_H
#define VIGIL_DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_HDR_LEN	 12
#define DNS_NAME_MAX	 255  /* wire bytes */
#define DNS_NAME_TEXTLEN 1024 /* 255 bytes, each escaped as \DDD at worst */
#define DNS_MAX_HOPS	 64
#define DNS_MAX_ADDRS	 16

struct dns_msg {
	uint16_t id;
	uint16_t flags;
	uint16_t qdcount;
	uint16_t ancount;
	uint16_t qtype;	 /* the first question's */
	uint32_t naddrs; /* A/AAAA answers, all of them (the first DNS_MAX_ADDRS are kept) */
	struct dns_addr {
		uint8_t family; /* 4 or 6 */
		uint8_t addr[16];
	} addrs[DNS_MAX_ADDRS];
	bool cut;	/* the bytes ended before the answer section did: addrs is partial */
	bool malformed; /* a name or record that cannot be (a loop, a label type, lengths) */
	char qname[DNS_NAME_TEXTLEN];
	bool qname_cut; /* the bytes ended inside the question's name */
};

/*
 * The name at off of msg[0..len) as text into out (dig's escapes, no final dot; the root is
 * "."). *end (may be NULL) gets the offset just past the name where it sits (not where a
 * pointer led). Returns 0, -EMSGSIZE when the bytes end inside the name (out then holds what
 * there was), or -EINVAL when it is malformed (a reserved label type, a pointer that does
 * not point backwards, too many hops, more than 255 bytes).
 */
int dns_name_text(const uint8_t *msg, size_t len, size_t off, char *out, size_t outlen,
		  size_t *end);

/*
 * Parse msg[0..len), the first len bytes of a message whose whole length is full_len (>= len):
 * header, first question, answers. Returns 0 (m->cut and m->malformed say how whole it
 * was), or -EINVAL when there is not even a header.
 */
int dns_msg_parse(const uint8_t *msg, size_t len, size_t full_len, struct dns_msg *m);

/* "A", "AAAA", ... or "TYPE<n>" (RFC 3597) into buf. */
const char *dns_qtype_name(uint16_t qtype, char *buf, size_t len);

/* "NOERROR", "NXDOMAIN", ... or "RCODE<n>" into buf. */
const char *dns_rcode_name(uint8_t rcode, char *buf, size_t len);

/* The qtype for a name ("AAAA", "type28"), or -EINVAL. */
int dns_qtype_by_name(const char *name);

#endif /* VIGIL_DNS_MSG_H */
