// SPDX-License-Identifier: MIT
/* tracefs lookups; minisnoop mounts tracefs itself, privately, so that it works in a bare
 * initramfs. */
#include "fmt.h"
#include "tracefs.h"

#include "sysfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char tracing[] = "/sys/kernel/tracing";
static const char debug_tracing[] = "/sys/kernel/debug/tracing";

/*
 * While open: the directory holding events/, which every lookup reads through, so that it
 * cannot be pulled from under us halfway; its path, for messages; whether it is a mount of
 * our own. A mount of our own is in no namespace any more: it lives as long as this fd.
 */
static int dir_fd = -1;
static const char *dir_path;
static bool own_mount;

/* path as an fd when it holds events/; -ENOENT when it does not, -EACCES when closed to us. */
static int open_events_dir(const char *path)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC), err;
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstatat(fd, "events", &st, 0) == 0 && S_ISDIR(st.st_mode))
		return fd;
	err = errno == EACCES ? -EACCES : -ENOENT;
	close(fd);
	return err;
}

/* The one mounted already at either place, looked up once; -ENOENT, or -EACCES when
 * /sys/kernel/tracing is there but closed to us (mode 0700 without CAP_DAC_READ_SEARCH):
 * mounting again cannot help, and saying "not mounted" would mislead. */
static int look_up(void)
{
	int fd;

	if (dir_fd >= 0)
		return 0;
	fd = open_events_dir(tracing);
	dir_path = tracing;
	if (fd < 0) {
		int r = open_events_dir(debug_tracing);

		if (r < 0)
			return fd == -EACCES ? fd : -ENOENT;
		fd = r;
		dir_path = debug_tracing;
	}
	dir_fd = fd;
	return 0;
}

const char *tracefs_dir(void)
{
	return look_up() ? NULL : dir_path;
}

/* The child's exit status: which place it mounted (the index in places), or 2 + errno. */
static const char *const places[] = {tracing, debug_tracing};

/*
 * In a child of a mount namespace of its own that shares our fd table: mounts tracefs
 * there (debugfs, holding tracing/, on kernels before 4.1) and puts the directory into
 * our slot fd. Its mounts are made private first, so that nothing mounted there reaches
 * the namespace it was copied from; when "/" is no mount point (a chroot), sysfs' is.
 */
static int mount_in_child(int slot)
{
	int fd, err, at = 0;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) &&
	    (errno != EINVAL || mount(NULL, "/sys", NULL, MS_REC | MS_PRIVATE, NULL)))
		return 2 + errno;
	err = mount("nodev", tracing, "tracefs", 0, NULL) ? errno : 0;
	fd = err ? -err : open_events_dir(tracing);
	if (fd < 0) {
		/* Kernels before 4.1 have tracing only inside debugfs. */
		int err2 = mount("nodev", "/sys/kernel/debug", "debugfs", 0, NULL) ? errno : 0;

		fd = err2 ? -err2 : open_events_dir(debug_tracing);
		if (fd < 0)
			return 2 + (err ? err : err2 ? err2 : ENODEV);
		at = 1;
	}
	err = dup3(fd, slot, O_CLOEXEC) < 0 ? 2 + errno : at;
	close(fd);
	return err;
}

/*
 * Mounts tracefs where nobody else sees it, nor can unmount it: in a child that is alone in
 * a new mount namespace. The mount outlives that namespace through the fd the child leaves
 * in our table (a lazily unmounted filesystem stays readable through the fds open on it).
 * Our own namespace, root and working directory never change, and nothing is left mounted
 * in any namespace: there is nothing to unmount.
 */
static int mount_private(void)
{
	int slot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), st = 0, err;
	long pid;

	if (slot < 0)
		return -errno;
	/* The raw clone: fork() cannot give a child our fd table, and its atfork machinery
	 * costs a kilobyte. The child only makes system calls. Every argument after the flags
	 * is 0, so each architecture's order of them is the same. */
	pid = syscall(SYS_clone, CLONE_NEWNS | CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		_exit(mount_in_child(slot));
	if (pid < 0) {
		err = -errno;
		close(slot);
		return err;
	}
	while (waitpid((pid_t)pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) > 1) {
		close(slot);
		return WIFEXITED(st) ? -(WEXITSTATUS(st) - 2) : -ECHILD;
	}
	dir_fd = slot;
	dir_path = places[WEXITSTATUS(st)];
	own_mount = true;
	return 0;
}

int tracefs_open(void)
{
	int r = look_up();

	return r == -ENOENT ? mount_private() : r;
}

void tracefs_close(void)
{
	if (dir_fd >= 0)
		close(dir_fd);
	dir_fd = -1;
	dir_path = NULL;
	own_mount = false;
}

bool tracefs_own_mount(void)
{
	return own_mount;
}

static int event_file(const char *category, const char *event, const char *file, char *buf,
		      size_t n)
{
	char path[256];

	if (!tracefs_dir())
		return -ENOENT;
	ms_snprintf(path, sizeof(path), "events/%s/%s/%s", category, event, file);
	return read_small_file_at(dir_fd, path, buf, n);
}

/* The number at s, as an event id: 0..INT_MAX, or -EINVAL. */
static int scan_id(const char *s)
{
	char *end;
	bool over;
	uint64_t id = scan_u64(s, &end, 10, &over);

	return end == s || over || id > 0x7fffffff ? -EINVAL : (int)id;
}

int tracefs_event_id(const char *category, const char *event)
{
	char buf[32];
	int r = event_file(category, event, "id", buf, sizeof(buf));

	return r < 0 ? r : scan_id(buf);
}

int tracefs_parse_id(const char *format)
{
	/* "name: sys_enter_execve\nID: 862\nformat:...": the id file's number, one read fewer */
	const char *s = format;

	while (strncmp(s, "ID: ", 4)) {
		s = strchr(s, '\n');
		if (!s)
			return -ENOENT;
		s++;
	}
	return s[4] >= '0' && s[4] <= '9' ? scan_id(s + 4) : -EINVAL;
}

/* "key:N" inside [p, eol) as an int in 0..65535; false when absent or not a number. */
static bool line_int(const char *p, const char *eol, const char *key, int *out)
{
	size_t klen = strlen(key);
	const char *at = p;
	long v = 0;

	/* a plain scan: the line is short, and memmem costs a kilobyte in a static binary */
	while (at + klen <= eol && memcmp(at, key, klen))
		at++;
	if (at + klen > eol)
		return false;
	at += klen;
	if (at >= eol || *at < '0' || *at > '9')
		return false;
	for (; at < eol && *at >= '0' && *at <= '9'; at++)
		if ((v = v * 10 + (*at - '0')) > 65535)
			return false;
	*out = (int)v;
	return true;
}

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

int tracefs_parse_field(const char *format, const char *field, int *offset, int *size)
{
	size_t flen = strlen(field);
	const char *s = format;

	/* Lines look like: "\tfield:const char * filename;\toffset:16;\tsize:8;\tsigned:0;" */
	while ((s = str_find(s, "field:")) != NULL) {
		const char *decl = s + 6, *eol = strchr(decl, '\n'), *semi, *end, *name;

		if (!eol)
			eol = decl + strlen(decl);
		s = eol; /* the next search starts past this line: always forward */
		semi = memchr(decl, ';', (size_t)(eol - decl));
		if (!semi)
			continue;
		end = semi;
		if (end > decl && end[-1] == ']') { /* "char comm[16]": the name is before '[' */
			const char *lb = memrchr(decl, '[', (size_t)(end - decl));

			if (!lb)
				continue;
			end = lb;
		}
		for (name = end; name > decl && ident_char(name[-1]);)
			name--;
		if ((size_t)(end - name) != flen || strncmp(name, field, flen))
			continue;
		if (!line_int(semi, eol, "offset:", offset) || !line_int(semi, eol, "size:", size))
			return -EINVAL;
		return 0;
	}
	return -ENOENT;
}

int tracefs_format(const char *category, const char *event, char *buf, size_t n)
{
	return event_file(category, event, "format", buf, n);
}
