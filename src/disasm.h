/* SPDX-License-Identifier: MIT */
/* Disassembly in the style of `bpftool prog dump xlated`. */
#ifndef MINISNOOP_DISASM_H
#define MINISNOOP_DISASM_H

#include "bpf_asm.h"

#include <stdbool.h>
#include <stdio.h>

/* Operators by BPF_OP(code) >> 4 ("+=", "==", ...); NULL where the op has a syntax of its own. */
extern const char *const disasm_alu_ops[16];
extern const char *const disasm_jmp_ops[16];

/* Name of BPF helper id ("map_lookup_elem"), or NULL when unknown. The names follow each other
 * in id order, each NUL-terminated, an empty one after the last. */
const char *helper_name(int id);

/*
 * Formats instruction i of p into buf, e.g. "(bf) r6 = r1",
 * "(85) call map_lookup_elem#1", "(18) r1 = map[events]",
 * "(15) if r0 == 0x0 goto pc+5 <out>". p's labels and map names are used when present.
 * Returns the number of slots the instruction takes (1, or 2 for LD_IMM64).
 */
int disasm_insn(const struct asm_prog *p, size_t i, char *buf, size_t n);

/* Prints the whole program, one "%4zu: text" line per instruction, labels as "name:" lines,
 * and with with_src a "; file:line" comment on each line ("; caller:line < file:line" for
 * what a shared emitter emitted). */
void disasm_prog(FILE *out, const struct asm_prog *p, bool with_src);

#endif
