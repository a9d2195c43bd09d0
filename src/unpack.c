// SPDX-License-Identifier: MIT
/* The cold texts, unpacked on first use (unpack.h); the data is tools/pack.c's. */
#include "unpack.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include "packed.h" /* generated: PK_RAW, PK_K, pk_off[], pk_data[] */

/*
 * Bits are read from a 64-bit window (acc: the next nb bits, from the top; past the input's
 * end, 1s; pad: how many such bytes), all in locals, refilled to 56 bits or more where a field
 * may need them (a gamma code here is 49 bits at most, k 12): the constructor below unpacks
 * some 30 KB at every start (the tiny build's code, 75 KB more), which a bit at a time makes
 * several times slower. With 8 bytes left, one load refills it: the bits below the nb kept
 * are then the next ones already, which the next load ORs again, the same.
 */
#define FILL()                                                                                     \
	if (end - p >= 8) {                                                                        \
		acc |= load_be64(p) >> nb;                                                         \
		p += (63 - nb) >> 3;                                                               \
		nb |= 56;                                                                          \
	} else                                                                                     \
		while (nb <= 56) {                                                                 \
			acc |= (uint64_t)(p < end ? *p++ : (pad++, 0xffu)) << (56 - nb);           \
			nb += 8;                                                                   \
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

/* Code that runs before the tiny build's code is unpacked: kept out of the packed part
 * (tools/code1.ld), as libc's is */
#if defined(MINISNOOP_TINY) && defined(__x86_64__)
#define PK_CODE 1
#define PK_BOOT __attribute__((section(".pk_boot")))
#else
#define PK_BOOT
#endif

static inline uint64_t load_be64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

PK_BOOT int pk_unpack(const unsigned char *in, size_t n, unsigned k, char *out, size_t cap,
		      const unsigned char *map)
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
			out[o++] = (char)(map ? map[len] : len);
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

PK_BOOT void pk_uncode(unsigned char *b, size_t n)
{
	for (size_t i = 0; i + 5 <= n; i++) {
		if (b[i] != 0xe8 && b[i] != 0xe9)
			continue;
		uint32_t v = (uint32_t)b[i + 1] | (uint32_t)b[i + 2] << 8 |
			     (uint32_t)b[i + 3] << 16 | (uint32_t)b[i + 4] << 24;

		v -= (uint32_t)(i + 5);
		for (int k = 0; k < 4; k++)
			b[i + 1 + k] = (unsigned char)(v >> 8 * k);
		i += 4;
	}
}

const char *pk_text(enum pk_text t)
{
	static char buf[PK_RAW];
	static int done;

	/* our own build-time data: it unpacks (the unit test proves it); still, a failure
	 * leaves empty texts, not garbage */
	if (!done)
		done = pk_unpack(pk_data, sizeof(pk_data), PK_K, buf, sizeof(buf), NULL) ? -1 : 1;
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

#ifdef PK_CODE
/*
 * The tiny build's code (x86-64 only; tools/link-packed.sh -c): bss from __pk_code_start to
 * __pk_code_end, whole pages, filled from pk_code as tools/pack.c's pk_code left it, then
 * made read-only and executable. Weak like the above: only that build has it.
 */
extern char __pk_code_start[] __attribute__((weak)), __pk_code_end[] __attribute__((weak));
extern const unsigned long pk_code_meta[3] __attribute__((weak));
extern const unsigned char pk_code[] __attribute__((weak)), pk_code_map[256] __attribute__((weak));

PK_BOOT static void unpack_code(void)
{
	unsigned char *b = (unsigned char *)__pk_code_start;
	size_t n = (uintptr_t)__pk_code_end - (uintptr_t)__pk_code_start;

	if (pk_code_meta[0] != n || pk_unpack(pk_code, pk_code_meta[1], (unsigned)pk_code_meta[2],
					      (char *)b, n, pk_code_map))
		_exit(127);
	pk_uncode(b, n);
	/* never writable and executable at once; a system that refuses executable memory
	 * made so (SELinux's deny_execmem, PaX's MPROTECT) needs the full build. The strings
	 * are unpacked: the message can be said. */
	if (mprotect(b, n, PROT_READ | PROT_EXEC)) {
		static const char msg[] =
		    "minisnoop: its packed code cannot be made executable here (mprotect refused: "
		    "SELinux's deny_execmem, PaX?): use the full build, or make tiny PACK_CODE=0\n";

		(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
		_exit(126);
	}
}
#endif

PK_BOOT static void unpack_strings(void)
{
	if (!pk_strings_meta || !__pk_str_start)
		return;
	/* the build proved the layout; no message can be said without the strings */
	if (pk_strings_meta[0] != (uintptr_t)__pk_str_end - (uintptr_t)__pk_str_start ||
	    pk_unpack(pk_strings, pk_strings_meta[1], (unsigned)pk_strings_meta[2], __pk_str_start,
		      pk_strings_meta[0], NULL))
		_exit(127);
	/* read-only again, as .rodata was: the pages wholly inside it (the links cannot align
	 * the section without changing the layout on some ISAs) */
	uintptr_t pg = getauxval(AT_PAGESZ), lo = (uintptr_t)__pk_str_start + pg - 1,
		  hi = (uintptr_t)__pk_str_end;

	if (pg && !(pg & (pg - 1)) && (hi &= ~(pg - 1)) > (lo &= ~(pg - 1)))
		mprotect(__pk_str_start + (lo - (uintptr_t)__pk_str_start), hi - lo, PROT_READ);
}

/* The strings first: a failure to unpack the code can then be said. */
PK_BOOT __attribute__((constructor)) static void unpack_all(void)
{
	unpack_strings();
#ifdef PK_CODE
	if (pk_code_meta && __pk_code_start)
		unpack_code();
#endif
}
