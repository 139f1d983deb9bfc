// SPDX-License-Identifier: BSD-2-Clause
/*
 * if_addrs.c - psutil.net_if_addrs() for the BSD family through getifaddrs(3): IPv4 and IPv6
 * addresses with their netmask and broadcast or point-to-point peer (inet_ntop), and each
 * interface's MAC from its AF_LINK entry (struct sockaddr_dl, decoded by fb__sdl_mac()) as
 * FB_AF_LINK.  Entries of one NIC stay adjacent, in the order the kernel lists them.
 */
#include "sysctl_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int ntop(const struct sockaddr *sa, char *buf, size_t len)
{
	const void *a;

	if (!sa)
		return -ENOENT;
	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	else
		return -ENOENT;
	return inet_ntop(sa->sa_family, a, buf, (socklen_t)len) ? 0 : -errno;
}

int fb_net_if_addrs(struct fb_if_addr **out, size_t *n)
{
	struct ifaddrs *all, *ifa;
	struct fb_if_addr *v = NULL;
	size_t cap = 0, cnt = 0;
	int err = 0;

	*out = NULL;
	*n = 0;
	if (getifaddrs(&all))
		return -errno;
	for (ifa = all; ifa && !err; ifa = ifa->ifa_next) {
		struct fb_if_addr e = { 0 };
		int fam = ifa->ifa_addr ? ifa->ifa_addr->sa_family : -1;

		fb__copy(e.name, sizeof(e.name), ifa->ifa_name);
		if (fam == AF_LINK) {
			if (fb__sdl_mac(ifa->ifa_addr, ifa->ifa_addr->sa_len, e.address,
					sizeof(e.address)))
				continue;
			e.family = FB_AF_LINK;
		} else if (fam == AF_INET || fam == AF_INET6) {
			if (ntop(ifa->ifa_addr, e.address, sizeof(e.address)))
				continue;
			e.family = fam;
			if (!ntop(ifa->ifa_netmask, e.netmask, sizeof(e.netmask)))
				e.valid |= FB_IFA_NETMASK;
			if ((ifa->ifa_flags & IFF_POINTOPOINT) &&
			    !ntop(ifa->ifa_dstaddr, e.ptp, sizeof(e.ptp)))
				e.valid |= FB_IFA_PTP;
			else if ((ifa->ifa_flags & IFF_BROADCAST) &&
				 !ntop(ifa->ifa_dstaddr, e.broadcast, sizeof(e.broadcast)))
				e.valid |= FB_IFA_BROADCAST;
		} else {
			continue;
		}
		err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
		if (!err)
			v[cnt++] = e;
	}
	freeifaddrs(all);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*n = cnt;
	return 0;
}
