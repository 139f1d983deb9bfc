// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pprof_out.c: building the pprof Profile message (pprof_out.h) with protobuf-c's generated
 * code (.output/pprof.pb-c.h, from pprof.proto) and gzip-compressing it with zlib. Strings,
 * functions and locations are interned in small open-addressing tables, since a profile
 * repeats the same few thousand names across all its stacks.
 */
#include "profile/pprof_out.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pprof.pb-c.h"

typedef Perftools__Profiles__Profile pb_profile;
typedef Perftools__Profiles__ValueType pb_value_type;
typedef Perftools__Profiles__Sample pb_sample;
typedef Perftools__Profiles__Label pb_label;
typedef Perftools__Profiles__Mapping pb_mapping;
typedef Perftools__Profiles__Location pb_location;
typedef Perftools__Profiles__Line pb_line;
typedef Perftools__Profiles__Function pb_function;

#define PPROF_KSUFFIX "_[k]"
#define NS_PER_SEC    1000000000ULL

/* A string table with a hash index: each distinct string once, "" first. */
struct strtab {
	char **strs;
	size_t n, cap;
	uint32_t *slots; /* 1 + index into strs; 0: empty */
	size_t nslots;
};

/* Locations interned by (name, map): one function and one location per pair. */
struct loctab {
	pb_location **locs;
	pb_function **funcs;
	pb_line **lines;
	size_t n, cap;
	uint32_t *slots; /* 1 + index */
	size_t nslots;
	int64_t *name_of; /* string index of location i's function */
	uint32_t *map_of;
};

static uint64_t hash_str(const char *s, size_t len, uint64_t seed)
{
	uint64_t h = 1469598103934665603ULL ^ seed;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static int grow_slots(uint32_t **slots, size_t *nslots, size_t n)
{
	if (n * 2 < *nslots)
		return 0;
	free(*slots);
	*nslots = *nslots ? *nslots * 4 : 1024;
	*slots = calloc(*nslots, sizeof(**slots));
	return *slots ? 1 : -ENOMEM; /* 1: rehash needed */
}

static void strtab__place(struct strtab *t, size_t idx)
{
	size_t i = hash_str(t->strs[idx], strlen(t->strs[idx]), 0) & (t->nslots - 1);

	while (t->slots[i])
		i = (i + 1) & (t->nslots - 1);
	t->slots[i] = (uint32_t)idx + 1;
}

/* The index of s[0..len) in t, added if new; -ENOMEM. */
static int64_t strtab__add(struct strtab *t, const char *s, size_t len)
{
	size_t i;
	int r = grow_slots(&t->slots, &t->nslots, t->n + 1);

	if (r < 0)
		return r;
	for (size_t k = 0; r && k < t->n; k++)
		strtab__place(t, k);
	i = hash_str(s, len, 0) & (t->nslots - 1);
	for (; t->slots[i]; i = (i + 1) & (t->nslots - 1)) {
		const char *c = t->strs[t->slots[i] - 1];

		if (!strncmp(c, s, len) && !c[len])
			return t->slots[i] - 1;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		char **p = realloc(t->strs, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		t->strs = p;
		t->cap = cap;
	}
	t->strs[t->n] = strndup(s, len);
	if (!t->strs[t->n])
		return -ENOMEM;
	t->slots[i] = (uint32_t)++t->n;
	return (int64_t)t->n - 1;
}

static int64_t strtab__str(struct strtab *t, const char *s)
{
	return strtab__add(t, s, strlen(s));
}

static void strtab__fini(struct strtab *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->strs[i]);
	free(t->strs);
	free(t->slots);
}

static uint64_t loc_hash(int64_t name, uint32_t map)
{
	return ((uint64_t)name * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)map * 0xc2b2ae3d27d4eb4fULL);
}

static void loctab__place(struct loctab *t, size_t idx)
{
	size_t i = loc_hash(t->name_of[idx], t->map_of[idx]) & (t->nslots - 1);

	while (t->slots[i])
		i = (i + 1) & (t->nslots - 1);
	t->slots[i] = (uint32_t)idx + 1;
}

static int loctab__reserve(struct loctab *t)
{
	size_t cap;

	if (t->n < t->cap)
		return 0;
	cap = t->cap ? t->cap * 2 : 256;
#define LOCTAB_GROW(field)                                                                         \
	do {                                                                                       \
		void *p_ = realloc(t->field, cap * sizeof(*t->field));                             \
		if (p_)                                                                            \
			t->field = p_;                                                             \
		else                                                                               \
			cap = 0;                                                                   \
	} while (0)
	LOCTAB_GROW(locs);
	LOCTAB_GROW(funcs);
	LOCTAB_GROW(lines);
	LOCTAB_GROW(name_of);
	LOCTAB_GROW(map_of);
#undef LOCTAB_GROW
	if (!cap)
		return -ENOMEM;
	t->cap = cap;
	return 0;
}

/* The id of the location of function name (a string index) in mapping map (0: none). */
static int64_t loctab__add(struct loctab *t, int64_t name, uint32_t map)
{
	int r = grow_slots(&t->slots, &t->nslots, t->n + 1);
	size_t i, idx;
	pb_location *loc;
	pb_function *fn;
	pb_line *line;

	if (r < 0)
		return r;
	for (size_t k = 0; r && k < t->n; k++)
		loctab__place(t, k);
	i = loc_hash(name, map) & (t->nslots - 1);
	for (; t->slots[i]; i = (i + 1) & (t->nslots - 1)) {
		idx = t->slots[i] - 1;
		if (t->name_of[idx] == name && t->map_of[idx] == map)
			return (int64_t)idx + 1;
	}
	if (loctab__reserve(t))
		return -ENOMEM;
	idx = t->n;
	loc = calloc(1, sizeof(*loc));
	fn = calloc(1, sizeof(*fn));
	line = calloc(1, sizeof(*line));
	t->locs[idx] = loc;
	t->funcs[idx] = fn;
	t->lines[idx] = line;
	t->name_of[idx] = name;
	t->map_of[idx] = map;
	t->n++;
	if (!loc || !fn || !line)
		return -ENOMEM;
	perftools__profiles__function__init(fn);
	fn->id = idx + 1;
	fn->name = fn->system_name = name;
	perftools__profiles__line__init(line);
	line->function_id = idx + 1;
	perftools__profiles__location__init(loc);
	loc->id = idx + 1;
	loc->mapping_id = map;
	loc->n_line = 1;
	loc->line = &t->lines[idx];
	t->slots[i] = (uint32_t)idx + 1;
	return (int64_t)idx + 1;
}

static void loctab__fini(struct loctab *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->locs[i]);
		free(t->funcs[i]);
		free(t->lines[i]);
	}
	free(t->locs);
	free(t->funcs);
	free(t->lines);
	free(t->name_of);
	free(t->map_of);
	free(t->slots);
}

/* Everything the message points to, freed together. */
struct pprof_build {
	pb_profile prof;
	struct strtab st;
	struct loctab lt;
	pb_value_type types[2], period_type;
	pb_value_type *type_ptrs[2];
	pb_mapping *maps;
	pb_mapping **map_ptrs;
	uint32_t *map_ids; /* pprof mapping id of prof_result map i + 1 (0: none) */
	pb_sample *samples;
	pb_sample **sample_ptrs;
	uint64_t *loc_ids; /* all samples' location ids, back to back */
	int64_t *values;   /* two per sample */
	pb_label *labels;  /* three per sample */
	pb_label **label_ptrs;
};

static int pprof__types(struct pprof_build *b, const struct prof_result *r)
{
	const char *names[2][2] = { { r->off_cpu ? "blocks" : "samples", "count" },
				    { r->off_cpu ? "off_cpu" : "cpu", "nanoseconds" } };

	for (int i = 0; i < 2; i++) {
		perftools__profiles__value_type__init(&b->types[i]);
		b->types[i].type = strtab__str(&b->st, names[i][0]);
		b->types[i].unit = strtab__str(&b->st, names[i][1]);
		if (b->types[i].type < 0 || b->types[i].unit < 0)
			return -ENOMEM;
		b->type_ptrs[i] = &b->types[i];
	}
	b->prof.n_sample_type = 2;
	b->prof.sample_type = b->type_ptrs;
	b->prof.default_sample_type = b->types[1].type;
	perftools__profiles__value_type__init(&b->period_type);
	b->period_type.type = b->types[1].type;
	b->period_type.unit = b->types[1].unit;
	b->prof.period_type = &b->period_type;
	if (!r->off_cpu && r->freq)
		b->prof.period = (int64_t)(NS_PER_SEC / r->freq);
	return 0;
}

/* Whether path is an executable, not a shared library or a [pseudo] object. */
static bool is_main_object(const char *path)
{
	const char *base = strrchr(path, '/');

	return path[0] == '/' && !strstr(base ? base : path, ".so");
}

/*
 * Readers take the first mapping for the profiled program ("File:" in go tool pprof): put
 * the first executable first, the others after it in their order.
 */
static void pprof__order_maps(struct pprof_build *b, const struct prof_result *r)
{
	size_t main = 0, id = 2;

	while (main < r->nmaps && !is_main_object(r->maps[main].path))
		main++;
	if (main == r->nmaps)
		main = 0;
	b->map_ids[0] = 0;
	for (size_t i = 0; i < r->nmaps; i++)
		b->map_ids[i + 1] = i == main ? 1 : (uint32_t)id++;
}

static int pprof__maps(struct pprof_build *b, const struct prof_result *r)
{
	b->maps = calloc(r->nmaps ? r->nmaps : 1, sizeof(*b->maps));
	b->map_ptrs = calloc(r->nmaps ? r->nmaps : 1, sizeof(*b->map_ptrs));
	b->map_ids = calloc(r->nmaps + 1, sizeof(*b->map_ids));
	if (!b->maps || !b->map_ptrs || !b->map_ids)
		return -ENOMEM;
	pprof__order_maps(b, r);
	for (size_t i = 0; i < r->nmaps; i++) {
		pb_mapping *m = &b->maps[b->map_ids[i + 1] - 1];

		perftools__profiles__mapping__init(m);
		m->id = b->map_ids[i + 1];
		m->memory_start = r->maps[i].start;
		m->memory_limit = r->maps[i].limit;
		m->file_offset = r->maps[i].offset;
		m->filename = strtab__str(&b->st, r->maps[i].path);
		m->build_id = strtab__str(&b->st, r->maps[i].build_id);
		if (m->filename < 0 || m->build_id < 0)
			return -ENOMEM;
		m->has_functions = 1;
		b->map_ptrs[m->id - 1] = m;
	}
	b->prof.n_mapping = r->nmaps;
	b->prof.mapping = b->map_ptrs;
	return 0;
}

/* The location id of frame f (found in map, 0: none). */
static int64_t pprof__location(struct pprof_build *b, const char *f, uint32_t map)
{
	size_t len = strlen(f), klen = strlen(PPROF_KSUFFIX);
	int64_t name;

	if (len > klen && !strcmp(f + len - klen, PPROF_KSUFFIX))
		len -= klen;
	name = strtab__add(&b->st, f, len);
	return name < 0 ? name : loctab__add(&b->lt, name, map);
}

static int pprof__labels(struct pprof_build *b, const struct prof_stack *s, pb_label *l)
{
	perftools__profiles__label__init(&l[0]);
	l[0].key = strtab__str(&b->st, "pid");
	l[0].num = s->pid;
	perftools__profiles__label__init(&l[1]);
	l[1].key = strtab__str(&b->st, "tid");
	l[1].num = s->tid;
	perftools__profiles__label__init(&l[2]);
	l[2].key = strtab__str(&b->st, "comm");
	l[2].str = strtab__add(&b->st, s->comm, strnlen(s->comm, sizeof(s->comm)));
	return l[0].key < 0 || l[1].key < 0 || l[2].key < 0 || l[2].str < 0 ? -ENOMEM : 0;
}

static int pprof__samples(struct pprof_build *b, const struct prof_result *r)
{
	size_t nlocs = 0, pos = 0;
	uint64_t period = r->off_cpu || !r->freq ? 1 : NS_PER_SEC / r->freq;

	for (size_t i = 0; i < r->n; i++)
		nlocs += (size_t)r->stacks[i].nframes;
	b->samples = calloc(r->n + 1, sizeof(*b->samples));
	b->sample_ptrs = calloc(r->n + 1, sizeof(*b->sample_ptrs));
	b->loc_ids = calloc(nlocs + 1, sizeof(*b->loc_ids));
	b->values = calloc(2 * r->n + 1, sizeof(*b->values));
	b->labels = calloc(3 * r->n + 1, sizeof(*b->labels));
	b->label_ptrs = calloc(3 * r->n + 1, sizeof(*b->label_ptrs));
	if (!b->samples || !b->sample_ptrs || !b->loc_ids || !b->values || !b->labels ||
	    !b->label_ptrs)
		return -ENOMEM;
	for (size_t i = 0; i < r->n; i++) {
		const struct prof_stack *s = &r->stacks[i];
		pb_sample *smp = &b->samples[i];

		perftools__profiles__sample__init(smp);
		smp->location_id = &b->loc_ids[pos];
		/* pprof lists a stack leaf first; vigil keeps it root first. */
		for (int f = s->nframes - 1; f >= 0; f--) {
			uint32_t map = s->frame_maps ? s->frame_maps[f] : 0;
			int64_t id;

			if (map > r->nmaps)
				return -EINVAL;
			id = pprof__location(b, s->frames[f], b->map_ids[map]);

			if (id < 0)
				return (int)id;
			b->loc_ids[pos++] = (uint64_t)id;
		}
		smp->n_location_id = (size_t)s->nframes;
		smp->value = &b->values[2 * i];
		smp->n_value = 2;
		smp->value[0] = (int64_t)s->count;
		smp->value[1] = (int64_t)(r->off_cpu ? s->value : s->value * period);
		for (int k = 0; k < 3; k++)
			b->label_ptrs[3 * i + (size_t)k] = &b->labels[3 * i + (size_t)k];
		if (pprof__labels(b, s, &b->labels[3 * i]))
			return -ENOMEM;
		smp->label = &b->label_ptrs[3 * i];
		smp->n_label = 3;
		b->sample_ptrs[i] = smp;
	}
	b->prof.n_sample = r->n;
	b->prof.sample = b->sample_ptrs;
	return 0;
}

static void pprof_build__fini(struct pprof_build *b)
{
	strtab__fini(&b->st);
	loctab__fini(&b->lt);
	free(b->maps);
	free(b->map_ptrs);
	free(b->map_ids);
	free(b->samples);
	free(b->sample_ptrs);
	free(b->loc_ids);
	free(b->values);
	free(b->labels);
	free(b->label_ptrs);
}

int pprof_encode(const struct prof_result *r, uint8_t **out, size_t *len)
{
	struct pprof_build b;
	int err;

	memset(&b, 0, sizeof(b));
	perftools__profiles__profile__init(&b.prof);
	err = strtab__str(&b.st, "") < 0 ? -ENOMEM : 0;
	if (!err)
		err = pprof__types(&b, r);
	if (!err)
		err = pprof__maps(&b, r);
	if (!err)
		err = pprof__samples(&b, r);
	if (err)
		goto out;
	b.prof.n_location = b.lt.n;
	b.prof.location = b.lt.locs;
	b.prof.n_function = b.lt.n;
	b.prof.function = b.lt.funcs;
	b.prof.n_string_table = b.st.n;
	b.prof.string_table = b.st.strs;
	b.prof.time_nanos = (int64_t)r->start_realtime_ns;
	b.prof.duration_nanos = (int64_t)r->duration_ns;
	*len = perftools__profiles__profile__get_packed_size(&b.prof);
	*out = malloc(*len ? *len : 1);
	if (!*out) {
		err = -ENOMEM;
		goto out;
	}
	perftools__profiles__profile__pack(&b.prof, *out);
out:
	pprof_build__fini(&b);
	return err;
}

int prof_write_pprof(struct sink *s, const struct prof_result *r)
{
	unsigned char buf[16384];
	z_stream z;
	uint8_t *pb;
	size_t len;
	int err, zr;

	err = pprof_encode(r, &pb, &len);
	if (err)
		return err;
	if (s->gz) { /* --output FILE.gz: the sink compresses already */
		sink__write(s, pb, len);
		free(pb);
		return sink__error(s);
	}
	memset(&z, 0, sizeof(z));
	/* 15 + 16: a gzip wrapper, which pprof readers expect. */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)) {
		free(pb);
		return -ENOMEM;
	}
	z.next_in = pb;
	z.avail_in = (uInt)len;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		zr = deflate(&z, Z_FINISH);
		sink__write(s, buf, sizeof(buf) - z.avail_out);
	} while (zr == Z_OK);
	deflateEnd(&z);
	free(pb);
	if (zr != Z_STREAM_END)
		return -EIO;
	return sink__error(s);
}
