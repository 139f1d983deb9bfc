// SPDX-License-Identifier: BSD-2-Clause
/*
 * decode.c - the pure helpers of the BSD-family layer, built into the unit tests on Linux:
 * the link-level address of a struct sockaddr_dl (sdl_len, sdl_family, sdl_index, sdl_type,
 * sdl_nlen, sdl_alen, sdl_slen, then the name and the address in sdl_data) as psutil prints a
 * MAC ("aa:bb:cc:dd:ee:ff"), sysctl values as text from their format strings, unsigned
 * sysctl numbers of either width, vm.loadavg, kern.boottime's timeval, and one
 * struct statfs as a partition, for whichever OS layout the caller describes.
 */
#include "posix_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SDL_NLEN 5
#define SDL_ALEN 6
#define SDL_DATA 8

int fb__sdl_mac(const void *sa, size_t len, char *buf, size_t blen)
{
	const unsigned char *p = sa;
	size_t nlen, alen, at = 0;

	if (len < SDL_DATA || blen < 1)
		return -EINVAL;
	nlen = p[SDL_NLEN];
	alen = p[SDL_ALEN];
	if (!alen || SDL_DATA + nlen + alen > len || (size_t)p[0] < SDL_DATA + nlen + alen)
		return -ENOENT; /* no link-level address (a loopback or a tunnel) */
	buf[0] = '\0';
	for (size_t i = 0; i < alen && at + 3 < blen; i++)
		at += (size_t)snprintf(buf + at, blen - at, i ? ":%02x" : "%02x",
				       p[SDL_DATA + nlen + i]);
	return 0;
}

int fb__sysctl_format(const char *fmt, const void *buf, size_t len, char *out, size_t outlen)
{
	const unsigned char *p = buf;
	bool is_unsigned;
	size_t size, at = 0;

	if (!outlen)
		return -EINVAL;
	out[0] = '\0';
	if (!strcmp(fmt, "A")) {
		size_t n = strnlen((const char *)p, len);

		fb__copy(out, n + 1 < outlen ? n + 1 : outlen, (const char *)p);
		return n + 1 <= outlen ? 0 : -ENAMETOOLONG;
	}
	switch (fmt[0]) {
	case 'C':
		size = 1;
		break;
	case 'S':
		size = 2;
		break;
	case 'I':
		size = 4;
		break;
	case 'L': /* LP64 */
	case 'Q':
		size = 8;
		break;
	default:
		return -ENOTSUP; /* "N" (a node), "T,..." and others: not a number */
	}
	if (fmt[1] == ',' || (fmt[1] && strcmp(fmt + 1, "U")))
		return -ENOTSUP; /* "S,timeval": a structure */
	is_unsigned = fmt[1] == 'U';
	if (!len || len % size)
		return -EINVAL;
	for (size_t off = 0; off < len; off += size) {
		uint64_t u = 0;
		int64_t v;
		int r;

		memcpy(&u, p + off, size); /* little-endian targets: the low bytes */
		if (is_unsigned) {
			r = snprintf(out + at, outlen - at, "%s%llu", off ? " " : "",
				     (unsigned long long)u);
		} else {
			/* sign-extend from the element's width */
			v = size == 8 ? (int64_t)u
				      : (int64_t)(u << (64 - 8 * size)) >> (64 - 8 * size);
			r = snprintf(out + at, outlen - at, "%s%lld", off ? " " : "", (long long)v);
		}
		if (r < 0 || (size_t)r >= outlen - at)
			return -ENAMETOOLONG;
		at += (size_t)r;
	}
	return 0;
}

int fb__decode_uint(const void *buf, size_t len, uint64_t *out)
{
	uint32_t v32;

	if (len == sizeof(v32)) {
		memcpy(&v32, buf, sizeof(v32));
		*out = v32;
	} else if (len == sizeof(*out)) {
		memcpy(out, buf, sizeof(*out));
	} else {
		return -EINVAL;
	}
	return 0;
}

int fb__decode_loadavg(const void *buf, size_t len, double out[3])
{
	const unsigned char *p = buf;
	uint64_t fscale;
	uint32_t v;

	if (len != FB_LOADAVG_SIZE)
		return -EINVAL;
	memcpy(&fscale, p + FB_LOADAVG_FSCALE, sizeof(fscale));
	if (!fscale)
		return -EINVAL;
	for (int i = 0; i < 3; i++) {
		memcpy(&v, p + 4 * i, sizeof(v));
		out[i] = (double)v / (double)fscale;
	}
	return 0;
}

int fb__decode_timeval(const void *buf, size_t len, size_t usec_size, double *out)
{
	const unsigned char *p = buf;
	int64_t sec, usec;
	int32_t usec32;

	if (len != FB_TIMEVAL_SIZE || (usec_size != sizeof(usec32) && usec_size != sizeof(usec)))
		return -EINVAL;
	memcpy(&sec, p, sizeof(sec));
	if (usec_size == sizeof(usec)) {
		memcpy(&usec, p + 8, sizeof(usec));
	} else {
		memcpy(&usec32, p + 8, sizeof(usec32));
		usec = usec32;
	}
	if (sec <= 0 || usec < 0 || usec >= 1000000)
		return -EINVAL;
	*out = (double)sec + (double)usec / 1e6;
	return 0;
}

/* A NUL-padded fixed-width field as an owned string. */
static char *field_dup(const unsigned char *p, size_t max)
{
	size_t n = 0;
	char *s;

	while (n < max && p[n])
		n++;
	s = malloc(n + 1);
	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

int fb__decode_statfs(const struct fb__statfs_layout *l, const void *buf, size_t len,
		      struct fb_partition *out)
{
	const unsigned char *p = buf;
	char opts[256];
	uint64_t flags = 0;
	uint32_t v32;
	size_t at;

	memset(out, 0, sizeof(*out));
	if (len < l->size)
		return -EINVAL;
	memcpy(&v32, p, sizeof(v32));
	if (l->version && v32 != l->version)
		return -EINVAL;
	if (l->flags_size == sizeof(uint64_t)) {
		memcpy(&flags, p + l->flags_off, sizeof(flags));
	} else {
		memcpy(&v32, p + l->flags_off, sizeof(v32));
		flags = v32;
	}
	at = (size_t)snprintf(opts, sizeof(opts), "%s", flags & 1 ? "ro" : "rw"); /* MNT_RDONLY */
	for (size_t i = 0; i < l->nflags; i++)
		if ((flags & l->flags[i].bit) && at < sizeof(opts))
			at += (size_t)snprintf(opts + at, sizeof(opts) - at, ",%s",
					       l->flags[i].name);
	out->device = field_dup(p + l->from_off, l->name_len);
	out->mountpoint = field_dup(p + l->on_off, l->name_len);
	out->fstype = field_dup(p + l->fstype_off, l->fstype_len);
	out->opts = strdup(opts);
	if (!out->device || !out->mountpoint || !out->fstype || !out->opts) {
		free(out->device);
		free(out->mountpoint);
		free(out->fstype);
		free(out->opts);
		memset(out, 0, sizeof(*out));
		return -ENOMEM;
	}
	return 0;
}
