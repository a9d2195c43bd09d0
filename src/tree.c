// SPDX-License-Identifier: MIT
/* Subtrees: the map seeded from /proc, and -- COMMAND started once tracing is. */
#include "fmt.h"
#include "tree.h"

#include "bpf_sys.h"
#include "insns.h"
#include "sysfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PID_SPACE   (1u << 22) /* pid_max can be at most 4194304 */
#define SEED_ROUNDS 8	       /* /proc read again while a round still finds new processes */
#define SEED_PASSES 4096       /* a child listed before its parent takes one more pass */

int tree_stat_ppid(const char *buf, size_t n, uint32_t *ppid)
{
	size_t i = n, digits = 0;
	uint64_t v = 0;

	/* "PID (COMM) S PPID ...": the comm may hold anything, ')' too: the last one ends it */
	while (i > 0 && buf[i - 1] != ')')
		i--;
	if (!i || i + 3 > n || buf[i] != ' ' || buf[i + 1] == ' ' || buf[i + 2] != ' ')
		return -EINVAL;
	for (i += 3; i < n && buf[i] >= '0' && buf[i] <= '9' && digits < 10; i++, digits++)
		v = v * 10 + (uint64_t)(buf[i] - '0');
	if (!digits || v > UINT32_MAX || (i < n && buf[i] != ' ' && buf[i] != '\n'))
		return -EINVAL;
	*ppid = (uint32_t)v;
	return 0;
}

int tree_tgid(uint32_t pid, uint32_t *tgid)
{
	char path[48], buf[2048], *p;
	int r;

	ms_snprintf(path, sizeof(path), "/proc/%u/status", pid);
	r = read_small_file(path, buf, sizeof(buf));
	if (r < 0)
		return r == -ENOENT ? -ESRCH : r;
	p = str_find(buf, "\nTgid:");
	if (!p)
		return -EINVAL;
	*tgid = (uint32_t)scan_u64(p + 6, NULL, 10, NULL);
	return *tgid && *tgid < PID_SPACE ? 0 : -EINVAL;
}

/* The live processes and their parents, from /proc (bounded by the pid space). */
struct procs {
	uint32_t (*pair)[2];
	size_t n, cap;
};

static int procs_read(struct procs *ps)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[48], buf[1024];

	if (!d)
		return -errno;
	ps->n = 0;
	while ((e = readdir(d))) {
		char *end;
		bool over;
		uint64_t pid = scan_u64(e->d_name, &end, 10, &over);
		uint32_t ppid;
		int len;

		if (e->d_name[0] < '0' || e->d_name[0] > '9' || *end || over || pid >= PID_SPACE)
			continue;
		ms_snprintf(path, sizeof(path), "/proc/%u/stat", (uint32_t)pid);
		len = read_small_file(path, buf, sizeof(buf));
		if (len <= 0 || tree_stat_ppid(buf, (size_t)len, &ppid) || ppid >= PID_SPACE)
			continue; /* gone meanwhile */
		if (ps->n == ps->cap) {
			size_t cap = ps->cap ? ps->cap * 2 : 1024;
			void *m =
			    cap <= PID_SPACE ? realloc(ps->pair, cap * sizeof(*ps->pair)) : NULL;

			if (!m)
				break; /* more than pid_max entries: not a /proc we understand */
			ps->pair = m;
			ps->cap = cap;
		}
		ps->pair[ps->n][0] = (uint32_t)pid;
		ps->pair[ps->n++][1] = ppid;
	}
	closedir(d);
	return 0;
}

#define BIT(bm, i)     ((bm)[(i) / 8] >> ((i) % 8) & 1)
#define SET_BIT(bm, i) ((bm)[(i) / 8] |= (uint8_t)(1u << ((i) % 8)))

/* Children of marked processes are marked, until nothing changes. */
static void mark_descendants(const struct procs *ps, uint8_t *bm)
{
	bool changed = true;

	for (int pass = 0; changed && pass < SEED_PASSES; pass++) {
		changed = false;
		for (size_t k = 0; k < ps->n; k++)
			if (BIT(bm, ps->pair[k][1]) && !BIT(bm, ps->pair[k][0])) {
				SET_BIT(bm, ps->pair[k][0]);
				changed = true;
			}
	}
}

/* pid into the map when marked and not written yet; 1 when written, 0, or -errno. One that
 * ended before it was in (its exit program found nothing to remove) is taken out again. */
static int seed_one(int fd, uint32_t pid, const uint8_t *in, const uint8_t *out, uint8_t *done)
{
	uint32_t mark = BIT(out, pid) ? TREE_OUT : BIT(in, pid) ? TREE_IN : 0;
	char path[32];
	int r;

	if (!mark || BIT(done, pid))
		return 0;
	r = bpf_map_update(fd, &pid, &mark, BPF_ANY);
	if (r)
		return r;
	SET_BIT(done, pid);
	ms_snprintf(path, sizeof(path), "/proc/%u", pid);
	if (access(path, F_OK))
		bpf_map_delete(fd, &pid);
	return 1;
}

int tree_seed(int map_fd, const struct tree_opts *t, char *err, size_t n)
{
	uint8_t *bm = calloc(3, PID_SPACE / 8), *in = bm, *out = bm + PID_SPACE / 8,
		*done = bm + 2 * PID_SPACE / 8;
	struct procs ps = {0};
	int r = bm ? 0 : -ENOMEM, added = 1;

	/* the PIDs themselves go in as /proc lists them: not one that has ended since */
	for (unsigned k = 0; bm && k < t->nin; k++)
		SET_BIT(in, t->in[k]);
	for (unsigned k = 0; bm && k < t->nout; k++)
		SET_BIT(out, t->out[k]);
	for (int round = 0; !r && added && round < SEED_ROUNDS; round++) {
		r = procs_read(&ps);
		if (r) {
			ms_snprintf(err, n, "--tree: reading /proc: %s", strerror(-r));
			break;
		}
		mark_descendants(&ps, in);
		mark_descendants(&ps, out);
		added = 0;
		for (size_t k = 0; k < ps.n && !r; k++) {
			int w = seed_one(map_fd, ps.pair[k][0], in, out, done);

			r = w < 0 ? w : 0;
			added += w > 0;
		}
	}
	if (r == -E2BIG || r == -ENOMEM)
		ms_snprintf(err, n, "--tree: the subtree map is full (%u processes): %s", TREE_MAX,
			    strerror(-r));
	else if (r && !err[0])
		ms_snprintf(err, n, "--tree: filling the subtree map: %s", strerror(-r));
	free(ps.pair);
	free(bm);
	return r;
}

/* ---- -- COMMAND ---- */

/* COMMAND's name in a message: the user's own bytes, still not raw on a terminal. */
static void say(const char *name, const char *what)
{
	char safe[128];
	size_t k = 0;

	for (; k < sizeof(safe) - 1 && name[k]; k++)
		safe[k] = (unsigned char)name[k] < 0x20 || name[k] == 0x7f ? '?' : name[k];
	safe[k] = 0;
	ms_fprintf(stderr, "minisnoop: %s%s: %s\n", safe, name[k] ? "..." : "", what);
}

static bool executable_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

int tree_cmd_find(struct tree_cmd *c, const char *name)
{
	const char *dirs = getenv("PATH"), *p;
	bool denied = false;

	c->pid = 0;
	c->go = c->failed = -1;
	if (!*name) {
		say(name, "command not found");
		return 127;
	}
	if (strchr(name, '/')) {
		if (strlen(name) >= sizeof(c->path) || access(name, F_OK)) {
			say(name, strerror(strlen(name) >= sizeof(c->path) ? ENAMETOOLONG : errno));
			return 127;
		}
		if (!executable_file(name)) {
			say(name, strerror(EACCES));
			return 126;
		}
		memcpy(c->path, name, strlen(name) + 1); /* its length was checked */
		return 0;
	}
	if (!dirs)
		dirs = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (p = dirs;; p++) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		/* an empty entry is the working directory, as in a shell */
		if (len + strlen(name) + 2 < sizeof(c->path)) {
			ms_snprintf(c->path, sizeof(c->path), "%.*s%s%s", (int)len, len ? p : ".",
				    "/", name);
			if (executable_file(c->path))
				return 0;
			denied |= !access(c->path, F_OK);
		}
		if (!end)
			break;
		p = end;
	}
	say(name, denied ? strerror(EACCES) : "command not found");
	return denied ? 126 : 127;
}

int tree_cmd_spawn(struct tree_cmd *c, char **argv)
{
	int go[2], failed[2];
	char b;

	if (pipe2(go, O_CLOEXEC))
		return -errno;
	if (pipe2(failed, O_CLOEXEC)) {
		close(go[0]);
		close(go[1]);
		return -errno;
	}
	c->pid = fork();
	if (c->pid == 0) {
		int e;

		close(go[1]);
		close(failed[0]);
		/* released once the programs are attached and our pid is in the map; an end of
		 * the pipe without the byte: minisnoop could not start */
		while ((e = (int)read(go[0], &b, 1)) < 0 && errno == EINTR)
			;
		if (e != 1)
			_exit(127);
		execv(c->path, argv);
		e = errno;
		(void)!write(failed[1], &e, sizeof(e));
		_exit(e == ENOENT ? 127 : 126);
	}
	close(go[0]);
	close(failed[1]);
	if (c->pid < 0) {
		int e = errno;

		close(go[1]);
		close(failed[0]);
		c->pid = 0;
		return -e;
	}
	c->go = go[1];
	c->failed = failed[0];
	return 0;
}

int tree_cmd_release(struct tree_cmd *c, const char *name)
{
	int e = 0;
	ssize_t r;

	r = write(c->go, "1", 1);
	close(c->go);
	c->go = -1;
	if (r != 1)
		return -EPIPE;
	/* the pipe closes on a successful exec; an error comes through it */
	while ((r = read(c->failed, &e, sizeof(e))) < 0 && errno == EINTR)
		;
	close(c->failed);
	c->failed = -1;
	if (r == (ssize_t)sizeof(e)) {
		say(name, strerror(e));
		return -e;
	}
	return 0;
}

void tree_cmd_abort(struct tree_cmd *c)
{
	if (c->go >= 0)
		close(c->go); /* it leaves without exec'ing */
	if (c->failed >= 0)
		close(c->failed);
	c->go = c->failed = -1;
	if (c->pid > 0)
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
	c->pid = 0;
}

int tree_exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}
