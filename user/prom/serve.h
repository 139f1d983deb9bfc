/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * serve.h: the HTTP side of `vigil serve`, on libmicrohttpd. One internal thread multiplexes
 * every connection (epoll), so a client that sends half a request, or reads its answer one
 * byte at a time, holds only its own connection. Each connection has a deadline, not an idle
 * timer: it must deliver a complete request within the request timeout of being opened (or
 * of its previous answer) or it is closed, however steadily it trickles bytes. When the pool
 * of connections fills up, the oldest ones still waiting for a request are closed to make
 * room, so a well-behaved scraper always gets in, whatever number of slow clients and source
 * addresses hold the rest. The memory each connection may use and the size of one answer are
 * capped. With a web config, it speaks TLS (and checks client certificates as told) and asks
 * for basic auth (401 without the right user and password). GET /metrics answers with a scrape
 * (text format 0.0.4, gzip'd when the client's Accept-Encoding takes gzip); / with a pointer
 * to it; /probe, when probe modules are given, with
 * blackbox_exporter's answer, probed on a worker thread (at most SERVE_PROBE_WORKERS at once)
 * while the connection waits suspended, so a slow probe never holds a scrape;
 * /api/v2/alerts, when rules are loaded, with the alerts in Alertmanager's shape;
 * anything else is 404 or 405.
 */
#ifndef VIGIL_SERVE_H
#define VIGIL_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "prom/prom.h"

#define SERVE_DEFAULT_LISTEN	"127.0.0.1:9464"
#define SERVE_MAX_CONNS		64
#define SERVE_RESERVE_CONNS	16 /* kept free: opening more evicts waiting connections */
#define SERVE_IDLE_TIMEOUT_S	10 /* an answer that makes no progress (a client not reading) */
#define SERVE_REQUEST_TIMEOUT_S 5  /* default: to deliver a whole request */
#define SERVE_AUTH_QUEUE	4  /* passwords waiting for bcrypt; more get 429 */
#define SERVE_CONN_MEMORY	(32 * 1024)
#define SERVE_MAX_BODY		(16u << 20) /* one scrape at most */

/* Fill p with one scrape; 0 or a negative errno (then 500). Called one at a time. */
typedef int (*serve_scrape_fn)(void *ctx, struct prom *p);

struct serve;

/*
 * Parse "HOST:PORT" (IPv4 dotted or [IPv6], PORT 1..65535; "PORT" alone or ":PORT" mean
 * loopback) into addr. 0 or -EINVAL.
 */
int serve_parse_listen(const char *arg, struct sockaddr_storage *addr, socklen_t *len);

/* Whether addr is a loopback address (127.0.0.0/8, ::1, ::ffff:127.0.0.0/104). */
bool serve_addr_is_loopback(const struct sockaddr_storage *addr);

struct web_config;

#define SERVE_PROBE_WORKERS 4 /* /probe requests probing at once; more get 503 */

/*
 * /probe?module=M&target=T: probe and write the metrics to p, on a worker thread. 0, -ENOENT
 * (no such module) or -EINVAL (a target the module cannot take; why in err): 400; else 500.
 */
typedef int (*serve_probe_fn)(void *ctx, const char *module, const char *target, struct prom *p,
			      char *err, size_t errlen);

/* /api/v2/alerts: the current alerts as JSON (malloc'd), or NULL on failure (then 500). */
typedef char *(*serve_json_fn)(void *ctx);

struct serve_opts {
	const struct sockaddr_storage *addr;
	uint64_t request_timeout_ns; /* 0: SERVE_REQUEST_TIMEOUT_S */
	struct web_config *web;	     /* TLS and basic auth (kept by the caller); NULL: none */
	serve_probe_fn probe;	     /* NULL: no /probe (404) */
	void *probe_ctx;
	serve_json_fn alerts; /* NULL: no rules (404) */
	void *alerts_ctx;
};

/* Listen on o->addr and answer scrapes with fn(ctx) from a thread of its own. NULL and errno. */
struct serve *serve__new(const struct serve_opts *o, serve_scrape_fn fn, void *ctx);

/* The port actually bound (useful when 0 was asked for). */
uint16_t serve__port(const struct serve *s);

void serve__free(struct serve *s);

#endif /* VIGIL_SERVE_H */
