// SPDX-License-Identifier: MIT
/* The formatter (src/fmt.c) against the host libc's snprintf and fprintf; no privileges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fmt.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Both outputs land in buffers filled with a marker first: bytes past n must stay untouched. */
static char got[600], want[600];

static void same(int line, size_t n, int r_got, int r_want)
{
	if (r_got != r_want || memcmp(got, want, sizeof(got)))
		print_message("line %d, n %zu: got %d \"%.*s\", libc %d \"%.*s\"\n", line, n, r_got,
			      (int)(n < sizeof(got) ? n : sizeof(got)), got, r_want,
			      (int)(n < sizeof(want) ? n : sizeof(want)), want);
	assert_int_equal(r_got, r_want);
	assert_memory_equal(got, want, sizeof(got));
}

/* The format is a literal in both calls, so that the compiler checks it against the values. */
#define SAME_N(n, ...)                                                                             \
	do {                                                                                       \
		int r_got_, r_want_;                                                               \
		memset(got, 0x5a, sizeof(got));                                                    \
		memset(want, 0x5a, sizeof(want));                                                  \
		r_got_ = ms_snprintf(got, (n), __VA_ARGS__);                                       \
		r_want_ = snprintf(want, (n), __VA_ARGS__);                                        \
		same(__LINE__, (n), r_got_, r_want_);                                              \
	} while (0)
#define SAME(...) SAME_N(sizeof(got), __VA_ARGS__)

static void test_signed(void **state)
{
	static const int ints[] = {0, 1, -1, 7, -42, 1000, INT_MAX, INT_MIN, INT_MIN + 1};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		int v = ints[i];

		SAME("%d", v);
		SAME("%i|%+d|% d", v, v, v);
		SAME("[%5d][%-5d][%05d][%+05d][% 05d]", v, v, v, v, v);
		SAME("[%12d][%-12d|][%012d][%+012d][% -12d|]", v, v, v, v, v);
		SAME("[%.0d][%.1d][%.5d][%8.5d][%-8.5d|][%+.3d]", v, v, v, v, v, v);
		/* C: 0 is ignored with - and with a precision (gcc says so, rightly). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
		SAME("[%08.5d][%-08d|][%0-8d|][%012.0d]", v, v, v, v);
#pragma GCC diagnostic pop
		SAME("[%*d][%-*d|][%.*d][%*.*d]", 7, v, 7, v, 4, v, 9, 6, v);
		SAME("[%*d|][%.*d]", -7, v, -3, v);
		SAME("%hhd %hd", v, v);
		SAME("%ld %lld %zd %td %jd", (long)v, (long long)v, (ssize_t)v, (ptrdiff_t)v,
		     (intmax_t)v);
	}
	SAME("%ld %ld", LONG_MIN, LONG_MAX);
	SAME("%lld %lld", LLONG_MIN, LLONG_MAX);
	SAME("%jd %jd", INTMAX_MIN, INTMAX_MAX);
	SAME("%" PRId64 " %" PRId64 " %" PRIi64, INT64_MIN, INT64_MAX, (int64_t)-5);
	SAME("%hhd %hhd %hhd %hd %hd", 200, -129, 127, 70000, -32769);
	SAME("%zd %td", (ssize_t)-9, (ptrdiff_t)PTRDIFF_MIN);
	SAME("[%030lld][%-30lld|][%+30.25lld]", LLONG_MIN, LLONG_MIN, LLONG_MAX);
}

static void test_unsigned(void **state)
{
	static const unsigned long long vals[] = {0,
						  1,
						  9,
						  10,
						  15,
						  16,
						  255,
						  4096,
						  65535,
						  UINT_MAX,
						  (unsigned long long)UINT_MAX + 1,
						  0x123456789abcdefULL,
						  ULLONG_MAX};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		unsigned long long v = vals[i];
		unsigned u = (unsigned)v;

		SAME("%u %x %X", u, u, u);
		SAME("[%02x][%08x][%-8x|][%8X][%.4x][%.0x][%.0u]", u, u, u, u, u, u, u);
		SAME("[%4u][%-4u|][%012u][%.10u][%*x][%-*X|]", u, u, u, u, 6, u, 6, u);
		SAME("%hhu %hhx %hu %hx %hX", u, u, u, u, u);
		SAME("%lu %lx %llu %llx %llX", (unsigned long)v, (unsigned long)v, v, v, v);
		SAME("%zu %zx %ju %jx", (size_t)v, (size_t)v, (uintmax_t)v, (uintmax_t)v);
		SAME("%" PRIu64 " %" PRIx64 " %" PRIX64 " %020" PRIu64, (uint64_t)v, (uint64_t)v,
		     (uint64_t)v, (uint64_t)v);
		SAME("[%4zu][%-4zu|][%016llx][%.20llu]", (size_t)v, (size_t)v, v, v);
	}
	SAME("%" PRIu64 " %" PRIx64, UINT64_MAX, UINT64_MAX);
	SAME("%zu %zx", SIZE_MAX, SIZE_MAX);
	SAME("%ju %jX", UINTMAX_MAX, UINTMAX_MAX);
	SAME("%hhu %hhx %hu %hx", 300, -1, 70000, -1);
}

static void test_strings(void **state)
{
	static const char s[] = "hello, world";
	/* Not NUL-terminated: with a precision only that many bytes may be read. */
	static const char raw[4] = {'a', 'b', 'c', 'd'};

	(void)state;
	SAME("%s", s);
	SAME("%s", "");
	SAME("[%20s][%-20s|][%5s][%-5s|]", s, s, s, s);
	SAME("[%.5s][%.0s][%.40s][%10.3s][%-10.3s|]", s, s, s, s, s);
	SAME("[%.*s][%*.*s][%-*s|][%.*s]", 4, s, 8, 2, s, 9, "ab", -1, s);
	SAME("[%.4s][%.*s][%.2s]", raw, 3, raw, raw);
	SAME("[%-8s][%-28s|]", "tgid", "a rather long column heading over 28");
	SAME("%c%c%c [%c] [%3c] [%-3c|]", 'a', 'B', '0', ' ', 'x', 'y');
	SAME("%c", 0x1ff);
	SAME("100%% [%%] %s%%", "x");
	SAME("no conversions at all");
	SAME("%s=%d %s=%" PRIu64 " %s=%zu%c", "pid", -1, "n", UINT64_MAX, "len", (size_t)3, '\n');
}

static void test_pointers(void **state)
{
	int x;

	(void)state;
	SAME("%p", (void *)&x);
	SAME("[%p][%30p][%-30p|]", (void *)0x1234, (void *)0x1234, (void *)0x1234);
	SAME("%p", (void *)UINTPTR_MAX);
	SAME("[%p][%8p][%-8p|]", NULL, NULL, NULL);
}

/* n == 0 writes nothing (buf may be NULL), n > 0 always ends in a NUL; both return the
 * length the whole output has. */
static void test_truncation(void **state)
{
	static const size_t ns[] = {0, 1, 2, 3, 5, 8, 11, 12, 13, 40};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		size_t n = ns[i];

		SAME_N(n, "%s", "hello, world");
		SAME_N(n, "%d", INT_MIN);
		SAME_N(n, "[%08d]", -42);
		SAME_N(n, "%-8s|%4zu|", "ab", (size_t)7);
		SAME_N(n, "%" PRIu64 "%%", UINT64_MAX);
		SAME_N(n, "%.40s", "short");
		SAME_N(n, "%c%c%c%c", 'w', 'x', 'y', 'z');
		SAME_N(n, "%20s", "");
	}
	assert_int_equal(ms_snprintf(NULL, 0, "%s %d", "abc", -12345), 10);
	assert_int_equal(ms_snprintf(NULL, 0, "%*d", 500, 1), 500);
}

/* An output longer than INT_MAX cannot be returned: -1 and EOVERFLOW, as C says. */
static void test_overflow(void **state)
{
	char b[8];
	/* Not a constant: gcc would reject the second call at compile time. */
	volatile int w = INT_MAX;

	(void)state;
	assert_int_equal(ms_snprintf(b, sizeof(b), "%*d", w, 1), INT_MAX);
	assert_string_equal(b, "       ");
	errno = 0;
	assert_int_equal(ms_snprintf(b, sizeof(b), "%*d%*d", w, 1, w, 2), -1);
	assert_int_equal(errno, EOVERFLOW);
}

/* Read back what went into the file f. */
static char *contents(FILE *f, long *len)
{
	char *p;

	assert_int_equal(fflush(f), 0);
	*len = ftell(f);
	assert_true(*len >= 0);
	p = malloc((size_t)*len + 1);
	assert_non_null(p);
	rewind(f);
	assert_int_equal(fread(p, 1, (size_t)*len, f), (size_t)*len);
	p[*len] = 0;
	return p;
}

/* The stream functions write everything, also far past their stack buffer. */
static void test_fprintf(void **state)
{
	static char big[5000];
	FILE *fg = tmpfile(), *fw = tmpfile();
	char *a, *b;
	long la, lb;
	int r_got, r_want;

	(void)state;
	assert_non_null(fg);
	assert_non_null(fw);
	memset(big, 'q', sizeof(big) - 1);
	big[100] = 'X';
	r_got = ms_fprintf(fg, "%d [%s] %3000s|%-2000d|%c%" PRIu64 "\n", -7, big, "r", 42, 'z',
			   UINT64_MAX);
	r_want = fprintf(fw, "%d [%s] %3000s|%-2000d|%c%" PRIu64 "\n", -7, big, "r", 42, 'z',
			 UINT64_MAX);
	assert_int_equal(r_got, r_want);
	r_got = ms_fprintf(fg, "short %s\n", "line");
	r_want = fprintf(fw, "short %s\n", "line");
	assert_int_equal(r_got, r_want);
	/* Exactly the stack buffer, and one more. */
	r_got = ms_fprintf(fg, "%1024s%1025s", "a", "b");
	r_want = fprintf(fw, "%1024s%1025s", "a", "b");
	assert_int_equal(r_got, r_want);
	a = contents(fg, &la);
	b = contents(fw, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, (size_t)la);
	free(a);
	free(b);
	fclose(fg);
	fclose(fw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_signed),     cmocka_unit_test(test_unsigned),
	    cmocka_unit_test(test_strings),    cmocka_unit_test(test_pointers),
	    cmocka_unit_test(test_truncation), cmocka_unit_test(test_overflow),
	    cmocka_unit_test(test_fprintf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
