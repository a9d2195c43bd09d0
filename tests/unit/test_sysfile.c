// SPDX-License-Identifier: MIT
/* scan_u64: the strtoull subset the program uses, with its edge cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sysfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Same value and end as libc's strtoull wherever both accept the input. */
static void test_scan_matches_strtoull(void **state)
{
	static const char *const in[] = {"0",	   "7",
					 "42abc",  "  12",
					 "\t9 ",   "18446744073709551615",
					 "00012",  "0-3",
					 "5.10.0", "ffffffffffffffff",
					 "1f"};
	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		for (unsigned base = 10; base <= 16; base += 6) {
			char *e1, *e2;
			bool over;
			uint64_t a = scan_u64(in[i], &e1, base, &over);
			unsigned long long b;

			errno = 0;
			b = strtoull(in[i], &e2, (int)base);
			assert_int_equal(over, errno == ERANGE);
			assert_int_equal(a, b);
			assert_ptr_equal(e1, e2);
		}
	}
}

static void test_scan_edges(void **state)
{
	char *end;
	bool over;
	const char *s;

	(void)state;
	s = "18446744073709551616";
	assert_int_equal(scan_u64(s, &end, 10, &over), UINT64_MAX);
	assert_true(over);
	assert_ptr_equal(end, s + strlen(s));
	s = "  x";
	assert_int_equal(scan_u64(s, &end, 10, &over), 0);
	assert_false(over);
	assert_ptr_equal(end, s); /* no digits: end is the start, blanks not consumed */
	s = "-1";
	assert_int_equal(scan_u64(s, &end, 10, NULL), 0);
	assert_ptr_equal(end, s);
	s = "CapEff:\t000001ffffffffff\n";
	assert_int_equal(scan_u64(s + 7, NULL, 16, NULL), 0x1ffffffffffull);
}

static void test_str_find(void **state)
{
	const char *s = "Name:\tx\nPPid:\t1\nPPid2";

	(void)state;
	assert_ptr_equal(str_find(s, "\nPPid:"), strstr(s, "\nPPid:"));
	assert_ptr_equal(str_find(s, "Name"), s);
	assert_null(str_find(s, "PPid:x"));
	assert_null(str_find("", "a"));
	assert_null(str_find("ab", "abc"));
	assert_ptr_equal(str_find("aab", "ab"), strstr("aab", "ab"));
	assert_true(page_size() >= 4096 && !(page_size() & (page_size() - 1)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scan_matches_strtoull),
	    cmocka_unit_test(test_scan_edges),
	    cmocka_unit_test(test_str_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
