// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * record_kinds.c: the index of record kinds by number, the tracer module's: every kind its
 * subsystems decode or make (sched, tcp, blkio, the fallback samples) and `drops`.
 * record_kinds_none.c is the index of a build without the tracer.
 */
#include "core/record.h"

#include "port.h" /* __u8..__u64 for events.h */
#include "events.h"

const struct vkind_desc *const vkind_table[VK_MAX] = {
	[VG_KIND_RUNQ] = &sched_kind_runq,
	[VG_KIND_ONCPU] = &sched_kind_oncpu,
	[VG_KIND_EXEC] = &sched_kind_exec,
	[VG_KIND_EXIT] = &sched_kind_exit,
	[VG_KIND_FORK] = &sched_kind_fork,
	[VG_KIND_TCP_CONNECT] = &tcp_kind_connect,
	[VG_KIND_TCP_ACCEPT] = &tcp_kind_accept,
	[VG_KIND_TCP_STATE] = &tcp_kind_state,
	[VG_KIND_TCP_CLOSE] = &tcp_kind_close,
	[VG_KIND_TCP_RETRANSMIT] = &tcp_kind_retransmit,
	[VG_KIND_TCP_RESET] = &tcp_kind_reset,
	[VG_KIND_BIO] = &blkio_kind_bio,
	[VG_KIND_DNS] = &dns_kind_dns, /* one per DNS transaction */
	[VK_DROPS] = &drops_kind,
	[VK_SAMPLE] = &sample_kind_sched,
	[VK_SAMPLE_BLKIO] = &sample_kind_blkio,
	[VK_BIO_TOP] = &blkio_kind_top,
};
