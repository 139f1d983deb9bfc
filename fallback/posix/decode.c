// SPDX-License-Identifier: BSD-2-Clause
/*
 * decode.c - the pure helpers of the BSD-family layer, built into the unit tests on Linux:
 * the link-level address of a struct sockaddr_dl (sdl_len, sdl_family, sdl_index, sdl_type,
 * sdl_nlen, sdl_alen, sdl_slen, then the name and the address in sdl_data) as psutil prints a
 * MAC ("aa:bb:cc:dd:ee:ff").
 */
#include "posix_int.h"

#include <errno.h>
#include <stdio.h>

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
