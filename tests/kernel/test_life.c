// SPDX-License-Identifier: MIT
/*
 * --exit and the ids (issue 17), against processes whose truth is known: exit codes, a
 * SIGKILL, a core dump, ages, multi-threaded processes, a process that execs twice, a pid
 * used twice, ids recomputed from /proc/PID/stat, --no-btf's nulls, text; -o ancestors
 * through a shell chain, an exited (reparented) intermediate, --ancestors N; --existing's
 * running lines and the parent ids they resolve. Each case is a row
 * (snoop.h): minisnoop's flags, a workload that runs our processes and records their pids,
 * and a check on the events life_events.py normalized.
 */
#include "snoop.h"

#include <pthread.h>
#include <sys/resource.h>

#define WAIT_MS	     10000
#define CORE_PATTERN "/proc/sys/kernel/core_pattern"
#define NS_LAST_PID  "/proc/sys/kernel/ns_last_pid"
#define MAX_EVENTS   4096
#define MAX_PIDS     8

/* One normalized event (life_events.py's words; "-" is null). */
struct lev {
	char event[8];
	long pid, ppid;
	char tid[16], id[20], parent_id[20], code[8], sig[8], core[8], age[16];
	char comm[40];
	char *anc; /* life_events.py's ANCESTORS word (malloc'd) */
};

struct run;

struct row {
	const char *name;
	const char *args[8]; /* after --exit -j */
	void (*work)(struct run *);
	void (*check)(struct run *);
	bool text; /* --exit without -j: the check reads r->s->out itself */
};

struct run {
	const struct row *row;
	struct snoop *s;
	pid_t pid[MAX_PIDS]; /* the workload's processes: their exits are waited for */
	int npid;
	char self_id[20]; /* this test's image id, from /proc/self/stat */
	struct lev *ev;
	int nev;
	char note[64]; /* from a workload to its check */
};

static struct run g_run;
static char g_core_saved[256];
static ssize_t g_core_saved_len;

static void core_pattern_restore(void)
{
	int fd;

	if (g_core_saved_len <= 0)
		return;
	fd = open(CORE_PATTERN, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && write(fd, g_core_saved, (size_t)g_core_saved_len) == g_core_saved_len)
		g_core_saved_len = 0;
	else
		print_error("could not restore %s: %s\n", CORE_PATTERN, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void free_events(struct run *r)
{
	for (int k = 0; k < r->nev; k++)
		free(r->ev[k].anc);
	free(r->ev);
	r->ev = NULL;
	r->nev = 0;
}

static void life_cleanup(void)
{
	snoop_cleanup();
	core_pattern_restore();
	free_events(&g_run);
	memset(&g_run, 0, sizeof(g_run));
}

/* ---- ids from /proc, as minisnoop.8 says: FNV-1a 64 of "TGID:TICKS:ARG_START" ---- */

static void id_of(unsigned long long pid, unsigned long long ticks, unsigned long long arg_start,
		  char out[20])
{
	char text[80];
	uint64_t h = 0xcbf29ce484222325ull;

	snprintf(text, sizeof(text), "%llu:%llu:%llu", pid, ticks, arg_start);
	for (const char *c = text; *c; c++)
		h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
	snprintf(out, 20, "%016llx", (unsigned long long)h);
}

/* The id of PID's image from /proc/PID/stat (fields 1, 22, 48); false when unreadable. */
static bool proc_id(pid_t pid, char out[20])
{
	char path[64], buf[2048], *p;
	unsigned long long v[48] = {0};
	struct buf b = {0};
	int fd, k;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	read_to_end(fd, &b);
	close(fd);
	snprintf(buf, sizeof(buf), "%s", buf_str(&b));
	buf_free(&b);
	p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
	if (!p)
		return false;
	p++;
	for (k = 3; k <= 48 && *p; k++) { /* field 3 (state) is the first after the comm */
		while (*p == ' ')
			p++;
		v[k - 1] = strtoull(p, &p, 10);
		if (k == 3)
			p++; /* the state is a letter */
	}
	if (k <= 48)
		return false;
	id_of((unsigned long long)pid, v[21], v[47], out);
	return true;
}

/* ---- reading the events ---- */

static void add_event(char *words)
{
	struct run *r = &g_run;
	struct lev *e;
	int n = 0;

	if (r->nev >= MAX_EVENTS)
		return;
	if (!r->ev)
		r->ev = calloc(MAX_EVENTS, sizeof(*r->ev));
	assert_non_null(r->ev);
	e = &r->ev[r->nev];
	e->anc = NULL;
	if (sscanf(words, " %7s %ld %ld %15s %19s %19s %7s %7s %7s %15s %39s %n", e->event, &e->pid,
		   &e->ppid, e->tid, e->id, e->parent_id, e->code, e->sig, e->core, e->age, e->comm,
		   &n) != 11 ||
	    !words[n])
		fail_msg("bad normalized line '%.120s'", words);
	e->anc = strdup(words + n);
	assert_non_null(e->anc);
	r->nev++;
}

/* The n-th (0: first) event of kind ev of pid, or NULL. */
static const struct lev *find(const struct run *r, const char *ev, pid_t pid, int n)
{
	for (int k = 0; k < r->nev; k++)
		if (r->ev[k].pid == pid && !strcmp(r->ev[k].event, ev) && n-- == 0)
			return &r->ev[k];
	return NULL;
}

static int count(const struct run *r, const char *ev, pid_t pid)
{
	int n = 0;

	for (int k = 0; k < r->nev; k++)
		n += r->ev[k].pid == pid && !strcmp(r->ev[k].event, ev);
	return n;
}

static const struct lev *must(const struct run *r, const char *ev, pid_t pid, int n)
{
	const struct lev *e = find(r, ev, pid, n);

	if (!e)
		fail_msg("no %s event #%d of pid %d in:\n%s", ev, n + 1, (int)pid,
			 buf_str(&r->s->out));
	return e;
}

/* How many exit lines of pid the JSON output has. */
static int exits_seen(const struct snoop *s, pid_t pid)
{
	char needle[64];
	const char *p = buf_str(&s->out);
	int n = 0;

	snprintf(needle, sizeof(needle), "\"pid\":%d,", (int)pid);
	while ((p = strstr(p, needle))) {
		const char *line = p;

		while (line > s->out.p && line[-1] != '\n')
			line--;
		n += !strncmp(line, "{\"event\":\"exit\"", 15);
		p++;
	}
	return n;
}

/* Until every recorded pid has as many exit lines as it is recorded (a reused pid twice). */
static void wait_exits(struct run *r)
{
	uint64_t end = now_ms() + WAIT_MS;
	int k = 0;

	while (k < r->npid && now_ms() < end) {
		int want = 0;

		for (int j = 0; j <= k; j++)
			want += r->pid[j] == r->pid[k];
		if (r->row->text ? strstr(buf_str(&r->s->out), "signal 9 (SIGKILL) age") != NULL
				 : exits_seen(r->s, r->pid[k]) >= want)
			k++;
		else
			pump(r->s, 100);
	}
}

/* ---- our processes ---- */

struct prog {
	const char *path;
	char *const *argv;
	int core; /* an unlimited core size first */
};

static void exec_prog(void *arg)
{
	const struct prog *p = arg;

	if (p->core) {
		struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};

		setrlimit(RLIMIT_CORE, &rl);
	}
	touch_strings(p->path, p->argv);
	execve(p->path, p->argv, g_envp);
	_exit(127);
}

static pid_t spawn(struct run *r, const struct prog *p)
{
	pid_t pid = kid_fork(exec_prog, (void *)p, NULL, 0);

	if (r->npid < MAX_PIDS)
		r->pid[r->npid++] = pid;
	return pid;
}

/* Runs sh -c script to its end; its pid. */
static pid_t sh(struct run *r, const char *script)
{
	static char *argv[4] = {"sh", "-c", NULL, NULL};
	struct prog p = {"/bin/sh", argv, 0};
	pid_t pid;

	argv[2] = (char *)script;
	pid = spawn(r, &p);
	kid_wait(pid);
	return pid;
}

static void expect_str(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want))
		fail_msg("%s: got '%s', want '%s'\n%s", what, got, want, buf_str(&g_run.s->out));
}

/* An exit: code, signal, core (words as life_events.py prints them). */
static void expect_exit(const struct run *r, pid_t pid, const char *code, const char *sig,
			const char *core)
{
	const struct lev *x = must(r, "exit", pid, 0);

	expect_str("exit_code", x->code, code);
	expect_str("signal", x->sig, sig);
	expect_str("core", x->core, core);
	if (count(r, "exit", pid) != 1)
		fail_msg("%d exit events of pid %d, not one", count(r, "exit", pid), (int)pid);
}

/* The exec and exit of pid agree on the id, and the parent is this test. */
static void expect_ids(const struct run *r, pid_t pid)
{
	const struct lev *e = must(r, "exec", pid, 0), *x = must(r, "exit", pid, 0);

	expect_str("exit id = exec id", x->id, e->id);
	expect_str("exec parent_id = this test's id (/proc/self/stat)", e->parent_id, r->self_id);
	expect_str("exit parent_id", x->parent_id, r->self_id);
}

/* ---- the workloads and checks ---- */

static void work_codes(struct run *r)
{
	sh(r, "exit 0");
	sh(r, "exit 3");
}

static void check_codes(struct run *r)
{
	expect_exit(r, r->pid[0], "0", "-", "false");
	expect_exit(r, r->pid[1], "3", "-", "false");
	expect_ids(r, r->pid[0]);
	expect_ids(r, r->pid[1]);
	if (!strcmp(must(r, "exit", r->pid[0], 0)->id, must(r, "exit", r->pid[1], 0)->id))
		fail_msg("two processes with one id");
}

static void work_sigkill(struct run *r)
{
	sh(r, "kill -9 $$");
}

static void check_sigkill(struct run *r)
{
	expect_exit(r, r->pid[0], "-", "9", "false");
	expect_ids(r, r->pid[0]);
}

static void core_pattern_set(const char *pattern)
{
	int fd = open(CORE_PATTERN, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	g_core_saved_len = read(fd, g_core_saved, sizeof(g_core_saved));
	close(fd);
	assert_true(g_core_saved_len > 0);
	fd = open(CORE_PATTERN, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_true(write(fd, pattern, strlen(pattern)) == (ssize_t)strlen(pattern));
	close(fd);
}

static void work_core(struct run *r)
{
	static char *argv[] = {"sh", "-c", "kill -ABRT $$", NULL};
	struct prog p = {"/bin/sh", argv, 1};
	char pattern[512];

	snprintf(pattern, sizeof(pattern), "%s/core.%%p", tmpdir());
	core_pattern_set(pattern);
	kid_wait(spawn(r, &p));
	core_pattern_restore();
}

static void check_core(struct run *r)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/core.%d", tmpdir(), (int)r->pid[0]);
	if (access(path, F_OK))
		fail_msg("no core file %s: the kernel did not dump one", path);
	expect_exit(r, r->pid[0], "-", "6", "true");
	unlink(path);
}

/* A child that never execs: its age is from its fork; it has an id of its own. */
static void forked_only(void *arg)
{
	(void)arg;
	usleep(300 * 1000);
	_exit(7);
}

static void work_ages(struct run *r)
{
	static char *argv[] = {"sleep", "0.5", NULL};
	struct prog p = {"/bin/sleep", argv, 0};
	pid_t a, b;

	a = spawn(r, &p);
	b = kid_fork(forked_only, NULL, NULL, 0);
	r->pid[r->npid++] = b;
	kid_wait(a);
	kid_wait(b);
}

static void expect_age(const struct lev *x, long lo_ms, long hi_ms)
{
	long age = strtol(x->age, NULL, 10);

	if (!strcmp(x->age, "-") || age < lo_ms || age > hi_ms)
		fail_msg("age of pid %ld: %s ms, not within %ld..%ld", x->pid, x->age, lo_ms,
			 hi_ms);
}

static void check_ages(struct run *r)
{
	const struct lev *x = must(r, "exit", r->pid[1], 0);

	expect_age(must(r, "exit", r->pid[0], 0), 450, 2000);
	expect_age(x, 250, 2000);
	expect_exit(r, r->pid[1], "7", "-", "false");
	if (!strcmp(x->id, r->self_id) || !strcmp(x->id, "-"))
		fail_msg("a forked child without exec has no id of its own: %s", x->id);
	expect_str("a forked child's parent_id", x->parent_id, r->self_id);
	expect_ids(r, r->pid[0]);
}

/* Threads that outlive the leader, or that exit_group ends. */
static void *nap(void *arg)
{
	usleep((useconds_t)(uintptr_t)arg);
	return NULL;
}

static void threads(void *arg)
{
	pthread_t t[4];
	bool leader_first = arg != NULL;

	for (int k = 0; k < 4; k++)
		if (pthread_create(&t[k], NULL, nap, (void *)(uintptr_t)(200000 + 20000 * k)))
			_exit(120);
	if (leader_first) /* the leader ends alone; the last thread ends the process */
		syscall(SYS_exit, 0);
	usleep(50000);
	_exit(4); /* exit_group: all five at once */
}

static void work_threads(struct run *r)
{
	pid_t a = kid_fork(threads, NULL, NULL, 0), b = kid_fork(threads, (void *)1, NULL, 0);

	r->pid[r->npid++] = a;
	r->pid[r->npid++] = b;
	kid_wait(a);
	kid_wait(b);
}

static void check_threads(struct run *r)
{
	expect_exit(r, r->pid[0], "4", "-", "false");
	expect_exit(r, r->pid[1], "0", "-", "false");
	if (atol(must(r, "exit", r->pid[1], 0)->tid) == r->pid[1])
		fail_msg("the leader ended first, yet its exit was reported as the process's");
}

static void work_exec_twice(struct run *r)
{
	sh(r, "exec /bin/sh -c 'exit 5'");
}

static void check_exec_twice(struct run *r)
{
	const struct lev *e1 = must(r, "exec", r->pid[0], 0), *e2 = must(r, "exec", r->pid[0], 1);
	const struct lev *x = must(r, "exit", r->pid[0], 0);

	if (!strcmp(e1->id, e2->id))
		fail_msg("two execs of pid %d, one id %s", (int)r->pid[0], e1->id);
	expect_str("both execs' parent", e2->parent_id, e1->parent_id);
	expect_str("the parent", e1->parent_id, r->self_id);
	expect_str("the exit's id is the last image's", x->id, e2->id);
	expect_exit(r, r->pid[0], "5", "-", "false");
}

/* A pid used twice: ns_last_pid (this pid namespace's) set so that the next fork gets the
 * pid a process of ours just had. */
static void work_pid_reuse(struct run *r)
{
	static char *argv[] = {"sh", "-c", "exit 0", NULL};
	struct prog p = {"/bin/sh", argv, 0};
	pid_t first = spawn(r, &p), again = -1;
	char last[32];

	kid_wait(first);
	usleep(20000); /* another start tick */
	for (int tries = 0; tries < 50 && again != first; tries++) {
		int fd = open(NS_LAST_PID, O_WRONLY | O_CLOEXEC);

		if (fd < 0)
			SKIP("%s: %s", NS_LAST_PID, strerror(errno));
		snprintf(last, sizeof(last), "%d", (int)first - 1);
		if (write(fd, last, strlen(last)) < 0)
			SKIP("writing %s: %s", NS_LAST_PID, strerror(errno));
		close(fd);
		again = kid_fork(exec_prog, &p, NULL, 0);
		kid_wait(again);
	}
	if (again != first)
		SKIP("pid %d was not given again in 50 tries (a busy system)", (int)first);
	r->pid[r->npid++] = again;
}

static void check_pid_reuse(struct run *r)
{
	const struct lev *a = must(r, "exit", r->pid[0], 0), *b = must(r, "exit", r->pid[0], 1);

	if (!strcmp(a->id, b->id))
		fail_msg("pid %d used twice, one id %s", (int)r->pid[0], a->id);
	expect_str("the first's exec and exit", must(r, "exec", r->pid[0], 0)->id, a->id);
	expect_str("the second's exec and exit", must(r, "exec", r->pid[0], 1)->id, b->id);
}

/* A live process: its id from /proc/PID/stat is minisnoop's. */
static void work_proc_id(struct run *r)
{
	static char *argv[] = {"sleep", "30", NULL};
	struct prog p = {"/bin/sleep", argv, 0};
	pid_t pid = spawn(r, &p);

	snoop_wait_pids(r->s, &pid, 1, WAIT_MS);
	if (!proc_id(pid, r->note))
		fail_msg("/proc/%d/stat unreadable", (int)pid);
	kill(pid, SIGKILL);
	kid_wait(pid);
}

static void check_proc_id(struct run *r)
{
	expect_str("exec id = /proc's", must(r, "exec", r->pid[0], 0)->id, r->note);
	expect_str("exit id = /proc's", must(r, "exit", r->pid[0], 0)->id, r->note);
	expect_exit(r, r->pid[0], "-", "9", "false");
}

/* Without BTF: exit_group()'s code, the rest null. */
static void check_no_btf(struct run *r)
{
	const struct lev *x;

	expect_exit(r, r->pid[0], "0", "-", "-");
	expect_exit(r, r->pid[1], "3", "-", "-");
	x = must(r, "exit", r->pid[1], 0);
	expect_str("age without BTF", x->age, "-");
	expect_str("id without BTF", x->id, "-");
	expect_str("parent_id without BTF", x->parent_id, "-");
	expect_str("exec id without BTF", must(r, "exec", r->pid[1], 0)->id, "-");
}

static void work_no_btf(struct run *r)
{
	work_codes(r);
	sh(r, "kill -9 $$");
}

static void check_no_btf_kill(struct run *r)
{
	check_no_btf(r);
	expect_exit(r, r->pid[2], "-", "-", "-");
}

/* Text: an EVENT column, exitsnoop's words. */
static void work_text(struct run *r)
{
	sh(r, "exit 3");
	sh(r, "kill -9 $$");
}

static void check_text(struct run *r)
{
	const char *out = buf_str(&r->s->out);

	if (strncmp(out, "EVENT PCOMM", 11))
		fail_msg("text header does not start with EVENT PCOMM:\n%.200s", out);
	if (!strstr(out, "code 3 age "))
		fail_msg("no 'code 3 age' in:\n%s", out);
	if (!strstr(out, "signal 9 (SIGKILL) age "))
		fail_msg("no 'signal 9 (SIGKILL) age' in:\n%s", out);
}

/* ---- -o ancestors, --existing ---- */

/* "x" and the hex of n bytes, as life_events.py's h() writes a string */
static const char *hex(const char *s, size_t n)
{
	static char out[4][1024];
	static int k;
	char *o = out[k++ % 4];

	o[0] = 'x';
	for (size_t i = 0; i < n && 2 * i + 3 < sizeof(out[0]); i++)
		snprintf(o + 1 + 2 * i, 3, "%02x", (unsigned char)s[i]);
	return o;
}
#define HEXS(lit) hex(lit, sizeof(lit) - 1) /* a literal, its NULs included */

/* Field f (0 pid, 1 id, 2 comm, 3 args, 4 truncated) of the k-th ancestor (0: the parent);
 * NULL when there are fewer. */
static const char *anc_field(const struct lev *e, int k, int f)
{
	static char out[8][4096];
	static int slot;
	const char *p = e->anc;
	char *o = out[slot++ % 8];
	size_t n;

	if (!strcmp(p, "-") || !strcmp(p, "null") || !strcmp(p, "[]"))
		return NULL;
	while (k-- > 0) {
		p = strchr(p, ',');
		if (!p++)
			return NULL;
	}
	while (f-- > 0) {
		p = strchr(p, '/');
		if (!p++)
			fail_msg("ancestor word '%.200s' has too few fields", e->anc);
	}
	n = strcspn(p, "/,");
	snprintf(o, sizeof(out[0]), "%.*s", (int)n, p);
	return o;
}

static int anc_count(const struct lev *e)
{
	int n = 0;

	while (anc_field(e, n, 0))
		n++;
	return n;
}

/* The k-th ancestor is pid with that id, comm and arguments (NULL: not compared). */
static void expect_anc(const struct lev *e, int k, long pid, const char *id, const char *comm,
		       const char *args_hex)
{
	char want[32], what[64];
	const char *got = anc_field(e, k, 0);

	if (!got)
		fail_msg("pid %ld has no ancestor #%d: '%s'\n%s", e->pid, k, e->anc,
			 buf_str(&g_run.s->out));
	snprintf(want, sizeof(want), "%ld", pid);
	snprintf(what, sizeof(what), "pid %ld's ancestor #%d: pid", e->pid, k);
	expect_str(what, got, want);
	snprintf(what, sizeof(what), "pid %ld's ancestor #%d: id", e->pid, k);
	if (id)
		expect_str(what, anc_field(e, k, 1), id);
	if (comm) {
		snprintf(what, sizeof(what), "pid %ld's ancestor #%d: comm", e->pid, k);
		expect_str(what, anc_field(e, k, 2), hex(comm, strlen(comm)));
	}
	if (args_hex) {
		snprintf(what, sizeof(what), "pid %ld's ancestor #%d: args", e->pid, k);
		expect_str(what, anc_field(e, k, 3), args_hex);
	}
}

/* The exec event of the child of ppid that runs comm (first), or fail. */
static const struct lev *child_exec(const struct run *r, long ppid, const char *comm)
{
	for (int k = 0; k < r->nev; k++)
		if (!strcmp(r->ev[k].event, "exec") && r->ev[k].ppid == ppid &&
		    !strcmp(r->ev[k].comm, hex(comm, strlen(comm))))
			return &r->ev[k];
	fail_msg("no exec of %s by a child of %ld in:\n%s", comm, ppid, buf_str(&r->s->out));
	return NULL;
}

/* This test's own arguments in hex (/proc/self/cmdline), as an ancestor shows them: it ran
 * before the tracer, whose table read them only when this process forked (proctab.c's lazy
 * seeding); NULL (not compared) when they are longer than an ancestor keeps. */
static const char *self_args(void)
{
	char buf[512];
	FILE *f = fopen("/proc/self/cmdline", "r");
	size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;

	if (f)
		fclose(f);
	return n && n <= 184 ? hex(buf, n - 1) : NULL; /* its last NUL is not shown */
}

#define CHAIN	   "sh -c \"sleep 1\""
#define OUTER_ARGS "sh\0-c\0" CHAIN
#define INNER_ARGS "sh\0-c\0sleep 1"

/* sh -c 'sh -c "sleep 1"': both shells fork (dash), the sleep's parent is the inner one. */
static void work_chain(struct run *r)
{
	sh(r, CHAIN);
}

/* The chain's events: the outer shell (ours), the inner one, the sleep. */
static void chain_events(const struct run *r, const struct lev **outer, const struct lev **inner,
			 const struct lev **sleep)
{
	*outer = must(r, "exec", r->pid[0], 0);
	*inner = child_exec(r, r->pid[0], "sh");
	*sleep = child_exec(r, (*inner)->pid, "sleep");
}

/* The sleep's ancestors: the inner shell, the outer one, with their arguments, then this
 * test, and on to pid 1; each child's parent_id is its parent's exec id. */
static void check_chain(struct run *r)
{
	const struct lev *outer, *inner, *sleep;
	int n;

	chain_events(r, &outer, &inner, &sleep);
	expect_anc(sleep, 0, inner->pid, inner->id, "sh", HEXS(INNER_ARGS));
	expect_anc(sleep, 1, outer->pid, outer->id, "sh", HEXS(OUTER_ARGS));
	expect_anc(sleep, 2, getpid(), r->self_id, NULL, self_args());
	n = anc_count(sleep);
	expect_str("the last ancestor is pid 1", anc_field(sleep, n - 1, 0), "1");
	expect_str("the sleep's parent_id", sleep->parent_id, inner->id);
	expect_str("the inner shell's parent_id", inner->parent_id, outer->id);
	expect_str("the outer shell's parent_id", outer->parent_id, r->self_id);
	/* the exits carry them too: the sleep's, its parent first */
	expect_anc(must(r, "exit", sleep->pid, 0), 0, inner->pid, inner->id, "sh", NULL);
}

static void check_chain_one(struct run *r)
{
	const struct lev *outer, *inner, *sleep;

	chain_events(r, &outer, &inner, &sleep);
	expect_anc(sleep, 0, inner->pid, inner->id, "sh", HEXS(INNER_ARGS));
	if (anc_count(sleep) != 1)
		fail_msg("--ancestors 1: %d ancestors: %s", anc_count(sleep), sleep->anc);
	expect_anc(outer, 0, getpid(), r->self_id, NULL, NULL);
	if (anc_count(outer) != 1)
		fail_msg("--ancestors 1: the outer shell has %d", anc_count(outer));
}

/* Without BTF: the same chain; the shells forked since the start have no ids, this test (from
 * /proc at the start) has its own. */
static void check_chain_no_btf(struct run *r)
{
	const struct lev *outer, *inner, *sleep;

	chain_events(r, &outer, &inner, &sleep);
	expect_anc(sleep, 0, inner->pid, "-", "sh", HEXS(INNER_ARGS));
	expect_anc(sleep, 1, outer->pid, "-", "sh", HEXS(OUTER_ARGS));
	expect_anc(sleep, 2, getpid(), r->self_id, NULL, NULL);
	expect_str("exec id without BTF", sleep->id, "-");
}

/* The subshell (a fork of the outer shell) outlives it: the outer one exits at once, the
 * subshell is reparented, sleeps, then execs true. */
#define ORPHAN	    "(sleep 0.3; exec /bin/true) & exit 0"
#define ORPHAN_ARGS "sh\0-c\0" ORPHAN

static void work_orphan(struct run *r)
{
	sh(r, ORPHAN);
	if (!snoop_wait_out(r->s, "\"comm\":\"true\"", WAIT_MS))
		fail_msg("no exec of true in:\n%s", buf_str(&r->s->out));
}

static void check_orphan(struct run *r)
{
	const struct lev *outer = must(r, "exec", r->pid[0], 0), *t = NULL, *sl;
	int at_exit = -1, at_true = -1;

	for (int k = 0; k < r->nev; k++) {
		if (!strcmp(r->ev[k].event, "exit") && r->ev[k].pid == r->pid[0])
			at_exit = k;
		if (!strcmp(r->ev[k].event, "exec") && !strcmp(r->ev[k].comm, HEXS("true")) &&
		    anc_field(&r->ev[k], 0, 0) && atol(anc_field(&r->ev[k], 0, 0)) == r->pid[0])
			at_true = k, t = &r->ev[k];
	}
	if (!t)
		fail_msg("no exec of true whose parent is pid %d in:\n%s", (int)r->pid[0],
			 buf_str(&r->s->out));
	if (at_exit < 0 || at_exit > at_true)
		fail_msg("the outer shell did not exit before true ran:\n%s", buf_str(&r->s->out));
	if (t->ppid == r->pid[0])
		fail_msg("true's ppid is still the exited shell's");
	expect_anc(t, 0, outer->pid, outer->id, "sh", HEXS(ORPHAN_ARGS));
	expect_anc(t, 1, getpid(), r->self_id, NULL, NULL);
	/* the subshell's sleep: its parent ran the outer shell's program, not yet true */
	sl = child_exec(r, t->pid, "sleep");
	expect_anc(sl, 0, t->pid, NULL, "sh", HEXS(ORPHAN_ARGS));
	expect_anc(sl, 1, outer->pid, outer->id, "sh", NULL);
}

/* --existing: this test among the running lines with /proc's id, its parent's line gives its
 * parent_id; every running line's parent_id is null or another's id; a child's exec names
 * this test's id as its parent_id. */
static void work_existing(struct run *r)
{
	sh(r, "exit 0");
}

static const struct lev *running(const struct run *r, long pid)
{
	const struct lev *e = find(r, "running", (pid_t)pid, 0);

	if (!e)
		fail_msg("no running line of pid %ld in:\n%.2000s", pid, buf_str(&r->s->out));
	return e;
}

static void check_existing(struct run *r)
{
	const struct lev *self = running(r, getpid()), *parent = running(r, getppid());
	int n = 0, last_running = -1;

	expect_str("our running line's id = /proc's", self->id, r->self_id);
	expect_str("our parent_id = our parent's running line's id", self->parent_id, parent->id);
	expect_str("our child's parent_id = our running line's id",
		   must(r, "exec", r->pid[0], 0)->parent_id, self->id);
	for (int k = 0; k < r->nev; k++) {
		const struct lev *e = &r->ev[k];
		bool found = !strcmp(e->parent_id, "-");

		if (strcmp(e->event, "running"))
			continue;
		if (last_running != k - 1)
			fail_msg("a running line after another event:\n%.2000s",
				 buf_str(&r->s->out));
		last_running = k;
		n++;
		for (int j = 0; j < r->nev && !found; j++)
			found = !strcmp(r->ev[j].event, "running") &&
				!strcmp(r->ev[j].id, e->parent_id);
		if (!found)
			fail_msg("running pid %ld: parent_id %s is no running line's id", e->pid,
				 e->parent_id);
	}
	if (n < 3 || find(r, "running", 1, 0) == NULL)
		fail_msg("%d running lines, pid 1's missing?", n);
}

/* Text: the chain's ancestors oldest first, "comm(pid)>..." (a column before others), and
 * running lines. */
static void work_text_anc(struct run *r)
{
	sh(r, CHAIN "; kill -9 $$");
}

static void check_text_anc(struct run *r)
{
	const char *out = buf_str(&r->s->out);
	char want[96];

	if (strncmp(out, "EVENT PCOMM", 11) || !strstr(out, " RET ANCESTORS ARGS\n"))
		fail_msg("text header is not EVENT PCOMM ... RET ANCESTORS ARGS:\n%.300s", out);
	/* not the last column: one word, joined by '>' alone */
	snprintf(want, sizeof(want), "(%d)>sh(%d)>sh(", (int)getpid(), (int)r->pid[0]);
	if (!strstr(out, want))
		fail_msg("no '%s' (this test, the outer shell, the inner one) in:\n%s", want, out);
	snprintf(want, sizeof(want), "\nrunning %-17.16s%-8d", g_comm, (int)getpid());
	if (!strstr(out, want))
		fail_msg("no running line of this test ('%s') in:\n%.3000s", want + 1, out);
}

static const struct row rows[] = {
    {"exit_codes_0_and_3", {NULL}, work_codes, check_codes, false},
    {"sigkill", {NULL}, work_sigkill, check_sigkill, false},
    {"core_dump", {NULL}, work_core, check_core, false},
    {"ages", {NULL}, work_ages, check_ages, false},
    {"threads_one_exit_each", {NULL}, work_threads, check_threads, false},
    {"exec_twice_two_ids", {NULL}, work_exec_twice, check_exec_twice, false},
    {"pid_reuse_two_ids", {NULL}, work_pid_reuse, check_pid_reuse, false},
    {"id_from_proc", {NULL}, work_proc_id, check_proc_id, false},
    {"no_btf_nulls", {"--no-btf", NULL}, work_no_btf, check_no_btf_kill, false},
    {"text", {NULL}, work_text, check_text, true},
    {"ancestors_shell_chain", {"-o", "+ancestors", NULL}, work_chain, check_chain, false},
    {"ancestors_exited_reparented", {"-o", "+ancestors", NULL}, work_orphan, check_orphan, false},
    {"ancestors_1",
     {"-o", "+ancestors", "--ancestors", "1", NULL},
     work_chain,
     check_chain_one,
     false},
    {"ancestors_no_btf",
     {"--no-btf", "-o", "+ancestors", NULL},
     work_chain,
     check_chain_no_btf,
     false},
    {"existing_parent_ids", {"--existing", NULL}, work_existing, check_existing, false},
    {"ancestors_existing_text",
     {"-o", "+ancestors", "--existing", NULL},
     work_text_anc,
     check_text_anc,
     true},
};

static void run_row(void **state)
{
	const struct row *row = *state;
	struct run *r = &g_run;
	const char *args[16] = {"--exit"};
	int n = 1;

	REQUIRE_PYTHON();
	free_events(r);
	memset(r, 0, sizeof(*r));
	r->row = row;
	if (!row->text)
		args[n++] = "-j";
	for (int k = 0; row->args[k]; k++)
		args[n++] = row->args[k];
	if (!proc_id(getpid(), r->self_id))
		fail_msg("/proc/self/stat unreadable");
	r->s = snoop_start(args);
	row->work(r);
	wait_exits(r);
	snoop_stop(r->s, SIGINT);
	if (!row->text)
		run_python("life_events.py", NULL, &r->s->out, add_event);
	row->check(r);
}

/* check without BTF: ancestors are kept, their ids are null, and it says so. */
static void test_check_no_btf(void **state)
{
	const char *args[] = {"check", NULL};
	struct start_opts o = {.no_btf_env = "1"};
	struct snoop *s;

	(void)state;
	REQUIRE_KERNEL();
	s = snoop_spawn(args, &o);
	snoop_finish(s, 60000);
	if (!buf_has(&s->out, "id, parent_id, age and the ancestors' ids are null") ||
	    !buf_has(&s->out, "\n  ancestors                  ids null: BTF not used") ||
	    !buf_has(&s->out, "-o ancestors: threads are taken for processes"))
		fail_msg("check --no-btf does not say what -o ancestors lacks:\n%s",
			 buf_str(&s->out));
}

int main(void)
{
	enum { NROWS = sizeof(rows) / sizeof(rows[0]) };
	struct CMUnitTest tests[NROWS + 1];

	for (size_t k = 0; k < NROWS; k++)
		tests[k] =
		    (struct CMUnitTest){rows[k].name, run_row, setup, teardown, (void *)&rows[k]};
	tests[NROWS] =
	    (struct CMUnitTest){"check_no_btf_ancestors", test_check_no_btf, setup, teardown, NULL};
	snoop_init(60, "/tmp/minisnoop-life.", life_cleanup);
	return _cmocka_run_group_tests("test_life", tests, snoop_exclude(tests, NROWS + 1),
				       group_setup, group_teardown);
}
