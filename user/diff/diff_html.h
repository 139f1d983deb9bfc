/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * diff_html.h: side-by-side HTML, as Python difflib's HtmlDiff.make_file lays it out: one
 * table, the old text on the left and the new on the right with line numbers, changed lines
 * facing each other (diff_chg), lines only on one side as diff_sub / diff_add, and a legend.
 * The text diff itself is diff_text's (libgit2); this only lays it out.
 */
#ifndef VIGIL_DIFF_HTML_H
#define VIGIL_DIFF_HTML_H

#include <stddef.h>

#include "export/sink.h"

/* The page's head and its end; between them any number of diff_html_table() calls. */
void diff_html_begin(struct sink *s, const char *title);
void diff_html_end(struct sink *s);

/*
 * One table comparing a (headed from_desc) with b (to_desc): every line when context < 0,
 * else only the changes with context lines around them (HtmlDiff's context=True). Returns a
 * diff_text_result or a negative errno.
 */
int diff_html_table(struct sink *s, const void *a, size_t alen, const void *b, size_t blen,
		    long context, const char *from_desc, const char *to_desc);

/* Text as HTML: &, <, >, " as entities; control and non-UTF-8 bytes as \xHH. */
void diff_html_text(struct sink *s, const char *text, size_t len);

#endif /* VIGIL_DIFF_HTML_H */
