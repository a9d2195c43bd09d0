// SPDX-License-Identifier: MIT
/* Record decoding, text and JSON lines, the columns and the output buffer (escaping itself:
 * test_escape.c). */
#include "output.h"

#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "unit_util.h"

/* Event time 2026-11-25T06:21:00.123456789Z, 12.3456789 s after start. */
#define TS_NS	 5000123456789ULL
#define REAL_NS	 1795587660123456789LL
#define START_NS (TS_NS - 12345678900ULL)

static const struct out_opts base_opts = {
    .mono_to_real_ns = REAL_NS - (int64_t)TS_NS,
    .start_ns = START_NS,
};

#define BASE_HDR                                                                                   \
	{                                                                                          \
		.ts_ns = TS_NS, .pid = 4242, .tid = 4242, .ppid = 1000, .uid = 1001,               \
		.comm = "bash"                                                                     \
	}

static void base_hdr(struct ms_event *h)
{
	struct ms_event b = BASE_HDR;

	memcpy(h, &b, sizeof(b));
}

/* A heap record of exactly header + n bytes, so that ASan catches any read past it. */
static unsigned char *mkrec(const struct ms_event *h, const void *text, size_t n, size_t *size)
{
	unsigned char *r = malloc(EV_HDR + n);

	assert_non_null(r);
	memcpy(r, h, EV_HDR);
	memcpy(r + EV_HDR, text, n);
	*size = EV_HDR + n;
	return r;
}

/* A consistent record: filename NUL, then argv. */
static unsigned char *mkgood(struct ms_event *h, const char *filename, int argc,
			     const char *const *argv, size_t *size)
{
	static char text[EV_TEXT_MAX];
	size_t n = strlen(filename) + 1;

	memcpy(text, filename, n);
	h->filename_len = (uint16_t)n;
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]) + 1;

		memcpy(text + n, argv[i], l);
		n += l;
	}
	h->argc = (uint16_t)argc;
	h->text_len = (uint32_t)n;
	return mkrec(h, text, n, size);
}

static const char *const ls_argv[] = {"ls", "-l", "/tmp dir"};

/* Appends raw bytes (test scaffolding, not escaped). */
static void ob_add(struct outbuf *o, const void *s, size_t n)
{
	if (o->cap - o->len < n) {
		o->cap = 2 * o->cap + n;
		o->buf = realloc(o->buf, o->cap);
		assert_non_null(o->buf);
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void expect_out(struct outbuf *o, const char *want, size_t wn)
{
	if (o->len != wn || memcmp(o->buf, want, wn) != 0) {
		print_error("got  [%.*s] (%zu)\nwant [%.*s] (%zu)\n", (int)o->len, o->buf, o->len,
			    (int)wn, want, wn);
		fail();
	}
	o->len = 0;
}
#define EXPECT(o, lit) expect_out(o, lit, sizeof(lit) - 1)

/* Every line must be a JSON object with exactly these keys, in this order. */
static const char json_lines_py[] =
    "import json,sys\n"
    "K=[\"time\",\"pid\",\"ppid\",\"uid\",\"comm\",\"ret\",\"filename\",\"args\",\"truncated\"]\n"
    "n=0\n"
    "for l in sys.stdin.buffer:\n"
    "    assert l.endswith(b\"\\n\")\n"
    "    d=json.loads(l.decode(\"utf-8\"))\n"
    "    assert list(d)==K, list(d)\n"
    "    n+=1\n"
    "print(n)\n";

static void json_lines_valid(const char *buf, size_t n, int lines)
{
	char *out = py_run(json_lines_py, buf, n);

	assert_int_equal(atoi(out), lines);
	free(out);
}

/* ---- decoding ---- */

static void test_decode_good(void **state)
{
	struct ms_event h = BASE_HDR;
	struct ev_view v;
	size_t size;
	unsigned char *r;

	(void)state;
	h.flags = EV_F_EXECVEAT | EV_F_PPID_KERNEL;
	r = mkgood(&h, "/usr/bin/ls", 3, ls_argv, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	assert_memory_equal(&v.hdr, r, sizeof(v.hdr));
	assert_string_equal(v.filename, "/usr/bin/ls");
	assert_int_equal(v.filename_len, 11);
	assert_int_equal(v.argc, 3);
	for (int i = 0; i < 3; i++) {
		assert_string_equal(v.args[i], ls_argv[i]);
		assert_int_equal(v.arg_len[i], strlen(ls_argv[i]));
	}
	assert_false(v.truncated);
	free(r);

	/* No arguments, and an empty argument. */
	r = mkgood(&h, "/x", 0, NULL, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	assert_int_equal(v.argc, 0);
	assert_false(v.truncated);
	free(r);
	{
		const char *const a[] = {"", "b"};

		r = mkgood(&h, "/x", 2, a, &size);
		assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
		assert_int_equal(v.argc, 2);
		assert_int_equal(v.arg_len[0], 0);
		assert_string_equal(v.args[1], "b");
		assert_false(v.truncated);
		free(r);
	}
}

static void test_decode_bad_header(void **state)
{
	struct ms_event h = BASE_HDR;
	struct ev_view v;
	size_t size;
	unsigned char *r;

	(void)state;
	r = mkgood(&h, "/usr/bin/ls", 3, ls_argv, &size);
	assert_int_equal(ev_decode(NULL, size, EV_MAX_ARGS_LIM, &v), -EINVAL);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, NULL), -EINVAL);
	/* Shorter than the header. */
	assert_int_equal(ev_decode(r, 0, EV_MAX_ARGS_LIM, &v), -EINVAL);
	assert_int_equal(ev_decode(r, EV_HDR - 1, EV_MAX_ARGS_LIM, &v), -EINVAL);
	/* text_len claims more bytes than the record has. */
	assert_int_equal(ev_decode(r, size - 1, EV_MAX_ARGS_LIM, &v), -EINVAL);
	assert_int_equal(ev_decode(r, EV_HDR, EV_MAX_ARGS_LIM, &v), -EINVAL);
	free(r);

	h.text_len = UINT32_MAX;
	r = mkrec(&h, "a", 2, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), -EINVAL);
	free(r);

	/* text_len above the ABI's maximum, even though the record is that long. */
	{
		size_t n = EV_TEXT_MAX + 1;
		char *text = calloc(1, n);

		base_hdr(&h);
		h.text_len = (uint32_t)n;
		h.filename_len = 1;
		r = mkrec(&h, text, n, &size);
		assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), -EINVAL);
		h.text_len = EV_TEXT_MAX; /* the maximum itself is fine */
		memcpy(r, &h, sizeof(h));
		assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
		free(r);
		free(text);
	}

	/* Exactly a header and no text: valid, but the filename is missing. */
	base_hdr(&h);
	r = mkrec(&h, "", 0, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	assert_string_equal(v.filename, "");
	assert_int_equal(v.argc, 0);
	assert_true(v.truncated);
	free(r);
}

static void test_decode_flags(void **state)
{
	static const uint32_t trunc[] = {EV_F_TRUNC_ARGS, EV_F_TRUNC_ARG, EV_F_TRUNC_FILE,
					 EV_F_READ_ERR};
	struct ms_event h = BASE_HDR;
	struct ev_view v;
	size_t size;
	unsigned char *r;

	(void)state;
	for (size_t i = 0; i < sizeof(trunc) / sizeof(trunc[0]); i++) {
		h.flags = trunc[i];
		r = mkgood(&h, "/usr/bin/ls", 3, ls_argv, &size);
		assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
		assert_true(v.truncated);
		assert_int_equal(v.argc, 3);
		free(r);
	}
}

/* Decodes text as a record with the given header fields; the heap record is exactly sized. */
static void decode_text(struct ev_view *v, unsigned char **r, const void *text, size_t n,
			uint16_t filename_len, uint16_t argc, uint32_t flags)
{
	struct ms_event h = BASE_HDR;
	size_t size;

	h.text_len = (uint32_t)n;
	h.filename_len = filename_len;
	h.argc = argc;
	h.flags = flags;
	*r = mkrec(&h, text, n, &size);
	assert_int_equal(ev_decode(*r, size, EV_MAX_ARGS_LIM, v), 0);
}

static void test_decode_inconsistent(void **state)
{
	struct ev_view v;
	unsigned char *r;

	(void)state;
	/* filename_len beyond text_len: the filename's NUL is found earlier. */
	decode_text(&v, &r, "/bin/ls\0", 8, 20, 0, 0);
	assert_string_equal(v.filename, "/bin/ls");
	assert_int_equal(v.argc, 0);
	assert_true(v.truncated);
	free(r);

	/* filename without NUL: no over-read, empty filename. */
	decode_text(&v, &r, "/bin/ls", 7, 7, 0, 0);
	assert_string_equal(v.filename, "");
	assert_true(v.truncated);
	free(r);
	decode_text(&v, &r, "/bin/ls", 7, 8, 0, 0);
	assert_string_equal(v.filename, "");
	assert_true(v.truncated);
	free(r);

	/* NUL before filename_len - 1; args still start at filename_len. */
	decode_text(&v, &r, "ab\0de\0x\0", 8, 6, 1, 0);
	assert_string_equal(v.filename, "ab");
	assert_int_equal(v.argc, 1);
	assert_string_equal(v.args[0], "x");
	assert_true(v.truncated);
	free(r);

	/* filename_len 0. */
	decode_text(&v, &r, "x\0", 2, 0, 1, 0);
	assert_string_equal(v.filename, "");
	assert_int_equal(v.argc, 1);
	assert_string_equal(v.args[0], "x");
	assert_true(v.truncated);
	free(r);

	/* argc larger than the strings present. */
	decode_text(&v, &r, "/x\0a\0b\0", 7, 3, 5, 0);
	assert_int_equal(v.argc, 2);
	assert_string_equal(v.args[1], "b");
	assert_true(v.truncated);
	free(r);

	/* Last argument without its NUL: dropped, no over-read. */
	decode_text(&v, &r, "/x\0a\0bcd", 8, 3, 2, 0);
	assert_int_equal(v.argc, 1);
	assert_string_equal(v.args[0], "a");
	assert_true(v.truncated);
	free(r);

	/* Text ending early after a failed read (EV_F_READ_ERR): what is there is shown. */
	decode_text(&v, &r, "/x\0a\0", 5, 3, 3, EV_F_READ_ERR);
	assert_string_equal(v.filename, "/x");
	assert_int_equal(v.argc, 1);
	assert_true(v.truncated);
	free(r);

	/* Non-NUL bytes after the last argument: argc undercounts. */
	decode_text(&v, &r, "/x\0a\0b\0", 7, 3, 1, 0);
	assert_int_equal(v.argc, 1);
	assert_true(v.truncated);
	free(r);

	/* NUL padding after the last argument is not an inconsistency. */
	decode_text(&v, &r, "/x\0a\0\0\0\0", 8, 3, 1, 0);
	assert_int_equal(v.argc, 1);
	assert_false(v.truncated);
	free(r);

	/* More arguments than EV_MAX_ARGS_LIM. */
	{
		char text[1 + 2 * (EV_MAX_ARGS_LIM + 5)];
		size_t n = 1;

		text[0] = 0;
		for (int i = 0; i < EV_MAX_ARGS_LIM + 5; i++) {
			text[n++] = 'a';
			text[n++] = 0;
		}
		decode_text(&v, &r, text, n, 1, EV_MAX_ARGS_LIM + 5, 0);
		assert_int_equal(v.argc, EV_MAX_ARGS_LIM);
		assert_true(v.truncated);
		free(r);
		/* Exactly the limit is fine. */
		decode_text(&v, &r, text, 1 + 2 * EV_MAX_ARGS_LIM, 1, EV_MAX_ARGS_LIM, 0);
		assert_int_equal(v.argc, EV_MAX_ARGS_LIM);
		assert_false(v.truncated);
		free(r);
	}
}

/* -o ancestors in JSON: each ancestor's text is kept between lines (output.c's cache), and a
 * changed ancestor (another argument, its id unknown) is never shown with the old text. */
static void test_json_ancestors_kept(void **state)
{
	static const char want1[] =
	    ",\"ancestors\":[{\"pid\":7,\"id\":\"00000000000000ab\",\"comm\":\"sh\","
	    "\"args\":[\"sh\",\"-c\"],\"truncated\":false},{\"pid\":1,\"id\":null,"
	    "\"comm\":\"in\\\"it\",\"args\":[\"/sbin/init\"],\"truncated\":true}]}\n";
	static const char want2[] =
	    ",\"ancestors\":[{\"pid\":7,\"id\":\"00000000000000ab\",\"comm\":\"sh\","
	    "\"args\":[\"sh\",\"-x\"],\"truncated\":false}]}\n";
	struct ms_event h = BASE_HDR;
	struct outbuf o;
	struct out_opts opt = base_opts;
	struct ev_view v;
	size_t size;
	unsigned char *r = mkgood(&h, "/usr/bin/ls", 3, ls_argv, &size);
	char comm0[EV_COMM_LEN] = "sh", comm1[EV_COMM_LEN] = "in\"it";
	char args0[] = "sh\0-c", args1[] = "/sbin/init";

	(void)state;
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	opt.json = true;
	opt.ctx_cols = 1ull << COL_ANCESTORS;
	v.anc_known = true;
	v.nanc = 2;
	v.anc[0] = (struct ev_ancestor){.pid = 7,
					.has_id = true,
					.id = 0xab,
					.comm = comm0,
					.args = args0,
					.argc = 2,
					.args_len = sizeof(args0)};
	v.anc[1] = (struct ev_ancestor){.pid = 1,
					.cut = true,
					.comm = comm1,
					.args = args1,
					.argc = 1,
					.args_len = sizeof(args1)};
	assert_int_equal(outbuf_init(&o, -1, 0), 0);
	for (int i = 0; i < 3; i++) {
		out_event(&o, &opt, &v);
		assert_true(o.len > sizeof(want1));
		assert_memory_equal(o.buf + o.len - (sizeof(want1) - 1), want1, sizeof(want1) - 1);
		o.len = 0;
	}
	args0[4] = 'x'; /* the same pid and id, another text */
	v.nanc = 1;
	out_event(&o, &opt, &v);
	assert_memory_equal(o.buf + o.len - (sizeof(want2) - 1), want2, sizeof(want2) - 1);
	outbuf_free(&o);
	free(r);
}

/* Raw samples from the perf ring are only 4-byte aligned; UBSan checks the accesses. */
static void test_decode_misaligned(void **state)
{
	struct ms_event h = BASE_HDR;
	struct outbuf o;
	struct out_opts opt = base_opts;
	struct ev_view v;
	size_t size;
	unsigned char *r = mkgood(&h, "/usr/bin/ls", 3, ls_argv, &size);
	unsigned char *m = malloc(size + 4);

	(void)state;
	memcpy(m + 4, r, size);
	assert_int_equal(ev_decode(m + 4, size, EV_MAX_ARGS_LIM, &v), 0);
	assert_int_equal(v.argc, 3);
	assert_int_equal(outbuf_init(&o, -1, 0), 0);
	out_event(&o, &opt, &v);
	EXPECT(&o, "bash             4242    1000      0 /usr/bin/ls -l /tmp dir\n");
	opt.json = true;
	out_event(&o, &opt, &v);
	assert_true(o.len > 0);
	outbuf_free(&o);
	free(m);
	free(r);
}

/* ---- text lines ---- */

static const struct {
	bool clock, since, uid;
	const char *header, *line;
} layouts[] = {
    {0, 0, 0, "PCOMM            PID     PPID    RET ARGS\n",
     "bash             4242    1000      0 /usr/bin/ls -l /tmp dir\n"},
    {0, 0, 1, "UID   PCOMM            PID     PPID    RET ARGS\n",
     "1001  bash             4242    1000      0 /usr/bin/ls -l /tmp dir\n"},
    {0, 1, 0, "TIME(s) PCOMM            PID     PPID    RET ARGS\n",
     "12.346  bash             4242    1000      0 /usr/bin/ls -l /tmp dir\n"},
    {0, 1, 1, "TIME(s) UID   PCOMM            PID     PPID    RET ARGS\n",
     "12.346  1001  bash             4242    1000      0 /usr/bin/ls -l /tmp dir\n"},
    {1, 0, 0, "TIME     PCOMM            PID     PPID    RET ARGS\n",
     "06:21:00 bash             4242    1000      0 /usr/bin/ls -l /tmp dir\n"},
    {1, 0, 1, "TIME     UID   PCOMM            PID     PPID    RET ARGS\n",
     "06:21:00 1001  bash             4242    1000      0 /usr/bin/ls -l /tmp dir\n"},
    {1, 1, 0, "TIME     TIME(s) PCOMM            PID     PPID    RET ARGS\n",
     "06:21:00 12.346  bash             4242    1000      0 /usr/bin/ls -l /tmp dir\n"},
    {1, 1, 1, "TIME     TIME(s) UID   PCOMM            PID     PPID    RET ARGS\n",
     "06:21:00 12.346  1001  bash             4242    1000      0 /usr/bin/ls -l /tmp dir\n"},
};

static void test_text_layouts(void **state)
{
	struct ms_event h = BASE_HDR;
	struct outbuf o;
	struct ev_view v;
	size_t size;
	unsigned char *r = mkgood(&h, "/usr/bin/ls", 3, ls_argv, &size);

	(void)state;
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	assert_int_equal(outbuf_init(&o, -1, 0), 0);
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		struct out_opts opt = base_opts;

		opt.clock = layouts[i].clock;
		opt.since = layouts[i].since;
		opt.show_uid = layouts[i].uid;
		out_header(&o, &opt);
		expect_out(&o, layouts[i].header, strlen(layouts[i].header));
		out_event(&o, &opt, &v);
		expect_out(&o, layouts[i].line, strlen(layouts[i].line));
	}
	/* The header and the clock column follow the local time zone. */
	setenv("TZ", "EST5", 1);
	tzset();
	{
		struct out_opts opt = base_opts;

		opt.clock = true;
		out_event(&o, &opt, &v);
		EXPECT(&o,
		       "01:21:00 bash             4242    1000      0 /usr/bin/ls -l /tmp dir\n");
	}
	setenv("TZ", "UTC0", 1);
	tzset();
	outbuf_free(&o);
	free(r);
}

static void test_text_fields(void **state)
{
	struct ms_event h = BASE_HDR;
	struct outbuf o;
	struct out_opts opt = base_opts;
	struct ev_view v;
	size_t size;
	unsigned char *r;

	(void)state;
	assert_int_equal(outbuf_init(&o, -1, 0), 0);

	/* argc 0 or 1: only the path; ret is %3d. */
	h.ret = -2;
	r = mkgood(&h, "/usr/bin/ls", 0, NULL, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	out_event(&o, &opt, &v);
	EXPECT(&o, "bash             4242    1000     -2 /usr/bin/ls\n");
	free(r);
	h.ret = -13;
	r = mkgood(&h, "/usr/bin/ls", 1, ls_argv, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	out_event(&o, &opt, &v);
	EXPECT(&o, "bash             4242    1000    -13 /usr/bin/ls\n");
	free(r);

	/* Wide values: columns never run into each other. */
	base_hdr(&h);
	h.pid = 4194304;
	h.ppid = 4194303;
	h.uid = 4294967294u;
	h.ret = -100;
	h.ts_ns = START_NS + 1234567890123ULL;
	r = mkgood(&h, "/x", 0, NULL, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	opt.since = opt.show_uid = true;
	out_event(&o, &opt, &v);
	EXPECT(&o, "1234.568 4294967294 bash             4194304 4194303 -100 /x\n");
	/* An event from before the start, and exactly 1000 s. */
	v.hdr.ts_ns = START_NS - 1500000;
	out_event(&o, &opt, &v);
	EXPECT(&o, "-0.002  4294967294 bash             4194304 4194303 -100 /x\n");
	v.hdr.ts_ns = START_NS + 999999500000ULL;
	out_event(&o, &opt, &v);
	EXPECT(&o, "1000.000 4294967294 bash             4194304 4194303 -100 /x\n");
	free(r);
	outbuf_free(&o);
}

static void test_text_quote_and_trunc(void **state)
{
	static const char *const argv[] = {"echo", "a\"b", "c\\d", "e f", ""};
	struct ms_event h = BASE_HDR;
	struct outbuf o;
	struct out_opts opt = base_opts;
	struct ev_view v;
	size_t size;
	unsigned char *r;

	(void)state;
	assert_int_equal(outbuf_init(&o, -1, 0), 0);
	r = mkgood(&h, "/bin/e\"cho", 5, argv, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	out_event(&o, &opt, &v);
	EXPECT(&o, "bash             4242    1000      0 /bin/e\"cho a\"b c\\\\d e f \n");
	opt.quote = true;
	out_event(&o, &opt, &v);
	EXPECT(
	    &o,
	    "bash             4242    1000      0 \"/bin/e\\\"cho\" \"a\\\"b\" \"c\\\\d\" \"e f\" "
	    "\"\"\n");
	free(r);

	/* Truncation marker, quoted and not. */
	h.flags = EV_F_TRUNC_ARG;
	r = mkgood(&h, "/usr/bin/ls", 3, ls_argv, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	out_event(&o, &opt, &v);
	EXPECT(&o,
	       "bash             4242    1000      0 \"/usr/bin/ls\" \"-l\" \"/tmp dir\" ...\n");
	opt.quote = false;
	out_event(&o, &opt, &v);
	EXPECT(&o, "bash             4242    1000      0 /usr/bin/ls -l /tmp dir ...\n");
	free(r);

	/* Inconsistent text also shows the marker. */
	decode_text(&v, &r, "/x\0a\0", 5, 3, 4, 0);
	out_event(&o, &opt, &v);
	EXPECT(&o, "bash             4242    1000      0 /x ...\n");
	free(r);
	outbuf_free(&o);
}

static void test_text_comm(void **state)
{
	static const struct {
		const char *comm;
		const char *line;
	} cases[] = {
	    {"a\x1b"
	     "b\n",
	     "a\\x1bb\\n         1       0         0 /x\n"},
	    {"\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9              1       0         0 /x\n"},
	    {"a\\b", "a\\\\b             1       0         0 /x\n"},
	    {"\x01\x02\x03\x04\x05", "\\x01\\x02\\x03\\x04\\x05 1       0         0 /x\n"},
	    /* No NUL in all 16 bytes: bounded, never read past comm. */
	    {"0123456789abcdef", "0123456789abcdef 1       0         0 /x\n"},
	    {"", "                 1       0         0 /x\n"},
	};
	struct outbuf o;
	struct out_opts opt = base_opts;
	struct ev_view v;
	size_t size;

	(void)state;
	assert_int_equal(outbuf_init(&o, -1, 0), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ms_event h = BASE_HDR;
		unsigned char *r;

		h.pid = 1;
		h.ppid = 0;
		memset(h.comm, 0, sizeof(h.comm));
		memcpy(h.comm, cases[i].comm, strlen(cases[i].comm));
		r = mkgood(&h, "/x", 0, NULL, &size);
		assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
		out_event(&o, &opt, &v);
		expect_out(&o, cases[i].line, strlen(cases[i].line));
		free(r);
	}
	outbuf_free(&o);
}

/* ---- context fields ---- */

/* A record with every context group: cwd /usr/share, exe /usr/bin/ls, env A=1 B=2. */
static unsigned char *mkctx(struct ms_event *h, size_t *size)
{
	static const char text[] = "/usr/bin/ls\0ls\0-l\0"
				   "share\0usr\0"
				   "ls\0bin\0usr\0"
				   "A=1\0B=2";

	h->filename_len = 12;
	h->argc = 2;
	h->text_len = sizeof(text);
	h->cwd_len = 10;
	h->exe_len = 11;
	h->env_len = 8;
	h->have = (1u << CTX_BITS) - 1;
	h->euid = 0;
	h->gid = 1001;
	h->egid = 1002;
	h->auid = 1000;
	h->session = 7;
	memcpy(h->tty, "pts3", 5);
	memcpy(h->pcomm, "sshd", 5);
	h->pidns = 4026531836u;
	h->mntns = 4026531840u;
	h->nspid = 42;
	h->cgroup = 1; /* the root: known whatever is mounted */
	return mkrec(h, text, sizeof(text), size);
}

static void test_context_fields(void **state)
{
	struct ms_event h = BASE_HDR;
	struct outbuf o;
	struct out_opts opt = base_opts;
	struct ev_view v;
	size_t size;
	uint32_t ctx;
	char err[128];
	unsigned char *r = mkctx(&h, &size);

	(void)state;
	assert_int_equal(outbuf_init(&o, -1, 0), 0);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);

	/* "all" is every context field but env; -e adds env; the groups to read follow. */
	assert_int_equal(out_columns(&opt, "all", false, &ctx, err, sizeof(err)), 0);
	assert_int_equal(ctx, ((1u << CTX_BITS) - 1) & ~CTXB(ENV) & ~CTXB(IDS));
	assert_int_equal(out_columns(&opt, "all", true, &ctx, err, sizeof(err)), 0);
	assert_int_equal(ctx, ((1u << CTX_BITS) - 1) & ~CTXB(IDS));
	out_header(&o, &opt);
	EXPECT(
	    &o,
	    "PCOMM            PID     PPID    RET ROOT CWD EXE FILELESS EUID  GID   EGID  AUID  "
	    "SESSION TTY     PARENT           PIDNS      MNTNS      NSPID   CGROUP CONTAINER POD "
	    "ENV ARGS\n");
	out_event(&o, &opt, &v);
	EXPECT(&o,
	       "bash             4242    1000      0 - /usr/share /usr/bin/ls false    0     1001  "
	       "1002  1000  7       pts/3   sshd             4026531836 4026531840 42      / - - "
	       "A=1 B=2 /usr/bin/ls -l\n");
	opt.json = true;
	out_event(&o, &opt, &v);
	EXPECT(&o,
	       "{\"time\":\"2026-11-25T06:21:00.123456Z\",\"pid\":4242,\"ppid\":1000,"
	       "\"uid\":1001,\"comm\":\"bash\",\"ret\":0,\"filename\":\"/usr/bin/ls\","
	       "\"args\":[\"ls\",\"-l\"],\"truncated\":false,\"root\":null,\"cwd\":\"/usr/share\","
	       "\"exe\":\"/usr/bin/ls\",\"fileless\":false,\"euid\":0,\"gid\":1001,\"egid\":1002,"
	       "\"auid\":1000,\"session\":7,\"tty\":\"pts/3\",\"pcomm\":\"sshd\","
	       "\"pidns\":4026531836,\"mntns\":4026531840,\"nspid\":42,\"cgroup\":\"/\","
	       "\"container\":null,\"pod\":null,\"env\":[\"A=1\",\"B=2\"],\"env_truncated\":false,"
	       "\"env_unscanned\":0}\n");

	/* Named columns in the order given; JSON keys in the list's order. */
	opt.json = false;
	assert_int_equal(
	    out_columns(&opt, "tty,pid,fileless,auid,session", false, &ctx, err, sizeof(err)), 0);
	assert_int_equal(ctx, CTXB(TTY) | CTXB(EXE) | CTXB(LOGIN) | CTXB(ROOT) | CTXB(MNTNS));
	/* A deleted exe; login never set; a terminal that is not a pts; a name of wide
	 * characters is padded by screen columns. */
	v.hdr.ctx_flags |= EV_C_EXE_DELETED;
	v.hdr.auid = v.hdr.session = UINT32_MAX;
	memcpy(v.hdr.tty, "ttyS0", 6);
	out_event(&o, &opt, &v);
	EXPECT(&o, "ttyS0   4242    true     -     -\n");
	memcpy(v.hdr.tty, "\xc3\xa9\xc3\xa9", 5);
	out_event(&o, &opt, &v);
	EXPECT(&o, "\xc3\xa9\xc3\xa9      4242    true     -     -\n");
	opt.json = true;
	out_event(&o, &opt, &v);
	EXPECT(&o, "{\"time\":\"2026-11-25T06:21:00.123456Z\",\"pid\":4242,\"ppid\":1000,"
		   "\"uid\":1001,\"comm\":\"bash\",\"ret\":0,\"filename\":\"/usr/bin/ls\","
		   "\"args\":[\"ls\",\"-l\"],\"truncated\":false,\"fileless\":true,\"auid\":null,"
		   "\"session\":null,\"tty\":\"\xc3\xa9\xc3\xa9\"}\n");

	/* Nothing the kernel gave: "-" and null, an empty tty name too. */
	v.have = 0;
	v.hdr.tty[0] = 0;
	/* "all" in a list keeps the default columns as "+" does, wherever it is */
	assert_int_equal(out_columns(&opt, "env,all", false, &ctx, err, sizeof(err)), 0);
	assert_int_equal(opt.col[0], COL_COMM);
	assert_int_equal(opt.col[opt.ncol - 1], COL_ARGS);
	assert_int_equal(out_columns(&opt, "+all,env", false, &ctx, err, sizeof(err)), 0);
	opt.json = false;
	out_event(&o, &opt, &v);
	EXPECT(&o,
	       "bash             4242    1000      0 - - - -        -     -     -     -     -      "
	       " -       -                -          -          -       - - - - /usr/bin/ls -l\n");
	opt.json = true;
	out_event(&o, &opt, &v);
	EXPECT(&o, "{\"time\":\"2026-11-25T06:21:00.123456Z\",\"pid\":4242,\"ppid\":1000,"
		   "\"uid\":1001,\"comm\":\"bash\",\"ret\":0,\"filename\":\"/usr/bin/ls\","
		   "\"args\":[\"ls\",\"-l\"],\"truncated\":false,\"root\":null,\"cwd\":null,"
		   "\"exe\":null,"
		   "\"fileless\":null,\"euid\":null,\"gid\":null,\"egid\":null,\"auid\":null,"
		   "\"session\":null,\"tty\":null,\"pcomm\":null,\"pidns\":null,\"mntns\":null,"
		   "\"nspid\":null,\"cgroup\":null,\"container\":null,\"pod\":null,"
		   "\"env\":null,\"env_truncated\":null,\"env_unscanned\":null}\n");

	/* An unknown name is refused, and says which. */
	assert_int_equal(out_columns(&opt, "pid,cwdx", false, &ctx, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "unknown field cwdx (try: minisnoop check)");
	outbuf_free(&o);
	free(r);
}

/* An env block (-e only) of n bytes with ctx_flags, decoded keeping max_env strings. */
static void env_view(const char *blk, size_t n, uint16_t flags, unsigned max_env, struct ev_view *v,
		     unsigned char **r)
{
	static char text[3 + EV_ENV_MAX];
	struct ms_event h = BASE_HDR;
	size_t size;

	memcpy(text, "/x", 3);
	memcpy(text + 3, blk, n);
	h.filename_len = 3;
	h.argc = 0;
	h.text_len = (uint32_t)(3 + n);
	h.env_len = (uint16_t)n;
	h.have = CTXB(ENV);
	h.ctx_flags = flags;
	*r = mkrec(&h, text, 3 + n, &size);
	assert_int_equal(ev_decode_env(*r, size, EV_MAX_ARGS_LIM, max_env, v), 0);
}

/* -e in JSON: the last environment's text is kept (output.c); another environment, even one
 * string longer or one byte apart, is written anew. */
static void test_env_kept(void **state)
{
	static const struct {
		const char *blk, *want;
		size_t n;
	} rows[] = {
	    {"A=1\0B=2", "\"env\":[\"A=1\",\"B=2\"],", 8},
	    {"A=1\0B=2", "\"env\":[\"A=1\",\"B=2\"],", 8},
	    {"A=1\0B=3", "\"env\":[\"A=1\",\"B=3\"],", 8},
	    {"A=1\0B=3\0C", "\"env\":[\"A=1\",\"B=3\",\"C\"],", 10},
	    {"A=1\0B", "\"env\":[\"A=1\",\"B\"],", 6},
	    {"A=1\0B=3", "\"env\":[\"A=1\",\"B=3\"],", 8},
	};
	struct out_opts opt = base_opts;
	struct outbuf o;
	struct ev_view v;
	unsigned char *r;
	uint32_t ctx;
	char err[128];

	(void)state;
	assert_int_equal(outbuf_init(&o, -1, 0), 0);
	assert_int_equal(out_columns(&opt, "pid", true, &ctx, err, sizeof(err)), 0);
	opt.json = true;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		env_view(rows[i].blk, rows[i].n, 0, 0, &v, &r);
		out_event(&o, &opt, &v);
		if (!memmem(o.buf, o.len, rows[i].want, strlen(rows[i].want))) {
			print_error("row %zu: got [%.*s]\n", i, (int)o.len, o.buf);
			fail();
		}
		o.len = 0;
		free(r);
	}
	outbuf_free(&o);
}

/* env has its own limits and env_truncated; the variables that change how a program runs
 * are kept beyond --max-env and after the window (the kernel's scan). */
static void test_env_limits(void **state)
{
	static const char four[] = "A=1\0LD_X=2\0B=3\0PATH=/p\0";
	/* window "A=1 B=2", scan found "LD_PRELOAD=/e" and "HOSTNAME=h" (the kernel's screen
	 * is coarser), then the trailer: 10000 bytes not scanned, the window's length */
	static const char scan[] = "A=1\0B=2\0LD_PRELOAD=/e\0HOSTNAME=h\0\x10\x27\0\0\x08\x00";
	struct out_opts opt = base_opts;
	struct outbuf o;
	struct ev_view v;
	unsigned char *r;
	uint32_t ctx;
	char err[128];

	(void)state;
	assert_int_equal(outbuf_init(&o, -1, 0), 0);
	assert_int_equal(out_columns(&opt, "pid", true, &ctx, err, sizeof(err)), 0);
	assert_true(env_always("LD_PRELOAD=/x", 13) && env_always("PATH=", 5) &&
		    env_always("BASH_FUNC_f%%=() {", 18) && !env_always("PATHX=1", 7) &&
		    !env_always("HOME=/", 6) && !env_always("LD", 2) && env_always("IFS=", 4));

	/* all of it: not truncated, the arguments' truncated not either */
	env_view(four, sizeof(four) - 1, 0, 0, &v, &r);
	assert_int_equal(v.envc, 4);
	assert_false(v.env_cut || v.truncated);
	free(r);

	/* --max-env 1: the first, then those always shown; "..." where the rest were */
	env_view(four, sizeof(four) - 1, 0, 1, &v, &r);
	assert_int_equal(v.envc, 3);
	assert_true(v.env_cut && v.env_gap == 2 && !v.truncated);
	out_event(&o, &opt, &v);
	EXPECT(&o, "4242    A=1 LD_X=2 ... PATH=/p\n");
	opt.json = true;
	out_event(&o, &opt, &v);
	EXPECT(&o, "{\"time\":\"2026-11-25T06:21:00.123456Z\",\"pid\":4242,\"ppid\":1000,"
		   "\"uid\":1001,\"comm\":\"bash\",\"ret\":0,\"filename\":\"/x\",\"args\":[],"
		   "\"truncated\":false,\"env\":[\"A=1\",\"LD_X=2\",\"PATH=/p\"],"
		   "\"env_truncated\":true,\"env_unscanned\":0}\n");
	opt.json = false;
	free(r);

	/* larger than the block: window, what the scan found, the reader keeps LD_PRELOAD */
	env_view(scan, sizeof(scan) - 1, EV_C_ENV_SCAN, 0, &v, &r);
	assert_int_equal(v.envc, 3);
	assert_true(v.env_cut && v.env_gap == 2 && !v.env_stopped);
	assert_true(v.env_len[2] == 13 && !memcmp(v.env[2], "LD_PRELOAD=/e", 13));
	out_event(&o, &opt, &v);
	EXPECT(&o, "4242    A=1 B=2 ... LD_PRELOAD=/e\n");
	free(r);
	/* the scan stopped: "..." at the end too */
	env_view(scan, sizeof(scan) - 1, EV_C_ENV_SCAN | EV_C_ENV_SCAN_CUT, 0, &v, &r);
	assert_true(v.env_cut && v.env_stopped && v.env_unscanned == 10000);
	out_event(&o, &opt, &v);
	EXPECT(&o, "4242    A=1 B=2 ... LD_PRELOAD=/e ...\n");
	free(r);
	/* a window length beyond the block: nothing of it is trusted */
	{
		char bad[] = "A=1\0\0\0\0\0\x40\x00";

		env_view(bad, sizeof(bad) - 1, EV_C_ENV_SCAN, 0, &v, &r);
		assert_true(v.envc == 0 && v.env_cut);
		free(r);
	}
	outbuf_free(&o);
}

/* Issue 22: a chrooted process's paths are marked with its root, one in another mount namespace
 * with that namespace too; the brackets never come raw from data; the cgroup block is the
 * cgroup's path when the kernel read it. */
static void test_root_marks(void **state)
{
	/* filename, args; blocks: cwd "/", exe "/usr/bin/sudo", root "/tmp/j\xe2\x9f\xa7",
	 * cgroup "/a/.b" */
	static const char text[] = "/usr/bin/sudo\0sudo\0-i\0"
				   ""
				   "sudo\0bin\0usr\0"
				   "j\xe2\x9f\xa7\0tmp\0"
				   ".b\0a\0";
	struct ms_event h = BASE_HDR;
	struct outbuf o;
	struct out_opts opt = base_opts;
	struct ev_view v;
	size_t size;
	uint32_t ctx;
	char err[128];
	unsigned char *r;

	(void)state;
	h.filename_len = 14;
	h.argc = 2;
	h.text_len = sizeof(text) - 1;
	h.cwd_len = 0;
	h.exe_len = 13;
	h.root_len = 9;
	h.cgroup_len = 5;
	h.ctx_flags = EV_C_CGROUP_PATH;
	h.have = CTXB(CWD) | CTXB(EXE) | CTXB(ROOT) | CTXB(MNTNS) | CTXB(CGROUP);
	h.mntns = 4026531840u;
	r = mkrec(&h, text, h.text_len, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	assert_int_equal(outbuf_init(&o, -1, 0), 0);

	/* by default: filename and args marked */
	assert_int_equal(out_columns(&opt, NULL, false, &ctx, err, sizeof(err)), 0);
	assert_int_equal(ctx, CTXB(ROOT) | CTXB(MNTNS));
	out_event(&o, &opt, &v);
	EXPECT(&o, "bash             4242    1000      0 "
		   "\xe2\x9f\xa6/tmp/j\\u27e7\xe2\x9f\xa7/usr/bin/sudo -i\n");
	/* every path */
	assert_int_equal(
	    out_columns(&opt, "filename,cwd,exe,root,cgroup", false, &ctx, err, sizeof(err)), 0);
	out_event(&o, &opt, &v);
	EXPECT(&o, "\xe2\x9f\xa6/tmp/j\\u27e7\xe2\x9f\xa7/usr/bin/sudo "
		   "\xe2\x9f\xa6/tmp/j\\u27e7\xe2\x9f\xa7/ "
		   "\xe2\x9f\xa6/tmp/j\\u27e7\xe2\x9f\xa7/usr/bin/sudo /tmp/j\\u27e7 /a/.b\n");
	opt.json = true;
	out_event(&o, &opt, &v);
	EXPECT(&o, "{\"time\":\"2026-11-25T06:21:00.123456Z\",\"pid\":4242,\"ppid\":1000,"
		   "\"uid\":1001,\"comm\":\"bash\",\"ret\":0,\"filename\":\"/usr/bin/sudo\","
		   "\"args\":[\"sudo\",\"-i\"],\"truncated\":false,\"root\":\"/tmp/j\xe2\x9f\xa7\","
		   "\"cwd\":\"/\",\"exe\":\"/usr/bin/sudo\",\"cgroup\":\"/a/.b\"}\n");
	/* another mount namespace than ours */
	opt.json = false;
	opt.own_mntns = 4026531841u;
	out_event(&o, &opt, &v);
	EXPECT(&o, "\xe2\x9f\xa6mnt:4026531840:/tmp/j\\u27e7\xe2\x9f\xa7/usr/bin/sudo "
		   "\xe2\x9f\xa6mnt:4026531840:/tmp/j\\u27e7\xe2\x9f\xa7/ "
		   "\xe2\x9f\xa6mnt:4026531840:/tmp/j\\u27e7\xe2\x9f\xa7/usr/bin/sudo "
		   "/tmp/j\\u27e7 /a/.b\n");
	free(r);

	/* at the top of another namespace's tree: root "/"; ours: null, no mark */
	h.root_len = 0;
	h.cgroup_len = 0;
	h.text_len = sizeof(text) - 1 - 14;
	r = mkrec(&h, text, h.text_len, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	out_event(&o, &opt, &v);
	EXPECT(&o, "\xe2\x9f\xa6mnt:4026531840:/\xe2\x9f\xa7/usr/bin/sudo "
		   "\xe2\x9f\xa6mnt:4026531840:/\xe2\x9f\xa7/ "
		   "\xe2\x9f\xa6mnt:4026531840:/\xe2\x9f\xa7/usr/bin/sudo / /\n");
	opt.own_mntns = 4026531840u;
	out_event(&o, &opt, &v);
	EXPECT(&o, "/usr/bin/sudo / /usr/bin/sudo - /\n");
	free(r);
	outbuf_free(&o);
}

/* The tracer chrooted itself (a build chroot): a process with its root is not marked and its
 * root is null; one at the top of the mount tree is, with root "/"; another chroot's is. */
static void test_root_marks_tracer_chrooted(void **state)
{
	static const char text[] = "/bin/true\0true\0"
				   "true\0bin\0"
				   "jail\0srv\0";
	static const struct {
		size_t root_len;
		const char *own;
		const char *want;
	} rows[] = {
	    {9, "/srv/jail", "/bin/true /bin/true -\n"},
	    {0, "/srv/jail",
	     "\xe2\x9f\xa6/\xe2\x9f\xa7/bin/true \xe2\x9f\xa6/\xe2\x9f\xa7/bin/true /\n"},
	    {9, "/srv/jai",
	     "\xe2\x9f\xa6/srv/jail\xe2\x9f\xa7/bin/true "
	     "\xe2\x9f\xa6/srv/jail\xe2\x9f\xa7/bin/true /srv/jail\n"},
	    {9, "",
	     "\xe2\x9f\xa6/srv/jail\xe2\x9f\xa7/bin/true "
	     "\xe2\x9f\xa6/srv/jail\xe2\x9f\xa7/bin/true /srv/jail\n"},
	    {0, "", "/bin/true /bin/true -\n"},
	};
	struct outbuf o;
	struct out_opts opt = base_opts;
	uint32_t ctx;
	char err[128];

	(void)state;
	assert_int_equal(outbuf_init(&o, -1, 0), 0);
	assert_int_equal(out_columns(&opt, "filename,exe,root", false, &ctx, err, sizeof(err)), 0);
	opt.own_mntns = 4026531840u;
	opt.own_root_known = true;
	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		struct ms_event h = BASE_HDR;
		struct ev_view v;
		unsigned char *r;
		size_t size;

		h.filename_len = 10;
		h.argc = 1;
		h.exe_len = 9;
		h.root_len = (uint16_t)rows[k].root_len;
		h.text_len = (uint32_t)(15 + h.exe_len + h.root_len);
		h.have = CTXB(EXE) | CTXB(ROOT) | CTXB(MNTNS);
		h.mntns = 4026531840u;
		r = mkrec(&h, text, h.text_len, &size);
		assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
		opt.own_root = rows[k].own;
		opt.own_root_len = strlen(rows[k].own);
		out_event(&o, &opt, &v);
		expect_out(&o, rows[k].want, strlen(rows[k].want));
		free(r);
	}
	outbuf_free(&o);
}

/* container and pod from the cgroup path the kernel read at the exec: exact for a container
 * gone since (the id is not in any mounted tree); a cut path still names its innermost. */
static void test_container_kernel_path(void **state)
{
#define CID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	static const char text[] = "/bin/sh\0sh\0"
				   "docker-" CID ".scope\0system.slice\0";
	struct ms_event h = BASE_HDR;
	struct outbuf o;
	struct out_opts opt = base_opts;
	struct ev_view v;
	size_t size;
	uint32_t ctx;
	char err[128];
	unsigned char *r;

	(void)state;
	h.filename_len = 8;
	h.argc = 1;
	h.text_len = sizeof(text) - 1;
	h.cwd_len = h.exe_len = h.root_len = 0;
	h.cgroup_len = sizeof(text) - 1 - 11;
	h.cgroup = 1ull << 60; /* named by no tree */
	h.ctx_flags = EV_C_CGROUP_PATH;
	h.have = CTXB(CGROUP);
	r = mkrec(&h, text, h.text_len, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	assert_int_equal(outbuf_init(&o, -1, 0), 0);
	assert_int_equal(out_columns(&opt, "container,pod", false, &ctx, err, sizeof(err)), 0);
	assert_int_equal(ctx & CTXB(CGROUP), CTXB(CGROUP));
	out_event(&o, &opt, &v);
	EXPECT(&o, CID " -\n");
	free(r);
	/* cut: "…/docker-ID.scope" */
	h.cgroup_len = sizeof("docker-" CID ".scope") - 1 + 1;
	h.ctx_flags |= EV_C_CGROUP_CUT;
	h.text_len = 11 + h.cgroup_len;
	r = mkrec(&h, text, h.text_len, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	out_event(&o, &opt, &v);
	EXPECT(&o, CID " -\n");
	free(r);
	/* without the block: the id, which no tree names, gives null */
	h.cgroup_len = 0;
	h.ctx_flags = 0;
	h.text_len = 11;
	r = mkrec(&h, text, h.text_len, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	out_event(&o, &opt, &v);
	EXPECT(&o, "- -\n");
	free(r);
	outbuf_free(&o);
#undef CID
}

/* The root mark is one word with its value: a space in the root is \x20 where the value's
 * are, and with -q (the mark is before the quotes) always, with '"' as \". */
static void test_root_mark_words(void **state)
{
	static const char text[] = "/bin/sh\0sh\0"
				   "j \"k\0tmp\0";
	struct ms_event h = BASE_HDR;
	struct outbuf o;
	struct out_opts opt = base_opts;
	struct ev_view v;
	size_t size;
	uint32_t ctx;
	char err[128];
	unsigned char *r;

	(void)state;
	h.filename_len = 8;
	h.argc = 1;
	h.text_len = sizeof(text) - 1;
	h.cwd_len = h.exe_len = h.cgroup_len = 0;
	h.root_len = 9;
	h.ctx_flags = 0;
	h.have = CTXB(CWD) | CTXB(ROOT);
	r = mkrec(&h, text, h.text_len, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	assert_int_equal(outbuf_init(&o, -1, 0), 0);
	assert_int_equal(out_columns(&opt, "cwd,pid", false, &ctx, err, sizeof(err)), 0);
	out_event(&o, &opt, &v);
	EXPECT(&o, "\xe2\x9f\xa6/tmp/j\\x20\"k\xe2\x9f\xa7/ 4242\n");
	assert_int_equal(out_columns(&opt, "pid,cwd", false, &ctx, err, sizeof(err)), 0);
	out_event(&o, &opt, &v);
	EXPECT(&o, "4242    \xe2\x9f\xa6/tmp/j \"k\xe2\x9f\xa7/\n");
	opt.quote = true;
	out_event(&o, &opt, &v);
	EXPECT(&o, "4242    \xe2\x9f\xa6/tmp/j\\x20\\\"k\xe2\x9f\xa7\"/\"\n");
	outbuf_free(&o);
	free(r);
}

/* A value in a column that is not the last is one word: its spaces are \x20, so that a cwd
 * "a   0 /usr/bin/sudo -i" cannot shift -o +cwd's columns (issue 22); in the last column, and
 * between the values of a list, a space stays a space; -q quotes instead. */
static void test_text_words(void **state)
{
	static const char text[] = "/usr/bin/ls\0ls\0-l x\0"
				   "sudo -i\0bin\0usr\0a   0 \0tmp\0"
				   "X=a b\0Y=1";
	struct ms_event h = BASE_HDR;
	struct outbuf o;
	struct out_opts opt = base_opts;
	struct ev_view v;
	size_t size;
	uint32_t ctx;
	char err[128];
	unsigned char *r;

	(void)state;
	memcpy(h.comm, "Web Content", 12);
	h.filename_len = 12;
	h.argc = 2;
	h.text_len = sizeof(text);
	h.cwd_len = 27;
	h.env_len = 10;
	h.have = CTXB(CWD) | CTXB(ENV);
	r = mkrec(&h, text, sizeof(text), &size);
	assert_int_equal(outbuf_init(&o, -1, 0), 0);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);

	assert_int_equal(out_columns(&opt, "+cwd", true, &ctx, err, sizeof(err)), 0);
	out_event(&o, &opt, &v);
	EXPECT(&o,
	       "Web\\x20Content   4242    1000      0 "
	       "/tmp/a\\x20\\x20\\x200\\x20/usr/bin/sudo\\x20-i X=a\\x20b Y=1 /usr/bin/ls -l x\n");
	/* the last column keeps its spaces */
	assert_int_equal(out_columns(&opt, "pid,cwd", false, &ctx, err, sizeof(err)), 0);
	out_event(&o, &opt, &v);
	EXPECT(&o, "4242    /tmp/a   0 /usr/bin/sudo -i\n");
	/* args before another column */
	assert_int_equal(out_columns(&opt, "args,pid", false, &ctx, err, sizeof(err)), 0);
	out_event(&o, &opt, &v);
	EXPECT(&o, "/usr/bin/ls -l\\x20x 4242\n");
	/* -q: quoted, the space kept inside the quotes */
	opt.quote = true;
	assert_int_equal(out_columns(&opt, "cwd,pid", false, &ctx, err, sizeof(err)), 0);
	out_event(&o, &opt, &v);
	EXPECT(&o, "\"/tmp/a   0 /usr/bin/sudo -i\" 4242\n");
	outbuf_free(&o);
	free(r);
}

/* ---- JSON lines ---- */

/* ---- --exit: exit records, the EVENT column, the ids (issue 17) ---- */

static void test_exit_events(void **state)
{
	struct ms_event h = BASE_HDR;
	struct out_opts opt = base_opts;
	struct outbuf o;
	struct ev_view v;
	size_t size;
	uint32_t ctx;
	char err[128];
	unsigned char *r;

	(void)state;
	assert_int_equal(outbuf_init(&o, -1, 0), 0);
	/* the same id as "4242:12345:140726" hashed, as minisnoop.8 says */
	assert_int_equal(ev_image_id(4242, 123450000000ull, 140726), 0xd229ca2352b1e092ull);
	h.flags = EV_F_EXIT;
	h.have = CTXB(IDS);
	h.start_ns = 123450000000ull; /* 12345 ticks */
	h.arg_start = 140726;
	h.status = 3 << 8;
	h.life = EV_L_STATUS | EV_L_AGE;
	h.age_ns = 1234567890;
	r = mkrec(&h, "", 0, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	assert_true(v.exit && !v.has_parent);

	opt.events = true;
	assert_int_equal(out_columns(&opt, NULL, false, &ctx, err, sizeof(err)), 0);
	/* the age needs the start; the root mark (main) reads ROOT and MNTNS always */
	assert_int_equal(ctx, CTXB(IDS) | CTXB(ROOT) | CTXB(MNTNS));
	out_header(&o, &opt);
	EXPECT(&o, "EVENT PCOMM            PID     PPID    RET ARGS\n");
	out_event(&o, &opt, &v);
	EXPECT(&o, "exit  bash             4242    1000      3 code 3 age 1.235s\n");
	v.hdr.status = 0x86; /* SIGABRT, core dumped */
	out_event(&o, &opt, &v);
	EXPECT(&o, "exit  bash             4242    1000      - signal 6 (SIGABRT), core dumped age "
		   "1.235s\n");
	v.hdr.life = 0;
	out_event(&o, &opt, &v);
	EXPECT(&o, "exit  bash             4242    1000      - ?\n");
	/* ARGS not last: one word, its spaces escaped as any value's there */
	assert_int_equal(out_columns(&opt, "args,pid", false, &ctx, err, sizeof(err)), 0);
	v.hdr.life = EV_L_STATUS | EV_L_AGE;
	v.hdr.status = 3 << 8;
	out_event(&o, &opt, &v);
	EXPECT(&o, "exit  code\\x203\\x20age\\x201.235s 4242\n");
	opt.ncol = 0;
	v.hdr.status = 0x86;

	opt.json = true;
	assert_int_equal(out_columns(&opt, NULL, false, &ctx, err, sizeof(err)), 0);
	v.hdr.life = EV_L_STATUS | EV_L_AGE;
	out_event(&o, &opt, &v);
	EXPECT(&o, "{\"event\":\"exit\",\"time\":\"2026-11-25T06:21:00.123456Z\",\"pid\":4242,"
		   "\"ppid\":1000,\"uid\":1001,\"comm\":\"bash\",\"tid\":4242,\"exit_code\":null,"
		   "\"signal\":6,\"core\":true,\"age\":1.235,\"id\":\"d229ca2352b1e092\","
		   "\"parent_id\":null}\n");
	/* without BTF: exit_group()'s code only */
	v.hdr.status = 7 << 8;
	v.hdr.life = EV_L_STATUS | EV_L_CODE_ONLY;
	v.have = 0;
	out_event(&o, &opt, &v);
	EXPECT(&o, "{\"event\":\"exit\",\"time\":\"2026-11-25T06:21:00.123456Z\",\"pid\":4242,"
		   "\"ppid\":1000,\"uid\":1001,\"comm\":\"bash\",\"tid\":4242,\"exit_code\":7,"
		   "\"signal\":null,\"core\":null,\"age\":null,\"id\":null,\"parent_id\":null}\n");
	outbuf_free(&o);
	free(r);
}

static void test_json_event(void **state)
{
	static const char *const argv[] = {"ls", "a\"\\\n\x1b", "\xc3\xa9\xff"};
	struct ms_event h = BASE_HDR;
	struct outbuf o, all;
	struct out_opts opt = base_opts;
	struct ev_view v;
	size_t size;
	unsigned char *r;

	(void)state;
	opt.json = true;
	assert_int_equal(outbuf_init(&o, -1, 0), 0);
	assert_int_equal(outbuf_init(&all, -1, 0), 0);

	/* No header line for JSON. */
	out_header(&o, &opt);
	assert_int_equal(o.len, 0);

#define JSON_EXPECT(lit)                                                                           \
	do {                                                                                       \
		ob_add(&all, o.buf, o.len);                                                        \
		EXPECT(&o, lit);                                                                   \
	} while (0)

	r = mkgood(&h, "/usr/bin/ls", 3, ls_argv, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	/* Options for text columns do not change JSON. */
	opt.quote = opt.clock = opt.since = opt.show_uid = true;
	out_event(&o, &opt, &v);
	JSON_EXPECT("{\"time\":\"2026-11-25T06:21:00.123456Z\",\"pid\":4242,\"ppid\":1000,"
		    "\"uid\":1001,\"comm\":\"bash\",\"ret\":0,\"filename\":\"/usr/bin/ls\","
		    "\"args\":[\"ls\",\"-l\",\"/tmp dir\"],\"truncated\":false}\n");
	/* UTC whatever the local zone. */
	setenv("TZ", "EST5", 1);
	tzset();
	out_event(&o, &opt, &v);
	JSON_EXPECT("{\"time\":\"2026-11-25T06:21:00.123456Z\",\"pid\":4242,\"ppid\":1000,"
		    "\"uid\":1001,\"comm\":\"bash\",\"ret\":0,\"filename\":\"/usr/bin/ls\","
		    "\"args\":[\"ls\",\"-l\",\"/tmp dir\"],\"truncated\":false}\n");
	setenv("TZ", "UTC0", 1);
	tzset();
	free(r);

	/* Hostile bytes everywhere, a failed exec, truncated. */
	h.ret = -2;
	h.flags = EV_F_TRUNC_ARGS;
	h.uid = 4294967295u;
	memcpy(h.comm, "x\x1b]0;\xc2\x9b\xe2\x82", 10);
	r = mkgood(&h, "/tmp/\"\xff", 3, argv, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	out_event(&o, &opt, &v);
	JSON_EXPECT("{\"time\":\"2026-11-25T06:21:00.123456Z\",\"pid\":4242,\"ppid\":1000,"
		    "\"uid\":4294967295,\"comm\":\"x\\u001b]0;\\u009b\\udce2\\udc82\",\"ret\":-2,"
		    "\"filename\":\"/tmp/\\\"\\udcff\",\"args\":[\"ls\",\"a\\\"\\\\\\n\\u001b\","
		    "\"\xc3\xa9\\udcff\"],\"truncated\":true}\n");
	free(r);

	/* No arguments; a clock offset that makes the time go back across the epoch. */
	base_hdr(&h);
	h.ts_ns = 1500000000;
	opt.mono_to_real_ns = -1600000000;
	r = mkgood(&h, "/x", 0, NULL, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	out_event(&o, &opt, &v);
	JSON_EXPECT("{\"time\":\"1969-12-31T23:59:59.900000Z\",\"pid\":4242,\"ppid\":1000,"
		    "\"uid\":1001,\"comm\":\"bash\",\"ret\":0,\"filename\":\"/x\",\"args\":[],"
		    "\"truncated\":false}\n");
	/* Largest timestamp with a large offset: still a well-formed line. */
	v.hdr.ts_ns = UINT64_MAX;
	opt.mono_to_real_ns = INT64_MAX;
	out_event(&o, &opt, &v);
	ob_add(&all, o.buf, o.len);
	o.len = 0;
	free(r);
#undef JSON_EXPECT

	json_lines_valid(all.buf, all.len, 5);
	outbuf_free(&o);
	outbuf_free(&all);
}

/* Random records, mostly consistent: decode never reads outside the record, and every line
 * produced is a valid JSON object or clean text. */
static void test_fuzz_records(void **state)
{
	struct outbuf js, tx;
	int jlines = 0, tlines = 0;

	(void)state;
	assert_int_equal(outbuf_init(&js, -1, 0), 0);
	assert_int_equal(outbuf_init(&tx, -1, 0), 0);
	for (int round = 0; round < 3000; round++) {
		struct ms_event h = BASE_HDR;
		unsigned char text[400], *buf, *rec;
		size_t n = rnd() % sizeof(text), size, off = rnd() % 2 * 4;
		struct ev_view v;
		struct out_opts opt = base_opts;
		int err;

		for (size_t i = 0; i < n; i++)
			text[i] = rnd() % 4 ? rnd_byte() : 0;
		h.text_len = rnd() % 16 ? (uint32_t)(n - (n ? rnd() % (n + 1) / 4 : 0))
					: (uint32_t)(n + 1 + rnd() % 8);
		h.filename_len = (uint16_t)(rnd() % 16 ? rnd() % 40 : rnd());
		h.argc = (uint16_t)(rnd() % 16 ? rnd() % 10 : rnd() % 300);
		h.flags = rnd() % 4 ? 0 : rnd() % 64;
		h.ret = (int32_t)rnd();
		for (int i = 0; i < EV_COMM_LEN; i++)
			h.comm[i] = (char)rnd_byte();
		/* Sometimes 4-byte aligned, as raw samples in the ring are. */
		buf = malloc(off + EV_HDR + n);
		rec = buf + off;
		memcpy(rec, &h, EV_HDR);
		memcpy(rec + EV_HDR, text, n);
		size = EV_HDR + n;

		err = ev_decode(rec, size, EV_MAX_ARGS_LIM, &v);
		if (h.text_len > n) {
			assert_int_equal(err, -EINVAL);
			free(buf);
			continue;
		}
		assert_int_equal(err, 0);
		assert_true(v.argc <= h.argc && v.argc <= EV_MAX_ARGS_LIM);
		assert_int_equal(v.filename[v.filename_len], 0);
		for (unsigned i = 0; i < v.argc; i++) {
			assert_true((const unsigned char *)v.args[i] >= rec + EV_HDR);
			assert_true((const unsigned char *)v.args[i] + v.arg_len[i] <
				    rec + EV_HDR + h.text_len);
			assert_int_equal(v.args[i][v.arg_len[i]], 0);
		}
		if (!v.truncated) {
			assert_int_equal(v.argc, h.argc);
			assert_int_equal(v.filename_len + 1, h.filename_len);
			assert_int_equal(h.flags & 15, 0);
		}
		opt.json = true;
		out_event(&js, &opt, &v);
		jlines++;
		opt.json = false;
		opt.quote = round & 1;
		opt.clock = opt.since = opt.show_uid = round & 2;
		out_event(&tx, &opt, &v);
		tlines++;
		free(buf);
	}
	json_lines_valid(js.buf, js.len, jlines);
	text_lines_valid(tx.buf, tx.len, tlines);
	outbuf_free(&js);
	outbuf_free(&tx);
}

/* ---- output buffer ---- */

struct reader {
	int fd;
	int delay_ms;
	char *data;
	size_t len;
};

static void *reader_main(void *arg)
{
	struct reader *rd = arg;
	size_t cap = 1 << 16;
	ssize_t n;
	struct timespec ts = {rd->delay_ms / 1000, rd->delay_ms % 1000 * 1000000L};

	/* Sleeps the full delay even when signals interrupt it. */
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	rd->data = malloc(cap);
	rd->len = 0;
	for (;;) {
		if (rd->len == cap)
			rd->data = realloc(rd->data, cap *= 2);
		n = read(rd->fd, rd->data + rd->len, cap - rd->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		rd->len += (size_t)n;
	}
	return NULL;
}

/* Writes size bytes of a pattern through a pipe with a reader that starts late. */
static void pipe_roundtrip(size_t size, bool nonblock, int delay_ms)
{
	struct outbuf o;
	struct reader rd = {.delay_ms = delay_ms};
	pthread_t th;
	int p[2];
	char chunk[4096];

	assert_int_equal(pipe(p), 0);
	if (nonblock)
		assert_int_equal(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	rd.fd = p[0];
	assert_int_equal(outbuf_init(&o, p[1], 0), 0);
	for (size_t i = 0; i < size; i += sizeof(chunk)) {
		for (size_t k = 0; k < sizeof(chunk); k++)
			chunk[k] = (char)('a' + (i / sizeof(chunk) + k) % 26);
		out_text_escaped(&o, chunk, sizeof(chunk));
	}
	assert_int_equal(o.len, size);
	assert_int_equal(pthread_create(&th, NULL, reader_main, &rd), 0);
	assert_int_equal(outbuf_flush(&o), 0);
	assert_int_equal(o.len, 0);
	close(p[1]);
	pthread_join(th, NULL);
	close(p[0]);
	assert_int_equal(rd.len, size);
	for (size_t i = 0; i < size; i += sizeof(chunk))
		for (size_t k = 0; k < sizeof(chunk); k++)
			assert_int_equal(rd.data[i + k],
					 (char)('a' + (i / sizeof(chunk) + k) % 26));
	free(rd.data);
	outbuf_free(&o);
}

static void test_outbuf_pipe(void **state)
{
	(void)state;
	pipe_roundtrip(4096, false, 0);
	/* Far more than a pipe holds: partial writes. */
	pipe_roundtrip(1 << 20, false, 20);
	/* A non-blocking fd: EAGAIN is waited out, not an error. */
	pipe_roundtrip(1 << 20, true, 20);
}

/* flush_n writes a prefix and keeps the rest, in order, for the next flush. */
static void test_outbuf_flush_n(void **state)
{
	struct outbuf o;
	int fds[2];
	char got[32];
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(outbuf_init(&o, fds[1], 0), 0);
	memcpy(o.buf, "first\nsecond\n", 13);
	o.len = 13;
	assert_int_equal(outbuf_flush_n(&o, 6), 0);
	assert_int_equal(o.len, 7);
	assert_memory_equal(o.buf, "second\n", 7);
	n = read(fds[0], got, sizeof(got));
	assert_int_equal(n, 6);
	assert_memory_equal(got, "first\n", 6);
	/* More than is held writes what is held. */
	assert_int_equal(outbuf_flush_n(&o, 100), 0);
	assert_int_equal(o.len, 0);
	n = read(fds[0], got, sizeof(got));
	assert_int_equal(n, 7);
	assert_memory_equal(got, "second\n", 7);
	outbuf_free(&o);
	close(fds[0]);
	close(fds[1]);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void test_outbuf_eintr(void **state)
{
	struct sigaction sa, old;
	struct itimerval it = {{0, 1000}, {0, 1000}}, off = {{0, 0}, {0, 0}};

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = 0; /* no SA_RESTART: the blocked write fails with EINTR or comes back short */
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	alarms = 0;
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	pipe_roundtrip(1 << 20, false, 50);
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	assert_true(alarms > 0);
}

static void test_outbuf_epipe(void **state)
{
	struct outbuf o;
	int p[2];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	assert_int_equal(outbuf_init(&o, p[1], 0), 0);
	ob_add(&o, "hello\n", 6);
	assert_int_equal(outbuf_flush(&o), -EPIPE);
	/* Nothing was written, so nothing is lost from the buffer. */
	assert_int_equal(o.len, 6);
	close(p[1]);
	outbuf_free(&o);

	/* Other errors come back as negative errno too. */
	assert_int_equal(outbuf_init(&o, -1, 0), 0);
	out_text_escaped(&o, "x", 1);
	assert_int_equal(outbuf_flush(&o), -EBADF);
	outbuf_free(&o);
	assert_null(o.buf);
	assert_int_equal(o.cap, 0);

	/* An empty flush writes nothing, even to a bad fd. */
	assert_int_equal(outbuf_init(&o, -1, 0), 0);
	assert_int_equal(outbuf_flush(&o), 0);
	outbuf_free(&o);
}

static void *close_later(void *arg)
{
	struct timespec ts = {0, 50000000};

	nanosleep(&ts, NULL);
	close(*(int *)arg);
	return NULL;
}

/* The reader goes away mid-flush: what was not written stays, at the front of the buffer. */
static void test_outbuf_epipe_partial(void **state)
{
	struct outbuf o;
	pthread_t th;
	int p[2], pipe_size;
	char data[20000];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)('A' + i % 23);
	assert_int_equal(pipe(p), 0);
	pipe_size = fcntl(p[1], F_SETPIPE_SZ, 4096);
	assert_true(pipe_size > 0 && (size_t)pipe_size < sizeof(data));
	assert_int_equal(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(outbuf_init(&o, p[1], 0), 0);
	ob_add(&o, data, sizeof(data));
	assert_int_equal(pthread_create(&th, NULL, close_later, &p[0]), 0);
	assert_int_equal(outbuf_flush(&o), -EPIPE);
	pthread_join(th, NULL);
	assert_int_equal(o.len, sizeof(data) - (size_t)pipe_size);
	assert_memory_equal(o.buf, data + pipe_size, o.len);
	close(p[1]);
	outbuf_free(&o);
}

static void test_outbuf_growth(void **state)
{
	struct ms_event h = BASE_HDR;
	struct outbuf o;
	struct out_opts opt = base_opts;
	struct ev_view v;
	size_t size, cap1, line;
	char *buf1;
	unsigned char *r = mkgood(&h, "/usr/bin/ls", 3, ls_argv, &size);
	int fd = open("/dev/null", O_WRONLY);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	assert_int_equal(outbuf_init(&o, fd, 16), 0);
	/* Room for the largest record, whatever was asked for. */
	assert_true(o.cap >= 6 * EV_TEXT_MAX);
	out_event(&o, &opt, &v);
	line = o.len;
	for (int i = 1; i < 5000; i++)
		out_event(&o, &opt, &v);
	assert_int_equal(o.len, 5000 * line);
	assert_true(o.cap >= o.len);
	for (int i = 0; i < 5000; i++)
		assert_memory_equal(o.buf + i * line, o.buf, line);
	assert_int_equal(outbuf_flush(&o), 0);
	/* Warmed up: the same batch again needs no allocation. */
	cap1 = o.cap;
	buf1 = o.buf;
	for (int i = 0; i < 5000; i++)
		out_event(&o, &opt, &v);
	assert_int_equal(o.cap, cap1);
	assert_ptr_equal(o.buf, buf1);
	assert_int_equal(outbuf_flush(&o), 0);
	outbuf_free(&o);
	close(fd);
	free(r);
}

/* The largest record ev_decode accepts, escaped worst-case, fits without failing. */
static void test_outbuf_worst_case(void **state)
{
	struct ms_event h = BASE_HDR;
	struct outbuf o;
	struct out_opts opt = base_opts;
	struct ev_view v;
	unsigned char *r;
	size_t size;
	char *text = malloc(EV_TEXT_MAX), err[128];
	uint32_t ctx;

	(void)state;
	memset(text, 0x01, EV_TEXT_MAX);
	text[EV_FILENAME_MAX - 1] = 0;
	for (size_t i = EV_FILENAME_MAX + 100; i < EV_TEXT_MAX; i += 100)
		text[i] = 0;
	text[EV_TEXT_MAX - 1] = 0;
	h.text_len = EV_TEXT_MAX;
	h.filename_len = EV_FILENAME_MAX;
	h.argc = EV_MAX_ARGS_LIM;
	r = mkrec(&h, text, EV_TEXT_MAX, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	assert_int_equal(outbuf_init(&o, -1, 0), 0);
	opt.json = true;
	out_event(&o, &opt, &v);
	assert_true(o.len > 6 * (EV_FILENAME_MAX - 1));
	assert_int_equal(o.buf[o.len - 1], '\n');
	json_lines_valid(o.buf, o.len, 1);
	free(r);
	/* Text with every path marked by a root of 4 KiB of control bytes, quoted, in another
	 * mount namespace: what out_event reserves covers it (test-asan checks). */
	h.cwd_len = h.exe_len = h.root_len = h.cgroup_len = EV_PATH_MAX;
	h.env_len = EV_ENV_MAX;
	h.have = (1u << CTX_BITS) - 1;
	h.ctx_flags = EV_C_CGROUP_PATH | EV_C_ROOT_CUT;
	h.mntns = 1;
	r = mkrec(&h, text, EV_TEXT_MAX, &size);
	assert_int_equal(ev_decode(r, size, EV_MAX_ARGS_LIM, &v), 0);
	assert_true(v.root_len > EV_PATH_MAX / 2);
	opt.json = false;
	opt.quote = true;
	opt.own_mntns = 2;
	assert_int_equal(out_columns(&opt, "filename,args,root,cwd,exe,cgroup,env", false, &ctx,
				     err, sizeof(err)),
			 0);
	o.len = 0;
	out_event(&o, &opt, &v);
	assert_true(o.len <= o.cap && o.len > 4 * 4 * (EV_PATH_MAX / 2));
	outbuf_free(&o);
	free(r);
	free(text);
}

int main(void)
{
	container_v1 = false; /* the container column: from the record alone, not this host */
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_good),
		cmocka_unit_test(test_decode_bad_header),
		cmocka_unit_test(test_decode_flags),
		cmocka_unit_test(test_decode_inconsistent),
		cmocka_unit_test(test_decode_misaligned),
		cmocka_unit_test(test_json_ancestors_kept),
		cmocka_unit_test(test_env_kept),
		cmocka_unit_test(test_text_layouts),
		cmocka_unit_test(test_text_fields),
		cmocka_unit_test(test_text_quote_and_trunc),
		cmocka_unit_test(test_text_comm),
		cmocka_unit_test(test_context_fields),
		cmocka_unit_test(test_env_limits),
		cmocka_unit_test(test_root_marks),
	    cmocka_unit_test(test_root_marks_tracer_chrooted),
		cmocka_unit_test(test_root_mark_words),
		cmocka_unit_test(test_container_kernel_path),
		cmocka_unit_test(test_text_words),
		cmocka_unit_test(test_json_event),
		cmocka_unit_test(test_fuzz_records),
		cmocka_unit_test(test_outbuf_pipe),
		cmocka_unit_test(test_outbuf_flush_n),
		cmocka_unit_test(test_exit_events),
		cmocka_unit_test(test_outbuf_eintr),
		cmocka_unit_test(test_outbuf_epipe),
		cmocka_unit_test(test_outbuf_epipe_partial),
		cmocka_unit_test(test_outbuf_growth),
		cmocka_unit_test(test_outbuf_worst_case),
	};
	/* clang-format on */

	/* Fixed zone for the HH:MM:SS column. */
	setenv("TZ", "UTC0", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
