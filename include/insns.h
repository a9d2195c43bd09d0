/* SPDX-License-Identifier: MIT */
/*
 * What the programs in insns/ are built from: the user's options and this kernel's layout,
 * two separate inputs, plus the maps they share with the loader. The table that says which
 * program goes where is src/progtab.c.
 */
#ifndef MINISNOOP_INSNS_H
#define MINISNOOP_INSNS_H

#include "bpf_asm.h"
#include "record.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Map names the programs refer to; src/progtab.c declares their types and sizes. */
#define MAP_EVENTS   "events"	/* PERF_EVENT_ARRAY, one ring per CPU */
#define MAP_SCRATCH  "scratch"	/* PERCPU_ARRAY: argument text is gathered here */
#define MAP_RECORD   "record"	/* ARRAY[CPU]: the record is built here, then emitted */
#define MAP_INFLIGHT "inflight" /* LRU_HASH tid -> struct inflight, from enter to exit */
#define MAP_ARGSTASH "argstash" /* LRU_HASH tid -> struct argstash, without BTF */
#define MAP_EXECPATH "execpath" /* ARRAY[CPU x EXECPATH_SLOTS]: paths entry read */
#define MAP_STATS    "stats"	/* ARRAY[1], mmapable: u64 per enum ms_stat */
#define MAP_CGROUP   "cgroup"	/* CGROUP_ARRAY[1]: the -c filter */
#define MAP_FORKS    "forks"	/* LRU_HASH pid -> parent tgid, without BTF */
/* --exit (issue 17) */
#define MAP_IMAGES    "images"	  /* LRU_HASH tgid -> struct image_start: when it exec'd */
#define MAP_EXITCODES "exitcodes" /* LRU_HASH tgid -> wait status from exit_group, no BTF */

/* --tree, --exclude-tree, -- COMMAND (issue 17): HASH tgid -> enum tree_mark, seeded from
 * /proc at start, inherited on fork, removed on exit. A thread has an entry too (under its
 * tid), which only its end removes. */
#define MAP_TREE "tree"
#define TREE_MAX 65536 /* its entries (allocated as filled) */
enum tree_mark { TREE_IN = 1, TREE_OUT = 2 };

/* What the exec program leaves for the exit program (--exit): when the image started. */
struct image_start {
	ms_u64 start_ns; /* the process's start_boottime: tells a reused tgid's entry apart */
	ms_u64 exec_ns;	 /* CLOCK_BOOTTIME of the exec */
};

/* HASH cgroup id -> 1: the container cgroups --container found at start */
#define MAP_CONTAINERS	      "containers"
#define CONTAINER_CGROUPS_MAX 4096 /* its entries */
#define CONTAINER_LEVELS      16   /* cgroup levels below the root the filter looks at */

/* What a syscall exec's entry leaves for its exit (and for sched_process_exec). */
struct inflight {
	ms_u64 filename; /* the caller's pointers (the path's for the entry's own use) */
	ms_u64 argv;
	uint32_t flags; /* EV_F_EXECVEAT */
	uint32_t path;	/* the execpath slot that holds its path, + 1; 0: none */
};
_Static_assert(sizeof(struct inflight) == 24, "the BPF side reads it at these offsets");

/*
 * The path as a syscall exec's entry read it, the last thing it does: as close to the
 * kernel's own copy (getname, right after) as a tracepoint gets. A failed exec reports it, not
 * what the caller's memory holds by its exit. Each CPU has EXECPATH_SLOTS slots, taken in
 * turn: nothing is allocated or copied for the many execs that succeed, and a slot taken over
 * by a later exec on that CPU says so by its tid (the failure's path is then unknown).
 */
#define EXECPATH_SLOTS 8 /* a power of two */
struct execpath {
	uint32_t tid;  /* the thread whose path it is */
	int32_t len;   /* probe_read_user_str's: bytes with the NUL, or -errno (-1: not read) */
	uint32_t next; /* in a CPU's first slot: the slot its next exec takes */
	uint32_t pad;
	char path[EV_FILENAME_MAX];
};
#define EXECPATH_OFF(f) ((int16_t)offsetof(struct execpath, f))

/* Arguments read at entry, for a successful exec when the new image cannot be read (no
 * BTF). The scratch has this layout too, args first: its size is twice the text, since the
 * verifier cannot relate a read's offset to its size (offset < EV_ARGS_MAX, size <=
 * EV_ARGS_MAX), and the header sits in that second half. */
struct argstash {
	char args[EV_ARGS_MAX];
	uint32_t argc;
	uint32_t flags; /* EV_F_TRUNC_* and EV_F_READ_ERR of the reading */
	uint32_t len;	/* bytes of args[] used */
	uint32_t pad;
};
#define ARGSTASH_OFF(f) ((int16_t)offsetof(struct argstash, f))
#define SCRATCH_SIZE	((uint32_t)(2 * EV_ARGS_MAX))
/* A whole record: header, path and argument text. */
#define RECORD_SIZE ((uint32_t)(EV_HDR + EV_TEXT_MAX))

/* What the user asked for that changes the programs' code. */
struct prog_opts {
	unsigned max_args; /* arguments kept, 1..EV_MAX_ARGS_LIM (the command line checks) */
	unsigned max_env;  /* env strings the reader keeps (0: EV_MAX_ENV_DEF); not in the kernel */
	bool match_uid;	   /* -u: only this real uid */
	uint32_t uid;
	bool failed_only;  /* -x */
	bool match_cgroup; /* -c: only tasks under the cgroup in MAP_CGROUP */
	uint32_t ctx;	   /* CTX() bits: context to read (successful execs) */
	bool compat;	   /* --compat: failed execs through the 32-bit entry too */
	bool exits;	   /* --exit: the exit programs, and the exec's start for their age */
	bool forks;	   /* -o ancestors: fork records (struct ms_fork) for the process table */
	/* subtrees: 0 none; TREE_IN: only processes the tree map marks TREE_IN (--tree, --
	 * COMMAND); TREE_OUT: all but those it marks (--exclude-tree alone) */
	uint8_t tree;

	/* --container: only tasks under a cgroup in MAP_CONTAINERS, or in a cgroup whose id
	 * is above container_new (made since the start: user space decides) */
	bool match_container;
	uint64_t container_new;
};

/*
 * make tiny is the tracer alone: no lifecycle (--exit, the process table), subtrees, containers
 * or ids. These options are constants there, so that their code is not built; the full build
 * reads them.
 */
#ifdef MINISNOOP_TINY
#define PO_EXITS(o)	((void)(o), false)
#define PO_FORKS(o)	((void)(o), false)
#define PO_TREE(o)	((void)(o), 0)
#define PO_CONTAINER(o) ((void)(o), false)
#define PO_IDS(o)	((void)(o), false)
#else
#define PO_EXITS(o)	((o)->exits)
#define PO_FORKS(o)	((o)->forks)
#define PO_TREE(o)	((o)->tree)
#define PO_CONTAINER(o) ((o)->match_container)
#define PO_IDS(o)	(((o)->ctx & CTXB(IDS)) != 0)
#endif

/* Kernel struct members the programs read, at offsets from BTF. */
enum kmember {
	KM_TASK_REAL_PARENT,
	KM_TASK_TGID,
	KM_TASK_MM,
	KM_MM_ARG_START,
	KM_MM_ARG_END,
	KM_MM_ENV_START,
	KM_MM_ENV_END,
	KM_MM_EXE_FILE,
	KM_FILE_PATH,
	KM_TASK_FS,
	KM_FS_PWD,
	KM_FS_ROOT,
	KM_PATH_MNT,
	KM_PATH_DENTRY,
	KM_DENTRY_PARENT,
	KM_DENTRY_NAME,
	KM_QSTR_NAME,
	KM_DENTRY_HASH,
	KM_HLIST_PPREV,
	KM_MOUNT_MNT,
	KM_MOUNT_PARENT,
	KM_MOUNT_MOUNTPOINT,
	KM_VFSMOUNT_ROOT,
	KM_TASK_COMM,
	KM_TASK_CRED,
	KM_CRED_EUID,
	KM_CRED_EGID,
	KM_TASK_LOGINUID,
	KM_TASK_SESSIONID,
	KM_TASK_SIGNAL,
	KM_SIGNAL_TTY,
	KM_TTY_NAME,
	KM_TASK_NSPROXY,
	KM_NSPROXY_MNT_NS,
	KM_MNT_NS_NS,
	KM_NS_INUM,
	KM_TASK_THREAD_PID,
	KM_PID_LEVEL,
	KM_PID_NUMBERS,
	KM_UPID_NR,
	KM_UPID_NS,
	KM_PID_NS_NS,
	KM_TASK_CGROUPS,
	KM_CSS_SET_DFL_CGRP,
	KM_CGROUP_KN,
	KM_KERNFS_PARENT, /* __parent since 6.15, parent before */
	KM_KERNFS_NAME,
	KM_TASK_THREAD_INFO,
	KM_THREAD_INFO_STATUS,
	/* lifecycle (issue 17) */
	KM_TASK_GROUP_LEADER,
	KM_TASK_START_BOOTTIME,
	KM_TASK_EXIT_CODE,
	KM_SIGNAL_GROUP_EXIT_CODE,
	KM_SIGNAL_LIVE,
	KM_TASK_ACTIVE_MM,
	KM_TASK_FLAGS,
	/* -o ancestors: the child of a fork */
	KM_TASK_CHILDREN,
	KM_TASK_SIBLING,
	KM_TASK_PID,
	KM_COUNT,
};
_Static_assert(KM_COUNT <= 64, "KM() bits are a 64-bit mask");
#define KM(x) (1ull << KM_##x)

/* What a group of members gives: on when BTF gave every member of the group. */
enum kfeature {
	KF_PPID,       /* current->real_parent->tgid */
	KF_IMAGE_ARGV, /* argv from the new image (mm->arg_start..arg_end) */
	KF_ENV,	       /* env from the new image (mm->env_start..env_end) */
	KF_CWD,	       /* task->fs->pwd, walked up through dentries and mounts */
	KF_EXE,	       /* mm->exe_file, walked likewise */
	KF_PCOMM,      /* current->real_parent->comm */
	KF_CREDS,      /* current->cred->euid, egid */
	KF_LOGIN,      /* current->loginuid, sessionid (audit) */
	KF_TTY,	       /* current->signal->tty->name */
	KF_PIDNS,      /* current->thread_pid: the innermost level's nr and namespace */
	KF_MNTNS,      /* current->nsproxy->mnt_ns */
	KF_ROOT,       /* task->fs->root, walked up to the top of its mount tree */
	KF_CGROUP,     /* cgroups->dfl_cgrp->kn, its names up to the hierarchy's root */
	KF_COMPAT,     /* current's thread_info.status: TS_COMPAT in a 32-bit syscall (x86) */
	/* lifecycle (issue 17) */
	KF_IDS,	     /* group_leader->start_boottime, mm->arg_start, and real_parent's */
	KF_EXIT,     /* the exit's wait status: signal->group_exit_code, exit_code */
	KF_EXIT_OLD, /* kernels whose sched_process_exit has no group_dead and runs after
		      * exit_mm: signal->live, active_mm, flags (PF_KTHREAD) */
	KF_FORKS,    /* -o ancestors: the forked child on current's children list, its start */
	KF_COUNT,
};

/* The feature each context group needs (CTX_* to KF_*, from fields.h), -1: no BTF needed. */
#define CTX_FEATURE(group, feature, lost) [CTX_##group] = (feature),
static const int ctx_feature[CTX_BITS] = {CTX_GROUPS(CTX_FEATURE)};
#undef CTX_FEATURE

/* A tracepoint field, as the event's format file describes it; an optional field the
 * kernel does not have ("?name" in the declaration) has size 0. */
struct tp_field {
	int16_t off;
	uint16_t size;
};

#define PROG_TP_FIELDS 4

/* This kernel, as one program sees it. */
struct prog_layout {
	struct tp_field tp[PROG_TP_FIELDS]; /* its fields, in its declaration's order */
	uint32_t member[KM_COUNT];	    /* byte offsets; valid where the feature is on */
	bool feature[KF_COUNT];
	bool loop; /* bpf_loop (5.17+): context.c's loops are callbacks */
};

/* Field indexes, in the order each program's declaration names them. */
enum { ENTER_FILENAME, ENTER_ARGV };
enum { EXIT_RET };
enum { EXEC_FILENAME, EXEC_OLD_PID };
enum { FORK_CHILD_PID };
enum { COMPAT_ENTER_ID };		  /* raw_syscalls:sys_enter; args[6] follow id */
enum { COMPAT_EXIT_RET, COMPAT_EXIT_ID }; /* raw_syscalls:sys_exit: ret first, as EXIT_RET */
enum { EXIT_GROUP_DEAD };		  /* sched_process_exit; optional: size 0 when absent */
enum { EXIT_GROUP_CODE };		  /* sys_enter_exit_group's error_code */

typedef void prog_emit_fn(struct asm_prog *p, const struct prog_opts *o,
			  const struct prog_layout *l);

prog_emit_fn prog_execve_enter;
prog_emit_fn prog_execveat_enter;
prog_emit_fn prog_exec_exit; /* sys_exit_execve and sys_exit_execveat alike */
prog_emit_fn prog_exec;
prog_emit_fn prog_fork;
prog_emit_fn prog_compat_enter; /* raw_syscalls: execs through the 32-bit entry */
prog_emit_fn prog_compat_exit;
prog_emit_fn prog_exit;	      /* sched_process_exit: one record per process (--exit) */
prog_emit_fn prog_exit_group; /* sys_enter_exit_group: the exit code, without BTF */

#endif
