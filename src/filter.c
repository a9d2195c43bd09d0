// SPDX-License-Identifier: MIT
/* User-space filters, for what the kernel cannot decide cheaply (regular expressions). */
#include "filter.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int filter_set(struct filter *f, enum filter_kind kind, const char *pattern, char *err,
	       size_t errlen)
{
	regex_t *re = kind == FILTER_NAME ? &f->name_re : &f->line_re;
	bool *set = kind == FILTER_NAME ? &f->name_set : &f->line_set;
	regex_t fresh;
	int r = regcomp(&fresh, pattern, REG_EXTENDED | REG_NOSUB);

	if (r) {
		char why[128];

		regerror(r, &fresh, why, sizeof(why));
		snprintf(err, errlen, "bad regular expression '%s': %s", pattern, why);
		return -EINVAL;
	}
	if (*set)
		regfree(re);
	*re = fresh;
	*set = true;
	return 0;
}

/* regexec needs a C string; argument text is NUL separated, so join it with spaces. */
static bool line_match(const regex_t *re, const struct ev_view *v)
{
	char line[EV_TEXT_MAX + EV_MAX_ARGS_LIM + 2];
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
	line[len] = 0;
	return regexec(re, line, 0, NULL, 0) == 0;
}

bool filter_match(const struct filter *f, const struct ev_view *v)
{
	if (f->ppid_set && (uint32_t)f->ppid != v->hdr.ppid)
		return false;
	if (f->name_set) {
		char comm[EV_COMM_LEN + 1];

		memcpy(comm, v->hdr.comm, EV_COMM_LEN);
		comm[EV_COMM_LEN] = 0;
		if (regexec(&f->name_re, comm, 0, NULL, 0))
			return false;
	}
	return !f->line_set || line_match(&f->line_re, v);
}

void filter_free(struct filter *f)
{
	if (f->name_set)
		regfree(&f->name_re);
	if (f->line_set)
		regfree(&f->line_re);
	f->name_set = f->line_set = false;
}
