/* SPDX-License-Identifier: MIT */
/*
 * The security boundary of the output: untrusted bytes (argv, comm, filenames, paths, the
 * environment) pass through here, and only here, on their way to a terminal or a JSON reader.
 * README's "Untrusted bytes" paragraph is the contract; tests/unit/test_escape.c checks each
 * of its rules.
 *
 * Text: printable ASCII as is, except backslash as "\\" (and '"' as "\"" when quoting); \n \t
 * \r as such; other bytes < 0x20, 0x7f, C1 controls (U+0080..U+009F) and every byte that is
 * not part of valid UTF-8 as \xHH; bidi controls and invisible characters (U+061C,
 * U+200B..U+200F, U+202A..U+202E, U+2060..U+2064, U+2066..U+2069, U+FEFF) as \uXXXX; other
 * valid UTF-8 as is. The result is printable ASCII or valid UTF-8, and unescapes to the input.
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

#define ESC_TEXT_ROOM(n) (4 * (n))
#define ESC_JSON_ROOM(n) (6 * (n) + 2)

char *esc_text(char *d, const char *s, size_t n, bool quote);
char *esc_json(char *d, const char *s, size_t n);

/* Screen columns of escaped text from s to end: one per code point. */
size_t esc_columns(const char *s, const char *end);

#endif
