// SPDX-License-Identifier: MIT
/* tracefs lookups; minisnoop mounts tracefs itself so that it works in a bare initramfs. */
#include "tracefs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *found;
static bool mounted_here;

static bool has_events(const char *dir)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/events", dir);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *tracefs_find(bool mount_it, int *err)
{
	static const char tracing[] = "/sys/kernel/tracing";
	static const char debug_tracing[] = "/sys/kernel/debug/tracing";

	*err = 0;
	if (found)
		return found;
	if (has_events(tracing))
		return found = tracing;
	if (has_events(debug_tracing))
		return found = debug_tracing;
	if (!mount_it) {
		*err = -ENOENT;
		return NULL;
	}
	if (mount("nodev", tracing, "tracefs", 0, NULL) == 0 && has_events(tracing)) {
		mounted_here = true;
		return found = tracing;
	}
	*err = -errno;
	/* Kernels before 4.1 have tracing only inside debugfs. */
	if (mount("nodev", "/sys/kernel/debug", "debugfs", 0, NULL) == 0 &&
	    has_events(debug_tracing)) {
		mounted_here = true;
		return found = debug_tracing;
	}
	if (*err == 0)
		*err = -errno;
	if (*err == -ENODEV || *err == 0)
		*err = -ENODEV;
	return NULL;
}

bool tracefs_mounted_by_us(void)
{
	return mounted_here;
}

static int read_file(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t r;

	if (fd < 0)
		return -errno;
	while (len + 1 < n && (r = read(fd, buf + len, n - 1 - len)) > 0)
		len += (size_t)r;
	close(fd);
	buf[len] = 0;
	return (int)len;
}

static int event_file(const char *category, const char *event, const char *file, char *buf,
		      size_t n)
{
	char path[512];
	int err;
	const char *dir = tracefs_find(true, &err);

	if (!dir)
		return err;
	snprintf(path, sizeof(path), "%s/events/%s/%s/%s", dir, category, event, file);
	return read_file(path, buf, n);
}

int tracefs_event_id(const char *category, const char *event)
{
	char buf[32];
	int r = event_file(category, event, "id", buf, sizeof(buf));
	char *end;
	long id;

	if (r < 0)
		return r;
	id = strtol(buf, &end, 10);
	if (end == buf || id < 0 || id > 0x7fffffff)
		return -EINVAL;
	return (int)id;
}

int tracefs_parse_field(const char *format, const char *field, int *offset, int *size)
{
	const char *s = format;
	size_t flen = strlen(field);

	/* Lines look like: "\tfield:const char * filename;\toffset:16;\tsize:8;\tsigned:0;" */
	while ((s = strstr(s, "field:")) != NULL) {
		const char *semi = strchr(s, ';'), *name;

		if (!semi)
			break;
		name = semi;
		if (name > s && name[-1] == ']') /* "char comm[16]" */
			while (name > s && name[-1] != '[')
				name--, semi = name - 1;
		name = semi;
		while (name > s && name[-1] != ' ' && name[-1] != '*' && name[-1] != ':')
			name--;
		if ((size_t)(semi - name) == flen && !strncmp(name, field, flen)) {
			const char *o = strstr(semi, "offset:"), *z = strstr(semi, "size:");
			const char *nl = strchr(semi, '\n');

			if (!o || !z || (nl && (o > nl || z > nl)))
				return -EINVAL;
			*offset = atoi(o + 7);
			*size = atoi(z + 5);
			return 0;
		}
		s = semi;
	}
	return -ENOENT;
}

int tracefs_format(const char *category, const char *event, char *buf, size_t n)
{
	return event_file(category, event, "format", buf, n);
}
