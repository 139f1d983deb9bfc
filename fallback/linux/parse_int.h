/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * parse_int.h - the Linux backend's parsers that are static in their files, reached from
 * outside only through these thin wrappers so that the fuzzers (tests/fuzz) can drive them:
 * a /proc/net address field, a /proc/PID/cgroup lookup and one netlink sock_diag reply.
 * Private to fallback/linux and its tests.
 */
#ifndef VIGIL_FB_PARSE_INT_H
#define VIGIL_FB_PARSE_INT_H

#include "../common/fb_int.h"

/* "0100007F:1F90" (IPv4) or four host-order words and a port (IPv6); 0 or -EINVAL. */
int fb__parse_hex_addr(const char *tok, int family, struct fb_sockaddr *a);

/* The path of @controller ("" = the v2 line "0::") in a /proc/PID/cgroup text. */
bool fb__cgroup_path(const char *text, const char *controller, char *out, size_t len);

/*
 * One sock_diag reply datagram (@buf, @len bytes, as recv() returned it): inet_diag messages
 * of @family (AF_UNSPEC: both) and socket @type, or unix_diag ones when @family is AF_UNIX.
 * The rows go to *out (*n of them, the caller frees *out, even on failure); returns 1 at
 * NLMSG_DONE, 0 when more datagrams would follow, or a negative errno.
 */
int fb__diag_parse(void *buf, size_t len, int family, int type, struct fb_conn **out, size_t *n);

#endif /* VIGIL_FB_PARSE_INT_H */
