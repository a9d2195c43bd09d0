// SPDX-License-Identifier: MIT
/* The cold texts, unpacked on first use (unpack.h); the data is tools/pack.c's. */
#include "unpack.h"

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "packed.h" /* generated: PK_RAW, PK_K, pk_off[], pk_data[] */

/*
 * Bits are read from a 64-bit window (acc: the next nb bits, from the top; past the input's
 * end, 1s), all in locals: the constructor below unpacks some 30 KB at every start, which a
 * bit at a time or a struct in memory makes several times slower.
 */
#define FILL()                                                                                     \
	while (nb <= 56) {                                                                         \
		acc |= (uint64_t)(p < end ? *p++ : 0xffu) << (56 - nb);                            \
		nb += 8;                                                                           \
	}
#define TAKE(v, k)                                                                                 \
	do {                                                                                       \
		unsigned k_ = (k);                                                                 \
		FILL();                                                                            \
		v = k_ ? (size_t)(acc >> (64 - k_)) : 0;                                           \
		acc <<= k_, nb -= k_, used += k_;                                                  \
	} while (0)
/* gamma: the zeros before the first 1 say how many bits follow it (24 at most here) */
#define GAMMA(v)                                                                                   \
	do {                                                                                       \
		unsigned z_;                                                                       \
		FILL();                                                                            \
		z_ = acc ? (unsigned)__builtin_clzll(acc) : 64;                                    \
		if (z_ > 24)                                                                       \
			return -EINVAL;                                                            \
		TAKE(v, 2 * z_ + 1);                                                               \
	} while (0)

int pk_unpack(const unsigned char *in, size_t n, unsigned k, char *out, size_t cap)
{
	const unsigned char *p = in, *end = in + n;
	uint64_t acc = 0;
	unsigned nb = 0;
	size_t o = 0, used = 0, len, dist, low;

	while (o < cap) {
		/* a byte: its flag 0 and 7 bits are the byte itself */
		FILL();
		if (!(acc >> 63)) {
			TAKE(len, 8);
			if (len == 0x7f)
				TAKE(len, 8);
			out[o++] = (char)len;
			continue;
		}
		TAKE(len, 1);
		GAMMA(len);
		GAMMA(dist);
		TAKE(low, k);
		dist = ((dist - 1) << k | low) + 1;
		if (++len < 2 || dist > o)
			return -EINVAL;
		if (len > cap - o)
			len = cap - o;
		for (char *d = out + o, *e = d + len; d < e; d++)
			*d = *(d - dist);
		o += len;
	}
	return used > n * 8 ? -EINVAL : 0; /* it ended early */
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
}
