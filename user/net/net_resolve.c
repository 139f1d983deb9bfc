// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * net_resolve.c: asynchronous reverse lookups for --resolve (net_resolve.h). One mutex
 * guards a fixed cache (open addressing, 8 probes, the oldest answer evicted) and a bounded
 * queue; callers hold it only for a table probe, the workers only to take a job and to store
 * an answer, never across getnameinfo(). Nothing is allocated after resolver__new().
 */
#include "net/net_resolve.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define CACHE_SLOTS  4096 /* a power of two */
#define CACHE_PROBES 8
#define QUEUE_LEN    1024
#define WORKERS	     2

enum slot_state { SLOT_EMPTY, SLOT_PENDING, SLOT_NAMED, SLOT_UNNAMED };

struct slot {
	uint8_t addr[16];
	uint8_t state;
	uint8_t timed_out; /* counted once */
	uint64_t since_ns; /* queued at (pending), answered at (otherwise) */
	char name[RESOLVE_NAME_MAX];
};

struct resolver {
	pthread_mutex_t lock;
	pthread_cond_t work, idle;
	struct slot cache[CACHE_SLOTS];
	uint8_t queue[QUEUE_LEN][16];
	uint32_t head, tail; /* queue: [head, tail) */
	uint32_t running;    /* lookups in getnameinfo() */
	uint32_t refs;	     /* the owner and each worker */
	bool stop;
	uint64_t timeout_ns, ttl_ns;
	resolver_lookup_fn lookup;
	struct resolver_stats st;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint32_t addr_hash(const uint8_t a[16])
{
	uint32_t h = 2166136261U; /* FNV-1a */

	for (int i = 0; i < 16; i++)
		h = (h ^ a[i]) * 16777619U;
	return h;
}

/* The slot of a, or NULL; *victim: where a new entry would go (empty, else the oldest). */
static struct slot *cache_find(struct resolver *r, const uint8_t a[16], struct slot **victim)
{
	uint32_t h = addr_hash(a);

	*victim = NULL;
	for (uint32_t i = 0; i < CACHE_PROBES; i++) {
		struct slot *s = &r->cache[(h + i) & (CACHE_SLOTS - 1)];

		if (s->state != SLOT_EMPTY && !memcmp(s->addr, a, 16))
			return s;
		if (s->state == SLOT_PENDING)
			continue;
		if (!*victim || s->state == SLOT_EMPTY ||
		    ((*victim)->state != SLOT_EMPTY && s->since_ns < (*victim)->since_ns))
			*victim = s;
	}
	return NULL;
}

static void put_ref(struct resolver *r)
{
	bool last;

	pthread_mutex_lock(&r->lock);
	last = !--r->refs;
	pthread_mutex_unlock(&r->lock);
	if (!last)
		return;
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->work);
	pthread_cond_destroy(&r->idle);
	free(r);
}

/* getnameinfo() of the 128-bit address: 0 with a name, else no name. */
static int lookup(const uint8_t a[16], char *name, size_t len)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;

	if (!memcmp(a, mapped, sizeof(mapped))) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, a + 12, 4);
		sl = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, a, 16);
		sl = sizeof(*in6);
	}
	return getnameinfo((struct sockaddr *)&ss, sl, name, (socklen_t)len, NULL, 0, NI_NAMEREQD);
}

static void *worker(void *arg)
{
	struct resolver *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		char name[RESOLVE_NAME_MAX];
		struct slot *s, *victim;
		uint8_t a[16];
		int err;

		while (!r->stop && r->head == r->tail)
			pthread_cond_wait(&r->work, &r->lock);
		if (r->stop)
			break;
		memcpy(a, r->queue[r->head % QUEUE_LEN], 16);
		r->head++;
		r->running++;
		pthread_mutex_unlock(&r->lock);
		err = r->lookup(a, name, sizeof(name));
		pthread_mutex_lock(&r->lock);
		r->running--;
		s = cache_find(r, a, &victim);
		if (s && s->state == SLOT_PENDING) {
			s->state = err ? SLOT_UNNAMED : SLOT_NAMED;
			s->since_ns = mono_ns();
			snprintf(s->name, sizeof(s->name), "%s", err ? "" : name);
		}
		r->st.named += !err;
		r->st.unnamed += !!err;
		if (r->head == r->tail && !r->running)
			pthread_cond_broadcast(&r->idle);
	}
	pthread_mutex_unlock(&r->lock);
	put_ref(r);
	return NULL;
}

/* RES_OPTIONS: the libc resolver's own per-query timeout, in whole seconds, one attempt. */
static void set_res_options(uint64_t timeout_ns)
{
	char opt[64];
	uint64_t sec = (timeout_ns + 999999999ULL) / 1000000000ULL;

	if (getenv("RES_OPTIONS"))
		return;
	snprintf(opt, sizeof(opt), "timeout:%llu attempts:1",
		 (unsigned long long)(sec ? (sec > 30 ? 30 : sec) : 1));
	setenv("RES_OPTIONS", opt, 0);
}

struct resolver *resolver__new(uint64_t timeout_ns, uint64_t ttl_ns)
{
	return resolver__new_with(timeout_ns, ttl_ns, lookup);
}

struct resolver *resolver__new_with(uint64_t timeout_ns, uint64_t ttl_ns,
				    resolver_lookup_fn lookup_fn)
{
	struct resolver *r = calloc(1, sizeof(*r));
	pthread_attr_t attr;
	int err = 0;

	if (!r)
		return NULL;
	r->timeout_ns = timeout_ns ? timeout_ns : RESOLVE_TIMEOUT_DEFAULT;
	r->ttl_ns = ttl_ns ? ttl_ns : RESOLVE_TTL_DEFAULT;
	r->refs = 1;
	r->lookup = lookup_fn;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->work, NULL);
	pthread_cond_init(&r->idle, NULL);
	if (lookup_fn == lookup)
		set_res_options(r->timeout_ns);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 << 10);
	for (int i = 0; i < WORKERS; i++) {
		pthread_t t;

		pthread_mutex_lock(&r->lock);
		r->refs++;
		pthread_mutex_unlock(&r->lock);
		err = pthread_create(&t, &attr, worker, r);
		if (err) {
			pthread_mutex_lock(&r->lock);
			r->refs--;
			pthread_mutex_unlock(&r->lock);
			break;
		}
	}
	pthread_attr_destroy(&attr);
	if (err) {
		resolver__free(r);
		errno = err;
		return NULL;
	}
	return r;
}

int resolver__name(struct resolver *r, const uint8_t a[16], char *buf, size_t len)
{
	uint64_t now = mono_ns();
	struct slot *s, *victim;
	bool refresh;
	int known = 0;

	pthread_mutex_lock(&r->lock);
	s = cache_find(r, a, &victim);
	if (s && s->state == SLOT_PENDING) {
		if (!s->timed_out && now - s->since_ns > r->timeout_ns) {
			s->timed_out = 1;
			r->st.timeouts++;
		}
		if (s->name[0]) { /* a refresh: the last answer meanwhile */
			snprintf(buf, len, "%s", s->name);
			known = 1;
		}
		goto unlock;
	}
	if (s && now - s->since_ns < r->ttl_ns) {
		if (s->state == SLOT_NAMED) {
			snprintf(buf, len, "%s", s->name);
			known = 1;
		}
		goto unlock;
	}
	refresh = s && s->state == SLOT_NAMED; /* expired: ask again, serve the name meanwhile */
	if (refresh) {
		snprintf(buf, len, "%s", s->name);
		known = 1;
	}
	if (!s)
		s = victim;
	if (!s || r->tail - r->head >= QUEUE_LEN) {
		r->st.dropped++; /* tried again on the next sight */
		goto unlock;
	}
	if (!refresh)
		s->name[0] = '\0';
	memcpy(s->addr, a, 16);
	s->state = SLOT_PENDING;
	s->timed_out = 0;
	s->since_ns = now;
	memcpy(r->queue[r->tail % QUEUE_LEN], a, 16);
	r->tail++;
	r->st.queued++;
	pthread_cond_signal(&r->work);
unlock:
	pthread_mutex_unlock(&r->lock);
	return known;
}

void resolver__settle(struct resolver *r, uint64_t deadline_ns)
{
	uint64_t now = mono_ns(), left = deadline_ns > now ? deadline_ns - now : 0, abs;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts); /* pthread_cond_timedwait's clock */
	abs = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec + left;
	ts.tv_sec = (time_t)(abs / 1000000000ULL);
	ts.tv_nsec = (long)(abs % 1000000000ULL);
	pthread_mutex_lock(&r->lock);
	while ((r->head != r->tail || r->running) &&
	       pthread_cond_timedwait(&r->idle, &r->lock, &ts) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&r->lock);
}

void resolver__stats(struct resolver *r, struct resolver_stats *st)
{
	uint64_t now = mono_ns();

	pthread_mutex_lock(&r->lock);
	/* a lookup still running past the timeout counts now, not only when asked again */
	for (uint32_t i = 0; i < CACHE_SLOTS; i++) {
		struct slot *s = &r->cache[i];

		if (s->state == SLOT_PENDING && !s->timed_out &&
		    now - s->since_ns > r->timeout_ns) {
			s->timed_out = 1;
			r->st.timeouts++;
		}
	}
	*st = r->st;
	pthread_mutex_unlock(&r->lock);
}

void resolver__free(struct resolver *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_broadcast(&r->work);
	pthread_mutex_unlock(&r->lock);
	put_ref(r); /* a worker still in getnameinfo() frees it when it returns */
}
