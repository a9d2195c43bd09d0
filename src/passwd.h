/* SPDX-License-Identifier: MIT */
/* User names to uids from a passwd file, read directly (no NSS in a static binary). */
#ifndef MINISNOOP_PASSWD_H
#define MINISNOOP_PASSWD_H

#include <stdint.h>

#define PASSWD_PATH	 "/etc/passwd"
#define PASSWD_NAME_MAX	 255		     /* longest name accepted, in bytes */
#define PASSWD_MAX_BYTES (64u * 1024 * 1024) /* bytes read at most before giving up */

/*
 * The uid of the first line of the file at path that starts with "name:" and whose third
 * field, the uid, is 1 or more digits below 4294967295 (the invalid id -1) followed by ':'.
 * A line with a bad uid field is skipped and the search goes on. Lines of any length are read
 * whole, in a fixed-size buffer. 0 and *uid set; -ENOENT when no line matches; -EINVAL for a name
 * that is empty, longer than PASSWD_NAME_MAX or has ':' or '\n' in it; -EFBIG when no line matched
 * in the first PASSWD_MAX_BYTES; -errno when the file cannot be opened or read.
 */
int passwd_uid(const char *path, const char *name, uint32_t *uid);
/* The same, with the gid: the fourth field, read by the same rules, must be valid too. */
int passwd_ids(const char *path, const char *name, uint32_t *uid, uint32_t *gid);

#endif
