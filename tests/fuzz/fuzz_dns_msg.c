// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_dns_msg.c: libFuzzer target for the DNS reader (user/dns/dns_msg.c) and the dns
 * record decoder: any bytes, read as a whole message, as the first bytes of a longer one
 * (vigil copies 512), and name by name from every offset, must give bounded text, a sane
 * address count and no read outside the bytes; the same bytes as a ring-buffer vg_dns
 * (lengths that lie) must decode cleanly; as an IP packet (the packet-socket fallback), the
 * DNS message found must lie within the bytes.
 */
#include <linux/types.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "core/record.h"
#include "dns/dns_msg.h"
#include "dns/dns_pkt.h"
#include "dns/dns_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_msg(const struct dns_msg *m)
{
	if (strnlen(m->qname, sizeof(m->qname)) >= sizeof(m->qname))
		abort();
	if (m->cut && m->malformed)
		abort(); /* one or the other */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1); /* exact size: ASan sees any overread */
	static struct vg_dns rec;
	char name[DNS_NAME_TEXTLEN];
	struct dns_msg m;
	struct dns_pkt pkt;
	struct vrow row;

	memcpy(copy, data, size);
	dns_msg_parse(copy, size, size, &m);
	check_msg(&m);
	dns_msg_parse(copy, size, size + 100, &m);
	check_msg(&m);
	for (size_t off = 0; off < size && off < 64; off++) {
		size_t end = 0;

		if (!dns_name_text(copy, size, off, name, sizeof(name), &end) && end > size)
			abort();
		if (strnlen(name, sizeof(name)) >= sizeof(name))
			abort();
	}
	if (!dns_pkt_parse(copy, size, &pkt) &&
	    (pkt.dns < copy || pkt.dns + pkt.dns_len > copy + size))
		abort();
	memset(&rec, 0, sizeof(rec));
	memcpy(&rec, data, size < sizeof(rec) ? size : sizeof(rec));
	memset(&row, 0, sizeof(row));
	dns_record_decode(&row, &rec);
	free(copy);
	return 0;
}
