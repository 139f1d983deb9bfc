// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_bsd_decode.c - the FreeBSD backend's decoders on byte fixtures laid out as FreeBSD 13 amd64
 * returns them (kern.cp_time/cp_times longs, struct clockinfo, struct loadavg, struct timeval,
 * struct xswdev version 2, u_int and u_long numbers, struct if_data, struct kinfo_proc), plus
 * psutil's FreeBSD memory arithmetic. Each decoder must also refuse a buffer of the wrong size or a
 * bad version instead of reading past it. These run on Linux; the backend itself is only compiled.
 */
#include "fb_test.h"

#include "../../fallback/bsd/bsd_decode.h"
#include "../../fallback/posix/posix_int.h"

static void put_u32(unsigned char *b, size_t off, uint32_t v)
{
	memcpy(b + off, &v, 4);
}

static void put_u64(unsigned char *b, size_t off, uint64_t v)
{
	memcpy(b + off, &v, 8);
}

static void test_cp_time_one_cpu(void **state)
{
	unsigned char b[40];
	struct fb_cpu_times t;
	size_t n = 0;

	(void)state;
	/* user, nice, sys, intr, idle in ticks of a 128 Hz statistics clock */
	put_u64(b, 0, 1280);
	put_u64(b, 8, 64);
	put_u64(b, 16, 640);
	put_u64(b, 24, 32);
	put_u64(b, 32, 12800);
	assert_int_equal(fb__bsd_decode_cp_times(b, sizeof(b), 128, &t, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_true(t.user == 10.0 && t.nice == 0.5 && t.system == 5.0);
	assert_true(t.irq == 0.25 && t.idle == 100.0);
	assert_true(t.valid & FB_CPU_IRQ);
	assert_false(t.valid & (FB_CPU_IOWAIT | FB_CPU_SOFTIRQ | FB_CPU_STEAL | FB_CPU_GUEST));
}

static void test_cp_times_percpu_and_bad_sizes(void **state)
{
	unsigned char b[3 * 40] = { 0 };
	struct fb_cpu_times t[3];
	size_t n = 0;

	(void)state;
	for (int cpu = 0; cpu < 3; cpu++)
		put_u64(b, (size_t)cpu * 40 + 32, (uint64_t)(cpu + 1) * 100); /* idle */
	assert_int_equal(fb__bsd_decode_cp_times(b, sizeof(b), 100, t, 3, &n), 0);
	assert_int_equal(n, 3);
	assert_true(t[0].idle == 1.0 && t[2].idle == 3.0);
	assert_int_equal(fb__bsd_decode_cp_times(b, sizeof(b), 100, t, 2, &n), 0);
	assert_int_equal(n, 2); /* capped at the caller's room */
	assert_int_equal(fb__bsd_decode_cp_times(b, 39, 100, t, 3, &n), -EINVAL);
	assert_int_equal(fb__bsd_decode_cp_times(b, 0, 100, t, 3, &n), -EINVAL);
	assert_int_equal(fb__bsd_decode_cp_times(b, 40, 0, t, 3, &n), -EINVAL);
}

static void test_clockinfo(void **state)
{
	unsigned char b[20] = { 0 };
	long hz = 0;

	(void)state;
	put_u32(b, 0, 1000); /* hz */
	put_u32(b, 12, 127); /* stathz */
	assert_int_equal(fb__bsd_decode_clockinfo(b, sizeof(b), &hz), 0);
	assert_int_equal(hz, 127);
	put_u32(b, 12, 0); /* no statistics clock: hz */
	assert_int_equal(fb__bsd_decode_clockinfo(b, sizeof(b), &hz), 0);
	assert_int_equal(hz, 1000);
	assert_int_equal(fb__bsd_decode_clockinfo(b, 16, &hz), -EINVAL);
}

static void test_loadavg(void **state)
{
	unsigned char b[24] = { 0 };
	double l[3];

	(void)state;
	put_u32(b, 0, 2048); /* 1.0 with FSCALE 2048 */
	put_u32(b, 4, 1024);
	put_u32(b, 8, 512);
	put_u64(b, 16, 2048);
	assert_int_equal(fb__bsd_decode_loadavg(b, sizeof(b), l), 0);
	assert_true(l[0] == 1.0 && l[1] == 0.5 && l[2] == 0.25);
	put_u64(b, 16, 0);
	assert_int_equal(fb__bsd_decode_loadavg(b, sizeof(b), l), -EINVAL);
	assert_int_equal(fb__bsd_decode_loadavg(b, 20, l), -EINVAL);
}

static void test_boottime(void **state)
{
	unsigned char b[16];
	double t;

	(void)state;
	put_u64(b, 0, 1700000000);
	put_u64(b, 8, 250000);
	assert_int_equal(fb__bsd_decode_timeval(b, sizeof(b), &t), 0);
	assert_true(t == 1700000000.25);
	put_u64(b, 8, 1000000);
	assert_int_equal(fb__bsd_decode_timeval(b, sizeof(b), &t), -EINVAL);
	assert_int_equal(fb__bsd_decode_timeval(b, 12, &t), -EINVAL);
}

static void test_xswdev(void **state)
{
	unsigned char b[32] = { 0 };
	uint64_t nblks, used;

	(void)state;
	put_u32(b, 0, 2);	/* XSWDEV_VERSION */
	put_u64(b, 8, 0xff01);	/* dev */
	put_u32(b, 16, 1);	/* flags */
	put_u32(b, 20, 524288); /* 2 GiB in 4 KiB pages */
	put_u32(b, 24, 1024);
	assert_int_equal(fb__bsd_decode_xswdev(b, sizeof(b), &nblks, &used), 0);
	assert_int_equal(nblks, 524288);
	assert_int_equal(used, 1024);
	put_u32(b, 0, 1); /* an old layout: refused, not misread */
	assert_int_equal(fb__bsd_decode_xswdev(b, sizeof(b), &nblks, &used), -EINVAL);
	put_u32(b, 0, 2);
	put_u32(b, 24, 600000); /* more used than present */
	assert_int_equal(fb__bsd_decode_xswdev(b, sizeof(b), &nblks, &used), -EINVAL);
	assert_int_equal(fb__bsd_decode_xswdev(b, 28, &nblks, &used), -EINVAL);
}

static void test_uint_widths(void **state)
{
	unsigned char b[8];
	uint64_t v;

	(void)state;
	put_u32(b, 0, 4096);
	assert_int_equal(fb__bsd_decode_uint(b, 4, &v), 0);
	assert_int_equal(v, 4096);
	put_u64(b, 0, 1ULL << 35);
	assert_int_equal(fb__bsd_decode_uint(b, 8, &v), 0);
	assert_int_equal(v, 1ULL << 35);
	assert_int_equal(fb__bsd_decode_uint(b, 2, &v), -EINVAL);
}

static void test_vmem_formulas(void **state)
{
	struct fb__bsd_vm_raw r = {
		.physmem = 8ULL << 30,
		.page_size = 4096,
		.free = 1000000 / 4,
		.active = 300000,
		.inactive = 200000,
		.wire = 100000,
		.cache = 0,
		.bufspace = 1 << 20,
	};
	struct fb_vmem m;

	(void)state;
	fb__bsd_vmem(&r, &m);
	assert_int_equal(m.total, 8ULL << 30);
	assert_int_equal(m.available, (250000ULL + 200000) * 4096);
	assert_int_equal(m.used, (300000ULL + 100000) * 4096);
	assert_int_equal(m.free, 250000ULL * 4096);
	assert_int_equal(m.buffers, 1 << 20);
	assert_true(m.percent ==
		    fb__round1((double)(m.total - m.available) * 100 / (double)m.total));
	assert_false(m.valid & (FB_VMEM_SHARED | FB_VMEM_SLAB));
	/* counters that add up past physmem never make available exceed total */
	r.free = r.physmem;
	fb__bsd_vmem(&r, &m);
	assert_int_equal(m.available, m.total);
	assert_true(m.percent == 0.0);
}

static void test_if_data(void **state)
{
	unsigned char b[152] = { 0 };
	struct fb_net_io d = { 0 };
	int mtu = 0, speed = 0;

	(void)state;
	b[0] = 6; /* IFT_ETHER */
	put_u32(b, 8, 9000);
	put_u64(b, 16, 10000000000ULL); /* 10 Gb/s */
	put_u64(b, 24, 1001);		/* ipackets */
	put_u64(b, 32, 3);		/* ierrors */
	put_u64(b, 40, 2002);		/* opackets */
	put_u64(b, 48, 4);		/* oerrors */
	put_u64(b, 56, 99);		/* collisions: not psutil's */
	put_u64(b, 64, 1ULL << 40);	/* ibytes past 32 bits */
	put_u64(b, 72, 123456);		/* obytes */
	put_u64(b, 96, 5);		/* iqdrops */
	put_u64(b, 104, 6);		/* oqdrops */
	assert_int_equal(fb__bsd_decode_if_data(b, sizeof(b), &d, &mtu, &speed), 0);
	assert_int_equal(d.packets_recv, 1001);
	assert_int_equal(d.packets_sent, 2002);
	assert_int_equal(d.bytes_recv, 1ULL << 40);
	assert_int_equal(d.bytes_sent, 123456);
	assert_int_equal(d.errin, 3);
	assert_int_equal(d.errout, 4);
	assert_int_equal(d.dropin, 5);
	assert_int_equal(d.dropout, 6);
	assert_int_equal(mtu, 9000);
	assert_int_equal(speed, 10000);
	assert_int_equal(fb__bsd_decode_if_data(b, 96, &d, &mtu, &speed), -EINVAL);
}

static void build_kinfo(unsigned char *b)
{
	memset(b, 0, 1088);
	put_u32(b, 0, 1088); /* ki_structsize */
	put_u32(b, 72, 4242);
	put_u32(b, 76, 1);
	put_u32(b, 168, 1001); /* uid */
	put_u32(b, 172, 1002); /* ruid */
	put_u32(b, 176, 1003); /* svuid */
	put_u64(b, 256, 50 << 20);
	put_u64(b, 264, 1000); /* rss pages */
	put_u64(b, 280, 10);
	put_u64(b, 288, 20);
	put_u64(b, 336, 1700000000);
	put_u64(b, 344, 500000);
	b[388] = 3;		    /* SSLEEP */
	b[389] = (unsigned char)-5; /* nice */
	memcpy(b + 447, "sshd: a(b) c", 13);
	put_u32(b, 572, 1); /* lastcpu */
	put_u32(b, 596, 3); /* numthreads */
	put_u64(b, 608, 2); /* rusage utime 2.25 s */
	put_u64(b, 616, 250000);
	put_u64(b, 624, 1); /* stime 1.5 s */
	put_u64(b, 632, 500000);
	put_u64(b, 752, 7); /* children's utime */
}

static void test_kinfo_proc(void **state)
{
	unsigned char b[1088];
	struct fb_proc_info pi;

	(void)state;
	build_kinfo(b);
	assert_int_equal(fb__bsd_decode_kinfo_proc(b, sizeof(b), 4096, &pi), 0);
	assert_int_equal(pi.pid, 4242);
	assert_int_equal(pi.ppid, 1);
	assert_string_equal(pi.name, "sshd: a(b) c");
	assert_int_equal(pi.status, FB_STATUS_SLEEPING);
	assert_true(pi.cpu_times.user == 2.25 && pi.cpu_times.system == 1.5);
	assert_true(pi.cpu_times.children_user == 7.0);
	assert_int_equal(pi.memory_info.rss, 1000 * 4096);
	assert_int_equal(pi.memory_info.vms, 50 << 20);
	assert_int_equal(pi.memory_info.text, 10 * 4096);
	assert_int_equal(pi.memory_info.data, 20 * 4096);
	assert_true(pi.memory_info.shared == FB_MEM_UNKNOWN);
	assert_true(pi.create_time == 1700000000.5);
	assert_int_equal(pi.num_threads, 3);
	assert_int_equal(pi.nice, -5);
	assert_int_equal(pi.cpu_num, 1);
	assert_int_equal(pi.uids.effective, 1001);
	assert_int_equal(pi.uids.real, 1002);
	assert_int_equal(pi.uids.saved, 1003);
	assert_false(pi.valid & (FB_PI_USERNAME | FB_PI_TERMINAL));
	/* a zombie, then an unknown state: status invalid, the rest still decoded */
	b[388] = 5;
	assert_int_equal(fb__bsd_decode_kinfo_proc(b, sizeof(b), 4096, &pi), 0);
	assert_int_equal(pi.status, FB_STATUS_ZOMBIE);
	b[388] = 9;
	assert_int_equal(fb__bsd_decode_kinfo_proc(b, sizeof(b), 4096, &pi), 0);
	assert_false(pi.valid & FB_PI_STATUS);
	/* a comm without its NUL is cut, never overrun */
	memset(b + 447, 'x', 20);
	assert_int_equal(fb__bsd_decode_kinfo_proc(b, sizeof(b), 4096, &pi), 0);
	assert_int_equal(strlen(pi.name), 19);
	/* another layout (ki_structsize) or a short buffer is refused */
	put_u32(b, 0, 1096);
	assert_int_equal(fb__bsd_decode_kinfo_proc(b, sizeof(b), 4096, &pi), -EINVAL);
	put_u32(b, 0, 1088);
	assert_int_equal(fb__bsd_decode_kinfo_proc(b, 1000, 4096, &pi), -EINVAL);
}

static void test_statfs(void **state)
{
	static unsigned char b[2344];
	struct fb_partition pt;

	(void)state;
	memset(b, 0, sizeof(b));
	put_u32(b, 0, 0x20140518);		  /* STATFS_VERSION */
	put_u64(b, 8, 0x1000 | 0x10000000 | 0x8); /* local, noatime, nosuid */
	memcpy(b + 280, "ufs", 4);
	memcpy(b + 296, "/dev/ada0p2", 12);
	memcpy(b + 1320, "/usr/home", 10);
	assert_int_equal(fb__bsd_decode_statfs(b, sizeof(b), &pt), 0);
	assert_string_equal(pt.device, "/dev/ada0p2");
	assert_string_equal(pt.mountpoint, "/usr/home");
	assert_string_equal(pt.fstype, "ufs");
	assert_string_equal(pt.opts, "rw,nosuid,local,noatime");
	/* the FreeBSD backend's fb_partitions_free() frees these four; Linux's differs */
	free(pt.device), free(pt.mountpoint), free(pt.fstype), free(pt.opts);
	put_u64(b, 8, 1);	     /* MNT_RDONLY */
	memset(b + 1320, 'm', 1024); /* a name filling its field without a NUL */
	assert_int_equal(fb__bsd_decode_statfs(b, sizeof(b), &pt), 0);
	assert_string_equal(pt.opts, "ro");
	assert_int_equal(strlen(pt.mountpoint), 1024);
	free(pt.device), free(pt.mountpoint), free(pt.fstype), free(pt.opts);
	put_u32(b, 0, 0x20030518); /* an old statfs layout: refused */
	assert_int_equal(fb__bsd_decode_statfs(b, sizeof(b), &pt), -EINVAL);
	assert_int_equal(fb__bsd_decode_statfs(b, 2000, &pt), -EINVAL);
}

static void test_sockaddr_dl_mac(void **state)
{
	/* sdl_len 20, AF_LINK, index 1, IFT_ETHER, name "em0" (3), address 6, selector 0 */
	unsigned char sdl[20] = { 20,  18,  1,	  0,	6,    3,    6,	  0,   'e',
				  'm', '0', 0x02, 0xfc, 0x00, 0xab, 0xcd, 0xef };
	unsigned char lo[16] = { 16, 18, 2, 0, 24, 3, 0, 0, 'l', 'o', '0' };
	char mac[32];

	(void)state;
	assert_int_equal(fb__sdl_mac(sdl, sizeof(sdl), mac, sizeof(mac)), 0);
	assert_string_equal(mac, "02:fc:00:ab:cd:ef");
	assert_int_equal(fb__sdl_mac(lo, sizeof(lo), mac, sizeof(mac)), -ENOENT);
	sdl[0] = 12; /* sdl_len too short for name + address */
	assert_int_equal(fb__sdl_mac(sdl, sizeof(sdl), mac, sizeof(mac)), -ENOENT);
	assert_int_equal(fb__sdl_mac(sdl, 6, mac, sizeof(mac)), -EINVAL);
}

static void test_sysctl_format(void **state)
{
	unsigned char b[40];
	char out[128];

	(void)state;
	put_u32(b, 0, 4096); /* kern.ipc.somaxconn, "I" */
	assert_int_equal(fb__sysctl_format("I", b, 4, out, sizeof(out)), 0);
	assert_string_equal(out, "4096");
	put_u32(b, 0, (uint32_t)-1);
	assert_int_equal(fb__sysctl_format("I", b, 4, out, sizeof(out)), 0);
	assert_string_equal(out, "-1");
	assert_int_equal(fb__sysctl_format("IU", b, 4, out, sizeof(out)), 0);
	assert_string_equal(out, "4294967295");
	/* kern.cp_time, "LU": five longs, space-separated as sysctl(8) */
	for (int i = 0; i < 5; i++)
		put_u64(b, (size_t)i * 8, (uint64_t)(i + 1) * 1000);
	assert_int_equal(fb__sysctl_format("LU", b, 40, out, sizeof(out)), 0);
	assert_string_equal(out, "1000 2000 3000 4000 5000");
	put_u64(b, 0, (uint64_t)-5);
	assert_int_equal(fb__sysctl_format("Q", b, 8, out, sizeof(out)), 0);
	assert_string_equal(out, "-5");
	b[0] = 0xff; /* "C": signed 8-bit */
	assert_int_equal(fb__sysctl_format("C", b, 1, out, sizeof(out)), 0);
	assert_string_equal(out, "-1");
	assert_int_equal(fb__sysctl_format("CU", b, 1, out, sizeof(out)), 0);
	assert_string_equal(out, "255");
	put_u32(b, 0, 0x8000); /* "S": signed 16-bit */
	assert_int_equal(fb__sysctl_format("S", b, 2, out, sizeof(out)), 0);
	assert_string_equal(out, "-32768");
	memcpy(b, "FreeBSD\0", 8); /* kern.ostype, "A" */
	assert_int_equal(fb__sysctl_format("A", b, 8, out, sizeof(out)), 0);
	assert_string_equal(out, "FreeBSD");
	assert_int_equal(fb__sysctl_format("A", b, 4, out, sizeof(out)), 0); /* no NUL */
	assert_string_equal(out, "Free");
	/* structures, nodes and ragged lengths have no text form */
	assert_int_equal(fb__sysctl_format("S,clockinfo", b, 20, out, sizeof(out)), -ENOTSUP);
	assert_int_equal(fb__sysctl_format("N", b, 0, out, sizeof(out)), -ENOTSUP);
	assert_int_equal(fb__sysctl_format("IX", b, 4, out, sizeof(out)), -ENOTSUP);
	assert_int_equal(fb__sysctl_format("I", b, 6, out, sizeof(out)), -EINVAL);
	assert_int_equal(fb__sysctl_format("LU", b, 40, out, 8), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cp_time_one_cpu),
		cmocka_unit_test(test_cp_times_percpu_and_bad_sizes),
		cmocka_unit_test(test_clockinfo),
		cmocka_unit_test(test_loadavg),
		cmocka_unit_test(test_boottime),
		cmocka_unit_test(test_xswdev),
		cmocka_unit_test(test_uint_widths),
		cmocka_unit_test(test_vmem_formulas),
		cmocka_unit_test(test_if_data),
		cmocka_unit_test(test_kinfo_proc),
		cmocka_unit_test(test_statfs),
		cmocka_unit_test(test_sockaddr_dl_mac),
		cmocka_unit_test(test_sysctl_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
