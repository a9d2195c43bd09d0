/* SPDX-License-Identifier: MIT */
/*
 * Helpers the output unit tests share (test_output.c, test_escape.c): a python3 run that
 * judges output by another implementation's rules, a check that text lines are clean, and a
 * fixed random sequence biased towards the bytes escaping cares about. Include after cmocka.h.
 */
#ifndef MINISNOOP_TESTS_UNIT_UTIL_H
#define MINISNOOP_TESTS_UNIT_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs a python3 script with input on stdin; returns its stdout (malloc'd), asserts exit 0. */
static inline char *py_run(const char *script, const char *in, size_t n)
{
	char path[] = "/tmp/test_output_XXXXXX";
	char cmd[4096];
	char *out = malloc(1 << 20);
	size_t got = 0, r;
	FILE *p;
	int fd = mkstemp(path), st;

	assert_true(fd >= 0);
	assert_non_null(out);
	assert_int_equal(write(fd, in, n), (ssize_t)n);
	close(fd);
	snprintf(cmd, sizeof(cmd), "python3 -c '%s' < %s", script, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((r = fread(out + got, 1, (1 << 20) - 1 - got, p)) > 0)
		got += r;
	out[got] = 0;
	st = pclose(p);
	unlink(path);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		print_error("python3 failed (%d) on:\n%.*s\n", st, (int)(n > 4000 ? 4000 : n), in);
		fail();
	}
	return out;
}

/* Text lines: strict UTF-8, no C0, DEL or C1 character except the final newline. */
static inline void text_lines_valid(const char *buf, size_t n, int lines)
{
	char *out = py_run("import sys\n"
			   "n=0\n"
			   "for l in sys.stdin.buffer:\n"
			   "    t=l.decode(\"utf-8\")\n"
			   "    assert t.endswith(\"\\n\")\n"
			   "    assert not any(ord(c)<32 or 127<=ord(c)<160 for c in t[:-1]), "
			   "repr(t)\n"
			   "    n+=1\n"
			   "print(n)\n",
			   buf, n);

	assert_int_equal(atoi(out), lines);
	free(out);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static inline uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* Random bytes biased towards the interesting ones: NUL, controls, UTF-8 leads, quotes. */
static inline unsigned char rnd_byte(void)
{
	static const unsigned char pick[] = {0,	   'a',	 ' ',  '\\', '"',  '\n', 0x1b, 0x7f,
					     0x80, 0xbf, 0xc2, 0xc3, 0xe2, 0xed, 0xf0, 0xf4};

	return rnd() % 3 ? pick[rnd() % sizeof(pick)] : (unsigned char)rnd();
}

#endif
