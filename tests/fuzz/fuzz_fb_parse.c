// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_fb_parse.c: libFuzzer target for the fallback library's text parsers (/proc/PID/stat
 * and statm, diskstats, net/dev, smaps, /proc/net address fields, /proc/PID/cgroup, meminfo
 * lookups, human sizes; smaps also streamed from a memfd, as memory_maps() reads it).  It
 * links the fallback library; the parsers that are static in their files are reached through
 * the thin wrappers of fallback/linux/parse_int.h.  Any input must be accepted or rejected
 * without a crash or undefined behaviour.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../fallback/linux/parse_int.h"
#include "../../fallback/linux/proc_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The streaming smaps reader over the same bytes (NULs and all), through a memfd. */
static void smaps_stream(const uint8_t *data, size_t size)
{
	int fd = memfd_create("smaps", MFD_CLOEXEC);
	struct fb_mmap *maps;
	size_t n, bytes;

	if (fd < 0)
		return;
	if (write(fd, data, size) == (ssize_t)size && !lseek(fd, 0, SEEK_SET) &&
	    !fb__smaps_read_fd(fd, size & 2, &maps, &n, &bytes))
		free(maps);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), path[256];
	struct fb__pstat st;
	struct fb_disk_io d;
	struct fb_net_io nio;
	struct fb_sockaddr a;
	struct fb_mmap *maps;
	uint64_t m[7], v;
	size_t n;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fb__parse_stat(s, &st);
	fb__parse_statm(s, m);
	fb__parse_diskstats_line(s, &d);
	fb__parse_net_dev_line(s, &nio);
	if (!fb__parse_smaps(s, size & 1, &maps, &n))
		free(maps);
	smaps_stream(data, size);
	fb__parse_hex_addr(s, AF_INET, &a);
	fb__parse_hex_addr(s, AF_INET6, &a);
	fb__cgroup_path(s, "", path, sizeof(path));
	fb__cgroup_path(s, "memory", path, sizeof(path));
	fb_human2bytes(s, &v);
	fb__kv_u64(s, "MemTotal", &v);
	fb__kv_str_eq(s, "DEVNAME", path, sizeof(path));
	if (size >= 16) {
		char txt[64];

		fb__ipv6_text(data, txt);
	}
	free(s);
	return 0;
}
