/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * snapshot.h: the document `vigil snapshot` writes, for the commands that take one of the
 * live system themselves (`vigil diff BASE.json` compares a saved one with it).
 */
#ifndef VIGIL_SNAPSHOT_H
#define VIGIL_SNAPSHOT_H

#include <stdint.h>

#include "export/json.h"

/*
 * The format number in "vigil_snapshot". 2: `time` is RFC 3339 UTC with ns (as in records)
 * and `ts_ns` is new; 1 had `time` as epoch seconds. A reader takes both and refuses others.
 */
#define SNAPSHOT_FORMAT	    2
#define SNAPSHOT_FORMAT_MIN 1

/* The process keys `vigil snapshot` writes by default (what --attrs changes). */
uint64_t snapshot_default_attrs(void);

/* The whole snapshot as one JSON object; attrs: each process' as_dict() keys (PD_* bits). */
void snapshot_write(struct jw *w, uint64_t attrs);

#endif /* VIGIL_SNAPSHOT_H */
