// SPDX-License-Identifier: MIT
/*
 * The tiny build's malloc (make tiny; empty in every other build). musl's is 8 KB, and
 * minisnoop allocates little: buffers at start-up, a few that grow, none per event. Blocks
 * of up to 4 KiB, header included, come from size classes (powers of two from 32, one free
 * list each, carved from 64 KiB mappings); larger ones are mappings of their own, grown with
 * mremap and given back with munmap. Single-threaded, as minisnoop is (its only child
 * allocates nothing).
 */
#ifdef MINISNOOP_TINY
#include <errno.h>
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
#endif
