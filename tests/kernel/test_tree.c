// SPDX-License-Identifier: MIT
/*
 * Subtrees decided in the kernel (issue 17): --tree PID, --exclude-tree PID, -- COMMAND. Each
 * case is a row (snoop.h): minisnoop's flags, a workload, a check. The family workload: a
 * leader that already has a child when minisnoop starts (found in /proc), and that then
 * double-forks a daemon, reparented to init, which execs later; and a sibling, our own child,
 * outside the leader's tree; and a thread of the leader, started later, that forks (its child
 * is in the tree: the fork tracepoint's parent is a thread). Everyone's exec is an echo of a
 * marker of its own.
 */
#include "snoop.h"

#include <pthread.h>

#define WAIT_MS 10000

struct run;

struct row {
	const char *name;
	const char *args[8]; /* after the subtree option, which the workload adds */
	void (*work)(struct run *);
	void (*check)(struct run *);
	bool no_btf;
};

struct run {
	const struct row *row;
	struct snoop *s;
	char pre[64], daemon[64], sib[64], in[64], thr[64]; /* markers */
	pid_t leader;
	int status; /* minisnoop's wait status, where the row runs it to its end */
};

static struct run g_run;

/* /bin/echo MARK, after touching its strings (snoop.h). */
static void echo(const char *mark)
{
	char *argv[] = {"/bin/echo", (char *)mark, NULL};

	touch_strings(argv[0], argv);
	execve(argv[0], argv, g_envp);
	_exit(127);
}

static void echo_kid(void *arg)
{
	echo(arg);
}

struct family {
	int ready, gate, done; /* write end; read end; write end (every member holds it) */
	const struct run *r;
};

/* A thread of the leader: a child of its own, which execs. */
static void *thread_forks(void *arg)
{
	pid_t kid = fork();

	if (kid == 0)
		echo(arg);
	waitpid(kid, NULL, 0);
	return NULL;
}

/* The leader: a child now (it waits on a pipe), then, released, a double-forked daemon and a
 * thread that forks. */
static void leader(void *arg)
{
	const struct family *f = arg;
	int pre[2];
	pid_t kid, mid;
	pthread_t t;
	char c = 1;

	if (pipe(pre))
		_exit(120);
	kid = fork();
	if (kid == 0) {
		close(pre[1]);
		gate_wait(pre[0]);
		echo(f->r->pre);
	}
	close(pre[0]);
	if (write(f->ready, &c, 1) != 1)
		_exit(120);
	close(f->ready);
	gate_wait(f->gate);
	mid = fork();
	if (mid == 0) {
		if (fork() == 0) { /* the daemon: its parent is gone by its exec */
			setsid();
			usleep(300 * 1000);
			echo(f->r->daemon);
		}
		_exit(0);
	}
	waitpid(mid, NULL, 0);
	if (pthread_create(&t, NULL, thread_forks, (void *)f->r->thr) || pthread_join(t, NULL))
		_exit(120);
	if (write(pre[1], &c, 1) != 1)
		_exit(120);
	waitpid(kid, NULL, 0);
	_exit(0);
}

/* Until every holder of the done pipe (the family, echo included) has exited. */
static void wait_done(int fd)
{
	uint64_t end = now_ms() + WAIT_MS;
	char b[16];

	while (now_ms() < end) {
		struct pollfd p = {fd, POLLIN, 0};

		if (poll(&p, 1, 100) > 0 && read(fd, b, sizeof(b)) <= 0)
			return;
		pump(g_run.s, 0);
	}
	fail_msg("the family did not end within %d ms", WAIT_MS);
}

/* The leader and its family, minisnoop started on it with option (--tree, --exclude-tree);
 * the sibling runs while it does. */
static void family(struct run *r, const char *option)
{
	int ready[2], gate[2], done[2];
	struct family f;
	const char *args[16];
	char pid[16], c = 1;
	int n = 0;

	marker(r->pre, sizeof(r->pre), "pre");
	marker(r->daemon, sizeof(r->daemon), "daemon");
	marker(r->sib, sizeof(r->sib), "sibling");
	marker(r->thr, sizeof(r->thr), "thread");
	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	assert_int_equal(pipe2(gate, O_CLOEXEC), 0);
	assert_int_equal(pipe(done), 0); /* inherited across exec: echo holds it too */
	f = (struct family){ready[1], gate[0], done[1], r};
	{
		int keep[] = {ready[1], gate[0], done[1]};

		r->leader = kid_fork(leader, &f, keep, 3);
	}
	close(ready[1]);
	close(gate[0]);
	close(done[1]);
	assert_int_equal(read(ready[0], &c, 1), 1); /* its first child exists */
	close(ready[0]);
	snprintf(pid, sizeof(pid), "%d", (int)r->leader);
	args[n++] = "-j";
	args[n++] = "--exit";
	args[n++] = option;
	args[n++] = pid;
	for (int k = 0; r->row->args[k]; k++)
		args[n++] = r->row->args[k];
	args[n] = NULL;
	r->s =
	    snoop_start_opts(args, &(struct start_opts){.no_btf_env = r->row->no_btf ? "1" : NULL});
	assert_int_equal(write(gate[1], &c, 1), 1);
	close(gate[1]);
	kid_wait(kid_fork(echo_kid, r->sib, NULL, 0));
	kid_wait(r->leader);
	wait_done(done[0]);
	close(done[0]);
}

static void expect_out(const struct run *r, const char *mark, bool seen)
{
	if (buf_has(&r->s->out, mark) != seen)
		fail_msg("%s %s in:\n%s", mark, seen ? "not seen" : "seen", buf_str(&r->s->out));
}

/* How many JSON exit lines of pid. */
static int exits_of(const struct run *r, pid_t pid)
{
	char needle[64];
	const char *p = buf_str(&r->s->out);
	int n = 0;

	snprintf(needle, sizeof(needle), "{\"event\":\"exit\",");
	while ((p = strstr(p, needle))) {
		const char *eol = strchr(p, '\n'), *at = strstr(p, "\"pid\":");

		if (at && (!eol || at < eol) && atoi(at + 6) == pid)
			n++;
		p++;
	}
	return n;
}

static int g_lines;

static void count_line(char *words)
{
	(void)words;
	g_lines++;
}

/* Every line is valid JSON with the keys of its event (life_events.py). */
static void check_json(const struct run *r)
{
	g_lines = 0;
	run_python("life_events.py", NULL, &r->s->out, count_line);
	if (!g_lines)
		fail_msg("no event at all");
}

static void work_tree(struct run *r)
{
	family(r, "--tree");
}

static void check_tree(struct run *r)
{
	expect_out(r, r->pre, true);
	expect_out(r, r->daemon, true);
	expect_out(r, r->thr, true);
	expect_out(r, r->sib, false);
	if (exits_of(r, r->leader) != 1)
		fail_msg("the leader's exit not seen once:\n%s", buf_str(&r->s->out));
	check_json(r);
}

static void work_exclude(struct run *r)
{
	family(r, "--exclude-tree");
}

static void check_exclude(struct run *r)
{
	expect_out(r, r->pre, false);
	expect_out(r, r->daemon, false);
	expect_out(r, r->thr, false);
	expect_out(r, r->sib, true);
	if (exits_of(r, r->leader))
		fail_msg("the excluded leader's exit seen:\n%s", buf_str(&r->s->out));
	check_json(r);
}

/* ---- -- COMMAND ---- */

static void command(struct run *r, const char *const *cmd)
{
	const char *args[24];
	int n = 0;

	for (int k = 0; r->row->args[k]; k++)
		args[n++] = r->row->args[k];
	args[n++] = "--";
	for (; *cmd; cmd++)
		args[n++] = *cmd;
	args[n] = NULL;
	r->s = snoop_spawn(args, &(struct start_opts){.no_btf_env = r->row->no_btf ? "1" : NULL});
	r->status = snoop_finish(r->s, WAIT_MS);
	if (r->status == -1)
		fail_msg("minisnoop did not end with COMMAND; stderr:\n%s", buf_str(&r->s->err));
}

static void expect_status(const struct run *r, int code)
{
	if (!WIFEXITED(r->status) || WEXITSTATUS(r->status) != code)
		fail_msg("exit status %d (wait status 0x%x), not %d; stderr:\n%s",
			 WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1, r->status, code,
			 buf_str(&r->s->err));
}

static void work_cmd_7(struct run *r)
{
	static const char *const cmd[] = {"/bin/sh", "-c", "/bin/true; exit 7", NULL};

	command(r, cmd);
}

static void check_cmd_7(struct run *r)
{
	expect_status(r, 7);
	expect_out(r, "\"args\":[\"/bin/sh\",\"-c\",\"/bin/true; exit 7\"]", true);
	expect_out(r, "\"args\":[\"/bin/true\"]", true);
	expect_out(r, "\"exit_code\":7,", true);
	/* without BTF: the code from exit_group(), the rest null */
	expect_out(r, "\"signal\":null,\"core\":null,\"age\":null,\"id\":null", r->row->no_btf);
	check_json(r);
}

static void work_cmd_signal(struct run *r)
{
	static const char *const cmd[] = {"sh", "-c", "kill -KILL $$", NULL};

	command(r, cmd);
}

static void check_cmd_signal(struct run *r)
{
	expect_status(r, 128 + SIGKILL);
	if (strncmp(buf_str(&r->s->out), "PCOMM", 5) || !buf_has(&r->s->out, "kill -KILL $$"))
		fail_msg("no text header and exec line:\n%s", buf_str(&r->s->out));
}

static void work_cmd_missing(struct run *r)
{
	static const char *const cmd[] = {"minisnoop-test-no-such-command", "x", NULL};

	command(r, cmd);
}

static void check_cmd_missing(struct run *r)
{
	expect_status(r, 127);
	if (!buf_has(&r->s->err, "minisnoop: minisnoop-test-no-such-command: command not found\n"))
		fail_msg("not the one-line error:\n%s", buf_str(&r->s->err));
	if (r->s->out.len)
		fail_msg("output without a command:\n%s", buf_str(&r->s->out));
}

/* Only COMMAND's own: an echo of ours while it runs is not shown. */
static void work_cmd_only(struct run *r)
{
	static char script[128];
	static const char *cmd[] = {"/bin/sh", "-c", script, NULL};
	const char *args[24];
	int n = 0;

	marker(r->in, sizeof(r->in), "in");
	marker(r->sib, sizeof(r->sib), "out");
	snprintf(script, sizeof(script), "/bin/echo %s >/dev/null; exec /bin/sleep 30", r->in);
	for (int k = 0; r->row->args[k]; k++)
		args[n++] = r->row->args[k];
	args[n++] = "--";
	for (const char **c = cmd; *c; c++)
		args[n++] = *c;
	args[n] = NULL;
	r->s = snoop_start_opts(args, &(struct start_opts){.no_btf_env = NULL});
	if (!snoop_wait_out(r->s, "\"args\":[\"/bin/sleep\",\"30\"]", WAIT_MS))
		fail_msg("COMMAND's exec of sleep not seen:\n%s", buf_str(&r->s->out));
	kid_wait(kid_fork(echo_kid, r->sib, NULL, 0));
	kill(r->s->pid, SIGTERM); /* sent on to COMMAND: sleep dies of it, and we end after it */
	r->status = snoop_finish(r->s, WAIT_MS);
}

static void check_cmd_only(struct run *r)
{
	expect_out(r, r->sib, false);
	expect_out(r, r->in, true);
	expect_out(r, "\"signal\":15,", true);
	expect_status(r, 128 + SIGTERM);
	check_json(r);
}

/* ---- a full map ---- */

static long sys_bpf(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

/* An fd of minisnoop's subtree map (named "tree" among the maps pid holds), or -1. */
static int tree_map_of(pid_t pid)
{
	char path[64], line[256];

	for (int fd = 0; fd < 1024; fd++) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			struct bpf_map_info info;
			union bpf_attr a;
			int mfd;

			if (strncmp(line, "map_id:", 7))
				continue;
			memset(&a, 0, sizeof(a));
			a.map_id = (uint32_t)strtoul(line + 7, NULL, 10);
			mfd = (int)sys_bpf(BPF_MAP_GET_FD_BY_ID, &a);
			if (mfd < 0)
				continue;
			memset(&info, 0, sizeof(info));
			memset(&a, 0, sizeof(a));
			a.info.bpf_fd = (uint32_t)mfd;
			a.info.info_len = sizeof(info);
			a.info.info = (uint64_t)(uintptr_t)&info;
			if (!sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) && !strcmp(info.name, "tree")) {
				fclose(f);
				return mfd;
			}
			close(mfd);
		}
		fclose(f);
	}
	return -1;
}

/* Waits for a byte on its gate, then forks a child that execs an echo. */
static void gated_parent(void *arg)
{
	const struct run *r = arg;
	pid_t kid;

	gate_wait(3);
	kid = fork();
	if (kid == 0)
		echo(r->in);
	waitpid(kid, NULL, 0);
	_exit(0);
}

/* The map filled up (with keys no pid has) before the leader forks: that fork is not
 * followed, and minisnoop says so. */
static void work_full(struct run *r)
{
	int gate[2], keep[1], map, n = 0;
	const char *args[8] = {"-j", "--tree", NULL, NULL};
	char pid[16], c = 1;

	marker(r->in, sizeof(r->in), "unfollowed");
	assert_int_equal(pipe(gate), 0);
	if (gate[0] != 3) { /* the child's gate is fd 3 */
		assert_int_equal(dup2(gate[0], 3), 3);
		close(gate[0]);
		gate[0] = 3;
	}
	keep[0] = 3;
	r->leader = kid_fork(gated_parent, r, keep, 1);
	close(gate[0]);
	snprintf(pid, sizeof(pid), "%d", (int)r->leader);
	args[2] = pid;
	r->s = snoop_start(args);
	map = tree_map_of(r->s->pid);
	if (map < 0)
		fail_msg("no map named tree among minisnoop's");
	for (uint32_t key = 0xf0000000u, one = 1 /* TREE_IN */;; key++) {
		union bpf_attr a;

		memset(&a, 0, sizeof(a));
		a.map_fd = (uint32_t)map;
		a.key = (uint64_t)(uintptr_t)&key;
		a.value = (uint64_t)(uintptr_t)&one;
		if (sys_bpf(BPF_MAP_UPDATE_ELEM, &a))
			break;
		n++;
	}
	close(map);
	if (errno != E2BIG || n < 60000)
		fail_msg("filling the map: %d entries, then %s", n, strerror(errno));
	assert_int_equal(write(gate[1], &c, 1), 1);
	close(gate[1]);
	kid_wait(r->leader);
}

static void check_full(struct run *r)
{
	expect_out(r, r->in, false);
	/* said within a second while tracing ("so far"), else at the end */
	if (!buf_has(&r->s->err, "minisnoop: 1 forks not followed") ||
	    !buf_has(&r->s->err, ": the subtree map was full (65536 entries); those processes "
				 "and their children are not traced\n"))
		fail_msg("the full map was not said:\n%s", buf_str(&r->s->err));
}

/* COMMAND ignores SIGTERM: the first is sent on and changes nothing, the second stops us at
 * once (128 + 15) and COMMAND runs on. */
static void work_cmd_second_signal(struct run *r)
{
	static const char *const args[] = {
	    "-j", "--", "/bin/sh", "-c", "trap '' TERM; exec /bin/sleep 30", NULL};
	const char *p;

	r->s = snoop_start(args);
	if (!snoop_wait_out(r->s, "\"args\":[\"/bin/sleep\",\"30\"]", WAIT_MS))
		fail_msg("COMMAND's exec of sleep not seen:\n%s", buf_str(&r->s->out));
	p = strstr(buf_str(&r->s->out), "\"pid\":");
	r->leader = p ? atoi(p + 6) : 0; /* sh, then sleep: one pid */
	kill(r->s->pid, SIGTERM);
	usleep(200 * 1000);
	if (snoop_exited(r->s))
		fail_msg("the first SIGTERM stopped minisnoop; stderr:\n%s", buf_str(&r->s->err));
	kill(r->s->pid, SIGTERM);
	r->status = snoop_finish(r->s, WAIT_MS);
}

static void check_cmd_second_signal(struct run *r)
{
	bool alive = r->leader > 0 && kill(r->leader, 0) == 0;

	if (r->leader > 0)
		kill(r->leader, SIGKILL); /* not our child: init reaps it */
	expect_status(r, 128 + SIGTERM);
	if (!alive)
		fail_msg("COMMAND (pid %d) did not run on", (int)r->leader);
}

static const struct row rows[] = {
    {"tree_daemon_and_existing_child", {NULL}, work_tree, check_tree, false},
    {"tree_no_btf", {NULL}, work_tree, check_tree, true},
    {"exclude_tree", {NULL}, work_exclude, check_exclude, false},
    {"exclude_tree_no_btf", {NULL}, work_exclude, check_exclude, true},
    {"command_exit_7", {"-j", "--exit", NULL}, work_cmd_7, check_cmd_7, false},
    {"command_exit_7_no_btf", {"-j", "--exit", NULL}, work_cmd_7, check_cmd_7, true},
    {"command_killed_text", {NULL}, work_cmd_signal, check_cmd_signal, false},
    {"command_not_found", {"-j", NULL}, work_cmd_missing, check_cmd_missing, false},
    {"command_sigterm_passed_on", {"-j", "--exit", NULL}, work_cmd_only, check_cmd_only, false},
    {"tree_map_full_is_said", {NULL}, work_full, check_full, false},
    {"command_second_sigterm_stops",
     {NULL},
     work_cmd_second_signal,
     check_cmd_second_signal,
     false},
};

static void run_row(void **state)
{
	const struct row *row = *state;
	struct run *r = &g_run;

	REQUIRE_PYTHON();
	memset(r, 0, sizeof(*r));
	r->row = row;
	row->work(r);
	if (r->s && !snoop_exited(r->s))
		snoop_stop(r->s, SIGINT);
	row->check(r);
}

/* ---- options: each a one-line error and a status, nothing loaded ---- */

static void test_tree_option_errors(void **state)
{
	char self[16], dead[16], many[40][16];
	const char *args[48];
	pid_t gone = fork();
	struct {
		const char *a[5];
		int code;
		const char *want;
	} cases[] = {
	    {{"--tree", "abc", NULL},
	     2,
	     "minisnoop: --tree: need a pid (a positive number), not 'abc'"},
	    {{"--exclude-tree", "0", NULL}, 2, "minisnoop: --exclude-tree: need a pid"},
	    {{"--tree", "-5", NULL}, 2, "minisnoop: --tree: need a pid"},
	    {{"--tree", dead, NULL}, 1, "no such process"},
	    {{"--tree", self, "--exclude-tree", self}, 2, "both name process"},
	    {{"-n", "--", "x", NULL}, 2, "unexpected argument 'x'"},
	};

	(void)state;
	REQUIRE_KERNEL();
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0); /* its pid names nobody now (reuse within this test: unlikely) */
	snprintf(dead, sizeof(dead), "%d", (int)gone);
	snprintf(self, sizeof(self), "%d", (int)getpid());
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct snoop *s = run_minisnoop(cases[k].a, 20000);

		if (!WIFEXITED(s->status) || WEXITSTATUS(s->status) != cases[k].code ||
		    !buf_has(&s->err, cases[k].want) || s->out.len)
			fail_msg("%s %s: status 0x%x, stderr:\n%s", cases[k].a[0], cases[k].a[1],
				 s->status, buf_str(&s->err));
		snoop_cleanup();
	}
	/* 17 times --tree */
	for (int k = 0; k < 17; k++) {
		snprintf(many[k], sizeof(many[k]), "%d", (int)getpid());
		args[2 * k] = "--tree";
		args[2 * k + 1] = many[k];
	}
	args[34] = NULL;
	{
		struct snoop *s = run_minisnoop(args, 20000);

		if (!WIFEXITED(s->status) || WEXITSTATUS(s->status) != 2 ||
		    !buf_has(&s->err, "--tree: at most 16"))
			fail_msg("17 x --tree: status 0x%x, stderr:\n%s", s->status,
				 buf_str(&s->err));
	}
}

/* Without BTF, check says what is had (subtrees, exit codes from exit_group) and what is null. */
static void test_check_without_btf(void **state)
{
	static const char *const args[] = {"check", NULL};
	static const char *const want[] = {
	    "\nsubtrees                     ok       --tree, --exclude-tree, -- COMMAND: from "
	    "sched_process_fork and _exit\n",
	    "\nexit status                  no       --exit: exit_code from exit_group()'s "
	    "argument "
	    "only; signal, core and age are null\n",
	    "\nid, parent_id, age           no       id, parent_id, age and the ancestors' ids are "
	    "null\n",
	    "\nppid                         no       ppid from fork tracking",
	};
	struct snoop *s;

	(void)state;
	REQUIRE_KERNEL();
	s = snoop_spawn(args, &(struct start_opts){.no_btf_env = "1"});
	if (snoop_finish(s, 60000) == -1)
		fail_msg("check did not end");
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++)
		if (!buf_has(&s->out, want[k]))
			fail_msg("no line '%s' in:\n%s", want[k] + 1, buf_str(&s->out));
}

int main(void)
{
	enum { NROWS = sizeof(rows) / sizeof(rows[0]) };
	struct CMUnitTest tests[NROWS + 2];

	for (size_t k = 0; k < NROWS; k++)
		tests[k] =
		    (struct CMUnitTest){rows[k].name, run_row, setup, teardown, (void *)&rows[k]};
	tests[NROWS] = (struct CMUnitTest){"tree_option_errors", test_tree_option_errors, setup,
					   teardown, NULL};
	tests[NROWS + 1] =
	    (struct CMUnitTest){"check_without_btf", test_check_without_btf, setup, teardown, NULL};
	snoop_init(60, "/tmp/minisnoop-tree.", NULL);
	return cmocka_run_group_tests_name("test_tree", tests, group_setup, group_teardown);
}
