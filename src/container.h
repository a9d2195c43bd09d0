/* SPDX-License-Identifier: MIT */
/* Which container and Kubernetes pod a cgroup path is, from the names runtimes give cgroups. */
#ifndef MINISNOOP_CONTAINER_H
#define MINISNOOP_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTAINER_ID_LEN 64 /* a runtime's id: 64 lowercase hex digits */
#define POD_UID_LEN	 36 /* a pod's UID: 8-4-4-4-12 lowercase hex digits */

#define CONTAINER_HAVE_ID  1
#define CONTAINER_HAVE_POD 2

/*
 * The container id and the pod UID a cgroup path names (of len bytes, not NUL-terminated):
 * the innermost of each. id gets the 64 hex digits and pod the UID with dashes, each
 * NUL-terminated, or "" when the path names none. Returns CONTAINER_HAVE_* bits.
 */
int container_of_path(const char *path, size_t len, char id[CONTAINER_ID_LEN + 1],
		      char pod[POD_UID_LEN + 1]);

/*
 * The same from the cgroup v1 pids (else cpu) hierarchy of process pid, read from
 * /proc/PID/cgroup now: for hosts where the container is not in the cgroup v2 tree. Racy:
 * the process may have moved or ended since its exec. 0 when that hierarchy is not mounted,
 * and when container_v1 is false (unit tests: output that does not depend on the host).
 */
extern bool container_v1;
int container_of_pid_v1(uint32_t pid, char id[CONTAINER_ID_LEN + 1], char pod[POD_UID_LEN + 1]);

/*
 * Whether the v1 pids and cpu hierarchies hold no cgroup but their root (num_cgroups in
 * /proc/cgroups, the host's), at a look taken after ts_ns (CLOCK_MONOTONIC, an event's time):
 * then no process was in a container's cgroup there at that event, and container_of_pid_v1
 * would find none (its open of /proc/PID/cgroup, a failed one for a process gone, was a fifth
 * of the reader's time with -o all on such a host). One read of /proc/cgroups a batch.
 * container_v1_flat_in: the same of that file's text (false when it is not one).
 */
bool container_v1_flat(uint64_t ts_ns);
bool container_v1_flat_in(const char *cgroups);

/* The component of a cgroup directory's name that is a container's id (prefix and suffix
 * stripped), or NULL: what --container matches ids against. */
const char *container_id_in_name(const char *name, size_t len);

/* --container ID[,ID...] (full ids or unique prefixes) and --containers-only. */
#define CTR_IDS_MAX 16
struct ctr_filter {
	bool on;  /* either option */
	bool any; /* --containers-only: every container */
	unsigned n;
	const char *ids[CTR_IDS_MAX]; /* lowercase hex, 1 to 64 digits */
	/* cgroup ids above this one were made after minisnoop read the tree: the kernel lets
	 * their execs through and ctr_filter_match decides by the path (src/cgroup.c) */
	uint64_t new_above;
};

/* Adds the ids of a comma-separated list; 0 or -EINVAL with err set. */
int ctr_filter_add(struct ctr_filter *f, const char *list, char *err, size_t errlen);
/* Whether a cgroup directory's name (one component) is a container the filter wants. */
bool ctr_name_match(const struct ctr_filter *f, const char *name, size_t len);
/* Whether an exec in cgroup id passes: an id the kernel decided (at most new_above) does;
 * a newer one when a component of its path is a wanted container. path (len bytes) is the
 * one the kernel read at the exec, or NULL: then the id is named from the mounted trees. */
bool ctr_filter_match(const struct ctr_filter *f, uint64_t id, const char *path, size_t len);

#endif
