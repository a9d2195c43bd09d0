// SPDX-License-Identifier: MIT
/*
 * POSIX ERE: a recursive-descent parser emits an NFA program, which ere_search() runs as
 * a Thompson simulation (all live states advance together, one byte at a time), so the
 * cost is O(subject length x program size) whatever the pattern.
 */
#include "fmt.h"
#include "ere.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INSNS 10000 /* bounds the {m,n} expansion, and keeps jumps in an int16_t */
#define MAX_DUP	  255	/* RE_DUP_MAX as POSIX requires at least */
#define MAX_DEPTH 100	/* parser recursion per ( */

enum { I_BYTE, I_SPLIT, I_ASSERT, I_MATCH };

/* Jumps are relative, so a compiled piece can be copied or shifted without fixups. */
struct insn {
	uint16_t op;
	int16_t a, b; /* I_BYTE: set index; I_SPLIT: two targets; I_ASSERT: mask, value */
};

/* Position context bits, for the assertions. */
enum { C_BOL = 1, C_EOL = 2, C_PW = 4, C_NW = 8 };

struct ere {
	struct insn *prog;
	uint32_t *sets; /* 256-bit byte sets, 8 words each */
	uint16_t *work; /* two sparse state sets and a stack, reused by every search */
	size_t n;
	uint32_t first[8];
};

struct cc {
	const unsigned char *p;
	size_t i;
	struct insn *prog;
	size_t n, nsets;
	unsigned depth;
	uint32_t *sets;
	const char *why;
	size_t at;
};

static int fail(struct cc *c, const char *why, size_t at)
{
	c->why = why;
	c->at = at;
	return -EINVAL;
}

static int emit(struct cc *c, int op, int a, int b)
{
	if (c->n >= MAX_INSNS)
		return fail(c, "pattern too large (over 10000 states)", 0);
	c->prog[c->n++] = (struct insn){op, a, b};
	return 0;
}

static int insert(struct cc *c, unsigned at, int a, int b)
{
	if (emit(c, 0, 0, 0))
		return -EINVAL;
	memmove(c->prog + at + 1, c->prog + at, (c->n - 1 - at) * sizeof(*c->prog));
	c->prog[at] = (struct insn){I_SPLIT, a, b};
	return 0;
}

static int copy(struct cc *c, unsigned from, unsigned len)
{
	if (c->n + len > MAX_INSNS)
		return fail(c, "pattern too large (over 10000 states)", 0);
	memcpy(c->prog + c->n, c->prog + from, len * sizeof(*c->prog));
	c->n += len;
	return 0;
}

/* ASCII classes as unions of disjoint groups of bytes, one bit each. A lower-case letter's
 * group is its upper-case one's bit shifted by one. */
enum {
	G_DIGIT = 1 << 0,
	G_UPPER_HEX = 1 << 1,  /* A-F */
	G_LOWER_HEX = 1 << 2,  /* a-f */
	G_UPPER_REST = 1 << 3, /* G-Z */
	G_LOWER_REST = 1 << 4, /* g-z */
	G_SPACE_BAR = 1 << 5,  /* ' ' */
	G_TAB = 1 << 6,
	G_VSPACE = 1 << 7,     /* \n \v \f \r */
	G_CNTRL_REST = 1 << 8, /* the other controls, and DEL */
	G_PUNCT_REST = 1 << 9, /* punctuation but '_' */
	G_UNDERSCORE = 1 << 10,

	G_UPPER = G_UPPER_HEX | G_UPPER_REST,
	G_LOWER = G_LOWER_HEX | G_LOWER_REST,
	G_ALPHA = G_UPPER | G_LOWER,
	G_ALNUM = G_ALPHA | G_DIGIT,
	G_XDIGIT = G_DIGIT | G_UPPER_HEX | G_LOWER_HEX,
	G_BLANK = G_SPACE_BAR | G_TAB,
	G_SPACE = G_BLANK | G_VSPACE,
	G_CNTRL = G_TAB | G_VSPACE | G_CNTRL_REST,
	G_PUNCT = G_PUNCT_REST | G_UNDERSCORE,
	G_GRAPH = G_ALNUM | G_PUNCT,
	G_PRINT = G_GRAPH | G_SPACE_BAR,
	G_WORD = G_ALNUM | G_UNDERSCORE, /* \w */
};

_Static_assert(G_LOWER_HEX == G_UPPER_HEX << 1 && G_LOWER_REST == G_UPPER_REST << 1,
	       "group() shifts an upper-case group to its lower-case one");

static unsigned group(unsigned ch)
{
	if (ch - '0' < 10)
		return G_DIGIT;
	if ((ch | 32) - 'a' < 26)
		return ((ch | 32) - 'a' < 6 ? G_UPPER_HEX : G_UPPER_REST) << !!(ch & 32);
	if (ch == ' ')
		return G_SPACE_BAR;
	if (ch == '\t')
		return G_TAB;
	if (ch - '\n' < 4)
		return G_VSPACE;
	if (ch == '_')
		return G_UNDERSCORE;
	return ch < 32 || ch == 127 ? G_CNTRL_REST : G_PUNCT_REST;
}

/* [:name:] and its groups, in the same order. */
static const char class_names[] = "alpha\0digit\0alnum\0upper\0lower\0space\0"
				  "blank\0punct\0print\0graph\0cntrl\0xdigit\0";
static const uint16_t class_groups[] = {G_ALPHA, G_DIGIT, G_ALNUM, G_UPPER, G_LOWER, G_SPACE,
					G_BLANK, G_PUNCT, G_PRINT, G_GRAPH, G_CNTRL, G_XDIGIT};

static void add_class(uint32_t *set, unsigned groups)
{
	for (unsigned ch = 0; ch < 128; ch++)
		if (group(ch) & groups)
			set[ch >> 5] |= 1u << (ch & 31);
}

static void set_range(uint32_t *set, unsigned lo, unsigned hi)
{
	for (; lo <= hi; lo++)
		set[lo >> 5] |= 1u << (lo & 31);
}

/* bracket_elem's result when what it read is in the set already: a class, not a byte. */
#define ELEM_IN_SET 256

/* One bracket element: a byte (returned), or ELEM_IN_SET once a class was added to set. */
static int bracket_elem(struct cc *c, uint32_t *set, size_t open, int first)
{
	const unsigned char *p = c->p;
	size_t i = c->i, j;
	unsigned d = p[i + 1];

	if (p[i] == '[' && (d == '.' || d == '=' || d == ':')) {
		for (j = i + 2; p[j] != d || p[j + 1] != ']'; j++)
			if (!p[j] || !p[j + 1])
				return fail(c, "unmatched [", open);
		c->i = j + 2;
		i += 2;
		if (d == ':') {
			const char *nm = class_names;

			for (unsigned k = 0; *nm; k++, nm += strlen(nm) + 1)
				if (strlen(nm) == j - i && !memcmp(nm, p + i, j - i)) {
					add_class(set, class_groups[k]);
					return ELEM_IN_SET;
				}
			return fail(c, "invalid character class", i - 1);
		}
		if (j - i != 1)
			return fail(c, "invalid collating element", i - 1);
		if (d == '.')
			return p[i];
		set_range(set, p[i], p[i]); /* an equivalence class cannot start a range */
		return ELEM_IN_SET;
	}
	if (p[i] == '-' && !first && d != ']')
		return fail(c, "invalid range", i + 1);
	c->i++;
	return p[i];
}

static int bracket(struct cc *c, uint32_t *set)
{
	const unsigned char *p = c->p;
	size_t open = c->i;
	int lo, hi, neg = p[c->i] == '^', first = 1;

	c->i += neg;
	for (;;) {
		if (!p[c->i])
			return fail(c, "unmatched [", open);
		if (p[c->i] == ']' && !first)
			break;
		lo = bracket_elem(c, set, open, first);
		if (lo < 0)
			return lo;
		first = 0;
		hi = lo;
		if (lo != ELEM_IN_SET && p[c->i] == '-' && p[c->i + 1] && p[c->i + 1] != ']') {
			c->i++;
			hi = bracket_elem(c, set, open, 1);
			if (hi < 0)
				return hi;
			if (hi < lo || hi == ELEM_IN_SET)
				return fail(c, "invalid range", c->i);
		}
		if (lo != ELEM_IN_SET)
			set_range(set, lo, hi);
	}
	c->i++;
	for (int k = 0; neg && k < 8; k++)
		set[k] = ~set[k];
	return 0;
}

static int anchor(struct cc *c, int mask, int want)
{
	return emit(c, I_ASSERT, mask, want) ? -EINVAL : 1;
}

/* \b and \B: either of two word-edge tests. */
static int boundary(struct cc *c, int w1, int w2)
{
	if (emit(c, I_SPLIT, 1, 3) || anchor(c, C_PW | C_NW, w1) < 0 || emit(c, I_SPLIT, 2, 2))
		return -EINVAL;
	return anchor(c, C_PW | C_NW, w2);
}

static int alternation(struct cc *c);

/* Emits one atom; 1 for an assertion, which takes no repetition ("^*" is an error in
 * glibc's ERE, as is a repetition operator with nothing before it). */
static int atom(struct cc *c)
{
	size_t at = c->i + 1;
	unsigned ch = c->p[c->i++];
	uint32_t *set = c->sets + 8 * c->nsets;
	int r;

	switch (ch) {
	case '(':
		if (++c->depth > MAX_DEPTH)
			return fail(c, "groups nested too deep", at);
		r = alternation(c);
		if (r)
			return r;
		if (c->p[c->i] != ')')
			return fail(c, "unmatched (", at);
		c->i++;
		c->depth--;
		return 0;
	case '*':
	case '+':
	case '?':
	case '{':
		return fail(c, "nothing to repeat", at);
	case '^':
		return anchor(c, C_BOL, C_BOL);
	case '$':
		return anchor(c, C_EOL, C_EOL);
	case '.':
		memset(set, 0xff, 32);
		set[0] = ~1u;
		break;
	case '[':
		r = bracket(c, set);
		if (r)
			return r;
		break;
	case '\\':
		ch = c->p[c->i++];
		if (!ch)
			return fail(c, "trailing backslash", at);
		if (ch - '1' < 9)
			return fail(c, "back-references are not supported", at);
		switch (ch) {
		case '`':
			return anchor(c, C_BOL, C_BOL);
		case '\'':
			return anchor(c, C_EOL, C_EOL);
		case '<':
			return anchor(c, C_PW | C_NW, C_NW);
		case '>':
			return anchor(c, C_PW | C_NW, C_PW);
		case 'b':
			return boundary(c, C_NW, C_PW);
		case 'B':
			return boundary(c, C_PW | C_NW, 0);
		}
		if ((ch | 32) == 'w' || (ch | 32) == 's') {
			add_class(set, (ch | 32) == 'w' ? G_WORD : G_SPACE);
			for (int k = 0; ch < 'a' && k < 8; k++) /* \W \S: the complement */
				set[k] = ~set[k];
			break;
		}
		set_range(set, ch, ch);
		break;
	default:
		set_range(set, ch, ch);
	}
	if (c->nsets >= MAX_INSNS)
		return fail(c, "pattern too large (over 10000 states)", 0);
	return emit(c, I_BYTE, c->nsets++, 0);
}

/* Repeats the code from start, {m,n}; n < 0 for no upper bound. */
static int repeat(struct cc *c, unsigned start, int m, int n)
{
	unsigned len = c->n - start, from = start;

	if (!n) {
		c->n = start;
		return 0;
	}
	if (!m) {
		if (insert(c, start, 1, len + 1 + (n < 0)))
			return -EINVAL;
		if (n < 0)
			return emit(c, I_SPLIT, -(int)(len + 1), -(int)(len + 1));
		from++;
		n--;
	} else {
		for (int k = 1; k < m; k++)
			if (copy(c, from, len))
				return -EINVAL;
		if (n < 0)
			return emit(c, I_SPLIT, -(int)len, 1);
		n -= m;
	}
	while (n-- > 0)
		if (emit(c, I_SPLIT, 1, len + 1) || copy(c, from, len))
			return -EINVAL;
	return 0;
}

static int number(struct cc *c)
{
	int v = -1;

	while ((unsigned)(c->p[c->i] - '0') < 10) {
		v = (v < 0 ? 0 : v) * 10 + c->p[c->i++] - '0';
		if (v > MAX_DUP)
			v = MAX_DUP + 1;
	}
	return v;
}

static int piece(struct cc *c)
{
	unsigned start = c->n;
	int r = atom(c), m, n;

	if (r)
		return r < 0 ? r : 0;
	for (;;) {
		size_t at = c->i + 1;

		switch (c->p[c->i++]) {
		case '*':
			m = 0, n = -1;
			break;
		case '+':
			m = 1, n = -1;
			break;
		case '?':
			m = 0, n = 1;
			break;
		case '{':
			m = n = number(c);
			if (c->p[c->i] == ',') {
				c->i++;
				n = number(c);
				m = m < 0 ? 0 : m;
			} else if (m < 0) {
				return fail(c, "invalid {}", at);
			}
			if (c->p[c->i] != '}')
				return fail(c, c->p[c->i] ? "invalid {}" : "unmatched {", at);
			c->i++;
			if (n >= 0 && m > n)
				return fail(c, "invalid {}: min over max", at);
			if (m > MAX_DUP || n > MAX_DUP)
				return fail(c, "count in {} over 255", at);
			break;
		default:
			c->i--;
			return 0;
		}
		r = repeat(c, start, m, n);
		if (r)
			return r;
	}
}

/* a|b|c: SPLIT(a, next) a JMP(end) SPLIT(b, next) b JMP(end) c; the pending JMPs are
 * chained through their first operand until end is known. */
static int alternation(struct cc *c)
{
	unsigned start = c->n;
	int r, chain = -1, next;

	for (;;) {
		for (;;) {
			unsigned ch = c->p[c->i];

			if (!ch || ch == '|' || (ch == ')' && c->depth))
				break;
			r = piece(c);
			if (r)
				return r;
		}
		if (c->p[c->i] != '|')
			break;
		c->i++;
		if (insert(c, start, 1, c->n - start + 2) || emit(c, I_SPLIT, chain, 0))
			return -EINVAL;
		chain = c->n - 1;
		start = c->n;
	}
	for (; chain >= 0; chain = next) {
		next = c->prog[chain].a;
		c->prog[chain].a = c->prog[chain].b = c->n - chain;
	}
	return 0;
}

static bool has(const uint32_t *set, unsigned ch)
{
	return set[ch >> 5] >> (ch & 31) & 1;
}

struct sset {
	uint16_t *dense, *sparse;
	size_t n;
};

/* Adds state s and everything reachable from it without consuming a byte; true on a
 * match. The sparse set doubles as the visited mark, so empty loops terminate. */
static bool add(const struct ere *re, struct sset *l, unsigned s, unsigned ctx)
{
	uint16_t *stack = re->work + 4 * re->n;
	unsigned sp = 0;

	stack[sp++] = s;
	while (sp) {
		s = stack[--sp];
		if (l->sparse[s] < l->n && l->dense[l->sparse[s]] == s)
			continue;
		l->sparse[s] = l->n;
		l->dense[l->n++] = s;

		const struct insn *in = &re->prog[s];

		if (in->op == I_MATCH)
			return true;
		if (in->op == I_SPLIT) {
			stack[sp++] = s + in->b;
			stack[sp++] = s + in->a;
		} else if (in->op == I_ASSERT && (int)(ctx & in->a) == in->b) {
			stack[sp++] = s + 1;
		}
	}
	return false;
}

static bool is_word(const unsigned char *s, size_t n, size_t i)
{
	return i < n && group(s[i]) & G_WORD;
}

static unsigned context(const unsigned char *s, size_t n, size_t i)
{
	return (i == 0) * C_BOL | (i == n) * C_EOL | (i && is_word(s, n, i - 1)) * C_PW |
	       is_word(s, n, i) * C_NW;
}

int ere_compile(const char *pattern, struct ere **out, char *err, size_t errlen)
{
	struct cc c = {.p = (const unsigned char *)pattern};
	size_t len = strlen(pattern), sz;
	struct ere *re = NULL;
	int r = -ENOMEM;

	c.prog = malloc(MAX_INSNS * sizeof(*c.prog));
	c.sets = calloc(len + 1, 32);
	c.why = "out of memory";
	if (c.prog && c.sets) {
		r = alternation(&c);
		if (!r)
			r = emit(&c, I_MATCH, 0, 0);
	}
	if (!r) {
		/* One block: header, sets, program, then 2 x 2 sparse-set arrays and a stack. */
		sz = sizeof(*re) + c.nsets * 32 + c.n * (sizeof(struct insn) + 12) + 2;
		re = calloc(1, sz);
		r = -ENOMEM;
	}
	if (re) {
		re->sets = (uint32_t *)(re + 1);
		re->prog = (struct insn *)(re->sets + 8 * c.nsets);
		re->work = (uint16_t *)(re->prog + c.n);
		re->n = c.n;
		memcpy(re->sets, c.sets, c.nsets * 32);
		memcpy(re->prog, c.prog, c.n * sizeof(*c.prog));
		r = 0;
		/* The bytes that can start a match, in any context, let ere_search skip the
		 * others in a tight loop; all of them when the empty string matches. */
		for (unsigned ctx = 0; ctx < 16; ctx++) {
			struct sset l = {re->work, re->work + re->n, 0};

			if (add(re, &l, 0, ctx)) {
				memset(re->first, 0xff, sizeof(re->first));
				break;
			}
			for (unsigned k = 0; k < l.n; k++) {
				const struct insn *in = &re->prog[l.dense[k]];

				for (int j = 0; in->op == I_BYTE && j < 8; j++)
					re->first[j] |= re->sets[8 * (size_t)in->a + j];
			}
		}
	}
	if (r && err && errlen)
		ms_snprintf(err, errlen, c.at ? "%s at %zu" : "%s", c.why, c.at);
	free(c.prog);
	free(c.sets);
	*out = re;
	return r;
}

void ere_free(struct ere *re)
{
	free(re);
}

bool ere_search(const struct ere *re, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	uint16_t *w = re->work;
	struct sset cur = {w, w + re->n, 0}, nxt = {w + 2 * re->n, w + 3 * re->n, 0}, t;
	unsigned ctx;

	for (size_t i = 0;; i++) {
		while (!cur.n && i < n && !has(re->first, s[i]))
			i++;
		/* A thread starting at every position makes the search unanchored. */
		if (add(re, &cur, 0, context(s, n, i)))
			return true;
		if (i == n)
			return false;
		nxt.n = 0;
		ctx = context(s, n, i + 1);
		for (unsigned k = 0; k < cur.n; k++) {
			unsigned st = cur.dense[k];
			const struct insn *in = &re->prog[st];

			if (in->op == I_BYTE && has(re->sets + 8 * (size_t)in->a, s[i]) &&
			    add(re, &nxt, st + 1, ctx))
				return true;
		}
		t = cur;
		cur = nxt;
		nxt = t;
	}
}
