// SPDX-License-Identifier: MIT
/*
 * The time zone readers of src/tinylibc.c (both static builds' localtime_r) on any input.
 * Input: a first byte, even for a TZ value (a POSIX rule, "CET-1CEST,M3.5.0,M10.5.0/3"), odd
 * for a zoneinfo file (TZif, with its footer's rule); the rest is that text or file.
 *
 * Checked, at times before, inside and past any file's transitions: localtime_r gives a
 * time whose fields are in range, and which is gmtime_r of the time plus its offset.
 */
#include "fuzz.h"

#define TINYLIBC_TIME_TEST
#define localtime_r tl_localtime_r
#define gmtime_r    tl_gmtime_r
#include "../../src/tinylibc.c"
#undef localtime_r
#undef gmtime_r

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const time_t at[] = {-2147483648LL, 0,		1000000000, 1700000000, 2147483647,
				    2500000000LL,  4000000000LL};
	char rule[512];

	if (!size)
		return 0;
	tz_loaded = 1;
	tz_types = NULL;
	memset(&tz_rule, 0, sizeof(tz_rule));
	if (data[0] & 1) {
		size_t n = size - 1 < sizeof(tzf) ? size - 1 : sizeof(tzf);

		memcpy(tzf, data + 1, n);
		tz_parse(tzf, n);
	} else {
		size_t n = size - 1 < sizeof(rule) - 1 ? size - 1 : sizeof(rule) - 1;

		memcpy(rule, data + 1, n);
		rule[n] = 0;
		tz_parse_rule(rule, &tz_rule);
	}
	for (size_t k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
		struct tm tm, g;
		time_t local;

		if (!tl_localtime_r(&at[k], &tm))
			continue;
		FUZZ_CHECK(tm.tm_sec >= 0 && tm.tm_sec <= 59 && tm.tm_min >= 0 && tm.tm_min <= 59);
		FUZZ_CHECK(tm.tm_hour >= 0 && tm.tm_hour <= 23 && tm.tm_mday >= 1 &&
			   tm.tm_mday <= 31 && tm.tm_mon >= 0 && tm.tm_mon <= 11);
		local = at[k] + tm.tm_gmtoff;
		FUZZ_CHECK(tl_gmtime_r(&local, &g));
		FUZZ_CHECK(g.tm_year == tm.tm_year && g.tm_yday == tm.tm_yday &&
			   g.tm_mday == tm.tm_mday && g.tm_hour == tm.tm_hour);
	}
	return 0;
}
