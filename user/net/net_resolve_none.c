// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * net_resolve_none.c: --resolve in a build without the tracer module (Windows): not there,
 * and saying so (net_resolve.h).
 */
#include "net/net_resolve.h"

#include <errno.h>
#include <string.h>

struct resolver *resolver__new(uint64_t timeout_ns, uint64_t ttl_ns)
{
	(void)timeout_ns;
	(void)ttl_ns;
	errno = ENOTSUP;
	return NULL;
}

struct resolver *resolver__new_with(uint64_t timeout_ns, uint64_t ttl_ns, resolver_lookup_fn lookup)
{
	(void)lookup;
	return resolver__new(timeout_ns, ttl_ns);
}

int resolver__name(struct resolver *r, const uint8_t a[16], char *buf, size_t len)
{
	(void)r;
	(void)a;
	(void)buf;
	(void)len;
	return 0;
}

void resolver__settle(struct resolver *r, uint64_t deadline_ns)
{
	(void)r;
	(void)deadline_ns;
}

void resolver__stats(struct resolver *r, struct resolver_stats *st)
{
	(void)r;
	memset(st, 0, sizeof(*st));
}

void resolver__free(struct resolver *r)
{
	(void)r;
}
