// SPDX-License-Identifier: MIT
/*
 * Finds a user's uid in a passwd file. The file is read in fixed-size chunks and parsed one
 * byte at a time, keeping only where in the line the parse is, so that no line is ever cut in
 * two: a name is only looked for right after a newline (or at the start of the file).
 */
#include "passwd.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Where the parse is in the current line: name:password:uid:gid:... */
enum { NAME, PASSWORD, UID, GID, SKIP };

struct scan {
	const char *name;
	size_t len, pos; /* name's length, bytes of it matched */
	uint64_t id[2];	 /* uid, gid */
	int digits, state;
	int ids; /* fields wanted: 1 (uid) or 2 (uid and gid) */
};

/* One digit of the uid or gid field (which = 0 or 1); ':' after digits ends it. */
static int id_digit(struct scan *s, int which, char c)
{
	if (c == ':' && s->digits) {
		s->digits = 0;
		return 1;
	}
	if (c < '0' || c > '9') {
		s->state = SKIP;
		return 0;
	}
	s->id[which] = s->id[which] * 10 + (uint64_t)(c - '0');
	s->digits = 1;
	/* More digits only make it bigger: stop before it can overflow. */
	if (s->id[which] >= UINT32_MAX)
		s->state = SKIP;
	return 0;
}

/* Takes one byte of the file; 1 when it completes a line's uid field for the name. */
static int feed(struct scan *s, char c)
{
	if (c == '\n') {
		s->state = NAME;
		s->pos = 0;
		return 0;
	}
	switch (s->state) {
	case NAME:
		if (s->pos < s->len)
			s->state = c == s->name[s->pos++] ? NAME : SKIP;
		else
			s->state = c == ':' ? PASSWORD : SKIP;
		break;
	case PASSWORD:
		if (c == ':') {
			s->state = UID;
			s->id[0] = s->id[1] = 0;
			s->digits = 0;
		}
		break;
	case UID:
		if (id_digit(s, 0, c)) {
			if (s->ids == 1)
				return 1;
			s->state = GID;
		}
		break;
	case GID:
		return id_digit(s, 1, c);
	default: /* SKIP: until the newline */
		break;
	}
	return 0;
}

/* Reads the file until the name's line is found: 1, 0 at the end, or a negative errno. */
static int search(int fd, struct scan *s)
{
	char buf[4096];
	uint32_t total = 0;

	while (total < PASSWD_MAX_BYTES) {
		size_t want =
		    PASSWD_MAX_BYTES - total < sizeof(buf) ? PASSWD_MAX_BYTES - total : sizeof(buf);
		ssize_t n = read(fd, buf, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -errno : 0;
		total += (uint32_t)n;
		for (size_t i = 0; i < (size_t)n; i++) {
			/* The rest of a line that cannot match: straight to its end. */
			if (s->state == SKIP) {
				const char *nl = memchr(buf + i, '\n', (size_t)n - i);

				if (!nl)
					break;
				i = (size_t)(nl - buf);
			}
			if (feed(s, buf[i]))
				return 1;
		}
	}
	return -EFBIG;
}

static int lookup(const char *path, const char *name, int ids, uint32_t *uid, uint32_t *gid)
{
	struct scan s = {.name = name, .state = NAME, .ids = ids};
	int fd, r;

	while (name && s.len <= PASSWD_NAME_MAX && name[s.len])
		s.len++;
	if (!s.len || s.len > PASSWD_NAME_MAX || strpbrk(name, ":\n"))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = search(fd, &s);
	close(fd);
	if (r == 1) {
		*uid = (uint32_t)s.id[0];
		*gid = (uint32_t)s.id[1];
	}
	return r == 1 ? 0 : r ? r : -ENOENT;
}

int passwd_ids(const char *path, const char *name, uint32_t *uid, uint32_t *gid)
{
	return lookup(path, name, 2, uid, gid);
}

int passwd_uid(const char *path, const char *name, uint32_t *uid)
{
	uint32_t gid;

	return lookup(path, name, 1, uid, &gid);
}
