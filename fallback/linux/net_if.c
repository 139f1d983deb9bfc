// SPDX-License-Identifier: BSD-2-Clause
/*
 * net_if.c - net_if_addrs() through getifaddrs(3) (glibc asks netlink RTM_GETLINK/GETADDR)
 * and net_if_stats() through the SIOCGIFFLAGS, SIOCGIFMTU and SIOCETHTOOL ioctls on the NICs
 * named in /proc/net/dev, as psutil does: broadcast only with IFF_BROADCAST, ptp only with
 * IFF_POINTOPOINT, no broadcast for an IPv4 /32, link-local IPv6 with its %scope, MACs as
 * AF_LINK (AF_PACKET), isup = IFF_RUNNING, duplex/speed unknown when ethtool refuses.
 */
#include "../common/fb_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Text form of an address; false for NULL or an unknown family (psutil None). */
static bool addr_text(const struct sockaddr *sa, bool with_scope, char *buf, size_t len)
{
	if (!sa)
		return false;
	switch (sa->sa_family) {
	case AF_INET:
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf,
				 (socklen_t)len) != NULL;
	case AF_INET6:
		if (with_scope)
			return getnameinfo(sa, sizeof(struct sockaddr_in6), buf, (socklen_t)len,
					   NULL, 0, NI_NUMERICHOST) == 0;
		return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
				 (socklen_t)len) != NULL;
	case AF_PACKET: {
		const struct sockaddr_ll *ll = (const struct sockaddr_ll *)sa;
		size_t off = 0;

		if (!ll->sll_halen)
			return false;
		buf[0] = '\0';
		/* psutil pads short hardware addresses to 6 octets */
		for (int i = 0; i < (ll->sll_halen < 6 ? 6 : ll->sll_halen) && i < 8; i++) {
			unsigned b = i < ll->sll_halen ? ll->sll_addr[i] : 0;

			if (fb__fmt(buf + off, len - off, "%s%02x", i ? ":" : "", b))
				return false;
			off = strlen(buf);
		}
		return true;
	}
	default:
		return false;
	}
}

int fb_net_if_addrs(struct fb_if_addr **out, size_t *n)
{
	struct ifaddrs *ifa, *i;
	struct fb_if_addr *v = NULL;
	size_t cnt = 0, cap = 0;
	int err = 0;

	*out = NULL;
	*n = 0;
	if (getifaddrs(&ifa))
		return -errno;
	/* group by NIC in first-seen order, as psutil's dict */
	for (i = ifa; i; i = i->ifa_next) {
		struct fb_if_addr a = { 0 };
		size_t pos;

		if (!i->ifa_addr || !i->ifa_name)
			continue;
		a.family = i->ifa_addr->sa_family;
		if (a.family != AF_INET && a.family != AF_INET6 && a.family != AF_PACKET)
			continue;
		if (!addr_text(i->ifa_addr, true, a.address, sizeof(a.address)))
			continue;
		a.family = a.family == AF_PACKET ? FB_AF_LINK : a.family;
		fb__copy(a.name, sizeof(a.name), i->ifa_name);
		if (addr_text(i->ifa_netmask, false, a.netmask, sizeof(a.netmask)))
			a.valid |= FB_IFA_NETMASK;
		if ((i->ifa_flags & IFF_BROADCAST) &&
		    addr_text(i->ifa_broadaddr, false, a.broadcast, sizeof(a.broadcast)))
			a.valid |= FB_IFA_BROADCAST;
		if ((i->ifa_flags & IFF_POINTOPOINT) &&
		    addr_text(i->ifa_dstaddr, false, a.ptp, sizeof(a.ptp)))
			a.valid |= FB_IFA_PTP;
		if (a.family == AF_INET && (a.valid & FB_IFA_NETMASK) &&
		    strcmp(a.netmask, "255.255.255.255") == 0)
			a.valid &= ~(
				uint32_t)FB_IFA_BROADCAST; /* /32: getifaddrs echoes the address */
		err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
		if (err)
			goto free_ifa;
		pos = cnt;
		for (size_t k = cnt; k-- > 0;) {
			if (strcmp(v[k].name, a.name) == 0) {
				pos = k + 1;
				break;
			}
		}
		memmove(&v[pos + 1], &v[pos], (cnt - pos) * sizeof(*v));
		v[pos] = a;
		cnt++;
	}
	*out = v;
	*n = cnt;
	v = NULL;
free_ifa:
	free(v);
	freeifaddrs(ifa);
	return err;
}

static const struct {
	int bit;
	const char *name;
} if_flag_names[] = {
	{ IFF_UP, "up" },
	{ IFF_BROADCAST, "broadcast" },
	{ IFF_DEBUG, "debug" },
	{ IFF_LOOPBACK, "loopback" },
	{ IFF_POINTOPOINT, "pointopoint" },
	{ IFF_NOTRAILERS, "notrailers" },
	{ IFF_RUNNING, "running" },
	{ IFF_NOARP, "noarp" },
	{ IFF_PROMISC, "promisc" },
	{ IFF_ALLMULTI, "allmulti" },
	{ IFF_MASTER, "master" },
	{ IFF_SLAVE, "slave" },
	{ IFF_MULTICAST, "multicast" },
	{ IFF_PORTSEL, "portsel" },
	{ IFF_AUTOMEDIA, "automedia" },
	{ IFF_DYNAMIC, "dynamic" },
};

static void if_flags_text(int flags, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(if_flag_names) / sizeof(if_flag_names[0]); i++) {
		if (!(flags & if_flag_names[i].bit))
			continue;
		if (fb__fmt(buf + off, len - off, "%s%s", off ? "," : "", if_flag_names[i].name))
			break;
		off = strlen(buf);
	}
}

/* One NIC; -ENODEV when it vanished (skipped by the caller, as psutil). */
static int if_stats_one(int sock, const char *name, struct fb_if_stats *s)
{
	struct ethtool_cmd ecmd = { .cmd = ETHTOOL_GSET };
	struct ifreq ifr;

	memset(s, 0, sizeof(*s));
	memset(&ifr, 0, sizeof(ifr));
	fb__copy(s->name, sizeof(s->name), name);
	fb__copy(ifr.ifr_name, sizeof(ifr.ifr_name), name);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr))
		return -errno;
	s->isup = (ifr.ifr_flags & IFF_RUNNING) != 0;
	if_flags_text(ifr.ifr_flags, s->flags, sizeof(s->flags));
	if (ioctl(sock, SIOCGIFMTU, &ifr))
		return -errno;
	s->mtu = ifr.ifr_mtu;
	ifr.ifr_data = (void *)&ecmd;
	if (ioctl(sock, SIOCETHTOOL, &ifr) == 0) {
		s->duplex = ecmd.duplex == DUPLEX_FULL	 ? FB_NIC_DUPLEX_FULL
			    : ecmd.duplex == DUPLEX_HALF ? FB_NIC_DUPLEX_HALF
							 : FB_NIC_DUPLEX_UNKNOWN;
		/* not ethtool_cmd_speed(): it shifts a signed int */
		uint32_t speed = (uint32_t)ecmd.speed_hi << 16 | ecmd.speed;

		/* SPEED_UNKNOWN is -1 (0xffff in the old 16-bit field): psutil reports 0 */
		s->speed = speed == (uint32_t)SPEED_UNKNOWN || speed == 0xffff ? 0 : (int)speed;
	} else if (errno != EOPNOTSUPP && errno != EINVAL && errno != EBUSY && errno != EPERM &&
		   errno != ENODEV) {
		return -errno;
	}
	return 0;
}

int fb_net_if_stats(struct fb_if_stats **out, size_t *n)
{
	struct fb_net_io *io = NULL;
	struct fb_if_stats *v = NULL;
	size_t nio = 0, cnt = 0;
	int sock, err;

	*out = NULL;
	*n = 0;
	err = fb_net_io_counters(true, NULL, &io, &nio);
	if (err)
		return err;
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		err = -errno;
		goto free_io;
	}
	v = calloc(nio ? nio : 1, sizeof(*v));
	if (!v) {
		err = -ENOMEM;
		goto close_sock;
	}
	for (size_t i = 0; i < nio; i++) {
		err = if_stats_one(sock, io[i].name, &v[cnt]);
		if (err == -ENODEV || err == -ENXIO) {
			err = 0;
			continue;
		}
		if (err)
			goto free_v;
		cnt++;
	}
	*out = v;
	*n = cnt;
	v = NULL;
free_v:
	free(v);
close_sock:
	close(sock);
free_io:
	free(io);
	return err;
}
