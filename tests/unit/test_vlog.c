// SPDX-License-Identifier: MIT
/* Verifier log reading, log growth steps and tracefs format parsing; no privileges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "loader.h"
#include "tracefs.h"
#include "vlog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A real 6.18 log of the program built by build_bad(), rejected at insn 3. */
static const char recorded_log[] =
    "0: R1=ctx() R10=fp0\n"
    "0: (bf) r6 = r1                       ; R1=ctx() R6=ctx()\n"
    "1: (15) if r6 == 0x0 goto pc+1 3: R1=ctx() R6=ctx() R10=fp0\n"
    "3: (95) exit\n"
    "R0 !read_ok\n"
    "verification time 60 usec\n"
    "stack depth 8\n"
    "processed 5 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 "
    "mark_read 0\n";

static int line_exit, line_mov;

static void build_bad(struct asm_prog *p)
{
	asm_init(p);
	line_mov = __LINE__ + 1;
	EMIT(p, BPF_MOV64_REG(R6, R1));
	EMIT(p, BPF_JMP_IMM(BPF_JEQ, R6, 0, "skip"));
	EMIT(p, BPF_LDX_MEM(BPF_DW, R0, R10, -8));
	LABEL(p, "skip");
	line_exit = __LINE__ + 1;
	EMIT(p, BPF_EXIT_INSN());
	assert_int_equal(asm_finish(p), 0);
}

static char *annotate(const char *log, const struct asm_prog *p, unsigned tail)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (tail)
		vlog_tail(f, log, p, tail);
	else
		vlog_annotate(f, log, p);
	fclose(f);
	return buf;
}

static void test_annotate_maps_insns_to_lines(void **state)
{
	struct asm_prog p;
	char want[128], *out;

	(void)state;
	build_bad(&p);
	out = annotate(recorded_log, &p, 0);
	snprintf(want, sizeof(want), "3: (95) exit  ; %s:%d\n", __FILE__, line_exit);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want),
		 "0: (bf) r6 = r1                       ; R1=ctx() R6=ctx()  ; %s:%d\n", __FILE__,
		 line_mov);
	assert_non_null(strstr(out, want));
	/* State lines and the reason are left alone. */
	assert_true(strncmp(out, "0: R1=ctx() R10=fp0\n", 20) == 0);
	assert_non_null(strstr(out, "\nR0 !read_ok\n"));
	free(out);
	asm_free(&p);
}

/* The recorded log again, for build_bad's program emitted by a shared emitter: each line
 * names the call as well as the EMIT(). */
static int line_call;

static void emit_bad(struct asm_prog *p)
{
	line_mov = __LINE__ + 1;
	EMIT(p, BPF_MOV64_REG(R6, R1));
	EMIT(p, BPF_JMP_IMM(BPF_JEQ, R6, 0, "skip"));
	EMIT(p, BPF_LDX_MEM(BPF_DW, R0, R10, -8));
	LABEL(p, "skip");
	line_exit = __LINE__ + 1;
	EMIT(p, BPF_EXIT_INSN());
}

static void test_annotate_names_the_call(void **state)
{
	struct asm_prog p;
	char want[256], *out;

	(void)state;
	asm_init(&p);
	line_call = __LINE__ + 1;
	ASM_CALL(&p, emit_bad(&p));
	assert_int_equal(asm_finish(&p), 0);
	out = annotate(recorded_log, &p, 0);
	snprintf(want, sizeof(want), "3: (95) exit  ; %1$s:%2$d < %1$s:%3$d\n", __FILE__, line_call,
		 line_exit);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want),
		 "0: (bf) r6 = r1                       ; R1=ctx() R6=ctx()  ; %1$s:%2$d < "
		 "%1$s:%3$d\n",
		 __FILE__, line_call, line_mov);
	assert_non_null(strstr(out, want));
	free(out);
	asm_free(&p);
}

static void test_tail_keeps_last_lines(void **state)
{
	struct asm_prog p;
	char *out;

	(void)state;
	build_bad(&p);
	out = annotate(recorded_log, &p, 3);
	assert_string_equal(out, "verification time 60 usec\nstack depth 8\n"
				 "processed 5 insns (limit 1000000) max_states_per_insn 0 "
				 "total_states 0 peak_states 0 mark_read 0\n");
	free(out);
	asm_free(&p);
}

/*
 * A state line is never annotated, even when it is short and the next line is an instruction
 * line, or when it holds ": (" itself (found by tests/fuzz/fuzz_vlog.c).
 */
static void test_annotate_only_instruction_lines(void **state)
{
	struct asm_prog p;
	char want[256], *out;

	(void)state;
	build_bad(&p);
	out = annotate("1: R0=0\n3: (95) exit\n0: R1=ct: (x() R10=fp0\n", &p, 0);
	snprintf(want, sizeof(want), "1: R0=0\n3: (95) exit  ; %s:%d\n0: R1=ct: (x() R10=fp0\n",
		 __FILE__, line_exit);
	assert_string_equal(out, want);
	free(out);
	asm_free(&p);
}

static void test_reason_and_last_insn(void **state)
{
	char reason[64];

	(void)state;
	assert_int_equal(vlog_last_insn(recorded_log), 3);
	vlog_reason(recorded_log, reason, sizeof(reason));
	assert_string_equal(reason, "R0 !read_ok");
	assert_int_equal(vlog_last_insn("no numbers here\n"), -1);
	vlog_reason("", reason, sizeof(reason));
	assert_string_equal(reason, "no reason in the verifier log");
	/* Cut to the buffer, never past it. */
	vlog_reason("a long reason line\n", reason, 7);
	assert_string_equal(reason, "a long");
}

static void test_log_growth_doubles_to_cap(void **state)
{
	(void)state;
	assert_int_equal(log_next_size(4096, 1 << 20), 8192);
	assert_int_equal(log_next_size(600 * 1024, 1 << 20), 1 << 20);
	assert_int_equal(log_next_size(1 << 20, 1 << 20), 0);
	assert_int_equal(log_next_size(2 << 20, 1 << 20), 0);
}

static const char fmt_enter[] =
    "name: sys_enter_execveat\nID: 860\nformat:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
    "\tfield:int fd;\toffset:16;\tsize:8;\tsigned:0;\n"
    "\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n"
    "\tfield:const char *const * argv;\toffset:32;\tsize:8;\tsigned:0;\n"
    "\tfield:char comm[16];\toffset:40;\tsize:16;\tsigned:0;\n"
    "\tfield:__data_loc char[] child_comm;\toffset:56;\tsize:4;\tsigned:0;\n";

static void test_tracefs_format_fields(void **state)
{
	int off = -1, size = -1;

	(void)state;
	assert_int_equal(tracefs_parse_field(fmt_enter, "filename", &off, &size), 0);
	assert_int_equal(off, 24);
	assert_int_equal(size, 8);
	assert_int_equal(tracefs_parse_field(fmt_enter, "argv", &off, &size), 0);
	assert_int_equal(off, 32);
	assert_int_equal(tracefs_parse_field(fmt_enter, "fd", &off, &size), 0);
	assert_int_equal(off, 16);
	assert_int_equal(tracefs_parse_field(fmt_enter, "comm", &off, &size), 0);
	assert_int_equal(off, 40);
	assert_int_equal(size, 16);
	assert_int_equal(tracefs_parse_field(fmt_enter, "child_comm", &off, &size), 0);
	assert_int_equal(off, 56);
	/* A prefix or suffix of a name is not the name. */
	assert_int_equal(tracefs_parse_field(fmt_enter, "file", &off, &size), -ENOENT);
	assert_int_equal(tracefs_parse_field(fmt_enter, "argvx", &off, &size), -ENOENT);
	assert_int_equal(tracefs_parse_field(fmt_enter, "ret", &off, &size), -ENOENT);
}

/* The id on a format file's "ID: " line: only there, only a number that fits an int. */
static void test_tracefs_format_id(void **state)
{
	static const struct {
		const char *text;
		int want;
	} rows[] = {
	    {fmt_enter, 860},
	    {"ID: 7\n", 7},
	    {"name: x\nformat:\n", -ENOENT},
	    {"name: xID: 5\n", -ENOENT}, /* not at a line's start */
	    {"name: x\nID: \n", -EINVAL},
	    {"name: x\nID: -3\n", -EINVAL},
	    {"name: x\nID: 2147483648\n", -EINVAL},
	    {"name: x\nID: 99999999999999999999999\n", -EINVAL},
	    {"", -ENOENT},
	};

	(void)state;
	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++)
		assert_int_equal(tracefs_parse_id(rows[k].text), rows[k].want);
}

/* Malformed format files end the search; they never loop or read outside the text. */
static void test_tracefs_format_malformed(void **state)
{
	static const char *const bad[] = {
	    "\tfield:];", /* ']' without '[', at the very start */
	    "name: x\n\tfield:int ];\toffset:8;\tsize:4;\n\tfield:int ret;\toffset:16;\tsize:8;\n",
	    "\tfield:int ret\toffset:16;\tsize:8;\n",	 /* no ';' on the line */
	    "\tfield:int ret;\toffset:;\tsize:8;\n",	 /* no number */
	    "\tfield:int ret;\n\toffset:16;\tsize:8;\n", /* offset on another line */
	    "\tfield:int ret;\toffset:99999999999;\tsize:8;\n",
	    "field:",
	    "",
	};
	static const int want[] = {-ENOENT, 0,	     -ENOENT, -EINVAL,
				   -EINVAL, -EINVAL, -ENOENT, -ENOENT};
	int off = -1, size = -1;

	(void)state;
	alarm(5); /* a loop here would otherwise hang the run */
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		/* An exact-size heap copy, so that ASan sees a read before or after it. */
		size_t n = strlen(bad[k]) + 1;
		char *copy = malloc(n);

		assert_non_null(copy);
		memcpy(copy, bad[k], n);
		assert_int_equal(tracefs_parse_field(copy, "ret", &off, &size), want[k]);
		free(copy);
	}
	alarm(0);
	assert_int_equal(off, 16);
	assert_int_equal(size, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_annotate_maps_insns_to_lines),
	    cmocka_unit_test(test_annotate_names_the_call),
	    cmocka_unit_test(test_tail_keeps_last_lines),
	    cmocka_unit_test(test_annotate_only_instruction_lines),
	    cmocka_unit_test(test_reason_and_last_insn),
	    cmocka_unit_test(test_log_growth_doubles_to_cap),
	    cmocka_unit_test(test_tracefs_format_fields),
	    cmocka_unit_test(test_tracefs_format_id),
	    cmocka_unit_test(test_tracefs_format_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
