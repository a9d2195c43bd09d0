/* SPDX-License-Identifier: MIT */
/* `check`'s self-test: the real programs, attached, must report a canary exec exactly. */
#ifndef MINISNOOP_SELFTEST_H
#define MINISNOOP_SELFTEST_H

#include "layout.h"
#include "progset.h"

#include <stddef.h>

/* argv[0] of the canary: main() exits 0 at once when it sees it. */
#define CANARY_ARGV0 "minisnoop-canary"

/*
 * Loads and attaches the programs for layout k into ps (zeroed: the caller prints what the
 * verifier said, progset_print_logs, and closes it), execs a canary that fails (a missing
 * path) and one that succeeds (/proc/self/exe), both with awkward arguments (a space, an
 * empty string, bytes that are not UTF-8, a long one), and compares the decoded events with
 * what was passed: pid, ppid, uid, ret, path and every argument. 0 when both match exactly,
 * else -errno with msg saying what differed.
 */
int selftest_run(const struct kernel_layout *k, struct progset *ps, char *msg, size_t n);

#endif
