// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * serve_none.c: the HTTP endpoint of a build without libmicrohttpd (make WITH_MHD=0):
 * `vigil serve` says the endpoint is not in this build and fails with ENOTSUP.
 */
#include "prom/serve.h"

#include <errno.h>

#include "core/log.h"

struct serve *serve__new(const struct serve_opts *o, serve_scrape_fn fn, void *ctx)
{
	(void)o;
	(void)fn;
	(void)ctx;
	pr_err("serve: the HTTP endpoint needs libmicrohttpd: not in this build");
	errno = ENOTSUP;
	return NULL;
}

uint16_t serve__port(const struct serve *s)
{
	(void)s;
	return 0;
}

void serve__free(struct serve *s)
{
	(void)s;
}
