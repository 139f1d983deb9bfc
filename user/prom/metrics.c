// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * metrics.c: one scrape of `vigil serve`. The in-kernel histograms are read as deltas (a
 * one-slot array's growth, or a hash map drained with lookup-and-delete) and added to
 * cumulative totals kept here, so Prometheus sees counters that only grow whatever the map
 * type; a histogram keyed per disk gets one series per disk. Drop counters and program
 * statistics are cumulative in the kernel and read as is. The session's observer (another
 * thread) folds polled samples and tcp_close records into counters under a lock.
 */
#include "prom/metrics.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "blkio/blkio_dev.h"
#include "blkio/blkio_fmt.h"
#include "dns/dns_metrics.h"
#include "fallback.h"
#include "core/cgroup_ids.h"
#include "core/hist.h"
#include "core/session.h"

#define METRICS_MAX_HISTS 16
#define METRICS_UNIT_NS	  1000 /* the unit serve asks the kernel for: usecs */

#define METRICS_HIST_KEYS 64 /* disks per histogram; more fold into "other" */
#define METRICS_KEY_OTHER UINT64_MAX

struct metrics_hist {
	const struct hist_desc *desc;
	struct hist_reader reader;
	struct hist_entry *entries;
	bool per_disk_op; /* keyed by dev_t and op: one series per disk and op */
	/* keyed by cgroup id, folded by container: key 0 none, i + 1 containers[i] */
	bool per_container;
	struct cgroup_ids *cgroups;
	char containers[METRICS_HIST_KEYS][32];
	int ncontainers;
	struct metrics_hist_key {
		uint64_t key;
		uint64_t slots[VG_HIST_SLOTS];
		uint64_t sum; /* usecs */
	} keys[METRICS_HIST_KEYS + 1];
	int nkeys;
};

struct metrics {
	const struct session *s;
	const struct metrics_source *sources;
	int nsources;
	struct metrics_hist hists[METRICS_MAX_HISTS];
	int nhists;
	pthread_mutex_t hist_lock; /* hists[]: scrapes and the alert rules both read them */
	struct fb_nowrap *disk_nw, *net_nw;
	uint64_t scrapes;
	/* what the session's observer folds in (under lock: it runs on the main thread) */
	pthread_mutex_t lock;
	bool sched_polled; /* sched is on its poller */
	uint64_t sched_wait_ns, sched_oncpu_ns, sched_slices;
	struct metrics_tcp tcp;
	struct dns_metrics *dns; /* when the dns subsystem runs */
};

/* The map a global histogram lives in: "<map>_total" if the object has one, else <map>. */
static int hist_map_fd(const struct tracer *t, const struct hist_desc *d)
{
	char total[96];
	int fd;

	snprintf(total, sizeof(total), "%s_total", d->map);
	fd = tracer__map_fd(t, total);
	return fd >= 0 ? fd : tracer__map_fd(t, d->map);
}

static int metrics__add_hists(struct metrics *m, const struct tracer *t)
{
	uint32_t per = t->hist_per; /* what the session gave t: global where no histogram fits */

	for (int id = 0; id < HIST__COUNT; id++) {
		const struct hist_desc *d = &hist_descs[id];
		struct metrics_hist *h;
		bool keyed;
		int fd, err;

		if (!d->name || strcmp(d->subsystem, t->ops->name) || !(t->ops->hists & (1U << id)))
			continue;
		if (m->nhists == METRICS_MAX_HISTS)
			return -E2BIG;
		keyed = per != VG_PER_GLOBAL && hist_per_is_allowed(id, per);
		fd = keyed ? tracer__map_fd(t, d->map) : hist_map_fd(t, d);
		if (fd < 0)
			continue;
		h = &m->hists[m->nhists];
		err = hist_reader__init(&h->reader, fd);
		if (err)
			return err;
		h->entries = calloc(h->reader.max_entries, sizeof(*h->entries));
		if (!h->entries) {
			hist_reader__fini(&h->reader);
			return -ENOMEM;
		}
		h->desc = d;
		h->per_disk_op = keyed && per == VG_PER_DISK_OP;
		if (keyed && per == VG_PER_CGROUP) {
			h->per_container = true;
			h->cgroups = cgroup_ids__new();
			if (!h->cgroups) {
				free(h->entries);
				hist_reader__fini(&h->reader);
				return -ENOMEM;
			}
		}
		m->nhists++;
	}
	return 0;
}

/* Fold a fallback sample or a tcp_close into the flow counters (the session's observer). */
void metrics__observe(void *ctx, const struct vrow *row)
{
	struct metrics *m = ctx;

	pthread_mutex_lock(&m->lock);
	if (row->kind == VK_SAMPLE) {
		m->sched_wait_ns += row->v[VF_RUN_DELAY_NS].u;
		m->sched_oncpu_ns += row->v[VF_ONCPU_NS].u;
		m->sched_slices += row->v[VF_TIMESLICES].u;
		m->sched_polled = true;
	} else if (row->kind == VG_KIND_TCP_CLOSE) {
		metrics_tcp__add(&m->tcp, row);
	} else if (row->kind == VG_KIND_DNS) {
		dns_metrics__add(m->dns, row);
	}
	pthread_mutex_unlock(&m->lock);
}

/* The totals of histogram id (0 when it is not served): its sum in ns, its count. */
static void hist_totals(const struct metrics *m, int id, uint64_t *sum_ns, uint64_t *count)
{
	*sum_ns = *count = 0;
	for (int i = 0; i < m->nhists; i++) {
		const struct metrics_hist *h = &m->hists[i];

		if (h->desc != &hist_descs[id])
			continue;
		for (int k = 0; k < h->nkeys; k++) {
			*sum_ns += h->keys[k].sum * METRICS_UNIT_NS;
			for (int s = 0; s < VG_HIST_SLOTS; s++)
				*count += h->keys[k].slots[s];
		}
	}
}

/*
 * With sched on BPF, the schedstat counters of the fallback from the histograms (already
 * updated by this scrape): the run queue latencies' sum, the time slices' sum and count.
 * The same series then exist on either source, so a dashboard survives a change of privilege.
 */
static void sched_from_hists(struct metrics *m)
{
	uint64_t n;

	hist_totals(m, HIST_RUNQ, &m->sched_wait_ns, &n);
	hist_totals(m, HIST_ONCPU, &m->sched_oncpu_ns, &m->sched_slices);
}

static void write_flows(struct metrics *m, struct prom *p)
{
	bool sched_bpf = false;

	for (int i = 0; i < m->nhists; i++)
		sched_bpf |= !strcmp(m->hists[i].desc->subsystem, "sched");
	pthread_mutex_lock(&m->lock);
	if (sched_bpf && !m->sched_polled)
		sched_from_hists(m);
	if (m->sched_polled || sched_bpf) {
		prom__family(p, "vigil_sched_run_delay_seconds_total", "counter",
			     "Time tasks spent runnable on a run queue: the run queue latency "
			     "histogram's sum, or schedstat on the sched fallback.");
		prom__ns(p, "vigil_sched_run_delay_seconds_total", "", m->sched_wait_ns);
		prom__family(p, "vigil_sched_oncpu_seconds_total", "counter",
			     "Time tasks spent on a CPU: the time slice histogram's sum, or "
			     "schedstat on the sched fallback.");
		prom__ns(p, "vigil_sched_oncpu_seconds_total", "", m->sched_oncpu_ns);
		prom__family(p, "vigil_sched_timeslices_total", "counter",
			     "Times tasks got a CPU: the time slice histogram's count, or "
			     "schedstat on the sched fallback.");
		prom__u64(p, "vigil_sched_timeslices_total", "", m->sched_slices);
	}
	metrics_tcp__write(&m->tcp, p);
	if (m->dns) {
		struct tracer *t = m->s ? session__tracer(m->s, "dns") : NULL;

		dns_metrics__write(m->dns, p, t ? t->skel : NULL);
	}
	pthread_mutex_unlock(&m->lock);
}

struct metrics *metrics__new(const struct metrics_source *sources, int nsources)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	pthread_mutex_init(&m->lock, NULL);
	pthread_mutex_init(&m->hist_lock, NULL);
	m->sources = sources;
	m->nsources = nsources;
	for (int i = 0; i < nsources; i++) /* sched counters exist from the start, at 0 */
		m->sched_polled |= !strcmp(sources[i].subsystem, "sched") &&
				   !strcmp(sources[i].source, "procfs");
	m->disk_nw = fb_nowrap__new();
	m->net_nw = fb_nowrap__new();
	if (!m->disk_nw || !m->net_nw) {
		metrics__free(m);
		errno = ENOMEM;
		return NULL;
	}
	return m;
}

int metrics__attach(struct metrics *m, const struct session *s)
{
	m->s = s;
	if (session__source(s, "dns")) { /* BPF, or the packet socket */
		m->dns = dns_metrics__new();
		if (!m->dns)
			return -ENOMEM;
	}
	for (int i = 0; i < s->ntracers; i++) {
		int err = metrics__add_hists(m, s->tracers[i]);

		if (err)
			return err;
	}
	return 0;
}

/*
 * The key of the container cgroup id belongs to: 0 for none (or a cgroup already gone),
 * i + 1 for the i-th container seen; METRICS_KEY_OTHER past the cap.
 */
static uint64_t metrics_hist__container(struct metrics_hist *h, uint64_t id)
{
	struct fb_cgroup_name n;
	char c[32];

	fb_cgroup_name_parse(cgroup_ids__path(h->cgroups, id), &n);
	if (!*fb_cgroup_name_container(&n, c, sizeof(c)))
		return 0;
	for (int i = 0; i < h->ncontainers; i++) {
		if (!strcmp(h->containers[i], c))
			return (uint64_t)i + 1;
	}
	if (h->ncontainers == METRICS_HIST_KEYS - 1) /* key 0 holds one slot too */
		return METRICS_KEY_OTHER;
	snprintf(h->containers[h->ncontainers], sizeof(h->containers[0]), "%s", c);
	return (uint64_t)++h->ncontainers;
}

/* Fold what the kernel counted since the last scrape into the totals. */
/* The accumulator for key (one for all keys unless per disk), created on first use. */
static struct metrics_hist_key *metrics_hist__key(struct metrics_hist *h, uint64_t key)
{
	if (h->per_container)
		key = metrics_hist__container(h, key);
	else if (!h->per_disk_op)
		key = 0;
	for (int i = 0; i < h->nkeys; i++) {
		if (h->keys[i].key == key)
			return &h->keys[i];
	}
	if (h->nkeys == METRICS_HIST_KEYS && key != METRICS_KEY_OTHER)
		return metrics_hist__key(h, METRICS_KEY_OTHER);
	h->keys[h->nkeys].key = key;
	return &h->keys[h->nkeys++];
}

static int metrics_hist__update(struct metrics_hist *h)
{
	int n = hist_reader__drain(&h->reader, h->entries);

	if (n < 0)
		return n;
	if (!h->nkeys)
		metrics_hist__key(h, 0); /* a histogram with no observation yet still exists */
	for (int i = 0; i < n; i++) {
		struct metrics_hist_key *k = metrics_hist__key(h, h->entries[i].key);

		for (int s = 0; s < VG_HIST_SLOTS; s++)
			k->slots[s] += h->entries[i].h.slots[s];
		k->sum += h->entries[i].h.sum;
	}
	return 0;
}

/*
 * {device="vda",op="read"} for a dev_t | op << 32 key (node_exporter's device label, so the
 * series join with node_disk_*); device and op "other" past the cap.
 */
static const char *disk_labels(uint64_t key, char *buf)
{
	uint32_t dev = (uint32_t)key;
	char name[48];

	if (key == METRICS_KEY_OTHER)
		return prom_labels(buf, "device", "other", "op", "other", NULL);
	snprintf(name, sizeof(name), "%s", blkio_disk_cached(dev));
	if (!name[0])
		snprintf(name, sizeof(name), "%u:%u", blkio_dev_major(dev), blkio_dev_minor(dev));
	return prom_labels(buf, "device", name, "op", blkio_op_name((uint8_t)(key >> 32)), NULL);
}

/* {container="docker:3f1c9a7e5b2d"}, nothing for tasks in no container, "other" past the cap. */
static const char *container_labels(const struct metrics_hist *h, uint64_t key, char *buf)
{
	if (!key)
		return "";
	if (key == METRICS_KEY_OTHER)
		return prom_labels(buf, "container", "other", NULL);
	return prom_labels(buf, "container", h->containers[key - 1], NULL);
}

/* The labels of one series of h: by disk and op, by container, or none. */
static const char *hist_labels(const struct metrics_hist *h, uint64_t key, char *buf)
{
	if (h->per_disk_op)
		return disk_labels(key, buf);
	if (h->per_container)
		return container_labels(h, key, buf);
	return "";
}

static void write_hists(struct metrics *m, struct prom *p)
{
	pthread_mutex_lock(&m->hist_lock);
	for (int i = 0; i < m->nhists; i++) {
		struct metrics_hist *h = &m->hists[i];
		char help[256];

		if (metrics_hist__update(h))
			continue;
		snprintf(help, sizeof(help),
			 "%s, from an in-kernel log2 histogram of integer microseconds.",
			 h->desc->what);
		prom__family(p, h->desc->metric, "histogram", help);
		for (int k = 0; k < h->nkeys; k++) {
			char lbl[PROM_LABELS_LEN];

			if (h->per_disk_op && !h->keys[k].key)
				continue; /* the placeholder of a keyed histogram */
			prom__log2_hist(p, h->desc->metric, hist_labels(h, h->keys[k].key, lbl),
					h->keys[k].slots, VG_HIST_SLOTS, h->keys[k].sum,
					METRICS_UNIT_NS);
		}
	}
	pthread_mutex_unlock(&m->hist_lock);
}

int metrics__hist_total(struct metrics *m, const char *name, uint64_t *slots, int nslots)
{
	int err = -ENOENT;

	pthread_mutex_lock(&m->hist_lock);
	for (int i = 0; i < m->nhists; i++) {
		struct metrics_hist *h = &m->hists[i];

		if (strcmp(h->desc->name, name) || metrics_hist__update(h))
			continue;
		memset(slots, 0, (size_t)nslots * sizeof(*slots));
		for (int k = 0; k < h->nkeys; k++)
			for (int s = 0; s < nslots && s < VG_HIST_SLOTS; s++)
				slots[s] += h->keys[k].slots[s];
		err = 0;
		break;
	}
	pthread_mutex_unlock(&m->hist_lock);
	return err;
}

int metrics__counter(struct metrics *m, const char *name, double *v)
{
	uint64_t n = 0;

	if (strcmp(name, "tcp_retransmits"))
		return -ENOENT;
	pthread_mutex_lock(&m->lock);
	for (int i = 0; i < m->tcp.n; i++)
		n += m->tcp.v[i].retransmits;
	pthread_mutex_unlock(&m->lock);
	*v = (double)n;
	return 0;
}

static void write_drops(struct metrics *m, struct prom *p)
{
	char lbl[PROM_LABELS_LEN];

	prom__family(p, "vigil_drops_total", "counter",
		     "Events lost (the kernel could not keep or hand them over), per subsystem "
		     "and reason.");
	for (int i = 0; m->s && i < m->s->ntracers; i++) {
		const struct tracer *t = m->s->tracers[i];
		uint64_t d[TRACER_DROP_REASONS];

		if (tracer__read_drops(t, d))
			continue;
		for (int r = 0; r < TRACER_DROP_REASONS; r++)
			prom__u64(p, "vigil_drops_total",
				  prom_labels(lbl, "subsystem", t->ops->name, "reason",
					      drop_reason_names[r], NULL),
				  d[r]);
	}
}

static void write_unmatched(struct metrics *m, struct prom *p)
{
	char lbl[PROM_LABELS_LEN];

	prom__family(p, "vigil_unmatched_events_total", "counter",
		     "End events with no start to pair with, although nothing was lost: the start "
		     "came before the trace (started_before_trace) or the kernel never showed it "
		     "(start_not_seen). Not drops.");
	for (int i = 0; m->s && i < m->s->ntracers; i++) {
		const struct tracer *t = m->s->tracers[i];
		uint64_t u[TRACER_UNMATCHED_REASONS];

		if (tracer__read_unmatched(t, u))
			continue;
		for (int r = 0; r < TRACER_UNMATCHED_REASONS; r++)
			prom__u64(p, "vigil_unmatched_events_total",
				  prom_labels(lbl, "subsystem", t->ops->name, "reason",
					      unmatched_reason_names[r], NULL),
				  u[r]);
	}
}

/* One family of every BPF program's bpf_prog_info: its run time, or (count) its runs. */
static void write_prog_family(struct metrics *m, struct prom *p, bool count)
{
	const char *name = count ? "vigil_bpf_program_run_count_total"
				 : "vigil_bpf_program_run_time_seconds_total";
	char lbl[PROM_LABELS_LEN];

	if (count)
		prom__family(p, name, "counter",
			     "Runs of each BPF program (bpf_prog_info run_cnt; needs "
			     "kernel.bpf_stats_enabled=1).");
	else
		prom__family(p, name, "counter",
			     "Time each BPF program ran (bpf_prog_info run_time_ns; needs "
			     "kernel.bpf_stats_enabled=1).");
	for (int i = 0; m->s && i < m->s->ntracers; i++) {
		const struct tracer *t = m->s->tracers[i];
		struct bpf_program *prog;

		bpf_object__for_each_program(prog, t->obj)
		{
			struct bpf_prog_info info;
			__u32 len = sizeof(info);
			int fd = bpf_program__fd(prog);

			memset(&info, 0, sizeof(info));
			if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
				continue;
			prom_labels(lbl, "subsystem", t->ops->name, "program",
				    bpf_program__name(prog), NULL);
			if (count)
				prom__u64(p, name, lbl, info.run_cnt);
			else
				prom__ns(p, name, lbl, info.run_time_ns);
		}
	}
}

static void write_sources(struct metrics *m, struct prom *p)
{
	char lbl[PROM_LABELS_LEN];

	prom__family(p, "vigil_subsystem_source_info", "gauge",
		     "1 for the source each subsystem's data comes from (bpf or a fallback).");
	for (int i = 0; i < m->nsources; i++)
		prom__u64(p, "vigil_subsystem_source_info",
			  prom_labels(lbl, "subsystem", m->sources[i].subsystem, "source",
				      m->sources[i].source, NULL),
			  1);
}

static void write_self(struct metrics *m, struct prom *p)
{
	char lbl[PROM_LABELS_LEN];
	struct utsname u;

	/* the same labels on every host (no host name: Prometheus's instance says which) */
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	prom__family(p, "vigil_build_info", "gauge",
		     "1, labelled with vigil's version, libbpf's, and the kernel it runs on.");
	prom__u64(p, "vigil_build_info",
		  prom_labels(lbl, "version", VIGIL_VERSION, "libbpf", libbpf_version_string(),
			      "kernel", u.release, "arch", u.machine, NULL),
		  1);
	prom__family(p, "vigil_scrapes_total", "counter", "Scrapes served, this one included.");
	prom__u64(p, "vigil_scrapes_total", "", ++m->scrapes);
	metrics_process_write(p);
}

int metrics__scrape(struct metrics *m, struct prom *p)
{
	write_sources(m, p);
	write_hists(m, p);
	write_flows(m, p);
	write_drops(m, p);
	write_unmatched(m, p);
	write_prog_family(m, p, false);
	write_prog_family(m, p, true);
	metrics_node_write(p, m->disk_nw, m->net_nw);
	write_self(m, p);
	return p->truncated ? -E2BIG : 0;
}

void metrics__free(struct metrics *m)
{
	if (!m)
		return;
	for (int i = 0; i < m->nhists; i++) {
		hist_reader__fini(&m->hists[i].reader);
		free(m->hists[i].entries);
		cgroup_ids__free(m->hists[i].cgroups);
	}
	pthread_mutex_destroy(&m->lock);
	pthread_mutex_destroy(&m->hist_lock);
	dns_metrics__free(m->dns);
	fb_nowrap__free(m->disk_nw);
	fb_nowrap__free(m->net_nw);
	free(m);
}
