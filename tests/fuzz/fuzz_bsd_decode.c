// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_bsd_decode.c: libFuzzer target for the FreeBSD collectors' decoders (fallback/bsd/
 * decode*.c, plain C that builds on Linux): the first byte picks the decoder, the rest is
 * the sysctl's bytes in a buffer of their exact size (kern.file, for the pcblists, is the
 * second half of it).  Every decoder must check the length it was given and nothing more.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../../fallback/bsd/bsd_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_conns(const struct fb_conn *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!memchr(v[i].laddr.addr, '\0', sizeof(v[i].laddr.addr)) ||
		    !memchr(v[i].raddr.addr, '\0', sizeof(v[i].raddr.addr)))
			abort();
}

static void decode(unsigned sel, const unsigned char *p, size_t len)
{
	struct fb_cpu_times ct[4];
	struct fb_proc_info pi;
	struct fb_partition part;
	struct fb_net_io nio;
	struct fb__bsd_vm_raw raw;
	struct fb_vmem vm;
	struct fb_conn *conns = NULL;
	struct fb_disk_io *disks = NULL;
	size_t n = 0, cap = 0, half = len / 2;
	uint64_t u, w;
	double d[3];
	long hz;
	int mtu, speed;

	switch (sel % 12) {
	case 0:
		fb__bsd_decode_uint(p, len, &u);
		break;
	case 1:
		fb__bsd_decode_cp_times(p, len, 128, ct, 4, &n);
		if (n > 4)
			abort();
		break;
	case 2:
		fb__bsd_decode_clockinfo(p, len, &hz);
		fb__bsd_decode_loadavg(p, len, d);
		break;
	case 3:
		fb__bsd_decode_timeval(p, len, d);
		fb__bsd_decode_xswdev(p, len, &u, &w);
		/* the vm.stats page counts, as the fetch side collects them */
		if (len >= sizeof(raw)) {
			memcpy(&raw, p, sizeof(raw));
			fb__bsd_vmem(&raw, &vm);
			if (vm.available > vm.total)
				abort();
		}
		break;
	case 4:
		fb__bsd_decode_if_data(p, len, &nio, &mtu, &speed);
		break;
	case 5:
		memset(&pi, 0, sizeof(pi));
		if (!fb__bsd_decode_kinfo_proc(p, len, 4096, &pi) &&
		    !memchr(pi.name, '\0', sizeof(pi.name)))
			abort();
		break;
	case 6:
		memset(&part, 0, sizeof(part));
		/* four strings of their own (posix/disk.c frees them; Linux's free differs) */
		if (!fb__bsd_decode_statfs(p, len, &part)) {
			free(part.device);
			free(part.mountpoint);
			free(part.fstype);
			free(part.opts);
		}
		break;
	case 7:
	case 8:
		/* the whole buffer as the pcblist, no owners */
		fb__bsd_decode_pcblist(p, len, sel % 12 == 7, NULL, 0, &conns, &n, &cap);
		break;
	case 9:
		/* pcblist and kern.file halves */
		fb__bsd_decode_pcblist(p, half, true, p + half, len - half, &conns, &n, &cap);
		break;
	case 10:
		fb__bsd_decode_devstat_all(p, len, &disks, &n, &cap);
		for (size_t i = 0; i < n; i++)
			if (!memchr(disks[i].name, '\0', sizeof(disks[i].name)))
				abort();
		break;
	case 11:
		fb__bsd_decode_unp_pcblist(p, len, SOCK_STREAM, NULL, 0, &conns, &n, &cap);
		fb__bsd_decode_unp_pcblist(p, half, SOCK_DGRAM, p + half, len - half, &conns, &n,
					   &cap);
		break;
	}
	if (conns)
		check_conns(conns, n);
	free(conns);
	free(disks);
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
