/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * escape.h: the one place that decides which bytes of untrusted text (a comm, a file name, a
 * user name) may reach a terminal raw. C0 controls (0x00-0x1f), DEL (0x7f), C1 controls
 * (U+0080-U+009F, whether as their UTF-8 encoding 0xc2 0x80-0x9f or as lone 0x80-0x9f bytes)
 * and every other byte that is not part of valid UTF-8 print as \xHH, one per byte, so a
 * process cannot move the cursor, clear the screen or retitle the window of whoever watches
 * it. Valid UTF-8 passes through. Every table and terminal view escapes through here; CSV
 * and JSON use esc_unit() to find the same bytes and escape them in their own syntax.
 */
#ifndef VIGIL_ESCAPE_H
#define VIGIL_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "export/sink.h"

/* Longest escaped form of one input byte: "\xHH". */
#define ESC_MAX_PER_BYTE 4

/* Length of the valid UTF-8 sequence at p (n bytes available), or 0 if it is not one. */
size_t utf8_seq_len(const unsigned char *p, size_t n);

/*
 * The length of the unit at p (1 byte, or one whole UTF-8 sequence; n > 0 bytes available);
 * *unsafe says whether a terminal must not receive it raw.
 */
size_t esc_unit(const unsigned char *p, size_t n, bool *unsafe);

/* Whether the first maxlen bytes of str (up to its NUL) need any escaping. */
bool esc_is_needed(const char *str, size_t maxlen);

/*
 * Escape at most maxlen bytes of src (stops at NUL) into dst (size bytes, always
 * NUL-terminated when size > 0), never splitting an escape or a UTF-8 sequence. Returns the
 * length written. A dst of ESC_MAX_PER_BYTE * maxlen + 1 bytes always holds all of it.
 */
size_t esc_str(char *dst, size_t size, const char *src, size_t maxlen);

/* esc_str() for use inside a printf argument list: returns dst. */
char *esc_buf(char *dst, size_t size, const char *src);

/* The same, written to a sink; returns the number of bytes written. */
size_t esc_write(struct sink *s, const char *src, size_t maxlen);

/*
 * XML text or attribute value: markup escaped as entities; control bytes and bytes that are
 * not UTF-8 as \xHH (as above), so any XML parser accepts it (the SVG writers).
 */
void esc_xml_write(struct sink *s, const char *str);

#endif /* VIGIL_ESCAPE_H */
