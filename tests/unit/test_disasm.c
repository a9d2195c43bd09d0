// SPDX-License-Identifier: MIT
/* Instruction macros, the assembler's label resolution, and the disassembler. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bpf_asm.h"
#include "disasm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct text_case {
	struct asm_insn in;
	const char *want;
};

/* Each case alone in a program, followed by label "t" so jumps have a target. */
static void check_texts(const struct text_case *c, size_t n)
{
	char buf[256];
	size_t k;

	for (k = 0; k < n; k++) {
		struct asm_prog p;

		asm_init(&p);
		EMIT(&p, c[k].in);
		LABEL(&p, "t");
		EMIT(&p, BPF_EXIT_INSN());
		assert_int_equal(asm_finish(&p), 0);
		assert_int_equal(disasm_insn(&p, 0, buf, sizeof(buf)), c[k].in.n);
		assert_string_equal(buf, c[k].want);
		asm_free(&p);
	}
}

#define CHECK_TEXTS(cases) check_texts(cases, sizeof(cases) / sizeof(cases[0]))

/* Opcodes below come from the kernel's documented opcode table, not from the macros. */
static void test_encodings(void **state)
{
	struct {
		struct asm_insn in;
		uint8_t code, dst, src;
		int16_t off;
		int32_t imm;
	} c[] = {
	    {BPF_MOV64_REG(R6, R1), 0xbf, 6, 1, 0, 0},
	    {BPF_MOV64_IMM(R0, 0), 0xb7, 0, 0, 0, 0},
	    {BPF_MOV32_IMM(R1, 7), 0xb4, 1, 0, 0, 7},
	    {BPF_MOV32_REG(R1, R2), 0xbc, 1, 2, 0, 0},
	    {BPF_ALU64_IMM(BPF_ADD, R1, -8), 0x07, 1, 0, 0, -8},
	    {BPF_ALU64_REG(BPF_SUB, R1, R2), 0x1f, 1, 2, 0, 0},
	    {BPF_ALU32_IMM(BPF_AND, R3, 1), 0x54, 3, 0, 0, 1},
	    {BPF_ALU64_IMM(BPF_ARSH, R3, 2), 0xc7, 3, 0, 0, 2},
	    {BPF_NEG64(R4), 0x87, 4, 0, 0, 0},
	    {BPF_NEG32(R4), 0x84, 4, 0, 0, 0},
	    {BPF_ENDIAN(BPF_TO_BE, R1, 16), 0xdc, 1, 0, 0, 16},
	    {BPF_ENDIAN(BPF_TO_LE, R1, 32), 0xd4, 1, 0, 0, 32},
	    {BPF_LD_ABS(BPF_H, 12), 0x28, 0, 0, 0, 12},
	    {BPF_LD_IND(BPF_B, R6, 3), 0x50, 0, 6, 0, 3},
	    {BPF_LDX_MEM(BPF_DW, R0, R1, 8), 0x79, 0, 1, 8, 0},
	    {BPF_LDX_MEM(BPF_W, R0, R1, 8), 0x61, 0, 1, 8, 0},
	    {BPF_STX_MEM(BPF_DW, R10, R1, -8), 0x7b, 10, 1, -8, 0},
	    {BPF_STX_MEM(BPF_B, R10, R1, -1), 0x73, 10, 1, -1, 0},
	    {BPF_ST_MEM(BPF_H, R10, -2, 5), 0x6a, 10, 0, -2, 5},
	    {BPF_ATOMIC_OP(BPF_W, BPF_ADD, R1, R2, 0), 0xc3, 1, 2, 0, 0x00},
	    {BPF_ATOMIC_OP(BPF_DW, BPF_OR | BPF_FETCH, R1, R2, 0), 0xdb, 1, 2, 0, 0x41},
	    {BPF_ATOMIC_OP(BPF_DW, BPF_XCHG, R1, R2, 0), 0xdb, 1, 2, 0, 0xe1},
	    {BPF_ATOMIC_OP(BPF_W, BPF_CMPXCHG, R1, R2, 0), 0xc3, 1, 2, 0, 0xf1},
	    {BPF_JMP_IMM(BPF_JEQ, R0, 0, "x"), 0x15, 0, 0, 0, 0},
	    {BPF_JMP_REG(BPF_JSGT, R1, R2, "x"), 0x6d, 1, 2, 0, 0},
	    {BPF_JMP32_IMM(BPF_JEQ, R1, 3, "x"), 0x16, 1, 0, 0, 3},
	    {BPF_JMP32_REG(BPF_JLT, R1, R2, "x"), 0xae, 1, 2, 0, 0},
	    {BPF_JMP_A("x"), 0x05, 0, 0, 0, 0},
	    {BPF_EMIT_CALL(BPF_FUNC_get_current_pid_tgid), 0x85, 0, 0, 0, 14},
	    {BPF_EXIT_INSN(), 0x95, 0, 0, 0, 0},
	};
	struct asm_insn m = BPF_LD_MAP_FD(R1, "events");
	struct asm_insn imm = BPF_LD_IMM64(R2, 0x1122334455667788ULL);
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		const struct bpf_insn *s = &c[k].in.slot[0];

		assert_int_equal(c[k].in.n, 1);
		assert_int_equal(s->code, c[k].code);
		assert_int_equal(s->dst_reg, c[k].dst);
		assert_int_equal(s->src_reg, c[k].src);
		assert_int_equal(s->off, c[k].off);
		assert_int_equal(s->imm, c[k].imm);
	}

	assert_int_equal(m.n, 2);
	assert_int_equal(m.slot[0].code, 0x18);
	assert_int_equal(m.slot[0].src_reg, 1);
	assert_int_equal(m.slot[0].dst_reg, 1);
	assert_int_equal(m.slot[1].code, 0);
	assert_string_equal(m.map, "events");

	assert_int_equal(imm.slot[0].src_reg, 0);
	assert_int_equal((uint32_t)imm.slot[0].imm, 0x55667788u);
	assert_int_equal((uint32_t)imm.slot[1].imm, 0x11223344u);
}

static void test_alu(void **state)
{
	struct text_case c[] = {
	    {BPF_ALU64_IMM(BPF_ADD, R1, 5), "(07) r1 += 5"},
	    {BPF_ALU64_IMM(BPF_ADD, R1, -8), "(07) r1 += -8"},
	    {BPF_ALU64_IMM(BPF_SUB, R1, 5), "(17) r1 -= 5"},
	    {BPF_ALU64_IMM(BPF_MUL, R1, 5), "(27) r1 *= 5"},
	    {BPF_ALU64_IMM(BPF_DIV, R1, 5), "(37) r1 /= 5"},
	    {BPF_ALU64_IMM(BPF_OR, R1, 5), "(47) r1 |= 5"},
	    {BPF_ALU64_IMM(BPF_AND, R1, 5), "(57) r1 &= 5"},
	    {BPF_ALU64_IMM(BPF_LSH, R1, 5), "(67) r1 <<= 5"},
	    {BPF_ALU64_IMM(BPF_RSH, R1, 5), "(77) r1 >>= 5"},
	    {BPF_ALU64_IMM(BPF_MOD, R1, 5), "(97) r1 %= 5"},
	    {BPF_ALU64_IMM(BPF_XOR, R1, 5), "(a7) r1 ^= 5"},
	    {BPF_MOV64_IMM(R1, -1), "(b7) r1 = -1"},
	    {BPF_ALU64_IMM(BPF_ARSH, R1, 5), "(c7) r1 s>>= 5"},
	    {BPF_ALU64_REG(BPF_ADD, R1, R2), "(0f) r1 += r2"},
	    {BPF_ALU64_REG(BPF_SUB, R1, R2), "(1f) r1 -= r2"},
	    {BPF_ALU64_REG(BPF_MUL, R1, R2), "(2f) r1 *= r2"},
	    {BPF_ALU64_REG(BPF_DIV, R1, R2), "(3f) r1 /= r2"},
	    {BPF_ALU64_REG(BPF_OR, R1, R2), "(4f) r1 |= r2"},
	    {BPF_ALU64_REG(BPF_AND, R1, R2), "(5f) r1 &= r2"},
	    {BPF_ALU64_REG(BPF_LSH, R1, R2), "(6f) r1 <<= r2"},
	    {BPF_ALU64_REG(BPF_RSH, R1, R2), "(7f) r1 >>= r2"},
	    {BPF_ALU64_REG(BPF_MOD, R1, R2), "(9f) r1 %= r2"},
	    {BPF_ALU64_REG(BPF_XOR, R1, R2), "(af) r1 ^= r2"},
	    {BPF_MOV64_REG(R6, R1), "(bf) r6 = r1"},
	    {BPF_ALU64_REG(BPF_ARSH, R1, R2), "(cf) r1 s>>= r2"},
	    {BPF_ALU32_IMM(BPF_ADD, R1, 5), "(04) w1 += 5"},
	    {BPF_ALU32_IMM(BPF_SUB, R1, 5), "(14) w1 -= 5"},
	    {BPF_ALU32_IMM(BPF_MUL, R1, 5), "(24) w1 *= 5"},
	    {BPF_ALU32_IMM(BPF_DIV, R1, 5), "(34) w1 /= 5"},
	    {BPF_ALU32_IMM(BPF_OR, R1, 5), "(44) w1 |= 5"},
	    {BPF_ALU32_IMM(BPF_AND, R1, 5), "(54) w1 &= 5"},
	    {BPF_ALU32_IMM(BPF_LSH, R1, 5), "(64) w1 <<= 5"},
	    {BPF_ALU32_IMM(BPF_RSH, R1, 5), "(74) w1 >>= 5"},
	    {BPF_ALU32_IMM(BPF_MOD, R1, 5), "(94) w1 %= 5"},
	    {BPF_ALU32_IMM(BPF_XOR, R1, 5), "(a4) w1 ^= 5"},
	    {BPF_MOV32_IMM(R1, 0), "(b4) w1 = 0"},
	    {BPF_ALU32_IMM(BPF_ARSH, R1, 5), "(c4) w1 s>>= 5"},
	    {BPF_ALU32_REG(BPF_ADD, R1, R2), "(0c) w1 += w2"},
	    {BPF_ALU32_REG(BPF_SUB, R1, R2), "(1c) w1 -= w2"},
	    {BPF_ALU32_REG(BPF_MUL, R1, R2), "(2c) w1 *= w2"},
	    {BPF_ALU32_REG(BPF_DIV, R1, R2), "(3c) w1 /= w2"},
	    {BPF_ALU32_REG(BPF_OR, R1, R2), "(4c) w1 |= w2"},
	    {BPF_ALU32_REG(BPF_AND, R1, R2), "(5c) w1 &= w2"},
	    {BPF_ALU32_REG(BPF_LSH, R1, R2), "(6c) w1 <<= w2"},
	    {BPF_ALU32_REG(BPF_RSH, R1, R2), "(7c) w1 >>= w2"},
	    {BPF_ALU32_REG(BPF_MOD, R1, R2), "(9c) w1 %= w2"},
	    {BPF_ALU32_REG(BPF_XOR, R1, R2), "(ac) w1 ^= w2"},
	    {BPF_MOV32_REG(R1, R2), "(bc) w1 = w2"},
	    {BPF_ALU32_REG(BPF_ARSH, R1, R2), "(cc) w1 s>>= w2"},
	    {BPF_NEG64(R3), "(87) r3 = -r3"},
	    {BPF_NEG32(R3), "(84) w3 = -w3"},
	    {BPF_ENDIAN(BPF_TO_BE, R1, 16), "(dc) r1 = be16 r1"},
	    {BPF_ENDIAN(BPF_TO_BE, R1, 32), "(dc) r1 = be32 r1"},
	    {BPF_ENDIAN(BPF_TO_BE, R1, 64), "(dc) r1 = be64 r1"},
	    {BPF_ENDIAN(BPF_TO_LE, R2, 16), "(d4) r2 = le16 r2"},
	    {BPF_ENDIAN(BPF_TO_LE, R2, 64), "(d4) r2 = le64 r2"},
	};

	(void)state;
	CHECK_TEXTS(c);
}

static void test_jmp(void **state)
{
	struct text_case c[] = {
	    {BPF_JMP_IMM(BPF_JEQ, R1, 3, "t"), "(15) if r1 == 0x3 goto pc+0 <t>"},
	    {BPF_JMP_IMM(BPF_JGT, R1, 3, "t"), "(25) if r1 > 0x3 goto pc+0 <t>"},
	    {BPF_JMP_IMM(BPF_JGE, R1, 3, "t"), "(35) if r1 >= 0x3 goto pc+0 <t>"},
	    {BPF_JMP_IMM(BPF_JSET, R1, 3, "t"), "(45) if r1 & 0x3 goto pc+0 <t>"},
	    {BPF_JMP_IMM(BPF_JNE, R1, 3, "t"), "(55) if r1 != 0x3 goto pc+0 <t>"},
	    {BPF_JMP_IMM(BPF_JSGT, R1, -1, "t"), "(65) if r1 s> 0xffffffff goto pc+0 <t>"},
	    {BPF_JMP_IMM(BPF_JSGE, R1, 3, "t"), "(75) if r1 s>= 0x3 goto pc+0 <t>"},
	    {BPF_JMP_IMM(BPF_JLT, R1, 3, "t"), "(a5) if r1 < 0x3 goto pc+0 <t>"},
	    {BPF_JMP_IMM(BPF_JLE, R1, 3, "t"), "(b5) if r1 <= 0x3 goto pc+0 <t>"},
	    {BPF_JMP_IMM(BPF_JSLT, R1, 3, "t"), "(c5) if r1 s< 0x3 goto pc+0 <t>"},
	    {BPF_JMP_IMM(BPF_JSLE, R1, 3, "t"), "(d5) if r1 s<= 0x3 goto pc+0 <t>"},
	    {BPF_JMP_REG(BPF_JEQ, R1, R2, "t"), "(1d) if r1 == r2 goto pc+0 <t>"},
	    {BPF_JMP_REG(BPF_JGT, R1, R2, "t"), "(2d) if r1 > r2 goto pc+0 <t>"},
	    {BPF_JMP_REG(BPF_JGE, R1, R2, "t"), "(3d) if r1 >= r2 goto pc+0 <t>"},
	    {BPF_JMP_REG(BPF_JSET, R1, R2, "t"), "(4d) if r1 & r2 goto pc+0 <t>"},
	    {BPF_JMP_REG(BPF_JNE, R1, R2, "t"), "(5d) if r1 != r2 goto pc+0 <t>"},
	    {BPF_JMP_REG(BPF_JSGT, R1, R2, "t"), "(6d) if r1 s> r2 goto pc+0 <t>"},
	    {BPF_JMP_REG(BPF_JSGE, R1, R2, "t"), "(7d) if r1 s>= r2 goto pc+0 <t>"},
	    {BPF_JMP_REG(BPF_JLT, R1, R2, "t"), "(ad) if r1 < r2 goto pc+0 <t>"},
	    {BPF_JMP_REG(BPF_JLE, R1, R2, "t"), "(bd) if r1 <= r2 goto pc+0 <t>"},
	    {BPF_JMP_REG(BPF_JSLT, R1, R2, "t"), "(cd) if r1 s< r2 goto pc+0 <t>"},
	    {BPF_JMP_REG(BPF_JSLE, R1, R2, "t"), "(dd) if r1 s<= r2 goto pc+0 <t>"},
	    {BPF_JMP32_IMM(BPF_JEQ, R1, 3, "t"), "(16) if w1 == 0x3 goto pc+0 <t>"},
	    {BPF_JMP32_IMM(BPF_JGT, R1, 3, "t"), "(26) if w1 > 0x3 goto pc+0 <t>"},
	    {BPF_JMP32_IMM(BPF_JGE, R1, 3, "t"), "(36) if w1 >= 0x3 goto pc+0 <t>"},
	    {BPF_JMP32_IMM(BPF_JSET, R1, 3, "t"), "(46) if w1 & 0x3 goto pc+0 <t>"},
	    {BPF_JMP32_IMM(BPF_JNE, R1, 3, "t"), "(56) if w1 != 0x3 goto pc+0 <t>"},
	    {BPF_JMP32_IMM(BPF_JSGT, R1, 3, "t"), "(66) if w1 s> 0x3 goto pc+0 <t>"},
	    {BPF_JMP32_IMM(BPF_JSGE, R1, 3, "t"), "(76) if w1 s>= 0x3 goto pc+0 <t>"},
	    {BPF_JMP32_IMM(BPF_JLT, R1, 3, "t"), "(a6) if w1 < 0x3 goto pc+0 <t>"},
	    {BPF_JMP32_IMM(BPF_JLE, R1, 3, "t"), "(b6) if w1 <= 0x3 goto pc+0 <t>"},
	    {BPF_JMP32_IMM(BPF_JSLT, R1, 3, "t"), "(c6) if w1 s< 0x3 goto pc+0 <t>"},
	    {BPF_JMP32_IMM(BPF_JSLE, R1, 3, "t"), "(d6) if w1 s<= 0x3 goto pc+0 <t>"},
	    {BPF_JMP32_REG(BPF_JEQ, R1, R2, "t"), "(1e) if w1 == w2 goto pc+0 <t>"},
	    {BPF_JMP32_REG(BPF_JGT, R1, R2, "t"), "(2e) if w1 > w2 goto pc+0 <t>"},
	    {BPF_JMP32_REG(BPF_JGE, R1, R2, "t"), "(3e) if w1 >= w2 goto pc+0 <t>"},
	    {BPF_JMP32_REG(BPF_JSET, R1, R2, "t"), "(4e) if w1 & w2 goto pc+0 <t>"},
	    {BPF_JMP32_REG(BPF_JNE, R1, R2, "t"), "(5e) if w1 != w2 goto pc+0 <t>"},
	    {BPF_JMP32_REG(BPF_JSGT, R1, R2, "t"), "(6e) if w1 s> w2 goto pc+0 <t>"},
	    {BPF_JMP32_REG(BPF_JSGE, R1, R2, "t"), "(7e) if w1 s>= w2 goto pc+0 <t>"},
	    {BPF_JMP32_REG(BPF_JLT, R1, R2, "t"), "(ae) if w1 < w2 goto pc+0 <t>"},
	    {BPF_JMP32_REG(BPF_JLE, R1, R2, "t"), "(be) if w1 <= w2 goto pc+0 <t>"},
	    {BPF_JMP32_REG(BPF_JSLT, R1, R2, "t"), "(ce) if w1 s< w2 goto pc+0 <t>"},
	    {BPF_JMP32_REG(BPF_JSLE, R1, R2, "t"), "(de) if w1 s<= w2 goto pc+0 <t>"},
	    {BPF_JMP_A("t"), "(05) goto pc+0 <t>"},
	    {BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem), "(85) call map_lookup_elem#1"},
	    {BPF_EMIT_CALL(BPF_FUNC_get_current_pid_tgid), "(85) call get_current_pid_tgid#14"},
	    {BPF_EMIT_CALL(BPF_FUNC_perf_event_output), "(85) call perf_event_output#25"},
	    {BPF_EMIT_CALL(100000), "(85) call unknown#100000"},
	    {BPF_EMIT_CALL(-1), "(85) call unknown#-1"},
	    {BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0), "(85) call pc+0 <t>"},
	    {BPF_EXIT_INSN(), "(95) exit"},
	};

	(void)state;
	CHECK_TEXTS(c);
}

/* A function's address (a bpf_loop callback): the label's distance goes to imm, off stays 0,
 * as the kernel reads it (the subprogram at i + imm + 1). */
static void test_ld_func_imm(void **state)
{
	struct asm_prog p;
	char buf[128];

	(void)state;
	asm_init(&p);
	EMIT(&p, BPF_LD_FUNC(R2, "cb"));
	EMIT(&p, BPF_EXIT_INSN());
	EMIT(&p, BPF_EXIT_INSN());
	LABEL(&p, "cb");
	EMIT(&p, BPF_EXIT_INSN());
	assert_int_equal(asm_finish(&p), 0);
	assert_int_equal(p.insns[0].src_reg, BPF_PSEUDO_FUNC);
	assert_int_equal(p.insns[0].imm, 3);
	assert_int_equal(p.insns[0].off, 0);
	disasm_insn(&p, 0, buf, sizeof(buf));
	assert_string_equal(buf, "(18) r2 = subprog[+3] <cb>");
	asm_free(&p);
}

static void test_ld_mem(void **state)
{
	struct text_case c[] = {
	    {BPF_LD_IMM64(R2, 0x123456789abcdefULL), "(18) r2 = 0x123456789abcdef"},
	    {BPF_LD_IMM64(R0, -1), "(18) r0 = 0xffffffffffffffff"},
	    {BPF_LD_IMM64(R1, 0), "(18) r1 = 0x0"},
	    {BPF_LD_MAP_FD(R1, "events"), "(18) r1 = map[events]"},
	    {BPF_LD_FUNC(R2, "t"), "(18) r2 = subprog[+1] <t>"},
	    {BPF_LD_ABS(BPF_W, 14), "(20) r0 = *(u32 *)skb[14]"},
	    {BPF_LD_ABS(BPF_H, 14), "(28) r0 = *(u16 *)skb[14]"},
	    {BPF_LD_ABS(BPF_B, 14), "(30) r0 = *(u8 *)skb[14]"},
	    {BPF_LD_IND(BPF_W, R6, 2), "(40) r0 = *(u32 *)skb[r6 + 2]"},
	    {BPF_LD_IND(BPF_H, R6, 2), "(48) r0 = *(u16 *)skb[r6 + 2]"},
	    {BPF_LD_IND(BPF_B, R6, -2), "(50) r0 = *(u8 *)skb[r6 + -2]"},
	    {BPF_LDX_MEM(BPF_W, R0, R1, 8), "(61) r0 = *(u32 *)(r1 +8)"},
	    {BPF_LDX_MEM(BPF_H, R0, R1, 0), "(69) r0 = *(u16 *)(r1 +0)"},
	    {BPF_LDX_MEM(BPF_B, R0, R1, 1), "(71) r0 = *(u8 *)(r1 +1)"},
	    {BPF_LDX_MEM(BPF_DW, R3, R10, -8), "(79) r3 = *(u64 *)(r10 -8)"},
	    {BPF_ST_MEM(BPF_W, R10, -4, 7), "(62) *(u32 *)(r10 -4) = 7"},
	    {BPF_ST_MEM(BPF_H, R10, -2, 7), "(6a) *(u16 *)(r10 -2) = 7"},
	    {BPF_ST_MEM(BPF_B, R10, -1, 7), "(72) *(u8 *)(r10 -1) = 7"},
	    {BPF_ST_MEM(BPF_DW, R10, -16, -1), "(7a) *(u64 *)(r10 -16) = -1"},
	    {BPF_STX_MEM(BPF_W, R10, R1, -4), "(63) *(u32 *)(r10 -4) = r1"},
	    {BPF_STX_MEM(BPF_H, R10, R1, -2), "(6b) *(u16 *)(r10 -2) = r1"},
	    {BPF_STX_MEM(BPF_B, R10, R1, -1), "(73) *(u8 *)(r10 -1) = r1"},
	    {BPF_STX_MEM(BPF_DW, R10, R1, -8), "(7b) *(u64 *)(r10 -8) = r1"},
	    {BPF_STX_MEM(BPF_DW, R1, R2, 16), "(7b) *(u64 *)(r1 +16) = r2"},
	};

	(void)state;
	CHECK_TEXTS(c);
}

static void test_atomic(void **state)
{
	struct text_case c[] = {
	    {BPF_ATOMIC_OP(BPF_W, BPF_ADD, R1, R2, 0), "(c3) lock *(u32 *)(r1 +0) += r2"},
	    {BPF_ATOMIC_OP(BPF_W, BPF_AND, R1, R2, 4), "(c3) lock *(u32 *)(r1 +4) &= r2"},
	    {BPF_ATOMIC_OP(BPF_W, BPF_OR, R1, R2, 0), "(c3) lock *(u32 *)(r1 +0) |= r2"},
	    {BPF_ATOMIC_OP(BPF_W, BPF_XOR, R1, R2, 0), "(c3) lock *(u32 *)(r1 +0) ^= r2"},
	    {BPF_ATOMIC_OP(BPF_DW, BPF_ADD, R10, R3, -8), "(db) lock *(u64 *)(r10 -8) += r3"},
	    {BPF_ATOMIC_OP(BPF_DW, BPF_AND, R1, R2, 0), "(db) lock *(u64 *)(r1 +0) &= r2"},
	    {BPF_ATOMIC_OP(BPF_DW, BPF_OR, R1, R2, 0), "(db) lock *(u64 *)(r1 +0) |= r2"},
	    {BPF_ATOMIC_OP(BPF_DW, BPF_XOR, R1, R2, 0), "(db) lock *(u64 *)(r1 +0) ^= r2"},
	    {BPF_ATOMIC_OP(BPF_W, BPF_ADD | BPF_FETCH, R1, R2, 0),
	     "(c3) r2 = atomic_fetch_add((u32 *)(r1 +0), r2)"},
	    {BPF_ATOMIC_OP(BPF_W, BPF_AND | BPF_FETCH, R1, R2, 0),
	     "(c3) r2 = atomic_fetch_and((u32 *)(r1 +0), r2)"},
	    {BPF_ATOMIC_OP(BPF_W, BPF_OR | BPF_FETCH, R1, R2, 0),
	     "(c3) r2 = atomic_fetch_or((u32 *)(r1 +0), r2)"},
	    {BPF_ATOMIC_OP(BPF_W, BPF_XOR | BPF_FETCH, R1, R2, 0),
	     "(c3) r2 = atomic_fetch_xor((u32 *)(r1 +0), r2)"},
	    {BPF_ATOMIC_OP(BPF_DW, BPF_ADD | BPF_FETCH, R10, R3, -8),
	     "(db) r3 = atomic64_fetch_add((u64 *)(r10 -8), r3)"},
	    {BPF_ATOMIC_OP(BPF_DW, BPF_AND | BPF_FETCH, R1, R2, 0),
	     "(db) r2 = atomic64_fetch_and((u64 *)(r1 +0), r2)"},
	    {BPF_ATOMIC_OP(BPF_DW, BPF_OR | BPF_FETCH, R1, R2, 0),
	     "(db) r2 = atomic64_fetch_or((u64 *)(r1 +0), r2)"},
	    {BPF_ATOMIC_OP(BPF_DW, BPF_XOR | BPF_FETCH, R1, R2, 0),
	     "(db) r2 = atomic64_fetch_xor((u64 *)(r1 +0), r2)"},
	    {BPF_ATOMIC_OP(BPF_W, BPF_XCHG, R1, R2, 4),
	     "(c3) r2 = atomic_xchg((u32 *)(r1 +4), r2)"},
	    {BPF_ATOMIC_OP(BPF_DW, BPF_XCHG, R1, R2, 0),
	     "(db) r2 = atomic64_xchg((u64 *)(r1 +0), r2)"},
	    {BPF_ATOMIC_OP(BPF_W, BPF_CMPXCHG, R1, R2, 0),
	     "(c3) r0 = atomic_cmpxchg((u32 *)(r1 +0), r0, r2)"},
	    {BPF_ATOMIC_OP(BPF_DW, BPF_CMPXCHG, R10, R2, -8),
	     "(db) r0 = atomic64_cmpxchg((u64 *)(r10 -8), r0, r2)"},
	};

	(void)state;
	CHECK_TEXTS(c);
}

/* Encodings that no valid program has; each must name its opcode and not crash. */
static void test_unknown_opcodes(void **state)
{
	struct text_case c[] = {
	    {BPF_RAW_INSN(0xff, 0, 0, 0, 0), "(ff) unknown opcode 0xff"},
	    {BPF_RAW_INSN(0x00, 0, 0, 0, 0), "(00) unknown opcode 0x00"},
	    {BPF_RAW_INSN(0xe7, 1, 0, 0, 0), "(e7) unknown opcode 0xe7"},    /* ALU64 op 0xe0 */
	    {BPF_RAW_INSN(0xf4, 1, 0, 0, 0), "(f4) unknown opcode 0xf4"},    /* ALU op 0xf0 */
	    {BPF_RAW_INSN(0x8f, 1, 2, 0, 0), "(8f) unknown opcode 0x8f"},    /* neg from reg */
	    {BPF_RAW_INSN(0xdc, 1, 0, 0, 12), "(dc) unknown opcode 0xdc"},   /* be12 */
	    {BPF_RAW_INSN(0xf5, 1, 0, 0, 0), "(f5) unknown opcode 0xf5"},    /* JMP op 0xf0 */
	    {BPF_RAW_INSN(0x8d, 0, 1, 0, 0), "(8d) unknown opcode 0x8d"},    /* call reg */
	    {BPF_RAW_INSN(0x85, 0, 7, 0, 0), "(85) unknown opcode 0x85"},    /* bad call kind */
	    {BPF_RAW_INSN(0x96, 0, 0, 0, 0), "(96) unknown opcode 0x96"},    /* JMP32 exit */
	    {BPF_RAW_INSN(0x38, 0, 0, 0, 0), "(38) unknown opcode 0x38"},    /* ld_abs dw */
	    {BPF_RAW_INSN(0x21, 0, 1, 0, 0), "(21) unknown opcode 0x21"},    /* LDX mode abs */
	    {BPF_RAW_INSN(0xdf, 1, 0, 0, 16), "(df) unknown opcode 0xdf"},   /* bswap from reg */
	    {BPF_RAW_INSN(0xd3, 1, 2, 0, 0), "(d3) unknown opcode 0xd3"},    /* atomic u8 */
	    {BPF_RAW_INSN(0xdb, 1, 2, 0, 0x10), "(db) unknown opcode 0xdb"}, /* op 0x10 */
	    {BPF_RAW_INSN(0xdb, 1, 2, 0, 0x100), "(db) unknown opcode 0xdb"},
	    {BPF_RAW_INSN(0x3a, 1, 0, 0, 0), "(3a) unknown opcode 0x3a"}, /* ST mode abs */
	};
	struct asm_prog p;
	char buf[64];

	(void)state;
	CHECK_TEXTS(c);

	asm_init(&p);
	EMIT(&p, BPF_RAW_INSN(0xff, 0, 0, 0, 0));
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(disasm_insn(&p, 5, buf, sizeof(buf)), 1); /* past the end */
	assert_non_null(memchr(buf, '\0', sizeof(buf)));
	asm_free(&p);
}

/* A program made of raw insns: no labels, no maps, no source lines. */
static void test_raw_program(void **state)
{
	struct bpf_insn *in = calloc(1, sizeof(*in)); /* exactly one slot: no slack to read */
	struct bpf_insn two[] = {
	    {.code = 0x18, .dst_reg = 1, .src_reg = BPF_PSEUDO_MAP_FD, .imm = 7},
	    {.imm = 0},
	    {.code = 0x18, .dst_reg = 2, .src_reg = BPF_PSEUDO_MAP_VALUE, .imm = 7},
	    {.imm = 16},
	    {.code = 0x18, .dst_reg = 3, .src_reg = BPF_PSEUDO_MAP_IDX, .imm = 2},
	    {.imm = 0},
	    {.code = 0x05, .off = -7},
	    {.code = 0x18, .dst_reg = 4},
	};
	struct asm_prog p;
	char buf[128];
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_non_null(in);
	in->code = 0x18;
	in->dst_reg = 1;
	memset(&p, 0, sizeof(p));
	p.insns = in;
	p.len = 1;
	assert_int_equal(disasm_insn(&p, 0, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "(18) ld_imm64 truncated: no second slot");
	free(in);

	p.insns = two;
	p.len = sizeof(two) / sizeof(two[0]);
	assert_int_equal(disasm_insn(&p, 0, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "(18) r1 = map[fd:7]");
	assert_int_equal(disasm_insn(&p, 2, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "(18) r2 = map[fd:7][0]+16");
	assert_int_equal(disasm_insn(&p, 4, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "(18) r3 = map[idx:2]");
	assert_int_equal(disasm_insn(&p, 6, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "(05) goto pc-7");

	f = open_memstream(&text, &len);
	assert_non_null(f);
	disasm_prog(f, &p, true); /* with_src but no src array */
	fclose(f);
	assert_string_equal(text, "   0: (18) r1 = map[fd:7]\n"
				  "   2: (18) r2 = map[fd:7][0]+16\n"
				  "   4: (18) r3 = map[idx:2]\n"
				  "   6: (05) goto pc-7\n"
				  "   7: (18) ld_imm64 truncated: no second slot\n");
	free(text);
}

static void test_small_buffer(void **state)
{
	struct asm_prog p;
	char buf[16];

	(void)state;
	asm_init(&p);
	EMIT(&p, BPF_ATOMIC_OP(BPF_DW, BPF_CMPXCHG, R10, R2, -8));
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(disasm_insn(&p, 0, buf, 6), 1);
	assert_string_equal(buf, "(db) ");
	assert_int_equal(buf[6], 'x');
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(disasm_insn(&p, 0, buf, 0), 1);
	assert_int_equal(buf[0], 'x');
	asm_free(&p);
}

static void test_helper_name(void **state)
{
	int id;

	(void)state;
	assert_string_equal(helper_name(1), "map_lookup_elem");
	assert_string_equal(helper_name(14), "get_current_pid_tgid");
	assert_string_equal(helper_name(16), "get_current_comm");
	assert_string_equal(helper_name(25), "perf_event_output");
	assert_null(helper_name(-1));
	assert_null(helper_name(__BPF_FUNC_MAX_ID));
	assert_null(helper_name(1 << 30));
	for (id = 0; id < __BPF_FUNC_MAX_ID; id++)
		assert_non_null(helper_name(id));
}

static void test_labels_forward_backward(void **state)
{
	struct asm_prog p;
	char buf[128];

	(void)state;
	asm_init(&p);
	EMIT(&p, BPF_JMP_IMM(BPF_JEQ, R1, 0, "out")); /* 0 */
	LABEL(&p, "loop");
	EMIT(&p, BPF_ALU64_IMM(BPF_ADD, R1, 1));	/* 1 */
	EMIT(&p, BPF_LD_IMM64(R2, 5));			/* 2, 3 */
	EMIT(&p, BPF_JMP_REG(BPF_JLT, R1, R2, "loop")); /* 4 */
	EMIT(&p, BPF_JMP_A("out"));			/* 5 */
	EMIT(&p, BPF_MOV64_IMM(R0, 1));			/* 6 */
	LABEL(&p, "out");
	EMIT(&p, BPF_EXIT_INSN()); /* 7 */
	assert_int_equal(asm_finish(&p), 0);
	assert_int_equal(p.len, 8);
	assert_int_equal(p.insns[0].off, 6);
	assert_int_equal(p.insns[4].off, -4);
	assert_int_equal(p.insns[5].off, 1);
	assert_int_equal(asm_label_at(&p, "loop"), 1);
	assert_int_equal(asm_label_at(&p, "out"), 7);
	assert_int_equal(asm_label_at(&p, "none"), -1);
	disasm_insn(&p, 0, buf, sizeof(buf));
	assert_string_equal(buf, "(15) if r1 == 0x0 goto pc+6 <out>");
	disasm_insn(&p, 4, buf, sizeof(buf));
	assert_string_equal(buf, "(ad) if r1 < r2 goto pc-4 <loop>");
	disasm_insn(&p, 5, buf, sizeof(buf));
	assert_string_equal(buf, "(05) goto pc+1 <out>");
	asm_free(&p);
}

/* Expects p to have failed with err and a message starting "<this file>:<line>: <what>". */
static void expect_error(struct asm_prog *p, int err, int line, const char *what)
{
	char want[256];

	assert_int_equal(p->err, err);
	snprintf(want, sizeof(want), "%s:%d: %s", __FILE__, line, what);
	assert_memory_equal(p->errmsg, want, strlen(want));
}

static void test_label_errors(void **state)
{
	struct asm_prog p;
	int line;

	(void)state;
	asm_init(&p);
	EMIT(&p, BPF_MOV64_IMM(R0, 0));
	line = __LINE__ + 1;
	EMIT(&p, BPF_JMP_A("nowhere"));
	EMIT(&p, BPF_EXIT_INSN());
	assert_int_equal(asm_finish(&p), -ENOENT);
	expect_error(&p, -ENOENT, line, "undefined label 'nowhere'");
	asm_free(&p);

	asm_init(&p);
	LABEL(&p, "a");
	EMIT(&p, BPF_EXIT_INSN());
	line = __LINE__ + 1;
	LABEL(&p, "a");
	EMIT(&p, BPF_EXIT_INSN()); /* ignored after the error */
	assert_int_equal(p.len, 1);
	assert_int_equal(asm_finish(&p), -EEXIST);
	expect_error(&p, -EEXIST, line, "duplicate label 'a'");
	asm_free(&p);

	asm_init(&p);
	line = __LINE__ + 1;
	EMIT(&p, BPF_JMP_A("end"));
	LABEL(&p, "end");
	assert_int_equal(asm_finish(&p), -ERANGE);
	expect_error(&p, -ERANGE, line, "label 'end' is past the last instruction");
	asm_free(&p);
}

/* n filler instructions between a jump and its label, forward or backward. */
static int jump_over(size_t n, bool forward, int *line, char *msg, size_t msglen)
{
	struct asm_prog p;
	size_t k;
	int err;

	asm_init(&p);
	if (forward) {
		*line = __LINE__ + 1;
		EMIT(&p, BPF_JMP_A("far"));
	} else {
		LABEL(&p, "far");
	}
	for (k = 0; k < n; k++)
		EMIT(&p, BPF_MOV64_IMM(R0, 0));
	if (forward) {
		LABEL(&p, "far");
	} else {
		*line = __LINE__ + 1;
		EMIT(&p, BPF_JMP_A("far"));
	}
	EMIT(&p, BPF_EXIT_INSN());
	err = asm_finish(&p);
	if (!err)
		err =
		    p.insns[forward ? 0 : n].off == (forward ? INT16_MAX : INT16_MIN) ? 0 : -EINVAL;
	snprintf(msg, msglen, "%s", p.errmsg);
	asm_free(&p);
	return err;
}

static void test_jump_range(void **state)
{
	char msg[256], want[128];
	int line;

	(void)state;
	/* Forward: off = n; backward: off = -(n + 1). int16 holds -32768..32767. */
	assert_int_equal(jump_over(32767, true, &line, msg, sizeof(msg)), 0);
	assert_int_equal(jump_over(32768, true, &line, msg, sizeof(msg)), -ERANGE);
	snprintf(want, sizeof(want), "%s:%d: jump to 'far' is 32768 ", __FILE__, line);
	assert_memory_equal(msg, want, strlen(want));

	assert_int_equal(jump_over(32767, false, &line, msg, sizeof(msg)), 0);
	assert_int_equal(jump_over(32768, false, &line, msg, sizeof(msg)), -ERANGE);
	snprintf(want, sizeof(want), "%s:%d: jump to 'far' is -32769 ", __FILE__, line);
	assert_memory_equal(msg, want, strlen(want));
}

static void test_prog_listing(void **state)
{
	struct asm_prog p;
	char *text = NULL, want[1024];
	size_t len = 0;
	FILE *f;
	int l0;

	(void)state;
	asm_init(&p);
	l0 = __LINE__ + 1;
	EMIT(&p, BPF_MOV64_REG(R6, R1));
	EMIT(&p, BPF_LD_MAP_FD(R1, "events"));
	EMIT(&p, BPF_JMP_IMM(BPF_JNE, R6, 0, "out"));
	LABEL(&p, "zero");
	EMIT(&p, BPF_MOV64_IMM(R0, 0));
	LABEL(&p, "out");
	LABEL(&p, "also_out");
	EMIT(&p, BPF_EXIT_INSN());
	assert_int_equal(asm_finish(&p), 0);
	assert_string_equal(asm_map_name(&p, 1), "events");
	assert_null(asm_map_name(&p, 0));

	f = open_memstream(&text, &len);
	assert_non_null(f);
	disasm_prog(f, &p, false);
	fclose(f);
	assert_string_equal(text, "   0: (bf) r6 = r1\n"
				  "   1: (18) r1 = map[events]\n"
				  "   3: (55) if r6 != 0x0 goto pc+1 <out>\n"
				  "zero:\n"
				  "   4: (b7) r0 = 0\n"
				  "out:\n"
				  "also_out:\n"
				  "   5: (95) exit\n");
	free(text);

	text = NULL;
	f = open_memstream(&text, &len);
	assert_non_null(f);
	disasm_prog(f, &p, true);
	fclose(f);
	snprintf(want, sizeof(want),
		 "   0: (bf) r6 = r1  ; %1$s:%2$d\n"
		 "   1: (18) r1 = map[events]  ; %1$s:%3$d\n"
		 "   3: (55) if r6 != 0x0 goto pc+1 <out>  ; %1$s:%4$d\n"
		 "zero:\n"
		 "   4: (b7) r0 = 0  ; %1$s:%5$d\n"
		 "out:\n"
		 "also_out:\n"
		 "   5: (95) exit  ; %1$s:%6$d\n",
		 __FILE__, l0, l0 + 1, l0 + 2, l0 + 4, l0 + 7);
	assert_string_equal(text, want);
	free(text);
	asm_free(&p);
}

/* A shared emitter, as insns/common.c writes one: its own label, its exit a parameter. */
static int helper_line;

static void skip_if_zero(struct asm_prog *p, int reg, const char *out)
{
	const char *nonzero = asm_local(p, "nonzero");

	helper_line = __LINE__ + 1;
	EMIT(p, BPF_JMP_IMM(BPF_JNE, reg, 0, nonzero));
	EMIT(p, BPF_JMP_A(out));
	LABEL(p, nonzero);
}
/* Called twice, nested in another call: the outermost call is kept. (The listing names
 * the first label at a jump's target: nonzero_3, which out shares.) */
static void twice(struct asm_prog *p, const char *out)
{
	ASM_CALL(p, skip_if_zero(p, R1, out));
	ASM_CALL(p, skip_if_zero(p, R2, out));
}

static void test_call_sites_and_local_labels(void **state)
{
	struct asm_prog p;
	char *text = NULL, want[1024];
	size_t len = 0;
	FILE *f;
	int l0, l1;

	(void)state;
	asm_init(&p);
	l0 = __LINE__ + 1;
	ASM_CALL(&p, skip_if_zero(&p, R6, "out"));
	l1 = __LINE__ + 1;
	ASM_CALL(&p, twice(&p, "out"));
	LABEL(&p, "out");
	EMIT(&p, BPF_EXIT_INSN());
	assert_int_equal(asm_finish(&p), 0);
	assert_int_equal(p.depth, 0);
	assert_string_equal(p.src[0].call_file, __FILE__);
	assert_int_equal(p.src[0].call_line, l0);
	assert_int_equal(p.src[2].call_line, l1);
	assert_null(p.src[6].call_file); /* the exit: no call */

	f = open_memstream(&text, &len);
	assert_non_null(f);
	disasm_prog(f, &p, true);
	fclose(f);
	snprintf(want, sizeof(want),
		 "   0: (55) if r6 != 0x0 goto pc+1 <nonzero>  ; %1$s:%2$d < %1$s:%4$d\n"
		 "   1: (05) goto pc+4 <nonzero_3>  ; %1$s:%2$d < %1$s:%5$d\n"
		 "nonzero:\n"
		 "   2: (55) if r1 != 0x0 goto pc+1 <nonzero_2>  ; %1$s:%3$d < %1$s:%4$d\n"
		 "   3: (05) goto pc+2 <nonzero_3>  ; %1$s:%3$d < %1$s:%5$d\n"
		 "nonzero_2:\n"
		 "   4: (55) if r2 != 0x0 goto pc+1 <nonzero_3>  ; %1$s:%3$d < %1$s:%4$d\n"
		 "   5: (05) goto pc+0 <nonzero_3>  ; %1$s:%3$d < %1$s:%5$d\n"
		 "nonzero_3:\n"
		 "out:\n"
		 "   6: (95) exit  ; %1$s:%6$d\n",
		 __FILE__, l0, l1, helper_line, helper_line + 1, l1 + 2);
	assert_string_equal(text, want);
	free(text);
	asm_free(&p);

	/* A literal label that a helper's local one already took is a duplicate. */
	asm_init(&p);
	LABEL(&p, asm_local(&p, "x"));
	LABEL(&p, "x");
	assert_int_equal(p.err, -EEXIST);
	asm_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encodings),
	    cmocka_unit_test(test_alu),
	    cmocka_unit_test(test_jmp),
	    cmocka_unit_test(test_ld_mem),
	    cmocka_unit_test(test_ld_func_imm),
	    cmocka_unit_test(test_atomic),
	    cmocka_unit_test(test_unknown_opcodes),
	    cmocka_unit_test(test_raw_program),
	    cmocka_unit_test(test_small_buffer),
	    cmocka_unit_test(test_helper_name),
	    cmocka_unit_test(test_labels_forward_backward),
	    cmocka_unit_test(test_label_errors),
	    cmocka_unit_test(test_jump_range),
	    cmocka_unit_test(test_prog_listing),
	    cmocka_unit_test(test_call_sites_and_local_labels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
