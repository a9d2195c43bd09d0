/* SPDX-License-Identifier: MIT */
/*
 * The cold texts (the help, the usage lines, explain's message table, the BPF helpers' names)
 * are kept packed in the binary and unpacked, all at once, the first time one is asked for.
 * Their source is src/texts.h; tools/pack.c packs them at build time ($(B)/gen/packed.h).
 */
#ifndef MINISNOOP_UNPACK_H
#define MINISNOOP_UNPACK_H

#include <stddef.h>

/* In the order tools/pack.c packs them. */
enum pk_text {
	PK_USAGE,   /* the usage lines */
	PK_HELP,    /* --help before the list of fields (after the usage lines) */
	PK_HELP2,   /* --help after it: a format with four %d */
	PK_EXPLAIN, /* explain's rows: pattern, meaning, fix NUL-terminated, an empty pattern last
		     */
	PK_HELPERS, /* the helpers' names by id, NUL-terminated, an empty name last */
	PK_NTEXTS
};

/* The text (NUL-terminated; those made of several strings end with an empty one). */
const char *pk_text(enum pk_text t);

/*
 * The codec: a bit stream, most significant bit first. 0 and 7 bits: a byte below 0x7f (0x7f:
 * the byte is in the next 8 bits). 1, then
 * gamma(len - 1), gamma(((dist - 1) >> k) + 1) and k bits of dist - 1: len bytes copied from
 * dist back. gamma(v): as many 0 bits as v has bits after its first, then v's bits.
 * Unpacks exactly cap bytes of in into out; 0, or -EINVAL when in is not such a stream (a
 * distance before the start; the input ends early). Never reads or writes out of bounds.
 * map, if not NULL: the byte each literal stands for (tools/pack.c's pk_code renames them).
 */
int pk_unpack(const unsigned char *in, size_t n, unsigned k, char *out, size_t cap,
	      const unsigned char *map);

/* Makes the calls and jumps of n bytes of machine code relative again (tools/pack.c's pk_code
 * made them absolute). */
void pk_uncode(unsigned char *b, size_t n);

#endif
