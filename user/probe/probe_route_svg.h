/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * probe_route_svg.h: the geometry of the traceroute's SVG report, apart from the writer so
 * that unit tests can pin it: one row per hop, top down, each with its node on the path line,
 * its address and name, an RTT bar (median, with a min-max whisker) on a scale shared by all
 * hops, and its loss; the end state below the last hop.
 */
#ifndef VIGIL_PROBE_ROUTE_SVG_H
#define VIGIL_PROBE_ROUTE_SVG_H

#include <stdint.h>

#include "probe/probe_route.h"

#define ROUTE_SVG_WIDTH	 800
#define ROUTE_SVG_TOP	 72  /* below the title */
#define ROUTE_SVG_ROW	 46  /* one hop */
#define ROUTE_SVG_BAR_X	 480 /* where the RTT bars start */
#define ROUTE_SVG_BAR_W	 280 /* the longest bar: the largest max RTT */
#define ROUTE_SVG_FOOTER 70  /* the end state */

struct route_svg_row {
	int y;			    /* the row's top */
	int bar_w;		    /* median RTT, px (0: no answer) */
	int whisker_x0, whisker_x1; /* min and max RTT, px from ROUTE_SVG_BAR_X */
};

struct route_svg_layout {
	int width, height;
	uint64_t scale_ns; /* the RTT at the bars' full width */
	struct route_svg_row rows[ROUTE_MAX_HOPS];
};

void route_svg__layout(const struct route_cfg *cfg, const struct route_result *res,
		       struct route_svg_layout *l);

#endif /* VIGIL_PROBE_ROUTE_SVG_H */
