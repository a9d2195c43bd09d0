/* SPDX-License-Identifier: MIT */
/*
 * This kernel's layout, probed once and shared by the tracer, verify, dump and check: the
 * tracepoint fields each declared program reads (tracefs format files), the struct members
 * from BTF and the features they make possible. Probing looks only: it never mounts.
 */
#ifndef MINISNOOP_LAYOUT_H
#define MINISNOOP_LAYOUT_H

#include "progtab.h"

#include <stdbool.h>
#include <stddef.h>

struct tp_state {
	int id;		 /* event id, or a negative errno */
	int err;	 /* 0 when the format file was read and every field found, else -errno */
	const char *bad; /* the field that was missing or odd; NULL: the format file */
	struct tp_field field[PROG_TP_FIELDS];
};

struct kernel_layout {
	const char *tracefs; /* the directory with events/, NULL when not mounted */
	struct tp_state tp[P_COUNT];
	bool btf_used; /* false: forced off (--no-btf, MINISNOOP_NO_BTF) */
	int btf_err;   /* reading BTF_VMLINUX_PATH: 0 or a negative errno */
	bool narrow;   /* a 32-bit kernel: BTF not read (-ENOTSUP), see layout_probe */
	uint32_t member[KM_COUNT];
	bool member_found[KM_COUNT];
	bool feature[KF_COUNT];
	bool loop; /* bpf_loop callbacks load (MINISNOOP_NO_LOOP: taken as not) */
};

/* Reads tracefs (when mounted) and BTF (when use_btf). Never fails: what could not be read
 * is recorded, and layout_check() or the callers say what that means. */
void layout_probe(struct kernel_layout *k, bool use_btf);
/* Its two halves, so that the tracepoint ids are known before BTF is read: tracefs (and
 * whether BTF is to be used), then BTF and what it makes possible. */
void layout_probe_tracefs(struct kernel_layout *k, bool use_btf);
void layout_probe_btf(struct kernel_layout *k);
/* Gives the tracepoints whose format could not be read the generic 64-bit syscall layout,
 * so that dump can show the programs anyway; true when any was guessed. */
bool layout_guess(struct kernel_layout *k);
/* Whether program id is loaded on this kernel (a fallback is not when the feature is on). */
bool layout_loads(const struct kernel_layout *k, enum prog_id id);
/* 0 when every loaded program's tracepoint was read, else -errno with err saying which. */
int layout_check(const struct kernel_layout *k, char *err, size_t errlen);
/* Program id's view: its fields, the members, the features. */
void layout_prog(const struct kernel_layout *k, enum prog_id id, struct prog_layout *out);
/* How ppid is found, e.g. "BTF: task_struct.real_parent at 2384, tgid at 2356". */
void layout_ppid_note(const struct kernel_layout *k, char *buf, size_t n);

#endif
