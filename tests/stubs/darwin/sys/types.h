/* sys/types.h stub (darwin, LP64) for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_SYS_TYPES_H
#define STUB_SYS_TYPES_H
#include <stddef.h>
#include <stdint.h>
typedef int pid_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned int id_t;
typedef long ssize_t;
typedef long long off_t;
typedef long time_t;
typedef int suseconds_t;
typedef int dev_t;
typedef unsigned short mode_t;
typedef unsigned char u_char;
typedef unsigned short u_short;
typedef unsigned int u_int;
typedef unsigned long u_long;
#endif
