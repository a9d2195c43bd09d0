// SPDX-License-Identifier: MIT
/* Verifier log parsing: maps "N: ..." lines back to the source that emitted insn N. */
#include "fmt.h"
#include "vlog.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* If line starts with "N: " returns N, else -1. */
static long insn_of_line(const char *s, const char *end)
{
	long n = 0;
	const char *q = s;

	while (q < end && isdigit((unsigned char)*q)) {
		n = n * 10 + (*q - '0');
		if (n > 10000000)
			return -1;
		q++;
	}
	if (q == s || q + 1 >= end || q[0] != ':' || q[1] != ' ')
		return -1;
	return n;
}

static const char *line_end(const char *s)
{
	const char *e = strchr(s, '\n');

	return e ? e : s + strlen(s);
}

static void put_line(FILE *out, const char *s, const char *e, const struct asm_prog *p)
{
	long n = insn_of_line(s, e);
	/* The ':' after N (insn_of_line saw "N: "). Only this line is looked at: a short state
	 * line must not take the next line's "(", nor each line search the rest of the log. */
	const char *colon = n >= 0 ? memchr(s, ':', (size_t)(e - s)) : NULL;

	ms_fprintf(out, "%.*s", (int)(e - s), s);
	/* Only instruction lines ("N: (op) ...") get a source; state lines ("N: R1=...") do not. */
	if (p && p->src && colon && (size_t)n < p->len && e - colon > 2 && colon[2] == '(' &&
	    p->src[n].file) {
		char at[256];

		asm_src_fmt(&p->src[n], at, sizeof(at));
		ms_fprintf(out, "  ; %s", at);
	}
	ms_fprintf(out, "\n");
}

void vlog_annotate(FILE *out, const char *log, const struct asm_prog *p)
{
	const char *s = log;

	while (s && *s) {
		const char *e = line_end(s);

		put_line(out, s, e, p);
		s = *e ? e + 1 : e;
	}
}

long vlog_last_insn(const char *log)
{
	const char *s = log;
	long last = -1;

	while (s && *s) {
		const char *e = line_end(s);
		long n = insn_of_line(s, e);

		if (n >= 0)
			last = n;
		s = *e ? e + 1 : e;
	}
	return last;
}

static int is_stats_line(const char *s, const char *e)
{
	static const char *const pre[] = {"processed ", "verification time", "stack depth", "Func#",
					  "max_states_per_insn"};
	size_t k;

	for (k = 0; k < sizeof(pre) / sizeof(pre[0]); k++)
		if ((size_t)(e - s) >= strlen(pre[k]) && !strncmp(s, pre[k], strlen(pre[k])))
			return 1;
	return 0;
}

void vlog_reason(const char *log, char *buf, size_t n)
{
	const char *s = log, *best = NULL, *best_end = NULL;
	size_t len;

	while (s && *s) {
		const char *e = line_end(s);

		if (e > s && !is_stats_line(s, e) && insn_of_line(s, e) < 0)
			best = s, best_end = e;
		s = *e ? e + 1 : e;
	}
	if (!n)
		return;
	if (!best) {
		ms_snprintf(buf, n, "no reason in the verifier log");
		return;
	}
	len = (size_t)(best_end - best);
	if (len >= n)
		len = n - 1;
	memcpy(buf, best, len);
	buf[len] = 0;
}

void vlog_tail(FILE *out, const char *log, const struct asm_prog *p, unsigned max_lines)
{
	const char *s = log + strlen(log);
	unsigned lines = 0;

	/* Walk back over max_lines line breaks (a trailing one does not count). */
	if (s > log && s[-1] == '\n')
		s--;
	while (s > log) {
		if (s[-1] == '\n' && ++lines == max_lines)
			break;
		s--;
	}
	vlog_annotate(out, s, p);
}
