/* SPDX-License-Identifier: MIT */
/*
 * Instruction macros and the small assembler that turns them into a program.
 *
 * Every macro yields a struct asm_insn value (one or two slots). EMIT() adds
 * one to a program and records the file:line that emitted it, and, inside a shared
 * emitter called through ASM_CALL(), the line that called it; jumps name a label and map
 * loads name a map, both resolved by asm_finish()/the loader.
 */
#ifndef MINISNOOP_BPF_ASM_H
#define MINISNOOP_BPF_ASM_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

/* Short register names; the values are the kernel's BPF_REG_*. */
#define R0  BPF_REG_0
#define R1  BPF_REG_1
#define R2  BPF_REG_2
#define R3  BPF_REG_3
#define R4  BPF_REG_4
#define R5  BPF_REG_5
#define R6  BPF_REG_6
#define R7  BPF_REG_7
#define R8  BPF_REG_8
#define R9  BPF_REG_9
#define R10 BPF_REG_10

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ASM_PACK_ lays out struct bpf_insn as a little-endian host does"
#endif

/* One slot as a 64-bit integer, laid out as struct bpf_insn is in memory: a constant that
 * the compiler can pass in a register, where a struct would be built on the stack. */
#define ASM_PACK_(c, d, s, o, i)                                                                   \
	((uint64_t)(uint8_t)(c) | (uint64_t)((d)&0xf) << 8 | (uint64_t)((s)&0xf) << 12 |           \
	 (uint64_t)(uint16_t)(o) << 16 | (uint64_t)(uint32_t)(i) << 32)

struct asm_insn {
	union {
		struct bpf_insn slot[2];
		uint64_t w[2]; /* the same slots, packed */
	};
	unsigned char n;   /* slots used: 1, or 2 for LD_IMM64 */
	unsigned char j;   /* a jump to a label: EMIT() passes it */
	const char *label; /* jump target, resolved by asm_finish() */
	const char *map;   /* map name for BPF_PSEUDO_MAP_FD loads */
};

/* A one-slot instruction that is not a jump: ASM_W_<name>() is its packed word, a constant
 * (EMIT_WORDS' tables), <name>() the instruction. */
#define ASM_I1_(word)			  ((struct asm_insn){.w = {(word), 0}, .n = 1})
#define ASM_W_BPF_ALU64_REG(op, dst, src) ASM_PACK_(BPF_ALU64 | BPF_OP(op) | BPF_X, dst, src, 0, 0)
#define ASM_W_BPF_ALU32_REG(op, dst, src) ASM_PACK_(BPF_ALU | BPF_OP(op) | BPF_X, dst, src, 0, 0)
#define ASM_W_BPF_ALU64_IMM(op, dst, imm) ASM_PACK_(BPF_ALU64 | BPF_OP(op) | BPF_K, dst, 0, 0, imm)
#define ASM_W_BPF_ALU32_IMM(op, dst, imm) ASM_PACK_(BPF_ALU | BPF_OP(op) | BPF_K, dst, 0, 0, imm)
#define ASM_W_BPF_MOV64_REG(dst, src)	  ASM_W_BPF_ALU64_REG(BPF_MOV, dst, src)
#define ASM_W_BPF_MOV32_REG(dst, src)	  ASM_W_BPF_ALU32_REG(BPF_MOV, dst, src)
#define ASM_W_BPF_MOV64_IMM(dst, imm)	  ASM_W_BPF_ALU64_IMM(BPF_MOV, dst, imm)
#define ASM_W_BPF_MOV32_IMM(dst, imm)	  ASM_W_BPF_ALU32_IMM(BPF_MOV, dst, imm)
#define ASM_W_BPF_NEG64(dst)		  ASM_PACK_(BPF_ALU64 | BPF_NEG, dst, 0, 0, 0)
#define ASM_W_BPF_NEG32(dst)		  ASM_PACK_(BPF_ALU | BPF_NEG, dst, 0, 0, 0)
#define ASM_W_BPF_ENDIAN(type, dst, bits) ASM_PACK_(BPF_ALU | BPF_END | (type), dst, 0, 0, bits)
#define ASM_W_BPF_LD_ABS(size, imm)	  ASM_PACK_(BPF_LD | BPF_SIZE(size) | BPF_ABS, 0, 0, 0, imm)
#define ASM_W_BPF_LD_IND(size, src, imm)                                                           \
	ASM_PACK_(BPF_LD | BPF_SIZE(size) | BPF_IND, 0, src, 0, imm)
#define ASM_W_BPF_LDX_MEM(size, dst, src, off)                                                     \
	ASM_PACK_(BPF_LDX | BPF_SIZE(size) | BPF_MEM, dst, src, off, 0)
#define ASM_W_BPF_STX_MEM(size, dst, src, off)                                                     \
	ASM_PACK_(BPF_STX | BPF_SIZE(size) | BPF_MEM, dst, src, off, 0)
#define ASM_W_BPF_ST_MEM(size, dst, off, imm)                                                      \
	ASM_PACK_(BPF_ST | BPF_SIZE(size) | BPF_MEM, dst, 0, off, imm)
#define ASM_W_BPF_ATOMIC_OP(size, op, dst, src, off)                                               \
	ASM_PACK_(BPF_STX | BPF_SIZE(size) | BPF_ATOMIC, dst, src, off, op)
#define ASM_W_BPF_EMIT_CALL(helper)		     ASM_PACK_(BPF_JMP | BPF_CALL, 0, 0, 0, helper)
#define ASM_W_BPF_EXIT_INSN()			     ASM_PACK_(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define ASM_W_BPF_RAW_INSN(code, dst, src, off, imm) ASM_PACK_(code, dst, src, off, imm)

#define BPF_ALU64_REG(op, dst, src) ASM_I1_(ASM_W_BPF_ALU64_REG(op, dst, src))
#define BPF_ALU32_REG(op, dst, src) ASM_I1_(ASM_W_BPF_ALU32_REG(op, dst, src))
#define BPF_ALU64_IMM(op, dst, imm) ASM_I1_(ASM_W_BPF_ALU64_IMM(op, dst, imm))
#define BPF_ALU32_IMM(op, dst, imm) ASM_I1_(ASM_W_BPF_ALU32_IMM(op, dst, imm))
#define BPF_MOV64_REG(dst, src)	    ASM_I1_(ASM_W_BPF_MOV64_REG(dst, src))
#define BPF_MOV32_REG(dst, src)	    ASM_I1_(ASM_W_BPF_MOV32_REG(dst, src))
#define BPF_MOV64_IMM(dst, imm)	    ASM_I1_(ASM_W_BPF_MOV64_IMM(dst, imm))
#define BPF_MOV32_IMM(dst, imm)	    ASM_I1_(ASM_W_BPF_MOV32_IMM(dst, imm))
#define BPF_NEG64(dst)		    ASM_I1_(ASM_W_BPF_NEG64(dst))
#define BPF_NEG32(dst)		    ASM_I1_(ASM_W_BPF_NEG32(dst))
#define BPF_ENDIAN(type, dst, bits) ASM_I1_(ASM_W_BPF_ENDIAN(type, dst, bits))

#define BPF_LD_IMM64_RAW_(dst, src, imm64, mapname)                                                \
	((struct asm_insn){                                                                        \
	    .w = {ASM_PACK_(BPF_LD | BPF_DW | BPF_IMM, dst, src, 0, (uint32_t)(uint64_t)(imm64)),  \
		  ASM_PACK_(0, 0, 0, 0, (uint64_t)(imm64) >> 32)},                                 \
	    .n = 2,                                                                                \
	    .map = (mapname)})
#define BPF_LD_IMM64(dst, imm64) BPF_LD_IMM64_RAW_(dst, 0, imm64, NULL)
/* Loads a map's fd; the name is looked up when the program is loaded. */
#define BPF_LD_MAP_FD(dst, name) BPF_LD_IMM64_RAW_(dst, BPF_PSEUDO_MAP_FD, 0, name)
/* Loads a subprogram's address (a bpf_loop callback): the one at the label, which follows
 * the main program's exit; asm_finish() puts its distance in imm. */
#define BPF_LD_FUNC(dst, lbl)                                                                      \
	((struct asm_insn){                                                                        \
	    .w = {ASM_PACK_(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_FUNC, 0, 0), 0},            \
	    .n = 2,                                                                                \
	    .label = (lbl)})

/* Legacy packet loads (socket filters): R0 = *(size *)(skb->data + [src +] imm). */
#define BPF_LD_ABS(size, imm)		       ASM_I1_(ASM_W_BPF_LD_ABS(size, imm))
#define BPF_LD_IND(size, src, imm)	       ASM_I1_(ASM_W_BPF_LD_IND(size, src, imm))
#define BPF_LDX_MEM(size, dst, src, off)       ASM_I1_(ASM_W_BPF_LDX_MEM(size, dst, src, off))
#define BPF_STX_MEM(size, dst, src, off)       ASM_I1_(ASM_W_BPF_STX_MEM(size, dst, src, off))
#define BPF_ST_MEM(size, dst, off, imm)	       ASM_I1_(ASM_W_BPF_ST_MEM(size, dst, off, imm))
#define BPF_ATOMIC_OP(size, op, dst, src, off) ASM_I1_(ASM_W_BPF_ATOMIC_OP(size, op, dst, src, off))

#define ASM_J_(c, d, s, i, lbl)                                                                    \
	((struct asm_insn){.w = {ASM_PACK_(c, d, s, 0, i), 0}, .n = 1, .j = 1, .label = (lbl)})
#define BPF_JMP_REG(op, dst, src, lbl)	 ASM_J_(BPF_JMP | BPF_OP(op) | BPF_X, dst, src, 0, lbl)
#define BPF_JMP_IMM(op, dst, imm, lbl)	 ASM_J_(BPF_JMP | BPF_OP(op) | BPF_K, dst, 0, imm, lbl)
#define BPF_JMP32_REG(op, dst, src, lbl) ASM_J_(BPF_JMP32 | BPF_OP(op) | BPF_X, dst, src, 0, lbl)
#define BPF_JMP32_IMM(op, dst, imm, lbl) ASM_J_(BPF_JMP32 | BPF_OP(op) | BPF_K, dst, 0, imm, lbl)
#define BPF_JMP_A(lbl)			 ASM_J_(BPF_JMP | BPF_JA, 0, 0, 0, lbl)

#define BPF_EMIT_CALL(helper) ASM_I1_(ASM_W_BPF_EMIT_CALL(helper))
#define BPF_EXIT_INSN()	      ASM_I1_(ASM_W_BPF_EXIT_INSN())

/* Raw encoding, for tests and for instructions without a name here. */
#define BPF_RAW_INSN(code, dst, src, off, imm) ASM_I1_(ASM_W_BPF_RAW_INSN(code, dst, src, off, imm))

/* ---- the assembler ---- */

/* Where an instruction (or label) came from: the EMIT() and, when a shared emitter emitted
 * it, the outermost ASM_CALL() of one (the program's own line that asked for it). */
struct asm_src {
	const char *file; /* the EMIT() */
	int line;
	const char *call_file; /* the ASM_CALL(), or NULL */
	int call_line;
};

struct asm_label {
	const char *name;
	size_t at; /* instruction index */
	struct asm_src src;
};

struct asm_ref {
	size_t at; /* instruction index of the jump or map load */
	const char *name;
};

struct asm_prog {
	struct bpf_insn *insns;
	struct asm_src *src; /* one per slot; the second LD_IMM64 slot repeats the first */
	size_t len, cap;
	unsigned depth; /* ASM_CALL()s under way; near the start: a shorter decrement at each */
	struct asm_label *labels;
	size_t nlabels, labels_cap;
	struct asm_ref *jumps, *maps;
	size_t njumps, jumps_cap, nmaps, maps_cap;
	char **names; /* label names made by asm_local() and asm_name(), owned here */
	size_t nnames, names_cap;
	struct asm_src call; /* the outermost ASM_CALL() under way, when depth > 0 */
	int err;	     /* first error, negative errno; later emits are ignored */
	char errmsg[256];    /* "insns/x.c:12: undefined label 'out'" */
};

/*
 * The tiny build (MINISNOOP_TINY) keeps no source lines: no dump or verify shows them, and
 * passing them costs each EMIT() site a quarter of its bytes. Its p->src stays NULL.
 */
#ifdef MINISNOOP_TINY
#define ASM_AT_PARAMS_
#define ASM_AT_
#define ASM_AT_ARGS_
#else
#define ASM_AT_PARAMS_ , const char *file, int line
#define ASM_AT_	       , __FILE__, __LINE__
#define ASM_AT_ARGS_   , file, line
#endif

/* An empty program, and the current one (asm_cur). */
void asm_init(struct asm_prog *p);
void asm_free(struct asm_prog *p);
/*
 * Takes the instruction apart so that each EMIT() site passes constants in registers (a
 * third of the size of passing the struct). ref is the label of a jump or the map of a
 * BPF_PSEUDO_MAP_FD load; the slot count follows from the opcode.
 */
void asm_emit_parts(struct asm_prog *p, uint64_t w0, uint64_t w1, const char *ref ASM_AT_PARAMS_);
void asm_emit(struct asm_prog *p, const struct asm_insn *i, const char *file, int line);
void asm_label(struct asm_prog *p, const char *name ASM_AT_PARAMS_);
/*
 * A label of its own for one use of a shared emitter: name itself the first time p is asked
 * for it, then "name_2", "name_3", ... so that an emitter used twice does not collide with
 * itself. A literal label of the same name is a duplicate that asm_label() reports. Owned by
 * p; ask once per label and keep the pointer. Names are cut at 63 bytes. Out of memory, p
 * keeps the error (-ENOMEM) and the name is "".
 */
const char *asm_local(struct asm_prog *p, const char *name);
/* asm_local() of prefix and n ("next3"), for labels inside C loops. */
const char *asm_name(struct asm_prog *p, const char *prefix, unsigned n);
/* Resolves jump labels. Returns 0 or a negative errno with p->errmsg set. */
int asm_finish(struct asm_prog *p);
/* Index of label name, or -1. */
long asm_label_at(const struct asm_prog *p, const char *name);
/* Name of the label at instruction index at, or NULL. */
const char *asm_label_name(const struct asm_prog *p, size_t at);
/* Name of the map referenced by the LD_IMM64 at index at, or NULL. */
const char *asm_map_name(const struct asm_prog *p, size_t at);
/* "call_file:call_line < file:line", or "file:line" without a call, into buf; its length as
 * snprintf's. */
int asm_src_fmt(const struct asm_src *s, char *buf, size_t n);

/* Starts a call of a shared emitter at file:line; the outermost of nested calls is kept. */
void asm_enter(struct asm_prog *p, const char *file, int line);
/*
 * The program asm_init() was last given: where EMIT() of an instruction of one slot with no
 * label (all but jumps and LD_IMM64) adds it, a call site that passes the packed slot alone
 * (3 bytes less each, 2 KB of either build). Programs are assembled one at a time; the host
 * builds of the tests check that each such EMIT() names the current one (asm_check_cur).
 */
extern struct asm_prog *asm_cur;
void asm_emit_op(uint64_t w0 ASM_AT_PARAMS_);
/* A run of n such words (one-slot instructions that are not jumps), each as asm_emit_op();
 * in the full build each has the run's line. */
void asm_emit_words(const uint64_t *w, size_t n ASM_AT_PARAMS_);
/* The same for a jump, and LABEL()'s, into the current program. */
void asm_jump_op(uint64_t w0, const char *label ASM_AT_PARAMS_);
void asm_label_op(const char *name ASM_AT_PARAMS_);
void asm_check_cur(const struct asm_prog *p);
#ifdef MINISNOOP_ASM_CHECK /* the Makefile's host and fuzz builds */
#define ASM_CUR_(p) asm_check_cur(p)
#else
#define ASM_CUR_(p) ((void)(p))
#endif

/* ASM_CALL(p, call): call (of a shared emitter) with its call site recorded, so that each
 * instruction it emits names this line as well as its own: "insns/exec.c:110 <
 * insns/common.c:8". LABEL(p, name): a label here. */
#ifdef MINISNOOP_TINY
#define ASM_CALL(p, call)   (call)
#define ASM_WORDS_(p, w, n) (ASM_CUR_(p), asm_emit_words((w), (n)))
#define ASM_OP_(p, w0)	    (ASM_CUR_(p), asm_emit_op((w0)))
#define ASM_JUMP_(p, w0, l) (ASM_CUR_(p), asm_jump_op((w0), (l)))
#define LABEL(p, name)	    (ASM_CUR_(p), asm_label_op((name)))
#else
/*
 * Each file's own stubs pass its name (__BASE_FILE__: the .c file being compiled, which is
 * the __FILE__ of every EMIT() site, none being in a header): a site passes its line only,
 * 7 bytes less each. Unused ones are not linked (--gc-sections).
 */
__attribute__((noinline, unused)) static void asm_op_here_(uint64_t w0, int line)
{
	asm_emit_op(w0, __BASE_FILE__, line);
}
__attribute__((noinline, unused)) static void asm_jump_here_(uint64_t w0, const char *label,
							     int line)
{
	asm_jump_op(w0, label, __BASE_FILE__, line);
}
__attribute__((noinline, unused)) static void asm_label_here_(const char *name, int line)
{
	asm_label_op(name, __BASE_FILE__, line);
}
__attribute__((noinline, unused)) static void asm_enter_here_(int line)
{
	asm_enter(asm_cur, __BASE_FILE__, line);
}
__attribute__((noinline, unused)) static void asm_words_here_(const uint64_t *w, size_t n, int line)
{
	asm_emit_words(w, n, __BASE_FILE__, line);
}
#define ASM_WORDS_(p, w, n) (ASM_CUR_(p), asm_words_here_((w), (n), __LINE__))
#define ASM_CALL(p, call)   (ASM_CUR_(p), asm_enter_here_(__LINE__), (call), (void)--(p)->depth)
#define ASM_OP_(p, w0)	    (ASM_CUR_(p), asm_op_here_((w0), __LINE__))
#define ASM_JUMP_(p, w0, l) (ASM_CUR_(p), asm_jump_here_((w0), (l), __LINE__))
#define LABEL(p, name)	    (ASM_CUR_(p), asm_label_here_((name), __LINE__))
#endif

/* One-slot instructions (all but LD_IMM64) pass no second word, and those that are not
 * jumps no label and no program (asm_cur): smaller call sites. */
#define EMIT(p, insn)                                                                              \
	((insn).n == 2 ? asm_emit_parts((p), (insn).w[0], (insn).w[1],                             \
					(insn).label ? (insn).label : (insn).map ASM_AT_)          \
	 : (insn).j    ? ASM_JUMP_((p), (insn).w[0], (insn).label)                                 \
		       : ASM_OP_((p), (insn).w[0]))

/*
 * EMIT_WORDS(p, NAME(args), ...): a run of one-slot instructions that are not jumps, whose
 * operands are constants, named without their BPF_ (MOV64_REG(R1, R6)), as a table of their
 * packed words emitted in one call: 8 bytes of read-only data an instruction (packed with the
 * rest: tools/link-packed.sh) in place of a call site of 10 to 15 (issue 21). An instruction
 * that cannot be in one (a jump, a map load) has no ASM_W_ form: a compile error. Up to 24
 * instructions a run. (Without BPF_, no argument is a macro that the layers below would expand
 * into the instruction's struct before it is pasted onto ASM_W_BPF_.)
 */
#define ASM_W_OF_(insn)	       ASM_W_BPF_##insn,
#define ASM_EACH1_(f, x)       f(x)
#define ASM_EACH2_(f, x, ...)  f(x) ASM_EACH1_(f, __VA_ARGS__)
#define ASM_EACH3_(f, x, ...)  f(x) ASM_EACH2_(f, __VA_ARGS__)
#define ASM_EACH4_(f, x, ...)  f(x) ASM_EACH3_(f, __VA_ARGS__)
#define ASM_EACH5_(f, x, ...)  f(x) ASM_EACH4_(f, __VA_ARGS__)
#define ASM_EACH6_(f, x, ...)  f(x) ASM_EACH5_(f, __VA_ARGS__)
#define ASM_EACH7_(f, x, ...)  f(x) ASM_EACH6_(f, __VA_ARGS__)
#define ASM_EACH8_(f, x, ...)  f(x) ASM_EACH7_(f, __VA_ARGS__)
#define ASM_EACH9_(f, x, ...)  f(x) ASM_EACH8_(f, __VA_ARGS__)
#define ASM_EACH10_(f, x, ...) f(x) ASM_EACH9_(f, __VA_ARGS__)
#define ASM_EACH11_(f, x, ...) f(x) ASM_EACH10_(f, __VA_ARGS__)
#define ASM_EACH12_(f, x, ...) f(x) ASM_EACH11_(f, __VA_ARGS__)
#define ASM_EACH13_(f, x, ...) f(x) ASM_EACH12_(f, __VA_ARGS__)
#define ASM_EACH14_(f, x, ...) f(x) ASM_EACH13_(f, __VA_ARGS__)
#define ASM_EACH15_(f, x, ...) f(x) ASM_EACH14_(f, __VA_ARGS__)
#define ASM_EACH16_(f, x, ...) f(x) ASM_EACH15_(f, __VA_ARGS__)
#define ASM_EACH17_(f, x, ...) f(x) ASM_EACH16_(f, __VA_ARGS__)
#define ASM_EACH18_(f, x, ...) f(x) ASM_EACH17_(f, __VA_ARGS__)
#define ASM_EACH19_(f, x, ...) f(x) ASM_EACH18_(f, __VA_ARGS__)
#define ASM_EACH20_(f, x, ...) f(x) ASM_EACH19_(f, __VA_ARGS__)
#define ASM_EACH21_(f, x, ...) f(x) ASM_EACH20_(f, __VA_ARGS__)
#define ASM_EACH22_(f, x, ...) f(x) ASM_EACH21_(f, __VA_ARGS__)
#define ASM_EACH23_(f, x, ...) f(x) ASM_EACH22_(f, __VA_ARGS__)
#define ASM_EACH24_(f, x, ...) f(x) ASM_EACH23_(f, __VA_ARGS__)
#define ASM_NTH_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18,  \
		 _19, _20, _21, _22, _23, _24, n, ...)                                             \
	ASM_EACH##n##_
#define ASM_EACH_(f, ...)                                                                          \
	ASM_NTH_(__VA_ARGS__, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, \
		 6, 5, 4, 3, 2, 1, 0)                                                              \
	(f, __VA_ARGS__)
#define EMIT_WORDS(p, ...)                                                                         \
	do {                                                                                       \
		static const uint64_t words_[] = {ASM_EACH_(ASM_W_OF_, __VA_ARGS__)};              \
		ASM_WORDS_((p), words_, sizeof(words_) / sizeof(words_[0]));                       \
	} while (0)

#endif
