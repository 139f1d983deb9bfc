// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_darwin_decode.c - the macOS backend's decoders on byte fixtures laid out as macOS 11+ (LP64)
 * returns them: host_cpu_load_info tick arrays (one CPU and per CPU), vm_statistics64 with psutil's
 * memory arithmetic, struct xsw_usage, struct timeval with its 4-byte microseconds, struct loadavg,
 * the NET_RT_IFLIST2 message stream (struct if_msghdr2 with if_data64), struct kinfo_proc. Wrong
 * sizes are refused. These run on Linux; the backend itself is only compiled.
 */
#include "fb_test.h"

#include "../../fallback/darwin/darwin_decode.h"

static void put_u32(unsigned char *b, size_t off, uint32_t v)
{
	memcpy(b + off, &v, 4);
}

static void put_u64(unsigned char *b, size_t off, uint64_t v)
{
	memcpy(b + off, &v, 8);
}

static void test_cpu_load_ticks(void **state)
{
	unsigned char b[2 * 16];
	struct fb_cpu_times t[2];
	size_t n = 0;

	(void)state;
	/* user, system, idle, nice at 100 Hz, for two CPUs */
	put_u32(b, 0, 150);
	put_u32(b, 4, 50);
	put_u32(b, 8, 1000);
	put_u32(b, 12, 5);
	put_u32(b, 16, 300);
	put_u32(b, 20, 100);
	put_u32(b, 24, 2000);
	put_u32(b, 28, 0);
	assert_int_equal(fb__darwin_decode_cpu_load(b, sizeof(b), t, 2, &n), 0);
	assert_int_equal(n, 2);
	assert_true(t[0].user == 1.5 && t[0].system == 0.5 && t[0].idle == 10.0);
	assert_true(t[0].nice == 0.05);
	assert_true(t[1].user == 3.0 && t[1].idle == 20.0);
	assert_false(t[0].valid & (FB_CPU_IOWAIT | FB_CPU_IRQ | FB_CPU_SOFTIRQ));
	assert_int_equal(fb__darwin_decode_cpu_load(b, 20, t, 2, &n), -EINVAL);
}

static void test_vmstat64_formulas(void **state)
{
	unsigned char b[152] = { 0 };
	const uint64_t ps = 16384, memsize = 16ULL << 30;
	struct fb_vmem m;
	uint64_t pin, pout;

	(void)state;
	put_u32(b, 0, 100000);	/* free_count */
	put_u32(b, 4, 300000);	/* active */
	put_u32(b, 8, 250000);	/* inactive */
	put_u32(b, 12, 150000); /* wire */
	put_u64(b, 32, 777);	/* pageins */
	put_u64(b, 40, 55);	/* pageouts */
	put_u32(b, 92, 20000);	/* speculative */
	assert_int_equal(fb__darwin_decode_vmstat(b, sizeof(b), memsize, ps, &m), 0);
	assert_int_equal(m.total, memsize);
	assert_int_equal(m.available, (250000ULL + 100000) * ps);
	assert_int_equal(m.used, (300000ULL + 150000) * ps);
	assert_int_equal(m.free, (100000ULL - 20000) * ps);
	assert_int_equal(m.active, 300000ULL * ps);
	assert_true(m.percent ==
		    fb__round1((double)(m.total - m.available) * 100 / (double)m.total));
	assert_false(m.valid & (FB_VMEM_BUFFERS | FB_VMEM_CACHED | FB_VMEM_SHARED));
	assert_int_equal(fb__darwin_decode_vm_paging(b, sizeof(b), &pin, &pout), 0);
	assert_int_equal(pin, 777);
	assert_int_equal(pout, 55);
	assert_int_equal(fb__darwin_decode_vmstat(b, 148, memsize, ps, &m), -EINVAL);
	assert_int_equal(fb__darwin_decode_vmstat(b, sizeof(b), 0, ps, &m), -EINVAL);
}

static void test_xsw_usage(void **state)
{
	unsigned char b[32] = { 0 };
	struct fb_swap s;

	(void)state;
	put_u64(b, 0, 2ULL << 30);    /* total */
	put_u64(b, 8, 1536ULL << 20); /* avail */
	put_u64(b, 16, 512ULL << 20); /* used */
	put_u32(b, 24, 16384);	      /* pagesize */
	put_u32(b, 28, 1);	      /* encrypted */
	assert_int_equal(fb__darwin_decode_xsw_usage(b, sizeof(b), &s), 0);
	assert_int_equal(s.total, 2ULL << 30);
	assert_int_equal(s.used, 512ULL << 20);
	assert_int_equal(s.free, 1536ULL << 20);
	assert_true(s.percent == 25.0);
	assert_false(s.valid & (FB_SWAP_SIN | FB_SWAP_SOUT)); /* filled by the fetch side */
	put_u64(b, 16, 3ULL << 30);
	assert_int_equal(fb__darwin_decode_xsw_usage(b, sizeof(b), &s), -EINVAL);
	assert_int_equal(fb__darwin_decode_xsw_usage(b, 24, &s), -EINVAL);
}

static void test_timeval_and_loadavg(void **state)
{
	unsigned char tv[16] = { 0 }, la[24] = { 0 };
	double t, l[3];

	(void)state;
	put_u64(tv, 0, 1700000000);
	put_u32(tv, 8, 500000);
	put_u32(tv, 12, 0xdeadbeef); /* padding after the 4-byte tv_usec is ignored */
	assert_int_equal(fb__darwin_decode_timeval(tv, sizeof(tv), &t), 0);
	assert_true(t == 1700000000.5);
	put_u32(tv, 8, 2000000);
	assert_int_equal(fb__darwin_decode_timeval(tv, sizeof(tv), &t), -EINVAL);
	put_u32(la, 0, 4096);
	put_u32(la, 4, 2048);
	put_u32(la, 8, 1024);
	put_u64(la, 16, 2048);
	assert_int_equal(fb__darwin_decode_loadavg(la, sizeof(la), l), 0);
	assert_true(l[0] == 2.0 && l[1] == 1.0 && l[2] == 0.5);
	assert_int_equal(fb__darwin_decode_loadavg(la, 16, l), -EINVAL);
}

static size_t put_ifinfo2(unsigned char *b, uint16_t index, uint32_t flags, uint64_t ibytes)
{
	memset(b, 0, 160);
	put_u32(b, 0, 160);	   /* ifm_msglen (u16) then version 0 */
	b[2] = 5;		   /* RTM_VERSION */
	b[3] = 0x12;		   /* RTM_IFINFO2 */
	put_u32(b, 8, flags);	   /* ifm_flags */
	memcpy(b + 12, &index, 2); /* ifm_index */
	put_u32(b, 32 + 8, 1500);  /* ifi_mtu */
	put_u64(b, 32 + 16, 1000000000ULL);
	put_u64(b, 32 + 24, 11); /* ipackets */
	put_u64(b, 32 + 32, 1);	 /* ierrors */
	put_u64(b, 32 + 40, 22); /* opackets */
	put_u64(b, 32 + 48, 2);	 /* oerrors */
	put_u64(b, 32 + 64, ibytes);
	put_u64(b, 32 + 72, 5555); /* obytes */
	put_u64(b, 32 + 96, 3);	   /* iqdrops */
	return 160;
}

static void test_iflist2_stream(void **state)
{
	unsigned char b[160 + 24 + 160];
	struct fb_net_io d = { 0 };
	unsigned index;
	uint32_t flags;
	size_t off, mlen;
	int mtu, speed, found = 0;

	(void)state;
	off = put_ifinfo2(b, 1, 0x8049, 1ULL << 33);
	/* an RTM_NEWADDR message in between, 24 bytes, to be stepped over */
	memset(b + off, 0, 24);
	put_u32(b + off, 0, 24);
	b[off + 3] = 0xc;
	off += 24;
	off += put_ifinfo2(b + off, 4, 0x8863, 77);
	for (size_t at = 0; at < off; at += mlen) {
		int r = fb__darwin_decode_ifmsg(b + at, off - at, &mlen, &index, &flags, &d, &mtu,
						&speed);

		assert_true(r >= 0);
		if (!r) {
			assert_int_equal(mlen, 24);
			continue;
		}
		found++;
		assert_int_equal(mtu, 1500);
		assert_int_equal(speed, 1000);
		assert_int_equal(d.packets_recv, 11);
		assert_int_equal(d.packets_sent, 22);
		assert_int_equal(d.errin, 1);
		assert_int_equal(d.errout, 2);
		assert_int_equal(d.bytes_sent, 5555);
		assert_int_equal(d.dropin, 3);
		assert_int_equal(d.dropout, 0);
		if (index == 1) {
			assert_int_equal(flags, 0x8049);
			assert_int_equal(d.bytes_recv, 1ULL << 33); /* 64-bit, no wrap at 4 GiB */
		} else {
			assert_int_equal(index, 4);
			assert_int_equal(d.bytes_recv, 77);
		}
	}
	assert_int_equal(found, 2);
	/* a message claiming more bytes than there are, or a short IFINFO2, is refused */
	assert_int_equal(fb__darwin_decode_ifmsg(b, 100, &mlen, &index, &flags, &d, &mtu, &speed),
			 -EINVAL);
	put_u32(b, 0, 40);
	b[2] = 5;
	b[3] = 0x12;
	assert_int_equal(fb__darwin_decode_ifmsg(b, 160, &mlen, &index, &flags, &d, &mtu, &speed),
			 -EINVAL);
	put_u32(b, 0, 2);
	assert_int_equal(fb__darwin_decode_ifmsg(b, 160, &mlen, &index, &flags, &d, &mtu, &speed),
			 -EINVAL);
}

static void test_kinfo_proc(void **state)
{
	unsigned char b[648] = { 0 };
	struct fb_proc_info pi;

	(void)state;
	put_u64(b, 0, 1700000000); /* p_starttime */
	put_u32(b, 8, 250000);
	b[36] = 2;	     /* SRUN */
	put_u32(b, 40, 501); /* p_pid */
	b[242] = 10;	     /* p_nice */
	memcpy(b + 243, "Google Chrome He", 17);
	put_u32(b, 392, 502); /* p_ruid */
	put_u32(b, 396, 503); /* p_svuid */
	put_u32(b, 420, 0);   /* cr_uid: setuid root */
	put_u32(b, 560, 1);   /* e_ppid */
	assert_int_equal(fb__darwin_decode_kinfo_proc(b, sizeof(b), &pi), 0);
	assert_int_equal(pi.pid, 501);
	assert_int_equal(pi.ppid, 1);
	assert_string_equal(pi.name, "Google Chrome He");
	assert_int_equal(pi.status, FB_STATUS_RUNNING);
	assert_true(pi.create_time == 1700000000.25);
	assert_int_equal(pi.nice, 10);
	assert_int_equal(pi.uids.real, 502);
	assert_int_equal(pi.uids.saved, 503);
	assert_int_equal(pi.uids.effective, 0);
	assert_false(pi.valid & (FB_PI_CPU_TIMES | FB_PI_MEMORY_INFO | FB_PI_NUM_THREADS));
	b[36] = 7; /* no such state on macOS */
	assert_int_equal(fb__darwin_decode_kinfo_proc(b, sizeof(b), &pi), 0);
	assert_false(pi.valid & FB_PI_STATUS);
	memset(b + 243, 'x', 17);
	assert_int_equal(fb__darwin_decode_kinfo_proc(b, sizeof(b), &pi), 0);
	assert_int_equal(strlen(pi.name), 16);
	assert_int_equal(fb__darwin_decode_kinfo_proc(b, 600, &pi), -EINVAL);
}

static void test_statfs(void **state)
{
	static unsigned char b[2168];
	struct fb_partition pt;

	(void)state;
	memset(b, 0, sizeof(b));
	put_u32(b, 64, 0x1 | 0x1000 | 0x4000 | 0x00800000); /* ro, local, rootfs, journaled */
	memcpy(b + 72, "apfs", 5);
	memcpy(b + 88, "/", 2);
	memcpy(b + 1112, "/dev/disk3s1s1", 15);
	assert_int_equal(fb__darwin_decode_statfs(b, sizeof(b), &pt), 0);
	assert_string_equal(pt.device, "/dev/disk3s1s1");
	assert_string_equal(pt.mountpoint, "/");
	assert_string_equal(pt.fstype, "apfs");
	assert_string_equal(pt.opts, "ro,local,rootfs,journaled");
	free(pt.device), free(pt.mountpoint), free(pt.fstype), free(pt.opts);
	assert_int_equal(fb__darwin_decode_statfs(b, 2100, &pt), -EINVAL);
}

static void test_taskinfo(void **state)
{
	unsigned char b[96] = { 0 };
	struct fb_proc_info pi = { .valid = FB_PI_NAME };

	(void)state;
	put_u64(b, 0, 4ULL << 30);  /* virtual */
	put_u64(b, 8, 100 << 20);   /* resident */
	put_u64(b, 16, 3000000000); /* user, Mach units */
	put_u64(b, 24, 1500000000); /* system */
	put_u32(b, 84, 7);	    /* threadnum */
	/* Apple silicon's timebase 125/3: 3e9 units are 125 s */
	assert_int_equal(fb__darwin_decode_taskinfo(b, sizeof(b), 125, 3, &pi), 0);
	assert_true(pi.cpu_times.user == 125.0 && pi.cpu_times.system == 62.5);
	assert_int_equal(pi.memory_info.rss, 100 << 20);
	assert_int_equal(pi.memory_info.vms, 4ULL << 30);
	assert_true(pi.memory_info.text == FB_MEM_UNKNOWN);
	assert_int_equal(pi.num_threads, 7);
	assert_true(pi.valid & FB_PI_NAME); /* merged, not replaced */
	assert_true(pi.valid & FB_PI_CPU_TIMES);
	/* Intel's 1/1: units are ns */
	assert_int_equal(fb__darwin_decode_taskinfo(b, sizeof(b), 1, 1, &pi), 0);
	assert_true(pi.cpu_times.user == 3.0);
	assert_int_equal(fb__darwin_decode_taskinfo(b, sizeof(b), 1, 0, &pi), -EINVAL);
	assert_int_equal(fb__darwin_decode_taskinfo(b, 88, 1, 1, &pi), -EINVAL);
}

static void test_procargs2(void **state)
{
	/* argc 3, exec path, padding, 3 args, then the environment */
	static const char raw[] = "\x03\0\0\0/usr/bin/python3\0\0\0\0python3\0-c\0print(1)\0"
				  "HOME=/Users/a\0";
	struct fb_strv v;

	(void)state;
	assert_int_equal(fb__darwin_decode_procargs2(raw, sizeof(raw) - 1, &v), 0);
	assert_int_equal(v.n, 3);
	assert_string_equal(v.v[0], "python3");
	assert_string_equal(v.v[1], "-c");
	assert_string_equal(v.v[2], "print(1)");
	fb_strv_free(&v);
	/* argc larger than the strings present: refused */
	assert_int_equal(fb__darwin_decode_procargs2("\x09\0\0\0/bin/x\0\0a\0", 13, &v), -EINVAL);
	assert_int_equal(fb__darwin_decode_procargs2("\x01\0", 2, &v), -EINVAL);
	/* argc 0 (a kernel process): an empty vector */
	assert_int_equal(fb__darwin_decode_procargs2("\0\0\0\0/x\0", 7, &v), 0);
	assert_int_equal(v.n, 0);
	fb_strv_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_load_ticks), cmocka_unit_test(test_vmstat64_formulas),
		cmocka_unit_test(test_xsw_usage),      cmocka_unit_test(test_timeval_and_loadavg),
		cmocka_unit_test(test_iflist2_stream), cmocka_unit_test(test_kinfo_proc),
		cmocka_unit_test(test_statfs),	       cmocka_unit_test(test_taskinfo),
		cmocka_unit_test(test_procargs2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
