// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * serve.c: libmicrohttpd set up for a metrics endpoint (see serve.h). The scrape callback
 * runs under a mutex, so it never sees two scrapes at once whatever threading MHD uses.
 * The libmicrohttpd module of the build (serve_none.c stands in without it); the --listen
 * address is parsed in serve_listen.c.
 */
#include "prom/serve.h"

#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#define CT_METRICS "text/plain; version=0.0.4; charset=utf-8"

struct serve {
	struct MHD_Daemon *daemon;
	serve_scrape_fn fn;
	void *ctx;
	pthread_mutex_t lock;
	uint16_t port;
};

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status, const char *ct,
			     char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ct);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_static(struct MHD_Connection *conn, unsigned int status,
				    const char *text)
{
	return reply(conn, status, "text/plain; charset=utf-8", (char *)text, strlen(text),
		     MHD_RESPMEM_PERSISTENT);
}

static enum MHD_Result serve__metrics(struct serve *s, struct MHD_Connection *conn)
{
	struct prom p;
	size_t len;
	char *body;
	int err;

	prom__init(&p, SERVE_MAX_BODY);
	pthread_mutex_lock(&s->lock);
	err = s->fn(s->ctx, &p);
	pthread_mutex_unlock(&s->lock);
	if (err && err != -E2BIG) {
		prom__fini(&p);
		return reply_static(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "scrape failed\n");
	}
	if (err)
		pr_warn("serve: scrape cut at %u bytes", SERVE_MAX_BODY);
	body = prom__take(&p, &len);
	if (!body)
		return reply_static(conn, MHD_HTTP_OK, "");
	return reply(conn, MHD_HTTP_OK, CT_METRICS, body, len, MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result serve__handle(void *cls, struct MHD_Connection *conn, const char *url,
				     const char *method, const char *version,
				     const char *upload_data, size_t *upload_data_size,
				     void **req_cls)
{
	static int first_call_marker;
	struct serve *s = cls;

	(void)version;
	(void)upload_data;
	if (!*req_cls) { /* headers are in; the body (if any) comes next */
		*req_cls = &first_call_marker;
		return MHD_YES;
	}
	if (*upload_data_size) { /* a body we never asked for: skip it */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_static(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n");
	if (!strcmp(url, "/metrics"))
		return serve__metrics(s, conn);
	if (!strcmp(url, "/"))
		return reply_static(conn, MHD_HTTP_OK, "vigil: metrics are at /metrics\n");
	return reply_static(conn, MHD_HTTP_NOT_FOUND, "not found; metrics are at /metrics\n");
}

struct serve *serve__new(const struct sockaddr_storage *addr, serve_scrape_fn fn, void *ctx)
{
	unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD;
	const union MHD_DaemonInfo *info;
	struct serve *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->fn = fn;
	s->ctx = ctx;
	pthread_mutex_init(&s->lock, NULL);
	if (addr->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->daemon = MHD_start_daemon(
		flags, ntohs(((const struct sockaddr_in *)addr)->sin_port), NULL, NULL,
		serve__handle, s, MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)addr,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)SERVE_MAX_CONNS,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)(SERVE_MAX_CONNS / 2),
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)SERVE_IDLE_TIMEOUT_S,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_CONN_MEMORY, MHD_OPTION_END);
	if (!s->daemon) {
		int err = errno ? errno : EADDRINUSE;

		serve__free(s);
		errno = err;
		return NULL;
	}
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : ntohs(((const struct sockaddr_in *)addr)->sin_port);
	return s;
}

uint16_t serve__port(const struct serve *s)
{
	return s->port;
}

void serve__free(struct serve *s)
{
	if (!s)
		return;
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
