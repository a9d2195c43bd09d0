// SPDX-License-Identifier: MIT
/*
 * src/btf.c on any bytes, loaded both ways: from memory (checked at load) and from a file
 * (checked by each lookup, read through small windows). Each is asked fixed queries and
 * queries named by strings found in the input, so that crafted BTF can reach the member
 * search. The two ways must give the same answers.
 */
#include "fuzz.h"

#include "btf.h"

#include <errno.h>

#define MAX_NAMES    6
#define NAME_MAX_LEN 64
#define MAX_QUERIES  (4 + 2 * MAX_NAMES)

/* Names the input may hold: NUL-terminated runs of identifier bytes, first ones first. */
static size_t find_names(const uint8_t *d, size_t n, char names[][NAME_MAX_LEN + 1])
{
	size_t count = 0, start = 0;

	for (size_t i = 0; i < n && count < MAX_NAMES; i++) {
		uint8_t c = d[i];
		int ident = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_';

		if (ident)
			continue;
		if (!c && i > start && i - start <= NAME_MAX_LEN) {
			memcpy(names[count], d + start, i - start);
			names[count][i - start] = 0;
			count++;
		}
		start = i + 1;
	}
	return count;
}

static size_t make_queries(struct btf_query *q, uint32_t *off, char names[][NAME_MAX_LEN + 1],
			   size_t nn)
{
	static const char *const fixed[][2] = {{"task_struct", "real_parent"},
					       {"mm_struct", "arg_start"},
					       {"task_struct", "missing"},
					       {"", "x"}};
	size_t n = 0;

	for (size_t i = 0; i < 4; i++, n++)
		q[n] = (struct btf_query){fixed[i][0], fixed[i][1], &off[n], 0};
	for (size_t i = 0; i < nn; i++) {
		q[n] = (struct btf_query){names[i], names[(i + 1) % nn], &off[n], 0};
		n++;
		q[n] = (struct btf_query){names[i], names[(i + 2) % nn], &off[n], 0};
		n++;
	}
	return n;
}

/* Runs the queries; results in q[].err and off[] (0 when not found). */
static void resolve(struct btf *b, struct btf_query *q, uint32_t *off, size_t n)
{
	int first;

	memset(off, 0, n * sizeof(*off));
	first = btf_resolve(b, q, n);
	for (size_t i = 0; i < n; i++) {
		int e = q[i].err;

		FUZZ_CHECK(e == 0 || e == -ENOENT || e == -EINVAL || e == -ELOOP);
	}
	/* The return is the first query's error, or 0 when every query was answered. */
	for (size_t i = 0; i < n; i++)
		if (q[i].err) {
			FUZZ_CHECK(first == q[i].err);
			return;
		}
	FUZZ_CHECK(first == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char names[MAX_NAMES][NAME_MAX_LEN + 1];
	struct btf_query qm[MAX_QUERIES], qf[MAX_QUERIES];
	uint32_t offm[MAX_QUERIES], offf[MAX_QUERIES], one = 0;
	struct btf *mem = NULL, *file = NULL;
	size_t nn = find_names(data, size, names), n;
	int rm, rf;

	rm = btf_load_mem(data, size, &mem);
	FUZZ_CHECK(rm == 0 ? mem != NULL : mem == NULL);
	rf = btf_load_file(fuzz_file(data, size), &file);
	FUZZ_CHECK(rf == 0 ? file != NULL : file == NULL);
	/* What memory accepts, the file accepts: the file only checks less at load. */
	FUZZ_CHECK(rm != 0 || rf == 0);

	n = make_queries(qm, offm, names, nn);
	make_queries(qf, offf, names, nn);
	if (mem)
		resolve(mem, qm, offm, n);
	if (file)
		resolve(file, qf, offf, n);
	if (mem && file) {
		for (size_t i = 0; i < n; i++) {
			FUZZ_CHECK(qm[i].err == qf[i].err);
			FUZZ_CHECK(offm[i] == offf[i]);
		}
	} else if (file) {
		/* Bytes that memory refused are refused by the file's first lookup. */
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(qf[i].err != 0);
	}
	if (mem) {
		/* A second lookup on the same handle gives the same answer. */
		int r = btf_member_offset(mem, qm[0].type, qm[0].member, &one);

		FUZZ_CHECK(r == qm[0].err && (r || one == offm[0]));
	}
	btf_free(mem);
	btf_free(file);
	return 0;
}
