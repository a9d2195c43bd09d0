// SPDX-License-Identifier: MIT
/*
 * Execs through the 32-bit (compat) entry: a 32-bit program's execve/execveat, or `int $0x80`
 * from a 64-bit one. The syscalls:sys_*_execve* tracepoints skip compat syscalls; a
 * successful one is reported by sched_process_exec anyway, a failed one only here.
 * raw_syscalls:sys_enter/sys_exit fire for every syscall of every task, so both programs
 * leave at once unless the number is a compat exec's and the task is in a compat syscall
 * (x86: TS_COMPAT in thread_info.status; compat numbers are the i386 table's, where 11 is
 * execve, while 11 is munmap for a 64-bit call). Then they do what execve.c's do: enter
 * keeps the pointers and reads the path per thread, exit emits a failed exec's record. Loaded with
 * --compat only: watching every syscall costs every syscall (minisnoop.8, --compat).
 */
#include "emit.h"

#define COMPAT_NR_EXECVE   11 /* arch/x86/entry/syscalls/syscall_32.tbl */
#define COMPAT_NR_EXECVEAT 358
#define TS_COMPAT	   0x0002 /* arch/x86/include/asm/thread_info.h */

/* goto out unless current is in a compat syscall. Clobbers r0-r5, FP(tmp). */
static void compat_only(struct asm_prog *p, const struct prog_layout *l, const char *out)
{
	ES(EMIT_CALL(BPF_FUNC_get_current_task), MOV64_REG(R3, R0));
	/* status is a u32: the low half of the u64 read (little-endian: x86) */
	read_kernel_u64(
	    p, FP(tmp), l->member[KM_TASK_THREAD_INFO] + l->member[KM_THREAD_INFO_STATUS], out);
	ES(LDX_MEM(BPF_W, R1, R10, FP(tmp)), ALU32_IMM(BPF_AND, R1, TS_COMPAT));
	E(BPF_JMP_IMM(BPF_JEQ, R1, 0, out));
}

/* A compat pointer argument (args[i] after id, each as wide as id) into a stack slot: its low
 * 32 bits, as the kernel takes it; int $0x80 from a 64-bit program may leave the high ones
 * set. */
static void compat_arg(struct asm_prog *p, const struct prog_layout *l, int i, int16_t slot)
{
	const struct tp_field *id = &l->tp[COMPAT_ENTER_ID];
	struct tp_field arg = {(int16_t)(id->off + (i + 1) * id->size), id->size};

	load_field(p, R1, &arg);
	E(BPF_MOV32_REG(R1, R1));
	E(BPF_STX_MEM(BPF_DW, R10, R1, slot));
}

void prog_compat_enter(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	E(BPF_MOV64_REG(CTX, R1));
	load_field(p, R1, &l->tp[COMPAT_ENTER_ID]);
	E(BPF_JMP_IMM(BPF_JEQ, R1, COMPAT_NR_EXECVE, "compat_nr"));
	E(BPF_JMP_IMM(BPF_JNE, R1, COMPAT_NR_EXECVEAT, "out"));
	L("compat_nr");
	compat_only(p, l, "out");
	tree_filter(p, o, "out");
	load_field(p, R1, &l->tp[COMPAT_ENTER_ID]);
	E(BPF_JMP_IMM(BPF_JEQ, R1, COMPAT_NR_EXECVE, "execve"));
	compat_arg(p, l, 1, FP(in.filename)); /* execveat(dfd, filename, argv, envp, flags) */
	compat_arg(p, l, 2, FP(in.argv));
	E(BPF_ST_MEM(BPF_W, R10, FP(in.flags), EV_F_EXECVEAT));
	E(BPF_JMP_A("keep"));
	L("execve");
	compat_arg(p, l, 0, FP(in.filename)); /* execve(filename, argv, envp) */
	compat_arg(p, l, 1, FP(in.argv));
	E(BPF_ST_MEM(BPF_W, R10, FP(in.flags), 0));
	L("keep");
	ES(ST_MEM(BPF_W, R10, FP(in.path), 0),
	   EMIT_CALL(BPF_FUNC_get_current_pid_tgid),
	   STX_MEM(BPF_W, R10, R0, FP(tid)));
	/* the path as the kernel is about to take it, as execve.c's entry does */
	enter_path_slot(p);
	E(BPF_LD_MAP_FD(R1, MAP_INFLIGHT));
	stack_ptr(p, R2, FP(tid));
	stack_ptr(p, R3, FP(in));
	ES(MOV64_IMM(R4, BPF_ANY), EMIT_CALL(BPF_FUNC_map_update_elem));
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "read_path"));
	count_stat(p, MS_STAT_STASH_FAIL, "read_path");
	L("read_path");
	enter_read_path(p, "out");
	L("out");
	ES(MOV64_IMM(R0, 0), EXIT_INSN());
}

/* A compat exec's exit: execve.c's exit program, argv entries 4 bytes each. */
void prog_compat_exit(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	E(BPF_MOV64_REG(CTX, R1));
	load_field(p, R1, &l->tp[COMPAT_EXIT_ID]);
	E(BPF_JMP_IMM(BPF_JEQ, R1, COMPAT_NR_EXECVE, "compat_nr"));
	E(BPF_JMP_IMM(BPF_JNE, R1, COMPAT_NR_EXECVEAT, "not_exec"));
	L("compat_nr");
	compat_only(p, l, "not_exec");
	E(BPF_MOV64_REG(R1, CTX));
	exec_exit(p, o, l, 4);
	L("not_exec");
	ES(MOV64_IMM(R0, 0), EXIT_INSN());
	context_callbacks(p, l);
}
