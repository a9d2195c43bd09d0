// SPDX-License-Identifier: MIT
/*
 * Left running as a service (issue 18 items 1, 5, 7): -w with --rotate under a storm (every
 * line once, none split, everything written at SIGTERM), SIGHUP after logrotate's move,
 * --rate's drops said in the output, --pidfile, the SIGUSR1 status, files refused.
 */
#include "snoop.h"

#include <dirent.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/un.h>

#define TRUE_PATH "/bin/true"

struct exec_kid {
	const char *path;
	char *argv[3];
};

static void exec_kid(void *arg)
{
	struct exec_kid *k = arg;

	touch_strings(k->path, k->argv);
	execve(k->path, k->argv, g_envp);
	_exit(127);
}

/* Runs path (a link to true, whose name is the comm) with one argument, to its end. */
static void run_one(const char *path, const char *arg)
{
	struct exec_kid k = {.path = path, .argv = {(char *)path, (char *)arg, NULL}};

	assert_true(WIFEXITED(kid_wait(kid_fork(exec_kid, &k, NULL, 0))));
}

/* A link to true named name in the scratch directory (its path in out). */
static void true_link(const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", tmpdir(), name);
	unlink(out);
	assert_int_equal(symlink(TRUE_PATH, out), 0);
}

static void slurp(const char *path, struct buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	read_to_end(fd, b);
	close(fd);
}

static bool wait_file_has(const char *path, const char *needle, int timeout_ms)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;

	for (;;) {
		struct buf b = {0};
		bool has;

		slurp(path, &b);
		has = buf_has(&b, needle);
		buf_free(&b);
		if (has)
			return true;
		if (now_ms() >= deadline)
			return false;
		usleep(20000);
	}
}

#define STORM 400

/* A storm written with --rotate: each event exactly once across FILE and FILE.1..N, each
 * line whole (a JSON object and its newline), no file past SIZE, everything written when
 * SIGTERM stops it. */
static void test_rotate_storm(void **state)
{
	char link[PATH_MAX], file[PATH_MAX], name[32], re[40], mark[64], path[PATH_MAX + 8];
	unsigned seen[STORM] = {0};
	const char *args[] = {"-j",	 "-w",	file, "--rotate", "8k,100",
			      "--pages", "256", "-n", re,	  NULL};
	struct snoop *s;
	unsigned files = 0;

	(void)state;
	REQUIRE_KERNEL();
	snprintf(name, sizeof(name), "mst-r%d", (int)g_self);
	snprintf(re, sizeof(re), "^%s$", name);
	true_link(name, link, sizeof(link));
	snprintf(file, sizeof(file), "%s/events.log", tmpdir());
	marker(mark, sizeof(mark), "storm");
	s = snoop_start(args);
	for (int i = 0; i < STORM; i++) {
		char a[96];

		snprintf(a, sizeof(a), "%s-%d-", mark, i);
		run_one(link, a);
	}
	snoop_stop(s, SIGTERM);
	if (!buf_has(&s->err, " 0 lost"))
		SKIP("events lost under load (not this test's subject): %s", buf_str(&s->err));
	for (unsigned k = 0; k <= 100; k++) {
		struct buf b = {0};
		const char *p;

		if (k)
			snprintf(path, sizeof(path), "%s.%u", file, k);
		else
			snprintf(path, sizeof(path), "%s", file);
		if (access(path, F_OK))
			continue;
		files++;
		slurp(path, &b);
		if (b.len > 8192)
			fail_msg("%s: %zu bytes, past --rotate 8k", path, b.len);
		if (b.len && b.p[b.len - 1] != '\n')
			fail_msg("%s ends within a line", path);
		for (p = buf_str(&b); *p;) {
			const char *nl = strchr(p, '\n'), *m;
			int i;

			if (*p != '{' || nl[-1] != '}')
				fail_msg("%s: a line that is not one whole object: %.*s", path,
					 (int)(nl - p), p);
			m = strstr(p, mark);
			if (m && m < nl && sscanf(m + strlen(mark), "-%d-", &i) == 1 && i >= 0 &&
			    i < STORM)
				seen[i]++;
			p = nl + 1;
		}
		buf_free(&b);
	}
	if (files < 3)
		fail_msg("%u files: the storm did not rotate", files);
	for (int i = 0; i < STORM; i++)
		if (seen[i] != 1)
			fail_msg("exec %d seen %u times across the files", i, seen[i]);
}

/* logrotate's create: FILE moved, SIGHUP, a new FILE; the old one keeps what came before. */
static void test_sighup_reopens(void **state)
{
	char file[PATH_MAX], moved[PATH_MAX + 8], m1[64], m2[64];
	const char *args[] = {"-j", "-w", file, NULL};
	struct snoop *s;
	struct buf b = {0};
	struct stat st;

	(void)state;
	REQUIRE_KERNEL();
	snprintf(file, sizeof(file), "%s/hup.log", tmpdir());
	snprintf(moved, sizeof(moved), "%s.1", file);
	s = snoop_start(args);
	run_one(TRUE_PATH, marker(m1, sizeof(m1), "before"));
	if (!wait_file_has(file, m1, 5000))
		fail_msg("the first exec not in %s", file);
	assert_int_equal(rename(file, moved), 0);
	kill(s->pid, SIGHUP);
	for (uint64_t end = now_ms() + 5000; access(file, F_OK) && now_ms() < end;)
		usleep(10000);
	if (access(file, F_OK))
		fail_msg("SIGHUP did not make %s again", file);
	assert_int_equal(stat(file, &st), 0);
	if ((st.st_mode & 0777) != 0600)
		fail_msg("%s has mode %o, want 600", file, st.st_mode & 0777);
	run_one(TRUE_PATH, marker(m2, sizeof(m2), "after"));
	if (!wait_file_has(file, m2, 5000))
		fail_msg("the exec after SIGHUP not in the new %s", file);
	snoop_stop(s, SIGTERM);
	slurp(moved, &b);
	if (!buf_has(&b, m1) || buf_has(&b, m2))
		fail_msg("the moved file holds:\n%s", buf_str(&b));
	buf_free(&b);
}

static uint64_t sum_dropped(const char *out, const char *comm)
{
	char head[96];
	uint64_t n = 0;
	const char *p = out;

	snprintf(head, sizeof(head), "{\"event\":\"dropped\",\"by\":\"rate\",\"count\":");
	while ((p = strstr(p, head))) {
		unsigned long long c;
		char tail[64];

		p += strlen(head);
		if (sscanf(p, "%llu,\"comm\":\"%63[^\"]\"}", &c, tail) == 2 && !strcmp(tail, comm))
			n += c;
	}
	return n;
}

static unsigned count_lines_with(const char *out, const char *needle)
{
	unsigned n = 0;

	for (const char *p = out; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* --rate 5: of 30 execs of one command, about 5 are written; the rest are said, as a JSON
 * object in the output, and the two add up to 30; the summary says it too. As text, the
 * line says it in words. */
static void test_rate_said(void **state)
{
	char link[PATH_MAX], name[32], re[40], comm_key[64], text[128];
	const char *args[] = {"-j", "--rate", "5/s", "-n", re, "--pages", "256", NULL};
	const char *targs[] = {"--rate", "5", "-n", re, NULL};
	struct snoop *s;
	unsigned kept;
	uint64_t dropped;

	(void)state;
	REQUIRE_KERNEL();
	snprintf(name, sizeof(name), "mst-q%d", (int)g_self);
	snprintf(re, sizeof(re), "^%s$", name);
	snprintf(comm_key, sizeof(comm_key), "\"comm\":\"%s\",\"ret\"", name);
	true_link(name, link, sizeof(link));
	s = snoop_start(args);
	for (int i = 0; i < 30; i++)
		run_one(link, "x");
	/* said within a second or two, not only at the stop */
	if (!snoop_wait_out(s, "\"event\":\"dropped\"", 5000))
		fail_msg("no dropped line within 5 s; stdout:\n%s", buf_str(&s->out));
	snoop_stop(s, SIGTERM);
	kept = count_lines_with(buf_str(&s->out), comm_key);
	dropped = sum_dropped(buf_str(&s->out), name);
	if (!buf_has(&s->err, " 0 lost"))
		SKIP("events lost under load: %s", buf_str(&s->err));
	if (kept < 5 || kept > 10 || kept + dropped != 30)
		fail_msg("%u written, %llu said dropped: want 5..10 and 30 in all; stdout:\n%s",
			 kept, (unsigned long long)dropped, buf_str(&s->out));
	if (!buf_has(&s->err, " dropped by --rate"))
		fail_msg("the summary does not say the drops: %s", buf_str(&s->err));

	s = snoop_start(targs);
	for (int i = 0; i < 12; i++)
		run_one(link, "x");
	snprintf(text, sizeof(text), "exec events of %s dropped by --rate 5/s\n", name);
	if (!snoop_wait_out(s, text, 5000))
		fail_msg("no '%s' line; stdout:\n%s", text, buf_str(&s->out));
	snoop_stop(s, SIGTERM);
}

/* --pidfile: our pid once tracing, a second minisnoop refused while the first runs, the file
 * removed at exit; one left by a killed run (no lock) is taken over. */
static void test_pidfile(void **state)
{
	char pidfile[PATH_MAX], want[64];
	const char *args[] = {"--pidfile", pidfile, NULL};
	const char *second[] = {"--pidfile", pidfile, "--duration", "1", NULL};
	struct snoop *s, *t;
	struct buf b = {0};
	int fd;

	(void)state;
	REQUIRE_KERNEL();
	snprintf(pidfile, sizeof(pidfile), "%s/minisnoop.pid", tmpdir());
	fd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(write(fd, "999999\n", 7) == 7); /* stale: nobody holds it */
	close(fd);
	s = snoop_start(args);
	slurp(pidfile, &b);
	snprintf(want, sizeof(want), "%d\n", (int)s->pid);
	if (strcmp(buf_str(&b), want))
		fail_msg("pid file holds '%s', want '%s'", buf_str(&b), want);
	buf_free(&b);
	t = run_minisnoop(second, 20000);
	snprintf(want, sizeof(want), "in use by another minisnoop, pid %d\n", (int)s->pid);
	if (!WIFEXITED(t->status) || WEXITSTATUS(t->status) != 1 || !buf_has(&t->err, want))
		fail_msg("a second minisnoop: exit %#x, stderr:\n%s", t->status, buf_str(&t->err));
	if (buf_has(&t->err, "tracing"))
		fail_msg("the second one loaded programs before refusing");
	snoop_stop(s, SIGTERM);
	if (!access(pidfile, F_OK))
		fail_msg("the pid file is still there after the stop");
}

/* SIGUSR1: one status line on stderr, tracing goes on (its --rate count is there without
 * --rate too, which make tiny refuses). */
static void test_usr1_status(void **state)
{
	const char *args[] = {"-q", NULL};
	struct snoop *s;

	(void)state;
	REQUIRE_KERNEL();
	s = snoop_start(args);
	kill(s->pid, SIGUSR1);
	for (uint64_t end = now_ms() + 5000;
	     !buf_has(&s->err, "minisnoop: status: ") && now_ms() < end;)
		pump(s, 50);
	if (!buf_has(&s->err, "minisnoop: status: ") || !buf_has(&s->err, " lost, ") ||
	    !buf_has(&s->err, " dropped by --rate, ") || !buf_has(&s->err, " rings; "))
		fail_msg("no status line; stderr:\n%s", buf_str(&s->err));
	assert_false(snoop_exited(s));
	snoop_stop(s, SIGTERM);
}

/* What -w must not write to, refused before anything is loaded (exit 1); --rotate without
 * -w, and bad values, are usage errors (exit 2). */
static void test_files_refused(void **state)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *sym[] = {"-w", link, "--duration", "1", NULL};
	const char *dev[] = {"-w", "/dev/null", "--duration", "1", NULL};
	const char *norot[] = {"--rotate", "1M", "--duration", "1", NULL};
	const char *badrot[] = {"-w", target, "--rotate", "1X", "--duration", "1", NULL};
	const char *badrate[] = {"--rate", "0", "--duration", "1", NULL};
	struct snoop *s;

	(void)state;
	REQUIRE_KERNEL();
	snprintf(target, sizeof(target), "%s/target", tmpdir());
	snprintf(link, sizeof(link), "%s/link.log", tmpdir());
	close(open(target, O_WRONLY | O_CREAT, 0600));
	unlink(link);
	assert_int_equal(symlink(target, link), 0);
	s = run_minisnoop(sym, 20000);
	if (WEXITSTATUS(s->status) != 1 || !buf_has(&s->err, "a symbolic link (refused)") ||
	    buf_has(&s->err, "tracing"))
		fail_msg("-w a symlink: exit %#x; stderr:\n%s", s->status, buf_str(&s->err));
	s = run_minisnoop(dev, 20000);
	if (WEXITSTATUS(s->status) != 1 || !buf_has(&s->err, "not a regular file (refused)"))
		fail_msg("-w /dev/null: exit %#x; stderr:\n%s", s->status, buf_str(&s->err));
	s = run_minisnoop(norot, 20000);
	if (WEXITSTATUS(s->status) != 2 || !buf_has(&s->err, "needs -w FILE"))
		fail_msg("--rotate without -w: exit %#x; stderr:\n%s", s->status, buf_str(&s->err));
	s = run_minisnoop(badrot, 20000);
	if (WEXITSTATUS(s->status) != 2 || !buf_has(&s->err, "'1X'"))
		fail_msg("--rotate 1X: exit %#x; stderr:\n%s", s->status, buf_str(&s->err));
	s = run_minisnoop(badrate, 20000);
	if (WEXITSTATUS(s->status) != 2 || !buf_has(&s->err, "'0'"))
		fail_msg("--rate 0: exit %#x; stderr:\n%s", s->status, buf_str(&s->err));
}

/* The small tmpfs of test_full_disk, unmounted after each test even when it failed. */
static char g_small[PATH_MAX];

static pid_t g_rsyslogd;

static void service_cleanup(void)
{
	if (g_rsyslogd > 0)
		kill(g_rsyslogd, SIGKILL);
	snoop_cleanup();
	if (g_small[0]) {
		umount2(g_small, MNT_DETACH);
		rmdir(g_small);
		g_small[0] = 0;
	}
}

/*
 * A full disk, a real one (a 64 KiB tmpfs, filled but for 4 KiB): the error is said once,
 * tracing goes on, the lines are kept; once space is freed they are written, every one once
 * and whole, and that is said.
 */
static void test_full_disk(void **state)
{
	char file[PATH_MAX + 16], filler[PATH_MAX + 16], mark[64], big[1200];
	const char *args[] = {"-j", "-w", file, "-n", "^true$", "--pages", "256", NULL};
	unsigned seen[24] = {0};
	struct snoop *s;
	struct buf b = {0};
	const char *p;
	int fd;

	(void)state;
	REQUIRE_KERNEL();
	snprintf(g_small, sizeof(g_small), "%s/small", tmpdir());
	assert_int_equal(mkdir(g_small, 0700), 0);
	if (mount("minisnoop-test", g_small, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0700"))
		SKIP("mounting a tmpfs: %s", strerror(errno));
	snprintf(file, sizeof(file), "%s/ev.log", g_small);
	snprintf(filler, sizeof(filler), "%s/filler", g_small);
	fd = open(filler, O_WRONLY | O_CREAT, 0600);
	memset(big, 'f', sizeof(big));
	while (write(fd, big, sizeof(big)) > 0)
		;
	assert_int_equal(ftruncate(fd, lseek(fd, 0, SEEK_CUR) - 4096), 0);
	close(fd);
	s = snoop_start(args);
	marker(mark, sizeof(mark), "full");
	for (int i = 0; i < 24; i++) {
		char a[1100];

		/* about 1.2 KiB a line: 24 of them need 7 times the room left */
		snprintf(a, sizeof(a), "%s-%d-%01000d", mark, i, 0);
		run_one(TRUE_PATH, a);
	}
	for (uint64_t end = now_ms() + 5000;
	     !buf_has(&s->err, "No space left on device") && now_ms() < end;)
		pump(s, 50);
	if (!buf_has(&s->err, "minisnoop: writing ") || !buf_has(&s->err, "No space left"))
		fail_msg("the full disk not said; stderr:\n%s", buf_str(&s->err));
	assert_false(snoop_exited(s));
	assert_int_equal(unlink(filler), 0);
	for (uint64_t end = now_ms() + 5000; !buf_has(&s->err, " again (") && now_ms() < end;)
		pump(s, 50);
	if (!buf_has(&s->err, " again ("))
		fail_msg("writing again not said; stderr:\n%s", buf_str(&s->err));
	snoop_stop(s, SIGTERM);
	if (!buf_has(&s->err, " 0 lost"))
		SKIP("events lost under load: %s", buf_str(&s->err));
	slurp(file, &b);
	for (p = buf_str(&b); *p;) {
		const char *nl = strchr(p, '\n'), *m;
		int i;

		if (!nl || *p != '{' || nl[-1] != '}')
			fail_msg("a line that is not one whole object in:\n%s", buf_str(&b));
		m = strstr(p, mark);
		if (m && m < nl && sscanf(m + strlen(mark), "-%d-", &i) == 1 && i >= 0 && i < 24)
			seen[i]++;
		p = nl + 1;
	}
	for (int i = 0; i < 24; i++)
		if (seen[i] != 1)
			fail_msg("exec %d written %u times; stderr:\n%s", i, seen[i],
				 buf_str(&s->err));
	if (!buf_has(&s->err, "0 not written to "))
		fail_msg("the summary: %s", buf_str(&s->err));
	buf_free(&b);
}

/* ---- the message sinks (issue 18 items 2-4) ---- */

static pid_t g_ns_of = -1;
static char g_rsdir[PATH_MAX];

/* rsyslogd in a private mount namespace whose /dev is its own (a tmpfs): its /dev/log is the
 * only one there. A second one (a restart) joins the namespace of g_ns_of. */
static void rsyslogd_kid(void *arg)
{
	char conf[PATH_MAX + 16], pid[PATH_MAX + 16];

	(void)arg;
	snprintf(conf, sizeof(conf), "%s/rsyslog.conf", g_rsdir);
	snprintf(pid, sizeof(pid), "%s/rsyslogd.pid", g_rsdir);
	if (g_ns_of > 0) {
		if (!enter_mntns(g_ns_of)) /* keeping its root: the tests may run chrooted */
			_exit(120);
	} else if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		   mount("tmpfs", "/dev", "tmpfs", 0, "mode=0755") ||
		   mknod("/dev/null", S_IFCHR | 0666, makedev(1, 3)) ||
		   mknod("/dev/urandom", S_IFCHR | 0666, makedev(1, 9))) {
		_exit(120);
	}
	execl("/usr/sbin/rsyslogd", "rsyslogd", "-n", "-f", conf, "-i", pid, (char *)NULL);
	_exit(127);
}

/* Starts rsyslogd; waits for its /dev/log (seen through /proc/PID/root). */
static void rsyslogd_start(void)
{
	char sock[64];
	int st;

	g_rsyslogd = kid_fork(rsyslogd_kid, NULL, NULL, 0);
	snprintf(sock, sizeof(sock), "/proc/%d/root/dev/log", (int)g_rsyslogd);
	for (uint64_t end = now_ms() + 10000; access(sock, F_OK); usleep(20000)) {
		if (waitpid(g_rsyslogd, &st, WNOHANG) == g_rsyslogd) {
			g_rsyslogd = -1;
			fail_msg("rsyslogd exited: %#x", st);
		}
		if (now_ms() > end)
			fail_msg("rsyslogd made no /dev/log in 10 s");
	}
}

static void rsyslogd_stop(void)
{
	if (g_rsyslogd > 0) {
		kill(g_rsyslogd, SIGTERM);
		kid_wait(g_rsyslogd);
	}
	g_rsyslogd = -1;
}

/* In minisnoop's child before its exec: rsyslogd's namespace, where /dev/log is its. */
static void join_rsyslogd_ns(void)
{
	if (!enter_mntns(g_rsyslogd)) /* keeping its root: the tests may run chrooted */
		_exit(120);
}

struct exec3 {
	char *argv[4];
};

static void exec3_kid(void *arg)
{
	struct exec3 *k = arg;

	touch_strings(k->argv[0], k->argv);
	execve(k->argv[0], k->argv, g_envp);
	_exit(127);
}

/* Runs path with two arguments, to its end; its pid. */
static pid_t run_two(const char *path, const char *a, const char *b)
{
	struct exec3 k = {.argv = {(char *)path, (char *)a, (char *)b, NULL}};
	pid_t pid = kid_fork(exec3_kid, &k, NULL, 0);

	assert_true(WIFEXITED(kid_wait(pid)));
	return pid;
}

/* The lines of path that hold needle. */
static unsigned lines_with(const char *path, const char *needle)
{
	struct buf b = {0};
	unsigned n;

	slurp(path, &b);
	n = count_lines_with(buf_str(&b), needle);
	buf_free(&b);
	return n;
}

/* One exec's message as rsyslogd wrote it, raw ("<158>Mmm dd hh:mm:ss minisnoop[PID]: " and
 * the JSON line) and as it parsed it (facility, severity, program, pid): exact. */
static void check_syslog_exec(const char *raw, const char *parsed, pid_t ms, pid_t kid,
			      const char *link, const char *name, const char *a, const char *b)
{
	char want[PATH_MAX + 256], head[64];
	struct buf r = {0}, p = {0};
	const char *l, *nl;

	snprintf(want, sizeof(want),
		 "\"pid\":%d,\"ppid\":%d,\"uid\":0,\"comm\":\"%s\",\"ret\":0,\"filename\":\"%s\","
		 "\"args\":[\"%s\",\"%s\",\"%s\"],\"truncated\":false}",
		 (int)kid, (int)g_self, name, link, link, a, b);
	slurp(raw, &r);
	l = strstr(buf_str(&r), want);
	if (!l)
		fail_msg("no message with\n%s\nin rsyslogd's file:\n%s", want, buf_str(&r));
	nl = strchr(l, '\n');
	if (!nl || nl[-1] != '}')
		fail_msg("the message does not end with its object:\n%s", buf_str(&r));
	while (l > buf_str(&r) && l[-1] != '\n')
		l--;
	snprintf(head, sizeof(head), " minisnoop[%d]: {\"time\":\"", (int)ms);
	/* <158> local3.info; "Mmm dd hh:mm:ss" is 15 bytes */
	if (strncmp(l, "<158>", 5) || l[8] != ' ' || l[11] != ' ' || l[14] != ':' || l[17] != ':' ||
	    strncmp(l + 20, head, strlen(head)))
		fail_msg("the header of:\n%.*s", (int)(nl - l), l);
	slurp(parsed, &p);
	snprintf(head, sizeof(head), "local3.info minisnoop %d| {\"time\":\"", (int)ms);
	l = strstr(buf_str(&p), want);
	if (!l)
		fail_msg("rsyslogd parsed no message with\n%s\n:\n%s", want, buf_str(&p));
	while (l > buf_str(&p) && l[-1] != '\n')
		l--;
	if (strncmp(l, head, strlen(head)))
		fail_msg("rsyslogd parsed:\n%.80s\nwant it to start with:\n%s", l, head);
	buf_free(&r);
	buf_free(&p);
}

/*
 * --syslog against Debian's rsyslogd: each exec one message, its header parsed as we meant
 * it (local3.info, minisnoop, our pid), its JSON exact; rsyslogd restarted between execs:
 * those after the restart arrive too, and nothing is said lost.
 */
static void test_msg_syslog_rsyslogd(void **state)
{
	char link[PATH_MAX], name[32], re[40], comm[64], conf[PATH_MAX + 16], raw[PATH_MAX + 16],
	    parsed[PATH_MAX + 16];
	const char *args[] = {"-j", "--syslog=local3", "-n", re, NULL};
	struct start_opts o = {.pre_exec = join_rsyslogd_ns};
	struct snoop *s;
	pid_t kids[4];
	FILE *f;

	(void)state;
	REQUIRE_KERNEL();
	if (access("/usr/sbin/rsyslogd", X_OK))
		SKIP("no /usr/sbin/rsyslogd (tools/deps.sh test installs rsyslog)");
	snprintf(g_rsdir, sizeof(g_rsdir), "%s", tmpdir());
	snprintf(conf, sizeof(conf), "%s/rsyslog.conf", g_rsdir);
	snprintf(raw, sizeof(raw), "%s/raw.log", g_rsdir);
	snprintf(parsed, sizeof(parsed), "%s/parsed.log", g_rsdir);
	f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f,
		"global(workDirectory=\"%s\")\n"
		"module(load=\"imuxsock\" SysSock.RateLimit.Interval=\"0\")\n"
		"template(name=\"raw\" type=\"string\" string=\"%%rawmsg%%\\n\")\n"
		"template(name=\"parsed\" type=\"string\" string=\"%%syslogfacility-text%%."
		"%%syslogseverity-text%% %%programname%% %%procid%%|%%msg%%\\n\")\n"
		"*.* action(type=\"omfile\" file=\"%s\" template=\"raw\")\n"
		"*.* action(type=\"omfile\" file=\"%s\" template=\"parsed\")\n",
		g_rsdir, raw, parsed);
	fclose(f);
	snprintf(name, sizeof(name), "mst-sl%d", (int)g_self);
	snprintf(re, sizeof(re), "^%s$", name);
	snprintf(comm, sizeof(comm), "\"comm\":\"%s\"", name);
	true_link(name, link, sizeof(link));
	g_ns_of = -1;
	rsyslogd_start();
	s = snoop_start_opts(args, &o);
	kids[0] = run_two(link, "a b", "q\\\"");
	kids[1] = run_two(link, "c", "");
	for (uint64_t end = now_ms() + 10000; lines_with(raw, comm) < 2 && now_ms() < end;)
		usleep(20000);
	check_syslog_exec(raw, parsed, s->pid, kids[0], link, name, "a b", "q\\\\\\\"");
	check_syslog_exec(raw, parsed, s->pid, kids[1], link, name, "c", "");

	/* restarted: a new rsyslogd, a new /dev/log in the same namespace */
	g_ns_of = s->pid;
	rsyslogd_stop();
	rsyslogd_start();
	kids[2] = run_two(link, "after", "restart");
	kids[3] = run_two(link, "and", "more");
	for (uint64_t end = now_ms() + 10000; lines_with(raw, comm) < 4 && now_ms() < end;)
		usleep(20000);
	check_syslog_exec(raw, parsed, s->pid, kids[2], link, name, "after", "restart");
	check_syslog_exec(raw, parsed, s->pid, kids[3], link, name, "and", "more");
	snoop_stop(s, SIGTERM);
	rsyslogd_stop();
	if (lines_with(raw, comm) != 4)
		fail_msg("%u messages of %s, want 4", lines_with(raw, comm), name);
	if (!buf_has(&s->err, " 0 lost") || !buf_has(&s->err, ", 0 not written to /dev/log (") ||
	    !buf_has(&s->err, ", 0 cut to fit, 0 dropped by the rate limit"))
		fail_msg("the summary: %s", buf_str(&s->err));
}

/*
 * --kmsg: each exec a record of the kernel log (read back from /dev/kmsg), authpriv.info;
 * under printk.devkmsg=ratelimit (the default) the kernel's 10 per 5 s is said at start and
 * what passes it is dropped by us and counted, so that every record we wrote is there.
 */
static void test_msg_kmsg(void **state)
{
	char link[PATH_MAX], name[32], re[40], mode[16] = "", want[128], rec[2048], head[64];
	const char *args[] = {"-j", "--kmsg", "-n", re, NULL};
	unsigned got = 0, limited = 0;
	struct snoop *s;
	const char *p;
	int fd;
	ssize_t n;

	(void)state;
	REQUIRE_KERNEL();
	if (access("/dev/kmsg", W_OK))
		SKIP("/dev/kmsg is not writable here");
	fd = open("/proc/sys/kernel/printk_devkmsg", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, mode, sizeof(mode) - 1);
		mode[n > 0 ? n : 0] = 0;
		close(fd);
	}
	if (!strncmp(mode, "off", 3))
		SKIP("printk_devkmsg is off: the kernel ignores /dev/kmsg writers");
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		SKIP("/dev/kmsg is not readable here");
	lseek(fd, 0, SEEK_END);
	snprintf(name, sizeof(name), "mst-km%d", (int)g_self);
	snprintf(re, sizeof(re), "^%s$", name);
	true_link(name, link, sizeof(link));
	s = snoop_start(args);
	if (strncmp(mode, "on", 2) && !buf_has(&s->err, "printk.devkmsg=ratelimit"))
		fail_msg("the kernel's limit not said at start: %s", buf_str(&s->err));
	for (int i = 0; i < 15; i++)
		run_two(link, "k", i < 10 ? "x" : "y");
	snoop_stop(s, SIGTERM);
	snprintf(head, sizeof(head), ";minisnoop[%d]: {", (int)s->pid);
	snprintf(want, sizeof(want), "\"comm\":\"%s\"", name);
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = 0;
		if (!strstr(rec, head) || !strstr(rec, want))
			continue;
		if (strncmp(rec, "86,", 3)) /* authpriv.info */
			fail_msg("a record not authpriv.info: %s", rec);
		got++;
	}
	close(fd);
	/* the summary: "..., N cut to fit, M dropped by the rate limit" */
	p = strstr(buf_str(&s->err), " cut to fit, ");
	if (!p || !strstr(p, " dropped by the rate limit"))
		fail_msg("the summary: %s", buf_str(&s->err));
	p = strstr(p, " dropped by the rate limit");
	while (p > buf_str(&s->err) && p[-1] >= '0' && p[-1] <= '9')
		p--;
	limited = (unsigned)strtoul(p, NULL, 10);
	if (!buf_has(&s->err, " 0 lost"))
		SKIP("events lost under load: %s", buf_str(&s->err));
	if (got + limited != 15 || (!strncmp(mode, "on", 2) && limited))
		fail_msg("%u records in the kernel log, %u said dropped by the limit (%s): want 15 "
			 "in all; stderr:\n%s",
			 got, limited, mode, buf_str(&s->err));
	if (strncmp(mode, "on", 2) && got > 10)
		fail_msg("%u records passed a limit of 10 per 5 s", got);
}

static char g_journal_sock[PATH_MAX];

/* In minisnoop's child: a /run of its own, whose journal socket is the test's stand-in. */
static void own_run_with_journal(void)
{
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") || mkdir("/run/systemd", 0755) ||
	    mkdir("/run/systemd/journal", 0755) ||
	    symlink(g_journal_sock, "/run/systemd/journal/socket"))
		_exit(120);
}

/* The value of field name in a native entry (binary form or not), or NULL. */
static const char *entry_field(const char *s, size_t n, const char *name, size_t *len)
{
	const char *end = s + n;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s)), *eq, *val;
		size_t vlen, nlen;
		uint64_t l = 0;

		if (!nl)
			return NULL;
		eq = memchr(s, '=', (size_t)(nl - s));
		nlen = (size_t)((eq ? eq : nl) - s);
		if (eq) {
			val = eq + 1;
			vlen = (size_t)(nl - val);
		} else {
			if (end - nl < 10)
				return NULL;
			for (int i = 7; i >= 0; i--)
				l = l << 8 | (unsigned char)nl[1 + i];
			if (l > (uint64_t)(end - nl - 10))
				return NULL;
			val = nl + 9;
			vlen = (size_t)l;
			nl = val + vlen;
		}
		if (nlen == strlen(name) && !memcmp(s, name, strlen(name))) {
			*len = vlen;
			return val;
		}
		s = nl + 1;
	}
	return NULL;
}

static void expect_field(const char *e, size_t n, const char *name, const char *want, size_t wlen)
{
	size_t len;
	const char *v = entry_field(e, n, name, &len);

	if (!v || len != wlen || memcmp(v, want, wlen))
		fail_msg("%s: '%.*s' (%zu bytes), want '%.*s' (%zu)", name, v ? (int)len : 6,
			 v ? v : "(none)", v ? len : 0, (int)wlen, want, wlen);
}

/*
 * --journal, the real binary against a stand-in socket where journald's is (a private /run):
 * an exec whose arguments hold a newline, a tab and invalid UTF-8 arrives as one entry whose
 * MINISNOOP_* fields give back the exact bytes (ARGV binary-safe), its cwd and uid, and
 * MESSAGE the JSON line; one larger than a datagram arrives as a sealed memfd. The real
 * journald is the boot test's (tools/boot-test).
 */
/* The entry of pid from the stand-in, a datagram or a memfd's (*via_fd), into e; its size,
 * or -1 after 10 s. */
static ssize_t journal_entry_of(int srv, pid_t pid, char *e, size_t cap, bool *via_fd)
{
	char num[32];
	size_t len;

	snprintf(num, sizeof(num), "%d", (int)pid);
	for (uint64_t end = now_ms() + 10000; now_ms() < end;) {
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(sizeof(int))];
		} c;
		struct iovec iov = {e, cap};
		struct msghdr m = {.msg_iov = &iov,
				   .msg_iovlen = 1,
				   .msg_control = c.b,
				   .msg_controllen = sizeof(c.b)};
		struct pollfd p = {.fd = srv, .events = POLLIN};
		struct cmsghdr *h;
		const char *v;
		ssize_t n;
		int fd = -1;

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = recvmsg(srv, &m, 0);
		h = n >= 0 ? CMSG_FIRSTHDR(&m) : NULL;
		if (h && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(h), sizeof(fd));
		*via_fd = fd >= 0;
		if (fd >= 0) { /* as journald takes it: sealed, so that it cannot change */
			int seals = fcntl(fd, F_GET_SEALS);

			if (n != 0 || seals < 0 ||
			    (seals & (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW)) !=
				(F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW))
				fail_msg("a memfd with %zd bytes beside it, seals %#x", n, seals);
			n = pread(fd, e, cap, 0);
			close(fd);
		}
		if (n > 0 && (v = entry_field(e, (size_t)n, "MINISNOOP_PID", &len)) &&
		    len == strlen(num) && !memcmp(v, num, len))
			return n;
	}
	return -1;
}

struct exec_env {
	char *argv[17];
	char *envp[17];
};

static void exec_env_kid(void *arg)
{
	struct exec_env *k = arg;

	touch_strings(k->argv[0], k->argv);
	execve(k->argv[0], k->argv, k->envp);
	_exit(127);
}

static void test_msg_journal_standin(void **state)
{
	static char e[1 << 20], ctl[16][1001], var[16][1008];
	char link[PATH_MAX], name[32], re[40], cwd[PATH_MAX], num[32], wmem[32] = "";
	const char *args[] = {"-j", "--journal", "-n", re, "-e", NULL};
	char exe[PATH_MAX];
	struct exec_env big = {0};
	bool via_fd;
	struct start_opts o = {.pre_exec = own_run_with_journal};
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	struct snoop *s;
	pid_t kid;
	int srv, fd;
	ssize_t n = -1;
	size_t len;

	(void)state;
	REQUIRE_KERNEL();
	snprintf(g_journal_sock, sizeof(g_journal_sock), "%s/journal.sock", tmpdir());
	if (strlen(g_journal_sock) >= sizeof(a.sun_path))
		SKIP("scratch path too long for a socket: %s", g_journal_sock);
	strcpy(a.sun_path, g_journal_sock);
	srv = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(srv, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(name, sizeof(name), "mst-jn%d", (int)g_self);
	snprintf(re, sizeof(re), "^%s$", name);
	true_link(name, link, sizeof(link));
	s = snoop_start_opts(args, &o);
	kid = run_two(link, "a\nb\tc", "\xff\xfe\x01");
	n = journal_entry_of(srv, kid, e, sizeof(e), &via_fd);
	if (n <= 0) {
		snoop_stop(s, SIGTERM);
		fail_msg("no entry for pid %d; stderr:\n%s", (int)kid, buf_str(&s->err));
	}
	expect_field(e, (size_t)n, "SYSLOG_IDENTIFIER", "minisnoop", 9);
	expect_field(e, (size_t)n, "PRIORITY", "6", 1);
	expect_field(e, (size_t)n, "MINISNOOP_EVENT", "exec", 4);
	expect_field(e, (size_t)n, "MINISNOOP_COMM", name, strlen(name));
	expect_field(e, (size_t)n, "MINISNOOP_UID", "0", 1);
	snprintf(num, sizeof(num), "%d", (int)g_self);
	expect_field(e, (size_t)n, "MINISNOOP_PPID", num, strlen(num));
	expect_field(e, (size_t)n, "MINISNOOP_RET", "0", 1);
	expect_field(e, (size_t)n, "MINISNOOP_FILENAME", link, strlen(link));
	expect_field(e, (size_t)n, "MINISNOOP_ARGC", "3", 1);
	/* cwd and exe always, without -o */
	expect_field(e, (size_t)n, "MINISNOOP_CWD", cwd, strlen(cwd));
	assert_non_null(realpath(TRUE_PATH, exe));
	expect_field(e, (size_t)n, "MINISNOOP_EXE", exe, strlen(exe));
	{
		char want[PATH_MAX + 64];
		size_t l = (size_t)snprintf(want, sizeof(want), "%s%ca\nb\tc%c\xff\xfe\x01%c", link,
					    0, 0, 0);

		expect_field(e, (size_t)n, "MINISNOOP_ARGV", want, l);
		l = (size_t)snprintf(want, sizeof(want), "%s a\nb\tc \xff\xfe\x01", link);
		expect_field(e, (size_t)n, "MINISNOOP_ARGS", want, l);
		l = (size_t)snprintf(want, sizeof(want),
				     "\"args\":[\"%s\",\"a\\nb\\tc\",\"\\udcff\\udcfe\\u0001\"]",
				     link);
		if (!entry_field(e, (size_t)n, "MESSAGE", &len) ||
		    !memmem(entry_field(e, (size_t)n, "MESSAGE", &len), len, want, l))
			fail_msg("MESSAGE is not the JSON line with %s", want);
	}
	if (via_fd)
		fail_msg("a small entry came as a memfd");

	/*
	 * Past a datagram (the send buffer, net.core.wmem_default): 15 arguments and 15
	 * variables of 1000 control bytes, 6 bytes each in MESSAGE's JSON: about 225 KB, sent
	 * as a sealed memfd, exact.
	 */
	big.argv[0] = link;
	for (int i = 0; i < 15; i++) {
		memset(ctl[i], 1, 1000);
		memcpy(var[i], (char[]){'V', (char)('0' + i / 10), (char)('0' + i % 10), '='}, 4);
		memcpy(var[i] + 4, ctl[i], 1001);
		big.argv[i + 1] = ctl[i];
		big.envp[i] = var[i];
	}
	kid = kid_fork(exec_env_kid, &big, NULL, 0);
	assert_true(WIFEXITED(kid_wait(kid)));
	n = journal_entry_of(srv, kid, e, sizeof(e), &via_fd);
	snoop_stop(s, SIGTERM);
	close(srv);
	if (n <= 0)
		fail_msg("no entry for pid %d; stderr:\n%s", (int)kid, buf_str(&s->err));
	{
		static char want[16 * 1008];
		size_t l = (size_t)snprintf(want, sizeof(want), "%s", link) + 1;
		const char *env;

		for (int i = 0; i < 15; i++) {
			memcpy(want + l, ctl[i], 1001);
			l += 1001;
		}
		expect_field(e, (size_t)n, "MINISNOOP_ARGV", want, l);
		env = entry_field(e, (size_t)n, "MINISNOOP_ENV", &len);
		if (!env || len != 15 * 1005 || memcmp(env, var[0], 1005))
			fail_msg("MINISNOOP_ENV: %zu bytes, want 15 variables", env ? len : 0);
		expect_field(e, (size_t)n, "MINISNOOP_ENV_TRUNCATED", "false", 5);
	}
	fd = open("/proc/sys/net/core/wmem_default", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t r = read(fd, wmem, sizeof(wmem) - 1);

		wmem[r > 0 ? r : 0] = 0;
		close(fd);
	}
	if (!via_fd && (size_t)n > strtoul(wmem, NULL, 10))
		fail_msg("an entry of %zd bytes came as a datagram past wmem_default %s", n, wmem);
	if (!via_fd)
		SKIP("the %zd-byte entry fit a datagram (wmem_default %s): memfd not tried", n,
		     wmem);
	if (!buf_has(&s->err, ", 0 not written to /run/systemd/journal/socket ("))
		fail_msg("the summary: %s", buf_str(&s->err));
}

/* The sinks' usage errors: one at a time, a facility syslog knows (exit 2). */
static void test_msg_usage(void **state)
{
	static const struct {
		const char *args[5];
		const char *says;
	} rows[] = {
	    {{"--syslog=kern", NULL}, "--syslog: no facility 'kern'"},
	    {{"--syslog=", NULL}, "--syslog: no facility ''"},
	    {{"--syslog", "--kmsg", NULL}, "--kmsg: one of -w, --syslog, --journal, --kmsg"},
	    {{"--journal", "--syslog=user", NULL}, "--syslog: one of -w"},
	    {{"-w", "/tmp/x", "--journal", NULL}, "-w: one of -w, --syslog"},
	    {{"--kmsg", "--rotate", "1k", NULL}, "--rotate: needs -w FILE"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct snoop *s = run_minisnoop(rows[i].args, 5000);

		if (!WIFEXITED(s->status) || WEXITSTATUS(s->status) != 2 ||
		    !buf_has(&s->err, rows[i].says))
			fail_msg("row %zu: exit %#x, stderr:\n%s", i, s->status, buf_str(&s->err));
	}
}

int main(void)
{
	struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(test_rotate_storm), T(test_sighup_reopens),
	    T(test_rate_said),	  T(test_pidfile),
	    T(test_usr1_status),  T(test_files_refused),
	    T(test_full_disk),	  T(test_msg_syslog_rsyslogd),
	    T(test_msg_kmsg),	  T(test_msg_journal_standin),
	    T(test_msg_usage),
#undef T
	};

	snoop_init(120, "/tmp/minisnoop-service.", service_cleanup);
	return _cmocka_run_group_tests("test_service", tests,
				       snoop_exclude(tests, sizeof(tests) / sizeof(tests[0])),
				       group_setup, group_teardown);
}
