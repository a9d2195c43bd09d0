// SPDX-License-Identifier: MIT
/*
 * passwd_uid() and passwd_ids() (src/passwd.c) on any file. Input: the name asked for, NUL,
 * then the file's bytes, read through a path as /etc/passwd is. Answers are compared with a
 * plain reading of passwd.h's rule written here: the first line "name:password:uid:gid:..."
 * whose ids asked for are each 1 or more digits below 4294967295, followed by ':'.
 */
#include "fuzz.h"

#include "passwd.h"

#include <errno.h>

/* An id field at d[i..le): its value and the index after its ':', or 0 when it is bad. */
static size_t id_field(const uint8_t *d, size_t i, size_t le, uint32_t *id)
{
	size_t start = i;
	uint64_t v = 0;

	for (; i < le && d[i] >= '0' && d[i] <= '9'; i++)
		if ((v = v * 10 + (d[i] - '0')) >= UINT32_MAX)
			return 0;
	if (i == start || i == le || d[i] != ':')
		return 0;
	*id = (uint32_t)v;
	return i + 1;
}

/* The rule, on whole lines, for 1 (uid) or 2 (uid, gid) ids: 0 with them set, or -ENOENT. */
static int reference(const char *name, const uint8_t *d, size_t n, int ids, uint32_t *id)
{
	size_t len = strlen(name);

	for (size_t ls = 0, le; ls < n; ls = le + 1) {
		const uint8_t *nl = memchr(d + ls, '\n', n - ls);
		size_t i;

		le = nl ? (size_t)(nl - d) : n;
		if (le - ls <= len || memcmp(d + ls, name, len) || d[ls + len] != ':')
			continue;
		for (i = ls + len + 1; i < le && d[i] != ':'; i++) /* the password */
			;
		if (i == le)
			continue;
		i = id_field(d, i + 1, le, &id[0]);
		if (i && ids == 2)
			i = id_field(d, i, le, &id[1]);
		if (i)
			return 0;
	}
	return -ENOENT;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *file;
	size_t file_len, name_len;
	uint32_t got[2] = {0xdeadbeef, 0xdeadbeef}, want[2] = {0, 0};
	const char *path;
	char *name;
	int r, exp;

	fuzz_split(data, size, &file, &file_len, &name_len);
	name = fuzz_strndup(data, name_len);
	path = fuzz_file(file, file_len);
	for (int ids = 1; ids <= 2; ids++) {
		got[0] = got[1] = 0xdeadbeef;
		r = ids == 1 ? passwd_uid(path, name, &got[0])
			     : passwd_ids(path, name, &got[0], &got[1]);
		if (!name_len || name_len > PASSWD_NAME_MAX || strpbrk(name, ":\n")) {
			FUZZ_CHECK(r == -EINVAL && got[0] == 0xdeadbeef && got[1] == 0xdeadbeef);
			continue;
		}
		exp = reference(name, file, file_len, ids, want);
		FUZZ_CHECK(r == exp);
		FUZZ_CHECK(r ? got[0] == 0xdeadbeef : got[0] == want[0]);
		FUZZ_CHECK(r || ids == 1 ? got[1] == 0xdeadbeef : got[1] == want[1]);
	}
	free(name);
	return 0;
}
