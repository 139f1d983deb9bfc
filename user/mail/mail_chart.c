// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mail_chart.c: the mail's PNG charts, drawn with cairo on an image surface and written as PNG
 * into memory. One frame for both kinds: a white card, a bold title, a plot area with four
 * horizontal grid lines labelled in the metric's unit; the series chart labels time along the
 * bottom (HH:MM:SS, UTC as the message's other times), the histogram chart its slots' lower bounds.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cairo/cairo.h>

#include "core/log.h"
#include "mail/mail_chart.h"

#define CHART_LEFT   72.0
#define CHART_RIGHT  16.0
#define CHART_TOP    30.0
#define CHART_BOTTOM 30.0
#define CHART_GRID   4

struct chart {
	cairo_surface_t *surface;
	cairo_t *cr;
	double x0, y0, x1, y1; /* the plot area: x0,y1 is the bottom left */
	double lo, hi;	       /* the value range of the y axis */
};

void mail_fmt_value(char *buf, size_t len, double v, const char *unit)
{
	static const char *const bin[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	static const char *const dec[] = { "", "k", "M", "G", "T" };
	double a = fabs(v);
	int i = 0;

	unit = unit ? unit : "";
	if (isnan(v)) {
		snprintf(buf, len, "n/a");
	} else if (!strcmp(unit, "s")) {
		if (a != 0 && a < 1e-6)
			snprintf(buf, len, "%.3g ns", v * 1e9);
		else if (a != 0 && a < 1e-3)
			snprintf(buf, len, "%.3g us", v * 1e6);
		else if (a != 0 && a < 1)
			snprintf(buf, len, "%.3g ms", v * 1e3);
		else
			snprintf(buf, len, "%.3g s", v);
	} else if (!strcmp(unit, "B")) {
		for (; a >= 1024 && i < 5; i++, a /= 1024)
			v /= 1024;
		snprintf(buf, len, "%.3g %s", v, bin[i]);
	} else if (!strcmp(unit, "%")) {
		snprintf(buf, len, "%.3g%%", v);
	} else {
		for (; a >= 1000 && i < 4; i++, a /= 1000)
			v /= 1000;
		snprintf(buf, len, "%.3g%s%s", v, dec[i], unit);
	}
}

static int chart__open(struct chart *c, const char *title)
{
	cairo_status_t st;

	c->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, MAIL_CHART_W, MAIL_CHART_H);
	st = cairo_surface_status(c->surface);
	if (st != CAIRO_STATUS_SUCCESS) {
		pr_err("mail: cannot draw a chart: %s\n", cairo_status_to_string(st));
		if (c->surface)
			cairo_surface_destroy(c->surface);
		return -ENOMEM;
	}
	c->cr = cairo_create(c->surface);
	c->x0 = CHART_LEFT;
	c->x1 = MAIL_CHART_W - CHART_RIGHT;
	c->y0 = CHART_TOP;
	c->y1 = MAIL_CHART_H - CHART_BOTTOM;
	cairo_set_source_rgb(c->cr, 1, 1, 1);
	cairo_paint(c->cr);
	cairo_select_font_face(c->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(c->cr, 13);
	cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
	cairo_move_to(c->cr, 10, 19);
	cairo_show_text(c->cr, title);
	cairo_select_font_face(c->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(c->cr, 10);
	return 0;
}

static double chart__y(const struct chart *c, double v)
{
	return c->y1 - (v - c->lo) / (c->hi - c->lo) * (c->y1 - c->y0);
}

static void chart__text(struct chart *c, double x, double y, const char *s, double align)
{
	cairo_text_extents_t e = { 0 };

	cairo_text_extents(c->cr, s, &e);
	cairo_move_to(c->cr, x - e.width * align, y);
	cairo_show_text(c->cr, s);
}

/* Grid lines and y labels over [lo, hi], then the axes. */
static void chart__frame(struct chart *c, const char *unit)
{
	char label[32];

	cairo_set_line_width(c->cr, 1);
	for (int i = 0; i <= CHART_GRID; i++) {
		double v = c->lo + (c->hi - c->lo) * i / CHART_GRID, y = chart__y(c, v);

		cairo_set_source_rgb(c->cr, 0.88, 0.88, 0.88);
		cairo_move_to(c->cr, c->x0, floor(y) + 0.5);
		cairo_line_to(c->cr, c->x1, floor(y) + 0.5);
		cairo_stroke(c->cr);
		cairo_set_source_rgb(c->cr, 0.3, 0.3, 0.3);
		mail_fmt_value(label, sizeof(label), v, unit);
		chart__text(c, c->x0 - 6, y + 3.5, label, 1);
	}
	cairo_set_source_rgb(c->cr, 0.3, 0.3, 0.3);
	cairo_move_to(c->cr, c->x0 + 0.5, c->y0);
	cairo_line_to(c->cr, c->x0 + 0.5, c->y1 + 0.5);
	cairo_line_to(c->cr, c->x1, c->y1 + 0.5);
	cairo_stroke(c->cr);
}

static cairo_status_t chart__write(void *closure, const unsigned char *data, unsigned int len)
{
	return mail_buf__append(closure, data, len) ? CAIRO_STATUS_WRITE_ERROR
						    : CAIRO_STATUS_SUCCESS;
}

static int chart__close(struct chart *c, struct mail_buf *png)
{
	cairo_status_t st = cairo_status(c->cr);

	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_write_to_png_stream(c->surface, chart__write, png);
	cairo_destroy(c->cr);
	cairo_surface_destroy(c->surface);
	if (st == CAIRO_STATUS_SUCCESS)
		return 0;
	pr_err("mail: cannot draw a chart: %s\n", cairo_status_to_string(st));
	return -EIO;
}

static void time_label(char *buf, size_t len, double t)
{
	time_t s = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&s, &tm) || !strftime(buf, len, "%H:%M:%S", &tm))
		snprintf(buf, len, "?");
}

/* Round the y range out to CHART_GRID steps of 1, 1.5, 2, 2.5, 3 ... 8 times a power of ten. */
static void chart__nice(struct chart *c)
{
	static const double steps[] = { 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 };
	double raw = (c->hi - c->lo) / CHART_GRID, mag = 1, step = raw;

	/* The power of ten at or below raw, without libm's pow/log10 (no libm at exec). */
	for (int i = 0; i < 400 && mag * 10 <= raw; i++)
		mag *= 10;
	for (int i = 0; i < 400 && mag > raw; i++)
		mag /= 10;

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (steps[i] * mag >= raw * 0.999) {
			step = steps[i] * mag;
			break;
		}
	}
	c->lo = floor(c->lo / step) * step;
	c->hi = c->lo + step * CHART_GRID;
	while (c->hi < c->lo + raw * CHART_GRID * 0.999)
		c->hi += step; /* lo moved down: keep the top in */
}

/*
 * The y range: from 0 (or below, for negative values) to a little above everything drawn; a
 * percentage from 0 to 100 when everything fits.
 */
static void chart__range(struct chart *c, const struct alert_point *pts, size_t n, double thr,
			 bool pct)
{
	c->lo = 0;
	c->hi = isnan(thr) ? 0 : thr;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(pts[i].v))
			continue;
		c->lo = pts[i].v < c->lo ? pts[i].v : c->lo;
		c->hi = pts[i].v > c->hi ? pts[i].v : c->hi;
	}
	if (!isnan(thr) && thr < c->lo)
		c->lo = thr;
	if (pct && c->lo >= 0 && c->hi <= 100) { /* a share: the whole of it */
		c->hi = 100;
		return;
	}
	c->hi = c->hi > c->lo ? c->hi + (c->hi - c->lo) * 0.05 : c->lo + 1;
	chart__nice(c);
}

int mail_chart__series(const char *title, const struct alert_point *pts, size_t n, double threshold,
		       const char *unit, struct mail_buf *png)
{
	double t0 = n ? pts[0].t : 0, t1 = n ? pts[n - 1].t : 1, dash[] = { 6, 4 };
	char label[48], value[32];
	struct chart c;
	bool pen = false;

	if (chart__open(&c, title))
		return -ENOMEM;
	if (t1 <= t0)
		t1 = t0 + 1;
	chart__range(&c, pts, n, threshold, unit && !strcmp(unit, "%"));
	chart__frame(&c, unit);
	for (int i = 0; n && i < 3; i++) {
		double t = t0 + (t1 - t0) * i / 2;

		time_label(label, sizeof(label), t);
		if (i == 2) /* the mail's times are all UTC: say so once */
			strncat(label, " UTC", sizeof(label) - strlen(label) - 1);
		chart__text(&c, c.x0 + (c.x1 - c.x0) * i / 2, c.y1 + 16, label, i / 2.0);
	}
	if (!isnan(threshold)) {
		double y = chart__y(&c, threshold);

		cairo_set_source_rgb(c.cr, 0.85, 0.1, 0.1);
		cairo_set_line_width(c.cr, 1.5);
		cairo_set_dash(c.cr, dash, 2, 0);
		cairo_move_to(c.cr, c.x0, y);
		cairo_line_to(c.cr, c.x1, y);
		cairo_stroke(c.cr);
		cairo_set_dash(c.cr, NULL, 0, 0);
		mail_fmt_value(value, sizeof(value), threshold, unit);
		snprintf(label, sizeof(label), "threshold %s", value);
		chart__text(&c, c.x1 - 4, y - 4, label, 1);
	}
	cairo_set_source_rgb(c.cr, 0.12, 0.4, 0.75);
	cairo_set_line_width(c.cr, 2);
	for (size_t i = 0; i < n; i++) {
		double x = c.x0 + (pts[i].t - t0) / (t1 - t0) * (c.x1 - c.x0);

		if (!isfinite(pts[i].v)) { /* a gap in the data is a gap in the line */
			pen = false;
			continue;
		}
		if (pen)
			cairo_line_to(c.cr, x, chart__y(&c, pts[i].v));
		else
			cairo_move_to(c.cr, x, chart__y(&c, pts[i].v));
		pen = true;
	}
	cairo_stroke(c.cr);
	if (!n) {
		cairo_set_source_rgb(c.cr, 0.4, 0.4, 0.4);
		chart__text(&c, (c.x0 + c.x1) / 2, (c.y0 + c.y1) / 2, "no data in the window", 0.5);
	}
	return chart__close(&c, png);
}

int mail_chart__hist(const char *title, const uint64_t *slots, int nslots, struct mail_buf *png)
{
	int first = nslots, last = -1, step;
	char label[32];
	struct chart c;
	double w;

	for (int i = 0; i < nslots; i++) {
		if (!slots[i])
			continue;
		first = first < i ? first : i;
		last = i;
	}
	if (chart__open(&c, title))
		return -ENOMEM;
	c.lo = 0;
	c.hi = 1;
	for (int i = first; i <= last; i++)
		c.hi = (double)slots[i] * 1.05 > c.hi ? (double)slots[i] * 1.05 : c.hi;
	chart__nice(&c);
	chart__frame(&c, "");
	if (last < 0) {
		cairo_set_source_rgb(c.cr, 0.4, 0.4, 0.4);
		chart__text(&c, (c.x0 + c.x1) / 2, (c.y0 + c.y1) / 2, "no samples", 0.5);
		return chart__close(&c, png);
	}
	w = (c.x1 - c.x0) / (last - first + 1);
	step = (int)ceil(60.0 / w);
	for (int i = first; i <= last; i++) {
		double x = c.x0 + (i - first) * w, y = chart__y(&c, (double)slots[i]);

		cairo_set_source_rgb(c.cr, 0.12, 0.4, 0.75);
		cairo_rectangle(c.cr, x + 1, y, w - 2, c.y1 - y);
		cairo_fill(c.cr);
		if ((i - first) % step)
			continue;
		cairo_set_source_rgb(c.cr, 0.3, 0.3, 0.3);
		mail_fmt_value(label, sizeof(label), i ? (double)(1ULL << i) * 1e-6 : 0, "s");
		chart__text(&c, x + 1, c.y1 + 16, label, 0);
	}
	return chart__close(&c, png);
}
