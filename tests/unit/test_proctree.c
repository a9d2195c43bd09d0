// SPDX-License-Identifier: MIT
/* Subtrees' user-space half (src/tree.c): /proc/PID/stat's ppid, COMMAND found as a shell
 * finds it, a wait status as $?. No privileges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tree.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	const char *stat;
	int r;
	uint32_t ppid;
} stats[] = {
    {"1234 (bash) S 1200 1234 1234 34816 1240 4194304\n", 0, 1200},
    {"77 (a) b (c)) R 1 77 77 0 -1\n", 0, 1},	  /* the last ')' ends the comm */
    {"77 (x) R 4294967295 77\n", 0, 4294967295u}, /* the largest */
    {"77 (x) R 4294967296 77\n", -EINVAL, 0},	  /* above */
    {"77 (x) R 00000000001 77\n", -EINVAL, 0},	  /* 11 digits */
    {"77 (x) R 12", 0, 12},			  /* the end of the text ends it */
    {"77 (x) R 12x", -EINVAL, 0},
    {"77 (x) R  12", -EINVAL, 0}, /* one blank, one state, one blank */
    {"77 (x)  R 12", -EINVAL, 0},
    {"77 (x) R ", -EINVAL, 0},
    {"77 (x) R", -EINVAL, 0},
    {"77 x R 12", -EINVAL, 0}, /* no ')' */
    {"", -EINVAL, 0},
};

static void test_stat_ppid_rows(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(stats) / sizeof(stats[0]); k++) {
		uint32_t ppid = 0xdeadbeef;
		size_t n = strlen(stats[k].stat);
		char *exact = malloc(n + 1); /* no NUL is read: n bytes only */
		int r;

		assert_non_null(exact);
		memcpy(exact, stats[k].stat, n);
		r = tree_stat_ppid(exact, n, &ppid);
		free(exact);
		if (r != stats[k].r || (!r && ppid != stats[k].ppid) || (r && ppid != 0xdeadbeef))
			fail_msg("'%s': %d ppid %u, want %d ppid %u", stats[k].stat, r, ppid,
				 stats[k].r, stats[k].ppid);
	}
}

static void test_exit_status(void **state)
{
	(void)state;
	assert_int_equal(tree_exit_status(7 << 8), 7);
	assert_int_equal(tree_exit_status(0), 0);
	assert_int_equal(tree_exit_status(SIGKILL), 128 + SIGKILL);
	assert_int_equal(tree_exit_status(SIGSEGV | 0x80), 128 + SIGSEGV); /* and a core */
}

/* A directory with an executable "run" and a plain file "data". */
static char dir[64];

static void make_dir(void)
{
	char path[128];
	FILE *f;

	strcpy(dir, "/tmp/test_tree.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/run", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/data", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
}

static void remove_dir(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/run", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/data", dir);
	unlink(path);
	rmdir(dir);
}

static void test_cmd_find(void **state)
{
	struct tree_cmd c;
	char want[128], path[256], *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;

	(void)state;
	make_dir();
	snprintf(path, sizeof(path), "/nonexistent-dir::%s", dir); /* an empty entry: "." */
	setenv("PATH", path, 1);
	assert_int_equal(tree_cmd_find(&c, "run"), 0);
	snprintf(want, sizeof(want), "%s/run", dir);
	assert_string_equal(c.path, want);
	assert_int_equal(tree_cmd_find(&c, "data"), 126);	 /* there, not executable */
	assert_int_equal(tree_cmd_find(&c, "no-such-cmd"), 127); /* nowhere */
	assert_int_equal(tree_cmd_find(&c, ""), 127);
	assert_int_equal(tree_cmd_find(&c, want), 0); /* a slash: as it is */
	snprintf(want, sizeof(want), "%s/data", dir);
	assert_int_equal(tree_cmd_find(&c, want), 126);
	snprintf(want, sizeof(want), "%s/none", dir);
	assert_int_equal(tree_cmd_find(&c, want), 127);
	if (old)
		setenv("PATH", old, 1);
	free(old);
	remove_dir();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stat_ppid_rows),
	    cmocka_unit_test(test_exit_status),
	    cmocka_unit_test(test_cmd_find),
	};

	return cmocka_run_group_tests_name("test_proctree", tests, NULL, NULL);
}
