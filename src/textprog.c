// SPDX-License-Identifier: MIT
/*
 * The text assembler: `dump`'s syntax (bpftool's xlated lines) back to instructions, so that
 * a listing can be edited and verified again. The text rules: the "N:" index and the "(xx)"
 * opcode are ignored (an edit need not renumber), a jump goes to its <label> when it names
 * one, else to its pc offset. Untrusted input: lines are cut at LINE_, names at NAME_.
 */
#include "textprog.h"

#include "disasm.h"
#include "attach.h"
#include "explain.h"
#include "fmt.h"
#include "tracefs.h"
#include "vlog.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef MINISNOOP_TINY

#define LINE_	  512
#define NAME_	  64
#define MAX_NAMES 8192

static const struct {
	const char *name;
	int type;
} prog_types[] = {
    {"socket_filter", BPF_PROG_TYPE_SOCKET_FILTER},
    {"kprobe", BPF_PROG_TYPE_KPROBE},
    {"tracepoint", BPF_PROG_TYPE_TRACEPOINT},
    {"xdp", BPF_PROG_TYPE_XDP},
    {"cgroup_skb", BPF_PROG_TYPE_CGROUP_SKB},
    {"sched_cls", BPF_PROG_TYPE_SCHED_CLS},
    {"perf_event", BPF_PROG_TYPE_PERF_EVENT},
    {"raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT},
};
#define NTYPES (sizeof(prog_types) / sizeof(prog_types[0]))

const int textprog_types[] = {
    BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_KPROBE,	       BPF_PROG_TYPE_TRACEPOINT,
    BPF_PROG_TYPE_XDP,		 BPF_PROG_TYPE_CGROUP_SKB,     BPF_PROG_TYPE_SCHED_CLS,
    BPF_PROG_TYPE_PERF_EVENT,	 BPF_PROG_TYPE_RAW_TRACEPOINT, -1};

static const struct {
	const char *name;
	int type;
} map_types[] = {
    {"hash", BPF_MAP_TYPE_HASH},
    {"array", BPF_MAP_TYPE_ARRAY},
    {"percpu_hash", BPF_MAP_TYPE_PERCPU_HASH},
    {"percpu_array", BPF_MAP_TYPE_PERCPU_ARRAY},
    {"lru_hash", BPF_MAP_TYPE_LRU_HASH},
    {"lru_percpu_hash", BPF_MAP_TYPE_LRU_PERCPU_HASH},
    {"perf_event_array", BPF_MAP_TYPE_PERF_EVENT_ARRAY},
    {"prog_array", BPF_MAP_TYPE_PROG_ARRAY},
    {"ringbuf", BPF_MAP_TYPE_RINGBUF},
};
#define NMAPTYPES (sizeof(map_types) / sizeof(map_types[0]))

int textprog_type(const char *name)
{
	for (size_t k = 0; k < NTYPES; k++)
		if (!strcmp(name, prog_types[k].name) || (!strcmp(name, "socket") && k == 0))
			return prog_types[k].type;
	return -1;
}

const char *textprog_type_name(int type)
{
	for (size_t k = 0; k < NTYPES; k++)
		if (prog_types[k].type == type)
			return prog_types[k].name;
	return "?";
}

/* A stable copy of a name (labels and maps are referred to by pointer), interned. */
static const char *keep(struct textprog *t, const char *s, size_t n)
{
	char **nn, *c;

	for (size_t k = 0; k < t->nnames; k++)
		if (!strncmp(t->names[k], s, n) && !t->names[k][n])
			return t->names[k];
	if (t->nnames >= MAX_NAMES || !(c = strndup(s, n)))
		return NULL;
	nn = realloc(t->names, (t->nnames + 1) * sizeof(*nn));
	if (!nn) {
		free(c);
		return NULL;
	}
	t->names = nn;
	t->names[t->nnames++] = c;
	return c;
}

void textprog_free(struct textprog *t)
{
	asm_free(&t->p);
	maps_close(t->maps, t->nmaps);
	for (size_t k = 0; k < t->nnames; k++)
		free(t->names[k]);
	free(t->names);
	t->names = NULL;
	t->nnames = t->nmaps = 0;
}

/* ---- the line parser: a cursor that fails softly ---- */

struct cur {
	const char *s;
	bool bad;
};

static void sp(struct cur *c)
{
	while (*c->s == ' ')
		c->s++;
}

/* Takes the literal lit when it is next (no space skipped). */
static bool lit(struct cur *c, const char *lit_)
{
	size_t n = strlen(lit_);

	if (c->bad || strncmp(c->s, lit_, n))
		return false;
	c->s += n;
	return true;
}

static void need(struct cur *c, const char *lit_)
{
	if (!lit(c, lit_))
		c->bad = true;
}

/* "rN" or "wN", N 0..10; *w set for w. */
static int reg(struct cur *c, bool *w)
{
	const char *s = c->s;
	int n;

	if (c->bad || (*s != 'r' && *s != 'w') || !isdigit((unsigned char)s[1])) {
		c->bad = true;
		return 0;
	}
	n = s[1] - '0';
	s += 2;
	if (n == 1 && *s == '0')
		n = 10, s++;
	if (isalnum((unsigned char)*s) || *s == '_') {
		c->bad = true;
		return 0;
	}
	if (w)
		*w = c->s[0] == 'w';
	c->s = s;
	return n;
}

static bool is_reg(const struct cur *c)
{
	struct cur d = *c;

	reg(&d, NULL);
	return !d.bad;
}

/* A number: [+-]decimal or 0xhex, within 64 bits. */
static int64_t num(struct cur *c)
{
	const char *s = c->s;
	bool neg = *s == '-', hex;
	uint64_t v = 0;
	int digits = 0;

	if (c->bad)
		return 0;
	s += *s == '-' || *s == '+';
	hex = s[0] == '0' && s[1] == 'x';
	for (s += hex ? 2 : 0; hex ? isxdigit((unsigned char)*s) : isdigit((unsigned char)*s);
	     s++, digits++)
		v = hex ? v << 4 | (uint64_t)(isdigit((unsigned char)*s) ? *s - '0'
									 : (*s | 0x20) - 'a' + 10)
			: v * 10 + (uint64_t)(*s - '0');
	if (!digits || digits > (hex ? 16 : 19)) {
		c->bad = true;
		return 0;
	}
	c->s = s;
	return neg ? (int64_t)-v : (int64_t)v;
}

static int32_t num32(struct cur *c)
{
	int64_t v = num(c);

	if (v < INT32_MIN || v > (int64_t)UINT32_MAX)
		c->bad = true;
	return (int32_t)(uint32_t)v;
}

static int16_t off16(struct cur *c)
{
	int64_t v;

	if (*c->s != '+' && *c->s != '-')
		c->bad = true;
	v = num(c);
	if (v < INT16_MIN || v > INT16_MAX)
		c->bad = true;
	return (int16_t)v;
}

/* "u8" ... "u64" to BPF_B..BPF_DW; "s8".."s32" too when sx (sets *signed_). */
static int size_of(struct cur *c, bool *signed_)
{
	static const char *const names[] = {"u32", "u16", "u8", "u64", "s32", "s16", "s8"};
	static const int sizes[] = {BPF_W, BPF_H, BPF_B, BPF_DW, BPF_W, BPF_H, BPF_B};

	*signed_ = false;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (lit(c, names[k])) {
			*signed_ = k >= 4;
			return sizes[k];
		}
	c->bad = true;
	return 0;
}

/* "(REG OFF)" of a memory operand. */
static void mem(struct cur *c, int *r, int16_t *off)
{
	need(c, "(");
	*r = reg(c, NULL);
	need(c, " ");
	*off = off16(c);
	need(c, ")");
}

/* An operator of table (longest first: "s>>=" before ">>="), its index, or -1. */
static int op_of(struct cur *c, const char *const *table)
{
	int best = -1;
	size_t bl = 0;

	for (int k = 0; k < 16; k++)
		if (table[k] && strlen(table[k]) > bl && !strncmp(c->s, table[k], strlen(table[k])))
			best = k, bl = strlen(table[k]);
	if (best >= 0 && c->s[bl] == ' ')
		c->s += bl;
	else
		best = -1;
	return best;
}

static bool ident_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '.';
}

/* One instruction being assembled. */
struct ins {
	struct bpf_insn s[2];
	const char *ref; /* label of a jump, or map of a load */
};

#define INS(i, code_, dst_, src_, off_, imm_)                                                      \
	((i)->s[0] = (struct bpf_insn){                                                            \
	     .code = (code_), .dst_reg = (dst_), .src_reg = (src_), .off = (off_), .imm = (imm_)})

/* "pc+N [<label>]" or "LABEL" after goto / call: the offset, and the label when named. */
static int32_t target(struct textprog *t, struct cur *c, const char **label)
{
	const char *e;
	int32_t off = 0;

	*label = NULL;
	if (lit(c, "pc")) {
		off = num32(c);
		if (!lit(c, " <"))
			return off;
		e = strchr(c->s, '>');
	} else {
		for (e = c->s; ident_char(*e); e++)
			;
	}
	if (!e || e == c->s || e - c->s >= NAME_ || !(*label = keep(t, c->s, (size_t)(e - c->s)))) {
		c->bad = true;
		return 0;
	}
	c->s = e + (*e == '>');
	return off;
}

/* A jump's pc offset, which must fit the 16 bits of off. */
static int16_t off_of(struct cur *c, int32_t v)
{
	c->bad |= v < INT16_MIN || v > INT16_MAX;
	return (int16_t)v;
}

static int helper_id(const char *name, size_t n)
{
	if (n > 4 && !strncmp(name, "bpf_", 4))
		name += 4, n -= 4;
	/* the names in id order, one walk (helper_name's text) */
	const char *h = helper_name(0);

	for (int id = 0; h && *h; id++, h += strlen(h) + 1)
		if (id && strlen(h) == n && !strncmp(h, name, n))
			return id;
	return -1;
}

static void parse_jump(struct textprog *t, struct cur *c, struct ins *i)
{
	bool w = false, w2 = false;
	int dst, op, src = 0;
	int32_t imm = 0;
	int16_t off;

	if (lit(c, "exit")) {
		INS(i, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	} else if (lit(c, "gotol ")) {
		const char *l;

		/* the offset rules: asm resolves labels into off, gotol's lives in imm */
		c->bad |= strncmp(c->s, "pc", 2) != 0;
		imm = target(t, c, &l);
		INS(i, BPF_JMP32 | BPF_JA, 0, 0, 0, imm);
	} else if (lit(c, "goto ")) {
		off = off_of(c, target(t, c, &i->ref));
		INS(i, BPF_JMP | BPF_JA, 0, 0, off, 0);
	} else if (lit(c, "call ")) {
		const char *e = c->s, *l;

		if (lit(c, "pc")) {
			c->s -= 2;
			imm = target(t, c, &l);
			INS(i, BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, imm);
			return;
		}
		if (lit(c, "kfunc#")) {
			INS(i, BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, num32(c));
			return;
		}
		while (ident_char(*e))
			e++;
		imm = helper_id(c->s, (size_t)(e - c->s));
		c->s = e;
		if (lit(c, "#")) /* the number rules: an unknown name, or one of a newer kernel */
			imm = num32(c);
		if (imm < 0)
			c->bad = true;
		INS(i, BPF_JMP | BPF_CALL, 0, 0, 0, imm);
	} else if (lit(c, "if ")) {
		bool x;

		dst = reg(c, &w);
		need(c, " ");
		op = op_of(c, disasm_jmp_ops);
		need(c, op >= 0 ? " " : "?");
		x = is_reg(c);
		if (x)
			src = reg(c, &w2);
		else
			imm = num32(c);
		need(c, " goto ");
		off = off_of(c, target(t, c, &i->ref));
		c->bad |= x && w != w2;
		INS(i, (w ? BPF_JMP32 : BPF_JMP) | (op & 15) << 4 | (x ? BPF_X : BPF_K), dst, src,
		    off, imm);
	} else {
		c->bad = true;
	}
}

/* What follows "rD = " (loads, moves, atomics, imm64, skb loads). */
static void parse_assign(struct textprog *t, struct cur *c, struct ins *i, int dst, bool w)
{
	int sz, src;
	int16_t off;
	bool sx, w2 = false;
	const char *e;

	if (lit(c, "*(")) {
		sz = size_of(c, &sx);
		need(c, " *)");
		if (lit(c, "skb[")) {
			if (is_reg(c)) {
				src = reg(c, NULL);
				need(c, " + ");
				INS(i, BPF_LD | sz | BPF_IND, 0, src, 0, num32(c));
			} else {
				INS(i, BPF_LD | sz | BPF_ABS, 0, 0, 0, num32(c));
			}
			need(c, "]");
			/* the packet loads are 1, 2 or 4 bytes: an 8-byte one is no instruction */
			c->bad |= dst != 0 || sx || sz == BPF_DW;
			return;
		}
		mem(c, &src, &off);
		INS(i, BPF_LDX | sz | (sx ? 0x80 : BPF_MEM), dst, src, off, 0);
		c->bad |= w || (sx && sz == BPF_DW);
	} else if (lit(c, "atomic")) {
		bool is64 = lit(c, "64");
		int fop = -1, dreg, sreg;
		static const char *const fops[] = {"add", "and", "or", "xor"};
		static const int fcodes[] = {BPF_ADD, BPF_AND, BPF_OR, BPF_XOR};

		if (lit(c, "_fetch_")) {
			for (int k = 0; k < 4; k++)
				if (lit(c, fops[k]))
					fop = fcodes[k] | BPF_FETCH;
		} else if (lit(c, "_xchg")) {
			fop = BPF_XCHG;
		} else if (lit(c, "_cmpxchg")) {
			fop = BPF_CMPXCHG;
		}
		need(c, "((");
		sz = size_of(c, &sx);
		need(c, " *)");
		mem(c, &dreg, &off);
		need(c, ", ");
		if (fop == BPF_CMPXCHG)
			need(c, "r0, ");
		sreg = reg(c, NULL);
		need(c, ")");
		c->bad |= fop < 0 || sx || (sz == BPF_DW) != is64 ||
			  (sz != BPF_DW && sz != BPF_W) ||
			  (fop == BPF_CMPXCHG ? dst != 0 : sreg != dst);
		INS(i, BPF_STX | sz | BPF_ATOMIC, dreg, sreg, off, fop);
	} else if (lit(c, "map[")) {
		int kind = BPF_PSEUDO_MAP_FD;
		int32_t imm = 0, value_off = 0;

		if (lit(c, "fd:")) {
			imm = num32(c);
		} else if (lit(c, "idx:")) {
			kind = BPF_PSEUDO_MAP_IDX;
			imm = num32(c);
		} else {
			for (e = c->s; ident_char(*e); e++)
				;
			if (e == c->s || e - c->s >= NAME_ ||
			    !(i->ref = keep(t, c->s, (size_t)(e - c->s))))
				c->bad = true;
			c->s = e;
		}
		need(c, "]");
		if (lit(c, "[0]+")) {
			/* a named map's value: the loader patches map fds only */
			c->bad |= i->ref != NULL;
			kind = kind == BPF_PSEUDO_MAP_IDX ? BPF_PSEUDO_MAP_IDX_VALUE
							  : BPF_PSEUDO_MAP_VALUE;
			value_off = num32(c);
		}
		INS(i, BPF_LD | BPF_DW | BPF_IMM, dst, kind, 0, imm);
		i->s[1] = (struct bpf_insn){.imm = value_off};
		c->bad |= w;
	} else if (lit(c, "subprog[")) {
		/* the offset rules, as a call's: the label after it is dump's note */
		INS(i, BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_FUNC, 0, num32(c));
		need(c, "]");
		if (lit(c, " <") && (e = strchr(c->s, '>')))
			c->s = e + 1;
		i->s[1] = (struct bpf_insn){0};
		c->bad |= w;
	} else if (c->s[0] == '-' && (c->s[1] == 'r' || c->s[1] == 'w')) {
		c->s++;
		c->bad |= reg(c, &w2) != dst || w2 != w;
		INS(i, (w ? BPF_ALU : BPF_ALU64) | BPF_NEG, dst, 0, 0, 0);
	} else if (*c->s == 'b' || *c->s == 'l') {
		/* be16 r1, le32 r1, bswap64 r1 */
		int cls = BPF_ALU, src_bit = BPF_TO_LE;

		if (lit(c, "be"))
			src_bit = BPF_TO_BE;
		else if (lit(c, "bswap"))
			cls = BPF_ALU64;
		else
			need(c, "le");
		src = (int)num(c);
		need(c, " ");
		c->bad |= reg(c, NULL) != dst || w || (src != 16 && src != 32 && src != 64);
		INS(i, cls | BPF_END | src_bit, dst, 0, 0, src);
	} else if (lit(c, "(s")) {
		int bits = (int)num(c);

		need(c, ")");
		src = reg(c, &w2);
		c->bad |= w2 != w || (bits != 8 && bits != 16 && bits != 32);
		INS(i, (w ? BPF_ALU : BPF_ALU64) | BPF_MOV | BPF_X, dst, src, bits, 0);
	} else if (is_reg(c)) {
		src = reg(c, &w2);
		c->bad |= w2 != w;
		INS(i, (w ? BPF_ALU : BPF_ALU64) | BPF_MOV | BPF_X, dst, src, 0, 0);
	} else if (c->s[0] == '0' && c->s[1] == 'x') {
		uint64_t v = (uint64_t)num(c);

		INS(i, BPF_LD | BPF_DW | BPF_IMM, dst, 0, 0, (int32_t)(uint32_t)v);
		i->s[1] = (struct bpf_insn){.imm = (int32_t)(uint32_t)(v >> 32)};
		c->bad |= w;
	} else {
		INS(i, (w ? BPF_ALU : BPF_ALU64) | BPF_MOV | BPF_K, dst, 0, 0, num32(c));
	}
}

/* Whether dump prints s as an unknown opcode. The text must say so exactly then, and only
 * then: otherwise it would print back in another form (a field lost, a jump naming a label
 * past the end) and the round trip would not hold. */
static bool insn_unknown(const struct bpf_insn s[2])
{
	struct bpf_insn in[2] = {s[0], s[1]};
	struct asm_prog one = {.insns = in, .len = 2};
	char buf[160];

	disasm_insn(&one, 0, buf, sizeof(buf));
	return strstr(buf, "unknown opcode") != NULL;
}

static void parse_insn(struct textprog *t, struct cur *c, struct ins *i)
{
	bool w = false, w2 = false, sx;
	int dst, op, sz, src;
	int16_t off;

	if (lit(c, "unknown opcode ")) {
		INS(i, (uint8_t)num32(c), 0, 0, 0, 0);
	} else if (lit(c, "lock *(")) {
		sz = size_of(c, &sx);
		need(c, " *)");
		mem(c, &dst, &off);
		need(c, " ");
		op = op_of(c, disasm_alu_ops);
		need(c, " ");
		src = reg(c, NULL);
		c->bad |= sx || (sz != BPF_W && sz != BPF_DW) ||
			  (op != BPF_ADD >> 4 && op != BPF_AND >> 4 && op != BPF_OR >> 4 &&
			   op != BPF_XOR >> 4);
		INS(i, BPF_STX | sz | BPF_ATOMIC, dst, src, off, (op & 15) << 4);
	} else if (lit(c, "*(")) {
		sz = size_of(c, &sx);
		need(c, " *)");
		mem(c, &dst, &off);
		need(c, " = ");
		c->bad |= sx;
		if (is_reg(c))
			INS(i, BPF_STX | sz | BPF_MEM, dst, reg(c, NULL), off, 0);
		else
			INS(i, BPF_ST | sz | BPF_MEM, dst, 0, off, num32(c));
	} else if (is_reg(c)) {
		dst = reg(c, &w);
		need(c, " ");
		if (lit(c, "= ")) {
			parse_assign(t, c, i, dst, w);
			return;
		}
		off = 1; /* signed division (cpu v4) */
		if (lit(c, "s/= ")) {
			op = BPF_DIV >> 4;
		} else if (lit(c, "s%= ")) {
			op = BPF_MOD >> 4;
		} else {
			off = 0;
			op = op_of(c, disasm_alu_ops);
			need(c, op >= 0 ? " " : "?");
		}
		if (c->bad)
			return;
		if (is_reg(c)) {
			src = reg(c, &w2);
			c->bad |= w2 != w;
			INS(i, (w ? BPF_ALU : BPF_ALU64) | (op & 15) << 4 | BPF_X, dst, src, off,
			    0);
		} else {
			INS(i, (w ? BPF_ALU : BPF_ALU64) | (op & 15) << 4 | BPF_K, dst, 0, off,
			    num32(c));
		}
	} else {
		parse_jump(t, c, i);
	}
}

/* "map NAME TYPE key K value V entries E [flags F]" */
static int parse_map(struct textprog *t, struct cur *c)
{
	struct map_spec *m = &t->maps[t->nmaps];
	const char *e;
	size_t k;

	if (t->nmaps == TEXTPROG_MAPS)
		return -E2BIG;
	for (e = c->s; ident_char(*e); e++)
		;
	if (e == c->s || e - c->s >= 16)
		return -EINVAL;
	for (k = 0; k < t->nmaps; k++)
		if (!strncmp(t->maps[k].name, c->s, (size_t)(e - c->s)) &&
		    !t->maps[k].name[e - c->s])
			return -EEXIST;
	*m = (struct map_spec){.name = keep(t, c->s, (size_t)(e - c->s)), .fd = -1};
	c->s = e;
	need(c, " ");
	for (k = 0; k < NMAPTYPES; k++) {
		size_t n = strlen(map_types[k].name);

		if (!strncmp(c->s, map_types[k].name, n) && c->s[n] == ' ') {
			m->type = map_types[k].type;
			c->s += n;
			break;
		}
	}
	need(c, k < NMAPTYPES ? " key " : "?");
	m->key_size = (uint32_t)num32(c);
	need(c, " value ");
	m->value_size = (uint32_t)num32(c);
	need(c, " entries ");
	m->max_entries = (uint32_t)num32(c);
	if (lit(c, " flags "))
		m->flags = (uint32_t)num32(c);
	if (c->bad || *c->s || !m->name)
		return -EINVAL;
	t->nmaps++;
	return 0;
}

/* One line, comments and the "N: (xx) " prefix gone. */
static int parse_line(struct textprog *t, char *s, const char *file, int lineno)
{
	struct cur c = {s, false};
	struct ins i = {{{0}}, NULL};
	bool said_unknown;
	char *e = s + strlen(s);

	if (lit(&c, "map "))
		return parse_map(t, &c);
	if (lit(&c, "type ")) {
		t->type = textprog_type(c.s);
		return t->type < 0 ? -EINVAL : 0;
	}
	if (e > s && e[-1] == ':') {
		const char *p = s;

		while (ident_char(*p))
			p++;
		if (p != e - 1 || p == s || p - s >= NAME_)
			return -EINVAL;
		s = (char *)keep(t, s, (size_t)(p - s));
		if (!s)
			return -ENOMEM;
		asm_label(&t->p, s, file, lineno);
		return 0;
	}
	/* "12: " and "(bf) ": what dump adds; the text after them says what the insn is */
	for (const char *q = c.s; isdigit((unsigned char)*q); q++)
		if (q[1] == ':' && q[2] == ' ')
			c.s = q + 3;
	sp(&c);
	if (c.s[0] == '(' && isxdigit((unsigned char)c.s[1]) && isxdigit((unsigned char)c.s[2]) &&
	    c.s[3] == ')' && c.s[4] == ' ')
		c.s += 5;
	else if (c.s[0] == '(' && c.s[1] == '-' && c.s[2] == '-' && c.s[3] == ')')
		return -EINVAL;
	said_unknown = !strncmp(c.s, "unknown opcode ", 15);
	parse_insn(t, &c, &i);
	sp(&c);
	if (c.bad || *c.s || insn_unknown(i.s) != said_unknown)
		return -EINVAL;
	if (t->p.len + 2 > TEXTPROG_MAX_INSNS)
		return -E2BIG;
	asm_emit(
	    &t->p,
	    &(struct asm_insn){.slot = {i.s[0], i.s[1]},
			       .n = i.s[0].code == (BPF_LD | BPF_DW | BPF_IMM) ? 2 : 1,
			       .label = i.s[0].code == (BPF_LD | BPF_DW | BPF_IMM) ? NULL : i.ref,
			       .map = i.s[0].code == (BPF_LD | BPF_DW | BPF_IMM) ? i.ref : NULL},
	    file, lineno);
	return 0;
}

int textprog_parse(struct textprog *t, const char *text, size_t n, const char *file, char *err,
		   size_t errlen)
{
	int lineno = 0, r = 0;
	size_t at = 0;

	memset(t, 0, sizeof(*t));
	t->type = -1;
	asm_init(&t->p);
	file = keep(t, file, strlen(file));
	if (!file)
		return -ENOMEM;
	if (n > TEXTPROG_MAX_BYTES) {
		ms_snprintf(err, errlen, "%s: larger than %zu bytes", file, TEXTPROG_MAX_BYTES);
		return -E2BIG;
	}
	while (at < n && !r) {
		const char *nl = memchr(text + at, '\n', n - at);
		size_t len = (nl ? (size_t)(nl - text) : n) - at, k, o = 0;
		char line[LINE_];

		lineno++;
		for (k = 0; k < len && o < sizeof(line) - 1; k++) {
			char ch = text[at + k];

			/* ';' starts a comment (dump's source lines), '#' a comment line */
			if (ch == ';' || (ch == '#' && !o))
				break;
			line[o++] = ch == '\t' ? ' ' : ch;
		}
		at += len + 1;
		while (o && line[o - 1] == ' ')
			o--;
		line[o] = 0;
		k = strspn(line, " ");
		if (strlen(line) != o) /* a NUL inside: even after blanks, not a blank line */
			r = -EINVAL;
		else if (!line[k])
			continue;
		else if (k == len || len >= sizeof(line) - 1)
			r = -EINVAL; /* cut */
		else
			r = parse_line(t, line + k, file, lineno);
		if (r) {
			for (char *q = line; *q; q++)
				if ((unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7f)
					*q = '?';
			ms_snprintf(err, errlen, "%s:%d: %s: '%.80s'", file, lineno,
				    r == -EEXIST  ? "declared twice"
				    : r == -E2BIG ? "too many (maps or instructions)"
						  : "not an instruction, label or declaration",
				    line + k);
		}
	}
	if (!r && t->p.len && asm_finish(&t->p)) {
		ms_snprintf(err, errlen, "%s", t->p.errmsg);
		r = t->p.err;
	} else if (!r && !t->p.len) {
		ms_snprintf(err, errlen, "%s: %s", file,
			    t->p.err ? t->p.errmsg : "no instructions");
		r = -EINVAL;
	}
	return r;
}

/* struct bpf_insn bytes, one slot each; file:N is the slot's index. */
static int parse_raw(struct textprog *t, const char *buf, size_t n, const char *file, char *err,
		     size_t errlen)
{
	memset(t, 0, sizeof(*t));
	t->type = -1;
	t->raw = true;
	asm_init(&t->p);
	file = keep(t, file, strlen(file));
	if (!file)
		return -ENOMEM;
	if (!n || n % sizeof(struct bpf_insn) || n / 8 > TEXTPROG_MAX_INSNS) {
		ms_snprintf(err, errlen,
			    "%s: %zu bytes: not a whole number of instructions (8 bytes each)",
			    file, n);
		return -EINVAL;
	}
	for (size_t k = 0; k < n / 8; k++) {
		struct asm_insn i = {.n = 1};

		memcpy(&i.slot[0], buf + 8 * k, 8);
		asm_emit(&t->p, &i, file, (int)k);
	}
	return t->p.err;
}

int textprog_read(struct textprog *t, const char *path, char *err, size_t errlen)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	size_t n = 0, cap = 65536;
	char *buf = malloc(cap);
	int r;

	memset(t, 0, sizeof(*t));
	t->type = -1;
	if (fd < 0 || !buf) {
		r = fd < 0 ? -errno : -ENOMEM;
		ms_snprintf(err, errlen, "%s: %s", path, strerror(-r));
		free(buf);
		return r;
	}
	for (;;) {
		ssize_t got;

		if (n == cap) {
			char *nb = cap < TEXTPROG_MAX_BYTES + 1 ? realloc(buf, cap * 2) : NULL;

			if (!nb)
				break;
			buf = nb, cap *= 2;
		}
		got = read(fd, buf + n, cap - n);
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	if (fd)
		close(fd);
	r = memchr(buf, 0, n) ? parse_raw(t, buf, n, path, err, errlen)
			      : textprog_parse(t, buf, n, path, err, errlen);
	free(buf);
	return r;
}

/* The kernel's program name: the file's base name, [A-Za-z0-9_.] only, 15 bytes. */
static void prog_name(const char *path, char *name)
{
	const char *b = strrchr(path, '/');
	size_t o = 0;

	for (b = b ? b + 1 : path; *b && *b != '.' && o < 15; b++)
		name[o++] = ident_char(*b) ? *b : '_';
	if (!o)
		name[o++] = 'p';
	name[o] = 0;
}

/* --attach kprobe:FUNC[+OFFSET] or kretprobe:FUNC of a kprobe program, through the kprobe
 * PMU; attached, then detached. */
static int try_kprobe(int fd, const char *spec, char *err, size_t errlen)
{
	bool ret = spec[1] == 'r';
	const char *f = strchr(spec, ':') + 1;
	char func[128];
	unsigned long long off = 0;
	size_t n = 0;
	int pfd;

	while (f[n] && f[n] != '+' && n < sizeof(func) - 1 &&
	       (f[n] == '_' || f[n] == '.' || (f[n] >= '0' && f[n] <= '9') ||
		((f[n] | 32) >= 'a' && (f[n] | 32) <= 'z')))
		n++;
	memcpy(func, f, n);
	func[n] = 0;
	if (f[n] == '+' && !ret && f[n + 1]) {
		const char *p = f + n + 1;

		for (; *p >= '0' && *p <= '9' && off < (1ull << 32); p++)
			off = off * 10 + (unsigned)(*p - '0');
		n = *p ? 0 : n; /* anything after the digits: refused below */
	} else if (f[n]) {
		n = 0;
	}
	if (!n) {
		ms_snprintf(err, errlen,
			    "--attach: kprobe:FUNCTION[+OFFSET] or kretprobe:FUNCTION, "
			    "not '%s'",
			    spec);
		return -EINVAL;
	}
	pfd = kprobe_attach(func, off, ret, fd);
	if (pfd < 0) {
		bool pmu = access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0;

		ms_snprintf(err, errlen, "--attach %s: %s%s", spec, strerror(-pfd),
			    !pmu ? ": this kernel has no kprobe PMU (CONFIG_KPROBE_EVENTS)"
			    : pfd == -ENOENT || pfd == -EINVAL
				? ": no such function to probe (see /proc/kallsyms; not inlined, "
				  "not on the kprobe blacklist)"
			    : pfd == -ENOTSUP ? ": no kretprobe in this kernel's kprobe PMU"
					      : "");
		return pfd;
	}
	close(pfd);
	return 0;
}

/* --attach CATEGORY:EVENT of a tracepoint program: attached, then detached (the kernel checks
 * there that the context the program reads fits the tracepoint's record). */
static int try_attach(int fd, const char *tp, char *err, size_t errlen)
{
	char cat[128];
	const char *ev = strchr(tp, ':');
	int id, pfd;

	if (!strncmp(tp, "kprobe:", 7) || !strncmp(tp, "kretprobe:", 10))
		return try_kprobe(fd, tp, err, errlen);

	if (!ev || ev - tp >= (long)sizeof(cat)) {
		ms_snprintf(err, errlen, "--attach: CATEGORY:EVENT, not '%s'", tp);
		return -EINVAL;
	}
	memcpy(cat, tp, (size_t)(ev - tp));
	cat[ev - tp] = 0;
	id = tracefs_open();
	if (!id)
		id = tracefs_event_id(cat, ev + 1);
	if (id < 0) {
		ms_snprintf(err, errlen, "--attach %s: no such tracepoint (%s)", tp, strerror(-id));
		return id;
	}
	pfd = tp_attach(id, fd);
	if (pfd < 0) {
		ms_snprintf(err, errlen, "--attach %s: %s%s", tp, strerror(-pfd),
			    pfd == -EACCES   ? ": the program reads past the tracepoint's record"
			    : pfd == -EINVAL ? ": not a tracepoint program"
					     : "");
		return pfd;
	}
	close(pfd);
	return 0;
}

int textprog_cmd(bool verify, const char *path, const char *tname, const char *attach,
		 unsigned log_level)
{
	static struct textprog t;
	static struct explain x;
	struct load_opts o = {.log_level = log_level, .stats = true};
	struct load_result res = {.fd = -1};
	char err[512], name[16];
	int r = textprog_read(&t, path, err, sizeof(err)), type;

	if (r || !verify) {
		if (r)
			ms_fprintf(stderr, "minisnoop: %s\n", err);
		else
			textprog_dump(stdout, &t);
		textprog_free(&t);
		return r ? 1 : 0;
	}
	type = tname ? textprog_type(tname) : t.type >= 0 ? t.type : BPF_PROG_TYPE_SOCKET_FILTER;
	if (type < 0) {
		ms_fprintf(stderr, "minisnoop: verify: --type: one of");
		for (size_t k = 0; k < NTYPES; k++)
			ms_fprintf(stderr, " %s", prog_types[k].name);
		ms_fprintf(stderr, ", not '%s'\n", tname);
		textprog_free(&t);
		return 2;
	}
	prog_name(path, name);
	r = maps_create(t.maps, t.nmaps, err, sizeof(err));
	if (!r) {
		r = prog_load(&t.p, (enum bpf_prog_type)type, name, t.maps, t.nmaps, &o, &res);
		ms_snprintf(err, sizeof(err), "%s", res.errmsg);
	}
	if (res.log && res.log_len)
		vlog_annotate(stdout, res.log, &t.p);
	if (!r && attach)
		r = try_attach(res.fd, attach, err, sizeof(err));
	if (r) {
		ms_fprintf(stderr, "minisnoop: %s\n", err);
		if (res.fd < 0 && res.log && res.log_len) {
			explain_parse(res.log, res.log_len, &x);
			ms_printf("\n");
			explain_print(stdout, &x);
		}
	} else {
		ms_printf("minisnoop: '%s' (%s, %zu insns) loaded and verified%s%s\n", name,
			  textprog_type_name(type), t.p.len, attach ? ", attached to " : "",
			  attach ? attach : "");
	}
	load_result_free(&res);
	textprog_free(&t);
	return r ? 1 : 0;
}

void textprog_dump(FILE *out, const struct textprog *t)
{
	if (t->type >= 0)
		ms_fprintf(out, "type %s\n", textprog_type_name(t->type));
	for (size_t k = 0; k < t->nmaps; k++) {
		const struct map_spec *m = &t->maps[k];
		const char *tn = "?";

		for (size_t j = 0; j < NMAPTYPES; j++)
			if (map_types[j].type == (int)m->type)
				tn = map_types[j].name;
		ms_fprintf(out, "map %s %s key %u value %u entries %u", m->name, tn, m->key_size,
			   m->value_size, m->max_entries);
		if (m->flags)
			ms_fprintf(out, " flags %u", m->flags);
		ms_fprintf(out, "\n");
	}
	disasm_prog(out, &t->p, false);
}

#endif
