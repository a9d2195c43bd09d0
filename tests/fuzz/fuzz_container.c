// SPDX-License-Identifier: MIT
/*
 * container_of_path() (src/container.c) on any bytes, as a cgroup path of that length (a
 * copy of exactly that size, so that a read past it is caught). What it answers must be in
 * the path: the id is 64 lowercase hex digits that occur in it, in a component that
 * container_id_in_name accepts; the pod a UID whose digits occur in it (with '-' or '_').
 * The same bytes as /proc/cgroups for container_v1_flat_in.
 */
#include "fuzz.h"

#include "container.h"

static int hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static int occurs(const char *hay, size_t n, const char *needle, size_t k)
{
	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(hay + i, needle, k))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char id[CONTAINER_ID_LEN + 1], pod[POD_UID_LEN + 1], alt[POD_UID_LEN + 1];
	char *p = malloc(size ? size : 1);
	int have;

	if (!p)
		return 0;
	memcpy(p, data, size);
	have = container_of_path(p, size, id, pod);
	FUZZ_CHECK(!!(have & CONTAINER_HAVE_ID) == !!id[0]);
	FUZZ_CHECK(!!(have & CONTAINER_HAVE_POD) == !!pod[0]);
	if (id[0]) {
		FUZZ_CHECK(strlen(id) == CONTAINER_ID_LEN);
		for (size_t i = 0; i < CONTAINER_ID_LEN; i++)
			FUZZ_CHECK(hex(id[i]));
		FUZZ_CHECK(occurs(p, size, id, CONTAINER_ID_LEN));
	}
	if (pod[0]) {
		FUZZ_CHECK(strlen(pod) == POD_UID_LEN);
		for (size_t i = 0; i < POD_UID_LEN; i++)
			FUZZ_CHECK(i == 8 || i == 13 || i == 18 || i == 23 ? pod[i] == '-'
									   : hex(pod[i]));
		memcpy(alt, pod, sizeof(alt));
		alt[8] = alt[13] = alt[18] = alt[23] = '_';
		FUZZ_CHECK(occurs(p, size, pod, POD_UID_LEN) || occurs(p, size, alt, POD_UID_LEN));
	}
	/* a component alone: what it accepts is its own 64 digits */
	{
		const char *x = container_id_in_name(p, size);

		FUZZ_CHECK(!x || (x >= p && x + CONTAINER_ID_LEN <= p + size));
	}
	/* the bytes as /proc/cgroups (NUL-terminated, as read_small_file leaves it): flat only
	 * for a text that is one */
	{
		char *t = malloc(size + 1);

		if (t) {
			memcpy(t, data, size);
			t[size] = 0;
			FUZZ_CHECK(!container_v1_flat_in(t) || strstr(t, "#subsys_name"));
			free(t);
		}
	}
	free(p);
	return 0;
}
