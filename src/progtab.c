// SPDX-License-Identifier: MIT
/* The declarations: one entry per program, map, struct member and feature. */
#include "progtab.h"

#include <string.h>

#define FILTER_MAPS (MAPS(CGROUP) | MAPS(CONTAINERS) | MAPS(TREE)) /* and tree_filter's */
#define OUT_MAPS    (MAPS(EVENTS) | MAPS(RECORD) | MAPS(STATS) | FILTER_MAPS | MAPS(FORKS))
#define TID_MAPS    (MAPS(INFLIGHT) | MAPS(EXECPATH)) /* an exec's, from enter to exit */
#define ENTER_MAPS  (TID_MAPS | MAPS(SCRATCH) | MAPS(ARGSTASH) | MAPS(STATS) | FILTER_MAPS)
#define EXIT_MAPS   (OUT_MAPS | TID_MAPS | MAPS(SCRATCH) | MAPS(ARGSTASH))

/* --exit's programs are not in make tiny (insns/exit.c is not linked): never loaded there,
 * prog_opts.exits being constant (insns.h) */
#ifdef MINISNOOP_TINY
#define FULL_ONLY(emit) NULL
#else
#define FULL_ONLY(emit) emit
#endif

/* Attached in rank order: fork tracking first, so that no fork slips between it and the exec
 * programs; then whatever reads or drops in-flight state before what writes it. */
const struct prog_def prog_defs[P_COUNT] = {
    [P_EXEC] = {.name = "exec",
		.tp_category = "sched",
		.tp_event = "sched_process_exec",
		.fields = {"filename", "old_pid"},
		.features = FEATURE(PPID) | FEATURE(IMAGE_ARGV) | FEATURE(IDS),
		.unless_feature = ALWAYS,
		.maps = OUT_MAPS | MAPS(INFLIGHT) | MAPS(ARGSTASH) | MAPS(IMAGES),
		.attach_rank = 1,
		.successes = true,
		.emit = prog_exec},
    [P_EXECVE_ENTER] = {.name = "execve_enter",
			.tp_category = "syscalls",
			.tp_event = "sys_enter_execve",
			.fields = {"filename", "argv"},
			.features = FEATURE(IMAGE_ARGV),
			.unless_feature = ALWAYS,
			.maps = ENTER_MAPS,
			.attach_rank = 3,
			.successes = false,
			.emit = prog_execve_enter},
    [P_EXECVE_EXIT] = {.name = "execve_exit",
		       .tp_category = "syscalls",
		       .tp_event = "sys_exit_execve",
		       .fields = {"ret"},
		       .features = FEATURE(PPID) | FEATURE(IMAGE_ARGV) | FEATURE(IDS),
		       .unless_feature = ALWAYS,
		       .maps = EXIT_MAPS,
		       .attach_rank = 2,
		       .successes = false,
		       .emit = prog_exec_exit},
    [P_EXECVEAT_ENTER] = {.name = "execveat_enter",
			  .tp_category = "syscalls",
			  .tp_event = "sys_enter_execveat",
			  .fields = {"filename", "argv"},
			  .features = FEATURE(IMAGE_ARGV),
			  .unless_feature = ALWAYS,
			  .maps = ENTER_MAPS,
			  .attach_rank = 3,
			  .successes = false,
			  .emit = prog_execveat_enter},
    [P_EXECVEAT_EXIT] = {.name = "execveat_exit",
			 .tp_category = "syscalls",
			 .tp_event = "sys_exit_execveat",
			 .fields = {"ret"},
			 .features = FEATURE(PPID) | FEATURE(IMAGE_ARGV) | FEATURE(IDS),
			 .unless_feature = ALWAYS,
			 .maps = EXIT_MAPS,
			 .attach_rank = 2,
			 .successes = false,
			 .emit = prog_exec_exit},
    [P_FORK] = {.name = "fork",
		.tp_category = "sched",
		.tp_event = "sched_process_fork",
		.fields = {"child_pid"},
		.features = FEATURE(FORKS),
		.unless_feature = KF_PPID,
		.maps = MAPS(FORKS) | MAPS(EVENTS) | MAPS(TREE) | MAPS(STATS),
		.attach_rank = 0,
		.successes = false,
		.emit = prog_fork,
		.forks = true,
		.trees = true},
    /* Every syscall's entry and exit, for execs through the 32-bit entry. */
    [P_COMPAT_ENTER] = {.name = "compat_enter",
			.tp_category = "raw_syscalls",
			.tp_event = "sys_enter",
			.fields = {"id"},
			.features = FEATURE(COMPAT),
			.unless_feature = ALWAYS,
			.maps = TID_MAPS | MAPS(STATS) | MAPS(TREE),
			.attach_rank = 3,
			.successes = false,
			.emit = prog_compat_enter,
			.compat = true},
    [P_COMPAT_EXIT] = {.name = "compat_exit",
		       .tp_category = "raw_syscalls",
		       .tp_event = "sys_exit",
		       .fields = {"ret", "id"},
		       .features =
			   FEATURE(PPID) | FEATURE(IMAGE_ARGV) | FEATURE(COMPAT) | FEATURE(IDS),
		       .unless_feature = ALWAYS,
		       .maps = EXIT_MAPS,
		       .attach_rank = 2,
		       .successes = false,
		       .emit = prog_compat_exit,
		       .compat = true},
    /* --exit (issue 17): one record when a process ends; attached before the exec programs,
     * so that an exec's image start is never left behind by an exit not yet watched. */
    [P_EXIT] = {.name = "exit",
		.tp_category = "sched",
		.tp_event = "sched_process_exit",
		.fields = {"?group_dead"},
		.features = FEATURE(PPID) | FEATURE(IDS) | FEATURE(EXIT) | FEATURE(EXIT_OLD),
		.unless_feature = ALWAYS,
		.maps = MAPS(EVENTS) | MAPS(STATS) | MAPS(CGROUP) | MAPS(FORKS) | MAPS(IMAGES) |
			MAPS(EXITCODES) | MAPS(TREE),
		.attach_rank = 0,
		.successes = false,
		.emit = FULL_ONLY(prog_exit),
		.exits = true,
		.trees = true},
    [P_EXIT_GROUP] = {.name = "exit_group",
		      .tp_category = "syscalls",
		      .tp_event = "sys_enter_exit_group",
		      .fields = {"error_code"},
		      .features = 0,
		      .unless_feature = KF_EXIT,
		      .maps = MAPS(EXITCODES),
		      .attach_rank = 0,
		      .successes = false,
		      .emit = FULL_ONLY(prog_exit_group),
		      .exits = true},
};

const struct map_def map_defs[MAP_ID_COUNT] = {
    [MAP_ID_EVENTS] = {.name = MAP_EVENTS,
		       .type = BPF_MAP_TYPE_PERF_EVENT_ARRAY,
		       .key_size = 4,
		       .value_size = 4,
		       .entries = 0,
		       .per_cpu = 1},
    [MAP_ID_SCRATCH] = {.name = MAP_SCRATCH,
			.type = BPF_MAP_TYPE_PERCPU_ARRAY,
			.key_size = 4,
			.value_size = SCRATCH_SIZE,
			.entries = 1},
    /* one value per CPU, indexed by CPU: a per-CPU array's values are at most 32 KiB */
    [MAP_ID_RECORD] = {.name = MAP_RECORD,
		       .type = BPF_MAP_TYPE_ARRAY,
		       .key_size = 4,
		       .value_size = RECORD_SIZE,
		       .entries = 1,
		       .per_cpu = 1},
    /* Execs in flight between entry and exit, per thread. LRU: when full, the oldest
     * entry goes, so that nobody can fill it and blind the tracer. */
    /* Each CPU its own LRU list: a shared one hands free slots to CPUs in batches of 128 and
     * then evicts live entries long before the map is full. */
    [MAP_ID_INFLIGHT] = {.name = MAP_INFLIGHT,
			 .type = BPF_MAP_TYPE_LRU_HASH,
			 .key_size = 4,
			 .value_size = sizeof(struct inflight),
			 .entries = 4096,
			 .per_cpu = 256,
			 .flags = BPF_F_NO_COMMON_LRU},
    [MAP_ID_ARGSTASH] = {.name = MAP_ARGSTASH,
			 .type = BPF_MAP_TYPE_LRU_HASH,
			 .key_size = 4,
			 .value_size = sizeof(struct argstash),
			 .entries = 128,
			 .per_cpu = 16,
			 .flags = BPF_F_NO_COMMON_LRU},
    /* EXECPATH_SLOTS a CPU, 4 KiB each */
    [MAP_ID_EXECPATH] = {.name = MAP_EXECPATH,
			 .type = BPF_MAP_TYPE_ARRAY,
			 .key_size = 4,
			 .value_size = sizeof(struct execpath),
			 .entries = EXECPATH_SLOTS,
			 .per_cpu = EXECPATH_SLOTS},
    /* mmapable, so that the reader needs no bpf() call (nor privilege) to read it */
    [MAP_ID_STATS] = {.name = MAP_STATS,
		      .type = BPF_MAP_TYPE_ARRAY,
		      .key_size = 4,
		      .value_size = 8 * MS_STAT_MAX,
		      .entries = 1,
		      .flags = BPF_F_MMAPABLE},
    [MAP_ID_CGROUP] = {.name = MAP_CGROUP,
		       .type = BPF_MAP_TYPE_CGROUP_ARRAY,
		       .key_size = 4,
		       .value_size = 4,
		       .entries = 1},
    /* --container's cgroups, found in the tree at start; allocated as filled */
    [MAP_ID_CONTAINERS] = {.name = MAP_CONTAINERS,
			   .type = BPF_MAP_TYPE_HASH,
			   .key_size = 8,
			   .value_size = 4,
			   .entries = CONTAINER_CGROUPS_MAX,
			   .flags = BPF_F_NO_PREALLOC},
    [MAP_ID_FORKS] = {.name = MAP_FORKS,
		      .type = BPF_MAP_TYPE_LRU_HASH,
		      .key_size = 4,
		      .value_size = 4,
		      .entries = 16384},
    /* --exit: per process, from its exec to its exit; LRU, so that missed exits age out */
    [MAP_ID_IMAGES] = {.name = MAP_IMAGES,
		       .type = BPF_MAP_TYPE_LRU_HASH,
		       .key_size = 4,
		       .value_size = sizeof(struct image_start),
		       .entries = 16384},
    [MAP_ID_EXITCODES] = {.name = MAP_EXITCODES,
			  .type = BPF_MAP_TYPE_LRU_HASH,
			  .key_size = 4,
			  .value_size = 4,
			  .entries = 4096},
    /* subtrees: what is in (or out), by tgid; a full map is counted (MS_STAT_TREE_FULL) */
    [MAP_ID_TREE] = {.name = MAP_TREE,
		     .type = BPF_MAP_TYPE_HASH,
		     .key_size = 4,
		     .value_size = 4,
		     .entries = TREE_MAX,
		     .flags = BPF_F_NO_PREALLOC},
};

/* The types of the members below, and a member's other name: NUL-separated, named by index
 * (KT_*), so that a row is bytes, not pointers. */
#define KT_NAMES(X)                                                                                \
	X(KT_TASK_STRUCT, "task_struct")                                                           \
	X(KT_MM_STRUCT, "mm_struct")                                                               \
	X(KT_FILE, "file")                                                                         \
	X(KT_FS_STRUCT, "fs_struct")                                                               \
	X(KT_PATH, "path")                                                                         \
	X(KT_DENTRY, "dentry")                                                                     \
	X(KT_QSTR, "qstr")                                                                         \
	X(KT_HLIST_BL_NODE, "hlist_bl_node")                                                       \
	X(KT_MOUNT, "mount")                                                                       \
	X(KT_VFSMOUNT, "vfsmount")                                                                 \
	X(KT_CRED, "cred")                                                                         \
	X(KT_SIGNAL_STRUCT, "signal_struct")                                                       \
	X(KT_TTY_STRUCT, "tty_struct")                                                             \
	X(KT_NSPROXY, "nsproxy")                                                                   \
	X(KT_MNT_NAMESPACE, "mnt_namespace")                                                       \
	X(KT_NS_COMMON, "ns_common")                                                               \
	X(KT_PID, "pid")                                                                           \
	X(KT_UPID, "upid")                                                                         \
	X(KT_PID_NAMESPACE, "pid_namespace")                                                       \
	X(KT_CSS_SET, "css_set")                                                                   \
	X(KT_CGROUP, "cgroup")                                                                     \
	X(KT_KERNFS_NODE, "kernfs_node")                                                           \
	X(KT_THREAD_INFO, "thread_info")                                                           \
	X(KT_PARENT, "parent")
enum {
	KT_NONE,
#define X(id, s) id,
	KT_NAMES(X)
#undef X
};

static const char kt_names[] =
#define X(id, s) s "\0"
    KT_NAMES(X)
#undef X
    ;

const char *kmember_name(unsigned i)
{
	const char *s = kt_names;

	if (!i)
		return NULL;
	while (--i)
		s += strlen(s) + 1;
	return s;
}

const struct kmember_def kmember_defs[KM_COUNT] = {
    [KM_TASK_REAL_PARENT] = {.type = KT_TASK_STRUCT, .member = "real_parent"},
    [KM_TASK_TGID] = {.type = KT_TASK_STRUCT, .member = "tgid"},
    [KM_TASK_MM] = {.type = KT_TASK_STRUCT, .member = "mm"},
    [KM_MM_ARG_START] = {.type = KT_MM_STRUCT, .member = "arg_start"},
    [KM_MM_ARG_END] = {.type = KT_MM_STRUCT, .member = "arg_end"},
    [KM_MM_ENV_START] = {.type = KT_MM_STRUCT, .member = "env_start"},
    [KM_MM_ENV_END] = {.type = KT_MM_STRUCT, .member = "env_end"},
    [KM_MM_EXE_FILE] = {.type = KT_MM_STRUCT, .member = "exe_file"},
    [KM_FILE_PATH] = {.type = KT_FILE, .member = "f_path"},
    [KM_TASK_FS] = {.type = KT_TASK_STRUCT, .member = "fs"},
    [KM_FS_PWD] = {.type = KT_FS_STRUCT, .member = "pwd"},
    [KM_FS_ROOT] = {.type = KT_FS_STRUCT, .member = "root"},
    [KM_PATH_MNT] = {.type = KT_PATH, .member = "mnt"},
    [KM_PATH_DENTRY] = {.type = KT_PATH, .member = "dentry"},
    [KM_DENTRY_PARENT] = {.type = KT_DENTRY, .member = "d_parent"},
    [KM_DENTRY_NAME] = {.type = KT_DENTRY, .member = "d_name"},
    [KM_QSTR_NAME] = {.type = KT_QSTR, .member = "name"},
    [KM_DENTRY_HASH] = {.type = KT_DENTRY, .member = "d_hash"},
    [KM_HLIST_PPREV] = {.type = KT_HLIST_BL_NODE, .member = "pprev"},
    [KM_MOUNT_MNT] = {.type = KT_MOUNT, .member = "mnt"},
    [KM_MOUNT_PARENT] = {.type = KT_MOUNT, .member = "mnt_parent"},
    [KM_MOUNT_MOUNTPOINT] = {.type = KT_MOUNT, .member = "mnt_mountpoint"},
    [KM_VFSMOUNT_ROOT] = {.type = KT_VFSMOUNT, .member = "mnt_root"},
    [KM_TASK_COMM] = {.type = KT_TASK_STRUCT, .member = "comm"},
    [KM_TASK_CRED] = {.type = KT_TASK_STRUCT, .member = "cred"},
    [KM_CRED_EUID] = {.type = KT_CRED, .member = "euid"},
    [KM_CRED_EGID] = {.type = KT_CRED, .member = "egid"},
    [KM_TASK_LOGINUID] = {.type = KT_TASK_STRUCT, .member = "loginuid"},
    [KM_TASK_SESSIONID] = {.type = KT_TASK_STRUCT, .member = "sessionid"},
    [KM_TASK_SIGNAL] = {.type = KT_TASK_STRUCT, .member = "signal"},
    [KM_SIGNAL_TTY] = {.type = KT_SIGNAL_STRUCT, .member = "tty"},
    [KM_TTY_NAME] = {.type = KT_TTY_STRUCT, .member = "name"},
    [KM_TASK_NSPROXY] = {.type = KT_TASK_STRUCT, .member = "nsproxy"},
    [KM_NSPROXY_MNT_NS] = {.type = KT_NSPROXY, .member = "mnt_ns"},
    [KM_MNT_NS_NS] = {.type = KT_MNT_NAMESPACE, .member = "ns"},
    [KM_NS_INUM] = {.type = KT_NS_COMMON, .member = "inum"},
    [KM_TASK_THREAD_PID] = {.type = KT_TASK_STRUCT, .member = "thread_pid"},
    [KM_PID_LEVEL] = {.type = KT_PID, .member = "level"},
    [KM_PID_NUMBERS] = {.type = KT_PID, .member = "numbers"},
    [KM_UPID_NR] = {.type = KT_UPID, .member = "nr"},
    [KM_UPID_NS] = {.type = KT_UPID, .member = "ns"},
    [KM_PID_NS_NS] = {.type = KT_PID_NAMESPACE, .member = "ns"},
    [KM_TASK_CGROUPS] = {.type = KT_TASK_STRUCT, .member = "cgroups"},
    [KM_CSS_SET_DFL_CGRP] = {.type = KT_CSS_SET, .member = "dfl_cgrp"},
    [KM_CGROUP_KN] = {.type = KT_CGROUP, .member = "kn"},
    [KM_KERNFS_PARENT] = {.type = KT_KERNFS_NODE, .alt = KT_PARENT, .member = "__parent"},
    [KM_KERNFS_NAME] = {.type = KT_KERNFS_NODE, .member = "name"},
    [KM_TASK_THREAD_INFO] = {.type = KT_TASK_STRUCT, .member = "thread_info"},
    [KM_THREAD_INFO_STATUS] = {.type = KT_THREAD_INFO, .member = "status"},
    [KM_TASK_GROUP_LEADER] = {.type = KT_TASK_STRUCT, .member = "group_leader"},
    [KM_TASK_START_BOOTTIME] = {.type = KT_TASK_STRUCT, .member = "start_boottime"},
    [KM_TASK_EXIT_CODE] = {.type = KT_TASK_STRUCT, .member = "exit_code"},
    [KM_SIGNAL_GROUP_EXIT_CODE] = {.type = KT_SIGNAL_STRUCT, .member = "group_exit_code"},
    [KM_SIGNAL_LIVE] = {.type = KT_SIGNAL_STRUCT, .member = "live"},
    [KM_TASK_ACTIVE_MM] = {.type = KT_TASK_STRUCT, .member = "active_mm"},
    [KM_TASK_FLAGS] = {.type = KT_TASK_STRUCT, .member = "flags"},
    [KM_TASK_CHILDREN] = {.type = KT_TASK_STRUCT, .member = "children"},
    [KM_TASK_SIBLING] = {.type = KT_TASK_STRUCT, .member = "sibling"},
    [KM_TASK_PID] = {.type = KT_TASK_STRUCT, .member = "pid"},
};

#define KM_WALK                                                                                    \
	(KM(PATH_MNT) | KM(PATH_DENTRY) | KM(DENTRY_PARENT) | KM(DENTRY_NAME) | KM(QSTR_NAME) |    \
	 KM(DENTRY_HASH) | KM(HLIST_PPREV) | KM(MOUNT_MNT) | KM(MOUNT_PARENT) |                    \
	 KM(MOUNT_MOUNTPOINT) | KM(VFSMOUNT_ROOT))

/* A context feature says what is lost without it in fields.h's CTX_GROUPS. */
const struct kfeature_def kfeature_defs[KF_COUNT] = {
    [KF_PPID] = {.name = "ppid",
		 .members = KM(TASK_REAL_PARENT) | KM(TASK_TGID),
		 .without =
		     "ppid from fork tracking (exact for processes started after minisnoop)"},
    [KF_IMAGE_ARGV] = {.name = "argv from the new image",
		       .members = KM(TASK_MM) | KM(MM_ARG_START) | KM(MM_ARG_END),
		       .without = "successful execs show argv as their syscall's entry read it; "
				  "execs the kernel or a 32-bit program starts show none"},
    [KF_ENV] = {.name = "env", .members = KM(TASK_MM) | KM(MM_ENV_START) | KM(MM_ENV_END)},
    [KF_CWD] = {.name = "cwd", .members = KM(TASK_FS) | KM(FS_PWD) | KM(FS_ROOT) | KM_WALK},
    [KF_EXE] = {.name = "exe",
		.members = KM(TASK_MM) | KM(MM_EXE_FILE) | KM(FILE_PATH) | KM(TASK_FS) |
			   KM(FS_ROOT) | KM_WALK},
    [KF_PCOMM] = {.name = "pcomm", .members = KM(TASK_REAL_PARENT) | KM(TASK_COMM)},
    [KF_CREDS] = {.name = "euid, egid", .members = KM(TASK_CRED) | KM(CRED_EUID) | KM(CRED_EGID)},
    [KF_LOGIN] = {.name = "auid, session", .members = KM(TASK_LOGINUID) | KM(TASK_SESSIONID)},
    [KF_TTY] = {.name = "tty", .members = KM(TASK_SIGNAL) | KM(SIGNAL_TTY) | KM(TTY_NAME)},
    [KF_PIDNS] = {.name = "pidns, nspid",
		  .members = KM(TASK_THREAD_PID) | KM(PID_LEVEL) | KM(PID_NUMBERS) | KM(UPID_NR) |
			     KM(UPID_NS) | KM(PID_NS_NS) | KM(NS_INUM)},
    [KF_MNTNS] = {.name = "mntns",
		  .members = KM(TASK_NSPROXY) | KM(NSPROXY_MNT_NS) | KM(MNT_NS_NS) | KM(NS_INUM)},
    [KF_ROOT] = {.name = "root", .members = KM(TASK_FS) | KM(FS_ROOT) | KM_WALK},
    [KF_CGROUP] = {.name = "cgroup path",
		   .members = KM(TASK_CGROUPS) | KM(CSS_SET_DFL_CGRP) | KM(CGROUP_KN) |
			      KM(KERNFS_PARENT) | KM(KERNFS_NAME),
		   .without = "cgroup ids are named from the mounted cgroup2 trees when printed "
			      "(a cgroup removed by then, or hidden, is null)"},
    /* x86's: another arch's thread_info has no status, or not this one */
    [KF_COMPAT] = {.name = "32-bit entry",
		   .members = KM(TASK_THREAD_INFO) | KM(THREAD_INFO_STATUS),
		   .without = "failed execs through it are not seen, even with --compat"},
    [KF_IDS] = {.name = "id, parent_id, age",
		.members = KM(TASK_GROUP_LEADER) | KM(TASK_START_BOOTTIME) | KM(TASK_REAL_PARENT) |
			   KM(TASK_TGID) | KM(TASK_MM) | KM(MM_ARG_START)},
    [KF_EXIT] = {.name = "exit status",
		 .members = KM(TASK_SIGNAL) | KM(SIGNAL_GROUP_EXIT_CODE) | KM(TASK_EXIT_CODE),
		 .without =
		     FULL_ONLY("--exit: exit_code from exit_group()'s argument only; signal, "
			       "core and age are null")},
    [KF_EXIT_OLD] = {.name = "exit on older kernels",
		     .members = KM(TASK_SIGNAL) | KM(SIGNAL_LIVE) | KM(TASK_ACTIVE_MM) |
				KM(TASK_FLAGS) | KM(TASK_MM),
		     .without = FULL_ONLY("--exit where sched_process_exit has no group_dead: a "
					  "process's exit is its leader's")},
    [KF_FORKS] = {.name = "fork records",
		  .members = KM(TASK_CHILDREN) | KM(TASK_SIBLING) | KM(TASK_PID) |
			     KM(TASK_START_BOOTTIME) | KM(TASK_MM) | KM(MM_ARG_START),
		  .without = FULL_ONLY("-o ancestors: threads are taken for processes")},
};
