// SPDX-License-Identifier: MIT
/* Raw bpf(2) wrappers; no libbpf. */
#include "bpf_sys.h"

#include "sysfile.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/btf.h>
#include <stdbool.h>
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

/* int f(void), static: all a callback's BTF needs to say */
static const struct {
	struct btf_header h;
	struct btf_type t_int;
	uint32_t int_bits;
	struct btf_type t_proto, t_func;
	char str[8];
} sub_btf = {
    {BTF_MAGIC, 1, 0, sizeof(struct btf_header), 0, 3 * sizeof(struct btf_type) + 4,
     3 * sizeof(struct btf_type) + 4, 8},
    {1, BTF_KIND_INT << 24, {4}},
    BTF_INT_SIGNED << 24 | 32,
    {0, BTF_KIND_FUNC_PROTO << 24, {1}},
    {5, BTF_KIND_FUNC << 24, {2}},
    "\0int\0f",
};

#define SUBPROGS_MAX 256 /* the kernel's BPF_MAX_SUBPROGS */

int sys_prog_load(union bpf_attr *a, const struct bpf_insn *in)
{
	struct bpf_func_info fi[SUBPROGS_MAX];
	uint32_t n = 1, fn = 0;
	int btf = -1, r;

	/* each subprogram's start, in order: 0, then each that a call or a load names; past the
	 * kernel's own limit the verifier says "too many subprograms" */
	fi[0] = (struct bpf_func_info){0, 3};
	for (uint32_t i = 0; i < a->insn_cnt; i++) {
		uint32_t to = i + (uint32_t)in[i].imm + 1, k = n;
		bool f =
		    in[i].code == (BPF_LD | BPF_DW | BPF_IMM) && in[i].src_reg == BPF_PSEUDO_FUNC;

		fn |= f;
		if (!f && (in[i].code != (BPF_JMP | BPF_CALL) || in[i].src_reg != BPF_PSEUDO_CALL))
			continue;
		if (to >= a->insn_cnt || n == SUBPROGS_MAX)
			continue;
		while (k && fi[k - 1].insn_off > to) /* insertion, kept in order */
			k--;
		if (k && fi[k - 1].insn_off == to)
			continue;
		memmove(&fi[k + 1], &fi[k], (n - k) * sizeof(fi[0]));
		fi[k] = (struct bpf_func_info){to, 3};
		n++;
	}
	if (fn) {
		union bpf_attr b = {.btf = (uintptr_t)&sub_btf, .btf_size = sizeof(sub_btf)};

		btf = sys_bpf(BPF_BTF_LOAD, &b, sizeof(b));
		if (btf >= 0) {
			a->prog_btf_fd = (uint32_t)btf;
			a->func_info_rec_size = sizeof(fi[0]);
			a->func_info = (uintptr_t)fi;
			a->func_info_cnt = n;
		}
	}
	r = sys_bpf(BPF_PROG_LOAD, a, sizeof(*a));
	if (btf >= 0)
		close(btf);
	return r;
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
