// SPDX-License-Identifier: BSD-2-Clause
/*
 * decode_pcb.c - FreeBSD's connection table from bytes: the net.inet.tcp.pcblist and
 * net.inet.udp.pcblist streams (xinpgen, records, xinpgen) into struct fb_conn entries, each
 * socket's owner found in kern.file by its kernel socket address (xso_so == xf_data), which
 * is how sockstat(1) pairs them; and the unix-domain lists (net.local.*.pcblist) likewise.
 * Layouts are FreeBSD 13 LP64 (bsd_decode.h); every length is checked before it is read.
 */
#include "bsd_decode.h"

#include "../posix/posix_int.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

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

/* The owner of the socket at kernel address @so: pid and fd, or -1 and -1. */
static void find_owner(const unsigned char *f, size_t flen, uint64_t so, struct fb_conn *c)
{
	c->pid = -1;
	c->fd = -1;
	if (!f || !so)
		return;
	for (size_t off = 0; off + FB_BSD_XFILE_SIZE <= flen; off += FB_BSD_XFILE_SIZE) {
		const unsigned char *x = f + off;
		uint16_t type;

		memcpy(&type, x + FB_BSD_XF_TYPE, 2);
		if (type == FB_BSD_DTYPE_SOCKET && get_u64(x + FB_BSD_XF_DATA) == so) {
			c->pid = (pid_t)get_u32(x + FB_BSD_XF_PID);
			c->fd = (int)get_u32(x + FB_BSD_XF_FD);
			return;
		}
	}
}

static const struct fb__inpcb_layout bsd_inpcb = {
	.vflag = FB_BSD_XI_VFLAG,
	.ipv4 = FB_BSD_INP_IPV4,
	.ipv6 = FB_BSD_INP_IPV6,
	.faddr = FB_BSD_XI_FADDR,
	.laddr = FB_BSD_XI_LADDR,
	.fport = FB_BSD_XI_FPORT,
	.lport = FB_BSD_XI_LPORT,
	.v4_in_16 = FB_BSD_XI_V4_IN_16,
};

static int walk(const void *buf, size_t len, bool tcp, const void *files, size_t flen,
		struct fb_conn **v, size_t *n, size_t *cap)
{
	const unsigned char *p = buf, *f = files;
	size_t rec = tcp ? FB_BSD_XTCPCB_SIZE : FB_BSD_XINPCB_SIZE, off;
	uint64_t gen;

	if (len < FB_BSD_XINPGEN_SIZE || get_u64(p) != FB_BSD_XINPGEN_SIZE)
		return -EINVAL;
	if (f && (flen % FB_BSD_XFILE_SIZE || (flen && get_u64(f) != FB_BSD_XFILE_SIZE)))
		return -EINVAL;
	gen = get_u64(p + FB_BSD_XIG_GEN);
	for (off = FB_BSD_XINPGEN_SIZE; off + 8 <= len;) {
		uint64_t rlen = get_u64(p + off);
		const unsigned char *r = p + off, *xi;
		struct fb_conn *c;
		int err;

		if (rlen == FB_BSD_XINPGEN_SIZE) { /* the closing xinpgen */
			if (len - off < FB_BSD_XINPGEN_SIZE)
				return -EINVAL;
			return get_u64(r + FB_BSD_XIG_GEN) == gen ? 0 : -EAGAIN;
		}
		if (rlen != rec || len - off < rec)
			return -EINVAL;
		off += rec;
		xi = tcp ? r + FB_BSD_XT_INP : r;
		err = fb__inpcb_append(&bsd_inpcb, xi, tcp ? SOCK_STREAM : SOCK_DGRAM,
				       tcp ? fb__tcps_status((int32_t)get_u32(r + FB_BSD_XT_STATE))
					   : FB_CONN_NONE,
				       v, n, cap, &c);
		if (err)
			return err;
		if (c)
			find_owner(f, flen, get_u64(xi + FB_BSD_XI_SO), c);
	}
	return -EINVAL; /* no closing xinpgen: truncated */
}

/* The walk, leaving *n as it was when it fails (entries it appended are dropped). */
int fb__bsd_decode_pcblist(const void *buf, size_t len, bool tcp, const void *files, size_t flen,
			   struct fb_conn **v, size_t *n, size_t *cap)
{
	size_t n0 = *n;
	int err = walk(buf, len, tcp, files, flen, v, n, cap);

	if (err)
		*n = n0;
	return err;
}

/* A sockaddr_un's path (at most 104 bytes, not always NUL-terminated) as an endpoint. */
static void unix_endpoint(struct fb_sockaddr *a, const unsigned char *sun)
{
	size_t k = strnlen((const char *)sun + FB_BSD_SUN_PATH, FB_BSD_SUN_PATHLEN);

	memcpy(a->addr, sun + FB_BSD_SUN_PATH, k);
	a->addr[k] = '\0';
	a->port = 0;
	a->valid = true; /* unix addresses are strings, "" when unbound (as on Linux) */
}

static int unp_walk(const unsigned char *p, size_t len, int type, const void *files, size_t flen,
		    struct fb_conn **v, size_t *n, size_t *cap)
{
	const unsigned char *f = files;
	uint64_t gen;

	if (len < FB_BSD_XUNPGEN_SIZE || get_u64(p) != FB_BSD_XUNPGEN_SIZE)
		return -EINVAL;
	if (f && (flen % FB_BSD_XFILE_SIZE || (flen && get_u64(f) != FB_BSD_XFILE_SIZE)))
		return -EINVAL;
	gen = get_u64(p + FB_BSD_XUG_GEN);
	for (size_t off = FB_BSD_XUNPGEN_SIZE; off + 8 <= len; off += FB_BSD_XUNPCB_SIZE) {
		const unsigned char *r = p + off;
		uint64_t rlen = get_u64(r);
		struct fb_conn *c;
		int err;

		if (rlen == FB_BSD_XUNPGEN_SIZE) { /* the closing xunpgen */
			if (len - off < FB_BSD_XUNPGEN_SIZE)
				return -EINVAL;
			return get_u64(r + FB_BSD_XUG_GEN) == gen ? 0 : -EAGAIN;
		}
		if (rlen != FB_BSD_XUNPCB_SIZE || len - off < FB_BSD_XUNPCB_SIZE)
			return -EINVAL;
		err = fb__grow((void **)v, cap, *n + 1, sizeof(**v));
		if (err)
			return err;
		c = &(*v)[(*n)++];
		memset(c, 0, sizeof(*c));
		c->family = AF_UNIX;
		c->type = type;
		c->status = FB_CONN_NONE;
		unix_endpoint(&c->laddr, r + FB_BSD_XU_ADDR);
		unix_endpoint(&c->raddr, r + FB_BSD_XU_CADDR);
		find_owner(f, flen, get_u64(r + FB_BSD_XU_SO), c);
	}
	return -EINVAL; /* no closing xunpgen: truncated */
}

int fb__bsd_decode_unp_pcblist(const void *buf, size_t len, int type, const void *files,
			       size_t flen, struct fb_conn **v, size_t *n, size_t *cap)
{
	size_t n0 = *n;
	int err = unp_walk(buf, len, type, files, flen, v, n, cap);

	if (err)
		*n = n0;
	return err;
}
