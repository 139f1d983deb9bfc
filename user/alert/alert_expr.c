// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * alert_expr.c: the parser and evaluator of rule conditions (grammar in alert_expr.h). A
 * hand-written recursive descent over a few tokens: no library parses this little language,
 * and errors must point at the byte that is wrong. Numbers are read with strtod and their
 * unit scaled to the metric's base unit (seconds, percent, bytes, per second).
 */
#include "alert/alert_expr.h"
#include "core/regex_guard.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct px {
	const char *s;
	size_t pos;
	size_t *err_off;
	char *err;
	size_t errlen;
};

static int px_fail(struct px *p, size_t at, const char *fmt, ...)
{
	va_list ap;

	*p->err_off = at;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void px_space(struct px *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
	       p->s[p->pos] == '\r')
		p->pos++;
}

static bool is_ident(char c, bool first)
{
	return isalpha((unsigned char)c) || c == '_' || (!first && isdigit((unsigned char)c));
}

/* An identifier at p's position: its length (0: none). */
static size_t px_ident(struct px *p)
{
	size_t n = 0;

	while (p->s[p->pos + n] && is_ident(p->s[p->pos + n], n == 0))
		n++;
	return n;
}

static bool px_eat(struct px *p, const char *tok)
{
	size_t n = strlen(tok);

	px_space(p);
	if (strncmp(p->s + p->pos, tok, n))
		return false;
	p->pos += n;
	return true;
}

/* A "double-quoted" string with \" and \\ escapes, into a malloc'd *out. */
static int px_string(struct px *p, char **out)
{
	size_t start = p->pos, n = 0;
	char *v;

	px_space(p);
	start = p->pos;
	if (p->s[p->pos] != '"')
		return px_fail(p, p->pos, "want a \"quoted\" label value");
	v = malloc(strlen(p->s + p->pos) + 1);
	if (!v)
		return -ENOMEM;
	for (p->pos++; p->s[p->pos] != '"'; p->pos++) {
		if (!p->s[p->pos]) {
			free(v);
			return px_fail(p, start, "unterminated string");
		}
		if (p->s[p->pos] == '\\' && (p->s[p->pos + 1] == '"' || p->s[p->pos + 1] == '\\'))
			p->pos++;
		v[n++] = p->s[p->pos];
	}
	p->pos++;
	v[n] = 0;
	*out = v;
	return 0;
}

/* Patterns run against every label of every sample: bounded harder than a probe's. */
static const struct regex_guard ALERT_RE_GUARD = {
	.max_len = 256,
	.max_depth = 8,
	.repeated_groups = true,
};

static int px_matcher(struct px *p, struct alert_expr *e)
{
	struct alert_matcher *m;
	size_t at, n;
	int err;

	px_space(p);
	at = p->pos;
	n = px_ident(p);
	if (!n)
		return px_fail(p, at, "want a label name");
	if (e->nm == ALERT_MAX_MATCHERS)
		return px_fail(p, at, "more than %d label matchers", ALERT_MAX_MATCHERS);
	if (!alert_metric__has_label(e->metric, p->s + at, n))
		return px_fail(p, at, "%s has no label '%.*s' (it has: %s)", e->metric->name,
			       (int)n, p->s + at,
			       e->metric->labels[0] ? e->metric->labels : "none");
	m = &e->m[e->nm++];
	snprintf(m->name, sizeof(m->name), "%.*s", (int)n, p->s + at);
	p->pos += n;
	px_space(p);
	if (px_eat(p, "=~"))
		m->op = ALERT_M_RE;
	else if (px_eat(p, "!~"))
		m->op = ALERT_M_NRE;
	else if (px_eat(p, "!="))
		m->op = ALERT_M_NE;
	else if (px_eat(p, "="))
		m->op = ALERT_M_EQ;
	else
		return px_fail(p, p->pos, "want =, !=, =~ or !~ after the label name");
	px_space(p);
	at = p->pos;
	err = px_string(p, &m->value);
	if (err)
		return err;
	if (m->op == ALERT_M_RE || m->op == ALERT_M_NRE) {
		const char *refusal = regex_guard__refusal(&ALERT_RE_GUARD, m->value);
		char *anchored;
		int rc;

		if (refusal)
			return px_fail(p, at, "bad regex: %s", refusal);

		if (asprintf(&anchored, "^(%s)$", m->value) < 0)
			return -ENOMEM;
		rc = regcomp(&m->re, anchored, REG_EXTENDED | REG_NOSUB);
		free(anchored);
		if (rc) {
			char why[128];

			regerror(rc, &m->re, why, sizeof(why));
			return px_fail(p, at, "bad regex: %s", why);
		}
		m->has_re = true;
	}
	return 0;
}

static int px_selector(struct px *p, struct alert_expr *e)
{
	size_t at, n;
	int err;

	px_space(p);
	at = p->pos;
	n = px_ident(p);
	if (!n)
		return px_fail(p, at, "want a metric name");
	e->metric = alert_metric__find(p->s + at, n);
	if (!e->metric)
		return px_fail(p, at, "unknown metric '%.*s' (docs/alerts.md lists them)", (int)n,
			       p->s + at);
	p->pos += n;
	if (!px_eat(p, "{"))
		return 0;
	if (px_eat(p, "}"))
		return 0;
	do {
		err = px_matcher(p, e);
		if (err)
			return err;
	} while (px_eat(p, ","));
	if (!px_eat(p, "}"))
		return px_fail(p, p->pos, "want ',' or '}'");
	return 0;
}

static const struct alert_unit {
	const char *suffix;
	const char *unit; /* the class it belongs to */
	double scale;
} alert_units[] = {
	/* longest first where one is a prefix of another */
	{ "ns", "s", 1e-9 },
	{ "us", "s", 1e-6 },
	{ "ms", "s", 1e-3 },
	{ "/s", "/s", 1 },
	{ "s", "s", 1 },
	{ "m", "s", 60 },
	{ "h", "s", 3600 },
	{ "%", "%", 1 },
	{ "KiB", "B", 1024.0 },
	{ "MiB", "B", 1024.0 * 1024 },
	{ "GiB", "B", 1024.0 * 1024 * 1024 },
	{ "TiB", "B", 1024.0 * 1024 * 1024 * 1024 },
	{ "KB", "B", 1e3 },
	{ "MB", "B", 1e6 },
	{ "GB", "B", 1e9 },
	{ "TB", "B", 1e12 },
	{ "B", "B", 1 },
};

static int px_number(struct px *p, struct alert_expr *e)
{
	const char *start;
	char *end;
	size_t at;
	double v;

	px_space(p);
	at = p->pos;
	start = p->s + at;
	if (!isdigit((unsigned char)*start) && *start != '.' && *start != '-')
		return px_fail(p, at, "want a number");
	errno = 0;
	v = strtod(start, &end);
	if (end == start || errno || !isfinite(v))
		return px_fail(p, at, "bad number");
	/* strtod takes hex, inf and exponents; keep to plain decimals with an exponent */
	for (const char *c = start; c < end; c++)
		if (!isdigit((unsigned char)*c) && !strchr(".-+eE", *c))
			return px_fail(p, at, "bad number");
	p->pos += (size_t)(end - start);
	for (size_t i = 0; i < sizeof(alert_units) / sizeof(alert_units[0]); i++) {
		const struct alert_unit *u = &alert_units[i];
		size_t n = strlen(u->suffix);

		if (strncmp(p->s + p->pos, u->suffix, n) || is_ident(p->s[p->pos + n], false))
			continue;
		if (strcmp(u->unit, e->unit))
			return px_fail(p, p->pos, "unit '%s' does not fit %s%s%s, in %s", u->suffix,
				       e->fn == ALERT_FN_RATE ? "rate(" : "", e->metric->name,
				       e->fn == ALERT_FN_RATE ? ")" : "",
				       e->unit[0] ? e->unit : "a plain count");
		v *= u->scale;
		p->pos += n;
		break;
	}
	if (is_ident(p->s[p->pos], false))
		return px_fail(p, p->pos, "unknown unit");
	e->threshold = v;
	return 0;
}

static int px_op(struct px *p, struct alert_expr *e)
{
	static const struct {
		const char *tok;
		enum alert_op op;
	} ops[] = { { ">=", ALERT_GE }, { "<=", ALERT_LE }, { "==", ALERT_EQ },
		    { "!=", ALERT_NE }, { ">", ALERT_GT },  { "<", ALERT_LT } };

	px_space(p);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (px_eat(p, ops[i].tok)) {
			e->op = ops[i].op;
			return 0;
		}
	return px_fail(p, p->pos, "want a comparison: >, >=, <, <=, == or !=");
}

static int px_expr(struct px *p, struct alert_expr *e)
{
	size_t at, n;
	int err;

	px_space(p);
	at = p->pos;
	n = px_ident(p);
	if (n && p->s[at + n + strspn(p->s + at + n, " \t")] == '(') {
		if (n == 6 && !strncmp(p->s + at, "absent", n))
			e->fn = ALERT_FN_ABSENT;
		else if (n == 4 && !strncmp(p->s + at, "rate", n))
			e->fn = ALERT_FN_RATE;
		else
			return px_fail(p, at, "unknown function '%.*s' (rate, absent)", (int)n,
				       p->s + at);
		p->pos += n;
		px_eat(p, "(");
		err = px_selector(p, e);
		if (err)
			return err;
		if (!px_eat(p, ")"))
			return px_fail(p, p->pos, "want ')'");
	} else {
		err = px_selector(p, e);
		if (err)
			return err;
	}
	if (e->fn == ALERT_FN_RATE && e->metric->kind != ALERT_COUNTER)
		return px_fail(p, at, "rate() wants a counter; %s is a gauge", e->metric->name);
	if (e->fn == ALERT_FN_NONE && e->metric->kind == ALERT_COUNTER)
		return px_fail(p, at, "%s is a counter: compare rate(%s)", e->metric->name,
			       e->metric->name);
	if (!strcmp(e->metric->name, "probe_success")) {
		struct alert_fixed f;

		alert_expr__fixed(e, &f);
		if (!f.module || !f.target)
			return px_fail(p, at, "probe_success needs module=\"M\" and target=\"T\"");
	}
	e->unit = e->fn == ALERT_FN_RATE ? "/s" : e->metric->unit;
	px_space(p);
	if (e->fn == ALERT_FN_ABSENT) {
		e->threshold = NAN;
	} else {
		err = px_op(p, e);
		if (!err)
			err = px_number(p, e);
		if (err)
			return err;
	}
	px_space(p);
	if (p->s[p->pos])
		return px_fail(p, p->pos, "unexpected '%c' after the condition", p->s[p->pos]);
	return 0;
}

int alert_expr__parse(struct alert_expr *e, const char *text, size_t *err_off, char *err,
		      size_t errlen)
{
	struct px p = { .s = text, .err_off = err_off, .err = err, .errlen = errlen };

	memset(e, 0, sizeof(*e));
	*err_off = 0;
	if (err && errlen)
		err[0] = 0;
	return px_expr(&p, e);
}

void alert_expr__fini(struct alert_expr *e)
{
	for (int i = 0; i < e->nm; i++) {
		free(e->m[i].value);
		if (e->m[i].has_re)
			regfree(&e->m[i].re);
	}
	e->nm = 0;
}

static const char *series_label(const struct alert_series *s, const char *key)
{
	for (int i = 0; i < s->nlabels; i++)
		if (!strcmp(s->key[i], key))
			return s->val[i];
	return "";
}

bool alert_expr__matches(const struct alert_expr *e, const struct alert_series *s)
{
	for (int i = 0; i < e->nm; i++) {
		const struct alert_matcher *m = &e->m[i];
		const char *v = series_label(s, m->name);
		bool eq;

		if (m->op == ALERT_M_EQ || m->op == ALERT_M_NE)
			eq = !strcmp(v, m->value);
		else
			eq = !regexec(&m->re, v, 0, NULL, 0);
		if (eq != (m->op == ALERT_M_EQ || m->op == ALERT_M_RE))
			return false;
	}
	return true;
}

bool alert_expr__compare(const struct alert_expr *e, double v)
{
	switch (e->op) {
	case ALERT_GT:
		return v > e->threshold;
	case ALERT_GE:
		return v >= e->threshold;
	case ALERT_LT:
		return v < e->threshold;
	case ALERT_LE:
		return v <= e->threshold;
	case ALERT_EQ:
		return v == e->threshold;
	case ALERT_NE:
		return v != e->threshold;
	}
	return false;
}

void alert_expr__fixed(const struct alert_expr *e, struct alert_fixed *f)
{
	f->module = f->target = NULL;
	for (int i = 0; i < e->nm; i++) {
		if (e->m[i].op != ALERT_M_EQ)
			continue;
		if (!strcmp(e->m[i].name, "module"))
			f->module = e->m[i].value;
		else if (!strcmp(e->m[i].name, "target"))
			f->target = e->m[i].value;
	}
}

const char *alert_op_name(enum alert_op op)
{
	static const char *const names[] = { ">", ">=", "<", "<=", "==", "!=" };

	return names[op];
}
