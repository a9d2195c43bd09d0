/* SPDX-License-Identifier: MIT */
/*
 * The exec record, shared by the BPF programs (which write it at these offsets)
 * and the reader (which decodes it). One record per exec, emitted by the exit
 * program: a fixed header followed by text = filename NUL, then each argument NUL.
 * A successful exec is emitted by sched_process_exec, a failed one by the syscall's exit.
 */
#ifndef MINISNOOP_RECORD_H
#define MINISNOOP_RECORD_H

#include "fields.h"

#include <stddef.h>
#include <stdint.h>

/* A u64 where BPF's (64-bit) layout puts it, on every ISA: i386 aligns uint64_t to 4 bytes
 * only, which would move every member after one. For anything the BPF side reads or writes. */
typedef uint64_t ms_u64 __attribute__((aligned(8)));

#define EV_COMM_LEN	16
#define EV_FILENAME_MAX 4096  /* bytes of the exec path kept, NUL included */
#define EV_ARGS_MAX	16384 /* bytes of argument text kept, NULs included */
#define EV_PATH_MAX	4096  /* bytes of a cwd or exe block (components, NUL each) */
#define EV_NAME_MAX	256   /* a path component's read: NAME_MAX and its NUL */
#define EV_ENV_MAX	EV_ARGS_MAX
/* text = filename, args, then the context blocks: cwd, exe, env, root, cgroup */
#define EV_TEXT_MAX	(EV_FILENAME_MAX + EV_ARGS_MAX + 4 * EV_PATH_MAX + EV_ENV_MAX)
#define EV_MAX_ARGS_LIM 128 /* --max-args upper bound */
#define EV_MAX_ARGS_DEF 20

/* flags */
#define EV_F_TRUNC_ARGS	 (1u << 0) /* more arguments than were kept */
#define EV_F_TRUNC_ARG	 (1u << 1) /* an argument (the last kept) was cut */
#define EV_F_TRUNC_FILE	 (1u << 2) /* the filename was cut */
#define EV_F_READ_ERR	 (1u << 3) /* user memory could not be read; text ends early */
#define EV_F_EXECVEAT	 (1u << 4) /* came from execveat() */
#define EV_F_PPID_KERNEL (1u << 5) /* ppid read in the kernel (BTF or fork tracking) */
/* Argument text was copied as one block from the new process image (its argv area): count
 * the arguments in the text. */
#define EV_F_ARGS_BLOCK (1u << 6)
/* Not started through the syscall tracepoints (the kernel, a 32-bit program) and no BTF to
 * read the new image with: the arguments are unknown. */
#define EV_F_NO_ARGS (1u << 7)

/* Context of an exec (issue 11), asked for with -o/-e. CTX_* bits: what the programs read
 * (struct prog_opts.ctx) and, in a record's have, what the kernel gave; the groups are
 * declared in fields.h. */
#define CTX_ENUM(group, feature, lost) CTX_##group,
enum ctx_bit { CTX_GROUPS(CTX_ENUM) CTX_BITS };
#undef CTX_ENUM
_Static_assert(CTX_BITS <= 32, "have and prog_opts.ctx are 32-bit masks");
#define CTXB(x) (1u << CTX_##x)

/* ctx_flags */
#define EV_C_CWD_CUT	  (1u << 0) /* deeper or longer than the block: leaf side kept */
#define EV_C_CWD_DELETED  (1u << 1) /* unlinked directory */
#define EV_C_EXE_CUT	  (1u << 2)
#define EV_C_EXE_DELETED  (1u << 3) /* no name on disk: memfd, deleted file */
#define EV_C_ENV_CUT	  (1u << 4) /* more than kept, or the last kept was cut */
#define EV_C_ROOT_CUT	  (1u << 5)
#define EV_C_ROOT_DELETED (1u << 6) /* the root directory was removed */
#define EV_C_CGROUP_CUT	  (1u << 7)
/* The cgroup block was read (the root cgroup's is empty); without it the id is named by the
 * reader (src/cgroup.c). */
#define EV_C_CGROUP_PATH (1u << 8)

struct ms_event {
	ms_u64 ts_ns;	       /* CLOCK_MONOTONIC when the exec succeeded or failed */
	uint32_t pid;	       /* tgid */
	uint32_t tid;	       /* thread that called exec */
	uint32_t ppid;	       /* parent's tgid, 0 if unknown */
	uint32_t uid;	       /* real uid */
	int32_t ret;	       /* 0 or -errno */
	uint32_t flags;	       /* EV_F_* */
	uint32_t text_len;     /* bytes of text[] that follow */
	uint16_t argc;	       /* arguments kept in text */
	uint16_t filename_len; /* bytes of the filename in text, NUL included */
	char comm[EV_COMM_LEN];
	/* context: valid where have says so */
	uint32_t have; /* CTX() bits */
	uint32_t euid, gid, egid;
	uint32_t auid, session;
	uint32_t pidns, mntns, nspid;
	uint16_t cwd_len, exe_len, env_len; /* blocks at the end of text, in this order */
	uint16_t ctx_flags;		    /* EV_C_* */
	ms_u64 cgroup;			    /* after 4 bytes of padding */
	char pcomm[EV_COMM_LEN];
	char tty[32];
	/* Blocks after env, in this order. root: the process's root directory walked up to the top
	 * of its mount tree (empty: it is that top); cgroup: its cgroup's names up to the
	 * hierarchy's root. */
	uint16_t root_len, cgroup_len;
	uint32_t pad;
	char text[];
};

#define EV_OFF(f) ((int16_t)offsetof(struct ms_event, f))
#define EV_HDR	  ((int)sizeof(struct ms_event))

_Static_assert(sizeof(struct ms_event) == 168 && offsetof(struct ms_event, cgroup) == 104 &&
		   offsetof(struct ms_event, pcomm) == 112 &&
		   offsetof(struct ms_event, root_len) == 160,
	       "record header layout is part of the ABI");
/* context_clear() zeroes each pair with one 4-byte store */
_Static_assert(offsetof(struct ms_event, exe_len) == offsetof(struct ms_event, cwd_len) + 2 &&
		   offsetof(struct ms_event, ctx_flags) == offsetof(struct ms_event, env_len) + 2 &&
		   offsetof(struct ms_event, cwd_len) % 4 == 0 &&
		   offsetof(struct ms_event, env_len) % 4 == 0 &&
		   offsetof(struct ms_event, cgroup_len) == offsetof(struct ms_event, root_len) + 2,
	       "length pairs cleared together");

/* Counters the programs keep in one mmapable array value (u64 each, atomic adds). */
enum ms_stat {
	MS_STAT_STASH_FAIL,  /* enter could not stash what its exit needs */
	MS_STAT_OUTPUT_FAIL, /* bpf_perf_event_output failed */
	MS_STAT_UNSEEN, /* a failed exec whose entry state was gone (evicted, or before start) */
	MS_STAT_MAX,
};

#endif
