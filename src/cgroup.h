/* SPDX-License-Identifier: MIT */
/* cgroup v2 ids (bpf_get_current_cgroup_id) to paths as /proc/PID/cgroup shows them. */
#ifndef MINISNOOP_CGROUP_H
#define MINISNOOP_CGROUP_H

#include <stdint.h>

#define CGROUP_PATH_MAX 4096 /* longest path cgroup_name() gives */

/* The path of cgroup id, or NULL when no mounted cgroup2 tree has it. The tree is read on
 * a miss, at most ten times a second; the result stays valid until the next call. */
const char *cgroup_name(uint64_t id);

#endif
