// SPDX-License-Identifier: MIT
/* tracefs lookups; minisnoop mounts tracefs itself so that it works in a bare initramfs. */
#include "fmt.h"
#include "tracefs.h"

#include "sysfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *found;
static const char *mounted_at; /* what tracefs_mount() mounted, to unmount it */

static bool has_events(const char *dir)
{
	char path[256];
	struct stat st;

	ms_snprintf(path, sizeof(path), "%s/events", dir);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char tracing[] = "/sys/kernel/tracing";
static const char debug_tracing[] = "/sys/kernel/debug/tracing";

const char *tracefs_dir(void)
{
	if (found)
		return found;
	if (has_events(tracing))
		return found = tracing;
	if (has_events(debug_tracing))
		return found = debug_tracing;
	return NULL;
}

/* Mounted but closed to us (mode 0700 without CAP_DAC_READ_SEARCH): mounting again cannot
 * help, and saying "not mounted" would mislead. */
static bool closed_to_us(void)
{
	struct stat st;
	char path[64];

	ms_snprintf(path, sizeof(path), "%s/events", tracing);
	return stat(path, &st) < 0 && errno == EACCES;
}

int tracefs_mount(void)
{
	int err;

	if (tracefs_dir())
		return 0;
	if (closed_to_us())
		return -EACCES;
	if (mount("nodev", tracing, "tracefs", 0, NULL) == 0 && has_events(tracing)) {
		found = mounted_at = tracing;
		return 0;
	}
	err = -errno;
	/* Kernels before 4.1 have tracing only inside debugfs. */
	if (mount("nodev", "/sys/kernel/debug", "debugfs", 0, NULL) == 0 &&
	    has_events(debug_tracing)) {
		found = debug_tracing;
		mounted_at = "/sys/kernel/debug";
		return 0;
	}
	if (err == 0)
		err = -errno;
	return err == 0 ? -ENODEV : err;
}

void tracefs_unmount(void)
{
	if (mounted_at && umount2(mounted_at, MNT_DETACH) == 0)
		found = mounted_at = NULL;
}

bool tracefs_mounted_by_us(void)
{
	return mounted_at != NULL;
}

static int event_file(const char *category, const char *event, const char *file, char *buf,
		      size_t n)
{
	char path[512];
	const char *dir = tracefs_dir();

	if (!dir)
		return -ENOENT;
	ms_snprintf(path, sizeof(path), "%s/events/%s/%s/%s", dir, category, event, file);
	return read_small_file(path, buf, n);
}

int tracefs_event_id(const char *category, const char *event)
{
	char buf[32];
	int r = event_file(category, event, "id", buf, sizeof(buf));
	char *end;
	uint64_t id;
	bool over;

	if (r < 0)
		return r;
	id = scan_u64(buf, &end, 10, &over);
	if (end == buf || over || id > 0x7fffffff)
		return -EINVAL;
	return (int)id;
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
