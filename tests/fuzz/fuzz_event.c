// SPDX-License-Identifier: MIT
/*
 * An exec record from the kernel, decoded (src/event.c), filtered (src/filter.c) and written
 * as text and as JSON (src/output.c). Input: max_args byte, option bits byte, the clock
 * offset and start time (8 bytes each, host order), then the record.
 *
 * What README promises is checked on every output: the text line has no raw control byte and
 * only valid UTF-8; the JSON line is one valid JSON object whose strings give back exactly the
 * record's bytes (surrogateescape), with the header's numbers and the truncated flag.
 */
#include "fuzz.h"

#include "event.h"
#include "filter.h"
#include "output.h"

#include <errno.h>
#include <inttypes.h>

#define PRE 18 /* bytes before the record */

static struct filter filt;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	/* -T formats local time: the same for every run, whatever the machine's zone. */
	setenv("TZ", "UTC0", 1);
	FUZZ_CHECK(!filter_set(&filt, FILTER_NAME, "^(ba|da)?sh$|[[:cntrl:]]", err, sizeof(err)));
	FUZZ_CHECK(!filter_set(&filt, FILTER_LINE, "\\<-c\\>|x{2,3}y?$|\\xff", err, sizeof(err)));
	return 0;
}

/* Length of the valid UTF-8 sequence at s, not a C1 control; 0 when there is none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07u;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	/* Overlong forms, UTF-16 surrogates, past U+10FFFF, C1 controls */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return len;
}

/* A text line: printable, valid UTF-8, one newline at its end. */
static void check_text(const char *line, size_t n)
{
	const unsigned char *s = (const unsigned char *)line;

	FUZZ_CHECK(n > 0 && s[n - 1] == '\n');
	for (size_t i = 0, k; i < n - 1; i += k) {
		FUZZ_CHECK(s[i] >= 0x20 && s[i] != 0x7f);
		k = utf8_len(s + i, n - 1 - i);
		FUZZ_CHECK(k);
	}
}

/* A tiny JSON reader: enough to check minisnoop's lines strictly. */
struct js {
	const unsigned char *p, *end;
	unsigned char *str; /* the last string read, decoded to bytes */
	size_t str_len;
};

static int js_peek(struct js *j)
{
	return j->p < j->end ? *j->p : -1;
}

static void js_expect(struct js *j, char c)
{
	FUZZ_CHECK(js_peek(j) == (unsigned char)c);
	j->p++;
}

static unsigned js_hex4(struct js *j)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		int c = js_peek(j);

		FUZZ_CHECK((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			   (c >= 'A' && c <= 'F'));
		v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 32) - 'a' + 10);
		j->p++;
	}
	return v;
}

static void js_put_utf8(struct js *j, uint32_t cp)
{
	unsigned char *d = j->str + j->str_len;

	if (cp < 0x80) {
		*d++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*d++ = (unsigned char)(0xc0 | cp >> 6);
		*d++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*d++ = (unsigned char)(0xe0 | cp >> 12);
		*d++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		*d++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		*d++ = (unsigned char)(0xf0 | cp >> 18);
		*d++ = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		*d++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		*d++ = (unsigned char)(0x80 | (cp & 0x3f));
	}
	j->str_len = (size_t)(d - j->str);
}

/* A string into j->str: UTF-8 kept, escapes decoded, \udc80..\udcff back to raw bytes. */
static void js_string(struct js *j)
{
	j->str_len = 0;
	js_expect(j, '"');
	for (;;) {
		int c = js_peek(j);
		size_t k;

		FUZZ_CHECK(c >= 0x20 && c != 0x7f); /* raw controls are not JSON (DEL: not ours) */
		if (c == '"') {
			j->p++;
			return;
		}
		if (c != '\\') {
			k = utf8_len(j->p, (size_t)(j->end - j->p));
			FUZZ_CHECK(k);
			memcpy(j->str + j->str_len, j->p, k);
			j->str_len += k;
			j->p += k;
			continue;
		}
		j->p++;
		c = js_peek(j);
		j->p++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			j->str[j->str_len++] = (unsigned char)c;
			break;
		case 'b':
			j->str[j->str_len++] = '\b';
			break;
		case 'f':
			j->str[j->str_len++] = '\f';
			break;
		case 'n':
			j->str[j->str_len++] = '\n';
			break;
		case 'r':
			j->str[j->str_len++] = '\r';
			break;
		case 't':
			j->str[j->str_len++] = '\t';
			break;
		case 'u': {
			unsigned cp = js_hex4(j);

			if (cp >= 0xdc80 && cp <= 0xdcff) {
				j->str[j->str_len++] = (unsigned char)(cp - 0xdc00);
			} else if (cp >= 0xd800 && cp <= 0xdbff) {
				unsigned lo;

				js_expect(j, '\\');
				js_expect(j, 'u');
				lo = js_hex4(j);
				FUZZ_CHECK(lo >= 0xdc00 && lo <= 0xdfff);
				js_put_utf8(j, 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00));
			} else {
				/* Other lone surrogates would lose bytes */
				FUZZ_CHECK(cp < 0xd800 || cp > 0xdfff);
				js_put_utf8(j, cp);
			}
			break;
		}
		default:
			FUZZ_CHECK(!"bad escape");
		}
	}
}

/* A number as JSON writes it; returns its text for comparison. */
static void js_number(struct js *j, char *buf, size_t n)
{
	const unsigned char *s = j->p;
	size_t len;

	if (js_peek(j) == '-')
		j->p++;
	FUZZ_CHECK(js_peek(j) >= '0' && js_peek(j) <= '9');
	if (js_peek(j) == '0')
		j->p++;
	else
		while (js_peek(j) >= '0' && js_peek(j) <= '9')
			j->p++;
	/* minisnoop writes integers only */
	len = (size_t)(j->p - s);
	FUZZ_CHECK(len < n);
	memcpy(buf, s, len);
	buf[len] = 0;
}

static void js_key(struct js *j, const char *key, int first)
{
	if (!first)
		js_expect(j, ',');
	js_string(j);
	FUZZ_CHECK(j->str_len == strlen(key) && !memcmp(j->str, key, j->str_len));
	js_expect(j, ':');
}

static void js_bytes(struct js *j, const char *key, const char *want, size_t n)
{
	js_key(j, key, 0);
	js_string(j);
	FUZZ_CHECK(j->str_len == n && !memcmp(j->str, want, n));
}

static void js_num(struct js *j, const char *key, int64_t want)
{
	char got[32], exp[32];

	js_key(j, key, 0);
	js_number(j, got, sizeof(got));
	snprintf(exp, sizeof(exp), "%" PRId64, want);
	FUZZ_CHECK(!strcmp(got, exp));
}

/* The JSON line for v: exactly the keys minisnoop writes, in order, with v's values. */
static void check_json(const char *line, size_t n, const struct ev_view *v, unsigned char *scratch)
{
	struct js j = {(const unsigned char *)line, (const unsigned char *)line + n, scratch, 0};
	static const char digits[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";

	FUZZ_CHECK(n > 0 && line[n - 1] == '\n' && !memchr(line, '\n', n - 1));
	j.end--;
	js_expect(&j, '{');
	js_key(&j, "time", 1);
	js_string(&j);
	FUZZ_CHECK(j.str_len == sizeof(digits) - 1);
	for (size_t i = 0; i < j.str_len; i++)
		FUZZ_CHECK(digits[i] == 'd' ? j.str[i] >= '0' && j.str[i] <= '9'
					    : j.str[i] == digits[i]);
	js_num(&j, "pid", v->hdr.pid);
	js_num(&j, "ppid", v->hdr.ppid);
	js_num(&j, "uid", v->hdr.uid);
	js_bytes(&j, "comm", v->hdr.comm, strnlen(v->hdr.comm, EV_COMM_LEN));
	js_num(&j, "ret", v->hdr.ret);
	js_bytes(&j, "filename", v->filename, v->filename_len);
	js_key(&j, "args", 0);
	js_expect(&j, '[');
	for (unsigned i = 0; i < v->argc; i++) {
		if (i)
			js_expect(&j, ',');
		js_string(&j);
		FUZZ_CHECK(j.str_len == v->arg_len[i] && !memcmp(j.str, v->args[i], j.str_len));
	}
	js_expect(&j, ']');
	js_key(&j, "truncated", 0);
	if (v->truncated)
		for (const char *w = "true"; *w; w++)
			js_expect(&j, *w);
	else
		for (const char *w = "false"; *w; w++)
			js_expect(&j, *w);
	js_expect(&j, '}');
	FUZZ_CHECK(j.p == j.end);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct out_opts opt = {0};
	struct ev_view v;
	struct outbuf o;
	unsigned max_args;
	unsigned char *scratch;
	size_t start;
	uint8_t bits;
	void *rec;
	int r;

	if (size < PRE)
		return 0;
	max_args = data[0] % (EV_MAX_ARGS_LIM + 1);
	bits = data[1];
	opt.quote = bits & 1;
	opt.clock = bits & 2;
	opt.since = bits & 4;
	opt.show_uid = bits & 8;
	memcpy(&opt.mono_to_real_ns, data + 2, 8);
	memcpy(&opt.start_ns, data + 10, 8);
	/* A heap copy of its exact size: ev_decode must not read past the record. */
	rec = malloc(size - PRE ? size - PRE : 1);
	FUZZ_CHECK(rec);
	memcpy(rec, data + PRE, size - PRE);

	r = ev_decode(rec, size - PRE, max_args, &v);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	if (r) {
		free(rec);
		return 0;
	}
	FUZZ_CHECK(v.argc <= max_args && v.argc <= EV_MAX_ARGS_LIM);
	FUZZ_CHECK(v.filename[v.filename_len] == 0);
	for (unsigned i = 0; i < v.argc; i++)
		FUZZ_CHECK(v.args[i][v.arg_len[i]] == 0);
	filter_match(&filt, &v);

	/* A small buffer, as a batch's buffer after earlier events, so that it has to grow. */
	o = (struct outbuf){.buf = malloc(64), .cap = 64, .fd = -1};
	FUZZ_CHECK(o.buf);
	opt.json = false;
	out_header(&o, &opt);
	start = o.len;
	out_event(&o, &opt, &v);
	check_text(o.buf + start, o.len - start);

	start = o.len;
	opt.json = true;
	out_event(&o, &opt, &v);
	/* Decoded strings are never longer than the line that holds them. */
	scratch = malloc(o.len - start + 4);
	FUZZ_CHECK(scratch);
	check_json(o.buf + start, o.len - start, &v, scratch);

	free(scratch);
	outbuf_free(&o);
	free(rec);
	return 0;
}
