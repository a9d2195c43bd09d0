// SPDX-License-Identifier: MIT
/*
 * What the end-to-end kernel tests share (declared, with how to write one, in snoop.h).
 * Everything that can fail fails the running cmocka test; every process started here is
 * killed and reaped in snoop_cleanup(), even after a failed assertion.
 */
#include "snoop.h"

#ifndef KTESTS_DIR
#error "build with -DKTESTS_DIR='\"<absolute path of tests/kernel>\"' (the Makefile does)"
#endif

/* What snoop_init() was given. */
static unsigned g_watchdog_s = 60;
static const char *g_scratch_prefix = "/tmp/minisnoop-kernel.";
static void (*g_cleanup)(void) = snoop_cleanup;
/* ---------------------------------------------------------------------------------------- */
/* Global state                                                                             */

char g_bin[PATH_MAX];	      /* the minisnoop binary, "" if not found */
char g_python[PATH_MAX + 64]; /* python3, "" if not found */
char g_skip[256];	      /* why kernel tests cannot run here, "" if they can */
char g_tmpdir[256];	      /* scratch files of this run (its real path) */
char g_comm[32];	      /* our comm, which forked children keep until they exec */
char g_cgdir[PATH_MAX + 64];  /* a cgroup made by a test, removed in cleanup */
pid_t g_self;
static unsigned g_seq;

/* What our children exec with. */
char *const g_envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A string no other process on the system passes to exec. */
const char *marker(char *buf, size_t n, const char *what)
{
	snprintf(buf, n, "mstest-%d-%u-%s", (int)g_self, ++g_seq, what);
	return buf;
}

/* close_range(2), or a loop on kernels before 5.9. */
void close_fds(unsigned first, unsigned last)
{
	if (syscall(SYS_close_range, first, last, 0) == 0 || errno != ENOSYS)
		return;
	for (unsigned fd = first; fd <= last && fd < 4096; fd++)
		close((int)fd);
}

/* Closes every fd >= 3 except the n in keep (sorted here; -1 entries ignored). In forked
 * children. */
void close_fds_keep(int *keep, int n)
{
	unsigned first = 3;

	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];

			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	for (int k = 0; k < n; k++) {
		if (keep[k] < (int)first)
			continue;
		if ((unsigned)keep[k] > first)
			close_fds(first, (unsigned)keep[k] - 1);
		first = (unsigned)keep[k] + 1;
	}
	close_fds(first, ~0u);
}

/* ---------------------------------------------------------------------------------------- */
/* Growing byte buffers                                                                     */

void buf_add(struct buf *b, const void *d, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t c = b->cap ? b->cap : 4096;
		char *p;

		while (b->len + n + 1 > c)
			c *= 2;
		p = realloc(b->p, c);
		if (!p)
			abort();
		b->p = p;
		b->cap = c;
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
	b->p[b->len] = 0;
}

void buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

bool buf_has(const struct buf *b, const char *needle)
{
	return b->len && memmem(b->p, b->len, needle, strlen(needle)) != NULL;
}

const char *buf_str(const struct buf *b)
{
	return b->p ? b->p : "";
}

/* Reads fd to its end (a FIFO whose writer is gone, a /proc file) into b. */
void read_to_end(int fd, struct buf *b)
{
	char tmp[65536];
	ssize_t r;

	while ((r = read(fd, tmp, sizeof(tmp))) > 0 || (r < 0 && errno == EINTR))
		if (r > 0)
			buf_add(b, tmp, (size_t)r);
}

/* ---------------------------------------------------------------------------------------- */
/* minisnoop runs (in static slots: a failed assertion leaves the test's stack behind)      */

static struct snoop g_snoops[8];

static void snoop_read(int *fd, struct buf *b)
{
	char tmp[65536];

	for (;;) {
		ssize_t r = read(*fd, tmp, sizeof(tmp));

		if (r > 0) {
			buf_add(b, tmp, (size_t)r);
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
			close(*fd);
			*fd = -1;
		}
		return;
	}
}

/* Reads what is there (waiting up to timeout_ms); false once both pipes are at EOF. */
bool pump(struct snoop *s, int timeout_ms)
{
	struct pollfd p[2];
	int n = 0;

	if (s->out_fd >= 0)
		p[n++] = (struct pollfd){.fd = s->out_fd, .events = POLLIN};
	if (s->err_fd >= 0)
		p[n++] = (struct pollfd){.fd = s->err_fd, .events = POLLIN};
	if (!n)
		return false;
	if (poll(p, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
		return false;
	for (int k = 0; k < n; k++) {
		if (!p[k].revents)
			continue;
		if (p[k].fd == s->out_fd)
			snoop_read(&s->out_fd, &s->out);
		else if (p[k].fd == s->err_fd)
			snoop_read(&s->err_fd, &s->err);
	}
	return s->out_fd >= 0 || s->err_fd >= 0;
}

bool snoop_exited(struct snoop *s)
{
	if (!s->reaped && waitpid(s->pid, &s->status, WNOHANG) == s->pid)
		s->reaped = true;
	return s->reaped;
}

/*
 * Reads both pipes to EOF and reaps, within timeout_ms; SIGKILL after that.
 * Returns the wait status, or -1 when it had to be killed.
 */
int snoop_finish(struct snoop *s, int timeout_ms)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;
	bool killed = false;

	while (now_ms() < deadline && pump(s, 50))
		;
	while (!snoop_exited(s)) {
		if (now_ms() >= deadline) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, &s->status, 0);
			s->reaped = killed = true;
			break;
		}
		usleep(10000);
	}
	/* It is gone: whatever is left in the pipes comes now. */
	deadline = now_ms() + 1000;
	while (now_ms() < deadline && pump(s, 50))
		;
	return killed ? -1 : s->status;
}

struct snoop *snoop_spawn(const char *const *args, const struct start_opts *o)
{
	const char *argv[64];
	struct snoop *s = NULL;
	int po[2], pe[2], n = 0;

	if (!g_bin[0])
		fail_msg("minisnoop binary not found: run make first (or set MINISNOOP_BIN)");
	for (size_t k = 0; k < sizeof(g_snoops) / sizeof(g_snoops[0]); k++)
		if (!g_snoops[k].used) {
			s = &g_snoops[k];
			break;
		}
	assert_non_null(s);
	memset(s, 0, sizeof(*s));
	argv[n++] = g_bin;
	for (; args && *args; args++) {
		assert_true(n < 62);
		argv[n++] = *args;
	}
	argv[n] = NULL;
	assert_int_equal(pipe2(po, O_CLOEXEC), 0);
	assert_int_equal(pipe2(pe, O_CLOEXEC), 0);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		sigset_t none;
		int nul = open("/dev/null", O_RDONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(nul, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close_fds_keep(NULL, 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		unsetenv("MINISNOOP_NO_BTF");
		if (o && o->no_btf_env)
			setenv("MINISNOOP_NO_BTF", o->no_btf_env, 1);
		if (o && o->pre_exec)
			o->pre_exec();
		execv(g_bin, (char *const *)argv);
		dprintf(2, "test: exec %s: %s\n", g_bin, strerror(errno));
		_exit(127);
	}
	s->used = true;
	close(po[1]);
	close(pe[1]);
	s->out_fd = po[0];
	s->err_fd = pe[0];
	fcntl(s->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(s->err_fd, F_SETFL, O_NONBLOCK);
	return s;
}

bool tracing_line_seen(const struct snoop *s)
{
	const char *p = strstr(buf_str(&s->err), "minisnoop: tracing");

	return p && strchr(p, '\n');
}

/* Starts minisnoop and waits until it says it is tracing. */
struct snoop *snoop_start_opts(const char *const *args, const struct start_opts *o)
{
	struct snoop *s = snoop_spawn(args, o);
	uint64_t deadline = now_ms() + 20000;

	while (!tracing_line_seen(s)) {
		if (now_ms() >= deadline || !pump(s, 100)) {
			int st = snoop_finish(s, 2000);

			fail_msg("minisnoop did not start tracing (wait status 0x%x); stderr:\n%s",
				 st, buf_str(&s->err));
		}
	}
	return s;
}

struct snoop *snoop_start(const char *const *args)
{
	return snoop_start_opts(args, NULL);
}

void expect_exit0(const struct snoop *s, const char *what)
{
	if (!WIFEXITED(s->status) || WEXITSTATUS(s->status) != 0)
		fail_msg(
		    "%s: minisnoop ended with wait status 0x%x (exit %d, signal %d), not exit 0; "
		    "stderr:\n%s",
		    what, s->status, WIFEXITED(s->status) ? WEXITSTATUS(s->status) : -1,
		    WIFSIGNALED(s->status) ? WTERMSIG(s->status) : 0, buf_str(&s->err));
}

/* Ends it with sig, collects everything, expects exit status 0. */
void snoop_stop(struct snoop *s, int sig)
{
	if (!snoop_exited(s))
		kill(s->pid, sig);
	if (snoop_finish(s, EXIT_MS) == -1)
		fail_msg("minisnoop did not exit within %d ms of signal %d; stderr:\n%s", EXIT_MS,
			 sig, buf_str(&s->err));
	expect_exit0(s, "after a signal");
}

/* Waits until a JSON event of each pid was printed (or the timeout). */
bool snoop_wait_pids(struct snoop *s, const pid_t *pids, int n, int timeout_ms)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;
	char needle[48];

	for (int k = 0; k < n; k++) {
		snprintf(needle, sizeof(needle), "\"pid\":%d,", (int)pids[k]);
		while (!buf_has(&s->out, needle))
			if (now_ms() >= deadline || !pump(s, 50))
				return false;
	}
	return true;
}

/* Waits until needle was printed (or the timeout). */
bool snoop_wait_out(struct snoop *s, const char *needle, int timeout_ms)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;

	while (!buf_has(&s->out, needle))
		if (now_ms() >= deadline || !pump(s, 50))
			return false;
	return true;
}

/* Runs minisnoop with args to its end (for subcommands and bad flags). */
struct snoop *run_minisnoop(const char *const *args, int timeout_ms)
{
	struct snoop *s = snoop_spawn(args, NULL);

	if (snoop_finish(s, timeout_ms) == -1)
		fail_msg("minisnoop did not exit within %d ms; stderr:\n%s", timeout_ms,
			 buf_str(&s->err));
	return s;
}

/* ---------------------------------------------------------------------------------------- */
/* Our own processes                                                                        */

static pid_t g_kids[64]; /* our children: killed and reaped */
static int g_nkids;

void kid_add(pid_t pid)
{
	assert_true(g_nkids < (int)(sizeof(g_kids) / sizeof(g_kids[0])));
	g_kids[g_nkids++] = pid;
}

static void kid_forget(pid_t pid)
{
	for (int k = 0; k < g_nkids; k++)
		if (g_kids[k] == pid) {
			g_kids[k] = g_kids[--g_nkids];
			return;
		}
}

/* Reaps pid within 10 s (SIGKILL and fail after that); returns its wait status. */
int kid_wait(pid_t pid)
{
	uint64_t deadline = now_ms() + 10000;
	int st = 0;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid && !WIFSTOPPED(st)) /* a traced child reports its stops too */
			break;
		if (r < 0)
			fail_msg("waitpid %d: %s", (int)pid, strerror(errno));
		if (now_ms() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			kid_forget(pid);
			fail_msg("process %d did not end within 10 s", (int)pid);
		}
		usleep(2000);
	}
	kid_forget(pid);
	return st;
}

/* Forks a child that runs fn(arg) (which execs or _exits) with only the nkeep fds of keep
 * open (-1 entries ignored), stdin and stdout on /dev/null, stderr ours. */
pid_t kid_fork(void (*fn)(void *), void *arg, const int *keep, int nkeep)
{
	int k[8];
	pid_t pid;

	assert_true(nkeep <= 8);
	for (int i = 0; i < nkeep; i++)
		k[i] = keep[i];
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(nul, 0);
		dup2(nul, 1);
		close_fds_keep(k, nkeep);
		fn(arg);
		_exit(120);
	}
	kid_add(pid);
	return pid;
}

/*
 * A forked child does not have the parent's file-backed pages (string literals in .rodata)
 * in its page tables until it touches them, and BPF cannot fault them in at
 * sys_enter_execve. Children read their strings first so that tests test what they are
 * about (test_trace's test_exec_strings_not_faulted_in covers the other case on purpose).
 */
void touch_strings(const char *path, char *const *argv)
{
	volatile char sink = 0;

	for (const char *p = path; p && *p; p++)
		sink ^= *p;
	for (; argv && *argv; argv++)
		for (const char *p = *argv; *p; p++)
			sink ^= *p;
	(void)sink;
}

/* In a forked child: waits for a byte on gate_fd (when >= 0), then closes it; _exit(121)
 * when none comes. */
void gate_wait(int gate_fd)
{
	char c;

	if (gate_fd < 0)
		return;
	if (read(gate_fd, &c, 1) != 1)
		_exit(121);
	close(gate_fd);
}

/* In a forked child: no supplementary groups, and real, effective and saved uid and gid all
 * uid; false (errno set) when that fails. */
bool become(long uid)
{
	return !setgroups(0, NULL) && !setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid) &&
	       !setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid);
}

const char *nobody_cannot_exec(void)
{
	static int known; /* 1: it can; 2: it cannot */
	static char why[160];
	int st = 0;
	pid_t pid;

	if (known)
		return known == 1 ? NULL : why;
	pid = fork();
	if (pid == 0)
		_exit(!become(65534) ? 2 : access("/bin/true", X_OK) ? 3 : 0);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) == 2) {
		snprintf(why, sizeof(why), "could not become uid 65534 (wait status 0x%x)", st);
	} else if (WEXITSTATUS(st)) {
		struct stat root;

		snprintf(why, sizeof(why),
			 "/bin/true is not executable for it (\"/\" has mode %04o)",
			 stat("/", &root) ? 0 : (unsigned)(root.st_mode & 07777));
	} else {
		known = 1;
		return NULL;
	}
	known = 2;
	return why;
}

bool enter_mntns(pid_t pid)
{
	char ns[64], root[64];
	int nfd, rfd;
	bool ok;

	snprintf(ns, sizeof(ns), "/proc/%d/ns/mnt", (int)pid);
	snprintf(root, sizeof(root), "/proc/%d/root", (int)pid);
	nfd = open(ns, O_RDONLY | O_CLOEXEC);
	rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ok = nfd >= 0 && rfd >= 0 && !setns(nfd, CLONE_NEWNS) && !fchdir(rfd) && !chroot(".") &&
	     !chdir("/");
	if (nfd >= 0)
		close(nfd);
	if (rfd >= 0)
		close(rfd);
	return ok;
}

/* ---------------------------------------------------------------------------------------- */
/* JSON through python3's parser                                                            */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "xHEX" (len chars) to bytes */
struct bytes unhex_n(const char *tok, size_t len)
{
	struct bytes b = {0};
	size_t n;

	if (len < 1 || tok[0] != 'x' || (len - 1) % 2)
		fail_msg("bad hex token from the normalizer: '%.*s'", (int)(len < 60 ? len : 60),
			 tok);
	n = (len - 1) / 2;
	b.p = malloc(n + 1);
	assert_non_null(b.p);
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(tok[1 + 2 * i]), lo = hexval(tok[2 + 2 * i]);

		if (hi < 0 || lo < 0)
			fail_msg("bad hex token from the normalizer: '%.60s'", tok);
		b.p[i] = (unsigned char)(hi << 4 | lo);
	}
	b.p[n] = 0;
	b.n = n;
	return b;
}

/* A whole token (NULL when the line was short) to bytes. */
struct bytes unhex(const char *tok)
{
	if (!tok)
		fail_msg("short line from the normalizer");
	return unhex_n(tok, strlen(tok));
}

/*
 * Runs the normalizer script on data, with keys (when not NULL) as its argument; fails when
 * it rejects the output (its message is on our stderr). Each line it printed is "EV" and
 * words: add gets the words.
 */
void run_python(const char *script, const char *keys, const struct buf *data,
		void (*add)(char *words))
{
	char path[PATH_MAX];
	struct buf res = {0};
	char *save = NULL, *line;
	int mfd, p[2], st;
	pid_t pid;
	uint64_t deadline;
	size_t off = 0;

	snprintf(path, sizeof(path), "%s/%s", getenv("MINISNOOP_TESTS_DIR") ?: KTESTS_DIR, script);
	if (access(path, R_OK))
		fail_msg("the JSON checker %s: %s (MINISNOOP_TESTS_DIR: where tests/kernel is)",
			 path, strerror(errno));
	mfd = memfd_create("minisnoop-stdout", MFD_CLOEXEC);
	assert_true(mfd >= 0);
	while (off < data->len) {
		ssize_t w = write(mfd, data->p + off, data->len - off);

		assert_true(w > 0);
		off += (size_t)w;
	}
	assert_int_equal(lseek(mfd, 0, SEEK_SET), 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(mfd, 0);
		dup2(p[1], 1);
		close_fds_keep(NULL, 0);
		/* -B: no __pycache__ in the source tree */
		execl(g_python, "python3", "-B", path, keys, (char *)NULL);
		dprintf(2, "test: exec %s: %s\n", g_python, strerror(errno));
		_exit(127);
	}
	kid_add(pid);
	close(mfd);
	close(p[1]);
	deadline = now_ms() + 30000;
	for (;;) {
		struct pollfd pf = {.fd = p[0], .events = POLLIN};
		char tmp[65536];
		ssize_t r;

		if (now_ms() >= deadline)
			break;
		if (poll(&pf, 1, 100) <= 0)
			continue;
		r = read(p[0], tmp, sizeof(tmp));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		buf_add(&res, tmp, (size_t)r);
	}
	close(p[0]);
	st = kid_wait(pid);
	if ((!WIFEXITED(st) || WEXITSTATUS(st) != 0) && !keys)
		fail_msg("minisnoop's JSON output failed to parse (python3 wait status 0x%x; its "
			 "message is above); the output was %zu bytes",
			 st, data->len);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("minisnoop's JSON output failed the check with context keys '%s' (python3 "
			 "wait status 0x%x; its message is above); the output was %zu bytes",
			 keys, st, data->len);
	for (line = res.len ? strtok_r(res.p, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "EV", 2) || (line[2] && line[2] != ' '))
			fail_msg("bad line from the normalizer: '%.80s'", line);
		add(line + 2);
	}
	buf_free(&res);
}

/* ---------------------------------------------------------------------------------------- */
/* Environment checks, fixtures                                                             */

static void find_binaries(void)
{
	const char *env = getenv("MINISNOOP_BIN");
	char exe[PATH_MAX], cand[PATH_MAX + 32];
	ssize_t n;

	g_bin[0] = 0;
	if (env && *env) {
		if (!realpath(env, g_bin))
			snprintf(g_bin, sizeof(g_bin), "%s", env);
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n > 0) {
			exe[n] = 0;
			*strrchr(exe, '/') = 0; /* build/tests */
			snprintf(cand, sizeof(cand), "%s/../minisnoop", exe);
			if (access(cand, X_OK) == 0 && realpath(cand, g_bin))
				goto python;
		}
		if (access("build/minisnoop", X_OK) == 0 && realpath("build/minisnoop", g_bin))
			goto python;
		g_bin[0] = 0;
	}
python:
	env = getenv("MINISNOOP_PYTHON");
	g_python[0] = 0;
	if (env && *env) {
		snprintf(g_python, sizeof(g_python), "%s", env);
		return;
	}
	if (access("/usr/bin/python3", X_OK) == 0) {
		snprintf(g_python, sizeof(g_python), "/usr/bin/python3");
		return;
	}
	env = getenv("PATH");
	if (env) {
		char *path = strdup(env), *save = NULL;

		for (char *d = strtok_r(path, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			snprintf(cand, sizeof(cand), "%s/python3", d);
			if (access(cand, X_OK) == 0) {
				snprintf(g_python, sizeof(g_python), "%s", cand);
				break;
			}
		}
		free(path);
	}
}

static void check_environment(void)
{
	union bpf_attr a;
	int fd;

	g_skip[0] = 0;
	if (geteuid() != 0) {
		snprintf(g_skip, sizeof(g_skip), "not root (euid %d): kernel tests need root",
			 (int)geteuid());
		return;
	}
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	fd = (int)syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	if (fd < 0) {
		snprintf(g_skip, sizeof(g_skip), "bpf() is not usable here: %s", strerror(errno));
		return;
	}
	close(fd);
}

/* Kills and reaps every minisnoop run and child, removes g_cgdir: the start of a test file's
 * cleanup. */
/* One run killed, reaped and its slot freed. */
void snoop_release(struct snoop *s)
{
	if (!s->used)
		return;
	if (!s->reaped) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &s->status, 0);
	}
	if (s->out_fd >= 0)
		close(s->out_fd);
	if (s->err_fd >= 0)
		close(s->err_fd);
	buf_free(&s->out);
	buf_free(&s->err);
	memset(s, 0, sizeof(*s));
}

void snoop_cleanup(void)
{
	for (size_t k = 0; k < sizeof(g_snoops) / sizeof(g_snoops[0]); k++)
		snoop_release(&g_snoops[k]);
	for (int k = 0; k < g_nkids; k++) {
		kill(g_kids[k], SIGKILL);
		waitpid(g_kids[k], NULL, 0);
	}
	g_nkids = 0;
	/* its processes are gone now, but the kernel may take a moment to let it go */
	if (g_cgdir[0]) {
		for (int k = 0; k < 100 && rmdir(g_cgdir) && errno == EBUSY; k++)
			usleep(10000);
		g_cgdir[0] = 0;
	}
}

void snoop_init(unsigned watchdog_s, const char *scratch_prefix, void (*cleanup)(void))
{
	g_watchdog_s = watchdog_s;
	g_scratch_prefix = scratch_prefix;
	g_cleanup = cleanup ? cleanup : snoop_cleanup;
}

size_t snoop_exclude(struct CMUnitTest *tests, size_t n)
{
	const char *ex = getenv("MINISNOOP_TEST_EXCLUDE");
	size_t kept = 0;

	for (size_t k = 0; k < n; k++) {
		char globs[512], *save = NULL;
		bool out = false;

		snprintf(globs, sizeof(globs), "%s", ex ? ex : "");
		for (char *g = strtok_r(globs, " ", &save); g && !out;
		     g = strtok_r(NULL, " ", &save))
			out = !fnmatch(g, tests[k].name, 0);
		if (!out)
			tests[kept++] = tests[k];
	}
	return kept;
}

bool snoop_tiny(void)
{
	static int tiny = -1;

	if (tiny < 0) {
		const char *args[] = {"--help", NULL};
		struct snoop *s = run_minisnoop(args, 5000);

		tiny = buf_has(&s->out, "minisnoop-tiny");
		snoop_release(s); /* alone: asked in the middle of a test, whose runs stay */
	}
	return tiny;
}

void skip_unless_built(const char *cmd)
{
	const char *args[] = {cmd, "--help", NULL};
	struct snoop *s = run_minisnoop(args, 5000);

	if (WIFEXITED(s->status) && WEXITSTATUS(s->status) == 2 &&
	    buf_has(&s->err, "is not in this build")) {
		char why[256];

		snprintf(why, sizeof(why), "%s", buf_str(&s->err));
		why[strcspn(why, "\n")] = 0;
		g_cleanup();
		SKIP("%s", why);
	}
	g_cleanup();
}

int setup(void **state)
{
	(void)state;
	g_cleanup();
	alarm(g_watchdog_s);
	return 0;
}

int teardown(void **state)
{
	(void)state;
	g_cleanup();
	alarm(0);
	return 0;
}

int group_setup(void **state)
{
	int fd;
	ssize_t n;

	(void)state;
	g_self = getpid();
	find_binaries();
	check_environment();
	fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, g_comm, sizeof(g_comm) - 1) : -1;
	if (fd >= 0)
		close(fd);
	g_comm[n > 0 ? n : 0] = 0;
	if (n > 0 && g_comm[n - 1] == '\n')
		g_comm[n - 1] = 0;
	if (g_skip[0])
		print_message("kernel tests will be skipped: %s\n", g_skip);
	return 0;
}

int group_teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	g_cleanup();
	if (g_tmpdir[0] && strstr(g_tmpdir, g_scratch_prefix) == g_tmpdir) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_tmpdir);
		if (system(cmd))
			print_message("could not remove %s\n", g_tmpdir);
	}
	return 0;
}

/* The scratch directory of this run (its real path), made when first needed. */
const char *tmpdir(void)
{
	if (!g_tmpdir[0]) {
		char made[PATH_MAX], real[PATH_MAX];

		snprintf(made, sizeof(made), "%sXXXXXX", g_scratch_prefix);
		if (!mkdtemp(made))
			fail_msg("mkdtemp: %s", strerror(errno));
		if (!realpath(made, real) || strlen(real) >= sizeof(g_tmpdir))
			snprintf(real, sizeof(real), "%s", made);
		memcpy(g_tmpdir, real, strlen(real) + 1);
	}
	return g_tmpdir;
}

/* The first cgroup2 mount in /proc/mounts, or false. */
bool cgroup2_mount(char *out, size_t n)
{
	FILE *f = fopen("/proc/mounts", "re");
	char dev[256], dir[PATH_MAX], type[64];
	bool found = false;

	if (!f)
		return false;
	while (fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3)
		if (!strcmp(type, "cgroup2")) {
			snprintf(out, n, "%s", dir);
			found = true;
			break;
		}
	fclose(f);
	return found;
}

/* n bytes cycling through the 26 characters from first on (malloc'd, NUL-terminated). */
char *pattern(size_t n, char first)
{
	char *p = malloc(n + 1);

	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (char)(first + (char)(i % 26));
	p[n] = 0;
	return p;
}