/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * services_out.h: the system's services (psutil's win_service_iter and win_service_get) as
 * `vigil sys services [NAME]` prints them, and as the "win_service_iter" member of
 * `vigil snapshot`.
 */
#ifndef VIGIL_SERVICES_OUT_H
#define VIGIL_SERVICES_OUT_H

#include <stdbool.h>

#include "export/json.h"
#include "export/sink.h"

/*
 * Every service (name, status, pid, display name), or with @name that one with its
 * configuration (binpath, username, start_type, description), as a table or as JSON (an array
 * of objects, or the one object).  Returns 0, or 1 after saying on stderr that the service is
 * unknown or that the platform has no service manager.
 */
int services_print(struct sink *s, bool json, const char *name);

/* "win_service_iter": [ every service ] into the open object; null if unsupported. */
void services_json_iter(struct jw *w);

#endif /* VIGIL_SERVICES_OUT_H */
