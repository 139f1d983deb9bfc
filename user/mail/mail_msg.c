// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mail_msg.c: composing an alert notification's e-mail (mail_msg.h) and handing it to
 * libcurl's MIME API. The text part is for any mail reader; the HTML part repeats it as a
 * table per alert with the alert's chart inline (cid:), and the evidence comes as
 * attachments. Subjects follow Alertmanager's ("[FIRING:2] ..."), and a subject that is not
 * plain ASCII is sent as an RFC 2047 encoded word.
 */
#define CURL_DISABLE_TYPECHECK
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mail/mail_chart.h"
#include "mail/mail_msg.h"

#define MAIL_MAX_CHARTS 8 /* charts per message: the first alerts of a large group */

bool mail_header_ok(const char *s)
{
	size_t n = 0;

	if (!s || !*s)
		return false;
	for (; s[n]; n++) {
		if ((unsigned char)s[n] < 0x20 || s[n] == 0x7f)
			return false;
	}
	return n <= MAIL_LINE_MAX;
}

int mail_msg__set(char **field, const char *value)
{
	char *s;

	if (!mail_header_ok(value))
		return -EINVAL;
	s = strdup(value);
	if (!s)
		return -ENOMEM;
	free(*field);
	*field = s;
	return 0;
}

static bool part_name_ok(const char *s)
{
	return mail_header_ok(s) && strlen(s) <= 200 && !strpbrk(s, "\"\\/<>;");
}

int mail_msg__add_part(struct mail_msg *m, bool is_inline, const char *type, const char *name,
		       const void *data, size_t len)
{
	struct mail_part *p = &m->parts[m->nparts];

	if (m->nparts == MAIL_MAX_PARTS)
		return -ENOSPC;
	if (!part_name_ok(name) || strchr(name, ' ') || !mail_header_ok(type) ||
	    strpbrk(type, " \"\\;<>") || !strchr(type, '/'))
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->is_inline = is_inline;
	p->type = strdup(type);
	p->name = strdup(name);
	if (!p->type || !p->name || mail_buf__append(&p->data, data, len)) {
		free(p->type);
		free(p->name);
		mail_buf__free(&p->data);
		return -ENOMEM;
	}
	m->nparts++;
	return 0;
}

void mail_date(char *buf, size_t len, double t)
{
	time_t s = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&s, &tm) || !strftime(buf, len, "%a, %d %b %Y %H:%M:%S +0000", &tm))
		snprintf(buf, len, "Thu, 01 Jan 1970 00:00:00 +0000");
}

/* FNV-1a, 64 bits: enough to tell notifications apart, not a security boundary. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
	return fnv(h, s ? s : "", (s ? strlen(s) : 0) + 1);
}

static void host_part(char *buf, size_t len, const char *host)
{
	size_t j = 0;

	for (size_t i = 0; host && host[i] && j + 1 < len; i++) {
		char c = host[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.')
			buf[j++] = c;
	}
	if (!j && len > 9)
		j = (size_t)snprintf(buf, len, "localhost");
	buf[j] = '\0';
}

void mail_message_id(char *buf, size_t len, const struct notification *n)
{
	uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
	char host[128];

	a = fnv_str(a, n->group_key);
	a = fnv_str(a, n->status);
	for (size_t i = 0; i < n->nalerts; i++) {
		const struct alert *al = &n->alerts[i];

		a = fnv_str(a, al->fingerprint);
		a = fnv_str(a, al->name);
		a = fnv_str(a, al->status);
		a = fnv(a, &al->starts_at, sizeof(al->starts_at));
		a = fnv(a, &al->ends_at, sizeof(al->ends_at));
		b = fnv(b, &a, sizeof(a));
	}
	b = fnv_str(b, n->host);
	host_part(host, sizeof(host), n->host);
	snprintf(buf, len, "vigil.%016llx%016llx.%s@%s", (unsigned long long)a,
		 (unsigned long long)b, n->status ? n->status : "", host);
}

static const char *label_value(const char *const *labels, const char *key)
{
	for (size_t i = 0; labels && labels[i] && labels[i + 1]; i += 2) {
		if (!strcmp(labels[i], key))
			return labels[i + 1];
	}
	return NULL;
}

static int compose_subject(struct mail_msg *m, const struct notification *n)
{
	struct mail_buf s = { 0 };
	bool firing = n->status && !strcmp(n->status, "firing");
	size_t nfiring = 0;
	int err;

	for (size_t i = 0; i < n->nalerts; i++)
		nfiring += n->alerts[i].status && !strcmp(n->alerts[i].status, "firing");
	if (firing)
		err = mail_buf__printf(&s, "[FIRING:%zu]", nfiring);
	else
		err = mail_buf__printf(&s, "[RESOLVED]");
	if (!err && n->nalerts && !label_value(n->group_labels, "alertname"))
		err = mail_buf__printf(&s, " %s", n->alerts[0].name);
	for (size_t i = 0; !err && n->group_labels && n->group_labels[i] && n->group_labels[i + 1];
	     i += 2)
		err = mail_buf__printf(&s, " %s", n->group_labels[i + 1]);
	if (!err)
		err = mail_buf__printf(&s, " on %s", n->host ? n->host : "localhost");
	for (size_t i = 0; !err && i < s.len; i++) { /* one line, whatever the labels hold */
		if ((unsigned char)s.data[i] < 0x20 || s.data[i] == 0x7f)
			s.data[i] = ' ';
	}
	if (!err && s.len > 200)
		s.data[s.len = 200] = '\0';
	err = err ? err : mail_msg__set(&m->subject, s.data);
	mail_buf__free(&s);
	return err;
}

static void fmt_time(char *buf, size_t len, double t)
{
	time_t s = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&s, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "-");
}

/* The facts of one alert, as label: value pairs, for both bodies. */
struct alert_facts {
	char value[32], threshold[32], starts[40], ends[40];
};

static void alert_facts(struct alert_facts *f, const struct alert *a)
{
	mail_fmt_value(f->value, sizeof(f->value), a->value, a->unit);
	mail_fmt_value(f->threshold, sizeof(f->threshold), a->threshold, a->unit);
	fmt_time(f->starts, sizeof(f->starts), a->starts_at);
	fmt_time(f->ends, sizeof(f->ends), a->ends_at);
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static int compose_text(struct mail_buf *b, const struct notification *n)
{
	int err = mail_buf__printf(b, "%s: %zu alert(s) on %s\n", n->status, n->nalerts,
				   n->host ? n->host : "localhost");

	for (size_t i = 0; !err && i < n->nalerts; i++) {
		const struct alert *a = &n->alerts[i];
		struct alert_facts f;

		alert_facts(&f, a);
		err = mail_buf__printf(b,
				       "\n[%s] %s\n  summary:     %s\n  description: %s\n"
				       "  condition:   %s\n  value:       %s (threshold %s)\n"
				       "  started:     %s\n  ended:       %s\n  labels:     ",
				       a->status, a->name, or_dash(a->summary),
				       or_dash(a->description), or_dash(a->expr), f.value,
				       f.threshold, f.starts, f.ends);
		for (size_t l = 0; !err && a->labels && a->labels[l] && a->labels[l + 1]; l += 2)
			err = mail_buf__printf(b, " %s=%s", a->labels[l], a->labels[l + 1]);
		if (!err)
			err = mail_buf__printf(b, "\n");
	}
	return err ? err : mail_buf__printf(b, "\n-- \nvigil on %s\n", or_dash(n->host));
}

static int html_row(struct mail_buf *b, const char *key, const char *value)
{
	int err = mail_buf__printf(b,
				   "<tr><th align=\"left\" style=\"padding-right:12px;"
				   "color:#555\">%s</th><td>",
				   key);

	err = err ? err : mail_buf__html(b, or_dash(value));
	return err ? err : mail_buf__printf(b, "</td></tr>\n");
}

static int compose_html_alert(struct mail_buf *b, const struct alert *a, const char *cid)
{
	bool firing = a->status && !strcmp(a->status, "firing");
	struct mail_buf labels = { 0 };
	struct alert_facts f;
	char value[80];
	int err;

	alert_facts(&f, a);
	snprintf(value, sizeof(value), "%s (threshold %s)", f.value, f.threshold);
	err = mail_buf__printf(b, "<h3 style=\"margin:18px 0 6px\"><span style=\"color:%s\">[",
			       firing ? "#c62828" : "#2e7d32");
	err = err ? err : mail_buf__html(b, a->status);
	err = err ? err : mail_buf__printf(b, "]</span> ");
	err = err ? err : mail_buf__html(b, a->name);
	err = err ? err : mail_buf__printf(b, "</h3>\n<table style=\"font-size:14px\">\n");
	for (size_t l = 0; !err && a->labels && a->labels[l] && a->labels[l + 1]; l += 2)
		err = mail_buf__printf(&labels, "%s%s=%s", l ? " " : "", a->labels[l],
				       a->labels[l + 1]);
	err = err ? err : html_row(b, "summary", a->summary);
	err = err ? err : html_row(b, "description", a->description);
	err = err ? err : html_row(b, "condition", a->expr);
	err = err ? err : html_row(b, "value", value);
	err = err ? err : html_row(b, "started", f.starts);
	err = err ? err : html_row(b, "ended", f.ends);
	err = err ? err : html_row(b, "labels", labels.data);
	err = err ? err : mail_buf__printf(b, "</table>\n");
	if (!err && cid)
		err = mail_buf__printf(b,
				       "<p><img src=\"cid:%s\" width=\"%d\" height=\"%d\" "
				       "alt=\"%s over the last window\"></p>\n",
				       cid, MAIL_CHART_W, MAIL_CHART_H, a->name);
	mail_buf__free(&labels);
	return err;
}

/* A file-name-safe form of an alert's name, for its chart and attachments. */
static void file_stem(char *buf, size_t len, const char *name, size_t i)
{
	size_t j = 0;

	for (; name && *name && j + 1 < len && j < 60; name++) {
		char c = *name;

		buf[j++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
					   (c >= '0' && c <= '9') || c == '-' || c == '_'
				   ? c
				   : '_';
	}
	snprintf(buf + j, len - j, "-%zu", i + 1);
}

static int compose_alert_parts(struct mail_msg *m, const struct alert *a, size_t i, char *cid,
			       size_t cidlen)
{
	struct mail_buf png = { 0 };
	char stem[80], name[128], title[200];
	int err = 0;

	file_stem(stem, sizeof(stem), a->name, i);
	cid[0] = '\0';
	snprintf(title, sizeof(title), "%s on %s", a->name, a->expr ? a->expr : "");
	if (i < MAIL_MAX_CHARTS &&
	    !mail_chart__series(title, a->series, a->nseries, a->threshold, a->unit, &png)) {
		snprintf(cid, cidlen, "%s.png", stem);
		err = mail_msg__add_part(m, true, "image/png", cid, png.data, png.len);
		if (err)
			cid[0] = '\0';
	}
	mail_buf__free(&png);
	if (!err && a->records_csv) {
		snprintf(name, sizeof(name), "%s-records.csv", stem);
		err = mail_msg__add_part(m, false, "text/csv", name, a->records_csv,
					 strlen(a->records_csv));
	}
	if (!err && a->flame_svg) {
		snprintf(name, sizeof(name), "%s-flame.svg", stem);
		err = mail_msg__add_part(m, false, "image/svg+xml", name, a->flame_svg,
					 strlen(a->flame_svg));
	}
	return err == -ENOSPC ? 0 : err; /* a huge group: the first alerts' evidence */
}

int mail_msg__compose(struct mail_msg *m, const struct notification *n, const char *from,
		      const char *to, double now)
{
	char id[256], date[64], cid[160];
	int err;

	memset(m, 0, sizeof(*m));
	mail_message_id(id, sizeof(id), n);
	mail_date(date, sizeof(date), now);
	err = mail_msg__set(&m->message_id, id);
	err = err ? err : mail_msg__set(&m->from, from);
	err = err ? err : mail_msg__set(&m->to, to);
	err = err ? err : mail_msg__set(&m->date, date);
	err = err ? err : compose_subject(m, n);
	err = err ? err : compose_text(&m->text, n);
	err = err ? err
		  : mail_buf__printf(&m->html, "<!DOCTYPE html>\n<html><body style=\"font-family:"
					       "sans-serif\">\n<h2>");
	err = err ? err : mail_buf__html(&m->html, m->subject);
	err = err ? err : mail_buf__printf(&m->html, "</h2>\n");
	for (size_t i = 0; !err && i < n->nalerts; i++) {
		err = compose_alert_parts(m, &n->alerts[i], i, cid, sizeof(cid));
		err = err ? err : compose_html_alert(&m->html, &n->alerts[i], cid[0] ? cid : NULL);
	}
	err = err ? err : mail_buf__printf(&m->html, "<p style=\"color:#777\">vigil on ");
	err = err ? err : mail_buf__html(&m->html, or_dash(n->host));
	err = err ? err : mail_buf__printf(&m->html, "</p>\n</body></html>\n");
	if (err)
		mail_msg__free(m);
	return err;
}

void mail_msg__free(struct mail_msg *m)
{
	free(m->message_id);
	free(m->from);
	free(m->to);
	free(m->subject);
	free(m->date);
	mail_buf__free(&m->text);
	mail_buf__free(&m->html);
	for (int i = 0; i < m->nparts; i++) {
		free(m->parts[i].type);
		free(m->parts[i].name);
		mail_buf__free(&m->parts[i].data);
	}
	memset(m, 0, sizeof(*m));
}

static bool is_ascii(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s >= 0x7f)
			return false;
	}
	return true;
}

/* RFC 2047: =?UTF-8?B?...?= for a header value that is not plain ASCII. */
static int encoded_word(struct mail_buf *b, const char *s)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int err = mail_buf__printf(b, "=?UTF-8?B?");

	for (size_t i = 0; !err && i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		char q[4] = { b64[v >> 18], b64[(v >> 12) & 63],
			      i + 1 < n ? b64[(v >> 6) & 63] : '=', i + 2 < n ? b64[v & 63] : '=' };

		err = mail_buf__append(b, q, 4);
	}
	return err ? err : mail_buf__printf(b, "?=");
}

static int add_header(struct curl_slist **h, const char *name, const char *value)
{
	struct mail_buf b = { 0 };
	struct curl_slist *n;
	int err = mail_buf__printf(&b, "%s: ", name);

	if (!err)
		err = is_ascii(value) ? mail_buf__printf(&b, "%s", value) : encoded_word(&b, value);
	n = err ? NULL : curl_slist_append(*h, b.data);
	mail_buf__free(&b);
	if (!n)
		return -ENOMEM;
	*h = n;
	return 0;
}

/* Text with CRLF line ends, as mail wants them (quoted-printable keeps a lone LF as =0A). */
static int crlf(struct mail_buf *out, const struct mail_buf *in)
{
	int err = 0;

	for (size_t i = 0; i < in->len && !err; i++) {
		if (in->data[i] == '\n' && (!i || in->data[i - 1] != '\r'))
			err = mail_buf__append(out, "\r", 1);
		err = err ? err : mail_buf__append(out, &in->data[i], 1);
	}
	return err;
}

/* One part of data; base64 for binary data, quoted-printable (CRLF lines) for text. */
static int mime_data(curl_mimepart *p, const char *type, const struct mail_buf *data,
		     const char *encoder)
{
	struct mail_buf text = { 0 };
	bool qp = !strcmp(encoder, "quoted-printable");
	const struct mail_buf *d = data;
	int err = 0;

	if (qp) {
		err = crlf(&text, data);
		d = &text;
	}
	if (err || !p || curl_mime_type(p, type) != CURLE_OK ||
	    curl_mime_data(p, d->data ? d->data : "", d->len) != CURLE_OK ||
	    curl_mime_encoder(p, encoder) != CURLE_OK)
		err = -ENOMEM;
	mail_buf__free(&text);
	return err;
}

static int mime_part(curl_mime *mime, const struct mail_part *mp)
{
	curl_mimepart *p = curl_mime_addpart(mime);
	struct curl_slist *h = NULL;
	struct mail_buf line = { 0 };
	bool text = !strncmp(mp->type, "text/", 5);
	int err;

	err = mime_data(p, mp->type, &mp->data, text ? "quoted-printable" : "base64");
	if (!err && curl_mime_filename(p, mp->name) != CURLE_OK)
		err = -ENOMEM;
	if (!err && mp->is_inline) {
		err = mail_buf__printf(&line, "Content-ID: <%s>", mp->name);
		h = err ? NULL : curl_slist_append(NULL, line.data);
		mail_buf__free(&line);
		err = err ? err
			  : mail_buf__printf(&line,
					     "Content-Disposition: inline; "
					     "filename=\"%s\"",
					     mp->name);
		if (h && !err)
			h = curl_slist_append(h, line.data) ? h : NULL;
		if (!h || curl_mime_headers(p, h, 1) != CURLE_OK)
			err = -ENOMEM;
	}
	mail_buf__free(&line);
	return err;
}

int mail_msg__mime(const struct mail_msg *m, CURL *curl, curl_mime **mime,
		   struct curl_slist **headers)
{
	curl_mime *top = curl_mime_init(curl), *alt = curl_mime_init(curl),
		  *rel = curl_mime_init(curl);
	curl_mimepart *p;
	int err = top && alt && rel ? 0 : -ENOMEM;

	*headers = NULL;
	err = err ? err
		  : mime_data(curl_mime_addpart(alt), "text/plain; charset=utf-8", &m->text,
			      "quoted-printable");
	err = err ? err
		  : mime_data(curl_mime_addpart(rel), "text/html; charset=utf-8", &m->html,
			      "quoted-printable");
	for (int i = 0; !err && i < m->nparts; i++) {
		if (m->parts[i].is_inline)
			err = mime_part(rel, &m->parts[i]);
	}
	p = err ? NULL : curl_mime_addpart(alt);
	if (!err && (!p || curl_mime_subparts(p, rel) != CURLE_OK ||
		     curl_mime_type(p, "multipart/related") != CURLE_OK))
		err = -ENOMEM;
	if (!err)
		rel = NULL; /* p owns it */
	p = err ? NULL : curl_mime_addpart(top);
	if (!err && (!p || curl_mime_subparts(p, alt) != CURLE_OK ||
		     curl_mime_type(p, "multipart/alternative") != CURLE_OK))
		err = -ENOMEM;
	if (!err)
		alt = NULL;
	for (int i = 0; !err && i < m->nparts; i++) {
		if (!m->parts[i].is_inline)
			err = mime_part(top, &m->parts[i]);
	}
	err = err ? err : add_header(headers, "From", m->from);
	err = err ? err : add_header(headers, "To", m->to);
	err = err ? err : add_header(headers, "Subject", m->subject);
	err = err ? err : add_header(headers, "Date", m->date);
	if (!err) {
		char id[MAIL_LINE_MAX + 3];

		snprintf(id, sizeof(id), "<%s>", m->message_id);
		err = add_header(headers, "Message-ID", id);
	}
	curl_mime_free(rel);
	curl_mime_free(alt);
	if (err) {
		curl_mime_free(top);
		curl_slist_free_all(*headers);
		*headers = NULL;
		top = NULL;
	}
	*mime = top;
	return err;
}
