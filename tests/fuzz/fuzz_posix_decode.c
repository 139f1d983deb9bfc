// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_posix_decode.c: libFuzzer target for the decoders FreeBSD and macOS share (fallback/
 * posix/decode*.c): a struct sockaddr_dl's MAC, a sysctl value printed from its format
 * string, an inet endpoint from raw bytes and a TCP state.  The input is a format string, a
 * NUL, then the value's bytes (in a buffer of their exact size).  The printed text must be
 * NUL-terminated inside the buffer it was given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../../fallback/posix/posix_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t flen = nul ? (size_t)(nul - data) : size, vlen = nul ? size - flen - 1 : 0;
	char *fmt = malloc(flen + 1), out[64], mac[24];
	unsigned char *val = malloc(vlen ? vlen : 1), addr[16] = { 0 }, port[2] = { 0 };
	struct fb_sockaddr a;
	int32_t st = 0;

	if (!fmt || !val)
		goto free_all;
	memcpy(fmt, data, flen);
	fmt[flen] = '\0';
	memcpy(val, data + flen + (nul ? 1 : 0), vlen);
	if (!fb__sysctl_format(fmt, val, vlen, out, sizeof(out)) && !memchr(out, '\0', sizeof(out)))
		abort();
	fb__sysctl_format(fmt, val, vlen, out, 1 + vlen % sizeof(out));
	if (!fb__sdl_mac(val, vlen, mac, sizeof(mac)) && !memchr(mac, '\0', sizeof(mac)))
		abort();
	fb__sdl_mac(val, vlen, mac, 1 + vlen % sizeof(mac));
	memcpy(addr, val, vlen < 16 ? vlen : 16);
	if (vlen >= 18)
		memcpy(port, val + 16, 2);
	fb__inet_endpoint(&a, vlen & 1, addr, port);
	if (!memchr(a.addr, '\0', sizeof(a.addr)))
		abort();
	memcpy(&st, addr, 4);
	fb__tcps_status(st);
	fb__conn_kind_has((enum fb_conn_kind)(st & 7), st >> 8 & 0xff, st >> 16 & 7);
free_all:
	free(fmt);
	free(val);
	return 0;
}
