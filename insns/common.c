// SPDX-License-Identifier: MIT
/* Sequences shared by the exec programs (see emit.h). It calls nothing in context.c. */
#define EMIT_DEFINES_HELPERS
#include "emit.h"

void stack_ptr(struct asm_prog *p, int reg, int16_t off)
{
	E(BPF_MOV64_REG(reg, R10));
	E(BPF_ALU64_IMM(BPF_ADD, reg, off));
}

void load_field(struct asm_prog *p, int dst, const struct tp_field *f)
{
	int size = f->size == 1 ? BPF_B : f->size == 2 ? BPF_H : f->size == 4 ? BPF_W : BPF_DW;

	E(BPF_LDX_MEM(size, dst, CTX, f->off));
}

void set_flag(struct asm_prog *p, int16_t slot, uint32_t bits)
{
	E(BPF_LDX_MEM(BPF_W, R1, R10, slot));
	E(BPF_ALU32_IMM(BPF_OR, R1, (int32_t)bits));
	E(BPF_STX_MEM(BPF_W, R10, R1, slot));
}

void read_kernel_u64(struct asm_prog *p, int16_t slot, uint32_t off, const char *fail)
{
	E(BPF_ALU64_IMM(BPF_ADD, R3, (int32_t)off));
	stack_ptr(p, R1, slot);
	ES(MOV64_IMM(R2, 8), EMIT_CALL(BPF_FUNC_probe_read_kernel));
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, fail));
}

void count_stat(struct asm_prog *p, enum ms_stat idx, const char *skip)
{
	E(BPF_ST_MEM(BPF_W, R10, FP(key), 0));
	E(BPF_LD_MAP_FD(R1, MAP_STATS));
	stack_ptr(p, R2, FP(key));
	CALL(map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, skip));
	E(BPF_MOV64_IMM(R1, 1));
	/* one value for all CPUs: an atomic add (XADD, there since the start of eBPF) */
	E(BPF_ATOMIC_OP(BPF_DW, BPF_ADD, R0, R1, (int16_t)(idx * 8)));
}

void percpu_value(struct asm_prog *p, int dst, const char *map, const char *fail)
{
	E(BPF_ST_MEM(BPF_W, R10, FP(key), 0));
	E(BPF_LD_MAP_FD(R1, map));
	stack_ptr(p, R2, FP(key));
	CALL(map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, fail));
	E(BPF_MOV64_REG(dst, R0));
}

void cpu_value(struct asm_prog *p, int dst, const char *map, const char *fail)
{
	ES(EMIT_CALL(BPF_FUNC_get_smp_processor_id), STX_MEM(BPF_W, R10, R0, FP(key)));
	E(BPF_LD_MAP_FD(R1, map));
	stack_ptr(p, R2, FP(key));
	CALL(map_lookup_elem);
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, fail));
	E(BPF_MOV64_REG(dst, R0));
}

void delete_tid(struct asm_prog *p, const char *map)
{
	E(BPF_LD_MAP_FD(R1, map));
	stack_ptr(p, R2, FP(tid));
	CALL(map_delete_elem);
}

void kernel_filters(struct asm_prog *p, const struct prog_opts *o, const char *out)
{
	if (o->match_uid) {
		CALL(get_current_uid_gid);
		/* the low half is the uid */
		E(BPF_JMP32_IMM(BPF_JNE, R0, (int32_t)o->uid, out));
	}
	if (o->match_cgroup) {
		E(BPF_LD_MAP_FD(R1, MAP_CGROUP));
		ES(MOV64_IMM(R2, 0), EMIT_CALL(BPF_FUNC_current_task_under_cgroup));
		E(BPF_JMP_IMM(BPF_JNE, R0, 1, out));
	}
	if (PO_CONTAINER(o)) {
		const char *in = asm_local(p, "in_container");

		/* a cgroup made after the tree was read: user space decides by its path */
		CALL(get_current_cgroup_id);
		E(BPF_LD_IMM64(R1, o->container_new));
		E(BPF_JMP_REG(BPF_JGT, R0, R1, in));
		/* else it or an ancestor is one of the container cgroups found; level 0 is the
		 * root, and an id of 0 is past the task's own level */
		for (int level = 1; level <= CONTAINER_LEVELS; level++) {
			E(BPF_MOV64_IMM(R1, level));
			CALL(get_current_ancestor_cgroup_id);
			E(BPF_JMP_IMM(BPF_JEQ, R0, 0, out));
			E(BPF_STX_MEM(BPF_DW, R10, R0, FP(tmp)));
			E(BPF_LD_MAP_FD(R1, MAP_CONTAINERS));
			stack_ptr(p, R2, FP(tmp));
			CALL(map_lookup_elem);
			E(BPF_JMP_IMM(BPF_JNE, R0, 0, in));
		}
		E(BPF_JMP_A(out));
		L(in);
	}
}

/* Some kernels (6.1) read an empty string as 0 bytes: its NUL is written and counted. */
void read_path(struct asm_prog *p, bool from_kernel, const char *fail)
{
	const char *done = asm_local(p, "name_read");

	ES(MOV64_REG(R1, REC), ALU64_IMM(BPF_ADD, R1, EV_HDR), MOV64_IMM(R2, EV_FILENAME_MAX));
	if (from_kernel)
		CALL(probe_read_kernel_str);
	else
		CALL(probe_read_user_str);
	E(BPF_JMP_IMM(BPF_JSLT, R0, 0, fail));
	E(BPF_JMP_IMM(BPF_JGT, R0, EV_FILENAME_MAX, fail));
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, done));
	ES(ST_MEM(BPF_B, REC, EV_HDR, 0), MOV64_IMM(R0, 1));
	L(done);
}

void record_ids(struct asm_prog *p, const struct prog_layout *l)
{
	const char *done = asm_local(p, "ppid_done");

	ES(EMIT_CALL(BPF_FUNC_get_current_pid_tgid),
	   ALU64_IMM(BPF_RSH, R0, 32),
	   STX_MEM(BPF_W, REC, R0, EV_OFF(pid)));
	E(BPF_STX_MEM(BPF_W, R10, R0, FP(key))); /* the forks map's key */
	ES(LDX_MEM(BPF_W, R1, R10, FP(tid)),
	   STX_MEM(BPF_W, REC, R1, EV_OFF(tid)),
	   EMIT_CALL(BPF_FUNC_get_current_uid_gid),
	   STX_MEM(BPF_W, REC, R0, EV_OFF(uid)),
	   ALU64_IMM(BPF_RSH, R0, 32));
	E(BPF_STX_MEM(BPF_W, REC, R0, EV_OFF(gid))); /* the gid field, when -o asks for it */
	ES(ST_MEM(BPF_W, REC, EV_OFF(ppid), 0), ST_MEM(BPF_W, REC, EV_OFF(ret), 0));

	if (l->feature[KF_PPID]) {
		/* ppid = current->real_parent->tgid */
		ES(EMIT_CALL(BPF_FUNC_get_current_task), MOV64_REG(R3, R0));
		read_kernel_u64(p, FP(tmp), l->member[KM_TASK_REAL_PARENT], done);
		E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(tmp)));
		E(BPF_ALU64_IMM(BPF_ADD, R3, (int32_t)l->member[KM_TASK_TGID]));
		ES(MOV64_REG(R1, REC),
		   ALU64_IMM(BPF_ADD, R1, EV_OFF(ppid)),
		   MOV64_IMM(R2, 4),
		   EMIT_CALL(BPF_FUNC_probe_read_kernel));
		E(BPF_JMP_IMM(BPF_JNE, R0, 0, done));
	} else {
		/* ppid = forks[tgid], recorded when this process was forked */
		E(BPF_LD_MAP_FD(R1, MAP_FORKS));
		stack_ptr(p, R2, FP(key));
		CALL(map_lookup_elem);
		E(BPF_JMP_IMM(BPF_JEQ, R0, 0, done));
		ES(LDX_MEM(BPF_W, R1, R0, 0), STX_MEM(BPF_W, REC, R1, EV_OFF(ppid)));
	}
	set_flag(p, FP(flags), EV_F_PPID_KERNEL);
	L(done);
	E(BPF_ST_MEM(BPF_W, R10, FP(key), 0));
	/* No context yet: context_read (context.c) sets what it reads. */
	E(BPF_ST_MEM(BPF_W, REC, EV_OFF(have), 0));
	E(BPF_ST_MEM(BPF_W, REC, EV_OFF(cwd_len), 0));	/* and exe_len */
	E(BPF_ST_MEM(BPF_W, REC, EV_OFF(env_len), 0));	/* and ctx_flags */
	E(BPF_ST_MEM(BPF_W, REC, EV_OFF(root_len), 0)); /* and cgroup_len */
}

void read_to_rec(struct asm_prog *p, int16_t rec_off, int size, uint32_t off, const char *fail)
{
	E(BPF_ALU64_IMM(BPF_ADD, R3, (int32_t)off));
	E(BPF_MOV64_REG(R1, REC));
	E(BPF_ALU64_IMM(BPF_ADD, R1, rec_off));
	E(BPF_MOV64_IMM(R2, size));
	CALL(probe_read_kernel);
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, fail));
}

/* r3 = the pointer at *FP(slot) + off in kernel memory (through FP(tmp)), or goto fail.
 * Clobbers r0-r5. */
static void deref_u64(struct asm_prog *p, int16_t slot, uint32_t off, const char *fail)
{
	E(BPF_LDX_MEM(BPF_DW, R3, R10, slot));
	read_kernel_u64(p, FP(tmp), off, fail);
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(tmp)));
}

/* The start and arg_start of the process whose task (any of its threads) is in FP(slot):
 * start from its group leader (a thread's own start is not the process's, and /proc shows
 * the leader's), arg_start from the mm the threads share. */
static void image_facts(struct asm_prog *p, const struct prog_layout *l, int16_t slot,
			int16_t start_off, int16_t arg_off, bool dropped_mm, const char *fail,
			const char *next)
{
	const char *mm = asm_local(p, "mm");

	deref_u64(p, slot, l->member[KM_TASK_GROUP_LEADER], fail);
	read_to_rec(p, start_off, 8, l->member[KM_TASK_START_BOOTTIME], fail);
	deref_u64(p, slot, l->member[KM_TASK_MM], next);
	E(BPF_JMP_IMM(BPF_JNE, R3, 0, mm));
	if (!dropped_mm)
		E(BPF_JMP_A(next)); /* no mm: a kernel thread, arg_start 0 as /proc says */
	else {
		/* exit_mm() ran: active_mm still holds it, unless a kernel thread borrowed it */
		E(BPF_LDX_MEM(BPF_DW, R3, R10, slot));
		read_kernel_u64(p, FP(tmp), l->member[KM_TASK_FLAGS], next);
		E(BPF_LDX_MEM(BPF_W, R1, R10, FP(tmp)));
		E(BPF_JMP32_IMM(BPF_JSET, R1, 0x00200000, next)); /* PF_KTHREAD */
		deref_u64(p, slot, l->member[KM_TASK_ACTIVE_MM], next);
		E(BPF_JMP_IMM(BPF_JEQ, R3, 0, next));
	}
	L(mm);
	read_to_rec(p, arg_off, 8, l->member[KM_MM_ARG_START], next);
}

void record_lineage(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l,
		    bool dropped_mm)
{
	const char *done = asm_local(p, "ids_done"), *parent = asm_local(p, "ids_parent");
	const char *have = asm_local(p, "ids_have");

	if (!PO_IDS(o) || !l->feature[KF_IDS])
		return;
	ES(ST_MEM(BPF_DW, REC, EV_OFF(arg_start), 0),
	   ST_MEM(BPF_DW, REC, EV_OFF(pstart_ns), 0),
	   ST_MEM(BPF_DW, REC, EV_OFF(parg_start), 0),
	   EMIT_CALL(BPF_FUNC_get_current_task),
	   STX_MEM(BPF_DW, R10, R0, FP(task)));
	image_facts(p, l, FP(task), EV_OFF(start_ns), EV_OFF(arg_start), dropped_mm, done, parent);
	L(parent);
	/* The parent as it is now (its thread that forked us, or the reaper): its process. */
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(task)));
	read_kernel_u64(p, FP(ptr), l->member[KM_TASK_REAL_PARENT], have);
	image_facts(p, l, FP(ptr), EV_OFF(pstart_ns), EV_OFF(parg_start), false, have, have);
	L(have);
	ES(LDX_MEM(BPF_W, R1, REC, EV_OFF(have)),
	   ALU32_IMM(BPF_OR, R1, (int32_t)CTXB(IDS)),
	   STX_MEM(BPF_W, REC, R1, EV_OFF(have)));
	L(done);
}

/* FP(tmp) = size bytes of user memory at *FP(from) + add (zero-extended; from 0: at r3), or
 * goto fail */
static void read_user_tmp(struct asm_prog *p, int size, int16_t from, int32_t add, const char *fail)
{
	if (size != 8 && size != 1)
		E(BPF_ST_MEM(BPF_DW, R10, FP(tmp), 0));
	stack_ptr(p, R1, FP(tmp));
	E(BPF_MOV64_IMM(R2, size));
	if (from)
		E(BPF_LDX_MEM(BPF_DW, R3, R10, from));
	if (add)
		E(BPF_ALU64_IMM(BPF_ADD, R3, add));
	CALL(probe_read_user);
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, fail));
}

/* gather_args' own labels: where its parts meet. */
struct arg_labels {
	const char *read_err, *full, *buf_full, *done, *more, *cut;
};

/* dst = &argv[i + add] (i < 0: args_callback()'s pass, in R7; clobbers r0), argv at
 * fr + FP(in.argv) */
static void argv_at(struct asm_prog *p, int dst, int i, int ptr, int add, int fr)
{
	if (i >= 0) {
		E(BPF_LDX_MEM(BPF_DW, dst, fr, FP(in.argv)));
		if (i + add)
			E(BPF_ALU64_IMM(BPF_ADD, dst, (i + add) * ptr));
		return;
	}
	E(BPF_MOV64_REG(dst, R7));
	if (add)
		E(BPF_ALU64_IMM(BPF_ADD, dst, add));
	E(BPF_ALU64_IMM(BPF_LSH, dst, ptr == 4 ? 2 : 3));
	E(BPF_LDX_MEM(BPF_DW, R0, fr, FP(in.argv)));
	E(BPF_ALU64_REG(BPF_ADD, dst, R0));
}

/* One argument, argv[i], appended to the scratch; ptr is the traced ABI's pointer size; the
 * caller's slots at fr (R10, or FRAME in args_callback(), i < 0 there). */
static void gather_arg(struct asm_prog *p, int i, int ptr, const struct arg_labels *to, int fr)
{
	const char *counted =
	    i < 0 ? asm_local(p, "cb_counted") : asm_name(p, "counted", (unsigned)i);
	const char *next = i < 0 ? asm_local(p, "cb_next") : asm_name(p, "next", (unsigned)i);

	/* The length so far from the scratch, not from the register: a value the verifier
	 * cannot know makes every path reach here in one state, so it walks each argument
	 * once, not each way the ones before it ended. */
	E(BPF_LDX_MEM(BPF_W, ARGLEN, SCRATCH, ARGSTASH_OFF(len)));
	if (i < 0) { /* argv[i] */
		argv_at(p, R3, i, ptr, 0, fr);
		read_user_tmp(p, ptr, 0, 0, to->read_err);
	} else {
		read_user_tmp(p, ptr, FP(in.argv), i * ptr, to->read_err);
	}
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(tmp)));
	E(BPF_JMP_IMM(BPF_JEQ, R3, 0, to->done));
	/* The bound lets the verifier see ARGLEN < EV_ARGS_MAX below. */
	E(BPF_JMP_IMM(BPF_JGE, ARGLEN, EV_ARGS_MAX, to->full));
	ES(MOV64_REG(R1, SCRATCH), ALU64_REG(BPF_ADD, R1, ARGLEN), MOV64_IMM(R2, EV_ARGS_MAX));
	E(BPF_ALU64_REG(BPF_SUB, R2, ARGLEN)); /* room left, 1..EV_ARGS_MAX */
	CALL(probe_read_user_str);
	E(BPF_JMP_IMM(BPF_JSLT, R0, 0, to->read_err));
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, counted));
	/* Some kernels (6.1) read an empty string as 0: its NUL is not counted. */
	ES(MOV64_REG(R1, SCRATCH),
	   ALU64_REG(BPF_ADD, R1, ARGLEN),
	   ST_MEM(BPF_B, R1, 0, 0),
	   MOV64_IMM(R0, 1));
	L(counted);
	E(BPF_ALU64_REG(BPF_ADD, ARGLEN, R0));
	E(BPF_STX_MEM(BPF_W, SCRATCH, ARGLEN, ARGSTASH_OFF(len)));
	E(BPF_LDX_MEM(BPF_W, R1, fr, FP(argc)));
	E(BPF_ALU64_IMM(BPF_ADD, R1, 1));
	E(BPF_STX_MEM(BPF_W, fr, R1, FP(argc)));
	E(BPF_JMP_IMM(BPF_JLT, ARGLEN, EV_ARGS_MAX, next));
	/* The buffer is full: buf_full looks at what was cut, if anything. */
	E(BPF_LDX_MEM(BPF_DW, R1, R10, FP(tmp)));
	E(BPF_ALU64_REG(BPF_ADD, R1, R0));
	E(BPF_ALU64_IMM(BPF_ADD, R1, -1));
	E(BPF_STX_MEM(BPF_DW, fr, R1, FP(last)));
	argv_at(p, R1, i, ptr, 1, fr);
	E(BPF_STX_MEM(BPF_DW, fr, R1, FP(next)));
	E(BPF_JMP_A(to->buf_full));
	L(next);
}

/* How the argument list ended: cut, more than kept, or unreadable; jumps stay forward. */
static void gather_end(struct asm_prog *p, const struct prog_opts *o, int ptr,
		       const struct arg_labels *to)
{
	/* Kept max_args: say so if there is one more, at &argv[max_args]. */
	E(BPF_LDX_MEM(BPF_DW, R1, R10, FP(in.argv)));
	E(BPF_ALU64_IMM(BPF_ADD, R1, (int32_t)(o->max_args * ptr)));
	E(BPF_STX_MEM(BPF_DW, R10, R1, FP(next)));
	E(BPF_JMP_A(to->more));

	/* The last argument filled the buffer: it was cut unless the byte its NUL replaced
	 * was its own NUL; if it was whole, were there more? */
	L(to->buf_full);
	read_user_tmp(p, 1, FP(last), 0, to->cut);
	E(BPF_LDX_MEM(BPF_B, R1, R10, FP(tmp)));
	E(BPF_JMP_IMM(BPF_JNE, R1, 0, to->cut));

	L(to->more);
	read_user_tmp(p, ptr, FP(next), 0, to->done);
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(tmp)));
	E(BPF_JMP_IMM(BPF_JEQ, R3, 0, to->done));
	L(to->full);
	set_flag(p, FP(flags), EV_F_TRUNC_ARGS);
	E(BPF_JMP_A(to->done));
	L(to->cut);
	set_flag(p, FP(flags), EV_F_TRUNC_ARG);
	E(BPF_JMP_A(to->done));
	L(to->read_err);
	set_flag(p, FP(flags), EV_F_READ_ERR);
	L(to->done);
	E(BPF_LDX_MEM(BPF_W, ARGLEN, SCRATCH, ARGSTASH_OFF(len))); /* one state from here on */
}

void gather_args(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l,
		 unsigned ptr_size)
{
	int ptr = ptr_size == 4 ? 4 : 8;
	const struct arg_labels to = {
	    .read_err = asm_local(p, "read_err"),
	    .full = asm_local(p, "args_full"),
	    .buf_full = asm_local(p, "buf_full"),
	    .done = asm_local(p, "args_done"),
	    .more = asm_local(p, "more_args"),
	    .cut = asm_local(p, "arg_cut"),
	};

	ES(ST_MEM(BPF_W, R10, FP(argc), 0),
	   ST_MEM(BPF_W, SCRATCH, ARGSTASH_OFF(len), 0),
	   LDX_MEM(BPF_DW, R1, R10, FP(in.argv)));
	E(BPF_JMP_IMM(BPF_JEQ, R1, 0, to.done)); /* NULL argv: no arguments */
	if (l->loop) {
		const char *out[4] = {to.read_err, to.full, to.buf_full, to.done};

		/* which way out the callback took (1..4: out[], 0: none), kept in the scratch,
		 * where the verifier sees no constant: its passes meet in one state, and so do
		 * the ways after it */
		E(BPF_ST_MEM(BPF_W, SCRATCH, ARGSTASH_OFF(flags), 0));
		loop_call(p, ptr == 4 ? "cb_args4" : "cb_args8", (int32_t)o->max_args, SCRATCH);
		E(BPF_LDX_MEM(BPF_W, R1, SCRATCH, ARGSTASH_OFF(flags)));
		for (int k = 0; k < 4; k++)
			E(BPF_JMP_IMM(BPF_JEQ, R1, k + 1, out[k]));
	} else {
		for (unsigned i = 0; i < o->max_args; i++)
			gather_arg(p, (int)i, ptr, &to, R10);
	}
	gather_end(p, o, ptr, &to);
}

void args_callback(struct asm_prog *p, int ptr)
{
	const char *out[4];
	struct arg_labels to;

	for (int k = 0; k < 4; k++)
		out[k] = asm_name(p, "cb_out", (unsigned)k + 1);
	to = (struct arg_labels){out[0], out[1], out[2], out[3], NULL, NULL};
	loop_start(p, ptr == 4 ? "cb_args4" : "cb_args8", SCRATCH, R7);
	gather_arg(p, -1, ptr, &to, FRAME);
	E(BPF_MOV64_IMM(R0, 0));
	E(BPF_EXIT_INSN());
	for (int k = 0; k < 4; k++) {
		L(out[k]);
		E(BPF_ST_MEM(BPF_W, SCRATCH, ARGSTASH_OFF(flags), k + 1));
		E(BPF_MOV64_IMM(R0, 1));
		E(BPF_EXIT_INSN());
	}
}

void loop_call(struct asm_prog *p, const char *cb, int32_t n, int reg)
{
	E(BPF_STX_MEM(BPF_DW, R10, reg, FP(spill)));
	E(BPF_MOV64_IMM(R1, n));
	E(BPF_LD_FUNC(R2, cb));
	E(BPF_MOV64_REG(R3, R10));
	E(BPF_MOV64_IMM(R4, 0));
	CALL(loop);
}

void loop_start(struct asm_prog *p, const char *cb, int reg, int idx)
{
	L(cb);
	E(BPF_MOV64_REG(FRAME, R2));
	E(BPF_MOV64_REG(idx, R1));
	E(BPF_LDX_MEM(BPF_DW, reg, FRAME, FP(spill)));
}

void emit_record(struct asm_prog *p, const char *out)
{
	ES(MOV64_REG(R1, REC),
	   ALU64_IMM(BPF_ADD, R1, EV_OFF(comm)),
	   MOV64_IMM(R2, EV_COMM_LEN),
	   EMIT_CALL(BPF_FUNC_get_current_comm),
	   EMIT_CALL(BPF_FUNC_ktime_get_ns),
	   STX_MEM(BPF_DW, REC, R0, EV_OFF(ts_ns)));

	E(BPF_LDX_MEM(BPF_W, R5, REC, EV_OFF(text_len)));
	E(BPF_JMP_IMM(BPF_JGT, R5, EV_TEXT_MAX, out)); /* never, but bounds the size */
	ES(ALU64_IMM(BPF_ADD, R5, EV_HDR), MOV64_REG(R1, CTX));
	E(BPF_LD_MAP_FD(R2, MAP_EVENTS));
	E(BPF_MOV32_IMM(R3, -1)); /* BPF_F_CURRENT_CPU: zero-extended 0xffffffff */
	ES(MOV64_REG(R4, REC), EMIT_CALL(BPF_FUNC_perf_event_output));
	E(BPF_JMP_IMM(BPF_JEQ, R0, 0, out));
	count_stat(p, MS_STAT_OUTPUT_FAIL, out);
}
