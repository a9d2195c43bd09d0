// SPDX-License-Identifier: MIT
/*
 * The text assembler (src/textprog.c): text -> instructions -> text is exact for every
 * listing minisnoop builds (tests/golden/) and for the programs of tests/textprog/ (written
 * for it: every instruction form, and a program of each type the kernel tests load); bytes
 * -> instructions are the bytes; a bad line is named by file and line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "textprog.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
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

static char *dumped(const struct textprog *t, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);

	assert_non_null(f);
	textprog_dump(f, t);
	fclose(f);
	return out;
}

/* A golden listing's instruction and label lines, its source comments dropped. */
static char *listing(const char *text, size_t *len)
{
	char *out = malloc(strlen(text) + 1), *o = out;
	const char *s = text;

	assert_non_null(out);
	while (*s) {
		const char *e = strchrnul(s, '\n'), *c;
		size_t n = (size_t)(e - s);
		const char *q = s + strspn(s, " ");
		/* numbers are right-aligned in 4 columns: from 1000 on, no space before them */
		bool insn = *q >= '0' && *q <= '9' && strstr(q, ": (") && strstr(q, ": (") < e;
		bool label = n > 1 && s[n - 1] == ':' && !memchr(s, ' ', n);

		if (insn || label) {
			c = strstr(s, "  ; ");
			if (c && c < e)
				n = (size_t)(c - s);
			memcpy(o, s, n);
			o += n;
			*o++ = '\n';
		}
		s = *e ? e + 1 : e;
	}
	*o = 0;
	*len = (size_t)(o - out);
	return out;
}

static void round_trip(const char *pattern, bool golden)
{
	glob_t g;
	int files = 0;

	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	for (size_t k = 0; k < g.gl_pathc; k++) {
		static struct textprog t, raw;
		char err[512], *text, *in, *out;
		size_t len, in_len, out_len;
		int r;

		text = slurp(g.gl_pathv[k], &len);
		in = golden ? listing(text, &in_len) : (in_len = len, strdup(text));
		r = textprog_parse(&t, in, in_len, g.gl_pathv[k], err, sizeof(err));
		if (r)
			print_error("%s: %s\n", g.gl_pathv[k], err);
		assert_int_equal(r, 0);
		out = dumped(&t, &out_len);
		if (out_len != in_len || memcmp(out, in, in_len))
			print_error("%s: the dump differs:\n%s", g.gl_pathv[k], out);
		assert_true(out_len == in_len && !memcmp(out, in, in_len));
		/* bytes -> instructions: the same bytes */
		{
			char path[] = "/tmp/test_textprog_XXXXXX";
			int fd = mkstemp(path);
			size_t n = t.p.len * sizeof(struct bpf_insn);

			assert_true(fd >= 0);
			assert_int_equal(write(fd, t.p.insns, n), (ssize_t)n);
			close(fd);
			if (memchr(t.p.insns, 0, n)) {
				assert_int_equal(textprog_read(&raw, path, err, sizeof(err)), 0);
				assert_true(raw.raw && raw.p.len == t.p.len);
				assert_memory_equal(raw.p.insns, t.p.insns, n);
				textprog_free(&raw);
			}
			unlink(path);
		}
		textprog_free(&t);
		free(text);
		free(in);
		free(out);
		files++;
	}
	globfree(&g);
	assert_true(files >= (golden ? 20 : 10));
}

static void test_golden_listings_round_trip(void **state)
{
	(void)state;
	round_trip("tests/golden/*/*.txt", true);
}

static void test_corpus_round_trips(void **state)
{
	(void)state;
	round_trip("tests/textprog/*.txt", false);
}

static int parse(struct textprog *t, const char *text, char *err, size_t n)
{
	int r = textprog_parse(t, text, strlen(text), "p.txt", err, n);

	return r;
}

static void test_labels_win_and_edits_need_no_renumbering(void **state)
{
	static struct textprog t;
	char err[256];

	(void)state;
	/* stale indexes and a stale pc offset: the label says where */
	assert_int_equal(parse(&t,
			       "   7: (b7) r0 = 0\n   0: (15) if r1 == 0x0 goto pc+9 <out>\n"
			       "r0 = 1 ; a comment\n# a comment line\nout:\n  exit\n",
			       err, sizeof(err)),
			 0);
	assert_int_equal(t.p.len, 4);
	assert_int_equal(t.p.insns[1].off, 1);
	assert_int_equal(t.type, -1);
	textprog_free(&t);
	assert_int_equal(parse(&t, "type xdp\nr0 = 2\nexit\n", err, sizeof(err)), 0);
	assert_int_equal(t.type, BPF_PROG_TYPE_XDP);
	textprog_free(&t);
}

static void test_bad_lines_named(void **state)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
	    {"r0 = 0\nr0 = ?\nexit\n", "p.txt:2: not an instruction"},
	    {"r0 = w1\nexit\n", "p.txt:1:"},
	    {"r11 = 0\n", "p.txt:1:"},
	    {"goto nowhere\nexit\n", "undefined label 'nowhere'"},
	    {"map m hash key 4 value 8 entries 1\nmap m hash key 4 value 8 entries 1\n",
	     "p.txt:2: declared twice"},
	    {"map m nosuch key 4 value 8 entries 1\n", "p.txt:1:"},
	    {"r1 = map[m][0]+4\n", "p.txt:1:"},
	    {"type nosuch\n", "p.txt:1:"},
	    {"# nothing\n", "no instructions"},
	    {"x:\nx:\nexit\n", "duplicate label 'x'"},
	    {"r0 = 0x12345678901234567\n", "p.txt:1:"},
	    {"*(u32 *)(r10 -4) = r1 junk\n", "p.txt:1:"},
	};
	static struct textprog t;
	char err[256];

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		err[0] = 0;
		assert_true(parse(&t, cases[k].text, err, sizeof(err)) < 0);
		if (!strstr(err, cases[k].err))
			print_error("%s -> %s\n", cases[k].text, err);
		assert_non_null(strstr(err, cases[k].err));
		textprog_free(&t);
	}
	/* a NUL after blanks: not a blank line to skip (fuzz_textprog found one skipped, its
	 * instruction gone, and the dump then did not assemble) */
	static const char nul[] = "r0 = 0\n \0r0 = 1\nexit\n";

	assert_true(textprog_parse(&t, nul, sizeof(nul) - 1, "p.txt", err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "p.txt:2: not an instruction"));
	textprog_free(&t);
}

/* A jump by offset to just past the last instruction, where a label sits: the dump does not
 * name it (by name it would not assemble again; fuzz_textprog's second find) */
static void test_jump_past_the_end_not_named(void **state)
{
	static const char text[] = "if r2 == 0x0 goto pc+1\nexit\nend:\n";
	static struct textprog a, b;
	char err[256], *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(parse(&a, text, err, sizeof(err)), 0);
	assert_non_null(f = open_memstream(&out, &len));
	textprog_dump(f, &a);
	fclose(f);
	assert_null(strstr(out, "<end>"));
	assert_int_equal(textprog_parse(&b, out, len, "d.txt", err, sizeof(err)), 0);
	free(out);
	textprog_free(&a);
	textprog_free(&b);
}

static void test_types(void **state)
{
	(void)state;
	assert_int_equal(textprog_type("socket"), BPF_PROG_TYPE_SOCKET_FILTER);
	assert_int_equal(textprog_type("cgroup_skb"), BPF_PROG_TYPE_CGROUP_SKB);
	assert_int_equal(textprog_type("nope"), -1);
	for (int k = 0; textprog_types[k] >= 0; k++)
		assert_int_equal(textprog_type(textprog_type_name(textprog_types[k])),
				 textprog_types[k]);
}

/* Why a load failed without a log, from the errno, the attributes and the system's state. */
static void test_failures_without_a_log(void **state)
{
	static const struct {
		int err, type;
		size_t insns;
		struct nolog_env e;
		const char *words;
	} cases[] = {
	    {-EPERM, 1, 2, {"none", 2, 1, 0, false}, "unprivileged_bpf_disabled=2"},
	    {-EPERM, 1, 2, {"none", 0, 1, 0, false}, "needs CAP_BPF"},
	    {-EPERM,
	     1,
	     2,
	     {"confidentiality", 0, 1, 0, true},
	     "locked down (lockdown=confidentiality)"},
	    {-EPERM, 1, 2, {"none", 0, 1, 0, true}, "security module"},
	    {-E2BIG, 1, 5000, {"", 2, 1, 0, false}, "4096 instructions without CAP_BPF"},
	    {-E2BIG, 1, 1000001, {"", 0, 1, 0, true}, "more than 1000000"},
	    {-E2BIG, 1, 10, {"", 0, 1, 0, true}, "bpf_attr field"},
	    {-EINVAL, 999, 2, {"", 0, 1, 0, true}, "does not know (type 999)"},
	    {-EINVAL, 8, 2, {"", 0, 1, 0, true}, "expected attach type"},
	    {-524, 1, 2, {"", 0, 1, 0, true}, "JIT could not compile it (bpf_jit_enable=1)"},
	    {-ENOMEM, 1, 2, {"", 0, 1, 2, true}, "bpf_jit_harden=2"},
	    {-ENOSYS, 1, 2, {"", 0, 1, 0, true}, "CONFIG_BPF_SYSCALL"},
	};
	char buf[512];

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		nolog_why(cases[k].err, cases[k].type, cases[k].insns, &cases[k].e, buf,
			  sizeof(buf));
		if (!strstr(buf, cases[k].words))
			print_error("%d: %s\n", cases[k].err, buf);
		assert_non_null(strstr(buf, cases[k].words));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_golden_listings_round_trip),
	    cmocka_unit_test(test_corpus_round_trips),
	    cmocka_unit_test(test_labels_win_and_edits_need_no_renumbering),
	    cmocka_unit_test(test_bad_lines_named),
	    cmocka_unit_test(test_jump_past_the_end_not_named),
	    cmocka_unit_test(test_types),
	    cmocka_unit_test(test_failures_without_a_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
