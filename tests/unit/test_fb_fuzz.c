// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_fb_fuzz.c - a deterministic mutation fuzzer for the fallback library's text parsers,
 * run as a unit test (and under ASan/UBSan by tools/sanitize_fallback.sh): stat, statm,
 * diskstats, net/dev and smaps lines, human sizes and the key-value lookup get seeds from
 * real files, then truncations, byte flips, duplicated and deleted spans.  Every input must
 * be accepted or rejected without a crash, an out-of-bounds read or undefined behaviour.
 */
#include "fb_test.h"
#include "../../fallback/linux/proc_int.h"

static const char *const seeds[] = {
	"4242 (a b) (c\nd) S 1 4242 4242 0 -1 4194304 500 0 3 0 250 125 10 5 20 0 2 0 12345 "
	"1048576 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 0 1 0 0 7 0 0\n",
	"256 200 50 10 0 100 0\n",
	"   8       0 sda 100 2 800 30 200 4 1600 50 0 70 80 1 2 3 4 5 6\n",
	"   3       0 1000 hda 5 100 6 8000 7 200 8 0 9 10 11\n",
	"  eth0:4294967000 100 1 2 0 0 0 0 2000 20 3 4 0 0 0 0\n",
	"00400000-00401000 r-xp 00000000 08:01 123   /usr/bin/foo\nSize:  4 kB\nRss: 4 kB\n"
	"Pss: 2 kB\n7f00-7f01 rw-p 00000000 00:00 0 \nAnonymous: 4 kB\nVmFlags: rd wr\n",
	"MemTotal: 1000 kB\nMemFree: 300 kB\nSwapTotal:\n",
	"9.8K",
	"1.5 MiB",
};

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static size_t mutate(uint32_t *s, char *buf, size_t len, size_t cap)
{
	int ops = 1 + (int)(rnd(s) % 4);

	for (int i = 0; i < ops && len; i++) {
		size_t at = rnd(s) % len, n;

		switch (rnd(s) % 5) {
		case 0: /* truncate */
			len = at;
			break;
		case 1: /* flip a byte to something the parsers care about */
			buf[at] = "0123456789 ()-:\n\t\xff-9x"[rnd(s) % 21];
			break;
		case 2: /* delete a span */
			n = rnd(s) % (len - at + 1);
			memmove(buf + at, buf + at + n, len - at - n);
			len -= n;
			break;
		case 3: /* duplicate a span */
			n = rnd(s) % 16;
			if (at + n > len)
				n = len - at;
			if (len + n < cap) {
				memmove(buf + at + n, buf + at, len - at);
				len += n;
			}
			break;
		default: /* long digit runs: overflow paths */
			for (n = 0; n < 25 && at + n < len; n++)
				buf[at + n] = '9';
			break;
		}
	}
	buf[len] = '\0';
	return len;
}

static void run_parsers(const char *in)
{
	struct fb__pstat st;
	struct fb_disk_io d;
	struct fb_net_io nio;
	struct fb_mmap *maps;
	uint64_t m[7], v;
	size_t n;

	fb__parse_stat(in, &st);
	fb__parse_statm(in, m);
	fb__parse_diskstats_line(in, &d);
	fb__parse_net_dev_line(in, &nio);
	if (!fb__parse_smaps(in, true, &maps, &n))
		free(maps);
	if (!fb__parse_smaps(in, false, &maps, &n))
		free(maps);
	fb_human2bytes(in, &v);
	fb__kv_u64(in, "MemTotal", &v);
	fb__kv_u64(in, "SwapTotal", &v);
}

static void test_parsers_survive_mutations(void **state)
{
	char buf[1024];
	uint32_t s = 0x9e3779b9;

	(void)state;
	for (size_t k = 0; k < sizeof(seeds) / sizeof(seeds[0]); k++) {
		for (int i = 0; i < 20000; i++) {
			size_t len = strlen(seeds[k]);

			memcpy(buf, seeds[k], len + 1);
			mutate(&s, buf, len, sizeof(buf) - 1);
			run_parsers(buf);
		}
	}
	/* the parsed values stay exact on the untouched seeds */
	{
		struct fb__pstat st;

		assert_int_equal(fb__parse_stat(seeds[0], &st), 0);
		assert_string_equal(st.comm, "a b) (c\nd");
		assert_int_equal(st.starttime, 12345);
		assert_int_equal(st.processor, 1);
		assert_int_equal(st.blkio_ticks, 7);
	}
}

static void test_stat_rejects_truncation_everywhere(void **state)
{
	char buf[512];
	struct fb__pstat st;
	size_t len = strlen(seeds[0]);

	(void)state;
	/* every prefix that ends before starttime (field 22) is an error, never garbage */
	for (size_t cut = 0; cut < len; cut++) {
		int err;

		memcpy(buf, seeds[0], cut);
		buf[cut] = '\0';
		err = fb__parse_stat(buf, &st);
		if (!err)
			assert_true(st.nfields >= 22);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parsers_survive_mutations),
		cmocka_unit_test(test_stat_rejects_truncation_everywhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
