// SPDX-License-Identifier: MIT
/*
 * Issue 22, items 8 and 9, end to end: each case reproduces what did not hold and asserts
 * what holds now. Runs build/minisnoop as test_trace.c does (snoop.h); the attacks an
 * unprivileged user can make run as uid 65534.
 *
 * 8: a working directory named to look like columns ("a   0 /usr/bin/sudo -i") shifted -o
 *    +cwd's columns, and characters a viewer hides reached the terminal raw.
 * 9: a path of exactly 64 components was marked cut; check read 2 KB of /proc/self/status
 *    (many groups push CapEff past it); the detaching child, stopped by the -Z user, kept the
 *    programs running; -Z without CAP_SETGID failed only once attached; numbers took leading
 *    blanks; a ring too small for the largest record went unsaid; with standard error closed
 *    messages vanished.
 *
 * Issue 21, start-up: the keeper (the process that holds the attached events) is forked
 * before BTF is read and holds a bare event on each tracepoint we may attach to meanwhile
 * (their registering with perf off the critical path): once tracing it holds exactly the
 * attached events, and a start that fails anywhere after its fork leaves none behind.
 */
#include "snoop.h"

#include <dirent.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>

#define TRUE_PATH "/bin/true"
#define NOBODY	  65534

/* ---------------------------------------------------------------------------------------- */
/* Helpers                                                                                  */

struct exec_kid {
	const char *dir; /* chdir here first (NULL: stay) */
	long uid;	 /* become this user first (-1: stay root) */
	char *argv[4];
};

static void exec_kid(void *arg)
{
	struct exec_kid *k = arg;

	if (k->uid >= 0 && !become(k->uid))
		_exit(124);
	if (k->dir && chdir(k->dir))
		_exit(125);
	touch_strings(TRUE_PATH, k->argv);
	execve(TRUE_PATH, k->argv, g_envp);
	_exit(127);
}

/* The line of out that starts with pid and a blank (NULL when there is none), as a string in
 * line. */
static bool line_of(const struct buf *out, pid_t pid, char *line, size_t n)
{
	char head[16];
	const char *p = buf_str(out);

	snprintf(head, sizeof(head), "%d ", (int)pid);
	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *nl = strchr(p, '\n');

		if (!strncmp(p, head, strlen(head))) {
			snprintf(line, n, "%.*s", (int)(nl ? nl - p : (ptrdiff_t)strlen(p)), p);
			return true;
		}
	}
	return false;
}

/* Blank-separated words of s. */
static int words(const char *s)
{
	int n = 0;

	for (bool in = false; *s; s++) {
		if (*s != ' ' && !in)
			n++;
		in = *s != ' ';
	}
	return n;
}

/* mkdir -p of dir (mode 0755), made by root. */
static void mkdirs(const char *dir)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s", dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0755) && errno != EEXIST)
			fail_msg("mkdir %s: %s", p, strerror(errno));
		*s = '/';
	}
	if (mkdir(p, 0755) && errno != EEXIST)
		fail_msg("mkdir %s: %s", p, strerror(errno));
}

/* ---------------------------------------------------------------------------------------- */
/* Item 8: what the text output shows                                                       */

/* As uid 65534: a cwd "<tmp>/a   0 /usr/bin/sudo -i" (-o +cwd) stays one column, and an
 * argument with a line separator, a tag character and a leading combining mark shows them
 * escaped. */
static void test_text_columns_cannot_be_forged(void **state)
{
	const char *args[] = {"-o", "+cwd", NULL};
	char dir[PATH_MAX], want[PATH_MAX + 64], line[PATH_MAX + 256];
	char mark[64];
	struct exec_kid k = {.dir = dir, .uid = NOBODY};
	struct snoop *s;
	pid_t pid;

	(void)state;
	REQUIRE_KERNEL();
	REQUIRE_NOBODY();
	chmod(tmpdir(), 0755);
	snprintf(dir, sizeof(dir), "%s/a   0 /usr/bin/sudo -i", tmpdir());
	mkdirs(dir);
	marker(mark, sizeof(mark), "cols");
	k.argv[0] = TRUE_PATH;
	k.argv[1] = mark;
	k.argv[2] = "\xcc\x81x\xe2\x80\xa8y\xf3\xa0\x81\x81";
	s = snoop_start(args);
	pid = kid_fork(exec_kid, &k, NULL, 0);
	assert_true(WIFEXITED(kid_wait(pid)));
	snprintf(want, sizeof(want), " \\u0301x\\u2028y\\U000e0041\n");
	if (!snoop_wait_out(s, want, 5000))
		fail_msg("no line ending in%s; output:\n%s", want, buf_str(&s->out));
	snoop_stop(s, SIGINT);
	/* the line: the one with the marker */
	{
		const char *p = strstr(buf_str(&s->out), mark), *b = p;

		assert_non_null(p);
		while (b > buf_str(&s->out) && b[-1] != '\n')
			b--;
		snprintf(line, sizeof(line), "%.*s", (int)(strchr(p, '\n') - b), b);
	}
	/* PCOMM PID PPID RET CWD, then the path and two arguments: 8 words, never more */
	if (words(line) != 8)
		fail_msg("%d words, not 8, in: %s", words(line), line);
	snprintf(want, sizeof(want), " %s/a\\x20\\x20\\x200\\x20/usr/bin/sudo\\x20-i %s ", tmpdir(),
		 TRUE_PATH);
	if (!strstr(line, want))
		fail_msg("the cwd is not one word in: %s\nwant: %s", line, want);
}

/* ---------------------------------------------------------------------------------------- */
/* Item 9                                                                                   */

/* A cwd of exactly 64 components is whole; one of 65 is cut (the leaf side kept). */
static void test_path_of_64_names_is_not_cut(void **state)
{
	const char *args[] = {"-o", "pid,cwd", NULL};
	char dir[2][PATH_MAX], mark[2][64], want[PATH_MAX + 16], line[PATH_MAX + 64];
	struct exec_kid k[2];
	struct snoop *s;
	pid_t pid[2];
	int comps = 0;

	(void)state;
	REQUIRE_KERNEL();
	for (const char *p = tmpdir(); *p; p++)
		comps += *p == '/';
	for (int i = 0; i < 2; i++) {
		int n = snprintf(dir[i], sizeof(dir[i]), "%s", tmpdir());

		for (int c = comps; c < 64 + i; c++)
			n += snprintf(dir[i] + n, sizeof(dir[i]) - (size_t)n, "/d");
		mkdirs(dir[i]);
		k[i] = (struct exec_kid){.dir = dir[i], .uid = -1};
		k[i].argv[0] = TRUE_PATH;
		marker(mark[i], sizeof(mark[i]), "depth");
		k[i].argv[1] = mark[i];
	}
	s = snoop_start(args);
	for (int i = 0; i < 2; i++) {
		pid[i] = kid_fork(exec_kid, &k[i], NULL, 0);
		assert_true(WIFEXITED(kid_wait(pid[i])));
	}
	for (int i = 0; i < 2; i++) {
		char needle[32];

		snprintf(needle, sizeof(needle), "\n%d ", (int)pid[i]);
		if (!snoop_wait_out(s, needle, 5000))
			fail_msg("no event of pid %d; output:\n%s", (int)pid[i], buf_str(&s->out));
	}
	snoop_stop(s, SIGINT);
	assert_true(line_of(&s->out, pid[0], line, sizeof(line)));
	snprintf(want, sizeof(want), " %s", dir[0]);
	if (!strstr(line, want) || strstr(line, "\xe2\x80\xa6"))
		fail_msg("64 components shown as cut or not whole: %s", line);
	assert_true(line_of(&s->out, pid[1], line, sizeof(line)));
	/* cut: the leaf side kept, after the mark */
	if (!strstr(line, " \xe2\x80\xa6/") || strstr(line, dir[1]) ||
	    strcmp(line + strlen(line) - 6, "/d/d/d"))
		fail_msg("65 components not shown as cut: %s", line);
}

/* In check's child: 2000 supplementary groups push CapEff far past 2 KB of
 * /proc/self/status. */
static void many_groups(void)
{
	static gid_t g[2000];

	for (int i = 0; i < 2000; i++)
		g[i] = (gid_t)(100000 + i);
	if (setgroups(2000, g))
		_exit(126);
}

static void test_check_privileges_with_many_groups(void **state)
{
	const char *args[] = {"check", NULL};
	struct start_opts o = {.pre_exec = many_groups};
	struct snoop *s;

	(void)state;
	REQUIRE_KERNEL();
	s = snoop_spawn(args, &o);
	if (snoop_finish(s, 60000) == -1)
		fail_msg("check did not end; stderr:\n%s", buf_str(&s->err));
	if (!buf_has(&s->out, "\nprivileges                   ok "))
		fail_msg("check says root with many groups cannot trace:\n%s", buf_str(&s->out));
}

/* A -Z that cannot be done (no CAP_SETGID) fails before anything is loaded: one line, exit
 * 1, no verifier log printed, no "tracing". */
static void no_setgid(void)
{
	if (prctl(PR_CAPBSET_DROP, CAP_SETGID, 0, 0, 0))
		_exit(126);
}

static void test_user_switch_checked_before_attach(void **state)
{
	const char *args[] = {"-Z", "nobody", "--verifier-log", "--duration", "1", NULL};
	static const char want[] = "minisnoop: -Z: switching to uid 65534 needs CAP_SETUID and "
				   "CAP_SETGID (missing CAP_SETGID)";
	struct start_opts o = {.pre_exec = no_setgid};
	struct snoop *s;
	const char *e;

	(void)state;
	REQUIRE_KERNEL();
	s = snoop_spawn(args, &o);
	if (snoop_finish(s, 20000) == -1)
		fail_msg("minisnoop did not end; stderr:\n%s", buf_str(&s->err));
	e = buf_str(&s->err);
	if (!WIFEXITED(s->status) || WEXITSTATUS(s->status) != 1)
		fail_msg("exit status %#x, want 1; stderr:\n%s", s->status, e);
	if (strncmp(e, want, strlen(want)) || strchr(e, '\n') != e + strlen(e) - 1)
		fail_msg("want the -Z error alone, before anything is loaded; stderr:\n%s", e);
}

/* Numbers with leading blanks are refused (usage error, exit 2, the value quoted). */
static void test_numbers_with_blanks_refused(void **state)
{
	static const char *const cases[][6] = {
	    {"--pages", " 4", "--duration", "1", NULL},
	    {"--count", "\t3", "--duration", "1", NULL},
	    {"--max-args", " 2", "--duration", "1", NULL},
	    {"-P", " 1", "--duration", "1", NULL},
	    {"-u", " 0", "--duration", "1", NULL},
	    {"-Z", " 0", "--duration", "1", NULL},
	    {"--duration", " 1", NULL},
	};

	(void)state;
	REQUIRE_KERNEL();
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct snoop *s = run_minisnoop((const char *const *)cases[k], 20000);
		char want[32];

		snprintf(want, sizeof(want), "'%s'", cases[k][1]);
		if (!WIFEXITED(s->status) || WEXITSTATUS(s->status) != 2 || !buf_has(&s->err, want))
			fail_msg("%s '%s': exit %#x, want 2 and the value quoted; stderr:\n%s",
				 cases[k][0], cases[k][1], s->status, buf_str(&s->err));
	}
}

/* A ring smaller than the largest record the options can make is said at start, with the
 * --pages that holds it; tracing goes on (the losses are counted). */
static void test_ring_too_small_said(void **state)
{
	const char *small[] = {"--pages", "4", "-o", "all", "-e", "--duration", "0.3", NULL};
	const char *fine[] = {"--pages", "64", "-o", "all", "-e", "--duration", "0.3", NULL};
	long page = sysconf(_SC_PAGESIZE);
	struct snoop *s;

	(void)state;
	REQUIRE_KERNEL();
	if (page != 4096)
		SKIP("page size %ld: the figures here are for 4 KiB pages", page);
	s = run_minisnoop(small, 20000);
	expect_exit0(s, "--pages 4 -o all -e");
	if (!buf_has(&s->err, "minisnoop: --pages 4: a ring of 16 KiB per CPU is smaller than "
			      "the largest record these options can make (") ||
	    !buf_has(&s->err, "--pages 16 holds any\n"))
		fail_msg("--pages 4 -o all -e not said at start; stderr:\n%s", buf_str(&s->err));
	s = run_minisnoop(fine, 20000);
	expect_exit0(s, "--pages 64 -o all -e");
	if (buf_has(&s->err, "a ring of"))
		fail_msg("--pages 64 said too small; stderr:\n%s", buf_str(&s->err));
}

/* With standard error closed, a message goes to the kernel log (root may write it). */
static void close_stderr(void)
{
	close(2);
}

static void test_closed_stderr_goes_to_kmsg(void **state)
{
	const char *args[] = {"--pages", "3", NULL};
	struct start_opts o = {.pre_exec = close_stderr};
	struct buf log = {0};
	struct snoop *s;
	char rec[8192];
	int fd;

	(void)state;
	REQUIRE_KERNEL();
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		SKIP("/dev/kmsg: %s", strerror(errno));
	lseek(fd, 0, SEEK_END);
	s = snoop_spawn(args, &o);
	snoop_finish(s, 10000);
	if (!WIFEXITED(s->status) || WEXITSTATUS(s->status) != 2)
		fail_msg("exit status %#x, want 2", s->status);
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec));

		if (n < 0 && errno == EPIPE) /* overwritten records: go on */
			continue;
		if (n <= 0)
			break;
		buf_add(&log, rec, (size_t)n);
	}
	close(fd);
	if (!buf_has(&log, "minisnoop: --pages: need a power of two, not '3'"))
		fail_msg("the message is not in the kernel log:\n%s", buf_str(&log));
	buf_free(&log);
}

/*
 * What holds the events once a "-Z nobody" run ends (its detaching child, before: uid
 * 65534's), stopped by uid 65534 as an attacker would: the programs must not run on (they
 * did, as long as it stayed stopped). The stopper stops every other minisnoop it may for 2 s
 * across the run's end.
 */

/* pids named minisnoop, but not, into pids (at most max); how many. */
static int find_minisnoop(pid_t not, pid_t *pids, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && n < max && (e = readdir(d))) {
		char path[64], comm[32] = "";
		pid_t pid = (pid_t)atoi(e->d_name);
		int fd;
		ssize_t r;

		if (pid <= 0 || pid == not )
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		r = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		if (r > 0 && !strcmp(comm, "minisnoop\n"))
			pids[n++] = pid;
	}
	if (d)
		closedir(d);
	return n;
}

struct stopper {
	pid_t parent; /* the minisnoop run */
	int out;      /* each pid stopped goes here */
};

static void stopper(void *arg)
{
	struct stopper *st = arg;
	uint64_t deadline = now_ms() + 2000;
	pid_t pids[16], said[16];
	int nsaid = 0;

	if (!become(NOBODY))
		_exit(124);
	while (now_ms() < deadline)
		for (int k = find_minisnoop(st->parent, pids, 16) - 1; k >= 0; k--) {
			bool known = false;

			if (kill(pids[k], SIGSTOP))
				continue;
			for (int i = 0; i < nsaid; i++)
				known |= said[i] == pids[k];
			if (!known && nsaid < 16) {
				said[nsaid++] = pids[k];
				(void)!write(st->out, &pids[k], sizeof(pids[k]));
			}
		}
	_exit(0);
}

static uint64_t run_count(const int *fds, int n)
{
	uint64_t sum = 0;

	for (int k = 0; k < n; k++) {
		struct bpf_prog_info info;
		union bpf_attr a;

		memset(&info, 0, sizeof(info));
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = (uint32_t)fds[k];
		a.info.info_len = sizeof(info);
		a.info.info = (uint64_t)(uintptr_t)&info;
		assert_int_equal(syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)), 0);
		sum += info.run_cnt;
	}
	return sum;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The ids of the programs pid holds descriptors of (one per descriptor), sorted; how many. */
static int held_prog_ids(pid_t pid, uint32_t *ids, int max)
{
	char path[64], line[256];
	int n = 0;

	for (int fd = 0; fd < 1024 && n < max; fd++) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f) && n < max)
			if (!strncmp(line, "prog_id:", 8))
				ids[n++] = (uint32_t)strtoul(line + 8, NULL, 10);
		fclose(f);
	}
	qsort(ids, (size_t)n, sizeof(*ids), cmp_u32);
	return n;
}

/* fds of the programs pid holds (from its fdinfo), at most max. */
static int prog_fds(pid_t pid, int *fds, int max)
{
	uint32_t ids[64];
	int n = 0, nid = held_prog_ids(pid, ids, max < 64 ? max : 64);

	for (int i = 0; i < nid; i++) {
		union bpf_attr a;
		int pfd;

		memset(&a, 0, sizeof(a));
		a.prog_id = ids[i];
		pfd = (int)syscall(SYS_bpf, BPF_PROG_GET_FD_BY_ID, &a, sizeof(a));
		if (pfd >= 0)
			fds[n++] = pfd;
	}
	return n;
}

static void test_stopped_detach_child_runs_nothing(void **state)
{
	const char *args[] = {"-Z", "nobody", "-j", NULL};
	int fds[32], nfd, pipefd[2], stats, nstopped = 0;
	struct exec_kid k = {.uid = -1, .argv = {TRUE_PATH, NULL}};
	pid_t kid, stopped[64];
	struct stopper st;
	struct snoop *s;
	uint64_t before, after, deadline;
	union bpf_attr a;
	bool ran = true;

	(void)state;
	REQUIRE_KERNEL();
	memset(&a, 0, sizeof(a));
	a.enable_stats.type = BPF_STATS_RUN_TIME;
	stats = (int)syscall(SYS_bpf, BPF_ENABLE_STATS, &a, sizeof(a));
	if (stats < 0)
		SKIP("BPF_ENABLE_STATS: %s (kernel 5.8 or later)", strerror(errno));
	s = snoop_start(args);
	nfd = prog_fds(s->pid, fds, 32);
	assert_true(nfd >= 4);
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	st = (struct stopper){.parent = s->pid, .out = pipefd[1]};
	kid = kid_fork(stopper, &st, &pipefd[1], 1);
	close(pipefd[1]);
	usleep(200 * 1000); /* the stopper is at work */
	kill(s->pid, SIGINT);
	snoop_finish(s, EXIT_MS);
	assert_true(WIFEXITED(kid_wait(kid)));
	while (nstopped < 64 && read(pipefd[0], &stopped[nstopped], sizeof(pid_t)) == sizeof(pid_t))
		nstopped++;
	close(pipefd[0]);
	/* minisnoop is gone: within 3 s, its programs must stop running for our execs */
	for (deadline = now_ms() + 3000; ran && now_ms() < deadline;) {
		before = run_count(fds, nfd);
		assert_true(WIFEXITED(kid_wait(kid_fork(exec_kid, &k, NULL, 0))));
		after = run_count(fds, nfd);
		ran = after != before;
		if (ran)
			usleep(50 * 1000);
	}
	for (int i = 0; i < nstopped; i++)
		kill(stopped[i], SIGKILL);
	for (int i = 0; i < nfd; i++)
		close(fds[i]);
	close(stats);
	if (ran)
		fail_msg("3 s after minisnoop ended, its programs still run (%d of its processes "
			 "stopped by uid 65534)",
			 nstopped);
}

/* ---------------------------------------------------------------------------------------- */
/* Issue 21: the keeper                                                                     */

/* Processes run from the minisnoop binary (their comm its name's first 15 bytes) whose
 * parent is parent (and that lead their own session, with leaders), into pids (at most
 * max); how many. */
static int children_of(pid_t parent, bool leaders, pid_t *pids, int max)
{
	const char *base = strrchr(g_bin, '/') ? strrchr(g_bin, '/') + 1 : g_bin;
	size_t len = strlen(base) < 15 ? strlen(base) : 15;
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && n < max && (e = readdir(d))) {
		char path[64], b[512], *comm, st;
		pid_t pid = (pid_t)atoi(e->d_name);
		int fd, ppid, pgrp, sid;
		ssize_t r;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		if (pid <= 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		r = read(fd, b, sizeof(b) - 1);
		close(fd);
		b[r > 0 ? r : 0] = 0;
		/* "pid (comm) state ppid pgrp session": comm may hold blanks and parentheses */
		comm = strchr(b, '(');
		if (comm && !memcmp(comm + 1, base, len) && comm[1 + len] == ')' &&
		    sscanf(comm + 2 + len, " %c %d %d %d", &st, &ppid, &pgrp, &sid) == 4 &&
		    ppid == parent && (!leaders || sid == pid))
			pids[n++] = pid;
	}
	if (d)
		closedir(d);
	return n;
}

/* The keeper of minisnoop run parent: its child that leads its own session; -1 if none. */
static pid_t keeper_of(pid_t parent)
{
	pid_t pid;

	return children_of(parent, true, &pid, 1) == 1 ? pid : -1;
}

/*
 * The perf events pid holds: the ids of the programs on them, sorted, in ids (how many is
 * returned); *bare counts those without a program (BPF_TASK_FD_QUERY: ENOENT) and names
 * gets each event's tracepoint.
 */
static int held_events(pid_t pid, uint32_t *ids, int max, int *bare, char *names, size_t n)
{
	int k = 0;

	*bare = 0;
	names[0] = 0;
	for (int fd = 0; fd < 1024 && k < max; fd++) {
		char path[64], link[64] = "", tp[64] = "";
		union bpf_attr a;

		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
		if (readlink(path, link, sizeof(link) - 1) < 0 ||
		    strcmp(link, "anon_inode:[perf_event]"))
			continue;
		memset(&a, 0, sizeof(a));
		a.task_fd_query.pid = (uint32_t)pid;
		a.task_fd_query.fd = (uint32_t)fd;
		a.task_fd_query.buf = (uint64_t)(uintptr_t)tp;
		a.task_fd_query.buf_len = sizeof(tp);
		if (syscall(SYS_bpf, BPF_TASK_FD_QUERY, &a, sizeof(a)) == 0)
			ids[k++] = a.task_fd_query.prog_id;
		else if (errno == ENOENT)
			++*bare, snprintf(tp, sizeof(tp), "(bare)");
		else
			fail_msg("BPF_TASK_FD_QUERY of the keeper's fd %d: %s", fd,
				 strerror(errno));
		snprintf(names + strlen(names), n - strlen(names), " %s", tp);
	}
	qsort(ids, (size_t)k, sizeof(*ids), cmp_u32);
	return k;
}

struct keeper_row {
	const char *name;
	const char *args[8];
	const char *no_btf_env; /* MINISNOOP_NO_BTF, NULL: unset */
};

/* The options that attach other sets of programs (a fallback without BTF, none on exec
 * with -x, the lifecycle's: its name matches make test-tiny's exclusion ancestors_*). */
static const struct keeper_row keeper_rows[] = {
    {"keeper_holds_the_attached_only", {"-j", NULL}, NULL},
    {"keeper_holds_the_attached_only_without_btf", {"-j", NULL}, "1"},
    {"keeper_holds_the_attached_only_failed_only", {"-j", "-x", NULL}, NULL},
    {"keeper_holds_the_attached_only_compat", {"-j", "--compat", NULL}, NULL},
    {"ancestors_keeper_holds_the_attached_only",
     {"-j", "-o", "all,ancestors", "-e", "--exit", NULL},
     NULL},
};

/* Once tracing, the keeper holds one event per program minisnoop attached, each with that
 * program on it (minisnoop keeps a descriptor of each, a twin's too), and no other: no bare
 * one left of those it opened early. The hand-over is not waited for: up to 5 s. */
static void run_keeper_row(void **state)
{
	const struct keeper_row *row = *state;
	struct start_opts o = {.no_btf_env = row->no_btf_env};
	uint32_t want[32], got[32];
	int nwant, ngot = 0, bare = 0;
	char names[512] = "";
	struct snoop *s;
	pid_t keeper;
	uint64_t deadline;

	REQUIRE_KERNEL();
	s = snoop_start_opts(row->args, &o);
	keeper = keeper_of(s->pid);
	if (keeper < 0)
		fail_msg("no keeper (a child of minisnoop in its own session)");
	nwant = held_prog_ids(s->pid, want, 32);
	assert_true(nwant >= 1);
	for (deadline = now_ms() + 5000; now_ms() < deadline; usleep(10 * 1000)) {
		ngot = held_events(keeper, got, 32, &bare, names, sizeof(names));
		if (!bare && ngot == nwant && !memcmp(got, want, sizeof(*got) * (size_t)nwant))
			break;
	}
	snoop_stop(s, SIGINT);
	if (bare || ngot != nwant || memcmp(got, want, sizeof(*got) * (size_t)nwant))
		fail_msg("the keeper holds %d events with programs and %d without (%s), not "
			 "the %d minisnoop attached",
			 ngot, bare, names, nwant);
}

static rlim_t g_nofile; /* the descriptor limit limit_fds gives minisnoop before its exec */

static void limit_fds(void)
{
	struct rlimit r = {g_nofile, g_nofile};

	if (setrlimit(RLIMIT_NOFILE, &r))
		_exit(126);
}

/* Our children run from the minisnoop binary (orphans reparented to us, the subreaper): the
 * dead reaped and counted in *reaped; how many are alive. */
static int reap_orphans(int *reaped)
{
	pid_t pids[16];
	int alive = 0;

	for (int k = children_of(getpid(), false, pids, 16) - 1; k >= 0; k--) {
		if (waitpid(pids[k], NULL, WNOHANG) == pids[k])
			++*reaped;
		else
			alive++;
	}
	return alive;
}

/*
 * A start that fails at any step after the keeper's fork (out of descriptors there: each
 * limit from 4 up, until one is enough to trace) exits 1 saying why, and leaves no process
 * behind: the keeper (reparented to us) ends within 5 s, closing what it held.
 */
static void test_failed_start_leaves_no_keeper(void **state)
{
	const char *args[] = {"-j", "--duration", "0.05", NULL};
	struct start_opts o = {.pre_exec = limit_fds};
	int reaped = 0, failed = 0, alive = 0, st = 0;
	bool traced = false, said = true;
	char err[512] = "";

	(void)state;
	REQUIRE_KERNEL();
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	for (g_nofile = 4; !traced && g_nofile < 256; g_nofile++) {
		struct snoop *s = snoop_spawn(args, &o);
		uint64_t deadline;

		st = snoop_finish(s, EXIT_MS);
		traced = tracing_line_seen(s);
		said = traced ||
		       (WIFEXITED(st) && WEXITSTATUS(st) == 1 && buf_has(&s->err, "minisnoop: "));
		snprintf(err, sizeof(err), "%s", buf_str(&s->err));
		snoop_release(s); /* its slot: more runs than slots */
		failed += !traced;
		for (deadline = now_ms() + 5000;
		     (alive = reap_orphans(&reaped)) && now_ms() < deadline; usleep(10 * 1000))
			;
		if (alive || !said)
			break;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 0); /* before any failure: the next tests' orphans not ours */
	if (!said)
		fail_msg("with %d descriptors: status 0x%x, stderr:\n%s", (int)g_nofile, st, err);
	if (alive)
		fail_msg("with %d descriptors: %d minisnoop processes left 5 s after its end",
			 (int)g_nofile, alive);
	assert_true(traced);
	assert_true(failed >= 3); /* the limit is not so high that nothing failed */
	/* the traced run's keeper and at least one failed start's ended as our orphans */
	assert_true(reaped >= 2);
}

/*
 * The tiny build's packed code (x86_64, musl) is made executable once written: where that is
 * refused (SELinux's deny_execmem; here a seccomp filter failing mprotect with PROT_EXEC), it
 * says so in one line and exits 126 before anything else. A build whose code is not packed
 * (no .pk_code section) runs on.
 */
static void test_unexecutable_code_said(void **state)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mprotect, 0, 3),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
	    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};
	char err[512] = "", *file;
	int pipefd[2], st;
	size_t n = 0, len;
	ssize_t r;
	bool packed;
	pid_t pid;
	FILE *bin = fopen(g_bin, "re");

	(void)state;
	assert_non_null(bin);
	file = malloc(8 << 20);
	assert_non_null(file);
	len = fread(file, 1, 8 << 20, bin);
	fclose(bin);
	packed = memmem(file, len, ".pk_code", 9) != NULL;
	free(file);
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *const argv[] = {g_bin, "--version", NULL};

		dup2(pipefd[1], STDERR_FILENO);
		dup2(open("/dev/null", O_WRONLY), STDOUT_FILENO);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
			_exit(99);
		execv(g_bin, argv);
		_exit(98);
	}
	close(pipefd[1]);
	while (n + 1 < sizeof(err) && (r = read(pipefd[0], err + n, sizeof(err) - 1 - n)) > 0)
		n += (size_t)r;
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (!packed) {
		assert_int_equal(WEXITSTATUS(st), 0);
		return;
	}
	assert_int_equal(WEXITSTATUS(st), 126);
	assert_non_null(strstr(err, "cannot be made executable"));
	assert_non_null(strchr(err, '\n'));
	assert_true(strchr(err, '\n') == err + n - 1); /* one line */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(test_text_columns_cannot_be_forged),     T(test_path_of_64_names_is_not_cut),
	    T(test_check_privileges_with_many_groups), T(test_user_switch_checked_before_attach),
	    T(test_numbers_with_blanks_refused),       T(test_ring_too_small_said),
	    T(test_closed_stderr_goes_to_kmsg),	       T(test_stopped_detach_child_runs_nothing),
	    T(test_failed_start_leaves_no_keeper),     T(test_unexecutable_code_said),
#undef T
	};
	enum {
		NT = sizeof(tests) / sizeof(tests[0]),
		NK = sizeof(keeper_rows) / sizeof(keeper_rows[0])
	};
	struct CMUnitTest all[NT + NK];
	size_t n = 0;

	for (size_t k = 0; k < NT; k++)
		all[n++] = tests[k];
	for (size_t k = 0; k < NK; k++) /* each row its own test, the row its state */
		all[n++] = (struct CMUnitTest){.name = keeper_rows[k].name,
					       .test_func = run_keeper_row,
					       .setup_func = setup,
					       .teardown_func = teardown,
					       .initial_state = (void *)&keeper_rows[k]};
	snoop_init(60, "/tmp/minisnoop-smalls.", NULL);
	n = snoop_exclude(all, n);
	return _cmocka_run_group_tests("test_smalls", all, n, group_setup, group_teardown);
}
