// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * export.c: exporter construction and dispatch, and the value printing the formats share.
 */
#include "export/export.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "export/json.h"
#include "export/escape.h"

const char *const out_format_names[] = { "table", "csv", "json", "ndjson", NULL };

static const struct exporter_ops *const format_ops[] = {
	[FMT_TABLE] = &export_table_ops,
	[FMT_CSV] = &export_csv_ops,
	[FMT_JSON] = &export_json_ops,
	[FMT_NDJSON] = &export_ndjson_ops,
};

/* Columns of all kinds in the mask, each once, in kind order then field order. */
static void exporter__union_columns(struct exporter *ex, uint64_t kinds_mask)
{
	struct vf_set seen = { { 0 } };

	for (unsigned int k = 0; k < VK_MAX; k++) {
		const struct vkind_desc *d = vkind__desc(k);

		if (!d)
			continue;
		for (int i = 0; i < d->nfields; i++)
			vf_set__add(&ex->kind_fields[k], d->fields[i]);
		if (!(kinds_mask & (1ULL << k)))
			continue;
		for (int i = 0; i < d->nfields; i++) {
			if (vf_set__has(&seen, d->fields[i]))
				continue;
			vf_set__add(&seen, d->fields[i]);
			ex->cols[ex->ncols++] = d->fields[i];
		}
	}
}

struct exporter *exporter__new(enum out_format fmt, struct sink *sink, uint64_t kinds_mask)
{
	struct exporter *ex;

	if ((unsigned int)fmt >= sizeof(format_ops) / sizeof(format_ops[0])) {
		errno = EINVAL;
		return NULL;
	}
	ex = calloc(1, sizeof(*ex));
	if (!ex)
		return NULL;
	ex->ops = format_ops[fmt];
	ex->sink = sink;
	wallclock__init(&ex->clock);
	exporter__union_columns(ex, kinds_mask | (1ULL << VK_DROPS));
	ex->ops->begin(ex);
	sink__boundary(sink); /* a header: the file may end here, whole */
	return ex;
}

void exporter__write(struct exporter *ex, const struct vrow *row)
{
	ex->ops->row(ex, row);
	sink__end_record(ex->sink); /* a failed write cuts the file here, never inside a row */
	ex->rows++;
}

void exporter__free(struct exporter *ex)
{
	if (!ex)
		return;
	ex->ops->end(ex);
	sink__flush(ex->sink);
	free(ex);
}

/*
 * CSV quoting per RFC 4180: only when needed, doubling inner quotes. CR, LF and TAB stay (a
 * comm with a newline survives, quoted); the other control bytes a terminal would act on
 * (ESC, DEL, C1...: see escape.h) are written as \xHH, so `cat file.csv` is safe too.
 */
void csv_write_string(struct sink *s, const char *str, size_t maxlen)
{
	const unsigned char *p = (const unsigned char *)str;
	size_t n = strnlen(str, maxlen), i = 0;
	bool quote = memchr(str, ',', n) || memchr(str, '"', n) || memchr(str, '\n', n) ||
		     memchr(str, '\r', n);

	if (!quote && !esc_is_needed(str, n)) {
		sink__write(s, str, n);
		return;
	}
	if (quote)
		sink__putc(s, '"');
	while (i < n) {
		bool unsafe;
		size_t len = esc_unit(p + i, n - i, &unsafe);

		if (p[i] == '"')
			sink__putc(s, '"');
		if (unsafe && p[i] != '\n' && p[i] != '\r' && p[i] != '\t')
			esc_write(s, str + i, len);
		else
			sink__write(s, p + i, len);
		i += len;
	}
	if (quote)
		sink__putc(s, '"');
}

void export_write_field(struct sink *s, const struct vrow *row, enum vfield f, bool json)
{
	const struct vf_desc *d = &vf_descs[f];

	if (vrow__lacks(row, f)) {
		if (json)
			sink__write(s, "null", 4);
		return;
	}
	switch (d->type) {
	case VT_U64:
		sink__u64(s, row->v[f].u);
		break;
	case VT_S64:
		sink__s64(s, row->v[f].s);
		break;
	case VT_STR:
		if (json)
			json_write_string(s, row->v[f].str, d->maxlen);
		else
			csv_write_string(s, row->v[f].str, d->maxlen);
		break;
	}
}
