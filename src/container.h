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

/* The component of a cgroup directory's name that is a container's id (prefix and suffix
 * stripped), or NULL: what --container matches ids against. */
const char *container_id_in_name(const char *name, size_t len);

#endif
