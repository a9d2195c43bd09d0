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

#if defined(MINISNOOP_TINY) || defined(MINISNOOP_OWN_LIBC)
/* No stdio in the static builds (3 KB): a FILE * here names a file descriptor, and each
 * ms_fprintf() writes what it formats with write(), at once (nothing is left in a buffer at
 * exit or before a message on the other stream; stderr by line after ms_stderr_by_line()).
 * The host builds of the tests keep stdio. */
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
/* Standard error written a line at a time (each write to /dev/kmsg is a record of the log:
 * a message in one, not in pieces); a line longer than 1 KiB goes in pieces of that. */
void ms_stderr_by_line(void);

#endif
