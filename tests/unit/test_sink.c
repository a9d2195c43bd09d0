// SPDX-License-Identifier: MIT
/* The output sinks (sink.c): rotation at its edges, errors kept and retried, what a file must
 * not be; and --rate's accounting (rate.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rate.h"
#include "sink.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static char dir[64], file[128];

static int mkdir_setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/test_sink_XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(file, sizeof(file), "%s/ev.log", dir);
	return 0;
}

static int rmdir_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* The whole of FILE (suffix 0) or FILE.suffix; "" when it does not exist. */
static char *slurp(unsigned suffix)
{
	static char buf[4][4096];
	static unsigned at;
	char path[160];
	char *b = buf[at++ % 4];
	int fd;
	ssize_t n;

	if (suffix)
		snprintf(path, sizeof(path), "%s.%u", file, suffix);
	else
		snprintf(path, sizeof(path), "%s", file);
	fd = open(path, O_RDONLY);
	b[0] = 0;
	if (fd < 0)
		return b;
	n = read(fd, b, 4095);
	b[n > 0 ? n : 0] = 0;
	close(fd);
	return b;
}

static bool exists(unsigned suffix)
{
	char path[160];

	snprintf(path, sizeof(path), "%s.%u", file, suffix);
	return access(path, F_OK) == 0;
}

static void put(struct sink *k, const char *s)
{
	size_t done;

	assert_int_equal(sink_write(k, s, strlen(s), &done), 0);
	assert_int_equal(done, strlen(s));
}

static void test_parse_rotate(void **state)
{
	uint64_t size;
	unsigned count;
	static const char *const bad[] = {"",	     "0",   "k",  "1x", "1k,",	 "1k,0",
					  "1k,1000", "1kk", "-1", " 1", "1,2,3", "1M,a"};

	(void)state;
	assert_int_equal(sink_parse_rotate("10", &size, &count), 0);
	assert_int_equal(size, 10);
	assert_int_equal(count, 1);
	assert_int_equal(sink_parse_rotate("1k", &size, &count), 0);
	assert_int_equal(size, 1024);
	assert_int_equal(sink_parse_rotate("2M,5", &size, &count), 0);
	assert_int_equal(size, 2 << 20);
	assert_int_equal(count, 5);
	assert_int_equal(sink_parse_rotate("3G,999", &size, &count), 0);
	assert_int_equal(size, 3ull << 30);
	assert_int_equal(count, 999);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sink_parse_rotate(bad[i], &size, &count), -EINVAL);
}

static void test_lines_within(void **state)
{
	(void)state;
	assert_int_equal(sink_lines_within("ab\ncd\n", 6, 6), 6);
	assert_int_equal(sink_lines_within("ab\ncd\n", 6, 5), 3);
	assert_int_equal(sink_lines_within("ab\ncd\n", 6, 3), 3);
	assert_int_equal(sink_lines_within("ab\ncd\n", 6, 2), 0);
	assert_int_equal(sink_lines_within("ab\ncd\n", 6, 100), 6);
	assert_int_equal(sink_lines_within("", 0, 10), 0);
}

/* A line that ends exactly at SIZE stays; the next one starts FILE anew. */
static void test_rotate_exact(void **state)
{
	struct sink k;
	char err[256];

	(void)state;
	assert_int_equal(sink_file(&k, file, 20, 2, err, sizeof(err)), 0);
	put(&k, "123456789\n123456789\n"); /* 20 bytes: exactly SIZE */
	assert_false(exists(1));
	assert_string_equal(slurp(0), "123456789\n123456789\n");
	put(&k, "abc\n");
	assert_string_equal(slurp(1), "123456789\n123456789\n");
	assert_string_equal(slurp(0), "abc\n");
	assert_int_equal(k.rotations, 1);
	assert_int_equal(k.lines, 3);
	sink_close(&k);
}

/* A batch that would pass SIZE is split between two lines; every line once, in order. */
static void test_rotate_split_batch(void **state)
{
	struct sink k;
	char err[256], all[256] = "";

	(void)state;
	assert_int_equal(sink_file(&k, file, 16, 9, err, sizeof(err)), 0);
	put(&k, "l1----\nl2----\nl3----\nl4----\nl5----\n"); /* 7 bytes each */
	for (unsigned i = 9; i >= 1; i--) {
		char *f = slurp(i);

		assert_true(strlen(f) <= 16);
		assert_true(!*f || f[strlen(f) - 1] == '\n');
		strcat(all, f);
	}
	strcat(all, slurp(0));
	assert_string_equal(all, "l1----\nl2----\nl3----\nl4----\nl5----\n");
	assert_string_equal(slurp(2), "l1----\nl2----\n");
	assert_string_equal(slurp(1), "l3----\nl4----\n");
	assert_string_equal(slurp(0), "l5----\n");
	sink_close(&k);
}

/* A line longer than SIZE has a file of its own, never cut. */
static void test_rotate_long_line(void **state)
{
	struct sink k;
	char err[256];

	(void)state;
	assert_int_equal(sink_file(&k, file, 8, 3, err, sizeof(err)), 0);
	put(&k, "a\n0123456789abcdef\nb\n");
	assert_string_equal(slurp(2), "a\n");
	assert_string_equal(slurp(1), "0123456789abcdef\n");
	assert_string_equal(slurp(0), "b\n");
	sink_close(&k);
}

/* The text header begins each new file, not one appended to; a line too long for what the
 * header leaves of SIZE is written after it, not rotated away again. */
static void test_header(void **state)
{
	struct sink k;
	char err[256];
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	(void)state;
	assert_int_equal(write(fd, "old\n", 4), 4);
	close(fd);
	assert_int_equal(sink_file(&k, file, 12, 3, err, sizeof(err)), 0);
	assert_int_equal(sink_header(&k, "HEAD\n", 5), 0);
	assert_string_equal(slurp(0), "old\n");
	put(&k, "one\n");
	put(&k, "two\n"); /* exactly 12 */
	put(&k, "a line longer than twelve\n");
	put(&k, "end\n");
	assert_false(exists(3));
	assert_string_equal(slurp(2), "old\none\ntwo\n");
	assert_string_equal(slurp(1), "HEAD\na line longer than twelve\n");
	assert_string_equal(slurp(0), "HEAD\nend\n");
	assert_int_equal(k.lines, 4);
	sink_close(&k);
}

/* COUNT=1: one old file, the older ones gone. */
static void test_rotate_count1(void **state)
{
	struct sink k;
	char err[256];

	(void)state;
	assert_int_equal(sink_file(&k, file, 4, 1, err, sizeof(err)), 0);
	put(&k, "one\n");
	put(&k, "two\n");
	put(&k, "six\n");
	assert_string_equal(slurp(1), "two\n");
	assert_string_equal(slurp(0), "six\n");
	assert_false(exists(2));
	assert_int_equal(k.rotations, 2);
	sink_close(&k);
}

/* An existing FILE is appended to, and its size counts towards SIZE. */
static void test_append_existing(void **state)
{
	struct sink k;
	char err[256];
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	(void)state;
	assert_int_equal(write(fd, "old\n", 4), 4);
	close(fd);
	assert_int_equal(sink_file(&k, file, 8, 1, err, sizeof(err)), 0);
	put(&k, "new\n");
	assert_string_equal(slurp(0), "old\nnew\n");
	put(&k, "x\n");
	assert_string_equal(slurp(1), "old\nnew\n");
	sink_close(&k);
}

/* SIGHUP after logrotate moved FILE: the next batch goes to a new FILE; what was written
 * before stays whole in the moved one (the reopen comes between batches). */
static void test_reopen(void **state)
{
	struct sink k;
	char err[256], moved[160];
	struct stat st;

	(void)state;
	assert_int_equal(sink_file(&k, file, 0, 0, err, sizeof(err)), 0);
	put(&k, "before\n");
	snprintf(moved, sizeof(moved), "%s.moved", file);
	assert_int_equal(rename(file, moved), 0);
	put(&k, "still the old one\n"); /* no SIGHUP yet: the open file */
	assert_int_equal(sink_reopen(&k), 0);
	put(&k, "after\n");
	assert_string_equal(slurp(0), "after\n");
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	sink_close(&k);
	k.path = moved;
	(void)k;
	{
		char b[64] = "";
		int fd = open(moved, O_RDONLY);

		assert_true(read(fd, b, sizeof(b) - 1) > 0);
		close(fd);
		assert_string_equal(b, "before\nstill the old one\n");
	}
}

/* A file removed under us (not renamed) is noticed and made again: nothing goes to a file
 * nobody can read. */
static void test_removed_file(void **state)
{
	struct sink k;
	char err[256];

	(void)state;
	assert_int_equal(sink_file(&k, file, 0, 0, err, sizeof(err)), 0);
	put(&k, "a\n");
	assert_int_equal(unlink(file), 0);
	k.checked_ns = 0; /* as if a second went by */
	put(&k, "b\n");
	assert_string_equal(slurp(0), "b\n");
	sink_close(&k);
}

/* The directory removed: the error is said once, counted, the lines kept and written once
 * the directory is back. */
static void test_removed_dir(void **state)
{
	struct sink k;
	char err[256];

	(void)state;
	assert_int_equal(sink_file(&k, file, 0, 0, err, sizeof(err)), 0);
	put(&k, "a\n");
	assert_int_equal(unlink(file), 0);
	assert_int_equal(rmdir(dir), 0);
	k.checked_ns = 0;
	put(&k, "b\n");
	put(&k, "c\n");
	assert_int_equal(k.err, -ENOENT);
	assert_true(k.errors >= 2);
	assert_int_equal(k.keep_len, 4);
	assert_int_equal(sink_retry(&k), -ENOENT);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(sink_retry(&k), 0);
	assert_int_equal(k.err, 0);
	assert_string_equal(slurp(0), "b\nc\n");
	assert_int_equal(k.dropped, 0);
	sink_close(&k);
}

/* A full disk (RLIMIT_FSIZE stands in: EFBIG where a disk says ENOSPC, no privilege): the
 * line cut by the failing write is taken back out, kept, and written whole later. */
static void test_full_disk(void **state)
{
	struct rlimit old, lim;
	struct sink k;
	char err[256];

	(void)state;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(sink_file(&k, file, 0, 0, err, sizeof(err)), 0);
	lim = old;
	lim.rlim_cur = 25;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	put(&k, "123456789\n123456789\nabcdefghi\n"); /* the third line crosses 25 bytes */
	assert_string_equal(slurp(0), "123456789\n123456789\n");
	assert_int_equal(k.err, -EFBIG);
	assert_int_equal(k.errors, 1);
	assert_int_equal(k.keep_len, 10);
	put(&k, "next\n"); /* kept behind the first, in order */
	assert_int_equal(k.keep_len, 15);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(sink_retry(&k), 0);
	assert_string_equal(slurp(0), "123456789\n123456789\nabcdefghi\nnext\n");
	assert_int_equal(k.lines, 4);
	assert_int_equal(k.dropped, 0);
	sink_close(&k);
}

/* What is kept is bounded: past it, whole lines are dropped and counted. */
static void test_keep_bound(void **state)
{
	struct sink k;
	char err[256];

	(void)state;
	assert_int_equal(sink_file(&k, file, 0, 0, err, sizeof(err)), 0);
	k.keep_max = 8;
	assert_int_equal(unlink(file), 0);
	assert_int_equal(rmdir(dir), 0);
	k.checked_ns = 0;
	put(&k, "abc\ndef\nghi\n");
	assert_int_equal(k.keep_len, 8);
	assert_int_equal(k.dropped, 1);
	put(&k, "jkl\n");
	assert_int_equal(k.dropped, 2);
	assert_int_equal(mkdir(dir, 0700), 0);
	sink_close(&k); /* tried once more at exit */
	assert_string_equal(slurp(0), "abc\ndef\n");
	assert_int_equal(k.dropped, 2);
}

/* What a sysadmin would not want written to: refused at start. */
static void test_refused(void **state)
{
	struct sink k;
	char err[256], other[160], fifo[160];
	int fd;

	(void)state;
	snprintf(other, sizeof(other), "%s/target", dir);
	fd = open(other, O_WRONLY | O_CREAT, 0600);
	close(fd);
	assert_int_equal(symlink(other, file), 0);
	assert_int_equal(sink_file(&k, file, 0, 0, err, sizeof(err)), -ELOOP);
	assert_non_null(strstr(err, "symbolic link"));
	unlink(file);
	assert_int_equal(link(other, file), 0);
	assert_int_equal(sink_file(&k, file, 0, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "hard links"));
	unlink(file);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_true(sink_file(&k, fifo, 0, 0, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "not a regular file"));
	assert_int_equal(sink_file(&k, dir, 0, 0, err, sizeof(err)), -EISDIR);
}

static volatile sig_atomic_t ticks;
static void on_tick(int sig)
{
	(void)sig;
	ticks++;
}

/* Signals all through a large batch (an interval timer, no SA_RESTART, as SIGHUP or SIGUSR1
 * would come): the write is resumed, not cut or repeated; rotation still cuts between lines
 * only. */
static void test_signals_during_write(void **state)
{
	enum { LINE = 100, N = 100000 };
	struct sigaction sa = {.sa_handler = on_tick}, old;
	struct itimerval it = {{0, 200}, {0, 200}}, off = {{0, 0}, {0, 0}};
	char *batch = malloc((size_t)LINE * N + 1), err[256], path[160];
	struct sink k;
	size_t total = 0;
	struct stat st;

	(void)state;
	assert_non_null(batch);
	for (int i = 0; i < N; i++) {
		char *l = batch + (size_t)i * LINE;

		memset(l, '0', LINE - 1);
		for (int d = 7, v = i; d >= 0; d--, v /= 10)
			l[d] = (char)('0' + v % 10);
		l[LINE - 1] = '\n';
	}
	batch[(size_t)LINE * N] = 0;
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	assert_int_equal(sink_file(&k, file, 1 << 20, 20, err, sizeof(err)), 0);
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	put(&k, batch);
	assert_int_equal(setitimer(ITIMER_REAL, &off, NULL), 0);
	assert_true(ticks > 0); /* signals did come during the write */
	sigaction(SIGALRM, &old, NULL);
	for (unsigned i = 0; i <= 20; i++) {
		if (i)
			snprintf(path, sizeof(path), "%s.%u", file, i);
		else
			snprintf(path, sizeof(path), "%s", file);
		if (stat(path, &st))
			continue;
		assert_int_equal(st.st_size % LINE, 0);
		assert_true(st.st_size <= 1 << 20);
		total += (size_t)st.st_size;
	}
	assert_int_equal(total, (size_t)LINE * N);
	assert_int_equal(k.lines, N);
	sink_close(&k);
	free(batch);
}

/* A sink that sends each line on its own (syslog, the journal, kmsg later). */
static char got[256];
static unsigned calls, fail_at;

static int line_sink(struct sink *k, const char *line, size_t len)
{
	(void)k;
	if (++calls == fail_at)
		return -EAGAIN;
	strncat(got, line, len);
	strcat(got, "|");
	return 0;
}

static void noop_close(struct sink *k)
{
	(void)k;
}

static void test_line_sink(void **state)
{
	static const struct sink_ops ops = {
	    .name = "test", .write_line = line_sink, .close = noop_close};
	struct sink k = {.ops = &ops, .fd = -1, .keep_max = 64};

	(void)state;
	fail_at = 3;
	put(&k, "a\nbb\nccc\n");
	assert_string_equal(got, "a|bb|");
	assert_int_equal(k.keep_len, 4);
	assert_int_equal(k.err, -EAGAIN);
	put(&k, "d\n");
	assert_string_equal(got, "a|bb|ccc|d|");
	assert_int_equal(k.lines, 4);
	assert_int_equal(k.keep_len, 0);
	sink_close(&k);
}

static void test_stdout_pipe(void **state)
{
	struct sink k;
	int p[2];
	size_t done;
	char b[16] = "";

	(void)state;
	assert_int_equal(pipe(p), 0);
	sink_stdout(&k, p[1], NULL);
	assert_int_equal(sink_poll_fd(&k), p[1]);
	assert_int_equal(sink_write(&k, "x\ny\n", 4, &done), 0);
	assert_int_equal(done, 4);
	assert_int_equal(read(p[0], b, sizeof(b)), 4);
	assert_string_equal(b, "x\ny\n");
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(sink_write(&k, "z\n", 2, &done), -EPIPE);
	assert_int_equal(done, 0);
	sink_close(&k);
	close(p[1]);
}

#define SEC 1000000000ull

static uint64_t dropped_of[2];
static void count_drops(void *ctx, const char *comm, uint64_t n)
{
	(void)ctx;
	dropped_of[comm && !strcmp(comm, "cc") ? 0 : 1] += n;
}

/* N at once, then one every 1/N s; each command its own bucket; drops counted per command. */
static void test_rate(void **state)
{
	struct rate r;
	char cc[16] = "cc", sh[16] = "sh";
	uint64_t t = 5 * SEC;
	unsigned kept = 0;

	(void)state;
	assert_int_equal(rate_init(&r, 4), 0);
	for (int i = 0; i < 10; i++)
		kept += rate_allow(&r, cc, t);
	assert_int_equal(kept, 4);
	assert_true(rate_allow(&r, sh, t));
	assert_false(rate_allow(&r, cc, t + SEC / 8)); /* half a token earned */
	assert_true(rate_allow(&r, cc, t + SEC / 4));
	assert_false(rate_allow(&r, cc, t + SEC / 4));
	assert_false(rate_allow(&r, cc, t)); /* a time behind earns nothing */
	assert_int_equal(r.dropped, 9);
	rate_each_dropped(&r, count_drops, NULL);
	assert_int_equal(dropped_of[0], 9);
	assert_int_equal(dropped_of[1], 0);
	assert_int_equal(r.pending, 0);
	/* a second idle: the bucket is full again, not fuller */
	kept = 0;
	for (int i = 0; i < 10; i++)
		kept += rate_allow(&r, cc, t + 10 * SEC);
	assert_int_equal(kept, 4);
	rate_free(&r);
}

/* More commands than slots: the rest share one bucket, said as other commands. */
static void test_rate_many(void **state)
{
	struct rate r;
	char comm[16];
	unsigned kept = 0;

	(void)state;
	assert_int_equal(rate_init(&r, 1), 0);
	dropped_of[0] = dropped_of[1] = 0;
	for (unsigned i = 0; i < 2000; i++) {
		snprintf(comm, sizeof(comm), "c%u", i);
		kept += rate_allow(&r, comm, SEC);
	}
	/* every slot that could be taken has one; the shared bucket one more */
	assert_true(kept <= RATE_SLOTS + 1);
	assert_int_equal(kept + r.dropped, 2000);
	rate_each_dropped(&r, count_drops, NULL);
	assert_int_equal(dropped_of[1], r.dropped);
	rate_free(&r);
	/* no limit: everything kept, nothing allocated */
	assert_int_equal(rate_init(&r, 0), 0);
	assert_true(rate_allow(&r, "x", 0));
	assert_null(r.slot);
}

#define T(f) cmocka_unit_test_setup_teardown(f, mkdir_setup, rmdir_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_rotate),
	    cmocka_unit_test(test_lines_within),
	    T(test_rotate_exact),
	    T(test_rotate_split_batch),
	    T(test_rotate_long_line),
	    T(test_rotate_count1),
	    T(test_header),
	    T(test_append_existing),
	    T(test_reopen),
	    T(test_removed_file),
	    T(test_removed_dir),
	    T(test_full_disk),
	    T(test_keep_bound),
	    T(test_refused),
	    T(test_signals_during_write),
	    cmocka_unit_test(test_line_sink),
	    cmocka_unit_test(test_stdout_pipe),
	    cmocka_unit_test(test_rate),
	    cmocka_unit_test(test_rate_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
