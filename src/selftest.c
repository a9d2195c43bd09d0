// SPDX-License-Identifier: MIT
/* The canary exec: what the programs report compared with what really happened. */
#include "fmt.h"
#include "selftest.h"

#include "event.h"
#include "perf_ring.h"
#include "progset.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CANARY_MISSING "/nonexistent/minisnoop-canary"
#define CANARY_PATH    "/proc/self/exe"
#define LONG_ARG       3000

struct canary {
	char *argv[7];
	char text[64 + LONG_ARG]; /* the arguments, written here so that their pages are in */
	pid_t pid;
	int seen;      /* 1: the failed exec, 2: the successful one */
	char why[256]; /* the first difference */
};

/* A space, an empty string, bytes that are not UTF-8 (and a control byte), a long one. */
static void canary_init(struct canary *c)
{
	static const char *const fixed[] = {CANARY_ARGV0, "a b", "", "\xff\xc0 \x01"};
	char *t = c->text;

	for (size_t k = 0; k < 4; k++) {
		c->argv[k] = t;
		t = stpcpy(t, fixed[k]) + 1;
	}
	c->argv[4] = t;
	memset(t, 'L', LONG_ARG);
	t[LONG_ARG] = 0;
	c->argv[5] = c->argv[1];
	c->argv[6] = NULL;
	c->seen = 0;
	c->why[0] = 0;
}

static void differ(struct canary *c, const char *fmt, long got, long want)
{
	if (!c->why[0])
		ms_snprintf(c->why, sizeof(c->why), fmt, got, want);
}

static void note(struct canary *c, const char *what)
{
	if (!c->why[0])
		ms_snprintf(c->why, sizeof(c->why), "%s", what);
}

/* One canary event against the truth; the first difference goes to c->why. */
static void compare(struct canary *c, const struct ev_view *v, bool failed)
{
	const char *path = failed ? CANARY_MISSING : CANARY_PATH;
	unsigned k;

	if (v->hdr.ppid != (uint32_t)getpid())
		differ(c, "ppid %ld, really %ld", (long)v->hdr.ppid, (long)getpid());
	if (v->hdr.uid != (uint32_t)getuid())
		differ(c, "uid %ld, really %ld", (long)v->hdr.uid, (long)getuid());
	if (v->hdr.ret != (failed ? -ENOENT : 0))
		differ(c, "ret %ld, really %ld", (long)v->hdr.ret, failed ? -ENOENT : 0);
	if (v->filename_len != strlen(path) || memcmp(v->filename, path, v->filename_len))
		differ(c, "path of %ld bytes, really %ld", (long)v->filename_len,
		       (long)strlen(path));
	if (v->argc != 6)
		differ(c, "%ld arguments, really %ld", (long)v->argc, 6);
	for (k = 0; k < v->argc && k < 6; k++)
		if (v->arg_len[k] != strlen(c->argv[k]) ||
		    memcmp(v->args[k], c->argv[k], v->arg_len[k]))
			differ(c, "argument %ld differs (%ld bytes)", (long)k, (long)v->arg_len[k]);
	if (v->truncated)
		note(c, "marked truncated");
}

static int on_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct canary *c = ctx;
	struct ev_view v;
	bool failed;

	(void)cpu;
	if (ev_decode(data, size, EV_MAX_ARGS_LIM, &v) || v.hdr.pid != (uint32_t)c->pid)
		return 0;
	failed = v.hdr.ret != 0;
	if (c->seen & (failed ? 1 : 2))
		note(c, failed ? "the failed exec reported twice" : "the exec reported twice");
	c->seen |= failed ? 1 : 2;
	compare(c, &v, failed);
	return 0;
}

static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	(void)cpu;
	differ(ctx, "%ld events lost (of %ld)", (long)lost, 2);
}

static void touch_args(const struct canary *c)
{
	static const char *const paths[] = {CANARY_MISSING, CANARY_PATH};
	volatile char sink = 0;

	/* the failed exec's path too: its entry reads it before the kernel faults it in */
	for (size_t k = 0; k < 2; k++)
		for (const char *p = paths[k]; *p; p++)
			sink ^= *p;
	for (size_t k = 0; c->argv[k]; k++)
		for (const char *p = c->argv[k]; *p; p++)
			sink ^= *p;
	(void)sink;
}

/* The child: waits for the go, then the two execs, quietly. */
static pid_t start_canary(struct canary *c, int *go)
{
	static char *envp[] = {"MINISNOOP_CANARY=1", NULL};
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid == 0) {
		char b;
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		close(fds[1]);
		if (read(fds[0], &b, 1) != 1)
			_exit(126);
		dup2(null, 1);
		dup2(null, 2);
		/* Touch the paths and arguments here, after fork: a CPU that sets the accessed bit
		 * only through a fault (ARM under qemu) leaves them unreadable to BPF otherwise,
		 * and a missing program is refused before the kernel reads them. */
		touch_args(c);
		execve(CANARY_MISSING, c->argv, envp);
		execve(CANARY_PATH, c->argv, envp);
		_exit(127);
	}
	close(fds[0]);
	if (pid < 0) {
		close(fds[1]);
		return -errno;
	}
	*go = fds[1];
	return pid;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Reads the rings until both canary events came, or 3 s. */
static void watch(struct canary *c, struct perf_ring *rings, int nr)
{
	uint64_t until = now_ms() + 3000;

	while (c->seen != 3 && now_ms() < until) {
		usleep(2000);
		for (int k = 0; k < nr; k++)
			if (perf_ring_consume(&rings[k], on_sample, on_lost, c) < 0)
				differ(c, "CPU %ld's ring is corrupt (%ld)", rings[k].cpu, 0);
	}
}

static int run_canary(struct canary *c, struct perf_ring *rings, int nr, char *msg, size_t n)
{
	int go = -1, status = 0;

	c->pid = start_canary(c, &go);
	if (c->pid < 0) {
		ms_snprintf(msg, n, "starting the canary: %s", strerror(-c->pid));
		return c->pid;
	}
	if (write(go, "g", 1) != 1)
		note(c, "could not start the canary");
	close(go);
	watch(c, rings, nr);
	waitpid(c->pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		differ(c, "the canary did not run (wait status %ld, want %ld)", status, 0);
	if (!(c->seen & 1))
		note(c, "the failed exec was not reported");
	if (!(c->seen & 2))
		note(c, "the successful exec was not reported");
	if (c->why[0]) {
		ms_snprintf(msg, n, "canary exec misreported: %s", c->why);
		return -EPROTO;
	}
	ms_snprintf(msg, n, "a canary's failed and successful exec reported exactly (pid %d)",
		    (int)c->pid);
	return 0;
}

int selftest_run(const struct kernel_layout *k, struct progset *ps, char *msg, size_t n)
{
	static const struct prog_opts opts = {.max_args = EV_MAX_ARGS_DEF};
	struct canary *c = calloc(1, sizeof(*c));
	struct perf_ring *rings = NULL;
	int nr = 0, r;

	if (!c)
		return -ENOMEM;
	canary_init(c);
	r = progset_build(ps, &opts, k, false, msg, n);
	if (!r)
		r = progset_load(ps, &(struct load_opts){0}, msg, n);
	if (!r)
		r = progset_open_rings(ps, 16, &rings, &nr, msg, n);
	if (!r)
		r = progset_attach(ps, msg, n);
	if (!r)
		r = run_canary(c, rings, nr, msg, n);
	for (int i = 0; i < nr; i++)
		perf_ring_close(&rings[i]);
	free(rings);
	free(c);
	return r;
}
