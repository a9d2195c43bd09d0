// SPDX-License-Identifier: MIT
/*
 * tracefs_parse_field() on any format text. Input: a field name, NUL, the format file's text
 * (copied and NUL-terminated, as tracefs_format() leaves it). The name from the input and the
 * fields minisnoop asks for are all looked up, and the "ID: " line.
 */
#include "fuzz.h"

#include "tracefs.h"

#include <errno.h>

static void lookup(const char *format, const char *field)
{
	int off = -1, size = -1;
	int r = tracefs_parse_field(format, field, &off, &size);

	FUZZ_CHECK(r == 0 || r == -ENOENT || r == -EINVAL);
	if (r == 0) {
		/* Both come from one line that declares the field. */
		FUZZ_CHECK(off >= 0 && off <= 65535 && size >= 0 && size <= 65535);
		FUZZ_CHECK(strstr(format, "field:") && strstr(format, field));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fields[] = {
	    "filename", "pid", "old_pid", "common_pid", "argv", "ret", "comm", "__syscall_nr",
	};
	const uint8_t *text;
	size_t text_len, name_len;
	char *name, *format;
	int id;

	fuzz_split(data, size, &text, &text_len, &name_len);
	name = fuzz_strndup(data, name_len);
	format = fuzz_strndup(text, text_len);
	lookup(format, name);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		lookup(format, fields[i]);
	id = tracefs_parse_id(format);
	FUZZ_CHECK(id >= 0 || id == -ENOENT || id == -EINVAL);
	free(name);
	free(format);
	return 0;
}
