/* SPDX-License-Identifier: MIT */
/* The built-in program set: its maps, how each program is built, loaded and attached. */
#ifndef MINISNOOP_PROGRAMS_H
#define MINISNOOP_PROGRAMS_H

#include "loader.h"
#include "progs.h"

#include <stdio.h>

enum {
	P_ENTER_EXECVE,
	P_EXIT_EXECVE,
	P_ENTER_EXECVEAT,
	P_EXIT_EXECVEAT,
	P_FORK,
	P_COUNT,
};

enum { M_EVENTS, M_SCRATCH, M_STASH, M_STATS, M_CGROUP, M_FORKS, M_COUNT };

struct prog_def {
	const char *name;
	const char *tp_category, *tp_event;
	void (*build)(struct asm_prog *p, const struct prog_cfg *c);
};

extern const struct prog_def prog_defs[P_COUNT];

struct progset {
	struct prog_cfg cfg;
	bool used[P_COUNT];
	struct asm_prog asm_[P_COUNT];
	struct map_spec maps[M_COUNT];
	size_t nmaps;
	int prog_fd[P_COUNT];
	int tp_fd[P_COUNT];
	bool offsets_guessed; /* tracefs unreadable: generic syscall layout used (dump only) */
	char btf_note[160];   /* how ppid is found, for `check` */
};

/*
 * Fills in cfg from tracefs and BTF and builds every program; with need_tracefs it first
 * checks that bpf() is usable at all. want_btf false forces the
 * fork-tracking ppid. need_tracefs false allows the generic layout when tracefs is missing.
 * 0 or negative errno with err set.
 */
int progset_build(struct progset *s, const struct prog_cfg *base, bool want_btf, bool need_tracefs,
		  char *err, size_t errlen);
/* Creates the maps and loads the programs; with log_out, prints each verifier log there. */
int progset_load(struct progset *s, const struct load_opts *o, FILE *log_out, char *err,
		 size_t errlen);
/* Reads the kernel struct offsets the programs use from /sys/kernel/btf/vmlinux. */
int progset_btf_offsets(struct prog_cfg *c);
int progset_attach(struct progset *s, char *err, size_t errlen);
int progset_map_fd(const struct progset *s, const char *name);
void progset_close(struct progset *s);

#endif
