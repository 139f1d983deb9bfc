// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_modules.c: blackbox_exporter's module file for `vigil serve --probe.config`, through
 * libyaml's document API (http_dl.c loads it): modules, each with its prober, timeout and the
 * prober's section. Each value is checked as the CLI checks its flags; an unknown key, a wrong
 * type or a bad value is an error naming its line.
 */
#include "probe/probe_modules.h"

#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cli/parse.h"
#include "core/regex_guard.h"
#include "probe/probe_dns.h"

struct pm_parse {
	yaml_document_t *doc;
	char *err;
	size_t errlen;
};

static int pm_fail(struct pm_parse *p, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int pm_fail(struct pm_parse *p, const yaml_node_t *n, const char *fmt, ...)
{
	size_t off = 0;
	va_list ap;
	int len;

	if (n) {
		len = snprintf(p->err, p->errlen, "line %zu: ", (size_t)n->start_mark.line + 1);
		off = len > 0 && (size_t)len < p->errlen ? (size_t)len : 0;
	}
	va_start(ap, fmt);
	vsnprintf(p->err + off, p->errlen - off, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *pm_scalar(struct pm_parse *p, const yaml_node_t *n, const char *what)
{
	if (!n || n->type != YAML_SCALAR_NODE) {
		pm_fail(p, n, "%s: want a single value", what);
		return NULL;
	}
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
		pm_fail(p, n, "%s: a NUL byte in the value", what);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

static int pm_bool(struct pm_parse *p, const yaml_node_t *n, const char *what, bool *out)
{
	const char *v = pm_scalar(p, n, what);

	if (!v)
		return -EINVAL;
	if (!strcmp(v, "true"))
		*out = true;
	else if (!strcmp(v, "false"))
		*out = false;
	else
		return pm_fail(p, n, "%s: want true or false, not '%s'", what, v);
	return 0;
}

static int pm_copy(struct pm_parse *p, const yaml_node_t *n, const char *what, char *out,
		   size_t len)
{
	const char *v = pm_scalar(p, n, what);

	if (!v)
		return -EINVAL;
	if (strlen(v) >= len)
		return pm_fail(p, n, "%s: longer than %zu bytes", what, len - 1);
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

/* Each key: value of mapping n, handed to fn; a non-mapping is an error. */
typedef int (*pm_pair_fn)(struct pm_parse *p, struct probe_module *m, const char *key,
			  const yaml_node_t *kn, const yaml_node_t *vn);

static int pm_each(struct pm_parse *p, const yaml_node_t *n, const char *what,
		   struct probe_module *m, pm_pair_fn fn)
{
	if (!n || n->type != YAML_MAPPING_NODE)
		return pm_fail(p, n, "%s: want a mapping of keys", what);
	for (yaml_node_pair_t *pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top;
	     pair++) {
		const yaml_node_t *kn = yaml_document_get_node(p->doc, pair->key);
		const yaml_node_t *vn = yaml_document_get_node(p->doc, pair->value);
		const char *key = pm_scalar(p, kn, what);
		int err;

		if (!key)
			return -EINVAL;
		err = fn(p, m, key, kn, vn);
		if (err)
			return err;
	}
	return 0;
}

static int pm_tls_config(struct pm_parse *p, struct probe_module *m, const char *key,
			 const yaml_node_t *kn, const yaml_node_t *vn)
{
	if (!strcmp(key, "insecure_skip_verify"))
		return pm_bool(p, vn, key, &m->insecure);
	return pm_fail(p, kn, "tls_config: '%s' is not supported by vigil", key);
}

static int pm_ip_protocol(struct pm_parse *p, struct probe_module *m, const yaml_node_t *vn)
{
	const char *v = pm_scalar(p, vn, "preferred_ip_protocol");

	if (!v)
		return -EINVAL;
	if (!strcmp(v, "ip4"))
		m->ip_version = 4;
	else if (!strcmp(v, "ip6"))
		m->ip_version = 6;
	else
		return pm_fail(p, vn, "preferred_ip_protocol: want ip4 or ip6, not '%s'", v);
	return 0;
}

static int pm_status_codes(struct pm_parse *p, struct probe_module *m, const yaml_node_t *vn)
{
	if (!vn || vn->type != YAML_SEQUENCE_NODE)
		return pm_fail(p, vn, "valid_status_codes: want a list such as [200, 301]");
	for (yaml_node_item_t *it = vn->data.sequence.items.start; it < vn->data.sequence.items.top;
	     it++) {
		const yaml_node_t *item = yaml_document_get_node(p->doc, *it);
		const char *v = pm_scalar(p, item, "valid_status_codes");

		if (!v)
			return -EINVAL;
		if (probe_status_set__parse(&m->valid_status, v))
			return pm_fail(p, item,
				       "valid_status_codes: '%s' is not a status 100-599 "
				       "(at most %d)",
				       v, PROBE_STATUS_RANGES);
	}
	return 0;
}

static int pm_http(struct pm_parse *p, struct probe_module *m, const char *key,
		   const yaml_node_t *kn, const yaml_node_t *vn)
{
	if (!strcmp(key, "method")) {
		int err = pm_copy(p, vn, key, m->method, sizeof(m->method));

		for (const char *c = m->method; !err && *c; c++) {
			if (*c < 'A' || *c > 'Z')
				return pm_fail(p, vn, "method: want an upper-case token");
		}
		return err;
	}
	if (!strcmp(key, "valid_status_codes"))
		return pm_status_codes(p, m, vn);
	if (!strcmp(key, "no_follow_redirects"))
		return pm_bool(p, vn, key, &m->no_follow_redirects);
	if (!strcmp(key, "preferred_ip_protocol"))
		return pm_ip_protocol(p, m, vn);
	if (!strcmp(key, "tls_config"))
		return pm_each(p, vn, key, m, pm_tls_config);
	if (!strcmp(key, "fail_if_body_not_matches_regexp")) {
		const yaml_node_t *item;
		const char *refusal;
		regex_t re;

		if (!vn || vn->type != YAML_SEQUENCE_NODE ||
		    vn->data.sequence.items.top - vn->data.sequence.items.start != 1)
			return pm_fail(p, vn, "%s: want a list of one regular expression", key);
		item = yaml_document_get_node(p->doc, *vn->data.sequence.items.start);
		if (pm_copy(p, item, key, m->body_regex, sizeof(m->body_regex)))
			return -EINVAL;
		refusal = regex_guard__refusal(NULL, m->body_regex);
		if (refusal)
			return pm_fail(p, item, "%s: %s", key, refusal);
		if (regcomp(&re, m->body_regex, REG_EXTENDED | REG_NOSUB | REG_NEWLINE))
			return pm_fail(p, item, "%s: not a POSIX extended regular expression", key);
		regfree(&re);
		return 0;
	}
	return pm_fail(p, kn, "http: '%s' is not supported by vigil", key);
}

static int pm_tcp(struct pm_parse *p, struct probe_module *m, const char *key,
		  const yaml_node_t *kn, const yaml_node_t *vn)
{
	if (!strcmp(key, "tls"))
		return pm_bool(p, vn, key, &m->tls);
	if (!strcmp(key, "tls_config"))
		return pm_each(p, vn, key, m, pm_tls_config);
	if (!strcmp(key, "preferred_ip_protocol"))
		return pm_ip_protocol(p, m, vn);
	return pm_fail(p, kn, "tcp: '%s' is not supported by vigil", key);
}

static int pm_dns(struct pm_parse *p, struct probe_module *m, const char *key,
		  const yaml_node_t *kn, const yaml_node_t *vn)
{
	char q[PROBE_DNS_NAME_LEN];
	const char *v;

	if (!strcmp(key, "query_name")) {
		if (pm_copy(p, vn, key, m->query_name, sizeof(m->query_name)))
			return -EINVAL;
		if (probe_dns_qname(m->query_name, 1, q, sizeof(q)))
			return pm_fail(p, vn, "query_name: '%s' is not a domain name",
				       m->query_name);
		return 0;
	}
	if (!strcmp(key, "query_type")) {
		v = pm_scalar(p, vn, key);
		if (!v)
			return -EINVAL;
		m->query_type = probe_dns_type_parse(v);
		if (m->query_type < 0)
			return pm_fail(p, vn,
				       "query_type: want A, AAAA, MX, NS, CNAME, PTR, SOA or "
				       "TXT, not '%s'",
				       v);
		return 0;
	}
	if (!strcmp(key, "transport_protocol")) {
		v = pm_scalar(p, vn, key);
		if (!v)
			return -EINVAL;
		if (strcmp(v, "udp") && strcmp(v, "tcp"))
			return pm_fail(p, vn, "transport_protocol: want udp or tcp, not '%s'", v);
		m->dns_tcp = !strcmp(v, "tcp");
		return 0;
	}
	if (!strcmp(key, "preferred_ip_protocol"))
		return pm_ip_protocol(p, m, vn);
	return pm_fail(p, kn, "dns: '%s' is not supported by vigil", key);
}

static int pm_module_key(struct pm_parse *p, struct probe_module *m, const char *key,
			 const yaml_node_t *kn, const yaml_node_t *vn)
{
	static const char *const probers[] = { "http", "tcp", "dns", NULL };
	const char *v;
	int i;

	if (!strcmp(key, "prober")) {
		v = pm_scalar(p, vn, key);
		if (!v)
			return -EINVAL;
		i = parse_choice(v, probers);
		if (i < 0)
			return pm_fail(p, vn, "prober: want http, tcp or dns, not '%s'", v);
		m->prober = (enum probe_prober)i;
		return 0;
	}
	if (!strcmp(key, "timeout")) {
		v = pm_scalar(p, vn, key);
		if (!v)
			return -EINVAL;
		if (parse_duration(v, NSEC_PER_SEC, &m->timeout_ns) || !m->timeout_ns ||
		    m->timeout_ns > 3600 * NSEC_PER_SEC)
			return pm_fail(p, vn, "timeout: want a duration such as 5s, not '%s'", v);
		return 0;
	}
	if (!strcmp(key, "http"))
		return pm_each(p, vn, key, m, pm_http);
	if (!strcmp(key, "tcp"))
		return pm_each(p, vn, key, m, pm_tcp);
	if (!strcmp(key, "dns"))
		return pm_each(p, vn, key, m, pm_dns);
	return pm_fail(p, kn, "module '%s': '%s' is not supported by vigil", m->name, key);
}

static int pm_modules(struct pm_parse *p, struct probe_modules *ms, const yaml_node_t *n)
{
	if (!n || n->type != YAML_MAPPING_NODE)
		return pm_fail(p, n, "modules: want a mapping of module names");
	for (yaml_node_pair_t *pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top;
	     pair++) {
		const yaml_node_t *kn = yaml_document_get_node(p->doc, pair->key);
		const yaml_node_t *vn = yaml_document_get_node(p->doc, pair->value);
		struct probe_module *m;
		const char *name = pm_scalar(p, kn, "modules");
		int err;

		if (!name)
			return -EINVAL;
		if (!name[0] || strlen(name) >= PROBE_MODULE_NAME)
			return pm_fail(p, kn, "module name: 1 to %d bytes", PROBE_MODULE_NAME - 1);
		if (probe_modules__find(ms, name))
			return pm_fail(p, kn, "module '%s' is defined twice", name);
		if (ms->n >= PROBE_MODULES_MAX)
			return pm_fail(p, kn, "more than %d modules", PROBE_MODULES_MAX);
		m = &ms->m[ms->n];
		memset(m, 0, sizeof(*m));
		memcpy(m->name, name, strlen(name) + 1);
		m->timeout_ns = 5 * NSEC_PER_SEC;
		m->query_type = probe_dns_type_parse("A");
		m->prober = (enum probe_prober) - 1;
		err = pm_each(p, vn, name, m, pm_module_key);
		if (err)
			return err;
		if ((int)m->prober < 0)
			return pm_fail(p, kn, "module '%s': no prober", name);
		if (m->prober == PROBER_DNS && !m->query_name[0])
			return pm_fail(p, kn, "module '%s': dns needs a query_name", name);
		ms->n++;
	}
	return 0;
}

static int pm_root(struct pm_parse *p, struct probe_modules *ms)
{
	const yaml_node_t *root = yaml_document_get_root_node(p->doc);
	const yaml_node_t *modules = NULL;

	if (!root || root->type != YAML_MAPPING_NODE)
		return pm_fail(p, root, "want a mapping with 'modules:'");
	for (yaml_node_pair_t *pair = root->data.mapping.pairs.start;
	     pair < root->data.mapping.pairs.top; pair++) {
		const yaml_node_t *kn = yaml_document_get_node(p->doc, pair->key);
		const char *key = pm_scalar(p, kn, "top level");

		if (!key)
			return -EINVAL;
		if (strcmp(key, "modules"))
			return pm_fail(p, kn, "'%s' is not supported by vigil (only modules:)",
				       key);
		modules = yaml_document_get_node(p->doc, pair->value);
	}
	if (!modules)
		return pm_fail(p, root, "no modules:");
	return pm_modules(p, ms, modules);
}

struct probe_modules *probe_modules__parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct pm_parse p = { .err = err, .errlen = errlen };
	struct probe_modules *ms = calloc(1, sizeof(*ms));
	yaml_parser_t parser;
	yaml_document_t doc;
	int ret = -EINVAL;

	err[0] = '\0';
	if (!ms)
		return NULL;
	if (len > PROBE_MODULES_FILE_MAX) {
		snprintf(err, errlen, "larger than %d bytes", PROBE_MODULES_FILE_MAX);
		goto out_modules;
	}
	if (!yaml_parser_initialize(&parser)) {
		ret = -ENOMEM;
		goto out_modules;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "line %zu: %s", (size_t)parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "not YAML");
		goto out_parser;
	}
	p.doc = &doc;
	ret = pm_root(&p, ms);
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
out_modules:
	if (!ret)
		return ms;
	if (!err[0])
		snprintf(err, errlen, "%s", strerror(-ret));
	free(ms);
	errno = -ret;
	return NULL;
}

struct probe_modules *probe_modules__load(const char *path, char *err, size_t errlen)
{
	struct probe_modules *ms = NULL;
	FILE *f = fopen(path, "r");
	char *text;
	size_t len;

	if (!f) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	text = malloc(PROBE_MODULES_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	len = fread(text, 1, PROBE_MODULES_FILE_MAX + 1, f);
	if (ferror(f))
		snprintf(err, errlen, "read error");
	else if (len > PROBE_MODULES_FILE_MAX)
		snprintf(err, errlen, "larger than %d bytes", PROBE_MODULES_FILE_MAX);
	else
		ms = probe_modules__parse(text, len, err, errlen);
	fclose(f);
	free(text);
	return ms;
}

const struct probe_module *probe_modules__find(const struct probe_modules *m, const char *name)
{
	for (int i = 0; m && i < m->n; i++) {
		if (!strcmp(m->m[i].name, name))
			return &m->m[i];
	}
	return NULL;
}

void probe_modules__free(struct probe_modules *m)
{
	free(m);
}
