// SPDX-License-Identifier: MIT
/*
 * The tracer end to end: start build/minisnoop as a user would (fork/exec, stdout and
 * stderr on pipes, wait for its "tracing" line), run our own processes with fork+execve
 * (exact argv, pids known from fork), and compare what it printed with what really
 * happened. JSON output goes through a real parser: python3's json module, which turns
 * every line into a normalized line (ids, ret, hex of each string's bytes, recovered with
 * surrogateescape) that is compared here byte for byte.
 *
 * Needs root and a usable bpf(); otherwise every test is skipped with the reason.
 * build/minisnoop must exist (make); MINISNOOP_BIN overrides where it is, MINISNOOP_PYTHON
 * which python3 is used. Every process started here is killed and reaped, with timeouts,
 * even when a test fails; a watchdog alarm ends the whole run if anything still hangs.
 * What this file shares with test_context.c is in snoop.h.
 */
#define TRUE_PATH      "/bin/true"
#define WAIT_EVENTS_MS 5000 /* how long an expected event may take to show up */
#define WATCHDOG_S     50   /* per test; SIGALRM ends the run if a test hangs */
#define SCRATCH_PREFIX "/tmp/minisnoop-test."

#include "snoop.h"

#include <pthread.h>
#include <regex.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

/* SPEC()/WANT() give defaults that the caller's designated initializers override. */
#pragma GCC diagnostic ignored "-Woverride-init"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

/* A FIFO's read end held by a test, closed in cleanup. */
static int g_fifo_rd = -1;

static int count_lines(const struct buf *b)
{
	int n = 0;

	for (size_t i = 0; i < b->len; i++)
		n += b->p[i] == '\n';
	return n;
}

/* ---------------------------------------------------------------------------------------- */
/* Our own processes                                                                        */

static void kid_expect_exit(pid_t pid, int code, const char *what)
{
	int st = kid_wait(pid);

	if (!WIFEXITED(st) || WEXITSTATUS(st) != code)
		fail_msg("%s (pid %d): wait status 0x%x, expected exit %d", what, (int)pid, st,
			 code);
}

enum exec_how { HOW_EXECVE, HOW_EXECVEAT_DIR, HOW_EXECVEAT_EMPTY };

struct exec_spec {
	const char *path; /* execve path; for execveat the name relative to dir */
	char *const *argv;
	enum exec_how how;
	const char *dir;    /* execveat: the directory (HOW_EXECVEAT_DIR) or the file (EMPTY) */
	long uid;	    /* >= 0: exec as this uid and gid */
	int gate_fd;	    /* >= 0: exec only after reading a byte from it */
	int stdin_fd;	    /* >= 0: the exec'd program's stdin */
	const char *cgroup; /* move into this cgroup v2 directory first */
};

#define SPEC(...) ((struct exec_spec){.uid = -1, .gate_fd = -1, .stdin_fd = -1, __VA_ARGS__})

static void exec_child(void *arg)
{
	const struct exec_spec *e = arg;
	int fd;

	touch_strings(e->path, e->argv);
	touch_strings(e->dir, NULL);

	gate_wait(e->gate_fd);
	if (e->stdin_fd >= 0) {
		dup2(e->stdin_fd, 0);
		close(e->stdin_fd);
	}
	if (e->cgroup) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/cgroup.procs", e->cgroup);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0", 1) != 1) {
			dprintf(2, "test: moving into %s: %s\n", path, strerror(errno));
			_exit(122);
		}
		close(fd);
	}
	if (e->uid >= 0 && !become(e->uid)) {
		dprintf(2, "test: becoming uid %ld: %s\n", e->uid, strerror(errno));
		_exit(123);
	}
	switch (e->how) {
	case HOW_EXECVE:
		execve(e->path, e->argv, g_envp);
		break;
	case HOW_EXECVEAT_DIR:
		fd = open(e->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			_exit(124);
		syscall(SYS_execveat, fd, e->path, e->argv, g_envp, 0);
		break;
	case HOW_EXECVEAT_EMPTY:
		fd = open(e->dir, O_PATH | O_CLOEXEC);
		if (fd < 0)
			_exit(124);
		syscall(SYS_execveat, fd, "", e->argv, g_envp, AT_EMPTY_PATH);
		break;
	}
	_exit(127);
}

static pid_t spawn(struct exec_spec *e)
{
	return kid_fork(exec_child, e, (int[]){e->gate_fd, e->stdin_fd}, 2);
}

/* execve(path, argv) in a child, waited for; expects exit code (127: exec failed). */
static pid_t run_exec(const char *path, char *const argv[], int code)
{
	struct exec_spec e = SPEC(.path = path, .argv = argv);
	pid_t pid = spawn(&e);

	kid_expect_exit(pid, code, path);
	return pid;
}

static pid_t run_spec(struct exec_spec *e, int code)
{
	pid_t pid = spawn(e);

	kid_expect_exit(pid, code, e->path);
	return pid;
}

/*
 * A child that forks a grandchild which execs /bin/true argv_g, waits for it, then execs
 * /bin/true argv_c itself. The grandchild's pid comes back on a pipe.
 */
struct family {
	int pipe_w;
	char *const *argv_c, *const *argv_g;
};

static void family_child(void *arg)
{
	const struct family *f = arg;
	pid_t g = fork();
	int st;

	if (g == 0) {
		close(f->pipe_w);
		touch_strings(TRUE_PATH, f->argv_g);
		execve(TRUE_PATH, f->argv_g, g_envp);
		_exit(127);
	}
	if (g < 0 || write(f->pipe_w, &g, sizeof(g)) != sizeof(g))
		_exit(2);
	close(f->pipe_w);
	if (waitpid(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		_exit(3);
	touch_strings(TRUE_PATH, f->argv_c);
	execve(TRUE_PATH, f->argv_c, g_envp);
	_exit(127);
}

/* Runs a family; returns the child's pid and sets *grandchild. */
static pid_t run_family(char *const *argv_c, char *const *argv_g, pid_t *grandchild)
{
	struct family f = {.argv_c = argv_c, .argv_g = argv_g};
	int p[2];
	pid_t c;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	f.pipe_w = p[1];
	c = kid_fork(family_child, &f, &p[1], 1);
	close(p[1]);
	kid_expect_exit(c, 0, "family child");
	*grandchild = 0;
	assert_int_equal(read(p[0], grandchild, sizeof(*grandchild)), sizeof(*grandchild));
	close(p[0]);
	assert_true(*grandchild > 0);
	return c;
}

/* ---------------------------------------------------------------------------------------- */
/* JSON through python3's parser                                                            */

/*
 * Reads minisnoop's stdout, fails (exit 1) on any line that is not exactly one JSON object
 * with the documented keys and types; prints one normalized line per event:
 *   EV pid ppid uid ret truncated x<comm hex> x<filename hex> nargs x<arg hex>...
 * Strings are turned back into their bytes with surrogateescape.
 */
static const char py_normalize[] = PY_PRELUDE
    "import datetime\n"
    "KEYS = {'time', 'pid', 'ppid', 'uid', 'comm', 'ret', 'filename', 'args', 'truncated'}\n"
    "def check(o):\n"
    "    if type(o) is not dict or set(o) != KEYS:\n"
    "        raise ValueError('not an object with exactly the keys %s' % sorted(KEYS))\n"
    "    for k in ('pid', 'ppid', 'uid', 'ret'):\n"
    "        if type(o[k]) is not int:\n"
    "            raise ValueError('%s is not an integer' % k)\n"
    "    for k in ('time', 'comm', 'filename'):\n"
    "        if type(o[k]) is not str:\n"
    "            raise ValueError('%s is not a string' % k)\n"
    "    if type(o['truncated']) is not bool:\n"
    "        raise ValueError('truncated is not a boolean')\n"
    "    if type(o['args']) is not list or any(type(a) is not str for a in o['args']):\n"
    "        raise ValueError('args is not a list of strings')\n"
    "    if not TIME.fullmatch(o['time']):\n"
    "        raise ValueError('time is not RFC 3339 UTC with microseconds')\n"
    "    t = datetime.datetime.strptime(o['time'], '%Y-%m-%dT%H:%M:%S.%fZ')\n"
    "    t = t.replace(tzinfo=datetime.timezone.utc)\n"
    "    if abs((t - NOW).total_seconds()) > 600:\n"
    "        raise ValueError('time is not now (%s)' % NOW)\n"
    "def line_of(o):\n"
    "    check(o)\n"
    "    return 'EV %d %d %d %d %d %s %s %d %s' % (o['pid'], o['ppid'], o['uid'], o['ret'],\n"
    "        o['truncated'], h(o['comm']), h(o['filename']), len(o['args']),\n"
    "        ' '.join(h(a) for a in o['args']))\n"
    "NOW = datetime.datetime.now(datetime.timezone.utc)\n"
    "main(line_of)\n";

struct ev {
	long pid, ppid, uid, ret;
	int trunc;
	struct bytes comm, filename;
	int nargs;
	struct bytes *args;
};

static struct ev *g_evs;
static int g_nevs;

static void evs_free(void)
{
	for (int k = 0; k < g_nevs; k++) {
		free(g_evs[k].comm.p);
		free(g_evs[k].filename.p);
		for (int a = 0; a < g_evs[k].nargs; a++)
			free(g_evs[k].args[a].p);
		free(g_evs[k].args);
	}
	free(g_evs);
	g_evs = NULL;
	g_nevs = 0;
}

static long num(const char *tok)
{
	char *end;
	long v;

	if (!tok)
		fail_msg("short line from the normalizer");
	v = strtol(tok, &end, 10);
	if (*end)
		fail_msg("bad number from the normalizer: '%s'", tok);
	return v;
}

/* One normalized line (its words after "EV") into g_evs. */
static void add_event(char *words)
{
	char *s2 = NULL;
	struct ev e, *nv;

	memset(&e, 0, sizeof(e));
	e.pid = num(strtok_r(words, " ", &s2));
	e.ppid = num(strtok_r(NULL, " ", &s2));
	e.uid = num(strtok_r(NULL, " ", &s2));
	e.ret = num(strtok_r(NULL, " ", &s2));
	e.trunc = (int)num(strtok_r(NULL, " ", &s2));
	e.comm = unhex(strtok_r(NULL, " ", &s2));
	e.filename = unhex(strtok_r(NULL, " ", &s2));
	e.nargs = (int)num(strtok_r(NULL, " ", &s2));
	e.args = calloc((size_t)e.nargs + 1, sizeof(*e.args));
	assert_non_null(e.args);
	for (int a = 0; a < e.nargs; a++)
		e.args[a] = unhex(strtok_r(NULL, " ", &s2));
	assert_null(strtok_r(NULL, " ", &s2));
	nv = realloc(g_evs, (size_t)(g_nevs + 1) * sizeof(*g_evs));
	assert_non_null(nv);
	g_evs = nv;
	g_evs[g_nevs++] = e;
}

/* Parses minisnoop's JSON stdout into g_evs. */
static void parse_json(const struct buf *out)
{
	evs_free();
	run_python(py_normalize, NULL, out, add_event);
}

static int ev_count(pid_t pid)
{
	int n = 0;

	for (int k = 0; k < g_nevs; k++)
		n += g_evs[k].pid == pid;
	return n;
}

static const struct ev *ev_of(pid_t pid)
{
	for (int k = 0; k < g_nevs; k++)
		if (g_evs[k].pid == pid)
			return &g_evs[k];
	return NULL;
}

/* The one event of pid (fails when there is none or more than one). */
static const struct ev *ev_one(pid_t pid, const char *what)
{
	int n = ev_count(pid);

	if (n != 1)
		fail_msg(
		    "%s: expected exactly 1 event of pid %d, minisnoop printed %d (of %d events "
		    "in all)",
		    what, (int)pid, n, g_nevs);
	return ev_of(pid);
}

static void expect_no_event(pid_t pid, const char *what)
{
	if (ev_count(pid))
		fail_msg("%s: pid %d should have been filtered out, but minisnoop printed %d "
			 "event(s) of it",
			 what, (int)pid, ev_count(pid));
}

static void hex_snip(char *out, size_t n, const unsigned char *p, size_t len, size_t at)
{
	size_t from = at > 8 ? at - 8 : 0, o = 0;

	out[0] = 0;
	for (size_t i = from; i < len && i < from + 24 && o + 4 < n; i++)
		o += (size_t)snprintf(out + o, n - o, "%02x ", p[i]);
}

static void expect_bytes(const char *what, int idx, const struct bytes *got, const void *exp,
			 size_t n)
{
	size_t i = 0, m = got->n < n ? got->n : n;
	char g[128], x[128];

	if (got->n == n && !memcmp(got->p, exp, n))
		return;
	while (i < m && got->p[i] == ((const unsigned char *)exp)[i])
		i++;
	hex_snip(g, sizeof(g), got->p, got->n, i);
	hex_snip(x, sizeof(x), exp, n, i);
	if (idx >= 0)
		fail_msg("%s #%d: got %zu bytes, expected %zu; first difference at byte %zu\n"
			 "   got: %s\n  want: %s",
			 what, idx, got->n, n, i, g, x);
	fail_msg("%s: got %zu bytes, expected %zu; first difference at byte %zu\n"
		 "   got: %s\n  want: %s",
		 what, got->n, n, i, g, x);
}

static int argc_of(char *const *argv)
{
	int n = 0;

	while (argv[n])
		n++;
	return n;
}

struct want {
	pid_t pid, ppid;
	long uid;
	int ret;
	const char *comm; /* NULL: not checked */
	const char *filename;
	char *const *argv;
	int nargs; /* args expected: the first nargs of argv (-1: all of argv) */
	int trunc;
};

#define WANT(...) ((struct want){.uid = 0, .nargs = -1, __VA_ARGS__})

static void print_bytes(const char *what, const struct bytes *b)
{
	char out[200];
	size_t o = 0;

	for (size_t i = 0; i < b->n && o < sizeof(out) - 8; i++) {
		unsigned char c = b->p[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, sizeof(out) - o, "\\x%02x", c);
	}
	out[o] = 0;
	print_error("  %s (%zu bytes): \"%s\"%s\n", what, b->n, out,
		    o >= sizeof(out) - 8 ? "..." : "");
}

/* What minisnoop printed, for the failure message. */
static void print_event(const struct ev *e)
{
	char what[32];

	print_error("minisnoop printed: pid %ld ppid %ld uid %ld ret %ld truncated %d, %d args\n",
		    e->pid, e->ppid, e->uid, e->ret, e->trunc, e->nargs);
	print_bytes("comm", &e->comm);
	print_bytes("filename", &e->filename);
	for (int a = 0; a < e->nargs && a < 8; a++) {
		snprintf(what, sizeof(what), "arg #%d", a);
		print_bytes(what, &e->args[a]);
	}
}

static bool event_matches(const struct ev *e, const struct want *w, int nargs)
{
	if (e->pid != w->pid || e->ppid != w->ppid || e->uid != w->uid || e->ret != w->ret ||
	    e->trunc != w->trunc || e->nargs != nargs)
		return false;
	if (w->comm && (e->comm.n != strlen(w->comm) || memcmp(e->comm.p, w->comm, e->comm.n)))
		return false;
	if (e->filename.n != strlen(w->filename) ||
	    memcmp(e->filename.p, w->filename, e->filename.n))
		return false;
	for (int a = 0; a < nargs; a++)
		if (e->args[a].n != strlen(w->argv[a]) ||
		    memcmp(e->args[a].p, w->argv[a], e->args[a].n))
			return false;
	return true;
}

static void expect_event(const struct ev *e, const struct want *w)
{
	int nargs = w->nargs >= 0 ? w->nargs : argc_of(w->argv);

	assert_non_null(e);
	if (!event_matches(e, w, nargs))
		print_event(e);
	assert_int_equal(e->pid, w->pid);
	if (e->ppid != w->ppid)
		fail_msg("pid %d: ppid %ld, really %d", (int)w->pid, e->ppid, (int)w->ppid);
	if (e->uid != w->uid)
		fail_msg("pid %d: uid %ld, really %ld", (int)w->pid, e->uid, w->uid);
	if (e->ret != w->ret)
		fail_msg("pid %d: ret %ld, really %d", (int)w->pid, e->ret, w->ret);
	if (w->comm)
		expect_bytes("comm", -1, &e->comm, w->comm, strlen(w->comm));
	expect_bytes("filename", -1, &e->filename, w->filename, strlen(w->filename));
	if (e->nargs != nargs)
		fail_msg("pid %d: %d args, expected %d", (int)w->pid, e->nargs, nargs);
	for (int a = 0; a < nargs; a++)
		expect_bytes("arg", a, &e->args[a], w->argv[a], strlen(w->argv[a]));
	if (e->trunc != w->trunc)
		fail_msg("pid %d: truncated is %s, expected %s", (int)w->pid,
			 e->trunc ? "true" : "false", w->trunc ? "true" : "false");
}

#define CORE_PATTERN "/proc/sys/kernel/core_pattern"

static char g_core_saved[256];	 /* core_pattern before a test set it */
static ssize_t g_core_saved_len; /* > 0: it must be put back */

/* Puts core_pattern back as it was: in the test, and again in teardown when a test failed. */
static void core_pattern_restore(void)
{
	int fd;

	if (g_core_saved_len <= 0)
		return;
	fd = open(CORE_PATTERN, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && write(fd, g_core_saved, (size_t)g_core_saved_len) == g_core_saved_len)
		g_core_saved_len = 0;
	else
		print_error("could not restore %s to '%.*s': %s\n", CORE_PATTERN,
			    (int)g_core_saved_len, g_core_saved, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static bool g_tracefs_mounted;
static void cleanup_all(void)
{
	snoop_cleanup();
	core_pattern_restore();
	if (g_tracefs_mounted && umount2("/sys/kernel/tracing", MNT_DETACH) == 0)
		g_tracefs_mounted = false;
	evs_free();
	if (g_fifo_rd >= 0) {
		close(g_fifo_rd);
		g_fifo_rd = -1;
	}
}

/* Writes a file named name in the scratch directory, with mode; its path goes to path. */
static void write_file(char *path, size_t n, const char *name, const char *content, mode_t mode)
{
	int fd;

	snprintf(path, n, "%s/%s", tmpdir(), name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* ---------------------------------------------------------------------------------------- */
/* JSON: arguments exactly                                                                  */

static void test_json_args_exact(void **state)
{
	char m1[64], m2[64];
	char *printable[] = {"true",
			     "hello world",
			     "  leading and trailing  ",
			     "",
			     " ",
			     "\"double\" 'single' `back`",
			     "back\\slash \\n not a newline",
			     "",
			     "{\"json\": [1, 2], \"k\": null}",
			     "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
			     "$HOME;`id`|&<>*?",
			     (char *)marker(m1, sizeof(m1), "printable"),
			     NULL};
	char *binary[] = {"argv0 is not the path \x1b",
			  "line1\nline2\n",
			  "\x1b[31mred\x1b[0m",
			  "tab\there\rcr",
			  "\x01\x02\x1f\x7f",
			  "\xff\xfe",
			  "bad\xc3\x28utf8",
			  "\xed\xa0\x80",
			  "\xc2\x85"
			  "c1",
			  "\xf4\x90\x80\x80",
			  "\xc0\xaf",
			  "cut \xe2\x82",
			  "\x80",
			  (char *)marker(m2, sizeof(m2), "binary"),
			  NULL};
	const char *args[] = {"-j", NULL};
	struct snoop *s;
	pid_t pids[2];

	(void)state;
	REQUIRE_PYTHON();
	s = snoop_start(args);
	pids[0] = run_exec(TRUE_PATH, printable, 0);
	pids[1] = run_exec(TRUE_PATH, binary, 0);
	snoop_wait_pids(s, pids, 2, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(ev_one(pids[0], "printable args"),
		     &WANT(.pid = pids[0], .ppid = g_self, .comm = "true", .filename = TRUE_PATH,
			   .argv = printable));
	expect_event(ev_one(pids[1], "control and non-UTF-8 args"),
		     &WANT(.pid = pids[1], .ppid = g_self, .comm = "true", .filename = TRUE_PATH,
			   .argv = binary));
}

static void test_json_long_arg(void **state)
{
	char m[64];
	char *big = pattern(10000, 'a');
	char *argv[] = {"true", big, "after the long one", (char *)marker(m, sizeof(m), "long"),
			NULL};
	const char *args[] = {"-j", NULL};
	struct snoop *s;
	pid_t pid;

	(void)state;
	REQUIRE_PYTHON();
	s = snoop_start(args);
	pid = run_exec(TRUE_PATH, argv, 0);
	snoop_wait_pids(s, &pid, 1, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(
	    ev_one(pid, "10000-byte arg"),
	    &WANT(.pid = pid, .ppid = g_self, .comm = "true", .filename = TRUE_PATH, .argv = argv));
	free(big);
}

/* argv of n entries: "true", then "a<i>-" with a varying tail, NULL terminated. */
static char **many_argv(int n)
{
	char **argv = calloc((size_t)n + 1, sizeof(*argv));

	assert_non_null(argv);
	argv[0] = strdup("true");
	for (int i = 1; i < n; i++) {
		argv[i] = malloc(48);
		assert_non_null(argv[i]);
		snprintf(argv[i], 48, "a%d-%.*s", i, i % 23, "zyxwvutsrqponmlkjihgfedcba");
	}
	return argv;
}

static void free_argv(char **argv)
{
	for (int i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

static void test_json_many_args(void **state)
{
	const char *args[] = {"-j", "--max-args", "128", NULL};
	char **a100 = many_argv(100), **a128 = many_argv(128), **a129 = many_argv(129),
	     **a200 = many_argv(200);
	struct snoop *s;
	pid_t pids[4];

	(void)state;
	REQUIRE_PYTHON();
	s = snoop_start(args);
	pids[0] = run_exec(TRUE_PATH, a100, 0);
	pids[1] = run_exec(TRUE_PATH, a128, 0);
	pids[2] = run_exec(TRUE_PATH, a129, 0);
	pids[3] = run_exec(TRUE_PATH, a200, 0);
	snoop_wait_pids(s, pids, 4, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(ev_one(pids[0], "100 args"),
		     &WANT(.pid = pids[0], .ppid = g_self, .comm = "true", .filename = TRUE_PATH,
			   .argv = a100));
	expect_event(ev_one(pids[1], "exactly --max-args args"),
		     &WANT(.pid = pids[1], .ppid = g_self, .comm = "true", .filename = TRUE_PATH,
			   .argv = a128));
	expect_event(ev_one(pids[2], "--max-args + 1 args"),
		     &WANT(.pid = pids[2], .ppid = g_self, .comm = "true", .filename = TRUE_PATH,
			   .argv = a129, .nargs = 128, .trunc = 1));
	expect_event(ev_one(pids[3], "200 args"),
		     &WANT(.pid = pids[3], .ppid = g_self, .comm = "true", .filename = TRUE_PATH,
			   .argv = a200, .nargs = 128, .trunc = 1));
	free_argv(a100);
	free_argv(a128);
	free_argv(a129);
	free_argv(a200);
}

static void test_json_max_args_small(void **state)
{
	const char *args[] = {"-j", "--max-args", "5", NULL};
	char **a4 = many_argv(4), **a5 = many_argv(5), **a6 = many_argv(6), **a9 = many_argv(9);
	struct snoop *s;
	pid_t pids[4];

	(void)state;
	REQUIRE_PYTHON();
	s = snoop_start(args);
	pids[0] = run_exec(TRUE_PATH, a4, 0);
	pids[1] = run_exec(TRUE_PATH, a5, 0);
	pids[2] = run_exec(TRUE_PATH, a6, 0);
	pids[3] = run_exec(TRUE_PATH, a9, 0);
	snoop_wait_pids(s, pids, 4, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(ev_one(pids[0], "4 args, --max-args 5"),
		     &WANT(.pid = pids[0], .ppid = g_self, .filename = TRUE_PATH, .argv = a4));
	expect_event(ev_one(pids[1], "5 args, --max-args 5"),
		     &WANT(.pid = pids[1], .ppid = g_self, .filename = TRUE_PATH, .argv = a5));
	expect_event(ev_one(pids[2], "6 args, --max-args 5"),
		     &WANT(.pid = pids[2], .ppid = g_self, .filename = TRUE_PATH, .argv = a6,
			   .nargs = 5, .trunc = 1));
	expect_event(ev_one(pids[3], "9 args, --max-args 5"),
		     &WANT(.pid = pids[3], .ppid = g_self, .filename = TRUE_PATH, .argv = a9,
			   .nargs = 5, .trunc = 1));
	free_argv(a4);
	free_argv(a5);
	free_argv(a6);
	free_argv(a9);
}

static void test_json_max_args_default(void **state)
{
	const char *args[] = {"-j", NULL};
	char **a20 = many_argv(20), **a21 = many_argv(21);
	struct snoop *s;
	pid_t pids[2];

	(void)state;
	REQUIRE_PYTHON();
	s = snoop_start(args);
	pids[0] = run_exec(TRUE_PATH, a20, 0);
	pids[1] = run_exec(TRUE_PATH, a21, 0);
	snoop_wait_pids(s, pids, 2, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(ev_one(pids[0], "20 args, default --max-args"),
		     &WANT(.pid = pids[0], .ppid = g_self, .filename = TRUE_PATH, .argv = a20));
	expect_event(ev_one(pids[1], "21 args, default --max-args"),
		     &WANT(.pid = pids[1], .ppid = g_self, .filename = TRUE_PATH, .argv = a21,
			   .nargs = 20, .trunc = 1));
	free_argv(a20);
	free_argv(a21);
}

/* argv: "true", then n args of len bytes each (distinct patterns). */
static char **sized_argv(int n, size_t len)
{
	char **argv = calloc((size_t)n + 2, sizeof(*argv));

	assert_non_null(argv);
	argv[0] = strdup("true");
	for (int i = 1; i <= n; i++)
		argv[i] = pattern(len, (char)('A' + i % 20));
	return argv;
}

static void test_json_args_over_16k(void **state)
{
	const char *args[] = {"-j", "--max-args", "128", NULL};
	char **big = sized_argv(30, 1000), **fits = sized_argv(4, 4000);
	struct snoop *s;
	const struct ev *e;
	size_t kept = 0;
	pid_t pids[2];

	(void)state;
	REQUIRE_PYTHON();
	s = snoop_start(args);
	pids[0] = run_exec(TRUE_PATH, big, 0);
	pids[1] = run_exec(TRUE_PATH, fits, 0);
	snoop_wait_pids(s, pids, 2, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);

	/* 16 KB of text with a little under it: all of it, exactly. */
	expect_event(ev_one(pids[1], "16004 bytes of args"),
		     &WANT(.pid = pids[1], .ppid = g_self, .filename = TRUE_PATH, .argv = fits));

	/* 30 KB: truncated, every kept argument exact except a cut last one, >= 16 KiB kept. */
	e = ev_one(pids[0], "30000 bytes of args");
	assert_int_equal(e->pid, pids[0]);
	assert_int_equal(e->ppid, g_self);
	assert_int_equal(e->ret, 0);
	expect_bytes("filename", -1, &e->filename, TRUE_PATH, strlen(TRUE_PATH));
	if (!e->trunc)
		fail_msg("30000 bytes of arguments: truncated is false");
	assert_true(e->nargs >= 1);
	assert_true(e->nargs < 31);
	for (int a = 0; a < e->nargs; a++) {
		const struct bytes *g = &e->args[a];

		if (a < e->nargs - 1) {
			expect_bytes("kept arg", a, g, big[a], strlen(big[a]));
		} else {
			/* the last one kept may be cut: a prefix of the real one */
			if (g->n > strlen(big[a]) || memcmp(g->p, big[a], g->n))
				fail_msg(
				    "last kept arg #%d (%zu bytes) is not a prefix of the real one",
				    a, g->n);
		}
		kept += g->n + 1;
	}
	if (kept < 16384)
		fail_msg("only %zu bytes of argument text kept (NULs included), want >= 16384",
			 kept);
	free_argv(big);
	free_argv(fits);
}

/* Arguments that fill the 16 KiB exactly (NULs included): nothing is cut. */
static void test_json_args_exactly_16k(void **state)
{
	const char *args[] = {"-j", NULL};
	/* "true\0" (5) + 4 x 4001 (16004) + last: 16384 - 16009 = 375 bytes with its NUL */
	char **argv = sized_argv(5, 4000);
	struct snoop *s;
	pid_t pid;

	(void)state;
	REQUIRE_PYTHON();
	argv[5][374] = 0;
	s = snoop_start(args);
	pid = run_exec(TRUE_PATH, argv, 0);
	snoop_wait_pids(s, &pid, 1, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(ev_one(pid, "16384 bytes of args with NULs"),
		     &WANT(.pid = pid, .ppid = g_self, .filename = TRUE_PATH, .argv = argv));
	free_argv(argv);
}

/* ---------------------------------------------------------------------------------------- */
/* pid, ppid, uid, ret                                                                      */

/* A child forked before minisnoop started; it execs when the gate opens. */
struct gated {
	struct exec_spec spec;
	int gate_w;
	pid_t pid;
};

static void gated_fork(struct gated *g, const char *path, char *const *argv, int stdin_fd)
{
	int p[2];

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	g->spec = SPEC(.path = path, .argv = argv, .gate_fd = p[0], .stdin_fd = stdin_fd);
	g->pid = spawn(&g->spec);
	close(p[0]);
	g->gate_w = p[1];
}

static void gated_open(struct gated *g)
{
	assert_int_equal(write(g->gate_w, "x", 1), 1);
	close(g->gate_w);
}

static void ppid_test(const char *const *args, const struct start_opts *o)
{
	char m1[64], m2[64], m3[64];
	char *argv_pre[] = {"true", (char *)marker(m1, sizeof(m1), "forked-before"), NULL};
	char *argv_c[] = {"true", (char *)marker(m2, sizeof(m2), "child"), NULL};
	char *argv_g[] = {"true", (char *)marker(m3, sizeof(m3), "grandchild"), NULL};
	struct gated pre;
	struct snoop *s;
	pid_t c, g;

	gated_fork(&pre, TRUE_PATH, argv_pre, -1);
	s = snoop_start_opts(args, o);
	gated_open(&pre);
	kid_expect_exit(pre.pid, 0, "child forked before minisnoop");
	c = run_family(argv_c, argv_g, &g);
	snoop_wait_pids(s, (pid_t[]){pre.pid, c, g}, 3, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(ev_one(c, "child"), &WANT(.pid = c, .ppid = g_self, .comm = "true",
					       .filename = TRUE_PATH, .argv = argv_c));
	expect_event(ev_one(g, "grandchild"), &WANT(.pid = g, .ppid = c, .comm = "true",
						    .filename = TRUE_PATH, .argv = argv_g));
	expect_event(ev_one(pre.pid, "short-lived child forked before minisnoop started"),
		     &WANT(.pid = pre.pid, .ppid = g_self, .comm = "true", .filename = TRUE_PATH,
			   .argv = argv_pre));
}

static void test_pid_ppid(void **state)
{
	const char *args[] = {"-j", NULL};

	(void)state;
	REQUIRE_PYTHON();
	ppid_test(args, NULL);
}

/*
 * Without BTF, ppid of processes forked while tracing comes from fork tracking; for one
 * forked before, from /proc (so it must still be alive: it runs cat until we close its
 * stdin).
 */
static void no_btf_test(const char *const *args, const struct start_opts *o)
{
	char m1[64], m2[64];
	char *argv_pre[] = {"cat", "-", NULL};
	char *argv_c[] = {"true", (char *)marker(m1, sizeof(m1), "child"), NULL};
	char *argv_g[] = {"true", (char *)marker(m2, sizeof(m2), "grandchild"), NULL};
	struct gated pre;
	struct snoop *s;
	int in[2];
	pid_t c, g;

	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	gated_fork(&pre, "/bin/cat", argv_pre, in[0]);
	close(in[0]);
	s = snoop_start_opts(args, o);
	if (!buf_has(&s->err, "fork tracking"))
		fail_msg("BTF not disabled: the tracing line does not say 'fork tracking':\n%s",
			 buf_str(&s->err));
	c = run_family(argv_c, argv_g, &g);
	gated_open(&pre);
	snoop_wait_pids(s, (pid_t[]){pre.pid, c, g}, 3, WAIT_EVENTS_MS);
	close(in[1]);
	kid_expect_exit(pre.pid, 0, "cat forked before minisnoop");
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(ev_one(c, "child (no BTF)"), &WANT(.pid = c, .ppid = g_self, .comm = "true",
							.filename = TRUE_PATH, .argv = argv_c));
	expect_event(
	    ev_one(g, "grandchild (no BTF)"),
	    &WANT(.pid = g, .ppid = c, .comm = "true", .filename = TRUE_PATH, .argv = argv_g));
	expect_event(ev_one(pre.pid, "child forked before minisnoop (no BTF)"),
		     &WANT(.pid = pre.pid, .ppid = g_self, .comm = "cat", .filename = "/bin/cat",
			   .argv = argv_pre));
}

static void test_pid_ppid_no_btf(void **state)
{
	const char *args[] = {"-j", "--no-btf", NULL};

	(void)state;
	REQUIRE_PYTHON();
	no_btf_test(args, NULL);
}

static void test_pid_ppid_no_btf_env(void **state)
{
	const char *args[] = {"-j", NULL};
	struct start_opts o = {.no_btf_env = "1"};

	(void)state;
	REQUIRE_PYTHON();
	no_btf_test(args, &o);
}

static void test_uid(void **state)
{
	char m1[64], m2[64];
	char *argv_root[] = {"true", (char *)marker(m1, sizeof(m1), "root"), NULL};
	char *argv_nobody[] = {"true", (char *)marker(m2, sizeof(m2), "nobody"), NULL};
	struct exec_spec nobody = SPEC(.path = TRUE_PATH, .argv = argv_nobody, .uid = 65534);
	const char *args[] = {"-j", NULL};
	struct snoop *s;
	pid_t pids[2];

	(void)state;
	REQUIRE_PYTHON();
	s = snoop_start(args);
	pids[0] = run_exec(TRUE_PATH, argv_root, 0);
	pids[1] = run_spec(&nobody, 0);
	snoop_wait_pids(s, pids, 2, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(ev_one(pids[0], "as root"),
		     &WANT(.pid = pids[0], .ppid = g_self, .uid = 0, .comm = "true",
			   .filename = TRUE_PATH, .argv = argv_root));
	expect_event(ev_one(pids[1], "as uid 65534"),
		     &WANT(.pid = pids[1], .ppid = g_self, .uid = 65534, .comm = "true",
			   .filename = TRUE_PATH, .argv = argv_nobody));
}

static void test_ret_values(void **state)
{
	char m1[64], m2[64], m3[64], m4[64], noexec[PATH_MAX], garbage[PATH_MAX];
	const char *missing = "/nonexistent-minisnoop-test/no such program";
	char *argv_ok[] = {"true", (char *)marker(m1, sizeof(m1), "ok"), NULL};
	char *argv_missing[] = {"missing", "arg with space",
				(char *)marker(m2, sizeof(m2), "enoent"), NULL};
	char *argv_noexec[] = {"noexec", (char *)marker(m3, sizeof(m3), "eacces"), NULL};
	char *argv_garbage[] = {"garbage", (char *)marker(m4, sizeof(m4), "enoexec"), NULL};
	const char *args[] = {"-j", NULL};
	struct snoop *s;
	pid_t pids[4];

	(void)state;
	REQUIRE_PYTHON();
	write_file(noexec, sizeof(noexec), "not-executable", "#!/bin/sh\nexit 0\n", 0644);
	write_file(garbage, sizeof(garbage), "garbage", "\x01\x02\x03 this is no program\n", 0755);
	s = snoop_start(args);
	pids[0] = run_exec(TRUE_PATH, argv_ok, 0);
	pids[1] = run_exec(missing, argv_missing, 127);
	pids[2] = run_exec(noexec, argv_noexec, 127);
	pids[3] = run_exec(garbage, argv_garbage, 127);
	snoop_wait_pids(s, pids, 4, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(ev_one(pids[0], "good exec"),
		     &WANT(.pid = pids[0], .ppid = g_self, .ret = 0, .comm = "true",
			   .filename = TRUE_PATH, .argv = argv_ok));
	/* A failed exec keeps the comm it had: ours, inherited by the forked child. */
	expect_event(ev_one(pids[1], "missing file"),
		     &WANT(.pid = pids[1], .ppid = g_self, .ret = -ENOENT, .comm = g_comm,
			   .filename = missing, .argv = argv_missing));
	expect_event(ev_one(pids[2], "file without x bits"),
		     &WANT(.pid = pids[2], .ppid = g_self, .ret = -EACCES, .comm = g_comm,
			   .filename = noexec, .argv = argv_noexec));
	expect_event(ev_one(pids[3], "file of an unknown format"),
		     &WANT(.pid = pids[3], .ppid = g_self, .ret = -ENOEXEC, .comm = g_comm,
			   .filename = garbage, .argv = argv_garbage));
}

/*
 * Execs through the 32-bit entry: `int $0x80` from this 64-bit program, its path and argv (an
 * array of 32-bit pointers) in memory below 2 GiB (MAP_32BIT). The syscalls:* tracepoints
 * skip such syscalls; minisnoop --compat watches raw_syscalls for them.
 */
#if defined(__x86_64__)
struct int80_exec {
	char path[96];
	char arg0[16], arg1[16], marker[64];
	uint32_t argv[4], envp[1];
};

static long int80_call(long nr, uint32_t b, uint32_t c, uint32_t d)
{
	__asm__ volatile("int $0x80" : "+a"(nr) : "b"(b), "c"(c), "d"(d) : "memory");
	return nr;
}

static struct int80_exec *int80_setup(const char *path, const char *marker_text)
{
	struct int80_exec *x = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (x == MAP_FAILED)
		return NULL;
	snprintf(x->path, sizeof(x->path), "%s", path);
	snprintf(x->arg0, sizeof(x->arg0), "int80");
	snprintf(x->arg1, sizeof(x->arg1), "x y");
	snprintf(x->marker, sizeof(x->marker), "%s", marker_text);
	x->argv[0] = (uint32_t)(uintptr_t)x->arg0;
	x->argv[1] = (uint32_t)(uintptr_t)x->arg1;
	x->argv[2] = (uint32_t)(uintptr_t)x->marker;
	x->argv[3] = 0;
	x->envp[0] = 0;
	return x;
}

/* As uid 65534: execve (i386 number 11) through int $0x80; exits 127 when it returns -2. */
static void int80_child(void *arg)
{
	struct int80_exec *x = arg;
	long r;

	if (!become(65534))
		_exit(123);
	r = int80_call(11, (uint32_t)(uintptr_t)x->path, (uint32_t)(uintptr_t)x->argv,
		       (uint32_t)(uintptr_t)x->envp);
	_exit(r == -ENOENT ? 127 : 125);
}

/* A 64-bit munmap (number 11, as the i386 execve) that fails: not an exec. */
static void munmap_child(void *arg)
{
	(void)arg;
	_exit(syscall(SYS_munmap, (void *)1, 4096) < 0 && errno == EINVAL ? 0 : 125);
}

/* Whether this kernel runs int $0x80 (IA32 emulation): getpid (i386 20) in a child. */
static void int80_probe_child(void *arg)
{
	(void)arg;
	_exit(int80_call(20, 0, 0, 0) == getpid() ? 0 : 1);
}

static void test_compat_failed_exec(void **state)
{
	const char *missing = "/nonexistent-minisnoop-test/int80 no such";
	char m1[64], m2[64], m3[64];
	char *argv_64[] = {"missing64", (char *)marker(m3, sizeof(m3), "fail64"), NULL};
	char *argv_ok[] = {"true", (char *)marker(m2, sizeof(m2), "sync"), NULL};
	struct exec_spec fail64 = SPEC(.path = missing, .argv = argv_64, .uid = 65534);
	const char *plain[] = {"-j", NULL}, *compat[] = {"-j", "--compat", NULL};
	struct int80_exec *x;
	struct snoop *s;
	pid_t pids[3], quiet;
	int st;

	(void)state;
	REQUIRE_PYTHON();
	st = kid_wait(kid_fork(int80_probe_child, NULL, NULL, 0));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		SKIP("int $0x80 does not run here (no IA32 emulation): wait status 0x%x\n", st);
	x = int80_setup(missing, marker(m1, sizeof(m1), "int80"));
	assert_non_null(x);
	char *argv_80[] = {x->arg0, x->arg1, x->marker, NULL};

	/* Without --compat: not seen (the default; minisnoop.8 says why). */
	s = snoop_start(plain);
	quiet = kid_fork(int80_child, x, NULL, 0);
	kid_expect_exit(quiet, 127, "int $0x80 execve of a missing file");
	pids[0] = run_exec(TRUE_PATH, argv_ok, 0);
	snoop_wait_pids(s, pids, 1, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_no_event(quiet, "int $0x80 without --compat");
	evs_free();

	/* With it: reported once, as the kernel took it; a 64-bit munmap's failure is no exec;
	 * a 64-bit failed exec is reported once, not twice. */
	s = snoop_start(compat);
	quiet = kid_fork(munmap_child, NULL, NULL, 0);
	kid_expect_exit(quiet, 0, "a failing 64-bit munmap");
	pids[0] = kid_fork(int80_child, x, NULL, 0);
	kid_expect_exit(pids[0], 127, "int $0x80 execve of a missing file");
	pids[1] = run_spec(&fail64, 127);
	pids[2] = run_exec(TRUE_PATH, argv_ok, 0);
	snoop_wait_pids(s, pids, 3, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_no_event(quiet, "64-bit munmap");
	expect_event(ev_one(pids[0], "int $0x80 execve, uid 65534"),
		     &WANT(.pid = pids[0], .ppid = g_self, .uid = 65534, .ret = -ENOENT,
			   .comm = g_comm, .filename = missing, .argv = argv_80));
	expect_event(ev_one(pids[1], "64-bit failed execve, uid 65534"),
		     &WANT(.pid = pids[1], .ppid = g_self, .uid = 65534, .ret = -ENOENT,
			   .comm = g_comm, .filename = missing, .argv = argv_64));
	munmap(x, 4096);
}
#else
static void test_compat_failed_exec(void **state)
{
	(void)state;
	SKIP("int $0x80: x86_64 only\n");
}
#endif

/*
 * A successful exec shows the path as the kernel resolved it (sched_process_exec): execveat
 * with a directory fd gives "/dev/fd/N/name", with AT_EMPTY_PATH "/dev/fd/N". The fd number
 * is the child's, so any N is taken; returns the event's own path for expect_event.
 */
static const char *dev_fd_path(const struct ev *e, const char *suffix, char *buf, size_t n)
{
	size_t k = 8, sl = strlen(suffix);

	assert_non_null(e);
	if (e->filename.n < 9 || e->filename.n >= n || memcmp(e->filename.p, "/dev/fd/", 8))
		fail_msg("pid %d: filename %.*s is not /dev/fd/N%s", (int)e->pid,
			 (int)e->filename.n, e->filename.p, suffix);
	while (k < e->filename.n && e->filename.p[k] >= '0' && e->filename.p[k] <= '9')
		k++;
	if (k == 8 || e->filename.n - k != sl || memcmp(e->filename.p + k, suffix, sl))
		fail_msg("pid %d: filename %.*s is not /dev/fd/N%s", (int)e->pid,
			 (int)e->filename.n, e->filename.p, suffix);
	memcpy(buf, e->filename.p, e->filename.n);
	buf[e->filename.n] = 0;
	return buf;
}

static void test_execveat(void **state)
{
	char m1[64], m2[64], m3[64], f1[PATH_MAX], f2[PATH_MAX];
	char *argv_dir[] = {"true", (char *)marker(m1, sizeof(m1), "dirfd"), NULL};
	char *argv_empty[] = {"true", (char *)marker(m2, sizeof(m2), "empty-path"), NULL};
	char *argv_missing[] = {"nope", (char *)marker(m3, sizeof(m3), "missing"), NULL};
	struct exec_spec dir =
	    SPEC(.path = "true", .argv = argv_dir, .how = HOW_EXECVEAT_DIR, .dir = "/bin");
	struct exec_spec empty =
	    SPEC(.path = "", .argv = argv_empty, .how = HOW_EXECVEAT_EMPTY, .dir = TRUE_PATH);
	struct exec_spec missing = SPEC(.path = "no-such-program-here", .argv = argv_missing,
					.how = HOW_EXECVEAT_DIR, .dir = "/bin");
	const char *args[] = {"-j", NULL};
	struct snoop *s;
	pid_t pids[3];

	(void)state;
	REQUIRE_PYTHON();
	s = snoop_start(args);
	pids[0] = run_spec(&dir, 0);
	pids[1] = run_spec(&empty, 0);
	pids[2] = run_spec(&missing, 127);
	snoop_wait_pids(s, pids, 3, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(ev_one(pids[0], "execveat(dirfd, \"true\")"),
		     &WANT(.pid = pids[0], .ppid = g_self, .comm = "true",
			   .filename = dev_fd_path(ev_one(pids[0], "execveat(dirfd)"), "/true", f1,
						   sizeof(f1)),
			   .argv = argv_dir));
	/* comm after an AT_EMPTY_PATH exec is the fd number, so it is not checked */
	expect_event(
	    ev_one(pids[1], "execveat(fd, \"\", AT_EMPTY_PATH)"),
	    &WANT(.pid = pids[1], .ppid = g_self,
		  .filename = dev_fd_path(ev_one(pids[1], "execveat(fd)"), "", f2, sizeof(f2)),
		  .argv = argv_empty));
	expect_event(ev_one(pids[2], "execveat of a missing name"),
		     &WANT(.pid = pids[2], .ppid = g_self, .ret = -ENOENT, .comm = g_comm,
			   .filename = "no-such-program-here", .argv = argv_missing));
}

/* A process whose second thread execs; the thread's id comes back on a pipe. */
struct thr {
	int pipe_w;
	char *const *argv;
};

static int thread_fn(void *arg)
{
	const struct thr *t = arg;
	pid_t tid = (pid_t)syscall(SYS_gettid);

	syscall(SYS_write, t->pipe_w, &tid, sizeof(tid));
	syscall(SYS_execve, TRUE_PATH, t->argv, g_envp);
	syscall(SYS_exit_group, 5);
	return 0;
}

static void thread_child(void *arg)
{
	size_t sz = 256 * 1024;
	char *stack =
	    mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

	if (stack == MAP_FAILED)
		_exit(6);
	touch_strings(TRUE_PATH, ((const struct thr *)arg)->argv);
	if (clone(thread_fn, stack + sz,
		  CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM,
		  arg) < 0)
		_exit(7);
	/* The exec in the other thread ends this one. */
	sleep(10);
	_exit(8);
}

/* Runs thread_child with argv; returns the process id and sets *tid to the exec'ing thread. */
static pid_t run_thread_exec(char *const *argv, pid_t *tid)
{
	struct thr t = {.argv = argv};
	pid_t pid;
	int p[2];

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	t.pipe_w = p[1];
	pid = kid_fork(thread_child, &t, &p[1], 1);
	close(p[1]);
	kid_expect_exit(pid, 0, "exec from a second thread");
	*tid = 0;
	assert_int_equal(read(p[0], tid, sizeof(*tid)), sizeof(*tid));
	close(p[0]);
	assert_true(*tid > 0);
	assert_true(*tid != pid); /* it really was another thread */
	return pid;
}

/* The one event of a thread's exec: under the process id, with the thread's argv. */
static void expect_thread_event(pid_t pid, pid_t tid, char *const *argv, const char *what)
{
	if (ev_count(tid))
		fail_msg("%s: the exec was reported with the thread id %d, not the pid %d", what,
			 (int)tid, (int)pid);
	expect_event(ev_one(pid, what), &WANT(.pid = pid, .ppid = g_self, .comm = "true",
					      .filename = TRUE_PATH, .argv = argv));
}

static void test_exec_from_thread(void **state)
{
	char m[64];
	char *argv[] = {"true", (char *)marker(m, sizeof(m), "thread"), NULL};
	const char *args[] = {"-j", NULL};
	struct snoop *s;
	pid_t pid, tid;

	(void)state;
	REQUIRE_PYTHON();
	s = snoop_start(args);
	pid = run_thread_exec(argv, &tid);
	snoop_wait_pids(s, &pid, 1, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_thread_event(pid, tid, argv, "exec from a non-main thread");
}

static void test_script_exec(void **state)
{
	char m[64], path[PATH_MAX];
	const char *args[] = {"-j", NULL};
	struct snoop *s;
	pid_t pid;

	(void)state;
	REQUIRE_PYTHON();
	write_file(path, sizeof(path), "ms-script.sh", "#!/bin/sh\nexit 0\n", 0755);
	{
		char *argv[] = {path, "script arg", (char *)marker(m, sizeof(m), "script"), NULL};
		/* args are the new program's argv, as the kernel built it: the interpreter's */
		char *ran[] = {"/bin/sh", path, argv[1], argv[2], NULL};

		s = snoop_start(args);
		pid = run_exec(path, argv, 0);
		snoop_wait_pids(s, &pid, 1, WAIT_EVENTS_MS);
		snoop_stop(s, SIGINT);
		parse_json(&s->out);
		/* comm is the script's name; sh runs "exit 0" itself, no other exec */
		expect_event(ev_one(pid, "#!/bin/sh script"),
			     &WANT(.pid = pid, .ppid = g_self, .comm = "ms-script.sh",
				   .filename = path, .argv = ran));
	}
}

/*
 * The path and argv strings are in a file-backed page the process has never touched (like
 * string literals in a freshly forked child): the kernel faults them in when it copies them,
 * after sys_enter_execve, and the exec succeeds. What minisnoop shows must still be them.
 */
struct unfaulted {
	const char *file; /* "path\0arg0\0arg1\0" */
	size_t off[2];	  /* where arg0 and arg1 start */
};

static void unfaulted_child(void *arg)
{
	const struct unfaulted *u = arg;
	char *argv[3];
	const char *p;
	int fd = open(u->file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		_exit(124);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		_exit(124);
	/* pointers only: nothing in the mapping is read before the exec */
	argv[0] = (char *)p + u->off[0];
	argv[1] = (char *)p + u->off[1];
	argv[2] = NULL;
	execve(p, argv, g_envp);
	_exit(127);
}

static void test_exec_strings_not_faulted_in(void **state)
{
	char m[64], path[PATH_MAX], content[128];
	char *argv[3];
	struct unfaulted u = {.file = path, .off = {sizeof(TRUE_PATH), sizeof(TRUE_PATH) + 5}};
	const char *args[] = {"-j", NULL};
	struct snoop *s;
	size_t len;
	pid_t pid;
	int fd;

	(void)state;
	REQUIRE_PYTHON();
	marker(m, sizeof(m), "unfaulted");
	/* "/bin/true\0true\0<marker>\0" */
	len = (size_t)snprintf(content, sizeof(content), "%s%ctrue%c%s", TRUE_PATH, 0, 0, m) + 1;
	snprintf(path, sizeof(path), "%s/strings", tmpdir());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	close(fd);
	argv[0] = "true";
	argv[1] = m;
	argv[2] = NULL;
	s = snoop_start(args);
	pid = kid_fork(unfaulted_child, &u, NULL, 0);
	kid_expect_exit(pid, 0, "exec with strings in an untouched page");
	snoop_wait_pids(s, &pid, 1, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(
	    ev_one(pid, "exec with strings in an untouched page"),
	    &WANT(.pid = pid, .ppid = g_self, .comm = "true", .filename = TRUE_PATH, .argv = argv));
}

/* ---------------------------------------------------------------------------------------- */
/* Every exec once: finding events by argument                                              */

static bool bytes_is(const struct bytes *b, const char *s)
{
	return b->n == strlen(s) && !memcmp(b->p, s, b->n);
}

static bool ev_has_arg(const struct ev *e, const char *arg)
{
	for (int a = 0; a < e->nargs; a++)
		if (bytes_is(&e->args[a], arg))
			return true;
	return false;
}

/* The one event that has arg among its args (fails when there is none or more than one). */
static const struct ev *ev_by_arg(const char *arg, const char *what)
{
	const struct ev *found = NULL;
	int n = 0;

	for (int k = 0; k < g_nevs; k++)
		if (ev_has_arg(&g_evs[k], arg)) {
			found = &g_evs[k];
			n++;
		}
	if (n != 1)
		fail_msg(
		    "%s: expected exactly 1 event with the argument '%s', minisnoop printed %d "
		    "(of %d events in all)",
		    what, arg, n, g_nevs);
	return found;
}

/* Starts minisnoop with MINISNOOP_NO_BTF=1 and checks that it says so. */
static struct snoop *snoop_start_no_btf(const char *const *args)
{
	struct start_opts o = {.no_btf_env = "1"};
	struct snoop *s = snoop_start_opts(args, &o);

	if (!buf_has(&s->err, "fork tracking"))
		fail_msg("BTF not disabled: the tracing line does not say 'fork tracking':\n%s",
			 buf_str(&s->err));
	return s;
}

/* ---------------------------------------------------------------------------------------- */
/* An exec storm: each exec reported exactly once                                           */

#define STORM_WORKERS 3
#define STORM_EACH    100 /* execs per worker */
#define STORM_BATCH   10  /* children a worker has at once */

struct storm_rec {
	pid_t pid;
	int worker, k;
};

struct storm {
	const char *base; /* exec k of worker w passes "<base>-<w>-<k>" */
	int worker, pipe_w;
};

static void storm_marker(char *buf, size_t n, const char *base, int worker, int k)
{
	snprintf(buf, n, "%s-%d-%d", base, worker, k);
}

/* STORM_EACH fork+execs of /bin/true, STORM_BATCH at a time; each child's pid on the pipe. */
static void storm_worker(void *arg)
{
	const struct storm *w = arg;
	char m[STORM_BATCH][96];
	pid_t pids[STORM_BATCH];
	int st;

	for (int k = 0; k < STORM_EACH; k += STORM_BATCH) {
		for (int b = 0; b < STORM_BATCH; b++) {
			struct storm_rec r = {.worker = w->worker, .k = k + b};
			char *argv[] = {"true", m[b], NULL};

			storm_marker(m[b], sizeof(m[b]), w->base, w->worker, k + b);
			pids[b] = r.pid = fork();
			if (r.pid == 0) {
				touch_strings(TRUE_PATH, argv);
				execve(TRUE_PATH, argv, g_envp);
				_exit(127);
			}
			if (r.pid < 0 || write(w->pipe_w, &r, sizeof(r)) != sizeof(r))
				_exit(2);
		}
		for (int b = 0; b < STORM_BATCH; b++)
			if (waitpid(pids[b], &st, 0) != pids[b] || !WIFEXITED(st) ||
			    WEXITSTATUS(st) != 0)
				_exit(3);
	}
	_exit(0);
}

static bool ev_has_arg_prefix(const struct ev *e, const char *prefix)
{
	size_t n = strlen(prefix);

	for (int a = 0; a < e->nargs; a++)
		if (e->args[a].n >= n && !memcmp(e->args[a].p, prefix, n))
			return true;
	return false;
}

/* One event per exec of the storm, exact, and no other event with the storm's marker. */
static void expect_storm_events(const struct snoop *s, const char *base,
				const struct storm_rec *recs, int n, const pid_t *workers)
{
	char prefix[80], m[96];
	int seen = 0;

	snprintf(prefix, sizeof(prefix), "%s-", base);
	for (int k = 0; k < g_nevs; k++)
		seen += ev_has_arg_prefix(&g_evs[k], prefix);
	if (seen != n)
		fail_msg("%d execs of the storm, minisnoop printed %d events of them; stderr:\n%s",
			 n, seen, buf_str(&s->err));
	for (int k = 0; k < n; k++) {
		char *argv[] = {"true", m, NULL};

		storm_marker(m, sizeof(m), base, recs[k].worker, recs[k].k);
		expect_event(ev_one(recs[k].pid, "one exec of a storm"),
			     &WANT(.pid = recs[k].pid, .ppid = workers[recs[k].worker],
				   .comm = "true", .filename = TRUE_PATH, .argv = argv));
	}
}

static void test_exec_storm_each_once(void **state)
{
	char base[64];
	const char *args[] = {"-j", NULL};
	struct storm w[STORM_WORKERS];
	struct storm_rec recs[STORM_WORKERS * STORM_EACH];
	pid_t workers[STORM_WORKERS], pids[STORM_WORKERS * STORM_EACH];
	struct snoop *s;
	ssize_t got;
	int p[2], n;

	(void)state;
	REQUIRE_PYTHON();
	marker(base, sizeof(base), "storm");
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	s = snoop_start(args);
	for (int k = 0; k < STORM_WORKERS; k++) {
		w[k] = (struct storm){.base = base, .worker = k, .pipe_w = p[1]};
		workers[k] = kid_fork(storm_worker, &w[k], &p[1], 1);
	}
	close(p[1]);
	for (int k = 0; k < STORM_WORKERS; k++)
		kid_expect_exit(workers[k], 0, "storm worker");
	/* every worker is gone: the pipe holds all records (3.6 KB) and then EOF */
	for (n = 0; (got = read(p[0], (char *)recs + n, sizeof(recs) - (size_t)n)) > 0;)
		n += (int)got;
	close(p[0]);
	n /= (int)sizeof(recs[0]);
	assert_int_equal(n, STORM_WORKERS * STORM_EACH);
	for (int k = 0; k < n; k++)
		pids[k] = recs[k].pid;
	snoop_wait_pids(s, pids, n, 3 * WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_storm_events(s, base, recs, n, workers);
}

/* ---------------------------------------------------------------------------------------- */
/* Threads of one process racing to exec: one wins, reported once with its own args         */

#define RACE_THREADS 8
#define RACE_ROUNDS  50
#define ECHO_PATH    "/bin/echo"

#define RACE_HEAD_US 150 /* the favourite's head start: losers still often get into execve */

struct race_thread {
	pthread_barrier_t *barrier;
	bool wait;    /* not the round's favourite: start a little later */
	char name[8]; /* "tN" */
	char *argv[4];
};

static void *race_thread_fn(void *arg)
{
	struct race_thread *t = arg;
	struct timespec head = {.tv_nsec = RACE_HEAD_US * 1000L};

	pthread_barrier_wait(t->barrier);
	if (t->wait)
		nanosleep(&head, NULL);
	execve(ECHO_PATH, t->argv, g_envp);
	return NULL;
}

struct race {
	const char *marker;
	long uid;      /* >= 0: as this uid and gid */
	int favourite; /* >= 0: this thread starts a little earlier than the others */
};

/*
 * RACE_THREADS threads that all execve(echo, {"echo", marker, "tN"}) at once. t0 is the main
 * thread: the last at the barrier, it would hardly ever win without a head start (favourite).
 */
static void race_child(void *arg)
{
	const struct race *r = arg;
	static struct race_thread t[RACE_THREADS];
	static pthread_barrier_t barrier;
	pthread_t id;

	if (r->uid >= 0 && !become(r->uid))
		_exit(123);
	if (pthread_barrier_init(&barrier, NULL, RACE_THREADS))
		_exit(5);
	touch_strings(ECHO_PATH, NULL);
	for (int k = 0; k < RACE_THREADS; k++) {
		t[k].barrier = &barrier;
		t[k].wait = r->favourite >= 0 && k != r->favourite;
		snprintf(t[k].name, sizeof(t[k].name), "t%d", k);
		t[k].argv[0] = "echo";
		t[k].argv[1] = (char *)r->marker;
		t[k].argv[2] = t[k].name;
		t[k].argv[3] = NULL;
		touch_strings(NULL, t[k].argv);
		if (k && pthread_create(&id, NULL, race_thread_fn, &t[k]))
			_exit(6);
	}
	race_thread_fn(&t[0]);
	/* Another thread's exec won: it ends this one. */
	sleep(5);
	_exit(8);
}

/*
 * One successful exec per round: ret 0, the process id, the args of one of the threads
 * exactly. The threads that lost may leave failed-exec events; they are not looked at.
 */
static void expect_race_round(pid_t pid, const char *m, long uid)
{
	const struct ev *won = NULL;
	char name[8] = "";
	int n = 0;

	for (int k = 0; k < g_nevs; k++)
		if (g_evs[k].ret == 0 && (g_evs[k].pid == pid || ev_has_arg(&g_evs[k], m))) {
			won = &g_evs[k];
			n++;
		}
	if (n != 1)
		fail_msg("threads of pid %d racing to exec: %d successful exec events, expected 1",
			 (int)pid, n);
	if (won->nargs == 3 && won->args[2].n == 2 && won->args[2].p[0] == 't' &&
	    won->args[2].p[1] >= '0' && won->args[2].p[1] < '0' + RACE_THREADS)
		memcpy(name, won->args[2].p, 3);
	{
		char *argv[] = {"echo", (char *)m, name, NULL};

		expect_event(won, &WANT(.pid = pid, .ppid = g_self, .uid = uid < 0 ? 0 : uid,
					.comm = "echo", .filename = ECHO_PATH, .argv = argv));
	}
}

static void race_test(long uid)
{
	static char m[RACE_ROUNDS][64];
	const char *args[] = {"-j", NULL};
	pid_t pids[RACE_ROUNDS];
	struct snoop *s;

	s = snoop_start(args);
	for (int r = 0; r < RACE_ROUNDS; r++) {
		/* odd rounds: the leader (t0) is the favourite; even rounds: a plain race */
		struct race rc = {.marker = marker(m[r], sizeof(m[r]), "race"),
				  .uid = uid,
				  .favourite = r % 2 ? 0 : -1};

		pids[r] = kid_fork(race_child, &rc, NULL, 0);
		kid_expect_exit(pids[r], 0, "threads racing to exec echo");
	}
	snoop_wait_pids(s, pids, RACE_ROUNDS, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	for (int r = 0; r < RACE_ROUNDS; r++)
		expect_race_round(pids[r], m[r], uid);
}

static void test_exec_race_threads(void **state)
{
	(void)state;
	REQUIRE_PYTHON();
	race_test(-1);
}

static void test_exec_race_threads_nobody(void **state)
{
	(void)state;
	REQUIRE_PYTHON();
	race_test(65534);
}

/* ---------------------------------------------------------------------------------------- */
/* fexecve of a memfd                                                                       */

/* Copies /bin/true into a memfd and fexecve()s it with argv. */
static void memfd_child(void *arg)
{
	char *const *argv = arg;
	int src = open(TRUE_PATH, O_RDONLY | O_CLOEXEC);
	int fd = memfd_create("ms-memfd", MFD_CLOEXEC);
	struct stat st;
	off_t off = 0;

	if (src < 0 || fd < 0 || fstat(src, &st))
		_exit(124);
	while (off < st.st_size)
		if (sendfile(fd, src, &off, (size_t)(st.st_size - off)) <= 0)
			_exit(125);
	close(src);
	touch_strings(NULL, argv);
	fexecve(fd, argv, g_envp);
	_exit(127);
}

/* The path as the kernel resolved it, "/dev/fd/N"; the args exactly; ret 0. */
static void memfd_test(bool no_btf, const char *what)
{
	char m[64], f[PATH_MAX];
	char *argv[] = {"true", (char *)marker(m, sizeof(m), "memfd"), NULL};
	const char *args[] = {"-j", NULL};
	const struct ev *e;
	struct snoop *s;
	pid_t pid;

	s = no_btf ? snoop_start_no_btf(args) : snoop_start(args);
	pid = kid_fork(memfd_child, argv, NULL, 0);
	kid_expect_exit(pid, 0, what);
	snoop_wait_pids(s, &pid, 1, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	e = ev_one(pid, what);
	/* comm after an AT_EMPTY_PATH exec depends on the kernel: not checked */
	expect_event(e, &WANT(.pid = pid, .ppid = g_self,
			      .filename = dev_fd_path(e, "", f, sizeof(f)), .argv = argv));
}

static void test_fexecve_memfd(void **state)
{
	(void)state;
	REQUIRE_PYTHON();
	memfd_test(false, "fexecve of a memfd");
}

static void test_fexecve_memfd_no_btf(void **state)
{
	(void)state;
	REQUIRE_PYTHON();
	memfd_test(true, "fexecve of a memfd (no BTF)");
}

/* ---------------------------------------------------------------------------------------- */
/* Without BTF: what sys_enter read                                                         */

static void test_no_btf_args_thread_and_failure(void **state)
{
	char m1[64], m2[64], m3[64];
	const char *missing = "/nonexistent-minisnoop-test/prog";
	char *argv[] = {"true",	     "two words",   "",
			"tab\there", "caf\xc3\xa9", (char *)marker(m1, sizeof(m1), "nobtf-args"),
			NULL};
	char *argv_thr[] = {"true", (char *)marker(m2, sizeof(m2), "nobtf-thread"), NULL};
	char *argv_bad[] = {"prog", "x y", (char *)marker(m3, sizeof(m3), "nobtf-missing"), NULL};
	const char *args[] = {"-j", NULL};
	struct snoop *s;
	pid_t pids[3], tid;

	(void)state;
	REQUIRE_PYTHON();
	s = snoop_start_no_btf(args);
	pids[0] = run_exec(TRUE_PATH, argv, 0);
	pids[1] = run_thread_exec(argv_thr, &tid);
	pids[2] = run_exec(missing, argv_bad, 127);
	snoop_wait_pids(s, pids, 3, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(ev_one(pids[0], "execve with args (no BTF)"),
		     &WANT(.pid = pids[0], .ppid = g_self, .comm = "true", .filename = TRUE_PATH,
			   .argv = argv));
	expect_thread_event(pids[1], tid, argv_thr, "exec from a non-main thread (no BTF)");
	expect_event(ev_one(pids[2], "failed exec (no BTF)"),
		     &WANT(.pid = pids[2], .ppid = g_self, .ret = -ENOENT, .comm = g_comm,
			   .filename = missing, .argv = argv_bad));
}

/* ---------------------------------------------------------------------------------------- */
/* An exec the kernel starts: a core_pattern pipe helper                                    */

#define CORE_WAIT_MS 20000 /* the helper runs asynchronously, after the crash */

/* Saves core_pattern (for core_pattern_restore) and sets it. */
static void core_pattern_set(const char *pattern)
{
	char back[256] = "";
	ssize_t n;
	int fd;

	if (g_core_saved_len > 0)
		fail_msg("%s was not restored after an earlier test", CORE_PATTERN);
	fd = open(CORE_PATTERN, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	n = read(fd, g_core_saved, sizeof(g_core_saved));
	close(fd);
	assert_true(n > 0 && n < (ssize_t)sizeof(g_core_saved));
	g_core_saved_len = n;
	fd = open(CORE_PATTERN, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	n = write(fd, pattern, strlen(pattern));
	assert_int_equal(pread(fd, back, sizeof(back) - 1, 0) > 0, 1);
	close(fd);
	if (n != (ssize_t)strlen(pattern) || strncmp(back, pattern, strlen(pattern)))
		fail_msg("could not set %s to '%s'", CORE_PATTERN, pattern);
}

/* Dies of SIGSEGV with RLIMIT_CORE unlimited: the kernel runs the core_pattern helper. */
static void crash_child(void *arg)
{
	struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
	sigset_t none;

	(void)arg;
	if (setrlimit(RLIMIT_CORE, &unlimited))
		_exit(125);
	prctl(PR_SET_DUMPABLE, 1);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGSEGV, SIG_DFL);
	kill(getpid(), SIGSEGV);
	_exit(126);
}

struct core_run {
	char helper[PATH_MAX], ids[PATH_MAX], marker[64], child_marker[80], crashed[16];
	pid_t helper_pid, helper_ppid; /* as the helper saw them ($$, $PPID) */
};

/*
 * core_pattern "|<helper> %p <marker>"; the helper (a #! script the kernel execs) writes its
 * pid and ppid to a file and runs /bin/true <marker>-child. Returns when that was reported.
 */
static void core_crash(struct snoop *s, struct core_run *c)
{
	char script[PATH_MAX + 128], pattern[PATH_MAX + 96], needle[96];
	FILE *f;
	pid_t pid;
	int st;

	marker(c->marker, sizeof(c->marker), "core");
	snprintf(c->child_marker, sizeof(c->child_marker), "%s-child", c->marker);
	snprintf(c->ids, sizeof(c->ids), "%s/ms-core.ids", tmpdir());
	unlink(c->ids);
	snprintf(script, sizeof(script),
		 "#!/bin/sh\necho \"$$ $PPID\" >'%s'\n/bin/true \"$2-child\"\nexit 0\n", c->ids);
	write_file(c->helper, sizeof(c->helper), "ms-core.sh", script, 0755);
	snprintf(pattern, sizeof(pattern), "|%s %%p %s", c->helper, c->marker);
	core_pattern_set(pattern);
	pid = kid_fork(crash_child, NULL, NULL, 0);
	st = kid_wait(pid);
	core_pattern_restore();
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSEGV || !WCOREDUMP(st))
		fail_msg("the crashing child (pid %d) did not dump core: wait status 0x%x",
			 (int)pid, st);
	snprintf(c->crashed, sizeof(c->crashed), "%d", (int)pid);
	snprintf(needle, sizeof(needle), "\"%s\"", c->child_marker);
	if (!snoop_wait_out(s, needle, CORE_WAIT_MS))
		fail_msg("the core_pattern helper's child (/bin/true %s) was not reported within "
			 "%d ms; minisnoop printed:\n%s",
			 c->child_marker, CORE_WAIT_MS, buf_str(&s->out));
	f = fopen(c->ids, "re");
	if (!f || fscanf(f, "%d %d", &c->helper_pid, &c->helper_ppid) != 2)
		fail_msg("the core_pattern helper did not write its ids to %s", c->ids);
	fclose(f);
}

/* The one event whose path is the helper's. */
static const struct ev *core_helper_event(const struct core_run *c)
{
	const struct ev *h = NULL;
	int n = 0;

	for (int k = 0; k < g_nevs; k++)
		if (bytes_is(&g_evs[k].filename, c->helper)) {
			h = &g_evs[k];
			n++;
		}
	if (n != 1)
		fail_msg(
		    "expected exactly 1 event of the core_pattern helper %s, minisnoop printed "
		    "%d",
		    c->helper, n);
	return h;
}

/* The helper's child: its own exec, with the helper's pid as its ppid. */
static void expect_core_child(const struct core_run *c, pid_t helper)
{
	const struct ev *e = ev_by_arg(c->child_marker, "the core_pattern helper's child");
	char *argv[] = {"/bin/true", (char *)c->child_marker, NULL};

	expect_event(ev_one((pid_t)e->pid, "the core_pattern helper's child"),
		     &WANT(.pid = (pid_t)e->pid, .ppid = helper, .comm = "true",
			   .filename = TRUE_PATH, .argv = argv));
}

/* The kernel starts a core_pattern helper by its path from init's root: inside a chroot the
 * test's helper is not there, and no test of it can run. */
static void require_init_root(void)
{
	char line[1024], root[512], point[512];
	bool chrooted = false;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	/* a chroot's "/" is a directory of some file system, not the root of one */
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %511s %511s", root, point) == 2 &&
		    !strcmp(point, "/"))
			chrooted = strcmp(root, "/") != 0;
	if (f)
		fclose(f);
	if (chrooted) {
		print_message(
		    "[  SKIP    ] in a chroot: the kernel would look for the core_pattern "
		    "helper in init's root\n");
		skip();
	}
}

static void test_core_pattern_helper(void **state)
{
	const char *args[] = {"-j", NULL};
	struct core_run c;
	struct snoop *s;

	(void)state;
	REQUIRE_PYTHON();
	require_init_root();
	s = snoop_start(args);
	core_crash(s, &c);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	{
		/* argv of the new image: the kernel's {helper, pid, marker} behind the #! */
		char *ran[] = {"/bin/sh", c.helper, c.crashed, c.marker, NULL};

		expect_event(core_helper_event(&c),
			     &WANT(.pid = c.helper_pid, .ppid = c.helper_ppid, .comm = "ms-core.sh",
				   .filename = c.helper, .argv = ran));
	}
	expect_core_child(&c, c.helper_pid);
}

/*
 * Without BTF the helper's exec did not come through a syscall: its args are unknown (none,
 * or exactly the new image's), and it says truncated. Its ppid is not checked: fork tracking
 * records the kworker that forked the helper, not its real parent (kthreadd, CLONE_PARENT).
 */
static void test_core_pattern_helper_no_btf(void **state)
{
	const char *args[] = {"-j", NULL};
	const struct ev *h;
	struct core_run c;
	struct snoop *s;

	(void)state;
	REQUIRE_PYTHON();
	require_init_root();
	s = snoop_start_no_btf(args);
	core_crash(s, &c);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	h = core_helper_event(&c);
	{
		char *ran[] = {"/bin/sh", c.helper, c.crashed, c.marker, NULL};

		expect_event(h, &WANT(.pid = c.helper_pid, .ppid = (pid_t)h->ppid,
				      .comm = "ms-core.sh", .filename = c.helper, .argv = ran,
				      .nargs = h->nargs ? 4 : 0, .trunc = 1));
	}
	expect_core_child(&c, c.helper_pid);
}

/* ---------------------------------------------------------------------------------------- */
/* Filters                                                                                  */

static void test_filter_uid(void **state)
{
	char m1[64], m2[64];
	char *argv_root[] = {"true", (char *)marker(m1, sizeof(m1), "root"), NULL};
	char *argv_nobody[] = {"true", (char *)marker(m2, sizeof(m2), "nobody"), NULL};
	struct exec_spec nobody = SPEC(.path = TRUE_PATH, .argv = argv_nobody, .uid = 65534);
	const char *args[] = {"-j", "-u", "65534", NULL};
	struct snoop *s;
	pid_t pids[2];

	(void)state;
	REQUIRE_PYTHON();
	s = snoop_start(args);
	pids[0] = run_exec(TRUE_PATH, argv_root, 0);
	pids[1] = run_spec(&nobody, 0);
	snoop_wait_pids(s, &pids[1], 1, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_no_event(pids[0], "-u 65534, exec as root");
	expect_event(ev_one(pids[1], "-u 65534, exec as 65534"),
		     &WANT(.pid = pids[1], .ppid = g_self, .uid = 65534, .comm = "true",
			   .filename = TRUE_PATH, .argv = argv_nobody));
	for (int k = 0; k < g_nevs; k++)
		if (g_evs[k].uid != 65534)
			fail_msg("-u 65534 printed an event of uid %ld (pid %ld)", g_evs[k].uid,
				 g_evs[k].pid);
}

static void test_filter_fails(void **state)
{
	char m1[64], m2[64];
	const char *missing = "/nonexistent-minisnoop-test/prog";
	char *argv_ok[] = {"true", (char *)marker(m1, sizeof(m1), "ok"), NULL};
	char *argv_bad[] = {"prog", (char *)marker(m2, sizeof(m2), "missing"), NULL};
	const char *args[] = {"-j", "-x", NULL};
	struct snoop *s;
	pid_t pids[2];

	(void)state;
	REQUIRE_PYTHON();
	s = snoop_start(args);
	pids[0] = run_exec(TRUE_PATH, argv_ok, 0);
	pids[1] = run_exec(missing, argv_bad, 127);
	snoop_wait_pids(s, &pids[1], 1, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_no_event(pids[0], "-x, successful exec");
	expect_event(ev_one(pids[1], "-x, failed exec"),
		     &WANT(.pid = pids[1], .ppid = g_self, .ret = -ENOENT, .comm = g_comm,
			   .filename = missing, .argv = argv_bad));
	for (int k = 0; k < g_nevs; k++)
		if (g_evs[k].ret >= 0)
			fail_msg("-x printed a successful exec (pid %ld)", g_evs[k].pid);
}

static void test_filter_name(void **state)
{
	char m1[64], m2[64];
	char *argv_true[] = {"true", (char *)marker(m1, sizeof(m1), "true"), NULL};
	char *argv_echo[] = {"echo", (char *)marker(m2, sizeof(m2), "echo"), NULL};
	const char *args[] = {"-j", "-n", "^tr.e$", NULL};
	struct snoop *s;
	pid_t pids[2];

	(void)state;
	REQUIRE_PYTHON();
	s = snoop_start(args);
	pids[0] = run_exec(TRUE_PATH, argv_true, 0);
	pids[1] = run_exec("/bin/echo", argv_echo, 0);
	snoop_wait_pids(s, pids, 1, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(ev_one(pids[0], "-n '^tr.e$', true"),
		     &WANT(.pid = pids[0], .ppid = g_self, .comm = "true", .filename = TRUE_PATH,
			   .argv = argv_true));
	expect_no_event(pids[1], "-n '^tr.e$', echo");
	for (int k = 0; k < g_nevs; k++)
		if (g_evs[k].comm.n != 4 || memcmp(g_evs[k].comm.p, "true", 4))
			fail_msg("-n '^tr.e$' printed comm '%s'", (char *)g_evs[k].comm.p);
}

static void test_filter_line(void **state)
{
	char m[64], pat[96];
	char *argv_yes[] = {"true", (char *)marker(m, sizeof(m), "line"), "beta", NULL};
	char *argv_no[] = {"true", m, "gamma", NULL};
	char *argv_no2[] = {"true", "beta", m, NULL};
	const char *args[] = {"-j", "-l", pat, NULL};
	struct snoop *s;
	pid_t pids[3];

	(void)state;
	REQUIRE_PYTHON();
	/* the argument line is the args joined with spaces: this spans two of them */
	snprintf(pat, sizeof(pat), "%s beta$", m);
	s = snoop_start(args);
	pids[0] = run_exec(TRUE_PATH, argv_yes, 0);
	pids[1] = run_exec(TRUE_PATH, argv_no, 0);
	pids[2] = run_exec(TRUE_PATH, argv_no2, 0);
	snoop_wait_pids(s, pids, 1, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(ev_one(pids[0], "-l, matching"),
		     &WANT(.pid = pids[0], .ppid = g_self, .comm = "true", .filename = TRUE_PATH,
			   .argv = argv_yes));
	expect_no_event(pids[1], "-l, not matching");
	expect_no_event(pids[2], "-l, not matching (other order)");
	assert_int_equal(g_nevs, 1);
}

/* -n and -l together: an event must match both. */
static void test_filter_name_and_line(void **state)
{
	char m[64], pat[80];
	char *argv_true[] = {"true", (char *)marker(m, sizeof(m), "both"), NULL};
	char *argv_echo[] = {"echo", m, NULL};
	char *argv_other[] = {"true", "no marker here", NULL};
	const char *args[] = {"-j", "-n", "^true$", "-l", pat, NULL};
	struct snoop *s;
	pid_t pids[3];

	(void)state;
	REQUIRE_PYTHON();
	snprintf(pat, sizeof(pat), "%s", m);
	s = snoop_start(args);
	pids[0] = run_exec(TRUE_PATH, argv_true, 0);
	pids[1] = run_exec("/bin/echo", argv_echo, 0);
	pids[2] = run_exec(TRUE_PATH, argv_other, 0);
	snoop_wait_pids(s, pids, 1, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(ev_one(pids[0], "-n and -l, both match"),
		     &WANT(.pid = pids[0], .ppid = g_self, .comm = "true", .filename = TRUE_PATH,
			   .argv = argv_true));
	expect_no_event(pids[1], "-n '^true$' -l MARKER: echo MARKER (name does not match)");
	expect_no_event(pids[2], "-n '^true$' -l MARKER: true without the marker");
}

static void test_filter_ppid(void **state)
{
	char m1[64], m2[64], m3[64], ppid[16];
	char *argv_c[] = {"true", (char *)marker(m1, sizeof(m1), "child"), NULL};
	char *argv_g[] = {"true", (char *)marker(m2, sizeof(m2), "grandchild"), NULL};
	char *argv_d[] = {"true", (char *)marker(m3, sizeof(m3), "direct"), NULL};
	const char *args[] = {"-j", "-P", ppid, NULL};
	struct snoop *s;
	pid_t c, g, d;

	(void)state;
	REQUIRE_PYTHON();
	snprintf(ppid, sizeof(ppid), "%d", (int)g_self);
	s = snoop_start(args);
	c = run_family(argv_c, argv_g, &g);
	d = run_exec(TRUE_PATH, argv_d, 0);
	snoop_wait_pids(s, (pid_t[]){c, d}, 2, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(ev_one(c, "-P: child"), &WANT(.pid = c, .ppid = g_self, .comm = "true",
						   .filename = TRUE_PATH, .argv = argv_c));
	expect_event(ev_one(d, "-P: another child"), &WANT(.pid = d, .ppid = g_self, .comm = "true",
							   .filename = TRUE_PATH, .argv = argv_d));
	expect_no_event(g, "-P: grandchild");
	for (int k = 0; k < g_nevs; k++)
		if (g_evs[k].ppid != g_self)
			fail_msg("-P %d printed an event with ppid %ld", (int)g_self,
				 g_evs[k].ppid);
}

static void test_filter_cgroup(void **state)
{
	char root[PATH_MAX], m1[64], m2[64];
	char *argv_in[] = {"true", (char *)marker(m1, sizeof(m1), "in-cgroup"), NULL};
	char *argv_out[] = {"true", (char *)marker(m2, sizeof(m2), "outside"), NULL};
	const char *args[] = {"-j", "-c", g_cgdir, NULL};
	struct exec_spec in;
	struct snoop *s;
	pid_t pids[2];

	(void)state;
	REQUIRE_PYTHON();
	if (!cgroup2_mount(root, sizeof(root))) {
		print_message("[  SKIP    ] no cgroup2 mount in /proc/mounts\n");
		skip();
	}
	snprintf(g_cgdir, sizeof(g_cgdir), "%s/minisnoop-test-%d", root, (int)g_self);
	if (mkdir(g_cgdir, 0755) && errno != EEXIST) {
		print_message("[  SKIP    ] cannot make a cgroup under %s: %s\n", root,
			      strerror(errno));
		g_cgdir[0] = 0;
		skip();
	}
	in = SPEC(.path = TRUE_PATH, .argv = argv_in, .cgroup = g_cgdir);
	s = snoop_start(args);
	pids[1] = run_exec(TRUE_PATH, argv_out, 0);
	pids[0] = run_spec(&in, 0);
	snoop_wait_pids(s, pids, 1, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(ev_one(pids[0], "-c: process in the cgroup"),
		     &WANT(.pid = pids[0], .ppid = g_self, .comm = "true", .filename = TRUE_PATH,
			   .argv = argv_in));
	expect_no_event(pids[1], "-c: process outside the cgroup");
	/* Nothing else is in that new cgroup. */
	assert_int_equal(g_nevs, 1);
}

/* ---------------------------------------------------------------------------------------- */
/* Ending: --count, --duration, signals, closed stdout                                      */

/* A child pinned to one CPU that execs TRUE_PATH with the marker, n times. */
struct pinned {
	int cpu, n;
	char *marker;
};

static void pinned_storm(void *arg)
{
	const struct pinned *p = arg;
	char *argv[] = {"true", p->marker, NULL};
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(p->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		_exit(3);
	touch_strings(TRUE_PATH, argv);
	for (int k = 0; k < p->n; k++) {
		pid_t pid = fork();

		if (pid == 0) {
			execv(TRUE_PATH, argv);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, NULL, 0) != pid)
			_exit(4);
	}
	_exit(0);
}

/* Each CPU's ring is in order; the output must be in time order across them too. */
static void test_events_in_time_order_across_cpus(void **state)
{
	char m[64];
	const char *args[] = {"-j", "-l", NULL, NULL};
	struct pinned a = {.cpu = 0, .n = 150}, b = {.cpu = 1, .n = 150};
	struct snoop *s;
	const char *p, *prev = NULL;
	pid_t pa, pb;
	int n = 0;

	(void)state;
	REQUIRE_PYTHON();
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		print_message("skipped: needs two online CPUs\n");
		skip();
	}
	a.marker = b.marker = (char *)marker(m, sizeof(m), "order");
	args[2] = m;
	s = snoop_start(args);
	pa = kid_fork(pinned_storm, &a, NULL, 0);
	pb = kid_fork(pinned_storm, &b, NULL, 0);
	kid_expect_exit(pa, 0, "pinned storm on CPU 0");
	kid_expect_exit(pb, 0, "pinned storm on CPU 1");
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	assert_int_equal(g_nevs, 300);
	/* RFC 3339 times of one format: string order is time order. */
	for (p = buf_str(&s->out); (p = strstr(p, "\"time\":\"")) != NULL; p += 8, n++) {
		if (prev && strncmp(p, prev, 36) < 0)
			fail_msg("event %d is older than the one before it:\n%.36s\n%.36s", n, prev,
				 p);
		prev = p;
	}
	assert_int_equal(n, 300);
}

static void test_count_exits(void **state)
{
	char m[64];
	char *argv[] = {"true", (char *)marker(m, sizeof(m), "count"), NULL};
	const char *args[] = {"-j", "--count", "3", "-l", m, NULL};
	struct snoop *s;
	pid_t pids[5];
	int st;

	(void)state;
	REQUIRE_PYTHON();
	s = snoop_start(args);
	for (int k = 0; k < 5; k++)
		pids[k] = run_exec(TRUE_PATH, argv, 0);
	st = snoop_finish(s, 5000);
	if (st == -1)
		fail_msg("--count 3 did not exit by itself within 5 s after 5 matching execs; "
			 "stderr:\n%s",
			 buf_str(&s->err));
	expect_exit0(s, "--count 3");
	parse_json(&s->out);
	assert_int_equal(g_nevs, 3);
	for (int k = 0; k < g_nevs; k++) {
		int ours = 0;

		for (int j = 0; j < 5; j++)
			ours += g_evs[k].pid == pids[j];
		if (ours != 1 || ev_count((pid_t)g_evs[k].pid) != 1)
			fail_msg("--count: event of pid %ld is not one of ours or is repeated",
				 g_evs[k].pid);
		expect_event(&g_evs[k], &WANT(.pid = (pid_t)g_evs[k].pid, .ppid = g_self,
					      .comm = "true", .filename = TRUE_PATH, .argv = argv));
	}
	if (!buf_has(&s->err, "minisnoop: 3 events, 0 lost\n"))
		fail_msg("--count 3: no summary 'minisnoop: 3 events, 0 lost'; stderr:\n%s",
			 buf_str(&s->err));
}

static void test_duration_exits(void **state)
{
	const char *args[] = {"-j", "--duration", "1", NULL};
	struct snoop *s;
	uint64_t t0;
	regex_t re;
	int st;

	(void)state;
	REQUIRE_KERNEL();
	s = snoop_start(args);
	t0 = now_ms();
	st = snoop_finish(s, 5000);
	if (st == -1)
		fail_msg("--duration 1 still ran after 5 s");
	expect_exit0(s, "--duration 1");
	if (now_ms() - t0 > 3000)
		fail_msg("--duration 1 took %llu ms", (unsigned long long)(now_ms() - t0));
	assert_int_equal(regcomp(&re, "minisnoop: [0-9]+ events, 0 lost\n", REG_EXTENDED), 0);
	st = regexec(&re, buf_str(&s->err), 0, NULL, 0);
	regfree(&re);
	if (st)
		fail_msg("--duration: no summary line; stderr:\n%s", buf_str(&s->err));
}

static void signal_test(int sig)
{
	char m[64];
	char *argv[] = {"true", "signal test", (char *)marker(m, sizeof(m), "signal"), NULL};
	const char *args[] = {"-j", "-l", m, NULL};
	struct snoop *s;
	pid_t pids[3];

	s = snoop_start(args);
	for (int k = 0; k < 3; k++)
		pids[k] = run_exec(TRUE_PATH, argv, 0);
	/* No waiting for the output: what the kernel already has must come out on exit. */
	snoop_stop(s, sig);
	parse_json(&s->out);
	for (int k = 0; k < 3; k++)
		expect_event(ev_one(pids[k], "event before the signal"),
			     &WANT(.pid = pids[k], .ppid = g_self, .comm = "true",
				   .filename = TRUE_PATH, .argv = argv));
	assert_int_equal(g_nevs, 3);
	if (!buf_has(&s->err, "minisnoop: 3 events, 0 lost\n"))
		fail_msg("after signal %d: no summary 'minisnoop: 3 events, 0 lost'; stderr:\n%s",
			 sig, buf_str(&s->err));
}

static void test_sigint(void **state)
{
	(void)state;
	REQUIRE_PYTHON();
	signal_test(SIGINT);
}

static void test_sigterm(void **state)
{
	(void)state;
	REQUIRE_PYTHON();
	signal_test(SIGTERM);
}

/* A burst of execs whose records are 3 KB each, faster than a one-page ring is read. */
static void burst_big_execs(int n)
{
	pid_t burst = fork();
	int st;

	assert_true(burst >= 0);
	if (burst == 0) {
		static char big[3000];
		char *argv[] = {"true", big, NULL};

		memset(big, 'b', sizeof(big) - 1);
		for (int k = 0; k < n; k++) {
			pid_t c = fork();

			if (c == 0) {
				execve(TRUE_PATH, argv, g_envp);
				_exit(127);
			}
			waitpid(c, &st, 0);
		}
		_exit(0);
	}
	assert_int_equal(waitpid(burst, &st, 0), burst);
}

/* Losses said while tracing never exceed the summary's count, and the last one said equals
 * it: the live reports and the summary count the same thing. */
static void test_losses_live_and_summary_agree(void **state)
{
	const char *args[] = {"-j", "--pages", "1", NULL};
	unsigned long long live = 0, v, total = 0, events;
	const char *p;
	struct snoop *s;

	(void)state;
	REQUIRE_KERNEL();
	s = snoop_start(args);
	burst_big_execs(400);
	usleep(1200 * 1000); /* past a live report */
	snoop_stop(s, SIGINT);
	for (p = buf_str(&s->err); *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		char line[256];

		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
		if (strstr(line, " events lost so far") &&
		    sscanf(line, "minisnoop: %llu events lost", &v) == 1) {
			if (v < live)
				fail_msg("live loss counts went down (%llu after %llu)", v, live);
			live = v;
		} else if (sscanf(line, "minisnoop: %llu events, %llu lost", &events, &v) == 2) {
			total = v;
		}
	}
	if (!total || live > total)
		fail_msg("lost %llu in the summary, %llu said while tracing (want a loss, and "
			 "live <= summary); stderr:\n%s",
			 total, live, buf_str(&s->err));
	/* the last count said, live or at the end, is the summary's */
	p = strstr(buf_str(&s->err), " events lost (rings full");
	while (p && p > buf_str(&s->err) && p[-1] != ' ')
		p--;
	if (p && sscanf(p, "%llu", &v) == 1)
		live = v;
	if (live != total)
		fail_msg("losses said: %llu, the summary says %llu; stderr:\n%s", live, total,
			 buf_str(&s->err));
}

/* Like `minisnoop | head -n 3`: the reader goes away after 3 lines. */
static void test_closed_stdout(void **state)
{
	char m[64];
	char *argv[] = {"true", (char *)marker(m, sizeof(m), "head"), NULL};
	const char *args[] = {"-l", m, NULL};
	struct snoop *s;
	uint64_t t0;

	(void)state;
	REQUIRE_KERNEL();
	s = snoop_start(args);
	for (int k = 0; k < 20 && count_lines(&s->out) < 3; k++) {
		int before = count_lines(&s->out);
		uint64_t until;

		run_exec(TRUE_PATH, argv, 0);
		until = now_ms() + 2000;
		while (count_lines(&s->out) == before && now_ms() < until && pump(s, 50))
			;
	}
	if (count_lines(&s->out) < 3)
		fail_msg("fewer than 3 lines (header and 2 events) came; stdout:\n%s",
			 buf_str(&s->out));
	close(s->out_fd);
	s->out_fd = -1;
	/* It notices at its next write: keep execing until it is gone. */
	t0 = now_ms();
	while (!snoop_exited(s) && now_ms() - t0 < 5000) {
		run_exec(TRUE_PATH, argv, 0);
		pump(s, 100);
	}
	if (!snoop_exited(s))
		fail_msg("still running 5 s after its stdout was closed; stderr:\n%s",
			 buf_str(&s->err));
	snoop_finish(s, 2000);
	expect_exit0(s, "closed stdout");
	if (buf_has(&s->err, " events, "))
		fail_msg("a summary was printed although stdout was closed; stderr:\n%s",
			 buf_str(&s->err));
}

/* ---------------------------------------------------------------------------------------- */
/* Text output                                                                              */

/* The line of stdout equal to want, or fail showing the lines that contain hint. */
static void expect_line(const struct buf *out, const char *want, const char *hint)
{
	const char *p = buf_str(out), *nl;
	size_t wl = strlen(want);

	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		if ((size_t)(nl - p) == wl && !memcmp(p, want, wl))
			return;
	}
	print_error("expected the line:\n[%s]\n", want);
	for (p = buf_str(out); *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		if (memmem(p, (size_t)(nl - p), hint, strlen(hint)))
			print_error("got:\n[%.*s]\n", (int)(nl - p), p);
	}
	fail_msg("no such line in the text output");
}

static void expect_no_raw_controls(const struct buf *out)
{
	for (size_t i = 0; i < out->len; i++) {
		unsigned char c = (unsigned char)out->p[i];

		if ((c < 0x20 && c != '\n') || c == 0x7f)
			fail_msg("raw control byte 0x%02x at offset %zu of the text output", c, i);
	}
}

static const char header[] = "PCOMM            PID     PPID    RET ARGS\n";

static void test_text_escaping(void **state)
{
	char m[64], want[1024];
	char *argv[] = {"true",
			"a\nb",
			"\x1b[31mred\x1b[0m",
			"t\tab\rcr",
			"back\\slash",
			"\xff\xfe",
			"caf\xc3\xa9",
			"",
			"\x01\x7f",
			(char *)marker(m, sizeof(m), "text"),
			NULL};
	const char *args[] = {"-l", m, NULL};
	struct snoop *s;
	pid_t pid;

	(void)state;
	REQUIRE_KERNEL();
	s = snoop_start(args);
	pid = run_exec(TRUE_PATH, argv, 0);
	snoop_wait_out(s, m, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	if (s->out.len < strlen(header) || memcmp(s->out.p, header, strlen(header)))
		fail_msg("text output does not start with the header line; stdout:\n%s",
			 buf_str(&s->out));
	snprintf(want, sizeof(want), "%-16s %-7d %-7d %3d %s", "true", (int)pid, (int)g_self, 0,
		 "/bin/true a\\nb \\x1b[31mred\\x1b[0m t\\tab\\rcr back\\\\slash \\xff\\xfe "
		 "caf\xc3\xa9  \\x01\\x7f ");
	strcat(want, m);
	expect_line(&s->out, want, m);
	expect_no_raw_controls(&s->out);
	assert_int_equal(count_lines(&s->out), 2);
}

static void test_text_quote(void **state)
{
	char m[64], want[1024];
	char *argv[] = {"true",
			"a b",
			"say \"hi\"",
			"",
			"back\\slash",
			"\x1b",
			(char *)marker(m, sizeof(m), "quote"),
			NULL};
	const char *args[] = {"-q", "-l", m, NULL};
	struct snoop *s;
	pid_t pid;

	(void)state;
	REQUIRE_KERNEL();
	s = snoop_start(args);
	pid = run_exec(TRUE_PATH, argv, 0);
	snoop_wait_out(s, m, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	snprintf(want, sizeof(want), "%-16s %-7d %-7d %3d %s\"%s\"", "true", (int)pid, (int)g_self,
		 0, "\"/bin/true\" \"a b\" \"say \\\"hi\\\"\" \"\" \"back\\\\slash\" \"\\x1b\" ",
		 m);
	expect_line(&s->out, want, m);
	expect_no_raw_controls(&s->out);
}

static void test_text_failed_and_columns(void **state)
{
	char m1[64], m2[64], want[1024], rest[512];
	char *argv_bad[] = {"x", "arg", (char *)marker(m1, sizeof(m1), "failed"), NULL};
	char *argv_nobody[] = {"true", (char *)marker(m2, sizeof(m2), "columns"), NULL};
	struct exec_spec nobody = SPEC(.path = TRUE_PATH, .argv = argv_nobody, .uid = 65534);
	const char *missing = "/nonexistent-minisnoop-test/x";
	char pat[32];
	const char *args[] = {"-T", "-t", "-U", "-l", pat, NULL};
	const char *p, *nl;
	struct snoop *s;
	regex_t re;
	pid_t bad, nob;
	bool found = false;

	(void)state;
	REQUIRE_KERNEL();
	snprintf(pat, sizeof(pat), "mstest-%d-", (int)g_self);
	s = snoop_start(args);
	bad = run_exec(missing, argv_bad, 127);
	nob = run_spec(&nobody, 0);
	snoop_wait_out(s, m2, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	snprintf(want, sizeof(want), "TIME     TIME(s) UID   %s", header);
	if (s->out.len < strlen(want) || memcmp(s->out.p, want, strlen(want)))
		fail_msg("header with -T -t -U: expected [%s]; stdout:\n%s", want,
			 buf_str(&s->out));
	/* the failed exec: ret -2 and our comm */
	snprintf(rest, sizeof(rest), "%-16s %-7d %-7d %3d %s arg %s", g_comm, (int)bad, (int)g_self,
		 -2, missing, m1);
	assert_int_equal(regcomp(&re,
				 "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9] [0-9]+\\.[0-9]{3} *"
				 "(0|65534) +$",
				 REG_EXTENDED),
			 0);
	for (int which = 0; which < 2; which++) {
		if (which == 1)
			snprintf(rest, sizeof(rest), "%-16s %-7d %-7d %3d %s %s", "true", (int)nob,
				 (int)g_self, 0, TRUE_PATH, m2);
		found = false;
		for (p = buf_str(&s->out); *p && !found; p = nl + 1) {
			char prefix[128];
			size_t len, rl = strlen(rest);

			nl = strchr(p, '\n');
			if (!nl)
				break;
			len = (size_t)(nl - p);
			if (len <= rl || len - rl >= sizeof(prefix) || memcmp(nl - rl, rest, rl))
				continue;
			memcpy(prefix, p, len - rl);
			prefix[len - rl] = 0;
			if (regexec(&re, prefix, 0, NULL, 0))
				fail_msg("columns before PCOMM look wrong: [%s]", prefix);
			if (!strstr(prefix, which ? " 65534 " : " 0 "))
				fail_msg("UID column: [%s], expected %s", prefix,
					 which ? "65534" : "0");
			found = true;
		}
		if (!found) {
			regfree(&re);
			fail_msg("no line ending in [%s]; stdout:\n%s", rest, buf_str(&s->out));
		}
	}
	regfree(&re);
}

/* ---------------------------------------------------------------------------------------- */
/* BPF objects, usage, subcommands, tracefs                                                 */

static int bpf_get_fd_by_id(int cmd, uint32_t id)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	if (cmd == BPF_PROG_GET_FD_BY_ID)
		a.prog_id = id;
	else
		a.map_id = id;
	return (int)syscall(SYS_bpf, cmd, &a, sizeof(a));
}

/* prog_id / map_id of every bpf fd of pid, from /proc/PID/fdinfo. */
static int bpf_ids(pid_t pid, const char *key, uint32_t *ids, int max)
{
	char path[64], line[256];
	int n = 0;

	for (int fd = 0; fd < 1024; fd++) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, key, strlen(key)) && n < max) {
				uint32_t id = (uint32_t)strtoul(line + strlen(key), NULL, 10);
				bool dup = false;

				for (int k = 0; k < n; k++)
					dup |= ids[k] == id;
				if (!dup)
					ids[n++] = id;
			}
		fclose(f);
	}
	return n;
}

static void test_no_bpf_objects_left(void **state)
{
	const char *args[] = {"-j", NULL};
	/* execveat_exit is execve_exit's program, loaded once (the same code) */
	static const char *const names[] = {"exec", "execve_enter", "execve_exit",
					    "execveat_enter"};
	uint32_t progs[32], maps[32];
	int np, nm, seen = 0;
	struct snoop *s;
	uint64_t deadline;

	(void)state;
	REQUIRE_KERNEL();
	s = snoop_start(args);
	np = bpf_ids(s->pid, "prog_id:", progs, 32);
	nm = bpf_ids(s->pid, "map_id:", maps, 32);
	if (np < 4 || nm < 1)
		fail_msg("while tracing, minisnoop holds %d programs and %d maps (want >= 4, >= 1)",
			 np, nm);
	for (int k = 0; k < np; k++) {
		int fd = bpf_get_fd_by_id(BPF_PROG_GET_FD_BY_ID, progs[k]);
		struct bpf_prog_info info;
		union bpf_attr a;

		assert_true(fd >= 0);
		memset(&info, 0, sizeof(info));
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = (uint32_t)fd;
		a.info.info_len = sizeof(info);
		a.info.info = (uint64_t)(uintptr_t)&info;
		assert_int_equal(syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)), 0);
		close(fd);
		for (int j = 0; j < 4; j++)
			if (!strcmp(info.name, names[j]))
				seen |= 1 << j;
	}
	if (seen != 15)
		fail_msg("programs exec, execve_enter, execve_exit, execveat_enter not all "
			 "loaded (mask %x)",
			 seen);
	snoop_stop(s, SIGINT);
	/* Freeing is deferred a little in the kernel. */
	deadline = now_ms() + 3000;
	for (int k = 0; k < np + nm; k++) {
		int cmd = k < np ? BPF_PROG_GET_FD_BY_ID : BPF_MAP_GET_FD_BY_ID;
		uint32_t id = k < np ? progs[k] : maps[k - np];
		int fd;

		while ((fd = bpf_get_fd_by_id(cmd, id)) >= 0 && now_ms() < deadline) {
			close(fd);
			usleep(20000);
		}
		if (fd >= 0) {
			close(fd);
			fail_msg("%s id %u is still loaded 3 s after minisnoop exited",
				 k < np ? "program" : "map", id);
		}
		assert_int_equal(errno, ENOENT);
	}
}

static void test_bad_flags(void **state)
{
	static const char *const cases[][4] = {
	    {"--bogus", NULL},
	    {"-Z", NULL},
	    {"--max-args", "0", NULL},
	    {"--max-args", "129", NULL},
	    {"--max-args", "x", NULL},
	    {"--pages", "3", NULL},
	    {"--count", "0", NULL},
	    {"--duration", "-1", NULL},
	    {"-P", "abc", NULL},
	    {"-u", "no-such-user-minisnoop", NULL},
	    {"-n", "(", NULL},
	    {"-l", "[", NULL},
	    {"unexpected", NULL},
	    {"--verifier-log=7", NULL},
	    {"-u", NULL},
	    {"--max-args", NULL},
	};

	(void)state;
	REQUIRE_KERNEL();
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct snoop *s = run_minisnoop(cases[k], 5000);

		if (!WIFEXITED(s->status) || WEXITSTATUS(s->status) != 2)
			fail_msg("minisnoop %s %s: wait status 0x%x, expected exit 2; stderr:\n%s",
				 cases[k][0], cases[k][1] ? cases[k][1] : "", s->status,
				 buf_str(&s->err));
		/* The message is ours, one line first: not getopt's, which names argv[0]. */
		if (strncmp(buf_str(&s->err), "minisnoop: ", 11))
			fail_msg("minisnoop %s: stderr does not start with 'minisnoop: ':\n%s",
				 cases[k][0], buf_str(&s->err));
		if (!buf_has(&s->err, "usage: minisnoop"))
			fail_msg("minisnoop %s %s: no usage line on stderr:\n%s", cases[k][0],
				 cases[k][1] ? cases[k][1] : "", buf_str(&s->err));
		if (s->out.len)
			fail_msg("minisnoop %s: wrote to stdout:\n%s", cases[k][0],
				 buf_str(&s->out));
		if (buf_has(&s->err, "tracing"))
			fail_msg("minisnoop %s: started tracing", cases[k][0]);
		cleanup_all();
	}
}

static void test_check(void **state)
{
	static const char *const want[] = {"tracefs ",
					   "tracepoint sys_enter_execve ",
					   "tracepoint sys_exit_execve ",
					   "tracepoint sys_enter_execveat",
					   "tracepoint sys_exit_execveat",
					   "BTF ",
					   "bpf() usable ",
					   "self-test "};
	const char *args[] = {"check", NULL};
	struct snoop *s;

	(void)state;
	REQUIRE_KERNEL();
	s = run_minisnoop(args, 10000);
	expect_exit0(s, "minisnoop check");
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		const char *p = buf_str(&s->out), *nl;
		bool ok = false;

		for (; *p; p = nl + 1) {
			nl = strchr(p, '\n');
			if (!nl)
				nl = p + strlen(p) - 1;
			if (!strncmp(p, want[k], strlen(want[k]))) {
				char line[512];

				snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
				ok = strstr(line, " ok ") != NULL;
				if (!ok)
					fail_msg("check: line not ok here: [%s]", line);
				break;
			}
		}
		if (!ok)
			fail_msg("check: no line for '%s'; stdout:\n%s", want[k], buf_str(&s->out));
	}
}

/* The test-only override: argv read where envp is, mm's environment taken for argv. */
static void skew_layout_env(void)
{
	setenv("MINISNOOP_TEST_LAYOUT", "skew", 1);
}

/* check's self-test fails, and says so, when the layout it was given is wrong. */
static void test_check_selftest_catches_a_wrong_layout(void **state)
{
	const char *args[] = {"check", NULL};
	struct start_opts o = {.pre_exec = skew_layout_env};
	struct snoop *s;

	(void)state;
	REQUIRE_KERNEL();
	s = snoop_spawn(args, &o);
	if (snoop_finish(s, 20000) == -1)
		fail_msg("check did not exit; stderr:\n%s", buf_str(&s->err));
	if (!WIFEXITED(s->status) || WEXITSTATUS(s->status) != 1 ||
	    !buf_has(&s->out, "self-test ") || !buf_has(&s->out, "canary exec misreported"))
		fail_msg("check with a skewed layout: wait status 0x%x, want exit 1 and the "
			 "self-test missing; stdout:\n%s",
			 s->status, buf_str(&s->out));
}

static void test_verify(void **state)
{
	const char *args[] = {"verify", NULL};
	struct snoop *s;
	int processed = 0;

	(void)state;
	REQUIRE_KERNEL();
	s = run_minisnoop(args, 20000);
	expect_exit0(s, "minisnoop verify");
	for (const char *p = buf_str(&s->out); (p = strstr(p, "processed ")); p++)
		if (p == s->out.p || p[-1] == '\n')
			processed++;
	if (processed < 4)
		fail_msg("verify: %d 'processed' lines, want one per program (>= 4); stdout:\n%s",
			 processed, buf_str(&s->out));
	if (!buf_has(&s->out, "=== execve_enter") || !buf_has(&s->out, "=== execveat_exit"))
		fail_msg("verify: programs not named in its output:\n%s", buf_str(&s->out));
}

static bool tracefs_in(const char *mounts_path)
{
	FILE *f = fopen(mounts_path, "re");
	char dev[256], dir[PATH_MAX], type[64];
	bool found = false;

	if (!f)
		return false;
	while (fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3)
		found |= !strcmp(type, "tracefs");
	fclose(f);
	return found;
}

/* In minisnoop's child before exec: a mount namespace without tracefs (nor debugfs). */
static void hide_tracefs(void)
{
	static const char *const where[] = {"/sys/kernel/debug/tracing", "/sys/kernel/tracing",
					    "/sys/kernel/debug"};
	struct stat st;

	if (unshare(CLONE_NEWNS)) {
		dprintf(2, "test: unshare(CLONE_NEWNS): %s\n", strerror(errno));
		_exit(125);
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		dprintf(2, "test: making mounts private: %s\n", strerror(errno));
		_exit(125);
	}
	for (int round = 0; round < 16; round++) {
		bool any = false;

		for (size_t k = 0; k < sizeof(where) / sizeof(where[0]); k++)
			any |= umount2(where[k], MNT_DETACH) == 0;
		if (!any)
			break;
	}
	if (tracefs_in("/proc/self/mounts") ||
	    stat("/sys/kernel/tracing/events/syscalls", &st) == 0) {
		dprintf(2, "test: tracefs is still mounted\n");
		_exit(125);
	}
}

static void test_tracefs_not_mounted(void **state)
{
	char m[64], path[64];
	char *argv[] = {"true", (char *)marker(m, sizeof(m), "no-tracefs"), NULL};
	const char *args[] = {"-j", NULL};
	struct start_opts o = {.pre_exec = hide_tracefs};
	bool host_had = tracefs_in("/proc/self/mounts");
	struct snoop *s;
	pid_t pid;

	(void)state;
	REQUIRE_PYTHON();
	s = snoop_start_opts(args, &o);
	/* it got there by mounting tracefs itself, in its own mount namespace, and unmounted
	 * it again once attached */
	snprintf(path, sizeof(path), "/proc/%d/mounts", (int)s->pid);
	if (tracefs_in(path))
		fail_msg("minisnoop traces with the tracefs it mounted still mounted");
	pid = run_exec(TRUE_PATH, argv, 0);
	snoop_wait_pids(s, &pid, 1, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(
	    ev_one(pid, "traced after mounting tracefs"),
	    &WANT(.pid = pid, .ppid = g_self, .comm = "true", .filename = TRUE_PATH, .argv = argv));
	assert_int_equal(tracefs_in("/proc/self/mounts"), host_had);
}

/* No tracefs, and no CAP_SYS_ADMIN to mount it (bpf and perf still allowed). */
static void hide_tracefs_no_mount(void)
{
	hide_tracefs();
	if (prctl(PR_CAPBSET_DROP, 21 /* CAP_SYS_ADMIN */, 0, 0, 0)) {
		dprintf(2, "test: dropping CAP_SYS_ADMIN: %s\n", strerror(errno));
		_exit(125);
	}
}

static void as_nobody(void)
{
	if (!become(65534)) {
		dprintf(2, "test: becoming nobody: %s\n", strerror(errno));
		_exit(125);
	}
}

/* Runs minisnoop with pre_exec to its end; expects exit 1 and one line naming what. */
static void expect_runtime_error(void (*pre_exec)(void), const char *const *want, int nwant)
{
	const char *args[] = {"--count", "1", NULL};
	struct start_opts o = {.pre_exec = pre_exec};
	struct snoop *s = snoop_spawn(args, &o);

	if (snoop_finish(s, EXIT_MS) == -1)
		fail_msg("minisnoop did not exit; stderr:\n%s", buf_str(&s->err));
	if (!WIFEXITED(s->status) || WEXITSTATUS(s->status) != 1)
		fail_msg("wait status 0x%x, expected exit 1; stderr:\n%s", s->status,
			 buf_str(&s->err));
	if (strncmp(buf_str(&s->err), "minisnoop: ", 11) || count_lines(&s->err) != 1)
		fail_msg("expected one 'minisnoop: ' line on stderr, got:\n%s", buf_str(&s->err));
	for (int k = 0; k < nwant; k++)
		if (!buf_has(&s->err, want[k]))
			fail_msg("stderr does not say '%s':\n%s", want[k], buf_str(&s->err));
	if (s->out.len)
		fail_msg("wrote to stdout:\n%s", buf_str(&s->out));
}

static void test_error_tracefs_cannot_mount(void **state)
{
	static const char *const want[] = {"tracefs", "mounting it", "not permitted"};

	(void)state;
	REQUIRE_KERNEL();
	expect_runtime_error(hide_tracefs_no_mount, want, 3);
}

static void test_error_not_permitted(void **state)
{
	static const char *const want[] = {"Operation not permitted", "CAP_BPF", "CAP_PERFMON"};

	(void)state;
	REQUIRE_KERNEL();
	expect_runtime_error(as_nobody, want, 3);
}

/* ---------------------------------------------------------------------------------------- */
/* Hardening: nobody can blind it, nothing hangs it, it keeps no privilege                  */

/* Reads n bytes from fd within timeout_ms; false at EOF or after the timeout. */
static bool read_full(int fd, void *p, size_t n, int timeout_ms)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;
	size_t got = 0;

	while (got < n) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		ssize_t r;

		if (now_ms() >= deadline)
			return false;
		if (poll(&pf, 1, 100) <= 0)
			continue;
		r = read(fd, (char *)p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

/* The summary says that nothing was lost, and no live line said otherwise. */
static void expect_nothing_lost(const struct snoop *s, const char *what)
{
	static const char *const bad[] = {" lost so far", "could not be kept", " not reported",
					  "not written"};
	regex_t re;
	int r;

	assert_int_equal(regcomp(&re, "minisnoop: [0-9]+ events, 0 lost\n", REG_EXTENDED), 0);
	r = regexec(&re, buf_str(&s->err), 0, NULL, 0);
	regfree(&re);
	if (r)
		fail_msg("%s: no summary 'N events, 0 lost'; stderr:\n%s", what, buf_str(&s->err));
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		if (buf_has(&s->err, bad[k]))
			fail_msg("%s: stderr says '%s':\n%s", what, bad[k], buf_str(&s->err));
}

#define HOLD_N		300 /* execs held inside execve by uid 65534 (the old table had 128) */
#define HOLD_ROOT_EXECS 100 /* execs by root while they are held */

struct holder {
	const char *base; /* held exec k passes "<base>-<k>" */
	int pipe_w;	  /* the held children's pids, once all of them are held */
	int gate_r;	  /* a byte or EOF here: let them go */
};

static void hold_marker(char *buf, size_t n, const char *base, int k)
{
	snprintf(buf, n, "%s-%d", base, k);
}

/* The holder's child: stops until its parent traces it, then execs /bin/true. */
static void held_child(const char *m)
{
	char *argv[] = {"true", (char *)m, NULL};

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	touch_strings(TRUE_PATH, argv);
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) || raise(SIGSTOP))
		_exit(2);
	execve(TRUE_PATH, argv, g_envp);
	_exit(127);
}

/* Forks held exec k and waits until it is stopped at PTRACE_EVENT_EXEC; false if not. */
static bool hold_one(const struct holder *h, int k, pid_t *pid)
{
	long opts = PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
	char m[96];
	int st;

	hold_marker(m, sizeof(m), h->base, k);
	*pid = fork();
	if (*pid == 0)
		held_child(m);
	if (*pid < 0 || waitpid(*pid, &st, 0) != *pid || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
		return false;
	if (ptrace(PTRACE_SETOPTIONS, *pid, NULL, (void *)opts) ||
	    ptrace(PTRACE_CONT, *pid, NULL, NULL))
		return false;
	return waitpid(*pid, &st, 0) == *pid && WIFSTOPPED(st) &&
	       st >> 8 == (SIGTRAP | PTRACE_EVENT_EXEC << 8);
}

/*
 * As uid 65534, what any user can do: HOLD_N children, each held by its parent's ptrace at
 * PTRACE_EVENT_EXEC, i.e. inside execve: after the exec succeeded (sched_process_exec) and
 * before the syscall returns (sys_exit_execve). Their pids go on the pipe once all are held;
 * at the gate they are let go, and each must then exit 0.
 */
static void holder_child(void *arg)
{
	const struct holder *h = arg;
	static pid_t pids[HOLD_N];
	char c;
	int st;

	if (!become(65534))
		_exit(123);
	for (int k = 0; k < HOLD_N; k++)
		if (!hold_one(h, k, &pids[k]))
			_exit(3);
	if (write(h->pipe_w, pids, sizeof(pids)) != sizeof(pids))
		_exit(4);
	if (read(h->gate_r, &c, 1) < 0)
		_exit(5);
	for (int k = 0; k < HOLD_N; k++)
		if (ptrace(PTRACE_DETACH, pids[k], NULL, NULL))
			_exit(6);
	for (int k = 0; k < HOLD_N; k++)
		if (waitpid(pids[k], &st, 0) != pids[k] || !WIFEXITED(st) || WEXITSTATUS(st))
			_exit(7);
	_exit(0);
}

/* Each held exec reported once, exactly, as uid 65534's child of the holder. */
static void expect_held_events(const char *base, const pid_t *held, pid_t holder)
{
	char m[96];

	for (int k = 0; k < HOLD_N; k++) {
		char *argv[] = {"true", m, NULL};

		hold_marker(m, sizeof(m), base, k);
		expect_event(ev_one(held[k], "an exec held by ptrace at PTRACE_EVENT_EXEC"),
			     &WANT(.pid = held[k], .ppid = holder, .uid = 65534, .comm = "true",
				   .filename = TRUE_PATH, .argv = argv));
	}
}

/*
 * Issue 9, 1: a user who holds execs inside execve (ptrace) must not make anybody's exec
 * invisible: root's execs, successful and failed, are reported while they are held, and so
 * are the held execs themselves (they succeeded before the stop).
 */
static void test_execs_held_by_ptrace_hide_nothing(void **state)
{
	static pid_t held[HOLD_N], root[HOLD_ROOT_EXECS + 1];
	char base[64], m[64], mf[64];
	const char *missing = "/nonexistent-minisnoop-test/while held";
	char *argv_root[] = {"true", (char *)marker(m, sizeof(m), "while-held"), NULL};
	char *argv_fail[] = {"missing", (char *)marker(mf, sizeof(mf), "fails-while-held"), NULL};
	const char *args[] = {"-j", NULL};
	struct holder h;
	struct snoop *s;
	pid_t holder;
	int p[2], g[2];

	(void)state;
	REQUIRE_PYTHON();
	marker(base, sizeof(base), "held");
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(pipe2(g, O_CLOEXEC), 0);
	s = snoop_start(args);
	h = (struct holder){.base = base, .pipe_w = p[1], .gate_r = g[0]};
	holder = kid_fork(holder_child, &h, (int[]){p[1], g[0]}, 2);
	close(p[1]);
	close(g[0]);
	if (!read_full(p[0], held, sizeof(held), 30000))
		fail_msg("the uid 65534 process did not hold %d execs (its wait status: 0x%x)",
			 HOLD_N, kid_wait(holder));
	close(p[0]);
	for (int k = 0; k < HOLD_ROOT_EXECS; k++)
		root[k] = run_exec(TRUE_PATH, argv_root, 0);
	root[HOLD_ROOT_EXECS] = run_exec(missing, argv_fail, 127);
	/* reported while the others are still held, not when they are let go */
	if (!snoop_wait_pids(s, root, HOLD_ROOT_EXECS + 1, WAIT_EVENTS_MS) ||
	    !snoop_wait_pids(s, held, HOLD_N, WAIT_EVENTS_MS))
		fail_msg("with %d execs held inside execve by uid 65534, not every exec was "
			 "reported within %d ms; stderr:\n%s",
			 HOLD_N, WAIT_EVENTS_MS, buf_str(&s->err));
	close(g[1]);
	kid_expect_exit(holder, 0, "the uid 65534 process holding execs");
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	for (int k = 0; k < HOLD_ROOT_EXECS; k++)
		expect_event(ev_one(root[k], "root's exec while others are held"),
			     &WANT(.pid = root[k], .ppid = g_self, .comm = "true",
				   .filename = TRUE_PATH, .argv = argv_root));
	expect_event(ev_one(root[HOLD_ROOT_EXECS], "root's failed exec while others are held"),
		     &WANT(.pid = root[HOLD_ROOT_EXECS], .ppid = g_self, .ret = -ENOENT,
			   .comm = g_comm, .filename = missing, .argv = argv_fail));
	expect_held_events(base, held, holder);
	expect_nothing_lost(s, "execs held inside execve");
}

static char g_pre_path[PATH_MAX]; /* what the pre_exec helpers below work on */

/* In minisnoop's child: stdout is a file on a 64 KiB tmpfs mounted at g_pre_path, in a mount
 * namespace of its own (gone with minisnoop). */
static void stdout_on_tiny_tmpfs(void)
{
	char path[PATH_MAX + 16];
	int fd;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", g_pre_path, "tmpfs", 0, "size=64k")) {
		dprintf(2, "test: a 64 KiB tmpfs at %s: %s\n", g_pre_path, strerror(errno));
		_exit(125);
	}
	snprintf(path, sizeof(path), "%s/out.json", g_pre_path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(fd, 1) != 1) {
		dprintf(2, "test: %s as stdout: %s\n", path, strerror(errno));
		_exit(125);
	}
	close(fd);
}

/* Issue 9, 3: a full disk is said, and ends the run with status 1. */
static void test_full_disk(void **state)
{
	static char big[2001];
	char m[64];
	char *argv[] = {"true", big, (char *)marker(m, sizeof(m), "full-disk"), NULL};
	const char *args[] = {"-j", NULL};
	struct start_opts o = {.pre_exec = stdout_on_tiny_tmpfs};
	struct snoop *s;
	int k;

	(void)state;
	REQUIRE_KERNEL();
	memset(big, 'd', sizeof(big) - 1);
	snprintf(g_pre_path, sizeof(g_pre_path), "%s/tiny", tmpdir());
	assert_true(mkdir(g_pre_path, 0755) == 0 || errno == EEXIST);
	s = snoop_start_opts(args, &o);
	/* 2 KB of JSON per exec: 64 KiB are full after about 32 */
	for (k = 0; k < 400 && !snoop_exited(s); k++) {
		run_exec(TRUE_PATH, argv, 0);
		pump(s, 0);
	}
	if (snoop_finish(s, EXIT_MS) == -1)
		fail_msg("still running after %d execs with 2 KB of output each on a 64 KiB "
			 "tmpfs; stderr:\n%s",
			 k, buf_str(&s->err));
	if (!WIFEXITED(s->status) || WEXITSTATUS(s->status) != 1)
		fail_msg("full disk: wait status 0x%x, expected exit 1; stderr:\n%s", s->status,
			 buf_str(&s->err));
	if (!buf_has(&s->err, "minisnoop: writing the output: No space left on device\n"))
		fail_msg("full disk: stderr does not say 'minisnoop: writing the output: No space "
			 "left on device':\n%s",
			 buf_str(&s->err));
}

/* In minisnoop's child: stdout is the FIFO at g_pre_path (the test holds its read end). */
static void stdout_on_fifo(void)
{
	int fd = open(g_pre_path, O_WRONLY);

	if (fd < 0 || dup2(fd, 1) != 1) {
		dprintf(2, "test: FIFO %s as stdout: %s\n", g_pre_path, strerror(errno));
		_exit(125);
	}
	close(fd);
}

/*
 * Issue 9, 4: stdout is a FIFO whose reader keeps it open and never reads. SIGTERM still
 * ends minisnoop, and the summary says how many events were not written: every event counted
 * is either a whole line in the FIFO or among those not written.
 */
static void test_blocked_output_ends_on_sigterm(void **state)
{
	static char big[1001];
	char m[64];
	char *argv[] = {"true", big, (char *)marker(m, sizeof(m), "blocked"), NULL};
	const char *args[] = {"-j", NULL};
	struct start_opts o = {.pre_exec = stdout_on_fifo};
	unsigned long long events = 0, lost = 0, unwritten = 0;
	struct buf piped = {0};
	struct snoop *s;
	const char *sum;
	int size, queued = 0;

	(void)state;
	REQUIRE_KERNEL();
	memset(big, 'f', sizeof(big) - 1);
	snprintf(g_pre_path, sizeof(g_pre_path), "%s/fifo", tmpdir());
	unlink(g_pre_path);
	assert_int_equal(mkfifo(g_pre_path, 0600), 0);
	g_fifo_rd = open(g_pre_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	assert_true(g_fifo_rd >= 0);
	size = fcntl(g_fifo_rd, F_SETPIPE_SZ, 4096); /* the smallest: full sooner */
	if (size < 0)
		size = fcntl(g_fifo_rd, F_GETPIPE_SZ);
	assert_true(size > 0);
	s = snoop_start_opts(args, &o);
	/* 1 KB of JSON per exec: several times what the pipe holds */
	for (int k = 0; k < 4 * size / 1000 + 20; k++)
		run_exec(TRUE_PATH, argv, 0);
	/* some of it reached the FIFO, which cannot take the rest: minisnoop's write blocks */
	for (uint64_t until = now_ms() + WAIT_EVENTS_MS; queued <= 0 && now_ms() < until;)
		if (ioctl(g_fifo_rd, FIONREAD, &queued) || queued <= 0)
			usleep(10000);
	if (queued <= 0)
		fail_msg("nothing reached the FIFO within %d ms", WAIT_EVENTS_MS);
	kill(s->pid, SIGTERM);
	if (snoop_finish(s, EXIT_MS) == -1)
		fail_msg("still running %d ms after SIGTERM while its output was blocked; "
			 "stderr:\n%s",
			 EXIT_MS, buf_str(&s->err));
	expect_exit0(s, "SIGTERM with the output blocked");
	read_to_end(g_fifo_rd, &piped);
	/* the start of the line that says it */
	sum = strstr(buf_str(&s->err), " not written (output blocked when stopped)\n");
	while (sum && sum > s->err.p && sum[-1] != '\n')
		sum--;
	if (!sum ||
	    sscanf(sum, "minisnoop: %llu events, %llu lost, %llu not written", &events, &lost,
		   &unwritten) != 3 ||
	    !unwritten)
		fail_msg("no summary 'N events, M lost, K not written (output blocked when "
			 "stopped)' with K > 0; stderr:\n%s",
			 buf_str(&s->err));
	if (events != (unsigned long long)count_lines(&piped) + unwritten)
		fail_msg("the summary counts %llu events, %llu of them not written, but %d whole "
			 "lines are in the FIFO",
			 events, unwritten, count_lines(&piped));
	buf_free(&piped);
}

static void close_stdout(void)
{
	close(1);
}

/* Issue 9, 10: started with stdout closed, it says so and exits 1 (was 0, silent). */
static void test_started_with_stdout_closed(void **state)
{
	static const char *const want[] = {"standard output is closed"};

	(void)state;
	REQUIRE_KERNEL();
	expect_runtime_error(close_stdout, want, 1);
}

/* The Groups: line of a /proc/PID/status lists no group but gid. */
static void expect_groups_only(const struct buf *st, long gid)
{
	const char *p = strstr(buf_str(st), "\nGroups:");
	char line[512], *save = NULL;

	if (!p)
		fail_msg("no Groups: line in:\n%s", buf_str(st));
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(p + 8, "\n"), p + 8);
	for (char *g = strtok_r(line, " \t", &save); g; g = strtok_r(NULL, " \t", &save))
		if (strtol(g, NULL, 10) != gid)
			fail_msg("minisnoop tracing: in group %s, not only in %ld", g, gid);
}

/*
 * /proc/PID/status of a tracing minisnoop: no capability in any set, no_new_privs, and
 * (uid >= 0) that uid, its group and no other group.
 */
static void expect_no_privileges(pid_t pid, long uid)
{
	static const char *const zero[] = {
	    "\nCapInh:\t0000000000000000\n", "\nCapPrm:\t0000000000000000\n",
	    "\nCapEff:\t0000000000000000\n", "\nCapAmb:\t0000000000000000\n", "\nNoNewPrivs:\t1\n"};
	char path[64], want[256];
	struct buf st = {0};
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	read_to_end(fd, &st);
	close(fd);
	for (size_t k = 0; k < sizeof(zero) / sizeof(zero[0]); k++)
		if (!buf_has(&st, zero[k]))
			fail_msg("minisnoop tracing: its status has no line '%s':\n%s", zero[k] + 1,
				 buf_str(&st));
	if (uid >= 0) {
		snprintf(want, sizeof(want),
			 "\nUid:\t%ld\t%ld\t%ld\t%ld\nGid:\t%ld\t%ld\t%ld\t%ld\n", uid, uid, uid,
			 uid, uid, uid, uid, uid);
		if (!buf_has(&st, want))
			fail_msg("minisnoop tracing: not uid and gid %ld:\n%s", uid, buf_str(&st));
		expect_groups_only(&st, uid);
	}
	buf_free(&st);
}

/* Issue 9, 10: once tracing it keeps no capability; -Z nobody also switches user. */
static void test_no_privileges_while_tracing(void **state)
{
	char m[64];
	char *argv[] = {"true", (char *)marker(m, sizeof(m), "unprivileged"), NULL};
	const char *args[] = {"-j", NULL}, *args_z[] = {"-j", "-Z", "nobody", NULL};
	struct snoop *s, *z;
	pid_t pid;

	(void)state;
	REQUIRE_PYTHON();
	s = snoop_start(args);
	expect_no_privileges(s->pid, -1);
	z = snoop_start(args_z);
	expect_no_privileges(z->pid, 65534);
	/* and both still trace */
	pid = run_exec(TRUE_PATH, argv, 0);
	snoop_wait_pids(s, &pid, 1, WAIT_EVENTS_MS);
	snoop_wait_pids(z, &pid, 1, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	snoop_stop(z, SIGINT);
	parse_json(&s->out);
	expect_event(
	    ev_one(pid, "traced without capabilities"),
	    &WANT(.pid = pid, .ppid = g_self, .comm = "true", .filename = TRUE_PATH, .argv = argv));
	parse_json(&z->out);
	expect_event(
	    ev_one(pid, "traced with -Z nobody"),
	    &WANT(.pid = pid, .ppid = g_self, .comm = "true", .filename = TRUE_PATH, .argv = argv));
}

static char g_setpriv[PATH_MAX];	  /* setpriv (util-linux) */
static char g_bin_copy[PATH_MAX + 32];	  /* minisnoop where uid 65534 can run it */
static const char *g_setpriv_caps;	  /* "+bpf,+perfmon,..." */
static const char *const *g_setpriv_args; /* minisnoop's arguments under setpriv */

/* Finds setpriv (skips without it) and copies minisnoop where uid 65534 can run it. */
/* An unprivileged minisnoop cannot mount tracefs, and minisnoop leaves none mounted behind it:
 * on a machine without tracefs, the capability tests mount it (cleanup_all unmounts it). */
static void tracefs_for_unprivileged(void)
{
	struct stat st;

	if (stat("/sys/kernel/tracing/events", &st) == 0)
		return;
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL))
		fail_msg("mounting tracefs for an unprivileged run: %s", strerror(errno));
	g_tracefs_mounted = true;
}

static void setpriv_prepare(void)
{
	static const char *const where[] = {"/usr/bin/setpriv", "/bin/setpriv"};
	int src, dst;
	struct stat st;
	off_t off = 0;

	g_setpriv[0] = 0;
	for (size_t k = 0; k < sizeof(where) / sizeof(where[0]) && !g_setpriv[0]; k++)
		if (access(where[k], X_OK) == 0)
			snprintf(g_setpriv, sizeof(g_setpriv), "%s", where[k]);
	if (!g_setpriv[0]) {
		print_message("[  SKIP    ] setpriv (util-linux) not found\n");
		skip();
	}
	tracefs_for_unprivileged();
	/* the scratch directory is 0700: let others through, to this file only */
	assert_int_equal(chmod(tmpdir(), 0711), 0);
	snprintf(g_bin_copy, sizeof(g_bin_copy), "%s/minisnoop", tmpdir());
	src = open(g_bin, O_RDONLY | O_CLOEXEC);
	assert_true(src >= 0);
	assert_int_equal(fstat(src, &st), 0);
	unlink(g_bin_copy);
	dst = open(g_bin_copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	assert_true(dst >= 0);
	while (off < st.st_size)
		assert_true(sendfile(dst, src, &off, (size_t)(st.st_size - off)) > 0);
	assert_int_equal(fchmod(dst, 0755), 0);
	close(src);
	close(dst);
}

/* In minisnoop's child: run the copy as uid 65534 with only the capabilities g_setpriv_caps,
 * kept across exec as ambient capabilities. */
static void via_setpriv(void)
{
	char inh[128], amb[128];
	const char *argv[32];
	int n = 0;

	snprintf(inh, sizeof(inh), "--inh-caps=%s", g_setpriv_caps);
	snprintf(amb, sizeof(amb), "--ambient-caps=%s", g_setpriv_caps);
	argv[n++] = "setpriv";
	argv[n++] = "--reuid=65534";
	argv[n++] = "--regid=65534";
	argv[n++] = "--clear-groups";
	argv[n++] = inh;
	argv[n++] = amb;
	argv[n++] = g_bin_copy;
	for (const char *const *a = g_setpriv_args; *a && n < 31; a++)
		argv[n++] = *a;
	argv[n] = NULL;
	execv(g_setpriv, (char *const *)argv);
	dprintf(2, "test: exec %s: %s\n", g_setpriv, strerror(errno));
	_exit(127);
}

/* Issue 9, 5: CAP_BPF + CAP_PERFMON + CAP_DAC_READ_SEARCH, not root, are enough. */
static void test_capabilities_enough_without_root(void **state)
{
	char m[64];
	char *argv[] = {"true", (char *)marker(m, sizeof(m), "caps-only"), NULL};
	const char *args[] = {"-j", NULL};
	struct start_opts o = {.pre_exec = via_setpriv};
	struct snoop *s;
	pid_t pid;

	(void)state;
	REQUIRE_PYTHON();
	setpriv_prepare();
	g_setpriv_caps = "+bpf,+perfmon,+dac_read_search";
	g_setpriv_args = args;
	s = snoop_start_opts(args, &o);
	/* what it was given, it gave up once attached */
	expect_no_privileges(s->pid, 65534);
	pid = run_exec(TRUE_PATH, argv, 0);
	snoop_wait_pids(s, &pid, 1, WAIT_EVENTS_MS);
	snoop_stop(s, SIGINT);
	parse_json(&s->out);
	expect_event(
	    ev_one(pid, "traced by uid 65534 with CAP_BPF, CAP_PERFMON, "
			"CAP_DAC_READ_SEARCH"),
	    &WANT(.pid = pid, .ppid = g_self, .comm = "true", .filename = TRUE_PATH, .argv = argv));
	expect_nothing_lost(s, "with capabilities only");
}

/* Issue 9, 5: without CAP_DAC_READ_SEARCH, tracing and check both name it. */
static void test_capabilities_missing_dac_read_search(void **state)
{
	static const char *const want[] = {"tracefs: /sys/kernel/tracing is not readable",
					   "CAP_DAC_READ_SEARCH"};
	const char *args[] = {"-j", NULL}, *args_check[] = {"check", NULL};
	struct start_opts o = {.pre_exec = via_setpriv};
	const char *line, *nl;
	struct snoop *s;

	(void)state;
	REQUIRE_KERNEL();
	setpriv_prepare();
	g_setpriv_caps = "+bpf,+perfmon";
	g_setpriv_args = args;
	expect_runtime_error(via_setpriv, want, 2);
	g_setpriv_args = args_check;
	s = snoop_spawn(args_check, &o);
	if (snoop_finish(s, 20000) == -1)
		fail_msg("check did not exit; stderr:\n%s", buf_str(&s->err));
	if (!WIFEXITED(s->status) || WEXITSTATUS(s->status) != 1)
		fail_msg("check without CAP_DAC_READ_SEARCH: wait status 0x%x, expected exit 1; "
			 "stdout:\n%s",
			 s->status, buf_str(&s->out));
	line = strstr(buf_str(&s->out), "privileges ");
	nl = line ? strchr(line, '\n') : NULL;
	if (!line || (line != s->out.p && line[-1] != '\n') || !nl)
		fail_msg("check: no privileges line; stdout:\n%s", buf_str(&s->out));
	{
		char l[512];

		snprintf(l, sizeof(l), "%.*s", (int)(nl - line), line);
		if (!strstr(l, " missing ") || !strstr(l, "CAP_DAC_READ_SEARCH") ||
		    strstr(l, "CAP_BPF") || strstr(l, "CAP_PERFMON"))
			fail_msg("check: the privileges line should say 'missing' and name "
				 "CAP_DAC_READ_SEARCH only: [%s]",
				 l);
	}
}

/*
 * Issue 9, 10: bidi controls and invisible characters are escaped as \uXXXX in text output
 * (a right-to-left override makes "abc<RLO>fdp.exe" read as "abcexe.pdf"); their neighbours
 * in Unicode are shown as they are; JSON keeps them all as valid UTF-8.
 */
static void test_text_escapes_bidi_and_invisible(void **state)
{
	char m[64], want[1024];
	char *argv[] = {"true",
			"abc\xe2\x80\xae"
			"fdp.exe",
			"zero\xe2\x80\x8bwidth",
			"\xd8\x9c\xe2\x80\x8f\xe2\x81\xa0\xe2\x81\xa6\xe2\x81\xa9\xef\xbb\xbf",
			"kept \xe2\x80\x8a\xe2\x80\x90\xe2\x80\xaf\xe2\x81\xa5 caf\xc3\xa9",
			(char *)marker(m, sizeof(m), "bidi"),
			NULL};
	const char *targs[] = {"-l", m, NULL}, *jargs[] = {"-j", "-l", m, NULL};
	struct snoop *t, *j;
	pid_t pid;

	(void)state;
	REQUIRE_PYTHON();
	t = snoop_start(targs);
	j = snoop_start(jargs);
	pid = run_exec(TRUE_PATH, argv, 0);
	snoop_wait_out(t, m, WAIT_EVENTS_MS);
	snoop_wait_pids(j, &pid, 1, WAIT_EVENTS_MS);
	snoop_stop(t, SIGINT);
	snoop_stop(j, SIGINT);
	snprintf(want, sizeof(want), "%-16s %-7d %-7d %3d %s%s", "true", (int)pid, (int)g_self, 0,
		 "/bin/true abc\\u202efdp.exe zero\\u200bwidth "
		 "\\u061c\\u200f\\u2060\\u2066\\u2069\\ufeff "
		 "kept \xe2\x80\x8a\xe2\x80\x90\xe2\x80\xaf\xe2\x81\xa5 caf\xc3\xa9 ",
		 m);
	expect_line(&t->out, want, m);
	if (buf_has(&t->out, "\xe2\x80\xae") || buf_has(&t->out, "\xe2\x80\x8b"))
		fail_msg("a raw U+202E or U+200B reached the text output:\n%s", buf_str(&t->out));
	parse_json(&j->out);
	expect_event(
	    ev_one(pid, "bidi and invisible characters in JSON"),
	    &WANT(.pid = pid, .ppid = g_self, .comm = "true", .filename = TRUE_PATH, .argv = argv));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(test_error_tracefs_cannot_mount),
	    T(test_error_not_permitted),
	    T(test_json_args_exact),
	    T(test_json_long_arg),
	    T(test_json_many_args),
	    T(test_json_max_args_small),
	    T(test_json_max_args_default),
	    T(test_json_args_over_16k),
	    T(test_json_args_exactly_16k),
	    T(test_pid_ppid),
	    T(test_pid_ppid_no_btf),
	    T(test_pid_ppid_no_btf_env),
	    T(test_uid),
	    T(test_ret_values),
	    T(test_compat_failed_exec),
	    T(test_execveat),
	    T(test_exec_from_thread),
	    T(test_exec_storm_each_once),
	    T(test_exec_race_threads),
	    T(test_exec_race_threads_nobody),
	    T(test_fexecve_memfd),
	    T(test_fexecve_memfd_no_btf),
	    T(test_no_btf_args_thread_and_failure),
	    T(test_core_pattern_helper),
	    T(test_core_pattern_helper_no_btf),
	    T(test_script_exec),
	    T(test_exec_strings_not_faulted_in),
	    T(test_filter_uid),
	    T(test_filter_fails),
	    T(test_filter_name),
	    T(test_filter_line),
	    T(test_filter_name_and_line),
	    T(test_filter_ppid),
	    T(test_filter_cgroup),
	    T(test_events_in_time_order_across_cpus),
	    T(test_count_exits),
	    T(test_duration_exits),
	    T(test_sigint),
	    T(test_sigterm),
	    T(test_losses_live_and_summary_agree),
	    T(test_closed_stdout),
	    T(test_text_escaping),
	    T(test_text_quote),
	    T(test_text_failed_and_columns),
	    T(test_no_bpf_objects_left),
	    T(test_bad_flags),
	    T(test_check),
	    T(test_check_selftest_catches_a_wrong_layout),
	    T(test_verify),
	    T(test_tracefs_not_mounted),
	    T(test_execs_held_by_ptrace_hide_nothing),
	    T(test_full_disk),
	    T(test_blocked_output_ends_on_sigterm),
	    T(test_started_with_stdout_closed),
	    T(test_no_privileges_while_tracing),
	    T(test_capabilities_enough_without_root),
	    T(test_capabilities_missing_dac_read_search),
	    T(test_text_escapes_bidi_and_invisible),
#undef T
	};

	return cmocka_run_group_tests_name("trace", tests, group_setup, group_teardown);
}
