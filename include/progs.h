/* SPDX-License-Identifier: MIT */
/* The built-in BPF programs (insns/) and what they are built from. */
#ifndef MINISNOOP_PROGS_H
#define MINISNOOP_PROGS_H

#include "bpf_asm.h"
#include "event.h"

#include <stdbool.h>
#include <stdint.h>

/* Map names the programs refer to; the loader creates them (src/programs.c). */
#define MAP_EVENTS  "events"  /* PERF_EVENT_ARRAY, one ring per CPU */
#define MAP_SCRATCH "scratch" /* PERCPU_ARRAY: argument text is built here */
#define MAP_STASH   "stash"   /* LRU_HASH tgid -> record, from enter to exit */
#define MAP_STATS   "stats"   /* PERCPU_ARRAY of u64, enum ms_stat */
#define MAP_CGROUP  "cgroup"  /* CGROUP_ARRAY[1]: the -c filter */
#define MAP_FORKS   "forks"   /* LRU_HASH pid -> parent tgid, without BTF */

/* The scratch value: argument text, plus as much again for the verifier, which cannot
 * relate a read's offset to its size (offset < EV_ARGS_MAX, size <= EV_ARGS_MAX). */
#define SCRATCH_SIZE (2 * EV_ARGS_MAX)
/* The stash holds the record, then the caller's path and argv pointers, which the exit
 * program needs if entry could not read them; only the record is emitted. */
#define STASH_PTRS (EV_HDR + EV_TEXT_MAX)
#define STASH_SIZE (STASH_PTRS + 16)

struct prog_cfg {
	/* Offsets into the tracepoint context, from tracefs' format files. */
	int16_t off_filename, off_argv; /* sys_enter_execve(at) */
	int16_t off_ret;		/* sys_exit_execve(at) */
	int16_t off_child_pid;		/* sched_process_fork */
	bool execveat;			/* the enter program sets EV_F_EXECVEAT */
	unsigned max_args;		/* 1..EV_MAX_ARGS_LIM */
	/* Filters the kernel applies. */
	bool filter_uid;
	uint32_t uid;
	bool failed_only;
	bool filter_cgroup;
	/* From BTF: ppid (else the forks map), and where a new image keeps its argv and path
	 * (else arguments the caller's memory did not give up at entry stay missing). */
	bool btf;
	uint32_t off_real_parent, off_tgid, off_mm;
	uint32_t off_arg_start, off_arg_end, off_env_end;
};

void prog_exec_enter(struct asm_prog *p, const struct prog_cfg *c);
void prog_exec_exit(struct asm_prog *p, const struct prog_cfg *c);
void prog_fork(struct asm_prog *p, const struct prog_cfg *c);

#endif
