// SPDX-License-Identifier: BSD-2-Clause
/*
 * net.c - network interfaces on Windows: per-NIC counters and state from GetIfTable2 (64-bit
 * counters; names are the interface aliases, what psutil shows), addresses from
 * GetAdaptersAddresses (unicast IPv4/IPv6 with their prefix as a netmask, and the MAC as
 * FB_AF_LINK in psutil's dashed form).  Windows gives no interface flags string and no duplex
 * through these calls: duplex is unknown and flags stay empty.
 */
#include "fb_win.h"

#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <netioapi.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void if_name(const MIB_IF_ROW2 *r, char *buf, size_t len)
{
	if (fb__w2u(r->Alias, -1, buf, len) || !buf[0])
		fb__w2u(r->Description, -1, buf, len);
}

/* Software loopback and filter/ tunnel pseudo rows duplicate the real NICs: keep hardware
 * interfaces and the loopback, as psutil's table does. */
static bool row_is_nic(const MIB_IF_ROW2 *r)
{
	return r->InterfaceAndOperStatusFlags.HardwareInterface ||
	       r->Type == IF_TYPE_SOFTWARE_LOOPBACK || r->Type == IF_TYPE_ETHERNET_CSMACD;
}

int fb_net_io_counters(bool pernic, struct fb_nowrap *nw, struct fb_net_io **out, size_t *n)
{
	MIB_IF_TABLE2 *t = NULL;
	struct fb_net_io *v = NULL, tot = { .name = "" };
	size_t cnt = 0;
	DWORD rc;

	*out = NULL;
	*n = 0;
	rc = GetIfTable2(&t);
	if (rc != NO_ERROR)
		return fb__win_err(rc);
	v = calloc(t->NumEntries ? t->NumEntries : 1, sizeof(*v));
	if (!v) {
		FreeMibTable(t);
		return -ENOMEM;
	}
	for (ULONG i = 0; i < t->NumEntries; i++) {
		const MIB_IF_ROW2 *r = &t->Table[i];
		struct fb_net_io *d = &v[cnt];

		if (!row_is_nic(r))
			continue;
		if_name(r, d->name, sizeof(d->name));
		d->bytes_recv = r->InOctets;
		d->bytes_sent = r->OutOctets;
		d->packets_recv = r->InUcastPkts + r->InNUcastPkts;
		d->packets_sent = r->OutUcastPkts + r->OutNUcastPkts;
		d->errin = r->InErrors;
		d->errout = r->OutErrors;
		d->dropin = r->InDiscards;
		d->dropout = r->OutDiscards;
		if (nw) {
			uint64_t f[8] = { d->bytes_sent,   d->bytes_recv, d->packets_sent,
					  d->packets_recv, d->errin,	  d->errout,
					  d->dropin,	   d->dropout };

			fb_nowrap__apply(nw, d->name, f, 8);
			d->bytes_sent = f[0], d->bytes_recv = f[1], d->packets_sent = f[2];
			d->packets_recv = f[3], d->errin = f[4], d->errout = f[5];
			d->dropin = f[6], d->dropout = f[7];
		}
		cnt++;
	}
	FreeMibTable(t);
	if (!pernic) {
		for (size_t i = 0; i < cnt; i++) {
			tot.bytes_sent += v[i].bytes_sent;
			tot.bytes_recv += v[i].bytes_recv;
			tot.packets_sent += v[i].packets_sent;
			tot.packets_recv += v[i].packets_recv;
			tot.errin += v[i].errin;
			tot.errout += v[i].errout;
			tot.dropin += v[i].dropin;
			tot.dropout += v[i].dropout;
		}
		v[0] = tot;
		cnt = 1;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int fb_net_if_stats(struct fb_if_stats **out, size_t *n)
{
	MIB_IF_TABLE2 *t = NULL;
	struct fb_if_stats *v;
	size_t cnt = 0;
	DWORD rc;

	*out = NULL;
	*n = 0;
	rc = GetIfTable2(&t);
	if (rc != NO_ERROR)
		return fb__win_err(rc);
	v = calloc(t->NumEntries ? t->NumEntries : 1, sizeof(*v));
	if (!v) {
		FreeMibTable(t);
		return -ENOMEM;
	}
	for (ULONG i = 0; i < t->NumEntries; i++) {
		const MIB_IF_ROW2 *r = &t->Table[i];
		struct fb_if_stats *s = &v[cnt];

		if (!row_is_nic(r))
			continue;
		if_name(r, s->name, sizeof(s->name));
		s->isup = r->OperStatus == IfOperStatusUp;
		s->duplex = FB_NIC_DUPLEX_UNKNOWN;
		s->speed = (int)(r->TransmitLinkSpeed / 1000000ULL);
		s->mtu = (int)r->Mtu;
		fb__copy(s->flags, sizeof(s->flags), s->isup ? "up" : "");
		cnt++;
	}
	FreeMibTable(t);
	*out = v;
	*n = cnt;
	return 0;
}

static void prefix_mask(int family, unsigned bits, char *buf, size_t len)
{
	unsigned char b[16] = { 0 };
	size_t nb = family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < nb && bits; i++) {
		unsigned take = bits > 8 ? 8 : bits;

		b[i] = (unsigned char)(0xff << (8 - take));
		bits -= take;
	}
	inet_ntop(family, b, buf, len); /* mingw: size_t, not socklen_t */
}

static int push_addr(struct fb_if_addr **v, size_t *cap, size_t *cnt, const char *name,
		     struct fb_if_addr **slot)
{
	int err = fb__grow((void **)v, cap, *cnt + 1, sizeof(**v));

	if (err)
		return err;
	*slot = &(*v)[(*cnt)++];
	memset(*slot, 0, sizeof(**slot));
	fb__copy((*slot)->name, sizeof((*slot)->name), name);
	return 0;
}

int fb_net_if_addrs(struct fb_if_addr **out, size_t *n)
{
	ULONG len = 16 * 1024, rc = ERROR_BUFFER_OVERFLOW;
	IP_ADAPTER_ADDRESSES *aa = NULL, *a;
	struct fb_if_addr *v = NULL, *e;
	size_t cap = 0, cnt = 0;
	int err = 0;

	*out = NULL;
	*n = 0;
	for (int tries = 0; tries < 4 && rc == ERROR_BUFFER_OVERFLOW; tries++) {
		free(aa);
		aa = malloc(len);
		if (!aa)
			return -ENOMEM;
		rc = GetAdaptersAddresses(AF_UNSPEC,
					  GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST |
						  GAA_FLAG_SKIP_DNS_SERVER,
					  NULL, aa, &len);
	}
	if (rc != NO_ERROR) {
		free(aa);
		return rc == ERROR_NO_DATA ? 0 : fb__win_err(rc);
	}
	for (a = aa; a && !err; a = a->Next) {
		char name[32];

		fb__w2u(a->FriendlyName, -1, name, sizeof(name));
		if (a->PhysicalAddressLength) {
			err = push_addr(&v, &cap, &cnt, name, &e);
			if (err)
				break;
			e->family = FB_AF_LINK;
			e->address[0] = '\0';
			for (ULONG i = 0; i < a->PhysicalAddressLength && i < 8; i++) {
				size_t at = strlen(e->address);

				fb__fmt(e->address + at, sizeof(e->address) - at, "%s%02X",
					i ? "-" : "", a->PhysicalAddress[i]);
			}
		}
		for (IP_ADAPTER_UNICAST_ADDRESS *u = a->FirstUnicastAddress; u && !err;
		     u = u->Next) {
			SOCKADDR *sa = u->Address.lpSockaddr;
			const void *ip;

			if (sa->sa_family == AF_INET)
				ip = &((SOCKADDR_IN *)sa)->sin_addr;
			else if (sa->sa_family == AF_INET6)
				ip = &((SOCKADDR_IN6 *)sa)->sin6_addr;
			else
				continue;
			err = push_addr(&v, &cap, &cnt, name, &e);
			if (err)
				break;
			e->family = sa->sa_family;
			inet_ntop(sa->sa_family, ip, e->address, sizeof(e->address));
			prefix_mask(sa->sa_family, u->OnLinkPrefixLength, e->netmask,
				    sizeof(e->netmask));
			e->valid = FB_IFA_NETMASK;
		}
	}
	free(aa);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*n = cnt;
	return 0;
}
