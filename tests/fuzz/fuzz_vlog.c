// SPDX-License-Identifier: MIT
/*
 * The verifier log readers (src/vlog.c) on any text. Input: the reason buffer's size, the
 * tail's line count, then the log (copied, NUL-terminated as the kernel leaves it).
 *
 * Checked: the reason is a line of the log (or the fixed "no reason" text), cut to fit; the
 * annotated log is the log, line by line, with "  ; file:line" added exactly to instruction
 * lines ("N: (" with N an instruction of the program); the tail is the end of it.
 */
#include "fuzz.h"

#include "vlog.h"

static struct asm_prog prog;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	asm_init(&prog);
	EMIT(&prog, BPF_MOV64_REG(R6, R1));
	EMIT(&prog, BPF_JMP_IMM(BPF_JEQ, R6, 0, "out"));
	EMIT(&prog, BPF_LD_IMM64(R1, 0x123456789));
	EMIT(&prog, BPF_LDX_MEM(BPF_DW, R0, R10, -8));
	LABEL(&prog, "out");
	EMIT(&prog, BPF_MOV64_IMM(R0, 0));
	EMIT(&prog, BPF_EXIT_INSN());
	FUZZ_CHECK(asm_finish(&prog) == 0);
	return 0;
}

/* Writes with f into a new buffer; the caller frees it. */
static char *capture(const char *log, unsigned tail, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	FUZZ_CHECK(f);
	if (tail)
		vlog_tail(f, log, &prog, tail);
	else
		vlog_annotate(f, log, &prog);
	FUZZ_CHECK(fclose(f) == 0);
	return buf;
}

/* The instruction a line names as "N: (" (an instruction line), or -1. */
static long insn_line(const char *s, const char *e)
{
	long n = 0;
	const char *q = s;

	for (; q < e && *q >= '0' && *q <= '9'; q++)
		if ((n = n * 10 + (*q - '0')) > 10000000)
			return -1;
	if (q == s || e - q < 3 || memcmp(q, ": (", 3))
		return -1;
	return n;
}

/* out must be log's lines, each followed by its source when it is an instruction line. */
static void check_annotated(const char *log, const char *out, size_t out_len)
{
	const char *s = log, *o = out, *oend = out + out_len;

	while (*s) {
		const char *e = strchrnul(s, '\n');
		size_t n = (size_t)(e - s);
		long insn = insn_line(s, e);
		char src[512];

		FUZZ_CHECK((size_t)(oend - o) >= n && !memcmp(o, s, n));
		o += n;
		src[0] = 0;
		if (insn >= 0 && (size_t)insn < prog.len && prog.src[insn].file)
			snprintf(src, sizeof(src), "  ; %s:%d", prog.src[insn].file,
				 prog.src[insn].line);
		FUZZ_CHECK((size_t)(oend - o) > strlen(src));
		FUZZ_CHECK(!memcmp(o, src, strlen(src)) && o[strlen(src)] == '\n');
		o += strlen(src) + 1;
		s = *e ? e + 1 : e;
	}
	FUZZ_CHECK(o == oend);
}

static void check_reason(const char *log, const char *reason, size_t n)
{
	static const char none[] = "no reason in the verifier log";
	size_t len = strnlen(reason, n);

	FUZZ_CHECK(len < n);
	if (!strncmp(reason, none, len) && (len == sizeof(none) - 1 || len == n - 1))
		return;
	FUZZ_CHECK(len > 0);
	/* A line's start, then len bytes of it */
	for (const char *s = log; s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL)
		if (!strncmp(s, reason, len) && (s[len] == '\n' || !s[len] || len == n - 1))
			return;
	FUZZ_CHECK(!"reason is not a line of the log");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char reason[256], *log, *all, *tail;
	size_t rn, all_len, tail_len, lines = 0;
	unsigned max_lines;
	long last;

	if (size < 2)
		return 0;
	rn = data[0];
	max_lines = data[1];
	log = fuzz_strndup(data + 2, size - 2);

	memset(reason, 'x', sizeof(reason));
	vlog_reason(log, reason, rn);
	if (rn)
		check_reason(log, reason, rn);
	else
		FUZZ_CHECK(reason[0] == 'x'); /* no room: nothing written */

	last = vlog_last_insn(log);
	FUZZ_CHECK(last >= -1 && last <= 10000000);

	all = capture(log, 0, &all_len);
	check_annotated(log, all, all_len);
	if (max_lines) {
		tail = capture(log, max_lines, &tail_len);
		FUZZ_CHECK(tail_len <= all_len &&
			   !memcmp(all + all_len - tail_len, tail, tail_len));
		for (size_t i = 0; i < tail_len; i++)
			lines += tail[i] == '\n';
		FUZZ_CHECK(lines <= max_lines);
		free(tail);
	}
	free(all);
	free(log);
	return 0;
}
