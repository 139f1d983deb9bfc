// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cairo_dl.c: cairo, the 2D library the mail's PNG charts are drawn with, loaded on first use
 * (dl/dl.h) so that only the commands that mail a chart pay for it. Each function is defined
 * under cairo's own name and prototype and forwards to libcairo.so.2. When cairo cannot be
 * loaded, surface creation returns NULL and every status call reports CAIRO_STATUS_NO_MEMORY,
 * after one message naming the library and its package; the caller then sends no chart.
 */
#include <cairo/cairo.h>

#include "dl/dl.h"

static struct dl_lib cairo_lib = DL_LIB_INIT("libcairo.so.2", "libcairo2");

#define CAIRO_FN(name) DL_FN(&cairo_lib, name)

/* The functions that return nothing: call through when loaded, else do nothing. */
#define CAIRO_VOID(name, params, args)                                                             \
	void name params                                                                           \
	{                                                                                          \
		__typeof__(&name) fn = CAIRO_FN(name);                                             \
                                                                                                   \
		if (fn)                                                                            \
			fn args;                                                                   \
	}

cairo_surface_t *cairo_image_surface_create(cairo_format_t format, int width, int height)
{
	__typeof__(&cairo_image_surface_create) fn = CAIRO_FN(cairo_image_surface_create);

	return fn ? fn(format, width, height) : NULL;
}

cairo_status_t cairo_surface_status(cairo_surface_t *surface)
{
	__typeof__(&cairo_surface_status) fn = CAIRO_FN(cairo_surface_status);

	return fn && surface ? fn(surface) : CAIRO_STATUS_NO_MEMORY;
}

cairo_status_t cairo_surface_write_to_png_stream(cairo_surface_t *surface,
						 cairo_write_func_t write_func, void *closure)
{
	__typeof__(&cairo_surface_write_to_png_stream) fn =
		CAIRO_FN(cairo_surface_write_to_png_stream);

	return fn ? fn(surface, write_func, closure) : CAIRO_STATUS_NO_MEMORY;
}

cairo_t *cairo_create(cairo_surface_t *target)
{
	__typeof__(&cairo_create) fn = CAIRO_FN(cairo_create);

	return fn ? fn(target) : NULL;
}

cairo_status_t cairo_status(cairo_t *cr)
{
	__typeof__(&cairo_status) fn = CAIRO_FN(cairo_status);

	return fn && cr ? fn(cr) : CAIRO_STATUS_NO_MEMORY;
}

const char *cairo_status_to_string(cairo_status_t status)
{
	__typeof__(&cairo_status_to_string) fn = CAIRO_FN(cairo_status_to_string);

	return fn ? fn(status) : "libcairo.so.2 could not be loaded";
}

CAIRO_VOID(cairo_surface_destroy, (cairo_surface_t * surface), (surface))
CAIRO_VOID(cairo_destroy, (cairo_t * cr), (cr))
CAIRO_VOID(cairo_set_source_rgb, (cairo_t * cr, double r, double g, double b), (cr, r, g, b))
CAIRO_VOID(cairo_set_line_width, (cairo_t * cr, double width), (cr, width))
CAIRO_VOID(cairo_paint, (cairo_t * cr), (cr))
CAIRO_VOID(cairo_rectangle, (cairo_t * cr, double x, double y, double w, double h),
	   (cr, x, y, w, h))
CAIRO_VOID(cairo_fill, (cairo_t * cr), (cr))
CAIRO_VOID(cairo_stroke, (cairo_t * cr), (cr))
CAIRO_VOID(cairo_move_to, (cairo_t * cr, double x, double y), (cr, x, y))
CAIRO_VOID(cairo_line_to, (cairo_t * cr, double x, double y), (cr, x, y))
CAIRO_VOID(cairo_set_dash, (cairo_t * cr, const double *dashes, int n, double offset),
	   (cr, dashes, n, offset))
CAIRO_VOID(cairo_select_font_face,
	   (cairo_t * cr, const char *family, cairo_font_slant_t slant, cairo_font_weight_t weight),
	   (cr, family, slant, weight))
CAIRO_VOID(cairo_set_font_size, (cairo_t * cr, double size), (cr, size))
CAIRO_VOID(cairo_text_extents, (cairo_t * cr, const char *utf8, cairo_text_extents_t *extents),
	   (cr, utf8, extents))
CAIRO_VOID(cairo_show_text, (cairo_t * cr, const char *utf8), (cr, utf8))
