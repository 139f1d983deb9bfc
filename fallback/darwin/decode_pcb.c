// SPDX-License-Identifier: BSD-2-Clause
/*
 * decode_pcb.c - macOS's connection table from bytes: the tagged net.inet.tcp.pcblist_n and
 * net.inet.udp.pcblist_n streams (xinpgen, per PCB an xinpcb_n, xsocket_n, two xsockbuf_n,
 * xsockstat_n and for TCP an xtcpcb_n, closing xinpgen) into struct fb_conn entries.  Layouts
 * are in darwin_decode.h; every item's length is checked before its fields are read.
 */
#include "darwin_decode.h"

#include "../posix/posix_int.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#define ROUND8(x) (((x) + 7) & ~(size_t)7)

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static const struct fb__inpcb_layout darwin_inpcb = {
	.vflag = FB_DARWIN_XI_VFLAG,
	.ipv4 = FB_DARWIN_INP_IPV4,
	.ipv6 = FB_DARWIN_INP_IPV6,
	.faddr = FB_DARWIN_XI_FADDR,
	.laddr = FB_DARWIN_XI_LADDR,
	.fport = FB_DARWIN_XI_FPORT,
	.lport = FB_DARWIN_XI_LPORT,
	.v4_in_16 = FB_DARWIN_XI_V4_IN_16,
};

/* One PCB from its items into a new entry of *v; the owner is the socket's last user. */
static int emit(const unsigned char *xi, const unsigned char *so, const unsigned char *tp, bool tcp,
		struct fb_conn **v, size_t *n, size_t *cap)
{
	struct fb_conn *c;
	int32_t pid;
	int err;

	err = fb__inpcb_append(&darwin_inpcb, xi, tcp ? SOCK_STREAM : SOCK_DGRAM,
			       tcp ? fb__tcps_status((int32_t)get_u32(tp + FB_DARWIN_XT_STATE))
				   : FB_CONN_NONE,
			       v, n, cap, &c);
	if (err || !c)
		return err;
	pid = (int32_t)get_u32(so + FB_DARWIN_XSO_LAST_PID);
	c->pid = pid > 0 ? pid : -1;
	return 0;
}

static int walk(const void *buf, size_t len, bool tcp, struct fb_conn **v, size_t *n, size_t *cap)
{
	const uint32_t all = FB_DARWIN_XSO_SOCKET | FB_DARWIN_XSO_RCVBUF | FB_DARWIN_XSO_SNDBUF |
			     FB_DARWIN_XSO_STATS | FB_DARWIN_XSO_INPCB |
			     (tcp ? FB_DARWIN_XSO_TCPCB : 0);
	const unsigned char *p = buf, *xi = NULL, *so = NULL, *tp = NULL;
	uint32_t seen = 0;
	uint64_t gen;
	size_t off;

	if (len < FB_DARWIN_XINPGEN_SIZE || get_u32(p) != FB_DARWIN_XINPGEN_SIZE)
		return -EINVAL;
	gen = get_u64(p + FB_DARWIN_XIG_GEN);
	for (off = ROUND8(FB_DARWIN_XINPGEN_SIZE); off + 8 <= len;) {
		const unsigned char *r = p + off;
		uint32_t ilen = get_u32(r), kind = get_u32(r + 4);
		int err;

		if (ilen == FB_DARWIN_XINPGEN_SIZE) { /* the closing xinpgen */
			if (len - off < FB_DARWIN_XINPGEN_SIZE || seen)
				return -EINVAL;
			return get_u64(r + FB_DARWIN_XIG_GEN) == gen ? 0 : -EAGAIN;
		}
		if (ilen < 8 || ilen > len - off)
			return -EINVAL;
		if ((kind == FB_DARWIN_XSO_INPCB && ilen < FB_DARWIN_XINPCB_N_MIN) ||
		    (kind == FB_DARWIN_XSO_SOCKET && ilen < FB_DARWIN_XSOCKET_N_MIN) ||
		    (kind == FB_DARWIN_XSO_TCPCB && ilen < FB_DARWIN_XTCPCB_N_MIN))
			return -EINVAL;
		off += ROUND8(ilen);
		switch (kind) {
		case FB_DARWIN_XSO_INPCB:
			xi = r;
			break;
		case FB_DARWIN_XSO_SOCKET:
			so = r;
			break;
		case FB_DARWIN_XSO_TCPCB:
			tp = r;
			break;
		case FB_DARWIN_XSO_RCVBUF:
		case FB_DARWIN_XSO_SNDBUF:
		case FB_DARWIN_XSO_STATS:
			break;
		default:
			continue; /* another kind of item (or several bits at once): not ours */
		}
		seen |= kind & all;
		if (seen != all)
			continue; /* a bit of @all is set only with its item's pointer */
		err = emit(xi, so, tp, tcp, v, n, cap);
		if (err)
			return err;
		seen = 0;
		xi = so = tp = NULL;
	}
	return -EINVAL; /* no closing xinpgen: truncated */
}

/* The walk, leaving *n as it was when it fails (entries it appended are dropped). */
int fb__darwin_decode_pcblist_n(const void *buf, size_t len, bool tcp, struct fb_conn **v,
				size_t *n, size_t *cap)
{
	size_t n0 = *n;
	int err = walk(buf, len, tcp, v, n, cap);

	if (err)
		*n = n0;
	return err;
}
