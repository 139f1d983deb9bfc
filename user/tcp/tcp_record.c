// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tcp_record.c: the TCP tracer's record kinds (tcp_connect, tcp_accept, tcp_state,
 * tcp_close, tcp_retransmit, tcp_reset): their columns in schema order and the decoders from
 * bpf/events.h's vg_tcp and vg_tcp_close. Addresses are formatted into the row's scratch
 * (saddr at 0, daddr at 64); a pid the kernel could not attribute is null, never 0.
 */
#include <linux/types.h>
#include <stddef.h>

#include "events.h"
#include "core/record.h"
#include "tcp/tcp_addr.h"

#define SCRATCH_DADDR 64

_Static_assert(VROW_SCRATCH >= SCRATCH_DADDR + TCP_ADDR_STRLEN, "room for two addresses");

static unsigned int family_number(__u16 family)
{
	return family == TCP_AF_INET6 ? 6 : family == TCP_AF_INET ? 4 : 0;
}

/* The columns every TCP kind shares. */
static void decode_tuple(struct vrow *row, const __u8 *saddr, const __u8 *daddr, __u16 sport,
			 __u16 dport, __u16 family, __u32 pid, const char *comm, __u8 flags)
{
	row->v[VF_FAMILY].u = family_number(family);
	row->v[VF_SADDR].str = tcp_addr_format(family, saddr, row->scratch, SCRATCH_DADDR);
	row->v[VF_DADDR].str = tcp_addr_format(family, daddr, row->scratch + SCRATCH_DADDR,
					       VROW_SCRATCH - SCRATCH_DADDR);
	row->v[VF_SPORT].u = sport;
	row->v[VF_DPORT].u = dport;
	row->v[VF_PID].u = pid;
	row->v[VF_COMM].str = comm;
	vrow__set_null(row, VF_RNAME); /* --resolve fills it in (consumer's decorator) */
	if (!(flags & VG_TCP_PID_KNOWN)) {
		vrow__set_null(row, VF_PID);
		vrow__set_null(row, VF_COMM);
	}
}

static void decode_common(struct vrow *row, const struct vg_tcp *e)
{
	decode_tuple(row, e->saddr, e->daddr, e->sport, e->dport, e->family, e->pid, e->comm,
		     e->flags);
	row->cgroup_id = e->cgroup_id;
}

static void decode_connect(struct vrow *row, const void *data)
{
	const struct vg_tcp *e = data;

	decode_common(row, e);
	row->v[VF_LATENCY_NS].u = e->value_ns;
}

static void decode_accept(struct vrow *row, const void *data)
{
	decode_common(row, data);
}

static void decode_state(struct vrow *row, const void *data)
{
	const struct vg_tcp *e = data;

	decode_common(row, e);
	row->v[VF_OLD_STATE].str = tcp_state_name(e->old_state);
	row->v[VF_NEW_STATE].str = tcp_state_name(e->new_state);
	row->v[VF_IN_STATE_NS].u = e->value_ns;
	if (!(e->flags & VG_TCP_VALUE_KNOWN))
		vrow__set_null(row, VF_IN_STATE_NS);
}

static void decode_retransmit(struct vrow *row, const void *data)
{
	const struct vg_tcp *e = data;

	decode_common(row, e);
	row->v[VF_STATE].str = tcp_state_name(e->new_state);
}

static void decode_reset(struct vrow *row, const void *data)
{
	const struct vg_tcp *e = data;

	decode_common(row, e);
	row->v[VF_STATE].str = tcp_state_name(e->new_state);
	if (!e->new_state)
		vrow__set_null(row, VF_STATE); /* no socket: a reset answering a stray segment */
	row->v[VF_DIRECTION].str = e->dir == VG_TCP_DIR_RECEIVED ? "received" : "sent";
}

static void decode_close(struct vrow *row, const void *data)
{
	const struct vg_tcp_close *e = data;

	decode_tuple(row, e->saddr, e->daddr, e->sport, e->dport, e->family, e->pid, e->comm,
		     e->flags);
	row->cgroup_id = e->cgroup_id;
	row->v[VF_DURATION_NS].u = e->duration_ns;
	if (!(e->flags & VG_TCP_DURATION_KNOWN))
		vrow__set_null(row, VF_DURATION_NS);
	row->v[VF_CONNECT_LATENCY_NS].u = e->connect_latency_ns;
	if (!(e->flags & VG_TCP_VALUE_KNOWN))
		vrow__set_null(row, VF_CONNECT_LATENCY_NS);
	row->v[VF_SRTT_US].u = e->srtt_us;
	row->v[VF_SRTT_MIN_US].u = e->srtt_min_us;
	row->v[VF_SRTT_MAX_US].u = e->srtt_max_us;
	if (!(e->flags & VG_TCP_SRTT_KNOWN)) {
		vrow__set_null(row, VF_SRTT_MIN_US);
		vrow__set_null(row, VF_SRTT_MAX_US);
	}
	row->v[VF_RETRANSMITS].u = e->retransmits;
	row->v[VF_BYTES_SENT].u = e->bytes_sent;
	row->v[VF_BYTES_RECEIVED].u = e->bytes_received;
	row->v[VF_DIRECTION].str = e->direction == VG_TCP_DIR_ACTIVE	? "active"
				   : e->direction == VG_TCP_DIR_PASSIVE ? "passive"
									: "";
	if (e->direction == VG_TCP_DIR_UNKNOWN)
		vrow__set_null(row, VF_DIRECTION);
	row->v[VF_PARTIAL].u = !!(e->flags & VG_TCP_PARTIAL);
}

#define TCP_TUPLE VF_PID, VF_COMM, VF_FAMILY, VF_SADDR, VF_SPORT, VF_DADDR, VF_DPORT, VF_RNAME

static const enum vfield connect_fields[] = { TCP_TUPLE, VF_LATENCY_NS, VF_CGROUP_FIELDS };
static const enum vfield accept_fields[] = { TCP_TUPLE, VF_CGROUP_FIELDS };
static const enum vfield state_fields[] = {
	TCP_TUPLE, VF_OLD_STATE, VF_NEW_STATE, VF_IN_STATE_NS, VF_CGROUP_FIELDS,
};
static const enum vfield close_fields[] = {
	TCP_TUPLE,	VF_DURATION_NS,	  VF_CONNECT_LATENCY_NS, VF_SRTT_US,	    VF_SRTT_MIN_US,
	VF_SRTT_MAX_US, VF_RETRANSMITS,	  VF_BYTES_SENT,	 VF_BYTES_RECEIVED, VF_DIRECTION,
	VF_PARTIAL,	VF_CGROUP_FIELDS,
};
static const enum vfield retransmit_fields[] = { TCP_TUPLE, VF_STATE, VF_CGROUP_FIELDS };
static const enum vfield reset_fields[] = { TCP_TUPLE, VF_STATE, VF_DIRECTION, VF_CGROUP_FIELDS };

const struct vkind_desc tcp_kind_connect = {
	"tcp_connect", "tcp", VKIND_FIELDS(connect_fields), sizeof(struct vg_tcp), decode_connect,
};
const struct vkind_desc tcp_kind_accept = {
	"tcp_accept", "tcp", VKIND_FIELDS(accept_fields), sizeof(struct vg_tcp), decode_accept,
};
const struct vkind_desc tcp_kind_state = {
	"tcp_state", "tcp", VKIND_FIELDS(state_fields), sizeof(struct vg_tcp), decode_state,
};
const struct vkind_desc tcp_kind_close = {
	"tcp_close", "tcp", VKIND_FIELDS(close_fields), sizeof(struct vg_tcp_close), decode_close,
};
const struct vkind_desc tcp_kind_retransmit = {
	"tcp_retransmit",  "tcp", VKIND_FIELDS(retransmit_fields), sizeof(struct vg_tcp),
	decode_retransmit,
};
const struct vkind_desc tcp_kind_reset = {
	"tcp_reset", "tcp", VKIND_FIELDS(reset_fields), sizeof(struct vg_tcp), decode_reset,
};
