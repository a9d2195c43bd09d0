/* SPDX-License-Identifier: MIT */
/* A minimal BTF reader: enough to find struct member offsets in /sys/kernel/btf/vmlinux. */
#ifndef MINISNOOP_BTF_H
#define MINISNOOP_BTF_H

#include <stddef.h>
#include <stdint.h>

#define BTF_VMLINUX_PATH "/sys/kernel/btf/vmlinux"

struct btf;

/* Reads and checks a BTF blob from a file. 0 or negative errno. */
int btf_load_file(const char *path, struct btf **out);
/* Same from memory (the bytes are copied). */
int btf_load_mem(const void *data, size_t len, struct btf **out);
void btf_free(struct btf *b);

/*
 * Byte offset of member `member` in struct (or union) `type`, looking through anonymous
 * struct/union members. -ENOENT if the type or member is missing, -EINVAL for a bitfield
 * that is not byte aligned.
 */
int btf_member_offset(const struct btf *b, const char *type, const char *member, uint32_t *off);

#endif
