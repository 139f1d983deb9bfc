// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * record.c: the field registry, lookups in the index of record kinds (record_kinds.c), and
 * the checked entry point that turns ring-buffer bytes into a row. Field names here are the
 * CSV columns and JSON keys of the documented schema: renaming one is a schema change.
 */
#include "core/record.h"

#include <errno.h>
#include <string.h>

#include "port.h" /* __u8..__u64 for events.h */
#include "events.h"

const struct vf_desc vf_descs[VF__COUNT] = {
	[VF_PID] = { "pid", VT_U64, 0 },
	[VF_TID] = { "tid", VT_U64, 0 },
	[VF_PPID] = { "ppid", VT_U64, 0 },
	[VF_COMM] = { "comm", VT_STR, VG_COMM_LEN },
	[VF_CPU] = { "cpu", VT_U64, 0 },
	[VF_LATENCY_NS] = { "latency_ns", VT_U64, 0 },
	[VF_PREV_PID] = { "prev_pid", VT_U64, 0 },
	[VF_PREV_TID] = { "prev_tid", VT_U64, 0 },
	[VF_PREV_COMM] = { "prev_comm", VT_STR, VG_COMM_LEN },
	[VF_DURATION_NS] = { "duration_ns", VT_U64, 0 },
	[VF_FILENAME] = { "filename", VT_STR, VG_FILENAME_LEN },
	[VF_EXIT_CODE] = { "exit_code", VT_S64, 0 },
	[VF_SUBSYSTEM] = { "subsystem", VT_STR, 16 },
	[VF_LOST] = { "lost", VT_U64, 0 },
	[VF_REASON] = { "reason", VT_STR, 32 },
	[VF_ONCPU_NS] = { "oncpu_ns", VT_U64, 0 },
	[VF_RUN_DELAY_NS] = { "run_delay_ns", VT_U64, 0 },
	[VF_TIMESLICES] = { "timeslices", VT_U64, 0 },
	[VF_VOLUNTARY_SWITCHES] = { "voluntary_switches", VT_U64, 0 },
	[VF_INVOLUNTARY_SWITCHES] = { "involuntary_switches", VT_U64, 0 },
	[VF_READS] = { "reads", VT_U64, 0 },
	[VF_WRITES] = { "writes", VT_U64, 0 },
	[VF_READ_BYTES] = { "read_bytes", VT_U64, 0 },
	[VF_WRITE_BYTES] = { "write_bytes", VT_U64, 0 },
	[VF_R_AWAIT_NS] = { "r_await_ns", VT_U64, 0 },
	[VF_W_AWAIT_NS] = { "w_await_ns", VT_U64, 0 },
	[VF_BUSY_NS] = { "busy_ns", VT_U64, 0 },
	/* tcp */
	[VF_FAMILY] = { "family", VT_U64, 0 },
	[VF_SADDR] = { "saddr", VT_STR, 48 },
	[VF_SPORT] = { "sport", VT_U64, 0 },
	[VF_DADDR] = { "daddr", VT_STR, 48 },
	[VF_DPORT] = { "dport", VT_U64, 0 },
	[VF_OLD_STATE] = { "old_state", VT_STR, 16 },
	[VF_NEW_STATE] = { "new_state", VT_STR, 16 },
	[VF_IN_STATE_NS] = { "in_state_ns", VT_U64, 0 },
	[VF_CONNECT_LATENCY_NS] = { "connect_latency_ns", VT_U64, 0 },
	[VF_SRTT_US] = { "srtt_us", VT_U64, 0 },
	[VF_SRTT_MIN_US] = { "srtt_min_us", VT_U64, 0 },
	[VF_SRTT_MAX_US] = { "srtt_max_us", VT_U64, 0 },
	[VF_RETRANSMITS] = { "retransmits", VT_U64, 0 },
	[VF_BYTES_SENT] = { "bytes_sent", VT_U64, 0 },
	[VF_BYTES_RECEIVED] = { "bytes_received", VT_U64, 0 },
	[VF_DIRECTION] = { "direction", VT_STR, 16 },
	[VF_STATE] = { "state", VT_STR, 16 },
	[VF_PARTIAL] = { "partial", VT_U64, 0 },
	[VF_RNAME] = { "rname", VT_STR, 256 },
	/* blkio */
	[VF_DEV] = { "dev", VT_STR, 16 },
	[VF_DISK] = { "disk", VT_STR, 32 },
	[VF_OP] = { "op", VT_STR, 8 },
	[VF_SECTOR] = { "sector", VT_U64, 0 },
	[VF_BYTES] = { "bytes", VT_U64, 0 },
	[VF_QUEUE_NS] = { "queue_ns", VT_U64, 0 },
	[VF_SERVICE_NS] = { "service_ns", VT_U64, 0 },
	[VF_ERROR] = { "error", VT_STR, 16 },
	[VF_IOS] = { "ios", VT_U64, 0 },
	[VF_AVG_LATENCY_NS] = { "avg_latency_ns", VT_U64, 0 },
	[VF_INTERVAL_NS] = { "interval_ns", VT_U64, 0 },
	/* dns */
	[VF_SERVER] = { "server", VT_STR, 48 },
	[VF_TRANSPORT] = { "transport", VT_STR, 4 },
	[VF_DNS_ID] = { "id", VT_U64, 0 },
	[VF_QNAME] = { "qname", VT_STR, 1024 },
	[VF_QNAME_TRUNCATED] = { "qname_truncated", VT_U64, 0 },
	[VF_QTYPE] = { "qtype", VT_STR, 16 },
	[VF_RCODE] = { "rcode", VT_STR, 16 },
	[VF_ANSWERS] = { "answers", VT_U64, 0 },
	[VF_ADDRS] = { "addrs", VT_STR, 1024 },
	[VF_TC] = { "tc", VT_U64, 0 },
	[VF_TIMEOUT] = { "timeout", VT_U64, 0 },
	[VF_MALFORMED] = { "malformed", VT_U64, 0 },
	[VF_CGROUP] = { "cgroup", VT_STR, 4096 },
	[VF_CONTAINER] = { "container", VT_STR, 96 },
	[VF_UNIT] = { "unit", VT_STR, 256 },
};

static const enum vfield drops_fields[] = { VF_SUBSYSTEM, VF_LOST, VF_REASON };
const struct vkind_desc drops_kind = { "drops", NULL, VKIND_FIELDS(drops_fields), 0, NULL };

const struct vkind_desc *vkind__desc(unsigned int kind)
{
	return kind < VK_MAX ? vkind_table[kind] : NULL;
}

int vkind__by_name(const char *name)
{
	for (unsigned int k = 0; k < VK_MAX; k++) {
		if (vkind_table[k] && !strcmp(vkind_table[k]->name, name))
			return (int)k;
	}
	return -EINVAL;
}

bool vkind__has_field(unsigned int kind, enum vfield f)
{
	const struct vkind_desc *d = vkind__desc(kind);

	for (int i = 0; d && i < d->nfields; i++) {
		if (d->fields[i] == f)
			return true;
	}
	return false;
}

uint64_t vkind__mask_by_name(const char *name)
{
	uint64_t mask = 0;

	for (unsigned int k = 0; k < VK_MAX; k++) {
		if (vkind_table[k] && !strcmp(vkind_table[k]->name, name))
			mask |= 1ULL << k;
	}
	return mask;
}

int vrow__decode(struct vrow *row, const void *data, size_t len)
{
	const struct vkind_desc *desc;
	struct vg_hdr hdr;

	if (len < sizeof(hdr))
		return -EINVAL;
	memcpy(&hdr, data, sizeof(hdr));
	desc = vkind__desc(hdr.kind);
	if (!desc || !desc->decode || hdr.size != desc->wire_size || len < desc->wire_size)
		return -EINVAL;
	row->kind = hdr.kind;
	row->source = "bpf";
	row->ts_ns = hdr.ts_ns;
	row->nulls = (struct vf_set){ { 0 } };
	vrow__cgroup_unknown(row);
	row->v[VF_CPU].u = hdr.cpu;
	desc->decode(row, data);
	return 0;
}
