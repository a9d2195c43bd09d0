/* SPDX-License-Identifier: MIT */
/*
 * The printf family the program uses, a subset of C's (see src/fmt.c): its own, so that
 * the static binary carries no floating-point formatter or locale machinery.
 */
#ifndef MINISNOOP_FMT_H
#define MINISNOOP_FMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#ifdef MINISNOOP_TINY
/* No stdio in the tiny build (make tiny; 3 KB): a FILE * here names a file descriptor, and
 * ms_fprintf() writes to it with write(). */
#undef stdout
#undef stderr
#define stdout ((FILE *)1)
#define stderr ((FILE *)2)
#endif

#define MS_PRINTF(f, a) __attribute__((format(__printf__, f, a)))

int ms_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap) MS_PRINTF(3, 0);
int ms_snprintf(char *buf, size_t n, const char *fmt, ...) MS_PRINTF(3, 4);
int ms_fprintf(FILE *f, const char *fmt, ...) MS_PRINTF(2, 3);
int ms_printf(const char *fmt, ...) MS_PRINTF(1, 2);

#endif
