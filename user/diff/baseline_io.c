// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * baseline_io.c: the baseline file. Written with the JSON writer (export/json.h), read back
 * with jansson (loaded on first use by diff_dl.c): {"vigil_baseline": 1, "vigil": VERSION,
 * "root": ..., "hash": "sha256", "entries": [{path, type, mode, uid, gid, size, mtime_ns,
 * sha256 | target | error}]}. Paths and link targets are raw bytes, so they are
 * percent-encoded (every byte outside printable ASCII, and '%', '"', '\\'), which keeps the
 * file ASCII and gives the exact bytes back. The reader trusts nothing: a wrong type, a
 * missing field, a bad encoding or hash, a truncated document or another format number each
 * refuse the whole file with a reason.
 */
#include "diff/baseline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "export/json.h"

static const char hexdig[] = "0123456789abcdef";

static bool path_byte_is_plain(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '%' && c != '"' && c != '\\';
}

void baseline_path_encode(struct sink *s, const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (path_byte_is_plain(*p)) {
			sink__putc(s, (char)*p);
		} else {
			char esc[3] = { '%', hexdig[*p >> 4], hexdig[*p & 15] };

			sink__write(s, esc, 3);
		}
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *baseline_path_decode(const char *enc, size_t len)
{
	char *out = malloc(len + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)enc[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= len)
				goto bad;
			hi = hexval(enc[i + 1]);
			lo = hexval(enc[i + 2]);
			if (hi < 0 || lo < 0 || (!hi && !lo))
				goto bad;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (!path_byte_is_plain(c)) {
			goto bad;
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

static const char *type_name(char t)
{
	return t == 'f' ? "file" : t == 'd' ? "directory" : t == 'l' ? "symlink" : "other";
}

static void write_encoded(struct sink *s, const char *key, const char *v)
{
	sink__printf(s, ",\"%s\":\"", key);
	baseline_path_encode(s, v);
	sink__putc(s, '"');
}

void baseline__write(const struct baseline *b, struct sink *s, const char *root)
{
	sink__printf(s, "{\"vigil_baseline\":%d,\"vigil\":", BASELINE_FORMAT);
	json_write_string(s, VIGIL_VERSION, 64);
	sink__puts(s, ",\"hash\":\"sha256\"");
	write_encoded(s, "root", root);
	sink__puts(s, ",\"entries\":[");
	for (size_t i = 0; i < b->n; i++) {
		const struct baseline_entry *e = &b->v[i];

		sink__puts(s, i ? ",\n{\"path\":\"" : "\n{\"path\":\"");
		baseline_path_encode(s, e->path);
		sink__printf(s, "\",\"type\":\"%s\",\"mode\":%u,\"uid\":%u,\"gid\":%u",
			     type_name(e->type), e->mode, e->uid, e->gid);
		if (e->type != 'd')
			sink__printf(s, ",\"size\":%llu,\"mtime_ns\":%lld",
				     (unsigned long long)e->size, (long long)e->mtime_ns);
		if (e->has_hash) {
			char hex[65];

			for (int k = 0; k < 32; k++) {
				hex[2 * k] = hexdig[e->sha256[k] >> 4];
				hex[2 * k + 1] = hexdig[e->sha256[k] & 15];
			}
			hex[64] = '\0';
			sink__printf(s, ",\"sha256\":\"%s\"", hex);
		}
		if (e->target)
			write_encoded(s, "target", e->target);
		if (e->err) {
			sink__puts(s, ",\"error\":");
			json_write_string(s, strerror(e->err), 128);
		}
		sink__putc(s, '}');
	}
	sink__puts(s, "\n]}\n");
}

/* An integer field in [0, max]; false if missing or out of range. */
static bool get_uint(json_t *o, const char *key, json_int_t max, json_int_t *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return false;
	*out = json_integer_value(v);
	return *out >= 0 && *out <= max;
}

static int parse_entry(struct baseline_entry *e, json_t *o, const char **why)
{
	json_t *path = json_object_get(o, "path"), *type = json_object_get(o, "type");
	json_t *hash = json_object_get(o, "sha256"), *target = json_object_get(o, "target");
	const char *t;
	json_int_t v;

	*why = "an entry lacks a valid path, type, mode, uid or gid";
	if (!json_is_object(o) || !json_is_string(path) || !json_is_string(type))
		return -EINVAL;
	t = json_string_value(type);
	e->type = !strcmp(t, "file")	    ? 'f'
		  : !strcmp(t, "directory") ? 'd'
		  : !strcmp(t, "symlink")   ? 'l'
		  : !strcmp(t, "other")	    ? 'o'
					    : 0;
	if (!e->type)
		return -EINVAL;
	if (!get_uint(o, "mode", 07777, &v))
		return -EINVAL;
	e->mode = (uint32_t)v;
	if (!get_uint(o, "uid", UINT32_MAX, &v))
		return -EINVAL;
	e->uid = (uint32_t)v;
	if (!get_uint(o, "gid", UINT32_MAX, &v))
		return -EINVAL;
	e->gid = (uint32_t)v;
	if (e->type != 'd') {
		*why = "an entry lacks a valid size or mtime_ns";
		if (!get_uint(o, "size", INT64_MAX, &v))
			return -EINVAL;
		e->size = (uint64_t)v;
		if (!json_is_integer(json_object_get(o, "mtime_ns")))
			return -EINVAL;
		e->mtime_ns = json_integer_value(json_object_get(o, "mtime_ns"));
	}
	if (hash) {
		const char *h = json_string_value(hash);

		*why = "an entry has a bad sha256";
		if (!h || json_string_length(hash) != 64)
			return -EINVAL;
		for (int k = 0; k < 32; k++) {
			int hi = hexval(h[2 * k]), lo = hexval(h[2 * k + 1]);

			if (hi < 0 || lo < 0)
				return -EINVAL;
			e->sha256[k] = (unsigned char)(hi << 4 | lo);
		}
		e->has_hash = true;
	}
	if (json_object_get(o, "error"))
		e->err = EIO;
	*why = "an entry has a badly encoded path or target";
	e->path = baseline_path_decode(json_string_value(path), json_string_length(path));
	if (!e->path)
		return -EINVAL;
	if (target) {
		if (!json_is_string(target))
			return -EINVAL;
		e->target =
			baseline_path_decode(json_string_value(target), json_string_length(target));
		if (!e->target)
			return -EINVAL;
	}
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct baseline_entry *)a)->path,
		      ((const struct baseline_entry *)b)->path);
}

int baseline__parse(struct baseline *b, const char *buf, size_t len, const char **why)
{
	json_error_t jerr;
	json_t *root, *entries, *fmt;
	size_t n;
	int err = -EINVAL;

	memset(b, 0, sizeof(*b));
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		*why = jerr.line < 0 ? "libjansson.so.4 could not be loaded"
				     : "not valid JSON (truncated?)";
		return jerr.line < 0 ? -ENOSYS : -EINVAL;
	}
	fmt = json_object_get(root, "vigil_baseline");
	entries = json_object_get(root, "entries");
	if (!json_is_object(root) || !json_is_integer(fmt)) {
		*why = "not a vigil baseline (no \"vigil_baseline\" key)";
		goto put_root;
	}
	if (json_integer_value(fmt) != BASELINE_FORMAT) {
		*why = "a baseline of another format (this vigil reads format 1)";
		goto put_root;
	}
	if (!json_is_array(entries)) {
		*why = "no \"entries\" list";
		goto put_root;
	}
	n = json_array_size(entries);
	b->v = calloc(n ? n : 1, sizeof(*b->v));
	if (!b->v) {
		err = -ENOMEM;
		*why = "out of memory";
		goto put_root;
	}
	b->cap = n ? n : 1;
	for (size_t i = 0; i < n; i++) {
		err = parse_entry(&b->v[i], json_array_get(entries, i), why);
		b->n = i + 1;
		if (err)
			goto free_b;
	}
	if (b->n)
		qsort(b->v, b->n, sizeof(*b->v), entry_cmp);
	for (size_t i = 1; i < b->n; i++) {
		if (!strcmp(b->v[i - 1].path, b->v[i].path)) {
			*why = "a path is listed twice";
			err = -EINVAL;
			goto free_b;
		}
	}
	err = 0;
	goto put_root;
free_b:
	baseline__free(b);
put_root:
	json_decref(root);
	return err;
}
