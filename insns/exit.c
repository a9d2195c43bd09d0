// SPDX-License-Identifier: MIT
/*
 * --exit (issue 17). sched_process_exit fires for every thread; the record is emitted once per
 * process, by the thread that ends the group: the tracepoint's group_dead (6.16 and later),
 * else signal->live at 0 (BTF; two threads dying at once may both see it), else the leader's
 * own exit. The record is the exec record's header with EV_F_EXIT and no text, built on the
 * stack: its wait status (signal->group_exit_code, else the task's exit_code: the kernel's
 * wait_task_zombie() picks the same), its age (from images[tgid], which the exec program
 * fills, else from the fork), and the ids' facts (record_lineage). Without BTF the status is
 * what exit_group() was given (exitcodes[tgid], from prog_exit_group), the rest is unknown.
 */
#include "emit.h"

/* The exec programs' frame on top, as emit.h's helpers expect it, and the record below it. */
struct exit_frame {
	struct ms_event rec;
	struct exec_frame f;
};
_Static_assert(sizeof(struct exit_frame) == sizeof(struct ms_event) + sizeof(struct exec_frame),
	       "exec_frame sits at the top of the stack, where FP() looks");
_Static_assert(sizeof(struct exit_frame) <= 512, "the BPF stack is 512 bytes");
#define REC_AT ((int16_t)(-(int)sizeof(struct exit_frame)))

/* helper(map, &FP(key)): a lookup or delete of this process's entry. Clobbers r0-r5. */
static void tgid_map_call(struct asm_prog *p, const char *map, int helper)
{
	E(BPF_LD_MAP_FD(R1, map));
	stack_ptr(p, R2, FP(key));
	E(BPF_EMIT_CALL(helper));
}

/* goto end unless this thread is the last of its process. Clobbers r0-r5, FP(task). */
static void exit_last_thread(struct asm_prog *p, const struct prog_layout *l, const char *end)
{
	if (l->tp[EXIT_GROUP_DEAD].size) {
		load_field(p, R1, &l->tp[EXIT_GROUP_DEAD]);
		E(BPF_JMP_IMM(BPF_JEQ, R1, 0, end));
	} else if (l->feature[KF_EXIT_OLD]) {
		/* do_exit() decremented signal->live before the tracepoint */
		ES(EMIT_CALL(BPF_FUNC_get_current_task), MOV64_REG(R3, R0));
		read_kernel_u64(p, FP(task), l->member[KM_TASK_SIGNAL], end);
		E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(task)));
		E(BPF_ALU64_IMM(BPF_ADD, R3, (int32_t)l->member[KM_SIGNAL_LIVE]));
		stack_ptr(p, R1, FP(task));
		ES(MOV64_IMM(R2, 4), EMIT_CALL(BPF_FUNC_probe_read_kernel));
		E(BPF_JMP_IMM(BPF_JNE, R0, 0, end));
		E(BPF_LDX_MEM(BPF_W, R1, R10, FP(task)));
		E(BPF_JMP32_IMM(BPF_JNE, R1, 0, end));
	} else {
		/* neither: the leader's exit stands for its process */
		ES(EMIT_CALL(BPF_FUNC_get_current_pid_tgid),
		   MOV64_REG(R1, R0),
		   ALU64_IMM(BPF_RSH, R1, 32));
		E(BPF_JMP32_REG(BPF_JNE, R0, R1, end));
	}
}

/* The wait status: signal->group_exit_code when the group was told to exit (exit_group, a
 * fatal signal, a core dump: it has the 0x80), else this task's exit_code (its own exit()).
 * Clobbers r0-r5, FP(task), FP(tmp). */
static void exit_status_btf(struct asm_prog *p, const struct prog_layout *l)
{
	ES(EMIT_CALL(BPF_FUNC_get_current_task),
	   STX_MEM(BPF_DW, R10, R0, FP(task)),
	   MOV64_REG(R3, R0));
	read_kernel_u64(p, FP(tmp), l->member[KM_TASK_SIGNAL], "status_done");
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(tmp)));
	read_to_rec(p, EV_OFF(status), 4, l->member[KM_SIGNAL_GROUP_EXIT_CODE], "status_done");
	E(BPF_LDX_MEM(BPF_W, R1, REC, EV_OFF(status)));
	E(BPF_JMP_IMM(BPF_JNE, R1, 0, "status_known"));
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(task)));
	read_to_rec(p, EV_OFF(status), 4, l->member[KM_TASK_EXIT_CODE], "status_done");
	L("status_known");
	E(BPF_ST_MEM(BPF_W, REC, EV_OFF(life), EV_L_STATUS));
	L("status_done");
}

/* Without BTF: what exit_group() was given, taken out of exitcodes[tgid]. Clobbers r0-r5,
 * FP(key). */
static void exit_status_syscall(struct asm_prog *p)
{
	ES(LDX_MEM(BPF_W, R1, REC, EV_OFF(pid)), STX_MEM(BPF_W, R10, R1, FP(key)));
	tgid_map_call(p, MAP_EXITCODES, BPF_FUNC_map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "status_done"));
	ES(LDX_MEM(BPF_W, R1, R0, 0),
	   STX_MEM(BPF_W, REC, R1, EV_OFF(status)),
	   ST_MEM(BPF_W, REC, EV_OFF(life), EV_L_STATUS | EV_L_CODE_ONLY));
	tgid_map_call(p, MAP_EXITCODES, BPF_FUNC_map_delete_elem);
	L("status_done");
}

/* age_ns = now - the image's start: its exec (images[tgid], when that entry is this
 * process's: same start) or else its fork. Needs the start (CTX_IDS in have). Clobbers r0-r5,
 * r8, FP(key). */
static void exit_age(struct asm_prog *p)
{
	E(BPF_LDX_MEM(BPF_W, R1, REC, EV_OFF(have)));
	E(BPF_JMP32_IMM(BPF_JSET, R1, (int32_t)CTXB(IDS), "age"));
	E(BPF_JMP_A("age_done"));
	L("age");
	E(BPF_LDX_MEM(BPF_DW, R8, REC, EV_OFF(start_ns))); /* the fork */
	ES(LDX_MEM(BPF_W, R1, REC, EV_OFF(pid)), STX_MEM(BPF_W, R10, R1, FP(key)));
	tgid_map_call(p, MAP_IMAGES, BPF_FUNC_map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, "age_base"));
	E(BPF_LDX_MEM(BPF_DW, R1, R0, offsetof(struct image_start, start_ns)));
	E(BPF_JMP_REG(BPF_JNE, R1, R8, "age_drop")); /* a reused tgid's */
	E(BPF_LDX_MEM(BPF_DW, R8, R0, offsetof(struct image_start, exec_ns)));
	L("age_drop");
	tgid_map_call(p, MAP_IMAGES, BPF_FUNC_map_delete_elem);
	L("age_base");
	CALL(ktime_get_boot_ns);
	E(BPF_JMP_REG(BPF_JLT, R0, R8, "age_done")); /* never */
	ES(ALU64_REG(BPF_SUB, R0, R8),
	   STX_MEM(BPF_DW, REC, R0, EV_OFF(age_ns)),
	   LDX_MEM(BPF_W, R1, REC, EV_OFF(life)),
	   ALU32_IMM(BPF_OR, R1, EV_L_AGE),
	   STX_MEM(BPF_W, REC, R1, EV_OFF(life)));
	L("age_done");
}

/* The exit's record, for a process the filters let through; then goto out. */
static void exit_record(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	/* without group_dead the tracepoint may come after exit_mm() (kernels before 6.16) */
	bool dropped_mm = !l->tp[EXIT_GROUP_DEAD].size && l->feature[KF_EXIT_OLD];

	tree_filter(p, o, "out");
	kernel_filters(p, o, "out");
	stack_ptr(p, REC, REC_AT);
	for (int off = 0; off < EV_HDR; off += 8) /* every byte the ring gets is written */
		E(BPF_ST_MEM(BPF_DW, REC, (int16_t)off, 0));
	ES(EMIT_CALL(BPF_FUNC_get_current_pid_tgid),
	   STX_MEM(BPF_W, R10, R0, FP(tid)),
	   ST_MEM(BPF_W, R10, FP(flags), EV_F_EXIT));
	record_ids(p, l);
	ES(LDX_MEM(BPF_W, R1, R10, FP(flags)), STX_MEM(BPF_W, REC, R1, EV_OFF(flags)));
	record_lineage(p, o, l, dropped_mm);
	if (l->feature[KF_EXIT])
		exit_status_btf(p, l);
	else
		exit_status_syscall(p);
	if (l->feature[KF_EXIT] && l->feature[KF_IDS] && (o->ctx & CTXB(IDS)))
		exit_age(p);
	emit_record(p, "out");
}

/* With --exit, the record; with a subtree, its entries go. Loaded for either. */
void prog_exit(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	/* a thread that does not end its process skips the subtree's removal too */
	const char *end = o->tree ? "end" : "out";

	E(BPF_MOV64_REG(CTX, R1));
	tree_thread_exit(p, o);
	exit_last_thread(p, l, end);
	if (o->exits || !o->tree) /* not for a subtree alone (dump shows it unloaded too) */
		exit_record(p, o, l);
	L("out");
	tree_group_exit(p, o); /* after exit_record's check, which needs the entry */
	if (o->tree)
		L(end);
	ES(MOV64_IMM(R0, 0), EXIT_INSN());
}

/* sys_enter_exit_group, without BTF: exitcodes[tgid] = the status it will end with. */
struct exit_group_frame {
	uint32_t tgid;
	uint32_t status;
};
#define EG_FP(m) SLOT(struct exit_group_frame, m)

void prog_exit_group(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	(void)o;
	E(BPF_MOV64_REG(CTX, R1));
	load_field(p, R1, &l->tp[EXIT_GROUP_CODE]);
	E(BPF_ALU32_IMM(BPF_AND, R1, 0xff)); /* as the kernel keeps it: (code & 0xff) << 8 */
	E(BPF_ALU32_IMM(BPF_LSH, R1, 8));
	E(BPF_STX_MEM(BPF_W, R10, R1, EG_FP(status)));
	ES(EMIT_CALL(BPF_FUNC_get_current_pid_tgid), ALU64_IMM(BPF_RSH, R0, 32));
	E(BPF_STX_MEM(BPF_W, R10, R0, EG_FP(tgid)));
	E(BPF_LD_MAP_FD(R1, MAP_EXITCODES));
	stack_ptr(p, R2, EG_FP(tgid));
	stack_ptr(p, R3, EG_FP(status));
	ES(MOV64_IMM(R4, BPF_ANY),
	   EMIT_CALL(BPF_FUNC_map_update_elem),
	   MOV64_IMM(R0, 0),
	   EXIT_INSN());
}
