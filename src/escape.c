// SPDX-License-Identifier: MIT
/* Escaping untrusted bytes for a terminal and for JSON: the rules are in escape.h. */
#include "escape.h"

#include <stdint.h>
#include <string.h>

static const char hexdig[] = "0123456789abcdef";

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

/* Bidi controls and invisible characters: they can make a line say something it does not
 * (reorder what follows, hide a word), so text output escapes them. */
static bool is_deceptive(uint32_t cp)
{
	return cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* quote: '"' is escaped too (-q: the caller adds the quotes around) */
char *esc_text(char *d, const char *str, size_t n, bool quote)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;

	while (i < n) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f) {
			if (c == '\\' || (quote && c == '"'))
				*d++ = '\\';
			*d++ = (char)c;
			i++;
			continue;
		}
		if (c >= 0x80) {
			k = utf8_seq(s + i, n - i);
			if (k && is_deceptive(utf8_cp(s + i, k))) {
				uint32_t cp = utf8_cp(s + i, k);

				*d++ = '\\';
				*d++ = 'u';
				for (int sh = 12; sh >= 0; sh -= 4)
					*d++ = hexdig[(cp >> sh) & 15];
				i += k;
				continue;
			}
			if (k && !is_c1(s + i, k)) {
				memcpy(d, s + i, k);
				d += k;
				i += k;
				continue;
			}
		}
		*d++ = '\\';
		if (c == '\n') {
			*d++ = 'n';
		} else if (c == '\t') {
			*d++ = 't';
		} else if (c == '\r') {
			*d++ = 'r';
		} else {
			*d++ = 'x';
			*d++ = hexdig[c >> 4];
			*d++ = hexdig[c & 15];
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

/* The quotes included. */
char *esc_json(char *d, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;

	*d++ = '"';
	while (i < n) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f) {
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
