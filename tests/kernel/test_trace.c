// SPDX-License-Identifier: MIT
/*
 * The tracer end to end: start build/minisnoop as a user would (fork/exec, stdout and
 * stderr on pipes, wait for its "tracing" line), run our own processes with fork+execve
 * (exact argv, pids known from fork), and compare what it printed with what really
 * happened. JSON output goes through a real parser: python3's json module (trace_events.py),
 * which turns every line into a normalized line (ids, ret, hex of each string's bytes,
 * recovered with surrogateescape) that is compared here byte for byte.
 *
 * Most cases are rows of one table (rows[], near the end), run by run_row(): minisnoop's
 * flags, a workload that records what each of its processes must (or must not) show, and
 * any further check. The cases that fit no row are plain test functions after the table.
 *
 * Needs root and a usable bpf(); otherwise every test is skipped with the reason.
 * build/minisnoop must exist (make); MINISNOOP_BIN overrides where it is, MINISNOOP_PYTHON
 * which python3 is used. Every process started here is killed and reaped, with timeouts,
 * even when a test fails; a watchdog alarm ends the whole run if anything still hangs.
 * What this file shares with test_context.c is in snoop.h.
 */
#define TRUE_PATH      "/bin/true"
#define WAIT_EVENTS_MS 5000 /* how long an expected event may take to show up */

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
 * trace_events.py reads minisnoop's stdout, fails (exit 1) on any line that is not exactly
 * one JSON object with the documented keys and types; prints one normalized line per event:
 *   EV pid ppid uid ret truncated x<comm hex> x<filename hex> nargs x<arg hex>...
 * Strings are turned back into their bytes with surrogateescape.
 */
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
	run_python("trace_events.py", NULL, out, add_event);
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
		fail_msg("%s: minisnoop printed %d event(s) of pid %d, expected none", what,
			 ev_count(pid), (int)pid);
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
	const char *dev_fd; /* not NULL: filename is "/dev/fd/N" then this, for any N */
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

static void expect_event(const struct ev *e, const struct want *want)
{
	int nargs = want->nargs >= 0 ? want->nargs : argc_of(want->argv);
	struct want dev = *want;
	const struct want *w = want;
	char f[PATH_MAX];

	assert_non_null(e);
	if (want->dev_fd) {
		dev.filename = dev_fd_path(e, want->dev_fd, f, sizeof(f));
		w = &dev;
	}
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

/* ---------------------------------------------------------------------------------------- */
/* Rows and their runner                                                                    */

/* What minisnoop must print of one process of a workload: its one event w, or none. */
struct rec {
	const char *what;
	bool none;
	struct want w; /* its strings are the run's own copies */
};

struct row;

/* One run of a row: what its workload recorded, and what it hands over to its check. */
struct run {
	const struct row *row;
	struct snoop *s;
	const char *args[12]; /* the row's, "@M" and "@P" expanded */
	char m[64];	      /* the run's marker: "@M" in the row's args */
	struct rec *rec;
	int nrec;
	void **kept; /* freed in cleanup */
	int nkept;
	pid_t pid[8]; /* from a workload to its check; the first npid are waited for */
	int npid;
	char *const *argv; /* likewise */
};

struct row {
	const char *name;
	const char *args[12];	      /* minisnoop's; "@M": the run's marker, "@P": our pid */
	const char *no_btf;	      /* MINISNOOP_NO_BTF (with --no-btf: it must say so) */
	void (*pre_exec)(void);	      /* in minisnoop's child, before its exec */
	bool raw;		      /* output not parsed (no python3 needed) */
	bool no_wait;		      /* stopped at once: what the kernel has must come out */
	bool nobody;		      /* runs processes as uid 65534 (REQUIRE_NOBODY) */
	int stop;		      /* the signal that ends it (0: SIGINT); -1: it ends itself */
	void (*before)(struct run *); /* before minisnoop starts */
	void (*work)(struct run *);   /* the workload: records what minisnoop must print */
	void (*check)(struct run *);  /* after the recorded events were compared */
};

static struct run g_run;

static void run_free(struct run *r)
{
	for (int k = 0; k < r->nkept; k++)
		free(r->kept[k]);
	free(r->kept);
	free(r->rec);
	memset(r, 0, sizeof(*r));
}

/* Keeps p (malloc'd) until the cleanup; returns it. */
static void *keep(struct run *r, void *p)
{
	void **k = realloc(r->kept, (size_t)(r->nkept + 1) * sizeof(*k));

	assert_non_null(p);
	assert_non_null(k);
	r->kept = k;
	r->kept[r->nkept++] = p;
	return p;
}

static char *keep_str(struct run *r, const char *s)
{
	return s ? keep(r, strdup(s)) : NULL;
}

/* argv and its strings, kept until the cleanup. */
static char **keep_argv(struct run *r, char **argv)
{
	keep(r, argv);
	for (int k = 0; argv[k]; k++)
		keep(r, argv[k]);
	return argv;
}

/* A marker of this run, kept. */
static char *mk(struct run *r, const char *what)
{
	char m[64];

	return keep_str(r, marker(m, sizeof(m), what));
}

static void rec_add(struct run *r, const char *what, bool none, const struct want *w)
{
	struct rec *n = realloc(r->rec, (size_t)(r->nrec + 1) * sizeof(*n));

	assert_non_null(n);
	r->rec = n;
	r->rec[r->nrec++] = (struct rec){.what = keep_str(r, what), .none = none, .w = *w};
}

/* Records that minisnoop must print exactly one event of w.pid, and that it is w (ppid 0:
 * ours). */
static void expect_ev(struct run *r, const char *what, struct want w)
{
	int n = argc_of(w.argv);
	char **argv = keep(r, calloc((size_t)n + 1, sizeof(*argv)));

	for (int k = 0; k < n; k++)
		argv[k] = keep_str(r, w.argv[k]);
	w.argv = argv;
	w.comm = keep_str(r, w.comm);
	w.filename = keep_str(r, w.filename);
	w.dev_fd = keep_str(r, w.dev_fd);
	if (!w.ppid)
		w.ppid = g_self;
	rec_add(r, what, false, &w);
}

/* Records that minisnoop must print no event of pid (a filter's, a thread's id). */
static void expect_none(struct run *r, const char *what, pid_t pid)
{
	rec_add(r, what, true, &(struct want){.pid = pid});
}

/*
 * Runs e in a child, which must exit with code (127: the exec failed), and records its
 * event: w, where pid, filename (e's path) and argv (e's) are filled in when not given.
 */
static pid_t ex(struct run *r, const char *what, struct exec_spec e, int code, struct want w)
{
	pid_t pid = run_spec(&e, code);

	w.pid = pid;
	if (!w.filename && !w.dev_fd)
		w.filename = e.path;
	if (!w.argv)
		w.argv = e.argv;
	expect_ev(r, what, w);
	return pid;
}

/* ex() of TRUE_PATH with argv, whose event has comm "true". */
static pid_t ex_true(struct run *r, const char *what, char *const *argv)
{
	return ex(r, what, SPEC(.path = TRUE_PATH, .argv = argv), 0, WANT(.comm = "true"));
}

/* A row's argument with "@M" (the run's marker) and "@P" (our pid) replaced, kept. */
static const char *expand(struct run *r, const char *a)
{
	struct buf b = {0};
	char pid[16];

	if (!strchr(a, '@'))
		return a;
	snprintf(pid, sizeof(pid), "%d", (int)g_self);
	for (const char *p = a; *p; p++) {
		if (p[0] == '@' && (p[1] == 'M' || p[1] == 'P')) {
			const char *v = p[1] == 'M' ? r->m : pid;

			buf_add(&b, v, strlen(v));
			p++;
		} else {
			buf_add(&b, p, 1);
		}
	}
	return keep(r, b.p);
}

static bool has_arg(const char *const *args, const char *a)
{
	for (; *args; args++)
		if (!strcmp(*args, a))
			return true;
	return false;
}

/*
 * The runner: minisnoop with the row's flags, tracing; the workload; the recorded events
 * waited for; minisnoop stopped (exit 0); its JSON parsed (unless raw) and every recorded
 * event compared; then the row's own check.
 */
static void run_row(void **state)
{
	const struct row *row = *state;
	struct start_opts o = {.pre_exec = row->pre_exec, .no_btf_env = row->no_btf};
	struct run *r = &g_run;
	pid_t pids[64];
	int n = 0, k;

	if (row->raw)
		REQUIRE_KERNEL();
	else
		REQUIRE_PYTHON();
	if (row->nobody)
		REQUIRE_NOBODY();
	run_free(r);
	r->row = row;
	marker(r->m, sizeof(r->m), "row");
	for (k = 0; row->args[k]; k++)
		r->args[k] = expand(r, row->args[k]);
	if (row->before)
		row->before(r);
	r->s = snoop_start_opts(r->args, &o);
	if ((row->no_btf || has_arg(r->args, "--no-btf")) && !buf_has(&r->s->err, "fork tracking"))
		fail_msg("BTF not disabled: the tracing line does not say 'fork tracking':\n%s",
			 buf_str(&r->s->err));
	row->work(r);
	for (k = 0; k < r->nrec && n < 64 && !row->no_wait; k++)
		if (!r->rec[k].none)
			pids[n++] = r->rec[k].w.pid;
	for (k = 0; k < r->npid && n < 64 && !row->no_wait; k++)
		pids[n++] = r->pid[k];
	snoop_wait_pids(r->s, pids, n, WAIT_EVENTS_MS);
	if (row->stop >= 0) {
		snoop_stop(r->s, row->stop ? row->stop : SIGINT);
	} else {
		if (snoop_finish(r->s, 5000) == -1)
			fail_msg("%s did not exit by itself within 5 s; stderr:\n%s", row->name,
				 buf_str(&r->s->err));
		expect_exit0(r->s, row->name);
	}
	if (!row->raw)
		parse_json(&r->s->out);
	for (k = 0; k < r->nrec; k++) {
		const struct rec *e = &r->rec[k];

		if (e->none)
			expect_no_event(e->w.pid, e->what);
		else
			expect_event(ev_one(e->w.pid, e->what), &e->w);
	}
	if (row->check)
		row->check(r);
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
	run_free(&g_run);
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

/* A NULL-terminated argv of the arguments (not copied), in an array kept until the cleanup. */
static char **kargv(struct run *r, const char *first, ...)
{
	char **argv = keep(r, calloc(16, sizeof(*argv)));
	va_list ap;
	int n = 0;

	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *)) {
		assert_true(n < 15);
		argv[n++] = (char *)a;
	}
	va_end(ap);
	return argv;
}

/* ex() of TRUE_PATH with argv: its first nargs args kept, truncated. */
static void ex_cut(struct run *r, const char *what, char *const *argv, int nargs)
{
	ex(r, what, SPEC(.path = TRUE_PATH, .argv = argv), 0,
	   WANT(.comm = "true", .nargs = nargs, .trunc = 1));
}

/* ---------------------------------------------------------------------------------------- */
/* JSON: arguments exactly                                                                  */

static void work_json_args_exact(struct run *r)
{
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
			     mk(r, "printable"),
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
			  mk(r, "binary"),
			  NULL};

	ex_true(r, "printable args", printable);
	ex_true(r, "control and non-UTF-8 args", binary);
}

static void work_json_long_arg(struct run *r)
{
	char *argv[] = {"true", keep(r, pattern(10000, 'a')), "after the long one", mk(r, "long"),
			NULL};

	ex_true(r, "10000-byte arg", argv);
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

/* --max-args 128 */
static void work_json_many_args(struct run *r)
{
	ex_true(r, "100 args", keep_argv(r, many_argv(100)));
	ex_true(r, "exactly --max-args args", keep_argv(r, many_argv(128)));
	ex_cut(r, "--max-args + 1 args", keep_argv(r, many_argv(129)), 128);
	ex_cut(r, "200 args", keep_argv(r, many_argv(200)), 128);
}

/* --max-args 5 */
static void work_json_max_args_small(struct run *r)
{
	ex_true(r, "4 args, --max-args 5", keep_argv(r, many_argv(4)));
	ex_true(r, "5 args, --max-args 5", keep_argv(r, many_argv(5)));
	ex_cut(r, "6 args, --max-args 5", keep_argv(r, many_argv(6)), 5);
	ex_cut(r, "9 args, --max-args 5", keep_argv(r, many_argv(9)), 5);
}

static void work_json_max_args_default(struct run *r)
{
	ex_true(r, "20 args, default --max-args", keep_argv(r, many_argv(20)));
	ex_cut(r, "21 args, default --max-args", keep_argv(r, many_argv(21)), 20);
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

/* --max-args 128: 30 KB of args (pid[0], argv; see the check) and 16 KB that fit */
static void work_json_args_over_16k(struct run *r)
{
	r->argv = keep_argv(r, sized_argv(30, 1000));
	r->pid[r->npid++] = run_exec(TRUE_PATH, r->argv, 0);
	/* 16 KB of text with a little under it: all of it, exactly. */
	ex_true(r, "16004 bytes of args", keep_argv(r, sized_argv(4, 4000)));
}

/* 30 KB: truncated, every kept argument exact except a cut last one, >= 16 KiB kept. */
static void check_json_args_over_16k(struct run *r)
{
	const struct ev *e = ev_one(r->pid[0], "30000 bytes of args");
	char *const *big = r->argv;
	size_t kept = 0;

	assert_int_equal(e->pid, r->pid[0]);
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
}

/* Arguments that fill the 16 KiB exactly (NULs included): nothing is cut. */
static void work_json_args_exactly_16k(struct run *r)
{
	/* "true\0" (5) + 4 x 4001 (16004) + last: 16384 - 16009 = 375 bytes with its NUL */
	char **argv = keep_argv(r, sized_argv(5, 4000));

	argv[5][374] = 0;
	ex_true(r, "16384 bytes of args with NULs", argv);
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

static struct gated g_pre; /* a child forked before minisnoop started */
static int g_pre_in = -1;  /* the write end of its stdin (a cat) */

static void before_ppid(struct run *r)
{
	r->argv = kargv(r, "true", mk(r, "forked-before"), NULL);
	gated_fork(&g_pre, TRUE_PATH, r->argv, -1);
}

/* A child, a grandchild; and a short-lived child forked before minisnoop started. */
static void work_ppid(struct run *r)
{
	char *argv_c[] = {"true", mk(r, "child"), NULL};
	char *argv_g[] = {"true", mk(r, "grandchild"), NULL};
	pid_t c, g;

	gated_open(&g_pre);
	kid_expect_exit(g_pre.pid, 0, "child forked before minisnoop");
	c = run_family(argv_c, argv_g, &g);
	expect_ev(r, "child",
		  WANT(.pid = c, .comm = "true", .filename = TRUE_PATH, .argv = argv_c));
	expect_ev(r, "grandchild",
		  WANT(.pid = g, .ppid = c, .comm = "true", .filename = TRUE_PATH, .argv = argv_g));
	expect_ev(r, "short-lived child forked before minisnoop started",
		  WANT(.pid = g_pre.pid, .comm = "true", .filename = TRUE_PATH, .argv = r->argv));
}

/*
 * Without BTF, ppid of processes forked while tracing comes from fork tracking; for one
 * forked before, from /proc (so it must still be alive: it runs cat until we close its
 * stdin).
 */
static void before_no_btf(struct run *r)
{
	int in[2];

	(void)r;
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	gated_fork(&g_pre, "/bin/cat", (char *[]){"cat", "-", NULL}, in[0]);
	close(in[0]);
	g_pre_in = in[1];
}

static void work_no_btf(struct run *r)
{
	char *argv_c[] = {"true", mk(r, "child"), NULL};
	char *argv_g[] = {"true", mk(r, "grandchild"), NULL};
	pid_t c, g;

	c = run_family(argv_c, argv_g, &g);
	gated_open(&g_pre);
	snoop_wait_pids(r->s, (pid_t[]){g_pre.pid, c, g}, 3, WAIT_EVENTS_MS);
	close(g_pre_in);
	g_pre_in = -1;
	kid_expect_exit(g_pre.pid, 0, "cat forked before minisnoop");
	expect_ev(r, "child (no BTF)",
		  WANT(.pid = c, .comm = "true", .filename = TRUE_PATH, .argv = argv_c));
	expect_ev(r, "grandchild (no BTF)",
		  WANT(.pid = g, .ppid = c, .comm = "true", .filename = TRUE_PATH, .argv = argv_g));
	expect_ev(r, "child forked before minisnoop (no BTF)",
		  WANT(.pid = g_pre.pid, .comm = "cat", .filename = "/bin/cat",
		       .argv = (char *[]){"cat", "-", NULL}));
}

static void work_uid(struct run *r)
{
	char *argv_nobody[] = {"true", mk(r, "nobody"), NULL};

	ex_true(r, "as root", (char *[]){"true", mk(r, "root"), NULL});
	ex(r, "as uid 65534", SPEC(.path = TRUE_PATH, .argv = argv_nobody, .uid = 65534), 0,
	   WANT(.uid = 65534, .comm = "true"));
}

/* A failed exec keeps the comm it had: ours, inherited by the forked child. */
static void work_ret_values(struct run *r)
{
	char noexec[PATH_MAX], garbage[PATH_MAX];
	const char *missing = "/nonexistent-minisnoop-test/no such program";
	char *argv_missing[] = {"missing", "arg with space", mk(r, "enoent"), NULL};
	char *argv_noexec[] = {"noexec", mk(r, "eacces"), NULL};
	char *argv_garbage[] = {"garbage", mk(r, "enoexec"), NULL};

	write_file(noexec, sizeof(noexec), "not-executable", "#!/bin/sh\nexit 0\n", 0644);
	write_file(garbage, sizeof(garbage), "garbage", "\x01\x02\x03 this is no program\n", 0755);
	ex_true(r, "good exec", (char *[]){"true", mk(r, "ok"), NULL});
	ex(r, "missing file", SPEC(.path = missing, .argv = argv_missing), 127,
	   WANT(.ret = -ENOENT, .comm = g_comm));
	ex(r, "file without x bits", SPEC(.path = noexec, .argv = argv_noexec), 127,
	   WANT(.ret = -EACCES, .comm = g_comm));
	ex(r, "file of an unknown format", SPEC(.path = garbage, .argv = argv_garbage), 127,
	   WANT(.ret = -ENOEXEC, .comm = g_comm));
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

/* Skips the row where int $0x80 does not run (no IA32 emulation). */
static void before_int80(struct run *r)
{
	int st = kid_wait(kid_fork(int80_probe_child, NULL, NULL, 0));

	(void)r;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		SKIP("int $0x80 does not run here (no IA32 emulation): wait status 0x%x\n", st);
}

static struct int80_exec *int80_of(struct run *r)
{
	struct int80_exec *x =
	    int80_setup("/nonexistent-minisnoop-test/int80 no such", mk(r, "int80"));

	assert_non_null(x);
	return x;
}

/* Without --compat an int $0x80 failed exec is not seen (the default; minisnoop.8 says why). */
static void work_compat_not_default(struct run *r)
{
	struct int80_exec *x = int80_of(r);
	pid_t quiet = kid_fork(int80_child, x, NULL, 0);

	kid_expect_exit(quiet, 127, "int $0x80 execve of a missing file");
	expect_none(r, "int $0x80 without --compat", quiet);
	ex_true(r, "sync", (char *[]){"true", mk(r, "sync"), NULL});
	munmap(x, 4096);
}

/* With it: reported once, as the kernel took it; a 64-bit munmap's failure is no exec; a
 * 64-bit failed exec is reported once, not twice. */
static void work_compat_failed_exec(struct run *r)
{
	struct int80_exec *x = int80_of(r);
	char *argv_80[] = {x->arg0, x->arg1, x->marker, NULL};
	char *argv_64[] = {"missing64", mk(r, "fail64"), NULL};
	pid_t quiet = kid_fork(munmap_child, NULL, NULL, 0), pid;

	kid_expect_exit(quiet, 0, "a failing 64-bit munmap");
	expect_none(r, "64-bit munmap", quiet);
	pid = kid_fork(int80_child, x, NULL, 0);
	kid_expect_exit(pid, 127, "int $0x80 execve of a missing file");
	expect_ev(r, "int $0x80 execve, uid 65534",
		  WANT(.pid = pid, .uid = 65534, .ret = -ENOENT, .comm = g_comm,
		       .filename = x->path, .argv = argv_80));
	ex(r, "64-bit failed execve, uid 65534",
	   SPEC(.path = x->path, .argv = argv_64, .uid = 65534), 127,
	   WANT(.uid = 65534, .ret = -ENOENT, .comm = g_comm));
	ex_true(r, "sync", (char *[]){"true", mk(r, "sync"), NULL});
	munmap(x, 4096);
}
#else
static void before_int80(struct run *r)
{
	(void)r;
	SKIP("int $0x80: x86_64 only\n");
}
static void work_compat_not_default(struct run *r)
{
	(void)r;
}
static void work_compat_failed_exec(struct run *r)
{
	(void)r;
}
#endif

/* The path as the kernel resolved it: "/dev/fd/N/true", "/dev/fd/N" (dev_fd_path). */
static void work_execveat(struct run *r)
{
	char *argv_dir[] = {"true", mk(r, "dirfd"), NULL};
	char *argv_empty[] = {"true", mk(r, "empty-path"), NULL};
	char *argv_missing[] = {"nope", mk(r, "missing"), NULL};

	ex(r, "execveat(dirfd, \"true\")",
	   SPEC(.path = "true", .argv = argv_dir, .how = HOW_EXECVEAT_DIR, .dir = "/bin"), 0,
	   WANT(.comm = "true", .dev_fd = "/true"));
	/* comm after an AT_EMPTY_PATH exec is the fd number, so it is not checked */
	ex(r, "execveat(fd, \"\", AT_EMPTY_PATH)",
	   SPEC(.path = "", .argv = argv_empty, .how = HOW_EXECVEAT_EMPTY, .dir = TRUE_PATH), 0,
	   WANT(.dev_fd = ""));
	ex(r, "execveat of a missing name",
	   SPEC(.path = "no-such-program-here", .argv = argv_missing, .how = HOW_EXECVEAT_DIR,
		.dir = "/bin"),
	   127, WANT(.ret = -ENOENT, .comm = g_comm));
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
static void ex_thread(struct run *r, const char *what, char *const *argv)
{
	pid_t tid, pid = run_thread_exec(argv, &tid);

	expect_none(r, "the exec was reported with the thread id, not the pid", tid);
	expect_ev(r, what, WANT(.pid = pid, .comm = "true", .filename = TRUE_PATH, .argv = argv));
}

static void work_exec_from_thread(struct run *r)
{
	ex_thread(r, "exec from a non-main thread", (char *[]){"true", mk(r, "thread"), NULL});
}

/* args are the new program's argv, as the kernel built it: the interpreter's; comm is the
 * script's name; sh runs "exit 0" itself, no other exec */
static void work_script_exec(struct run *r)
{
	char path[PATH_MAX];
	char *argv[] = {path, "script arg", mk(r, "script"), NULL};

	write_file(path, sizeof(path), "ms-script.sh", "#!/bin/sh\nexit 0\n", 0755);
	ex(r, "#!/bin/sh script", SPEC(.path = path, .argv = argv), 0,
	   WANT(.comm = "ms-script.sh",
		.argv = (char *[]){"/bin/sh", path, argv[1], argv[2], NULL}));
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

static void work_exec_strings_not_faulted_in(struct run *r)
{
	char path[PATH_MAX], content[128];
	struct unfaulted u = {.file = path, .off = {sizeof(TRUE_PATH), sizeof(TRUE_PATH) + 5}};
	char *m = mk(r, "unfaulted");
	size_t len;
	pid_t pid;
	int fd;

	/* "/bin/true\0true\0<marker>\0" */
	len = (size_t)snprintf(content, sizeof(content), "%s%ctrue%c%s", TRUE_PATH, 0, 0, m) + 1;
	snprintf(path, sizeof(path), "%s/strings", tmpdir());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	close(fd);
	pid = kid_fork(unfaulted_child, &u, NULL, 0);
	kid_expect_exit(pid, 0, "exec with strings in an untouched page");
	expect_ev(r, "exec with strings in an untouched page",
		  WANT(.pid = pid, .comm = "true", .filename = TRUE_PATH,
		       .argv = (char *[]){"true", m, NULL}));
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

static struct {
	char base[64];
	struct storm_rec recs[STORM_WORKERS * STORM_EACH];
	pid_t workers[STORM_WORKERS];
	int n;
} g_storm;

static void work_exec_storm_each_once(struct run *r)
{
	struct storm w[STORM_WORKERS];
	pid_t pids[STORM_WORKERS * STORM_EACH];
	ssize_t got;
	int p[2], n;

	marker(g_storm.base, sizeof(g_storm.base), "storm");
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	for (int k = 0; k < STORM_WORKERS; k++) {
		w[k] = (struct storm){.base = g_storm.base, .worker = k, .pipe_w = p[1]};
		g_storm.workers[k] = kid_fork(storm_worker, &w[k], &p[1], 1);
	}
	close(p[1]);
	for (int k = 0; k < STORM_WORKERS; k++)
		kid_expect_exit(g_storm.workers[k], 0, "storm worker");
	/* every worker is gone: the pipe holds all records (3.6 KB) and then EOF */
	for (n = 0;
	     (got = read(p[0], (char *)g_storm.recs + n, sizeof(g_storm.recs) - (size_t)n)) > 0;)
		n += (int)got;
	close(p[0]);
	n /= (int)sizeof(g_storm.recs[0]);
	assert_int_equal(n, STORM_WORKERS * STORM_EACH);
	g_storm.n = n;
	for (int k = 0; k < n; k++)
		pids[k] = g_storm.recs[k].pid;
	snoop_wait_pids(r->s, pids, n, 3 * WAIT_EVENTS_MS);
}

static void check_exec_storm_each_once(struct run *r)
{
	expect_storm_events(r->s, g_storm.base, g_storm.recs, g_storm.n, g_storm.workers);
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

static struct {
	char m[RACE_ROUNDS][64];
	pid_t pids[RACE_ROUNDS];
	long uid;
} g_race;

static void race_work(struct run *r, long uid)
{
	g_race.uid = uid;
	for (int k = 0; k < RACE_ROUNDS; k++) {
		/* odd rounds: the leader (t0) is the favourite; even rounds: a plain race */
		struct race rc = {.marker = marker(g_race.m[k], sizeof(g_race.m[k]), "race"),
				  .uid = uid,
				  .favourite = k % 2 ? 0 : -1};

		g_race.pids[k] = kid_fork(race_child, &rc, NULL, 0);
		kid_expect_exit(g_race.pids[k], 0, "threads racing to exec echo");
	}
	snoop_wait_pids(r->s, g_race.pids, RACE_ROUNDS, WAIT_EVENTS_MS);
}

static void work_exec_race_threads(struct run *r)
{
	race_work(r, -1);
}

static void work_exec_race_threads_nobody(struct run *r)
{
	race_work(r, 65534);
}

static void check_exec_race_threads(struct run *r)
{
	(void)r;
	for (int k = 0; k < RACE_ROUNDS; k++)
		expect_race_round(g_race.pids[k], g_race.m[k], g_race.uid);
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

/* The path as the kernel resolved it, "/dev/fd/N"; the args exactly; ret 0. comm after an
 * AT_EMPTY_PATH exec depends on the kernel: not checked. */
static void work_fexecve_memfd(struct run *r)
{
	char *argv[] = {"true", mk(r, "memfd"), NULL};
	pid_t pid = kid_fork(memfd_child, argv, NULL, 0);

	kid_expect_exit(pid, 0, "fexecve of a memfd");
	expect_ev(r, "fexecve of a memfd", WANT(.pid = pid, .dev_fd = "", .argv = argv));
}

/* ---------------------------------------------------------------------------------------- */
/* Without BTF: what sys_enter read                                                         */

static void work_no_btf_args_thread_and_failure(struct run *r)
{
	const char *missing = "/nonexistent-minisnoop-test/prog";
	char *argv_bad[] = {"prog", "x y", mk(r, "nobtf-missing"), NULL};

	ex_true(r, "execve with args (no BTF)",
		(char *[]){"true", "two words", "", "tab\there", "caf\xc3\xa9", mk(r, "nobtf-args"),
			   NULL});
	ex_thread(r, "exec from a non-main thread (no BTF)",
		  (char *[]){"true", mk(r, "nobtf-thread"), NULL});
	ex(r, "failed exec (no BTF)", SPEC(.path = missing, .argv = argv_bad), 127,
	   WANT(.ret = -ENOENT, .comm = g_comm));
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

static struct core_run g_core;

static void before_core(struct run *r)
{
	(void)r;
	require_init_root();
}

static void work_core(struct run *r)
{
	core_crash(r->s, &g_core);
}

static void check_core_pattern_helper(struct run *r)
{
	const struct core_run *c = &g_core;
	/* argv of the new image: the kernel's {helper, pid, marker} behind the #! */
	char *ran[] = {"/bin/sh", (char *)c->helper, (char *)c->crashed, (char *)c->marker, NULL};

	(void)r;
	expect_event(core_helper_event(c),
		     &WANT(.pid = c->helper_pid, .ppid = c->helper_ppid, .comm = "ms-core.sh",
			   .filename = c->helper, .argv = ran));
	expect_core_child(c, c->helper_pid);
}

/*
 * Without BTF the helper's exec did not come through a syscall: its args are unknown (none,
 * or exactly the new image's), and it says truncated. Its ppid is not checked: fork tracking
 * records the kworker that forked the helper, not its real parent (kthreadd, CLONE_PARENT).
 */
static void check_core_pattern_helper_no_btf(struct run *r)
{
	const struct core_run *c = &g_core;
	const struct ev *h = core_helper_event(c);
	char *ran[] = {"/bin/sh", (char *)c->helper, (char *)c->crashed, (char *)c->marker, NULL};

	(void)r;
	expect_event(h, &WANT(.pid = c->helper_pid, .ppid = (pid_t)h->ppid, .comm = "ms-core.sh",
			      .filename = c->helper, .argv = ran, .nargs = h->nargs ? 4 : 0,
			      .trunc = 1));
	expect_core_child(c, c->helper_pid);
}

/* ---------------------------------------------------------------------------------------- */
/* Filters                                                                                  */

/* -u 65534 */
static void work_filter_uid(struct run *r)
{
	char *argv_nobody[] = {"true", mk(r, "nobody"), NULL};

	expect_none(r, "-u 65534, exec as root",
		    run_exec(TRUE_PATH, (char *[]){"true", mk(r, "root"), NULL}, 0));
	ex(r, "-u 65534, exec as 65534", SPEC(.path = TRUE_PATH, .argv = argv_nobody, .uid = 65534),
	   0, WANT(.uid = 65534, .comm = "true"));
}

static void check_filter_uid(struct run *r)
{
	(void)r;
	for (int k = 0; k < g_nevs; k++)
		if (g_evs[k].uid != 65534)
			fail_msg("-u 65534 printed an event of uid %ld (pid %ld)", g_evs[k].uid,
				 g_evs[k].pid);
}

/* -x */
static void work_filter_fails(struct run *r)
{
	const char *missing = "/nonexistent-minisnoop-test/prog";
	char *argv_bad[] = {"prog", mk(r, "missing"), NULL};

	expect_none(r, "-x, successful exec",
		    run_exec(TRUE_PATH, (char *[]){"true", mk(r, "ok"), NULL}, 0));
	ex(r, "-x, failed exec", SPEC(.path = missing, .argv = argv_bad), 127,
	   WANT(.ret = -ENOENT, .comm = g_comm));
}

static void check_filter_fails(struct run *r)
{
	(void)r;
	for (int k = 0; k < g_nevs; k++)
		if (g_evs[k].ret >= 0)
			fail_msg("-x printed a successful exec (pid %ld)", g_evs[k].pid);
}

/* -n '^tr.e$' */
static void work_filter_name(struct run *r)
{
	ex_true(r, "-n '^tr.e$', true", (char *[]){"true", mk(r, "true"), NULL});
	expect_none(r, "-n '^tr.e$', echo",
		    run_exec("/bin/echo", (char *[]){"echo", mk(r, "echo"), NULL}, 0));
}

static void check_filter_name(struct run *r)
{
	(void)r;
	for (int k = 0; k < g_nevs; k++)
		if (g_evs[k].comm.n != 4 || memcmp(g_evs[k].comm.p, "true", 4))
			fail_msg("-n '^tr.e$' printed comm '%s'", (char *)g_evs[k].comm.p);
}

/* -l '@M beta$': the argument line is the args joined with spaces; this spans two of them */
static void work_filter_line(struct run *r)
{
	ex_true(r, "-l, matching", (char *[]){"true", r->m, "beta", NULL});
	expect_none(r, "-l, not matching",
		    run_exec(TRUE_PATH, (char *[]){"true", r->m, "gamma", NULL}, 0));
	expect_none(r, "-l, not matching (other order)",
		    run_exec(TRUE_PATH, (char *[]){"true", "beta", r->m, NULL}, 0));
}

/* only that one event */
static void check_one_event(struct run *r)
{
	(void)r;
	assert_int_equal(g_nevs, 1);
}

/* -n and -l together: an event must match both. */
static void work_filter_name_and_line(struct run *r)
{
	ex_true(r, "-n and -l, both match", (char *[]){"true", r->m, NULL});
	expect_none(r, "-n '^true$' -l MARKER: echo MARKER (name does not match)",
		    run_exec("/bin/echo", (char *[]){"echo", r->m, NULL}, 0));
	expect_none(r, "-n '^true$' -l MARKER: true without the marker",
		    run_exec(TRUE_PATH, (char *[]){"true", "no marker here", NULL}, 0));
}

/* -P <our pid> */
static void work_filter_ppid(struct run *r)
{
	char *argv_c[] = {"true", mk(r, "child"), NULL};
	pid_t c, g;

	c = run_family(argv_c, (char *[]){"true", mk(r, "grandchild"), NULL}, &g);
	expect_ev(r, "-P: child",
		  WANT(.pid = c, .comm = "true", .filename = TRUE_PATH, .argv = argv_c));
	ex_true(r, "-P: another child", (char *[]){"true", mk(r, "direct"), NULL});
	expect_none(r, "-P: grandchild", g);
}

static void check_filter_ppid(struct run *r)
{
	(void)r;
	for (int k = 0; k < g_nevs; k++)
		if (g_evs[k].ppid != g_self)
			fail_msg("-P %d printed an event with ppid %ld", (int)g_self,
				 g_evs[k].ppid);
}

/* A new cgroup, g_cgdir (-c g_cgdir); nothing else is in it. */
static void before_filter_cgroup(struct run *r)
{
	char root[PATH_MAX];

	(void)r;
	if (!cgroup2_mount(root, sizeof(root)))
		SKIP("no cgroup2 mount in /proc/mounts");
	snprintf(g_cgdir, sizeof(g_cgdir), "%s/minisnoop-test-%d", root, (int)g_self);
	if (mkdir(g_cgdir, 0755) && errno != EEXIST) {
		int err = errno;

		g_cgdir[0] = 0;
		SKIP("cannot make a cgroup under %s: %s", root, strerror(err));
	}
}

static void work_filter_cgroup(struct run *r)
{
	char *argv_in[] = {"true", mk(r, "in-cgroup"), NULL};
	pid_t out = run_exec(TRUE_PATH, (char *[]){"true", mk(r, "outside"), NULL}, 0);

	ex(r, "-c: process in the cgroup",
	   SPEC(.path = TRUE_PATH, .argv = argv_in, .cgroup = g_cgdir), 0, WANT(.comm = "true"));
	expect_none(r, "-c: process outside the cgroup", out);
}

/* ---------------------------------------------------------------------------------------- */
/* Ending: order across CPUs, --count, signals, losses                                     */

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

static void before_two_cpus(struct run *r)
{
	(void)r;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP("needs two online CPUs");
}

/* -l @M: 150 execs pinned to CPU 0, 150 to CPU 1 */
static void work_events_in_time_order_across_cpus(struct run *r)
{
	struct pinned a = {.cpu = 0, .n = 150, .marker = r->m};
	struct pinned b = {.cpu = 1, .n = 150, .marker = r->m};
	pid_t pa, pb;

	pa = kid_fork(pinned_storm, &a, NULL, 0);
	pb = kid_fork(pinned_storm, &b, NULL, 0);
	kid_expect_exit(pa, 0, "pinned storm on CPU 0");
	kid_expect_exit(pb, 0, "pinned storm on CPU 1");
}

/* Each CPU's ring is in order; the output must be in time order across them too. */
static void check_events_in_time_order_across_cpus(struct run *r)
{
	const char *p, *prev = NULL;
	int n = 0;

	assert_int_equal(g_nevs, 300);
	/* RFC 3339 times of one format: string order is time order. */
	for (p = buf_str(&r->s->out); (p = strstr(p, "\"time\":\"")) != NULL; p += 8, n++) {
		if (prev && strncmp(p, prev, 36) < 0)
			fail_msg("event %d is older than the one before it:\n%.36s\n%.36s", n, prev,
				 p);
		prev = p;
	}
	assert_int_equal(n, 300);
}

/* --count 3 -l @M: 5 matching execs (pid[]), it exits by itself after 3 */
static void work_count_exits(struct run *r)
{
	r->argv = kargv(r, "true", r->m, NULL);
	for (int k = 0; k < 5; k++)
		r->pid[k] = run_exec(TRUE_PATH, r->argv, 0);
}

static void check_count_exits(struct run *r)
{
	assert_int_equal(g_nevs, 3);
	for (int k = 0; k < g_nevs; k++) {
		int ours = 0;

		for (int j = 0; j < 5; j++)
			ours += g_evs[k].pid == r->pid[j];
		if (ours != 1 || ev_count((pid_t)g_evs[k].pid) != 1)
			fail_msg("--count: event of pid %ld is not one of ours or is repeated",
				 g_evs[k].pid);
		expect_event(&g_evs[k],
			     &WANT(.pid = (pid_t)g_evs[k].pid, .ppid = g_self, .comm = "true",
				   .filename = TRUE_PATH, .argv = r->argv));
	}
	if (!buf_has(&r->s->err, "minisnoop: 3 events, 0 lost\n"))
		fail_msg("--count 3: no summary 'minisnoop: 3 events, 0 lost'; stderr:\n%s",
			 buf_str(&r->s->err));
}

/* -l @M, and no waiting for the output: what the kernel already has must come out on exit. */
static void work_signal(struct run *r)
{
	char *argv[] = {"true", "signal test", r->m, NULL};

	for (int k = 0; k < 3; k++)
		ex_true(r, "event before the signal", argv);
}

static void check_signal(struct run *r)
{
	assert_int_equal(g_nevs, 3);
	if (!buf_has(&r->s->err, "minisnoop: 3 events, 0 lost\n"))
		fail_msg("after signal %d: no summary 'minisnoop: 3 events, 0 lost'; stderr:\n%s",
			 r->row->stop, buf_str(&r->s->err));
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

/* --pages 1 */
static void work_losses(struct run *r)
{
	(void)r;
	burst_big_execs(400);
	usleep(1200 * 1000); /* past a live report */
}

/* Losses said while tracing never exceed the summary's count, and the last one said equals
 * it: the live reports and the summary count the same thing. */
static void check_losses_live_and_summary_agree(struct run *r)
{
	unsigned long long live = 0, v, total = 0, events;
	struct snoop *s = r->s;
	const char *p;

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

/* -l @M: one exec with awkward args (pid[0]), waited for in the text */
static void work_text_escaping(struct run *r)
{
	char *argv[] = {
	    "true",	   "a\nb", "\x1b[31mred\x1b[0m", "t\tab\rcr", "back\\slash", "\xff\xfe",
	    "caf\xc3\xa9", "",	   "\x01\x7f",		 r->m,	      NULL};

	r->pid[0] = run_exec(TRUE_PATH, argv, 0);
	snoop_wait_out(r->s, r->m, WAIT_EVENTS_MS);
}

static void check_text_escaping(struct run *r)
{
	const struct snoop *s = r->s;
	char want[1024];

	if (s->out.len < strlen(header) || memcmp(s->out.p, header, strlen(header)))
		fail_msg("text output does not start with the header line; stdout:\n%s",
			 buf_str(&s->out));
	snprintf(want, sizeof(want), "%-16s %-7d %-7d %3d %s", "true", (int)r->pid[0], (int)g_self,
		 0,
		 "/bin/true a\\nb \\x1b[31mred\\x1b[0m t\\tab\\rcr back\\\\slash \\xff\\xfe "
		 "caf\xc3\xa9  \\x01\\x7f ");
	strcat(want, r->m);
	expect_line(&s->out, want, r->m);
	expect_no_raw_controls(&s->out);
	assert_int_equal(count_lines(&s->out), 2);
}

/* -q -l @M */
static void work_text_quote(struct run *r)
{
	char *argv[] = {"true", "a b", "say \"hi\"", "", "back\\slash", "\x1b", r->m, NULL};

	r->pid[0] = run_exec(TRUE_PATH, argv, 0);
	snoop_wait_out(r->s, r->m, WAIT_EVENTS_MS);
}

static void check_text_quote(struct run *r)
{
	char want[1024];

	snprintf(
	    want, sizeof(want), "%-16s %-7d %-7d %3d %s\"%s\"", "true", (int)r->pid[0], (int)g_self,
	    0, "\"/bin/true\" \"a b\" \"say \\\"hi\\\"\" \"\" \"back\\\\slash\" \"\\x1b\" ", r->m);
	expect_line(&r->s->out, want, r->m);
	expect_no_raw_controls(&r->s->out);
}

#define MISSING_X "/nonexistent-minisnoop-test/x"

/* -T -t -U -l mstest-<our pid>-: a failed exec (pid[0], argv[0] its marker), one as uid
 * 65534 (pid[1], argv[1]) */
static void work_text_failed_and_columns(struct run *r)
{
	char *m1 = mk(r, "failed"), *m2 = mk(r, "columns");
	char *argv_nobody[] = {"true", m2, NULL};
	struct exec_spec nobody = SPEC(.path = TRUE_PATH, .argv = argv_nobody, .uid = 65534);

	r->argv = kargv(r, m1, m2, NULL);
	r->pid[0] = run_exec(MISSING_X, (char *[]){"x", "arg", m1, NULL}, 127);
	r->pid[1] = run_spec(&nobody, 0);
	snoop_wait_out(r->s, m2, WAIT_EVENTS_MS);
}

static void check_text_failed_and_columns(struct run *r)
{
	const struct snoop *s = r->s;
	char want[1024], rest[512];
	const char *p, *nl;
	bool found = false;
	regex_t re;

	snprintf(want, sizeof(want), "TIME     TIME(s) UID   %s", header);
	if (s->out.len < strlen(want) || memcmp(s->out.p, want, strlen(want)))
		fail_msg("header with -T -t -U: expected [%s]; stdout:\n%s", want,
			 buf_str(&s->out));
	/* the failed exec: ret -2 and our comm */
	snprintf(rest, sizeof(rest), "%-16s %-7d %-7d %3d %s arg %s", g_comm, (int)r->pid[0],
		 (int)g_self, -2, MISSING_X, r->argv[0]);
	assert_int_equal(regcomp(&re,
				 "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9] [0-9]+\\.[0-9]{3} *"
				 "(0|65534) +$",
				 REG_EXTENDED),
			 0);
	for (int which = 0; which < 2; which++) {
		if (which == 1)
			snprintf(rest, sizeof(rest), "%-16s %-7d %-7d %3d %s %s", "true",
				 (int)r->pid[1], (int)g_self, 0, TRUE_PATH, r->argv[1]);
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
/* tracefs                                                                                  */

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

static bool g_host_had_tracefs;

static void before_tracefs_not_mounted(struct run *r)
{
	(void)r;
	g_host_had_tracefs = tracefs_in("/proc/self/mounts");
}

/* It got there by mounting tracefs itself, in its own mount namespace (hide_tracefs), and
 * unmounted it again once attached. */
static void work_tracefs_not_mounted(struct run *r)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/mounts", (int)r->s->pid);
	if (tracefs_in(path))
		fail_msg("minisnoop traces with the tracefs it mounted still mounted");
	ex_true(r, "traced after mounting tracefs", (char *[]){"true", mk(r, "no-tracefs"), NULL});
}

static void check_tracefs_not_mounted(struct run *r)
{
	(void)r;
	assert_int_equal(tracefs_in("/proc/self/mounts"), g_host_had_tracefs);
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

static struct {
	char base[64];
	pid_t held[HOLD_N], holder;
} g_held;

/*
 * Issue 9, 1: a user who holds execs inside execve (ptrace) must not make anybody's exec
 * invisible: root's execs, successful and failed, are reported while they are held, and so
 * are the held execs themselves (they succeeded before the stop).
 */
static void work_execs_held_by_ptrace(struct run *r)
{
	static pid_t root[HOLD_ROOT_EXECS + 1];
	const char *missing = "/nonexistent-minisnoop-test/while held";
	char *argv_root[] = {"true", mk(r, "while-held"), NULL};
	char *argv_fail[] = {"missing", mk(r, "fails-while-held"), NULL};
	struct holder h;
	int p[2], g[2];

	marker(g_held.base, sizeof(g_held.base), "held");
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(pipe2(g, O_CLOEXEC), 0);
	h = (struct holder){.base = g_held.base, .pipe_w = p[1], .gate_r = g[0]};
	g_held.holder = kid_fork(holder_child, &h, (int[]){p[1], g[0]}, 2);
	close(p[1]);
	close(g[0]);
	if (!read_full(p[0], g_held.held, sizeof(g_held.held), 30000))
		fail_msg("the uid 65534 process did not hold %d execs (its wait status: 0x%x)",
			 HOLD_N, kid_wait(g_held.holder));
	close(p[0]);
	for (int k = 0; k < HOLD_ROOT_EXECS; k++)
		root[k] = ex_true(r, "root's exec while others are held", argv_root);
	root[HOLD_ROOT_EXECS] =
	    ex(r, "root's failed exec while others are held",
	       SPEC(.path = missing, .argv = argv_fail), 127, WANT(.ret = -ENOENT, .comm = g_comm));
	/* reported while the others are still held, not when they are let go */
	if (!snoop_wait_pids(r->s, root, HOLD_ROOT_EXECS + 1, WAIT_EVENTS_MS) ||
	    !snoop_wait_pids(r->s, g_held.held, HOLD_N, WAIT_EVENTS_MS))
		fail_msg("with %d execs held inside execve by uid 65534, not every exec was "
			 "reported within %d ms; stderr:\n%s",
			 HOLD_N, WAIT_EVENTS_MS, buf_str(&r->s->err));
	close(g[1]);
	kid_expect_exit(g_held.holder, 0, "the uid 65534 process holding execs");
}

static void check_execs_held_by_ptrace(struct run *r)
{
	expect_held_events(g_held.base, g_held.held, g_held.holder);
	expect_nothing_lost(r->s, "execs held inside execve");
}

/* ---------------------------------------------------------------------------------------- */
/* Privileges                                                                               */

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
static void before_capabilities_enough(struct run *r)
{
	setpriv_prepare();
	g_setpriv_caps = "+bpf,+perfmon,+dac_read_search";
	g_setpriv_args = r->args;
}

/* what it was given, it gave up once attached */
static void work_capabilities_enough(struct run *r)
{
	expect_no_privileges(r->s->pid, 65534);
	ex_true(r, "traced by uid 65534 with CAP_BPF, CAP_PERFMON, CAP_DAC_READ_SEARCH",
		(char *[]){"true", mk(r, "caps-only"), NULL});
}

static void check_nothing_lost(struct run *r)
{
	expect_nothing_lost(r->s, r->row->name);
}

/* ---------------------------------------------------------------------------------------- */
/* The rows: minisnoop's flags, the workload, what else is checked                          */

/* One row a line (or two): the table is easier to read aligned as it is. */
/* clang-format off */
#define W(f) .work = work_##f
#define C(f) .check = check_##f
#define B(f) .before = before_##f
static const struct row rows[] = {
    /* JSON: arguments exactly */
    {"test_json_args_exact", {"-j"}, W(json_args_exact)},
    {"test_json_long_arg", {"-j"}, W(json_long_arg)},
    {"test_json_many_args", {"-j", "--max-args", "128"}, W(json_many_args)},
    {"test_json_max_args_small", {"-j", "--max-args", "5"}, W(json_max_args_small)},
    {"test_json_max_args_default", {"-j"}, W(json_max_args_default)},
    {"test_json_args_over_16k", {"-j", "--max-args", "128"}, W(json_args_over_16k),
     C(json_args_over_16k)},
    {"test_json_args_exactly_16k", {"-j"}, W(json_args_exactly_16k)},
    /* pid, ppid, uid, ret, how the exec was made */
    {"test_pid_ppid", {"-j"}, B(ppid), W(ppid)},
    {"test_pid_ppid_no_btf", {"-j", "--no-btf"}, B(no_btf), W(no_btf)},
    {"test_pid_ppid_no_btf_env", {"-j"}, .no_btf = "1", B(no_btf), W(no_btf)},
    {"test_uid", {"-j"}, W(uid), .nobody = true},
    {"test_ret_values", {"-j"}, W(ret_values)},
    {"test_compat_not_default", {"-j"}, .before = before_int80, W(compat_not_default), .nobody = true},
    {"test_compat_failed_exec", {"-j", "--compat"}, .before = before_int80, W(compat_failed_exec), .nobody = true},
    {"test_execveat", {"-j"}, W(execveat)},
    {"test_exec_from_thread", {"-j"}, W(exec_from_thread)},
    {"test_exec_storm_each_once", {"-j"}, W(exec_storm_each_once), C(exec_storm_each_once)},
    {"test_exec_race_threads", {"-j"}, W(exec_race_threads), C(exec_race_threads)},
    {"test_exec_race_threads_nobody", {"-j"}, W(exec_race_threads_nobody), C(exec_race_threads), .nobody = true},
    {"test_fexecve_memfd", {"-j"}, W(fexecve_memfd)},
    {"test_fexecve_memfd_no_btf", {"-j"}, .no_btf = "1", W(fexecve_memfd)},
    {"test_no_btf_args_thread_and_failure", {"-j"}, .no_btf = "1",
     W(no_btf_args_thread_and_failure)},
    {"test_core_pattern_helper", {"-j"}, B(core), W(core), C(core_pattern_helper)},
    {"test_core_pattern_helper_no_btf", {"-j"}, .no_btf = "1", B(core), W(core),
     C(core_pattern_helper_no_btf)},
    {"test_script_exec", {"-j"}, W(script_exec)},
    {"test_exec_strings_not_faulted_in", {"-j"}, W(exec_strings_not_faulted_in)},
    /* filters */
    {"test_filter_uid", {"-j", "-u", "65534"}, W(filter_uid), C(filter_uid), .nobody = true},
    {"test_filter_fails", {"-j", "-x"}, W(filter_fails), C(filter_fails)},
    {"test_filter_name", {"-j", "-n", "^tr.e$"}, W(filter_name), C(filter_name)},
    {"test_filter_line", {"-j", "-l", "@M beta$"}, W(filter_line), C(one_event)},
    {"test_filter_name_and_line", {"-j", "-n", "^true$", "-l", "@M"}, W(filter_name_and_line)},
    {"test_filter_ppid", {"-j", "-P", "@P"}, W(filter_ppid), C(filter_ppid)},
    {"test_filter_cgroup", {"-j", "-c", g_cgdir}, B(filter_cgroup), W(filter_cgroup),
     C(one_event)},
    /* ending: order, --count, signals, losses */
    {"test_events_in_time_order_across_cpus", {"-j", "-l", "@M"}, B(two_cpus),
     W(events_in_time_order_across_cpus), C(events_in_time_order_across_cpus)},
    {"test_count_exits", {"-j", "--count", "3", "-l", "@M"}, .stop = -1, W(count_exits),
     C(count_exits)},
    {"test_sigint", {"-j", "-l", "@M"}, .no_wait = true, .stop = SIGINT, W(signal), C(signal)},
    {"test_sigterm", {"-j", "-l", "@M"}, .no_wait = true, .stop = SIGTERM, W(signal), C(signal)},
    {"test_losses_live_and_summary_agree", {"-j", "--pages", "1"}, .raw = true, W(losses),
     C(losses_live_and_summary_agree)},
    /* text output */
    {"test_text_escaping", {"-l", "@M"}, .raw = true, W(text_escaping), C(text_escaping)},
    {"test_text_quote", {"-q", "-l", "@M"}, .raw = true, W(text_quote), C(text_quote)},
    {"test_text_failed_and_columns", {"-T", "-t", "-U", "-l", "mstest-@P-"}, .raw = true,
     W(text_failed_and_columns), C(text_failed_and_columns), .nobody = true},
    /* tracefs, hardening, privileges */
    {"test_tracefs_not_mounted", {"-j"}, .pre_exec = hide_tracefs, B(tracefs_not_mounted),
     W(tracefs_not_mounted), C(tracefs_not_mounted)},
    {"test_execs_held_by_ptrace_hide_nothing", {"-j"}, W(execs_held_by_ptrace),
     C(execs_held_by_ptrace), .nobody = true},
    {"test_capabilities_enough_without_root", {"-j"}, .pre_exec = via_setpriv,
     B(capabilities_enough), W(capabilities_enough), C(nothing_lost)},
};
#undef W
#undef C
#undef B
/* clang-format on */

/* ---------------------------------------------------------------------------------------- */
/* Cases that fit no row                                                                    */
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

/* Each usage error: exit 2, our one-line message and the usage lines, nothing traced. */
static void expect_usage_errors(const char *const (*cases)[4], size_t n)
{
	for (size_t k = 0; k < n; k++) {
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

/*
 * What make tiny leaves out (the tracer alone): asked for, each says "minisnoop: WHAT is not
 * in this build (minisnoop-tiny)" and exits 2, nothing traced. The full build has each: its
 * row ends in a usage error of its own there (exit 2, not that message: an argument too many,
 * or for -o's fields --ancestors without -o ancestors, checked after them), but -- COMMAND's,
 * which would trace.
 */
static void test_not_in_build(void **state)
{
	static const struct {
		const char *args[5];
		const char *what;
		bool tiny_only;
	} left_out[] = {
	    {{"dump", "--bogus"}, "dump", false},
	    {{"verify", "--bogus"}, "verify", false},
	    {{"explain", "--bogus"}, "explain", false},
	    {{"-w", "/nonexistent/minisnoop", "x"}, "-w", false},
	    {{"--rotate", "1M", "x"}, "--rotate", false},
	    {{"--rate", "5", "x"}, "--rate", false},
	    {{"--pidfile", "/nonexistent/minisnoop", "x"}, "--pidfile", false},
	    {{"--existing", "x"}, "--existing", false},
	    {{"-o", "ancestors", "x"}, "-o ancestors", false},
	    {{"--exit", "x"}, "--exit", false},
	    {{"-o", "id", "--ancestors", "2"}, "-o id", false},
	    {{"-o", "+parent_id", "--ancestors", "2"}, "-o parent_id", false},
	    {{"--tree", "1", "x"}, "--tree", false},
	    {{"--exclude-tree", "1", "x"}, "--exclude-tree", false},
	    {{"--", "true"}, "-- COMMAND", true},
	    {{"--container", "abc", "x"}, "--container", false},
	    {{"--containers-only", "x"}, "--containers-only", false},
	    {{"-o", "cgroup,container", "--ancestors", "2"}, "-o container", false},
	    {{"-o", "pod", "--ancestors", "2"}, "-o pod", false},
	};
	struct snoop *s;
	bool tiny;

	(void)state;
	REQUIRE_KERNEL();
	tiny = snoop_tiny();
	for (size_t k = 0; k < sizeof(left_out) / sizeof(left_out[0]); k++) {
		char want[96];

		if (left_out[k].tiny_only && !tiny)
			continue;
		snprintf(want, sizeof(want), "minisnoop: %s is not in this build (minisnoop-tiny)",
			 left_out[k].what);
		s = run_minisnoop(left_out[k].args, 5000);
		if (!WIFEXITED(s->status) || WEXITSTATUS(s->status) != 2)
			fail_msg("minisnoop %s: wait status 0x%x, expected exit 2; stderr:\n%s",
				 left_out[k].what, s->status, buf_str(&s->err));
		if (tiny ? strncmp(buf_str(&s->err), want, strlen(want))
			 : buf_has(&s->err, "is not in this build"))
			fail_msg("minisnoop%s %s: stderr %s '%s':\n%s", tiny ? "-tiny" : "",
				 left_out[k].what, tiny ? "does not start with" : "has", want,
				 buf_str(&s->err));
		if (s->out.len || buf_has(&s->err, "tracing"))
			fail_msg("minisnoop %s: traced, or wrote to stdout:\n%s", left_out[k].what,
				 buf_str(&s->out));
		cleanup_all();
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
	    {"--ancestors", "0", NULL},
	    {"--ancestors", "65", NULL},
	    {"--ancestors", "2", NULL}, /* without -o ancestors */
	    /* a value missing after a non-option: getopt has permuted argv (musl's crashed) */
	    {"x", "-u", NULL},
	    {"-Tt", "x", "-o", NULL},
	};

	(void)state;
	REQUIRE_KERNEL();
	expect_usage_errors(cases, sizeof(cases) / sizeof(cases[0]));
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
	skip_unless_built("verify");
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
	REQUIRE_NOBODY();
	expect_runtime_error(as_nobody, want, 3);
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
 * (a right-to-left override makes "abc<RLO>fdp.exe" read as "abcexe.pdf"); so are, since
 * issue 22, the spaces that are not ' ' (U+200A, U+202F) and the default ignorables
 * (U+2065); their neighbours in Unicode that are none of these are shown as they are; JSON
 * keeps them all as valid UTF-8.
 */
static void test_text_escapes_bidi_and_invisible(void **state)
{
	char m[64], want[1024];
	char *argv[] = {"true",
			"abc\xe2\x80\xae"
			"fdp.exe",
			"zero\xe2\x80\x8bwidth",
			"\xd8\x9c\xe2\x80\x8f\xe2\x81\xa0\xe2\x81\xa6\xe2\x81\xa9\xef\xbb\xbf"
			"\xe2\x80\x8a\xe2\x80\xaf\xe2\x81\xa5",
			"kept \xe2\x80\xa7\xe2\x80\x90\xe2\x80\xb0\xe2\x81\xb0 caf\xc3\xa9",
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
		 "\\u061c\\u200f\\u2060\\u2066\\u2069\\ufeff\\u200a\\u202f\\u2065 "
		 "kept \xe2\x80\xa7\xe2\x80\x90\xe2\x80\xb0\xe2\x81\xb0 caf\xc3\xa9 ",
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
	const char *filter = getenv("MINISNOOP_TEST_FILTER"); /* e.g. "test_filter_*" */
	enum { NROWS = sizeof(rows) / sizeof(rows[0]) };
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	static const struct CMUnitTest first[] = {
	    T(test_error_tracefs_cannot_mount),
	    T(test_error_not_permitted),
	};
	static const struct CMUnitTest last[] = {
	    T(test_duration_exits),
	    T(test_closed_stdout),
	    T(test_no_bpf_objects_left),
	    T(test_bad_flags),
	    T(test_not_in_build),
	    T(test_check),
	    T(test_check_selftest_catches_a_wrong_layout),
	    T(test_verify),
	    T(test_full_disk),
	    T(test_blocked_output_ends_on_sigterm),
	    T(test_started_with_stdout_closed),
	    T(test_no_privileges_while_tracing),
	    T(test_capabilities_missing_dac_read_search),
	    T(test_text_escapes_bidi_and_invisible),
	};
#undef T
	enum { NFIRST = sizeof(first) / sizeof(first[0]), NLAST = sizeof(last) / sizeof(last[0]) };
	struct CMUnitTest tests[NFIRST + NROWS + NLAST];
	size_t n = 0;

	for (size_t k = 0; k < NFIRST; k++)
		tests[n++] = first[k];
	/* each row its own test, the row its state */
	for (size_t k = 0; k < NROWS; k++)
		tests[n++] = (struct CMUnitTest){.name = rows[k].name,
						 .test_func = run_row,
						 .setup_func = setup,
						 .teardown_func = teardown,
						 .initial_state = (void *)&rows[k]};
	for (size_t k = 0; k < NLAST; k++)
		tests[n++] = last[k];
	n = snoop_exclude(tests, n);
	if (filter && *filter)
		cmocka_set_test_filter(filter);
	/* 50 s per test: SIGALRM ends the run if one hangs */
	snoop_init(50, "/tmp/minisnoop-test.", cleanup_all);
	return _cmocka_run_group_tests("trace", tests, n, group_setup, group_teardown);
}
