// SPDX-License-Identifier: MIT
/*
 * minisnoop explain (src/explain.c) on the logs of tests/explain/: real ones made on a
 * kernel by tests/explain/mklogs.c (KERNEL-NAME.log) and hand-written ones in other tools'
 * framings (libbpf, bpftool, dmesg, minisnoop's own). Each NAME.log has its expected
 * explanation in NAME.expected; MINISNOOP_UPDATE_GOLDEN=1 rewrites them (review the diff).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "explain.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIR_ "tests/explain"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static char *explained(const char *log, size_t n, size_t *len)
{
	static struct explain x;
	char *out = NULL;
	FILE *f = open_memstream(&out, len);

	assert_non_null(f);
	explain_parse(log, n, &x);
	explain_print(f, &x);
	fclose(f);
	return out;
}

static int is_log(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && !strcmp(d->d_name + n - 4, ".log");
}

static void test_corpus(void **state)
{
	struct dirent **ents;
	int n = scandir(DIR_, &ents, is_log, alphasort), bad = 0, real = 0;

	(void)state;
	assert_true(n >= 20);
	for (int k = 0; k < n; k++) {
		char path[512], *log, *out, *want;
		size_t len, olen, wlen;

		snprintf(path, sizeof(path), DIR_ "/%s", ents[k]->d_name);
		log = slurp(path, &len);
		assert_non_null(log);
		out = explained(log, len, &olen);
		real += ents[k]->d_name[0] >= '0' && ents[k]->d_name[0] <= '9';
		strcpy(path + strlen(path) - 4, ".expected");
		want = slurp(path, &wlen);
		if (getenv("MINISNOOP_UPDATE_GOLDEN")) {
			FILE *f = fopen(path, "w");

			assert_non_null(f);
			fwrite(out, 1, olen, f);
			fclose(f);
		} else if (!want || wlen != olen || memcmp(want, out, olen)) {
			print_error("%s differs:\n%s", path, out);
			bad++;
		}
		free(log);
		free(out);
		free(want);
		free(ents[k]);
	}
	free(ents);
	assert_int_equal(bad, 0);
	assert_true(real >= 70);
}

/* Every real rejected log, of each kernel, has a reason the table knows, with its
 * instruction. */
static void test_real_logs_known(void **state)
{
	static const char *const names[] = {
	    "null-deref", "scalar-deref", "uninit-reg", "no-r0",	 "infinite-loop",
	    "too-large",  "stack-oob",	  "ctx-access", "helper-denied", "map-value-oob",
	    "ptr-arith",  "fp-write",	  "branchy",	"ret-range"};
	static const char *const kernels[] = {"5.10", "6.1", "6.12", "6.18"};
	static struct explain x;

	(void)state;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]) * 4; k++) {
		char path[256];
		size_t len;
		char *log;

		/* too-large is made on this kernel only (minutes under the boots' TCG) */
		if (k / 4 == 5 && k % 4 != 3)
			continue;
		snprintf(path, sizeof(path), DIR_ "/%s-%s.log", kernels[k % 4], names[k / 4]);
		log = slurp(path, &len);
		assert_non_null(log);
		explain_parse(log, len, &x);
		if (x.row < 0 || x.insn < 0 || x.verdict != -1)
			print_error("%s: row %d insn %ld verdict %d\n", path, x.row, x.insn,
				    x.verdict);
		assert_true(x.row >= 0 && x.insn >= 0 && x.verdict == -1);
		assert_true(x.have & (1u << EX_INSNS));
		free(log);
	}
}

static void test_messages(void **state)
{
	static const struct {
		const char *line, *words;
	} cases[] = {
	    {"R1 invalid mem access 'scalar'", "not checked for NULL"},
	    {"R1 invalid mem access 'inv'", "not checked for NULL"},
	    {"R0 invalid mem access 'ptr_or_null'", "may be NULL"},
	    {"R0 !read_ok", "exit"},
	    {"R7 !read_ok", "read before"},
	    {"back-edge from insn 5 to 2", "loop"},
	    {"unknown func bpf_probe_read_kernel#113", "not available"},
	    {"invalid stack off=-520 size=8", "512"},
	    {"invalid indirect read from stack R2 off -16+0 size 8", "uninitialized"},
	    {"invalid read from stack R2 off -16+0 size 8", "uninitialized"},
	    {"misaligned stack access off (0x0; 0x0)+-6+0 size 8", "aligned"},
	    {"math between map_value pointer and register with unbounded min value is not allowed",
	     "arithmetic"},
	    {"The sequence of 8193 jumps is too complex.", "limit"},
	    {"cannot call GPL-restricted function from non-GPL compatible program", "GPL"},
	};
	static struct explain x;
	const char *what, *fix;

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char log[512];

		snprintf(log, sizeof(log),
			 "0: (b7) r0 = 0\n%s\nprocessed 1 insns (limit 1000000)\n", cases[k].line);
		explain_parse(log, strlen(log), &x);
		assert_non_null(explain_row(x.row, &what, &fix));
		if (!strstr(what, cases[k].words) && !strstr(fix, cases[k].words))
			print_error("%s: %s / %s\n", cases[k].line, what, fix);
		assert_true(strstr(what, cases[k].words) || strstr(fix, cases[k].words));
		assert_string_equal(x.reason, cases[k].line);
		assert_int_equal(x.verdict, -1);
	}
}

static void test_compare(void **state)
{
	static struct explain a, b;
	const char *la = "processed 7 insns (limit 1000000) max_states_per_insn 0 total_states 0 "
			 "peak_states 0 mark_read 0\nstack depth 8\n";
	const char *lb = "processed 53 insns (limit 1000000) max_states_per_insn 2 total_states 5 "
			 "peak_states 5 mark_read 0\nstack depth 8+16\n";
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	explain_parse(la, strlen(la), &a);
	explain_parse(lb, strlen(lb), &b);
	assert_int_equal(b.stat[EX_STACK], 24);
	explain_compare(f, "a", &a, "b", &b);
	fclose(f);
	assert_non_null(
	    strstr(out, "insns                             7             53       +46 grew"));
	assert_non_null(
	    strstr(out, "mark_read                         0              0             +0\n"));
	free(out);
}

/* Nothing from the log reaches the output unescaped, however long or strange. */
static void test_hostile(void **state)
{
	static struct explain x;
	size_t n = 3 << 20, len;
	char *log = malloc(n), *out;

	(void)state;
	assert_non_null(log);
	for (size_t k = 0; k < n; k++)
		log[k] = "0: (R=\x1b\n from 1 to 2: R1=((((\0;%s"[k % 32];
	out = explained(log, n, &len);
	for (size_t k = 0; k < len; k++)
		assert_true(out[k] == '\n' || (out[k] >= 0x20 && out[k] < 0x7f));
	free(out);
	free(log);
	explain_parse("", 0, &x);
	assert_int_equal(x.verdict, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_corpus),   cmocka_unit_test(test_real_logs_known),
	    cmocka_unit_test(test_messages), cmocka_unit_test(test_compare),
	    cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
