// SPDX-License-Identifier: MIT
/* One reader for the small files everything else looks at. */
#include "sysfile.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int read_small_file(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
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
