// SPDX-License-Identifier: MIT
/*
 * libc functions the tiny build (make tiny; this file is empty in every other build) has
 * its own of, smaller than musl's for what minisnoop asks of them.
 *
 * malloc: musl's is 8 KB, and
 * minisnoop allocates little: buffers at start-up, a few that grow, none per event. Blocks
 * of up to 4 KiB, header included, come from size classes (powers of two from 32, one free
 * list each, carved from 64 KiB mappings); larger ones are mappings of their own, grown with
 * mremap and given back with munmap. Single-threaded, as minisnoop is (its only child
 * allocates nothing).
 */
#ifdef MINISNOOP_TINY
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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
	void *p;

	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	p = malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

/*
 * getopt_long: musl's brings stdio along for messages that minisnoop turns off (opterr 0,
 * a ':' first in optstring). What main.c uses: short options (clustered, a value glued or
 * next), long ones (--name, --name=value, a unique prefix), "--", and optind, optarg and
 * optopt as musl leaves them on each error. No permuting: options after the first
 * non-option argument are not looked at (minisnoop takes no such arguments, and says so).
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

int getopt_long(int argc, char *const *argv, const char *spec, const struct option *lo, int *idx)
{
	char **av = (char **)argv;
	const char *a, *s;
	int c;

	(void)idx;
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
#endif
