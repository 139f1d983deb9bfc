/* sys/socket.h stub (freebsd) for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_SYS_SOCKET_H
#define STUB_SYS_SOCKET_H
#include <sys/types.h>
typedef unsigned char sa_family_t;
typedef unsigned int socklen_t;
/* BSD sockaddr: a length byte before the family */
struct sockaddr {
	unsigned char sa_len;
	sa_family_t sa_family;
	char sa_data[14];
};
#define AF_UNIX 1
#define AF_INET 2
#define AF_LINK 18
#define AF_INET6 28
#define PF_ROUTE 17
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_SEQPACKET 5
#endif
