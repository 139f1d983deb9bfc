// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * serve.c: libmicrohttpd set up for a metrics endpoint (see serve.h). The scrape callback
 * runs under a mutex, so it never sees two scrapes at once whatever threading MHD uses.
 */
#include "prom/serve.h"

#include <arpa/inet.h>
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

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (!*s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int serve_parse_listen(const char *arg, struct sockaddr_storage *addr, socklen_t *len)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)addr;
	char host[64];
	const char *colon, *port;
	uint16_t p;

	memset(addr, 0, sizeof(*addr));
	if (arg[0] == '[') {
		const char *close = strchr(arg, ']');

		if (!close || close[1] != ':' || (size_t)(close - arg - 1) >= sizeof(host))
			return -EINVAL;
		memcpy(host, arg + 1, (size_t)(close - arg - 1));
		host[close - arg - 1] = '\0';
		if (parse_port(close + 2, &p) || inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			return -EINVAL;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(p);
		*len = sizeof(*in6);
		return 0;
	}
	colon = strrchr(arg, ':');
	port = colon ? colon + 1 : arg;
	if (parse_port(port, &p))
		return -EINVAL;
	if (!colon || colon == arg) {
		strcpy(host, "127.0.0.1");
	} else {
		if ((size_t)(colon - arg) >= sizeof(host))
			return -EINVAL;
		memcpy(host, arg, (size_t)(colon - arg));
		host[colon - arg] = '\0';
	}
	if (inet_pton(AF_INET, host, &in4->sin_addr) != 1)
		return -EINVAL;
	in4->sin_family = AF_INET;
	in4->sin_port = htons(p);
	*len = sizeof(*in4);
	return 0;
}

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
