/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * probe_prom.h: one probe of a serve module (probe_modules.h) against a target, answered
 * as blackbox_exporter answers /probe: probe_success, probe_duration_seconds and each
 * prober's metrics under blackbox_exporter's names, in the text format.
 */
#ifndef VIGIL_PROBE_PROM_H
#define VIGIL_PROBE_PROM_H

#include <stddef.h>

#include "probe/probe_modules.h"
#include "prom/prom.h"

/*
 * Probe target with module m and write the metrics to p. 0 (also when the probe failed:
 * probe_success 0), -EINVAL for a target the prober cannot take (why in err: a 400), or
 * -ENOSYS when the prober's library cannot be loaded.
 */
int probe_prom__run(const struct probe_module *m, const char *target, struct prom *p, char *err,
		    size_t errlen);

#endif /* VIGIL_PROBE_PROM_H */
