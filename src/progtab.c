// SPDX-License-Identifier: MIT
/* The declarations: one entry per program, map, struct member and feature. */
#include "progtab.h"

#define OUT_MAPS   (MAPS(EVENTS) | MAPS(RECORD) | MAPS(STATS) | MAPS(CGROUP) | MAPS(FORKS))
#define TID_MAPS   (MAPS(INFLIGHT) | MAPS(EXECPATH)) /* an exec's, from enter to exit */
#define ENTER_MAPS (TID_MAPS | MAPS(SCRATCH) | MAPS(ARGSTASH) | MAPS(STATS) | MAPS(CGROUP))
#define EXIT_MAPS  (OUT_MAPS | TID_MAPS | MAPS(SCRATCH) | MAPS(ARGSTASH))

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
    /* one value per CPU, indexed by CPU: a per-CPU array's values are at most 32 KiB */
    [MAP_ID_RECORD] = {MAP_RECORD, BPF_MAP_TYPE_ARRAY, 4, RECORD_SIZE, 1, 1},
    /* Execs in flight between entry and exit, per thread. LRU: when full, the oldest
     * entry goes, so that nobody can fill it and blind the tracer. */
    /* Each CPU its own LRU list: a shared one hands free slots to CPUs in batches of 128 and
     * then evicts live entries long before the map is full. */
    [MAP_ID_INFLIGHT] = {MAP_INFLIGHT, BPF_MAP_TYPE_LRU_HASH, 4, sizeof(struct inflight), 4096, 256,
			 BPF_F_NO_COMMON_LRU},
    [MAP_ID_ARGSTASH] = {MAP_ARGSTASH, BPF_MAP_TYPE_LRU_HASH, 4, sizeof(struct argstash), 128, 16,
			 BPF_F_NO_COMMON_LRU},
    /* EXECPATH_SLOTS a CPU, 4 KiB each */
    [MAP_ID_EXECPATH] = {MAP_EXECPATH, BPF_MAP_TYPE_ARRAY, 4, sizeof(struct execpath),
			 EXECPATH_SLOTS, EXECPATH_SLOTS},
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
    [KM_MM_ENV_START] = {"mm_struct", "env_start"},
    [KM_MM_ENV_END] = {"mm_struct", "env_end"},
    [KM_MM_EXE_FILE] = {"mm_struct", "exe_file"},
    [KM_FILE_PATH] = {"file", "f_path"},
    [KM_TASK_FS] = {"task_struct", "fs"},
    [KM_FS_PWD] = {"fs_struct", "pwd"},
    [KM_FS_ROOT] = {"fs_struct", "root"},
    [KM_PATH_MNT] = {"path", "mnt"},
    [KM_PATH_DENTRY] = {"path", "dentry"},
    [KM_DENTRY_PARENT] = {"dentry", "d_parent"},
    [KM_DENTRY_NAME] = {"dentry", "d_name"},
    [KM_QSTR_NAME] = {"qstr", "name"},
    [KM_DENTRY_HASH] = {"dentry", "d_hash"},
    [KM_HLIST_PPREV] = {"hlist_bl_node", "pprev"},
    [KM_MOUNT_MNT] = {"mount", "mnt"},
    [KM_MOUNT_PARENT] = {"mount", "mnt_parent"},
    [KM_MOUNT_MOUNTPOINT] = {"mount", "mnt_mountpoint"},
    [KM_VFSMOUNT_ROOT] = {"vfsmount", "mnt_root"},
    [KM_TASK_COMM] = {"task_struct", "comm"},
    [KM_TASK_CRED] = {"task_struct", "cred"},
    [KM_CRED_EUID] = {"cred", "euid"},
    [KM_CRED_EGID] = {"cred", "egid"},
    [KM_TASK_LOGINUID] = {"task_struct", "loginuid"},
    [KM_TASK_SESSIONID] = {"task_struct", "sessionid"},
    [KM_TASK_SIGNAL] = {"task_struct", "signal"},
    [KM_SIGNAL_TTY] = {"signal_struct", "tty"},
    [KM_TTY_NAME] = {"tty_struct", "name"},
    [KM_TASK_NSPROXY] = {"task_struct", "nsproxy"},
    [KM_NSPROXY_MNT_NS] = {"nsproxy", "mnt_ns"},
    [KM_MNT_NS_NS] = {"mnt_namespace", "ns"},
    [KM_NS_INUM] = {"ns_common", "inum"},
    [KM_TASK_THREAD_PID] = {"task_struct", "thread_pid"},
    [KM_PID_LEVEL] = {"pid", "level"},
    [KM_PID_NUMBERS] = {"pid", "numbers"},
    [KM_UPID_NR] = {"upid", "nr"},
    [KM_UPID_NS] = {"upid", "ns"},
    [KM_PID_NS_NS] = {"pid_namespace", "ns"},
};

#define KM_WALK                                                                                    \
	(KM(PATH_MNT) | KM(PATH_DENTRY) | KM(DENTRY_PARENT) | KM(DENTRY_NAME) | KM(QSTR_NAME) |    \
	 KM(DENTRY_HASH) | KM(HLIST_PPREV) | KM(MOUNT_MNT) | KM(MOUNT_PARENT) |                    \
	 KM(MOUNT_MOUNTPOINT) | KM(VFSMOUNT_ROOT))

const struct kfeature_def kfeature_defs[KF_COUNT] = {
    [KF_PPID] = {"ppid", KM(TASK_REAL_PARENT) | KM(TASK_TGID),
		 "ppid from fork tracking (exact for processes started after minisnoop)"},
    [KF_IMAGE_ARGV] = {"argv from the new image", KM(TASK_MM) | KM(MM_ARG_START) | KM(MM_ARG_END),
		       "successful execs show argv as their syscall's entry read it; execs the "
		       "kernel or a 32-bit program starts show none"},
    [KF_ENV] = {"env", KM(TASK_MM) | KM(MM_ENV_START) | KM(MM_ENV_END), "env is null"},
    [KF_CWD] = {"cwd", KM(TASK_FS) | KM(FS_PWD) | KM(FS_ROOT) | KM_WALK, "cwd is null"},
    [KF_EXE] = {"exe",
		KM(TASK_MM) | KM(MM_EXE_FILE) | KM(FILE_PATH) | KM(TASK_FS) | KM(FS_ROOT) | KM_WALK,
		"exe and fileless are null"},
    [KF_PCOMM] = {"pcomm", KM(TASK_REAL_PARENT) | KM(TASK_COMM), "pcomm is null"},
    [KF_CREDS] = {"euid, egid", KM(TASK_CRED) | KM(CRED_EUID) | KM(CRED_EGID),
		  "euid and egid are null"},
    [KF_LOGIN] = {"auid, session", KM(TASK_LOGINUID) | KM(TASK_SESSIONID),
		  "auid and session are null"},
    [KF_TTY] = {"tty", KM(TASK_SIGNAL) | KM(SIGNAL_TTY) | KM(TTY_NAME), "tty is null"},
    [KF_PIDNS] = {"pidns, nspid",
		  KM(TASK_THREAD_PID) | KM(PID_LEVEL) | KM(PID_NUMBERS) | KM(UPID_NR) |
		      KM(UPID_NS) | KM(PID_NS_NS) | KM(NS_INUM),
		  "pidns and nspid are null"},
    [KF_MNTNS] = {"mntns", KM(TASK_NSPROXY) | KM(NSPROXY_MNT_NS) | KM(MNT_NS_NS) | KM(NS_INUM),
		  "mntns is null"},
};
