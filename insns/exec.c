// SPDX-License-Identifier: MIT
/*
 * sched_process_exec: every exec that succeeds, whoever started it (a syscall, a 32-bit
 * program, the kernel's own helpers). The new image is in place: its path comes from the
 * tracepoint, its arguments from mm->arg_start..arg_end (BTF), else from what the syscall's
 * entry read (argstash). It also drops the thread's in-flight state: after a 64-bit process
 * execs a 32-bit program the syscall's exit tracepoint never fires.
 */
#include "emit.h"

/* The path as the kernel resolved it: a __data_loc string in the tracepoint's record. */
static void exec_path(struct asm_prog *p, const struct prog_layout *l)
{
	load_field(p, R1, &l->tp[EXEC_FILENAME]);
	E(BPF_ALU32_IMM(BPF_AND, R1, 0xffff)); /* low half: offset from the record's start */
	ES(MOV64_REG(R3, CTX), ALU64_REG(BPF_ADD, R3, R1));
	read_path(p, true, "name_err");
	E(BPF_MOV64_REG(PATHLEN, R0));
	E(BPF_JMP_IMM(BPF_JLT, PATHLEN, EV_FILENAME_MAX, "path_done"));
	set_flag(p, FP(flags), EV_F_TRUNC_FILE);
	E(BPF_JMP_A("path_done"));
	L("name_err");
	ES(ST_MEM(BPF_B, REC, EV_HDR, 0), MOV64_IMM(PATHLEN, 1));
	set_flag(p, FP(flags), EV_F_READ_ERR);
	L("path_done");
}

/* The new image's argv strings, [mm->arg_start, mm->arg_end), as one block after the path;
 * the reader counts them. */
static void exec_image_args(struct asm_prog *p, const struct prog_layout *l)
{
	ES(EMIT_CALL(BPF_FUNC_get_current_task), MOV64_REG(R3, R0));
	read_kernel_u64(p, FP(tmp), l->member[KM_TASK_MM], "no_args");
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(tmp)));
	E(BPF_JMP_IMM(BPF_JEQ, R3, 0, "no_args"));
	read_kernel_u64(p, FP(arg_start), l->member[KM_MM_ARG_START], "no_args");
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(tmp)));
	read_kernel_u64(p, FP(arg_end), l->member[KM_MM_ARG_END], "no_args");

	ES(LDX_MEM(BPF_DW, TEXTLEN, R10, FP(arg_end)),
	   LDX_MEM(BPF_DW, R1, R10, FP(arg_start)),
	   ALU64_REG(BPF_SUB, TEXTLEN, R1));
	E(BPF_JMP_IMM(BPF_JSLE, TEXTLEN, 0, "no_args"));
	E(BPF_JMP_IMM(BPF_JLE, TEXTLEN, EV_ARGS_MAX, "blk_len_ok"));
	E(BPF_MOV64_IMM(TEXTLEN, EV_ARGS_MAX));
	set_flag(p, FP(flags), EV_F_TRUNC_ARG);
	L("blk_len_ok");
	ES(MOV64_REG(R1, REC),
	   ALU64_IMM(BPF_ADD, R1, EV_HDR),
	   ALU64_REG(BPF_ADD, R1, PATHLEN),
	   MOV64_REG(R2, TEXTLEN),
	   LDX_MEM(BPF_DW, R3, R10, FP(arg_start)),
	   EMIT_CALL(BPF_FUNC_probe_read_user));
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, "read_err"));
	/* A cut block ends inside an argument: end it there, so that it is kept (cut). */
	E(BPF_JMP_IMM(BPF_JLT, TEXTLEN, EV_ARGS_MAX, "blk_whole"));
	ES(MOV64_REG(R1, REC),
	   ALU64_REG(BPF_ADD, R1, PATHLEN),
	   ST_MEM(BPF_B, R1, EV_HDR + EV_ARGS_MAX - 1, 0));
	L("blk_whole");
	set_flag(p, FP(flags), EV_F_ARGS_BLOCK);
	E(BPF_JMP_A("args_done"));
	L("read_err");
	set_flag(p, FP(flags), EV_F_READ_ERR);
	L("no_args");
	E(BPF_MOV64_IMM(TEXTLEN, 0));
}

/* What the syscall's entry read, from argstash[tid]; without it the arguments are unknown. */
static void exec_stashed_args(struct asm_prog *p)
{
	E(BPF_LD_MAP_FD(R1, MAP_ARGSTASH));
	stack_ptr(p, R2, FP(tid));
	CALL(map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "unknown"));
	ES(LDX_MEM(BPF_W, R1, R0, ARGSTASH_OFF(argc)),
	   STX_MEM(BPF_H, REC, R1, EV_OFF(argc)),
	   LDX_MEM(BPF_W, R1, R0, ARGSTASH_OFF(flags)),
	   LDX_MEM(BPF_W, R2, R10, FP(flags)),
	   ALU32_REG(BPF_OR, R2, R1),
	   STX_MEM(BPF_W, R10, R2, FP(flags)),
	   LDX_MEM(BPF_W, TEXTLEN, R0, ARGSTASH_OFF(len)));
	E(BPF_JMP_IMM(BPF_JGT, TEXTLEN, EV_ARGS_MAX, "unknown")); /* never: a bound */
	ES(MOV64_REG(R3, R0),
	   ALU64_IMM(BPF_ADD, R3, ARGSTASH_OFF(args)),
	   MOV64_REG(R1, REC),
	   ALU64_IMM(BPF_ADD, R1, EV_HDR),
	   ALU64_REG(BPF_ADD, R1, PATHLEN),
	   MOV64_REG(R2, TEXTLEN),
	   EMIT_CALL(BPF_FUNC_probe_read_kernel));
	delete_tid(p, MAP_ARGSTASH);
	E(BPF_JMP_A("args_done"));
	L("unknown");
	E(BPF_MOV64_IMM(TEXTLEN, 0));
	set_flag(p, FP(flags), EV_F_NO_ARGS);
}

/* The thread that called exec, and what its syscall's entry left (the execveat flag). */
static void exec_take_inflight(struct asm_prog *p, const struct prog_layout *l)
{
	load_field(p, R1, &l->tp[EXEC_OLD_PID]);
	ES(STX_MEM(BPF_W, R10, R1, FP(tid)), ST_MEM(BPF_W, R10, FP(flags), 0));
	E(BPF_LD_MAP_FD(R1, MAP_INFLIGHT));
	stack_ptr(p, R2, FP(tid));
	CALL(map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "no_inflight"));
	ES(LDX_MEM(BPF_W, R1, R0, offsetof(struct inflight, flags)),
	   STX_MEM(BPF_W, R10, R1, FP(flags)));
	delete_tid(p, MAP_INFLIGHT);
	L("no_inflight");
}

/* --exit: images[tgid] = the process's start and now, for the exit's age; only when the
 * record has the start (CTX_IDS). */
static void exec_image_start(struct asm_prog *p, const struct prog_opts *o,
			     const struct prog_layout *l)
{
	if (!PO_EXITS(o) || !PO_IDS(o) || !l->feature[KF_IDS])
		return;
	E(BPF_LDX_MEM(BPF_W, R1, REC, EV_OFF(have)));
	E(BPF_JMP32_IMM(BPF_JSET, R1, (int32_t)CTXB(IDS), "image_start"));
	E(BPF_JMP_A("image_done"));
	L("image_start");
	/* struct image_start in two adjacent slots */
	_Static_assert(offsetof(struct exec_frame, arg_end) ==
			   offsetof(struct exec_frame, arg_start) + 8,
		       "image_start's two members are adjacent slots");
	ES(LDX_MEM(BPF_DW, R1, REC, EV_OFF(start_ns)),
	   STX_MEM(BPF_DW, R10, R1, FP(arg_start)),
	   EMIT_CALL(BPF_FUNC_ktime_get_boot_ns),
	   STX_MEM(BPF_DW, R10, R0, FP(arg_end)),
	   LDX_MEM(BPF_W, R1, REC, EV_OFF(pid)),
	   STX_MEM(BPF_W, R10, R1, FP(key)));
	E(BPF_LD_MAP_FD(R1, MAP_IMAGES));
	stack_ptr(p, R2, FP(key));
	stack_ptr(p, R3, FP(arg_start));
	ES(MOV64_IMM(R4, BPF_ANY), EMIT_CALL(BPF_FUNC_map_update_elem));
	L("image_done");
}

void prog_exec(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	E(BPF_MOV64_REG(CTX, R1));
	tree_exec_moved(p, o, l);
	tree_filter(p, o, "out"); /* first: outside the subtree, one lookup is all it costs */
	exec_take_inflight(p, l);
	kernel_filters(p, o, "out");
	cpu_value(p, REC, MAP_RECORD, "out");
	record_ids(p, l);
	record_lineage(p, o, l, false);
	E(BPF_ST_MEM(BPF_H, REC, EV_OFF(argc), 0));
	exec_path(p, l);
	if (l->feature[KF_IMAGE_ARGV])
		exec_image_args(p, l);
	else
		exec_stashed_args(p);
	L("args_done");
	ES(STX_MEM(BPF_H, REC, PATHLEN, EV_OFF(filename_len)),
	   MOV64_REG(R1, PATHLEN),
	   ALU64_REG(BPF_ADD, R1, TEXTLEN),
	   STX_MEM(BPF_W, REC, R1, EV_OFF(text_len)),
	   LDX_MEM(BPF_W, R1, R10, FP(flags)),
	   STX_MEM(BPF_W, REC, R1, EV_OFF(flags)));
	context_read(p, o, l, true);
	exec_image_start(p, o, l);
	emit_record(p, "out");
	L("out");
	ES(MOV64_IMM(R0, 0), EXIT_INSN());
	context_callbacks(p, l);
}
