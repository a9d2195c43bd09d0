/* SPDX-License-Identifier: MIT */
/*
 * A small POSIX extended regular expression matcher (byte semantics, C locale), to avoid
 * linking libc's regex. Boolean matching only, in time linear in the subject: the pattern
 * is compiled to an NFA program that is simulated one state set per input byte.
 *
 * Accepts what glibc's regcomp(REG_EXTENDED) accepts, including the GNU escapes
 * \w \W \s \S \b \B \< \> \` \', except for these, rejected with -EINVAL:
 * back-references (\1..\9: no linear-time algorithm), counts over 255 in {m,n}, programs
 * over 10000 states, groups nested over 100 deep, and glibc's \0 and \, inside {}.
 * '.' matches any byte but NUL, as in glibc. Where glibc's matcher has bugs we follow
 * POSIX (and musl): a newline is an ordinary byte for ^ and $, and anchors inside a group
 * repeated with + or {m,n} hold in every copy.
 */
#ifndef MINISNOOP_ERE_H
#define MINISNOOP_ERE_H

#include <stdbool.h>
#include <stddef.h>

struct ere; /* opaque, heap-allocated */

/* Compiles a POSIX ERE. 0, or -EINVAL with a one-line reason in err
 * (e.g. "unmatched ( at 3", 1-based), or -ENOMEM. */
int ere_compile(const char *pattern, struct ere **out, char *err, size_t errlen);
/* True when the pattern matches anywhere in s[0..n), which may hold any bytes. Does not
 * allocate; uses scratch space inside re, so one re must not be searched concurrently. */
bool ere_search(const struct ere *re, const char *s, size_t n);
void ere_free(struct ere *re);

#endif
