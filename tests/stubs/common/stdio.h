/* stdio.h stub for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_STDIO_H
#define STUB_STDIO_H
#include <stdarg.h>
#include <stddef.h>
typedef struct stub_FILE FILE;
int snprintf(char *buf, size_t len, const char *fmt, ...);
int vsnprintf(char *buf, size_t len, const char *fmt, va_list ap);
int printf(const char *fmt, ...);
int fprintf(FILE *f, const char *fmt, ...);
#endif
