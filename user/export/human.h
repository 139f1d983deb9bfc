/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * human.h: values as people read them in tables: durations with a unit ("850 ns", "25.8 µs",
 * "1.99 s"), three significant digits, so a column of latencies reads at a glance; and the
 * display width of UTF-8 text (µ is two bytes, one column), so such cells still line up.
 * Sizes use the fallback library's fb_bytes2human (psutil's 1.2K, 3.4M). CSV and JSON never
 * come through here: they keep raw units.
 */
#ifndef VIGIL_HUMAN_H
#define VIGIL_HUMAN_H

#include <stddef.h>
#include <stdint.h>

/* Longest human_duration() text, with its NUL. */
#define HUMAN_DUR_LEN 16

/* ns as "850 ns", "25.8 µs", "1.99 ms", "12.3 s", "2.50 min" or "3.20 h". */
void human_duration(uint64_t ns, char *buf, size_t len);

/* Columns the UTF-8 text str takes: its bytes less the continuation bytes. */
size_t human_width(const char *str);

/*
 * Copy str into buf (len bytes) padded with spaces to width columns, right-aligned unless
 * left; text wider than width is kept whole. Returns buf.
 */
char *human_pad(char *buf, size_t len, const char *str, int width, int left);

#endif /* VIGIL_HUMAN_H */
