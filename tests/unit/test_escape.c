// SPDX-License-Identifier: MIT
/*
 * Escaping (src/escape.c), the output's security boundary: each rule of minisnoop.8's
 * Escaping section, over fixed cases, every byte value, every code point and random strings;
 * the JSON is judged by Python's decoder, which must give the input bytes back.
 */
#include "escape.h"
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "unit_util.h"

/* Escapes in into a heap buffer of exactly the room promised, so that ASan sees any write
 * past it; returns the output (malloc'd, NUL added after the end) and its length. */
static char *text_of(const char *in, size_t n, unsigned flags, size_t *len)
{
	size_t room = ESC_TEXT_ROOM(n);
	char *d = malloc(room + 1), *end;

	assert_non_null(d);
	end = esc_text(d, in, n, flags);
	*len = (size_t)(end - d);
	assert_true(*len <= room);
	*end = 0;
	return d;
}

static char *json_of(const char *in, size_t n, size_t *len)
{
	size_t room = ESC_JSON_ROOM(n);
	char *d = malloc(room + 1), *end;

	assert_non_null(d);
	end = esc_json(d, in, n);
	*len = (size_t)(end - d);
	assert_true(*len <= room);
	*end = 0;
	return d;
}

static void expect_esc(const char *got, size_t n, const char *want, const char *what,
		       const char *in, size_t in_n)
{
	if (n != strlen(want) || memcmp(got, want, n)) {
		print_error("%s of", what);
		for (size_t i = 0; i < in_n; i++)
			print_error(" %02x", (unsigned char)in[i]);
		print_error(":\ngot  [%.*s]\nwant [%s]\n", (int)n, got, want);
		fail();
	}
}

static void expect_text(const char *in, size_t n, bool quote, const char *want)
{
	size_t len;
	char *got = text_of(in, n, quote, &len);

	expect_esc(got, len, want, quote ? "quoted text" : "text", in, n);
	free(got);
}

static void expect_json(const char *in, size_t n, const char *want)
{
	size_t len;
	char *got = json_of(in, n, &len);

	expect_esc(got, len, want, "JSON", in, n);
	free(got);
}

static const struct {
	const char *in;
	size_t n;
	const char *text, *json;
} escapes[] = {
#define S(lit) lit, sizeof(lit) - 1
    {S("plain /x-y_z.1"), "plain /x-y_z.1", "\"plain /x-y_z.1\""},
    {S(""), "", "\"\""},
    {S("a\\b"), "a\\\\b", "\"a\\\\b\""},
    {S("q\"q"), "q\"q", "\"q\\\"q\""},
    {S("\n\t\r"), "\\n\\t\\r", "\"\\n\\t\\r\""},
    {S("\b\f"), "\\x08\\x0c", "\"\\b\\f\""},
    {S("\x1b[31mred"), "\\x1b[31mred", "\"\\u001b[31mred\""},
    {S("\0z"), "\\x00z", "\"\\u0000z\""},
    {S("\x01\x1f\x7f"), "\\x01\\x1f\\x7f", "\"\\u0001\\u001f\\u007f\""},
    /* Valid UTF-8 is kept: é, €, an emoji, U+FFFD, U+10FFFF. */
    {S("\xc3\xa9"), "\xc3\xa9", "\"\xc3\xa9\""},
    {S("\xe2\x82\xac"), "\xe2\x82\xac", "\"\xe2\x82\xac\""},
    {S("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""},
    {S("\xef\xbf\xbd"), "\xef\xbf\xbd", "\"\xef\xbf\xbd\""},
    {S("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""},
    /* C1 controls (U+0080..U+009F), e.g. U+009B is a one-byte CSI. */
    {S("\xc2\x80"), "\\xc2\\x80", "\"\\u0080\""},
    {S("\xc2\x9b"
       "31m"),
     "\\xc2\\x9b31m", "\"\\u009b31m\""},
    {S("\xc2\x9f"), "\\xc2\\x9f", "\"\\u009f\""},
    /* Overlong encodings. */
    {S("\xc0\xaf"), "\\xc0\\xaf", "\"\\udcc0\\udcaf\""},
    {S("\xc1\xbf"), "\\xc1\\xbf", "\"\\udcc1\\udcbf\""},
    {S("\xe0\x80\xaf"), "\\xe0\\x80\\xaf", "\"\\udce0\\udc80\\udcaf\""},
    {S("\xf0\x80\x80\xaf"), "\\xf0\\x80\\x80\\xaf", "\"\\udcf0\\udc80\\udc80\\udcaf\""},
    /* UTF-16 surrogates. */
    {S("\xed\xa0\x80"), "\\xed\\xa0\\x80", "\"\\udced\\udca0\\udc80\""},
    {S("\xed\xbf\xbf"), "\\xed\\xbf\\xbf", "\"\\udced\\udcbf\\udcbf\""},
    {S("\xed\x9f\xbf"), "\xed\x9f\xbf", "\"\xed\x9f\xbf\""}, /* U+D7FF is fine */
    /* Above U+10FFFF, and bytes that never occur in UTF-8. */
    {S("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80", "\"\\udcf4\\udc90\\udc80\\udc80\""},
    {S("\xf5\x80\x80\x80"), "\\xf5\\x80\\x80\\x80", "\"\\udcf5\\udc80\\udc80\\udc80\""},
    {S("\xfe\xff"), "\\xfe\\xff", "\"\\udcfe\\udcff\""},
    /* Truncated sequences, at the end and followed by ASCII. */
    {S("\xe2\x82"), "\\xe2\\x82", "\"\\udce2\\udc82\""},
    {S("\xe2\x82"
       "A"),
     "\\xe2\\x82A", "\"\\udce2\\udc82A\""},
    {S("\xf0\x9f\x98"), "\\xf0\\x9f\\x98", "\"\\udcf0\\udc9f\\udc98\""},
    {S("\xc3"), "\\xc3", "\"\\udcc3\""},
    /* Bidi controls and invisible characters: escaped in text (they can make a line lie),
     * kept in JSON (valid, and a JSON reader decodes escapes anyway). */
    {S("a\xe2\x80\xae"
       "b"),
     "a\\u202eb",
     "\"a\xe2\x80\xae"
     "b\""},
    {S("\xe2\x80\x8b"), "\\u200b", "\"\xe2\x80\x8b\""},
    {S("\xd8\x9c"), "\\u061c", "\"\xd8\x9c\""},
    {S("\xef\xbb\xbf"), "\\ufeff", "\"\xef\xbb\xbf\""},
    {S("\xe2\x81\xa6"), "\\u2066", "\"\xe2\x81\xa6\""},
    {S("\xe2\x81\xb0"), "\xe2\x81\xb0", "\"\xe2\x81\xb0\""}, /* U+2070 is fine */
    /* What a viewer hides (issue 22): spaces that are not ' ' (U+00A0 between words looks
     * like a column break), line and paragraph separators, the soft hyphen, U+180E, Hangul
     * fillers, braille blank, interlinear annotation, variation selectors, tag characters
     * (past U+FFFF: \U and 8 digits). */
    {S("a\xc2\xa0"
       "b"),
     "a\\u00a0b",
     "\"a\xc2\xa0"
     "b\""},
    {S("\xe2\x80\xa8\xe2\x80\xa9"), "\\u2028\\u2029", "\"\xe2\x80\xa8\xe2\x80\xa9\""},
    {S("\xc2\xad"), "\\u00ad", "\"\xc2\xad\""},
    {S("\xe1\xa0\x8e"), "\\u180e", "\"\xe1\xa0\x8e\""},
    {S("\xe3\x85\xa4\xe1\x85\x9f\xe1\x85\xa0\xef\xbe\xa0"), "\\u3164\\u115f\\u1160\\uffa0",
     "\"\xe3\x85\xa4\xe1\x85\x9f\xe1\x85\xa0\xef\xbe\xa0\""},
    {S("\xe2\xa0\x80"), "\\u2800", "\"\xe2\xa0\x80\""},
    {S("\xef\xbf\xb9x\xef\xbf\xbay\xef\xbf\xbb"), "\\ufff9x\\ufffay\\ufffb",
     "\"\xef\xbf\xb9x\xef\xbf\xbay\xef\xbf\xbb\""},
    {S("su\xef\xb8\x80"
       "do"),
     "su\\ufe00do",
     "\"su\xef\xb8\x80"
     "do\""},
    {S("a\xf3\xa0\x81\x81\xf3\xa0\x81\xbf"), "a\\U000e0041\\U000e007f",
     "\"a\xf3\xa0\x81\x81\xf3\xa0\x81\xbf\""},
    {S("\xcd\x8f\xf0\x9d\x85\x99"), "\\u034f\\U0001d159", "\"\xcd\x8f\xf0\x9d\x85\x99\""},
    /* A combining mark where it would join something else: at the start (the separator or
     * the column before), after an escape; kept after a character shown as is, a space
     * included. */
    {S("\xcc\x81"
       "a"),
     "\\u0301a",
     "\"\xcc\x81"
     "a\""},
    {S("e\xcc\x81 \xcc\x81"), "e\xcc\x81 \xcc\x81", "\"e\xcc\x81 \xcc\x81\""},
    {S("\x01\xcc\xb8\\\xcc\xb8"), "\\x01\\u0338\\\\\\u0338", "\"\\u0001\xcc\xb8\\\\\xcc\xb8\""},
    {S("\xe2\x80\x8b\xe2\x83\x9d"), "\\u200b\\u20dd", "\"\xe2\x80\x8b\xe2\x83\x9d\""},
    /* Stray continuation bytes, also right after a valid sequence. */
    {S("\x80"), "\\x80", "\"\\udc80\""},
    {S("\xc3\xa9\xa9"), "\xc3\xa9\\xa9", "\"\xc3\xa9\\udca9\""},
#undef S
};

static void test_escape_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++)
		expect_text(escapes[i].in, escapes[i].n, false, escapes[i].text);
}

static void test_escape_json(void **state)
{
	char *all = malloc(1 << 16), *out, *line;
	size_t at = 0, len;

	(void)state;
	assert_non_null(all);
	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		char *j = json_of(escapes[i].in, escapes[i].n, &len);

		expect_esc(j, len, escapes[i].json, "JSON", escapes[i].in, escapes[i].n);
		memcpy(all + at, j, len);
		at += len;
		all[at++] = '\n';
		free(j);
	}
	/* Each line is a JSON string that decodes back to the input bytes. */
	out = py_run("import json,sys\n"
		     "for l in sys.stdin.buffer:\n"
		     "    s=json.loads(l.decode(\"utf-8\"))\n"
		     "    assert isinstance(s,str)\n"
		     "    print(s.encode(\"utf-8\",\"surrogateescape\").hex())\n",
		     all, at);
	line = out;
	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		char want[64] = "";

		for (size_t k = 0; k < escapes[i].n; k++)
			sprintf(want + 2 * k, "%02x", (unsigned char)escapes[i].in[k]);
		assert_memory_equal(line, want, strlen(want));
		assert_int_equal(line[strlen(want)], '\n');
		line += strlen(want) + 1;
	}
	assert_int_equal(*line, 0);
	free(out);
	free(all);
}

/* Every byte value alone, against README's rules written out here. Text: printable ASCII as
 * is but '\' as "\\"; newline, tab, CR as \n \t \r; other controls, DEL and every byte that
 * is not UTF-8 on its own (all >= 0x80) as \xHH. JSON: '"' and '\' escaped, \n \t \r \b \f,
 * other controls and DEL as \u00HH, a byte that is not UTF-8 as \udcHH. */
static void test_escape_every_byte(void **state)
{
	(void)state;
	for (unsigned b = 0; b < 256; b++) {
		char in = (char)b, t[8], j[16];

		if (b == '\\')
			strcpy(t, "\\\\");
		else if (b == '\n' || b == '\t' || b == '\r')
			sprintf(t, "\\%c", b == '\n' ? 'n' : b == '\t' ? 't' : 'r');
		else if (b >= 0x20 && b < 0x7f)
			sprintf(t, "%c", b);
		else
			sprintf(t, "\\x%02x", b);
		expect_text(&in, 1, false, t);

		if (b == '"' || b == '\\')
			sprintf(j, "\"\\%c\"", b);
		else if (b >= 0x20 && b < 0x7f)
			sprintf(j, "\"%c\"", b);
		else if (strchr("\n\t\r\b\f", (int)b) && b)
			sprintf(j, "\"\\%c\"",
				b == '\n'   ? 'n'
				: b == '\t' ? 't'
				: b == '\r' ? 'r'
				: b == '\b' ? 'b'
					    : 'f');
		else if (b < 0x80)
			sprintf(j, "\"\\u%04x\"", b);
		else
			sprintf(j, "\"\\udc%02x\"", b);
		expect_json(&in, 1, j);
	}
}

/* What text escapes wherever it is, as minisnoop.8 lists it (Escaping). */
static bool hidden(uint32_t cp)
{
	static const uint32_t ranges[][2] = {
	    {0x00a0, 0x00a0},	{0x00ad, 0x00ad},   {0x034f, 0x034f},	{0x061c, 0x061c},
	    {0x115f, 0x1160},	{0x1680, 0x1680},   {0x17b4, 0x17b5},	{0x180b, 0x180f},
	    {0x2000, 0x200f},	{0x2028, 0x202f},   {0x205f, 0x206f},	{0x27e6, 0x27e7},
	    {0x2800, 0x2800},	{0x3000, 0x3000},   {0x3164, 0x3164},	{0xfe00, 0xfe0f},
	    {0xfeff, 0xfeff},	{0xffa0, 0xffa0},   {0xfff0, 0xfffb},	{0x1bca0, 0x1bca3},
	    {0x1d159, 0x1d159}, {0x1d173, 0x1d17a}, {0xe0000, 0xe0fff},
	};

	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (cp >= ranges[i][0] && cp <= ranges[i][1])
			return true;
	return false;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Every code point from U+0080 up, UTF-8 encoded (U+D800..U+DFFF too, which UTF-8 does not
 * allow). Text: C1 controls and lone surrogates as \xHH per byte, what a viewer hides and
 * combining marks (alone, so at the start) as \uXXXX or \UXXXXXXXX, everything else as is. JSON: C1
 * controls as \u00HH, surrogates as \udcHH per byte, everything else as is. */
static void test_escape_every_code_point(void **state)
{
	char in[4], want[64], *w;
	size_t n, len;

	(void)state;
	for (uint32_t cp = 0x80; cp <= 0x10ffff; cp++) {
		bool surrogate = cp >= 0xd800 && cp <= 0xdfff;
		char *t, *j;

		n = utf8_encode(cp, in);
		t = text_of(in, n, false, &len);
		w = want;
		if (cp < 0xa0 || surrogate)
			for (size_t i = 0; i < n; i++)
				w += sprintf(w, "\\x%02x", (unsigned char)in[i]);
		else if (hidden(cp) || esc_mark(cp))
			w += sprintf(w, cp > 0xffff ? "\\U%08x" : "\\u%04x", cp);
		else
			w += sprintf(w, "%.*s", (int)n, in);
		if (len != (size_t)(w - want) || memcmp(t, want, len))
			expect_esc(t, len, want, "text", in, n);
		free(t);

		j = json_of(in, n, &len);
		w = want;
		*w++ = '"';
		if (cp < 0xa0)
			w += sprintf(w, "\\u%04x", cp);
		else if (surrogate)
			for (size_t i = 0; i < n; i++)
				w += sprintf(w, "\\udc%02x", (unsigned char)in[i]);
		else
			w += sprintf(w, "%.*s", (int)n, in);
		*w++ = '"';
		*w = 0;
		if (len != (size_t)(w - want) || memcmp(j, want, len))
			expect_esc(j, len, want, "JSON", in, n);
		free(j);
	}
}

/* -q: '"' is escaped too, inside the quotes the caller adds; without it '"' is as is. */
static void test_escape_quote(void **state)
{
	(void)state;
	expect_text("a\"b\\c", 5, true, "a\\\"b\\\\c");
	expect_text("a\"b\\c", 5, false, "a\"b\\\\c");
	expect_text("\"\n\xe2\x80\xae\xff", 6, true, "\\\"\\n\\u202e\\xff");
	expect_text("", 0, true, "");
}

/* The room the callers reserve is enough for the worst input, and exactly needed by it. */
static void test_escape_room(void **state)
{
	static char in[4096];
	size_t len;
	char *d;

	(void)state;
	memset(in, 0x01, sizeof(in)); /* \x01 in text, \u0001 in JSON */
	d = text_of(in, sizeof(in), true, &len);
	assert_int_equal(len, ESC_TEXT_ROOM(sizeof(in)));
	free(d);
	d = json_of(in, sizeof(in), &len);
	assert_int_equal(len, ESC_JSON_ROOM(sizeof(in)));
	free(d);
	memset(in, ' ', sizeof(in)); /* a word's \x20 */
	d = text_of(in, sizeof(in), ESC_WORD, &len);
	assert_int_equal(len, ESC_TEXT_ROOM(sizeof(in)));
	free(d);
	memset(in, 0xff, sizeof(in)); /* \xff, \udcff */
	d = text_of(in, sizeof(in), false, &len);
	assert_int_equal(len, ESC_TEXT_ROOM(sizeof(in)));
	free(d);
	d = json_of(in, sizeof(in), &len);
	assert_int_equal(len, ESC_JSON_ROOM(sizeof(in)));
	free(d);
}

/* Screen columns of escaped text: one per code point, escapes counted by their characters. */
static void test_escape_columns(void **state)
{
	static const struct {
		const char *in;
		size_t cols;
	} cases[] = {
	    {"", 0},
	    {"abc", 3},
	    {"\xc3\xa9t\xc3\xa9", 3},
	    {"\xf0\x9f\x98\x80x", 2},
	    {"\x1b[0m", 7},		  /* \x1b[0m */
	    {"\xe2\x80\xae", 6},	  /* \u202e */
	    {"\xc3\xa9\xa9\xe2\x82", 13}, /* é\xa9\xe2\x82 */
	};
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = text_of(cases[i].in, strlen(cases[i].in), false, &len);

		assert_int_equal(esc_columns(t, t + len), cases[i].cols);
		free(t);
	}
}

/* The combining marks table is Unicode 14's general category M, as Python's unicodedata
 * gives it (checked when Python's database is that version). */
static void test_escape_marks_table(void **state)
{
	char *out = py_run("import unicodedata,sys\n"
			   "sys.stdin.read()\n"
			   "print(unicodedata.unidata_version)\n"
			   "for c in range(0x110000):\n"
			   "    if unicodedata.category(chr(c))[0]==\"M\": print(\"%x\"%c)\n",
			   "", 0);
	char *p = strchr(out, '\n');
	uint32_t next = 0;

	(void)state;
	assert_non_null(p);
	if (strncmp(out, "14.0.0\n", 7)) {
		print_message(
		    "[  NOTE    ] Python's Unicode is %.*s, not 14.0.0: table not compared\n",
		    (int)(p - out), out);
		free(out);
		return;
	}
	for (p++; *p; p = strchr(p, '\n') + 1) {
		uint32_t cp = (uint32_t)strtoul(p, NULL, 16);

		for (; next < cp; next++)
			if (esc_mark(next))
				fail_msg("U+%04X is no mark", next);
		if (!esc_mark(cp))
			fail_msg("U+%04X is a mark", cp);
		next = cp + 1;
	}
	for (; next < 0x110000; next++)
		if (esc_mark(next))
			fail_msg("U+%04X is no mark", next);
	free(out);
}

/* A word (a column that is not the last): a space is \x20, so that no value reads as
 * several columns (issue 22: a cwd "a   0 /usr/bin/sudo -i" shifted -o +cwd's columns);
 * with -q the quotes do it, and the space stays. */
static void test_escape_word(void **state)
{
	size_t len;
	char *t;

	(void)state;
	t = text_of("a   0 /usr/bin/sudo -i", 22, ESC_WORD, &len);
	expect_esc(t, len, "a\\x20\\x20\\x200\\x20/usr/bin/sudo\\x20-i", "word", "", 0);
	free(t);
	/* a mark after an escaped space is escaped too */
	t = text_of(" \xcc\x81x", 4, ESC_WORD, &len);
	expect_esc(t, len, "\\x20\\u0301x", "word", "", 0);
	free(t);
	t = text_of("a \"b\"", 5, ESC_QUOTE, &len);
	expect_esc(t, len, "a \\\"b\\\"", "quoted word", "", 0);
	free(t);
}

/* The outbuf wrappers append the same bytes, growing the buffer as they go. */
static void test_escape_outbuf(void **state)
{
	struct outbuf o = {.buf = malloc(4), .cap = 4, .fd = -1};
	size_t len, at = 0;

	(void)state;
	assert_non_null(o.buf);
	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		char *t = text_of(escapes[i].in, escapes[i].n, false, &len);

		out_text_escaped(&o, escapes[i].in, escapes[i].n);
		assert_int_equal(o.len, at + len);
		assert_memory_equal(o.buf + at, t, len);
		at += len;
		free(t);
		t = json_of(escapes[i].in, escapes[i].n, &len);
		out_json_string(&o, escapes[i].in, escapes[i].n);
		assert_int_equal(o.len, at + len);
		assert_memory_equal(o.buf + at, t, len);
		at += len;
		free(t);
	}
	assert_true(o.cap >= o.len);
	outbuf_free(&o);
}

/* Inverse of the text escaping, to show it loses nothing: \uXXXX and \UXXXXXXXX give the
 * character's UTF-8 back, \" the quote. */
static size_t text_unescape(const char *s, size_t n, unsigned char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\') {
			out[k++] = (unsigned char)s[i];
			continue;
		}
		i++;
		assert_true(i < n);
		switch (s[i]) {
		case '\\':
		case '"':
			out[k++] = (unsigned char)s[i];
			break;
		case 'n':
			out[k++] = '\n';
			break;
		case 't':
			out[k++] = '\t';
			break;
		case 'r':
			out[k++] = '\r';
			break;
		case 'x': {
			char hex[3] = {s[i + 1], s[i + 2], 0};

			assert_true(i + 2 < n);
			out[k++] = (unsigned char)strtoul(hex, NULL, 16);
			i += 2;
			break;
		}
		case 'u':
		case 'U': {
			char hex[9] = {0};
			size_t nd = s[i] == 'u' ? 4 : 8;

			assert_true(i + nd < n);
			memcpy(hex, s + i + 1, nd);
			k += utf8_encode((uint32_t)strtoul(hex, NULL, 16), (char *)out + k);
			i += nd;
			break;
		}
		default:
			fail_msg("bad escape \\%c", s[i]);
		}
	}
	return k;
}

/* All 256 byte values and random strings: JSON round-trips through surrogateescape, text
 * (quoted or not) unescapes to the same bytes, and both are valid on their own terms. */
static void test_escape_roundtrip(void **state)
{
	char *js = malloc(1 << 20), *tx = malloc(1 << 20), *want = malloc(1 << 20), *out;
	char *j = js, *t = tx, *w = want, *line;
	unsigned char in[256], back[256];
	int lines = 0;

	(void)state;
	assert_true(js && tx && want);
	for (int round = 0; round < 1000; round++) {
		size_t n = 256;

		if (round == 0) {
			for (int i = 0; i < 256; i++)
				in[i] = (unsigned char)i;
		} else {
			n = rnd() % 64;
			for (size_t i = 0; i < n; i++)
				in[i] = rnd_byte();
		}
		j = esc_json(j, (const char *)in, n);
		*j++ = '\n';
		for (size_t i = 0; i < n; i++)
			w += sprintf(w, "%02x", in[i]);
		*w++ = '\n';

		line = t;
		t = esc_text(t, (const char *)in, n, round & 3);
		if (round & 2) /* a word has no space left */
			assert_null(memchr(line, ' ', (size_t)(t - line)));
		assert_int_equal(text_unescape(line, (size_t)(t - line), back), n);
		assert_memory_equal(back, in, n);
		*t++ = '\n';
		lines++;
	}
	*w = 0;
	out =
	    py_run("import json,sys\n"
		   "for l in sys.stdin.buffer:\n"
		   "    print(json.loads(l.decode(\"utf-8\")).encode(\"utf-8\",\"surrogateescape\")"
		   ".hex())\n",
		   js, (size_t)(j - js));
	assert_string_equal(out, want);
	free(out);
	text_lines_valid(tx, (size_t)(t - tx), lines);
	free(want);
	free(js);
	free(tx);
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_text),
		cmocka_unit_test(test_escape_json),
		cmocka_unit_test(test_escape_roundtrip),
		cmocka_unit_test(test_escape_every_byte),
		cmocka_unit_test(test_escape_every_code_point),
		cmocka_unit_test(test_escape_quote),
		cmocka_unit_test(test_escape_room),
		cmocka_unit_test(test_escape_columns),
		cmocka_unit_test(test_escape_outbuf),
		cmocka_unit_test(test_escape_marks_table),
		cmocka_unit_test(test_escape_word),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
