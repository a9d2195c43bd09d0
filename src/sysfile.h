/* SPDX-License-Identifier: MIT */
/* Small files from /proc, /sys and tracefs, read whole into a caller's buffer. */
#ifndef MINISNOOP_SYSFILE_H
#define MINISNOOP_SYSFILE_H

#include <stddef.h>

/* Reads up to n - 1 bytes of path into buf and NUL-terminates it; the length or -errno. */
int read_small_file(const char *path, char *buf, size_t n);

#endif
