// SPDX-License-Identifier: MIT
/*
 * Golden listings: `dump` of every program for fixed options and a fixed kernel layout, one
 * file per variant and program (tests/golden/VARIANT/PROGRAM.txt), so that every change to
 * the emitted code shows in review as a small diff. MINISNOOP_UPDATE_GOLDEN=1 rewrites the
 * files after a deliberate change.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "progset.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GOLDEN_DIR "tests/golden"

/* x86_64 6.x tracepoint fields, and struct offsets of no kernel in particular. */
static void fixed_layout(struct kernel_layout *k, bool btf)
{
	static const struct tp_field enter[] = {{16, 8}, {24, 8}}, enter_at[] = {{24, 8}, {32, 8}};
	static const struct tp_field ret[] = {{16, 8}}, child[] = {{20, 4}};
	static const struct tp_field exec[] = {{8, 4}, {16, 4}}; /* __data_loc, old_pid */
	static const struct tp_field raw_enter[] = {{8, 8}}, raw_exit[] = {{16, 8}, {8, 8}};
	static const struct tp_field group_dead[] = {{32, 1}}, exit_group[] = {{16, 8}};

	memset(k, 0, sizeof(*k));
	memcpy(k->tp[P_EXECVE_ENTER].field, enter, sizeof(enter));
	memcpy(k->tp[P_EXECVEAT_ENTER].field, enter_at, sizeof(enter_at));
	memcpy(k->tp[P_EXECVE_EXIT].field, ret, sizeof(ret));
	memcpy(k->tp[P_EXECVEAT_EXIT].field, ret, sizeof(ret));
	memcpy(k->tp[P_FORK].field, child, sizeof(child));
	memcpy(k->tp[P_EXEC].field, exec, sizeof(exec));
	memcpy(k->tp[P_COMPAT_ENTER].field, raw_enter, sizeof(raw_enter));
	memcpy(k->tp[P_COMPAT_EXIT].field, raw_exit, sizeof(raw_exit));
	memcpy(k->tp[P_EXIT].field, group_dead, sizeof(group_dead));
	memcpy(k->tp[P_EXIT_GROUP].field, exit_group, sizeof(exit_group));
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

static const struct prog_opts plain = {.max_args = 2};
static const struct prog_opts filtered = {
    .max_args = 1, .match_uid = true, .uid = 1000, .failed_only = true, .match_cgroup = true};
static const struct prog_opts every = {.max_args = 1, .ctx = (1u << CTX_BITS) - 1};
/* --exit: the ids are read with it */
static const struct prog_opts exits = {.max_args = 1, .ctx = CTXB(IDS), .exits = true};
/* subtrees: --tree (fork and exit loaded for it alone), --exclude-tree with --exit */
static const struct prog_opts tree_in = {.max_args = 1, .tree = TREE_IN};
static const struct prog_opts tree_out = {
    .max_args = 1, .ctx = CTXB(IDS), .exits = true, .tree = TREE_OUT};

static void layout_btf(struct kernel_layout *k)
{
	fixed_layout(k, true);
}

static void layout_no_btf(struct kernel_layout *k)
{
	fixed_layout(k, false);
}

/* A kernel with bpf_loop (5.17+): the context's loops are callbacks. */
static void layout_loop(struct kernel_layout *k)
{
	fixed_layout(k, true);
	k->loop = true;
}

/* A kernel before 6.16: sched_process_exit has no group_dead (and comes after exit_mm). */
static void layout_old_exit(struct kernel_layout *k)
{
	fixed_layout(k, true);
	k->tp[P_EXIT].field[EXIT_GROUP_DEAD] = (struct tp_field){0, 0};
}

/* Options and layout, under a directory of their own; only: the programs listed (NULL: all). */
struct variant {
	const char *dir, *title;
	const struct prog_opts *o;
	void (*layout)(struct kernel_layout *k);
	const char *const *only;
};

static const char *const context_progs[] = {"exec", "execve_exit", NULL};
static const char *const exit_progs[] = {"exec", "execve_exit", "exit", NULL};
static const char *const exit_only[] = {"exit", "exit_group", NULL};
static const char *const tree_progs[] = {"exec", "execve_enter", "execve_exit",
					 "fork", "exit",	 NULL};

static const struct variant variants[] = {
    {"btf", "# BTF, --max-args 2", &plain, layout_btf, NULL},
    {"filtered", "# no BTF, -u 1000 -x -c CGROUP --max-args 1", &filtered, layout_no_btf, NULL},
    {"32bit", "# a 32-bit kernel (4-byte fields and argv entries), no BTF, --max-args 1", &filtered,
     layout_32bit, NULL},
    {"context", "# BTF, every context field (-o all -e), --max-args 1", &every, layout_btf,
     context_progs},
    {"context-loop", "# BTF and bpf_loop, every context field (-o all -e), --max-args 1", &every,
     layout_loop, context_progs},
    {"exit", "# BTF, --exit, --max-args 1", &exits, layout_btf, exit_progs},
    {"exit-old", "# BTF, --exit, sched_process_exit without group_dead", &exits, layout_old_exit,
     exit_only},
    {"exit-nobtf", "# no BTF, --exit, --max-args 1", &exits, layout_no_btf, exit_only},
    {"tree", "# BTF, --tree PID, --max-args 1", &tree_in, layout_btf, tree_progs},
    {"tree-exclude-nobtf", "# no BTF, --exclude-tree PID --exit, --max-args 1", &tree_out,
     layout_no_btf, tree_progs},
};
#define NVARIANTS (sizeof(variants) / sizeof(variants[0]))

static bool listed(const struct variant *v, const char *name)
{
	if (!v->only)
		return true;
	for (const char *const *n = v->only; *n; n++)
		if (!strcmp(*n, name))
			return true;
	return false;
}

/* The listing of each program of v, by prog_id (NULL where v does not list it; malloc'd). */
static void listings(const struct variant *v, char *text[P_COUNT])
{
	struct kernel_layout k;
	struct progset ps;
	char err[256];

	v->layout(&k);
	assert_int_equal(progset_build(&ps, v->o, &k, true, err, sizeof(err)), 0);
	for (size_t p = 0; p < P_COUNT; p++) {
		size_t len = 0;
		FILE *out;

		text[p] = NULL;
		if (!listed(v, prog_defs[p].name))
			continue;
		out = open_memstream(&text[p], &len);
		assert_non_null(out);
		fprintf(out, "%s\n", v->title);
		assert_int_equal(progset_dump(out, &ps, prog_defs[p].name, false), 1);
		fclose(out);
	}
	progset_close(&ps);
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
static void first_difference(const char *path, const char *got, const char *want)
{
	int line = 1;

	for (; *got && *got == *want; got++, want++)
		line += *got == '\n';
	print_error("first difference at line %d of %s:\n  got:  %.80s\n  want: %.80s\n", line,
		    path, got, want);
}

/* Each program of variant v against its file; every difference is named before failing. */
static void check_variant(const struct variant *v)
{
	char *text[P_COUNT], path[256];
	int differ = 0;

	listings(v, text);
	for (size_t p = 0; p < P_COUNT; p++) {
		char *want;

		if (!text[p])
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s.txt", GOLDEN_DIR, v->dir, prog_defs[p].name);
		if (getenv("MINISNOOP_UPDATE_GOLDEN")) {
			FILE *f;

			snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, v->dir);
			assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
			snprintf(path, sizeof(path), "%s/%s/%s.txt", GOLDEN_DIR, v->dir,
				 prog_defs[p].name);
			f = fopen(path, "w");
			assert_non_null(f);
			fputs(text[p], f);
			fclose(f);
		}
		want = read_all(path);
		if (!want) {
			print_error("%s missing: run with MINISNOOP_UPDATE_GOLDEN=1 from the top "
				    "directory\n",
				    path);
			differ++;
		} else if (strcmp(text[p], want)) {
			first_difference(path, text[p], want);
			differ++;
		}
		free(want);
		free(text[p]);
	}
	if (differ)
		fail_msg(
		    "emitted code differs from %d file(s) under %s/%s (MINISNOOP_UPDATE_GOLDEN=1 "
		    "after a deliberate change, and review the diff)",
		    differ, GOLDEN_DIR, v->dir);
}

static void test_golden_btf(void **state)
{
	(void)state;
	check_variant(&variants[0]);
}

static void test_golden_filtered(void **state)
{
	(void)state;
	check_variant(&variants[1]);
}

static void test_golden_32bit(void **state)
{
	(void)state;
	check_variant(&variants[2]);
}

/* Every context field: the loops unrolled, and as bpf_loop callbacks. */
static void test_golden_context(void **state)
{
	(void)state;
	check_variant(&variants[3]);
	check_variant(&variants[4]);
}

/* --exit: the exit program with group_dead, without it (older kernels), without BTF. */
static void test_golden_exit(void **state)
{
	(void)state;
	check_variant(&variants[5]);
	check_variant(&variants[6]);
	check_variant(&variants[7]);
}

/* Subtrees: the check first in each program, the fork's inheritance, the exit's removals. */
static void test_golden_tree(void **state)
{
	(void)state;
	check_variant(&variants[8]);
	check_variant(&variants[9]);
}

/* A file no listing writes (a program renamed or dropped) would be checked by nobody. */
static void test_no_stale_golden_files(void **state)
{
	int stale = 0;

	(void)state;
	for (size_t i = 0; i < NVARIANTS; i++) {
		char path[256];
		struct dirent *e;
		DIR *d;

		snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, variants[i].dir);
		d = opendir(path);
		if (!d)
			fail_msg("%s: %s", path, strerror(errno));
		while ((e = readdir(d))) {
			size_t n = strlen(e->d_name), p;

			if (e->d_name[0] == '.')
				continue;
			for (p = 0; p < P_COUNT; p++)
				if (n == strlen(prog_defs[p].name) + 4 &&
				    !strncmp(e->d_name, prog_defs[p].name, n - 4) &&
				    !strcmp(e->d_name + n - 4, ".txt") &&
				    listed(&variants[i], prog_defs[p].name))
					break;
			if (p == P_COUNT) {
				print_error("%s/%s: no program of this variant writes it\n", path,
					    e->d_name);
				stale++;
			}
		}
		closedir(d);
	}
	assert_int_equal(stale, 0);
}

/* The listings depend on nothing but their inputs: the same twice in one run. */
static void test_listing_is_deterministic(void **state)
{
	(void)state;
	for (size_t i = 0; i < NVARIANTS; i++) {
		char *a[P_COUNT], *b[P_COUNT];

		listings(&variants[i], a);
		listings(&variants[i], b);
		for (size_t p = 0; p < P_COUNT; p++) {
			if (a[p])
				assert_string_equal(a[p], b[p]);
			free(a[p]);
			free(b[p]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_golden_btf),
	    cmocka_unit_test(test_golden_tree),
	    cmocka_unit_test(test_golden_filtered),
	    cmocka_unit_test(test_golden_32bit),
	    cmocka_unit_test(test_golden_context),
	    cmocka_unit_test(test_golden_exit),
	    cmocka_unit_test(test_no_stale_golden_files),
	    cmocka_unit_test(test_listing_is_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
