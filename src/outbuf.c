// SPDX-License-Identifier: MIT
/* The output buffer: events are formatted into it and written once per batch. */
#include "output.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int outbuf_init(struct outbuf *o, int fd, size_t cap)
{
	if (cap < out_event_max)
		cap = out_event_max;
	o->buf = malloc(cap);
	if (!o->buf) {
		o->len = o->cap = 0;
		return -ENOMEM;
	}
	o->len = 0;
	o->cap = cap;
	o->fd = fd;
	o->stop = NULL;
	return 0;
}

void outbuf_free(struct outbuf *o)
{
	free(o->buf);
	o->buf = NULL;
	o->len = o->cap = 0;
}

int outbuf_flush(struct outbuf *o)
{
	return outbuf_flush_n(o, o->len);
}

int outbuf_flush_n(struct outbuf *o, size_t upto)
{
	size_t off = 0;
	ssize_t n;
	int err = 0;

	if (upto > o->len)
		upto = o->len;
	while (off < upto) {
		n = write(o->fd, o->buf + off, upto - off);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR && !(o->stop && *o->stop))
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* An inherited stdout may be non-blocking: wait, do not spin. */
			struct pollfd p = {.fd = o->fd, .events = POLLOUT};

			if (poll(&p, 1, -1) >= 0 || (errno == EINTR && !(o->stop && *o->stop)))
				continue;
		}
		err = n < 0 ? -errno : -EIO;
		break;
	}
	/* Keep what was not written at the front, so a later flush resumes from there. */
	if (off && off < o->len)
		memmove(o->buf, o->buf + off, o->len - off);
	o->len -= off;
	return err;
}

bool outbuf_reserve(struct outbuf *o, size_t need)
{
	size_t ncap;
	char *nb;

	if (o->cap - o->len >= need)
		return true;
	if (need > SIZE_MAX / 4)
		return false;
	ncap = o->cap ? o->cap : out_event_max;
	while (ncap - o->len < need)
		ncap *= 2;
	nb = realloc(o->buf, ncap);
	if (nb) {
		o->buf = nb;
		o->cap = ncap;
		return true;
	}
	/* No memory: write out the batch so far instead (a rare, extra syscall). */
	return outbuf_flush(o) == 0 && o->cap - o->len >= need;
}
