// SPDX-License-Identifier: MIT
/* Raw bpf(2) wrappers; no libbpf. */
#include "bpf_sys.h"

#include "sysfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int sys_bpf(int cmd, union bpf_attr *attr, unsigned size)
{
	long r = syscall(__NR_bpf, cmd, attr, size);

	return r < 0 ? -errno : (int)r;
}

int bpf_map_create(enum bpf_map_type type, const char *name, uint32_t key_size, uint32_t value_size,
		   uint32_t max_entries, uint32_t flags)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = key_size;
	a.value_size = value_size;
	a.max_entries = max_entries;
	a.map_flags = flags;
	if (name)
		strncpy(a.map_name, name, sizeof(a.map_name) - 1);
	fd = sys_bpf(BPF_MAP_CREATE, &a, sizeof(a));
	/* Kernels before 4.15 reject map names: retry without one. */
	if (fd == -EINVAL && name) {
		memset(a.map_name, 0, sizeof(a.map_name));
		fd = sys_bpf(BPF_MAP_CREATE, &a, sizeof(a));
	}
	return fd;
}

static int map_elem(int cmd, int fd, const void *key, const void *value, uint64_t flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uint64_t)(uintptr_t)key;
	a.value = (uint64_t)(uintptr_t)value;
	a.flags = flags;
	return sys_bpf(cmd, &a, sizeof(a));
}

int bpf_map_update(int fd, const void *key, const void *value, uint64_t flags)
{
	return map_elem(BPF_MAP_UPDATE_ELEM, fd, key, value, flags);
}

int bpf_map_delete(int fd, const void *key)
{
	return map_elem(BPF_MAP_DELETE_ELEM, fd, key, NULL, 0);
}

int bpf_obj_info(int fd, void *info, uint32_t *len)
{
	union bpf_attr a;
	int r;

	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = *len;
	a.info.info = (uint64_t)(uintptr_t)info;
	r = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a));
	if (!r)
		*len = a.info.info_len;
	return r;
}

/* Parses "0-3,5" style lists from sysfs; the count is the highest id + 1. Read once: it
 * does not change while we run. */
int bpf_possible_cpus(void)
{
	static int cached;
	char buf[256], *p;
	long hi = -1;
	int n;

	if (cached)
		return cached;
	n = read_small_file("/sys/devices/system/cpu/possible", buf, sizeof(buf));
	if (n <= 0)
		return n < 0 ? n : -EIO;
	for (p = buf; *p && *p != '\n';) {
		char *end;
		long a = (long)scan_u64(p, &end, 10, NULL), b = a;

		if (end == p)
			return -EINVAL;
		if (*end == '-') {
			p = end + 1;
			b = (long)scan_u64(p, &end, 10, NULL);
			if (end == p)
				return -EINVAL;
		}
		if (b > hi)
			hi = b;
		p = *end == ',' ? end + 1 : end;
	}
	if (hi < 0 || hi >= 1 << 16)
		return -EINVAL;
	return cached = (int)hi + 1;
}
