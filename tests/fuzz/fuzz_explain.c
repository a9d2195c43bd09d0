// SPDX-License-Identifier: MIT
/*
 * minisnoop explain (src/explain.c) on any text. Checked: it ends (libFuzzer's -timeout),
 * what it prints is printable ASCII lines only, and what it found is within bounds.
 */
#include "fuzz.h"

#include "explain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct explain x, y;
	char *out = NULL;
	size_t len;
	FILE *f;

	explain_parse((const char *)data, size, &x);
	FUZZ_CHECK(x.verdict >= -1 && x.verdict <= 1);
	FUZZ_CHECK(x.nregs <= EX_REGS && x.insn >= -1);
	FUZZ_CHECK(strnlen(x.reason, sizeof(x.reason)) < sizeof(x.reason));
	f = open_memstream(&out, &len);
	FUZZ_CHECK(f);
	explain_print(f, &x);
	/* the second half of the input as the other log */
	explain_parse((const char *)data + size / 2, size - size / 2, &y);
	explain_compare(f, "a", &x, "b", &y);
	FUZZ_CHECK(fclose(f) == 0);
	for (size_t k = 0; k < len; k++)
		FUZZ_CHECK(out[k] == '\n' || (out[k] >= 0x20 && out[k] < 0x7f));
	free(out);
	return 0;
}
