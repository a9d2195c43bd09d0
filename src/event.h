/* SPDX-License-Identifier: MIT */
/* An exec record decoded: the header and its strings, for filters and output. */
#ifndef MINISNOOP_EVENT_H
#define MINISNOOP_EVENT_H

#include "record.h"

#include <stdbool.h>
#include <stddef.h>

/* Strings of the env view: --max-env and the variables always shown beyond it. */
#define EV_ENV_VIEW_MAX (EV_MAX_ENV_LIM + 256)

/* -o ancestors: at most this many, parent first (--ancestors N bounds it lower); bytes of
 * argument text the process table keeps of each (src/proctab.h). */
#define EV_ANC_MAX  64
#define EV_ANC_ARGS 184

/* An ancestor, as the process table knows it (src/proctab.c); strings point into the table. */
struct ev_ancestor {
	uint32_t pid;
	uint32_t serial;  /* its table slot's use, never the same twice in a run; 0: none */
	bool has_id, cut; /* cut: its argument text was longer than the table keeps */
	uint64_t id;
	const char *comm; /* EV_COMM_LEN bytes, NUL-padded */
	const char *args; /* argc NUL-terminated strings, args_len bytes */
	unsigned argc, args_len;
};

/* A fork record checked (struct ms_fork): 0 or -EINVAL. */
int ev_decode_fork(const void *data, size_t size, struct ms_fork *f);

/* A record checked and split into its strings; pointers point into the record. */
struct ev_view {
	struct ms_event hdr;  /* copied: records in the ring are only 4-byte aligned */
	const char *filename; /* NUL terminated */
	size_t filename_len;  /* without NUL */
	const char *args[EV_MAX_ARGS_LIM];
	size_t arg_len[EV_MAX_ARGS_LIM]; /* without NUL */
	unsigned argc;
	bool truncated; /* any EV_F_TRUNC_* or EV_F_READ_ERR flag, or an inconsistent record */
	/* Context: have is the record's, less what did not decode. Paths are joined here, as
	 * /proc shows them: "/a/b", " (deleted)" after an unlinked one, "…/" before a cut one. */
	uint32_t have;
	char cwd[EV_PATH_MAX + 32], exe[EV_PATH_MAX + 32];
	size_t cwd_len, exe_len;
	/* The root directory's path when it is not the top of the process's mount tree (a
	 * chroot), else root_len 0; the cgroup's path when the kernel read it (cgroup_path). */
	char root[EV_PATH_MAX + 32], cgroup[EV_PATH_MAX + 32];
	size_t root_len, cgroup_len;
	bool cgroup_path;
	/* env: the first max_env strings, then those env_always() names among the rest, in
	 * the environment's order. env_cut: strings were left out (or the last one kept was
	 * cut); the first left out was before env[env_gap] (envc: after the last).
	 * env_stopped: the kernel stopped looking before the environment's end, env_unscanned
	 * bytes before it. */
	const char *env[EV_ENV_VIEW_MAX];
	size_t env_len[EV_ENV_VIEW_MAX];
	unsigned envc, env_gap;
	bool env_cut, env_stopped;
	uint32_t env_unscanned;
	/* Lifecycle (issue 17): an exit record (EV_F_EXIT: no strings, no context but the
	 * ids); the ids, computed here (ev_image_id), valid when have has CTX_IDS, parent_id
	 * when has_parent too. */
	bool exit; /* EV_EXIT(): always false in make tiny */
	bool has_parent;
	uint64_t id, parent_id;
	/* --existing: a process running at start, from /proc (no filename, no ret) */
	bool running;
	/* -o ancestors: the process table's, parent first; anc_known: it knows this process */
	bool anc_known;
	unsigned nanc;
	struct ev_ancestor anc[EV_ANC_MAX];
};

/* make tiny has no lifecycle records (exits, /proc's running processes): constant there, so
 * that their code is not built (ev_decode refuses an exit record). */
#ifdef MINISNOOP_TINY
#define EV_EXIT(v)    ((void)(v), false)
#define EV_RUNNING(v) ((void)(v), false)
#else
#define EV_EXIT(v)    ((v)->exit)
#define EV_RUNNING(v) ((v)->running)
#endif

/*
 * An image's id: FNV-1a 64 of the text "TGID:TICKS:ARG_START" (decimal), TICKS being the
 * process's start in clock ticks (start_boottime / 10^7 ns, USER_HZ 100): the three of
 * /proc/PID/stat's fields 1, 22 and 48, so that an id can be computed for a running process
 * from /proc as well. Unique per image and the same in every run on the boot: an exec moves
 * arg_start (ASLR, argv and env sizes), a reused tgid has another start.
 */
uint64_t ev_image_id(uint32_t tgid, uint64_t start_ns, uint64_t arg_start);

/* v's decimal digits into t, the lowest first; their count (1 to 20). By multiplication: -Os
 * makes v / 10 a 64-bit div (tens of cycles) per digit, and every line has a hundred. */
unsigned ev_digits(char t[20], uint64_t v);

/* Checks sizes (the record is untrusted) and splits the text, keeping at most max_args
 * arguments. 0 or -EINVAL. */
int ev_decode(const void *data, size_t size, unsigned max_args, struct ev_view *v);
/* ev_decode keeping at most max_env environment strings (0: EV_MAX_ENV_DEF) besides the
 * variables always shown. */
int ev_decode_env(const void *data, size_t size, unsigned max_args, unsigned max_env,
		  struct ev_view *v);
/* A variable that changes how a program runs: shown wherever it is in the environment
 * (minisnoop.8, FIELDS, env). s is "NAME=value", len bytes. */
bool env_always(const char *s, size_t len);

#endif
