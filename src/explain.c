// SPDX-License-Identifier: MIT
/*
 * minisnoop explain: a verifier log from anything (the kernel's own text, libbpf's or bpftool's
 * framing, minisnoop's, dmesg-pasted lines) read in one pass, and said in plain words: the
 * failing instruction, the verifier's message with what it means and the usual fix, the state
 * before it, the branches that led there, and the statistics. Untrusted text: every line is
 * cut to LINE_MAX_, every copy bounded, no allocation but the input.
 */
#include "explain.h"
#include "fmt.h"
#include "unpack.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef MINISNOOP_TINY

#define LINE_MAX_ 1024

/* The rows of the verifier's messages (src/texts.h, packed): pattern, meaning and fix each. */
#define NROWS 64
static const char *rows[NROWS];

/* The row's first string, or NULL past the last: the table is unpacked the first time. */
static const char *row_at(size_t k)
{
	if (!rows[0]) {
		const char *s = pk_text(PK_EXPLAIN);

		for (size_t n = 0; n < NROWS && *s; n++) {
			rows[n] = s;
			for (int i = 0; i < 3; i++)
				s += strlen(s) + 1;
		}
	}
	return k < NROWS ? rows[k] : NULL;
}

const char *explain_row(int row, const char **what, const char **fix)
{
	const char *r = row >= 0 ? row_at((size_t)row) : NULL;

	if (!r)
		return NULL;
	*what = r + strlen(r) + 1;
	*fix = *what + strlen(*what) + 1;
	return r;
}

/* Whether s starts with pattern p (ends at '|' or NUL); %d a number, %s a word. */
static bool match(const char *p, const char *s)
{
	for (;;) {
		if (!*p || *p == '|')
			return true;
		if (p[0] == '%' && p[1] == 'd') {
			s += *s == '-';
			if (!isdigit((unsigned char)*s))
				return false;
			while (isdigit((unsigned char)*s))
				s++;
			p += 2;
		} else if (p[0] == '%' && p[1] == 's') {
			/* a word: backtracking stays inside one */
			for (const char *t = s;; t++) {
				if (match(p + 2, t))
					return true;
				if (!*t || *t == ' ')
					return false;
			}
		} else if (*p++ != *s++) {
			return false;
		}
	}
}

static int find_row(const char *s)
{
	for (size_t k = 0; row_at(k); k++)
		for (const char *p = rows[k]; p; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL)
			if (match(p, s))
				return (int)k;
	return -1;
}

static bool starts(const char *s, const char *pre)
{
	return !strncmp(s, pre, strlen(pre));
}

/* Bounded copy of a piece of a line (pieces are cut, never overrun). */
static void put_str(char *d, size_t n, const char *s, size_t len)
{
	if (len >= n)
		len = n - 1;
	memcpy(d, s, len);
	d[len] = 0;
}

/* "N" at s followed by sep; returns the number (bounded) and moves *s past sep, or -1. */
static long number(const char **s, const char *sep)
{
	const char *q = *s;
	long n = 0;

	if (!isdigit((unsigned char)*q))
		return -1;
	for (; isdigit((unsigned char)*q); q++)
		if ((n = n * 10 + (*q - '0')) > 100000000)
			return -1;
	if (!starts(q, sep))
		return -1;
	*s = q + strlen(sep);
	return n;
}

/* The parser's state while reading; what the failure saw is copied into the result. */
struct live {
	struct explain *x;
	bool began, in_log; /* libbpf's BEGIN/END framing */
	bool found;	    /* a message of the table was seen */
	bool vlog;	    /* instruction, state or statistics lines were seen */
	char cand[256];	    /* the last line no rule knew (the reason when no row matched) */
	long cand_insn;
};

static void set_reg(struct explain *x, const char *name, size_t nl, const char *val, size_t vl)
{
	unsigned k;
	size_t base = nl;

	/* R1_w and R1 are one register: the "_w" (written) mark is kept in the value's name */
	if (nl > 2 && !memcmp(name + nl - 2, "_w", 2))
		base = nl - 2;
	for (k = 0; k < x->nregs; k++) {
		const char *have = x->regs[k][0];
		size_t hl = strlen(have);

		if (hl >= 2 && !strcmp(have + hl - 2, "_w"))
			hl -= 2;
		if (hl == base && !memcmp(have, name, base))
			break;
	}
	if (k == x->nregs) {
		if (x->nregs == EX_REGS)
			return;
		x->nregs++;
	}
	put_str(x->regs[k][0], sizeof(x->regs[k][0]), name, nl);
	put_str(x->regs[k][1], sizeof(x->regs[k][1]), val, vl);
}

/* "R1=ctx() R10=fp0 fp-8=mmmmmmmm": each NAME=VALUE into the state (values have no spaces;
 * parenthesized ones may, and are kept whole). */
static void read_state(struct explain *x, const char *s, bool replace, long at, bool after)
{
	if (replace)
		x->nregs = 0;
	x->state_at = at;
	x->state_after = after;
	while (*s) {
		const char *name, *eq, *v;
		int depth = 0;

		while (*s == ' ')
			s++;
		name = s;
		while (*s && *s != ' ' && *s != '=')
			s++;
		if (*s != '=') {
			while (*s && *s != ' ')
				s++;
			continue;
		}
		eq = s++;
		v = s;
		for (; *s && (depth || *s != ' '); s++)
			depth += *s == '(' ? 1 : *s == ')' ? (depth > 0 ? -1 : 0) : 0;
		if (eq > name)
			set_reg(x, name, (size_t)(eq - name), v, (size_t)(s - v));
	}
}

static void stat_after(struct explain *x, const char *s, const char *key, enum ex_stat k)
{
	const char *at = strstr(s, key);
	long long v = 0;

	if (!at)
		return;
	at += strlen(key);
	while (*at == ' ' || *at == '(')
		at++;
	if (!isdigit((unsigned char)*at))
		return;
	for (; isdigit((unsigned char)*at) && v < 1000000000000LL; at++)
		v = v * 10 + (*at - '0');
	x->stat[k] = v;
	x->have |= 1u << k;
}

static bool read_stats(struct explain *x, const char *s)
{
	static const char *const keys[] = {"processed",	   "limit",	  "max_states_per_insn",
					   "total_states", "peak_states", "mark_read"};
	const char *d;

	if (starts(s, "processed ") || starts(s, "max_states_per_insn")) {
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			stat_after(x, s, keys[k], (enum ex_stat)k);
		/* Before 5.2: "processed N insns (limit N), stack depth N" on one line */
		if ((d = strstr(s, "stack depth ")))
			s = d;
		else
			return true;
	}
	if (starts(s, "stack depth ")) {
		long long sum = 0, v = 0;

		put_str(x->stack, sizeof(x->stack), s + 12, strcspn(s + 12, " "));
		for (d = x->stack;; d++) {
			if (isdigit((unsigned char)*d)) {
				if (v < 100000000)
					v = v * 10 + (*d - '0');
				continue;
			}
			sum += v, v = 0;
			if (*d != '+')
				break;
		}
		x->stat[EX_STACK] = sum;
		x->have |= 1u << EX_STACK;
		return true;
	}
	if (starts(s, "verification time ")) {
		stat_after(x, s, "verification time", EX_TIME_US);
		return true;
	}
	return false;
}

/* Lines of the verifier's own that say nothing about the failure (level 2 and friends). */
static bool noise(const char *s)
{
	static const char *const pre[] = {
	    "func#",	     "Func#",	    "Validating", "mark_precise", "last_idx", "regs=",
	    "parent ",	     "propagating", "Live regs",  "Global func",  "caller:",  "callee:",
	    "returning ",    "to caller",   "frame0",	  "frame1",	  "frame2",   "safe",
	    "arg#",	     "insn ",	    "reg type ",  "btf_vmlinux",  "prog ",    "stack ",
	    "loop ",	     "...",	    "Func ",	  "static ",	  "inline ",  "sub prog",
	    "(verifier log", "  ",	    "cur state",  "old state"};

	for (size_t k = 0; k < sizeof(pre) / sizeof(pre[0]); k++)
		if (starts(s, pre[k]))
			return true;
	return false;
}

static void reset(struct live *l)
{
	struct explain *x = l->x;
	unsigned lines = x->lines;
	const char *framing = x->framing;
	char prog[sizeof(x->prog)], loader[sizeof(x->loader)];

	memcpy(prog, x->prog, sizeof(prog));
	memcpy(loader, x->loader, sizeof(loader));
	memset(x, 0, sizeof(*x));
	x->insn = x->state_at = x->last_jmp = -1;
	x->row = -1;
	x->lines = lines;
	memcpy(x->prog, prog, sizeof(prog));
	memcpy(x->loader, loader, sizeof(loader));
	x->framing = framing == loader ? x->loader : framing;
	l->found = false;
	l->cand[0] = 0;
	l->cand_insn = -1;
}

/* The length of a BPF loader library's prefix ("NAMEbpf: ", libbpf's for one), else 0: no
 * verifier line starts with a lowercase word ending in "bpf" and a colon. */
static size_t loader_prefix(const char *s)
{
	size_t n = 0;

	while (n < 15 &&
	       ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
		n++;
	return n > 3 && !strncmp(s + n - 3, "bpf: ", 5) ? n : 0;
}

/* A loader's own line (libbpf's "…bpf: ...", "minisnoop: ..."); true when it was one. */
static bool framing_line(struct live *l, const char *s)
{
	struct explain *x = l->x;
	const char *q;
	size_t n = loader_prefix(s);

	if (n) {
		put_str(x->loader, sizeof(x->loader), s, n);
		x->framing = x->loader;
		s += n + 2;
		if (strstr(s, "BEGIN PROG LOAD LOG") || strstr(s, "BEGIN DUMP LOG")) {
			reset(l);
			l->began = l->in_log = true;
		} else if (strstr(s, "END LOG") || strstr(s, "END PROG LOAD LOG")) {
			l->in_log = false;
		} else if (starts(s, "prog '") && (q = strstr(s + 6, "': "))) {
			put_str(x->prog, sizeof(x->prog), s + 6, (size_t)(q - s - 6));
			if (strstr(q, "load failed"))
				put_str(x->load_err, sizeof(x->load_err), q + 3, strlen(q + 3));
		} else if (strstr(s, "load bpf program failed")) {
			put_str(x->load_err, sizeof(x->load_err), s, strlen(s));
		}
		return true;
	}
	if (starts(s, "Kernel error log:")) {
		x->framing = "bpftrace";
		return true;
	}
	if (starts(s, "-- END PROG LOAD LOG --")) {
		l->in_log = false;
		return true;
	}
	if (starts(s, "=== ") && (q = strstr(s + 4, ": verifier log"))) {
		x->framing = "minisnoop";
		reset(l);
		put_str(x->prog, sizeof(x->prog), s + 4, (size_t)(q - s - 4));
		return true;
	}
	if (starts(s, "minisnoop: ")) {
		x->framing = "minisnoop";
		if (strstr(s, "rejected") || strstr(s, "loading '"))
			put_str(x->load_err, sizeof(x->load_err), s + 11, strlen(s + 11));
		return true;
	}
	return starts(s, "Error:") || starts(s, "ERROR:") || starts(s, "Warning:") ||
	       starts(s, "WARNING:") || starts(s, "===");
}

/* Drops what dmesg and minisnoop's annotation add around a line. */
static char *unwrap(struct live *l, char *s)
{
	char *c;

	if (s[0] == '<' && isdigit((unsigned char)s[1]) && (c = strchr(s, '>')) && c - s < 5)
		s = c + 1;
	if (s[0] == '[' && (c = strchr(s, ']')) && c - s < 24 &&
	    strspn(s + 1, " 0123456789.") == (size_t)(c - s - 1)) {
		if (!l->x->framing || !strcmp(l->x->framing, "kernel"))
			l->x->framing = "dmesg";
		s = c + 1 + (c[1] == ' ');
	}
	/* journalctl -k: "Dec 06 03:00:00 host kernel: ..." */
	if ((c = strstr(s, " kernel: ")) && c - s < 64) {
		l->x->framing = "dmesg";
		s = c + 9;
	}
	/* minisnoop's "  ; file:line" after an instruction: a comment with no NAME=VALUE */
	if (isdigit((unsigned char)*s) && (c = strstr(s, "  ; ")) && !strchr(c, '=')) {
		while (c > s && c[-1] == ' ')
			c--;
		*c = 0;
	}
	return s;
}

static void add_branch(struct explain *x, long from, long to, char kind)
{
	unsigned k = x->nfrom % EX_PATH;

	x->from[k][0] = from;
	x->from[k][1] = to;
	x->kind[k] = kind;
	if (x->nfrom < 1000000000)
		x->nfrom++;
}

static void add_trail(struct explain *x, long n)
{
	x->trail[x->ntrail % EX_TRAIL] = n;
	if (x->ntrail < 1000000000)
		x->ntrail++;
}

static void line(struct live *l, char *s)
{
	struct explain *x = l->x;
	const char *q = s;
	long n, m;
	int row;

	s = unwrap(l, s);
	if (framing_line(l, s) || (l->began && !l->in_log) || !*s)
		return;
	q = s;
	if (starts(s, "from ") && (q = s + 5, (n = number(&q, " to ")) >= 0) &&
	    (m = number(&q, ":")) >= 0) {
		add_branch(x, n, m, 'p');
		x->popped = true;
		x->ntrail = 0;
		x->last_jmp = -1;
		read_state(x, q, true, m, false);
		return;
	}
	q = s;
	if ((n = number(&q, ": ")) >= 0) {
		char *semi;

		l->vlog = true;
		if (*q == '(') {
			const char *g = strstr(q, " goto pc");

			/* the insn after a conditional jump says which way it went */
			if (x->last_jmp >= 0)
				add_branch(x, x->last_jmp, n, n == x->last_jmp + 1 ? 'f' : 't');
			x->last_jmp = g && strstr(q, ") if ") ? n : -1;
			x->insn = n;
			add_trail(x, n);
			semi = strstr(q, " ; ");
			/* 6.x: the target's state on the jump's line, "goto pc+2 4: R1=..." */
			if (g && !semi && (g = strchr(g + 8, ' '))) {
				const char *t = g + 1;
				long to = number(&t, ": ");

				if (to >= 0) {
					put_str(x->insn_text, sizeof(x->insn_text), q,
						(size_t)(g - q));
					x->insn = n;
					read_state(x, t, true, to, false);
					return;
				}
			}
			put_str(x->insn_text, sizeof(x->insn_text), q,
				semi ? (size_t)(semi - q) : strlen(q));
			for (char *e = x->insn_text + strlen(x->insn_text);
			     e > x->insn_text && e[-1] == ' ';)
				*--e = 0;
			if (semi)
				read_state(x, semi + 3, false, n, true);
		} else if (*q == 'R' || starts(q, "fp") || starts(q, "frame")) {
			read_state(x, q, true, n, false);
		}
		l->vlog = true;
		return;
	}
	/* 5.x: the fall-through state after a conditional jump, " R1=..." */
	if (s[0] == ' ' && s[1] == 'R') {
		read_state(x, s, true, x->insn, true);
		return;
	}
	if (s[0] == ';') {
		put_str(x->source, sizeof(x->source), s + 1 + (s[1] == ' '), strlen(s));
		return;
	}
	if (read_stats(x, s)) {
		l->vlog = true;
		return;
	}
	if (noise(s))
		return;
	row = find_row(s);
	if (row >= 0) {
		l->found = true;
		x->row = row;
		put_str(x->reason, sizeof(x->reason), s, strlen(s));
		x->verdict = -1;
		return;
	}
	put_str(l->cand, sizeof(l->cand), s, strlen(s));
	l->cand_insn = x->insn;
}

/* A message with no instruction line before it names its instruction ("... insn 5 ..."). */
static void insn_from_reason(struct explain *x)
{
	const char *s = strstr(x->reason, "insn ");

	if (x->insn >= 0 || !s)
		return;
	s += 5;
	x->insn = number(&s, "");
	x->insn_text[0] = 0;
}

void explain_parse(const char *text, size_t n, struct explain *x)
{
	struct live l = {.x = x};
	char buf[LINE_MAX_] = ""; /* all of it initialized, for the analyzer */
	size_t i = 0;

	memset(x, 0, sizeof(*x));
	x->framing = "kernel";
	reset(&l);
	if (n > EXPLAIN_MAX)
		n = EXPLAIN_MAX, x->truncated = true;
	while (i < n) {
		const char *e = memchr(text + i, '\n', n - i);
		size_t len = (e ? (size_t)(e - text) : n) - i, k, o = 0;

		/* printable ASCII only: what is shown of an untrusted log cannot drive a terminal
		 */
		for (k = 0; k < len && o < sizeof(buf) - 1; k++) {
			unsigned char c = (unsigned char)text[i + k];

			buf[o++] = c == '\t' ? ' ' : (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
		}
		while (o && buf[o - 1] == ' ')
			o--;
		buf[o] = 0;
		line(&l, buf);
		x->lines += x->lines < 0xffffffffu;
		i += len + 1;
	}
	if (!l.found && ((l.cand[0] && l.vlog) || x->load_err[0])) {
		x->verdict = -1;
		if (l.vlog)
			put_str(x->reason, sizeof(x->reason), l.cand, strlen(l.cand));
		if (l.vlog && l.cand_insn != x->insn)
			x->insn = l.cand_insn, x->insn_text[0] = 0;
	} else if (!l.found && (x->have & (1u << EX_INSNS))) {
		x->verdict = 1;
	}
	insn_from_reason(x);
}

static const char *const stat_names[EX_NSTATS] = {
    "insns",	   "limit",	"max_states_per_insn", "total_states",
    "peak_states", "mark_read", "stack_depth",	       "time_usec"};

void explain_print(FILE *out, const struct explain *x)
{
	const char *what, *fix;
	unsigned k;

	ms_fprintf(out, "log: %s%s%s%s, %u lines%s\n", x->framing, x->prog[0] ? ", program '" : "",
		   x->prog, x->prog[0] ? "'" : "", x->lines,
		   x->truncated ? " (cut at 256 MiB)" : "");
	if (x->load_err[0])
		ms_fprintf(out, "loader: %s\n", x->load_err);
	if (!x->verdict) {
		ms_fprintf(out,
			   "verdict: none: no verifier message and no statistics in this text\n");
		return;
	}
	ms_fprintf(out, "verdict: %s\n", x->verdict > 0 ? "accepted" : "rejected");
	if (x->verdict < 0) {
		if (x->insn >= 0)
			ms_fprintf(out, "at insn %ld%s%s\n", x->insn, x->insn_text[0] ? ": " : "",
				   x->insn_text);
		if (x->source[0])
			ms_fprintf(out, "source: %s\n", x->source);
		ms_fprintf(out, "reason: %s\n", x->reason[0] ? x->reason : "(none in the log)");
		if (explain_row(x->row, &what, &fix))
			ms_fprintf(out, "  means: %s\n  fix: %s\n", what, fix);
		else
			ms_fprintf(out, "  means: (a message this table does not know; the line "
					"before the statistics)\n");
		if (x->nregs) {
			ms_fprintf(out, "state");
			if (x->state_at >= 0)
				ms_fprintf(out, " %s insn %ld", x->state_after ? "after" : "before",
					   x->state_at);
			ms_fprintf(out, ":");
			for (k = 0; k < x->nregs; k++)
				ms_fprintf(out, " %s=%s", x->regs[k][0], x->regs[k][1]);
			ms_fprintf(out, "\n");
		}
		if (x->nfrom) {
			unsigned first = x->nfrom > EX_PATH ? x->nfrom - EX_PATH : 0;

			ms_fprintf(out, "branches (%u)%s", x->nfrom, first ? ", the last:" : ":");
			for (k = first; k < x->nfrom; k++) {
				char c = x->kind[k % EX_PATH];

				ms_fprintf(out, "%s %ld->%ld %s", k > first ? "," : "",
					   x->from[k % EX_PATH][0], x->from[k % EX_PATH][1],
					   c == 't'   ? "jumped"
					   : c == 'f' ? "fell through"
						      : "other side, from the verifier's stack");
			}
			ms_fprintf(out, "\n");
		}
		if (x->ntrail) {
			unsigned first = x->ntrail > EX_TRAIL ? x->ntrail - EX_TRAIL : 0;

			ms_fprintf(out, "path (%u insns since the %s)%s", x->ntrail,
				   x->popped ? "last branch taken from the stack" : "start",
				   first ? ", the last:" : ":");
			for (k = first; k < x->ntrail; k++)
				ms_fprintf(out, " %ld", x->trail[k % EX_TRAIL]);
			ms_fprintf(out, "\n");
		}
	}
	if (x->have) {
		ms_fprintf(out, "stats:");
		for (k = 0; k < EX_NSTATS; k++) {
			if (!(x->have & (1u << k)))
				continue;
			if (k == EX_STACK)
				ms_fprintf(out, " stack_depth %s", x->stack);
			else
				ms_fprintf(out, " %s %lld", stat_names[k], x->stat[k]);
		}
		ms_fprintf(out, "\n");
	}
}

void explain_compare(FILE *out, const char *na, const struct explain *a, const char *nb,
		     const struct explain *b)
{
	static const char *const verdicts[] = {"failure", "none", "success"};

	ms_fprintf(out, "%-20s %14s %14s %14s\n", "", "A", "B", "B-A");
	ms_fprintf(out, "%-20s %14s %14s\n", "verdict", verdicts[a->verdict + 1],
		   verdicts[b->verdict + 1]);
	for (unsigned k = 0; k < EX_NSTATS; k++) {
		unsigned bit = 1u << k;
		char va[24] = "-", vb[24] = "-", d[40] = "";

		if (!((a->have | b->have) & bit) || k == EX_LIMIT)
			continue;
		if (a->have & bit)
			ms_snprintf(va, sizeof(va), "%lld", a->stat[k]);
		if (b->have & bit)
			ms_snprintf(vb, sizeof(vb), "%lld", b->stat[k]);
		if (a->have & b->have & bit)
			ms_snprintf(d, sizeof(d), "%+lld%s", b->stat[k] - a->stat[k],
				    b->stat[k] > a->stat[k] && k != EX_TIME_US ? " grew" : "");
		ms_fprintf(out, "%-20s %14s %14s %14s\n", stat_names[k], va, vb, d);
	}
	ms_fprintf(out, "A: %s\nB: %s\n", na, nb);
}

/* The whole of a file or stdin, up to EXPLAIN_MAX. */
static int read_all(const char *path, char **text, size_t *len)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	size_t cap = 0, n = 0;
	char *buf = NULL;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap > EXPLAIN_MAX)
				break;
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				if (fd)
					close(fd);
				return -ENOMEM;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int err = r < 0 ? -errno : 0;

			if (err) {
				free(buf);
				if (fd)
					close(fd);
				return err;
			}
			break;
		}
		n += (size_t)r;
	}
	if (fd)
		close(fd);
	*text = buf;
	*len = n;
	return 0;
}

static int explain_file(const char *path, struct explain *x)
{
	char *text = NULL;
	size_t len = 0;
	int r = read_all(path, &text, &len);

	if (r) {
		ms_fprintf(stderr, "minisnoop: explain: %s: %s\n", path, strerror(-r));
		return r;
	}
	explain_parse(text ? text : "", len, x);
	free(text);
	return 0;
}

int cmd_explain(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"compare", no_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
	static struct explain a, b;
	bool compare = false;
	int o, rc = 0;

	while ((o = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (o == 'c') {
			compare = true;
		} else {
			ms_fprintf(o == 'h' ? stdout : stderr,
				   "usage: minisnoop explain [FILE|-]...\n"
				   "       minisnoop explain --compare A B\n");
			return o == 'h' ? 0 : 2;
		}
	}
	if (compare) {
		if (argc - optind != 2) {
			ms_fprintf(stderr, "minisnoop: explain --compare needs two logs\n");
			return 2;
		}
		if (explain_file(argv[optind], &a) || explain_file(argv[optind + 1], &b))
			return 1;
		explain_compare(stdout, argv[optind], &a, argv[optind + 1], &b);
		return 0;
	}
	if (optind == argc)
		return explain_file("-", &a) ? 1 : (explain_print(stdout, &a), 0);
	for (int k = optind; k < argc; k++) {
		if (argc - optind > 1)
			ms_fprintf(stdout, "%s== %s ==\n", k > optind ? "\n" : "", argv[k]);
		if (explain_file(argv[k], &a)) {
			rc = 1;
			continue;
		}
		explain_print(stdout, &a);
	}
	return rc;
}

#endif
