/* SPDX-License-Identifier: MIT */
/* tracefs: where it is, mounting it (one explicit step), event ids and field offsets. */
#ifndef MINISNOOP_TRACEFS_H
#define MINISNOOP_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>

/* The directory holding events/ when tracefs (or debugfs' tracing/) is mounted, else NULL.
 * Looks only: never mounts. */
const char *tracefs_dir(void);
/* Mounts tracefs at /sys/kernel/tracing (debugfs on old kernels) unless it is there already.
 * 0, or a negative errno: -EACCES when it is mounted but we may not look inside. */
int tracefs_mount(void);
/* Unmounts what tracefs_mount() mounted, if anything (attached programs stay attached). */
void tracefs_unmount(void);
/* Whether tracefs_mount() mounted it (for `check`'s report). */
bool tracefs_mounted_by_us(void);
/* Id of category/event, or a negative errno (-ENOENT: no such tracepoint or no tracefs). */
int tracefs_event_id(const char *category, const char *event);
/* Reads category/event's format file into buf (NUL terminated); its length or -errno. */
int tracefs_format(const char *category, const char *event, char *buf, size_t n);
/* Finds a field in a format file's text: 0 with its offset and size, -ENOENT, or -EINVAL. */
int tracefs_parse_field(const char *format, const char *field, int *offset, int *size);

#endif
