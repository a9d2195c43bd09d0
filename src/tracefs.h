/* SPDX-License-Identifier: MIT */
/* tracefs: where it is (mounting it when it is not), event ids and field offsets. */
#ifndef MINISNOOP_TRACEFS_H
#define MINISNOOP_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>

/* Finds tracefs, mounting it at /sys/kernel/tracing (or debugfs) when allowed.
 * Returns the directory holding events/, or NULL with *err a negative errno. */
const char *tracefs_find(bool mount_it, int *err);
/* Whether tracefs_find() mounted it (for `check`'s report). */
bool tracefs_mounted_by_us(void);
/* Id of category/event, or a negative errno (-ENOENT: no such tracepoint). */
int tracefs_event_id(const char *category, const char *event);
/* Reads category/event's format file into buf (NUL terminated); its length or -errno. */
int tracefs_format(const char *category, const char *event, char *buf, size_t n);
/* Same, parsing a format file's text (for tests). */
int tracefs_parse_field(const char *format, const char *field, int *offset, int *size);

#endif
