// SPDX-License-Identifier: MIT
/*
 * container and pod (-o container,pod), end to end: cgroups named exactly as each runtime
 * and cgroup driver names them, in a cgroup2 tree this test mounts (and in the cgroup v1
 * pids hierarchy where the host has one), real processes moved into them before they exec,
 * and the ids minisnoop prints compared with the ids in the names. No runtime runs here:
 * containers are cgroups to minisnoop, and these are those cgroups.
 */
#include "snoop.h"

#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define ID1  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID2  "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define UID  "1f2e3d4c-5b6a-4978-8a1b-2c3d4e5f6a7b"
#define UID_ "1f2e3d4c_5b6a_4978_8a1b_2c3d4e5f6a7b"
#define QOS  "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_ ".slice"

static char g_mnt[PATH_MAX];	    /* our cgroup2 mount, unmounted in cleanup */
static char g_top[PATH_MAX + 64];   /* our directory in the v2 tree ("" when none) */
static char g_v1top[PATH_MAX + 64]; /* our directory in the v1 pids tree ("" when none) */

/* rmdir of a cgroup tree, leaves first (its processes are gone by now). */
static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char sub[PATH_MAX + 256];

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_type == DT_DIR && e->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
			rm_tree(sub);
		}
	closedir(d);
	for (int i = 0; i < 50 && rmdir(dir) && errno == EBUSY; i++)
		usleep(20000);
}

static void cleanup(void)
{
	snoop_cleanup();
	if (g_top[0])
		rm_tree(g_top);
	if (g_v1top[0])
		rm_tree(g_v1top);
	g_top[0] = g_v1top[0] = 0;
	if (g_mnt[0]) {
		umount2(g_mnt, MNT_DETACH);
		rmdir(g_mnt);
		g_mnt[0] = 0;
	}
}

/* The v2 tree: the host's, else one mounted here. */
static void v2_root(char *root, size_t n)
{
	if (cgroup2_mount(root, n))
		return;
	snprintf(g_mnt, sizeof(g_mnt), "%s/cgroup2", tmpdir());
	if (mkdir(g_mnt, 0755) && errno != EEXIST)
		fail_msg("mkdir %s: %s", g_mnt, strerror(errno));
	if (mount("none", g_mnt, "cgroup2", 0, NULL)) {
		int err = errno;

		rmdir(g_mnt);
		g_mnt[0] = 0;
		SKIP("mounting cgroup2 failed: %s", strerror(err));
	}
	snprintf(root, n, "%s", g_mnt);
}

/* mkdir -p of top/rel */
static void make_cgroup(const char *top, const char *rel)
{
	char p[PATH_MAX * 2];
	size_t k = strlen(top);

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	for (char *s = p + k + 1;; s++) {
		char c = *s;

		if (c != '/' && c)
			continue;
		*s = 0;
		if (mkdir(p, 0755) && errno != EEXIST)
			fail_msg("mkdir %s: %s", p, strerror(errno));
		*s = c;
		if (!c)
			break;
	}
}

struct run_arg {
	int gate;
	char *argv[5];
};

static void run_sh(void *a)
{
	struct run_arg *r = a;

	gate_wait(r->gate);
	touch_strings("/bin/sh", r->argv);
	execve("/bin/sh", r->argv, g_envp);
	_exit(127);
}

/* Moves pid into the cgroup top/rel. */
static void move(pid_t pid, const char *top, const char *rel)
{
	char procs[PATH_MAX * 2], num[32];
	int fd;

	snprintf(procs, sizeof(procs), "%s/%s/cgroup.procs", top, rel);
	snprintf(num, sizeof(num), "%d", (int)pid);
	fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, num, strlen(num)) != (ssize_t)strlen(num))
		fail_msg("moving %d into %s: %s", (int)pid, procs, strerror(errno));
	close(fd);
}

/*
 * A process in top/rel (NULL: where we are) execs /bin/sh with a marker (it lives on in a
 * sleep, so that a v1 reading finds it); returns minisnoop's line of that exec (static).
 */
static const char *exec_in(struct snoop *s, const char *top, const char *rel, bool want_line)
{
	static char line[8192];
	char mark[128];
	struct run_arg r;
	int gate[2];
	pid_t pid;
	const char *at, *b, *e;

	marker(mark, sizeof(mark), "ctr");
	assert_int_equal(pipe2(gate, O_CLOEXEC), 0);
	r = (struct run_arg){.gate = gate[0], .argv = {"sh", "-c", "exec sleep 5", mark, NULL}};
	pid = kid_fork(run_sh, &r, &gate[0], 1);
	close(gate[0]);
	if (rel)
		move(pid, top, rel);
	assert_int_equal(write(gate[1], "x", 1), 1);
	close(gate[1]);
	if (!snoop_wait_out(s, mark, want_line ? 5000 : 700)) {
		kill(pid, SIGKILL);
		kid_wait(pid);
		if (want_line)
			fail_msg("no event of %s in %s", mark, rel ? rel : "(here)");
		return NULL;
	}
	kill(pid, SIGKILL);
	kid_wait(pid);
	at = strstr(buf_str(&s->out), mark);
	for (b = at; b > s->out.p && b[-1] != '\n'; b--)
		;
	e = strchr(at, '\n');
	snprintf(line, sizeof(line), "%.*s", (int)(e ? e - b : (long)strlen(b)), b);
	return line;
}

/* The line has "key":"want" (want "": "key":null). */
static void want_key(const char *line, const char *key, const char *want, const char *what)
{
	char k[256];

	if (want[0])
		snprintf(k, sizeof(k), "\"%s\":\"%s\"", key, want);
	else
		snprintf(k, sizeof(k), "\"%s\":null", key);
	if (!strstr(line, k))
		fail_msg("%s: %s wanted, line: %s", what, k, line);
}

struct row {
	const char *rel; /* the cgroup, below our top directory */
	const char *id, *pod;
};

static const struct row rows[] = {
    {"docker/" ID1, ID1, ""},			       /* Docker, cgroupfs */
    {"system.slice/docker-" ID1 ".scope", ID1, ""},    /* Docker, systemd */
    {"default/" ID2, ID2, ""},			       /* containerd (nerdctl) */
    {"kubepods/besteffort/pod" UID "/" ID1, ID1, UID}, /* containerd CRI, cgroupfs */
    {QOS "/cri-containerd-" ID2 ".scope", ID2, UID},   /* containerd CRI, systemd */
    {"kubepods.slice/kubepods-pod" UID_ ".slice/cri-containerd-" ID1 ".scope", ID1, UID},
    {QOS "/crio-" ID1 ".scope", ID1, UID},		   /* CRI-O, systemd */
    {"kubepods/burstable/pod" UID "/crio-" ID2, ID2, UID}, /* CRI-O, cgroupfs */
    {QOS "/crio-conmon-" ID1 ".scope", "", UID},	   /* CRI-O's monitor */
    {"machine.slice/libpod-" ID1 ".scope", ID1, ""},	   /* podman, systemd */
    {"machine.slice/libpod-" ID2 ".scope/container", ID2, ""},
    {"libpod_parent/libpod-" ID1, ID1, ""},		   /* podman, cgroupfs */
    {"machine.slice/libpod-conmon-" ID1 ".scope", "", ""}, /* podman's monitor */
    {"docker/" ID2 "/docker/" ID1, ID1, ""},		   /* Docker in Docker */
    {"system.slice/docker-" ID2 ".scope/kubelet.slice/kubelet-kubepods.slice/"
     "kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod" UID_
     ".slice/cri-containerd-" ID1 ".scope",
     ID1, UID}, /* kind: a pod in a node container */
    /* lookalikes */
    {"system.slice/docker-xyz.scope", "", ""},
    {"system.slice/docker-0123456789ab.scope", "", ""},
    {"system.slice/docker-" ID1 "0.scope", "", ""},
    {"system.slice/docker-0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF.scope",
     "", ""},
    {"pod" UID, "", ""},
    {"user.slice/user-1000.slice/session-3.scope", "", ""},
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static const char *const ARGS[] = {"-j", "-o", "cgroup,container,pod", NULL};

/* Each naming in the v2 tree: the cgroups are made before minisnoop starts, so that its one
 * reading of the tree has them all. */
static void test_v2_names(void **state)
{
	char root[PATH_MAX];
	struct snoop *s;

	(void)state;
	REQUIRE_KERNEL();
	v2_root(root, sizeof(root));
	snprintf(g_top, sizeof(g_top), "%s/minisnoop-ctr-%d", root, (int)g_self);
	if (mkdir(g_top, 0755) && errno != EEXIST) {
		int err = errno;

		g_top[0] = 0;
		SKIP("cannot make a cgroup under %s: %s", root, strerror(err));
	}
	for (size_t i = 0; i < NROWS; i++)
		make_cgroup(g_top, rows[i].rel);
	s = snoop_start(ARGS);
	for (size_t i = 0; i < NROWS; i++) {
		const char *line = exec_in(s, g_top, rows[i].rel, true);

		want_key(line, "container", rows[i].id, rows[i].rel);
		want_key(line, "pod", rows[i].pod, rows[i].rel);
	}
	snoop_stop(s, SIGINT);
}

/* Where the container is only in the v1 pids hierarchy (a hybrid host's cgroupfs driver):
 * read from /proc/PID/cgroup while the process lives. */
static void test_v1_pids(void **state)
{
	static const char *const v1rows[] = {"docker/" ID1, "system.slice/docker-" ID1 ".scope",
					     "kubepods/besteffort/pod" UID "/" ID1};
	struct stat st;
	struct snoop *s;

	(void)state;
	REQUIRE_KERNEL();
	if (stat("/sys/fs/cgroup/pids/cgroup.procs", &st))
		SKIP("no cgroup v1 pids hierarchy at /sys/fs/cgroup/pids (a cgroup v2 host)");
	snprintf(g_v1top, sizeof(g_v1top), "/sys/fs/cgroup/pids/minisnoop-ctr-%d", (int)g_self);
	if (mkdir(g_v1top, 0755) && errno != EEXIST) {
		int err = errno;

		g_v1top[0] = 0;
		SKIP("cannot make a v1 pids cgroup: %s", strerror(err));
	}
	for (size_t i = 0; i < 3; i++)
		make_cgroup(g_v1top, v1rows[i]);
	s = snoop_start(ARGS);
	for (size_t i = 0; i < 3; i++) {
		const char *line = exec_in(s, g_v1top, v1rows[i], true);

		want_key(line, "container", ID1, v1rows[i]);
		want_key(line, "pod", i == 2 ? UID : "", v1rows[i]);
	}
	/* and ours, in no container: null */
	want_key(exec_in(s, NULL, NULL, true), "container", "", "the test's own cgroup");
	snoop_stop(s, SIGINT);
}

/* A process in top/rel (NULL: here) execs sh with a marker and exits; the marker. */
static const char *exec_quiet(const char *top, const char *rel, char *mark, size_t n)
{
	struct run_arg r;
	int gate[2];
	pid_t pid;

	marker(mark, n, "ctr-no");
	assert_int_equal(pipe2(gate, O_CLOEXEC), 0);
	r = (struct run_arg){.gate = gate[0], .argv = {"sh", "-c", "exit 0", mark, NULL}};
	pid = kid_fork(run_sh, &r, &gate[0], 1);
	close(gate[0]);
	if (rel)
		move(pid, top, rel);
	assert_int_equal(write(gate[1], "x", 1), 1);
	close(gate[1]);
	kid_wait(pid);
	return mark;
}

#define ID3 "0123456789abcdef00000000000000000000000000000000000000000000000f"

static void make_top(void)
{
	char root[PATH_MAX];

	v2_root(root, sizeof(root));
	snprintf(g_top, sizeof(g_top), "%s/minisnoop-ctr-%d", root, (int)g_self);
	if (mkdir(g_top, 0755) && errno != EEXIST) {
		int err = errno;

		g_top[0] = 0;
		SKIP("cannot make a cgroup under %s: %s", root, strerror(err));
	}
}

/*
 * --container with a prefix: execs in that container's cgroup and below it are shown, those
 * in another container, a lookalike or none are not (dropped in the kernel); cgroups made
 * after the start (a new container the prefix names, a child of the container's cgroup, one
 * of no container) are decided in user space the same way.
 */
static void test_container_filter(void **state)
{
	static const char *const args[] = {"-j",	  "-o",	      "container",
					   "--container", "01234567", NULL};
	char no[4][128];
	const char *line;
	struct snoop *s;

	(void)state;
	REQUIRE_KERNEL();
	make_top();
	make_cgroup(g_top, "system.slice/docker-" ID1 ".scope");
	make_cgroup(g_top, "docker/" ID2);
	make_cgroup(g_top, "system.slice/docker-0123456789ab.scope");
	s = snoop_start(args);
	exec_quiet(g_top, "docker/" ID2, no[0], sizeof(no[0]));
	exec_quiet(g_top, "system.slice/docker-0123456789ab.scope", no[1], sizeof(no[1]));
	exec_quiet(NULL, NULL, no[2], sizeof(no[2]));
	line = exec_in(s, g_top, "system.slice/docker-" ID1 ".scope", true);
	want_key(line, "container", ID1, "--container 01234567: its container");
	/* made after the start */
	make_cgroup(g_top, "system.slice/docker-" ID1 ".scope/sub");
	make_cgroup(g_top, "machine.slice/libpod-" ID3 ".scope");
	make_cgroup(g_top, "system.slice/new.scope");
	exec_quiet(g_top, "system.slice/new.scope", no[3], sizeof(no[3]));
	line = exec_in(s, g_top, "system.slice/docker-" ID1 ".scope/sub", true);
	want_key(line, "container", ID1, "--container: a cgroup made below it after the start");
	line = exec_in(s, g_top, "machine.slice/libpod-" ID3 ".scope", true);
	want_key(line, "container", ID3, "--container: a container started after minisnoop");
	snoop_stop(s, SIGINT);
	for (int i = 0; i < 4; i++)
		if (strstr(buf_str(&s->out), no[i]))
			fail_msg("--container 01234567: exec %d shown:\n%s", i, buf_str(&s->out));
}

/* --containers-only: any container, nothing else; a prefix naming two containers is refused. */
static void test_containers_only(void **state)
{
	static const char *const args[] = {"-j", "-o", "container", "--containers-only", NULL};
	static const char *const ambiguous[] = {"--container", "0123", NULL};
	char no[2][128];
	const char *line;
	struct snoop *s;

	(void)state;
	REQUIRE_KERNEL();
	make_top();
	make_cgroup(g_top, "kubepods/besteffort/pod" UID "/" ID2);
	make_cgroup(g_top, "system.slice/docker-xyz.scope");
	s = snoop_start(args);
	exec_quiet(g_top, "system.slice/docker-xyz.scope", no[0], sizeof(no[0]));
	exec_quiet(NULL, NULL, no[1], sizeof(no[1]));
	line = exec_in(s, g_top, "kubepods/besteffort/pod" UID "/" ID2, true);
	want_key(line, "container", ID2, "--containers-only");
	make_cgroup(g_top, "system.slice/docker-" ID1 ".scope");
	line = exec_in(s, g_top, "system.slice/docker-" ID1 ".scope", true);
	want_key(line, "container", ID1, "--containers-only: a container started after minisnoop");
	snoop_stop(s, SIGINT);
	for (int i = 0; i < 2; i++)
		if (strstr(buf_str(&s->out), no[i]))
			fail_msg("--containers-only: exec %d shown:\n%s", i, buf_str(&s->out));
	make_cgroup(g_top, "machine.slice/libpod-" ID3 ".scope");
	s = run_minisnoop(ambiguous, 10000);
	if (s->status == 0 || !strstr(buf_str(&s->err), "names more than one container"))
		fail_msg("--container 0123 with two containers: status %d, stderr: %s", s->status,
			 buf_str(&s->err));
}

/*
 * Short-lived containers started after minisnoop, at about 33 a second: each cgroup is made,
 * a process in it execs, and the cgroup is removed as soon as that has exited. Each exec is
 * kept by --containers-only and named with its container: from the cgroup path the kernel
 * read at the exec (the mounted trees, read at most every 100 ms, miss most of them).
 */
static void test_short_lived_containers(void **state)
{
	enum { N = 20 };
	static const char *const args[] = {"-j", "-o", "container", "--containers-only", NULL};
	char rel[N][128], id[N][65], mark[N][128], dir[PATH_MAX * 2];
	struct snoop *s;
	int named = 0;

	(void)state;
	REQUIRE_KERNEL();
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		SKIP("no BTF: the kernel does not read the cgroup path");
	make_top();
	make_cgroup(g_top, "system.slice");
	s = snoop_start(args);
	for (int k = 0; k < N; k++) {
		uint64_t t0 = now_ms();
		struct run_arg r;
		int gate[2];
		pid_t pid;

		snprintf(id[k], sizeof(id[k]), "%s%016x",
			 "0123456789abcdef0123456789abcdef0123456789abcdef", 0xa000u + (unsigned)k);
		snprintf(rel[k], sizeof(rel[k]), "system.slice/docker-%.64s.scope", id[k]);
		make_cgroup(g_top, rel[k]);
		marker(mark[k], sizeof(mark[k]), "brief");
		assert_int_equal(pipe2(gate, O_CLOEXEC), 0);
		r = (struct run_arg){.gate = gate[0], .argv = {"sh", "-c", ":", mark[k], NULL}};
		pid = kid_fork(run_sh, &r, &gate[0], 1);
		close(gate[0]);
		move(pid, g_top, rel[k]);
		assert_int_equal(write(gate[1], "x", 1), 1);
		close(gate[1]);
		kid_wait(pid);
		snprintf(dir, sizeof(dir), "%s/%s", g_top, rel[k]);
		for (int i = 0; i < 50 && rmdir(dir) && errno == EBUSY; i++)
			usleep(2000);
		while (now_ms() < t0 + 30)
			usleep(1000);
	}
	for (int k = 0; k < N; k++) {
		const char *at, *b;
		char want[96];

		if (!snoop_wait_out(s, mark[k], 5000))
			continue;
		at = strstr(buf_str(&s->out), mark[k]);
		for (b = at; b > s->out.p && b[-1] != '\n'; b--)
			;
		snprintf(want, sizeof(want), "\"container\":\"%.64s\"", id[k]);
		if (strstr(b, want) && strstr(b, want) < at + strcspn(at, "\n"))
			named++;
	}
	snoop_stop(s, SIGINT);
	if (named != N)
		fail_msg("--containers-only: %d of %d short-lived containers shown and named:\n%s",
			 named, N, buf_str(&s->out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(test_v2_names),
	    T(test_v1_pids),
	    T(test_container_filter),
	    T(test_containers_only),
	    T(test_short_lived_containers),
#undef T
	};

	snoop_init(120, "/tmp/minisnoop-ctr.", cleanup);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
