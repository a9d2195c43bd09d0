/* SPDX-License-Identifier: MIT */
/* cgroup v2 ids (bpf_get_current_cgroup_id) to paths as /proc/PID/cgroup shows them. */
#ifndef MINISNOOP_CGROUP_H
#define MINISNOOP_CGROUP_H

#include <stddef.h>
#include <stdint.h>

#define CGROUP_PATH_MAX 4096 /* longest path cgroup_name() gives */

/* The path of cgroup id, or NULL when no mounted cgroup2 tree has it. The tree is read on
 * a miss, at most ten times a second; the result stays valid until the next call. */
const char *cgroup_name(uint64_t id);

struct ctr_filter;
/*
 * Reads the mounted cgroup2 trees and puts into ids (up to max) the cgroups whose names are
 * containers f wants; *max_id: the largest cgroup id there (newer cgroups have larger ids).
 * -ENOENT when no cgroup2 is mounted, -EINVAL when a prefix names two containers, -E2BIG
 * when there are more than max; err says which.
 */
#ifdef MINISNOOP_TINY /* no --container there (main.c refuses it): never called */
static inline int cgroup_scan_containers(const struct ctr_filter *f, uint64_t *ids, size_t max,
					 size_t *n, uint64_t *max_id, char *err, size_t errlen)
{
	(void)f, (void)ids, (void)max, (void)max_id, (void)err, (void)errlen;
	*n = 0;
	return 0;
}
#else
int cgroup_scan_containers(const struct ctr_filter *f, uint64_t *ids, size_t max, size_t *n,
			   uint64_t *max_id, char *err, size_t errlen);
#endif

#endif
