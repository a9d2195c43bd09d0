/* SPDX-License-Identifier: MIT */
/* tracefs: where it is, mounting it privately (one explicit step), event ids and field offsets. */
#ifndef MINISNOOP_TRACEFS_H
#define MINISNOOP_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Where tracefs is read from: one owner of it, here. tracefs_open() makes it readable: the
 * one mounted already (at /sys/kernel/tracing, or debugfs' /sys/kernel/debug/tracing), else
 * a mount of our own that no other process sees or can unmount, and that is never in our
 * namespace either. The lookups below read through it until tracefs_close(), which lets it
 * go (ours goes with it). Nothing here ever unmounts anything.
 */
/* The directory holding events/ (of the one open, else of one already mounted), or NULL.
 * Never mounts. */
const char *tracefs_dir(void);
/* 0, or a negative errno: -EACCES when it is mounted but we may not look inside. */
int tracefs_open(void);
void tracefs_close(void);
/* Whether tracefs_open() had to mount it (for `check`'s report). */
bool tracefs_own_mount(void);
/* Id of category/event, or a negative errno (-ENOENT: no such tracepoint or no tracefs). */
int tracefs_event_id(const char *category, const char *event);
/* The id a format file's text gives on its "ID: N" line (as the id file does, for one read
 * fewer), -ENOENT without one, or -EINVAL. */
int tracefs_parse_id(const char *format);
/* Reads category/event's format file into buf (NUL terminated); its length or -errno. */
int tracefs_format(const char *category, const char *event, char *buf, size_t n);
/* Finds a field in a format file's text: 0 with its offset and size, -ENOENT, or -EINVAL. */
int tracefs_parse_field(const char *format, const char *field, int *offset, int *size);

#endif
