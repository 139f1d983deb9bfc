// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * record_kinds_none.c: the index of record kinds in a build without the tracer module (the
 * Windows build): no subsystem makes records there, so only `drops` is known; the exporters
 * and the schema (record.c) stay the same.
 */
#include "core/record.h"

const struct vkind_desc *const vkind_table[VK_MAX] = {
	[VK_DROPS] = &drops_kind,
};
