// SPDX-License-Identifier: MIT
/*
 * The syscall side of an exec. enter (sys_enter_execve/execveat) keeps the caller's path and
 * argv pointers per thread, and without BTF also reads the arguments, which the new image
 * will not give up. exit (sys_exit_execve/execveat) drops that state and, for a failed exec
 * only, builds and emits the record: the old image is still there to read. A successful
 * exec is reported by sched_process_exec (exec.c), whoever started it.
 */
#include "emit.h"

/* Without BTF: the arguments now, into argstash[tid], for sched_process_exec. */
static void enter_stash_args(struct asm_prog *p, const struct prog_opts *o,
			     const struct prog_layout *l)
{
	percpu_value(p, SCRATCH, MAP_SCRATCH, "out");
	E(BPF_ST_MEM(BPF_W, R10, FP(flags), 0));
	gather_args(p, o, l->tp[ENTER_ARGV].size);
	/* The scratch's header, then the whole of it as the stash entry. */
	E(BPF_LDX_MEM(BPF_W, R1, R10, FP(argc)));
	E(BPF_STX_MEM(BPF_W, SCRATCH, R1, ARGSTASH_OFF(argc)));
	E(BPF_LDX_MEM(BPF_W, R1, R10, FP(flags)));
	E(BPF_STX_MEM(BPF_W, SCRATCH, R1, ARGSTASH_OFF(flags)));
	E(BPF_STX_MEM(BPF_W, SCRATCH, ARGLEN, ARGSTASH_OFF(len)));
	E(BPF_LD_MAP_FD(R1, MAP_ARGSTASH));
	stack_ptr(p, R2, FP(tid));
	E(BPF_MOV64_REG(R3, SCRATCH));
	E(BPF_MOV64_IMM(R4, BPF_ANY));
	CALL(map_update_elem);
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, "stash_fail"));
}

static void exec_enter(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l,
		       uint32_t flags)
{
	E(BPF_MOV64_REG(CTX, R1));
	CALL(get_current_pid_tgid);
	E(BPF_STX_MEM(BPF_W, R10, R0, FP(tid))); /* the low half: this thread */
	load_field(p, R1, &l->tp[ENTER_FILENAME]);
	E(BPF_STX_MEM(BPF_DW, R10, R1, FP(in.filename)));
	load_field(p, R1, &l->tp[ENTER_ARGV]);
	E(BPF_STX_MEM(BPF_DW, R10, R1, FP(in.argv)));
	E(BPF_ST_MEM(BPF_W, R10, FP(in.flags), (int32_t)flags));
	E(BPF_ST_MEM(BPF_W, R10, FP(in.pad), 0));
	E(BPF_LD_MAP_FD(R1, MAP_INFLIGHT));
	stack_ptr(p, R2, FP(tid));
	stack_ptr(p, R3, FP(in));
	E(BPF_MOV64_IMM(R4, BPF_ANY));
	CALL(map_update_elem);
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, "stash_fail"));
	if (!l->feature[KF_IMAGE_ARGV]) {
		kernel_filters(p, o, "out");
		enter_stash_args(p, o, l);
	}
	E(BPF_JMP_A("out"));
	L("stash_fail");
	count_stat(p, MS_STAT_STASH_FAIL, "out");
	L("out");
	E(BPF_MOV64_IMM(R0, 0));
	E(BPF_EXIT_INSN());
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
	E(BPF_LDX_MEM(BPF_DW, R1, R0, offsetof(struct inflight, filename)));
	E(BPF_STX_MEM(BPF_DW, R10, R1, FP(in.filename)));
	E(BPF_LDX_MEM(BPF_DW, R1, R0, offsetof(struct inflight, argv)));
	E(BPF_STX_MEM(BPF_DW, R10, R1, FP(in.argv)));
	E(BPF_LDX_MEM(BPF_W, R1, R0, offsetof(struct inflight, flags)));
	E(BPF_STX_MEM(BPF_W, R10, R1, FP(flags)));
	delete_tid(p, MAP_INFLIGHT);
	if (!l->feature[KF_IMAGE_ARGV])
		delete_tid(p, MAP_ARGSTASH);
}

/* The path the caller passed, right after the header; the kernel has faulted it in. */
static void exit_path(struct asm_prog *p)
{
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(in.filename)));
	read_path(p, false, "name_err");
	E(BPF_STX_MEM(BPF_H, REC, R0, EV_OFF(filename_len)));
	E(BPF_JMP_IMM(BPF_JLT, R0, EV_FILENAME_MAX, "path_done"));
	set_flag(p, FP(flags), EV_F_TRUNC_FILE);
	E(BPF_JMP_A("path_done"));
	L("name_err");
	E(BPF_ST_MEM(BPF_B, REC, EV_HDR, 0));
	E(BPF_ST_MEM(BPF_H, REC, EV_OFF(filename_len), 1));
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
	E(BPF_ALU64_REG(BPF_ADD, R1, REC));
	E(BPF_ALU64_IMM(BPF_ADD, R1, EV_HDR));
	E(BPF_MOV64_REG(R2, ARGLEN));
	E(BPF_MOV64_REG(R3, SCRATCH));
	CALL(probe_read_kernel);

	E(BPF_LDX_MEM(BPF_H, R1, REC, EV_OFF(filename_len)));
	E(BPF_ALU64_REG(BPF_ADD, R1, ARGLEN));
	E(BPF_STX_MEM(BPF_W, REC, R1, EV_OFF(text_len)));
	E(BPF_LDX_MEM(BPF_W, R1, R10, FP(argc)));
	E(BPF_STX_MEM(BPF_H, REC, R1, EV_OFF(argc)));
	E(BPF_LDX_MEM(BPF_W, R1, R10, FP(flags)));
	E(BPF_STX_MEM(BPF_W, REC, R1, EV_OFF(flags)));
}

void exec_exit(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l,
	       unsigned ptr_size)
{
	const struct tp_field *ret = &l->tp[EXIT_RET];

	E(BPF_MOV64_REG(CTX, R1));
	CALL(get_current_pid_tgid);
	E(BPF_STX_MEM(BPF_W, R10, R0, FP(tid)));
	load_field(p, R1, ret);
	if (ret->size == 4) { /* a 32-bit kernel's long: sign-extend */
		E(BPF_ALU64_IMM(BPF_LSH, R1, 32));
		E(BPF_ALU64_IMM(BPF_ARSH, R1, 32));
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
	E(BPF_LDX_MEM(BPF_DW, R1, R10, FP(ret)));
	E(BPF_STX_MEM(BPF_W, REC, R1, EV_OFF(ret)));
	gather_args(p, o, ptr_size);
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
	E(BPF_MOV64_IMM(R0, 0));
	E(BPF_EXIT_INSN());
}

void prog_exec_exit(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	/* ret is a long: as wide as the caller's pointers */
	exec_exit(p, o, l, l->tp[EXIT_RET].size);
}
