// SPDX-License-Identifier: MIT
/*
 * sched_process_fork: for ppid without BTF, forks[child pid] = the forking process's tgid; and
 * with --tree / --exclude-tree / -- COMMAND, the subtree's membership, which a child inherits.
 * The subtree's other blocks live here too: the check the other programs start with, and what
 * the exec and exit programs remove. They are defined as (name) so that emit.h's call-site
 * macros of the same names stay in force for their callers, these included.
 */
#include "emit.h"

struct fork_frame {
	uint32_t parent; /* the forking process's tgid */
	uint32_t child;	 /* the new task's pid */
};
#define FORK_FP(m) SLOT(struct fork_frame, m)

/* ---- subtrees (issue 17): tree[tgid] = TREE_IN or TREE_OUT, seeded from /proc at start ---- */

/* FP(key) = current's tgid (shift 32) or tid (shift 0). Clobbers r0. */
static void current_id(struct asm_prog *p, int shift)
{
	CALL(get_current_pid_tgid);
	if (shift)
		E(BPF_ALU64_IMM(BPF_RSH, R0, shift));
	E(BPF_STX_MEM(BPF_W, R10, R0, FP(key)));
}

/* helper(tree, r10 + slot). Clobbers r0-r5. */
static void tree_call(struct asm_prog *p, int16_t slot, int helper)
{
	E(BPF_LD_MAP_FD(R1, MAP_TREE));
	stack_ptr(p, R2, slot);
	E(BPF_EMIT_CALL(helper));
}

void(tree_filter)(struct asm_prog *p, const struct prog_opts *o, const char *out)
{
	if (!o->tree)
		return;
	current_id(p, 32);
	tree_call(p, FP(key), BPF_FUNC_map_lookup_elem);
	if (o->tree == TREE_OUT) { /* only --exclude-tree: every entry is excluded */
		E(BPF_JMP_IMM(BPF_JNE, R0, 0, out));
		return;
	}
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, out));
	E(BPF_LDX_MEM(BPF_W, R1, R0, 0));
	E(BPF_JMP_IMM(BPF_JNE, R1, TREE_IN, out));
}

/*
 * The fork tracepoint does not say whether the child is a thread: it gets an entry of its own
 * too (under its tid, never looked up as a process), removed when it ends (tree_thread_exit).
 * A failed insert (the map full) is counted: that child and its descendants are then not in the
 * subtree. Clobbers r0-r5, FP(key), FP(tid), FP(flags).
 */
void(tree_fork)(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	const char *done = asm_local(p, "tree_done");

	if (!o->tree)
		return;
	current_id(p, 32);
	tree_call(p, FP(key), BPF_FUNC_map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, done));
	E(BPF_LDX_MEM(BPF_W, R1, R0, 0));
	E(BPF_STX_MEM(BPF_W, R10, R1, FP(flags)));
	load_field(p, R1, &l->tp[FORK_CHILD_PID]);
	E(BPF_STX_MEM(BPF_W, R10, R1, FP(tid)));
	E(BPF_LD_MAP_FD(R1, MAP_TREE));
	stack_ptr(p, R2, FP(tid));
	stack_ptr(p, R3, FP(flags));
	E(BPF_MOV64_IMM(R4, BPF_ANY));
	CALL(map_update_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, done));
	count_stat(p, MS_STAT_TREE_FULL, done);
	L(done);
}

/* A thread that is not its process's leader ends: its own entry goes. Clobbers r0-r5,
 * FP(key). */
void(tree_thread_exit)(struct asm_prog *p, const struct prog_opts *o)
{
	const char *done = asm_local(p, "thread_done");

	if (!o->tree)
		return;
	CALL(get_current_pid_tgid);
	E(BPF_MOV64_REG(R1, R0));
	E(BPF_ALU64_IMM(BPF_RSH, R1, 32));
	E(BPF_JMP32_REG(BPF_JEQ, R0, R1, done));
	E(BPF_STX_MEM(BPF_W, R10, R0, FP(key)));
	tree_call(p, FP(key), BPF_FUNC_map_delete_elem);
	L(done);
}

/* The process ends: its entry goes (its pid may be another's soon). Clobbers r0-r5, FP(key). */
void(tree_group_exit)(struct asm_prog *p, const struct prog_opts *o)
{
	if (!o->tree)
		return;
	current_id(p, 32);
	tree_call(p, FP(key), BPF_FUNC_map_delete_elem);
}

/* A thread other than the leader exec'd: it took the leader's pid, and the entry under its
 * old tid would outlive it. Clobbers r0-r5, FP(tmp). */
void(tree_exec_moved)(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	const char *done = asm_local(p, "moved_done");

	if (!o->tree)
		return;
	CALL(get_current_pid_tgid);
	load_field(p, R1, &l->tp[EXEC_OLD_PID]);
	E(BPF_JMP32_REG(BPF_JEQ, R0, R1, done));
	E(BPF_STX_MEM(BPF_DW, R10, R1, FP(tmp)));
	tree_call(p, FP(tmp), BPF_FUNC_map_delete_elem);
	L(done);
}

/* ---- the program ---- */

/* forks[child] = parent tgid, for ppid without BTF. */
static void fork_parent(struct asm_prog *p, const struct prog_layout *l)
{
	load_field(p, R1, &l->tp[FORK_CHILD_PID]);
	E(BPF_STX_MEM(BPF_W, R10, R1, FORK_FP(child)));
	CALL(get_current_pid_tgid);
	E(BPF_ALU64_IMM(BPF_RSH, R0, 32));
	E(BPF_STX_MEM(BPF_W, R10, R0, FORK_FP(parent)));
	E(BPF_LD_MAP_FD(R1, MAP_FORKS));
	stack_ptr(p, R2, FORK_FP(child));
	stack_ptr(p, R3, FORK_FP(parent));
	E(BPF_MOV64_IMM(R4, BPF_ANY));
	CALL(map_update_elem);
}

void prog_fork(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	E(BPF_MOV64_REG(CTX, R1));
	tree_fork(p, o, l);
	/* with BTF it is loaded for a subtree only (else dump shows what it would do) */
	if (!l->feature[KF_PPID] || !o->tree)
		fork_parent(p, l);
	E(BPF_MOV64_IMM(R0, 0));
	E(BPF_EXIT_INSN());
}
