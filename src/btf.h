/* SPDX-License-Identifier: MIT */
/* A minimal BTF reader: enough to find struct member offsets in /sys/kernel/btf/vmlinux. */
#ifndef MINISNOOP_BTF_H
#define MINISNOOP_BTF_H

#include <stddef.h>
#include <stdint.h>

#define BTF_VMLINUX_PATH "/sys/kernel/btf/vmlinux"

struct btf;

/*
 * Opens a BTF file for lookups in bounded memory (~110 KB for vmlinux, not a copy of it). Checks
 * the header now; the type records and strings are checked by each lookup, which reads them all
 * anyway. 0 or negative errno.
 */
int btf_load_file(const char *path, struct btf **out);
/* Same from memory (the bytes are copied), checking everything now. */
int btf_load_mem(const void *data, size_t len, struct btf **out);
void btf_free(struct btf *b);

/*
 * A member to find: its byte offset in struct (or union) `type`, looking through anonymous
 * struct/union members (an anonymous member whose type is a struct already being searched, which
 * only corrupt BTF has, is skipped). The first struct or union of that name that has the member
 * decides. err: 0 and *off set; -ENOENT if the type or member is missing; -EINVAL for a bitfield
 * that is not byte aligned, or for a name of 32 KB or more asked of a file; -ELOOP when the
 * search gave up after work linear in the size of the BTF (far more than real BTF needs), as
 * crafted BTF whose anonymous members fan out to the same types level after level makes it do.
 */
struct btf_query {
	const char *type, *member;
	uint32_t *off;
	int err;
};

/*
 * Resolves n queries with one pass over the file: the strings, then the type records (and, for
 * a query whose first struct of that name lacks the member, one more pass over the records after
 * it). 0 when all were found, else the first query's error; a bad or unreadable file fails all of
 * them.
 */
int btf_resolve(struct btf *b, struct btf_query *q, size_t n);
/* One query: a pass over a file each time, so ask for several members with btf_resolve. */
int btf_member_offset(struct btf *b, const char *type, const char *member, uint32_t *off);

#endif
