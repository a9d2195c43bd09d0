// SPDX-License-Identifier: MIT
/* One reader for the small files everything else looks at. */
#include "sysfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

int read_small_file(const char *path, char *buf, size_t n)
{
	return read_small_file_at(AT_FDCWD, path, buf, n);
}

int read_small_file_at(int dir, const char *path, char *buf, size_t n)
{
	int fd = openat(dir, path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t r = 0;

	if (fd < 0)
		return -errno;
	/* A bounded number of reads: files in /proc may hand out a few bytes at a time. */
	for (int k = 0; k < 64 && len + 1 < n && (r = read(fd, buf + len, n - 1 - len)) > 0; k++)
		len += (size_t)r;
	if (r < 0)
		r = -errno;
	close(fd);
	if (n)
		buf[len] = 0;
	return r < 0 ? (int)r : (int)len;
}

uint64_t scan_u64(const char *s, char **end, unsigned base, bool *overflow)
{
	const char *p = s, *digits;
	uint64_t v = 0;
	bool over = false;
	unsigned d;

	while (*p == ' ' || *p == '\t')
		p++;
	for (digits = p;; p++) {
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && (*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')
			d = (unsigned)((*p | 0x20) - 'a' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			over = true;
		v = over ? UINT64_MAX : v * base + d;
	}
	if (end)
		*end = (char *)(p == digits ? s : p);
	if (overflow)
		*overflow = over;
	return v;
}

char *str_find(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (*hay == *needle && !strncmp(hay, needle, n))
			return (char *)hay;
	return NULL;
}

size_t page_size(void)
{
	static size_t page;

	if (!page)
		page = getauxval(AT_PAGESZ);
	if (!page)
		page = 4096;
	return page;
}
