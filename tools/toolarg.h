/* SPDX-License-Identifier: MIT */
/* What the bench tools (storm, startstop, progstats) share: reading a count argument. */
#ifndef MINISNOOP_TOOLARG_H
#define MINISNOOP_TOOLARG_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* s as a number from 1 to max, or a one-line error naming tool and what, and exit 2. */
static inline unsigned long tool_count(const char *tool, const char *s, const char *what,
				       unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < 1 || v > max) {
		fprintf(stderr, "%s: %s: '%s' is not a number from 1 to %lu\n", tool, what, s, max);
		exit(2);
	}
	return v;
}

#endif
