// SPDX-License-Identifier: MIT
/* Output sinks: standard output, and a file that rotates (-w, --rotate) and survives errors. */
#include "sink.h"

#include "fmt.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Writes buf[0..len) to fd; *done: the bytes written. EINTR is retried unless *stop is set,
 * EAGAIN (an inherited non-blocking stdout) waits in poll. */
static int fd_write_all(int fd, const char *buf, size_t len, const volatile sig_atomic_t *stop,
			size_t *done)
{
	size_t off = 0;
	ssize_t n;
	int err = 0;

	while (off < len) {
		n = write(fd, buf + off, len - off);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR && !(stop && *stop))
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};

			if (poll(&p, 1, -1) >= 0 || (errno == EINTR && !(stop && *stop)))
				continue;
		}
		err = n < 0 ? -errno : -EIO;
		break;
	}
	*done = off;
	return err;
}

static uint64_t count_lines(const char *buf, size_t len)
{
	uint64_t n = 0;
	const char *p = buf, *end = buf + len;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

size_t sink_lines_within(const char *buf, size_t len, size_t max)
{
	size_t i = len < max ? len : max;

	while (i > 0 && buf[i - 1] != '\n')
		i--;
	return i;
}

/* ---- standard output ---- */

static int stdout_write(struct sink *k, const char *buf, size_t len, size_t *done)
{
	return fd_write_all(k->fd, buf, len, k->stop, done);
}

static void fd_close(struct sink *k)
{
	(void)k; /* standard output stays open: the shell's, not ours */
}

static const struct sink_ops stdout_ops = {
    .name = "standard output", .write = stdout_write, .close = fd_close};

void sink_stdout(struct sink *k, int fd, const volatile sig_atomic_t *stop)
{
	memset(k, 0, sizeof(*k));
	k->ops = &stdout_ops;
	k->fd = fd;
	k->stop = stop;
}

#ifdef MINISNOOP_TINY
/* make tiny: standard output alone (main.c refuses -w, --rotate and the message sinks), which
 * ends the session on an error instead of keeping what failed. */
int sink_file(struct sink *k, const char *path, uint64_t rot_size, unsigned rot_count, char *err,
	      size_t n)
{
	(void)k, (void)rot_size, (void)rot_count;
	ms_snprintf(err, n, "-w %s: not in this build", path);
	return -EOPNOTSUPP;
}

int sink_header(struct sink *k, const char *head, size_t len)
{
	size_t done;

	return len ? k->ops->write(k, head, len, &done) : 0;
}

int sink_write(struct sink *k, const char *buf, size_t len, size_t *done)
{
	int r = k->ops->write(k, buf, len, done);

	k->lines += k->batch_lines && *done == len ? k->batch_lines : count_lines(buf, *done);
	k->batch_lines = 0;
	return r;
}

int sink_retry(struct sink *k)
{
	(void)k;
	return 0;
}

int sink_reopen(struct sink *k)
{
	(void)k;
	return 0;
}

void sink_close(struct sink *k)
{
	(void)k;
}

int sink_poll_fd(const struct sink *k)
{
	return k->fd;
}
#else
/* ---- a file ---- */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A file that begins empty begins with the header (whose size is its base: a line too long
 * for SIZE after it is written, not rotated away again). */
static int file_head(struct sink *k)
{
	size_t w = 0;
	int r = k->head_len ? fd_write_all(k->fd, k->head, k->head_len, NULL, &w) : 0;

	k->size += w;
	k->base = k->size;
	return r;
}

/*
 * Opened for appending, created 0600 (the events hold command lines: secrets passed as
 * arguments are not for every local user). Refused: a symbolic link (O_NOFOLLOW: root would
 * write where whoever can write the directory points it), anything but a regular file (a FIFO
 * would block us, a device is not a log) and a file with other hard links (one to a file we
 * must not append to). O_NONBLOCK only for the open, so a FIFO fails instead of waiting.
 */
static int file_open(struct sink *k, const char **why)
{
	struct stat st;
	int fd =
		open(k->path,
		     O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK,
		     0600),
	    r;

	*why = NULL;
	if (fd < 0) {
		r = -errno;
		if (r == -ELOOP)
			*why = "a symbolic link (refused)";
		else if (r == -ENXIO)
			*why = "not a regular file (refused)";
		return r;
	}
	if (fstat(fd, &st)) {
		r = -errno;
		close(fd);
		return r;
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink > 1) {
		*why = S_ISREG(st.st_mode) ? "has other hard links (refused)"
					   : "not a regular file (refused)";
		close(fd);
		return -EINVAL;
	}
	fcntl(fd, F_SETFL, O_APPEND);
	if (k->fd >= 0)
		close(k->fd);
	k->fd = fd;
	k->size = (uint64_t)st.st_size;
	k->base = 0;
	k->checked_ns = mono_ns();
	return k->size ? 0 : file_head(k);
}

/* FILE.(i-1) -> FILE.i down to FILE -> FILE.1, then a new FILE (tcpdump's -C/-W). */
static int file_rotate(struct sink *k)
{
	char from[PATH_MAX], to[PATH_MAX];
	const char *why;

	for (unsigned i = k->rot_count; i > 1; i--) {
		ms_snprintf(from, sizeof(from), "%s.%u", k->path, i - 1);
		ms_snprintf(to, sizeof(to), "%s.%u", k->path, i);
		if (rename(from, to) && errno != ENOENT)
			return -errno;
	}
	ms_snprintf(to, sizeof(to), "%s.1", k->path);
	if (rename(k->path, to) && errno != ENOENT)
		return -errno;
	k->rotations++;
	return file_open(k, &why);
}

static void file_close(struct sink *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

/* A file removed under us (not by logrotate's rename, which SIGHUP follows) would take the
 * events with it: looked at once a second, and opened again by its name. */
static int file_check(struct sink *k)
{
	uint64_t now = mono_ns();
	struct stat st;
	const char *why;

	if (k->fd >= 0 && now - k->checked_ns < 1000000000ull)
		return 0;
	k->checked_ns = now;
	if (k->fd >= 0 && !fstat(k->fd, &st) && st.st_nlink > 0) {
		k->size = (uint64_t)st.st_size; /* logrotate's copytruncate emptied it */
		return 0;
	}
	/* not the removed file meanwhile: each try opens it again */
	file_close(k);
	return file_open(k, &why);
}

/* Whole lines, never one across two files: a batch that would pass SIZE is split between two
 * lines, and the rest goes to a new file; a line longer than SIZE has a file of its own. A
 * write that fails within a line takes the line's start back out (ftruncate), so that the
 * line is written whole when it is retried. */
static int file_write(struct sink *k, const char *buf, size_t len, size_t *done)
{
	size_t off = 0, n, w;
	int r = file_check(k);

	while (!r && off < len) {
		n = len - off;
		if (k->rot_size) {
			n = sink_lines_within(buf + off, n,
					      k->size < k->rot_size ? k->rot_size - k->size : 0);
			if (!n && k->size > k->base) {
				r = file_rotate(k);
				continue;
			}
			if (!n) { /* longer than SIZE: alone in its file */
				const char *nl = memchr(buf + off, '\n', len - off);

				n = nl ? (size_t)(nl - (buf + off)) + 1 : len - off;
			}
		}
		r = fd_write_all(k->fd, buf + off, n, NULL, &w);
		k->size += w;
		if (r) {
			size_t whole = sink_lines_within(buf + off, w, w);

			if (whole < w && !ftruncate(k->fd, (off_t)(k->size - (w - whole))))
				k->size -= w - whole;
			else if (whole < w)
				whole = w; /* cannot take it back: the rest follows it */
			w = whole;
		}
		off += w;
	}
	*done = off;
	return r;
}

static int file_reopen(struct sink *k)
{
	const char *why;

	return file_open(k, &why);
}

static const struct sink_ops file_ops = {
    .name = "file", .write = file_write, .reopen = file_reopen, .close = file_close};

int sink_file(struct sink *k, const char *path, uint64_t rot_size, unsigned rot_count, char *err,
	      size_t n)
{
	const char *why;
	int r;

	memset(k, 0, sizeof(*k));
	k->ops = &file_ops;
	k->fd = -1;
	k->path = path;
	k->rot_size = rot_size;
	k->rot_count = rot_count ? rot_count : 1;
	k->keep_max = SINK_KEEP_MAX;
	r = file_open(k, &why);
	if (r)
		ms_snprintf(err, n, "-w %s: %s", path, why ? why : strerror(-r));
	return r;
}

/* ---- what every sink shares ---- */

/* The batch line by line, for a sink that sends each event on its own. */
static int lines_write(struct sink *k, const char *buf, size_t len, size_t *done)
{
	size_t off = 0;
	int r = 0;

	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (buf + off)) : len - off;

		r = k->ops->write_line(k, buf + off, n);
		if (r)
			break;
		off += n + (nl != NULL);
	}
	*done = off;
	return r;
}

/* lines: buf's, when known (0: counted; a scan of every byte written) */
static int do_write(struct sink *k, const char *buf, size_t len, size_t *done, size_t lines)
{
	int r = k->ops->write ? k->ops->write(k, buf, len, done) : lines_write(k, buf, len, done);

	k->lines += lines && *done == len ? lines : count_lines(buf, *done);
	return r;
}

/* Only standard output ends the session on an error (the reader left, or cannot be written);
 * the other sinks keep what failed and try again. */
static bool keeps(const struct sink *k)
{
	return k->ops != &stdout_ops;
}

static void say_error(struct sink *k, int r)
{
	k->errors++;
	if (k->err == r)
		return;
	k->err = r;
	ms_fprintf(stderr,
		   "minisnoop: writing %s: %s (what fails is kept, up to %u KiB, and retried; "
		   "then dropped and counted)\n",
		   k->path ? k->path : k->ops->name, strerror(-r), (unsigned)(k->keep_max / 1024));
}

/* Keeps buf for the next try: whole lines, the oldest first, up to keep_max; the rest dropped
 * and counted. */
static void keep(struct sink *k, const char *buf, size_t len)
{
	size_t n;
	uint64_t dropped;

	if (!k->keep && len) {
		k->keep = malloc(k->keep_max);
		if (!k->keep)
			k->keep_max = 0;
	}
	n = sink_lines_within(buf, len, k->keep_max - k->keep_len);
	if (n && k->keep)
		memcpy(k->keep + k->keep_len, buf, n);
	k->keep_len += n;
	dropped = count_lines(buf + n, len - n);
	if (dropped && !k->dropped)
		ms_fprintf(stderr,
			   "minisnoop: writing %s: events are dropped now (counted, said when "
			   "writing works again)\n",
			   k->path ? k->path : k->ops->name);
	k->dropped += dropped;
}

int sink_retry(struct sink *k)
{
	size_t w;
	int r;

	if (!k->keep_len)
		return 0;
	r = do_write(k, k->keep, k->keep_len, &w, 0);
	if (w < k->keep_len)
		memmove(k->keep, k->keep + w, k->keep_len - w);
	k->keep_len -= w;
	if (r) {
		say_error(k, r);
		return r;
	}
	if (k->err) {
		ms_fprintf(stderr,
			   "minisnoop: writing %s again (%" PRIu64 " failed tries, %" PRIu64
			   " events dropped so far)\n",
			   k->path ? k->path : k->ops->name, k->errors, k->dropped);
		k->err = 0;
	}
	return 0;
}

int sink_header(struct sink *k, const char *head, size_t len)
{
	size_t done;
	int r;

	if (!len)
		return 0;
	if (!keeps(k))
		return k->ops->write(k, head, len, &done);
	k->head = malloc(len);
	if (!k->head)
		return -ENOMEM;
	memcpy(k->head, head, len);
	k->head_len = len;
	if (k->fd >= 0 && !k->size && (r = file_head(k)))
		say_error(k, r); /* as any write to the file: said, not fatal */
	return 0;
}

int sink_write(struct sink *k, const char *buf, size_t len, size_t *done)
{
	size_t w = 0, lines = k->batch_lines;
	int r;

	*done = 0;
	k->batch_lines = 0;
	if (!keeps(k))
		return do_write(k, buf, len, done, lines);
	/* what failed before goes first, in order */
	r = sink_retry(k);
	if (!r)
		r = do_write(k, buf, len, &w, lines);
	if (r) {
		say_error(k, r);
		keep(k, buf + w, len - w);
	}
	*done = len;
	return 0;
}

int sink_reopen(struct sink *k)
{
	int r;

	if (!k->ops->reopen)
		return 0;
	r = k->ops->reopen(k);
	if (r)
		say_error(k, r);
	else
		sink_retry(k);
	return r;
}

void sink_close(struct sink *k)
{
	if (k->keep_len && sink_retry(k)) {
		uint64_t n = count_lines(k->keep, k->keep_len);

		k->dropped += n;
		ms_fprintf(stderr,
			   "minisnoop: writing %s: %" PRIu64 " events not written at exit\n",
			   k->path ? k->path : k->ops->name, n);
	}
	k->ops->close(k);
	free(k->keep);
	free(k->head);
	free(k->scratch);
	k->keep = k->head = k->scratch = NULL;
	k->scratch_cap = 0;
	k->keep_len = k->head_len = 0;
}

int sink_poll_fd(const struct sink *k)
{
	return keeps(k) ? -1 : k->fd;
}

int sink_parse_rotate(const char *s, uint64_t *size, unsigned *count)
{
	uint64_t v = 0, mul = 1, c = 1;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > (1ull << 40))
			return -EINVAL;
	}
	if (p == s || !v)
		return -EINVAL;
	if (*p == 'k' || *p == 'K')
		mul = 1024, p++;
	else if (*p == 'M')
		mul = 1ull << 20, p++;
	else if (*p == 'G')
		mul = 1ull << 30, p++;
	if (*p == ',') {
		const char *q = ++p;

		for (c = 0; *p >= '0' && *p <= '9' && c <= 999; p++)
			c = c * 10 + (uint64_t)(*p - '0');
		if (p == q || c < 1 || c > 999)
			return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	*size = v * mul;
	*count = (unsigned)c;
	return 0;
}
#endif
