// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * diff_html.c: the side-by-side HTML page of `vigil diff -f html`, in the layout of Python's
 * difflib.HtmlDiff (a table of six columns: next-change anchors, line numbers and text for
 * each side; the classes diff_header, diff_add, diff_chg, diff_sub; a legend below). The
 * lines come from diff_text_walk(): within a hunk, each run of removed lines faces the run of
 * added lines that follows it, row by row, as changed, with the part between the pair's
 * common prefix and suffix marked (git's diff-highlight rule, where HtmlDiff matches
 * characters); what is left over is added or deleted. Text is escaped for HTML, and bytes
 * a terminal or browser should not get raw print as \xHH (export/escape.h's rule).
 */
#include "diff/diff_html.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff_text.h"
#include "export/escape.h"

void diff_html_text(struct sink *s, const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0;

	while (i < len) {
		bool unsafe;
		size_t n = esc_unit(p + i, len - i, &unsafe);

		if (unsafe && p[i] == '\t') {
			sink__putc(s, '\t');
		} else if (unsafe) {
			for (size_t k = 0; k < n; k++)
				sink__printf(s, "\\x%02x", p[i + k]);
		} else if (p[i] == '&') {
			sink__puts(s, "&amp;");
		} else if (p[i] == '<') {
			sink__puts(s, "&lt;");
		} else if (p[i] == '>') {
			sink__puts(s, "&gt;");
		} else if (p[i] == '"') {
			sink__puts(s, "&quot;");
		} else {
			sink__write(s, p + i, n);
		}
		i += n;
	}
}

void diff_html_begin(struct sink *s, const char *title)
{
	sink__puts(s, "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>");
	diff_html_text(s, title, strlen(title));
	sink__puts(s, "</title>\n<style>\n"
		      "table.diff {font-family: monospace; border: medium;}\n"
		      ".diff_header {background-color: #e0e0e0;}\n"
		      "td.diff_header {text-align: right;}\n"
		      ".diff_next {background-color: #c0c0c0;}\n"
		      ".diff_add {background-color: #aaffaa;}\n"
		      ".diff_chg {background-color: #ffff77;}\n"
		      ".diff_sub {background-color: #ffaaaa;}\n"
		      "td.text {white-space: pre;}\n"
		      "</style>\n</head>\n<body>\n");
}

void diff_html_end(struct sink *s)
{
	sink__puts(s, "<table class=\"diff\" summary=\"Legends\">\n"
		      "<tr><th colspan=\"2\">Legends</th></tr>\n"
		      "<tr><td><table border=\"\" summary=\"Colors\">\n"
		      "<tr><th>Colors</th></tr>\n"
		      "<tr><td class=\"diff_add\">Added</td></tr>\n"
		      "<tr><td class=\"diff_chg\">Changed</td></tr>\n"
		      "<tr><td class=\"diff_sub\">Deleted</td></tr>\n"
		      "</table></td></tr>\n</table>\n</body>\n</html>\n");
}

struct html_side {
	long no;
	char *text;
	size_t len;
};

struct html_ctx {
	struct sink *s;
	struct html_side *del, *add; /* the pending run of removed, then added lines */
	size_t ndel, nadd, cap_del, cap_add;
	int err;
};

static void html_cell(struct sink *s, const struct html_side *l, const char *cls)
{
	if (!l) {
		sink__puts(s, "<td class=\"diff_header\"></td><td class=\"text\"></td>");
		return;
	}
	sink__printf(s, "<td class=\"diff_header\">%ld</td><td class=\"text\">", l->no);
	if (cls)
		sink__printf(s, "<span class=\"%s\">", cls);
	diff_html_text(s, l->text, l->len);
	if (cls)
		sink__puts(s, "</span>");
	sink__puts(s, "</td>");
}

static void html_row(struct sink *s, const struct html_side *a, const char *ca,
		     const struct html_side *b, const char *cb)
{
	sink__puts(s, "<tr><td class=\"diff_next\"></td>");
	html_cell(s, a, ca);
	sink__puts(s, "<td class=\"diff_next\"></td>");
	html_cell(s, b, cb);
	sink__puts(s, "</tr>\n");
}

static bool utf8_continuation(const char *text, size_t i, size_t len)
{
	return i < len && ((unsigned char)text[i] & 0xc0) == 0x80;
}

/* A changed line's cell: its text with [from, to) marked as changed. */
static void html_cell_changed(struct sink *s, const struct html_side *l, size_t from, size_t to)
{
	sink__printf(s, "<td class=\"diff_header\">%ld</td><td class=\"text\">", l->no);
	diff_html_text(s, l->text, from);
	if (to > from) {
		sink__puts(s, "<span class=\"diff_chg\">");
		diff_html_text(s, l->text + from, to - from);
		sink__puts(s, "</span>");
	}
	diff_html_text(s, l->text + to, l->len - to);
	sink__puts(s, "</td>");
}

/* A removed line facing an added one: both marked between their common prefix and suffix. */
static void html_row_changed(struct sink *s, const struct html_side *a, const struct html_side *b)
{
	size_t pre = 0, suf = 0, max = a->len < b->len ? a->len : b->len;

	while (pre < max && a->text[pre] == b->text[pre])
		pre++;
	while (pre &&
	       (utf8_continuation(a->text, pre, a->len) || utf8_continuation(b->text, pre, b->len)))
		pre--;
	while (suf < max - pre && a->text[a->len - 1 - suf] == b->text[b->len - 1 - suf])
		suf++;
	while (suf && (utf8_continuation(a->text, a->len - suf, a->len) ||
		       utf8_continuation(b->text, b->len - suf, b->len)))
		suf--;
	sink__puts(s, "<tr><td class=\"diff_next\"></td>");
	html_cell_changed(s, a, pre, a->len - suf);
	sink__puts(s, "<td class=\"diff_next\"></td>");
	html_cell_changed(s, b, pre, b->len - suf);
	sink__puts(s, "</tr>\n");
}

static void html_flush(struct html_ctx *c)
{
	size_t n = c->ndel > c->nadd ? c->ndel : c->nadd;

	for (size_t i = 0; i < n; i++) {
		const struct html_side *a = i < c->ndel ? &c->del[i] : NULL;
		const struct html_side *b = i < c->nadd ? &c->add[i] : NULL;

		if (a && b)
			html_row_changed(c->s, a, b);
		else
			html_row(c->s, a, a ? "diff_sub" : NULL, b, b ? "diff_add" : NULL);
	}
	for (size_t i = 0; i < c->ndel; i++)
		free(c->del[i].text);
	for (size_t i = 0; i < c->nadd; i++)
		free(c->add[i].text);
	c->ndel = c->nadd = 0;
}

static int html_keep(struct html_side **v, size_t *n, size_t *cap, const struct diff_line *l,
		     long no)
{
	struct html_side *side;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct html_side *nv = realloc(*v, ncap * sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	side = &(*v)[*n];
	side->text = malloc(l->len ? l->len : 1);
	if (!side->text)
		return -ENOMEM;
	memcpy(side->text, l->text, l->len);
	side->len = l->len;
	side->no = no;
	(*n)++;
	return 0;
}

static int html_hunk(void *ctx, const struct diff_hunk *h)
{
	struct html_ctx *c = ctx;

	(void)h;
	html_flush(c);
	sink__puts(c->s, "</tbody>\n<tbody>\n");
	return 0;
}

static int html_line(void *ctx, const struct diff_line *l)
{
	struct html_ctx *c = ctx;

	if (l->origin == '-') {
		if (c->nadd)
			html_flush(c);
		return html_keep(&c->del, &c->ndel, &c->cap_del, l, l->old_no);
	}
	if (l->origin == '+')
		return html_keep(&c->add, &c->nadd, &c->cap_add, l, l->new_no);
	html_flush(c);
	html_row(c->s, &(struct html_side){ l->old_no, (char *)l->text, l->len }, NULL,
		 &(struct html_side){ l->new_no, (char *)l->text, l->len }, NULL);
	return 0;
}

/* Equal buffers have no hunks: their lines, side by side, for the whole-file view. */
static void html_same(struct sink *s, const char *a, size_t alen)
{
	long no = 1;

	for (size_t i = 0; i < alen; no++) {
		const char *nl = memchr(a + i, '\n', alen - i);
		size_t len = nl ? (size_t)(nl - (a + i)) : alen - i;
		struct html_side l = { no, (char *)a + i, len };

		html_row(s, &l, NULL, &l, NULL);
		i += len + 1;
	}
}

int diff_html_table(struct sink *s, const void *a, size_t alen, const void *b, size_t blen,
		    long context, const char *from_desc, const char *to_desc)
{
	static const struct diff_text_ops ops = { .hunk = html_hunk, .line = html_line };
	struct html_ctx c = { .s = s };
	int ret;

	sink__puts(s,
		   "<table class=\"diff\" cellspacing=\"0\" cellpadding=\"0\" rules=\"groups\">\n"
		   "<colgroup></colgroup> <colgroup></colgroup> <colgroup></colgroup>\n"
		   "<colgroup></colgroup> <colgroup></colgroup> <colgroup></colgroup>\n"
		   "<thead><tr><th class=\"diff_next\"><br /></th>"
		   "<th colspan=\"2\" class=\"diff_header\">");
	diff_html_text(s, from_desc, strlen(from_desc));
	sink__puts(s, "</th><th class=\"diff_next\"><br /></th><th colspan=\"2\" "
		      "class=\"diff_header\">");
	diff_html_text(s, to_desc, strlen(to_desc));
	sink__puts(s, "</th></tr></thead>\n<tbody>\n");
	ret = diff_text_walk(a, alen, b, blen, context < 0 ? DIFF_TEXT_ALL_CONTEXT : context, &ops,
			     &c);
	if (ret >= 0)
		html_flush(&c);
	if (ret == DIFF_TEXT_SAME && context < 0)
		html_same(s, a, alen);
	else if (ret == DIFF_TEXT_SAME)
		html_row(s, &(struct html_side){ 0, "No Differences Found", 20 }, NULL,
			 &(struct html_side){ 0, "No Differences Found", 20 }, NULL);
	else if (ret == DIFF_TEXT_BINARY)
		html_row(s, &(struct html_side){ 0, "Binary files differ", 19 }, NULL,
			 &(struct html_side){ 0, "Binary files differ", 19 }, NULL);
	sink__puts(s, "</tbody>\n</table>\n");
	for (size_t i = 0; i < c.ndel; i++)
		free(c.del[i].text);
	for (size_t i = 0; i < c.nadd; i++)
		free(c.add[i].text);
	free(c.del);
	free(c.add);
	return ret;
}
