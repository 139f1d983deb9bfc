/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * export.h: record exporters. An exporter writes rows to a sink as a table (for people),
 * CSV (RFC 4180, one header row: the union of the columns of the kinds in the stream), a
 * JSON array, or NDJSON (one object per line). Every row starts with time, ts_ns, kind and
 * source. exporter__close() ends the document (the JSON array's bracket) but leaves the sink
 * to its owner.
 */
#ifndef VIGIL_EXPORT_H
#define VIGIL_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/record.h"
#include "export/sink.h"
#include "core/wallclock.h"

enum out_format {
	FMT_TABLE,
	FMT_CSV,
	FMT_JSON,
	FMT_NDJSON,
};

extern const char *const out_format_names[]; /* NULL-terminated, indexed by enum out_format */

struct exporter;

struct exporter_ops {
	void (*begin)(struct exporter *ex);
	void (*row)(struct exporter *ex, const struct vrow *row);
	void (*end)(struct exporter *ex);
};

struct exporter {
	const struct exporter_ops *ops;
	struct sink *sink;
	struct wallclock clock;
	uint64_t rows;
	enum vfield cols[VF__COUNT]; /* CSV: the union of the stream's columns */
	int ncols;
	struct vf_set kind_fields[VK_MAX]; /* each kind's fields, for CSV's empty cells */
};

/* kinds_mask: bit k set for each kind k the stream may carry (fixes the CSV header). */
struct exporter *exporter__new(enum out_format fmt, struct sink *sink, uint64_t kinds_mask);
void exporter__write(struct exporter *ex, const struct vrow *row);
void exporter__free(struct exporter *ex); /* ends the document; NULL is fine */

/* The pieces the formats share. */
void csv_write_string(struct sink *s, const char *str, size_t maxlen);
void export_write_field(struct sink *s, const struct vrow *row, enum vfield f, bool json);
extern const struct exporter_ops export_csv_ops, export_json_ops, export_ndjson_ops,
	export_table_ops;

#endif /* VIGIL_EXPORT_H */
