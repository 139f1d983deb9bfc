/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * fleet_merge.h: merging what vigil printed on many hosts into one output, each row tagged
 * with its host: NDJSON objects gain a leading "host" key (and become one JSON array for
 * -f json), CSV records a leading host column, table lines a leading HOST column (one header
 * for all when the hosts' headers agree); and with --merge, histograms (vigil hist's NDJSON)
 * summed bucket by bucket across hosts.
 */
#ifndef VIGIL_FLEET_MERGE_H
#define VIGIL_FLEET_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "export/export.h"
#include "export/sink.h"

struct fleet_merge {
	enum out_format fmt;
	size_t host_width; /* of the HOST column of a table */
	bool plain;	   /* a table that is only lines (a command without -f): no header */
	bool started;	   /* a row (or the table's header) was written */
	char *header;	   /* the first host's header (table line, CSV record) */
	size_t header_len;
	bool header_differs; /* a host's header was not the first one's: said once */
};

/*
 * Write one host's output (in m->fmt as vigil writes it) to s, tagged with host. Returns the
 * number of lines that were not what the format promised (an NDJSON line that is not an
 * object), left out.
 */
size_t fleet_merge__host(struct fleet_merge *m, struct sink *s, const char *host, const char *buf,
			 size_t len);

/* End the output (the JSON array's bracket). */
void fleet_merge__end(struct fleet_merge *m, struct sink *s);

void fleet_merge__free(struct fleet_merge *m);

struct fleet_hists;

struct fleet_hists *fleet_hists__new(void);

/*
 * Add the global histograms of one host's `vigil hist -f ndjson` output; other lines are
 * skipped, and lines that are not JSON objects counted in *bad. 0 or -ENOMEM.
 */
int fleet_hists__add(struct fleet_hists *h, const char *buf, size_t len, size_t *bad);

/*
 * The merged histograms, one per histogram and unit, after the hosts' rows in m's format
 * (table, json or ndjson): only global histograms (--per global, the default) add up across
 * hosts; keyed ones (a pid, a disk) stay per host. Returns how many were printed.
 */
size_t fleet_hists__print(struct fleet_hists *h, struct fleet_merge *m, struct sink *s,
			  size_t nhosts);

/* A table of one host's global histograms (as vigil hist draws them), titled with the host. */
void fleet_hists__print_host(const char *host, const char *buf, size_t len, struct sink *s);

void fleet_hists__free(struct fleet_hists *h);

#endif /* VIGIL_FLEET_MERGE_H */
