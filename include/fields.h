/* SPDX-License-Identifier: MIT */
/*
 * The context fields of an exec (-o, -e), declared once. The CTX_* bits (include/record.h),
 * the feature each needs (ctx_feature, include/insns.h), the output columns and JSON keys
 * (src/output.h, src/columns.c), check's fields: lines and the --help list are all expanded
 * from these two lists; nothing else spells a field.
 *
 * A new field: a line in CONTEXT_FIELDS (and one in CTX_GROUPS when the kernel reads it
 * apart), its emitter in insns/context.c, its test (tests/unit/test_output.c, and
 * tests/kernel/test_context.c for the kernel side), minisnoop.8 and README's table; and its
 * member in struct ms_event when it needs a new one (include/record.h: the record's ABI).
 */
#ifndef MINISNOOP_FIELDS_H
#define MINISNOOP_FIELDS_H

/* What make tiny (the tracer alone) leaves out: the full build's only. */
#ifdef MINISNOOP_TINY
#define MS_FULL(...)
#else
#define MS_FULL(...) __VA_ARGS__
#endif

/* A group the programs read with helpers alone: it needs no BTF. */
#define NO_KFEATURE (-1)

/*
 * The groups the kernel reads: one CTX_* bit each, in struct prog_opts.ctx (what the programs
 * read) and in a record's have (what the kernel gave). The order is the record's ABI: new
 * groups go at the end.
 *
 *   X(group, feature, lost)
 *     group    CTX_<group>
 *     feature  the KF_* whose struct members reading it needs, or NO_KFEATURE
 *     lost     what check says is lost when that feature is off
 */
#define CTX_GROUPS(X)                                                                              \
	X(CWD, KF_CWD, "cwd is null") /* cwd block: task->fs->pwd, components leaf first */        \
	X(EXE, KF_EXE, "exe and fileless are null") /* exe block: mm->exe_file's path, likewise */ \
	X(CREDS, KF_CREDS, "euid and egid are null")                                               \
	X(GID, NO_KFEATURE, "")                                                                    \
	X(LOGIN, KF_LOGIN, "auid and session are null")                                            \
	X(TTY, KF_TTY, "tty is null")	    /* an empty name: no terminal */                       \
	X(PCOMM, KF_PCOMM, "pcomm is null") /* the parent's comm */                                \
	X(PIDNS, KF_PIDNS, "pidns and nspid are null")                                             \
	X(MNTNS, KF_MNTNS, "mntns is null")                                                        \
	X(CGROUP, NO_KFEATURE, "")    /* the cgroup id */                                          \
	X(ENV, KF_ENV, "env is null") /* env block: the new image's environment */                 \
	X(ROOT, KF_ROOT,                                                                           \
	  "root is null, and paths of chrooted processes are not marked")    /* root block */      \
	X(IDS, KF_IDS, "id, parent_id, age and the ancestors' ids are null") /* lifecycle */

/* How a field's value is shown, from its record member. */
enum field_kind {
	FK_U32,	      /* a number */
	FK_U32_SET,   /* a number; 4294967295 (never set) is null */
	FK_STR,	      /* a NUL-padded char array (not always NUL-terminated) */
	FK_TTY,	      /* a tty name: "" is none (null), "ptsN" is shown as pts/N */
	FK_CGROUP,    /* a cgroup id, shown as its path: the cgroup block when the kernel read it,
		       * else the id named from the mounted trees (null: in none) */
	FK_CONTAINER, /* the container id the cgroup path names (src/container.c) */
	FK_POD,	      /* the Kubernetes pod UID the cgroup path names */
	FK_FILELESS,  /* true when EV_C_EXE_DELETED is in ctx_flags */
	FK_CWD,	      /* the cwd block, joined by the reader (struct ev_view.cwd) */
	FK_EXE,	      /* the exe block, likewise */
	FK_ENV,	      /* the env block: a list of strings */
	FK_ROOT,      /* the root block: null when the process's root is the tracer's own */
	FK_ID,	      /* an image id, computed by the reader (struct ev_view.id): 16 hex digits */
	FK_PARENTID,  /* the parent's image id, likewise (ev_view.parent_id) */
	FK_ANCESTORS, /* the process table's ancestors (ev_view.anc), parent first */
};

/*
 * The fields, in the order of their JSON keys (and after the base columns in enum out_col).
 *
 *   X(column, name, header, width, group, kind, member, all)
 *     column  COL_<column>
 *     name    the -o name and the JSON key (9 characters at most)
 *     header  the text column's header (9 characters at most)
 *     width   the text column's width, a space included (0: as wide as the value)
 *     group   the CTX_<group> the programs must read for it
 *     kind    FK_<kind>: how its value is shown
 *     member  the struct ms_event member it comes from
 *     all     ALL: "-o all" adds it; OWN: only when named (env, which -e also adds)
 *
 * env's JSON key is followed by two of its own, env_truncated and env_unscanned (written with
 * it in src/output.c: longer than a name here may be).
 */
#define CONTEXT_FIELDS(X)                                                                          \
	X(ROOT, "root", "ROOT", 0, ROOT, ROOT, root_len, ALL)                                      \
	X(CWD, "cwd", "CWD", 0, CWD, CWD, cwd_len, ALL)                                            \
	X(EXE, "exe", "EXE", 0, EXE, EXE, exe_len, ALL)                                            \
	X(FILELESS, "fileless", "FILELESS", 9, EXE, FILELESS, ctx_flags, ALL)                      \
	X(EUID, "euid", "EUID", 6, CREDS, U32, euid, ALL)                                          \
	X(GID, "gid", "GID", 6, GID, U32, gid, ALL)                                                \
	X(EGID, "egid", "EGID", 6, CREDS, U32, egid, ALL)                                          \
	X(AUID, "auid", "AUID", 6, LOGIN, U32_SET, auid, ALL)                                      \
	X(SESSION, "session", "SESSION", 8, LOGIN, U32_SET, session, ALL)                          \
	X(TTY, "tty", "TTY", 8, TTY, TTY, tty, ALL)                                                \
	X(PCOMM, "pcomm", "PARENT", 17, PCOMM, STR, pcomm, ALL)                                    \
	X(PIDNS, "pidns", "PIDNS", 11, PIDNS, U32, pidns, ALL)                                     \
	X(MNTNS, "mntns", "MNTNS", 11, MNTNS, U32, mntns, ALL)                                     \
	X(NSPID, "nspid", "NSPID", 8, PIDNS, U32, nspid, ALL)                                      \
	X(CGROUP, "cgroup", "CGROUP", 0, CGROUP, CGROUP, cgroup, ALL)                              \
	MS_FULL(X(CONTAINER, "container", "CONTAINER", 0, CGROUP, CONTAINER, cgroup, ALL)          \
		    X(POD, "pod", "POD", 0, CGROUP, POD, cgroup, ALL))                             \
	X(ENV, "env", "ENV", 0, ENV, ENV, env_len, OWN)                                            \
	MS_FULL(X(ID, "id", "ID", 17, IDS, ID, start_ns, OWN)                                      \
		    X(PARENT_ID, "parent_id", "PARENT_ID", 17, IDS, PARENTID, pstart_ns, OWN)      \
			X(ANCESTORS, "ancestors", "ANCESTORS", 0, IDS, ANCESTORS, start_ns, OWN))

#endif
