// SPDX-License-Identifier: MIT
/*
 * Issue 11, the context fields (-o, -e), end to end: start build/minisnoop as a user would
 * (-j -o all, -e for the environment), start real processes in a known state (a directory,
 * a terminal, credentials, namespaces, a cgroup, an environment), and while each process is
 * still alive read the truth from /proc/PID (readlink cwd and exe, status, stat, loginuid,
 * sessionid, ns/, cgroup, environ); then end it and compare what minisnoop printed with
 * that truth (/work/notes/spec11.md, the field table's truth column).
 *
 * Every line minisnoop prints goes through python3's json module, which fails on a line that
 * is not one JSON object with exactly the base keys plus the selected context keys, of their
 * types (null allowed for every context key), and turns each line into a normalized one
 * (strings as the hex of their bytes, recovered with surrogateescape) compared here.
 *
 * Needs root and a usable bpf(); otherwise every test is skipped with the reason.
 * build/minisnoop must exist (make); MINISNOOP_BIN overrides where it is, MINISNOOP_PYTHON
 * which python3 is used. Every process started here is killed and reaped, with timeouts,
 * even when a test fails; a watchdog alarm ends the whole run if anything still hangs.
 * What this file shares with test_trace.c is in snoop.h.
 */
#define SLEEP_PATH     "/bin/sleep"
#define WAIT_EVENTS_MS 10000 /* how long an expected event may take to show up */

#include "record.h"
#include "snoop.h"

#include <dirent.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

/* CHILD() gives defaults that the caller's designated initializers override. */
#pragma GCC diagnostic ignored "-Woverride-init"

/* The context keys (spec11.md), as the JSON checker takes them. */
#define KEYS_ALL                                                                                   \
	"root,cwd,exe,fileless,euid,gid,egid,auid,session,tty,pcomm,pidns,mntns,nspid,cgroup,"     \
	"container,pod"
#define KEYS_ALL_ENV KEYS_ALL ",env"

static const char *const g_ctx_keys[] = {"root",  "cwd",   "exe",     "fileless",  "euid",  "gid",
					 "egid",  "auid",  "session", "tty",	   "pcomm", "pidns",
					 "mntns", "nspid", "cgroup",  "container", "pod",   "env"};
#define N_CTX_KEYS ((int)(sizeof(g_ctx_keys) / sizeof(g_ctx_keys[0])))

static const char *const ARGS_ALL[] = {"-j", "-o", "all", NULL};
static const char *const ARGS_ALL_ENV[] = {"-j", "-o", "all", "-e", NULL};

/* ---------------------------------------------------------------------------------------- */
/* Global state                                                                             */

static char g_cgmnt[PATH_MAX];		/* a cgroup2 mount made by a test, unmounted in cleanup */
static char g_suid_file[PATH_MAX + 64]; /* a setuid copy, removed in cleanup */
static char g_suid_dir[PATH_MAX];	/* its directory, removed in cleanup */
static char g_bind[PATH_MAX];		/* a bind mount made by a test, unmounted in cleanup */

static char *g_sleep_argv[] = {"sleep", "30", NULL};

/* A printable rendering of bytes, for messages. */
static const char *show(char *out, size_t n, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t o = 0;

	out[0] = 0;
	for (size_t i = 0; i < len && o + 8 < n; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\' && p[i] != '"')
			out[o++] = (char)p[i];
		else
			o += (size_t)snprintf(out + o, n - o, "\\x%02x", p[i]);
	}
	if (o + 8 >= n && n > 4)
		snprintf(out + n - 4, 4, "...");
	else
		out[o] = 0;
	return out;
}

/* ---------------------------------------------------------------------------------------- */
/* minisnoop runs                                                                           */

/* Waits until needle was printed on stdout; fails after WAIT_EVENTS_MS. */
static void snoop_need_out(struct snoop *s, const char *needle, const char *what)
{
	if (!snoop_wait_out(s, needle, WAIT_EVENTS_MS))
		fail_msg("%s: minisnoop printed no '%s' within %d ms; stderr:\n%s\n"
			 "the end of its stdout:\n%s",
			 what, needle, WAIT_EVENTS_MS, buf_str(&s->err),
			 s->out.len > 1500 ? s->out.p + s->out.len - 1500 : buf_str(&s->out));
}

/* Waits until a JSON event of pid was printed; fails after WAIT_EVENTS_MS. */
static void snoop_need_pid(struct snoop *s, pid_t pid, const char *what)
{
	char needle[48];

	snprintf(needle, sizeof(needle), "\"pid\":%d,", (int)pid);
	snoop_need_out(s, needle, what);
}

/* The pid of the first JSON line of s holding needle (already printed). */
static pid_t snoop_pid_of_line(const struct snoop *s, const char *needle)
{
	const char *at = memmem(s->out.p, s->out.len, needle, strlen(needle)), *line, *pid;
	int v = 0;

	assert_non_null(at);
	for (line = at; line > s->out.p && line[-1] != '\n'; line--)
		;
	pid = strstr(line, "\"pid\":");
	if (!pid || pid > strchr(line, '\n') || sscanf(pid + 6, "%d", &v) != 1 || v <= 0)
		fail_msg("no pid in the line of '%s'", needle);
	return v;
}

/* ---------------------------------------------------------------------------------------- */
/* Our own processes                                                                        */

static pid_t g_others[16]; /* processes we do not parent (grandchildren): killed */
static int g_nothers;

static void other_add(pid_t pid)
{
	assert_true(g_nothers < (int)(sizeof(g_others) / sizeof(g_others[0])));
	g_others[g_nothers++] = pid;
}

/* Kills a child and reaps it. */
static void kid_end(pid_t pid)
{
	kill(pid, SIGKILL);
	kid_wait(pid);
}

/* A forked child that sets up a known state, then execs. */
struct child {
	const char *path; /* execve() this... */
	int exec_fd;	  /* ...or, when >= 0, fexecve() this */
	char *const *argv;
	char *const *envp;    /* NULL: g_envp */
	pid_t ns_of;	      /* > 0: enter this process's mount namespace and root first */
	pid_t ns_top;	      /* > 0: or its mount namespace, at the top of the tree */
	const char *root;     /* chroot here then */
	const char *dir;      /* chdir here then */
	int deep;	      /* then make and enter this many levels of deep_name() */
	size_t deep_len;      /* bytes of each level's name */
	bool rmdir_cwd;	      /* then remove dir (empty, our cwd) before the exec */
	bool new_session;     /* setsid() */
	bool traceme;	      /* PTRACE_TRACEME: stopped, still alive, right after the exec */
	long uid;	      /* >= 0: real, effective and saved uid and gid become this */
	const char *loginuid; /* write this to /proc/self/loginuid */
	int report_fd;	      /* >= 0: the errno of that write (0: done) goes there */
	int gate_fd;	      /* >= 0: read a byte from it first */
	int hold_fd;	      /* >= 0: after a failed exec, read it to EOF, then exit 0 */
	int stdin_fd;	      /* >= 0: the exec'd program's stdin */
};

#define CHILD(...)                                                                                 \
	((struct child){.exec_fd = -1,                                                             \
			.argv = g_sleep_argv,                                                      \
			.uid = -1,                                                                 \
			.report_fd = -1,                                                           \
			.gate_fd = -1,                                                             \
			.hold_fd = -1,                                                             \
			.stdin_fd = -1,                                                            \
			__VA_ARGS__})

/* Level i of a deep directory: "NNN-" then letters up to len bytes. */
static void deep_name(char *out, size_t len, int level)
{
	int n = snprintf(out, len + 1, "%03d-", level);

	for (size_t i = (size_t)n; i < len; i++)
		out[i] = (char)('a' + (level + (int)i) % 26);
	out[len] = 0;
}

static void child_main(void *arg)
{
	const struct child *c = arg;
	char *const *envp = c->envp ? c->envp : g_envp;
	char name[256];

	touch_strings(c->path, c->argv);
	touch_strings(NULL, envp);
	gate_wait(c->gate_fd);
	if (c->stdin_fd >= 0) {
		dup2(c->stdin_fd, 0);
		close(c->stdin_fd);
	}
	if (c->new_session && setsid() < 0)
		_exit(122);
	if (c->ns_of > 0 && !enter_mntns(c->ns_of)) {
		dprintf(2, "test: entering pid %d's mount namespace: %s\n", (int)c->ns_of,
			strerror(errno));
		_exit(123);
	}
	if (c->ns_top > 0) { /* setns alone: at the top of that namespace's tree */
		snprintf(name, sizeof(name), "/proc/%d/ns/mnt", (int)c->ns_top);
		int fd = open(name, O_RDONLY | O_CLOEXEC);

		if (fd < 0 || setns(fd, CLONE_NEWNS)) {
			dprintf(2, "test: entering %s: %s\n", name, strerror(errno));
			_exit(123);
		}
		close(fd);
	}
	if (c->root && chroot(c->root)) {
		dprintf(2, "test: chroot %s: %s\n", c->root, strerror(errno));
		_exit(123);
	}
	if (c->dir && chdir(c->dir)) {
		dprintf(2, "test: chdir %s: %s\n", c->dir, strerror(errno));
		_exit(123);
	}
	for (int level = 0; level < c->deep; level++) {
		deep_name(name, c->deep_len, level);
		if ((mkdir(name, 0755) && errno != EEXIST) || chdir(name)) {
			dprintf(2, "test: level %d of a deep directory: %s\n", level,
				strerror(errno));
			_exit(124);
		}
	}
	if (c->rmdir_cwd && rmdir(c->dir)) {
		dprintf(2, "test: rmdir %s: %s\n", c->dir, strerror(errno));
		_exit(125);
	}
	if (c->loginuid) {
		int fd = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC), err = 0;

		if (fd < 0 ||
		    write(fd, c->loginuid, strlen(c->loginuid)) != (ssize_t)strlen(c->loginuid))
			err = errno ? errno : EIO;
		if (fd >= 0)
			close(fd);
		if (c->report_fd >= 0) {
			if (write(c->report_fd, &err, sizeof(err)) != (ssize_t)sizeof(err))
				_exit(126);
			close(c->report_fd);
		}
	}
	if (c->uid >= 0 && !become(c->uid)) {
		dprintf(2, "test: becoming uid %ld: %s\n", c->uid, strerror(errno));
		_exit(127);
	}
	if (c->traceme && ptrace(PTRACE_TRACEME, 0, NULL, NULL))
		_exit(128);
	if (c->exec_fd >= 0)
		fexecve(c->exec_fd, c->argv, envp);
	else
		execve(c->path, c->argv, envp);
	if (c->hold_fd >= 0) {
		char b;

		while (read(c->hold_fd, &b, 1) > 0)
			;
		_exit(0);
	}
	_exit(127);
}

static pid_t child_start(struct child *c)
{
	int keep[] = {c->exec_fd, c->report_fd, c->gate_fd, c->hold_fd, c->stdin_fd};

	return kid_fork(child_main, c, keep, 5);
}

/* ---------------------------------------------------------------------------------------- */
/* JSON through python3's parser                                                            */

struct val {
	char key[16];
	char kind; /* n i b s a */
	long long i;
	struct bytes s;
	int n; /* items of an array */
	struct bytes *items;
};

#define EV_MAXV 32

struct ev {
	int nv;
	struct val v[EV_MAXV];
};

static struct ev *g_evs;
static int g_nevs;

static void evs_free(void)
{
	for (int k = 0; k < g_nevs; k++)
		for (int j = 0; j < g_evs[k].nv; j++) {
			struct val *v = &g_evs[k].v[j];

			free(v->s.p);
			for (int a = 0; a < v->n; a++)
				free(v->items[a].p);
			free(v->items);
		}
	free(g_evs);
	g_evs = NULL;
	g_nevs = 0;
}

static void parse_token(struct val *v, const char *tok)
{
	const char *eq = strchr(tok, '='), *p;
	char *end;

	if (!eq || eq == tok || eq - tok >= (ptrdiff_t)sizeof(v->key) || !eq[1] ||
	    (eq[1] != 'n' && eq[2] != ':'))
		fail_msg("bad token from the normalizer: '%.80s'", tok);
	memcpy(v->key, tok, (size_t)(eq - tok));
	v->key[eq - tok] = 0;
	v->kind = eq[1];
	p = eq + 3;
	switch (v->kind) {
	case 'n':
		break;
	case 'i':
	case 'b':
		v->i = strtoll(p, &end, 10);
		if (end == p || *end)
			fail_msg("bad number from the normalizer: '%.80s'", tok);
		break;
	case 's':
		v->s = unhex(p);
		break;
	case 'a':
		v->n = (int)strtol(p, &end, 10);
		if (end == p || *end != ':' || v->n < 0)
			fail_msg("bad array from the normalizer: '%.80s'", tok);
		v->items = calloc((size_t)v->n + 1, sizeof(*v->items));
		assert_non_null(v->items);
		p = end + 1;
		for (int k = 0; k < v->n; k++) {
			size_t len = strcspn(p, ",");

			v->items[k] = unhex_n(p, len);
			p += len + (p[len] == ',');
		}
		if (*p)
			fail_msg("array longer than its count from the normalizer: '%.80s'", tok);
		break;
	default:
		fail_msg("bad kind from the normalizer: '%.80s'", tok);
	}
}

/* One normalized line (its key=VALUE words after "EV") into g_evs. */
static void add_event(char *words)
{
	char *s2 = NULL;
	struct ev *nv, *e;

	nv = realloc(g_evs, (size_t)(g_nevs + 1) * sizeof(*g_evs));
	assert_non_null(nv);
	g_evs = nv;
	e = &g_evs[g_nevs++];
	memset(e, 0, sizeof(*e));
	for (char *tok = strtok_r(words, " ", &s2); tok; tok = strtok_r(NULL, " ", &s2)) {
		assert_true(e->nv < EV_MAXV);
		parse_token(&e->v[e->nv++], tok);
	}
}

/* Checks every line of minisnoop's JSON stdout (context keys: exactly keys; context_events.py)
 * into g_evs. */
static void parse_json(const struct buf *out, const char *keys)
{
	char mine[512], *c;

	/* make tiny has no container and pod keys */
	snprintf(mine, sizeof(mine), "%s", keys);
	if (snoop_tiny() && (c = strstr(mine, ",container,pod")))
		memmove(c, c + 14, strlen(c + 14) + 1);
	evs_free();
	run_python("context_events.py", mine, out, add_event);
}

static const struct val *ev_get(const struct ev *e, const char *key)
{
	for (int k = 0; k < e->nv; k++)
		if (!strcmp(e->v[k].key, key))
			return &e->v[k];
	return NULL;
}

static long long ev_num(const struct ev *e, const char *key)
{
	const struct val *v = ev_get(e, key);

	if (!v || v->kind != 'i')
		fail_msg("event without the number %s", key);
	return v->i;
}

static bool bytes_eq(const struct bytes *b, const void *p, size_t n)
{
	return b->n == n && !memcmp(b->p, p, n);
}

static bool ev_str_is(const struct ev *e, const char *key, const char *s)
{
	const struct val *v = ev_get(e, key);

	return v && v->kind == 's' && bytes_eq(&v->s, s, strlen(s));
}

/* What minisnoop printed, for a failure message. */
static void print_event(const struct ev *e)
{
	char tmp[600];

	print_error("minisnoop printed:\n");
	for (int k = 0; k < e->nv; k++) {
		const struct val *v = &e->v[k];

		switch (v->kind) {
		case 'n':
			print_error("  %s: null\n", v->key);
			break;
		case 'i':
			print_error("  %s: %lld\n", v->key, v->i);
			break;
		case 'b':
			print_error("  %s: %s\n", v->key, v->i ? "true" : "false");
			break;
		case 's':
			print_error("  %s: \"%s\" (%zu bytes)\n", v->key,
				    show(tmp, sizeof(tmp), v->s.p, v->s.n), v->s.n);
			break;
		default:
			print_error("  %s: %d strings\n", v->key, v->n);
			for (int a = 0; a < v->n && a < 40; a++)
				print_error("    [%d] \"%s\"\n", a,
					    show(tmp, 120, v->items[a].p, v->items[a].n));
		}
	}
}

/* The one event of pid (with that filename when not NULL); fails unless exactly one. */
static const struct ev *ev_find(pid_t pid, const char *filename, const char *what)
{
	const struct ev *found = NULL;
	int n = 0;

	for (int k = 0; k < g_nevs; k++)
		if (ev_num(&g_evs[k], "pid") == pid &&
		    (!filename || ev_str_is(&g_evs[k], "filename", filename))) {
			found = &g_evs[k];
			n++;
		}
	if (n != 1)
		fail_msg("%s: expected exactly 1 event of pid %d%s%s, minisnoop printed %d (of %d "
			 "events in all)",
			 what, (int)pid, filename ? " with filename " : "",
			 filename ? filename : "", n, g_nevs);
	return found;
}

static const struct ev *ev_one(pid_t pid, const char *what)
{
	return ev_find(pid, NULL, what);
}

static const struct val *need(const struct ev *e, const char *key, const char *what)
{
	const struct val *v = ev_get(e, key);

	if (!v) {
		print_event(e);
		fail_msg("%s: no key %s", what, key);
	}
	return v;
}

/* When set, want_int/bool/str/env also accept null (a field the kernel may not give). */
static bool g_null_ok;

static const char *kind_name(char k)
{
	return k == 'n'	  ? "null"
	       : k == 'i' ? "a number"
	       : k == 'b' ? "a boolean"
	       : k == 's' ? "a string"
			  : "an array";
}

static void want_null(const struct ev *e, const char *key, const char *what)
{
	const struct val *v = need(e, key, what);

	if (v->kind != 'n') {
		print_event(e);
		fail_msg("%s: pid %lld: %s is %s, expected null", what, ev_num(e, "pid"), key,
			 kind_name(v->kind));
	}
}

static void want_int(const struct ev *e, const char *key, long long x, const char *what)
{
	const struct val *v = need(e, key, what);

	if (g_null_ok && v->kind == 'n')
		return;

	if (v->kind != 'i' || v->i != x) {
		print_event(e);
		if (v->kind != 'i')
			fail_msg("%s: pid %lld: %s is %s, expected %lld", what, ev_num(e, "pid"),
				 key, kind_name(v->kind), x);
		fail_msg("%s: pid %lld: %s is %lld, expected %lld", what, ev_num(e, "pid"), key,
			 v->i, x);
	}
}

static void want_bool(const struct ev *e, const char *key, bool x, const char *what)
{
	const struct val *v = need(e, key, what);

	if (g_null_ok && v->kind == 'n')
		return;

	if (v->kind != 'b' || (v->i != 0) != x) {
		print_event(e);
		fail_msg("%s: pid %lld: %s is %s, expected %s", what, ev_num(e, "pid"), key,
			 v->kind == 'b' ? (v->i ? "true" : "false") : kind_name(v->kind),
			 x ? "true" : "false");
	}
}

static void want_str(const struct ev *e, const char *key, const void *x, size_t n, const char *what)
{
	const struct val *v = need(e, key, what);
	char g[600], w[600];

	if (g_null_ok && v->kind == 'n')
		return;

	if (v->kind == 's' && bytes_eq(&v->s, x, n))
		return;
	print_event(e);
	if (v->kind != 's')
		fail_msg("%s: pid %lld: %s is %s, expected \"%s\"", what, ev_num(e, "pid"), key,
			 kind_name(v->kind), show(w, sizeof(w), x, n));
	fail_msg("%s: pid %lld: %s is\n  \"%s\" (%zu bytes), expected\n  \"%s\" (%zu bytes)", what,
		 ev_num(e, "pid"), key, show(g, sizeof(g), v->s.p, v->s.n), v->s.n,
		 show(w, sizeof(w), x, n), n);
}

static void want_strz(const struct ev *e, const char *key, const char *x, const char *what)
{
	want_str(e, key, x, strlen(x), what);
}

/* Whether we run chrooted: the mount at our "/" has a root other than its file system's top
 * (a build chroot bind-mounts its directory onto itself; /proc/1/root may be unreadable). */
static bool tests_chrooted(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[4096], root[PATH_MAX] = "/", mnt[PATH_MAX];
	bool chrooted = false;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) == 2 && !strcmp(mnt, "/"))
			chrooted = strcmp(root, "/") != 0;
	if (f)
		fclose(f);
	return chrooted;
}

/*
 * root is path, as the host sees it. When the tests themselves run chrooted (a build chroot),
 * a path of ours is our root's host path, which we do not know exactly, then path: only that
 * tail is checked ("/": any other absolute path, our root's).
 */
static void want_root(const struct ev *e, const char *path, const char *what)
{
	const struct val *v;
	size_t n, pn = strcmp(path, "/") ? strlen(path) : 0;

	if (!tests_chrooted()) {
		want_strz(e, "root", path, what);
		return;
	}
	v = need(e, "root", what);
	n = v->kind == 's' ? v->s.n : 0;
	if (v->kind != 's' || n <= pn || v->s.p[0] != '/' || memcmp(v->s.p + n - pn, path, pn)) {
		print_event(e);
		fail_msg("%s: root should be our chroot's host path, then %s", what, path);
	}
}

/* env is exactly the NUL-terminated strings of data[0..len) */
static void want_env(const struct ev *e, const char *data, size_t len, const char *what)
{
	const struct val *v = need(e, "env", what);
	size_t off = 0;
	int k = 0;
	char g[300], w[300];

	if (g_null_ok && v->kind == 'n')
		return;
	if (v->kind != 'a') {
		print_event(e);
		fail_msg("%s: env is %s, expected an array", what, kind_name(v->kind));
	}
	for (; off < len; k++) {
		size_t n = strnlen(data + off, len - off);

		if (k >= v->n) {
			print_event(e);
			fail_msg("%s: env has %d strings, the process has more", what, v->n);
		}
		if (!bytes_eq(&v->items[k], data + off, n)) {
			print_event(e);
			fail_msg("%s: env[%d] is \"%s\", expected \"%s\"", what, k,
				 show(g, sizeof(g), v->items[k].p, v->items[k].n),
				 show(w, sizeof(w), data + off, n));
		}
		off += n + 1;
	}
	if (k != v->n) {
		print_event(e);
		fail_msg("%s: env has %d strings, the process %d", what, v->n, k);
	}
}

/* Every context key that is selected is null, except those named in except. */
static void want_ctx_null(const struct ev *e, const char *const *except, const char *what)
{
	for (int k = 0; k < N_CTX_KEYS; k++) {
		bool skip_it = false;

		for (const char *const *x = except; x && *x; x++)
			skip_it |= !strcmp(*x, g_ctx_keys[k]);
		if (!skip_it && ev_get(e, g_ctx_keys[k]))
			want_null(e, g_ctx_keys[k], what);
	}
}

/* ---------------------------------------------------------------------------------------- */
/* The truth, from /proc/PID while the process is alive                                     */

/* Reads /proc/PID/name whole; false (errno set) when it cannot. */
static bool proc_read(pid_t pid, const char *name, struct buf *b)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	read_to_end(fd, b);
	close(fd);
	return true;
}

/* readlink /proc/PID/name into out; its length, or -1 with errno. */
static ssize_t proc_link(pid_t pid, const char *name, char *out, size_t n)
{
	char path[64];
	ssize_t r;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	r = readlink(path, out, n - 1);
	if (r >= (ssize_t)n - 1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (r >= 0)
		out[r] = 0;
	return r;
}

/* The numbers after "\nTAG" in /proc/PID/status (up to max); how many. */
static int status_nums(pid_t pid, const char *tag, long long *out, int max)
{
	struct buf b = {0};
	char needle[32];
	const char *p;
	int n = 0;

	if (!proc_read(pid, "status", &b))
		fail_msg("reading /proc/%d/status: %s", (int)pid, strerror(errno));
	snprintf(needle, sizeof(needle), "\n%s", tag);
	p = strstr(buf_str(&b), needle);
	if (!p)
		fail_msg("no %s line in /proc/%d/status", tag, (int)pid);
	p += strlen(needle);
	while (n < max) {
		char *end;
		long long v;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || !*p)
			break;
		v = strtoll(p, &end, 10);
		if (end == p)
			break;
		out[n++] = v;
		p = end;
	}
	buf_free(&b);
	return n;
}

/* The number in a /proc/PID/ns/NAME link ("pid:[N]"). */
static long long ns_inode(pid_t pid, const char *name)
{
	char link[64], path[32];
	long long v = -1;

	snprintf(path, sizeof(path), "ns/%s", name);
	if (proc_link(pid, path, link, sizeof(link)) < 0)
		fail_msg("readlink /proc/%d/%s: %s", (int)pid, path, strerror(errno));
	if (sscanf(link, "%*[^[][%lld]", &v) != 1)
		fail_msg("/proc/%d/%s is '%s'", (int)pid, path, link);
	return v;
}

/* /proc/PID/loginuid or sessionid: -1 (null) when unset (4294967295) or absent (no audit). */
static long long audit_num(pid_t pid, const char *name)
{
	struct buf b = {0};
	long long v;

	if (!proc_read(pid, name, &b)) {
		if (errno == ENOENT)
			return -1;
		fail_msg("reading /proc/%d/%s: %s", (int)pid, name, strerror(errno));
	}
	v = strtoll(buf_str(&b), NULL, 10);
	buf_free(&b);
	return v == 4294967295LL ? -1 : v;
}

/* tty_nr (field 7) of /proc/PID/stat */
static unsigned tty_nr(pid_t pid)
{
	struct buf b = {0};
	const char *p;
	int nr = 0;

	if (!proc_read(pid, "stat", &b))
		fail_msg("reading /proc/%d/stat: %s", (int)pid, strerror(errno));
	p = strrchr(buf_str(&b), ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %d", &nr) != 1)
		fail_msg("cannot parse /proc/%d/stat: %s", (int)pid, buf_str(&b));
	buf_free(&b);
	return (unsigned)nr;
}

/* The name of a tty_nr: pts/N, ttyN, ttySN, console; false when unknown here. */
static bool tty_name(unsigned nr, char *out, size_t n)
{
	unsigned major = (nr >> 8) & 0xfff, minor = (nr & 0xff) | ((nr >> 12) & 0xfff00);

	if (major >= 136 && major <= 143)
		snprintf(out, n, "pts/%u", (major - 136) * 256 + minor);
	else if (major == 4 && minor < 64)
		snprintf(out, n, "tty%u", minor);
	else if (major == 4)
		snprintf(out, n, "ttyS%u", minor - 64);
	else if (major == 5 && minor == 1)
		snprintf(out, n, "console");
	else
		return false;
	return true;
}

/* The path of the "0::" line of /proc/PID/cgroup; false when there is none. */
static bool cgroup_v2_path(pid_t pid, char *out, size_t n)
{
	struct buf b = {0};
	const char *p;
	bool found = false;

	if (!proc_read(pid, "cgroup", &b))
		fail_msg("reading /proc/%d/cgroup: %s", (int)pid, strerror(errno));
	p = buf_str(&b);
	if (strncmp(p, "0::", 3))
		p = strstr(p, "\n0::");
	else
		p--; /* as if after a newline */
	if (p) {
		p += 4;
		snprintf(out, n, "%.*s", (int)strcspn(p, "\n"), p);
		found = true;
	}
	buf_free(&b);
	return found;
}

static void comm_of(pid_t pid, char *out, size_t n)
{
	struct buf b = {0};

	if (!proc_read(pid, "comm", &b))
		fail_msg("reading /proc/%d/comm: %s", (int)pid, strerror(errno));
	snprintf(out, n, "%.*s", (int)strcspn(buf_str(&b), "\n"), buf_str(&b));
	buf_free(&b);
}

/* What readlink /proc/PID/NAME gave. */
struct link {
	char path[2 * PATH_MAX];
	ssize_t len; /* -1: not readable (err) */
	int err;
};

static void link_read(pid_t pid, const char *name, struct link *l)
{
	l->len = proc_link(pid, name, l->path, sizeof(l->path));
	l->err = l->len < 0 ? errno : 0;
}

/* Fails when readlink /proc/PID/name did not work (there is no truth to compare with). */
static void need_link(const struct link *l, pid_t pid, const char *name, const char *what)
{
	if (l->len < 0)
		fail_msg("%s: readlink /proc/%d/%s: %s", what, (int)pid, name, strerror(l->err));
}

struct truth {
	pid_t pid;
	struct link cwd, exe;
	long long uid[4], gid[4];
	long long auid, session; /* -1: null */
	unsigned tty_nr;
	bool tty_known;
	char tty[32];
	pid_t ppid;
	char pcomm[32];
	long long pidns, mntns, nspid;
	bool has_cgroup;
	char cgroup[PATH_MAX];
	struct buf environ;
};

/* Everything the field table compares with, read now; the process must be alive. */
static void truth_read(pid_t pid, struct truth *t)
{
	long long ns[8], pp[1];
	int n;

	memset(t, 0, sizeof(*t));
	t->pid = pid;
	if (kill(pid, 0))
		fail_msg("process %d is gone before its truth was read", (int)pid);
	link_read(pid, "cwd", &t->cwd);
	link_read(pid, "exe", &t->exe);
	if (status_nums(pid, "Uid:", t->uid, 4) != 4 || status_nums(pid, "Gid:", t->gid, 4) != 4)
		fail_msg("/proc/%d/status: no 4 ids on Uid: or Gid:", (int)pid);
	t->auid = audit_num(pid, "loginuid");
	t->session = audit_num(pid, "sessionid");
	t->tty_nr = tty_nr(pid);
	t->tty_known = t->tty_nr && tty_name(t->tty_nr, t->tty, sizeof(t->tty));
	if (status_nums(pid, "PPid:", pp, 1) != 1)
		fail_msg("/proc/%d/status: no PPid:", (int)pid);
	t->ppid = (pid_t)pp[0];
	comm_of(t->ppid, t->pcomm, sizeof(t->pcomm));
	t->pidns = ns_inode(pid, "pid");
	t->mntns = ns_inode(pid, "mnt");
	n = status_nums(pid, "NSpid:", ns, 8);
	if (n < 1)
		fail_msg("/proc/%d/status: no NSpid:", (int)pid);
	t->nspid = ns[n - 1];
	t->has_cgroup = cgroup_v2_path(pid, t->cgroup, sizeof(t->cgroup));
	if (!proc_read(pid, "environ", &t->environ))
		fail_msg("reading /proc/%d/environ: %s", (int)pid, strerror(errno));
	/* still the same process: nothing above was read from another one */
	if (kill(pid, 0))
		fail_msg("process %d ended while its truth was read", (int)pid);
}

static void truth_free(struct truth *t)
{
	buf_free(&t->environ);
}

static struct truth g_truths[4]; /* in static slots, freed in cleanup: a test may fail */

/* The truth of pid, read now into slot k. */
static const struct truth *truth_of(int k, pid_t pid)
{
	assert_true(k < (int)(sizeof(g_truths) / sizeof(g_truths[0])));
	truth_free(&g_truths[k]);
	truth_read(pid, &g_truths[k]);
	return &g_truths[k];
}

static bool ends_with(const char *s, size_t n, const char *tail)
{
	size_t m = strlen(tail);

	return n >= m && !memcmp(s + n - m, tail, m);
}

#define F_CWD	 (1u << 0)
#define F_EXE	 (1u << 1) /* exe and fileless */
#define F_CREDS	 (1u << 2) /* uid, euid, gid, egid */
#define F_LOGIN	 (1u << 3) /* auid, session */
#define F_TTY	 (1u << 4)
#define F_PCOMM	 (1u << 5)
#define F_NS	 (1u << 6) /* pidns, mntns, nspid */
#define F_CGROUP (1u << 7)
#define F_ENV	 (1u << 8)
#define F_ALL	 0x1ffu

/* key is what readlink /proc/PID/key gave; m (n bytes) gets what, saying so. */
static void want_link(const struct ev *e, const char *key, const struct link *l, pid_t pid, char *m,
		      size_t n, const char *what)
{
	need_link(l, pid, key, what);
	snprintf(m, n, "%s (truth: readlink /proc/%d/%s)", what, (int)pid, key);
	want_str(e, key, l->path, (size_t)l->len, m);
}

/* The event's fields in mask are the truth. */
static void expect_truth(const struct ev *e, const struct truth *t, unsigned mask, const char *what)
{
	char m[160];

	if (mask & F_CWD)
		want_link(e, "cwd", &t->cwd, t->pid, m, sizeof(m), what);
	if (mask & F_EXE) {
		want_link(e, "exe", &t->exe, t->pid, m, sizeof(m), what);
		want_bool(e, "fileless", ends_with(t->exe.path, (size_t)t->exe.len, " (deleted)"),
			  m);
	}
	if (mask & F_CREDS) {
		snprintf(m, sizeof(m), "%s (truth: /proc/%d/status Uid: Gid:)", what, (int)t->pid);
		want_int(e, "uid", t->uid[0], m);
		want_int(e, "euid", t->uid[1], m);
		want_int(e, "gid", t->gid[0], m);
		want_int(e, "egid", t->gid[1], m);
	}
	if (mask & F_LOGIN) {
		snprintf(m, sizeof(m), "%s (truth: /proc/%d/loginuid, sessionid)", what,
			 (int)t->pid);
		if (t->auid < 0)
			want_null(e, "auid", m);
		else
			want_int(e, "auid", t->auid, m);
		if (t->session < 0)
			want_null(e, "session", m);
		else
			want_int(e, "session", t->session, m);
	}
	if (mask & F_TTY) {
		snprintf(m, sizeof(m), "%s (truth: /proc/%d/stat tty_nr 0x%x)", what, (int)t->pid,
			 t->tty_nr);
		if (!t->tty_nr) {
			want_null(e, "tty", m);
		} else if (t->tty_known) {
			want_strz(e, "tty", t->tty, m);
		} else if (need(e, "tty", m)->kind != 's') {
			print_event(e);
			fail_msg("%s: tty is not a string", m);
		}
	}
	if (mask & F_PCOMM) {
		snprintf(m, sizeof(m), "%s (truth: /proc/%d/comm, the parent)", what, (int)t->ppid);
		want_int(e, "ppid", t->ppid, m);
		want_strz(e, "pcomm", t->pcomm, m);
	}
	if (mask & F_NS) {
		snprintf(m, sizeof(m), "%s (truth: /proc/%d/ns/pid, ns/mnt, status NSpid:)", what,
			 (int)t->pid);
		want_int(e, "pidns", t->pidns, m);
		want_int(e, "mntns", t->mntns, m);
		want_int(e, "nspid", t->nspid, m);
	}
	if (mask & F_CGROUP) {
		snprintf(m, sizeof(m), "%s (truth: /proc/%d/cgroup 0::)", what, (int)t->pid);
		if (t->has_cgroup)
			want_strz(e, "cgroup", t->cgroup, m);
		else
			want_null(e, "cgroup", m);
	}
	if (mask & F_ENV) {
		snprintf(m, sizeof(m), "%s (truth: /proc/%d/environ)", what, (int)t->pid);
		want_env(e, t->environ.p ? t->environ.p : "", t->environ.len, m);
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Fixtures                                                                                 */

static void cgtree_remove(void);

static void cleanup_all(void)
{
	/* the grandchildren first: their parents, our children, go next */
	for (int k = 0; k < g_nothers; k++)
		kill(g_others[k], SIGKILL);
	g_nothers = 0;
	snoop_cleanup();
	cgtree_remove();
	evs_free();
	for (size_t k = 0; k < sizeof(g_truths) / sizeof(g_truths[0]); k++)
		truth_free(&g_truths[k]);
	g_null_ok = false;
	if (g_cgmnt[0]) {
		if (umount2(g_cgmnt, MNT_DETACH) == 0)
			rmdir(g_cgmnt);
		g_cgmnt[0] = 0;
	}
	if (g_bind[0]) {
		umount2(g_bind, MNT_DETACH);
		g_bind[0] = 0;
	}
	if (g_suid_file[0]) {
		unlink(g_suid_file);
		g_suid_file[0] = 0;
	}
	if (g_suid_dir[0]) {
		rmdir(g_suid_dir);
		g_suid_dir[0] = 0;
	}
}

/* A new directory in the scratch one; its path goes to out. */
static void scratch_dir(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", tmpdir(), name);
	if (mkdir(out, 0755) && errno != EEXIST)
		fail_msg("mkdir %s: %s", out, strerror(errno));
}

/* Copies all of the file src into out. */
static void copy_into(int out, const char *src)
{
	int in = open(src, O_RDONLY | O_CLOEXEC);
	struct stat st;
	off_t off = 0;

	if (in < 0 || fstat(in, &st))
		fail_msg("open %s: %s", src, strerror(errno));
	while (off < st.st_size)
		if (sendfile(out, in, &off, (size_t)(st.st_size - off)) <= 0)
			fail_msg("copying %s: %s", src, strerror(errno));
	close(in);
}

/* Copies src to dst (created with mode). */
static void copy_file(const char *src, const char *dst, mode_t mode)
{
	int out;

	unlink(dst);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (out < 0)
		fail_msg("create %s: %s", dst, strerror(errno));
	copy_into(out, src);
	assert_int_equal(fchmod(out, mode), 0);
	close(out);
}

/* A memfd named name holding a copy of src (to fexecve). */
static int memfd_copy(const char *name, const char *src)
{
	int mfd = memfd_create(name, MFD_CLOEXEC);

	assert_true(mfd >= 0);
	copy_into(mfd, src);
	return mfd;
}

/* /bin/sleep's real path (the exe of a process that exec'd it). */
static const char *sleep_real(void)
{
	static char real[PATH_MAX];

	if (!realpath(SLEEP_PATH, real))
		fail_msg("realpath %s: %s", SLEEP_PATH, strerror(errno));
	return real;
}

/* ---------------------------------------------------------------------------------------- */
/* Runs: minisnoop, children in a known state, their truth while they are alive             */

/* Waits for the event of each of the n pids, and reads the truth of each while it is alive
 * (into g_truths). */
static const struct truth *watch(struct snoop *s, const pid_t *pid, int n, const char *const *whats)
{
	for (int k = 0; k < n; k++) {
		snoop_need_pid(s, pid[k], whats[k]);
		truth_of(k, pid[k]);
	}
	return g_truths;
}

/* Stops s and checks its output with the context keys keys (the events go to g_evs). */
static void finish(struct snoop *s, const char *keys)
{
	snoop_stop(s, SIGINT);
	parse_json(&s->out, keys);
}

/*
 * The usual run: minisnoop with args; the n children c started (which must stay alive in
 * their exec'd program), their pids to pid; watched; killed; minisnoop's output checked with
 * the context keys keys. Returns their truths.
 */
static const struct truth *run_children(const char *const *args, const char *keys, struct child *c,
					int n, pid_t *pid, const char *const *whats)
{
	struct snoop *s = snoop_start(args);
	const struct truth *t;

	for (int k = 0; k < n; k++)
		pid[k] = child_start(&c[k]);
	t = watch(s, pid, n, whats);
	for (int k = 0; k < n; k++)
		kid_end(pid[k]);
	finish(s, keys);
	return t;
}

/* run_children with one child; its event is returned, its truth goes to *t. */
static const struct ev *run_one(const char *const *args, const char *keys, struct child *c,
				const struct truth **t, const char *what)
{
	pid_t pid;

	*t = run_children(args, keys, c, 1, &pid, &what);
	return ev_one(pid, what);
}

/* ---------------------------------------------------------------------------------------- */
/* Every field of an ordinary process                                                       */

static void test_ordinary_process_every_field(void **state)
{
	const char *what = "sleep in a scratch directory, -o all -e";
	char dir[PATH_MAX];
	struct child c;
	const struct truth *t;
	const struct ev *e;

	(void)state;
	REQUIRE_PYTHON();
	scratch_dir(dir, sizeof(dir), "plain");
	c = CHILD(.path = SLEEP_PATH, .dir = dir);
	e = run_one(ARGS_ALL_ENV, KEYS_ALL_ENV, &c, &t, what);
	want_int(e, "ret", 0, what);
	want_strz(e, "filename", SLEEP_PATH, what);
	expect_truth(e, t, F_ALL, what);
	/* the truth is what it should be */
	want_strz(e, "cwd", dir, what);
	want_strz(e, "exe", sleep_real(), what);
	want_bool(e, "fileless", false, what);
	want_null(e, "root", what); /* ours */
	want_int(e, "nspid", t->pid, what);
	want_int(e, "euid", 0, what);
	want_strz(e, "pcomm", g_comm, what);
	want_env(e, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\0LC_ALL=C", 43, what);
}

/* ---------------------------------------------------------------------------------------- */
/* cwd                                                                                      */

/* The event of pid has the truth's cwd, and that is dir. */
static void expect_cwd(pid_t pid, const struct truth *t, const char *dir, const char *what)
{
	const struct ev *e = ev_one(pid, what);

	expect_truth(e, t, F_CWD, what);
	want_strz(e, "cwd", dir, what);
}

/* A known directory, and one whose name has a space, a newline, a tab and bytes that are not
 * UTF-8 (JSON gives them back with surrogateescape). */
static void test_cwd_known_directories(void **state)
{
	const char *whats[] = {"cwd: a scratch directory", "cwd: an awkward name"};
	char dirs[2][PATH_MAX];
	struct child c[2];
	const struct truth *t;
	pid_t pid[2];

	(void)state;
	REQUIRE_PYTHON();
	scratch_dir(dirs[0], sizeof(dirs[0]), "known-dir");
	scratch_dir(dirs[1], sizeof(dirs[1]), "we ird\nname\t\xff\xfe caf\xc3\xa9");
	for (int k = 0; k < 2; k++)
		c[k] = CHILD(.path = SLEEP_PATH, .dir = dirs[k]);
	t = run_children(ARGS_ALL, KEYS_ALL, c, 2, pid, whats);
	for (int k = 0; k < 2; k++)
		expect_cwd(pid[k], &t[k], dirs[k], whats[k]);
}

/* The child removes its working directory, then execs: " (deleted)" as readlink says. */
static void test_cwd_deleted(void **state)
{
	const char *what = "cwd: removed before the exec";
	char dir[PATH_MAX], want[PATH_MAX + 16];
	struct child c;
	const struct truth *t;
	pid_t pid;

	(void)state;
	REQUIRE_PYTHON();
	scratch_dir(dir, sizeof(dir), "gone");
	c = CHILD(.path = SLEEP_PATH, .dir = dir, .rmdir_cwd = true);
	t = run_children(ARGS_ALL, KEYS_ALL, &c, 1, &pid, &what);
	snprintf(want, sizeof(want), "%s (deleted)", dir);
	expect_cwd(pid, t, want, what);
}

/* Paths that cross mount points: a directory under a bind mount (of another directory, so
 * the dentries' names and the path differ), a tmpfs, /proc; and a chrooted process, whose
 * cwd is the path it sees itself (its getcwd: "/inner"), not the one readlink shows us. */
static void test_cwd_across_mounts(void **state)
{
	const char *whats[] = {"cwd: under a bind mount", "cwd: in /dev/shm",
			       "cwd: in /proc/sys/kernel", "cwd: chrooted"};
	char src[PATH_MAX], sub[PATH_MAX + 16], dirs[4][PATH_MAX + 16];
	char true_static[PATH_MAX + 16], *true_argv[] = {"true-static", NULL};
	struct child c[4];
	const struct truth *t;
	pid_t pid[4];
	int fd;

	(void)state;
	REQUIRE_PYTHON();
	scratch_dir(src, sizeof(src), "bind-src");
	snprintf(sub, sizeof(sub), "%s/inner", src);
	if (mkdir(sub, 0755) && errno != EEXIST)
		fail_msg("mkdir %s: %s", sub, strerror(errno));
	scratch_dir(g_bind, sizeof(g_bind), "bind-dst");
	if (mount(src, g_bind, NULL, MS_BIND, NULL)) {
		int err = errno;

		g_bind[0] = 0;
		SKIP("bind mount: %s", strerror(err));
	}
	snprintf(dirs[0], sizeof(dirs[0]), "%s/inner", g_bind);
	snprintf(dirs[1], sizeof(dirs[1]), "/dev/shm");
	snprintf(dirs[2], sizeof(dirs[2]), "/proc/sys/kernel");
	/* The chroot has no dynamic loader: build/true-static, exec'd by fd, is kept alive by
	 * ptrace's stop after the exec. */
	snprintf(dirs[3], sizeof(dirs[3]), "%s", sub);
	snprintf(true_static, sizeof(true_static), "%.*s/true-static",
		 (int)(strrchr(g_bin, '/') - g_bin), g_bin);
	if (access(true_static, X_OK))
		fail_msg("%s not found: make tools builds it", true_static);
	for (int k = 0; k < 3; k++)
		c[k] = CHILD(.path = SLEEP_PATH, .dir = dirs[k]);
	fd = open(true_static, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	c[3] =
	    CHILD(.exec_fd = fd, .argv = true_argv, .root = src, .dir = "/inner", .traceme = true);
	t = run_children(ARGS_ALL, KEYS_ALL, c, 4, pid, whats);
	close(fd);
	for (int k = 0; k < 3; k++)
		expect_cwd(pid[k], &t[k], dirs[k], whats[k]);
	want_strz(ev_one(pid[3], whats[3]), "cwd", "/inner", whats[3]);
	/* where that root is: the chroot's directory; the others' is ours */
	want_root(ev_one(pid[3], whats[3]), src, whats[3]);
	for (int k = 0; k < 3; k++)
		want_null(ev_one(pid[k], whats[k]), "root", whats[k]);
}

/*
 * cwd `leaf` at the end of real path `full`, cut: "…/" then a tail of the real path that
 * starts at a component, ends with the leaf, and the whole at most 4096 bytes.
 */
static void expect_cut_path(const struct ev *e, const char *key, const char *full, const char *leaf,
			    const char *what)
{
	static const char ell[] = "\xe2\x80\xa6/";
	const struct val *v = need(e, key, what);
	const char *tail;
	size_t tn, fn = strlen(full);
	char g[200];

	if (v->kind != 's') {
		print_event(e);
		fail_msg("%s: %s is %s, expected a string", what, key, kind_name(v->kind));
	}
	if (v->s.n < 4 || memcmp(v->s.p, ell, 4)) {
		print_event(e);
		fail_msg(
		    "%s: %s (%zu bytes, real path %zu bytes) does not start with \"\\u2026/\": "
		    "\"%s\"",
		    what, key, v->s.n, fn, show(g, sizeof(g), v->s.p, v->s.n));
	}
	if (v->s.n > 4096) {
		print_event(e);
		fail_msg("%s: %s is %zu bytes, more than 4096", what, key, v->s.n);
	}
	tail = (const char *)v->s.p + 3; /* from the "/" */
	tn = v->s.n - 3;
	if (tn > fn || memcmp(full + fn - tn, tail, tn)) {
		print_event(e);
		fail_msg("%s: after \"\\u2026\", %s (%zu bytes) is not the tail of the real path "
			 "(%zu bytes) at a component boundary",
			 what, key, tn, fn);
	}
	if (tn < strlen(leaf) + 1 || !ends_with(tail, tn, leaf)) {
		print_event(e);
		fail_msg("%s: %s does not keep the leaf component", what, key);
	}
}

/* A working directory deeper than 4 KiB (30 levels of 200-byte names, made and entered one
 * by one): readlink cannot give it, the construction is the truth. */
static void test_cwd_longer_than_4k(void **state)
{
	const char *what = "cwd: a path of more than 4 KiB";
	enum { LEVELS = 30, LEN = 200 };
	char base[PATH_MAX], name[LEN + 1];
	struct buf full = {0};
	struct child c;
	const struct truth *t;
	const struct ev *e;

	(void)state;
	REQUIRE_PYTHON();
	scratch_dir(base, sizeof(base), "deep");
	buf_add(&full, base, strlen(base));
	for (int level = 0; level < LEVELS; level++) {
		deep_name(name, LEN, level);
		buf_add(&full, "/", 1);
		buf_add(&full, name, LEN);
	}
	assert_true(full.len > 4096);
	c = CHILD(.path = SLEEP_PATH, .dir = base, .deep = LEVELS, .deep_len = LEN);
	e = run_one(ARGS_ALL, KEYS_ALL, &c, &t, what);
	want_int(e, "ret", 0, what);
	deep_name(name, LEN, LEVELS - 1);
	expect_cut_path(e, "cwd", full.p, name, what);
	/* the rest of the event is still right */
	expect_truth(e, t, F_EXE | F_CREDS, what);
	buf_free(&full);
}

/* 300 levels of one-letter names: short (readlink gives it) but deep. Either all of it, or cut
 * as the spec says. */
static void test_cwd_many_components(void **state)
{
	const char *what = "cwd: 300 components";
	char base[PATH_MAX];
	struct child c;
	const struct truth *t;
	const struct val *v;
	const struct ev *e;

	(void)state;
	REQUIRE_PYTHON();
	scratch_dir(base, sizeof(base), "many");
	c = CHILD(.path = SLEEP_PATH, .dir = base, .deep = 300, .deep_len = 4);
	e = run_one(ARGS_ALL, KEYS_ALL, &c, &t, what);
	need_link(&t->cwd, t->pid, "cwd", what);
	v = need(e, "cwd", what);
	if (v->kind == 's' && v->s.n >= 3 && !memcmp(v->s.p, "\xe2\x80\xa6", 3))
		expect_cut_path(e, "cwd", t->cwd.path, "299-", what);
	else
		expect_truth(e, t, F_CWD, what);
}

/* ---------------------------------------------------------------------------------------- */
/* exe, fileless                                                                            */

/* The event's exe is the truth's, and that is exe (NULL: not checked); fileless as said. */
static void expect_exe(const struct ev *e, const struct truth *t, const char *exe, bool fileless,
		       const char *what)
{
	expect_truth(e, t, F_EXE, what);
	if (exe)
		want_strz(e, "exe", exe, what);
	want_bool(e, "fileless", fileless, what);
}

/* exec of a symlink: exe is the target, filename the link. */
static void test_exe_symlink(void **state)
{
	const char *what = "exe: exec of a symlink";
	char link[PATH_MAX];
	struct child c;
	const struct truth *t;
	const struct ev *e;

	(void)state;
	REQUIRE_PYTHON();
	snprintf(link, sizeof(link), "%s/sleep-link", tmpdir());
	unlink(link);
	assert_int_equal(symlink(SLEEP_PATH, link), 0);
	c = CHILD(.path = link);
	e = run_one(ARGS_ALL, KEYS_ALL, &c, &t, what);
	want_strz(e, "filename", link, what);
	expect_exe(e, t, sleep_real(), false, what);
}

/* A #! script: exe is the interpreter's real path (e.g. /usr/bin/dash for /bin/sh). */
static void test_exe_script(void **state)
{
	const char *what = "exe: a #!/bin/sh script";
	static const char body[] = "#!/bin/sh\nread x\n";
	char path[PATH_MAX], real_sh[PATH_MAX];
	char *argv[] = {"script", NULL};
	struct child c;
	const struct truth *t;
	const struct ev *e;
	int in[2], fd;

	(void)state;
	REQUIRE_PYTHON();
	snprintf(path, sizeof(path), "%s/ctx-script.sh", tmpdir());
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, body, strlen(body)), (ssize_t)strlen(body));
	close(fd);
	assert_non_null(realpath("/bin/sh", real_sh));
	/* the script blocks in read (stdin is a pipe we hold open) until it is killed */
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	c = CHILD(.path = path, .argv = argv, .stdin_fd = in[0]);
	e = run_one(ARGS_ALL, KEYS_ALL, &c, &t, what);
	close(in[0]);
	close(in[1]);
	want_strz(e, "filename", path, what);
	expect_exe(e, t, real_sh, false, what);
}

/* /bin/sleep in a memfd, fexecve()d: exe "/memfd:NAME (deleted)", fileless; an ordinary
 * exec beside it is not fileless. */
static void test_exe_memfd(void **state)
{
	const char *whats[] = {"exe: fexecve of a memfd", "fileless: an ordinary exec"};
	struct child c[2];
	const struct truth *t;
	const struct ev *e;
	pid_t pid[2];
	int mfd;

	(void)state;
	REQUIRE_PYTHON();
	mfd = memfd_copy("ms-ctx-memfd", SLEEP_PATH);
	c[0] = CHILD(.exec_fd = mfd);
	c[1] = CHILD(.path = SLEEP_PATH);
	t = run_children(ARGS_ALL, KEYS_ALL, c, 2, pid, whats);
	close(mfd);
	e = ev_one(pid[0], whats[0]);
	want_int(e, "ret", 0, whats[0]);
	expect_exe(e, &t[0], "/memfd:ms-ctx-memfd (deleted)", true, whats[0]);
	expect_exe(ev_one(pid[1], whats[1]), &t[1], NULL, false, whats[1]);
}

/* A file opened, removed, then fexecve()d: exe "PATH (deleted)", fileless. */
static void test_exe_deleted_file(void **state)
{
	const char *what = "exe: a removed file, fexecve()d";
	char path[PATH_MAX], want[PATH_MAX + 16];
	struct child c;
	const struct truth *t;
	const struct ev *e;
	int fd;

	(void)state;
	REQUIRE_PYTHON();
	snprintf(path, sizeof(path), "%s/ctx-removed-sleep", tmpdir());
	copy_file(SLEEP_PATH, path, 0755);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(unlink(path), 0);
	c = CHILD(.exec_fd = fd);
	e = run_one(ARGS_ALL, KEYS_ALL, &c, &t, what);
	close(fd);
	snprintf(want, sizeof(want), "%s (deleted)", path);
	expect_exe(e, t, want, true, what);
}

/* ---------------------------------------------------------------------------------------- */
/* euid, gid, egid                                                                          */

/* Makes a setuid-root, setgid-root copy of /bin/sleep where setuid works; skips when there is
 * no such place or setuid is not honoured for us. */
static void setuid_copy(void)
{
	const char *bases[] = {tmpdir(), "/var/tmp", "/work"};
	struct buf st = {0};

	if (!proc_read(getpid(), "status", &st))
		fail_msg("reading our status: %s", strerror(errno));
	if (buf_has(&st, "\nNoNewPrivs:\t1")) {
		buf_free(&st);
		SKIP("this test runs with no_new_privs: a setuid exec would not change ids");
	}
	buf_free(&st);
	for (size_t k = 0; k < sizeof(bases) / sizeof(bases[0]); k++) {
		struct statvfs vfs;

		if (statvfs(bases[k], &vfs) || (vfs.f_flag & ST_NOSUID))
			continue;
		snprintf(g_suid_dir, sizeof(g_suid_dir), "%s/minisnoop-suid.XXXXXX", bases[k]);
		if (!mkdtemp(g_suid_dir)) {
			g_suid_dir[0] = 0;
			continue;
		}
		/* uid 65534 must get through: the scratch directory is 0700 */
		if (bases[k] == g_tmpdir)
			assert_int_equal(chmod(g_tmpdir, 0711), 0);
		assert_int_equal(chmod(g_suid_dir, 0711), 0);
		snprintf(g_suid_file, sizeof(g_suid_file), "%s/sleep-suid", g_suid_dir);
		copy_file(SLEEP_PATH, g_suid_file, 0755);
		assert_int_equal(chown(g_suid_file, 0, 0), 0);
		assert_int_equal(chmod(g_suid_file, 06755), 0);
		return;
	}
	SKIP("no directory on a filesystem without nosuid among %s, /var/tmp, /work", tmpdir());
}

/* Run as uid 65534, a setuid-root setgid-root program: uid 65534, euid 0, gid 65534, egid 0. */
static void test_creds_setuid(void **state)
{
	const char *what = "euid/gid/egid: setuid+setgid root program run by uid 65534";
	struct child c;
	const struct truth *t;
	const struct ev *e;

	(void)state;
	REQUIRE_PYTHON();
	REQUIRE_NOBODY();
	setuid_copy();
	c = CHILD(.path = g_suid_file, .uid = 65534);
	e = run_one(ARGS_ALL, KEYS_ALL, &c, &t, what);
	if (t->uid[1] != 0 || t->gid[1] != 0)
		SKIP("setuid/setgid not honoured for %s here (Uid: %lld %lld, Gid: %lld %lld)",
		     g_suid_file, t->uid[0], t->uid[1], t->gid[0], t->gid[1]);
	expect_truth(e, t, F_CREDS, what);
	want_int(e, "uid", 65534, what);
	want_int(e, "euid", 0, what);
	want_int(e, "gid", 65534, what);
	want_int(e, "egid", 0, what);
}

/* A plain uid 65534 exec: all four ids 65534. */
static void test_creds_nobody(void **state)
{
	const char *what = "euid/gid/egid: uid 65534";
	struct child c = CHILD(.path = SLEEP_PATH, .uid = 65534);
	const struct truth *t;
	const struct ev *e;

	(void)state;
	REQUIRE_PYTHON();
	REQUIRE_NOBODY();
	e = run_one(ARGS_ALL, KEYS_ALL, &c, &t, what);
	expect_truth(e, t, F_CREDS, what);
	want_int(e, "euid", 65534, what);
	want_int(e, "egid", 65534, what);
}

/* ---------------------------------------------------------------------------------------- */
/* auid, session                                                                            */

/* As inherited, and with a login uid the child sets itself (refused: said, still compared). */
static void test_login_uid_and_session(void **state)
{
	const char *whats[] = {"auid/session: inherited", "auid/session: loginuid 4242"};
	struct child c[2];
	const struct truth *t;
	int rep[2], err = -1;
	pid_t pid[2];

	(void)state;
	REQUIRE_PYTHON();
	assert_int_equal(pipe2(rep, O_CLOEXEC), 0);
	c[0] = CHILD(.path = SLEEP_PATH);
	c[1] = CHILD(.path = SLEEP_PATH, .loginuid = "4242", .report_fd = rep[1]);
	t = run_children(ARGS_ALL, KEYS_ALL, c, 2, pid, whats);
	/* the child wrote it before its exec, which was waited for */
	close(rep[1]);
	if (read(rep[0], &err, sizeof(err)) != (ssize_t)sizeof(err))
		fail_msg("the child did not say whether it could set its loginuid");
	close(rep[0]);
	expect_truth(ev_one(pid[0], whats[0]), &t[0], F_LOGIN, whats[0]);
	if (err)
		print_message("note: writing /proc/self/loginuid was refused (%s): compared with "
			      "what the process has\n",
			      strerror(err));
	else if (t[1].auid != 4242)
		fail_msg("%s: the loginuid was written but /proc/%d/loginuid says %lld", whats[1],
			 (int)pid[1], t[1].auid);
	expect_truth(ev_one(pid[1], whats[1]), &t[1], F_LOGIN, whats[1]);
}

/* ---------------------------------------------------------------------------------------- */
/* tty                                                                                      */

/* Under script(1): a pty is the controlling terminal, "pts/N". */
static void test_tty_pts(void **state)
{
	const char *what = "tty: under script(1)";
	static const char *const where[] = {"/usr/bin/script", "/bin/script"};
	char *envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", "SHELL=/bin/sh", NULL};
	char link[PATH_MAX], m[64], cmd[PATH_MAX + 32], needle[PATH_MAX + 32], fd0[64];
	char *argv[] = {"script", "-qc", cmd, "/dev/null", NULL};
	const char *script = NULL;
	struct child c;
	const struct truth *t;
	struct snoop *s;
	pid_t kid, pid;

	(void)state;
	REQUIRE_PYTHON();
	for (size_t k = 0; k < sizeof(where) / sizeof(where[0]) && !script; k++)
		if (access(where[k], X_OK) == 0)
			script = where[k];
	if (!script)
		SKIP("script (util-linux) not found");
	/* script needs a pseudo-terminal: a chroot with a bare /dev has none */
	{
		int pty = posix_openpt(O_RDWR | O_NOCTTY);

		if (pty < 0)
			SKIP("no pseudo-terminal here (posix_openpt: %s)", strerror(errno));
		close(pty);
	}
	/* a name of its own for sleep, to find its event */
	snprintf(link, sizeof(link), "%s/%s", tmpdir(), marker(m, sizeof(m), "tty"));
	assert_int_equal(symlink(SLEEP_PATH, link), 0);
	snprintf(cmd, sizeof(cmd), "exec %s 30", link);
	snprintf(needle, sizeof(needle), "\"filename\":\"%s\"", link);
	c = CHILD(.path = script, .argv = argv, .envp = envp);
	s = snoop_start(ARGS_ALL);
	kid = child_start(&c);
	snoop_need_out(s, needle, what);
	pid = snoop_pid_of_line(s, needle);
	other_add(pid);
	t = truth_of(0, pid);
	if (!t->tty_nr || !t->tty_known)
		fail_msg("%s: test set-up: sleep under script has tty_nr 0x%x", what, t->tty_nr);
	/* the mapping of tty_nr is right: script gives the pty as stdin too */
	snprintf(fd0, sizeof(fd0), "/dev/%s", t->tty);
	if (proc_link(pid, "fd/0", link, sizeof(link)) < 0 || strcmp(link, fd0))
		fail_msg("%s: test set-up: tty_nr 0x%x read as %s, but fd 0 is %s", what, t->tty_nr,
			 fd0, link);
	kill(pid, SIGKILL);
	kid_end(kid);
	finish(s, KEYS_ALL);
	snprintf(needle, sizeof(needle), "%s/%s", tmpdir(), m);
	expect_truth(ev_find(pid, needle, what), t, F_TTY, what);
	if (strncmp(t->tty, "pts/", 4))
		fail_msg("%s: test set-up: the terminal is %s, not a pts", what, t->tty);
}

/* After setsid(): no controlling terminal, null. */
static void test_tty_none(void **state)
{
	const char *what = "tty: none (setsid)";
	struct child c = CHILD(.path = SLEEP_PATH, .new_session = true);
	const struct truth *t;
	const struct ev *e;

	(void)state;
	REQUIRE_PYTHON();
	e = run_one(ARGS_ALL, KEYS_ALL, &c, &t, what);
	assert_int_equal(t->tty_nr, 0);
	expect_truth(e, t, F_TTY, what);
	want_null(e, "tty", what);
}

/* ---------------------------------------------------------------------------------------- */
/* pcomm; pidns, mntns, nspid: a child that forks the process we look at                    */

struct parent_arg {
	const char *comm;  /* PR_SET_NAME first */
	int unshare_flags; /* unshare(2) first */
	int pipe_w;
	pid_t parent, pid; /* set by run_parent: the parent, its child (or -errno of unshare) */
};

/* Forks a grandchild that execs sleep, says its pid (or -errno) on pipe_w, waits for it. */
static void parent_main(void *arg)
{
	const struct parent_arg *a = arg;
	pid_t g;
	int st;

	if (a->comm && prctl(PR_SET_NAME, a->comm))
		_exit(2);
	if (a->unshare_flags && unshare(a->unshare_flags)) {
		g = -errno;
		if (write(a->pipe_w, &g, sizeof(g)) != sizeof(g))
			_exit(3);
		_exit(4);
	}
	g = fork();
	if (g == 0) {
		close(a->pipe_w);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execve(SLEEP_PATH, g_sleep_argv, g_envp);
		_exit(127);
	}
	if (g < 0 || write(a->pipe_w, &g, sizeof(g)) != sizeof(g))
		_exit(5);
	close(a->pipe_w);
	waitpid(g, &st, 0);
	_exit(0);
}

/*
 * minisnoop -o all; parent_main started, its child watched, then killed, the parent reaped,
 * the output checked. Returns the child's event, or NULL when unshare failed.
 */
static const struct ev *run_parent(struct parent_arg *a, const struct truth **t, const char *what)
{
	struct snoop *s = snoop_start(ARGS_ALL);
	int p[2];

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	a->pipe_w = p[1];
	a->parent = kid_fork(parent_main, a, &p[1], 1);
	close(p[1]);
	a->pid = 0;
	if (read(p[0], &a->pid, sizeof(a->pid)) != sizeof(a->pid))
		fail_msg("the parent process said no pid");
	close(p[0]);
	if (a->pid < 0)
		return NULL;
	other_add(a->pid);
	*t = watch(s, &a->pid, 1, &what);
	kill(a->pid, SIGKILL);
	kid_wait(a->parent);
	finish(s, KEYS_ALL);
	return ev_one(a->pid, what);
}

/* The parent has a known comm (with a byte that is not UTF-8). */
static void test_pcomm(void **state)
{
	const char *what = "pcomm: the parent's comm";
	const char *comm = "ms-par\xff ent";
	struct parent_arg a = {.comm = comm};
	const struct truth *t;
	const struct ev *e;

	(void)state;
	REQUIRE_PYTHON();
	e = run_parent(&a, &t, what);
	assert_int_equal(t->ppid, a.parent);
	expect_truth(e, t, F_PCOMM, what);
	want_strz(e, "pcomm", comm, what);
}

/*
 * minisnoop itself chrooted (a build chroot: a private mount namespace where the whole tree
 * is bind-mounted at a scratch directory, its root): a process chrooted there too has the
 * tracer's root (null, nothing marked); one at the top of the tree has root "/"; both in the
 * tracer's mount namespace.
 */
static char g_jail[PATH_MAX];

static void enter_jail(void)
{
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("/", g_jail, NULL, MS_BIND | MS_REC, NULL) || chroot(g_jail) || chdir("/")) {
		dprintf(2, "test: chroot to a bind mount of / at %s: %s\n", g_jail,
			strerror(errno));
		_exit(120);
	}
}

static void test_root_tracer_chrooted(void **state)
{
	const char *whats[] = {"root: chrooted where minisnoop is",
			       "root: the top, minisnoop chrooted"};
	const struct start_opts so = {.pre_exec = enter_jail};
	struct snoop *s;
	struct child c[2];
	pid_t pid[2];

	(void)state;
	REQUIRE_PYTHON();
	scratch_dir(g_jail, sizeof(g_jail), "jail");
	s = snoop_start_opts(ARGS_ALL, &so);
	c[0] = CHILD(.path = SLEEP_PATH, .ns_of = s->pid);
	c[1] = CHILD(.path = SLEEP_PATH, .ns_top = s->pid);
	long long ns = ns_inode(s->pid, "mnt");

	for (int k = 0; k < 2; k++)
		pid[k] = child_start(&c[k]);
	watch(s, pid, 2, whats);
	for (int k = 0; k < 2; k++)
		kid_end(pid[k]);
	finish(s, KEYS_ALL);
	want_null(ev_one(pid[0], whats[0]), "root", whats[0]);
	want_strz(ev_one(pid[1], whats[1]), "root", "/", whats[1]);
	/* minisnoop's mount namespace: only the root tells them apart */
	for (int k = 0; k < 2; k++)
		want_int(ev_one(pid[k], whats[k]), "mntns", ns, whats[k]);
}

/*
 * minisnoop sandboxed in a mount namespace of its own (as systemd's ProtectSystem= makes it):
 * our processes are in init's namespace, which minisnoop reads paths against when it may
 * read /proc/1/ns/mnt (then root null, unmarked); where it may not (this host), in another
 * namespace than its own (root "/").
 */
static void unshare_mounts(void)
{
	if (unshare(CLONE_NEWNS)) {
		dprintf(2, "test: unshare(CLONE_NEWNS): %s\n", strerror(errno));
		_exit(120);
	}
}

static void test_root_tracer_sandboxed(void **state)
{
	const char *what = "root: minisnoop in a mount namespace of its own";
	const struct start_opts so = {.pre_exec = unshare_mounts};
	struct stat init, ours;
	bool init_ref = !stat("/proc/1/ns/mnt", &init) && !stat("/proc/self/ns/mnt", &ours) &&
			init.st_ino == ours.st_ino;
	struct snoop *s;
	struct child c = CHILD(.path = SLEEP_PATH);
	pid_t pid;

	(void)state;
	REQUIRE_PYTHON();
	if (tests_chrooted())
		SKIP("the tests run chrooted: their root is not minisnoop's");
	s = snoop_start_opts(ARGS_ALL, &so);
	pid = child_start(&c);
	watch(s, &pid, 1, &what);
	kid_end(pid);
	finish(s, KEYS_ALL);
	if (init_ref)
		want_null(ev_one(pid, what), "root", what);
	else
		want_strz(ev_one(pid, what), "root", "/", what);
}

/* The parent unshares a pid and a mount namespace; its child is pid 1 there. */
static void test_namespaces(void **state)
{
	const char *what = "pidns/mntns/nspid: pid 1 of new namespaces";
	struct parent_arg a = {.unshare_flags = CLONE_NEWPID | CLONE_NEWNS};
	const struct truth *t;
	const struct ev *e;

	(void)state;
	REQUIRE_PYTHON();
	e = run_parent(&a, &t, what);
	if (!e)
		SKIP("unshare(CLONE_NEWPID | CLONE_NEWNS): %s", strerror(-a.pid));
	if (t->nspid != 1 || t->pidns == ns_inode(g_self, "pid") ||
	    t->mntns == ns_inode(g_self, "mnt"))
		fail_msg("%s: test set-up: NSpid %lld, pidns %lld, mntns %lld", what, t->nspid,
			 t->pidns, t->mntns);
	expect_truth(e, t, F_NS, what);
	want_int(e, "nspid", 1, what);
	/* another mount namespace, at the top of its tree (ours, when we run chrooted) */
	want_root(e, "/", what);
}

/* ---------------------------------------------------------------------------------------- */
/* cgroup                                                                                   */

/* Mounts cgroup2 at a scratch directory (cleanup_all unmounts it); its path goes to root. */
static void cgroup2_mount_own(char *root, size_t n)
{
	snprintf(g_cgmnt, sizeof(g_cgmnt), "%s/cgroup2", tmpdir());
	if (mkdir(g_cgmnt, 0755) && errno != EEXIST)
		fail_msg("mkdir %s: %s", g_cgmnt, strerror(errno));
	if (mount("none", g_cgmnt, "cgroup2", 0, NULL)) {
		int err = errno;

		rmdir(g_cgmnt);
		g_cgmnt[0] = 0;
		SKIP("mounting cgroup2 failed: %s", strerror(err));
	}
	snprintf(root, n, "%s", g_cgmnt);
}

/*
 * A process moved into a new cgroup v2 group before it execs: in the cgroup2 tree mounted
 * here (mounted by the test if there is none), or (own_mount) in a second mount of it that
 * the test makes.
 */
static void cgroup_test(bool own_mount, const char *what)
{
	char root[PATH_MAX], procs[PATH_MAX + 80], num[32], tail[64];
	struct child c;
	const struct truth *t;
	const struct ev *e;
	struct snoop *s;
	int gate[2], fd;
	pid_t pid;

	if (own_mount || !cgroup2_mount(root, sizeof(root)))
		cgroup2_mount_own(root, sizeof(root));
	snprintf(tail, sizeof(tail), "/minisnoop-ctx-%d%s", (int)g_self, own_mount ? "-own" : "");
	snprintf(g_cgdir, sizeof(g_cgdir), "%s%s", root, tail);
	if (mkdir(g_cgdir, 0755) && errno != EEXIST) {
		int err = errno;

		g_cgdir[0] = 0;
		SKIP("cannot make a cgroup under %s: %s", root, strerror(err));
	}
	assert_int_equal(pipe2(gate, O_CLOEXEC), 0);
	c = CHILD(.path = SLEEP_PATH, .gate_fd = gate[0]);
	s = snoop_start(ARGS_ALL);
	pid = child_start(&c);
	close(gate[0]);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", g_cgdir);
	snprintf(num, sizeof(num), "%d", (int)pid);
	fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, num, strlen(num)) != (ssize_t)strlen(num))
		fail_msg("moving %d into %s: %s", (int)pid, procs, strerror(errno));
	close(fd);
	assert_int_equal(write(gate[1], "x", 1), 1);
	close(gate[1]);
	t = watch(s, &pid, 1, &what);
	kid_end(pid);
	finish(s, KEYS_ALL);
	e = ev_one(pid, what);
	if (!t->has_cgroup || !ends_with(t->cgroup, strlen(t->cgroup), tail))
		fail_msg("%s: test set-up: /proc/%d/cgroup's 0:: line is '%s', not in %s", what,
			 (int)pid, t->has_cgroup ? t->cgroup : "(none)", g_cgdir);
	expect_truth(e, t, F_CGROUP, what);
}

static void test_cgroup(void **state)
{
	(void)state;
	REQUIRE_PYTHON();
	cgroup_test(false, "cgroup: a new cgroup v2 group");
}

static void test_cgroup_second_mount(void **state)
{
	(void)state;
	REQUIRE_PYTHON();
	cgroup_test(true, "cgroup: a new group made in a cgroup2 mount of the test's own");
}

/* A cgroup tree made by a test (g_cgtree and everything below it), removed in cleanup, deepest
 * first, once its processes are gone. */
static char g_cgtree[PATH_MAX];

static void rm_tree(char *path, size_t len, size_t cap)
{
	DIR *d = opendir(path);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    len + n + 2 > cap)
			continue;
		path[len] = '/';
		memcpy(path + len + 1, e->d_name, n + 1);
		rm_tree(path, len + 1 + n, cap);
		path[len] = 0;
		rewinddir(d);
	}
	if (d)
		closedir(d);
	for (int k = 0; k < 100 && rmdir(path) && errno == EBUSY; k++)
		usleep(10000);
}

static void cgtree_remove(void)
{
	char path[PATH_MAX];

	if (!g_cgtree[0])
		return;
	snprintf(path, sizeof(path), "%s", g_cgtree);
	rm_tree(path, strlen(path), sizeof(path));
	g_cgtree[0] = 0;
}

/* The cgroup2 tree's mount (the test's own when none is mounted) and a new group of ours in
 * it, g_cgtree; its path in the hierarchy goes to rel. */
static void cgtree_make(char *dir, size_t n, char *rel, size_t rn, const char *name)
{
	char root[PATH_MAX];

	if (!cgroup2_mount(root, sizeof(root)))
		cgroup2_mount_own(root, sizeof(root));
	snprintf(rel, rn, "/minisnoop-%s-%d", name, (int)g_self);
	snprintf(g_cgtree, sizeof(g_cgtree), "%s%s", root, rel);
	if (mkdir(g_cgtree, 0755) && errno != EEXIST) {
		int err = errno;

		g_cgtree[0] = 0;
		SKIP("cannot make a cgroup under %s: %s", root, strerror(err));
	}
	snprintf(dir, n, "%s", g_cgtree);
}

/* Moves pid into the cgroup directory dir. */
static void cgroup_move(const char *dir, pid_t pid)
{
	char procs[PATH_MAX + 32], num[32];
	int fd;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	snprintf(num, sizeof(num), "%d", (int)pid);
	fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, num, strlen(num)) != (ssize_t)strlen(num))
		fail_msg("moving %d into %s: %s", (int)pid, procs, strerror(errno));
	close(fd);
}

/*
 * Issue 22 item 5: cgroups that could not be named. A group whose name starts with "." (the
 * scan skipped it and all below), 40 levels below it (the scan read 32): the path is the
 * kernel's at the exec, as /proc/PID/cgroup says.
 */
static void test_cgroup_hidden_and_deep(void **state)
{
	const char *what = "cgroup: 40 levels below a group named .hidden";
	char dir[PATH_MAX], rel[PATH_MAX], want[PATH_MAX];
	struct child c;
	const struct truth *t;
	const struct ev *e;
	struct snoop *s;
	int gate[2];
	pid_t pid;

	(void)state;
	REQUIRE_PYTHON();
	cgtree_make(dir, sizeof(dir), rel, sizeof(rel), "deep");
	for (int level = 0; level <= 40; level++) {
		char name[16];
		size_t len = strlen(dir);

		snprintf(name, sizeof(name), level ? "l%02d" : ".hidden", level);
		snprintf(dir + len, sizeof(dir) - len, "/%s", name);
		len = strlen(rel);
		snprintf(rel + len, sizeof(rel) - len, "/%s", name);
		if (mkdir(dir, 0755) && errno != EEXIST)
			SKIP("mkdir %s: %s (cgroup.max.depth?)", dir, strerror(errno));
	}
	snprintf(want, sizeof(want), "%s", rel);
	assert_int_equal(pipe2(gate, O_CLOEXEC), 0);
	c = CHILD(.path = SLEEP_PATH, .gate_fd = gate[0]);
	s = snoop_start(ARGS_ALL);
	pid = child_start(&c);
	close(gate[0]);
	cgroup_move(dir, pid);
	assert_int_equal(write(gate[1], "x", 1), 1);
	close(gate[1]);
	t = watch(s, &pid, 1, &what);
	kid_end(pid);
	finish(s, KEYS_ALL);
	e = ev_one(pid, what);
	if (!t->has_cgroup || !ends_with(t->cgroup, strlen(t->cgroup), want))
		fail_msg("%s: test set-up: /proc/%d/cgroup's 0:: line is '%s', not %s", what,
			 (int)pid, t->has_cgroup ? t->cgroup : "(none)", want);
	expect_truth(e, t, F_CGROUP, what);
}

/*
 * Issue 22 item 5: short-lived cgroups, 100 times at about 33 a second: a group made, a
 * process moved into it execs /bin/true, and the group is removed as soon as it has exited.
 * Each exec is named with its group (before: 17 of 100, named when printed, from trees read
 * at most every 100 ms).
 */
static void test_cgroup_short_lived(void **state)
{
	enum { N = 100 };
	const char *what = "cgroup: 100 groups each removed right after its exec";
	static char *argv[] = {"true", NULL};
	const char *const args[] = {"-j", "-o", "cgroup", NULL};
	char top[PATH_MAX], rel[PATH_MAX], dir[PATH_MAX + 32], want[PATH_MAX + 32];
	pid_t pid[N];
	struct snoop *s;
	int named = 0, first_bad = -1;

	(void)state;
	REQUIRE_PYTHON();
	cgtree_make(top, sizeof(top), rel, sizeof(rel), "brief");
	s = snoop_start(args);
	for (int k = 0; k < N; k++) {
		uint64_t t0 = now_ms();
		struct child c;
		int gate[2];

		snprintf(dir, sizeof(dir), "%s/g%03d", top, k);
		if (mkdir(dir, 0755))
			fail_msg("mkdir %s: %s", dir, strerror(errno));
		assert_int_equal(pipe2(gate, O_CLOEXEC), 0);
		c = CHILD(.path = "/bin/true", .argv = argv, .gate_fd = gate[0]);
		pid[k] = child_start(&c);
		close(gate[0]);
		cgroup_move(dir, pid[k]);
		assert_int_equal(write(gate[1], "x", 1), 1);
		close(gate[1]);
		kid_wait(pid[k]);
		if (rmdir(dir))
			fail_msg("rmdir %s: %s", dir, strerror(errno));
		while (now_ms() < t0 + 30)
			usleep(1000);
	}
	if (!snoop_wait_pids(s, pid, N, WAIT_EVENTS_MS))
		fail_msg("%s: not every exec was printed", what);
	finish(s, "cgroup");
	for (int k = 0; k < N; k++) {
		const struct ev *e = ev_one(pid[k], what);

		snprintf(want, sizeof(want), "%s/g%03d", rel, k);
		if (ev_str_is(e, "cgroup", want))
			named++;
		else if (first_bad < 0)
			first_bad = k;
	}
	if (named != N) {
		print_event(ev_one(pid[first_bad], what));
		fail_msg("%s: %d of %d named (the first wrong: %s/g%03d)", what, named, N, rel,
			 first_bad);
	}
}

/* ---------------------------------------------------------------------------------------- */
/* env                                                                                      */

/* The first n strings of env (fewer if it ends), NUL-terminated one after the other, into b. */
static void env_block(struct buf *b, char *const *env, int n)
{
	b->len = 0;
	for (int k = 0; k < n && env[k]; k++)
		buf_add(b, env[k], strlen(env[k]) + 1);
}

/* run_one of sleep with the environment envp, under -o all -e. */
static const struct ev *run_env(char *const *envp, const struct truth **t, const char *what)
{
	struct child c = CHILD(.path = SLEEP_PATH, .envp = envp);

	return run_one(ARGS_ALL_ENV, KEYS_ALL_ENV, &c, t, what);
}

/* A chosen environment: an empty string, an empty value, bytes that are not UTF-8, control
 * characters, no "=". */
static void test_env_exact(void **state)
{
	const char *what = "env: a chosen environment";
	char *envp[] = {"MS_A=1",
			"",
			"MS_EMPTY=",
			"MS_BIN=\xff\xfe\x80z",
			"MS_SPACE=a b\tc\nd\x1b[0m",
			"MS_UTF8=caf\xc3\xa9 \xe2\x80\xae",
			"noequals",
			"MS_JSON=\"q\" \\ {}",
			NULL};
	struct buf want = {0};
	const struct truth *t;
	const struct ev *e;

	(void)state;
	REQUIRE_PYTHON();
	e = run_env(envp, &t, what);
	expect_truth(e, t, F_ENV, what);
	env_block(&want, envp, INT_MAX);
	want_env(e, want.p, want.len, what);
	want_bool(e, "truncated", false, what);
	want_bool(e, "env_truncated", false, what);
	want_int(e, "env_unscanned", 0, what);
	buf_free(&want);
}

/* More strings than --max-args (20 by default): env has its own count (--max-env, 256 by
 * default), all 25 are there, and neither truncated says otherwise. */
static void test_env_more_than_max_args(void **state)
{
	const char *what = "env: 25 strings, --max-args 20";
	char *envp[26], store[25][32]; /* 32: room for any int, as -Wformat-truncation wants */
	struct buf want = {0};
	const struct truth *t;
	const struct ev *e;

	(void)state;
	REQUIRE_PYTHON();
	for (int k = 0; k < 25; k++) {
		snprintf(store[k], sizeof(store[k]), "MS_E%02d=v%d", k, k);
		envp[k] = store[k];
	}
	envp[25] = NULL;
	e = run_env(envp, &t, what);
	/* the process has all 25 */
	env_block(&want, envp, 25);
	if (t->environ.len != want.len || memcmp(t->environ.p, want.p, want.len))
		fail_msg("%s: test set-up: /proc/%d/environ is not the 25 strings", what,
			 (int)t->pid);
	/* all of them: the environment's count is not --max-args' */
	want_env(e, want.p, want.len, what);
	want_bool(e, "truncated", false, what);
	want_bool(e, "env_truncated", false, what);
	buf_free(&want);
}

/* 30 KB of environment: env_truncated (not truncated: the arguments are whole), every kept
 * string exact but a cut last one, the window kept (up to the last string that ends in it);
 * 16 KB that fit: all of it. */
static void test_env_over_16k(void **state)
{
	const char *whats[] = {"env: 30 x 1000 bytes", "env: 4 x 4000 bytes"};
	const char *const args[] = {"-j", "-o", "all", "-e", "--max-args", "128", NULL};
	char *big[31], *fits[5];
	struct child c[2];
	const struct truth *t;
	const struct val *v;
	const struct ev *e;
	size_t kept = 0;
	pid_t pid[2];

	(void)state;
	REQUIRE_PYTHON();
	for (int k = 0; k < 30; k++) {
		big[k] = pattern(1000, (char)('A' + k % 20));
		memcpy(big[k], "MS_BIG=", 7);
	}
	big[30] = NULL;
	for (int k = 0; k < 4; k++) {
		fits[k] = pattern(4000, (char)('a' + k));
		memcpy(fits[k], "MS_FIT=", 7);
	}
	fits[4] = NULL;
	c[0] = CHILD(.path = SLEEP_PATH, .envp = big);
	c[1] = CHILD(.path = SLEEP_PATH, .envp = fits);
	t = run_children((const char *const *)args, KEYS_ALL_ENV, c, 2, pid, whats);

	e = ev_one(pid[1], whats[1]);
	expect_truth(e, &t[1], F_ENV, whats[1]);
	want_bool(e, "truncated", false, whats[1]);
	want_bool(e, "env_truncated", false, whats[1]);

	e = ev_one(pid[0], whats[0]);
	v = need(e, "env", whats[0]);
	if (v->kind != 'a' || v->n < 1 || v->n > 30) {
		print_event(e);
		fail_msg("%s: env is not an array of 1 to 30 strings", whats[0]);
	}
	for (int k = 0; k < v->n; k++) {
		const struct bytes *g = &v->items[k];

		if (k < v->n - 1) {
			if (!bytes_eq(g, big[k], strlen(big[k]))) {
				print_event(e);
				fail_msg("%s: kept env[%d] is not exact", whats[0], k);
			}
		} else if (g->n > strlen(big[k]) || memcmp(g->p, big[k], g->n)) {
			print_event(e);
			fail_msg(
			    "%s: last kept env[%d] (%zu bytes) is not a prefix of the real one",
			    whats[0], k, g->n);
		}
		kept += g->n + 1;
	}
	if (kept < EV_ENV_WINDOW - EV_ENV_BACK)
		fail_msg("%s: only %zu bytes of environment kept (NULs included), want >= %d",
			 whats[0], kept, EV_ENV_WINDOW - EV_ENV_BACK);
	want_bool(e, "truncated", false, whats[0]);
	want_bool(e, "env_truncated", true, whats[0]);
	want_int(e, "env_unscanned", 0, whats[0]);
	for (int k = 0; k < 30; k++)
		free(big[k]);
	for (int k = 0; k < 4; k++)
		free(fits[k]);
}

/* "LD_PRELOAD=" and a library the program loads anyway (the C library this test runs
 * with), so that the variable is real and harmless; "LD_PRELOAD=" alone without one. */
static const char *preload(void)
{
	static char val[PATH_MAX + 16];
	char line[PATH_MAX + 256];
	FILE *f;

	if (val[0])
		return val;
	snprintf(val, sizeof(val), "LD_PRELOAD=");
	f = fopen("/proc/self/maps", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/');

		if (path && (strstr(path, "/libc.so") || strstr(path, "/libc-"))) {
			path[strcspn(path, "\n")] = 0;
			snprintf(val, sizeof(val), "LD_PRELOAD=%s", path);
			break;
		}
	}
	if (f)
		fclose(f);
	return val;
}

/* n padding strings "PADnnnnn=ppp..." of len bytes (at least 10), then last, then NULL. */
static char **env_padded(int n, size_t len, const char *last)
{
	char **env = calloc((size_t)n + 2, sizeof(*env));

	if (!env)
		fail_msg("out of memory");
	for (int k = 0; k < n; k++) {
		env[k] = pattern(len, 'p');
		memset(env[k], 'p', len);
		memcpy(env[k], "PAD", 3);
		for (int d = 0, x = k; d < 5; d++, x /= 10)
			env[k][7 - d] = (char)('0' + x % 10);
		env[k][8] = '=';
	}
	env[n] = strdup(last);
	return env;
}

static void env_free(char **env)
{
	for (int k = 0; env[k]; k++)
		free(env[k]);
	free(env);
}

/* env has the string s, exactly */
static void want_env_has(const struct ev *e, const char *s, const char *what)
{
	const struct val *v = need(e, "env", what);

	for (int k = 0; v->kind == 'a' && k < v->n; k++)
		if (bytes_eq(&v->items[k], s, strlen(s)))
			return;
	print_event(e);
	fail_msg("%s: env does not have \"%.80s\"", what, s);
}

/*
 * The attack of issue 22 (item 7): LD_PRELOAD where the old limits (--max-args strings,
 * 16 KiB) hid it, as uid 65534. With --max-env 20: as the 21st string (nothing left out:
 * all of it, not env_truncated), as the 500th (the first 20, then it), after 16 KiB of
 * padding and after 200 KiB (the kernel's scan finds it beyond the window). The arguments'
 * truncated stays false; nothing is left unscanned.
 */
static void test_env_always_shown(void **state)
{
	const char *whats[] = {
	    "env: LD_PRELOAD 21st, --max-env 20", "env: LD_PRELOAD 500th, --max-env 20",
	    "env: LD_PRELOAD after 16 KiB of padding", "env: LD_PRELOAD after 200 KiB of padding"};
	const char *const args[] = {"-j", "-o", "all", "-e", "--max-env", "20", NULL};
	const char *ld = preload();
	char **env[4];
	struct child c[4];
	struct buf want = {0};
	const struct ev *e;
	pid_t pid[4];

	(void)state;
	REQUIRE_PYTHON();
	REQUIRE_NOBODY();
	env[0] = env_padded(20, 12, ld);
	env[1] = env_padded(499, 12, ld);
	env[2] = env_padded(1, 16384, ld);
	env[3] = env_padded(200, 1024, ld);
	for (int k = 0; k < 4; k++)
		c[k] = CHILD(.path = SLEEP_PATH, .envp = env[k], .uid = 65534);
	run_children((const char *const *)args, KEYS_ALL_ENV, c, 4, pid, whats);
	for (int k = 0; k < 4; k++) {
		e = ev_one(pid[k], whats[k]);
		want_int(e, "uid", 65534, whats[k]);
		want_env_has(e, ld, whats[k]);
		want_bool(e, "truncated", false, whats[k]);
		want_bool(e, "env_truncated", k > 0, whats[k]);
		want_int(e, "env_unscanned", 0, whats[k]);
	}
	/* the 21st: every string; the 500th: the first 20, then it */
	e = ev_one(pid[0], whats[0]);
	env_block(&want, env[0], INT_MAX);
	want_env(e, want.p, want.len, whats[0]);
	e = ev_one(pid[1], whats[1]);
	env_block(&want, env[1], 20);
	buf_add(&want, ld, strlen(ld) + 1);
	want_env(e, want.p, want.len, whats[1]);
	buf_free(&want);
	for (int k = 0; k < 4; k++)
		env_free(env[k]);
}

/*
 * A huge environment does not stall tracing: 1 MB (10 strings of 100 KB) then LD_PRELOAD,
 * found; 30,000 short strings then LD_PRELOAD, more than the scan's reads: env_truncated and
 * env_unscanned say so (the limit, minisnoop.8); an exec after both is reported.
 */
static void test_env_huge(void **state)
{
	const char *whats[] = {"env: 1 MB, then LD_PRELOAD", "env: 30000 strings, then LD_PRELOAD",
			       "env: an exec after the huge ones"};
	const char *ld = preload();
	char **env[2];
	struct child c[3];
	const struct val *v;
	const struct ev *e;
	pid_t pid[3];

	(void)state;
	REQUIRE_PYTHON();
	REQUIRE_NOBODY();
	env[0] = env_padded(10, 100000, ld);
	env[1] = env_padded(30000, 10, ld);
	c[0] = CHILD(.path = SLEEP_PATH, .envp = env[0], .uid = 65534);
	c[1] = CHILD(.path = SLEEP_PATH, .envp = env[1], .uid = 65534);
	c[2] = CHILD(.path = SLEEP_PATH, .uid = 65534);
	run_children(ARGS_ALL_ENV, KEYS_ALL_ENV, c, 3, pid, whats);

	e = ev_one(pid[0], whats[0]);
	want_env_has(e, ld, whats[0]);
	want_bool(e, "truncated", false, whats[0]);
	want_bool(e, "env_truncated", true, whats[0]);
	want_int(e, "env_unscanned", 0, whats[0]);

	e = ev_one(pid[1], whats[1]);
	want_bool(e, "truncated", false, whats[1]);
	want_bool(e, "env_truncated", true, whats[1]);
	v = need(e, "env_unscanned", whats[1]);
	if (v->kind != 'i' || v->i <= 0 || v->i > 30000 * 11) {
		print_event(e);
		fail_msg("%s: env_unscanned is not a byte count in 1..330000", whats[1]);
	}

	e = ev_one(pid[2], whats[2]);
	want_bool(e, "env_truncated", false, whats[2]);
	for (int k = 0; k < 2; k++)
		env_free(env[k]);
}

/* ---------------------------------------------------------------------------------------- */
/* Without BTF, failed execs                                                                */

/* --no-btf: every field but gid and cgroup is null; the exec is still reported. */
static void test_no_btf(void **state)
{
	const char *what = "--no-btf -o all -e";
	static const char *const except[] = {"gid", "cgroup", NULL};
	const char *const args[] = {"-j", "-o", "all", "-e", "--no-btf", NULL};
	char dir[PATH_MAX];
	struct child c;
	const struct truth *t;
	const struct ev *e;
	struct snoop *s;
	pid_t pid;

	(void)state;
	REQUIRE_PYTHON();
	scratch_dir(dir, sizeof(dir), "nobtf");
	c = CHILD(.path = SLEEP_PATH, .dir = dir);
	s = snoop_start((const char *const *)args);
	if (!buf_has(&s->err, "fork tracking"))
		fail_msg("BTF not disabled: the tracing line does not say 'fork tracking':\n%s",
			 buf_str(&s->err));
	pid = child_start(&c);
	t = watch(s, &pid, 1, &what);
	kid_end(pid);
	finish(s, KEYS_ALL_ENV);
	e = ev_one(pid, what);
	want_int(e, "ret", 0, what);
	want_strz(e, "filename", SLEEP_PATH, what);
	want_ctx_null(e, except, what);
	want_int(e, "gid", t->gid[0], what);
	expect_truth(e, t, F_CGROUP, what);
}

/* A failed exec whose caller stays alive after the failure (its truth is read then). */
static const struct ev *failed_exec(const struct truth **t, const char *what)
{
	static char *argv[] = {"prog", "arg", NULL};
	struct child c;
	struct snoop *s;
	int hold[2];
	pid_t pid;

	assert_int_equal(pipe2(hold, O_CLOEXEC), 0);
	c = CHILD(.path = "/nonexistent-minisnoop-ctx/prog", .argv = argv, .hold_fd = hold[0]);
	s = snoop_start(ARGS_ALL_ENV);
	pid = child_start(&c);
	close(hold[0]);
	*t = watch(s, &pid, 1, &what);
	close(hold[1]);
	kid_wait(pid);
	finish(s, KEYS_ALL_ENV);
	return ev_one(pid, what);
}

/* A failed exec: every key there (the checker); exe, fileless and env null (no new image);
 * every other field null or the caller's truth. */
static void test_failed_exec_values(void **state)
{
	const char *what = "failed exec, -o all -e: fields given are the caller's";
	static const char *const except[] = {"cwd",	"euid",	  "gid",   "egid",  "auid",
					     "session", "tty",	  "pcomm", "pidns", "mntns",
					     "nspid",	"cgroup", NULL};
	const struct truth *t;
	const struct ev *e;

	(void)state;
	REQUIRE_PYTHON();
	e = failed_exec(&t, what);
	want_int(e, "ret", -ENOENT, what);
	want_ctx_null(e, except, what);
	g_null_ok = true;
	expect_truth(e, t, F_CWD | F_CREDS | F_LOGIN | F_TTY | F_PCOMM | F_NS | F_CGROUP, what);
	g_null_ok = false;
}

/* ---------------------------------------------------------------------------------------- */
/* Keys: every selected key on every line; -o choices; errors; text columns                 */

/* The shell's events (it may exec its last command itself), then one each of a failed exec,
 * a memfd and the last exec; at least 9 of ours in all. */
static void expect_mine(const pid_t *mine, const char *what)
{
	int n = 0, sh = 0;

	for (int k = 0; k < g_nevs; k++)
		sh += ev_num(&g_evs[k], "pid") == mine[0];
	if (sh < 1)
		fail_msg("%s: no event of the shell %d", what, (int)mine[0]);
	ev_one(mine[1], what);
	ev_one(mine[2], what);
	ev_one(mine[3], what);
	for (int k = 0; k < g_nevs; k++)
		n += ev_num(&g_evs[k], "ppid") == mine[0] || ev_num(&g_evs[k], "pid") == mine[0];
	if (n < 5)
		fail_msg("%s: %d events of the shell and its children, expected at least 5", what,
			 n);
}

/* Many kinds of exec under -o all -e and -o all: the checker fails on any line (ours or any
 * other process's) without every selected key, or with one more. */
static void test_every_line_has_every_key(void **state)
{
	char m[64], mfd_arg[32];
	char *sh_argv[] = {"sh", "-c",
			   "true; /bin/true a b; /nonexistent-ms-ctx 2>/dev/null; cd /; "
			   "(cd /tmp && ls >/dev/null); env -i X=1 /bin/true",
			   NULL};
	char *last[] = {"true", (char *)marker(m, sizeof(m), "last"), NULL};
	char *argv_bad[] = {"bad", NULL};
	const char *const args[] = {"-j", "-o", "all", "-e", NULL};
	const char *const args2[] = {"-j", "-o", "all", NULL};
	struct child c;
	struct snoop *s, *s2;
	pid_t pid, mine[4];
	int mfd;

	(void)state;
	REQUIRE_PYTHON();
	s = snoop_start(args);
	s2 = snoop_start(args2);
	c = CHILD(.path = "/bin/sh", .argv = sh_argv);
	mine[0] = child_start(&c);
	kid_wait(mine[0]);
	c = CHILD(.path = "/nonexistent-ms-ctx/bad", .argv = argv_bad);
	mine[1] = child_start(&c);
	kid_wait(mine[1]);
	/* a memfd */
	mfd = memfd_copy("ms-ctx-keys", "/bin/true");
	snprintf(mfd_arg, sizeof(mfd_arg), "true");
	c = CHILD(.exec_fd = mfd, .argv = (char *[]){mfd_arg, NULL});
	mine[2] = child_start(&c);
	close(mfd);
	kid_wait(mine[2]);
	c = CHILD(.path = "/bin/true", .argv = last, .envp = (char *[]){NULL});
	pid = mine[3] = child_start(&c);
	kid_wait(pid);
	snoop_need_pid(s, pid, "the last exec");
	snoop_need_pid(s2, pid, "the last exec");
	snoop_stop(s, SIGINT);
	snoop_stop(s2, SIGINT);
	parse_json(&s->out, KEYS_ALL_ENV);
	expect_mine(mine, "-o all -e");
	/* an empty environment is an empty array */
	{
		const struct ev *e = ev_one(pid, "an exec with no environment");
		const struct val *v = need(e, "env", "an exec with no environment");

		if (v->kind != 'a' || v->n != 0) {
			print_event(e);
			fail_msg("an exec with an empty environment: env is not []");
		}
	}
	parse_json(&s2->out, KEYS_ALL);
	expect_mine(mine, "-o all");
}

/* -o picks the keys added to JSON lines; base names are allowed and change nothing; -e
 * alone adds env; without -o, nothing is added. */
static void test_selected_keys(void **state)
{
	static const struct {
		const char *args[8];
		const char *keys;
	} runs[] = {
	    {{"-j", "-o", "cwd,pcomm", NULL}, "cwd,pcomm"},
	    {{"-j", "-o", "+tty", NULL}, "tty"},
	    {{"-j", "-o", "pid,comm,exe,ret", NULL}, "exe"},
	    {{"-j", "-e", NULL}, "env"},
	    {{"-j", "--output", "nspid,gid", NULL}, "nspid,gid"},
	    {{"-j", NULL}, ""},
	};
	enum { N = sizeof(runs) / sizeof(runs[0]) };
	const char *what = "-o selects the keys";
	char dir[PATH_MAX];
	struct snoop *s[N];
	struct child c;
	const struct truth *t;
	pid_t pid;

	(void)state;
	REQUIRE_PYTHON();
	scratch_dir(dir, sizeof(dir), "selected");
	for (int k = 0; k < N; k++)
		s[k] = snoop_start(runs[k].args);
	c = CHILD(.path = SLEEP_PATH, .dir = dir);
	pid = child_start(&c);
	for (int k = 0; k < N; k++)
		snoop_need_pid(s[k], pid, what);
	t = truth_of(0, pid);
	kid_end(pid);
	for (int k = 0; k < N; k++)
		snoop_stop(s[k], SIGINT);
	for (int k = 0; k < N; k++) {
		const struct ev *e;
		char m[128];

		snprintf(m, sizeof(m), "%s (%s %s)", what, runs[k].args[1],
			 runs[k].args[2] ? runs[k].args[2] : "");
		parse_json(&s[k]->out, runs[k].keys);
		e = ev_one(pid, m);
		if (strstr(runs[k].keys, "cwd"))
			expect_truth(e, t, F_CWD | F_PCOMM, m);
		if (strstr(runs[k].keys, "tty"))
			expect_truth(e, t, F_TTY, m);
		if (strstr(runs[k].keys, "exe"))
			want_strz(e, "exe", sleep_real(), m);
		if (strstr(runs[k].keys, "env"))
			expect_truth(e, t, F_ENV, m);
		if (strstr(runs[k].keys, "nspid")) {
			want_int(e, "nspid", t->nspid, m);
			want_int(e, "gid", t->gid[0], m);
		}
	}
}

/* An unknown field name: usage error, exit 2, saying which. */
static void test_unknown_field(void **state)
{
	static const char *const a1[] = {"-j", "-o", "cwd,nosuch", NULL};
	static const char *const a2[] = {"-o", "+bogus", NULL};
	const char *const *runs[] = {a1, a2};
	const char *names[] = {"nosuch", "bogus"};

	(void)state;
	REQUIRE_PYTHON();
	for (int k = 0; k < 2; k++) {
		struct snoop *s = run_minisnoop(runs[k], 10000);
		char want[128];

		snprintf(want, sizeof(want), "minisnoop: unknown field %s (try: minisnoop check)",
			 names[k]);
		if (!WIFEXITED(s->status) || WEXITSTATUS(s->status) != 2 || !buf_has(&s->err, want))
			fail_msg("-o with %s: wait status 0x%x, expected exit 2 and '%s'; "
				 "stderr:\n%s",
				 names[k], s->status, want, buf_str(&s->err));
		if (s->out.len)
			fail_msg("-o with %s: printed on stdout:\n%s", names[k], buf_str(&s->out));
	}
}

/* Splits a line into whitespace-separated words; how many (at most max). */
static int words(char *line, char **w, int max)
{
	char *save = NULL;
	int n = 0;

	for (char *t = strtok_r(line, " \t", &save); t && n < max; t = strtok_r(NULL, " \t", &save))
		w[n++] = t;
	return n;
}

/* The line of text output whose word #col is pid; copied into out. */
static bool text_line_of(const struct buf *b, int col, pid_t pid, char *out, size_t n)
{
	char num[16];
	const char *p = buf_str(b);

	snprintf(num, sizeof(num), "%d", (int)pid);
	while (*p) {
		size_t len = strcspn(p, "\n");
		char line[8192], *w[64];

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		if (words(line, w, 64) > col && !strcmp(w[col], num)) {
			snprintf(out, n, "%.*s", (int)len, p);
			return true;
		}
		p += len + (p[len] == '\n');
	}
	return false;
}

static void expect_words(const char *line, const char *const *want, const char *what)
{
	char copy[8192], *w[64];
	int n;

	snprintf(copy, sizeof(copy), "%s", line);
	n = words(copy, w, 64);
	for (int k = 0; want[k] || k < n; k++)
		if (!want[k] || k >= n || strcmp(w[k], want[k]))
			fail_msg("%s: word %d is '%s', expected '%s'; the line:\n%s", what, k,
				 k < n ? w[k] : "(none)", want[k] ? want[k] : "(none)", line);
}

/* The first line (the header) of a text run's output, into out. */
static const char *first_line(const struct snoop *s, char *out, size_t n)
{
	snprintf(out, n, "%.*s", (int)strcspn(buf_str(&s->out), "\n"), buf_str(&s->out));
	return out;
}

/*
 * Text runs: minisnoop with each of the n args (the PID column is the first when col[k] is
 * 0); one child c, whose line each of them printed; the child killed, every run stopped.
 * Returns its pid.
 */
static pid_t text_runs(struct snoop **s, const char *const *const *args, const int *col, int n,
		       struct child *c, const char *what)
{
	char needle[32];
	pid_t pid;

	for (int k = 0; k < n; k++)
		s[k] = snoop_start(args[k]);
	pid = child_start(c);
	for (int k = 0; k < n; k++) {
		snprintf(needle, sizeof(needle), "%s%d ", col[k] ? " " : "\n", (int)pid);
		snoop_need_out(s[k], needle, what);
	}
	kid_end(pid);
	for (int k = 0; k < n; k++)
		snoop_stop(s[k], SIGINT);
	return pid;
}

/* Text columns: -o +pcomm,tty adds PARENT and TTY before ARGS; -o pid,ppid,cwd,args gives
 * those columns in that order; a missing value is "-". */
static void test_text_columns(void **state)
{
	static const char *const a1[] = {"-o", "+pcomm,tty", NULL};
	static const char *const a2[] = {"-o", "pid,ppid,cwd,args", NULL};
	static const char *const h1[] = {"PCOMM",  "PID", "PPID", "RET",
					 "PARENT", "TTY", "ARGS", NULL};
	static const char *const h2[] = {"PID", "PPID", "CWD", "ARGS", NULL};
	const char *what = "text columns";
	char dir[PATH_MAX], line[8192], pid_s[16], self_s[16], header[512];
	struct snoop *s[2];
	struct child c;
	pid_t pid;

	(void)state;
	REQUIRE_PYTHON();
	scratch_dir(dir, sizeof(dir), "text-columns");
	c = CHILD(.path = SLEEP_PATH, .dir = dir, .new_session = true);
	/* PID: the second column of one, the first of the other */
	pid = text_runs(s, (const char *const *[]){a1, a2}, (const int[]){1, 0}, 2, &c, what);
	snprintf(pid_s, sizeof(pid_s), "%d", (int)pid);
	snprintf(self_s, sizeof(self_s), "%d", (int)g_self);
	expect_words(first_line(s[0], header, sizeof(header)), h1, "-o +pcomm,tty header");
	if (!text_line_of(&s[0]->out, 1, pid, line, sizeof(line)))
		fail_msg("-o +pcomm,tty: no line of pid %d:\n%s", (int)pid, buf_str(&s[0]->out));
	expect_words(
	    line,
	    (const char *const[]){"sleep", pid_s, self_s, "0", g_comm, "-", SLEEP_PATH, "30", NULL},
	    "-o +pcomm,tty line");
	expect_words(first_line(s[1], header, sizeof(header)), h2, "-o pid,ppid,cwd,args header");
	if (!text_line_of(&s[1]->out, 0, pid, line, sizeof(line)))
		fail_msg("-o pid,ppid,cwd,args: no line of pid %d:\n%s", (int)pid,
			 buf_str(&s[1]->out));
	expect_words(line, (const char *const[]){pid_s, self_s, dir, SLEEP_PATH, "30", NULL},
		     "-o pid,ppid,cwd,args line");
}

/* The header of a text run: PCOMM PID PPID RET, then exactly the headers in mid (any order),
 * then ARGS; the line of pid has one word per column, and two for ARGS (sleep 30). */
static void expect_text_set(const struct snoop *s, const char *const *mid, pid_t pid,
			    const char *what)
{
	char first[1024], header[1024], line[8192], *w[64], *lw[64];
	const char *kept[64];
	int n, ln, nmid = 0;

	/* make tiny has no CONTAINER and POD columns */
	for (int k = 0; mid[k]; k++)
		if (!snoop_tiny() || (strcmp(mid[k], "CONTAINER") && strcmp(mid[k], "POD")))
			kept[nmid++] = mid[k];
	kept[nmid] = NULL;
	mid = kept;
	first_line(s, first, sizeof(first));
	snprintf(header, sizeof(header), "%s", first);
	n = words(header, w, 64);
	if (n != 4 + nmid + 1 || strcmp(w[0], "PCOMM") || strcmp(w[1], "PID") ||
	    strcmp(w[2], "PPID") || strcmp(w[3], "RET") || strcmp(w[n - 1], "ARGS"))
		fail_msg("%s: header is not PCOMM PID PPID RET, %d context columns, ARGS: '%s'",
			 what, nmid, first);
	for (int k = 0; k < nmid; k++) {
		int found = 0;

		for (int j = 4; j < n - 1; j++)
			found += !strcmp(w[j], mid[k]);
		if (found != 1)
			fail_msg("%s: column %s is in the header %d times: '%s'", what, mid[k],
				 found, first);
	}
	if (!text_line_of(&s->out, 1, pid, line, sizeof(line)))
		fail_msg("%s: no line of pid %d:\n%s", what, (int)pid, buf_str(&s->out));
	ln = words(line, lw, 64);
	if (ln != n + 1 || strcmp(lw[ln - 2], SLEEP_PATH) || strcmp(lw[ln - 1], "30"))
		fail_msg("%s: the line of pid %d has %d words, expected %d (one per column, ARGS "
			 "'%s 30'):\n%s\n%s",
			 what, (int)pid, ln, n + 1, SLEEP_PATH, header, line);
}

/* Text -o all: every context column on top of the default ones, ENV only with -e; -e alone
 * adds ENV. */
static void test_text_all_columns(void **state)
{
	static const char *const a1[] = {"-o", "all", NULL};
	static const char *const a2[] = {"-o", "all", "-e", NULL};
	static const char *const a3[] = {"-e", NULL};
	static const char *const all[] = {"ROOT",      "CWD",	"EXE",	 "FILELESS", "EUID",
					  "GID",       "EGID",	"AUID",	 "SESSION",  "TTY",
					  "PARENT",    "PIDNS", "MNTNS", "NSPID",    "CGROUP",
					  "CONTAINER", "POD",	NULL};
	static const char *const all_env[] = {"ROOT",	   "CWD",   "EXE",   "FILELESS", "EUID",
					      "GID",	   "EGID",  "AUID",  "SESSION",	 "TTY",
					      "PARENT",	   "PIDNS", "MNTNS", "NSPID",	 "CGROUP",
					      "CONTAINER", "POD",   "ENV",   NULL};
	static const char *const env[] = {"ENV", NULL};
	char *envp[] = {"A=1", NULL};
	char dir[PATH_MAX];
	struct snoop *s[3];
	struct child c;
	pid_t pid;

	(void)state;
	REQUIRE_PYTHON();
	scratch_dir(dir, sizeof(dir), "text-all");
	c = CHILD(.path = SLEEP_PATH, .dir = dir, .new_session = true, .envp = envp);
	pid = text_runs(s, (const char *const *[]){a1, a2, a3}, (const int[]){1, 1, 1}, 3, &c,
			"text -o all");
	expect_text_set(s[0], all, pid, "-o all");
	expect_text_set(s[1], all_env, pid, "-o all -e");
	expect_text_set(s[2], env, pid, "-e");
}

/* check has a "fields:" section naming each field, "ok" or "null: why". */
static void test_check_fields(void **state)
{
	static const char *const a[] = {"check", NULL};
	const char *sec, *p;
	struct snoop *s;

	(void)state;
	REQUIRE_PYTHON();
	s = run_minisnoop(a, 60000);
	sec = strstr(buf_str(&s->out), "fields:");
	if (!sec)
		fail_msg("check prints no 'fields:' section; stdout:\n%s", buf_str(&s->out));
	for (int k = 0; k < N_CTX_KEYS; k++) {
		bool found = snoop_tiny() &&
			     (!strcmp(g_ctx_keys[k], "container") || !strcmp(g_ctx_keys[k], "pod"));

		for (p = strchr(sec, '\n'); p && p[1] && !found; p = strchr(p + 1, '\n')) {
			char line[512], *w[16];
			int n;

			snprintf(line, sizeof(line), "%.*s", (int)strcspn(p + 1, "\n"), p + 1);
			n = words(line, w, 16);
			for (int j = 0; j + 1 < n && !found; j++)
				if (!strcmp(w[j], g_ctx_keys[k]) &&
				    (!strcmp(w[j + 1], "ok") || !strcmp(w[j + 1], "null:")))
					found = true;
		}
		if (!found)
			fail_msg("check's fields: section has no '%s ok' or '%s null: ...' line; "
				 "stdout:\n%s",
				 g_ctx_keys[k], g_ctx_keys[k], buf_str(&s->out));
	}
}

/* ---------------------------------------------------------------------------------------- */
/* root                                                                                     */

/* A directory all users may enter, with DIR/usr/bin/sudo: our static program. Its real path
 * goes to jail. */
static void make_jail(char *jail, size_t n)
{
	char p[PATH_MAX + 64], true_static[PATH_MAX + 16];

	/* uid 65534 runs from it: the scratch directory is 0700 */
	assert_int_equal(chmod(tmpdir(), 0755), 0);
	scratch_dir(jail, n, "jail");
	snprintf(p, sizeof(p), "%s/usr", jail);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/usr/bin", jail);
	mkdir(p, 0755);
	snprintf(true_static, sizeof(true_static), "%.*s/true-static",
		 (int)(strrchr(g_bin, '/') - g_bin), g_bin);
	snprintf(p, sizeof(p), "%s/usr/bin/sudo", jail);
	copy_file(true_static, p, 0755);
}

/* Whether a text line has a word that is exactly w. */
static bool line_has_word(const char *line, const char *w)
{
	char copy[8192], *ws[64];
	int n;

	snprintf(copy, sizeof(copy), "%s", line);
	n = words(copy, ws, 64);
	for (int k = 0; k < n; k++)
		if (!strcmp(ws[k], w))
			return true;
	return false;
}

/* The text line of pid whose command (the first word) is comm, into out. */
static bool text_line_comm(const struct buf *b, pid_t pid, const char *comm, char *out, size_t n)
{
	char num[16];
	const char *p = buf_str(b);

	snprintf(num, sizeof(num), "%d", (int)pid);
	while (*p) {
		size_t len = strcspn(p, "\n");
		char line[8192], *w[64];

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		if (words(line, w, 64) > 1 && !strcmp(w[0], comm) && !strcmp(w[1], num)) {
			snprintf(out, n, "%.*s", (int)len, p);
			return true;
		}
		p += len + (p[len] == '\n');
	}
	return false;
}

/*
 * Issue 22 item 1: uid 65534 runs `unshare -Ur chroot DIR /usr/bin/sudo` (and with -m, in a
 * mount namespace of its own), where DIR/usr/bin/sudo is its own program. The event says
 * where its root is (root: DIR; mntns), and text output, by default and with -o +cwd,exe,
 * marks every path of it with "⟦DIR⟧" (or "⟦mnt:N:DIR⟧"): no word is "/usr/bin/sudo".
 */
static void test_root_chroot_by_nobody(void **state)
{
	static const char *const text_def[] = {NULL};
	static const char *const text_paths[] = {"-o", "+cwd,exe,filename", NULL};
	const char *modes[] = {"-Ur", "-Urm"};
	char jail[PATH_MAX], mark[PATH_MAX + 64], line[8192], tail[PATH_MAX + 128];

	(void)state;
	REQUIRE_PYTHON();
	make_jail(jail, sizeof(jail));
	for (int m = 0; m < 2; m++) {
		char *argv[] = {"unshare", (char *)modes[m], "chroot", jail, "/usr/bin/sudo", NULL};
		char what[128];
		struct snoop *s[3];
		struct child c;
		const struct ev *e;
		int status;
		pid_t pid;

		snprintf(what, sizeof(what),
			 "root: uid 65534 runs unshare %s chroot DIR /usr/bin/sudo", modes[m]);
		s[0] = snoop_start(ARGS_ALL);
		s[1] = snoop_start(text_def);
		s[2] = snoop_start(text_paths);
		c = CHILD(.path = "/usr/bin/unshare", .argv = argv, .uid = 65534);
		pid = child_start(&c);
		status = kid_wait(pid);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			SKIP("unshare %s chroot as uid 65534: wait status 0x%x (user namespaces "
			     "closed to users?)",
			     modes[m], status);
		for (int k = 0; k < 3; k++)
			snoop_need_out(s[k], "sudo", what);
		for (int k = 1; k < 3; k++)
			snoop_stop(s[k], SIGINT);
		finish(s[0], KEYS_ALL);
		e = ev_find(pid, "/usr/bin/sudo", what);
		want_strz(e, "root", jail, what);
		want_strz(e, "exe", "/usr/bin/sudo", what);
		want_strz(e, "cwd", "/", what);
		want_int(e, "uid", 65534, what);
		if (m == 0) {
			want_int(e, "mntns", ns_inode(g_self, "mnt"), what);
			snprintf(mark, sizeof(mark), "\xe2\x9f\xa6%s\xe2\x9f\xa7", jail);
		} else {
			const struct val *v = need(e, "mntns", what);

			if (v->kind != 'i' || v->i == ns_inode(g_self, "mnt"))
				fail_msg("%s: mntns is not a namespace of its own", what);
			snprintf(mark, sizeof(mark), "\xe2\x9f\xa6mnt:%lld:%s\xe2\x9f\xa7", v->i,
				 jail);
		}
		/* the programs before the chroot: their root is ours, or their namespace's top */
		want_null(ev_find(pid, "/usr/bin/unshare", what), "root", what);
		if (m == 1)
			want_strz(ev_find(pid, "/usr/sbin/chroot", what), "root", "/", what);
		for (int k = 1; k < 3; k++) {
			if (!text_line_comm(&s[k]->out, pid, "sudo", line, sizeof(line)))
				fail_msg("%s: no text line of sudo:\n%s", what,
					 buf_str(&s[k]->out));
			if (line_has_word(line, "/usr/bin/sudo"))
				fail_msg("%s: a word of the text line is /usr/bin/sudo:\n%s", what,
					 line);
			snprintf(tail, sizeof(tail), "%s/usr/bin/sudo", mark);
			if (!line_has_word(line, tail))
				fail_msg("%s: the text line has no word %s:\n%s", what, tail, line);
			snprintf(tail, sizeof(tail), "%s/", mark);
			if (k == 2 && !line_has_word(line, tail))
				fail_msg("%s: the text line's cwd is not %s:\n%s", what, tail,
					 line);
		}
	}
}

/* A bracket of the mark in a path is escaped: no path can pass for a marked one. */
static void test_root_mark_not_forged(void **state)
{
	const char *what = "root: a path holding the mark's brackets";
	static const char *const args[] = {"-o", "+cwd", NULL};
	char base[PATH_MAX], dir[PATH_MAX + 64], line[8192];
	struct snoop *s[1];
	struct child c;
	pid_t pid;

	(void)state;
	REQUIRE_PYTHON();
	scratch_dir(base, sizeof(base), "forge");
	snprintf(dir, sizeof(dir), "%s/\xe2\x9f\xa6x\xe2\x9f\xa7", base);
	if (mkdir(dir, 0755) && errno != EEXIST)
		fail_msg("mkdir %s: %s", dir, strerror(errno));
	c = CHILD(.path = SLEEP_PATH, .dir = dir);
	pid = text_runs(s, (const char *const *[]){args}, (const int[]){1}, 1, &c, what);
	if (!text_line_of(&s[0]->out, 1, pid, line, sizeof(line)))
		fail_msg("%s: no line of pid %d", what, (int)pid);
	if (strstr(line, "\xe2\x9f\xa6") || strstr(line, "\xe2\x9f\xa7") ||
	    !strstr(line, "\\u27e6x\\u27e7"))
		fail_msg("%s: the brackets are not escaped:\n%s", what, line);
}

/* The loops unrolled (MINISNOOP_NO_LOOP), as a kernel without bpf_loop (before 5.17) runs
 * them, for the cases of the walks and the environment, which are callbacks where it has it. */
static int setup_unrolled(void **state)
{
	setenv("MINISNOOP_NO_LOOP", "1", 1);
	return setup(state);
}

static int teardown_unrolled(void **state)
{
	unsetenv("MINISNOOP_NO_LOOP");
	return teardown(state);
}

int main(void)
{
	const char *filter = getenv("MINISNOOP_TEST_FILTER"); /* e.g. "test_cwd_*" */
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(test_ordinary_process_every_field),
	    T(test_cwd_known_directories),
	    T(test_cwd_deleted),
	    T(test_cwd_across_mounts),
	    T(test_cwd_longer_than_4k),
	    T(test_cwd_many_components),
	    T(test_exe_symlink),
	    T(test_exe_script),
	    T(test_exe_memfd),
	    T(test_exe_deleted_file),
	    T(test_creds_setuid),
	    T(test_creds_nobody),
	    T(test_login_uid_and_session),
	    T(test_tty_pts),
	    T(test_tty_none),
	    T(test_pcomm),
	    T(test_namespaces),
	    T(test_root_tracer_chrooted),
	    T(test_root_tracer_sandboxed),
	    T(test_cgroup),
	    T(test_cgroup_second_mount),
	    T(test_cgroup_hidden_and_deep),
	    T(test_cgroup_short_lived),
	    T(test_root_chroot_by_nobody),
	    T(test_root_mark_not_forged),
	    T(test_env_exact),
	    T(test_env_more_than_max_args),
	    T(test_env_over_16k),
	    T(test_env_always_shown),
	    T(test_env_huge),
	    T(test_no_btf),
	    T(test_failed_exec_values),
	    T(test_every_line_has_every_key),
	    T(test_selected_keys),
	    T(test_unknown_field),
	    T(test_text_columns),
	    T(test_text_all_columns),
	    T(test_check_fields),
#undef T
#define U(f) {#f "_unrolled", f, setup_unrolled, teardown_unrolled, NULL}
	    U(test_ordinary_process_every_field),
	    U(test_cwd_known_directories),
	    U(test_cwd_deleted),
	    U(test_cwd_across_mounts),
	    U(test_cwd_longer_than_4k),
	    U(test_cwd_many_components),
	    U(test_exe_symlink),
	    U(test_exe_script),
	    U(test_exe_memfd),
	    U(test_exe_deleted_file),
	    U(test_root_tracer_chrooted),
	    U(test_root_tracer_sandboxed),
	    U(test_cgroup),
	    U(test_cgroup_second_mount),
	    U(test_cgroup_hidden_and_deep),
	    U(test_cgroup_short_lived),
	    U(test_root_chroot_by_nobody),
	    U(test_root_mark_not_forged),
	    U(test_env_exact),
	    U(test_env_more_than_max_args),
	    U(test_env_over_16k),
	    U(test_env_always_shown),
	    U(test_env_huge),
	    U(test_failed_exec_values),
#undef U
	};

	if (filter && *filter)
		cmocka_set_test_filter(filter);
	/* 60 s per test: SIGALRM ends the run if one hangs */
	snoop_init(60, "/tmp/minisnoop-ctx.", cleanup_all);
	return cmocka_run_group_tests_name("context", tests, group_setup, group_teardown);
}
