/* SPDX-License-Identifier: MIT */
/* Reading the verifier's log: instruction lines, the failing one, the reason. */
#ifndef MINISNOOP_VLOG_H
#define MINISNOOP_VLOG_H

#include "bpf_asm.h"

#include <stdio.h>

/* Writes the log with each "N: (xx) ..." line followed by "  ; file:line" of insn N, or
 * "  ; caller:line < file:line" when a shared emitter emitted it. */
void vlog_annotate(FILE *out, const char *log, const struct asm_prog *p);
/* Index of the last instruction the log names ("N: (xx) ..." or "N: R..."), or -1. */
long vlog_last_insn(const char *log);
/* Copies the verifier's reason (the last line that is not a statistics line) into buf. */
void vlog_reason(const char *log, char *buf, size_t n);
/* Writes the last max_lines lines of the log, annotated. */
void vlog_tail(FILE *out, const char *log, const struct asm_prog *p, unsigned max_lines);

#endif
