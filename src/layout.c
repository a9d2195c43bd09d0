// SPDX-License-Identifier: MIT
/* Probing this kernel's layout: tracefs format files and BTF, each read once. */
#include "fmt.h"
#include "layout.h"

#include "bpf_asm.h"
#include "bpf_sys.h"
#include "btf.h"
#include "sysfile.h"
#include "tracefs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__aarch64__)
#include <sys/utsname.h>
#endif
#include <unistd.h>

/* One format file read for all of a program's fields. */
static void probe_tracepoint(const struct prog_def *d, struct tp_state *t)
{
	char fmt[4096];
	int r = tracefs_format(d->tp_category, d->tp_event, fmt, sizeof(fmt));

	/* the format gives the id too; its own file only when it does not (never seen) */
	t->id = r >= 0 ? tracefs_parse_id(fmt) : r;
	if (t->id < 0)
		t->id = tracefs_event_id(d->tp_category, d->tp_event);
	t->err = r < 0 ? r : 0;
	t->bad = NULL;
	for (size_t f = 0; r >= 0 && f < PROG_TP_FIELDS && d->fields[f]; f++) {
		bool optional = d->fields[f][0] == '?';
		int off = 0, size = 0;

		r = tracefs_parse_field(fmt, d->fields[f] + optional, &off, &size);
		if (r == -ENOENT && optional) { /* the program does without it: size 0 */
			t->field[f] = (struct tp_field){0, 0};
			r = 0;
			continue;
		}
		/* Context offsets are small and loads are 1, 2, 4 or 8 bytes wide. */
		if (!r && (off < 0 || off > 4096 || !size || size > 8 || (size & (size - 1))))
			r = -EINVAL;
		if (r) {
			t->err = r;
			t->bad = d->fields[f];
			break;
		}
		t->field[f] = (struct tp_field){(int16_t)off, (uint16_t)size};
	}
}

static void probe_btf(struct kernel_layout *k)
{
	struct btf_query q[KM_COUNT];
	struct btf *b = NULL;
	size_t m;

	for (m = 0; m < KM_COUNT; m++)
		q[m] = (struct btf_query){kmember_name(kmember_defs[m].type),
					  kmember_defs[m].member, &k->member[m], 0};
	/* One pass over the file for all of them, in small buffers. */
	k->btf_err = btf_load_file(BTF_VMLINUX_PATH, &b);
	if (!k->btf_err)
		btf_resolve(b, q, KM_COUNT);
	/* A member renamed between kernels (kernfs_node.parent became __parent in 6.15): one
	 * more pass for those not found, under their other name. */
	for (m = 0; !k->btf_err && m < KM_COUNT; m++)
		if (q[m].err && kmember_defs[m].alt &&
		    !btf_member_offset(b, kmember_name(kmember_defs[m].type),
				       kmember_name(kmember_defs[m].alt), &k->member[m]))
			q[m].err = 0;
	btf_free(b);
	for (m = 0; m < KM_COUNT; m++)
		k->member_found[m] = !k->btf_err && q[m].err == 0;
	for (size_t f = 0; f < KF_COUNT; f++) {
		k->feature[f] = true;
		for (m = 0; m < KM_COUNT; m++)
			if (kfeature_defs[f].members & (1ull << m) && !k->member_found[m])
				k->feature[f] = false;
	}
}

/* Whether a tracepoint program that calls bpf_loop (5.17+) loads: the instructions of
 * r1 = 1; r2 = the callback; r3 = r4 = 0; call bpf_loop; exit; the callback: r0 = 0; exit. */
static bool loop_loads(void)
{
#if defined(__x86_64__) || defined(__aarch64__)
	/* 5.17 and later have it, and these ISAs' JITs take callbacks (the interpreter does
	 * not, and some older kernels have it backported): no program to load then */
	struct utsname u;
	char *e = NULL, jit[8];
	uint64_t major = uname(&u) ? 0 : scan_u64(u.release, &e, 10, NULL);

	if ((major > 5 || (major == 5 && *e == '.' && scan_u64(e + 1, NULL, 10, NULL) >= 17)) &&
	    read_small_file("/proc/sys/net/core/bpf_jit_enable", jit, sizeof(jit)) > 0 &&
	    jit[0] != '0')
		return true;
#endif
	static const uint64_t prog[] = {
	    ASM_PACK_(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 1),
	    ASM_PACK_(BPF_LD | BPF_DW | BPF_IMM, 2, BPF_PSEUDO_FUNC, 0, 6),
	    0,
	    ASM_PACK_(BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, 0),
	    ASM_PACK_(BPF_ALU64 | BPF_MOV | BPF_K, 4, 0, 0, 0),
	    ASM_PACK_(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_loop),
	    ASM_PACK_(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),
	    ASM_PACK_(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	    ASM_PACK_(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),
	    ASM_PACK_(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	union bpf_attr a = {.prog_type = BPF_PROG_TYPE_TRACEPOINT,
			    .insn_cnt = sizeof(prog) / sizeof(prog[0]),
			    .insns = (uintptr_t)prog,
			    .license = (uintptr_t) "GPL"};
	int fd = sys_prog_load(&a, (const struct bpf_insn *)prog);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

void layout_probe_tracefs(struct kernel_layout *k, bool use_btf)
{
	memset(k, 0, sizeof(*k));
	k->tracefs = tracefs_dir();
	for (size_t p = 0; p < P_COUNT; p++)
		probe_tracepoint(&prog_defs[p], &k->tp[p]);
	k->btf_used = use_btf;
	/* The programs read kernel pointers 8 bytes wide; a 32-bit kernel's syscall
	 * tracepoints show its pointers are 4. No such kernel of Debian's has BTF anyway. */
	k->narrow =
	    !k->tp[P_EXECVE_ENTER].err && k->tp[P_EXECVE_ENTER].field[ENTER_FILENAME].size == 4;
	if (use_btf && k->narrow)
		k->btf_err = -ENOTSUP;
}

void layout_probe_btf(struct kernel_layout *k)
{
	bool use_btf = k->btf_used;

	if (use_btf && !k->narrow)
		probe_btf(k);
	/* only the context's walks need it, and they need BTF */
	k->loop = use_btf && !k->btf_err && !getenv("MINISNOOP_NO_LOOP") && loop_loads();
}

void layout_probe(struct kernel_layout *k, bool use_btf)
{
	layout_probe_tracefs(k, use_btf);
	layout_probe_btf(k);
}

/* Syscall tracepoints on 64-bit kernels: 8 bytes of common fields, the syscall number, then
 * 8 bytes an argument; sched_process_fork's child_pid after two comms; sched_process_exec's
 * fields after the common ones. */
static struct tp_field guess_field(const char *event, const char *field)
{
	bool at = str_find(event, "execveat") != NULL;

	if (!strcmp(event, "sched_process_exec")) /* __data_loc filename, pid, old_pid */
		return (struct tp_field){!strcmp(field, "filename") ? 8 : 16, 4};
	if (!strcmp(field, "?group_dead")) /* after comm[16], pid, prio (6.16 and later) */
		return (struct tp_field){32, 1};
	if (!strcmp(field, "error_code")) /* sys_enter_exit_group's only argument */
		return (struct tp_field){16, 8};
	if (!strcmp(field, "filename"))
		return (struct tp_field){at ? 24 : 16, 8};
	if (!strcmp(field, "argv"))
		return (struct tp_field){at ? 32 : 24, 8};
	if (!strcmp(field, "ret"))
		return (struct tp_field){16, 8};
	if (!strcmp(field, "id")) /* raw_syscalls */
		return (struct tp_field){8, 8};
	return (struct tp_field){24, 4};
}

bool layout_guess(struct kernel_layout *k)
{
	bool any = false;

	for (size_t p = 0; p < P_COUNT; p++) {
		const struct prog_def *d = &prog_defs[p];

		if (!k->tp[p].err)
			continue;
		for (size_t f = 0; f < PROG_TP_FIELDS && d->fields[f]; f++)
			k->tp[p].field[f] = guess_field(d->tp_event, d->fields[f]);
		any = true;
	}
	return any;
}

bool layout_loads(const struct kernel_layout *k, enum prog_id id)
{
	int unless = prog_defs[id].unless_feature;

	return unless == ALWAYS || !k->feature[unless];
}

int layout_check(const struct kernel_layout *k, char *err, size_t errlen)
{
	for (size_t p = 0; p < P_COUNT; p++) {
		const struct prog_def *d = &prog_defs[p];
		const struct tp_state *t = &k->tp[p];

		if (!layout_loads(k, (enum prog_id)p) || !t->err)
			continue;
		if (t->bad)
			ms_snprintf(err, errlen, "tracepoint %s:%s field %s: %s", d->tp_category,
				    d->tp_event, t->bad,
				    t->err == -ENOENT ? "not found" : "odd offset or size");
		else
			ms_snprintf(
			    err, errlen, "tracepoint %s:%s: %s", d->tp_category, d->tp_event,
			    t->err == -ENOENT ? "not found in this kernel" : strerror(-t->err));
		return t->err;
	}
	return 0;
}

void layout_prog(const struct kernel_layout *k, enum prog_id id, struct prog_layout *out)
{
	memcpy(out->tp, k->tp[id].field, sizeof(out->tp));
	memcpy(out->member, k->member, sizeof(out->member));
	memcpy(out->feature, k->feature, sizeof(out->feature));
	out->loop = k->loop;
}

void layout_ppid_note(const struct kernel_layout *k, char *buf, size_t n)
{
	if (k->feature[KF_PPID])
		ms_snprintf(buf, n, "BTF: task_struct.real_parent at %u, tgid at %u",
			    k->member[KM_TASK_REAL_PARENT], k->member[KM_TASK_TGID]);
	else if (!k->btf_used)
		ms_snprintf(buf, n, "fork tracking (BTF not used: forced)");
	else if (k->narrow)
		ms_snprintf(buf, n, "fork tracking (BTF not used: a 32-bit kernel)");
	else
		ms_snprintf(buf, n, "fork tracking (%s: %s)", BTF_VMLINUX_PATH,
			    strerror(k->btf_err ? -k->btf_err : ENOENT));
}
