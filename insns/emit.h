/* SPDX-License-Identifier: MIT */
/*
 * Sequences the exec programs share, their stack frame and their register roles.
 *
 * Shared emitters are called through macros of their own names that record the call site
 * (ASM_CALL): what they emit names the program's line that asked for it as well as their
 * own, "insns/exec.c:110 < insns/common.c:8". The files that define them (common.c,
 * context.c) include this with EMIT_DEFINES_HELPERS and call each other directly: they only
 * run inside a call that is already recorded, whose line is the one kept. Labels inside an
 * emitter are its own (asm_local), and where it leaves to is a parameter.
 */
#ifndef MINISNOOP_INSNS_EMIT_H
#define MINISNOOP_INSNS_EMIT_H

#include "insns.h"

#define E(insn)	 EMIT(p, insn)
#define L(name)	 LABEL(p, name)
#define CALL(fn) E(BPF_EMIT_CALL(BPF_FUNC_##fn))
#define ES(...)	 EMIT_WORDS(p, __VA_ARGS__) /* a run of constant instructions (bpf_asm.h) */

/*
 * Register roles, for every program. r0-r5 are scratch: a BPF helper call clobbers them,
 * so does every emitter below that makes one. r6 and r7 hold for a whole program; r8 and r9
 * change role with the phase, as named here.
 */
#define CTX	R6 /* the tracepoint context */
#define REC	R7 /* the record being built (the per-CPU record buffer) */
#define ARGLEN	R8 /* gather_args and after: bytes of argument text in the scratch */
#define SCRATCH R9 /* gather_args and after: the scratch, where that text is gathered */
#define TEXTLEN R8 /* exec: bytes of argument text after the path */
#define PATHLEN R9 /* exec: bytes of the path, NUL included */
#define BLOCK	R8 /* context_read: text_len where a path goes, or the env block's length */
#define ITER	R9 /* context_read's path walk: its pass (a constant: the verifier sees a bound) */
#define FRAME	R6 /* a bpf_loop callback: the caller's frame (no callback needs CTX) */

/* The exec programs' stack frame; r10-relative slots by FP(member). */
struct exec_frame {
	uint64_t last; /* where the last byte kept of the last argument came from */
	uint64_t next; /* &argv[n], to see whether there are more than n */
	uint64_t tmp;  /* argv[i]; a byte of it; the parent task; mm */
	union {
		int64_t ret;	/* the syscall's return value */
		uint64_t spill; /* the register a bpf_loop callback loads (loop_call) */
	};
	uint64_t arg_start; /* the new image's mm->arg_start, arg_end */
	uint64_t arg_end;
	struct inflight in; /* the caller's path and argv, and flags, as entry saw them */
	uint32_t argc;	    /* arguments gathered */
	uint32_t flags;	    /* EV_F_* gathered on the way */
	uint32_t key;	    /* 0: the key of per-CPU maps */
	uint32_t tid;	    /* the thread that called exec: the key of in-flight state */
	uint64_t task;	    /* context: current, and the pointers walked from it */
	uint64_t ptr;
	uint64_t dentry;     /* a path walk: where it is */
	uint64_t mount;	     /* struct mount of dentry */
	uint64_t parent;     /* dentry->d_parent */
	uint64_t root;	     /* the mount's root dentry */
	uint64_t top_dentry; /* the process's root (a chroot): a walk ends there, as getcwd's */
};
/* r10-relative offset of member m of a frame struct */
#define SLOT(frame, m) ((int16_t)((int)offsetof(frame, m) - (int)sizeof(frame)))
#define FP(m)	       SLOT(struct exec_frame, m)

/*
 * The shared emitters. "Clobbers" lists what each may change besides what it says it
 * writes: registers, then stack slots (FP).
 */
/* reg = r10 + off: a pointer to a stack slot. Clobbers nothing else. */
void stack_ptr(struct asm_prog *p, int reg, int16_t off);
/* dst = a tracepoint field, at the width the format file gives. Clobbers nothing else. */
void load_field(struct asm_prog *p, int dst, const struct tp_field *f);
/* *(u32 *)(r10 + slot) |= bits. Clobbers r1. */
void set_flag(struct asm_prog *p, int16_t slot, uint32_t bits);
/* *(u64 *)(r10 + slot) = *(u64 *)(r3 + off) from kernel memory, or goto fail. Clobbers
 * r0-r5. */
void read_kernel_u64(struct asm_prog *p, int16_t slot, uint32_t off, const char *fail);
/* size bytes of kernel memory at r3 + off into the record (REC) at rec_off, or goto fail
 * (the helper zeroes them then). Clobbers r0-r5. */
void read_to_rec(struct asm_prog *p, int16_t rec_off, int size, uint32_t off, const char *fail);
/* stats[idx]++, atomically, or goto skip when the map has no value. Clobbers r0-r5,
 * FP(key). */
void count_stat(struct asm_prog *p, enum ms_stat idx, const char *skip);
/* dst = the per-CPU value of map (key 0), or goto fail. Clobbers r0-r5, FP(key). */
void percpu_value(struct asm_prog *p, int dst, const char *map, const char *fail);
/* dst = this CPU's value of an array indexed by CPU, or goto fail. Clobbers r0-r5,
 * FP(key). */
void cpu_value(struct asm_prog *p, int dst, const char *map, const char *fail);
/* map_delete_elem(map, &FP(tid)). Clobbers r0-r5. */
void delete_tid(struct asm_prog *p, const char *map);
/* -u, -c and --container: goto out unless the current task passes them. Clobbers r0-r5,
 * FP(tmp). */
void kernel_filters(struct asm_prog *p, const struct prog_opts *o, const char *out);

/* Path string at the (user, or kernel with from_kernel) address in r3 into the record's
 * text; then r0 is its length with the NUL, 1..EV_FILENAME_MAX, else goto fail. Clobbers
 * r1-r5. */
void read_path(struct asm_prog *p, bool from_kernel, const char *fail);
/* Record header: pid from pid_tgid, tid from FP(tid), uid, gid, ppid (BTF or the forks
 * map), ret 0, and EV_F_PPID_KERNEL into FP(flags) when ppid was found; the context's have
 * and block lengths zeroed (context_read fills what is asked). Clobbers r0-r5, FP(tmp),
 * FP(key) (left 0). */
void record_ids(struct asm_prog *p, const struct prog_layout *l);
/* The facts the ids are made of (o->ctx has CTX_IDS and BTF gives KF_IDS; else nothing):
 * current's group leader's start_boottime and its mm->arg_start, the same of real_parent's
 * process, into the record, and CTX_IDS into its have (after record_ids, which clears it).
 * dropped_mm: the mm may be gone already (sched_process_exit on kernels before its
 * group_dead): then active_mm, but none for a kernel thread. Clobbers r0-r5, FP(task),
 * FP(ptr), FP(tmp). */
void record_lineage(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l,
		    bool dropped_mm);
/* The caller's argv (FP(in.argv), ptr_size bytes an entry: 4 on 32-bit kernels) as text
 * into the SCRATCH: ARGLEN bytes, FP(argc) strings, truncation in FP(flags); up to max_args,
 * unrolled or (l->loop) a bpf_loop callback, args_callback(). Clobbers r0-r5, FP(tmp),
 * FP(last), FP(next), FP(spill). */
void gather_args(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l,
		 unsigned ptr_size);
/* bpf_loop(n, the callback at cb, this frame, 0), reg kept in FP(spill) for it. Clobbers
 * r0-r5. */
void loop_call(struct asm_prog *p, const char *cb, int32_t n, int reg);
/* A callback's start, at label cb: FRAME = the caller's frame, reg from its FP(spill), idx =
 * the pass. */
void loop_start(struct asm_prog *p, const char *cb, int reg, int idx);
/* gather_args()'s callback for ptr-byte entries, "cb_args4" or "cb_args8". */
void args_callback(struct asm_prog *p, int ptr);
/* The context fields o->ctx asks for and the layout can give, into the record; blocks after
 * text_len, which grows. image: the new image is in place (exe, env are read). Clobbers
 * r0-r5, r8, r9, FP(task) to FP(top_dentry), FP(tmp), FP(arg_start), FP(arg_end), and with
 * env FP(last), FP(next). */
void context_read(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l,
		  bool image);
/* After the program's last exit: the bpf_loop callbacks context_read() referred to (l->loop).
 * Clobbers nothing of the program's: they run in frames of their own. */
void context_callbacks(struct asm_prog *p, const struct prog_layout *l);
/* comm and time, then the record (REC) to the ring, EV_HDR + text_len bytes; goto out
 * after (and when the ring refused it, counted). Clobbers r0-r5, FP(key). */
void emit_record(struct asm_prog *p, const char *out);

/* Subtrees (fork.c; each emits nothing unless o->tree). The check: goto out unless current's
 * process is traced (TREE_IN: marked so; TREE_OUT: not marked). Clobbers r0-r5, FP(key). */
void tree_filter(struct asm_prog *p, const struct prog_opts *o, const char *out);
/* sched_process_fork: the child gets the parent's mark. Clobbers r0-r5, FP(key), FP(tid),
 * FP(flags). */
void tree_fork(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l);
/* sched_process_exit: a non-leader thread's own entry goes; then, for the process's last
 * thread, the process's. Clobber r0-r5, FP(key). */
void tree_thread_exit(struct asm_prog *p, const struct prog_opts *o);
void tree_group_exit(struct asm_prog *p, const struct prog_opts *o);
/* sched_process_exec: the entry of a thread that exec'd and took its leader's pid goes.
 * Clobbers r0-r5, FP(tmp). */
void tree_exec_moved(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l);

/* A whole exit program from its first instruction (r1 the context, EXIT_RET its field): a
 * failed exec's record, argv entries ptr_size bytes each. execve.c's; compat.c's exit runs it
 * after its own filter. */
void exec_exit(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l,
	       unsigned ptr_size);
/* execve.c's, for every exec entry (compat.c's too): FP(tid) set, takes this CPU's next
 * execpath slot for the thread (FP(ptr), FP(in.path)); then, last of all, reads the path at
 * FP(in.filename) into it (goto out when there is no slot). Clobber r0-r5, FP(key). */
void enter_path_slot(struct asm_prog *p);
void enter_read_path(struct asm_prog *p, const char *out);

#ifndef EMIT_DEFINES_HELPERS
#define stack_ptr(p, ...)	  ASM_CALL(p, stack_ptr(p, __VA_ARGS__))
#define load_field(p, ...)	  ASM_CALL(p, load_field(p, __VA_ARGS__))
#define set_flag(p, ...)	  ASM_CALL(p, set_flag(p, __VA_ARGS__))
#define read_kernel_u64(p, ...)	  ASM_CALL(p, read_kernel_u64(p, __VA_ARGS__))
#define read_to_rec(p, ...)	  ASM_CALL(p, read_to_rec(p, __VA_ARGS__))
#define count_stat(p, ...)	  ASM_CALL(p, count_stat(p, __VA_ARGS__))
#define percpu_value(p, ...)	  ASM_CALL(p, percpu_value(p, __VA_ARGS__))
#define cpu_value(p, ...)	  ASM_CALL(p, cpu_value(p, __VA_ARGS__))
#define delete_tid(p, ...)	  ASM_CALL(p, delete_tid(p, __VA_ARGS__))
#define kernel_filters(p, ...)	  ASM_CALL(p, kernel_filters(p, __VA_ARGS__))
#define read_path(p, ...)	  ASM_CALL(p, read_path(p, __VA_ARGS__))
#define record_ids(p, ...)	  ASM_CALL(p, record_ids(p, __VA_ARGS__))
#define record_lineage(p, ...)	  ASM_CALL(p, record_lineage(p, __VA_ARGS__))
#define gather_args(p, ...)	  ASM_CALL(p, gather_args(p, __VA_ARGS__))
#define context_read(p, ...)	  ASM_CALL(p, context_read(p, __VA_ARGS__))
#define context_callbacks(p, ...) ASM_CALL(p, context_callbacks(p, __VA_ARGS__))
#define emit_record(p, ...)	  ASM_CALL(p, emit_record(p, __VA_ARGS__))
#endif

#ifdef MINISNOOP_TINY /* no subtrees in make tiny: nothing to emit */
static inline void tree_none(struct asm_prog *p, ...)
{
	(void)p;
}
#define tree_filter(p, ...)	 tree_none(p, __VA_ARGS__)
#define tree_fork(p, ...)	 tree_none(p, __VA_ARGS__)
#define tree_thread_exit(p, ...) tree_none(p, __VA_ARGS__)
#define tree_group_exit(p, ...)	 tree_none(p, __VA_ARGS__)
#define tree_exec_moved(p, ...)	 tree_none(p, __VA_ARGS__)
#elif !defined(EMIT_DEFINES_HELPERS) /* fork.c's, for the subtrees */
#define tree_filter(p, ...)	 ASM_CALL(p, tree_filter(p, __VA_ARGS__))
#define tree_fork(p, ...)	 ASM_CALL(p, tree_fork(p, __VA_ARGS__))
#define tree_thread_exit(p, ...) ASM_CALL(p, tree_thread_exit(p, __VA_ARGS__))
#define tree_group_exit(p, ...)	 ASM_CALL(p, tree_group_exit(p, __VA_ARGS__))
#define tree_exec_moved(p, ...)	 ASM_CALL(p, tree_exec_moved(p, __VA_ARGS__))
#endif

#endif
