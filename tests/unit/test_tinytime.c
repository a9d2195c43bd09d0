// SPDX-License-Identifier: MIT
/*
 * src/tinylibc.c's localtime_r and gmtime_r (both static builds use them) against glibc's, over
 * POSIX TZ rules of every kind and zoneinfo files, before and after their last transition.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Its own names here, beside glibc's. */
#define TINYLIBC_TIME_TEST
#define localtime_r tl_localtime_r
#define gmtime_r    tl_gmtime_r
#include "../../src/tinylibc.c"
#undef localtime_r
#undef gmtime_r

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct tm *localtime_r(const time_t *t, struct tm *tm);
struct tm *gmtime_r(const time_t *t, struct tm *tm);

static unsigned n_bad, n_seen;

/* Both at t; a difference is printed (the first few) and counted. */
static long check(const char *tz, time_t t)
{
	struct tm a, b;

	tl_localtime_r(&t, &a);
	localtime_r(&t, &b);
	n_seen++;
	if (a.tm_year != b.tm_year || a.tm_mon != b.tm_mon || a.tm_mday != b.tm_mday ||
	    a.tm_hour != b.tm_hour || a.tm_min != b.tm_min || a.tm_sec != b.tm_sec ||
	    a.tm_gmtoff != b.tm_gmtoff) {
		if (n_bad++ < 5)
			print_error("TZ=%s t=%lld: %04d-%02d-%02d %02d:%02d:%02d %+ld, glibc "
				    "%04d-%02d-%02d %02d:%02d:%02d %+ld\n",
				    tz, (long long)t, a.tm_year + 1900, a.tm_mon + 1, a.tm_mday,
				    a.tm_hour, a.tm_min, a.tm_sec, a.tm_gmtoff, b.tm_year + 1900,
				    b.tm_mon + 1, b.tm_mday, b.tm_hour, b.tm_min, b.tm_sec,
				    b.tm_gmtoff);
	}
	return b.tm_gmtoff;
}

/* Every 5h13m over 1970..2075 (glibc applies no rule before 1970); where glibc's offset changed
 * since the last one, every minute in between: each change to the minute. */
static void compare(const char *tz)
{
	const time_t step = 5 * 3600 + 13 * 60;
	long off, prev;

	setenv("TZ", tz, 1);
	tzset();
	tz_loaded = 0;
	n_bad = n_seen = 0;
	prev = check(tz, 0);
	for (time_t t = 0 + step; t < 3345062400; t += step) {
		off = check(tz, t);
		if (off != prev)
			for (time_t u = t - step + 60; u < t; u += 60)
				check(tz, u);
		prev = off;
	}
	if (n_bad)
		fail_msg("TZ=%s: %u of %u times differ from glibc's", tz, n_bad, n_seen);
}

static void test_posix_rules(void **state)
{
	static const char *const rules[] = {
	    "UTC0",
	    "EST5",
	    "<+0330>-3:30",
	    "<-03>3",
	    "CET-1CEST,M3.5.0,M10.5.0/3",   /* Europe */
	    "EST5EDT,M3.2.0,M11.1.0",	    /* US */
	    "AEST-10AEDT,M10.1.0,M4.1.0/3", /* south: DST across the new year */
	    "NZST-12NZDT,M9.5.0,M4.1.0/3",
	    "IST-1GMT0,M10.5.0,M3.5.0/1",	    /* Ireland: "DST" in winter */
	    "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1",	    /* times before midnight */
	    "WART4WARST,J1/0,J365/25",		    /* Julian days, a time past 24h */
	    "XST-2XDT,59/2,300/2",		    /* zero-based days, Feb 29 counted */
	    "YST-2YDT,J60/2,J300/2",		    /* Julian day 60: March 1st always */
	    "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", /* Lord Howe: half an hour */
	    "EST5EDT",				    /* no rule: the US one */
	};

	(void)state;
	for (size_t k = 0; k < sizeof(rules) / sizeof(rules[0]); k++)
		compare(rules[k]);
}

/* Zoneinfo files (a name and a path), from the table and past it from the footer's rule. */
static void test_zoneinfo(void **state)
{
	static const char *const zones[] = {"Europe/Berlin",	  "America/New_York",
					    "Australia/Sydney",	  "Asia/Tehran",
					    "America/Sao_Paulo",  "Europe/Dublin",
					    "Pacific/Chatham",	  "/usr/share/zoneinfo/Asia/Tokyo",
					    ":Africa/Casablanca", "UTC"};
	int found = 0;

	(void)state;
	for (size_t k = 0; k < sizeof(zones) / sizeof(zones[0]); k++) {
		char path[256];
		const char *z = zones[k] + (zones[k][0] == ':');

		snprintf(path, sizeof(path), "%s%s", z[0] == '/' ? "" : "/usr/share/zoneinfo/", z);
		if (access(path, R_OK))
			continue;
		found++;
		compare(zones[k]);
	}
	if (!found)
		skip();
}

/* gmtime_r over the whole range of years the tracer can meet, and before 1970. */
static void test_gmtime(void **state)
{
	(void)state;
	for (time_t t = -4102444800; t < 7258118400; t += 86400 * 7 + 3601) {
		struct tm a, b;

		tl_gmtime_r(&t, &a);
		gmtime_r(&t, &b);
		if (a.tm_year != b.tm_year || a.tm_mon != b.tm_mon || a.tm_mday != b.tm_mday ||
		    a.tm_hour != b.tm_hour || a.tm_min != b.tm_min || a.tm_sec != b.tm_sec)
			fail_msg("t=%lld: %d-%d-%d, glibc %d-%d-%d", (long long)t, a.tm_year,
				 a.tm_mon, a.tm_mday, b.tm_year, b.tm_mon, b.tm_mday);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_posix_rules),
	    cmocka_unit_test(test_zoneinfo),
	    cmocka_unit_test(test_gmtime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
