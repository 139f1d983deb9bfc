/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sysctl_out.h: kernel tunables (fb_sysctl_list) as `vigil sys sysctl` prints them, and the
 * tracer's keys as the "sysctl" member of `vigil snapshot`.
 */
#ifndef VIGIL_SYSCTL_OUT_H
#define VIGIL_SYSCTL_OUT_H

#include <stdbool.h>

#include "export/json.h"
#include "export/sink.h"

/*
 * The keys matching @pattern (NULL: all) as `sysctl -a` prints them ("name = value", a line
 * per line of a multi-line value), or as one JSON object name -> value.  Returns 0, or 1 after
 * saying on stderr that nothing matched or the platform has no sysctl.
 */
int sysctl_print(struct sink *s, bool json, const char *pattern);

/* "sysctl": { the keys of fb_sysctl_tracer_keys } into the open object; null if unsupported. */
void sysctl_json_tracer_keys(struct jw *w);

#endif /* VIGIL_SYSCTL_OUT_H */
