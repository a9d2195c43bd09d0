// SPDX-License-Identifier: MIT
/* The passwd file lookup (src/passwd.c) on temporary files; no privileges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "passwd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[32];

/* Writes len bytes to a new temporary file at path. */
static void write_file(const void *data, size_t len)
{
	int fd;

	strcpy(path, "/tmp/test_passwd.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void write_str(const char *s)
{
	write_file(s, strlen(s));
}

/* The lookup of name in the file at path: its uid, or its error with *uid left alone. */
static void expect_uid(const char *name, uint32_t want)
{
	uint32_t uid = 0xdeadbeef;

	assert_int_equal(passwd_uid(path, name, &uid), 0);
	assert_int_equal(uid, want);
}

static void expect_err(const char *name, int err)
{
	uint32_t uid = 0xdeadbeef;

	assert_int_equal(passwd_uid(path, name, &uid), err);
	assert_int_equal(uid, 0xdeadbeef);
}

static const char sample[] = "root:x:0:0:root:/root:/bin/bash\n"
			     "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
			     "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
			     "alicex:x:1001:1001::/home/alicex:/bin/sh\n"
			     "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";

static void test_lookup(void **state)
{
	(void)state;
	write_str(sample);
	expect_uid("root", 0); /* first line */
	expect_uid("daemon", 1);
	expect_uid("alice", 1000);
	expect_uid("alicex", 1001);
	expect_uid("nobody", 65534); /* last line */
	/* The whole name field, from the line start */
	expect_err("ali", -ENOENT);
	expect_err("alicexx", -ENOENT);
	expect_err("lice", -ENOENT);
	expect_err("oot", -ENOENT);
	expect_err("x", -ENOENT);
	expect_err("bin", -ENOENT);
	unlink(path);
}

static void test_no_trailing_newline(void **state)
{
	(void)state;
	write_str("a:x:1:1::/:/bin/sh\nlast:x:42:42::/home/last:/bin/sh");
	expect_uid("last", 42);
	expect_uid("a", 1);
	unlink(path);
	/* Just the uid's ':' at the very end */
	write_str("only:x:7:");
	expect_uid("only", 7);
	unlink(path);
	write_str("");
	expect_err("root", -ENOENT);
	unlink(path);
}

/*
 * One line of 100 KB (a long GECOS field, which a user may set) with what looks like root's line
 * in its tail: it is the tail of evil's line, not a line of its own. The fake line starts at
 * each of several offsets, and at multiples of common line buffer sizes (minus 1 for fgets).
 */
static void test_long_line(void **state)
{
	static const size_t sizes[] = {256, 511, 512, 1023, 1024, 4095, 4096, 8191, 8192};
	const char *tail = "root:x:0:0::/root:/bin/sh\n";
	char *buf = malloc(120000);
	size_t len;

	(void)state;
	assert_non_null(buf);
	for (size_t k = 0; k < 48 + sizeof(sizes) / sizeof(sizes[0]); k++) {
		/* Where the fake line starts: 100000 + k, or the first multiple past 100000 */
		size_t at = k < 48 ? 100000 + k : (100000 / sizes[k - 48] + 1) * sizes[k - 48];

		len = (size_t)sprintf(buf, "evil:x:1001:1001:");
		memset(buf + len, 'A', at - len);
		len = at + (size_t)sprintf(buf + at, "%sbob:x:77:77::/:/bin/sh\n", tail);
		write_file(buf, len);
		expect_err("root", -ENOENT);
		expect_uid("evil", 1001);
		expect_uid("bob", 77); /* the next line is a line */
		unlink(path);
	}
	/* A real root line after it still wins */
	len = (size_t)sprintf(buf, "evil:x:1001:1001:");
	memset(buf + len, 'A', 100000 - len);
	len = 100000 + (size_t)sprintf(buf + 100000, "%sroot:x:0:0::/root:/bin/sh\n",
				       "root:x:666:666::/:/bin/sh\n");
	write_file(buf, len);
	expect_uid("root", 0);
	unlink(path);
	free(buf);
}

/* A line that starts in one read and ends in the next, at each of its bytes. */
static void test_read_boundaries(void **state)
{
	char buf[8192];

	(void)state;
	for (size_t fill = 4096 - 30; fill <= 4096; fill++) {
		memset(buf, '#', fill - 1);
		buf[fill - 1] = '\n';
		strcpy(buf + fill, "bob:x:4242:77::/:/bin/sh\n");
		write_file(buf, strlen(buf));
		expect_uid("bob", 4242);
		expect_err("ob", -ENOENT);
		unlink(path);
	}
}

static void test_bad_names(void **state)
{
	char name[PASSWD_NAME_MAX + 2], line[512];
	uint32_t uid = 7;

	(void)state;
	write_str("a:b:1:1::/:/bin/sh\nro:ot:2:2::/:/bin/sh\n");
	expect_err("", -EINVAL);
	expect_err("ro:ot", -EINVAL);
	expect_err("a:b", -EINVAL);
	expect_err("a:", -EINVAL);
	expect_err("a\nb", -EINVAL);
	expect_err("a\n", -EINVAL);
	assert_int_equal(passwd_uid(path, NULL, &uid), -EINVAL);
	assert_int_equal(uid, 7);
	expect_uid("a", 1);
	expect_uid("ro", 2);
	unlink(path);
	/* 255 bytes is the longest name */
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	name[PASSWD_NAME_MAX] = 0;
	snprintf(line, sizeof(line), "%s:x:5:5::/:/bin/sh\n", name);
	write_str(line);
	expect_uid(name, 5);
	name[PASSWD_NAME_MAX] = 'n';
	expect_err(name, -EINVAL);
	unlink(path);
}

/* A line whose uid field is not a uid is skipped: a later line of that name may still match. */
static void test_bad_uids(void **state)
{
	(void)state;
	write_str("empty:x::0::/:/bin/sh\n"
		  "alpha:x:12a:0::/:/bin/sh\n"
		  "sign:x:-1:0::/:/bin/sh\n"
		  "plus:x:+5:0::/:/bin/sh\n"
		  "space:x: 5:0::/:/bin/sh\n"
		  "invalid:x:4294967295:0::/:/bin/sh\n"
		  "over:x:4294967296:0::/:/bin/sh\n"
		  "huge:x:123456789012345678901234567890:0::/:/bin/sh\n"
		  "short:x:5\n"
		  "nouid:x\n"
		  "bare\n"
		  "max:x:4294967294:0::/:/bin/sh\n"
		  "zeros:x:000042:0::/:/bin/sh\n"
		  "zero:x:0:0::/:/bin/sh\n"
		  "twice:x:bad:0::/:/bin/sh\n"
		  "twice:x:9:0::/:/bin/sh\n"
		  "twice:x:10:0::/:/bin/sh\n");
	expect_err("empty", -ENOENT);
	expect_err("alpha", -ENOENT);
	expect_err("sign", -ENOENT);
	expect_err("plus", -ENOENT);
	expect_err("space", -ENOENT);
	expect_err("invalid", -ENOENT);
	expect_err("over", -ENOENT);
	expect_err("huge", -ENOENT);
	expect_err("short", -ENOENT);
	expect_err("nouid", -ENOENT);
	expect_err("bare", -ENOENT);
	expect_uid("max", 4294967294u);
	expect_uid("zeros", 42);
	expect_uid("zero", 0);
	expect_uid("twice", 9); /* the first good one */
	unlink(path);
}

/* passwd has no comments, but a '#' line must not match the name after the '#'. */
static void test_comment_and_empty_lines(void **state)
{
	(void)state;
	write_str("\n\n#root:x:5:5::/:/bin/sh\n root:x:6:6::/:/bin/sh\n+root:x:8:8::/:/bin/sh\n"
		  "\n:x:9:9::/:/bin/sh\nroot:x:0:0::/root:/bin/sh\n\n");
	expect_uid("root", 0);
	expect_uid("#root", 5); /* a name may start with '#' */
	unlink(path);
}

static void test_missing_file(void **state)
{
	uint32_t uid = 7;

	(void)state;
	assert_int_equal(passwd_uid("/nonexistent/passwd", "root", &uid), -ENOENT);
	assert_int_equal(uid, 7);
	/* Opens, but cannot be read */
	assert_int_equal(passwd_uid("/tmp", "root", &uid), -EISDIR);
	assert_int_equal(uid, 7);
	/* Name checks come first */
	assert_int_equal(passwd_uid("/nonexistent/passwd", "ro:ot", &uid), -EINVAL);
}

/* Lines after the first PASSWD_MAX_BYTES are not read: a sparse file of zeros gets there. */
static void test_size_limit(void **state)
{
	static const char near[] = "\nnear:x:9:9::/:/bin/sh\n", late[] = "late:x:5:5::/:/bin/sh\n";
	int fd;

	(void)state;
	strcpy(path, "/tmp/test_passwd.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "first:x:3:3::/:/bin/sh\n", 23), 23);
	assert_int_equal(pwrite(fd, near, sizeof(near) - 1, PASSWD_MAX_BYTES - (sizeof(near) - 1)),
			 (ssize_t)sizeof(near) - 1);
	assert_int_equal(pwrite(fd, late, sizeof(late) - 1, PASSWD_MAX_BYTES),
			 (ssize_t)sizeof(late) - 1);
	close(fd);
	expect_uid("first", 3);
	expect_uid("near", 9); /* its last byte is the limit's */
	expect_err("late", -EFBIG);
	expect_err("nobody", -EFBIG);
	unlink(path);
}

/* uid and gid together (for -Z USER): a line without a good gid field does not match. */
static void test_ids(void **state)
{
	uint32_t uid = 9, gid = 9;

	(void)state;
	write_str("a:x:1:2::/:/bin/sh\nb:x:3:\nc:x:4:x5:\nd:x:6:4294967295:\ne:x:7:8\n");
	assert_int_equal(passwd_ids(path, "a", &uid, &gid), 0);
	assert_int_equal(uid, 1);
	assert_int_equal(gid, 2);
	for (const char *const *n = (const char *const[]){"b", "c", "d", "e", NULL}; *n; n++)
		assert_int_equal(passwd_ids(path, *n, &uid, &gid), -ENOENT);
	assert_int_equal(uid, 1); /* untouched on failure */
	assert_int_equal(passwd_uid(path, "b", &uid), 0);
	assert_int_equal(uid, 3);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookup),
	    cmocka_unit_test(test_no_trailing_newline),
	    cmocka_unit_test(test_long_line),
	    cmocka_unit_test(test_read_boundaries),
	    cmocka_unit_test(test_bad_names),
	    cmocka_unit_test(test_bad_uids),
	    cmocka_unit_test(test_comment_and_empty_lines),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_size_limit),
	    cmocka_unit_test(test_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
