/* SPDX-License-Identifier: MIT */
/* Raw bpf(2) wrappers: 0 or an fd on success, negative errno on failure. */
#ifndef MINISNOOP_BPF_SYS_H
#define MINISNOOP_BPF_SYS_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

int sys_bpf(int cmd, union bpf_attr *attr, unsigned size);
/* BPF_PROG_LOAD of a, whose instructions are in; a program that loads a function's address
 * (a bpf_loop callback) gets the BTF the kernel wants for it: one static function type, a
 * func_info record a subprogram. */
int sys_prog_load(union bpf_attr *a, const struct bpf_insn *in);
int bpf_map_create(enum bpf_map_type type, const char *name, uint32_t key_size, uint32_t value_size,
		   uint32_t max_entries, uint32_t flags);
int bpf_map_update(int fd, const void *key, const void *value, uint64_t flags);
int bpf_map_delete(int fd, const void *key);
int bpf_obj_info(int fd, void *info, uint32_t *len);
/* Count of CPUs the kernel may ever bring up (per-CPU map values are this many). */
int bpf_possible_cpus(void);

#endif
