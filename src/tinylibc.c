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
#include "fmt.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if defined(MINISNOOP_OWN_LIBC) || defined(MINISNOOP_TINY)

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
	/* a large block is a fresh mapping, zero already: untouched pages stay out of the RSS
	 * (the 32 MiB process table of -o ancestors) */
	if (p && len + HDR <= SMALL_MAX)
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
 * each option, with its value, moves before the non-options it was found after; with '+'
 * first in optstring, the first non-option ends the options (`minisnoop -j -- cmd -x`).
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
	if (spec[0] == '+') /* in order: the first non-option ends them, as "--" does */
		return getopt_core(argc, av, spec + 1, lo);
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

#endif /* MINISNOOP_OWN_LIBC || MINISNOOP_TINY */

#if defined(MINISNOOP_OWN_LIBC) && (defined(__x86_64__) || defined(__aarch64__))
/*
 * System calls as they are, where musl's wrappers add fallbacks for kernels older than any
 * minisnoop runs on (O_CLOEXEC by fcntl, pipe2 and dup3 by pipe and dup2, SOCK_CLOEXEC
 * likewise, fstat of an O_PATH descriptor through /proc; 1.5 KB of both builds, issue 21). 64-bit
 * x86 and arm only: there struct stat is the kernel's, and open needs no O_LARGEFILE.
 */
int openat(int dir, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = flags & (O_CREAT | O_TMPFILE) ? va_arg(ap, mode_t) : 0;
	va_end(ap);
	return (int)syscall(SYS_openat, dir, path, flags, mode);
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = flags & (O_CREAT | O_TMPFILE) ? va_arg(ap, mode_t) : 0;
	va_end(ap);
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	return (int)syscall(SYS_fcntl, fd, cmd, arg);
}

int pipe2(int fd[2], int flags)
{
	return (int)syscall(SYS_pipe2, fd, flags);
}

int dup3(int old, int new, int flags)
{
	return (int)syscall(SYS_dup3, old, new, flags);
}

int socket(int domain, int type, int proto)
{
	return (int)syscall(SYS_socket, domain, type, proto);
}

int socketpair(int domain, int type, int proto, int fd[2])
{
	return (int)syscall(SYS_socketpair, domain, type, proto, fd);
}

int fstatat(int dir, const char *restrict path, struct stat *restrict st, int flags)
{
	return (int)syscall(SYS_newfstatat, dir, path, st, flags);
}

int stat(const char *restrict path, struct stat *restrict st)
{
	return fstatat(AT_FDCWD, path, st, 0);
}

int fstat(int fd, struct stat *st)
{
	return fstatat(fd, "", st, AT_EMPTY_PATH);
}

/* musl's mmap family waits for other threads' (there are none) and checks what the kernel
 * checks; -1 from syscall() is MAP_FAILED. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

int munmap(void *addr, size_t len)
{
	return (int)syscall(SYS_munmap, addr, len);
}

void *mremap(void *old, size_t len, size_t new_len, int flags, ...)
{
	return (void *)syscall(SYS_mremap, old, len, new_len, flags, NULL);
}

/* The system call, not the vDSO: a few calls per batch of events, never one per event (the
 * vDSO's lookup, musl's, is 1 KB). */
int clock_gettime(clockid_t clk, struct timespec *ts)
{
	return (int)syscall(SYS_clock_gettime, clk, ts);
}

/*
 * sigaction and signal: the kernel's rt_sigaction with the restorer x86_64 needs, without
 * musl's lock around SIGABRT's handler (which brings its lock code: 1 KB). Our own restorer,
 * rt_sigreturn, on x86_64; aarch64's kernel returns through its vDSO.
 */
struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};
#ifdef __x86_64__
void ms_restore_rt(void);
__asm__(".text\n"
	".type ms_restore_rt,@function\n"
	"ms_restore_rt:\n"
	"\tmov $15, %rax\n" /* SYS_rt_sigreturn */
	"\tsyscall\n");
#endif

int sigaction(int sig, const struct sigaction *restrict sa, struct sigaction *restrict old)
{
	struct ksigaction k = {0}, ko = {0};
	int r;

	if (sa) {
		k.handler = sa->sa_handler;
		k.flags = (unsigned long)sa->sa_flags;
		memcpy(&k.mask, &sa->sa_mask, sizeof(k.mask));
#ifdef __x86_64__
		k.flags |= SA_RESTORER;
		k.restorer = ms_restore_rt;
#endif
	}
	r = (int)syscall(SYS_rt_sigaction, sig, sa ? &k : NULL, old ? &ko : NULL, sizeof(k.mask));
	if (!r && old) {
		memset(old, 0, sizeof(*old));
		old->sa_handler = ko.handler;
		old->sa_flags = (int)ko.flags;
		memcpy(&old->sa_mask, &ko.mask, sizeof(ko.mask));
	}
	return r;
}

void (*signal(int sig, void (*handler)(int)))(int)
{
	struct sigaction sa = {.sa_handler = handler, .sa_flags = SA_RESTART}, old;

	return sigaction(sig, &sa, &old) ? SIG_ERR : old.sa_handler;
}

time_t time(time_t *t)
{
	struct timespec ts = {0};

	clock_gettime(CLOCK_REALTIME, &ts);
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}
#endif

#ifdef MINISNOOP_OWN_LIBC
/* The string functions minisnoop uses on short strings at start-up, a byte at a time (musl's
 * go a word at a time: 1.2 KB); memchr, memcpy and strlen, which the event path uses, stay
 * musl's. */
char *getenv(const char *name)
{
	size_t n = strlen(name);

	for (char **e = environ; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

char *strchrnul(const char *s, int c)
{
	while (*s && *s != (char)c)
		s++;
	return (char *)s;
}

char *strchr(const char *s, int c)
{
	s = strchrnul(s, c);
	return *s == (char)c ? (char *)s : NULL;
}

size_t strcspn(const char *s, const char *reject)
{
	const char *p = s;

	while (*p && !*strchrnul(reject, *p))
		p++;
	return (size_t)(p - s);
}

size_t strspn(const char *s, const char *accept)
{
	const char *p = s;

	while (*p && *strchrnul(accept, *p))
		p++;
	return (size_t)(p - s);
}

char *strpbrk(const char *s, const char *accept)
{
	s += strcspn(s, accept);
	return *s ? (char *)s : NULL;
}

char *strtok_r(char *restrict s, const char *restrict sep, char **restrict save)
{
	if (!s && !(s = *save))
		return NULL;
	s += strspn(s, sep);
	if (!*s)
		return *save = NULL;
	*save = s + strcspn(s, sep);
	if (**save)
		*(*save)++ = 0;
	else
		*save = NULL;
	return s;
}

char *stpcpy(char *restrict d, const char *restrict s)
{
	while ((*d = *s++))
		d++;
	return d;
}

char *strcpy(char *restrict d, const char *restrict s)
{
	stpcpy(d, s);
	return d;
}

char *strncpy(char *restrict d, const char *restrict s, size_t n)
{
	char *r = d;

	for (; n && *s; n--)
		*d++ = *s++;
	for (; n; n--)
		*d++ = 0;
	return r;
}
#endif

#if defined(MINISNOOP_OWN_LIBC) || defined(MINISNOOP_TINY) || defined(TINYLIBC_TIME_TEST)
/*
 * localtime_r, for -T's HH:MM:SS: musl's time zone code is 6 KB. Here, the zoneinfo file TZ
 * names (a path, or a name under /usr/share/zoneinfo, /share/zoneinfo or /etc/zoneinfo, as
 * musl looks; /etc/localtime when TZ is unset), read
 * once: the offset of the last transition at or before t (time type 0 before the first), and
 * past its last transition the POSIX rule of its footer; else TZ as a POSIX rule itself
 * ("CET-1CEST,M3.5.0,M10.5.0/3"); else UTC.
 */
static unsigned char tzf[16384];
static const unsigned char *tz_times, *tz_idx, *tz_types;
static uint32_t tz_n, tz_ntypes, tz_tsize; /* transitions, types, bytes per time */
static int tz_loaded;

/* A POSIX rule: seconds east of UTC in standard and daylight time; when DST is observed,
 * its start and end: kind 'J' (day 1..365, no Feb 29), 'D' (day 0..365) or 'M' (month,
 * week, weekday), and the local time of day. */
struct tz_change {
	char kind;
	int m, w, d;
	long secs;
};
static struct tz_rule {
	int ok; /* a rule was read */
	long std, dst;
	int has_dst;
	struct tz_change on, off;
} tz_rule;

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int tz_parse_rule(const char *s, struct tz_rule *r);

/* Points the tables at a TZif file's last data block, and reads its footer's rule; 0 if it is
 * one. */
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
		/* the footer: "\nRULE\n" (its own copy, NUL-terminated, in what is left of tzf) */
		p += 44 + body;
		if (pass && end - p > 2 && *p == '\n') {
			const unsigned char *nl = memchr(p + 1, '\n', (size_t)(end - p - 1));

			if (nl && (size_t)(nl - p) < 128) {
				char rule[128];

				memcpy(rule, p + 1, (size_t)(nl - p - 1));
				rule[nl - p - 1] = 0;
				tz_parse_rule(rule, &tz_rule);
			}
		}
		return 0;
	}
}

/* [+-]hh[:mm[:ss]] in seconds (each part cut at 9999: no overflow); *s moves past it */
static long tz_hms(const char **s)
{
	long v = 0, part = 0, sign = 1;
	int fields = 0;

	if (**s == '+' || **s == '-')
		sign = *(*s)++ == '-' ? -1 : 1;
	for (; fields < 3; (*s)++) {
		if (**s >= '0' && **s <= '9') {
			part = part < 1000 ? part * 10 + (**s - '0') : part;
			continue;
		}
		v = v * 60 + part, part = 0, fields++;
		if (**s != ':')
			break;
	}
	while (fields++ < 3)
		v *= 60;
	return sign * v;
}

/* Digits (cut at 9999); *s moves past them */
static int tz_num(const char **s)
{
	int v = 0;

	for (; **s >= '0' && **s <= '9'; (*s)++)
		v = v < 1000 ? v * 10 + (**s - '0') : v;
	return v;
}

/* A zone's name, "CET" or "<+0330>"; 0 when there is none */
static int tz_name(const char **s)
{
	const char *b = *s;

	if (**s == '<')
		*s = strchr(*s, '>') ? strchr(*s, '>') + 1 : *s + strlen(*s);
	else
		while ((**s | 32) >= 'a' && (**s | 32) <= 'z')
			(*s)++;
	return *s != b;
}

/* ",Jn[/time]", ",n[/time]" or ",Mm.w.d[/time]": 1; 0 when s is none, -1 when it is out of
 * range */
static int tz_change(const char **s, struct tz_change *c)
{
	if (**s != ',')
		return 0;
	(*s)++;
	c->kind = **s == 'J' || **s == 'M' ? *(*s)++ : 'D';
	c->m = tz_num(s);
	if (c->kind == 'M') {
		if (**s != '.')
			return -1;
		(*s)++;
		c->w = tz_num(s);
		if (**s != '.')
			return -1;
		(*s)++;
		c->d = tz_num(s);
		if (c->m < 1 || c->m > 12 || c->w < 1 || c->w > 5 || c->d > 6)
			return -1;
	} else if (c->m > 365 || (c->kind == 'J' && c->m < 1)) {
		return -1;
	}
	c->secs = 7200;
	if (**s == '/')
		(*s)++, c->secs = tz_hms(s);
	return 1;
}

/* "std offset [dst [offset] [,start[/time],end[/time]]]", POSIX: offsets are west of UTC. A
 * DST without both changes changes as the US does (glibc's choice); a change out of range
 * makes the rule unused (UTC, or a zoneinfo file's last offset). */
static int tz_parse_rule(const char *s, struct tz_rule *r)
{
	int on, off = 0;

	memset(r, 0, sizeof(*r));
	if (!tz_name(&s) || !((*s >= '0' && *s <= '9') || *s == '+' || *s == '-'))
		return -1;
	r->std = -tz_hms(&s);
	r->ok = 1;
	if (!tz_name(&s))
		return 0;
	r->has_dst = 1;
	r->dst = r->std + 3600;
	if (*s && *s != ',')
		r->dst = -tz_hms(&s);
	if ((on = tz_change(&s, &r->on)) > 0)
		off = tz_change(&s, &r->off);
	if (on < 0 || off < 0) {
		r->ok = 0;
		return -1;
	}
	if (!off) {
		r->on = (struct tz_change){'M', 3, 2, 0, 7200};
		r->off = (struct tz_change){'M', 11, 1, 0, 7200};
	}
	return 0;
}

/* Days from 1970-01-01 to y-m-d (the proleptic Gregorian calendar). */
static int64_t tz_days(int64_t y, int m, int d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* When a change happens in year y, in seconds since the epoch, local time of offset off. */
static int64_t tz_when(const struct tz_change *c, int64_t y, long off)
{
	int64_t day;

	if (c->kind == 'M') {
		int64_t first = tz_days(y, c->m, 1);
		int64_t next = c->m == 12 ? tz_days(y + 1, 1, 1) : tz_days(y, c->m + 1, 1);
		int wday = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */

		day = first + (c->d - wday + 7) % 7 + 7 * (int64_t)(c->w - 1);
		while (day >= next)
			day -= 7;
	} else {
		bool leap = (y % 4 == 0 && y % 100) || y % 400 == 0;

		day = tz_days(y, 1, 1) + c->m - (c->kind == 'J') +
		      (c->kind == 'J' && leap && c->m >= 60);
	}
	return day * 86400 + c->secs - off;
}

/* The offset a rule gives at t: the changes of t's year in UTC, as musl and glibc take it. */
static long tz_rule_at(const struct tz_rule *r, time_t t)
{
	struct tm tm;
	int64_t on, off;

	if (!r->has_dst || !gmtime_r(&t, &tm))
		return r->std;
	on = tz_when(&r->on, tm.tm_year + 1900, r->std);
	off = tz_when(&r->off, tm.tm_year + 1900, r->dst);
	if (on < off ? t >= on && t < off : !(t >= off && t < on))
		return r->dst;
	return r->std;
}

static void tz_load(void)
{
	/* where musl looks for a zone's name, in its order */
	static const char dirs[][21] = {"/usr/share/zoneinfo/", "/share/zoneinfo/",
					"/etc/zoneinfo/"};
	const char *tz = getenv("TZ");
	char path[256];
	ssize_t n = -1;

	tz_loaded = 1;
	tz_types = NULL;
	memset(&tz_rule, 0, sizeof(tz_rule));
	if (tz && *tz == ':')
		tz++;
	for (unsigned k = 0; n < 0 && k < 3; k++) {
		int fd;

		if (!tz || !*tz)
			ms_snprintf(path, sizeof(path), "/etc/localtime");
		else
			ms_snprintf(path, sizeof(path), "%s%s", *tz == '/' ? "" : dirs[k], tz);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
			n = read(fd, tzf, sizeof(tzf));
			close(fd);
		}
	}
	if ((n < 0 || tz_parse(tzf, (size_t)n)) && tz && *tz)
		tz_parse_rule(tz, &tz_rule);
}

struct tm *localtime_r(const time_t *t, struct tm *tm)
{
	long off;

	if (!tz_loaded)
		tz_load();
	off = tz_rule_at(&tz_rule, *t);
	if (tz_types) {
		uint32_t i = 0, k;

		for (k = 0; k < tz_n; k++) {
			const unsigned char *q = tz_times + (size_t)k * tz_tsize;
			int64_t at = tz_tsize == 8
					 ? (int64_t)((uint64_t)be32(q) << 32 | be32(q + 4))
					 : (int32_t)be32(q);

			if (at > *t)
				break;
			i = tz_idx[k] < tz_ntypes ? tz_idx[k] : 0;
		}
		/* past the last transition, the footer's rule (when there is one) */
		if (k < tz_n || !tz_rule.ok)
			off = (int32_t)be32(tz_types + (size_t)i * 6);
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
#endif
