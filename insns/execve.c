// SPDX-License-Identifier: MIT
/*
 * The syscall side of an exec. enter (sys_enter_execve/execveat) keeps the caller's argv
 * pointer per thread and reads the path, last, so that a failure's path is what the kernel
 * was about to copy, not what a sibling thread wrote since; without BTF it also reads the
 * arguments, which the new image will not give up. exit (sys_exit_execve/execveat) drops
 * that state and, for a failed exec only, builds and emits the record: the old image is
 * still there to read (the arguments are read there). A successful exec is reported by
 * sched_process_exec (exec.c), whoever started it.
 */
#include "emit.h"

/* Without BTF: the arguments now, into argstash[tid], for sched_process_exec. */
static void enter_stash_args(struct asm_prog *p, const struct prog_opts *o,
			     const struct prog_layout *l)
{
	percpu_value(p, SCRATCH, MAP_SCRATCH, "out");
	E(BPF_ST_MEM(BPF_W, R10, FP(flags), 0));
	gather_args(p, o, l, l->tp[ENTER_ARGV].size);
	/* The scratch's header, then the whole of it as the stash entry. */
	ES(LDX_MEM(BPF_W, R1, R10, FP(argc)),
	   STX_MEM(BPF_W, SCRATCH, R1, ARGSTASH_OFF(argc)),
	   LDX_MEM(BPF_W, R1, R10, FP(flags)),
	   STX_MEM(BPF_W, SCRATCH, R1, ARGSTASH_OFF(flags)),
	   STX_MEM(BPF_W, SCRATCH, ARGLEN, ARGSTASH_OFF(len)));
	E(BPF_LD_MAP_FD(R1, MAP_ARGSTASH));
	stack_ptr(p, R2, FP(tid));
	ES(MOV64_REG(R3, SCRATCH), MOV64_IMM(R4, BPF_ANY), EMIT_CALL(BPF_FUNC_map_update_elem));
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, "stash_fail"));
}

/* This CPU's next execpath slot, made this thread's (len -1 until read); FP(ptr) = the slot,
 * or 0 without one; FP(in.path) = its index + 1. */
void enter_path_slot(struct asm_prog *p)
{
	ES(MOV64_IMM(R1, 0),
	   STX_MEM(BPF_DW, R10, R1, FP(ptr)),
	   EMIT_CALL(BPF_FUNC_get_smp_processor_id),
	   ALU32_IMM(BPF_MUL, R0, EXECPATH_SLOTS),
	   STX_MEM(BPF_W, R10, R0, FP(key)));
	E(BPF_LD_MAP_FD(R1, MAP_EXECPATH));
	stack_ptr(p, R2, FP(key));
	CALL(map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "no_path_slot"));
	/* The CPU's turn, in its first slot: BPF programs do not nest on a CPU here. */
	ES(LDX_MEM(BPF_W, R1, R0, EXECPATH_OFF(next)),
	   MOV64_REG(R2, R1),
	   ALU32_IMM(BPF_ADD, R2, 1),
	   STX_MEM(BPF_W, R0, R2, EXECPATH_OFF(next)),
	   ALU32_IMM(BPF_AND, R1, EXECPATH_SLOTS - 1),
	   LDX_MEM(BPF_W, R2, R10, FP(key)),
	   ALU32_REG(BPF_ADD, R1, R2),
	   STX_MEM(BPF_W, R10, R1, FP(key)));
	E(BPF_LD_MAP_FD(R1, MAP_EXECPATH));
	stack_ptr(p, R2, FP(key));
	CALL(map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "no_path_slot"));
	ES(LDX_MEM(BPF_W, R1, R10, FP(tid)),
	   STX_MEM(BPF_W, R0, R1, EXECPATH_OFF(tid)),
	   ST_MEM(BPF_W, R0, EXECPATH_OFF(len), -1));
	E(BPF_ST_MEM(BPF_B, R0, EXECPATH_OFF(path), 0)); /* an empty path may read as 0 bytes */
	ES(STX_MEM(BPF_DW, R10, R0, FP(ptr)),
	   LDX_MEM(BPF_W, R1, R10, FP(key)),
	   ALU32_IMM(BPF_ADD, R1, 1),
	   STX_MEM(BPF_W, R10, R1, FP(in.path)));
	L("no_path_slot");
}

/* The path into FP(ptr)'s slot, when there is one. Last: getname() copies it right after. */
void enter_read_path(struct asm_prog *p, const char *out)
{
	E(BPF_LDX_MEM(BPF_DW, R1, R10, FP(ptr)));
	E(BPF_JMP_IMM(BPF_JEQ, R1, 0, out));
	ES(ALU64_IMM(BPF_ADD, R1, EXECPATH_OFF(path)),
	   MOV64_IMM(R2, EV_FILENAME_MAX),
	   LDX_MEM(BPF_DW, R3, R10, FP(in.filename)),
	   EMIT_CALL(BPF_FUNC_probe_read_user_str),
	   LDX_MEM(BPF_DW, R1, R10, FP(ptr)),
	   STX_MEM(BPF_W, R1, R0, EXECPATH_OFF(len)));
}

static void exec_enter(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l,
		       uint32_t flags)
{
	E(BPF_MOV64_REG(CTX, R1));
	tree_filter(p, o, "out"); /* outside the subtree: nothing kept for its exit */
	CALL(get_current_pid_tgid);
	E(BPF_STX_MEM(BPF_W, R10, R0, FP(tid))); /* the low half: this thread */
	load_field(p, R1, &l->tp[ENTER_FILENAME]);
	E(BPF_STX_MEM(BPF_DW, R10, R1, FP(in.filename)));
	load_field(p, R1, &l->tp[ENTER_ARGV]);
	E(BPF_STX_MEM(BPF_DW, R10, R1, FP(in.argv)));
	E(BPF_ST_MEM(BPF_W, R10, FP(in.flags), (int32_t)flags));
	E(BPF_ST_MEM(BPF_W, R10, FP(in.path), 0));
	enter_path_slot(p);
	E(BPF_LD_MAP_FD(R1, MAP_INFLIGHT));
	stack_ptr(p, R2, FP(tid));
	stack_ptr(p, R3, FP(in));
	ES(MOV64_IMM(R4, BPF_ANY), EMIT_CALL(BPF_FUNC_map_update_elem));
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, "stash_fail"));
	if (!l->feature[KF_IMAGE_ARGV]) {
		kernel_filters(p, o, "out");
		enter_stash_args(p, o, l);
	}
	E(BPF_JMP_A("read_path"));
	L("stash_fail");
	count_stat(p, MS_STAT_STASH_FAIL, "read_path");
	L("read_path");
	enter_read_path(p, "out");
	L("out");
	ES(MOV64_IMM(R0, 0), EXIT_INSN());
}

void prog_execve_enter(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	exec_enter(p, o, l, 0);
}

void prog_execveat_enter(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	exec_enter(p, o, l, EV_F_EXECVEAT);
}

/* FP(tid)'s in-flight state into FP(in), and out of the maps; goto out when there is none. */
static void exit_take_inflight(struct asm_prog *p, const struct prog_layout *l)
{
	E(BPF_LD_MAP_FD(R1, MAP_INFLIGHT));
	stack_ptr(p, R2, FP(tid));
	CALL(map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "unseen"));
	ES(LDX_MEM(BPF_DW, R1, R0, offsetof(struct inflight, argv)),
	   STX_MEM(BPF_DW, R10, R1, FP(in.argv)),
	   LDX_MEM(BPF_W, R1, R0, offsetof(struct inflight, flags)),
	   STX_MEM(BPF_W, R10, R1, FP(flags)),
	   LDX_MEM(BPF_W, R1, R0, offsetof(struct inflight, path)),
	   STX_MEM(BPF_W, R10, R1, FP(in.path)));
	delete_tid(p, MAP_INFLIGHT);
	if (!l->feature[KF_IMAGE_ARGV])
		delete_tid(p, MAP_ARGSTASH);
}

/* r0 = the execpath slot FP(in.path) names, when it is still this thread's; else goto
 * name_err. Clobbers r1-r5, FP(key). */
static void exit_path_slot(struct asm_prog *p)
{
	E(BPF_LDX_MEM(BPF_W, R1, R10, FP(in.path)));
	E(BPF_JMP_IMM(BPF_JEQ, R1, 0, "name_err"));
	ES(ALU32_IMM(BPF_ADD, R1, -1), STX_MEM(BPF_W, R10, R1, FP(key)));
	E(BPF_LD_MAP_FD(R1, MAP_EXECPATH));
	stack_ptr(p, R2, FP(key));
	CALL(map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "name_err"));
	ES(LDX_MEM(BPF_W, R1, R0, EXECPATH_OFF(tid)), LDX_MEM(BPF_W, R2, R10, FP(tid)));
	E(BPF_JMP_REG(BPF_JNE, R1, R2, "name_err"));
}

/* The path as the entry read it, right after the header. Unread (not in memory then), or
 * its slot taken by a later exec on that CPU: empty and marked. */
static void exit_path(struct asm_prog *p)
{
	exit_path_slot(p);
	E(BPF_LDX_MEM(BPF_W, R1, R0, EXECPATH_OFF(len)));
	E(BPF_JMP32_IMM(BPF_JSLT, R1, 0, "name_err"));
	ES(MOV64_REG(R3, R0), ALU64_IMM(BPF_ADD, R3, EXECPATH_OFF(path)));
	read_path(p, true, "name_err");
	E(BPF_STX_MEM(BPF_H, REC, R0, EV_OFF(filename_len)));
	/* Taken over while it was copied: its tid says so by now (written before the path). */
	exit_path_slot(p);
	E(BPF_LDX_MEM(BPF_H, R0, REC, EV_OFF(filename_len)));
	E(BPF_JMP_IMM(BPF_JLT, R0, EV_FILENAME_MAX, "path_done"));
	set_flag(p, FP(flags), EV_F_TRUNC_FILE);
	E(BPF_JMP_A("path_done"));
	L("name_err");
	ES(ST_MEM(BPF_B, REC, EV_HDR, 0), ST_MEM(BPF_H, REC, EV_OFF(filename_len), 1));
	set_flag(p, FP(flags), EV_F_READ_ERR);
	L("path_done");
}

/* The gathered argument text after the path; the header's lengths, count and flags. */
static void exit_args_copy(struct asm_prog *p)
{
	E(BPF_JMP_IMM(BPF_JLE, ARGLEN, EV_ARGS_MAX, "args_len_ok"));
	E(BPF_MOV64_IMM(ARGLEN, EV_ARGS_MAX));
	L("args_len_ok");
	E(BPF_LDX_MEM(BPF_H, R1, REC, EV_OFF(filename_len)));
	/* never, but the verifier learns the bound from it */
	E(BPF_JMP_IMM(BPF_JGT, R1, EV_FILENAME_MAX, "out"));
	ES(ALU64_REG(BPF_ADD, R1, REC),
	   ALU64_IMM(BPF_ADD, R1, EV_HDR),
	   MOV64_REG(R2, ARGLEN),
	   MOV64_REG(R3, SCRATCH),
	   EMIT_CALL(BPF_FUNC_probe_read_kernel));

	ES(LDX_MEM(BPF_H, R1, REC, EV_OFF(filename_len)),
	   ALU64_REG(BPF_ADD, R1, ARGLEN),
	   STX_MEM(BPF_W, REC, R1, EV_OFF(text_len)),
	   LDX_MEM(BPF_W, R1, R10, FP(argc)),
	   STX_MEM(BPF_H, REC, R1, EV_OFF(argc)),
	   LDX_MEM(BPF_W, R1, R10, FP(flags)),
	   STX_MEM(BPF_W, REC, R1, EV_OFF(flags)));
}

void exec_exit(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l,
	       unsigned ptr_size)
{
	const struct tp_field *ret = &l->tp[EXIT_RET];

	E(BPF_MOV64_REG(CTX, R1));
	tree_filter(p, o, "out"); /* its entry kept nothing */
	ES(EMIT_CALL(BPF_FUNC_get_current_pid_tgid), STX_MEM(BPF_W, R10, R0, FP(tid)));
	load_field(p, R1, ret);
	if (ret->size == 4) { /* a 32-bit kernel's long: sign-extend */
		ES(ALU64_IMM(BPF_LSH, R1, 32), ALU64_IMM(BPF_ARSH, R1, 32));
	}
	E(BPF_STX_MEM(BPF_DW, R10, R1, FP(ret)));
	/* Success was reported by sched_process_exec. Kernel-internal codes (-512..-529,
	 * ERESTART* and friends) never reach the caller: its syscall restarts, or a sibling's
	 * exec killed the thread. */
	E(BPF_JMP_IMM(BPF_JSGE, R1, 0, "drop"));
	E(BPF_JMP_IMM(BPF_JSGT, R1, -512, "failed"));
	E(BPF_JMP_IMM(BPF_JSGE, R1, -529, "drop"));
	L("failed");
	exit_take_inflight(p, l);
	kernel_filters(p, o, "out");
	cpu_value(p, REC, MAP_RECORD, "out");
	percpu_value(p, SCRATCH, MAP_SCRATCH, "out");
	record_ids(p, l);
	record_lineage(p, o, l, false);
	ES(LDX_MEM(BPF_DW, R1, R10, FP(ret)), STX_MEM(BPF_W, REC, R1, EV_OFF(ret)));
	gather_args(p, o, l, ptr_size);
	exit_path(p);
	exit_args_copy(p);
	context_read(p, o, l, false);
	emit_record(p, "out");
	E(BPF_JMP_A("out"));
	L("unseen");
	count_stat(p, MS_STAT_UNSEEN, "out");
	E(BPF_JMP_A("out"));
	L("drop");
	delete_tid(p, MAP_INFLIGHT);
	if (!l->feature[KF_IMAGE_ARGV])
		delete_tid(p, MAP_ARGSTASH);
	L("out");
	ES(MOV64_IMM(R0, 0), EXIT_INSN());
}

void prog_exec_exit(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	/* ret is a long: as wide as the caller's pointers */
	exec_exit(p, o, l, l->tp[EXIT_RET].size);
	context_callbacks(p, l);
}
