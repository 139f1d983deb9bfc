/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * net_resolve.h: --resolve, peer names (PTR) for remote addresses without ever making the
 * caller wait. A lookup is queued on first sight of an address and run on a worker thread
 * through getnameinfo(NI_NAMEREQD) (so /etc/hosts and DNS answer as for `getent hosts`); the
 * caller gets the name once it is known, null until then, and later calls (later records,
 * the next frame) fill it in. Names are cached for a bounded time (the TTL), then looked up
 * again while the old name is still served; a lookup still running after --resolve-timeout
 * is counted as timed out (its late answer is kept when it comes). Worker
 * threads that a dead server keeps busy are never waited for: the object is freed by whoever
 * leaves last.
 */
#ifndef VIGIL_NET_RESOLVE_H
#define VIGIL_NET_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#define RESOLVE_NAME_MAX	256
#define RESOLVE_TIMEOUT_DEFAULT (2ULL * 1000000000ULL)
#define RESOLVE_TTL_DEFAULT	(300ULL * 1000000000ULL)

struct resolver;

struct resolver_stats {
	uint64_t queued;   /* lookups started */
	uint64_t named;	   /* answered with a name */
	uint64_t unnamed;  /* answered: no name (NXDOMAIN, no PTR, no server) */
	uint64_t timeouts; /* still running after the timeout */
	uint64_t dropped;  /* not started: the queue was full */
};

/*
 * Start the workers. timeout_ns bounds how long a lookup may take (whole seconds are also
 * given to the libc resolver as RES_OPTIONS timeout:N attempts:1, unless RES_OPTIONS is set);
 * ttl_ns how long an answer is kept. NULL with errno set on failure (ENOTSUP: not in this
 * build).
 */
struct resolver *resolver__new(uint64_t timeout_ns, uint64_t ttl_ns);

/* The lookup a resolver runs: 0 with a name in buf, else no name. */
typedef int (*resolver_lookup_fn)(const uint8_t a[16], char *buf, size_t len);

/* resolver__new() with another lookup than getnameinfo() (tests). */
struct resolver *resolver__new_with(uint64_t timeout_ns, uint64_t ttl_ns,
				    resolver_lookup_fn lookup);

/*
 * The name of the 128-bit address a (IPv4 as ::ffff:a.b.c.d) into buf: 1 when known, 0 when
 * not (yet): the lookup is then queued. Never waits for a lookup.
 */
int resolver__name(struct resolver *r, const uint8_t a[16], char *buf, size_t len);

/* For snapshots: wait until no lookup is queued or running, or until deadline_ns (monotonic). */
void resolver__settle(struct resolver *r, uint64_t deadline_ns);

void resolver__stats(struct resolver *r, struct resolver_stats *st);

void resolver__free(struct resolver *r);

#endif /* VIGIL_NET_RESOLVE_H */
