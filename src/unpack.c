// SPDX-License-Identifier: MIT
/* The cold texts, unpacked on first use (unpack.h); the data is tools/pack.c's. */
#include "unpack.h"

#include <errno.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include "packed.h" /* generated: PK_RAW, PK_K, pk_off[], pk_data[] */

/*
 * Bits are read from a 64-bit window (acc: the next nb bits, from the top; past the input's
 * end, 1s; pad: how many such bytes), all in locals, refilled to 57 bits or more where a field
 * may need them (a gamma code here is 49 bits at most, k 12): the constructor below unpacks
 * some 30 KB at every start, which a bit at a time makes several times slower.
 */
#define FILL()                                                                                     \
	while (nb <= 56) {                                                                         \
		acc |= (uint64_t)(p < end ? *p++ : (pad++, 0xffu)) << (56 - nb);                   \
		nb += 8;                                                                           \
	}
#define SKIP(n) (acc <<= (n), nb -= (n))
/* gamma: the zeros before the first 1 say how many bits follow it (24 at most here) */
#define GAMMA(v)                                                                                   \
	do {                                                                                       \
		unsigned z_ = (unsigned)__builtin_clzll(acc | 1);                                  \
		if (z_ > 24)                                                                       \
			return -EINVAL;                                                            \
		v = (size_t)(acc >> (63 - 2 * z_));                                                \
		SKIP(2 * z_ + 1);                                                                  \
	} while (0)

int pk_unpack(const unsigned char *in, size_t n, unsigned k, char *out, size_t cap)
{
	const unsigned char *p = in, *end = in + n;
	uint64_t acc = 0;
	unsigned nb = 0;
	size_t o = 0, pad = 0, len, dist;

	if (k > 12)
		return -EINVAL;
	while (o < cap) {
		FILL();
		/* a byte: its flag 0 and 7 bits are the byte itself; 0x7f: the next 8 bits are */
		if (!(acc >> 63)) {
			len = (size_t)(acc >> 56);
			SKIP(8);
			if (len == 0x7f)
				len = (size_t)(acc >> 56), SKIP(8);
			out[o++] = (char)len;
			continue;
		}
		SKIP(1);
		GAMMA(len);
		FILL();
		GAMMA(dist);
		FILL();
		dist = ((dist - 1) << k | (k ? (size_t)(acc >> (64 - k)) : 0)) + 1;
		SKIP(k);
		if (++len < 2 || dist > o)
			return -EINVAL;
		if (len > cap - o)
			len = cap - o;
		for (char *d = out + o, *e = d + len; d < e; d++)
			*d = *(d - dist);
		o += len;
	}
	/* it ended early when it took bits of the padding */
	return (p - in + pad) * 8 - nb > n * 8 ? -EINVAL : 0;
}

const char *pk_text(enum pk_text t)
{
	static char buf[PK_RAW];
	static int done;

	/* our own build-time data: it unpacks (the unit test proves it); still, a failure
	 * leaves empty texts, not garbage */
	if (!done)
		done = pk_unpack(pk_data, sizeof(pk_data), PK_K, buf, sizeof(buf)) ? -1 : 1;
	return done > 0 && (unsigned)t < PK_NTEXTS ? buf + pk_off[t] : "\0";
}

/*
 * The product's other read-only data (its strings and tables: tools/link-packed.sh): bss from
 * __pk_str_start to __pk_str_end in the product, and the packed copy the build made of them
 * (pk_strings, pk_strings_meta: raw size, packed size, k). Unpacked before main. Weak: the test
 * builds and PACK_STRINGS=0 have none of it and keep their data as it is.
 */
extern char __pk_str_start[] __attribute__((weak)), __pk_str_end[] __attribute__((weak));
extern const unsigned long pk_strings_meta[3] __attribute__((weak));
extern const unsigned char pk_strings[] __attribute__((weak));

__attribute__((constructor)) static void unpack_strings(void)
{
	if (!pk_strings_meta || !__pk_str_start)
		return;
	/* the build proved the layout; no message can be said without the strings */
	if (pk_strings_meta[0] != (uintptr_t)__pk_str_end - (uintptr_t)__pk_str_start ||
	    pk_unpack(pk_strings, pk_strings_meta[1], (unsigned)pk_strings_meta[2], __pk_str_start,
		      pk_strings_meta[0]))
		_exit(127);
	/* read-only again, as .rodata was: the pages wholly inside it (the links cannot align
	 * the section without changing the layout on some ISAs) */
	uintptr_t pg = getauxval(AT_PAGESZ), lo = (uintptr_t)__pk_str_start + pg - 1,
		  hi = (uintptr_t)__pk_str_end;

	if (pg && !(pg & (pg - 1)) && (hi &= ~(pg - 1)) > (lo &= ~(pg - 1)))
		mprotect((void *)lo, hi - lo, PROT_READ);
}
