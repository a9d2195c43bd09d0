/* SPDX-License-Identifier: MIT */
/* Filters applied in user space: command and argument regexes, parent pid. */
#ifndef MINISNOOP_FILTER_H
#define MINISNOOP_FILTER_H

#include "container.h"
#include "ere.h"
#include "event.h"

#include <stdbool.h>
#include <sys/types.h>

struct filter {
	struct ere *name_re; /* -n: on comm, NULL when not set */
	struct ere *line_re; /* -l: on the argument line */
	bool ppid_set;
	pid_t ppid;		/* -P */
	struct ctr_filter *ctr; /* --container, --containers-only: NULL when not set */
};

enum filter_kind { FILTER_NAME, FILTER_LINE };

/* Sets the -n or -l pattern (a POSIX extended regex), replacing an earlier one of that kind
 * only; 0 or -EINVAL with err set. */
int filter_set(struct filter *f, enum filter_kind kind, const char *pattern, char *err,
	       size_t errlen);
/* True when the event passes every filter that is set. */
bool filter_match(const struct filter *f, const struct ev_view *v);
void filter_free(struct filter *f);

#endif
