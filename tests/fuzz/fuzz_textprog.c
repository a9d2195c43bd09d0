// SPDX-License-Identifier: MIT
/*
 * The text assembler (src/textprog.c) on any text. Checked: it ends, and what it accepts it
 * prints back as text that assembles to the same instructions and prints the same again.
 */
#include "fuzz.h"

#include "textprog.h"

static char *dump(const struct textprog *t, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);

	FUZZ_CHECK(f);
	textprog_dump(f, t);
	FUZZ_CHECK(fclose(f) == 0);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct textprog a, b;
	char err[512], *da, *db;
	size_t la, lb;

	if (textprog_parse(&a, (const char *)data, size, "f", err, sizeof(err))) {
		FUZZ_CHECK(strnlen(err, sizeof(err)) < sizeof(err));
		textprog_free(&a);
		return 0;
	}
	da = dump(&a, &la);
	FUZZ_CHECK(textprog_parse(&b, da, la, "f", err, sizeof(err)) == 0);
	FUZZ_CHECK(b.p.len == a.p.len &&
		   !memcmp(a.p.insns, b.p.insns, a.p.len * sizeof(struct bpf_insn)));
	db = dump(&b, &lb);
	FUZZ_CHECK(la == lb && !memcmp(da, db, la));
	free(da);
	free(db);
	textprog_free(&a);
	textprog_free(&b);
	return 0;
}
