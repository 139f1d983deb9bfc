/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * serve.h: the HTTP side of `vigil serve`, on libmicrohttpd. One internal thread multiplexes
 * every connection (epoll), so a client that sends half a request, or reads its answer one
 * byte at a time, holds only its own connection, until the idle timeout closes it. The number
 * of connections, the memory each may use and the size of one answer are capped. GET
 * /metrics answers with a scrape (text format 0.0.4); / with a pointer to it; anything else
 * is 404 or 405.
 */
#ifndef VIGIL_SERVE_H
#define VIGIL_SERVE_H

#include <stdint.h>
#include <sys/socket.h>

#include "prom/prom.h"

#define SERVE_DEFAULT_LISTEN "127.0.0.1:9464"
#define SERVE_MAX_CONNS	     32
#define SERVE_IDLE_TIMEOUT_S 10
#define SERVE_CONN_MEMORY    (32 * 1024)
#define SERVE_MAX_BODY	     (16u << 20) /* one scrape at most */

/* Fill p with one scrape; 0 or a negative errno (then 500). Called one at a time. */
typedef int (*serve_scrape_fn)(void *ctx, struct prom *p);

struct serve;

/*
 * Parse "HOST:PORT" (IPv4 dotted or [IPv6], PORT 1..65535; "PORT" alone or ":PORT" mean
 * loopback) into addr. 0 or -EINVAL.
 */
int serve_parse_listen(const char *arg, struct sockaddr_storage *addr, socklen_t *len);

/* Listen on addr and answer scrapes with fn(ctx) from a thread of its own. NULL and errno. */
struct serve *serve__new(const struct sockaddr_storage *addr, serve_scrape_fn fn, void *ctx);

/* The port actually bound (useful when 0 was asked for). */
uint16_t serve__port(const struct serve *s);

void serve__free(struct serve *s);

#endif /* VIGIL_SERVE_H */
