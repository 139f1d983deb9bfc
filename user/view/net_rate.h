/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * net_rate.h: what `vigil net io --interval` prints per interval: the change of each NIC's
 * net_io_counters between two samples taken with the same nowrap state, so that a 32-bit
 * counter that wraps between them still gives a positive delta, as psutil's
 * net_io_counters(nowrap=True) does across calls.
 */
#ifndef VIGIL_VIEW_NET_RATE_H
#define VIGIL_VIEW_NET_RATE_H

#include <stdbool.h>
#include <stddef.h>

#include "fallback.h"

/*
 * out = cur - the entry of prev[0..nprev) with cur's name. False (out untouched) when prev
 * has no such NIC: it appeared during the interval, and its delta is unknown.
 */
bool net_rate_has_delta(const struct fb_net_io *prev, size_t nprev, const struct fb_net_io *cur,
			struct fb_net_io *out);

#endif /* VIGIL_VIEW_NET_RATE_H */
