/* netinet/in.h stub (darwin) for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_NETINET_IN_H
#define STUB_NETINET_IN_H
#include <sys/socket.h>
typedef unsigned short in_port_t;
struct in_addr {
	unsigned int s_addr;
};
struct sockaddr_in {
	unsigned char sin_len;
	sa_family_t sin_family;
	in_port_t sin_port;
	struct in_addr sin_addr;
	char sin_zero[8];
};
struct in6_addr {
	unsigned char s6_addr[16];
};
struct sockaddr_in6 {
	unsigned char sin6_len;
	sa_family_t sin6_family;
	in_port_t sin6_port;
	unsigned int sin6_flowinfo;
	struct in6_addr sin6_addr;
	unsigned int sin6_scope_id;
};
#endif
