// SPDX-License-Identifier: MIT
/* Disassembler: one instruction to text, in the layout of `bpftool prog dump xlated`. */
#include "fmt.h"
#include "disasm.h"
#include "unpack.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/*
 * cpu v4 encodings (kernel 6.6+). Older linux/bpf.h lacks names for them, so they get
 * local names rather than redefinitions of the UAPI ones.
 */
enum {
	V4_MODE_MEMSX = 0x80, /* LDX: sign-extending load */
	V4_OFF_SIGNED = 1,    /* DIV/MOD off: signed division */
};

/* The helpers' names by id (src/texts.h, packed): as the UAPI header of the build has them. */
const char *helper_name(int id)
{
	const char *s = pk_text(PK_HELPERS);

	if (id < 0)
		return NULL;
	for (; id-- && *s;)
		s += strlen(s) + 1;
	return *s ? s : NULL;
}

/* Indexed by BPF_OP(code) >> 4; NULL where the op has its own syntax or is undefined. */
const char *const disasm_alu_ops[16] = {
    "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", NULL, "%=", "^=", "=", "s>>=",
};
const char *const disasm_jmp_ops[16] = {
    NULL, "==", ">", ">=", "&", "!=", "s>", "s>=", NULL, NULL, "<", "<=", "s<", "s<=",
};

/* Indexed by BPF_SIZE(code) >> 3. */
static const char *const size_names[4] = {"u32", "u16", "u8", "u64"};
static const int size_bits[4] = {32, 16, 8, 64};

struct out {
	char *buf;
	size_t n, len;
};

__attribute__((format(__printf__, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (o->len >= o->n) /* full (or n == 0): keep what is there, NUL included */
		return;
	va_start(ap, fmt);
	r = ms_vsnprintf(o->buf + o->len, o->n - o->len, fmt, ap);
	va_end(ap);
	if (r > 0)
		o->len += (size_t)r;
}

/* Appends " <label>" when a label sits at i + 1 + delta, an instruction (one after the last
 * may not be jumped to by name: the text would not assemble again). */
static void put_target(struct out *o, const struct asm_prog *p, size_t i, long delta)
{
	long to = (long)i + 1 + delta;
	const char *name;

	if (to < 0 || (size_t)to >= p->len)
		return;
	name = asm_label_name(p, (size_t)to);
	if (name)
		put(o, " <%s>", name);
}

static bool fmt_alu(struct out *o, const struct bpf_insn *in)
{
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	bool x = BPF_SRC(in->code) == BPF_X;
	unsigned op = BPF_OP(in->code);
	char r = is64 ? 'r' : 'w';
	const char *s = disasm_alu_ops[op >> 4];

	if (op == BPF_NEG) {
		if (x)
			return false;
		put(o, "%c%d = -%c%d", r, in->dst_reg, r, in->dst_reg);
		return true;
	}
	if (op == BPF_END) {
		/* ALU64 | END is the unconditional bswap of cpu v4; X is not a thing there. */
		if ((is64 && x) || (in->imm != 16 && in->imm != 32 && in->imm != 64))
			return false;
		put(o, "r%d = %s%d r%d", in->dst_reg,
		    is64 ? "bswap"
		    : x	 ? "be"
			 : "le",
		    in->imm, in->dst_reg);
		return true;
	}
	if (!s)
		return false;
	if ((op == BPF_DIV || op == BPF_MOD) && in->off == V4_OFF_SIGNED)
		s = op == BPF_DIV ? "s/=" : "s%=";
	if (op == BPF_MOV && x && (in->off == 8 || in->off == 16 || in->off == 32)) {
		put(o, "%c%d = (s%d)%c%d", r, in->dst_reg, in->off, r, in->src_reg);
		return true;
	}
	if (x)
		put(o, "%c%d %s %c%d", r, in->dst_reg, s, r, in->src_reg);
	else
		put(o, "%c%d %s %d", r, in->dst_reg, s, in->imm);
	return true;
}

static bool fmt_jmp(struct out *o, const struct asm_prog *p, size_t i, const struct bpf_insn *in)
{
	bool j32 = BPF_CLASS(in->code) == BPF_JMP32;
	bool x = BPF_SRC(in->code) == BPF_X;
	unsigned op = BPF_OP(in->code);
	char r = j32 ? 'w' : 'r';
	const char *s = disasm_jmp_ops[op >> 4];
	const char *name;

	if (x && (op == BPF_JA || op == BPF_CALL || op == BPF_EXIT))
		return false;
	if (op == BPF_JA) {
		/* JMP32 | JA is cpu v4's long jump: the offset lives in imm. */
		if (j32) {
			put(o, "gotol pc%+d", in->imm);
			put_target(o, p, i, in->imm);
		} else {
			put(o, "goto pc%+d", in->off);
			put_target(o, p, i, in->off);
		}
		return true;
	}
	if (op == BPF_CALL || op == BPF_EXIT) {
		if (j32)
			return false;
		if (op == BPF_EXIT) {
			put(o, "exit");
		} else if (in->src_reg == BPF_PSEUDO_CALL) {
			put(o, "call pc%+d", in->imm);
			put_target(o, p, i, in->imm);
		} else if (in->src_reg == BPF_PSEUDO_KFUNC_CALL) {
			put(o, "call kfunc#%d", in->imm);
		} else if (in->src_reg == 0) {
			name = helper_name(in->imm);
			put(o, "call %s#%d", name ? name : "unknown", in->imm);
		} else {
			return false;
		}
		return true;
	}
	if (!s)
		return false;
	if (x)
		put(o, "if %c%d %s %c%d goto pc%+d", r, in->dst_reg, s, r, in->src_reg, in->off);
	else
		put(o, "if %c%d %s 0x%x goto pc%+d", r, in->dst_reg, s, (unsigned)in->imm, in->off);
	put_target(o, p, i, in->off);
	return true;
}

/* LD_IMM64 at i; the caller checked that its second slot exists. */
static void fmt_imm64(struct out *o, const struct asm_prog *p, size_t i)
{
	const struct bpf_insn *in = &p->insns[i];
	uint64_t v = (uint64_t)(uint32_t)in[1].imm << 32 | (uint32_t)in[0].imm;
	const char *name = asm_map_name(p, i);
	unsigned value_off = (uint32_t)in[1].imm;

	put(o, "r%d = ", in->dst_reg);
	switch (in->src_reg) {
	case BPF_PSEUDO_MAP_FD:
	case BPF_PSEUDO_MAP_VALUE:
		if (name)
			put(o, "map[%s]", name);
		else
			put(o, "map[fd:%d]", in->imm);
		if (in->src_reg == BPF_PSEUDO_MAP_VALUE)
			put(o, "[0]+%u", value_off);
		break;
	case BPF_PSEUDO_MAP_IDX:
		put(o, "map[idx:%d]", in->imm);
		break;
	case BPF_PSEUDO_MAP_IDX_VALUE:
		put(o, "map[idx:%d][0]+%u", in->imm, value_off);
		break;
	case BPF_PSEUDO_FUNC: /* bpftool's form, and the label as a call's */
		put(o, "subprog[%+d]", in->imm);
		put_target(o, p, i, in->imm);
		break;
	default:
		put(o, "0x%llx", (unsigned long long)v);
		break;
	}
}

static bool fmt_atomic(struct out *o, const struct bpf_insn *in)
{
	unsigned sz = BPF_SIZE(in->code);
	const char *w = sz == BPF_DW ? "64" : "";
	const char *t = size_names[sz >> 3];
	const char *name;

	if (sz != BPF_W && sz != BPF_DW)
		return false;
	switch (in->imm & ~BPF_FETCH) {
	case BPF_ADD:
		name = "add";
		break;
	case BPF_AND:
		name = "and";
		break;
	case BPF_OR:
		name = "or";
		break;
	case BPF_XOR:
		name = "xor";
		break;
	default:
		name = NULL;
		break;
	}
	if (name && !(in->imm & BPF_FETCH))
		put(o, "lock *(%s *)(r%d %+d) %s r%d", t, in->dst_reg, in->off,
		    disasm_alu_ops[BPF_OP(in->imm) >> 4], in->src_reg);
	else if (name)
		put(o, "r%d = atomic%s_fetch_%s((%s *)(r%d %+d), r%d)", in->src_reg, w, name, t,
		    in->dst_reg, in->off, in->src_reg);
	else if (in->imm == BPF_XCHG)
		put(o, "r%d = atomic%s_xchg((%s *)(r%d %+d), r%d)", in->src_reg, w, t, in->dst_reg,
		    in->off, in->src_reg);
	else if (in->imm == BPF_CMPXCHG)
		put(o, "r0 = atomic%s_cmpxchg((%s *)(r%d %+d), r0, r%d)", w, t, in->dst_reg,
		    in->off, in->src_reg);
	else
		return false;
	return true;
}

int disasm_insn(const struct asm_prog *p, size_t i, char *buf, size_t n)
{
	struct out o = {buf, n, 0};
	const struct bpf_insn *in;
	unsigned sz, mode;
	bool ok = false;

	if (n)
		buf[0] = '\0';
	if (i >= p->len || !p->insns) {
		put(&o, "(--) index %zu past the end (%zu insns)", i, p->len);
		return 1;
	}
	in = &p->insns[i];
	sz = BPF_SIZE(in->code);
	mode = BPF_MODE(in->code);
	put(&o, "(%02x) ", in->code);
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		ok = fmt_alu(&o, in);
		break;
	case BPF_JMP:
	case BPF_JMP32:
		ok = fmt_jmp(&o, p, i, in);
		break;
	case BPF_LD:
		if (in->code == (BPF_LD | BPF_DW | BPF_IMM)) {
			if (i + 1 >= p->len) {
				put(&o, "ld_imm64 truncated: no second slot");
				return 1;
			}
			fmt_imm64(&o, p, i);
			return 2;
		}
		if (sz == BPF_DW)
			break;
		if (mode == BPF_ABS) {
			put(&o, "r0 = *(%s *)skb[%d]", size_names[sz >> 3], in->imm);
			ok = true;
		} else if (mode == BPF_IND) {
			put(&o, "r0 = *(%s *)skb[r%d + %d]", size_names[sz >> 3], in->src_reg,
			    in->imm);
			ok = true;
		}
		break;
	case BPF_LDX:
		if (mode == BPF_MEM) {
			put(&o, "r%d = *(%s *)(r%d %+d)", in->dst_reg, size_names[sz >> 3],
			    in->src_reg, in->off);
			ok = true;
		} else if (mode == V4_MODE_MEMSX && sz != BPF_DW) {
			put(&o, "r%d = *(s%d *)(r%d %+d)", in->dst_reg, size_bits[sz >> 3],
			    in->src_reg, in->off);
			ok = true;
		}
		break;
	case BPF_ST:
		if (mode == BPF_MEM) {
			put(&o, "*(%s *)(r%d %+d) = %d", size_names[sz >> 3], in->dst_reg, in->off,
			    in->imm);
			ok = true;
		}
		break;
	case BPF_STX:
		if (mode == BPF_MEM) {
			put(&o, "*(%s *)(r%d %+d) = r%d", size_names[sz >> 3], in->dst_reg, in->off,
			    in->src_reg);
			ok = true;
		} else if (mode == BPF_ATOMIC) {
			ok = fmt_atomic(&o, in);
		}
		break;
	}
	if (!ok) {
		/* Start over so that no half-written text is left behind. */
		o.len = 0;
		put(&o, "(%02x) unknown opcode 0x%02x", in->code, in->code);
	}
	return 1;
}

static void put_labels(FILE *out, const struct asm_prog *p, size_t at)
{
	size_t k;

	/* Walk the array rather than asm_label_name(): several labels may share an index. */
	for (k = 0; k < p->nlabels; k++)
		if (p->labels[k].at == at)
			ms_fprintf(out, "%s:\n", p->labels[k].name);
}

void disasm_prog(FILE *out, const struct asm_prog *p, bool with_src)
{
	char buf[512];
	size_t i;
	int n;

	for (i = 0; i < p->len; i += (size_t)n) {
		put_labels(out, p, i);
		n = disasm_insn(p, i, buf, sizeof(buf));
		ms_fprintf(out, "%4zu: %s", i, buf);
		if (with_src && p->src && p->src[i].file) {
			asm_src_fmt(&p->src[i], buf, sizeof(buf));
			ms_fprintf(out, "  ; %s", buf);
		}
		ms_fprintf(out, "\n");
	}
	/* A label after the last instruction is legal until something jumps to it. */
	put_labels(out, p, p->len);
}
