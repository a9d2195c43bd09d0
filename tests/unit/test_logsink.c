// SPDX-License-Identifier: MIT
/*
 * The message sinks (issue 18 items 2-4): the encoders' exact bytes (logfmt.c: the RFC 3164
 * header, journal fields and their binary form, the byte stuffing, an event cut to fit with
 * its JSON still valid), and the sinks (logsink.c) against stand-ins: a datagram /dev/log,
 * a stream one, a journal socket that takes a memfd, a daemon restarted mid-stream, and
 * /dev/kmsg's rate limit as printk_devkmsg says it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "logfmt.h"
#include "sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* Event time 2026-11-25T06:21:00.123456789Z (TZ=UTC0). */
#define TS_NS	5000123456789ULL
#define REAL_NS 1795587660123456789LL

static char dir[64], path[128], path2[128];

static int mkdir_setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/test_logsink_XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/log", dir);
	snprintf(path2, sizeof(path2), "%s/limit", dir);
	return 0;
}

static int rmdir_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static struct ev_view view; /* large: not on the stack */

/* /usr/bin/ls run as "ls" with args, by bash (pid 4242) of uid 1001. */
static struct ev_view *mkview(unsigned argc, const char *const *argv)
{
	memset(&view, 0, sizeof(view));
	view.hdr.ts_ns = TS_NS;
	view.hdr.pid = view.hdr.tid = 4242;
	view.hdr.ppid = 1000;
	view.hdr.uid = 1001;
	memcpy(view.hdr.comm, "bash", 5);
	view.filename = "/usr/bin/ls";
	view.filename_len = 11;
	view.argc = argc;
	for (unsigned i = 0; i < argc; i++) {
		view.args[i] = argv[i];
		view.arg_len[i] = strlen(argv[i]);
	}
	return &view;
}

static void opts(struct out_opts *o, bool json, const char *spec)
{
	char err[128];
	uint32_t ctx;

	memset(o, 0, sizeof(*o));
	o->mono_to_real_ns = REAL_NS - (int64_t)TS_NS;
	o->json = json;
	assert_int_equal(out_columns(o, spec, false, &ctx, err, sizeof(err)), 0);
}

static void msg_sink(struct sink *k, int proto, size_t max)
{
	memset(k, 0, sizeof(*k));
	k->proto = (uint8_t)proto;
	k->facility = 10;
	k->pid = 42;
	k->msg_max = max;
	k->fd = -1;
}

/* out_event's own line for v, without its newline, in buf */
static size_t plain_line(const struct out_opts *o, const struct ev_view *v, char *buf, size_t n)
{
	struct outbuf b = {0};
	size_t len;

	assert_int_equal(outbuf_init(&b, -1, 1024), 0);
	out_event(&b, o, v);
	len = b.len - 1;
	assert_true(len < n);
	memcpy(buf, b.buf, len);
	buf[len] = 0;
	outbuf_free(&b);
	return len;
}

static void test_facility(void **state)
{
	static const char *const bad[] = {"", "Daemon", "local8", "kern", "authpriv ", "3", "mail"};

	(void)state;
	assert_int_equal(logfmt_facility("user"), 1);
	assert_int_equal(logfmt_facility("daemon"), 3);
	assert_int_equal(logfmt_facility("auth"), 4);
	assert_int_equal(logfmt_facility("authpriv"), 10);
	assert_int_equal(logfmt_facility("local0"), 16);
	assert_int_equal(logfmt_facility("local7"), 23);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(logfmt_facility(bad[i]), -1);
}

static void test_head(void **state)
{
	struct tm tm = {.tm_mon = 11, .tm_mday = 6, .tm_hour = 4, .tm_min = 5, .tm_sec = 6};
	char d[64];

	(void)state;
	assert_int_equal(logfmt_head(d, 86, &tm, 42, false), 35);
	assert_string_equal(d, "<86>Dec  6 04:05:06 minisnoop[42]: ");
	tm.tm_mon = 0;
	tm.tm_mday = 25;
	tm.tm_hour = 23;
	logfmt_head(d, 30, &tm, 7, false);
	assert_string_equal(d, "<30>Jan 25 23:05:06 minisnoop[7]: ");
	logfmt_head(d, 14, &tm, 7, true);
	assert_string_equal(d, "<14>minisnoop[7]: ");
}

/* A syslog message: the header with the event's local time, then the text line. */
static void test_syslog_event(void **state)
{
	static const char *const argv[] = {"ls", "-l", "/tmp"};
	struct out_opts o;
	struct outbuf b = {0};
	struct sink k;
	char line[512], want[600];

	(void)state;
	opts(&o, false, NULL);
	msg_sink(&k, SINK_SYSLOG, 8192);
	plain_line(&o, mkview(3, argv), line, sizeof(line));
	assert_non_null(strstr(line, "/usr/bin/ls -l /tmp"));
	snprintf(want, sizeof(want), "<86>Nov 25 06:21:00 minisnoop[42]: %s\n", line);
	assert_int_equal(outbuf_init(&b, -1, 64), 0);
	logfmt_event(&b, &o, &k, mkview(3, argv));
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(b.buf, want, b.len);
	/* kmsg: no time (the kernel stamps it) */
	b.len = 0;
	k.proto = SINK_KMSG;
	k.facility = 1;
	logfmt_event(&b, &o, &k, mkview(3, argv));
	snprintf(want, sizeof(want), "<14>minisnoop[42]: %s\n", line);
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(b.buf, want, b.len);
	/* a note of ours: notice */
	b.len = 0;
	k.proto = SINK_SYSLOG;
	k.facility = 3;
	b.len = (size_t)sprintf(b.buf, "minisnoop: 3 exec events of x dropped by --rate 1/s\n");
	logfmt_note(&b, &k, 0);
	assert_true(b.len > 52 && !memcmp(b.buf, "<29>", 4));
	assert_memory_equal(b.buf + b.len - 52, "minisnoop: 3 exec", 17);
	assert_non_null(memmem(b.buf, b.len, " minisnoop[42]: minisnoop: 3 exec", 33));
	outbuf_free(&b);
}

/* ---- a small strict JSON checker ---- */

static const char *js_value(const char *p, const char *end);

static const char *js_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *js_str(const char *p, const char *end)
{
	if (p >= end || *p != '"')
		return NULL;
	for (p++; p < end; p++) {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '"')
			return p + 1;
		if (*p == '\\') {
			p++;
			if (p >= end)
				return NULL;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (p + i >= end || !strchr("0123456789abcdefABCDEF", p[i]))
						return NULL;
				p += 4;
			} else if (!strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
	}
	return NULL;
}

static const char *js_seq(const char *p, const char *end, char close, bool obj)
{
	p = js_ws(p + 1, end);
	if (p < end && *p == close)
		return p + 1;
	for (;;) {
		if (obj) {
			p = js_str(js_ws(p, end), end);
			if (!p || (p = js_ws(p, end)) >= end || *p != ':')
				return NULL;
			p++;
		}
		p = js_value(p, end);
		if (!p || (p = js_ws(p, end)) >= end)
			return NULL;
		if (*p == close)
			return p + 1;
		if (*p != ',')
			return NULL;
		p++;
	}
}

static const char *js_value(const char *p, const char *end)
{
	p = js_ws(p, end);
	if (p >= end)
		return NULL;
	if (*p == '{')
		return js_seq(p, end, '}', true);
	if (*p == '[')
		return js_seq(p, end, ']', false);
	if (*p == '"')
		return js_str(p, end);
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++)
			;
		return p;
	}
	for (const char *w = "true\0false\0null\0"; *w; w += strlen(w) + 1)
		if ((size_t)(end - p) >= strlen(w) && !memcmp(p, w, strlen(w)))
			return p + strlen(w);
	return NULL;
}

static bool json_ok(const char *s, size_t n)
{
	const char *e = js_value(s, s + n);

	return e == s + n;
}

/* A huge argv cut to the message's limit: JSON still one valid object, truncated:true; text
 * cut on a character boundary, " ..." at its end. */
static void test_cut(void **state)
{
	static char big[128][201];
	const char *argv[128];
	struct out_opts o;
	struct outbuf b = {0};
	struct sink k;
	const char *body;

	(void)state;
	for (unsigned i = 0; i < 128; i++) {
		/* "é" (2 bytes) repeated: a cut in the middle of one would show as \x escapes */
		for (unsigned j = 0; j < 200; j += 2)
			memcpy(big[i] + j, "\xc3\xa9", 2);
		argv[i] = big[i];
	}
	assert_int_equal(outbuf_init(&b, -1, 64), 0);
	for (int json = 0; json < 2; json++) {
		for (size_t max = 400; max <= 8192; max = max * 2 + 1) {
			opts(&o, json, NULL);
			msg_sink(&k, max < 1000 ? SINK_KMSG : SINK_SYSLOG, max);
			b.len = 0;
			logfmt_event(&b, &o, &k, mkview(128, argv));
			assert_true(b.len > 0 && b.len - 1 <= max);
			assert_int_equal(b.buf[b.len - 1], '\n');
			assert_null(memchr(b.buf, '\n', b.len - 1));
			assert_int_equal(k.cut, 1);
			assert_int_equal(k.dropped, 0);
			/* not much room left unused */
			assert_true(b.len - 1 > max - 220);
			body = memmem(b.buf, b.len, "]: ", 3) + 3;
			assert_null(memmem(b.buf, b.len, "\\x", 2));
			if (json) {
				assert_true(json_ok(body, (size_t)(b.buf + b.len - 1 - body)));
				assert_non_null(memmem(b.buf, b.len, "\"truncated\":true", 16));
			} else {
				assert_memory_equal(b.buf + b.len - 5, " ...", 4);
			}
		}
	}
	/* one that fits is not cut */
	opts(&o, true, NULL);
	msg_sink(&k, SINK_SYSLOG, 8192);
	b.len = 0;
	logfmt_event(&b, &o, &k, mkview(2, argv));
	assert_int_equal(k.cut, 0);
	assert_non_null(memmem(b.buf, b.len, "\"truncated\":false", 17));
	outbuf_free(&b);
}

/* ---- journal entries ---- */

struct field {
	char name[64];
	const char *val;
	size_t len;
};

/* Parses a native entry strictly: KEY=value\n or KEY\n<le64><bytes>\n; the fields' count. */
static int parse_entry(const char *s, size_t n, struct field *f, int max)
{
	const char *end = s + n;
	int nf = 0;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s)), *eq;
		size_t nlen;

		assert_non_null(nl);
		eq = memchr(s, '=', (size_t)(nl - s));
		nlen = (size_t)((eq ? eq : nl) - s);
		assert_true(nf < max && nlen > 0 && nlen < 64);
		/* a valid journal name: A-Z 0-9 _, not starting with _ or a digit */
		assert_true(s[0] >= 'A' && s[0] <= 'Z');
		for (size_t i = 0; i < nlen; i++)
			assert_true((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
				    s[i] == '_');
		memcpy(f[nf].name, s, nlen);
		f[nf].name[nlen] = 0;
		if (eq) {
			f[nf].val = eq + 1;
			f[nf].len = (size_t)(nl - eq - 1);
			s = nl + 1;
		} else {
			uint64_t len = 0;

			assert_true(end - nl >= 9);
			for (int i = 7; i >= 0; i--)
				len = len << 8 | (unsigned char)nl[1 + i];
			assert_true(len <= (uint64_t)(end - nl - 9) - 1);
			f[nf].val = nl + 9;
			f[nf].len = (size_t)len;
			assert_int_equal(nl[9 + len], '\n');
			s = nl + 10 + len;
		}
		nf++;
	}
	return nf;
}

static const struct field *get(const struct field *f, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(f[i].name, name))
			return &f[i];
	return NULL;
}

static void expect(const struct field *f, int n, const char *name, const char *val, size_t len)
{
	const struct field *x = get(f, n, name);

	if (!x)
		fail_msg("no field %s", name);
	if (x->len != len || memcmp(x->val, val, len))
		fail_msg("%s: %zu bytes '%.*s', not %zu", name, x->len, (int)x->len, x->val, len);
}
#define EXPECT(f, n, name, lit) expect(f, n, name, lit, sizeof(lit) - 1)

static void test_journal_field(void **state)
{
	char d[128];
	char *e;

	(void)state;
	e = logfmt_field(d, "comm", true, "bash", 4);
	assert_int_equal(e - d, 20);
	assert_memory_equal(d, "MINISNOOP_COMM=bash\n", 20);
	e = logfmt_field(d, "args", true, "a\nb", 3);
	assert_int_equal(e - d, 15 + 8 + 4);
	assert_memory_equal(d, "MINISNOOP_ARGS\n\3\0\0\0\0\0\0\0a\nb\n", 27);
	/* a tab is text; any other control byte is not */
	e = logfmt_field(d, "MESSAGE", false, "a\tb", 3);
	assert_memory_equal(d, "MESSAGE=a\tb\n", 12);
	e = logfmt_field(d, "X", false, "\x1b[m", 3);
	assert_int_equal(e - d, 2 + 8 + 4);
}

static void test_stuff(void **state)
{
	char in[512], st[1024], out[512];
	size_t n, m;

	(void)state;
	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (char)(i * 7 + (i >> 3));
	in[0] = '\n';
	in[1] = 1;
	in[2] = 2;
	n = logfmt_stuff(st, in, sizeof(in));
	assert_null(memchr(st, '\n', n));
	m = logfmt_unstuff(out, st, n);
	assert_int_equal(m, sizeof(in));
	assert_memory_equal(out, in, m);
	assert_int_equal(logfmt_stuff(st, "a\n\1", 3), 5);
	assert_memory_equal(st, "a\1\2\1\1", 5);
	assert_int_equal(logfmt_unstuff(out, "a\1", 2), (size_t)-1);
	assert_int_equal(logfmt_unstuff(out, "a\1\3", 3), (size_t)-1);
}

/* The entry of an exec whose arguments hold a newline and invalid UTF-8: every field exact,
 * the binary ones round-trip. */
static void test_journal_event(void **state)
{
	static const char *const argv[] = {"ls", "a\nb", "\xff\xfe"};
	struct out_opts o;
	struct outbuf b = {0};
	struct sink k;
	struct field f[64];
	char line[512], raw[4096];
	size_t len, n;
	int nf;

	(void)state;
	opts(&o, false, "+cwd,tty");
	msg_sink(&k, SINK_JOURNAL, 0);
	mkview(3, argv);
	view.have = CTXB(CWD) | CTXB(TTY);
	memcpy(view.cwd, "/home/a\nb", 10);
	view.cwd_len = 9;
	memcpy(view.hdr.tty, "pts3", 5);
	len = plain_line(&o, &view, line, sizeof(line));
	assert_int_equal(outbuf_init(&b, -1, 64), 0);
	logfmt_event(&b, &o, &k, &view);
	assert_true(b.len > 0 && b.buf[b.len - 1] == '\n');
	assert_null(memchr(b.buf, '\n', b.len - 1));
	n = logfmt_unstuff(raw, b.buf, b.len - 1);
	assert_true(n != (size_t)-1);
	nf = parse_entry(raw, n, f, 64);
	expect(f, nf, "MESSAGE", line, len);
	EXPECT(f, nf, "PRIORITY", "6");
	EXPECT(f, nf, "SYSLOG_FACILITY", "10");
	EXPECT(f, nf, "SYSLOG_IDENTIFIER", "minisnoop");
	EXPECT(f, nf, "MINISNOOP_EVENT", "exec");
	EXPECT(f, nf, "MINISNOOP_PID", "4242");
	EXPECT(f, nf, "MINISNOOP_PPID", "1000");
	EXPECT(f, nf, "MINISNOOP_UID", "1001");
	EXPECT(f, nf, "MINISNOOP_COMM", "bash");
	EXPECT(f, nf, "MINISNOOP_RET", "0");
	EXPECT(f, nf, "MINISNOOP_FILENAME", "/usr/bin/ls");
	EXPECT(f, nf, "MINISNOOP_ARGC", "3");
	EXPECT(f, nf, "MINISNOOP_ARGS", "ls a\nb \xff\xfe");
	EXPECT(f, nf, "MINISNOOP_ARGV", "ls\0a\nb\0\xff\xfe\0");
	EXPECT(f, nf, "MINISNOOP_TRUNCATED", "false");
	EXPECT(f, nf, "MINISNOOP_CWD", "/home/a\nb");
	EXPECT(f, nf, "MINISNOOP_TTY", "pts/3");
	assert_int_equal(nf, 17);
	/* --exit: the ids too (a parent's only when known) */
	o.events = true;
	view.have |= CTXB(IDS);
	view.id = 0x123456789abcdefull;
	b.len = 0;
	logfmt_event(&b, &o, &k, &view);
	n = logfmt_unstuff(raw, b.buf, b.len - 1);
	nf = parse_entry(raw, n, f, 64);
	EXPECT(f, nf, "MINISNOOP_ID", "0123456789abcdef");
	assert_null(get(f, nf, "MINISNOOP_PARENT_ID"));
	o.events = false;
	/* a note */
	b.len = 0;
	b.len = (size_t)sprintf(b.buf, "minisnoop: 1 exec events of x dropped by --rate 1/s\n");
	logfmt_note(&b, &k, 0);
	n = logfmt_unstuff(raw, b.buf, b.len - 1);
	nf = parse_entry(raw, n, f, 64);
	EXPECT(f, nf, "MESSAGE", "minisnoop: 1 exec events of x dropped by --rate 1/s");
	EXPECT(f, nf, "PRIORITY", "5");
	EXPECT(f, nf, "MINISNOOP_EVENT", "note");
	outbuf_free(&b);
}

/* ---- against stand-in daemons ---- */

static int dgram_server(const char *p)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	strcpy(a.sun_path, p);
	unlink(p);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static size_t recv_one(int fd, char *buf, size_t n)
{
	ssize_t got = recv(fd, buf, n, MSG_DONTWAIT);

	assert_true(got >= 0);
	return (size_t)got;
}

static bool nothing_waiting(int fd)
{
	char c;

	return recv(fd, &c, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

static void write_all(struct sink *k, const char *s)
{
	size_t done;

	assert_int_equal(sink_write(k, s, strlen(s), &done), 0);
	assert_int_equal(done, strlen(s));
}

/* Each line one datagram, exactly; the daemon restarted: what was sent meanwhile is kept and
 * arrives once it is back, what did not fit the keep buffer is counted. */
static void test_syslog_restart(void **state)
{
	struct sink k;
	char err[256] = "", buf[256];
	int srv = dgram_server(path);

	(void)state;
	assert_int_equal(sink_syslog(&k, path, 3, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_false(k.stream);
	assert_true(k.msg_max <= 8192 && k.msg_max > 1000);
	write_all(&k, "<30>one\n<30>two\n");
	assert_int_equal(recv_one(srv, buf, sizeof(buf)), 7);
	assert_memory_equal(buf, "<30>one", 7);
	assert_int_equal(recv_one(srv, buf, sizeof(buf)), 7);
	assert_memory_equal(buf, "<30>two", 7);
	assert_true(nothing_waiting(srv));

	/* the daemon stops: its socket closed and removed */
	close(srv);
	unlink(path);
	k.keep_max = 20; /* room for two of these lines */
	write_all(&k, "<30>three\n<30>four\n<30>five\n");
	assert_true(k.errors > 0);
	assert_int_equal(k.keep_len, 19);
	assert_int_equal(k.dropped, 1);
	/* back: the next try (its back-off over) sends what was kept, in order */
	srv = dgram_server(path);
	k.retry_ns = 0;
	assert_int_equal(sink_retry(&k), 0);
	write_all(&k, "<30>six\n");
	recv_one(srv, buf, sizeof(buf));
	assert_memory_equal(buf, "<30>three", 9);
	recv_one(srv, buf, sizeof(buf));
	assert_memory_equal(buf, "<30>four", 8);
	recv_one(srv, buf, sizeof(buf));
	assert_memory_equal(buf, "<30>six", 7);
	assert_true(nothing_waiting(srv));
	assert_int_equal(k.lines, 5);
	assert_int_equal(k.dropped, 1);

	/* restarted between two events (a new socket at once): nothing lost */
	close(srv);
	srv = dgram_server(path);
	write_all(&k, "<30>seven\n");
	assert_int_equal(recv_one(srv, buf, sizeof(buf)), 9);
	assert_memory_equal(buf, "<30>seven", 9);
	assert_int_equal(k.dropped, 1);
	sink_close(&k);
	close(srv);
}

/* Not there at start: said, not fatal; sent once it is. */
static void test_syslog_late(void **state)
{
	struct sink k;
	char err[256] = "", buf[64];
	int srv;

	(void)state;
	assert_int_equal(sink_syslog(&k, path, 10, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "No such file"));
	write_all(&k, "<86>early\n");
	assert_int_equal(k.keep_len, 10);
	srv = dgram_server(path);
	k.retry_ns = 0;
	assert_int_equal(sink_retry(&k), 0);
	assert_int_equal(recv_one(srv, buf, sizeof(buf)), 9);
	assert_memory_equal(buf, "<86>early", 9);
	sink_close(&k);
	close(srv);
}

/* A daemon that only offers a stream socket: each message ends with a NUL. */
static void test_syslog_stream(void **state)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	struct sink k;
	char err[256] = "", buf[64];
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), c;
	size_t got = 0;

	(void)state;
	strcpy(a.sun_path, path);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	assert_int_equal(sink_syslog(&k, path, 3, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_true(k.stream);
	c = accept(lfd, NULL, NULL);
	assert_true(c >= 0);
	write_all(&k, "<30>a\n<30>bc\n");
	while (got < 13) {
		ssize_t n = read(c, buf + got, sizeof(buf) - got);

		assert_true(n > 0);
		got += (size_t)n;
	}
	assert_int_equal(got, 13);
	assert_memory_equal(buf, "<30>a\0<30>bc\0", 13);
	sink_close(&k);
	close(c);
	close(lfd);
}

/* Receives one datagram, and the descriptor it carries (-1: none). */
static size_t recv_fd(int srv, char *buf, size_t n, int *fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} c;
	struct iovec iov = {buf, n};
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.b, .msg_controllen = sizeof(c.b)};
	struct cmsghdr *h;
	ssize_t got = recvmsg(srv, &m, MSG_DONTWAIT);

	assert_true(got >= 0);
	*fd = -1;
	h = CMSG_FIRSTHDR(&m);
	if (h && h->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(h), sizeof(int));
	return (size_t)got;
}

/* Entries as journald receives them: a datagram, or (larger than one) a sealed memfd. */
static void test_journal_socket(void **state)
{
	static const char *const argv[] = {"ls", "x\ny"};
	static char big[2][100000], raw[1 << 20];
	const char *bargv[2] = {big[0], big[1]};
	struct out_opts o;
	struct outbuf b = {0};
	struct sink k;
	struct field f[64];
	char err[256] = "";
	int srv = dgram_server(path), fd, nf;
	size_t n, done;

	(void)state;
	opts(&o, true, NULL);
	assert_int_equal(sink_journal(&k, path, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(outbuf_init(&b, -1, 64), 0);
	logfmt_event(&b, &o, &k, mkview(2, argv));
	assert_int_equal(sink_write(&k, b.buf, b.len, &done), 0);
	n = recv_fd(srv, raw, sizeof(raw), &fd);
	assert_int_equal(fd, -1);
	nf = parse_entry(raw, n, f, 64);
	EXPECT(f, nf, "MINISNOOP_ARGV", "ls\0x\ny\0");
	assert_true(json_ok(get(f, nf, "MESSAGE")->val, get(f, nf, "MESSAGE")->len));
	assert_int_equal(k.big, 0);

	/* 200 KB of arguments: past the datagram limit */
	memset(big[0], 'a', sizeof(big[0]) - 1);
	memset(big[1], '\n', sizeof(big[1]) - 1);
	b.len = 0;
	logfmt_event(&b, &o, &k, mkview(2, bargv));
	k.dgram_max = 4096; /* as a small send buffer would make it */
	assert_int_equal(sink_write(&k, b.buf, b.len, &done), 0);
	assert_int_equal(k.big, 1);
	n = recv_fd(srv, raw, sizeof(raw), &fd);
	assert_int_equal(n, 0);
	assert_true(fd >= 0);
	/* sealed: journald refuses a memfd that can still change */
	assert_int_equal(fcntl(fd, F_GET_SEALS) &
			     (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL),
			 F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	n = (size_t)pread(fd, raw, sizeof(raw), 0);
	close(fd);
	nf = parse_entry(raw, n, f, 64);
	assert_int_equal(get(f, nf, "MINISNOOP_ARGS")->len, 2 * sizeof(big[0]) - 1);
	assert_int_equal(get(f, nf, "MINISNOOP_ARGV")->len, 2 * sizeof(big[0]));
	assert_memory_equal(get(f, nf, "MINISNOOP_ARGV")->val + sizeof(big[0]), big[1],
			    sizeof(big[1]) - 1);
	assert_int_equal(k.lines, 2);
	assert_int_equal(k.dropped, 0);
	sink_close(&k);
	outbuf_free(&b);
	close(srv);
}

static void put_file(const char *p, const char *s)
{
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(s, f);
	fclose(f);
}

/* /dev/kmsg (a file here): its limit learned from printk_devkmsg; under "ratelimit", at most
 * 10 records per window go out, the rest counted; "off" is refused. */
static void test_kmsg(void **state)
{
	struct sink k;
	char err[256], buf[256];
	FILE *f;
	size_t n;

	(void)state;
	put_file(path, "");
	put_file(path2, "ratelimit\n");
	err[0] = 0;
	assert_int_equal(sink_kmsg(&k, path, path2, 10, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "ratelimit"));
	assert_true(k.rate_limited);
	assert_int_equal(k.msg_max, 991); /* and its newline */
	for (int i = 0; i < 15; i++)
		write_all(&k, "m\n");
	assert_int_equal(k.limited, 5);
	assert_int_equal(k.dropped, 5);
	sink_close(&k);
	f = fopen(path, "r");
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(n, 20);
	assert_memory_equal(buf, "m\nm\nm\n", 6);

	put_file(path, "");
	put_file(path2, "on\n");
	err[0] = 0;
	assert_int_equal(sink_kmsg(&k, path, path2, 10, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	for (int i = 0; i < 15; i++)
		write_all(&k, "m\n");
	assert_int_equal(k.limited, 0);
	sink_close(&k);

	put_file(path2, "off\n");
	assert_int_equal(sink_kmsg(&k, path, path2, 10, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "off"));
	/* unreadable: the default assumed */
	unlink(path2);
	err[0] = 0;
	assert_int_equal(sink_kmsg(&k, path, path2, 10, err, sizeof(err)), 0);
	assert_true(k.rate_limited);
	assert_non_null(strstr(err, "assumed"));
	sink_close(&k);
	assert_int_equal(sink_kmsg(&k, "/nonexistent/kmsg", path2, 10, err, sizeof(err)), -ENOENT);
}

#define T(f) cmocka_unit_test_setup_teardown(f, mkdir_setup, rmdir_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_facility),
	    cmocka_unit_test(test_head),
	    cmocka_unit_test(test_syslog_event),
	    cmocka_unit_test(test_cut),
	    cmocka_unit_test(test_journal_field),
	    cmocka_unit_test(test_stuff),
	    cmocka_unit_test(test_journal_event),
	    T(test_syslog_restart),
	    T(test_syslog_late),
	    T(test_syslog_stream),
	    T(test_journal_socket),
	    T(test_kmsg),
	};

	setenv("TZ", "UTC0", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
