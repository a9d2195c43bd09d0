/* SPDX-License-Identifier: MIT */
/*
 * The security boundary of the output: untrusted bytes (argv, comm, filenames, paths, the
 * environment) pass through here, and only here, on their way to a terminal or a JSON reader.
 * minisnoop.8's Escaping section is the contract; tests/unit/test_escape.c checks each
 * of its rules.
 *
 * Text: printable ASCII as is, except backslash as "\\" (and '"' as "\"" when quoting, ' ' as
 * \x20 in a word: a column that is not the last); \n \t \r as such; other bytes < 0x20, 0x7f,
 * C1 controls (U+0080..U+009F) and every byte that is not part of valid UTF-8 as \xHH;
 * characters a viewer hides (bidi controls, invisible and blank characters, spaces other than
 * ' ', line separators, variation selectors, tags, the root mark's brackets: esc_hidden) and a
 * combining mark that does not follow a character shown as is (at a value's start, it would join
 * the separator or the column before) as \uXXXX, or \UXXXXXXXX past U+FFFF; other valid UTF-8 as
 * is. The result is printable ASCII or valid UTF-8, and unescapes to the input.
 *
 * JSON: a valid JSON string, quotes included, for any input: valid UTF-8 is kept, control
 * characters (C0, DEL, C1) are escaped, and each byte that is not part of valid UTF-8 becomes
 * \udcHH (U+DC80 + byte, Python's "surrogateescape"), so the exact bytes can be recovered.
 *
 * Both write into d, which has room for ESC_*_ROOM(n) bytes, and return the end.
 */
#ifndef MINISNOOP_ESCAPE_H
#define MINISNOOP_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ESC_TEXT_ROOM(n) (4 * (n))
#define ESC_JSON_ROOM(n) (6 * (n) + 2)

#define ESC_QUOTE 1u /* -q: the caller writes quotes around; '"' inside is escaped */
#define ESC_WORD  2u /* a column that is not the last: ' ' is escaped, so it stays one word */

char *esc_text(char *d, const char *s, size_t n, unsigned flags);
char *esc_json(char *d, const char *s, size_t n);

/* The code points text escapes wherever they are, and those it escapes where they do not
 * follow a character shown as is (combining marks). */
bool esc_hidden(uint32_t cp);
bool esc_mark(uint32_t cp);

/* Screen columns of escaped text from s to end: one per code point. */
size_t esc_columns(const char *s, const char *end);

#endif
