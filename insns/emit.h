/* SPDX-License-Identifier: MIT */
/*
 * Sequences the exec programs share, their stack frame and their register roles. Every
 * exec program keeps r6 = the tracepoint context and r7 = the record it builds; r8 and r9
 * are named by each program.
 */
#ifndef MINISNOOP_INSNS_EMIT_H
#define MINISNOOP_INSNS_EMIT_H

#include "insns.h"

#define E(insn)	 EMIT(p, insn)
#define L(name)	 LABEL(p, name)
#define CALL(fn) E(BPF_EMIT_CALL(BPF_FUNC_##fn))

#define CTX R6 /* the tracepoint context */
#define REC R7 /* the record being built (the per-CPU record buffer) */

/* The exec programs' stack frame; r10-relative slots by FP(member). */
struct exec_frame {
	uint64_t last;	    /* where the last byte kept of the last argument came from */
	uint64_t next;	    /* &argv[n], to see whether there are more than n */
	uint64_t tmp;	    /* argv[i]; a byte of it; the parent task; mm */
	int64_t ret;	    /* the syscall's return value */
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

/* reg = r10 + off: a pointer to a stack slot */
void stack_ptr(struct asm_prog *p, int reg, int16_t off);
/* dst = a tracepoint field, at the width the format file gives */
void load_field(struct asm_prog *p, int dst, const struct tp_field *f);
/* *(u32 *)(r10 + slot) |= bits */
void set_flag(struct asm_prog *p, int16_t slot, uint32_t bits);
/* *(u64 *)(r10 + slot) = *(u64 *)(r3 + off) from kernel memory, or goto fail; uses r0-r3 */
void read_kernel_u64(struct asm_prog *p, int16_t slot, uint32_t off, const char *fail);
/* stats[idx]++, atomically; uses r0-r2 and FP(key) */
void count_stat(struct asm_prog *p, enum ms_stat idx, const char *skip);
/* dst = the per-CPU value of map (key 0), or goto fail */
void percpu_value(struct asm_prog *p, int dst, const char *map, const char *fail);
/* dst = this CPU's value of an array indexed by CPU, or goto fail */
void cpu_value(struct asm_prog *p, int dst, const char *map, const char *fail);
/* map_delete_elem(map, &FP(tid)) */
void delete_tid(struct asm_prog *p, const char *map);
/* -u and -c: goto out unless the current task passes them */
void kernel_filters(struct asm_prog *p, const struct prog_opts *o);

/* Path string at the (user, or kernel with from_kernel) address in r3 into the record's
 * text; then r0 is its length with the NUL, 1..EV_FILENAME_MAX, else goto fail. */
void read_path(struct asm_prog *p, bool from_kernel, const char *fail, const char *done);
/* Record header: pid from pid_tgid, tid from FP(tid), uid, ppid (BTF or the forks map),
 * ret 0, flags from FP(flags) | EV_F_PPID_KERNEL when ppid was found. */
void record_ids(struct asm_prog *p, const struct prog_layout *l);
/* The caller's argv (FP(in.argv), ptr_size bytes an entry: 4 on 32-bit kernels) as text
 * into the scratch at r9: r8 bytes, FP(argc) strings, truncation in FP(flags); unrolled up
 * to max_args. */
void gather_args(struct asm_prog *p, const struct prog_opts *o, unsigned ptr_size);
/* Record context: zero what says which fields and blocks there are (every record). */
void context_clear(struct asm_prog *p);
/* The context fields o->ctx asks for and the layout can give, into the record; blocks after
 * text_len, which grows. image: the new image is in place (exe, env are read). */
void context_read(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l,
		  bool image);
/* comm and time, then the record (r7) to the ring, EV_HDR + text_len bytes */
void emit_record(struct asm_prog *p);

#endif
