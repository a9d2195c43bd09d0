// SPDX-License-Identifier: MIT
/*
 * The exec programs. enter (sys_enter_execve/execveat) reads the path and argv and
 * stashes a record keyed by tgid; exit (sys_exit_execve/execveat) adds ret, comm and the
 * time and emits the record once. fork (sched_process_fork) feeds ppid when there is no BTF.
 *
 * Each program's stack frame is a struct (slots by offsetof, below r10), and its registers
 * keep one role for the whole program: r6 the context, r7 the record, r8 and r9 as named.
 */
#include "insns.h"

#define E(insn)	 EMIT(p, insn)
#define L(name)	 LABEL(p, name)
#define CALL(fn) E(BPF_EMIT_CALL(BPF_FUNC_##fn))

/* r10-relative offset of a member of a frame struct */
#define SLOT(frame, member)                                                                        \
	((int16_t)((int)offsetof(struct frame, member) - (int)sizeof(struct frame)))

/* Roles every program gives these (callee-saved) registers. */
#define CTX R6 /* the tracepoint context */
#define REC R7 /* the record being built (a stash entry) */

/* ---- small sequences ---- */

/* reg = r10 + off: a pointer to a stack slot */
static void stack_ptr(struct asm_prog *p, int reg, int16_t off)
{
	E(BPF_MOV64_REG(reg, R10));
	E(BPF_ALU64_IMM(BPF_ADD, reg, off));
}

/* dst = a tracepoint field, at the width the format file gives */
static void load_field(struct asm_prog *p, int dst, const struct tp_field *f)
{
	int size = f->size == 1 ? BPF_B : f->size == 2 ? BPF_H : f->size == 4 ? BPF_W : BPF_DW;

	E(BPF_LDX_MEM(size, dst, CTX, f->off));
}

/* *(u32 *)(r10 + slot) |= bits */
static void set_flag(struct asm_prog *p, int16_t slot, uint32_t bits)
{
	E(BPF_LDX_MEM(BPF_W, R1, R10, slot));
	E(BPF_ALU32_IMM(BPF_OR, R1, (int32_t)bits));
	E(BPF_STX_MEM(BPF_W, R10, R1, slot));
}

/* *(u64 *)(r10 + slot) = *(u64 *)(r3 + off) from kernel memory, or goto fail; uses r0-r3 */
static void read_kernel_u64(struct asm_prog *p, int16_t slot, uint32_t off, const char *fail)
{
	E(BPF_ALU64_IMM(BPF_ADD, R3, (int32_t)off));
	stack_ptr(p, R1, slot);
	E(BPF_MOV64_IMM(R2, 8));
	CALL(probe_read_kernel);
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, fail));
}

/* stats[idx]++ (per-CPU, so no atomics); uses r0-r2 and the u32 slot key */
static void count_stat(struct asm_prog *p, enum ms_stat idx, int16_t key, const char *skip)
{
	E(BPF_ST_MEM(BPF_W, R10, key, idx));
	E(BPF_LD_MAP_FD(R1, MAP_STATS));
	stack_ptr(p, R2, key);
	CALL(map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, skip));
	E(BPF_LDX_MEM(BPF_DW, R1, R0, 0));
	E(BPF_ALU64_IMM(BPF_ADD, R1, 1));
	E(BPF_STX_MEM(BPF_DW, R0, R1, 0));
}

/*
 * The path string at the user address in r3 into the record's text. Then r0 is its length
 * with the NUL, 1..EV_FILENAME_MAX, or the read failed and it jumped to fail. Some kernels
 * (6.1) read an empty string as 0 bytes: its NUL is written and counted here.
 */
static void read_path(struct asm_prog *p, const char *fail, const char *done)
{
	E(BPF_MOV64_REG(R1, REC));
	E(BPF_ALU64_IMM(BPF_ADD, R1, EV_HDR));
	E(BPF_MOV64_IMM(R2, EV_FILENAME_MAX));
	CALL(probe_read_user_str);
	E(BPF_JMP_IMM(BPF_JSLT, R0, 0, fail));
	E(BPF_JMP_IMM(BPF_JGT, R0, EV_FILENAME_MAX, fail));
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, done));
	E(BPF_ST_MEM(BPF_B, REC, EV_HDR, 0));
	E(BPF_MOV64_IMM(R0, 1));
	L(done);
}

/* ---- enter: sys_enter_execve, sys_enter_execveat ---- */

struct enter_frame {
	uint64_t last;	/* where the last byte kept of the last argument came from */
	uint64_t next;	/* &argv[n], to see whether there are more than n */
	uint64_t ids;	/* pid_tgid */
	uint64_t argv;	/* the caller's argv */
	uint32_t argc;	/* arguments kept */
	uint32_t flags; /* EV_F_* gathered on the way */
	uint32_t key;	/* map key: 0, then the tgid */
	uint32_t pad;
	uint64_t tmp; /* argv[i]; a byte of it; the parent task */
};
#define FP(m) SLOT(enter_frame, m)

#define ARGLEN	R8 /* bytes of argument text in the scratch */
#define SCRATCH R9 /* this CPU's scratch, where the argument text is built */

/* -u and -c, decided before anything is read */
static void enter_filters(struct asm_prog *p, const struct prog_opts *o)
{
	if (o->match_uid) {
		CALL(get_current_uid_gid);
		/* the low half is the uid */
		E(BPF_JMP32_IMM(BPF_JNE, R0, (int32_t)o->uid, "out"));
	}
	if (o->match_cgroup) {
		E(BPF_LD_MAP_FD(R1, MAP_CGROUP));
		E(BPF_MOV64_IMM(R2, 0));
		CALL(current_task_under_cgroup);
		E(BPF_JMP_IMM(BPF_JNE, R0, 1, "out"));
	}
}

/* FP(tmp) = size bytes of user memory at *FP(from) + add, or goto fail */
static void read_user_tmp(struct asm_prog *p, int size, int16_t from, int32_t add, const char *fail)
{
	stack_ptr(p, R1, FP(tmp));
	E(BPF_MOV64_IMM(R2, size));
	E(BPF_LDX_MEM(BPF_DW, R3, R10, from));
	if (add)
		E(BPF_ALU64_IMM(BPF_ADD, R3, add));
	CALL(probe_read_user);
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, fail));
}

/* One argument, argv[i], appended to the scratch. */
static void enter_arg(struct asm_prog *p, unsigned i)
{
	read_user_tmp(p, 8, FP(argv), (int32_t)(i * 8), "read_err"); /* argv[i] */
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(tmp)));
	E(BPF_JMP_IMM(BPF_JEQ, R3, 0, "args_done"));
	/* The bound lets the verifier see ARGLEN < EV_ARGS_MAX below. */
	E(BPF_JMP_IMM(BPF_JGE, ARGLEN, EV_ARGS_MAX, "args_full"));
	E(BPF_MOV64_REG(R1, SCRATCH));
	E(BPF_ALU64_REG(BPF_ADD, R1, ARGLEN));
	E(BPF_MOV64_IMM(R2, EV_ARGS_MAX));
	E(BPF_ALU64_REG(BPF_SUB, R2, ARGLEN)); /* room left, 1..EV_ARGS_MAX */
	CALL(probe_read_user_str);
	E(BPF_JMP_IMM(BPF_JSLT, R0, 0, "read_err"));
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, asm_name(p, "counted", i)));
	/* Some kernels (6.1) read an empty string as 0: its NUL is not counted. */
	E(BPF_MOV64_REG(R1, SCRATCH));
	E(BPF_ALU64_REG(BPF_ADD, R1, ARGLEN));
	E(BPF_ST_MEM(BPF_B, R1, 0, 0));
	E(BPF_MOV64_IMM(R0, 1));
	L(asm_name(p, "counted", i));
	E(BPF_ALU64_REG(BPF_ADD, ARGLEN, R0));
	E(BPF_LDX_MEM(BPF_W, R1, R10, FP(argc)));
	E(BPF_ALU64_IMM(BPF_ADD, R1, 1));
	E(BPF_STX_MEM(BPF_W, R10, R1, FP(argc)));
	E(BPF_JMP_IMM(BPF_JLT, ARGLEN, EV_ARGS_MAX, asm_name(p, "next", i)));
	/* The buffer is full: "buf_full" looks at what was cut, if anything. */
	E(BPF_LDX_MEM(BPF_DW, R1, R10, FP(tmp)));
	E(BPF_ALU64_REG(BPF_ADD, R1, R0));
	E(BPF_ALU64_IMM(BPF_ADD, R1, -1));
	E(BPF_STX_MEM(BPF_DW, R10, R1, FP(last)));
	E(BPF_LDX_MEM(BPF_DW, R1, R10, FP(argv)));
	E(BPF_ALU64_IMM(BPF_ADD, R1, (int32_t)((i + 1) * 8)));
	E(BPF_STX_MEM(BPF_DW, R10, R1, FP(next)));
	E(BPF_JMP_A("buf_full"));
	L(asm_name(p, "next", i));
}

/* How the argument list ended: cut, more than kept, or unreadable; jumps stay forward. */
static void enter_args_end(struct asm_prog *p, const struct prog_opts *o)
{
	/* Kept max_args: say so if there is one more, at &argv[max_args]. */
	E(BPF_LDX_MEM(BPF_DW, R1, R10, FP(argv)));
	E(BPF_ALU64_IMM(BPF_ADD, R1, (int32_t)(o->max_args * 8)));
	E(BPF_STX_MEM(BPF_DW, R10, R1, FP(next)));
	E(BPF_JMP_A("more_args"));

	/* The last argument filled the buffer: it was cut unless the byte its NUL replaced
	 * was its own NUL; if it was whole, were there more? */
	L("buf_full");
	read_user_tmp(p, 1, FP(last), 0, "arg_cut");
	E(BPF_LDX_MEM(BPF_B, R1, R10, FP(tmp)));
	E(BPF_JMP_IMM(BPF_JNE, R1, 0, "arg_cut"));

	L("more_args");
	read_user_tmp(p, 8, FP(next), 0, "args_done");
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(tmp)));
	E(BPF_JMP_IMM(BPF_JEQ, R3, 0, "args_done"));
	L("args_full");
	set_flag(p, FP(flags), EV_F_TRUNC_ARGS);
	E(BPF_JMP_A("args_done"));
	L("arg_cut");
	set_flag(p, FP(flags), EV_F_TRUNC_ARG);
	E(BPF_JMP_A("args_done"));
	L("read_err");
	set_flag(p, FP(flags), EV_F_READ_ERR);
	L("args_done");
}

/* Argument text into the scratch: ARGLEN bytes, FP(argc) strings, unrolled. */
static void enter_argv(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	unsigned i;

	E(BPF_ST_MEM(BPF_W, R10, FP(key), 0));
	E(BPF_LD_MAP_FD(R1, MAP_SCRATCH));
	stack_ptr(p, R2, FP(key));
	CALL(map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "out"));
	E(BPF_MOV64_REG(SCRATCH, R0));

	E(BPF_ST_MEM(BPF_W, R10, FP(argc), 0));
	E(BPF_MOV64_IMM(ARGLEN, 0));
	load_field(p, R1, &l->tp[ENTER_ARGV]);
	E(BPF_STX_MEM(BPF_DW, R10, R1, FP(argv)));
	E(BPF_JMP_IMM(BPF_JEQ, R1, 0, "args_done")); /* NULL argv: no arguments */
	for (i = 0; i < o->max_args; i++)
		enter_arg(p, i);
	enter_args_end(p, o);
}

/* REC = a stash entry under the tgid (its old bytes are all overwritten or unused). */
static void enter_stash(struct asm_prog *p, const struct prog_layout *l)
{
	CALL(get_current_pid_tgid);
	E(BPF_STX_MEM(BPF_DW, R10, R0, FP(ids)));
	E(BPF_ALU64_IMM(BPF_RSH, R0, 32));
	E(BPF_STX_MEM(BPF_W, R10, R0, FP(key)));
	E(BPF_LD_MAP_FD(R1, MAP_STASH));
	stack_ptr(p, R2, FP(key));
	E(BPF_MOV64_REG(R3, SCRATCH));
	E(BPF_MOV64_IMM(R4, BPF_ANY));
	CALL(map_update_elem);
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, "stash_fail"));
	E(BPF_LD_MAP_FD(R1, MAP_STASH));
	stack_ptr(p, R2, FP(key));
	CALL(map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "stash_fail"));
	E(BPF_MOV64_REG(REC, R0));
	/* For the exit program, in case this one could not read them. */
	load_field(p, R1, &l->tp[ENTER_FILENAME]);
	E(BPF_STX_MEM(BPF_DW, REC, R1, STASH_PTRS));
	E(BPF_LDX_MEM(BPF_DW, R1, R10, FP(argv)));
	E(BPF_STX_MEM(BPF_DW, REC, R1, STASH_PTRS + 8));
}

/* pid, tid, uid and ppid */
static void enter_ids(struct asm_prog *p, const struct prog_layout *l)
{
	E(BPF_LDX_MEM(BPF_DW, R1, R10, FP(ids)));
	E(BPF_STX_MEM(BPF_W, REC, R1, EV_OFF(tid)));
	E(BPF_ALU64_IMM(BPF_RSH, R1, 32));
	E(BPF_STX_MEM(BPF_W, REC, R1, EV_OFF(pid)));
	CALL(get_current_uid_gid);
	E(BPF_STX_MEM(BPF_W, REC, R0, EV_OFF(uid)));
	E(BPF_ST_MEM(BPF_W, REC, EV_OFF(ppid), 0));
	E(BPF_ST_MEM(BPF_W, REC, EV_OFF(ret), 0));

	if (l->feature[KF_PPID]) {
		/* ppid = current->real_parent->tgid */
		CALL(get_current_task);
		E(BPF_MOV64_REG(R3, R0));
		read_kernel_u64(p, FP(tmp), l->member[KM_TASK_REAL_PARENT], "ppid_done");
		E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(tmp)));
		E(BPF_ALU64_IMM(BPF_ADD, R3, (int32_t)l->member[KM_TASK_TGID]));
		E(BPF_MOV64_REG(R1, REC));
		E(BPF_ALU64_IMM(BPF_ADD, R1, EV_OFF(ppid)));
		E(BPF_MOV64_IMM(R2, 4));
		CALL(probe_read_kernel);
		E(BPF_JMP_IMM(BPF_JNE, R0, 0, "ppid_done"));
	} else {
		/* ppid = forks[tgid], recorded when this process was forked */
		E(BPF_LD_MAP_FD(R1, MAP_FORKS));
		stack_ptr(p, R2, FP(key));
		CALL(map_lookup_elem);
		E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "ppid_done"));
		E(BPF_LDX_MEM(BPF_W, R1, R0, 0));
		E(BPF_STX_MEM(BPF_W, REC, R1, EV_OFF(ppid)));
	}
	set_flag(p, FP(flags), EV_F_PPID_KERNEL);
	L("ppid_done");
}

/* The path right after the header, then the argument text from the scratch. */
static void enter_text(struct asm_prog *p, const struct prog_layout *l)
{
	load_field(p, R3, &l->tp[ENTER_FILENAME]);
	read_path(p, "name_err", "name_read");
	E(BPF_STX_MEM(BPF_H, REC, R0, EV_OFF(filename_len)));
	E(BPF_JMP_IMM(BPF_JLT, R0, EV_FILENAME_MAX, "args_copy"));
	set_flag(p, FP(flags), EV_F_TRUNC_FILE);
	E(BPF_JMP_A("args_copy"));
	L("name_err");
	E(BPF_ST_MEM(BPF_B, REC, EV_HDR, 0));
	E(BPF_ST_MEM(BPF_H, REC, EV_OFF(filename_len), 1));
	set_flag(p, FP(flags), EV_F_READ_ERR);

	L("args_copy");
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

static void exec_enter(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l,
		       uint32_t flags)
{
	E(BPF_MOV64_REG(CTX, R1));
	enter_filters(p, o);
	E(BPF_ST_MEM(BPF_W, R10, FP(flags), (int32_t)flags));
	enter_argv(p, o, l);
	enter_stash(p, l);
	enter_ids(p, l);
	enter_text(p, l);
	E(BPF_JMP_A("out"));

	L("stash_fail");
	count_stat(p, MS_STAT_STASH_FAIL, FP(key), "out");
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

#undef FP

/* ---- exit: sys_exit_execve, sys_exit_execveat ---- */

struct exit_frame {
	uint64_t env_end;   /* the new image's mm->env_end: the path follows it */
	uint64_t arg_end;   /* ... mm->arg_end */
	uint64_t arg_start; /* ... mm->arg_start */
	uint64_t mm;	    /* current->mm */
	uint32_t xflags;    /* flags the argv block adds */
	uint32_t stat_key;
	uint32_t pad;
	uint32_t key; /* tgid */
};
#define FP(m) SLOT(exit_frame, m)

#define BLKLEN	R8 /* bytes of argv block copied from the new image */
#define PATHLEN R9 /* bytes of the path, NUL included */

/*
 * The new image's argv strings lie in [mm->arg_start, mm->arg_end), and the path the kernel
 * copied sits right after the environment, at mm->env_end: read both as one block.
 */
static void exit_image_argv(struct asm_prog *p, const struct prog_layout *l)
{
	CALL(get_current_task);
	E(BPF_MOV64_REG(R3, R0));
	read_kernel_u64(p, FP(mm), l->member[KM_TASK_MM], "emit");
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(mm)));
	E(BPF_JMP_IMM(BPF_JEQ, R3, 0, "emit"));
	read_kernel_u64(p, FP(arg_start), l->member[KM_MM_ARG_START], "emit");
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(mm)));
	read_kernel_u64(p, FP(arg_end), l->member[KM_MM_ARG_END], "emit");
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(mm)));
	read_kernel_u64(p, FP(env_end), l->member[KM_MM_ENV_END], "emit");

	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(env_end)));
	read_path(p, "emit", "blk_path_read");
	E(BPF_MOV64_REG(PATHLEN, R0));

	E(BPF_ST_MEM(BPF_W, R10, FP(xflags), 0));
	E(BPF_LDX_MEM(BPF_DW, BLKLEN, R10, FP(arg_end)));
	E(BPF_LDX_MEM(BPF_DW, R1, R10, FP(arg_start)));
	E(BPF_ALU64_REG(BPF_SUB, BLKLEN, R1));
	E(BPF_JMP_IMM(BPF_JSGT, BLKLEN, 0, "blk_some"));
	E(BPF_MOV64_IMM(BLKLEN, 0));
	E(BPF_JMP_A("blk_len_ok"));
	L("blk_some");
	E(BPF_JMP_IMM(BPF_JLE, BLKLEN, EV_ARGS_MAX, "blk_len_ok"));
	E(BPF_MOV64_IMM(BLKLEN, EV_ARGS_MAX));
	E(BPF_ST_MEM(BPF_W, R10, FP(xflags), EV_F_TRUNC_ARG));
	L("blk_len_ok");
	E(BPF_MOV64_REG(R1, REC));
	E(BPF_ALU64_IMM(BPF_ADD, R1, EV_HDR));
	E(BPF_ALU64_REG(BPF_ADD, R1, PATHLEN));
	E(BPF_MOV64_REG(R2, BLKLEN));
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(arg_start)));
	CALL(probe_read_user);
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, "emit"));

	E(BPF_STX_MEM(BPF_H, REC, PATHLEN, EV_OFF(filename_len)));
	E(BPF_MOV64_REG(R1, PATHLEN));
	E(BPF_ALU64_REG(BPF_ADD, R1, BLKLEN));
	E(BPF_STX_MEM(BPF_W, REC, R1, EV_OFF(text_len)));
	E(BPF_ST_MEM(BPF_H, REC, EV_OFF(argc), 0)); /* the reader counts them */
	E(BPF_LDX_MEM(BPF_W, R1, REC, EV_OFF(flags)));
	E(BPF_ALU32_IMM(
	    BPF_AND, R1,
	    (int32_t) ~(EV_F_READ_ERR | EV_F_TRUNC_ARG | EV_F_TRUNC_ARGS | EV_F_TRUNC_FILE)));
	E(BPF_ALU32_IMM(BPF_OR, R1, EV_F_ARGS_BLOCK));
	E(BPF_LDX_MEM(BPF_W, R2, R10, FP(xflags)));
	E(BPF_ALU32_REG(BPF_OR, R1, R2));
	E(BPF_JMP_IMM(BPF_JLT, PATHLEN, EV_FILENAME_MAX, "blk_flags"));
	E(BPF_ALU32_IMM(BPF_OR, R1, EV_F_TRUNC_FILE));
	L("blk_flags");
	E(BPF_STX_MEM(BPF_W, REC, R1, EV_OFF(flags)));
}

/* Failed exec, old image: the kernel has read the path by now; the arguments stay missing
 * (the kernel may have failed before reading them). */
static void exit_old_image_path(struct asm_prog *p)
{
	L("old_image");
	E(BPF_LDX_MEM(BPF_W, R1, REC, EV_OFF(text_len)));
	E(BPF_JMP_IMM(BPF_JGT, R1, 1, "emit"));
	E(BPF_LDX_MEM(BPF_DW, R3, REC, STASH_PTRS));
	read_path(p, "emit", "old_path_read");
	E(BPF_STX_MEM(BPF_H, REC, R0, EV_OFF(filename_len)));
	E(BPF_STX_MEM(BPF_W, REC, R0, EV_OFF(text_len)));
}

/* comm and time, then the record to the ring; the stash entry is dropped either way */
static void exit_emit(struct asm_prog *p)
{
	L("emit");
	E(BPF_MOV64_REG(R1, REC));
	E(BPF_ALU64_IMM(BPF_ADD, R1, EV_OFF(comm)));
	E(BPF_MOV64_IMM(R2, EV_COMM_LEN));
	CALL(get_current_comm);
	CALL(ktime_get_ns);
	E(BPF_STX_MEM(BPF_DW, REC, R0, EV_OFF(ts_ns)));

	E(BPF_LDX_MEM(BPF_W, R5, REC, EV_OFF(text_len)));
	E(BPF_JMP_IMM(BPF_JGT, R5, EV_TEXT_MAX, "drop")); /* never, but bounds the size */
	E(BPF_ALU64_IMM(BPF_ADD, R5, EV_HDR));
	E(BPF_MOV64_REG(R1, CTX));
	E(BPF_LD_MAP_FD(R2, MAP_EVENTS));
	E(BPF_MOV32_IMM(R3, -1)); /* BPF_F_CURRENT_CPU: zero-extended 0xffffffff */
	E(BPF_MOV64_REG(R4, REC));
	CALL(perf_event_output);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "drop"));
	count_stat(p, MS_STAT_OUTPUT_FAIL, FP(stat_key), "drop");

	L("drop");
	E(BPF_LD_MAP_FD(R1, MAP_STASH));
	stack_ptr(p, R2, FP(key));
	CALL(map_delete_elem);
}

void prog_exec_exit(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	const struct tp_field *ret = &l->tp[EXIT_RET];

	E(BPF_MOV64_REG(CTX, R1));
	CALL(get_current_pid_tgid);
	E(BPF_ALU64_IMM(BPF_RSH, R0, 32));
	E(BPF_STX_MEM(BPF_W, R10, R0, FP(key)));
	E(BPF_LD_MAP_FD(R1, MAP_STASH));
	stack_ptr(p, R2, FP(key));
	CALL(map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "out")); /* enter was not seen */
	E(BPF_MOV64_REG(REC, R0));

	load_field(p, R1, ret);
	if (ret->size == 4) { /* a 32-bit kernel's long: sign-extend */
		E(BPF_ALU64_IMM(BPF_LSH, R1, 32));
		E(BPF_ALU64_IMM(BPF_ARSH, R1, 32));
	}
	E(BPF_STX_MEM(BPF_W, REC, R1, EV_OFF(ret)));
	if (o->failed_only)
		E(BPF_JMP_IMM(BPF_JSGE, R1, 0, "drop"));

	/* Entry could not read the caller's strings (pages not faulted in yet, as for string
	 * literals in a freshly forked child): the kernel has read them since. */
	E(BPF_LDX_MEM(BPF_W, R2, REC, EV_OFF(flags)));
	E(BPF_ALU32_IMM(BPF_AND, R2, EV_F_READ_ERR));
	E(BPF_JMP_IMM(BPF_JEQ, R2, 0, "emit"));
	E(BPF_JMP_IMM(BPF_JSLT, R1, 0, "old_image"));
	if (l->feature[KF_IMAGE_ARGV])
		exit_image_argv(p, l);
	E(BPF_JMP_A("emit"));
	exit_old_image_path(p);
	exit_emit(p);
	L("out");
	E(BPF_MOV64_IMM(R0, 0));
	E(BPF_EXIT_INSN());
}

#undef FP

/* ---- fork: sched_process_fork, for ppid without BTF ---- */

struct fork_frame {
	uint32_t parent; /* the forking process's tgid */
	uint32_t child;	 /* the new task's pid */
};
#define FP(m) SLOT(fork_frame, m)

void prog_fork(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	(void)o;
	/* forks[child pid] = the forking process's tgid */
	E(BPF_MOV64_REG(CTX, R1));
	load_field(p, R1, &l->tp[FORK_CHILD_PID]);
	E(BPF_STX_MEM(BPF_W, R10, R1, FP(child)));
	CALL(get_current_pid_tgid);
	E(BPF_ALU64_IMM(BPF_RSH, R0, 32));
	E(BPF_STX_MEM(BPF_W, R10, R0, FP(parent)));
	E(BPF_LD_MAP_FD(R1, MAP_FORKS));
	stack_ptr(p, R2, FP(child));
	stack_ptr(p, R3, FP(parent));
	E(BPF_MOV64_IMM(R4, BPF_ANY));
	CALL(map_update_elem);
	E(BPF_MOV64_IMM(R0, 0));
	E(BPF_EXIT_INSN());
}
