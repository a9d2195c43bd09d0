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
/* The env block's own limits (-e): at most EV_ENV_MAX bytes. An environment that fits is copied
 * whole; a larger one keeps its first EV_ENV_WINDOW bytes and the kernel scans the rest, a
 * chunk of at most EV_ENV_CHUNK bytes a read and at most EV_ENV_SCAN_MAX reads, for the
 * variables that are always shown (minisnoop.8, FIELDS, env), appended after the window: what
 * is left after the window holds a chunk and at least EV_ENV_CHUNK - 7 bytes of them. The
 * verifier walks the scan once a read: EV_ENV_SCAN_MAX bounds its work (and its log) too. */
#define EV_ENV_MAX	16384
#define EV_ENV_CHUNK	4096
#define EV_ENV_WINDOW	(EV_ENV_MAX - 2 * EV_ENV_CHUNK)
#define EV_ENV_SCAN_MAX 256
#define EV_ENV_BACK	512 /* how far back the window's end looks for a string's start */
/* text = filename, args, then the context blocks: cwd, exe, env, root, cgroup */
#define EV_TEXT_MAX	(EV_FILENAME_MAX + EV_ARGS_MAX + 4 * EV_PATH_MAX + EV_ENV_MAX)
#define EV_MAX_ARGS_LIM 128 /* --max-args upper bound */
#define EV_MAX_ARGS_DEF 20
#define EV_MAX_ENV_LIM	1024 /* --max-env upper bound */
#define EV_MAX_ENV_DEF	256

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
/* An exit record (issue 17, --exit): one per process, no text; its outcome is in the lifecycle
 * members. The exec programs never set it. */
#define EV_F_EXIT (1u << 8)
/* A fork record (struct ms_fork, -o ancestors): a new process, for the reader's process table
 * (src/proctab.c). Its flags sit where struct ms_event's do; it is never printed. */
#define EV_F_FORK (1u << 9)

/* life: what an exit record's outcome members hold */
#define EV_L_STATUS (1u << 0) /* status is known */
#define EV_L_CODE_ONLY                                                                             \
	(1u << 1)	   /* status came from exit_group()'s argument (no BTF): only the          \
			    * exit code is known, not whether a signal ended it */
#define EV_L_AGE (1u << 2) /* age_ns is known */

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
#define EV_C_ENV_CUT	  (1u << 4) /* the window's last string was cut, or none was readable */
#define EV_C_ROOT_CUT	  (1u << 5)
#define EV_C_ROOT_DELETED (1u << 6) /* the root directory was removed */
#define EV_C_CGROUP_CUT	  (1u << 7)
/* The cgroup block was read (the root cgroup's is empty); without it the id is named by the
 * reader (src/cgroup.c). */
#define EV_C_CGROUP_PATH (1u << 8)
/* The environment was larger than EV_ENV_MAX: the block is the window, the variables the scan
 * found after it, then a trailer of EV_ENV_TRAILER bytes, little-endian: the bytes the scan
 * did not reach (u32), the window's length (u16). */
#define EV_C_ENV_SCAN  (1u << 15)
#define EV_ENV_TRAILER 6
/* The scan stopped before the environment's end (EV_ENV_SCAN_MAX reads, the block full, or
 * unreadable memory); the last string found may be cut. */
#define EV_C_ENV_SCAN_CUT (1u << 14)

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
	/* Lifecycle (issue 17): the facts an id is made of (ev_image_id, src/event.c), for the
	 * process and its parent, valid where have has CTX_IDS; an exit's outcome, where life
	 * says. Kept together, after every older member. */
	ms_u64 start_ns;   /* the process's start: its group leader's start_boottime */
	ms_u64 arg_start;  /* its image's mm->arg_start; 0: no mm (a kernel thread) */
	ms_u64 pstart_ns;  /* the same two of real_parent's process; 0: unknown */
	ms_u64 parg_start; /* a kernel thread parent has no mm: 0, as in /proc/PID/stat */
	ms_u64 age_ns;	   /* exit: since the image started (its exec, else its fork) */
	uint32_t status; /* exit: a wait status: bits 8-15 the code, low 7 the signal, 0x80 core */
	uint32_t life;	 /* exit: EV_L_* */
	char text[];
};

#define EV_OFF(f) ((int16_t)offsetof(struct ms_event, f))
#define EV_HDR	  ((int)sizeof(struct ms_event))

_Static_assert(sizeof(struct ms_event) == 216 && offsetof(struct ms_event, cgroup) == 104 &&
		   offsetof(struct ms_event, pcomm) == 112 &&
		   offsetof(struct ms_event, root_len) == 160 &&
		   offsetof(struct ms_event, start_ns) == 168 &&
		   offsetof(struct ms_event, status) == 208,
	       "record header layout is part of the ABI");
/* context_clear() zeroes each pair with one 4-byte store */
_Static_assert(offsetof(struct ms_event, exe_len) == offsetof(struct ms_event, cwd_len) + 2 &&
		   offsetof(struct ms_event, ctx_flags) == offsetof(struct ms_event, env_len) + 2 &&
		   offsetof(struct ms_event, cwd_len) % 4 == 0 &&
		   offsetof(struct ms_event, env_len) % 4 == 0 &&
		   offsetof(struct ms_event, cgroup_len) == offsetof(struct ms_event, root_len) + 2,
	       "length pairs cleared together");

/*
 * A fork record: sched_process_fork, when -o ancestors asks for the process table. With BTF
 * the child is found on the forking task's children list: a process, never a thread (nor a
 * CLONE_PARENT child, whose exec the table links by its ppid), and its start and arg_start
 * are known (have CTX_IDS: its id is ev_image_id(pid, start_ns, arg_start)); without BTF
 * every new task is reported, threads too, with no ids.
 */
struct ms_fork {
	ms_u64 ts_ns;  /* CLOCK_MONOTONIC of the fork */
	uint32_t pid;  /* the child's pid (its tgid: a process) */
	uint32_t ppid; /* its parent process's tgid */
	uint32_t have; /* CTXB(IDS): start_ns and arg_start are known */
	uint32_t pad[2];
	uint32_t flags;	  /* EV_F_FORK, at struct ms_event's flags offset */
	ms_u64 start_ns;  /* the child's start_boottime */
	ms_u64 arg_start; /* its mm->arg_start (its parent's, copied); 0: no mm */
};
#define FK_OFF(f) ((int16_t)offsetof(struct ms_fork, f))
_Static_assert(sizeof(struct ms_fork) == 48 &&
		   offsetof(struct ms_fork, flags) == offsetof(struct ms_event, flags),
	       "fork record layout is part of the ABI; its flags where an exec record's are");

/* Counters the programs keep in one mmapable array value (u64 each, atomic adds). */
enum ms_stat {
	MS_STAT_STASH_FAIL,  /* enter could not stash what its exit needs */
	MS_STAT_OUTPUT_FAIL, /* bpf_perf_event_output failed */
	MS_STAT_UNSEEN, /* a failed exec whose entry state was gone (evicted, or before start) */

	MS_STAT_TREE_FULL, /* a fork the subtree map had no room for */
	MS_STAT_MAX,
};

#endif
