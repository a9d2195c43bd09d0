// SPDX-License-Identifier: MIT
/*
 * libc functions the static product builds have their own of, smaller than musl's for what
 * minisnoop asks of them: malloc, fork, getopt_long and strstr in both (MINISNOOP_OWN_LIBC,
 * set by the Makefile for build/minisnoop and build/minisnoop-tiny, never for the host,
 * sanitizer or fuzz builds of the tests), localtime_r and gmtime_r in the tiny build only (the
 * full build keeps musl's, with POSIX TZ rules).
 *
 * malloc: musl's is 8 KB, and
 * minisnoop allocates little: buffers at start-up, a few that grow, none per event. Blocks
 * of up to 4 KiB, header included, come from size classes (powers of two from 32, one free
 * list each, carved from 64 KiB mappings); larger ones are mappings of their own, grown with
 * mremap and given back with munmap. Single-threaded, as minisnoop is (its only child
 * allocates nothing).
 */
#if defined(MINISNOOP_OWN_LIBC) || defined(MINISNOOP_TINY)
#include "fmt.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum {
	HDR = 16,	  /* before each block: its capacity; keeps 16-byte alignment */
	SMALL_MAX = 4096, /* the largest class, header included */
	CHUNK = 64 << 10, /* what small blocks are carved from */
	NCLASS = 8,	  /* 32, 64, ... 4096 */
};

static void *free_list[NCLASS];
static char *chunk_at, *chunk_end;

static size_t *cap_of(void *p)
{
	return (size_t *)((char *)p - HDR);
}

static void *map(size_t len)
{
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return m == MAP_FAILED ? NULL : m;
}

void *malloc(size_t n)
{
	size_t sz = 32;
	unsigned c = 0;
	char *b;

	if (n > SIZE_MAX / 2) {
		errno = ENOMEM;
		return NULL;
	}
	for (; sz < n + HDR; c++)
		sz <<= 1;
	if (sz > SMALL_MAX) {
		sz = (n + HDR + 4095) & ~(size_t)4095;
		b = map(sz);
	} else if ((b = free_list[c])) {
		free_list[c] = *(void **)b;
	} else {
		if ((size_t)(chunk_end - chunk_at) < sz) {
			/* the rest of the old chunk is left unused: at most 4 KiB */
			if (!(chunk_at = map(CHUNK)))
				return chunk_end = NULL;
			chunk_end = chunk_at + CHUNK;
		}
		b = chunk_at;
		chunk_at += sz;
	}
	if (!b)
		return NULL;
	*(size_t *)b = sz - HDR;
	return b + HDR;
}

void free(void *p)
{
	size_t sz;

	if (!p)
		return;
	sz = *cap_of(p) + HDR;
	if (sz > SMALL_MAX) {
		munmap(cap_of(p), sz);
		return;
	}
	*(void **)cap_of(p) = free_list[__builtin_ctzl(sz >> 5)];
	free_list[__builtin_ctzl(sz >> 5)] = cap_of(p);
}

void *realloc(void *p, size_t n)
{
	size_t cap;
	void *q;

	if (!p)
		return malloc(n);
	cap = *cap_of(p);
	if (n <= cap)
		return p;
	if (cap + HDR > SMALL_MAX && n <= SIZE_MAX / 2) {
		size_t len = (n + HDR + 4095) & ~(size_t)4095;
		char *b = mremap(cap_of(p), cap + HDR, len, MREMAP_MAYMOVE);

		if (b == MAP_FAILED)
			return NULL;
		*(size_t *)b = len - HDR;
		return b + HDR;
	}
	if (!(q = malloc(n)))
		return NULL;
	memcpy(q, p, cap);
	free(p);
	return q;
}

void *calloc(size_t n, size_t size)
{
	size_t len = n * size;
	void *p;

	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	p = malloc(len ? len : 1);
	if (p)
		memset(p, 0, len);
	return p;
}

/* fork: musl's takes the locks of threads minisnoop does not have (2 KB). Its children
 * (attach.c's detach, selftest.c's canary) only close, read, dup2, exec and _exit, none of
 * which needs the thread id that musl's fork updates. */
pid_t fork(void)
{
#ifdef SYS_fork
	return (pid_t)syscall(SYS_fork);
#else
	return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
#endif
}

/*
 * getopt_long: musl's brings stdio along for messages that minisnoop turns off (opterr 0,
 * a ':' first in optstring): 4.7 KB. What main.c and explain.c use: short options
 * (clustered, a value glued or next), long ones (--name, --name=value, a unique prefix),
 * "--", and optind, optarg and optopt as musl leaves them on each error; options after
 * non-options are taken too, and argv is permuted as musl does (`dump exec --no-source`):
 * each option, with its value, moves before the non-options it was found after.
 */
char *optarg;
int optind = 1, opterr = 1, optopt;
static int optpos; /* in a cluster of short options: the next letter's index, or 0 */

static int long_opt(int argc, char **argv, const char *spec, const struct option *lo)
{
	const char *name = argv[optind] + 2, *eq = strchr(name, '=');
	size_t n = eq ? (size_t)(eq - name) : strlen(name);
	const struct option *o = NULL;
	int hits = 0;

	for (const struct option *q = lo; q->name; q++) {
		if (strncmp(q->name, name, n))
			continue;
		if (!q->name[n]) { /* exact: no other counts */
			o = q;
			hits = 1;
			break;
		}
		o = q;
		hits++;
	}
	optind++;
	optopt = 0;
	if (hits != 1)
		return '?';
	optopt = o->val;
	optarg = NULL;
	if (eq) {
		if (o->has_arg == no_argument)
			return '?';
		optarg = (char *)eq + 1;
	} else if (o->has_arg == required_argument) {
		if (optind >= argc)
			return spec[0] == ':' ? ':' : '?';
		optarg = argv[optind++];
	}
	if (o->flag) {
		*o->flag = o->val;
		return 0;
	}
	return o->val;
}

static int getopt_core(int argc, char **av, const char *spec, const struct option *lo)
{
	const char *a, *s;
	int c;

	optarg = NULL;
	if (!optpos) {
		a = optind < argc ? av[optind] : NULL;
		if (!a || a[0] != '-' || !a[1])
			return -1;
		if (a[1] == '-' && !a[2]) {
			optind++;
			return -1;
		}
		if (a[1] == '-')
			return long_opt(argc, av, spec, lo);
		optpos = 1;
	}
	a = av[optind];
	c = (unsigned char)a[optpos++];
	s = c != ':' ? strchr(spec, c) : NULL;
	if (!a[optpos]) {
		optind++;
		optpos = 0;
	}
	optopt = c;
	if (!s)
		return '?';
	if (s[1] != ':')
		return c;
	if (optpos) { /* the value glued on: -ofoo */
		optarg = (char *)a + optpos;
		optind++;
		optpos = 0;
	} else if (s[2] != ':') {
		if (optind >= argc)
			return spec[0] == ':' ? ':' : '?';
		optarg = av[optind++];
	}
	return c;
}

int getopt_long(int argc, char *const *argv, const char *spec, const struct option *lo, int *idx)
{
	char **av = (char **)argv;
	int skipped = optind, at = optind, r;

	(void)idx;
	/* the next option, past non-options */
	for (;; at++) {
		if (at >= argc || !av[at])
			return -1;
		if (av[at][0] == '-' && av[at][1])
			break;
	}
	optind = at;
	r = getopt_core(argc, av, spec, lo);
	/* what it took (nothing yet inside a cluster) goes before the non-options passed over */
	for (int k = at; k < optind; k++) {
		char *t = av[k];
		int to = skipped + (k - at);

		for (int m = k; m > to; m--)
			av[m] = av[m - 1];
		av[to] = t;
	}
	if (at > skipped)
		optind = skipped + (optind - at);
	return r;
}

/* strstr: musl's is the two-way algorithm, linear in the haystack (1.3 KB). minisnoop looks
 * for a few words in lines of a verifier log, each cut to 1 KiB (explain.c): the plain
 * search, at most haystack x needle compares, is enough there. */
char *strstr(const char *h, const char *n)
{
	size_t k = strlen(n);

	for (; *h; h++)
		if (*h == *n && !strncmp(h, n, k))
			return (char *)h;
	return k ? NULL : (char *)h;
}

#ifdef MINISNOOP_TINY
/*
 * localtime_r, for -T's HH:MM:SS: musl's time zone code is 6 KB with its POSIX rules. Here,
 * the zoneinfo file TZ names (a path, or a name under /usr/share/zoneinfo; /etc/localtime
 * when TZ is unset), read once: the offset of the last transition at or before t (time type
 * 0 before the first). Files carry their transitions to 2037; a rule-only TZ ("CET-1CEST,...")
 * without such a file gives its standard offset, and no file at all UTC.
 */
static unsigned char tzf[16384];
static const unsigned char *tz_times, *tz_idx, *tz_types;
static uint32_t tz_n, tz_ntypes, tz_tsize; /* transitions, types, bytes per time */
static long tz_fixed;			   /* the offset without a file */
static int tz_loaded;

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Points the tables at a TZif file's last data block; 0 if it is one. */
static int tz_parse(const unsigned char *p, size_t len)
{
	const unsigned char *end = p + len;

	for (int pass = 0;; pass++) {
		uint32_t isut, isstd, leap, cnt, types, chars, ts = pass ? 8 : 4;
		size_t body;

		if (end - p < 44 || memcmp(p, "TZif", 4))
			return -1;
		isut = be32(p + 20), isstd = be32(p + 24), leap = be32(p + 28);
		cnt = be32(p + 32), types = be32(p + 36), chars = be32(p + 40);
		if ((cnt | types | chars | leap | isut | isstd) > 4096 || !types)
			return -1;
		body = (size_t)cnt * (ts + 1) + (size_t)types * 6 + chars +
		       (size_t)leap * (ts + 4) + isstd + isut;
		if ((size_t)(end - p - 44) < body)
			return -1;
		if (!pass && p[4] >= '2') { /* the 64-bit block follows */
			p += 44 + body;
			continue;
		}
		tz_times = p + 44, tz_idx = tz_times + (size_t)cnt * ts, tz_types = tz_idx + cnt;
		tz_n = cnt, tz_ntypes = types, tz_tsize = ts;
		return 0;
	}
}

/* "NAME[+-]hh[:mm[:ss]]...", the standard time of a POSIX TZ rule: seconds east of UTC. */
static long tz_rule(const char *s)
{
	long v = 0, part = 0, sign = -1;
	int fields = 0;

	if (*s == '<')
		s = strchr(s, '>') ? strchr(s, '>') + 1 : "";
	else
		while ((*s | 32) >= 'a' && (*s | 32) <= 'z')
			s++;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? 1 : -1; /* POSIX: positive is west of UTC */
	for (; fields < 3; s++) {
		if (*s >= '0' && *s <= '9') {
			part = part * 10 + (*s - '0');
			continue;
		}
		v = v * 60 + part, part = 0, fields++;
		if (*s != ':')
			break;
	}
	while (fields++ < 3)
		v *= 60;
	return sign * v;
}

static void tz_load(void)
{
	const char *tz = getenv("TZ");
	char path[256] = "/etc/localtime";
	ssize_t n = -1;
	int fd;

	tz_loaded = 1;
	if (tz && *tz == ':')
		tz++;
	if (tz && *tz)
		ms_snprintf(path, sizeof(path), "%s%s", *tz == '/' ? "" : "/usr/share/zoneinfo/",
			    tz);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, tzf, sizeof(tzf));
		close(fd);
	}
	if (n < 0 || tz_parse(tzf, (size_t)n))
		tz_fixed = tz && *tz ? tz_rule(tz) : 0;
}

struct tm *localtime_r(const time_t *t, struct tm *tm)
{
	long off;

	if (!tz_loaded)
		tz_load();
	off = tz_fixed;
	if (tz_types) {
		uint32_t i = 0, k;
		const unsigned char *ty;

		for (k = 0; k < tz_n; k++) {
			const unsigned char *q = tz_times + (size_t)k * tz_tsize;
			int64_t at = tz_tsize == 8
					 ? (int64_t)((uint64_t)be32(q) << 32 | be32(q + 4))
					 : (int32_t)be32(q);

			if (at > *t)
				break;
			i = tz_idx[k] < tz_ntypes ? tz_idx[k] : 0;
		}
		ty = tz_types + (size_t)i * 6;
		off = (int32_t)be32(ty);
	}
	time_t local = *t + off;

	if (!gmtime_r(&local, tm))
		return NULL;
	tm->tm_gmtoff = off;
	return tm;
}

/* gmtime_r: days to a civil date in a few lines, where musl's brings 1 KB (years before
 * 1970 included: days are floored). The date and time only: output.c needs no more. */
struct tm *gmtime_r(const time_t *t, struct tm *tm)
{
	int64_t days = *t / 86400, secs = *t % 86400, era, doe, yoe, doy, mp;

	if (secs < 0)
		secs += 86400, days--;
	days += 719468; /* from 0000-03-01 */
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	memset(tm, 0, sizeof(*tm));
	tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->tm_mon = (int)(mp < 10 ? mp + 2 : mp - 10);
	tm->tm_year = (int)(yoe + era * 400 + (tm->tm_mon < 2) - 1900);
	tm->tm_hour = (int)(secs / 3600);
	tm->tm_min = (int)(secs / 60 % 60);
	tm->tm_sec = (int)(secs % 60);
	return tm;
}
#endif /* MINISNOOP_TINY */
#endif
