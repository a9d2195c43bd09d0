// SPDX-License-Identifier: MIT
/*
 * sched_process_fork: for ppid without BTF, forks[child pid] = the forking process's tgid;
 * with --tree / --exclude-tree / -- COMMAND, the subtree's membership, which a child inherits;
 * with -o ancestors (prog_opts.forks), a fork record (struct ms_fork) for the reader's process
 * table.
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
#ifndef MINISNOOP_TINY /* not in make tiny (emit.h) */

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
	if (!PO_TREE(o))
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

	if (!PO_TREE(o))
		return;
	current_id(p, 32);
	tree_call(p, FP(key), BPF_FUNC_map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, done));
	ES(LDX_MEM(BPF_W, R1, R0, 0), STX_MEM(BPF_W, R10, R1, FP(flags)));
	load_field(p, R1, &l->tp[FORK_CHILD_PID]);
	E(BPF_STX_MEM(BPF_W, R10, R1, FP(tid)));
	E(BPF_LD_MAP_FD(R1, MAP_TREE));
	stack_ptr(p, R2, FP(tid));
	stack_ptr(p, R3, FP(flags));
	ES(MOV64_IMM(R4, BPF_ANY), EMIT_CALL(BPF_FUNC_map_update_elem));
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, done));
	count_stat(p, MS_STAT_TREE_FULL, done);
	L(done);
}

/* A thread that is not its process's leader ends: its own entry goes. Clobbers r0-r5,
 * FP(key). */
void(tree_thread_exit)(struct asm_prog *p, const struct prog_opts *o)
{
	const char *done = asm_local(p, "thread_done");

	if (!PO_TREE(o))
		return;
	ES(EMIT_CALL(BPF_FUNC_get_current_pid_tgid), MOV64_REG(R1, R0), ALU64_IMM(BPF_RSH, R1, 32));
	E(BPF_JMP32_REG(BPF_JEQ, R0, R1, done));
	E(BPF_STX_MEM(BPF_W, R10, R0, FP(key)));
	tree_call(p, FP(key), BPF_FUNC_map_delete_elem);
	L(done);
}

/* The process ends: its entry goes (its pid may be another's soon). Clobbers r0-r5, FP(key). */
void(tree_group_exit)(struct asm_prog *p, const struct prog_opts *o)
{
	if (!PO_TREE(o))
		return;
	current_id(p, 32);
	tree_call(p, FP(key), BPF_FUNC_map_delete_elem);
}

/* A thread other than the leader exec'd: it took the leader's pid, and the entry under its
 * old tid would outlive it. Clobbers r0-r5, FP(tmp). */
void(tree_exec_moved)(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	const char *done = asm_local(p, "moved_done");

	if (!PO_TREE(o))
		return;
	CALL(get_current_pid_tgid);
	load_field(p, R1, &l->tp[EXEC_OLD_PID]);
	E(BPF_JMP32_REG(BPF_JEQ, R0, R1, done));
	E(BPF_STX_MEM(BPF_DW, R10, R1, FP(tmp)));
	tree_call(p, FP(tmp), BPF_FUNC_map_delete_elem);
	L(done);
}

#endif

/* ---- the program ---- */

/* forks[child] = parent tgid, for ppid without BTF. */
static void fork_parent(struct asm_prog *p, const struct prog_layout *l)
{
	load_field(p, R1, &l->tp[FORK_CHILD_PID]);
	ES(STX_MEM(BPF_W, R10, R1, FORK_FP(child)),
	   EMIT_CALL(BPF_FUNC_get_current_pid_tgid),
	   ALU64_IMM(BPF_RSH, R0, 32),
	   STX_MEM(BPF_W, R10, R0, FORK_FP(parent)));
	E(BPF_LD_MAP_FD(R1, MAP_FORKS));
	stack_ptr(p, R2, FORK_FP(child));
	stack_ptr(p, R3, FORK_FP(parent));
	ES(MOV64_IMM(R4, BPF_ANY), EMIT_CALL(BPF_FUNC_map_update_elem));
}
#ifndef MINISNOOP_TINY /* -o ancestors: not in make tiny */
/* The fork record below the exec programs' frame, whose slots emit.h's helpers use. */
struct fork_rec_frame {
	struct ms_fork rec;
	struct exec_frame f;
};
#define FORK_REC_AT ((int16_t)(-(int)sizeof(struct fork_rec_frame)))

/* The fork record to the ring: with BTF only for a process (found on a children list), with
 * its start and arg_start; without, for every task. Clobbers r0-r5, r7, FP(ptr), FP(tmp). */
static void fork_record(struct asm_prog *p, const struct prog_layout *l)
{
	const char *send = asm_local(p, "send");
	const char *out = asm_local(p, "out");
	const char *ids = asm_local(p, "ids");

	stack_ptr(p, REC, FORK_REC_AT);
	for (int off = 0; off < (int)sizeof(struct ms_fork); off += 8)
		E(BPF_ST_MEM(BPF_DW, REC, (int16_t)off, 0));
	E(BPF_ST_MEM(BPF_W, REC, FK_OFF(flags), EV_F_FORK));
	load_field(p, R1, &l->tp[FORK_CHILD_PID]);
	ES(STX_MEM(BPF_W, REC, R1, FK_OFF(pid)),
	   EMIT_CALL(BPF_FUNC_get_current_pid_tgid),
	   ALU64_IMM(BPF_RSH, R0, 32),
	   STX_MEM(BPF_W, REC, R0, FK_OFF(ppid)));
	if (l->feature[KF_FORKS]) {
		/* FP(ptr) = the task added last to current's children list, when its pid is
		 * child_pid: the process just forked. Else a thread (on no children list) or
		 * CLONE_PARENT's child (on our parent's; the table links its exec by ppid). */
		ES(EMIT_CALL(BPF_FUNC_get_current_task), MOV64_REG(R3, R0));
		read_kernel_u64(p, FP(ptr), l->member[KM_TASK_CHILDREN] + 8, out); /* .prev */
		E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(ptr)));
		E(BPF_ALU64_IMM(BPF_SUB, R3, (int32_t)l->member[KM_TASK_SIBLING]));
		E(BPF_STX_MEM(BPF_DW, R10, R3, FP(ptr)));
		read_kernel_u64(p, FP(tmp), l->member[KM_TASK_PID], out);
		ES(LDX_MEM(BPF_W, R1, R10, FP(tmp)), LDX_MEM(BPF_W, R2, REC, FK_OFF(pid)));
		E(BPF_JMP32_REG(BPF_JNE, R1, R2, out));
		/* on our list: we are its real_parent (ppid is ours); its start (its own: a
		 * leader), its mm's arg_start */
		E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(ptr)));
		read_to_rec(p, FK_OFF(start_ns), 8, l->member[KM_TASK_START_BOOTTIME], send);
		E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(ptr)));
		read_kernel_u64(p, FP(tmp), l->member[KM_TASK_MM], send);
		E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(tmp)));
		E(BPF_JMP_IMM(BPF_JEQ, R3, 0, ids)); /* no mm: 0, as /proc says */
		read_to_rec(p, FK_OFF(arg_start), 8, l->member[KM_MM_ARG_START], send);
		L(ids);
		E(BPF_ST_MEM(BPF_W, REC, FK_OFF(have), (int32_t)CTXB(IDS)));
	}
	L(send);
	ES(EMIT_CALL(BPF_FUNC_ktime_get_ns),
	   STX_MEM(BPF_DW, REC, R0, FK_OFF(ts_ns)),
	   MOV64_REG(R1, CTX));
	E(BPF_LD_MAP_FD(R2, MAP_EVENTS));
	E(BPF_MOV32_IMM(R3, -1)); /* BPF_F_CURRENT_CPU */
	ES(MOV64_REG(R4, REC), MOV64_IMM(R5, sizeof(struct ms_fork)));
	CALL(perf_event_output); /* a full ring counts it lost (PERF_RECORD_LOST) */
	L(out);
}
#define fork_record(p, ...) ASM_CALL(p, fork_record(p, __VA_ARGS__))
#endif

void prog_fork(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	E(BPF_MOV64_REG(CTX, R1));
	tree_fork(p, o, l);
	/* with BTF it is loaded for a subtree or fork records only (else dump shows what it
	 * would do) */
	if (!l->feature[KF_PPID] || (!PO_TREE(o) && !PO_FORKS(o)))
		fork_parent(p, l);
#ifndef MINISNOOP_TINY /* no -o ancestors there */
	if (PO_FORKS(o))
		fork_record(p, l);
#endif
	E(BPF_MOV64_IMM(R0, 0));
	E(BPF_EXIT_INSN());
}
