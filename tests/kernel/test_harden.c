// SPDX-License-Identifier: MIT
/*
 * Hardening end to end: several minisnoops at once must not get in each other's way, nor in
 * anybody else's. Runs build/minisnoop as test_trace.c does (snoop.h).
 *
 * tracefs: on a system where it is not mounted, each minisnoop mounts its own where nobody
 * else sees it. The runs here share one mount namespace without tracefs (held by a child of
 * the test), as processes of one system do: a minisnoop that mounted tracefs there and
 * unmounted it once attached pulled it from under another one still reading it (issue 22).
 */
#include "snoop.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define ROUNDS	  30 /* rounds of instances started together */
#define INSTANCES 3  /* per round */

/* A child holding a mount namespace without tracefs (nor debugfs), and its namespace. */
static pid_t g_holder = -1;
static char g_holder_ns[64];

static void cleanup_all(void)
{
	snoop_cleanup();
	if (g_holder > 0) {
		kill(g_holder, SIGKILL);
		waitpid(g_holder, NULL, 0);
		g_holder = -1;
	}
}

/* The whole of a /proc file (mountinfo) into b; false when it cannot be opened. */
static bool read_proc(const char *path, struct buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	read_to_end(fd, b);
	close(fd);
	return true;
}

/* The first tracefs or debugfs mount (" - TYPE " after the fields) of a mountinfo text, as
 * a line of its own in line; false when there is none. */
static bool has_tracefs(const struct buf *b, char *line, size_t n)
{
	const char *p = buf_str(b), *at = strstr(p, " - tracefs "), *nl;

	if (!at)
		at = strstr(p, " - debugfs ");
	if (!at)
		return false;
	while (at > p && at[-1] != '\n')
		at--;
	nl = strchr(at, '\n');
	snprintf(line, n, "%.*s", (int)(nl ? nl - at : (ptrdiff_t)strlen(at)), at);
	return true;
}

/* The holder: a private copy of our mount namespace with tracefs and debugfs unmounted;
 * says 'y' on ready (or 'n' and why on stderr), then waits to be killed. */
static void holder(int ready)
{
	static const char *const where[] = {"/sys/kernel/debug/tracing", "/sys/kernel/tracing",
					    "/sys/kernel/debug"};
	struct buf b = {0};
	char line[512];
	bool any = true;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		dprintf(2, "test: a mount namespace of its own: %s\n", strerror(errno));
		(void)!write(ready, "n", 1);
		_exit(125);
	}
	for (int round = 0; round < 16 && any; round++) {
		any = false;
		for (size_t k = 0; k < sizeof(where) / sizeof(where[0]); k++)
			any |= umount2(where[k], MNT_DETACH) == 0;
	}
	if (!read_proc("/proc/self/mountinfo", &b) || has_tracefs(&b, line, sizeof(line))) {
		dprintf(2, "test: tracefs is still mounted\n");
		(void)!write(ready, "n", 1);
		_exit(125);
	}
	(void)!write(ready, "y", 1);
	for (;;)
		pause();
}

/* Starts the holder; skips when this system gives no mount namespace. */
static void holder_start(void)
{
	int p[2];
	char c = 0;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	g_holder = fork();
	assert_true(g_holder >= 0);
	if (g_holder == 0) {
		close(p[0]);
		holder(p[1]);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		c = 0;
	close(p[0]);
	if (c != 'y')
		SKIP("no mount namespace without tracefs could be made here");
	snprintf(g_holder_ns, sizeof(g_holder_ns), "/proc/%d/ns/mnt", (int)g_holder);
}

/* In minisnoop's child before exec: into the holder's namespace. */
static void enter_holder_ns(void)
{
	if (!enter_mntns(g_holder)) {
		dprintf(2, "test: entering %s: %s\n", g_holder_ns, strerror(errno));
		_exit(125);
	}
}

/*
 * Waits until each of the n runs says it is tracing; with mountinfo, looks at the mount
 * table they run in all along. Fails when one ends first, or when tracefs shows up there
 * even for a moment (another process could have used it, and lost it when it went).
 */
static void expect_tracing(struct snoop **s, int n, const char *mountinfo, int round)
{
	uint64_t deadline = now_ms() + 20000;
	int started = 0;

	while (started < n) {
		struct buf now = {0};
		char line[512];

		started = 0;
		for (int k = 0; k < n; k++) {
			if (tracing_line_seen(s[k])) {
				started++;
				continue;
			}
			if (now_ms() >= deadline || (!pump(s[k], 0) && !tracing_line_seen(s[k]))) {
				int st = snoop_finish(s[k], 2000);

				fail_msg("round %d: instance %d did not start tracing (wait status "
					 "0x%x); stderr:\n%s",
					 round, k, st, buf_str(&s[k]->err));
			}
		}
		if (mountinfo && !read_proc(mountinfo, &now))
			fail_msg("reading %s: %s", mountinfo, strerror(errno));
		if (mountinfo && has_tracefs(&now, line, sizeof(line)))
			fail_msg("round %d: tracefs mounted where the instances run: %s", round,
				 line);
		buf_free(&now);
		usleep(500);
	}
}

static void expect_same(const char *what, const struct buf *before, const struct buf *after)
{
	if (before->len != after->len || memcmp(buf_str(before), buf_str(after), before->len))
		fail_msg("%s's mount table changed; before:\n%s\nafter:\n%s", what, buf_str(before),
			 buf_str(after));
}

/*
 * Issue 22: minisnoops started close together where tracefs is not mounted all attach
 * (none loses tracefs to another's unmount: "tracepoint ... not found"), none leaves a
 * mount behind, and no mount table changes: neither the one they run in, nor the host's.
 */
static void test_instances_started_together_without_tracefs(void **state)
{
	const char *args[] = {"--duration", "30", NULL};
	struct start_opts o = {.pre_exec = enter_holder_ns};
	struct buf host0 = {0}, host1 = {0}, ns0 = {0}, ns1 = {0};
	char ns_mounts[64];

	(void)state;
	REQUIRE_KERNEL();
	holder_start();
	snprintf(ns_mounts, sizeof(ns_mounts), "/proc/%d/mountinfo", (int)g_holder);
	assert_true(read_proc("/proc/self/mountinfo", &host0));
	assert_true(read_proc(ns_mounts, &ns0));
	for (int round = 0; round < ROUNDS; round++) {
		struct snoop *s[INSTANCES];

		/* each a little later than the one before, by 0 to 13.5 ms as the rounds go, so
		 * that one looks for tracefs at each stage of another's start (where one that
		 * unmounted its tracefs once attached failed the next one, reading it) */
		for (int k = 0; k < INSTANCES; k++) {
			if (k)
				usleep((useconds_t)(round % 10) * 1500);
			s[k] = snoop_spawn(args, &o);
		}
		expect_tracing(s, INSTANCES, ns_mounts, round);
		for (int k = 0; k < INSTANCES; k++)
			snoop_stop(s[k], SIGINT);
		snoop_cleanup(); /* frees the slots for the next round */
	}
	assert_true(read_proc(ns_mounts, &ns1));
	assert_true(read_proc("/proc/self/mountinfo", &host1));
	expect_same("the instances' namespace", &ns0, &ns1);
	expect_same("the host", &host0, &host1);
	buf_free(&host0);
	buf_free(&host1);
	buf_free(&ns0);
	buf_free(&ns1);
}

/* In a child: mounts tracefs in the holder's namespace, as another user of it would. */
static void mount_tracefs_in_holder_ns(void)
{
	pid_t pid = fork();
	int st = 0;

	assert_true(pid >= 0);
	if (pid == 0) {
		enter_holder_ns();
		if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL)) {
			dprintf(2, "test: mounting tracefs: %s\n", strerror(errno));
			_exit(1);
		}
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		fail_msg("could not mount tracefs in the test's namespace (wait status 0x%x)", st);
}

/* A tracefs somebody else mounted is used as it is, and left there: the tracer, verify and
 * check, all at once, leave that mount table exactly as it was. */
static void test_tracefs_of_others_left_alone(void **state)
{
	const char *trace[] = {"--duration", "30", NULL}, *verify[] = {"verify", NULL},
		   *check[] = {"check", NULL};
	struct start_opts o = {.pre_exec = enter_holder_ns};
	struct buf ns0 = {0}, ns1 = {0};
	struct snoop *s[3];
	char ns_mounts[64], line[512];

	(void)state;
	REQUIRE_KERNEL();
	holder_start();
	mount_tracefs_in_holder_ns();
	snprintf(ns_mounts, sizeof(ns_mounts), "/proc/%d/mountinfo", (int)g_holder);
	assert_true(read_proc(ns_mounts, &ns0));
	assert_true(has_tracefs(&ns0, line, sizeof(line)));
	s[0] = snoop_spawn(trace, &o);
	s[1] = snoop_spawn(verify, &o);
	s[2] = snoop_spawn(check, &o);
	expect_tracing(s, 1, NULL, 0);
	for (int k = 1; k < 3; k++) {
		if (snoop_finish(s[k], 20000) == -1)
			fail_msg("%s did not exit; stderr:\n%s", k == 1 ? "verify" : "check",
				 buf_str(&s[k]->err));
		expect_exit0(s[k], k == 1 ? "verify" : "check");
	}
	if (!buf_has(&s[2]->out, "/sys/kernel/tracing\n") ||
	    buf_has(&s[2]->out, "mounted it for this check"))
		fail_msg("check does not say it uses the tracefs mounted already:\n%s",
			 buf_str(&s[2]->out));
	snoop_stop(s[0], SIGINT);
	assert_true(read_proc(ns_mounts, &ns1));
	expect_same("the runs' namespace", &ns0, &ns1);
	buf_free(&ns0);
	buf_free(&ns1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(test_instances_started_together_without_tracefs),
	    T(test_tracefs_of_others_left_alone),
#undef T
	};

	snoop_init(120, "/tmp/minisnoop-harden.", cleanup_all);
	return cmocka_run_group_tests_name("harden", tests, group_setup, group_teardown);
}
