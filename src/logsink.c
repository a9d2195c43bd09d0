// SPDX-License-Identifier: MIT
/*
 * The message sinks: syslog (/dev/log), the journal (its native socket) and the kernel log
 * (/dev/kmsg). Each line of a batch is one message (logfmt.c made it); a daemon that is
 * restarted is connected again (with a back-off), and what could not be sent meanwhile is
 * kept and retried by sink.c, or dropped and counted.
 */
#ifndef MINISNOOP_TINY
#include "logfmt.h"
#include "sink.h"

#include "fmt.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* The most a syslog message may take: rsyslog's default ($MaxMessageSize 8k) and more than
 * RFC 5424's 2048 that every receiver must take; less when the socket's buffer is smaller. */
#define SYSLOG_MAX 8192
/* /dev/kmsg: the kernel refuses a write over PRINTKRB_RECORD_MAX (1024, 6.x) or LOG_LINE_MAX
 * (1024 - 32, before): the smaller, for every kernel. */
#define KMSG_MAX 992
/* Its rate limit when printk.devkmsg is not "on": ratelimit_default_init's 10 records per
 * 5 s per open file. We send no more than that, with a margin at the window's edge, so that
 * the kernel never drops one unseen: what we hold back is counted. */
#define KMSG_BURST   10
#define KMSG_WIN_NS  5000000000ull
#define KMSG_EDGE_NS 100000000ull
#define BACKOFF_MIN  100000000ull
#define BACKOFF_MAX  5000000000ull

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool scratch(struct sink *k, size_t n)
{
	char *p;

	if (n <= k->scratch_cap)
		return true;
	p = realloc(k->scratch, n);
	if (!p)
		return false;
	k->scratch = p;
	k->scratch_cap = n;
	return true;
}

static void sock_close(struct sink *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

/* The daemon's socket; a syslog daemon that offers a stream socket gets one. The datagram
 * limit is our send buffer (the kernel refuses more than sk_sndbuf - 32). */
static int sock_connect(struct sink *k)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	size_t len = strlen(k->path);
	int sndbuf = 0, r;
	socklen_t l = sizeof(sndbuf);

	sock_close(k);
	if (len >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	memcpy(a.sun_path, k->path, len);
	for (int stream = 0; stream < 2; stream++) {
		k->fd = socket(AF_UNIX, (stream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
		if (k->fd < 0)
			return -errno;
		if (!connect(k->fd, (struct sockaddr *)&a, sizeof(a))) {
			k->stream = stream;
			if (!getsockopt(k->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &l) && sndbuf > 1024)
				k->dgram_max = (size_t)sndbuf - 32;
			if (k->proto == SINK_SYSLOG && !stream && k->dgram_max < k->msg_max)
				k->msg_max = k->dgram_max;
			return 0;
		}
		r = -errno;
		sock_close(k);
		if (r != -EPROTOTYPE || k->proto != SINK_SYSLOG)
			return r;
	}
	return r;
}

/* Gone daemon: the socket was closed under us, or its file removed. */
static bool gone(int r)
{
	return r == -ECONNREFUSED || r == -ENOTCONN || r == -ENOENT || r == -EPIPE ||
	       r == -ECONNRESET || r == -EDESTADDRREQ;
}

/* A full queue waits a little, then the message is kept for later. m: a descriptor to pass
 * (the raw call: libc's sendmsg copies the control data, 300 bytes we do not need). */
static int send_wait(struct sink *k, const char *s, size_t len, const struct msghdr *m)
{
	for (int tries = 0;; tries++) {
		struct pollfd p = {.fd = k->fd, .events = POLLOUT};
		ssize_t n = m ? syscall(SYS_sendmsg, k->fd, m, MSG_DONTWAIT | MSG_NOSIGNAL)
			      : send(k->fd, s, len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n >= 0)
			return (int)n;
		if (errno == EINTR)
			continue;
		if ((errno != EAGAIN && errno != EWOULDBLOCK) || tries == 2)
			return -errno;
		poll(&p, 1, 100);
	}
}

/* A stream: the whole message and its NUL, or the connection is closed (it would carry the
 * rest of a message at the front of the next). */
static int send_stream(struct sink *k, const char *s, size_t n)
{
	for (int nul = 0; nul < 2; nul++) {
		const char *p = nul ? "" : s; /* then its NUL */
		size_t len = nul ? 1 : n, off = 0;

		while (off < len) {
			int r = send_wait(k, p + off, len - off, NULL);

			if (r < 0) {
				if (off || nul)
					sock_close(k);
				return r;
			}
			off += (size_t)r;
		}
	}
	return 0;
}

/* A journal entry too large for a datagram: in a sealed memfd, its descriptor sent. */
static int send_memfd(struct sink *k, const char *s, size_t n)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} c;
	struct msghdr m = {.msg_control = c.b, .msg_controllen = sizeof(c.b)};
	struct cmsghdr *h;
	size_t off = 0;
	int fd = memfd_create("minisnoop-journal", MFD_CLOEXEC | MFD_ALLOW_SEALING), r = 0;

	if (fd < 0)
		return -errno;
	while (!r && off < n) {
		ssize_t w = write(fd, s + off, n - off);

		r = w > 0 ? 0 : w < 0 && errno == EINTR ? 0 : -ENOSPC;
		off += w > 0 ? (size_t)w : 0;
	}
	if (!r && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL))
		r = -errno;
	if (!r) {
		memset(&c, 0, sizeof(c));
		h = CMSG_FIRSTHDR(&m);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(h), &fd, sizeof(int));
		r = send_wait(k, NULL, 0, &m);
		r = r < 0 ? r : 0;
		k->big += !r;
	}
	close(fd);
	return r;
}

static int send_one(struct sink *k, const char *s, size_t n)
{
	int r;

	if (k->stream)
		return send_stream(k, s, n);
	if (k->proto == SINK_JOURNAL && n > k->dgram_max)
		return send_memfd(k, s, n);
	r = send_wait(k, s, n, NULL);
	if (r == -EMSGSIZE && k->proto == SINK_JOURNAL)
		return send_memfd(k, s, n);
	if (r == -EMSGSIZE) {
		/* smaller than the socket said: later ones are cut to half; this one is lost */
		k->msg_max = k->msg_max / 2 > 480 ? k->msg_max / 2 : 480;
		k->dropped++;
		ms_fprintf(stderr, "minisnoop: %s: a message too long dropped; now cut to %zu\n",
			   k->path, k->msg_max);
		return 0;
	}
	return r < 0 ? r : 0;
}

static int sock_write_line(struct sink *k, const char *line, size_t len)
{
	uint64_t now;
	int r;

	if (k->proto == SINK_JOURNAL) {
		if (!scratch(k, len))
			return -ENOMEM;
		len = logfmt_unstuff(k->scratch, line, len);
		if (len == (size_t)-1) { /* not ours: cannot happen, but never sent broken */
			k->dropped++;
			return 0;
		}
		line = k->scratch;
	}
	if (k->fd < 0) {
		now = mono_ns();
		if (now < k->retry_ns)
			return k->conn_err;
		r = sock_connect(k);
		if (r) {
			k->backoff_ns = k->backoff_ns ? k->backoff_ns * 2 : BACKOFF_MIN;
			if (k->backoff_ns > BACKOFF_MAX)
				k->backoff_ns = BACKOFF_MAX;
			k->retry_ns = now + k->backoff_ns;
			return k->conn_err = r;
		}
	}
	r = send_one(k, line, len);
	if (gone(r) || (r && k->fd < 0)) {
		/* restarted: its new socket may be there already */
		sock_close(k);
		if (!sock_connect(k))
			r = send_one(k, line, len);
		if (r) {
			sock_close(k);
			k->conn_err = r;
			k->backoff_ns = BACKOFF_MIN;
			k->retry_ns = mono_ns() + k->backoff_ns;
		}
	}
	if (!r)
		k->backoff_ns = 0;
	return r;
}

static int sock_reopen(struct sink *k)
{
	return sock_connect(k);
}

static const struct sink_ops syslog_ops = {
    .name = "syslog", .write_line = sock_write_line, .reopen = sock_reopen, .close = sock_close};
static const struct sink_ops journal_ops = {
    .name = "journal", .write_line = sock_write_line, .reopen = sock_reopen, .close = sock_close};

static void sink_init(struct sink *k, const struct sink_ops *ops, const char *path, int proto,
		      unsigned facility)
{
	memset(k, 0, sizeof(*k));
	k->ops = ops;
	k->fd = -1;
	k->path = path;
	k->proto = (uint8_t)proto;
	k->facility = (uint8_t)facility;
	k->pid = (uint32_t)getpid();
	k->keep_max = SINK_KEEP_MAX;
	k->msg_max = proto == SINK_KMSG ? KMSG_MAX - 1 : SYSLOG_MAX;
	k->dgram_max = 212992 - 32; /* the default send buffer's, until connected */
}

/* Not there yet (a daemon started after us): said, and tried again as events come. */
static int sock_start(struct sink *k, const struct sink_ops *ops, const char *path, int proto,
		      unsigned facility, char *err, size_t n)
{
	int r;

	sink_init(k, ops, path, proto, facility);
	r = sock_connect(k);

	if (r)
		ms_snprintf(err, n, "%s: %s (events are kept and retried)", k->path, strerror(-r));
	return 0;
}

int sink_syslog(struct sink *k, const char *path, unsigned facility, char *err, size_t n)
{
	return sock_start(k, &syslog_ops, path, SINK_SYSLOG, facility, err, n);
}

int sink_journal(struct sink *k, const char *path, char *err, size_t n)
{
	return sock_start(k, &journal_ops, path, SINK_JOURNAL, LOGFMT_FACILITY_DEF, err, n);
}

/* ---- /dev/kmsg ---- */

static int kmsg_write_line(struct sink *k, const char *line, size_t len)
{
	uint64_t now;

	if (k->rate_limited) {
		now = mono_ns();
		if (now - k->win_ns > KMSG_WIN_NS + KMSG_EDGE_NS || !k->win_ns) {
			k->win_ns = now; /* the kernel's window starts again with this one */
			k->win_n = 0;
		} else if (k->win_n >= KMSG_BURST || now - k->win_ns > KMSG_WIN_NS - KMSG_EDGE_NS) {
			if (!k->limited++)
				ms_fprintf(stderr,
					   "minisnoop: %s: events dropped by the rate limit "
					   "(counted)\n",
					   k->path);
			k->dropped++;
			return 0;
		}
		k->win_n++;
	}
	for (;;) {
		/* with its newline: a record without one stays open for a continuation, unseen
		 * by readers of /dev/kmsg until the next record comes */
		struct iovec iov[2] = {{(void *)line, len}, {"\n", 1}};
		ssize_t w = writev(k->fd, iov, 2);

		if (w >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno == EINVAL) { /* longer than this kernel takes: cannot be sent */
			k->dropped++;
			return 0;
		}
		return -errno;
	}
}

static const struct sink_ops kmsg_ops = {
    .name = "kmsg", .write_line = kmsg_write_line, .close = sock_close};

int sink_kmsg(struct sink *k, const char *path, const char *limit_path, unsigned facility,
	      char *err, size_t n)
{
	char mode[16] = "";
	int fd;
	ssize_t got;

	sink_init(k, &kmsg_ops, path, SINK_KMSG, facility);
	k->fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (k->fd < 0) {
		int r = -errno;

		ms_snprintf(err, n, "--kmsg: %s: %s", path, strerror(-r));
		return r;
	}
	fd = open(limit_path, O_RDONLY | O_CLOEXEC);
	got = fd >= 0 ? read(fd, mode, sizeof(mode) - 1) : -1;
	if (fd >= 0)
		close(fd);
	mode[got > 0 ? got : 0] = 0;
	k->rate_limited = strncmp(mode, "on", 2) != 0;
	if (k->rate_limited)
		ms_snprintf(err, n, "--kmsg: printk.devkmsg=%s: %s (%s: on)",
			    got <= 0	     ? "ratelimit (assumed)"
			    : mode[1] == 'f' ? "off"
					     : "ratelimit",
			    mode[1] == 'f' ? "writes are ignored"
					   : "10 events per 5 s, the rest dropped and counted",
			    limit_path);
	if (mode[1] != 'f')
		return 0;
	sock_close(k);
	return -EPERM;
}

void sink_notes(const struct sink *k, char *buf, size_t n)
{
	ms_snprintf(buf, n, ", %" PRIu64 " cut to fit, %" PRIu64 " dropped by the rate limit",
		    k->cut, k->limited);
}
#endif
