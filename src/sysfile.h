/* SPDX-License-Identifier: MIT */
/* Small files from /proc, /sys and tracefs, read whole into a caller's buffer. */
#ifndef MINISNOOP_SYSFILE_H
#define MINISNOOP_SYSFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads up to n - 1 bytes of path into buf and NUL-terminates it; the length or -errno. */
int read_small_file(const char *path, char *buf, size_t n);
/* The same, path relative to the directory fd dir (AT_FDCWD: the working directory). */
int read_small_file_at(int dir, const char *path, char *buf, size_t n);

/* An unsigned number in base 10 or 16 after optional blanks, like strtoull without signs
 * or prefixes (libc's brings a 1.5 KB scanner); *end after its digits (s when none),
 * *overflow when it does not fit (the value is then UINT64_MAX). */
uint64_t scan_u64(const char *s, char **end, unsigned base, bool *overflow);

/* The first needle in hay, or NULL: strstr for short texts (libc's is 1.3 KB). */
char *str_find(const char *hay, const char *needle);
/* The page size, from the auxiliary vector (sysconf is 1 KB of tables). */
size_t page_size(void);

#endif
