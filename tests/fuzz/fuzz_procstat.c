// SPDX-License-Identifier: MIT
/*
 * tree_stat_ppid() (src/tree.c) on any bytes, as /proc/PID/stat's text: --tree reads one of
 * every process at start. The answer is compared with a plain reading of the rule written
 * here: after the last ')', one blank, one byte that is not a blank, one blank, then 1 to 10
 * digits worth at most 4294967295, then the end, a blank or a newline. The input is copied
 * to a buffer of exactly its size: a read past it is ASan's to catch.
 */
#include "fuzz.h"

#include "tree.h"

#include <errno.h>

static int reference(const uint8_t *d, size_t n, uint32_t *ppid)
{
	size_t close = SIZE_MAX, i, start;
	uint64_t v = 0;

	for (i = 0; i < n; i++)
		if (d[i] == ')')
			close = i;
	if (close == SIZE_MAX || n - close < 4)
		return -EINVAL;
	if (d[close + 1] != ' ' || d[close + 2] == ' ' || d[close + 3] != ' ')
		return -EINVAL;
	for (i = start = close + 4; i < n && i - start < 10 && d[i] >= '0' && d[i] <= '9'; i++)
		v = v * 10 + (d[i] - '0');
	if (i == start || v > UINT32_MAX)
		return -EINVAL;
	if (i < n && d[i] != ' ' && d[i] != '\n')
		return -EINVAL;
	*ppid = (uint32_t)v;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	uint32_t got = 0xdeadbeef, want = 0xdeadbeef;
	int r, exp;

	FUZZ_CHECK(copy);
	memcpy(copy, data, size);
	r = tree_stat_ppid(copy, size, &got);
	exp = reference(data, size, &want);
	FUZZ_CHECK(r == exp);
	FUZZ_CHECK(got == want);
	free(copy);
	return 0;
}
