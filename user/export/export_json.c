// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * export_json.c: records as JSON objects, either one per line (NDJSON, for streams) or as
 * the elements of one array (JSON), whose closing bracket exporter__free() writes.
 */
#include "export/export.h"
#include "export/json.h"

static void json_object(struct exporter *ex, const struct vrow *row)
{
	const struct vkind_desc *d = vkind__desc(row->kind);
	struct sink *s = ex->sink;
	char when[WALLCLOCK_LEN];

	wallclock__format(&ex->clock, row->ts_ns, when);
	sink__write(s, "{\"time\":\"", 9);
	sink__write(s, when, WALLCLOCK_LEN - 1);
	sink__write(s, "\",\"ts_ns\":", 10);
	sink__u64(s, row->ts_ns);
	sink__write(s, ",\"kind\":\"", 9);
	sink__puts(s, d->name);
	sink__write(s, "\",\"source\":\"", 12);
	sink__puts(s, row->source);
	sink__write(s, "\",\"schema\":", 11);
	sink__u64(s, VREC_SCHEMA);
	for (int i = 0; i < d->nfields; i++) {
		sink__write(s, ",\"", 2);
		sink__puts(s, vf_descs[d->fields[i]].name);
		sink__write(s, "\":", 2);
		export_write_field(s, row, d->fields[i], true);
	}
	sink__putc(s, '}');
}

static void ndjson_begin(struct exporter *ex)
{
	(void)ex;
}

static void ndjson_row(struct exporter *ex, const struct vrow *row)
{
	json_object(ex, row);
	sink__putc(ex->sink, '\n');
}

static void json_begin(struct exporter *ex)
{
	sink__putc(ex->sink, '[');
}

static void json_row(struct exporter *ex, const struct vrow *row)
{
	sink__write(ex->sink, ex->rows ? ",\n" : "\n", ex->rows ? 2 : 1);
	json_object(ex, row);
}

static void json_end(struct exporter *ex)
{
	sink__write(ex->sink, "\n]\n", 3);
}

const struct exporter_ops export_ndjson_ops = { ndjson_begin, ndjson_row, ndjson_begin };
const struct exporter_ops export_json_ops = { json_begin, json_row, json_end };
