// SPDX-License-Identifier: MIT
/*
 * Golden listings: `dump` of every program for fixed options and a fixed kernel layout,
 * compared with tests/golden/programs.txt, so that every change to the emitted code shows
 * in review. MINISNOOP_UPDATE_GOLDEN=1 rewrites the file after a deliberate change.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "progset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN "tests/golden/programs.txt"

/* x86_64 6.x tracepoint fields, and struct offsets of no kernel in particular. */
static void fixed_layout(struct kernel_layout *k, bool btf)
{
	static const struct tp_field enter[] = {{16, 8}, {24, 8}}, enter_at[] = {{24, 8}, {32, 8}};
	static const struct tp_field ret[] = {{16, 8}}, child[] = {{20, 4}};
	static const struct tp_field exec[] = {{8, 4}, {16, 4}}; /* __data_loc, old_pid */

	memset(k, 0, sizeof(*k));
	memcpy(k->tp[P_EXECVE_ENTER].field, enter, sizeof(enter));
	memcpy(k->tp[P_EXECVEAT_ENTER].field, enter_at, sizeof(enter_at));
	memcpy(k->tp[P_EXECVE_EXIT].field, ret, sizeof(ret));
	memcpy(k->tp[P_EXECVEAT_EXIT].field, ret, sizeof(ret));
	memcpy(k->tp[P_FORK].field, child, sizeof(child));
	memcpy(k->tp[P_EXEC].field, exec, sizeof(exec));
	k->btf_used = btf;
	for (size_t m = 0; m < KM_COUNT; m++) {
		k->member[m] = btf ? 1000 + 8 * (uint32_t)m : 0;
		k->member_found[m] = btf;
	}
	for (size_t f = 0; f < KF_COUNT; f++)
		k->feature[f] = btf;
}

/* A 32-bit kernel's syscall tracepoints: 4-byte fields after the syscall number. */
static void layout_32bit(struct kernel_layout *k)
{
	static const struct tp_field enter[] = {{12, 4}, {16, 4}}, enter_at[] = {{16, 4}, {20, 4}};
	static const struct tp_field ret[] = {{12, 4}};

	fixed_layout(k, false);
	memcpy(k->tp[P_EXECVE_ENTER].field, enter, sizeof(enter));
	memcpy(k->tp[P_EXECVEAT_ENTER].field, enter_at, sizeof(enter_at));
	memcpy(k->tp[P_EXECVE_EXIT].field, ret, sizeof(ret));
	memcpy(k->tp[P_EXECVEAT_EXIT].field, ret, sizeof(ret));
}

/* Dumps of the variants, as one text (malloc'd). */
static char *listing(void)
{
	static const struct prog_opts plain = {.max_args = 2};
	static const struct prog_opts filtered = {.max_args = 1,
						  .match_uid = true,
						  .uid = 1000,
						  .failed_only = true,
						  .match_cgroup = true};
	static const struct prog_opts every = {.max_args = 1, .ctx = (1u << CTX_BITS) - 1};
	struct kernel_layout k;
	struct progset ps;
	char err[256], *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	fprintf(out, "# BTF, --max-args 2\n");
	fixed_layout(&k, true);
	assert_int_equal(progset_build(&ps, &plain, &k, true, err, sizeof(err)), 0);
	assert_int_equal(progset_dump(out, &ps, NULL, false), P_COUNT);
	progset_close(&ps);
	fprintf(out, "\n# no BTF, -u 1000 -x -c CGROUP --max-args 1\n");
	fixed_layout(&k, false);
	assert_int_equal(progset_build(&ps, &filtered, &k, true, err, sizeof(err)), 0);
	assert_int_equal(progset_dump(out, &ps, NULL, false), P_COUNT);
	progset_close(&ps);
	fprintf(out,
		"\n# a 32-bit kernel (4-byte fields and argv entries), no BTF, --max-args 1\n");
	layout_32bit(&k);
	assert_int_equal(progset_build(&ps, &filtered, &k, true, err, sizeof(err)), 0);
	assert_int_equal(progset_dump(out, &ps, NULL, false), P_COUNT);
	progset_close(&ps);
	fprintf(out, "\n# BTF, every context field (-o all -e), --max-args 1: exec, execve_exit\n");
	fixed_layout(&k, true);
	assert_int_equal(progset_build(&ps, &every, &k, true, err, sizeof(err)), 0);
	assert_int_equal(progset_dump(out, &ps, "exec", false), 1);
	assert_int_equal(progset_dump(out, &ps, "execve_exit", false), 1);
	progset_close(&ps);
	fclose(out);
	return text;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* The first line where they differ, to say where to look. */
static void first_difference(const char *got, const char *want)
{
	int line = 1;

	for (; *got && *got == *want; got++, want++)
		line += *got == '\n';
	print_error("first difference at line %d of %s:\n  got:  %.80s\n  want: %.80s\n", line,
		    GOLDEN, got, want);
}

static void test_programs_match_golden(void **state)
{
	char *got = listing(), *want;

	(void)state;
	if (getenv("MINISNOOP_UPDATE_GOLDEN")) {
		FILE *f = fopen(GOLDEN, "w");

		assert_non_null(f);
		fputs(got, f);
		fclose(f);
	}
	want = read_all(GOLDEN);
	if (!want)
		fail_msg("%s missing: run with MINISNOOP_UPDATE_GOLDEN=1 from the top directory",
			 GOLDEN);
	if (strcmp(got, want)) {
		first_difference(got, want);
		fail_msg("emitted code differs from %s (MINISNOOP_UPDATE_GOLDEN=1 after a "
			 "deliberate change, and review the diff)",
			 GOLDEN);
	}
	free(got);
	free(want);
}

/* The listing depends on nothing but its inputs: the same twice in one run. */
static void test_listing_is_deterministic(void **state)
{
	char *a = listing(), *b = listing();

	(void)state;
	assert_string_equal(a, b);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_programs_match_golden),
	    cmocka_unit_test(test_listing_is_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
