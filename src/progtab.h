/* SPDX-License-Identifier: MIT */
/*
 * The program set, declared: for each program its tracepoint, the tracepoint fields it
 * reads, the kernel struct members it may use, its maps and its emitter. Build, load,
 * attach, dump, verify and check all walk these tables; nothing else names a program.
 */
#ifndef MINISNOOP_PROGTAB_H
#define MINISNOOP_PROGTAB_H

#include "insns.h"

#include <linux/bpf.h>

enum prog_id {
	P_EXEC,
	P_EXECVE_ENTER,
	P_EXECVE_EXIT,
	P_EXECVEAT_ENTER,
	P_EXECVEAT_EXIT,
	P_FORK,
	P_COMPAT_ENTER,
	P_COMPAT_EXIT,
	P_EXIT,
	P_EXIT_GROUP,
	P_COUNT,
};

enum map_id {
	MAP_ID_EVENTS,
	MAP_ID_SCRATCH,
	MAP_ID_RECORD,
	MAP_ID_INFLIGHT,
	MAP_ID_ARGSTASH,
	MAP_ID_EXECPATH,
	MAP_ID_STATS,
	MAP_ID_CGROUP,
	MAP_ID_CONTAINERS,
	MAP_ID_FORKS,
	MAP_ID_IMAGES,
	MAP_ID_EXITCODES,
	MAP_ID_TREE,
	MAP_ID_COUNT
};

#define MAPS(x)	   (1u << MAP_ID_##x)
#define FEATURE(x) (1u << KF_##x)
#define ALWAYS	   (-1)

struct prog_def {
	const char *name;
	const char *tp_category, *tp_event;
	const char *fields[PROG_TP_FIELDS]; /* tracepoint fields it reads, by name ("?name":
					     * optional, size 0 when the kernel lacks it) */
	unsigned features;		    /* FEATURE() bits it uses when BTF gives them */
	int unless_feature;		    /* loaded only when this KF_* is off, or ALWAYS */
	unsigned maps;			    /* MAPS() bits: the maps its code may refer to */
	int attach_rank;		    /* attached in rising rank: readers before writers */
	bool successes;			    /* reports successful execs only: not loaded with -x */
	prog_emit_fn *emit;
	bool compat; /* watches every syscall: loaded with --compat only, where KF_COMPAT is on */
	bool exits;  /* loaded with --exit only (prog_opts.exits) */
	bool forks;  /* loaded with prog_opts.forks too, whatever unless_feature says */
	bool trees;  /* loaded with a subtree (prog_opts.tree) in any case */
};

struct map_def {
	const char *name;
	enum bpf_map_type type;
	uint32_t key_size, value_size;
	uint32_t entries, per_cpu; /* max_entries: entries, or per_cpu per possible CPU if more */
	uint32_t flags;
};

/* A struct member read through BTF; its type's name and its other name in other kernels
 * (0: none) are kmember_name()'s. */
struct kmember_def {
	uint8_t type, alt;
	char member[16];
};

struct kfeature_def {
	const char *name;
	uint64_t members;    /* KM() bits */
	const char *without; /* what is lost when it is off; NULL: fields.h says */
};

extern const struct prog_def prog_defs[P_COUNT];
extern const struct map_def map_defs[MAP_ID_COUNT];
extern const struct kmember_def kmember_defs[KM_COUNT];
/* The name of a kmember_def's type or alt; NULL for 0. */
const char *kmember_name(unsigned i);
extern const struct kfeature_def kfeature_defs[KF_COUNT];

#endif
