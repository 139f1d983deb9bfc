// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_addrs.c: --laddr, --raddr and --resolve for the probes (probe/probe_addrs.h). The
 * source address is checked by binding a UDP socket to it (nothing is sent): an address this
 * host does not have is a usage error before any run, not a failed probe. libcurl gets it as
 * CURLOPT_INTERFACE "host!ADDR", and --raddr as an open-socket callback that declines an
 * address outside the set, so libcurl moves on to the name's next address or fails.
 */
#include "probe/probe_addrs.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "core/wallclock.h"
#include "net/net_resolve.h"

int probe_addrs__set(struct probe_addrs *pa, int id, const char *arg)
{
	return addr_sel__set(&pa->sel, id, arg);
}

/* Whether this host can send from a (a bind() of a UDP socket succeeds). */
static bool src_is_local(const uint8_t a[16], bool v4)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd, ok;

	if (v4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a + 12, 4);
		len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, a, 16);
		len = sizeof(*s6);
	}
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	ok = !bind(fd, (struct sockaddr *)&ss, len);
	close(fd);
	return ok;
}

int probe_addrs__check(struct probe_addrs *pa, const struct cli_cmd *cmd)
{
	const struct addrset *l = &pa->sel.laddr;
	const struct addr_prefix *p = &l->v[0];

	if (addr_sel__check(&pa->sel, cmd))
		return -EINVAL;
	if (!l->n)
		return 0;
	if (l->n > 1 || p->exclude || p->prefixlen != 128) {
		cli_error(cmd, "--laddr: a probe sends from one address (as curl --interface), "
			       "not a set or a network");
		return -EINVAL;
	}
	pa->src_v4 = p->v4;
	memcpy(pa->src128, p->addr, 16);
	if (p->v4)
		inet_ntop(AF_INET, p->addr + 12, pa->src, sizeof(pa->src));
	else
		inet_ntop(AF_INET6, p->addr, pa->src, sizeof(pa->src));
	if (!src_is_local(pa->src128, pa->src_v4)) {
		cli_error(cmd, "--laddr: %s is not an address of this host (%s)", pa->src,
			  strerror(errno));
		return -EINVAL;
	}
	return 0;
}

void probe_addrs__start(struct probe_addrs *pa, const char *cmd)
{
	if (!pa->sel.resolve)
		return;
	pa->res = resolver__new(pa->sel.resolve_timeout_ns, 0);
	if (!pa->res)
		pr_warn("%s: --resolve: %s: names are null", cmd, strerror(errno));
}

bool probe_addrs__allows(const struct probe_addrs *pa, const char *ip)
{
	return addrset__match_text(&pa->sel.raddr, ip);
}

bool probe_addrs__name(struct probe_addrs *pa, const char *ip, char *buf, size_t len)
{
	uint64_t timeout =
		pa->sel.resolve_timeout_ns ? pa->sel.resolve_timeout_ns : RESOLVE_TIMEOUT_DEFAULT;
	uint8_t a[16];
	bool v4;
	int rc;

	buf[0] = '\0';
	if (!pa->res || !ip || addr_parse(ip, a, &v4))
		return false;
	rc = resolver__name(pa->res, a, buf, len);
	if (rc == 0) { /* asked just now: the run is over, so waiting costs no timing */
		resolver__settle(pa->res, mono_now_ns() + timeout);
		rc = resolver__name(pa->res, a, buf, len);
	}
	if (rc != 1)
		buf[0] = '\0';
	return rc == 1;
}

void probe_addrs__free(struct probe_addrs *pa)
{
	resolver__free(pa->res);
	pa->res = NULL;
}

static curl_socket_t open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *sa)
{
	struct probe_curl_addrs *ca = clientp;
	char ip[PROBE_ADDR_LEN] = "";

	if (purpose == CURLSOCKTYPE_IPCXN && sa->family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&sa->addr)->sin_addr, ip, sizeof(ip));
	else if (purpose == CURLSOCKTYPE_IPCXN && sa->family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa->addr)->sin6_addr, ip, sizeof(ip));
	if (ip[0] && !probe_addrs__allows(ca->pa, ip)) {
		if (!ca->refused[0])
			snprintf(ca->refused, sizeof(ca->refused), "%s", ip);
		return CURL_SOCKET_BAD;
	}
	return socket(sa->family, sa->socktype | SOCK_CLOEXEC, sa->protocol);
}

int probe_curl_addrs__apply(struct probe_curl_addrs *ca, void *h)
{
	char iface[PROBE_ADDR_LEN + 8];
	CURLcode rc = CURLE_OK;

	ca->refused[0] = '\0';
	if (!ca->pa)
		return 0;
	if (ca->pa->src[0]) {
		snprintf(iface, sizeof(iface), "host!%s", ca->pa->src);
		rc |= curl_easy_setopt(h, CURLOPT_INTERFACE, iface);
		/* the source's family: a v4 source cannot reach a v6 address, nor the reverse */
		rc |= curl_easy_setopt(h, CURLOPT_IPRESOLVE,
				       ca->pa->src_v4 ? CURL_IPRESOLVE_V4 : CURL_IPRESOLVE_V6);
	}
	if (!addrset__is_empty(&ca->pa->sel.raddr)) {
		rc |= curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
		rc |= curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, ca);
	}
	return rc ? -EINVAL : 0;
}

bool probe_curl_addrs__explain(const struct probe_curl_addrs *ca, char *buf, size_t len)
{
	if (!ca->refused[0])
		return false;
	snprintf(buf, len, "%s is outside --raddr: not probed", ca->refused);
	return true;
}
