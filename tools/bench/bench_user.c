// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bench_user.c: userspace events per second, fed from a synthetic ring buffer laid out as
 * the kernel lays it out (an 8-byte header before each record, 8-byte aligned), through the
 * same consumer callback the real ring buffer calls: decode alone, then each exporter (csv
 * and ndjson to /dev/null, ndjson.gz to a file), flushing the sink between drains as
 * consumer__poll() does. Prints the median of several runs.
 */
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/consumer.h"
#include "events.h"
#include "export/export.h"
#include "core/wallclock.h"

#define RUNS	 5
#define RING_HDR 8

struct ring {
	unsigned char *data;
	size_t len;
	size_t records;
};

static const char *const comms[] = { "postgres", "nginx", "java", "kworker/0:1", "sh" };

static int ring__fill(struct ring *r, size_t records)
{
	size_t stride = RING_HDR + ((sizeof(struct vg_runq) + 7) & ~7UL);

	r->data = calloc(records, stride);
	if (!r->data)
		return -1;
	r->len = records * stride;
	r->records = records;
	for (size_t i = 0; i < records; i++) {
		unsigned char *p = r->data + i * stride;
		struct vg_runq *e = (struct vg_runq *)(p + RING_HDR);
		__u32 len = sizeof(*e);

		memcpy(p, &len, sizeof(len));
		e->hdr =
			(struct vg_hdr){ VG_KIND_RUNQ, sizeof(*e), (__u32)(i & 1), 1000 + i * 997 };
		e->latency_ns = 1000 + (i * 7919) % 5000000;
		e->pid = 1000 + (__u32)(i % 1000);
		e->tid = e->pid + (__u32)(i % 3);
		e->prev_pid = 1;
		e->prev_tid = 1;
		strncpy(e->comm, comms[i % 5], VG_COMM_LEN - 1);
		strncpy(e->prev_comm, "swapper/0", VG_COMM_LEN - 1);
	}
	return 0;
}

/* One pass over the ring through the consumer; returns events per second. */
static double ring__drain(const struct ring *r, struct consumer *c)
{
	uint64_t start = mono_now_ns(), ns;
	unsigned char *p = r->data, *end = r->data + r->len;

	while (p < end) {
		__u32 len;

		memcpy(&len, p, sizeof(len));
		if (consumer__handle(c, p + RING_HDR, len) == CONSUMER_STOP)
			sink__flush(c->ex->sink);
		p += RING_HDR + ((len + 7) & ~7U);
	}
	ns = mono_now_ns() - start;
	return (double)r->records * 1e9 / (double)(ns ? ns : 1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double bench_mode(const struct ring *r, int fmt, const char *path)
{
	double rates[RUNS];

	for (int run = 0; run < RUNS; run++) {
		struct sink *s = NULL;
		struct exporter *ex = NULL;
		struct consumer c;

		if (fmt >= 0) {
			s = sink__open(path);
			ex = exporter__new((enum out_format)fmt, s, 1ULL << VG_KIND_RUNQ);
		}
		consumer__init(&c, ex, NULL, NULL);
		rates[run] = ring__drain(r, &c);
		if (fmt >= 0) {
			uint64_t t0 = mono_now_ns();
			double drain_s = (double)r->records / rates[run];

			exporter__free(ex);
			if (sink__close(s))
				fprintf(stderr, "bench_user: writing %s failed\n", path);
			/* the flush and gzip trailer at close belong to the cost */
			rates[run] =
				(double)r->records / (drain_s + (double)(mono_now_ns() - t0) / 1e9);
		}
	}
	qsort(rates, RUNS, sizeof(rates[0]), cmp_double);
	return rates[RUNS / 2];
}

int main(int argc, char **argv)
{
	size_t records = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
	char gz[] = "/tmp/vigil-bench-XXXXXX.ndjson.gz";
	struct ring r;
	int fd;

	if (ring__fill(&r, records)) {
		fprintf(stderr, "bench_user: out of memory\n");
		return 1;
	}
	fd = mkstemps(gz, 10);
	if (fd >= 0)
		close(fd);
	printf("userspace, %zu runq records, median of %d runs (events/s):\n", records, RUNS);
	printf("  decode            %8.2f M/s   (target >= 5 M/s)\n",
	       bench_mode(&r, -1, NULL) / 1e6);
	printf("  csv               %8.2f M/s   (target >= 2 M/s)\n",
	       bench_mode(&r, FMT_CSV, "/dev/null") / 1e6);
	printf("  ndjson            %8.2f M/s\n", bench_mode(&r, FMT_NDJSON, "/dev/null") / 1e6);
	printf("  ndjson.gz         %8.2f M/s\n", bench_mode(&r, FMT_NDJSON, gz) / 1e6);
	unlink(gz);
	free(r.data);
	return 0;
}
