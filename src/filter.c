// SPDX-License-Identifier: MIT
/* User-space filters, for what the kernel cannot decide cheaply (regular expressions). */
#include "fmt.h"
#include "filter.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int filter_set(struct filter *f, enum filter_kind kind, const char *pattern, char *err,
	       size_t errlen)
{
	struct ere **re = kind == FILTER_NAME ? &f->name_re : &f->line_re;
	struct ere *fresh;
	char why[128];
	int r = ere_compile(pattern, &fresh, why, sizeof(why));

	if (r) {
		ms_snprintf(err, errlen, "bad regular expression '%s': %s", pattern,
			    r == -ENOMEM ? "out of memory" : why);
		return r;
	}
	ere_free(*re);
	*re = fresh;
	return 0;
}

/* Arguments are matched as one line, joined with spaces, as they are shown. */
static bool line_match(const struct ere *re, const struct ev_view *v)
{
	char line[EV_ARGS_MAX + EV_MAX_ARGS_LIM + 2];
	size_t len = 0, k;

	for (k = 0; k < v->argc; k++) {
		size_t n = v->arg_len[k];

		if (len + n + 1 >= sizeof(line))
			n = sizeof(line) - len - 2;
		if (k)
			line[len++] = ' ';
		memcpy(line + len, v->args[k], n);
		len += n;
	}
	return ere_search(re, line, len);
}

bool filter_match(const struct filter *f, const struct ev_view *v)
{
	if (f->ppid_set && (uint32_t)f->ppid != v->hdr.ppid)
		return false;
#ifndef MINISNOOP_TINY /* no --container there */
	/* the kernel let through the execs of cgroups made since the start: decided here */
	if (f->ctr && f->ctr->on &&
	    (!(v->have & (1u << CTX_CGROUP)) ||
	     !ctr_filter_match(f->ctr, v->hdr.cgroup, v->cgroup_path ? v->cgroup : NULL,
			       v->cgroup_len)))
		return false;
#endif
	if (f->name_re && !ere_search(f->name_re, v->hdr.comm, strnlen(v->hdr.comm, EV_COMM_LEN)))
		return false;
	return !f->line_re || line_match(f->line_re, v);
}

void filter_free(struct filter *f)
{
	ere_free(f->name_re);
	ere_free(f->line_re);
	f->name_re = f->line_re = NULL;
}
