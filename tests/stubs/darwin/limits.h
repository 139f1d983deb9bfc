/* limits.h stub (darwin) for the BSD/macOS compile check (tests/stubs/README.md): clang's own
 * limits.h plus the POSIX path limit. */
#ifndef STUB_LIMITS_H
#define STUB_LIMITS_H
#include_next <limits.h>
#define PATH_MAX 1024
#endif
