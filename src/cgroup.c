// SPDX-License-Identifier: MIT
/*
 * cgroup v2 ids to paths, when the kernel did not read the path at the exec (no BTF, or a
 * kernel without the members: insns/context.c's cgroup block). An id is its directory's
 * inode number in the cgroup2 file system (its low 32 bits on a 32-bit kernel), so the tree
 * of a mounted cgroup2 is read into a table, and read again when an id is not in it (at most
 * ten times a second, and for at most a tenth of the time). Paths are relative to the
 * hierarchy's root, like /proc/PID/cgroup's "0::" line: the mount's own root (mountinfo
 * field 4) comes first.
 */
#include "cgroup.h"

#include "container.h"
#include "fmt.h"
#include "sysfile.h"

#include <errno.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define CG_PATH_MAX CGROUP_PATH_MAX
/* A 32-bit kernel (this program is as wide) puts a generation above the inode in an id. */
#define NARROW	     (sizeof(void *) < 8)
#define CG_DEPTH_MAX 32	   /* levels read below the mount */
#define CG_DIRS_MAX  16384 /* directories kept */

struct cg_dir {
	uint64_t ino;
	char *path;
};

static struct cg_dir *dirs;
static size_t ndirs, cap;
static uint64_t next_read_ns; /* when the trees may be read again (0: now) */

static void forget_trees(void)
{
	for (size_t i = 0; i < ndirs; i++)
		free(dirs[i].path);
	free(dirs);
	dirs = NULL;
	ndirs = cap = 0;
}

static void keep(uint64_t ino, const char *path)
{
	if (ndirs == cap) {
		size_t n = cap ? 2 * cap : 64;
		struct cg_dir *d = n <= CG_DIRS_MAX ? realloc(dirs, n * sizeof(*d)) : NULL;

		if (!d)
			return;
		dirs = d;
		cap = n;
	}
	dirs[ndirs].ino = ino;
	dirs[ndirs].path = strdup(path);
	if (dirs[ndirs].path)
		ndirs++;
}

/* dir: the directory on disk, dlen long; path: its cgroup path, plen long ("/" is 1) */
static void walk(char *dir, size_t dlen, char *path, size_t plen, int depth)
{
	DIR *dp = opendir(dir);
	struct dirent *e;

	if (!dp)
		return;
	while ((e = readdir(dp))) {
		size_t n = strlen(e->d_name), q = plen == 1 ? 0 : plen;

		if (e->d_type != DT_DIR || e->d_name[0] == '.' || dlen + n + 2 >= CG_PATH_MAX ||
		    q + n + 2 >= CG_PATH_MAX)
			continue;
		dir[dlen] = '/';
		memcpy(dir + dlen + 1, e->d_name, n + 1);
		path[q] = '/';
		memcpy(path + q + 1, e->d_name, n + 1);
		keep(e->d_ino, path);
		if (depth < CG_DEPTH_MAX)
			walk(dir, dlen + 1 + n, path, q + 1 + n, depth + 1);
		dir[dlen] = 0;
		path[plen] = 0;
	}
	closedir(dp);
}

/* mountinfo's \ooo escapes, in place */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = 0;
}

/* Every cgroup2 mount's tree, into the table. */
static void read_trees(void)
{
	static char info[65536];
	char dir[CG_PATH_MAX], path[CG_PATH_MAX];
	char *line, *next;
	struct stat st;

	forget_trees();
	if (read_small_file("/proc/self/mountinfo", info, sizeof(info)) < 0)
		return;
	for (line = info; line && *line; line = next) {
		char *f[5], *sep, *save = NULL;
		int k = 0;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		sep = str_find(line, " - cgroup2 ");
		if (!sep)
			continue;
		*sep = 0;
		for (char *t = strtok_r(line, " ", &save); t && k < 5;
		     t = strtok_r(NULL, " ", &save))
			f[k++] = t;
		if (k < 5 || strlen(f[3]) >= CG_PATH_MAX || strlen(f[4]) >= CG_PATH_MAX)
			continue;
		unescape(f[3]);
		unescape(f[4]);
		memcpy(dir, f[4], strlen(f[4]) + 1);
		memcpy(path, f[3], strlen(f[3]) + 1);
		if (stat(dir, &st) == 0)
			keep(st.st_ino, path);
		walk(dir, strlen(dir), path, strlen(path), 0);
	}
}

static const char *find(uint64_t id)
{
	for (size_t i = 0; i < ndirs; i++)
		if (dirs[i].ino == id || (NARROW && (uint32_t)dirs[i].ino == (uint32_t)id))
			return dirs[i].path;
	return NULL;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

const char *cgroup_name(uint64_t id)
{
	const char *p = find(id);
	uint64_t start, took;

	if (p)
		return p;
	/* A new cgroup's first exec: read the trees again, at most ten times a second and
	 * for at most a tenth of the time, so that many new cgroups (a delegated subtree is
	 * anyone's) cannot keep the reader from its rings. */
	start = mono_ns();
	if (start >= next_read_ns) {
		read_trees();
		took = mono_ns() - start;
		next_read_ns = start + (took * 10 > 100000000ull ? took * 10 : 100000000ull);
		p = find(id);
	}
	/* The root's inode is 1 (kernfs' first), mounted or not. */
	return p ? p : (NARROW ? (uint32_t)id : id) == 1 ? "/" : NULL;
}

#ifndef MINISNOOP_TINY /* --container: not in make tiny (cgroup.h) */
int cgroup_scan_containers(const struct ctr_filter *f, uint64_t *ids, size_t max, size_t *n,
			   uint64_t *max_id, char *err, size_t errlen)
{
	const char *seen[CTR_IDS_MAX] = {0}; /* the container each prefix named */

	read_trees();
	next_read_ns = 0;
	*n = 0;
	*max_id = 0;
	if (!ndirs) {
		ms_snprintf(err, errlen, "--container: no cgroup2 file system is mounted");
		return -ENOENT;
	}
	for (size_t i = 0; i < ndirs; i++) {
		const char *name = strrchr(dirs[i].path, '/'), *id;

		if (dirs[i].ino > *max_id)
			*max_id = dirs[i].ino;
		name = name ? name + 1 : dirs[i].path;
		if (!ctr_name_match(f, name, strlen(name)))
			continue;
		id = container_id_in_name(name, strlen(name));
		for (unsigned k = 0; k < f->n; k++) {
			size_t len = strcspn(f->ids[k], ",");

			if (memcmp(id, f->ids[k], len))
				continue;
			if (seen[k] && memcmp(seen[k], id, CONTAINER_ID_LEN)) {
				ms_snprintf(err, errlen,
					    "--container: %.*s names more than one container "
					    "(%.12s..., %.12s...)",
					    (int)len, f->ids[k], seen[k], id);
				return -EINVAL;
			}
			seen[k] = id;
		}
		if (*n == max) {
			ms_snprintf(err, errlen, "--container: more than %zu container cgroups",
				    max);
			return -E2BIG;
		}
		ids[(*n)++] = dirs[i].ino;
	}
	return 0;
}
#endif
