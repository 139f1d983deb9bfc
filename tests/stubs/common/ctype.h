/* ctype.h stub for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_CTYPE_H
#define STUB_CTYPE_H
int isdigit(int c);
int isspace(int c);
int isalpha(int c);
int isxdigit(int c);
int tolower(int c);
int toupper(int c);
#endif
