/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * record.h: the one schema every exporter reads. A record (struct vrow) is a kind, a source,
 * a timestamp and values indexed by field; each kind lists its fields in order. CSV columns
 * and JSON keys both come from these tables, so they cannot drift apart. Decoders fill rows
 * from ring-buffer bytes (or from fallback polls); exporters format them. A field may be
 * marked null (unknown), which prints as an empty CSV cell and a JSON null, never as 0.
 */
#ifndef VIGIL_RECORD_H
#define VIGIL_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The record schema's version (docs/records.md, docs/records.schema.json): every JSON record
 * and CSV row carries it in `schema`, after `source`. Raise it on any change to a kind's fields.
 */
#define VREC_SCHEMA 4

/* Kinds made in userspace, beside enum vg_kind's kernel ones. */
#define VK_DROPS	60
#define VK_SAMPLE	61 /* sched fallback: schedstat deltas per task */
#define VK_SAMPLE_BLKIO 63 /* blkio fallback: diskstats deltas per disk */
#define VK_BIO_TOP	62 /* blkio: biotop's per-process interval summary */
#define VK_MAX		64

enum vf_type {
	VT_U64,
	VT_S64,
	VT_STR, /* NUL-terminated or desc.maxlen bytes */
};

enum vfield {
	VF_PID,
	VF_TID,
	VF_PPID,
	VF_COMM,
	VF_CPU,
	VF_LATENCY_NS,
	VF_PREV_PID,
	VF_PREV_TID,
	VF_PREV_COMM,
	VF_DURATION_NS,
	VF_FILENAME,
	VF_EXIT_CODE,
	VF_SUBSYSTEM,
	VF_LOST,
	VF_REASON,
	/* fallback samples (kind `sample`) */
	VF_ONCPU_NS,
	VF_RUN_DELAY_NS,
	VF_TIMESLICES,
	VF_VOLUNTARY_SWITCHES,
	VF_INVOLUNTARY_SWITCHES,
	VF_READS,
	VF_WRITES,
	VF_READ_BYTES,
	VF_WRITE_BYTES,
	VF_R_AWAIT_NS,
	VF_W_AWAIT_NS,
	VF_BUSY_NS,
	/* tcp */
	VF_FAMILY,
	VF_SADDR,
	VF_SPORT,
	VF_DADDR,
	VF_DPORT,
	VF_OLD_STATE,
	VF_NEW_STATE,
	VF_IN_STATE_NS,
	VF_CONNECT_LATENCY_NS,
	VF_SRTT_US,
	VF_SRTT_MIN_US,
	VF_SRTT_MAX_US,
	VF_RETRANSMITS,
	VF_BYTES_SENT,
	VF_BYTES_RECEIVED,
	VF_DIRECTION,
	VF_STATE,
	VF_PARTIAL,
	VF_RNAME, /* --resolve: the remote address's reverse name */
	/* blkio */
	VF_DEV,
	VF_DISK,
	VF_OP,
	VF_SECTOR,
	VF_BYTES,
	VF_QUEUE_NS,
	VF_SERVICE_NS,
	VF_ERROR,
	VF_IOS,
	VF_AVG_LATENCY_NS,
	VF_INTERVAL_NS,
	/* dns */
	VF_SERVER,
	VF_TRANSPORT,
	VF_DNS_ID,
	VF_QNAME,
	VF_QNAME_TRUNCATED,
	VF_QTYPE,
	VF_RCODE,
	VF_ANSWERS,
	VF_ADDRS,
	VF_TC,
	VF_TIMEOUT,
	VF_MALFORMED,
	/* the task's cgroup (--with-cgroup): its path, and the container and unit it names */
	VF_CGROUP,
	VF_CONTAINER,
	VF_UNIT,
	VF__COUNT,
};

struct vf_desc {
	const char *name;
	enum vf_type type;
	uint16_t maxlen; /* VT_STR: bytes to read at most */
};

struct vrow;

struct vkind_desc {
	const char *name;
	const char *subsystem;
	const enum vfield *fields;
	int nfields;
	uint16_t wire_size; /* size of the ring-buffer record; 0 for userspace kinds */
	void (*decode)(struct vrow *row, const void *data); /* wire_size bytes, checked */
};

#define VKIND_FIELDS(arr) (arr), (int)(sizeof(arr) / sizeof((arr)[0]))

/* Each subsystem's record file defines its kinds; record.c indexes them. */
extern const struct vkind_desc sched_kind_runq, sched_kind_oncpu, sched_kind_exec, sched_kind_exit,
	sched_kind_fork;
extern const struct vkind_desc drops_kind;
extern const struct vkind_desc sample_kind_sched, sample_kind_blkio;
extern const struct vkind_desc tcp_kind_connect, tcp_kind_accept, tcp_kind_state, tcp_kind_close,
	tcp_kind_retransmit, tcp_kind_reset;
extern const struct vkind_desc blkio_kind_bio, blkio_kind_top;
extern const struct vkind_desc dns_kind_dns;

/*
 * The kinds by number: the tracer module's subsystems and `drops` (record_kinds.c), or only
 * `drops` in a build without the tracer (record_kinds_none.c).
 */
extern const struct vkind_desc *const vkind_table[VK_MAX];

union vval {
	uint64_t u;
	int64_t s;
	const char *str;
};

#define VROW_SCRATCH 160
#define VF_SET_WORDS 2

/* A set of fields, one bit each. */
struct vf_set {
	uint64_t w[VF_SET_WORDS];
};

static inline void vf_set__add(struct vf_set *s, enum vfield f)
{
	s->w[f / 64] |= 1ULL << (f % 64);
}

static inline bool vf_set__has(const struct vf_set *s, enum vfield f)
{
	return s->w[f / 64] & (1ULL << (f % 64));
}

struct vrow {
	uint16_t kind;
	const char *source;  /* "bpf", "procfs", ... */
	uint64_t ts_ns;	     /* CLOCK_MONOTONIC */
	struct vf_set nulls; /* fields whose value is unknown */
	uint64_t cgroup_id;  /* the task's cgroup v2 id from the record; 0: not known */
	union vval v[VF__COUNT];
	char scratch[VROW_SCRATCH]; /* text the decoder formats (addresses, names) */
};

_Static_assert(VF__COUNT <= 64 * VF_SET_WORDS, "vf_set holds one bit per field");

extern const struct vf_desc vf_descs[VF__COUNT];

/* The kind's descriptor, or NULL for an unknown kind. */
const struct vkind_desc *vkind__desc(unsigned int kind);

/* The kind id for a name ("runq"), or -EINVAL. */
int vkind__by_name(const char *name);

/* Whether kind's records have field f. */
bool vkind__has_field(unsigned int kind, enum vfield f);

/* Every kind called name (`sample` is one per subsystem) as a mask; 0 if none. */
uint64_t vkind__mask_by_name(const char *name);

static inline void vrow__set_null(struct vrow *r, enum vfield f)
{
	vf_set__add(&r->nulls, f);
}

static inline void vrow__clear_null(struct vrow *r, enum vfield f)
{
	r->nulls.w[f / 64] &= ~(1ULL << (f % 64));
}

static inline bool vrow__is_null(const struct vrow *r, enum vfield f)
{
	return vf_set__has(&r->nulls, f);
}

/* Whether f has no value to print: marked null, or a string no one set. */
static inline bool vrow__lacks(const struct vrow *r, enum vfield f)
{
	return vrow__is_null(r, f) || (vf_descs[f].type == VT_STR && !r->v[f].str);
}

/*
 * A row's cgroup fields start unknown: the kernel's records hand over an id (cgroup_id), which
 * the --with-cgroup decorator (core/cgroup_rows.h) names.
 */
#define VF_CGROUP_FIELDS VF_CGROUP, VF_CONTAINER, VF_UNIT /* last in each kind that has them */

static inline void vrow__cgroup_unknown(struct vrow *r)
{
	r->cgroup_id = 0;
	vrow__set_null(r, VF_CGROUP);
	vrow__set_null(r, VF_CONTAINER);
	vrow__set_null(r, VF_UNIT);
}

/*
 * Decode one ring-buffer record into row. Returns 0, or -EINVAL when the bytes are too short
 * for their header, carry an unknown kind, or a size that does not match the kind.
 */
int vrow__decode(struct vrow *row, const void *data, size_t len);

#endif /* VIGIL_RECORD_H */
