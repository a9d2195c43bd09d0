// SPDX-License-Identifier: MIT
/*
 * The regular expression compiler and matcher (src/ere.c). Input: the pattern (-n/-l, from
 * the command line), NUL, then the subject (any bytes, as an event's comm or argument line).
 * ere.h promises time linear in the subject whatever the pattern: libFuzzer's -timeout holds
 * it to that.
 */
#include "fuzz.h"

#include "ere.h"

#include <errno.h>

/*
 * A search costs subject bytes x program states: up to ~0.5 ms per byte under ASan for a
 * 10000-state program. 2 KiB keeps one well within -timeout=5 (a 20 KiB argument line costs
 * ~0.4 s uninstrumented: linear, as promised, with that constant).
 */
#define SUBJECT_MAX 2048
#define SHORT	    64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *subj;
	size_t subj_len, pat_len;
	char err[128], *pat, *copy;
	struct ere *re = NULL;
	bool short_hit;
	int r;

	fuzz_split(data, size, &subj, &subj_len, &pat_len);
	if (subj_len > SUBJECT_MAX)
		subj_len = SUBJECT_MAX;
	pat = fuzz_strndup(data, pat_len);
	memset(err, 'x', sizeof(err));
	r = ere_compile(pat, &re, err, sizeof(err));
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	if (r) {
		/* A reason, NUL-terminated within the buffer, and no expression */
		FUZZ_CHECK(!re && memchr(err, 0, sizeof(err)) && err[0] != 0);
	} else {
		FUZZ_CHECK(re);
		/* An exact-size copy: reads past the subject's end are caught. */
		copy = malloc(subj_len ? subj_len : 1);
		FUZZ_CHECK(copy);
		memcpy(copy, subj, subj_len);
		short_hit = ere_search(re, copy, subj_len < SHORT ? subj_len : SHORT);
		ere_search(re, copy, subj_len);
		ere_search(re, "", 0);
		/* Deterministic: the scratch space a search reuses leaves nothing behind. */
		FUZZ_CHECK(ere_search(re, copy, subj_len < SHORT ? subj_len : SHORT) == short_hit);
		ere_search(re, pat, pat_len < SHORT ? pat_len : SHORT);
		free(copy);
	}
	ere_free(re);
	free(pat);
	return 0;
}
