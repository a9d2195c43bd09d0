// SPDX-License-Identifier: MIT
/*
 * The exec programs. enter (sys_enter_execve/execveat) reads the path and argv and
 * stashes a record keyed by tgid; exit (sys_exit_execve/execveat) adds ret, comm and the
 * time and emits the record once. fork (sched_process_fork) feeds ppid when there is no BTF.
 */
#include "progs.h"

#define E(insn)	 EMIT(p, insn)
#define L(name)	 LABEL(p, name)
#define CALL(fn) E(BPF_EMIT_CALL(BPF_FUNC_##fn))

/* Stack slots of the enter program (r10-relative). */
#define FP_TMP	 (-8)  /* u64: argv[i], the parent task */
#define FP_KEY	 (-12) /* u32: map key (0, then tgid) */
#define FP_FLAGS (-16) /* u32: EV_F_* gathered on the way */
#define FP_ARGC	 (-20) /* u32: arguments kept */
#define FP_IDS	 (-32) /* u64: pid_tgid */
#define FP_NEXT	 (-40) /* u64: &argv[n], to see whether there are more than n */
#define FP_LAST	 (-48) /* u64: where the last byte kept of that argument came from */

/* Emitters used by several programs; macros so that each instruction keeps the line of
 * the program that uses them. */

/* reg = r10 + off: a pointer to a stack slot */
#define STACK_PTR(reg, off)                                                                        \
	do {                                                                                       \
		E(BPF_MOV64_REG(reg, R10));                                                        \
		E(BPF_ALU64_IMM(BPF_ADD, reg, off));                                               \
	} while (0)

/* flags |= bits, in the FP_FLAGS slot */
#define SET_FLAG(bits)                                                                             \
	do {                                                                                       \
		E(BPF_LDX_MEM(BPF_W, R1, R10, FP_FLAGS));                                          \
		E(BPF_ALU32_IMM(BPF_OR, R1, (int32_t)(bits)));                                     \
		E(BPF_STX_MEM(BPF_W, R10, R1, FP_FLAGS));                                          \
	} while (0)

/* *(u64 *)(r10 + slot) = *(u64 *)(base + off) from kernel memory, or goto fail; uses r0-r3 */
#define READ_KERNEL_U64(slot, base, off, fail)                                                     \
	do {                                                                                       \
		E(BPF_MOV64_REG(R3, base));                                                        \
		E(BPF_ALU64_IMM(BPF_ADD, R3, (int32_t)(off)));                                     \
		STACK_PTR(R1, slot);                                                               \
		E(BPF_MOV64_IMM(R2, 8));                                                           \
		CALL(probe_read_kernel);                                                           \
		E(BPF_JMP_IMM(BPF_JNE, R0, 0, fail));                                              \
	} while (0)

/* stats[idx]++ (per-CPU, so no atomics); uses r0-r2 and the stack slot at key_off */
#define COUNT_STAT(idx, key_off, skip)                                                             \
	do {                                                                                       \
		E(BPF_ST_MEM(BPF_W, R10, key_off, idx));                                           \
		E(BPF_LD_MAP_FD(R1, MAP_STATS));                                                   \
		STACK_PTR(R2, key_off);                                                            \
		CALL(map_lookup_elem);                                                             \
		E(BPF_JMP_IMM(BPF_JEQ, R0, 0, skip));                                              \
		E(BPF_LDX_MEM(BPF_DW, R1, R0, 0));                                                 \
		E(BPF_ALU64_IMM(BPF_ADD, R1, 1));                                                  \
		E(BPF_STX_MEM(BPF_DW, R0, R1, 0));                                                 \
	} while (0)

void prog_exec_enter(struct asm_prog *p, const struct prog_cfg *c)
{
	unsigned i;

	E(BPF_MOV64_REG(R6, R1)); /* r6 = ctx */

	if (c->filter_uid) {
		CALL(get_current_uid_gid);
		/* the low half is the uid */
		E(BPF_JMP32_IMM(BPF_JNE, R0, (int32_t)c->uid, "out"));
	}
	if (c->filter_cgroup) {
		E(BPF_LD_MAP_FD(R1, MAP_CGROUP));
		E(BPF_MOV64_IMM(R2, 0));
		CALL(current_task_under_cgroup);
		E(BPF_JMP_IMM(BPF_JNE, R0, 1, "out"));
	}

	/* r7 = this CPU's scratch */
	E(BPF_ST_MEM(BPF_W, R10, FP_KEY, 0));
	E(BPF_LD_MAP_FD(R1, MAP_SCRATCH));
	STACK_PTR(R2, FP_KEY);
	CALL(map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "out"));
	E(BPF_MOV64_REG(R7, R0));

	E(BPF_ST_MEM(BPF_W, R10, FP_FLAGS, c->execveat ? EV_F_EXECVEAT : 0));
	E(BPF_ST_MEM(BPF_W, R10, FP_ARGC, 0));
	E(BPF_MOV64_IMM(R8, 0));		     /* r8 = argument bytes used */
	E(BPF_LDX_MEM(BPF_DW, R9, R6, c->off_argv)); /* r9 = argv (user) */
	E(BPF_JMP_IMM(BPF_JEQ, R9, 0, "args_done")); /* NULL argv: no arguments */

	/* Unrolled: one block per argument kept. */
	for (i = 0; i < c->max_args; i++) {
		STACK_PTR(R1, FP_TMP);
		E(BPF_MOV64_IMM(R2, 8));
		E(BPF_MOV64_REG(R3, R9));
		E(BPF_ALU64_IMM(BPF_ADD, R3, (int32_t)(i * 8)));
		CALL(probe_read_user); /* argv[i] */
		E(BPF_JMP_IMM(BPF_JNE, R0, 0, "read_err"));
		E(BPF_LDX_MEM(BPF_DW, R3, R10, FP_TMP));
		E(BPF_JMP_IMM(BPF_JEQ, R3, 0, "args_done"));
		/* The bound lets the verifier see r8 < EV_ARGS_MAX below. */
		E(BPF_JMP_IMM(BPF_JGE, R8, EV_ARGS_MAX, "args_full"));
		E(BPF_MOV64_REG(R1, R7));
		E(BPF_ALU64_REG(BPF_ADD, R1, R8));
		E(BPF_MOV64_IMM(R2, EV_ARGS_MAX));
		E(BPF_ALU64_REG(BPF_SUB, R2, R8)); /* room left, 1..EV_ARGS_MAX */
		CALL(probe_read_user_str);
		E(BPF_JMP_IMM(BPF_JSLT, R0, 0, "read_err"));
		E(BPF_JMP_IMM(BPF_JNE, R0, 0, asm_name(p, "counted", i)));
		/* Some kernels (6.1) read an empty string as 0: its NUL is not counted. */
		E(BPF_MOV64_REG(R1, R7));
		E(BPF_ALU64_REG(BPF_ADD, R1, R8));
		E(BPF_ST_MEM(BPF_B, R1, 0, 0));
		E(BPF_MOV64_IMM(R0, 1));
		L(asm_name(p, "counted", i));
		E(BPF_ALU64_REG(BPF_ADD, R8, R0));
		E(BPF_LDX_MEM(BPF_W, R1, R10, FP_ARGC));
		E(BPF_ALU64_IMM(BPF_ADD, R1, 1));
		E(BPF_STX_MEM(BPF_W, R10, R1, FP_ARGC));
		E(BPF_JMP_IMM(BPF_JLT, R8, EV_ARGS_MAX, asm_name(p, "next", i)));
		/* The buffer is full: "buf_full" looks at what was cut, if anything. */
		E(BPF_LDX_MEM(BPF_DW, R1, R10, FP_TMP));
		E(BPF_ALU64_REG(BPF_ADD, R1, R0));
		E(BPF_ALU64_IMM(BPF_ADD, R1, -1));
		E(BPF_STX_MEM(BPF_DW, R10, R1, FP_LAST));
		E(BPF_MOV64_REG(R1, R9));
		E(BPF_ALU64_IMM(BPF_ADD, R1, (int32_t)((i + 1) * 8)));
		E(BPF_STX_MEM(BPF_DW, R10, R1, FP_NEXT));
		E(BPF_JMP_A("buf_full"));
		L(asm_name(p, "next", i));
	}
	/* Kept max_args: say so if there is one more, at &argv[max_args]. */
	E(BPF_MOV64_REG(R1, R9));
	E(BPF_ALU64_IMM(BPF_ADD, R1, (int32_t)(c->max_args * 8)));
	E(BPF_STX_MEM(BPF_DW, R10, R1, FP_NEXT));
	E(BPF_JMP_A("more_args"));

	/* The last argument filled the buffer: it was cut unless the byte its NUL replaced
	 * was its own NUL; if it was whole, were there more? (Jumps stay forward.) */
	L("buf_full");
	STACK_PTR(R1, FP_TMP);
	E(BPF_MOV64_IMM(R2, 1));
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP_LAST));
	CALL(probe_read_user);
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, "arg_cut"));
	E(BPF_LDX_MEM(BPF_B, R1, R10, FP_TMP));
	E(BPF_JMP_IMM(BPF_JNE, R1, 0, "arg_cut"));

	L("more_args");
	STACK_PTR(R1, FP_TMP);
	E(BPF_MOV64_IMM(R2, 8));
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP_NEXT));
	CALL(probe_read_user);
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, "args_done"));
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP_TMP));
	E(BPF_JMP_IMM(BPF_JEQ, R3, 0, "args_done"));
	L("args_full");
	SET_FLAG(EV_F_TRUNC_ARGS);
	E(BPF_JMP_A("args_done"));
	L("arg_cut");
	SET_FLAG(EV_F_TRUNC_ARG);
	E(BPF_JMP_A("args_done"));
	L("read_err");
	SET_FLAG(EV_F_READ_ERR);

	L("args_done");
	/* Stash a record under the tgid; then fill it in place. */
	CALL(get_current_pid_tgid);
	E(BPF_STX_MEM(BPF_DW, R10, R0, FP_IDS));
	E(BPF_ALU64_IMM(BPF_RSH, R0, 32));
	E(BPF_STX_MEM(BPF_W, R10, R0, FP_KEY));
	E(BPF_LD_MAP_FD(R1, MAP_STASH));
	STACK_PTR(R2, FP_KEY);
	E(BPF_MOV64_REG(R3, R7)); /* any STASH_SIZE bytes: all are overwritten or unused */
	E(BPF_MOV64_IMM(R4, BPF_ANY));
	CALL(map_update_elem);
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, "stash_fail"));
	E(BPF_LD_MAP_FD(R1, MAP_STASH));
	STACK_PTR(R2, FP_KEY);
	CALL(map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "stash_fail"));
	E(BPF_MOV64_REG(R9, R7)); /* r9 = scratch (argument text) */
	E(BPF_MOV64_REG(R7, R0)); /* r7 = the record */
	/* For the exit program, in case this one could not read them. */
	E(BPF_LDX_MEM(BPF_DW, R1, R6, c->off_filename));
	E(BPF_STX_MEM(BPF_DW, R7, R1, STASH_PTRS));
	E(BPF_LDX_MEM(BPF_DW, R1, R6, c->off_argv));
	E(BPF_STX_MEM(BPF_DW, R7, R1, STASH_PTRS + 8));

	E(BPF_LDX_MEM(BPF_DW, R1, R10, FP_IDS));
	E(BPF_STX_MEM(BPF_W, R7, R1, EV_OFF(tid)));
	E(BPF_ALU64_IMM(BPF_RSH, R1, 32));
	E(BPF_STX_MEM(BPF_W, R7, R1, EV_OFF(pid)));
	CALL(get_current_uid_gid);
	E(BPF_STX_MEM(BPF_W, R7, R0, EV_OFF(uid)));
	E(BPF_ST_MEM(BPF_W, R7, EV_OFF(ppid), 0));
	E(BPF_ST_MEM(BPF_W, R7, EV_OFF(ret), 0));

	if (c->btf) {
		/* ppid = current->real_parent->tgid */
		CALL(get_current_task);
		READ_KERNEL_U64(FP_TMP, R0, c->off_real_parent, "ppid_done");
		E(BPF_LDX_MEM(BPF_DW, R3, R10, FP_TMP));
		E(BPF_ALU64_IMM(BPF_ADD, R3, (int32_t)c->off_tgid));
		E(BPF_MOV64_REG(R1, R7));
		E(BPF_ALU64_IMM(BPF_ADD, R1, EV_OFF(ppid)));
		E(BPF_MOV64_IMM(R2, 4));
		CALL(probe_read_kernel);
		E(BPF_JMP_IMM(BPF_JNE, R0, 0, "ppid_done"));
	} else {
		/* ppid = forks[tgid], recorded when this process was forked */
		E(BPF_LD_MAP_FD(R1, MAP_FORKS));
		STACK_PTR(R2, FP_KEY);
		CALL(map_lookup_elem);
		E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "ppid_done"));
		E(BPF_LDX_MEM(BPF_W, R1, R0, 0));
		E(BPF_STX_MEM(BPF_W, R7, R1, EV_OFF(ppid)));
	}
	SET_FLAG(EV_F_PPID_KERNEL);
	L("ppid_done");

	/* The path, right after the header. */
	E(BPF_LDX_MEM(BPF_DW, R3, R6, c->off_filename));
	E(BPF_MOV64_REG(R1, R7));
	E(BPF_ALU64_IMM(BPF_ADD, R1, EV_HDR));
	E(BPF_MOV64_IMM(R2, EV_FILENAME_MAX));
	CALL(probe_read_user_str);
	E(BPF_JMP_IMM(BPF_JSLT, R0, 0, "name_err"));
	E(BPF_JMP_IMM(BPF_JGT, R0, EV_FILENAME_MAX, "name_err"));
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, "name_counted"));
	E(BPF_ST_MEM(BPF_B, R7, EV_HDR, 0)); /* "" read as 0, as above */
	E(BPF_MOV64_IMM(R0, 1));
	L("name_counted");
	E(BPF_MOV64_REG(R6, R0)); /* r6 = path bytes with NUL, 1..EV_FILENAME_MAX */
	E(BPF_JMP_IMM(BPF_JLT, R6, EV_FILENAME_MAX, "args_copy"));
	SET_FLAG(EV_F_TRUNC_FILE);
	E(BPF_JMP_A("args_copy"));
	L("name_err");
	E(BPF_ST_MEM(BPF_B, R7, EV_HDR, 0));
	E(BPF_MOV64_IMM(R6, 1));
	SET_FLAG(EV_F_READ_ERR);

	/* Then the argument text from the scratch. */
	L("args_copy");
	E(BPF_JMP_IMM(BPF_JLE, R8, EV_ARGS_MAX, "args_len_ok"));
	E(BPF_MOV64_IMM(R8, EV_ARGS_MAX));
	L("args_len_ok");
	E(BPF_MOV64_REG(R1, R7));
	E(BPF_ALU64_IMM(BPF_ADD, R1, EV_HDR));
	E(BPF_ALU64_REG(BPF_ADD, R1, R6));
	E(BPF_MOV64_REG(R2, R8));
	E(BPF_MOV64_REG(R3, R9));
	CALL(probe_read_kernel);

	E(BPF_STX_MEM(BPF_H, R7, R6, EV_OFF(filename_len)));
	E(BPF_ALU64_REG(BPF_ADD, R6, R8));
	E(BPF_STX_MEM(BPF_W, R7, R6, EV_OFF(text_len)));
	E(BPF_LDX_MEM(BPF_W, R1, R10, FP_ARGC));
	E(BPF_STX_MEM(BPF_H, R7, R1, EV_OFF(argc)));
	E(BPF_LDX_MEM(BPF_W, R1, R10, FP_FLAGS));
	E(BPF_STX_MEM(BPF_W, R7, R1, EV_OFF(flags)));
	E(BPF_JMP_A("out"));

	L("stash_fail");
	COUNT_STAT(MS_STAT_STASH_FAIL, FP_KEY, "out");
	L("out");
	E(BPF_MOV64_IMM(R0, 0));
	E(BPF_EXIT_INSN());
}

void prog_exec_exit(struct asm_prog *p, const struct prog_cfg *c)
{
	E(BPF_MOV64_REG(R6, R1)); /* r6 = ctx */
	CALL(get_current_pid_tgid);
	E(BPF_ALU64_IMM(BPF_RSH, R0, 32));
	E(BPF_STX_MEM(BPF_W, R10, R0, -4));
	E(BPF_LD_MAP_FD(R1, MAP_STASH));
	STACK_PTR(R2, -4);
	CALL(map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "out")); /* enter was not seen */
	E(BPF_MOV64_REG(R7, R0));

	E(BPF_LDX_MEM(BPF_DW, R1, R6, c->off_ret));
	E(BPF_STX_MEM(BPF_W, R7, R1, EV_OFF(ret)));
	if (c->failed_only)
		E(BPF_JMP_IMM(BPF_JSGE, R1, 0, "drop"));

	/* Entry could not read the caller's strings (pages not faulted in yet, as for string
	 * literals in a freshly forked child): the kernel has read them since. */
	E(BPF_LDX_MEM(BPF_W, R2, R7, EV_OFF(flags)));
	E(BPF_ALU32_IMM(BPF_AND, R2, EV_F_READ_ERR));
	E(BPF_JMP_IMM(BPF_JEQ, R2, 0, "emit"));
	E(BPF_JMP_IMM(BPF_JSLT, R1, 0, "old_image"));
	if (c->btf) {
		/* New image: argv strings lie in [mm->arg_start, mm->arg_end), and the path the
		 * kernel copied sits right after the environment, at mm->env_end. */
		CALL(get_current_task);
		READ_KERNEL_U64(-16, R0, c->off_mm, "emit");
		E(BPF_LDX_MEM(BPF_DW, R9, R10, -16)); /* r9 = mm */
		E(BPF_JMP_IMM(BPF_JEQ, R9, 0, "emit"));
		READ_KERNEL_U64(-16, R9, c->off_arg_start, "emit");
		READ_KERNEL_U64(-24, R9, c->off_arg_end, "emit");
		READ_KERNEL_U64(-32, R9, c->off_env_end, "emit");

		E(BPF_MOV64_REG(R1, R7));
		E(BPF_ALU64_IMM(BPF_ADD, R1, EV_HDR));
		E(BPF_MOV64_IMM(R2, EV_FILENAME_MAX));
		E(BPF_LDX_MEM(BPF_DW, R3, R10, -32));
		CALL(probe_read_user_str);
		E(BPF_JMP_IMM(BPF_JSLT, R0, 1, "emit"));
		E(BPF_JMP_IMM(BPF_JGT, R0, EV_FILENAME_MAX, "emit"));
		E(BPF_MOV64_REG(R9, R0)); /* r9 = path bytes with NUL */

		E(BPF_ST_MEM(BPF_W, R10, -36, 0)); /* extra flags */
		E(BPF_LDX_MEM(BPF_DW, R8, R10, -24));
		E(BPF_LDX_MEM(BPF_DW, R1, R10, -16));
		E(BPF_ALU64_REG(BPF_SUB, R8, R1)); /* r8 = argv bytes */
		E(BPF_JMP_IMM(BPF_JSGT, R8, 0, "blk_some"));
		E(BPF_MOV64_IMM(R8, 0));
		E(BPF_JMP_A("blk_len_ok"));
		L("blk_some");
		E(BPF_JMP_IMM(BPF_JLE, R8, EV_ARGS_MAX, "blk_len_ok"));
		E(BPF_MOV64_IMM(R8, EV_ARGS_MAX));
		E(BPF_ST_MEM(BPF_W, R10, -36, EV_F_TRUNC_ARG));
		L("blk_len_ok");
		E(BPF_MOV64_REG(R1, R7));
		E(BPF_ALU64_IMM(BPF_ADD, R1, EV_HDR));
		E(BPF_ALU64_REG(BPF_ADD, R1, R9));
		E(BPF_MOV64_REG(R2, R8));
		E(BPF_LDX_MEM(BPF_DW, R3, R10, -16));
		CALL(probe_read_user);
		E(BPF_JMP_IMM(BPF_JNE, R0, 0, "emit"));

		E(BPF_STX_MEM(BPF_H, R7, R9, EV_OFF(filename_len)));
		E(BPF_MOV64_REG(R1, R9));
		E(BPF_ALU64_REG(BPF_ADD, R1, R8));
		E(BPF_STX_MEM(BPF_W, R7, R1, EV_OFF(text_len)));
		E(BPF_ST_MEM(BPF_H, R7, EV_OFF(argc), 0)); /* the reader counts them */
		E(BPF_LDX_MEM(BPF_W, R1, R7, EV_OFF(flags)));
		E(BPF_ALU32_IMM(BPF_AND, R1,
				(int32_t) ~(EV_F_READ_ERR | EV_F_TRUNC_ARG | EV_F_TRUNC_ARGS |
					    EV_F_TRUNC_FILE)));
		E(BPF_ALU32_IMM(BPF_OR, R1, EV_F_ARGS_BLOCK));
		E(BPF_LDX_MEM(BPF_W, R2, R10, -36));
		E(BPF_ALU32_REG(BPF_OR, R1, R2));
		E(BPF_JMP_IMM(BPF_JLT, R9, EV_FILENAME_MAX, "blk_flags"));
		E(BPF_ALU32_IMM(BPF_OR, R1, EV_F_TRUNC_FILE));
		L("blk_flags");
		E(BPF_STX_MEM(BPF_W, R7, R1, EV_OFF(flags)));
	}
	E(BPF_JMP_A("emit"));

	/* Failed exec, old image: the kernel has read the path by now; the arguments stay
	 * missing (the kernel may have failed before reading them). */
	L("old_image");
	E(BPF_LDX_MEM(BPF_W, R1, R7, EV_OFF(text_len)));
	E(BPF_JMP_IMM(BPF_JGT, R1, 1, "emit"));
	E(BPF_MOV64_REG(R1, R7));
	E(BPF_ALU64_IMM(BPF_ADD, R1, EV_HDR));
	E(BPF_MOV64_IMM(R2, EV_FILENAME_MAX));
	E(BPF_LDX_MEM(BPF_DW, R3, R7, STASH_PTRS));
	CALL(probe_read_user_str);
	E(BPF_JMP_IMM(BPF_JSLT, R0, 1, "emit"));
	E(BPF_JMP_IMM(BPF_JGT, R0, EV_FILENAME_MAX, "emit"));
	E(BPF_STX_MEM(BPF_H, R7, R0, EV_OFF(filename_len)));
	E(BPF_STX_MEM(BPF_W, R7, R0, EV_OFF(text_len)));

	L("emit");

	E(BPF_MOV64_REG(R1, R7));
	E(BPF_ALU64_IMM(BPF_ADD, R1, EV_OFF(comm)));
	E(BPF_MOV64_IMM(R2, EV_COMM_LEN));
	CALL(get_current_comm);
	CALL(ktime_get_ns);
	E(BPF_STX_MEM(BPF_DW, R7, R0, EV_OFF(ts_ns)));

	E(BPF_LDX_MEM(BPF_W, R5, R7, EV_OFF(text_len)));
	E(BPF_JMP_IMM(BPF_JGT, R5, EV_TEXT_MAX, "drop")); /* never, but bounds the size */
	E(BPF_ALU64_IMM(BPF_ADD, R5, EV_HDR));
	E(BPF_MOV64_REG(R1, R6));
	E(BPF_LD_MAP_FD(R2, MAP_EVENTS));
	E(BPF_MOV32_IMM(R3, -1)); /* BPF_F_CURRENT_CPU: zero-extended 0xffffffff */
	E(BPF_MOV64_REG(R4, R7));
	CALL(perf_event_output);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "drop"));
	COUNT_STAT(MS_STAT_OUTPUT_FAIL, -8, "drop");

	L("drop");
	E(BPF_LD_MAP_FD(R1, MAP_STASH));
	STACK_PTR(R2, -4);
	CALL(map_delete_elem);
	L("out");
	E(BPF_MOV64_IMM(R0, 0));
	E(BPF_EXIT_INSN());
}

void prog_fork(struct asm_prog *p, const struct prog_cfg *c)
{
	/* forks[child pid] = the forking process's tgid */
	E(BPF_LDX_MEM(BPF_W, R6, R1, c->off_child_pid));
	E(BPF_STX_MEM(BPF_W, R10, R6, -4));
	CALL(get_current_pid_tgid);
	E(BPF_ALU64_IMM(BPF_RSH, R0, 32));
	E(BPF_STX_MEM(BPF_W, R10, R0, -8));
	E(BPF_LD_MAP_FD(R1, MAP_FORKS));
	STACK_PTR(R2, -4);
	STACK_PTR(R3, -8);
	E(BPF_MOV64_IMM(R4, BPF_ANY));
	CALL(map_update_elem);
	E(BPF_MOV64_IMM(R0, 0));
	E(BPF_EXIT_INSN());
}
