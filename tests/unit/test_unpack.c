// SPDX-License-Identifier: MIT
/*
 * The cold texts' codec (src/unpack.c) against its packer (tools/pack.c, included here): the
 * round trip over fixed and random data and every k, the texts of src/texts.h unpacked
 * byte for byte, and broken streams (cut, flipped, random) refused or unpacked within bounds,
 * never read or written outside them (ASan in make test-asan).
 */
#include "unpack.h"

#define PACK_NO_MAIN
#include "../../tools/pack.c"
#include "texts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

/* Packs in with k into a buffer of exactly its size, unpacks it into one of exactly n bytes. */
static void round_trip(const unsigned char *in, size_t n, unsigned k)
{
	size_t cap = n * 2 + 16, got;
	unsigned char *packed = malloc(cap), *exact;
	char *out = malloc(n ? n : 1);

	assert_non_null(packed);
	assert_non_null(out);
	got = pk_pack(in, n, k, packed, cap);
	assert_true(got > 0 || n == 0);
	assert_true(got <= cap);
	exact = malloc(got ? got : 1);
	assert_non_null(exact);
	memcpy(exact, packed, got);
	assert_int_equal(pk_unpack(exact, got, k, out, n, NULL), 0);
	assert_memory_equal(out, in, n);
	free(exact);
	free(out);
	free(packed);
}

static void test_round_trip_fixed(void **state)
{
	static const char *const cases[] = {
	    "",
	    "a",
	    "aa",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "abcabcabcabcabcabc",
	    "\x7f",
	    "\x7f\x7f\x7f\x7f\x7f\x7f",
	    "\xff\x80\x7e\x7f\x00",
	    "the verifier came back to the same state at the same instruction: the same"};

	(void)state;
	for (unsigned k = 0; k <= 12; k++)
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			round_trip((const unsigned char *)cases[i], strlen(cases[i]) + (i == 7), k);
}

static void test_round_trip_random(void **state)
{
	static unsigned char buf[20000];
	unsigned seed = 7;

	(void)state;
	for (int r = 0; r < 40; r++) {
		size_t n = (size_t)(rand_r(&seed) % (r < 20 ? 300 : (int)sizeof(buf)));
		int alphabet = r % 4 == 0 ? 256 : r % 4 == 1 ? 2 : r % 4 == 2 ? 16 : 128;

		for (size_t i = 0; i < n; i++)
			buf[i] = (unsigned char)(rand_r(&seed) % alphabet);
		/* a text-like stretch repeated far back: long distances */
		if (n > 5000)
			memcpy(buf + n - 1000, buf + 100, 900);
		round_trip(buf, n, (unsigned)r % 11);
	}
}

/* The texts as the product prints them: what texts.h says, byte for byte. */
static void test_texts(void **state)
{
	const char *h = pk_text(PK_HELPERS), *e;
	size_t rows = 0;

	(void)state;
	assert_memory_equal(pk_text(PK_USAGE), text_usage, sizeof(text_usage));
	assert_memory_equal(pk_text(PK_HELP), text_help, sizeof(text_help));
	assert_memory_equal(pk_text(PK_HELP2), text_help2, sizeof(text_help2));
	assert_memory_equal(pk_text(PK_EXPLAIN), text_explain, sizeof(text_explain));
	for (size_t i = 0; i < sizeof(text_helpers) / sizeof(text_helpers[0]); i++) {
		assert_string_equal(h, text_helpers[i]);
		h += strlen(h) + 1;
	}
	assert_string_equal(h, "");
	/* explain's table: rows of three strings, fewer than its pointer table holds (64) */
	for (e = pk_text(PK_EXPLAIN); *e; rows++)
		for (int i = 0; i < 3; i++)
			e += strlen(e) + 1;
	assert_true(rows > 30 && rows < 64);
	assert_string_equal(pk_text(PK_NTEXTS), "");
}

/*
 * The tiny build's machine code: pk_code (the packer's filter) then the codec then pk_uncode
 * give the bytes back, whatever they are, e8 and e9 anywhere (the last 4 bytes too); and the
 * filter does what it is for: two calls of one function, from different places, become the
 * same bytes (then renamed alike).
 */
static void test_code_filter(void **state)
{
	static const struct {
		const char *code;
		size_t n;
	} rows[] = {
	    {"", 0},
	    {"\xe8", 1},
	    {"\xe8\x01\x02\x03", 4},
	    {"\xe8\x01\x02\x03\x04", 5},
	    {"\x90\xe8\x01\x02\x03\x04", 6},
	    {"\xe8\xe8\xe8\xe8\xe8\xe8\xe8\xe8\xe8\xe8\xe8", 11},
	    {"\xe9\xfb\xff\xff\xff\xe8\x00\x00\x00\x80\xe9", 11},
	    /* push rbp; call f; nop; call f (f at 0x20: rel 0x1a, then 0x13) */
	    {"\x55\xe8\x1a\x00\x00\x00\x90\x90\xe8\x13\x00\x00\x00", 13},
	};
	static unsigned char buf[30000], orig[30000], packed[60016];
	unsigned char map[256];
	unsigned seed = 5;

	(void)state;
	for (int r = 0; r < 48; r++) {
		size_t n;

		if (r < (int)(sizeof(rows) / sizeof(rows[0]))) {
			n = rows[r].n;
			memcpy(buf, rows[r].code, n);
		} else {
			n = (size_t)(rand_r(&seed) % (int)sizeof(buf));
			for (size_t i = 0; i < n; i++) /* e8 and e9 common, as in code */
				buf[i] =
				    (unsigned char)(rand_r(&seed) % 5 ? rand_r(&seed)
								      : 0xe8 + rand_r(&seed) % 2);
		}
		unsigned k = (unsigned)r % 11;
		size_t got;

		memcpy(orig, buf, n);
		pk_code(buf, n, map);
		if (r == 7) /* both calls: f at 0x20 from 6 and from 13 */
			assert_memory_equal(buf + 2, buf + 9, 4);
		got = pk_pack(buf, n, k, packed, sizeof(packed));
		assert_true(got <= sizeof(packed) && (got > 0 || n == 0));
		memset(buf, 0, n);
		assert_int_equal(pk_unpack(packed, got, k, (char *)buf, n, map), 0);
		pk_uncode(buf, n);
		assert_memory_equal(buf, orig, n);
	}
}

/* Streams that are not the packer's: refused, or unpacked, but never outside the buffers. */
static void test_broken_streams(void **state)
{
	static const char text[] = "usage: minisnoop [-TtUxqje] [-o FIELDS] usage: minisnoop "
				   "[-TtUxqje] [-o FIELDS] [-u UID] [-n NAME]";
	unsigned char packed[256], *cut;
	char out[sizeof(text)];
	size_t n = pk_pack((const unsigned char *)text, sizeof(text), 6, packed, sizeof(packed));
	unsigned seed = 11;

	(void)state;
	assert_true(n > 0 && n < sizeof(text));
	/* cut short: the end is missing */
	for (size_t m = 0; m + 1 < n; m++) {
		cut = malloc(m ? m : 1);
		assert_non_null(cut);
		memcpy(cut, packed, m);
		assert_int_equal(pk_unpack(cut, m, 6, out, sizeof(out), NULL), -EINVAL);
		free(cut);
	}
	/* a distance before the start */
	{
		static const unsigned char back[] = {0xb8}; /* 1, gamma 1, gamma 1, k=0: dist 1 */

		assert_int_equal(pk_unpack(back, sizeof(back), 0, out, 4, NULL), -EINVAL);
	}
	/* a gamma code too long for any text */
	{
		static const unsigned char zeros[] = {0x80, 0, 0, 0, 0, 0};

		assert_int_equal(pk_unpack(zeros, sizeof(zeros), 0, out, 4, NULL), -EINVAL);
	}
	/* flipped bits and random bytes: any result, within bounds (ASan) */
	for (int r = 0; r < 2000; r++) {
		unsigned char *in = malloc(n);
		char *o = malloc(sizeof(text));
		int rc;

		assert_non_null(in);
		assert_non_null(o);
		memcpy(in, packed, n);
		if (r < 1000)
			in[rand_r(&seed) % n] ^= (unsigned char)(1u << (rand_r(&seed) % 8));
		else
			for (size_t i = 0; i < n; i++)
				in[i] = (unsigned char)rand_r(&seed);
		rc = pk_unpack(in, n, (unsigned)r % 10, o, sizeof(text), NULL);
		assert_true(rc == 0 || rc == -EINVAL);
		free(o);
		free(in);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip_fixed),
	    cmocka_unit_test(test_round_trip_random),
	    cmocka_unit_test(test_texts),
	    cmocka_unit_test(test_code_filter),
	    cmocka_unit_test(test_broken_streams),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
