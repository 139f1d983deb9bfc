// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_prom.c: serve's /probe: runs one module's probe (http, tcp or dns, the same code as
 * `vigil probe`) and writes blackbox_exporter's metrics: probe_success,
 * probe_duration_seconds, probe_ip_protocol; http: probe_http_status_code,
 * probe_http_duration_seconds{phase} (resolve, connect, tls, processing, transfer: each
 * phase's own time, not cumulative), probe_http_content_length, probe_http_redirects,
 * probe_http_ssl, probe_http_version, probe_ssl_earliest_cert_expiry; dns:
 * probe_dns_lookup_time_seconds, probe_dns_answer_rrs. The target is what blackbox takes: a
 * URL (http:// assumed), HOST:PORT, or the DNS server's address (port 53).
 */
#include "probe/probe_prom.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_dns.h"
#include "probe/probe_http.h"
#include "probe/probe_tcp.h"

static void gauge(struct prom *p, const char *name, const char *help, double v)
{
	prom__family(p, name, "gauge", help);
	prom__f64(p, name, "", v);
}

static double secs(int64_t ns)
{
	return ns > 0 ? (double)ns / 1e9 : 0;
}

static void http_phases(struct prom *p, const struct probe_http_result *r)
{
	const struct probe_conn *c = &r->conn;
	int64_t conn_end = c->tls_ns > 0 ? c->tls_ns : c->connect_ns;
	const struct {
		const char *phase;
		int64_t ns;
	} ph[] = {
		{ "resolve", c->dns_ns },
		{ "connect", c->connect_ns > 0 ? c->connect_ns - c->dns_ns : 0 },
		{ "tls", c->tls_ns > 0 ? c->tls_ns - c->connect_ns : 0 },
		{ "processing", r->first_byte_ns > 0 ? r->first_byte_ns - conn_end : 0 },
		{ "transfer", r->first_byte_ns > 0 ? r->total_ns - r->first_byte_ns : 0 },
	};
	char lbl[PROM_LABELS_LEN];

	prom__family(p, "probe_http_duration_seconds", "gauge",
		     "Duration of http request by phase, summed over all redirects");
	for (size_t i = 0; i < sizeof(ph) / sizeof(ph[0]); i++)
		prom__f64(p, "probe_http_duration_seconds",
			  prom_labels(lbl, "phase", ph[i].phase, NULL), secs(ph[i].ns));
}

static int run_http(const struct probe_module *m, const char *target, struct prom *p, char *err,
		    size_t errlen)
{
	struct probe_http_opts o = { 0 };
	struct probe_http_result r;
	char url[2048];
	int ret;

	snprintf(url, sizeof(url), "%s%s", strstr(target, "://") ? "" : "http://", target);
	if (probe_http__check_url(url, err, errlen))
		return -EINVAL;
	o.method = m->method[0] ? m->method : NULL;
	o.follow = !m->no_follow_redirects;
	o.insecure = m->insecure;
	o.timeout_ns = m->timeout_ns;
	o.ip_version = m->ip_version;
	o.expect_status = m->valid_status;
	if (!o.expect_status.n)
		probe_status_set__parse(&o.expect_status, "2xx");
	if (m->body_regex[0]) {
		if (regcomp(&o.body_re, m->body_regex, REG_EXTENDED | REG_NOSUB | REG_NEWLINE))
			return -EINVAL;
		o.has_body_re = true;
	}
	ret = probe_http__run(&o, url, &r);
	if (o.has_body_re)
		regfree(&o.body_re);
	if (ret)
		return ret;
	gauge(p, "probe_success", "Displays whether or not the probe was a success",
	      r.fail == PROBE_OK);
	gauge(p, "probe_duration_seconds", "Returns how long the probe took to complete in seconds",
	      secs((int64_t)r.duration_ns));
	http_phases(p, &r);
	gauge(p, "probe_http_status_code", "Response HTTP status code", (double)r.status);
	gauge(p, "probe_http_content_length", "Length of http content response",
	      (double)r.content_length);
	gauge(p, "probe_http_redirects", "The number of redirects", (double)r.redirects);
	gauge(p, "probe_http_ssl", "Indicates if SSL was used for the final redirect",
	      r.conn.tls_ns > 0);
	gauge(p, "probe_http_version", "Returns the version of HTTP of the probe response",
	      (double)r.http_version_num / 10);
	if (r.conn.cert_expiry)
		gauge(p, "probe_ssl_earliest_cert_expiry",
		      "Returns last SSL chain expiry in unixtime", (double)r.conn.cert_expiry);
	gauge(p, "probe_ip_protocol", "Specifies whether probe ip protocol is IP4 or IP6",
	      r.conn.ip_protocol);
	probe_http_result__free(&r);
	return 0;
}

static int run_tcp(const struct probe_module *m, const char *target, struct prom *p, char *err,
		   size_t errlen)
{
	struct probe_tcp_opts o = { .tls = m->tls,
				    .insecure = m->insecure,
				    .timeout_ns = m->timeout_ns };
	struct probe_tcp_result r;
	char url[320];
	int ret;

	if (probe_tcp__target_url(target, m->tls, url, sizeof(url), err, errlen))
		return -EINVAL;
	ret = probe_tcp__run(&o, target, &r);
	if (ret)
		return ret;
	gauge(p, "probe_success", "Displays whether or not the probe was a success",
	      r.fail == PROBE_OK);
	gauge(p, "probe_duration_seconds", "Returns how long the probe took to complete in seconds",
	      secs((int64_t)r.duration_ns));
	if (r.conn.cert_expiry)
		gauge(p, "probe_ssl_earliest_cert_expiry",
		      "Returns last SSL chain expiry in unixtime", (double)r.conn.cert_expiry);
	gauge(p, "probe_ip_protocol", "Specifies whether probe ip protocol is IP4 or IP6",
	      r.conn.ip_protocol);
	probe_tcp_result__free(&r);
	return 0;
}

static int run_dns(const struct probe_module *m, const char *target, struct prom *p, char *err,
		   size_t errlen)
{
	struct probe_dns_opts o = { .type = m->query_type,
				    .tcp = m->dns_tcp,
				    .timeout_ns = m->timeout_ns };
	struct probe_dns_result *r;
	char server[64];
	size_t len = strlen(target);

	/* the server's address, or IPv4:53 / [IPv6]:53 */
	if (len >= sizeof(server)) {
		snprintf(err, errlen, "target: want the DNS server's IP address");
		return -EINVAL;
	}
	memcpy(server, target, len + 1);
	if (server[0] == '[' && len > 5 && !strcmp(server + len - 4, "]:53")) {
		memmove(server, server + 1, len - 5);
		server[len - 5] = '\0';
	} else if (strchr(server, '.') && len > 3 && !strcmp(server + len - 3, ":53")) {
		server[len - 3] = '\0';
	}
	if (!probe_dns_server_is_valid(server)) {
		snprintf(err, errlen, "target '%s': want the DNS server's IP address (port 53)",
			 target);
		return -EINVAL;
	}
	o.server = server;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	if (probe_dns__run(&o, m->query_name, r)) {
		free(r);
		return -ENOSYS;
	}
	gauge(p, "probe_success", "Displays whether or not the probe was a success",
	      r->fail == PROBE_OK);
	gauge(p, "probe_duration_seconds", "Returns how long the probe took to complete in seconds",
	      secs((int64_t)r->duration_ns));
	gauge(p, "probe_dns_lookup_time_seconds",
	      "Returns the time taken for probe dns lookup in "
	      "seconds",
	      secs(r->query_ns));
	gauge(p, "probe_dns_answer_rrs",
	      "Returns number of entries in the answer resource record "
	      "list",
	      r->rcode >= 0 ? r->n_rr_total : 0);
	gauge(p, "probe_ip_protocol", "Specifies whether probe ip protocol is IP4 or IP6",
	      strchr(server, ':') ? 6 : 4);
	free(r);
	return 0;
}

int probe_prom__run(const struct probe_module *m, const char *target, struct prom *p, char *err,
		    size_t errlen)
{
	switch (m->prober) {
	case PROBER_HTTP:
		return run_http(m, target, p, err, errlen);
	case PROBER_TCP:
		return run_tcp(m, target, p, err, errlen);
	case PROBER_DNS:
		return run_dns(m, target, p, err, errlen);
	}
	return -EINVAL;
}
