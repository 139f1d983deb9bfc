// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * serve.c: libmicrohttpd set up for a metrics endpoint (see serve.h). The scrape callback
 * runs under a mutex, so it never sees two scrapes at once whatever threading MHD uses. A
 * table of live connections (filled and emptied by MHD's connection notifications) records
 * when each began to wait for its request; a small thread closes those past their deadline,
 * and the accept policy closes the oldest waiting ones when the pool is nearly full. Closing
 * is a shutdown(2) of the connection's socket, done under the table's lock so the descriptor
 * is still MHD's: MHD then sees the end of the stream and frees the connection itself. With
 * basic auth, a password not already known good is checked (bcrypt) on a thread of its own
 * while its connection is suspended, so MHD's thread never waits on one.
 * The libmicrohttpd module of the build (serve_none.c stands in without it); the --listen
 * address is parsed in serve_listen.c.
 */
#include "prom/serve.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/log.h"
#include "prom/http_gzip.h"
#include "prom/web_config.h"

#define CT_METRICS "text/plain; version=0.0.4; charset=utf-8"

enum conn_state {
	CONN_FREE,
	CONN_WAITING,	/* for (the rest of) a request */
	CONN_ANSWERING, /* a request is in; its answer is being made or sent */
	CONN_CLOSING,	/* shut down by us; MHD has yet to notice */
};

struct serve_conn {
	enum conn_state state;
	int fd;
	uint64_t since_ns; /* when it began waiting, or answering */
};

enum req_auth { AUTH_UNKNOWN, AUTH_OK, AUTH_DENIED };

/* One request's state, from its headers to its answer. */
struct serve_req {
	enum req_auth auth; /* set by the checker thread before it resumes the connection */
	bool probe_done;    /* set by the probe worker before it resumes the connection */
	unsigned int probe_status;
	char *probe_body; /* malloc'd */
	size_t probe_len;
};

/* One /probe request, handed to a worker thread while its connection waits suspended. */
struct probe_job {
	struct serve *s;
	struct MHD_Connection *conn;
	struct serve_req *req;
	char *module, *target;
};

/* A password to check with bcrypt, off MHD's thread; the connection waits suspended. */
struct auth_job {
	struct MHD_Connection *conn;
	struct serve_req *req;
	char *user, *password; /* from MHD: MHD_free() */
};

struct serve {
	struct MHD_Daemon *daemon;
	serve_scrape_fn fn;
	void *ctx;
	pthread_mutex_t lock; /* one scrape at a time */
	uint16_t port;
	uint64_t request_timeout_ns;
	struct web_config *web;
	struct web_tls tls;
	bool has_tls;

	pthread_mutex_t conns_lock; /* conns[], nlive, stopping */
	pthread_cond_t wake;
	pthread_t reaper;
	bool reaper_started, stopping;
	unsigned int nlive; /* connections not CONN_FREE nor CONN_CLOSING */
	struct serve_conn conns[SERVE_MAX_CONNS];
	uint64_t closed_timeout, closed_evicted; /* connections we closed, by reason */

	pthread_mutex_t auth_lock; /* jobs[], njobs, auth_stopping */
	pthread_cond_t auth_wake;
	pthread_t checker;
	bool checker_started, auth_stopping;
	unsigned int njobs;
	uint64_t auth_denied, auth_throttled; /* 401 and 429 answers */
	struct auth_job jobs[SERVE_AUTH_QUEUE];

	serve_probe_fn probe; /* NULL: no /probe */
	void *probe_ctx;
	serve_json_fn alerts; /* NULL: no /api/v2/alerts */
	void *alerts_ctx;
	pthread_mutex_t probe_lock; /* probes_running */
	pthread_cond_t probe_idle;
	unsigned int probes_running;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* With conns_lock held: close c now (MHD frees it when it sees the end of the stream). */
static void serve__close_conn(struct serve *s, struct serve_conn *c, uint64_t *counter)
{
	shutdown(c->fd, SHUT_RDWR);
	c->state = CONN_CLOSING;
	s->nlive--;
	(*counter)++;
}

/* With conns_lock held: the oldest waiting connection, else the oldest answer past due. */
static struct serve_conn *serve__victim(struct serve *s, uint64_t now)
{
	struct serve_conn *best = NULL;

	for (unsigned int i = 0; i < SERVE_MAX_CONNS; i++) {
		struct serve_conn *c = &s->conns[i];

		if (c->state == CONN_WAITING &&
		    (!best || best->state != CONN_WAITING || c->since_ns < best->since_ns))
			best = c;
		else if (c->state == CONN_ANSWERING && now - c->since_ns >= s->request_timeout_ns &&
			 (!best || (best->state == CONN_ANSWERING && c->since_ns < best->since_ns)))
			best = c;
	}
	return best;
}

/*
 * MHD's accept policy, called for each new connection before it joins the pool: make room by
 * closing the oldest waiting connections, so the reserve stays free for the newcomer.
 */
static enum MHD_Result serve__accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
	struct serve *s = cls;
	uint64_t now = now_ns();

	(void)addr;
	(void)len;
	pthread_mutex_lock(&s->conns_lock);
	while (s->nlive >= SERVE_MAX_CONNS - SERVE_RESERVE_CONNS) {
		struct serve_conn *c = serve__victim(s, now);

		if (!c)
			break;
		serve__close_conn(s, c, &s->closed_evicted);
	}
	pthread_mutex_unlock(&s->conns_lock);
	return MHD_YES;
}

/* MHD's connection notifications: a connection joins the table, or leaves it. */
static void serve__notify_conn(void *cls, struct MHD_Connection *conn, void **socket_ctx,
			       enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *info;
	struct serve_conn *c = *socket_ctx;
	struct serve *s = cls;

	pthread_mutex_lock(&s->conns_lock);
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		for (unsigned int i = 0; info && i < SERVE_MAX_CONNS; i++) {
			if (s->conns[i].state != CONN_FREE)
				continue;
			c = &s->conns[i];
			c->fd = info->connect_fd;
			c->state = CONN_WAITING;
			c->since_ns = now_ns();
			s->nlive++;
			*socket_ctx = c;
			pthread_cond_signal(&s->wake);
			break;
		}
	} else if (c) {
		if (c->state != CONN_CLOSING)
			s->nlive--;
		c->state = CONN_FREE;
		*socket_ctx = NULL;
	}
	pthread_mutex_unlock(&s->conns_lock);
}

/* A connection's request is in (answering) or its answer is done (waiting for the next). */
static void serve__conn_set(struct serve *s, struct MHD_Connection *conn, enum conn_state state)
{
	const union MHD_ConnectionInfo *info;
	struct serve_conn *c;

	info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	c = info ? info->socket_context : NULL;
	if (!c)
		return;
	pthread_mutex_lock(&s->conns_lock);
	if (c->state == CONN_WAITING || c->state == CONN_ANSWERING) {
		c->state = state;
		c->since_ns = now_ns();
	}
	pthread_mutex_unlock(&s->conns_lock);
}

static void serve__completed(void *cls, struct MHD_Connection *conn, void **req_cls,
			     enum MHD_RequestTerminationCode code)
{
	(void)code;
	if (*req_cls)
		free(((struct serve_req *)*req_cls)->probe_body);
	free(*req_cls);
	*req_cls = NULL;
	serve__conn_set(cls, conn, CONN_WAITING);
}

/* The deadline thread: closes each connection still waiting when its time is up. */
static void *serve__reap(void *arg)
{
	struct serve *s = arg;

	pthread_mutex_lock(&s->conns_lock);
	while (!s->stopping) {
		uint64_t now = now_ns(), next = now + 1000000000ull;
		struct timespec ts;

		for (unsigned int i = 0; i < SERVE_MAX_CONNS; i++) {
			struct serve_conn *c = &s->conns[i];
			uint64_t due = c->since_ns + s->request_timeout_ns;

			if (c->state != CONN_WAITING)
				continue;
			if (due <= now)
				serve__close_conn(s, c, &s->closed_timeout);
			else if (due < next)
				next = due;
		}
		ts.tv_sec = (time_t)(next / 1000000000ull);
		ts.tv_nsec = (long)(next % 1000000000ull);
		pthread_cond_timedwait(&s->wake, &s->conns_lock, &ts);
	}
	pthread_mutex_unlock(&s->conns_lock);
	return NULL;
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

/* The endpoint's own defences, as counters: what slow and hostile clients cost them. */
static void serve__write_stats(struct serve *s, struct prom *p)
{
	uint64_t timeout, evicted, denied, throttled;
	char lbl[PROM_LABELS_LEN];

	pthread_mutex_lock(&s->conns_lock);
	timeout = s->closed_timeout;
	evicted = s->closed_evicted;
	denied = s->auth_denied;
	throttled = s->auth_throttled;
	pthread_mutex_unlock(&s->conns_lock);
	prom__family(p, "vigil_http_connections_closed_total", "counter",
		     "Connections vigil closed: no whole request within --request-timeout, or "
		     "evicted to keep room for new clients.");
	prom__u64(p, "vigil_http_connections_closed_total",
		  prom_labels(lbl, "reason", "request_timeout", NULL), timeout);
	prom__u64(p, "vigil_http_connections_closed_total",
		  prom_labels(lbl, "reason", "evicted", NULL), evicted);
	if (!web_config__has_users(s->web))
		return;
	prom__family(
		p, "vigil_http_auth_failures_total", "counter",
		"Requests refused by basic auth: wrong or missing credentials (401), or too many "
		"password checks waiting (429).");
	prom__u64(p, "vigil_http_auth_failures_total", prom_labels(lbl, "code", "401", NULL),
		  denied);
	prom__u64(p, "vigil_http_auth_failures_total", prom_labels(lbl, "code", "429", NULL),
		  throttled);
}

/* A scrape's text (malloc'd, taken), gzip'd when the client accepts it. */
static enum MHD_Result serve__reply_metrics(struct MHD_Connection *conn, char *body, size_t len)
{
	const char *ae =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	struct MHD_Response *r;
	enum MHD_Result ret;
	bool gz = http_accepts_gzip(ae);

	if (gz) {
		size_t zlen;
		char *z = http_gzip(body, len, &zlen);

		if (z) {
			free(body);
			body = z;
			len = zlen;
		} else {
			gz = false; /* out of memory: the plain text still answers */
		}
	}
	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CT_METRICS);
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	if (gz)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
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
	if (!err)
		serve__write_stats(s, &p);
	if (err && err != -E2BIG) {
		prom__fini(&p);
		return reply_static(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "scrape failed\n");
	}
	if (err)
		pr_warn("serve: scrape cut at %u bytes", SERVE_MAX_BODY);
	body = prom__take(&p, &len);
	if (!body)
		return reply_static(conn, MHD_HTTP_OK, "");
	return serve__reply_metrics(conn, body, len);
}

/* Whether the client's certificate satisfies client_auth_type (no TLS: nothing to check). */
static bool serve__client_cert_ok(struct serve *s, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info;
	unsigned int n = 0, status = 1;
	gnutls_session_t tls;
	bool given;

	if (!s->has_tls || s->tls.client_auth == WEB_NO_CLIENT_CERT ||
	    s->tls.client_auth == WEB_REQUEST_CLIENT_CERT)
		return true;
	info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!info || !info->tls_session)
		return false;
	tls = info->tls_session;
	given = gnutls_certificate_get_peers(tls, &n) && n;
	if (!given)
		return s->tls.client_auth == WEB_VERIFY_CLIENT_CERT_IF_GIVEN;
	if (s->tls.client_auth == WEB_REQUIRE_ANY_CLIENT_CERT)
		return true;
	return gnutls_certificate_verify_peers2(tls, &status) == 0 && status == 0;
}

/* Add one to a counter kept under conns_lock. */
static void serve__count(struct serve *s, uint64_t *counter)
{
	pthread_mutex_lock(&s->conns_lock);
	(*counter)++;
	pthread_mutex_unlock(&s->conns_lock);
}

static void auth_job__release(struct auth_job *j)
{
	if (j->password)
		explicit_bzero(j->password, strlen(j->password));
	MHD_free(j->user);
	MHD_free(j->password);
}

/*
 * The checker thread: bcrypt for the passwords not yet known good, one at a time, so that
 * neither a scrape nor a flood of guesses ever waits on MHD's thread. Once stopping, what is
 * still queued is denied without bcrypt, so every suspended connection is resumed.
 */
static void *serve__check_users(void *arg)
{
	struct serve *s = arg;
	struct auth_job j;
	bool stopping;
	int err;

	pthread_mutex_lock(&s->auth_lock);
	for (;;) {
		while (!s->njobs && !s->auth_stopping)
			pthread_cond_wait(&s->auth_wake, &s->auth_lock);
		if (!s->njobs)
			break;
		j = s->jobs[0];
		memmove(&s->jobs[0], &s->jobs[1], --s->njobs * sizeof(s->jobs[0]));
		stopping = s->auth_stopping;
		pthread_mutex_unlock(&s->auth_lock);
		err = stopping ? -EACCES : web_config__check_user(s->web, j.user, j.password, true);
		j.req->auth = err ? AUTH_DENIED : AUTH_OK;
		auth_job__release(&j);
		MHD_resume_connection(j.conn);
		pthread_mutex_lock(&s->auth_lock);
	}
	pthread_mutex_unlock(&s->auth_lock);
	return NULL;
}

static enum MHD_Result serve__deny_user(struct MHD_Connection *conn);

/*
 * Basic auth for a request, when the config has users. Whether it stops the request here;
 * then *ret is what to return (after a 401, a 429 when too many checks wait, or MHD_YES once
 * the connection is suspended for the checker).
 */
static bool serve__auth_stops(struct serve *s, struct MHD_Connection *conn, struct serve_req *req,
			      enum MHD_Result *ret)
{
	struct auth_job j = { .conn = conn, .req = req };
	int err;

	if (!web_config__has_users(s->web) || req->auth == AUTH_OK)
		return false;
	if (req->auth == AUTH_DENIED) {
		serve__count(s, &s->auth_denied);
		*ret = serve__deny_user(conn);
		return true;
	}
	j.user = MHD_basic_auth_get_username_password(conn, &j.password);
	err = web_config__check_user(s->web, j.user, j.password, false);
	if (!err) {
		req->auth = AUTH_OK;
		auth_job__release(&j);
		return false;
	}
	if (err != -EWOULDBLOCK) {
		auth_job__release(&j);
		serve__count(s, &s->auth_denied);
		*ret = serve__deny_user(conn);
		return true;
	}
	pthread_mutex_lock(&s->auth_lock);
	if (s->auth_stopping || s->njobs == SERVE_AUTH_QUEUE) {
		pthread_mutex_unlock(&s->auth_lock);
		serve__count(s, &s->auth_throttled);
		auth_job__release(&j);
		*ret = reply_static(conn, MHD_HTTP_TOO_MANY_REQUESTS, "too many logins at once\n");
		return true;
	}
	MHD_suspend_connection(conn); /* before the checker may resume it */
	s->jobs[s->njobs++] = j;
	pthread_cond_signal(&s->auth_wake);
	pthread_mutex_unlock(&s->auth_lock);
	*ret = MHD_YES;
	return true;
}

static enum MHD_Result serve__deny_user(struct MHD_Connection *conn)
{
	static const char text[] = "unauthorized\n";
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(sizeof(text) - 1, (void *)text, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	ret = MHD_queue_basic_auth_fail_response(conn, "vigil", r);
	MHD_destroy_response(r);
	return ret;
}

static void *serve__probe_worker(void *arg)
{
	struct probe_job *j = arg;
	struct serve *s = j->s;
	char err[512] = "";
	struct prom p;
	int ret;

	prom__init(&p, SERVE_MAX_BODY);
	ret = s->probe(s->probe_ctx, j->module, j->target, &p, err, sizeof(err) - 1);
	if (!ret) {
		j->req->probe_body = prom__take(&p, &j->req->probe_len);
		j->req->probe_status = MHD_HTTP_OK;
	} else {
		if (ret == -ENOENT)
			snprintf(err, sizeof(err) - 1, "unknown module '%s'", j->module);
		else if (ret != -EINVAL)
			snprintf(err, sizeof(err) - 1, "the probe failed: %s", strerror(-ret));
		strcat(err, "\n");
		j->req->probe_body = strdup(err);
		j->req->probe_len = j->req->probe_body ? strlen(err) : 0;
		j->req->probe_status = ret == -ENOENT || ret == -EINVAL
					       ? MHD_HTTP_BAD_REQUEST
					       : MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	prom__fini(&p);
	j->req->probe_done = true;
	MHD_resume_connection(j->conn);
	pthread_mutex_lock(&s->probe_lock);
	s->probes_running--;
	pthread_cond_broadcast(&s->probe_idle);
	pthread_mutex_unlock(&s->probe_lock);
	free(j->module);
	free(j->target);
	free(j);
	return NULL;
}

/* /probe: answer a finished probe, or start one on a worker thread (bounded). */
static enum MHD_Result serve__probe(struct serve *s, struct MHD_Connection *conn,
				    struct serve_req *req)
{
	const char *module, *target;
	struct probe_job *j;
	pthread_attr_t attr;
	pthread_t t;
	int err;

	if (req->probe_done) {
		char *body = req->probe_body;

		req->probe_body = NULL;
		if (!body)
			return MHD_NO;
		return reply(conn, req->probe_status,
			     req->probe_status == MHD_HTTP_OK ? CT_METRICS
							      : "text/plain; charset=utf-8",
			     body, req->probe_len, MHD_RESPMEM_MUST_FREE);
	}
	if (!s->probe)
		return reply_static(conn, MHD_HTTP_NOT_FOUND,
				    "no probe modules: start serve with --probe.config FILE\n");
	module = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "module");
	target = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "target");
	if (!target || !target[0])
		return reply_static(conn, MHD_HTTP_BAD_REQUEST, "target parameter is missing\n");
	if (!module || !module[0])
		return reply_static(conn, MHD_HTTP_BAD_REQUEST, "module parameter is missing\n");
	pthread_mutex_lock(&s->probe_lock);
	if (s->probes_running >= SERVE_PROBE_WORKERS) {
		pthread_mutex_unlock(&s->probe_lock);
		return reply_static(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				    "too many probes running; try again\n");
	}
	s->probes_running++;
	pthread_mutex_unlock(&s->probe_lock);
	j = calloc(1, sizeof(*j));
	if (j) {
		*j = (struct probe_job){ .s = s,
					 .conn = conn,
					 .req = req,
					 .module = strdup(module),
					 .target = strdup(target) };
	}
	MHD_suspend_connection(conn);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = j && j->module && j->target ? pthread_create(&t, &attr, serve__probe_worker, j)
					  : ENOMEM;
	pthread_attr_destroy(&attr);
	if (!err)
		return MHD_YES;
	MHD_resume_connection(conn);
	if (j) {
		free(j->module);
		free(j->target);
		free(j);
	}
	pthread_mutex_lock(&s->probe_lock);
	s->probes_running--;
	pthread_cond_broadcast(&s->probe_idle);
	pthread_mutex_unlock(&s->probe_lock);
	return MHD_NO;
}

/* /api/v2/alerts: the rules' alerts (the manager locks on its own; no scrape is held). */
static enum MHD_Result serve__alerts(struct serve *s, struct MHD_Connection *conn)
{
	char *body;

	if (!s->alerts)
		return reply_static(conn, MHD_HTTP_NOT_FOUND,
				    "no rules: start serve with --rules FILE\n");
	body = s->alerts(s->alerts_ctx);
	if (!body)
		return reply_static(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "alerts failed\n");
	return reply(conn, MHD_HTTP_OK, "application/json", body, strlen(body),
		     MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result serve__handle(void *cls, struct MHD_Connection *conn, const char *url,
				     const char *method, const char *version,
				     const char *upload_data, size_t *upload_data_size,
				     void **req_cls)
{
	struct serve *s = cls;
	enum MHD_Result ret;

	(void)version;
	(void)upload_data;
	if (!*req_cls) { /* headers are in; the body (if any) comes next */
		*req_cls = calloc(1, sizeof(struct serve_req));
		if (!*req_cls)
			return MHD_NO;
		serve__conn_set(s, conn, CONN_ANSWERING);
		return MHD_YES;
	}
	if (*upload_data_size) { /* a body we never asked for: skip it */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (!serve__client_cert_ok(s, conn))
		return reply_static(conn, MHD_HTTP_FORBIDDEN,
				    "a valid client certificate is needed\n");
	if (serve__auth_stops(s, conn, *req_cls, &ret))
		return ret;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_static(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n");
	if (!strcmp(url, "/metrics"))
		return serve__metrics(s, conn);
	if (!strcmp(url, "/probe"))
		return serve__probe(s, conn, *req_cls);
	if (!strcmp(url, "/api/v2/alerts"))
		return serve__alerts(s, conn);
	if (!strcmp(url, "/"))
		return reply_static(conn, MHD_HTTP_OK, "vigil: metrics are at /metrics\n");
	return reply_static(conn, MHD_HTTP_NOT_FOUND, "not found; metrics are at /metrics\n");
}

struct serve *serve__new(const struct serve_opts *o, serve_scrape_fn fn, void *ctx)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)o->addr;
	unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD;
	struct MHD_OptionItem tls_opts[4] = { { MHD_OPTION_END, 0, NULL } };
	const union MHD_DaemonInfo *info;
	struct serve *s = calloc(1, sizeof(*s));
	pthread_condattr_t ca;
	int err;

	if (!s)
		return NULL;
	s->fn = fn;
	s->ctx = ctx;
	s->request_timeout_ns = o->request_timeout_ns ? o->request_timeout_ns
						      : SERVE_REQUEST_TIMEOUT_S * 1000000000ull;
	s->web = o->web;
	s->probe = o->probe;
	s->probe_ctx = o->probe_ctx;
	s->alerts = o->alerts;
	s->alerts_ctx = o->alerts_ctx;
	pthread_mutex_init(&s->probe_lock, NULL);
	pthread_cond_init(&s->probe_idle, NULL);
	if (s->probe)
		flags |= MHD_ALLOW_SUSPEND_RESUME;
	s->has_tls = web_config__has_tls(o->web, &s->tls);
	if (s->has_tls) {
		int n = 0;

		flags |= MHD_USE_TLS;
		tls_opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0,
							 (void *)s->tls.key_pem };
		tls_opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0,
							 (void *)s->tls.cert_pem };
		if (s->tls.client_ca_pem)
			tls_opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0,
								 (void *)s->tls.client_ca_pem };
		tls_opts[n] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->conns_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&s->auth_lock, NULL);
	pthread_cond_init(&s->auth_wake, NULL);
	err = pthread_create(&s->reaper, NULL, serve__reap, s);
	if (err)
		goto err_free;
	s->reaper_started = true;
	if (web_config__has_users(o->web)) {
		err = pthread_create(&s->checker, NULL, serve__check_users, s);
		if (err)
			goto err_free;
		s->checker_started = true;
		flags |= MHD_ALLOW_SUSPEND_RESUME;
	}
	if (o->addr->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/*
	 * No per-address cap: on loopback every local user is 127.0.0.1, so a cap per address
	 * locks the scraper out with the attacker; the deadline and eviction protect instead.
	 */
	s->daemon = MHD_start_daemon(
		flags, ntohs(in->sin_port), serve__accept, s, serve__handle, s,
		MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)o->addr, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned int)SERVE_MAX_CONNS, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned int)SERVE_IDLE_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)SERVE_CONN_MEMORY, MHD_OPTION_NOTIFY_CONNECTION, serve__notify_conn, s,
		MHD_OPTION_NOTIFY_COMPLETED, serve__completed, s, MHD_OPTION_ARRAY, tls_opts,
		MHD_OPTION_END);
	if (!s->daemon) {
		err = errno ? errno : EADDRINUSE;
		goto err_free;
	}
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : ntohs(in->sin_port);
	return s;

err_free:
	serve__free(s);
	errno = err;
	return NULL;
}

uint16_t serve__port(const struct serve *s)
{
	return s->port;
}

void serve__free(struct serve *s)
{
	if (!s)
		return;
	if (s->checker_started) { /* resumes every suspended connection before MHD stops */
		pthread_mutex_lock(&s->auth_lock);
		s->auth_stopping = true;
		pthread_cond_signal(&s->auth_wake);
		pthread_mutex_unlock(&s->auth_lock);
		pthread_join(s->checker, NULL);
	}
	/* probes resume their connections when done: MHD must still run until then */
	pthread_mutex_lock(&s->probe_lock);
	while (s->probes_running)
		pthread_cond_wait(&s->probe_idle, &s->probe_lock);
	pthread_mutex_unlock(&s->probe_lock);
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	if (s->reaper_started) {
		pthread_mutex_lock(&s->conns_lock);
		s->stopping = true;
		pthread_cond_signal(&s->wake);
		pthread_mutex_unlock(&s->conns_lock);
		pthread_join(s->reaper, NULL);
	}
	pthread_cond_destroy(&s->auth_wake);
	pthread_mutex_destroy(&s->auth_lock);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->conns_lock);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->probe_idle);
	pthread_mutex_destroy(&s->probe_lock);
	free(s);
}
