/* SPDX-License-Identifier: MIT */
/*
 * Subtrees (issue 17): --tree PID, --exclude-tree PID and -- COMMAND. The kernel keeps the map
 * (insns/fork.c); here it is seeded from /proc at start, and COMMAND is started once tracing
 * is.
 */
#ifndef MINISNOOP_TREE_H
#define MINISNOOP_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TREE_PIDS_MAX 16 /* --tree and --exclude-tree: each at most this many times */

struct tree_opts {
	uint32_t in[TREE_PIDS_MAX], out[TREE_PIDS_MAX]; /* --tree, --exclude-tree: tgids */
	unsigned nin, nout;
	char **cmd; /* -- COMMAND [ARGS...], NULL-terminated; NULL: none */
};

#ifdef MINISNOOP_TINY
/* make tiny has no subtrees (src/tree.c is not linked; the options are refused): none to
 * seed, no COMMAND to start. */
struct tree_cmd {
	pid_t pid; /* always 0 */
	int go;
};
static inline int tree_seed(int map_fd, const struct tree_opts *t, char *err, size_t n)
{
	(void)map_fd, (void)t, (void)err, (void)n;
	return 0;
}
static inline int tree_cmd_find(struct tree_cmd *c, const char *name)
{
	(void)c, (void)name;
	return 0;
}
static inline int tree_cmd_spawn(struct tree_cmd *c, char **argv)
{
	(void)c, (void)argv;
	return 0;
}
static inline int tree_cmd_release(struct tree_cmd *c, const char *name)
{
	(void)c, (void)name;
	return 0;
}
static inline void tree_cmd_abort(struct tree_cmd *c)
{
	(void)c;
}
static inline int tree_exit_status(int wstatus)
{
	return wstatus;
}
#else
/* The ppid in the text of a /proc/PID/stat (n bytes, not NUL-terminated): 0, or -EINVAL
 * when it is not one. */
int tree_stat_ppid(const char *buf, size_t n, uint32_t *ppid);

/* The process (tgid) of pid, from /proc/PID/status (a thread's id gives its process's):
 * 0 or -errno (-ESRCH: no such process). */
int tree_tgid(uint32_t pid, uint32_t *tgid);

/* Marks the subtrees in the kernel's map (TREE_IN under --tree, TREE_OUT under --exclude-tree,
 * which wins), from /proc, again until a pass finds nothing new (processes forked meanwhile
 * whose parent was not marked yet). 0, or -errno with err set. */
int tree_seed(int map_fd, const struct tree_opts *t, char *err, size_t n);

/* -- COMMAND: a child forked at start that execs COMMAND only once released. */
struct tree_cmd {
	pid_t pid;	 /* 0: none */
	int go, failed;	 /* the release pipe's write end; the exec error pipe's read end */
	char path[4096]; /* COMMAND found in PATH */
};

/* COMMAND's path as a shell finds it (a name with a slash as it is, else in $PATH): 0, or
 * 127 (not found) or 126 (not executable) after saying so. */
int tree_cmd_find(struct tree_cmd *c, const char *name);
/* Forks the child, which waits for tree_cmd_release(). 0 or -errno. */
int tree_cmd_spawn(struct tree_cmd *c, char **argv);
/* Lets it exec; 0, or -errno (an exec that failed, said with COMMAND's name). */
int tree_cmd_release(struct tree_cmd *c, const char *name);
/* Ends a child never released (start failed) and reaps it. */
void tree_cmd_abort(struct tree_cmd *c);
/* A wait status as a shell's $?: the code, or 128 + the signal. */
int tree_exit_status(int wstatus);
#endif

#endif
