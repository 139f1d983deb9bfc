/* arpa/inet.h stub (freebsd) for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_ARPA_INET_H
#define STUB_ARPA_INET_H
#include <netinet/in.h>
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
#endif
