// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * alert_rules.c: the rules file loader (alert_rules.h) on libyaml's document API, and the
 * annotation templates. The walk collects every fault with its position rather than stopping
 * at the first, as promtool does, so one `vigil rules check` run shows them all. An expr's
 * fault is placed inside its scalar: the column of the scalar plus the offset in it (and one
 * more for a quoted scalar), exact for the usual one-line conditions.
 */
#include "alert/alert_rules.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cli/parse.h"

#define RULES_MAX_BYTES (4 << 20)
#define RULES_MAX	1024

struct rl {
	const char *path;
	yaml_document_t doc;
	char *err;
	size_t errlen, used;
	int nerr;
	struct alert_rules *r;
};

static void rl_fail_at(struct rl *c, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;
	int n;

	c->nerr++;
	if (!c->err || c->used + 1 >= c->errlen)
		return;
	n = snprintf(c->err + c->used, c->errlen - c->used, "%s%s:%zu:%zu: ", c->used ? "\n" : "",
		     c->path, line, col);
	if (n < 0)
		return;
	c->used = c->used + (size_t)n >= c->errlen ? c->errlen - 1 : c->used + (size_t)n;
	va_start(ap, fmt);
	n = vsnprintf(c->err + c->used, c->errlen - c->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->used = c->used + (size_t)n >= c->errlen ? c->errlen - 1 : c->used + (size_t)n;
}

#define rl_fail(c, n, ...)                                                                         \
	rl_fail_at(c, (size_t)(n)->start_mark.line + 1, (size_t)(n)->start_mark.column + 1,        \
		   __VA_ARGS__)

static yaml_node_t *rl_node(struct rl *c, int id)
{
	return yaml_document_get_node(&c->doc, id);
}

/* The scalar's text, or NULL after a fault (not a scalar, a NUL inside). */
static const char *rl_scalar(struct rl *c, yaml_node_t *n, const char *what)
{
	if (!n || n->type != YAML_SCALAR_NODE) {
		if (n)
			rl_fail(c, n, "%s: want a value", what);
		return NULL;
	}
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
		rl_fail(c, n, "%s: a NUL byte in the value", what);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

static char *rl_strdup(struct rl *c, yaml_node_t *n, const char *what)
{
	const char *s = rl_scalar(c, n, what);
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		rl_fail(c, n, "out of memory");
	return d;
}

static bool rl_duration(struct rl *c, yaml_node_t *n, const char *what, double *out)
{
	const char *s = rl_scalar(c, n, what);
	uint64_t ns;

	if (!s)
		return false;
	if (parse_duration(s, NSEC_PER_SEC, &ns)) {
		rl_fail(c, n, "%s: bad duration '%s' (such as 30s, 5m, 4h)", what, s);
		return false;
	}
	*out = (double)ns / 1e9;
	return true;
}

static bool rl_is_mapping(struct rl *c, yaml_node_t *n, const char *what)
{
	if (n && n->type == YAML_MAPPING_NODE)
		return true;
	if (n)
		rl_fail(c, n, "%s: want a mapping (key: value)", what);
	return false;
}

/* A mapping of scalars into a NULL-terminated key, value... list. */
static char **rl_label_map(struct rl *c, yaml_node_t *n, const char *what)
{
	size_t cnt = 0, i = 0;
	char **v;

	if (!rl_is_mapping(c, n, what))
		return NULL;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
		cnt++;
	v = calloc(cnt * 2 + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		char *k = rl_strdup(c, rl_node(c, p->key), what);
		char *val = rl_strdup(c, rl_node(c, p->value), what);

		if (!k || !val) {
			free(k);
			free(val);
			continue;
		}
		v[i++] = k;
		v[i++] = val;
	}
	return v;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* The 1-based line and column of byte off inside scalar n. */
static void rl_scalar_pos(yaml_node_t *n, size_t off, size_t *line, size_t *col)
{
	const char *s = (const char *)n->data.scalar.value;
	size_t nl = 0, last = 0;

	for (size_t i = 0; i < off && s[i]; i++)
		if (s[i] == '\n') {
			nl++;
			last = i + 1;
		}
	*line = (size_t)n->start_mark.line + 1 + nl;
	if (!nl)
		*col = (size_t)n->start_mark.column + 1 + off +
		       (n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
					n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE
				? 1
				: 0);
	else
		*col = off - last + 1;
}

static void rl_template(struct rl *c, yaml_node_t *n, const char *what, char **out)
{
	char why[128];
	size_t off, line, col;

	*out = rl_strdup(c, n, what);
	if (!*out)
		return;
	if (alert_template__check(*out, &off, why, sizeof(why))) {
		rl_scalar_pos(n, off, &line, &col);
		rl_fail_at(c, line, col, "%s: %s", what, why);
	}
}

static void rl_annotations(struct rl *c, yaml_node_t *n, struct alert_rule *r)
{
	if (!rl_is_mapping(c, n, "annotations"))
		return;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = rl_node(c, p->key), *v = rl_node(c, p->value);
		const char *key = rl_scalar(c, k, "annotations");

		if (!key)
			continue;
		if (!strcmp(key, "summary") && !r->summary)
			rl_template(c, v, "summary", &r->summary);
		else if (!strcmp(key, "description") && !r->description)
			rl_template(c, v, "description", &r->description);
		else
			rl_fail(c, k, "annotations: '%s': vigil knows summary and description",
				key);
	}
}

static void rl_expr(struct rl *c, yaml_node_t *n, struct alert_rule *r)
{
	char why[256];
	size_t off, line, col;

	r->expr_text = rl_strdup(c, n, "expr");
	if (!r->expr_text)
		return;
	if (alert_expr__parse(&r->expr, r->expr_text, &off, why, sizeof(why))) {
		rl_scalar_pos(n, off, &line, &col);
		rl_fail_at(c, line, col, "expr: %s", why);
	}
}

static void rl_rule(struct rl *c, yaml_node_t *n, const char *group)
{
	struct alert_rule *r;
	bool has_expr = false;

	if (!rl_is_mapping(c, n, "rules"))
		return;
	if (c->r->n == RULES_MAX) {
		rl_fail(c, n, "more than %d rules", RULES_MAX);
		return;
	}
	r = &c->r->v[c->r->n++];
	r->group = strdup(group);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = rl_node(c, p->key), *v = rl_node(c, p->value);
		const char *key = rl_scalar(c, k, "rule");

		if (!key)
			continue;
		if (!strcmp(key, "alert") && !r->name) {
			r->name = rl_strdup(c, v, "alert");
		} else if (!strcmp(key, "expr") && !has_expr) {
			has_expr = true;
			rl_expr(c, v, r);
		} else if (!strcmp(key, "for")) {
			rl_duration(c, v, "for", &r->for_s);
		} else if (!strcmp(key, "labels") && !r->labels) {
			r->labels = rl_label_map(c, v, "labels");
		} else if (!strcmp(key, "annotations")) {
			rl_annotations(c, v, r);
		} else if (!strcmp(key, "record")) {
			rl_fail(c, k, "recording rules are not supported: only alert rules");
		} else {
			rl_fail(c, k,
				"unknown or repeated key '%s' in a rule (alert, expr, for, "
				"labels, annotations)",
				key);
		}
	}
	if (!r->name)
		rl_fail(c, n, "a rule without 'alert: NAME'");
	if (!has_expr)
		rl_fail(c, n, "a rule without 'expr'");
}

static void rl_group(struct rl *c, yaml_node_t *n)
{
	yaml_node_t *rules = NULL;
	const char *name = NULL;

	if (!rl_is_mapping(c, n, "groups"))
		return;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = rl_node(c, p->key), *v = rl_node(c, p->value);
		const char *key = rl_scalar(c, k, "group");

		if (!key)
			continue;
		if (!strcmp(key, "name"))
			name = rl_scalar(c, v, "name");
		else if (!strcmp(key, "rules"))
			rules = v;
		else if (!strcmp(key, "interval"))
			rl_fail(c, k, "interval: vigil evaluates every --eval-interval");
		else
			rl_fail(c, k, "unknown key '%s' in a group (name, rules)", key);
	}
	if (!name) {
		rl_fail(c, n, "a group without 'name'");
		name = "";
	}
	if (!rules)
		return;
	if (rules->type != YAML_SEQUENCE_NODE) {
		rl_fail(c, rules, "rules: want a list");
		return;
	}
	for (yaml_node_item_t *i = rules->data.sequence.items.start;
	     i < rules->data.sequence.items.top; i++)
		rl_rule(c, rl_node(c, *i), name);
}

static void rl_route(struct rl *c, yaml_node_t *n)
{
	struct alert_route *rt = &c->r->route;

	if (!rl_is_mapping(c, n, "route"))
		return;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = rl_node(c, p->key), *v = rl_node(c, p->value);
		const char *key = rl_scalar(c, k, "route"), *s;

		if (!key)
			continue;
		if (!strcmp(key, "receiver")) {
			free(rt->receiver);
			rt->receiver = rl_strdup(c, v, "receiver");
		} else if (!strcmp(key, "group_wait")) {
			rl_duration(c, v, key, &rt->group_wait);
		} else if (!strcmp(key, "group_interval")) {
			rl_duration(c, v, key, &rt->group_interval);
		} else if (!strcmp(key, "repeat_interval")) {
			rl_duration(c, v, key, &rt->repeat_interval);
		} else if (!strcmp(key, "send_resolved")) {
			s = rl_scalar(c, v, key);
			if (s && strcmp(s, "true") && strcmp(s, "false"))
				rl_fail(c, v, "send_resolved: want true or false");
			else if (s)
				rt->send_resolved = !strcmp(s, "true");
		} else if (!strcmp(key, "group_by")) {
			size_t i = 0;

			if (v->type != YAML_SEQUENCE_NODE) {
				rl_fail(c, v, "group_by: want a list of label names");
				continue;
			}
			strv_free(rt->group_by);
			rt->group_by = calloc((size_t)(v->data.sequence.items.top -
						       v->data.sequence.items.start) +
						      1,
					      sizeof(char *));
			if (!rt->group_by)
				continue;
			for (yaml_node_item_t *it = v->data.sequence.items.start;
			     it < v->data.sequence.items.top; it++) {
				char *l = rl_strdup(c, rl_node(c, *it), "group_by");

				if (l)
					rt->group_by[i++] = l;
			}
		} else {
			rl_fail(c, k,
				"unknown key '%s' in route (receiver, group_by, group_wait, "
				"group_interval, repeat_interval, send_resolved)",
				key);
		}
	}
	if (rt->group_interval <= 0)
		rl_fail(c, n, "group_interval must be more than 0");
	if (rt->repeat_interval <= 0)
		rl_fail(c, n, "repeat_interval must be more than 0");
}

static void rl_root(struct rl *c)
{
	yaml_node_t *root = yaml_document_get_root_node(&c->doc);
	yaml_node_t *groups = NULL;

	if (!root) {
		rl_fail_at(c, 1, 1, "empty file: want 'groups:'");
		return;
	}
	if (!rl_is_mapping(c, root, "the file"))
		return;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = rl_node(c, p->key), *v = rl_node(c, p->value);
		const char *key = rl_scalar(c, k, "the file");

		if (!key)
			continue;
		if (!strcmp(key, "groups"))
			groups = v;
		else if (!strcmp(key, "route"))
			rl_route(c, v);
		else
			rl_fail(c, k, "unknown key '%s' (groups, route)", key);
	}
	if (!groups) {
		rl_fail(c, root, "no 'groups:'");
		return;
	}
	if (groups->type != YAML_SEQUENCE_NODE) {
		rl_fail(c, groups, "groups: want a list");
		return;
	}
	for (yaml_node_item_t *i = groups->data.sequence.items.start;
	     i < groups->data.sequence.items.top; i++)
		rl_group(c, rl_node(c, *i));
}

static int rl_defaults(struct alert_rules *r)
{
	r->route.group_wait = 30;
	r->route.group_interval = 300;
	r->route.repeat_interval = 4 * 3600;
	r->route.send_resolved = true;
	r->route.receiver = strdup("vigil");
	r->route.group_by = calloc(2, sizeof(char *));
	if (!r->route.receiver || !r->route.group_by)
		return -ENOMEM;
	r->route.group_by[0] = strdup("alertname");
	return r->route.group_by[0] ? 0 : -ENOMEM;
}

struct alert_rules *alert_rules__parse(const char *path, const char *text, size_t len, char *err,
				       size_t errlen)
{
	struct rl c = { .path = path, .err = err, .errlen = errlen };
	yaml_parser_t parser;

	if (err && errlen)
		err[0] = 0;
	c.r = calloc(1, sizeof(*c.r));
	if (!c.r)
		return NULL;
	c.r->v = calloc(RULES_MAX, sizeof(*c.r->v));
	if (!c.r->v || rl_defaults(c.r))
		goto err_nomem;
	if (!yaml_parser_initialize(&parser))
		goto err_nomem;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &c.doc)) {
		rl_fail_at(&c, (size_t)parser.problem_mark.line + 1,
			   (size_t)parser.problem_mark.column + 1, "%s",
			   parser.problem ? parser.problem : "not YAML (or libyaml is missing)");
		yaml_parser_delete(&parser);
		goto err_inval;
	}
	rl_root(&c);
	yaml_document_delete(&c.doc);
	yaml_parser_delete(&parser);
	if (c.nerr)
		goto err_inval;
	return c.r;
err_nomem:
	alert_rules__free(c.r);
	errno = ENOMEM;
	return NULL;
err_inval:
	alert_rules__free(c.r);
	errno = EINVAL;
	return NULL;
}

struct alert_rules *alert_rules__load(const char *path, char *err, size_t errlen)
{
	struct alert_rules *r;
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(RULES_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	n = fread(buf, 1, RULES_MAX_BYTES + 1, f);
	fclose(f);
	if (n > RULES_MAX_BYTES) {
		snprintf(err, errlen, "%s: larger than %d bytes", path, RULES_MAX_BYTES);
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	r = alert_rules__parse(path, buf, n, err, errlen);
	free(buf);
	return r;
}

void alert_rules__free(struct alert_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		struct alert_rule *ru = &r->v[i];

		free(ru->name);
		free(ru->group);
		free(ru->expr_text);
		alert_expr__fini(&ru->expr);
		strv_free(ru->labels);
		free(ru->summary);
		free(ru->description);
	}
	free(r->v);
	free(r->route.receiver);
	strv_free(r->route.group_by);
	free(r);
}

/*
 * Scan one {{ ... }} action at s (just past "{{"): its kind (0: $value, 1: $labels.NAME with
 * name/namelen) and the length up to past "}}". -1 and why on a fault.
 */
static int tmpl_action(const char *s, const char **name, size_t *namelen, size_t *len,
		       const char **why)
{
	size_t i = strspn(s, " \t");
	int kind;

	if (!strncmp(s + i, "$value", 6)) {
		kind = 0;
		i += 6;
	} else if (!strncmp(s + i, "$labels.", 8)) {
		kind = 1;
		i += 8;
		*name = s + i;
		*namelen = 0;
		while (s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
		       (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')) {
			i++;
			(*namelen)++;
		}
		if (!*namelen) {
			*why = "want a label name after $labels.";
			return -1;
		}
	} else {
		*why = "want {{ $labels.NAME }} or {{ $value }}";
		return -1;
	}
	i += strspn(s + i, " \t");
	if (strncmp(s + i, "}}", 2)) {
		*why = "want '}}'";
		return -1;
	}
	*len = i + 2;
	return kind;
}

int alert_template__check(const char *tmpl, size_t *off, char *why, size_t whylen)
{
	for (const char *p = tmpl; (p = strstr(p, "{{"));) {
		const char *name, *w = "";
		size_t nl, len;

		if (tmpl_action(p + 2, &name, &nl, &len, &w) < 0) {
			*off = (size_t)(p - tmpl);
			snprintf(why, whylen, "%s", w);
			return -EINVAL;
		}
		p += 2 + len;
	}
	return 0;
}

char *alert_template__expand(const char *tmpl, const char *const *labels, double value)
{
	size_t cap = strlen(tmpl) + 64, n = 0;
	char *out = malloc(cap);
	const char *p = tmpl;

	if (!out)
		return NULL;
	while (*p) {
		const char *add = p, *name, *why;
		char num[64];
		size_t addlen = 1, nl, len = 1;
		int kind = -1;

		if (!strncmp(p, "{{", 2))
			kind = tmpl_action(p + 2, &name, &nl, &len, &why);
		if (kind == 0) {
			snprintf(num, sizeof(num), "%g", value);
			add = num;
			addlen = strlen(num);
			len += 2;
		} else if (kind == 1) {
			add = "";
			addlen = 0;
			for (size_t i = 0; labels && labels[i]; i += 2)
				if (strlen(labels[i]) == nl && !strncmp(labels[i], name, nl)) {
					add = labels[i + 1];
					addlen = strlen(add);
					break;
				}
			len += 2;
		} else {
			len = 1;
		}
		if (n + addlen + 1 > cap) {
			char *nv;

			cap = (n + addlen + 1) * 2;
			nv = realloc(out, cap);
			if (!nv) {
				free(out);
				return NULL;
			}
			out = nv;
		}
		memcpy(out + n, add, addlen);
		n += addlen;
		p += len;
	}
	out[n] = 0;
	return out;
}
