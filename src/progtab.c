// SPDX-License-Identifier: MIT
/* The declarations: one entry per program, map, struct member and feature. */
#include "progtab.h"

#define OUT_MAPS   (MAPS(EVENTS) | MAPS(RECORD) | MAPS(STATS) | MAPS(CGROUP) | MAPS(FORKS))
#define ENTER_MAPS (MAPS(INFLIGHT) | MAPS(SCRATCH) | MAPS(ARGSTASH) | MAPS(STATS) | MAPS(CGROUP))
#define EXIT_MAPS  (OUT_MAPS | MAPS(INFLIGHT) | MAPS(SCRATCH) | MAPS(ARGSTASH))

/* Attached in rank order: fork tracking first, so that no fork slips between it and the exec
 * programs; then whatever reads or drops in-flight state before what writes it. */
const struct prog_def prog_defs[P_COUNT] = {
    [P_EXEC] = {"exec",
		"sched",
		"sched_process_exec",
		{"filename", "old_pid"},
		FEATURE(PPID) | FEATURE(IMAGE_ARGV),
		ALWAYS,
		OUT_MAPS | MAPS(INFLIGHT) | MAPS(ARGSTASH),
		1,
		true,
		prog_exec},
    [P_EXECVE_ENTER] = {"execve_enter",
			"syscalls",
			"sys_enter_execve",
			{"filename", "argv"},
			FEATURE(IMAGE_ARGV),
			ALWAYS,
			ENTER_MAPS,
			3,
			false,
			prog_execve_enter},
    [P_EXECVE_EXIT] = {"execve_exit",
		       "syscalls",
		       "sys_exit_execve",
		       {"ret"},
		       FEATURE(PPID) | FEATURE(IMAGE_ARGV),
		       ALWAYS,
		       EXIT_MAPS,
		       2,
		       false,
		       prog_exec_exit},
    [P_EXECVEAT_ENTER] = {"execveat_enter",
			  "syscalls",
			  "sys_enter_execveat",
			  {"filename", "argv"},
			  FEATURE(IMAGE_ARGV),
			  ALWAYS,
			  ENTER_MAPS,
			  3,
			  false,
			  prog_execveat_enter},
    [P_EXECVEAT_EXIT] = {"execveat_exit",
			 "syscalls",
			 "sys_exit_execveat",
			 {"ret"},
			 FEATURE(PPID) | FEATURE(IMAGE_ARGV),
			 ALWAYS,
			 EXIT_MAPS,
			 2,
			 false,
			 prog_exec_exit},
    [P_FORK] = {"fork",
		"sched",
		"sched_process_fork",
		{"child_pid"},
		0,
		KF_PPID,
		MAPS(FORKS),
		0,
		false,
		prog_fork},
};

const struct map_def map_defs[MAP_ID_COUNT] = {
    [MAP_ID_EVENTS] = {MAP_EVENTS, BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 0, 1},
    [MAP_ID_SCRATCH] = {MAP_SCRATCH, BPF_MAP_TYPE_PERCPU_ARRAY, 4, SCRATCH_SIZE, 1, 0},
    [MAP_ID_RECORD] = {MAP_RECORD, BPF_MAP_TYPE_PERCPU_ARRAY, 4, RECORD_SIZE, 1, 0},
    /* Execs in flight between entry and exit, per thread. LRU: when full, the oldest
     * entry goes, so that nobody can fill it and blind the tracer. */
    /* Each CPU its own LRU list: a shared one hands free slots to CPUs in batches of 128 and
     * then evicts live entries long before the map is full. */
    [MAP_ID_INFLIGHT] = {MAP_INFLIGHT, BPF_MAP_TYPE_LRU_HASH, 4, sizeof(struct inflight), 4096, 256,
			 BPF_F_NO_COMMON_LRU},
    [MAP_ID_ARGSTASH] = {MAP_ARGSTASH, BPF_MAP_TYPE_LRU_HASH, 4, sizeof(struct argstash), 128, 16,
			 BPF_F_NO_COMMON_LRU},
    /* mmapable, so that the reader needs no bpf() call (nor privilege) to read it */
    [MAP_ID_STATS] = {MAP_STATS, BPF_MAP_TYPE_ARRAY, 4, 8 * MS_STAT_MAX, 1, 0, BPF_F_MMAPABLE},
    [MAP_ID_CGROUP] = {MAP_CGROUP, BPF_MAP_TYPE_CGROUP_ARRAY, 4, 4, 1, 0},
    [MAP_ID_FORKS] = {MAP_FORKS, BPF_MAP_TYPE_LRU_HASH, 4, 4, 16384, 0},
};

const struct kmember_def kmember_defs[KM_COUNT] = {
    [KM_TASK_REAL_PARENT] = {"task_struct", "real_parent"},
    [KM_TASK_TGID] = {"task_struct", "tgid"},
    [KM_TASK_MM] = {"task_struct", "mm"},
    [KM_MM_ARG_START] = {"mm_struct", "arg_start"},
    [KM_MM_ARG_END] = {"mm_struct", "arg_end"},
};

const struct kfeature_def kfeature_defs[KF_COUNT] = {
    [KF_PPID] = {"ppid", 1u << KM_TASK_REAL_PARENT | 1u << KM_TASK_TGID,
		 "ppid from fork tracking (exact for processes started after minisnoop)"},
    [KF_IMAGE_ARGV] = {"argv from the new image",
		       1u << KM_TASK_MM | 1u << KM_MM_ARG_START | 1u << KM_MM_ARG_END,
		       "successful execs show argv as their syscall's entry read it; execs the "
		       "kernel or a 32-bit program starts show none"},
};
