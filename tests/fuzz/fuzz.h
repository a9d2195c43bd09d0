/* SPDX-License-Identifier: MIT */
/* Helpers shared by the libFuzzer targets: checks that crash, and input bytes as a file. */
#ifndef MINISNOOP_FUZZ_H
#define MINISNOOP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A broken property is a crash: libFuzzer then saves the input that shows it. */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/*
 * Makes bytes a file that the code under test opens by path, as it opens real files: one
 * memfd, rewritten for each input (no disk, nothing left behind). Returns its /proc path.
 */
static inline const char *fuzz_file(const void *data, size_t len)
{
	static int fd = -1;
	static char path[64];
	size_t off = 0;

	if (fd < 0) {
		fd = memfd_create("fuzz-input", MFD_CLOEXEC);
		FUZZ_CHECK(fd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	FUZZ_CHECK(ftruncate(fd, 0) == 0);
	while (off < len) {
		ssize_t n = pwrite(fd, (const char *)data + off, len - off, (off_t)off);

		FUZZ_CHECK(n > 0);
		off += (size_t)n;
	}
	return path;
}

/* A NUL-terminated heap copy, so that reads past the input's end are caught. */
static inline char *fuzz_strndup(const uint8_t *data, size_t len)
{
	char *s = malloc(len + 1);

	FUZZ_CHECK(s);
	memcpy(s, data, len);
	s[len] = 0;
	return s;
}

/* Splits the input at its first NUL: *head is the bytes before it, the rest after. */
static inline void fuzz_split(const uint8_t *data, size_t size, const uint8_t **rest,
			      size_t *rest_len, size_t *head_len)
{
	const uint8_t *nul = memchr(data, 0, size);

	*head_len = nul ? (size_t)(nul - data) : size;
	*rest = nul ? nul + 1 : data + size;
	*rest_len = size - (size_t)(*rest - data);
}

#endif
