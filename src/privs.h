/* SPDX-License-Identifier: MIT */
/* Giving up privilege once the programs are attached. */
#ifndef MINISNOOP_PRIVS_H
#define MINISNOOP_PRIVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct run_as {
	bool set; /* -Z: switch to this user */
	uint32_t uid, gid;
};

/* Whether capability cap is in our effective set. */
bool privs_has_cap(int cap);

/* Before anything is loaded: whether privs_drop can switch to the user in as (when set);
 * 0, or -EPERM with err saying what is missing. */
int privs_check(const struct run_as *as, char *err, size_t errlen);

/*
 * Switches to the user in as (when set), then empties the effective, permitted and
 * inheritable capability sets and sets no_new_privs: tracing reads mmapped rings and
 * counters, which needs none. 0, or -errno with err saying what failed.
 */
int privs_drop(const struct run_as *as, char *err, size_t errlen);

#endif
