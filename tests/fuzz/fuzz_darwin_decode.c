// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_darwin_decode.c: libFuzzer target for the macOS collectors' decoders (fallback/
 * darwin/decode*.c, plain C that builds on Linux): the first byte picks the decoder, the
 * rest is what the sysctl or Mach call returned, in a buffer of its exact size.  Every
 * decoder must check the length it was given and read nothing past it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../fallback/darwin/darwin_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decode(unsigned sel, const unsigned char *p, size_t len)
{
	struct fb_cpu_times ct[4];
	struct fb_proc_info pi;
	struct fb_partition part;
	struct fb_net_io nio;
	struct fb_vmem vm;
	struct fb_swap sw;
	struct fb_strv sv;
	struct fb_conn *conns = NULL;
	size_t n = 0, cap = 0, msglen;
	uint64_t a, b;
	uint32_t flags;
	unsigned index;
	double d[3];
	int mtu, speed;

	switch (sel % 10) {
	case 0:
		fb__darwin_decode_cpu_load(p, len, ct, 4, &n);
		if (n > 4)
			abort();
		break;
	case 1:
		fb__darwin_decode_vmstat(p, len, 1ull << 34, 16384, &vm);
		fb__darwin_decode_vm_paging(p, len, &a, &b);
		break;
	case 2:
		fb__darwin_decode_xsw_usage(p, len, &sw);
		fb__darwin_decode_timeval(p, len, d);
		fb__darwin_decode_loadavg(p, len, d);
		break;
	case 3:
		/* a whole NET_RT_IFLIST2 stream, message after message */
		for (size_t off = 0; off < len; off += msglen)
			if (fb__darwin_decode_ifmsg(p + off, len - off, &msglen, &index, &flags,
						    &nio, &mtu, &speed) < 0)
				break;
		break;
	case 4:
		memset(&pi, 0, sizeof(pi));
		if (!fb__darwin_decode_kinfo_proc(p, len, &pi) &&
		    !memchr(pi.name, '\0', sizeof(pi.name)))
			abort();
		break;
	case 5:
		memset(&part, 0, sizeof(part));
		/* four strings of their own (posix/disk.c frees them; Linux's free differs) */
		if (!fb__darwin_decode_statfs(p, len, &part)) {
			free(part.device);
			free(part.mountpoint);
			free(part.fstype);
			free(part.opts);
		}
		break;
	case 6:
		memset(&pi, 0, sizeof(pi));
		fb__darwin_decode_taskinfo(p, len, len ? p[0] : 1, len > 1 ? p[1] : 1, &pi);
		break;
	case 7:
		if (!fb__darwin_decode_procargs2(p, len, &sv))
			fb_strv_free(&sv);
		break;
	case 8:
	case 9:
		fb__darwin_decode_pcblist_n(p, len, sel % 10 == 8, &conns, &n, &cap);
		for (size_t i = 0; i < n; i++)
			if (!memchr(conns[i].laddr.addr, '\0', sizeof(conns[i].laddr.addr)) ||
			    !memchr(conns[i].raddr.addr, '\0', sizeof(conns[i].raddr.addr)))
				abort();
		free(conns);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *p;

	if (!size)
		return 0;
	p = malloc(size - 1 ? size - 1 : 1);
	if (!p)
		return 0;
	memcpy(p, data + 1, size - 1);
	decode(data[0], p, size - 1);
	free(p);
	return 0;
}
