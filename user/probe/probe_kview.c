// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_kview.c: the probes' kernel view (probe_kview.h). It loads bpf/kview.bpf.c, a light
 * skeleton whose two tracepoint programs follow this process' TCP connections alone, in
 * socket-local storage, and read one record per connection from its ring buffer when the
 * socket closes; the last few are kept so each probe run can find its own by its 4-tuple.
 * BPF only: a poller would miss a connection that lives a millisecond.
 */
#include "probe/probe_kview.h"

#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/types.h>

#include "core/probe.h"
#include "core/wallclock.h"
#include "kview.lskel.h"
#include "kview_rec.h"

#define KVIEW_KEEP 64 /* records kept: more than the connections one probe run opens */

struct probe_kview {
	struct kview_lskel *skel;
	struct ring_buffer *ring;
	struct kview_rec e[KVIEW_KEEP];
	unsigned int next; /* where the next record goes (a ring) */
};

static int kview_keep(void *ctx, void *data, size_t size)
{
	struct probe_kview *k = ctx;

	if (size >= sizeof(struct kview_rec))
		memcpy(&k->e[k->next++ % KVIEW_KEEP], data, sizeof(struct kview_rec));
	return 0;
}

/* Load, attach and map the ring: 0, or -errno with *step the stage that failed. */
static int kview_load(struct probe_kview *k, const char **step)
{
	int err;

	*step = "open";
	k->skel = kview_lskel__open();
	if (!k->skel)
		return errno ? -errno : -ENOMEM;
	k->skel->rodata->targ_tgid = (__u32)getpid();
	*step = "load";
	err = kview_lskel__load(k->skel);
	if (!err) {
		*step = "attach";
		err = kview_lskel__attach(k->skel);
	}
	if (err)
		return err;
	*step = "map its ring buffer";
	k->ring = ring_buffer__new(k->skel->maps.kview_ring.map_fd, kview_keep, k, NULL);
	return k->ring ? 0 : (errno ? -errno : -ENOMEM);
}

struct probe_kview *probe_kview__start(char *why, size_t len)
{
	struct probe_result fail;
	struct probe_kview *k;
	const char *step;
	int err;

	if (!probe_machine(&fail)) {
		snprintf(why, len, "%s", fail.detail);
		errno = ENOTSUP;
		return NULL;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		snprintf(why, len, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	err = kview_load(k, &step);
	if (err) {
		snprintf(why, len, "the kernel view's BPF program failed to %s: %s", step,
			 strerror(-err));
		probe_kview__free(k);
		errno = -err;
		return NULL;
	}
	return k;
}

/* An address as the record holds it: IPv4 in the first 4 bytes. false when not one. */
static bool addr_bytes(const char *ip, uint8_t out[16], uint16_t *family)
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, ip, out) == 1) {
		*family = AF_INET;
		return true;
	}
	*family = AF_INET6;
	return inet_pton(AF_INET6, ip, out) == 1;
}

static const struct kview_rec *kview_find(const struct probe_kview *k, const uint8_t lip[16],
					  long lport, const uint8_t rip[16], long rport,
					  uint16_t family)
{
	unsigned int n = k->next < KVIEW_KEEP ? k->next : KVIEW_KEEP;

	for (unsigned int i = 0; i < n; i++) {
		const struct kview_rec *e = &k->e[i];

		if (e->family == family && e->sport == lport && e->dport == rport &&
		    !memcmp(e->saddr, lip, 16) && !memcmp(e->daddr, rip, 16))
			return e;
	}
	return NULL;
}

void probe_kview__lookup(struct probe_kview *k, const char *local_ip, long local_port,
			 const char *remote_ip, long remote_port, uint64_t wait_ns,
			 struct probe_kview_conn *c)
{
	uint64_t deadline = mono_now_ns() + wait_ns;
	const struct kview_rec *e;
	uint8_t lip[16], rip[16];
	uint16_t family, rfamily;

	memset(c, 0, sizeof(*c));
	if (!k || !local_port || !remote_port || !addr_bytes(local_ip, lip, &family) ||
	    !addr_bytes(remote_ip, rip, &rfamily) || family != rfamily)
		return;
	/*
	 * What has come already, without a wakeup; then sleep, saying so, so that the record is
	 * submitted with one. A record submitted between the flag and the sleep comes at the
	 * next round, a millisecond later.
	 */
	ring_buffer__consume(k->ring);
	for (;;) {
		e = kview_find(k, lip, local_port, rip, remote_port, family);
		if (e || mono_now_ns() >= deadline)
			break;
		__atomic_store_n(&k->skel->bss->kview_waiting, 1, __ATOMIC_SEQ_CST);
		ring_buffer__consume(k->ring);
		if (!kview_find(k, lip, local_port, rip, remote_port, family))
			ring_buffer__poll(k->ring, 1);
		__atomic_store_n(&k->skel->bss->kview_waiting, 0, __ATOMIC_RELAXED);
	}
	if (!e)
		return;
	c->found = true;
	c->connect_latency_ns = e->flags & KVIEW_CONNECTED ? (int64_t)e->connect_ns : -1;
	c->srtt_us = e->srtt_us;
	c->srtt_min_us = e->flags & KVIEW_SRTT ? (int64_t)e->srtt_min_us : -1;
	c->srtt_max_us = e->flags & KVIEW_SRTT ? (int64_t)e->srtt_max_us : -1;
	c->retransmits = e->retransmits;
	c->bytes_sent = (int64_t)e->bytes_sent;
	c->bytes_received = (int64_t)e->bytes_received;
}

uint64_t probe_kview__missed(struct probe_kview *k)
{
	return k ? __atomic_load_n(&k->skel->bss->kview_missed, __ATOMIC_RELAXED) : 0;
}

void probe_kview__free(struct probe_kview *k)
{
	if (!k)
		return;
	ring_buffer__free(k->ring);
	if (k->skel)
		kview_lskel__destroy(k->skel);
	free(k);
}
