// SPDX-License-Identifier: MIT
/* Escaping untrusted bytes for a terminal and for JSON: the rules are in escape.h. */
#include "escape.h"

#include <stdint.h>
#include <string.h>

static const char hexdig[] = "0123456789abcdef";

static char *put_x(char *d, unsigned char c)
{
	*d++ = '\\';
	*d++ = 'x';
	*d++ = hexdig[c >> 4];
	*d++ = hexdig[c & 15];
	return d;
}

/* Length (2 to 4) of the valid multi-byte UTF-8 sequence at s, or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* UTF-16 surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0; /* ASCII, stray continuation, C0/C1 overlong leads, F5..FF */
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* U+0080..U+009F: terminals may act on them like ESC sequences. */
static bool is_c1(const unsigned char *s, size_t len)
{
	return len == 2 && s[0] == 0xc2 && s[1] < 0xa0;
}

/* Code point of a valid sequence of len bytes. */
static uint32_t utf8_cp(const unsigned char *s, size_t len)
{
	uint32_t cp = s[0] & (0x7f >> len);

	for (size_t i = 1; i < len; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

/*
 * Characters a viewer does not show as what they are, escaped wherever they are: a terminal
 * draws them as nothing, as a blank, or lets them reorder, break or annotate the line, so that
 * two different names can look the same or a value can look like several (issue 22). Sorted,
 * inclusive ranges.
 */
static const uint32_t hidden[][2] = {
    {0x00a0, 0x00a0},	/* no-break space: a space that is not a separator */
    {0x00ad, 0x00ad},	/* soft hyphen: invisible unless a line breaks there */
    {0x034f, 0x034f},	/* combining grapheme joiner: invisible */
    {0x061c, 0x061c},	/* Arabic letter mark: bidi */
    {0x115f, 0x1160},	/* Hangul choseong and jungseong fillers: blank */
    {0x1680, 0x1680},	/* Ogham space mark: a space */
    {0x17b4, 0x17b5},	/* Khmer inherent vowels: invisible */
    {0x180b, 0x180f},	/* Mongolian variation selectors and vowel separator */
    {0x2000, 0x200f},	/* spaces of other widths; zero-width space, (non-)joiners, LRM, RLM */
    {0x2028, 0x202f},	/* line and paragraph separators; bidi embeddings; narrow no-break space */
    {0x205f, 0x206f},	/* math space; word joiner, invisible operators, bidi isolates, deprecated
			   format controls */
    {0x27e6, 0x27e7},	/* mathematical white square brackets: the root mark's (output.c),
			   never raw from data */
    {0x2800, 0x2800},	/* braille blank */
    {0x3000, 0x3000},	/* ideographic space */
    {0x3164, 0x3164},	/* Hangul filler */
    {0xfe00, 0xfe0f},	/* variation selectors */
    {0xfeff, 0xfeff},	/* zero-width no-break space (BOM) */
    {0xffa0, 0xffa0},	/* halfwidth Hangul filler */
    {0xfff0, 0xfffb},	/* unassigned specials (default ignorable); interlinear annotation */
    {0x1bca0, 0x1bca3}, /* shorthand format controls */
    {0x1d159, 0x1d159}, /* musical symbol null notehead: blank */
    {0x1d173, 0x1d17a}, /* musical symbol format controls */
    {0xe0000, 0xe0fff}, /* tag characters, variation selectors supplement, reserved ignorables */
};

bool esc_hidden(uint32_t cp)
{
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]) && cp >= hidden[i][0]; i++)
		if (cp <= hidden[i][1])
			return true;
	return false;
}

/*
 * Combining marks (general category M, Unicode 14): start << 8 | (length - 1), sorted. Made
 * with Python's unicodedata: each run of code points whose category starts with "M".
 */
/* clang-format off */
static const uint32_t marks[] = {
	0x3006f, 0x48306, 0x5912c, 0x5bf00, 0x5c101, 0x5c401, 0x5c700, 0x6100a, 0x64b14, 0x67000,
	0x6d606, 0x6df05, 0x6e701, 0x6ea03, 0x71100, 0x7301a, 0x7a60a, 0x7eb08, 0x7fd00, 0x81603,
	0x81b08, 0x82502, 0x82904, 0x85902, 0x89807, 0x8ca17, 0x8e320, 0x93a02, 0x93e11, 0x95106,
	0x96201, 0x98102, 0x9bc00, 0x9be06, 0x9c701, 0x9cb02, 0x9d700, 0x9e201, 0x9fe00, 0xa0102,
	0xa3c00, 0xa3e04, 0xa4701, 0xa4b02, 0xa5100, 0xa7001, 0xa7500, 0xa8102, 0xabc00, 0xabe07,
	0xac702, 0xacb02, 0xae201, 0xafa05, 0xb0102, 0xb3c00, 0xb3e06, 0xb4701, 0xb4b02, 0xb5502,
	0xb6201, 0xb8200, 0xbbe04, 0xbc602, 0xbca03, 0xbd700, 0xc0004, 0xc3c00, 0xc3e06, 0xc4602,
	0xc4a03, 0xc5501, 0xc6201, 0xc8102, 0xcbc00, 0xcbe06, 0xcc602, 0xcca03, 0xcd501, 0xce201,
	0xd0003, 0xd3b01, 0xd3e06, 0xd4602, 0xd4a03, 0xd5700, 0xd6201, 0xd8102, 0xdca00, 0xdcf05,
	0xdd600, 0xdd807, 0xdf201, 0xe3100, 0xe3406, 0xe4707, 0xeb100, 0xeb408, 0xec805, 0xf1801,
	0xf3500, 0xf3700, 0xf3900, 0xf3e01, 0xf7113, 0xf8601, 0xf8d0a, 0xf9923, 0xfc600, 0x102b13,
	0x105603, 0x105e02, 0x106202, 0x106706, 0x107103, 0x10820b, 0x108f00, 0x109a03, 0x135d02,
	0x171203, 0x173202, 0x175201, 0x177201, 0x17b41f, 0x17dd00, 0x180b02, 0x180f00, 0x188501,
	0x18a900, 0x19200b, 0x19300b, 0x1a1704, 0x1a5509, 0x1a601c, 0x1a7f00, 0x1ab01e, 0x1b0004,
	0x1b3410, 0x1b6b08, 0x1b8002, 0x1ba10c, 0x1be60d, 0x1c2413, 0x1cd002, 0x1cd414, 0x1ced00,
	0x1cf400, 0x1cf702, 0x1dc03f, 0x20d020, 0x2cef02, 0x2d7f00, 0x2de01f, 0x302a05, 0x309901,
	0xa66f03, 0xa67409, 0xa69e01, 0xa6f001, 0xa80200, 0xa80600, 0xa80b00, 0xa82304, 0xa82c00,
	0xa88001, 0xa8b411, 0xa8e011, 0xa8ff00, 0xa92607, 0xa9470c, 0xa98003, 0xa9b30d, 0xa9e500,
	0xaa290d, 0xaa4300, 0xaa4c01, 0xaa7b02, 0xaab000, 0xaab202, 0xaab701, 0xaabe01, 0xaac100,
	0xaaeb04, 0xaaf501, 0xabe307, 0xabec01, 0xfb1e00, 0xfe000f, 0xfe200f, 0x101fd00, 0x102e000,
	0x1037604, 0x10a0102, 0x10a0501, 0x10a0c03, 0x10a3802, 0x10a3f00, 0x10ae501, 0x10d2403,
	0x10eab01, 0x10f460a, 0x10f8203, 0x1100002, 0x110380e, 0x1107000, 0x1107301, 0x1107f03,
	0x110b00a, 0x110c200, 0x1110002, 0x111270d, 0x1114501, 0x1117300, 0x1118002, 0x111b30d,
	0x111c903, 0x111ce01, 0x1122c0b, 0x1123e00, 0x112df0b, 0x1130003, 0x1133b01, 0x1133e06,
	0x1134701, 0x1134b02, 0x1135700, 0x1136201, 0x1136606, 0x1137004, 0x1143511, 0x1145e00,
	0x114b013, 0x115af06, 0x115b808, 0x115dc01, 0x1163010, 0x116ab0c, 0x1171d0e, 0x1182c0e,
	0x1193005, 0x1193701, 0x1193b03, 0x1194000, 0x1194201, 0x119d106, 0x119da06, 0x119e400,
	0x11a0109, 0x11a3306, 0x11a3b03, 0x11a4700, 0x11a510a, 0x11a8a0f, 0x11c2f07, 0x11c3807,
	0x11c9215, 0x11ca90d, 0x11d3105, 0x11d3a00, 0x11d3c01, 0x11d3f06, 0x11d4700, 0x11d8a04,
	0x11d9001, 0x11d9304, 0x11ef303, 0x16af004, 0x16b3006, 0x16f4f00, 0x16f5136, 0x16f8f03,
	0x16fe400, 0x16ff001, 0x1bc9d01, 0x1cf002d, 0x1cf3016, 0x1d16504, 0x1d16d05, 0x1d17b07,
	0x1d18506, 0x1d1aa03, 0x1d24202, 0x1da0036, 0x1da3b31, 0x1da7500, 0x1da8400, 0x1da9b04,
	0x1daa10e, 0x1e00006, 0x1e00810, 0x1e01b06, 0x1e02301, 0x1e02604, 0x1e13006, 0x1e2ae00,
	0x1e2ec03, 0x1e8d006, 0x1e94406, 0xe0100ef,
};
/* clang-format on */

bool esc_mark(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(marks) / sizeof(marks[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < marks[mid] >> 8)
			hi = mid;
		else if (cp > (marks[mid] >> 8) + (marks[mid] & 0xff))
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* \uXXXX, or \UXXXXXXXX past the BMP */
static char *put_cp(char *d, uint32_t cp)
{
	int sh = cp > 0xffff ? 28 : 12;

	*d++ = '\\';
	*d++ = cp > 0xffff ? 'U' : 'u';
	for (; sh >= 0; sh -= 4)
		*d++ = hexdig[(cp >> sh) & 15];
	return d;
}

/* ESC_QUOTE: '"' is escaped too (-q: the caller adds the quotes around); ESC_WORD: so is ' ' */
char *esc_text(char *d, const char *str, size_t n, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;
	/* the last character was shown as is: a mark after it combines with the value's own */
	bool base = false;

	while (i < n) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f) {
			bool esc = c == '\\' || ((flags & ESC_QUOTE) && c == '"');

			if (c == ' ' && (flags & ESC_WORD)) {
				d = put_x(d, c);
			} else {
				if (esc)
					*d++ = '\\';
				*d++ = (char)c;
			}
			base = !esc && !(c == ' ' && (flags & ESC_WORD));
			i++;
			continue;
		}
		if (c >= 0x80 && (k = utf8_seq(s + i, n - i)) != 0 && !is_c1(s + i, k)) {
			uint32_t cp = utf8_cp(s + i, k);

			/* a mark at a value's start (or after an escape) would join what is
			 * before it: the separator, the previous column, our escape */
			if (esc_hidden(cp) || (!base && esc_mark(cp))) {
				d = put_cp(d, cp);
				base = false;
			} else {
				memcpy(d, s + i, k);
				d += k;
				base = true;
			}
			i += k;
			continue;
		}
		base = false;
		if (c == '\n' || c == '\t' || c == '\r') {
			*d++ = '\\';
			*d++ = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
		} else {
			d = put_x(d, c);
		}
		i++;
	}
	return d;
}

static char *put_u00(char *d, unsigned pfx, unsigned char c)
{
	*d++ = '\\';
	*d++ = 'u';
	*d++ = hexdig[pfx >> 4];
	*d++ = hexdig[pfx & 15];
	*d++ = hexdig[c >> 4];
	*d++ = hexdig[c & 15];
	return d;
}

/* A C0 control or DEL inside a JSON string. */
static char *json_ctl(char *d, unsigned char c)
{
	char e;

	switch (c) {
	case '\n':
		e = 'n';
		break;
	case '\t':
		e = 't';
		break;
	case '\r':
		e = 'r';
		break;
	case '\b':
		e = 'b';
		break;
	case '\f':
		e = 'f';
		break;
	default:
		return put_u00(d, 0x00, c);
	}
	*d++ = '\\';
	*d++ = e;
	return d;
}

/* Whether 8 bytes are all printable ASCII but '"' and '\\' (JSON has them as they are): then
 * copied to d. Each test is true when some byte is below 0x20, is '"', is '\\', or is 0x7f
 * or above. */
static bool json_plain8(const unsigned char *s, char *d)
{
	const uint64_t ones = 0x0101010101010101ull, high = ones * 0x80;
	uint64_t x, q, b;

	memcpy(&x, s, 8);
	q = x ^ (ones * '"');
	b = x ^ (ones * '\\');
	if (((x - ones * 0x20) & ~x & high) | ((q - ones) & ~q & high) | ((b - ones) & ~b & high) |
	    ((x | (x + ones)) & high))
		return false;
	memcpy(d, &x, 8);
	return true;
}

/* The quotes included. */
char *esc_json(char *d, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;

	*d++ = '"';
	while (i < n) {
		unsigned char c = s[i];

		if (n - i >= 8 && json_plain8(s + i, d)) { /* the common case, 8 bytes at a time */
			d += 8;
			i += 8;
		} else if (c >= 0x20 && c < 0x7f) {
			if (c == '"' || c == '\\')
				*d++ = '\\';
			*d++ = (char)c;
			i++;
		} else if (c < 0x80) {
			d = json_ctl(d, c);
			i++;
		} else if ((k = utf8_seq(s + i, n - i)) != 0) {
			/* C1 escaped as \u0080..\u009f: same code point, safer on a terminal. */
			if (is_c1(s + i, k)) {
				d = put_u00(d, 0x00, s[i + 1]);
			} else {
				memcpy(d, s + i, k);
				d += k;
			}
			i += k;
		} else {
			d = put_u00(d, 0xdc, c); /* surrogateescape: U+DC00 + byte */
			i++;
		}
	}
	*d++ = '"';
	return d;
}

/* Escaped text is printable ASCII or valid UTF-8: one column per byte that does not continue
 * a sequence. */
size_t esc_columns(const char *s, const char *end)
{
	size_t n = 0;

	for (; s < end; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}
