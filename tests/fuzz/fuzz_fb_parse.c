// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_fb_parse.c: libFuzzer target for the fallback library's text parsers (/proc/PID/stat
 * and statm, diskstats, net/dev, smaps, /proc/net address fields, /proc/PID/cgroup, meminfo
 * lookups, human sizes).  The fallback sources are compiled into this file (an amalgamation)
 * because `make fuzz` links only libvigil.a, and because the address and cgroup parsers are
 * static.  A new fallback source file must be added to the list below.  Any input must be
 * accepted or rejected without a crash or undefined behaviour.
 */
#include "../../fallback/common/consts.c"
#include "../../fallback/common/cpu_percent.c"
#include "../../fallback/common/human.c"
#include "../../fallback/posix/disk.c"
#include "../../fallback/posix/io.c"
#include "../../fallback/common/kill_tree.c"
#include "../../fallback/common/nowrap.c"
#include "../../fallback/posix/parallel.c"
#include "../../fallback/posix/proc_ctl.c"
#include "../../fallback/common/parse.c"
#include "../../fallback/common/proc.c"
#include "../../fallback/posix/root.c"
#include "../../fallback/common/util.c"
#include "../../fallback/linux/cgroup.c"
#include "../../fallback/linux/cpu.c"
#include "../../fallback/linux/disk.c"
#include "../../fallback/linux/mem.c"
#include "../../fallback/linux/net.c"
#include "../../fallback/linux/net_conn.c"
#include "../../fallback/linux/net_if.c"
#include "../../fallback/linux/proc.c"
#include "../../fallback/linux/proc_ctl.c"
#include "../../fallback/linux/proc_files.c"
#include "../../fallback/linux/proc_iter.c"
#include "../../fallback/linux/proc_mem.c"
#include "../../fallback/linux/proc_tree.c"
#include "../../fallback/linux/sensors.c"
#include "../../fallback/linux/sys.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	parse_hex_addr(s, AF_INET, &a);
	parse_hex_addr(s, AF_INET6, &a);
	cgroup_path(s, "", path, sizeof(path));
	cgroup_path(s, "memory", path, sizeof(path));
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
