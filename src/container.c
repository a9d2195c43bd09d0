// SPDX-License-Identifier: MIT
/*
 * Container and pod ids from cgroup paths. Runtimes name a container's cgroup after its id,
 * and the kubelet a pod's after its UID; these are the names (one path component each):
 *
 *   ID                          Docker, containerd (CRI) and nerdctl with the cgroupfs driver
 *                               (/docker/ID, /kubepods/besteffort/pod<UID>/ID, /default/ID)
 *   docker-ID.scope             Docker with the systemd driver
 *   cri-containerd-ID.scope     containerd's CRI plugin with the systemd driver
 *   crio-ID.scope, crio-ID      CRI-O (systemd, cgroupfs)
 *   libpod-ID.scope, libpod-ID  podman (systemd, cgroupfs); podman's init puts the processes
 *                               in a child named "container", which is still inside
 *   pod<UID>                    a pod, cgroupfs driver, below a kubepods* directory
 *   kubepods[-QOS]-pod<U_I_D>.slice   a pod, systemd driver (the UID's dashes are '_':
 *                               systemd reads '-' in a slice's name as its parent)
 *
 * ID is 64 lowercase hex digits exactly and UID 8-4-4-4-12 of them, so a user's
 * "docker-web.scope" is no container. The monitors (crio-conmon-ID.scope,
 * libpod-conmon-ID.scope) are the runtime's processes, not the container's: no id. Nested
 * containers (Docker in Docker, kind's nodes) have several; the innermost is the one.
 */
#include "container.h"

#include "cgroup.h"
#include "fmt.h"
#include "sysfile.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_hex(s[i]))
			return false;
	return true;
}

static bool has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && !memcmp(s, p, k);
}

static bool has_suffix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && !memcmp(s + n - k, p, k);
}

/* The runtimes' prefixes before "ID" or "ID.scope". */
static const char *const id_prefixes[] = {"docker-", "cri-containerd-", "crio-", "libpod-"};

const char *container_id_in_name(const char *s, size_t n)
{
	if (has_suffix(s, n, ".scope"))
		n -= 6;
	if (n == CONTAINER_ID_LEN && all_hex(s, n))
		return s;
	for (size_t i = 0; i < sizeof(id_prefixes) / sizeof(id_prefixes[0]); i++) {
		size_t k = strlen(id_prefixes[i]);

		if (n == k + CONTAINER_ID_LEN && has_prefix(s, n, id_prefixes[i]) &&
		    all_hex(s + k, CONTAINER_ID_LEN))
			return s + k;
	}
	return NULL;
}

/* A UID whose four separators are sep, into pod with dashes. */
static bool uid_of(const char *s, size_t n, char sep, char pod[POD_UID_LEN + 1])
{
	if (n != POD_UID_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != sep : !is_hex(s[i]))
			return false;
	}
	memcpy(pod, s, n);
	pod[8] = pod[13] = pod[18] = pod[23] = '-';
	pod[n] = 0;
	return true;
}

/* A pod's component; below_kubepods: a component above it starts with "kubepods". */
static bool pod_in_name(const char *s, size_t n, bool below_kubepods, char pod[POD_UID_LEN + 1])
{
	const char *p;

	/* cgroupfs: pod<UID> */
	if (below_kubepods && n == 3 + POD_UID_LEN && has_prefix(s, n, "pod"))
		return uid_of(s + 3, POD_UID_LEN, '-', pod);
	/* systemd: kubepods-pod<U_I_D>.slice, kubepods-QOS-pod<U_I_D>.slice, and kind's
	 * kubelet-kubepods-... */
	if (!has_suffix(s, n, ".slice") || n < 4 + POD_UID_LEN + 6)
		return false;
	p = s + n - 6 - POD_UID_LEN - 4;
	if (memcmp(p, "-pod", 4) ||
	    !(has_prefix(s, n, "kubepods-") || has_prefix(s, n, "kubelet-kubepods-")))
		return false;
	return uid_of(p + 4, POD_UID_LEN, '_', pod);
}

int container_of_path(const char *path, size_t len, char id[CONTAINER_ID_LEN + 1],
		      char pod[POD_UID_LEN + 1])
{
	bool kubepods = false;
	int have = 0;

	id[0] = pod[0] = 0;
	for (size_t i = 0; i < len;) {
		const char *c, *x;
		size_t n;

		while (i < len && path[i] == '/')
			i++;
		c = path + i;
		while (i < len && path[i] != '/')
			i++;
		n = (size_t)(path + i - c);
		if (!n)
			break;
		if ((x = container_id_in_name(c, n))) {
			memcpy(id, x, CONTAINER_ID_LEN);
			id[CONTAINER_ID_LEN] = 0;
			have |= CONTAINER_HAVE_ID;
		} else if (pod_in_name(c, n, kubepods, pod)) {
			have |= CONTAINER_HAVE_POD;
		}
		if (has_prefix(c, n, "kubepods"))
			kubepods = true;
	}
	return have;
}

/* Whether /proc/PID/cgroup's line (hierarchy-id:controllers:path) names controller ctl. */
static bool has_controller(const char *list, size_t n, const char *ctl)
{
	size_t k = strlen(ctl);

	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && list[j] != ',')
			j++;
		if (j - i == k && !memcmp(list + i, ctl, k))
			return true;
		i = j + 1;
	}
	return false;
}

bool container_v1 = true;

bool container_v1_flat_in(const char *cgroups)
{
	const char *line = cgroups;

	if (!str_find(cgroups, "#subsys_name"))
		return false;
	for (; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		size_t k = strcspn(line, " \t\n");
		char *e;
		uint64_t hier, num;

		if ((k != 4 || memcmp(line, "pids", 4)) && (k != 3 || memcmp(line, "cpu", 3)))
			continue;
		hier = scan_u64(line + k, &e, 10, NULL);
		num = scan_u64(e, &e, 10, NULL);
		if (hier && num != 1)
			return false;
	}
	return true;
}

bool container_v1_flat(uint64_t ts_ns)
{
	static uint64_t looked;
	static bool flat;
	struct timespec now;
	char buf[4096];
	int n;

	if (looked > ts_ns)
		return flat;
	clock_gettime(CLOCK_MONOTONIC, &now);
	looked = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
	n = read_small_file("/proc/cgroups", buf, sizeof(buf));
	flat = n > 0 && (size_t)n < sizeof(buf) - 1 && container_v1_flat_in(buf);
	return flat;
}

int container_of_pid_v1(uint32_t pid, char id[CONTAINER_ID_LEN + 1], char pod[POD_UID_LEN + 1])
{
	static const char *const ctls[] = {"pids", "cpu"};
	static int v1 = -1; /* whether this host has a v1 pids or cpu hierarchy */
	char file[32], buf[8192];
	int n;

	id[0] = pod[0] = 0;
	if (v1 < 0) {
		v1 = 0;
		if (read_small_file("/proc/self/cgroup", buf, sizeof(buf)) > 0)
			v1 = str_find(buf, ":pids:") || str_find(buf, ":cpu:") ||
			     str_find(buf, ":cpu,") || str_find(buf, ",cpu:") ||
			     str_find(buf, ",cpu,");
	}
	if (!v1 || !container_v1)
		return 0;
	ms_snprintf(file, sizeof(file), "/proc/%u/cgroup", pid);
	n = read_small_file(file, buf, sizeof(buf));
	if (n <= 0)
		return 0;
	for (size_t k = 0; k < sizeof(ctls) / sizeof(ctls[0]); k++) {
		for (char *line = buf; line && *line;) {
			char *end = strchr(line, '\n'), *c1 = strchr(line, ':'), *c2;
			size_t ll = end ? (size_t)(end - line) : strlen(line);

			c2 = c1 && c1 < line + ll
				 ? memchr(c1 + 1, ':', ll - (size_t)(c1 + 1 - line))
				 : NULL;
			if (c2 && has_controller(c1 + 1, (size_t)(c2 - c1 - 1), ctls[k]))
				return container_of_path(c2 + 1, ll - (size_t)(c2 + 1 - line), id,
							 pod);
			line = end ? end + 1 : NULL;
		}
	}
	return 0;
}

int ctr_filter_add(struct ctr_filter *f, const char *list, char *err, size_t errlen)
{
	f->on = true;
	for (const char *s = list;;) {
		size_t n = strcspn(s, ",");

		if (!n || n > CONTAINER_ID_LEN || !all_hex(s, n)) {
			ms_snprintf(
			    err, errlen,
			    "--container: '%.*s' is not a container id (1 to 64 lowercase hex "
			    "digits)",
			    (int)(n > 80 ? 80 : n), s);
			return -EINVAL;
		}
		if (f->n == CTR_IDS_MAX) {
			ms_snprintf(err, errlen, "--container: at most %d ids", CTR_IDS_MAX);
			return -EINVAL;
		}
		f->ids[f->n++] = s;
		if (!s[n])
			return 0;
		s += n + 1;
	}
}

bool ctr_name_match(const struct ctr_filter *f, const char *name, size_t len)
{
	const char *id = container_id_in_name(name, len);

	if (!id)
		return false;
	if (f->any)
		return true;
	for (unsigned i = 0; i < f->n; i++)
		if (!memcmp(id, f->ids[i], strcspn(f->ids[i], ",")))
			return true;
	return false;
}

bool ctr_filter_match(const struct ctr_filter *f, uint64_t id, const char *path, size_t len)
{
	if (!f->on || id <= f->new_above)
		return true;
	/* the mounted trees are read again at most ten times a second: a cgroup made and gone
	 * in between is named only by the kernel's path */
	if (!path) {
		path = cgroup_name(id);
		len = path ? strlen(path) : 0;
	}
	for (size_t i = 0; i < len;) {
		size_t n = 0;

		while (i < len && path[i] == '/')
			i++;
		while (i + n < len && path[i + n] != '/')
			n++;
		if (n && ctr_name_match(f, path + i, n))
			return true;
		i += n;
	}
	return false;
}
