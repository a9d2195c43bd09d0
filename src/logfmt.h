/* SPDX-License-Identifier: MIT */
/*
 * The message sinks' encoders (--syslog, --journal, --kmsg; minisnoop.8, LOGGING): each event
 * becomes one line of the output buffer, as the sinks' batches are lines, and each line one
 * message on the way out (logsink.c).
 *
 * syslog and kmsg: "<PRI>Mmm dd hh:mm:ss minisnoop[PID]: " (RFC 3164, local time; kmsg: no
 * time, the kernel stamps it) then the event's text line or JSON object. A message longer than
 * the sink's msg_max is cut with the event's own rule: environment strings, then arguments from
 * the end, then the longest path are left out or cut on a character boundary, and the event
 * says so (" ..." in text, "truncated":true in JSON), so JSON stays valid JSON.
 *
 * journal: journald's native entry (KEY=value lines, or KEY, a 64-bit little-endian length and
 * the bytes for a value with a control byte), byte-stuffed so that it holds no '\n' but its
 * end: 0x0a as 0x01 0x02, 0x01 as 0x01 0x01 (logfmt_unstuff undoes it).
 */
#ifndef MINISNOOP_LOGFMT_H
#define MINISNOOP_LOGFMT_H

#include "output.h"
#include "sink.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* authpriv: command lines may hold secrets; syslog daemons keep authpriv root-only (Debian's
 * /var/log/auth.log, RHEL's /var/log/secure), as snoopy does for the same reason. */
#define LOGFMT_FACILITY_DEF 10
#define LOGFMT_INFO	    6
#define LOGFMT_NOTICE	    5

/* A facility name (user, daemon, auth, authpriv, local0..local7) or -1. */
int logfmt_facility(const char *name);

/* "<PRI>Mmm dd hh:mm:ss minisnoop[PID]: " (kmsg: "<PRI>minisnoop[PID]: ") into d (64 bytes);
 * its length. tm NULL: the time now. */
size_t logfmt_head(char *d, unsigned pri, const struct tm *tm, uint32_t pid, bool kmsg);

/* One event as k's message line (k->proto), appended to o. v may be cut to fit (syslog,
 * kmsg); k->cut counts the events cut, k->dropped one that could not be made to fit. */
void logfmt_event(struct outbuf *o, const struct out_opts *opt, struct sink *k, struct ev_view *v);
/* The plain line at o->buf[start..o->len) (a note of ours: "... dropped by --rate") made k's
 * message, with priority notice and MINISNOOP_EVENT=note. */
void logfmt_note(struct outbuf *o, struct sink *k, size_t start);

/* A journal field (name without "MINISNOOP_" when own): KEY=value\n, or the binary form when
 * the value has a control byte. Returns the end; d has room for LOGFMT_FIELD_ROOM. */
#define LOGFMT_FIELD_ROOM(name_len, n) ((name_len) + 10 + 2 + 8 + (n))
char *logfmt_field(char *d, const char *name, bool own, const char *s, size_t n);

/* Byte stuffing (above): d has room for 2n; the length written. */
size_t logfmt_stuff(char *d, const char *s, size_t n);
/* The reverse, in place is fine (d <= s); the length, or (size_t)-1 for a bad escape. */
size_t logfmt_unstuff(char *d, const char *s, size_t n);

/* Cuts v by at least `excess` bytes of its strings (env, args from the end, the longest path),
 * on character boundaries, marking it cut; false when nothing is left to cut. */
bool logfmt_shrink(struct ev_view *v, size_t excess);

#endif
