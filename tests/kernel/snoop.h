/* SPDX-License-Identifier: MIT */
/*
 * How a kernel test is written (the model: rows[] and run_row() in test_trace.c). A case is a
 * ROW of a static table holding only what varies: minisnoop's flags, the WORKLOAD (a function
 * that runs our processes and records, for each, the event minisnoop must print, or that it
 * must print none) and any CHECK beyond those events. One RUNNER takes the row from cmocka's
 * state, starts minisnoop and waits for its "tracing" line, runs the workload, waits for the
 * recorded events, stops minisnoop, has run_python() check its JSON with the file's .py
 * checker (trace_events.py; the shared part is snoop_json.py) and compares. main() makes each
 * row its own cmocka test (initial_state = the row, setup/teardown below), calls snoop_init()
 * and runs the group with group_setup/group_teardown. A case that fits no row (bad flags,
 * subcommands, privileges) is a plain test function on the same helpers.
 *
 * What the tests share (snoop.c): running build/minisnoop as a user would (fork/exec, stdout
 * and stderr on pipes), our own processes (killed and reaped with timeouts even when a test
 * fails), python3 as the JSON checker, the skips when not root or without bpf(), the scratch
 * directory and the cmocka fixtures.
 */
#ifndef MINISNOOP_TESTS_KERNEL_SNOOP_H
#define MINISNOOP_TESTS_KERNEL_SNOOP_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <grp.h>
#include <limits.h>
#include <linux/bpf.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_MS 10000 /* how long minisnoop may take to exit */

/* ---------------------------------------------------------------------------------------- */
/* Set-up: main() calls snoop_init() before cmocka_run_group_tests_name(..., group_setup,    */
/* group_teardown), and registers each test with setup and teardown.                         */

/*
 * watchdog_s: seconds a test may take (SIGALRM ends the run after that); scratch_prefix:
 * the scratch directory's name up to its random tail ("/tmp/minisnoop-x."); cleanup: the
 * file's own, run before and after each test, which calls snoop_cleanup() and ends what its
 * tests made (NULL: snoop_cleanup alone).
 */
void snoop_init(unsigned watchdog_s, const char *scratch_prefix, void (*cleanup)(void));
/* Whether the minisnoop under test is make tiny's (its --help says "minisnoop-tiny"): the
 * tracer alone, without the fields of what it leaves out (container, pod). Asked once. */
bool snoop_tiny(void);

/* Drops the tests whose names match a glob of MINISNOOP_TEST_EXCLUDE (space-separated: what
 * a build leaves out, make test-tiny); returns how many are left. */
size_t snoop_exclude(struct CMUnitTest *tests, size_t n);
/* Skips, in the binary's words, when the minisnoop under test is a build without command
 * cmd (make tiny: "minisnoop: verify is not in this build (minisnoop-tiny)", exit 2). */
void skip_unless_built(const char *cmd);
int setup(void **state);
int teardown(void **state);
int group_setup(void **state);
int group_teardown(void **state);

/* Kills and reaps every minisnoop run and child, removes g_cgdir. */
void snoop_cleanup(void);

extern char g_bin[PATH_MAX];	     /* the minisnoop binary, "" if not found */
extern char g_python[PATH_MAX + 64]; /* python3, "" if not found */
extern char g_skip[256];	     /* why kernel tests cannot run here, "" if they can */
extern char g_tmpdir[256];	     /* scratch files of this run (its real path) */
extern char g_comm[32];		     /* our comm, which forked children keep until they exec */
extern char g_cgdir[PATH_MAX + 64];  /* a cgroup made by a test, removed in cleanup */
extern pid_t g_self;
extern char *const g_envp[]; /* what our children exec with */

/* Skips the test, saying why (printf-style). */
#define SKIP(...)                                                                                  \
	do {                                                                                       \
		print_message("[  SKIP    ] " __VA_ARGS__);                                        \
		print_message("\n");                                                               \
		skip();                                                                            \
	} while (0)

/* Skips (with the reason) when the kernel tests cannot run; fails without the binary. */
#define REQUIRE_KERNEL()                                                                           \
	do {                                                                                       \
		if (g_skip[0])                                                                     \
			SKIP("%s", g_skip);                                                        \
		if (!g_bin[0])                                                                     \
			fail_msg("minisnoop binary not found: run make first (or set "             \
				 "MINISNOOP_BIN)");                                                \
	} while (0)

/* REQUIRE_KERNEL, and skips without python3 (tools/deps.sh test installs it). */
#define REQUIRE_PYTHON()                                                                           \
	do {                                                                                       \
		REQUIRE_KERNEL();                                                                  \
		if (!g_python[0])                                                                  \
			SKIP("python3 not found (tools/deps.sh test installs it; "                 \
			     "MINISNOOP_PYTHON overrides)");                                       \
	} while (0)

/* The scratch directory of this run (its real path), made when first needed. */
const char *tmpdir(void);

/* ---------------------------------------------------------------------------------------- */
/* Small things                                                                             */

uint64_t now_ms(void);
/* A string no other process on the system passes to exec. */
const char *marker(char *buf, size_t n, const char *what);
/* close_range(2), or a loop on kernels before 5.9. */
void close_fds(unsigned first, unsigned last);
/* Closes every fd >= 3 except the n in keep (sorted here; -1 entries ignored). In forked
 * children. */
void close_fds_keep(int *keep, int n);
/* The first cgroup2 mount in /proc/mounts, or false. */
bool cgroup2_mount(char *out, size_t n);
/* n bytes cycling through the 26 characters from first on (malloc'd, NUL-terminated). */
char *pattern(size_t n, char first);

/* Growing byte buffers (always NUL-terminated). */
struct buf {
	char *p;
	size_t len, cap;
};

void buf_add(struct buf *b, const void *d, size_t n);
void buf_free(struct buf *b);
bool buf_has(const struct buf *b, const char *needle);
const char *buf_str(const struct buf *b);
/* Reads fd to its end (a FIFO whose writer is gone, a /proc file) into b. */
void read_to_end(int fd, struct buf *b);

/* ---------------------------------------------------------------------------------------- */
/* minisnoop runs (in static slots: a failed assertion leaves the test's stack behind)      */

struct snoop {
	bool used;
	pid_t pid;
	int out_fd, err_fd; /* -1 once at EOF or closed */
	struct buf out, err;
	bool reaped;
	int status;
};

struct start_opts {
	void (*pre_exec)(void); /* runs in the child before exec */
	const char *no_btf_env; /* MINISNOOP_NO_BTF value, NULL: unset */
};

/* Starts minisnoop with args (not waiting for anything). */
struct snoop *snoop_spawn(const char *const *args, const struct start_opts *o);
/* Starts minisnoop and waits until it says it is tracing. */
struct snoop *snoop_start_opts(const char *const *args, const struct start_opts *o);
struct snoop *snoop_start(const char *const *args);
/* Reads what is there (waiting up to timeout_ms); false once both pipes are at EOF. */
bool pump(struct snoop *s, int timeout_ms);
bool snoop_exited(struct snoop *s);
/* Its stderr holds the whole "minisnoop: tracing" line. */
bool tracing_line_seen(const struct snoop *s);
/* Reads both pipes to EOF and reaps, within timeout_ms; SIGKILL after that. Returns the wait
 * status, or -1 when it had to be killed. */
int snoop_finish(struct snoop *s, int timeout_ms);
void expect_exit0(const struct snoop *s, const char *what);
/* Ends it with sig, collects everything, expects exit status 0. */
void snoop_stop(struct snoop *s, int sig);
/* Waits until a JSON event of each pid was printed (or the timeout). */
bool snoop_wait_pids(struct snoop *s, const pid_t *pids, int n, int timeout_ms);
/* Waits until needle was printed (or the timeout). */
bool snoop_wait_out(struct snoop *s, const char *needle, int timeout_ms);
/* One run killed (unless reaped), its pipes closed and its slot freed: for a test that
 * starts more runs than there are slots (8). */
void snoop_release(struct snoop *s);
/* Runs minisnoop with args to its end (for subcommands and bad flags). */
struct snoop *run_minisnoop(const char *const *args, int timeout_ms);

/* ---------------------------------------------------------------------------------------- */
/* Our own processes                                                                        */

void kid_add(pid_t pid);
/* Reaps pid within 10 s (SIGKILL and fail after that); returns its wait status. */
int kid_wait(pid_t pid);
/* Forks a child that runs fn(arg) (which execs or _exits) with only the nkeep fds of keep
 * open (-1 entries ignored), stdin and stdout on /dev/null, stderr ours. */
pid_t kid_fork(void (*fn)(void *), void *arg, const int *keep, int nkeep);
/*
 * A forked child does not have the parent's file-backed pages (string literals in .rodata)
 * in its page tables until it touches them, and BPF cannot fault them in at
 * sys_enter_execve. Children read their strings first so that tests test what they are
 * about (test_trace's test_exec_strings_not_faulted_in covers the other case on purpose).
 */
void touch_strings(const char *path, char *const *argv);
/* In a forked child: waits for a byte on gate_fd (when >= 0), then closes it; _exit(121)
 * when none comes. */
void gate_wait(int gate_fd);
/* In a forked child: no supplementary groups, and real, effective and saved uid and gid all
 * uid; false (errno set) when that fails. */
bool become(long uid);
/* Why uid 65534 cannot run /bin/true here (a chroot whose "/" is 0700), or NULL. */
const char *nobody_cannot_exec(void);
/* Skips a test whose unprivileged processes could not exec here, saying why. */
#define REQUIRE_NOBODY()                                                                           \
	do {                                                                                       \
		const char *why_ = nobody_cannot_exec();                                           \
		if (why_)                                                                          \
			SKIP("uid 65534 cannot exec here: %s", why_);                              \
	} while (0)
/* In a forked child: setns(2) into pid's mount namespace, keeping pid's root (setns alone
 * moves to the namespace's top, which is not pid's root when the tests run chrooted). */
bool enter_mntns(pid_t pid);

/* ---------------------------------------------------------------------------------------- */
/* JSON through python3's parser                                                            */

struct bytes {
	unsigned char *p;
	size_t n;
};

/* "xHEX" (len chars) to bytes (malloc'd); fails on anything else. */
struct bytes unhex_n(const char *tok, size_t len);
/* A whole token (NULL when the line was short) to bytes. */
struct bytes unhex(const char *tok);
/*
 * Runs the checker tests/kernel/<script> (which imports snoop_json.py) on data, with keys
 * (when not NULL) as its argument; fails when it rejects the output (its message is on our
 * stderr). Each line it printed is "EV" and words: add gets the words.
 */
void run_python(const char *script, const char *keys, const struct buf *data,
		void (*add)(char *words));

#endif
