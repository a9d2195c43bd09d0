// SPDX-License-Identifier: MIT
/*
 * The context of an exec (-o, -e): credentials, login, terminal, parent's name, namespaces,
 * cgroup id, and the cwd, exe, env, root and cgroup blocks. Only what the user asked for is read;
 * each field read sets its bit in the record's have, so that a field the kernel could not give is
 * null. Paths are walked in the kernel, dentry to parent and across mounts (tracepoint
 * programs may not call bpf_d_path), leaf first; the reader joins them.
 */
#define EMIT_DEFINES_HELPERS
#include "emit.h"

#include <string.h>

/* Path components kept per path: a 4 KiB path of short names is cut honestly. */
#define WALK_MAX 64
/* The root directory's (a chroot's or a container's, up to its mount tree's top): read on
 * every exec by default (root_mark), and the verifier walks each step of a loop, so that 64
 * steps were half the default programs' verification (~4 ms of start-up here); 16 is 4 times
 * less, and a jail deeper than that is shown cut. */
#define ROOT_WALK_MAX 16
/* The kernel's MAX_PID_NS_LEVEL: the deepest pid namespace's level. */
#define PID_NS_LEVEL_MAX 32

static void rec_or(struct asm_prog *p, int16_t off, int size, uint32_t bits)
{
	E(BPF_LDX_MEM(size, R1, REC, off));
	E(BPF_ALU32_IMM(BPF_OR, R1, (int32_t)bits));
	E(BPF_STX_MEM(size, REC, R1, off));
}

#define HAVE(bit) rec_or(p, EV_OFF(have), BPF_W, CTXB(bit))

/* FP(dst) = *(u64 *)(FP(src) + off), a kernel pointer; goto fail when unreadable or NULL */
static void deref(struct asm_prog *p, int16_t dst, int16_t src, uint32_t off, const char *fail)
{
	E(BPF_LDX_MEM(BPF_DW, R3, R10, src));
	read_kernel_u64(p, dst, off, fail);
	E(BPF_LDX_MEM(BPF_DW, R1, R10, dst));
	E(BPF_JMP_IMM(BPF_JEQ, R1, 0, fail));
}

/* size bytes at FP(src) + off into the record at rec_off, or goto fail */
static void copy_to_rec(struct asm_prog *p, int16_t rec_off, int size, int16_t src, uint32_t off,
			const char *fail)
{
	E(BPF_MOV64_REG(R1, REC));
	E(BPF_ALU64_IMM(BPF_ADD, R1, rec_off));
	E(BPF_MOV64_IMM(R2, size));
	E(BPF_LDX_MEM(BPF_DW, R3, R10, src));
	E(BPF_ALU64_IMM(BPF_ADD, R3, (int32_t)off));
	CALL(probe_read_kernel);
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, fail));
}

static bool want(const struct prog_opts *o, const struct prog_layout *l, unsigned bit)
{
	return (o->ctx & (1u << bit)) && (ctx_feature[bit] < 0 || l->feature[ctx_feature[bit]]);
}

/* The fixed-size fields; FP(task) = current. */
static void context_ids(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	const uint32_t *m = l->member;

	if (want(o, l, CTX_GID)) /* record_ids stored it */
		HAVE(GID);
	if (want(o, l, CTX_CGROUP)) {
		ES(EMIT_CALL(BPF_FUNC_get_current_cgroup_id),
		   STX_MEM(BPF_DW, REC, R0, EV_OFF(cgroup)));
		HAVE(CGROUP);
	}
	if (want(o, l, CTX_CREDS)) {
		const char *done = asm_local(p, "creds_done");

		deref(p, FP(ptr), FP(task), m[KM_TASK_CRED], done);
		copy_to_rec(p, EV_OFF(euid), 4, FP(ptr), m[KM_CRED_EUID], done);
		copy_to_rec(p, EV_OFF(egid), 4, FP(ptr), m[KM_CRED_EGID], done);
		HAVE(CREDS);
		L(done);
	}
	if (want(o, l, CTX_LOGIN)) {
		const char *done = asm_local(p, "login_done");

		copy_to_rec(p, EV_OFF(auid), 4, FP(task), m[KM_TASK_LOGINUID], done);
		copy_to_rec(p, EV_OFF(session), 4, FP(task), m[KM_TASK_SESSIONID], done);
		HAVE(LOGIN);
		L(done);
	}
	if (want(o, l, CTX_PCOMM)) {
		const char *done = asm_local(p, "pcomm_done");

		deref(p, FP(ptr), FP(task), m[KM_TASK_REAL_PARENT], done);
		copy_to_rec(p, EV_OFF(pcomm), EV_COMM_LEN, FP(ptr), m[KM_TASK_COMM], done);
		HAVE(PCOMM);
		L(done);
	}
	if (want(o, l, CTX_TTY)) {
		const char *done = asm_local(p, "tty_done");

		/* No terminal is a fact, not a failure: an empty name. */
		E(BPF_ST_MEM(BPF_B, REC, EV_OFF(tty), 0));
		deref(p, FP(ptr), FP(task), m[KM_TASK_SIGNAL], done);
		HAVE(TTY);
		deref(p, FP(ptr), FP(ptr), m[KM_SIGNAL_TTY], done);
		ES(MOV64_REG(R1, REC), ALU64_IMM(BPF_ADD, R1, EV_OFF(tty)));
		E(BPF_MOV64_IMM(R2, sizeof(((struct ms_event *)0)->tty)));
		E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(ptr)));
		E(BPF_ALU64_IMM(BPF_ADD, R3, (int32_t)m[KM_TTY_NAME]));
		CALL(probe_read_kernel_str);
		L(done);
	}
	if (want(o, l, CTX_MNTNS)) {
		const char *done = asm_local(p, "mntns_done");

		deref(p, FP(ptr), FP(task), m[KM_TASK_NSPROXY], done);
		deref(p, FP(ptr), FP(ptr), m[KM_NSPROXY_MNT_NS], done);
		copy_to_rec(p, EV_OFF(mntns), 4, FP(ptr), m[KM_MNT_NS_NS] + m[KM_NS_INUM], done);
		HAVE(MNTNS);
		L(done);
	}
	if (want(o, l, CTX_PIDNS)) {
		const char *done = asm_local(p, "pidns_done");

		/* upid = &pid->numbers[pid->level]; a upid is an int and a pointer, padded to
		 * twice the pointer's offset */
		deref(p, FP(ptr), FP(task), m[KM_TASK_THREAD_PID], done);
		ES(ST_MEM(BPF_DW, R10, FP(tmp), 0), LDX_MEM(BPF_DW, R3, R10, FP(ptr)));
		E(BPF_ALU64_IMM(BPF_ADD, R3, (int32_t)m[KM_PID_LEVEL]));
		stack_ptr(p, R1, FP(tmp));
		ES(MOV64_IMM(R2, 4), EMIT_CALL(BPF_FUNC_probe_read_kernel));
		E(BPF_JMP_IMM(BPF_JNE, R0, 0, done));
		E(BPF_LDX_MEM(BPF_DW, R1, R10, FP(tmp)));
		/* Levels run 0..MAX_PID_NS_LEVEL (32), numbers[] has level + 1 entries: a level
		 * past that is no pid's (and the bound keeps the offset known). */
		E(BPF_JMP_IMM(BPF_JGT, R1, PID_NS_LEVEL_MAX, done));
		E(BPF_ALU64_IMM(BPF_MUL, R1, (int32_t)(2 * m[KM_UPID_NS])));
		E(BPF_ALU64_IMM(BPF_ADD, R1, (int32_t)m[KM_PID_NUMBERS]));
		ES(LDX_MEM(BPF_DW, R2, R10, FP(ptr)),
		   ALU64_REG(BPF_ADD, R1, R2),
		   STX_MEM(BPF_DW, R10, R1, FP(ptr)));
		copy_to_rec(p, EV_OFF(nspid), 4, FP(ptr), m[KM_UPID_NR], done);
		deref(p, FP(ptr), FP(ptr), m[KM_UPID_NS], done);
		copy_to_rec(p, EV_OFF(pidns), 4, FP(ptr), m[KM_PID_NS_NS] + m[KM_NS_INUM], done);
		HAVE(PIDNS);
		L(done);
	}
}

/* The blocks' places: each starts at most this far into the text (before it, every block
 * before it at its largest). */
#define BASE_CWD    (EV_FILENAME_MAX + EV_ARGS_MAX)
#define BASE_EXE    (BASE_CWD + EV_PATH_MAX)
#define BASE_ENV    (BASE_EXE + EV_PATH_MAX)
#define BASE_ROOT   (BASE_ENV + EV_ENV_MAX)
#define BASE_CGROUP (BASE_ROOT + EV_PATH_MAX)

/*
 * With bpf_loop (l->loop), each loop is a callback after the program's exit (the verifier
 * walks its body a few times, not once a pass): it gets the pass in r1, ITER then, and this
 * frame in r2, FRAME then (loop_call(), loop_start(): common.c); the loop's state is in this
 * frame's slots, which it copies into its own, where the steps the unrolled loop runs find
 * them, and back after a pass.
 */
/* The callbacks, by their labels (and common.c's gather_args() ones after them). */
enum { CB_CWD, CB_EXE, CB_ROOT, CB_BACK, CB_SCAN, CB_CGROUP, CB_COUNT };
static const char cb_names[CB_COUNT + 2][10] = {
    "cb_cwd", "cb_exe", "cb_root", "cb_back", "cb_scan", "cb_cgroup", "cb_args4", "cb_args8"};

/* The paths walked (cwd, exe, root; their callbacks' order): each one's have bit, flags, block
 * length, whether it ends at the process's root (its own walk does not), and at most how many
 * names. */
struct walk {
	uint8_t have, steps;
	bool own_root;
	int16_t len_off;
	uint16_t cut, deleted;
	uint16_t base_max;
};
static const struct walk walks[] = {
    {CTX_CWD, WALK_MAX, true, EV_OFF(cwd_len), EV_C_CWD_CUT, EV_C_CWD_DELETED, BASE_CWD},
    {CTX_EXE, WALK_MAX, true, EV_OFF(exe_len), EV_C_EXE_CUT, EV_C_EXE_DELETED, BASE_EXE},
    {CTX_ROOT, ROOT_WALK_MAX, false, EV_OFF(root_len), EV_C_ROOT_CUT, EV_C_ROOT_DELETED, BASE_ROOT},
};

/* The name at FP(tmp) read into the record at the block's offset BLOCK plus r1 (the bytes
 * its path has so far), EV_NAME_MAX at most: a walk's and the cgroup walk's step. */
static void read_name(struct asm_prog *p)
{
	ES(ALU64_REG(BPF_ADD, R1, BLOCK),
	   ALU64_REG(BPF_ADD, R1, REC),
	   ALU64_IMM(BPF_ADD, R1, EV_HDR),
	   MOV64_IMM(R2, EV_NAME_MAX),
	   LDX_MEM(BPF_DW, R3, R10, FP(tmp)),
	   EMIT_CALL(BPF_FUNC_probe_read_kernel_str));
}

/* One pass of a walk: FP(dentry), in FP(mount), whose root is FP(root); on to next with the
 * dentry above, or to end, or to cut. */
static void walk_step(struct asm_prog *p, const struct prog_layout *l, const struct walk *w,
		      const char *next, const char *end, const char *cut_l)
{
	const uint32_t *m = l->member;
	const char *name = asm_name(p, "name", w->have);

	/* the process's own root: its paths are as it sees them (getcwd), also in a chroot;
	 * before the limit, so that a path of exactly WALK_MAX names is not said to be cut */
	if (w->own_root) {
		ES(LDX_MEM(BPF_DW, R1, R10, FP(dentry)), LDX_MEM(BPF_DW, R2, R10, FP(top_dentry)));
		E(BPF_JMP_REG(BPF_JEQ, R1, R2, end));
	}
	E(BPF_JMP_IMM(BPF_JGE, ITER, w->steps, cut_l));
	ES(ALU64_IMM(BPF_ADD, ITER, 1), LDX_MEM(BPF_DW, R3, R10, FP(dentry)));
	read_kernel_u64(p, FP(parent), m[KM_DENTRY_PARENT], end);
	ES(LDX_MEM(BPF_DW, R1, R10, FP(dentry)), LDX_MEM(BPF_DW, R2, R10, FP(root)));
	E(BPF_JMP_REG(BPF_JNE, R1, R2, name));

	/* a mount's root: on from its mountpoint in the parent mount */
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(mount)));
	read_kernel_u64(p, FP(parent), m[KM_MOUNT_PARENT], end);
	ES(LDX_MEM(BPF_DW, R1, R10, FP(parent)), LDX_MEM(BPF_DW, R3, R10, FP(mount)));
	E(BPF_JMP_REG(BPF_JEQ, R1, R3, end)); /* the root of the tree */
	read_kernel_u64(p, FP(dentry), m[KM_MOUNT_MOUNTPOINT], end);
	ES(LDX_MEM(BPF_DW, R3, R10, FP(parent)), STX_MEM(BPF_DW, R10, R3, FP(mount)));
	read_kernel_u64(p, FP(root), m[KM_MOUNT_MNT] + m[KM_VFSMOUNT_ROOT], end);
	E(BPF_JMP_A(next));

	L(name); /* at text_len + len, both bounds learnt again from memory */
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(dentry)));
	read_kernel_u64(p, FP(tmp), m[KM_DENTRY_NAME] + m[KM_QSTR_NAME], end);
	E(BPF_LDX_MEM(BPF_W, BLOCK, REC, EV_OFF(text_len)));
	E(BPF_JMP_IMM(BPF_JGT, BLOCK, w->base_max, end));
	E(BPF_LDX_MEM(BPF_H, R1, REC, w->len_off));
	E(BPF_JMP_IMM(BPF_JGT, R1, EV_PATH_MAX - EV_NAME_MAX, cut_l));
	read_name(p);
	E(BPF_JMP_IMM(BPF_JSLE, R0, 0, end));
	E(BPF_LDX_MEM(BPF_H, R1, REC, w->len_off));
	E(BPF_ALU64_REG(BPF_ADD, R1, R0));
	E(BPF_STX_MEM(BPF_H, REC, R1, w->len_off));
	/* its own parent and no mount's root: a pseudo file (memfd), nothing above */
	ES(LDX_MEM(BPF_DW, R1, R10, FP(dentry)), LDX_MEM(BPF_DW, R2, R10, FP(parent)));
	E(BPF_JMP_REG(BPF_JEQ, R1, R2, end));
	E(BPF_STX_MEM(BPF_DW, R10, R2, FP(dentry)));
	E(BPF_JMP_A(next));
}

/*
 * One path, from the struct path at FP(ptr) + off, into the block after text_len (which is at
 * most w->base_max then): names leaf first, NUL each, at most EV_PATH_MAX bytes. As the
 * kernel's d_path: at a mount's root, go on from where it is mounted; stop at the process's
 * root (as its getcwd does; not the root's own walk), at the root of the mount tree, or at a
 * dentry that is its own parent (a pseudo file: a memfd). The leaf is deleted when it is
 * unhashed and not a mount's root.
 */
static void walk_path(struct asm_prog *p, const struct prog_layout *l, uint32_t off,
		      const struct walk *w)
{
	const uint32_t *m = l->member;
	const char *loop = asm_name(p, "walk", w->have), *cut_l = asm_name(p, "cut", w->have);
	const char *end = asm_name(p, "walk_end", w->have), *none = asm_name(p, "no_path", w->have);

	deref(p, FP(dentry), FP(ptr), off + m[KM_PATH_DENTRY], none);
	deref(p, FP(mount), FP(ptr), off + m[KM_PATH_MNT], none);
	E(BPF_LDX_MEM(BPF_DW, R1, R10, FP(mount)));
	E(BPF_ALU64_IMM(BPF_SUB, R1, (int32_t)m[KM_MOUNT_MNT]));
	E(BPF_STX_MEM(BPF_DW, R10, R1, FP(mount)));
	rec_or(p, EV_OFF(have), BPF_W, 1u << w->have);
	/* deleted: on no hash chain, and not the root of its mount */
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(dentry)));
	read_kernel_u64(p, FP(tmp), m[KM_DENTRY_HASH] + m[KM_HLIST_PPREV], end);
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(mount)));
	read_kernel_u64(p, FP(root), m[KM_MOUNT_MNT] + m[KM_VFSMOUNT_ROOT], end);
	ES(MOV64_IMM(ITER, 0), LDX_MEM(BPF_DW, R1, R10, FP(tmp)));
	E(BPF_JMP_IMM(BPF_JNE, R1, 0, loop));
	ES(LDX_MEM(BPF_DW, R1, R10, FP(dentry)), LDX_MEM(BPF_DW, R2, R10, FP(root)));
	E(BPF_JMP_REG(BPF_JEQ, R1, R2, loop));
	rec_or(p, EV_OFF(ctx_flags), BPF_H, w->deleted);

	L(loop);
	if (l->loop) {
		/* the last pass is a cut, or it ends sooner */
		loop_call(p, cb_names[w - walks], w->steps + 1, REC);
	} else {
		walk_step(p, l, w, loop, end, cut_l);
		L(cut_l);
		rec_or(p, EV_OFF(ctx_flags), BPF_H, w->cut);
	}
	L(end); /* the block joins the text */
	E(BPF_LDX_MEM(BPF_W, R1, REC, EV_OFF(text_len)));
	E(BPF_LDX_MEM(BPF_H, R2, REC, w->len_off));
	ES(ALU64_REG(BPF_ADD, R1, R2), STX_MEM(BPF_W, REC, R1, EV_OFF(text_len)));
	L(none);
}

/*
 * Variables that change how a program runs are shown wherever they are (minisnoop.8,
 * FIELDS, env). The scan keeps a string when its first 4 bytes are one of these (3 for LD_);
 * the reader then keeps those whose name is on its exact list (env_always()).
 */
static const char env_screens[][5] = {
    "LD_",  "GCON", "GETC", "GLIB", "HOST", "LOCA", "LOCP", "MALL", "NIS_", "NLSP", "RESO", "RES_",
    "TMPD", "TZDI", "BASH", "ENV=", "SHEL", "PS4=", "IFS=", "PATH", "PYTH", "PERL", "RUBY", "NODE",
};

/* R5 = 1 when the string at R1 starts with a screen, else 0, with no branch: the verifier
 * walks the scan's body once a pass, and a branch a screen would multiply that. Clobbers
 * r2, r3. */
static void env_screen(struct asm_prog *p)
{
	E(BPF_LDX_MEM(BPF_B, R2, R1, 0));
	for (int k = 1; k < 4; k++) {
		E(BPF_LDX_MEM(BPF_B, R3, R1, k));
		E(BPF_ALU64_IMM(BPF_LSH, R3, 8 * k));
		E(BPF_ALU64_REG(BPF_OR, R2, R3));
	}
	E(BPF_MOV64_IMM(R5, 0));
	for (size_t i = 0; i < sizeof(env_screens) / sizeof(env_screens[0]); i++) {
		const char *sc = env_screens[i];
		size_t n = strlen(sc);
		uint32_t want = 0;

		for (size_t k = 0; k < n; k++)
			want |= (uint32_t)(unsigned char)sc[k] << (8 * k);
		E(BPF_MOV64_REG(R3, R2));
		E(BPF_ALU32_IMM(BPF_XOR, R3, (int32_t)want));
		if (n < 4)
			E(BPF_ALU32_IMM(BPF_AND, R3, (int32_t)((1u << (8 * n)) - 1)));
		/* (x - 1) >> 63 is 1 for x == 0 only (x < 2^32) */
		ES(ALU64_IMM(BPF_SUB, R3, 1),
		   ALU64_IMM(BPF_RSH, R3, 63),
		   ALU64_REG(BPF_OR, R5, R3));
	}
}

/* dst = 1 if the u64 at FP(slot) is val (0, 1 or 2), else 0. */
static void slot_is(struct asm_prog *p, int dst, int16_t slot, int32_t val)
{
	E(BPF_LDX_MEM(BPF_DW, dst, R10, slot));
	if (val)
		E(BPF_ALU64_IMM(BPF_XOR, dst, val));
	E(BPF_ALU64_IMM(BPF_SUB, dst, 1));
	E(BPF_ALU64_IMM(BPF_RSH, dst, 63));
}

/*
 * After the window: the rest of the environment, FP(arg_start) (where the scan is) to
 * FP(arg_end), a chunk at a time, read into the block where a kept string goes; a string is
 * kept (left where it was read) when env_screen() says so at its start. FP(next) is where
 * the scan is in a string: 0 at its start, 1 inside one kept, 2 inside one skipped. At most
 * EV_ENV_SCAN_MAX reads (ITER: a bound the verifier follows); stopping early says so. Then
 * the trailer ends the block: the bytes not scanned and the window's length, FP(last).
 */
/* One read of the scan; on to next, or to end (all read) or cut. */
static void scan_step(struct asm_prog *p, const char *next, const char *end, const char *cut)
{
	const char *more = asm_local(p, "scan_more"), *room = asm_local(p, "scan_room");
	const char *read = asm_local(p, "scan_read");

	E(BPF_JMP_IMM(BPF_JGE, ITER, EV_ENV_SCAN_MAX, cut));
	E(BPF_ALU64_IMM(BPF_ADD, ITER, 1));
	/* each way out is a jump forward from a test that falls through to it: the verifier
	 * then finishes it before the next pass, and holds few states at a time */
	ES(LDX_MEM(BPF_DW, R1, R10, FP(arg_start)), LDX_MEM(BPF_DW, R2, R10, FP(arg_end)));
	E(BPF_JMP_REG(BPF_JLT, R1, R2, more));
	E(BPF_JMP_A(end));
	L(more); /* room for a chunk, a NUL and the trailer */
	E(BPF_LDX_MEM(BPF_H, R1, REC, EV_OFF(env_len)));
	E(BPF_JMP_IMM(BPF_JLE, R1, EV_ENV_MAX - 1 - EV_ENV_TRAILER - EV_ENV_CHUNK, room));
	E(BPF_JMP_A(cut));
	L(room);
	ES(ALU64_REG(BPF_ADD, R1, BLOCK), STX_MEM(BPF_DW, R10, R1, FP(tmp)));
	E(BPF_ST_MEM(BPF_B, R1, 0, 0)); /* some kernels (6.1) read "" as 0 bytes, no NUL */
	ES(MOV64_IMM(R2, EV_ENV_CHUNK),
	   LDX_MEM(BPF_DW, R3, R10, FP(arg_start)),
	   EMIT_CALL(BPF_FUNC_probe_read_user_str));
	E(BPF_JMP_IMM(BPF_JSGE, R0, 0, read));
	E(BPF_JMP_A(cut));
	L(read);
	/* R4 = a full chunk: the string goes on (its next read starts at the NUL written);
	 * R0 = bytes the scan moves on, an empty read counted as its NUL */
	ES(MOV64_REG(R4, R0),
	   ALU64_IMM(BPF_XOR, R4, EV_ENV_CHUNK),
	   ALU64_IMM(BPF_SUB, R4, 1),
	   ALU64_IMM(BPF_RSH, R4, 63),
	   MOV64_REG(R3, R0),
	   ALU64_IMM(BPF_SUB, R3, 1),
	   ALU64_IMM(BPF_RSH, R3, 63),
	   ALU64_REG(BPF_ADD, R0, R3),
	   ALU64_REG(BPF_SUB, R0, R4));
	/* R5 = keep: a string's start that the screen passes, or inside a kept one */
	E(BPF_LDX_MEM(BPF_DW, R1, R10, FP(tmp)));
	env_screen(p);
	slot_is(p, R3, FP(next), 0);
	E(BPF_ALU64_REG(BPF_AND, R5, R3));
	slot_is(p, R3, FP(next), 1);
	E(BPF_ALU64_REG(BPF_OR, R5, R3));
	/* env_len += n if kept; the scan moves on n; inside a string next if it goes on */
	ES(MOV64_REG(R1, R0),
	   ALU64_REG(BPF_MUL, R1, R5),
	   LDX_MEM(BPF_H, R2, REC, EV_OFF(env_len)),
	   ALU64_REG(BPF_ADD, R2, R1),
	   STX_MEM(BPF_H, REC, R2, EV_OFF(env_len)),
	   LDX_MEM(BPF_DW, R1, R10, FP(arg_start)),
	   ALU64_REG(BPF_ADD, R1, R0),
	   STX_MEM(BPF_DW, R10, R1, FP(arg_start)),
	   MOV64_IMM(R1, 2),
	   ALU64_REG(BPF_SUB, R1, R5),
	   ALU64_REG(BPF_MUL, R1, R4),
	   STX_MEM(BPF_DW, R10, R1, FP(next)));
	E(BPF_JMP_A(next));
}

/* The scan cut: its flag, and R1 = the bytes not scanned, then on at to or after. */
static void scan_cut(struct asm_prog *p, const char *to)
{
	rec_or(p, EV_OFF(ctx_flags), BPF_H, EV_C_ENV_SCAN_CUT);
	ES(LDX_MEM(BPF_DW, R1, R10, FP(arg_end)),
	   LDX_MEM(BPF_DW, R2, R10, FP(arg_start)),
	   ALU64_REG(BPF_SUB, R1, R2));
	E(BPF_JMP_IMM(BPF_JSGE, R1, 0, to));
	E(BPF_MOV64_IMM(R1, 0));
}

/* BLOCK again, in a callback: the env block, after text_len (at most base_max, never more),
 * or goto out. */
static void env_block_at(struct asm_prog *p, uint32_t base_max, const char *out)
{
	E(BPF_LDX_MEM(BPF_W, BLOCK, REC, EV_OFF(text_len)));
	E(BPF_JMP_IMM(BPF_JGT, BLOCK, base_max, out));
	ES(ALU64_REG(BPF_ADD, BLOCK, REC), ALU64_IMM(BPF_ADD, BLOCK, EV_HDR));
}

static void env_scan(struct asm_prog *p, const struct prog_layout *l, const char *done)
{
	const char *loop = asm_local(p, "scan"), *cut = asm_local(p, "scan_cut");
	const char *end = asm_local(p, "scan_end"), *tail = asm_local(p, "scan_tail");

	if (l->loop) {
		/* FP(next), and FP(tmp) = 0 (a cut says otherwise), through the record's ts_ns
		 * (emit_record sets it): values the verifier does not know, whose passes meet
		 * in a state sooner */
		ES(LDX_MEM(BPF_DW, R1, R10, FP(next)),
		   STX_MEM(BPF_DW, REC, R1, EV_OFF(ts_ns)),
		   LDX_MEM(BPF_DW, R1, REC, EV_OFF(ts_ns)),
		   STX_MEM(BPF_DW, R10, R1, FP(next)),
		   ST_MEM(BPF_DW, REC, EV_OFF(ts_ns), 0),
		   LDX_MEM(BPF_DW, R1, REC, EV_OFF(ts_ns)),
		   STX_MEM(BPF_DW, R10, R1, FP(tmp)));
		loop_call(p, cb_names[CB_SCAN], EV_ENV_SCAN_MAX + 1, REC);
		E(BPF_LDX_MEM(BPF_DW, R1, R10, FP(tmp)));
	} else {
		E(BPF_MOV64_IMM(ITER, 0));
		L(loop);
		scan_step(p, loop, end, cut);
		L(cut);
		scan_cut(p, tail);
		E(BPF_JMP_A(tail));
		L(end);
		E(BPF_MOV64_IMM(R1, 0));
	}
	L(tail); /* R1 = bytes not scanned; a kept string stopped inside: its NUL is the byte
		  * after (the last read's) */
	E(BPF_STX_MEM(BPF_DW, R10, R1, FP(tmp)));
	slot_is(p, R2, FP(next), 1);
	ES(LDX_MEM(BPF_H, R1, REC, EV_OFF(env_len)), ALU64_REG(BPF_ADD, R1, R2));
	E(BPF_JMP_IMM(BPF_JGT, R1, EV_ENV_MAX - EV_ENV_TRAILER, done)); /* never, but bounds */
	ES(MOV64_REG(R2, R1),
	   ALU64_IMM(BPF_ADD, R2, EV_ENV_TRAILER),
	   STX_MEM(BPF_H, REC, R2, EV_OFF(env_len)));
	/* the trailer, a byte at a time (the block is not aligned): unscanned, window */
	ES(ALU64_REG(BPF_ADD, R1, BLOCK), LDX_MEM(BPF_DW, R2, R10, FP(tmp)));
	for (int k = 0; k < 4; k++) {
		E(BPF_STX_MEM(BPF_B, R1, R2, k));
		E(BPF_ALU64_IMM(BPF_RSH, R2, 8));
	}
	ES(LDX_MEM(BPF_DW, R2, R10, FP(last)),
	   STX_MEM(BPF_B, R1, R2, 4),
	   ALU64_IMM(BPF_RSH, R2, 8),
	   STX_MEM(BPF_B, R1, R2, 5));
}

/* The unrolled back search: R4 = 1 + ITER of the first NUL from the window's end, or 0. */
static void env_back(struct asm_prog *p)
{
	const char *back = asm_local(p, "env_back");

	ES(MOV64_IMM(R4, 0), MOV64_IMM(ITER, 0));
	L(back); /* the window's byte EV_ENV_WINDOW - 1 - ITER */
	ES(MOV64_REG(R1, BLOCK),
	   ALU64_REG(BPF_SUB, R1, ITER),
	   LDX_MEM(BPF_B, R2, R1, EV_ENV_WINDOW - 1),
	   ALU64_IMM(BPF_SUB, R2, 1));
	E(BPF_ALU64_IMM(BPF_RSH, R2, 63)); /* a NUL */
	ES(MOV64_REG(R3, R4), ALU64_IMM(BPF_SUB, R3, 1));
	E(BPF_ALU64_IMM(BPF_RSH, R3, 63)); /* none yet */
	ES(ALU64_REG(BPF_AND, R2, R3),
	   MOV64_REG(R3, ITER),
	   ALU64_IMM(BPF_ADD, R3, 1),
	   ALU64_REG(BPF_MUL, R2, R3),
	   ALU64_REG(BPF_ADD, R4, R2),
	   ALU64_IMM(BPF_ADD, ITER, 1));
	E(BPF_JMP_IMM(BPF_JLT, ITER, EV_ENV_BACK, back));
}

/*
 * An environment larger than the block: its first EV_ENV_WINDOW bytes, up to the last string
 * that ends in them (looked for EV_ENV_BACK bytes back; else the last is cut and the rest of
 * it skipped), then env_scan() from there. FP(arg_start) = env_start.
 */
static void env_window(struct asm_prog *p, const struct prog_layout *l, uint32_t base_max,
		       const char *done, const char *unread)
{
	const char *none = asm_local(p, "env_no_start"), *scan = asm_local(p, "env_scan");

	E(BPF_LDX_MEM(BPF_W, R1, REC, EV_OFF(text_len)));
	E(BPF_JMP_IMM(BPF_JGT, R1, base_max, done));
	ES(ALU64_REG(BPF_ADD, R1, REC),
	   ALU64_IMM(BPF_ADD, R1, EV_HDR),
	   MOV64_REG(BLOCK, R1),
	   MOV64_IMM(R2, EV_ENV_WINDOW),
	   LDX_MEM(BPF_DW, R3, R10, FP(arg_start)),
	   EMIT_CALL(BPF_FUNC_probe_read_user));
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, unread));
	rec_or(p, EV_OFF(ctx_flags), BPF_H, EV_C_ENV_SCAN);
	/* R4 = 1 + how far from the end the last NUL is (0: none), found with no branch but
	 * the loop's own: the verifier walks each pass once */
	if (l->loop) {
		E(BPF_ST_MEM(BPF_DW, R10, FP(last), 0));
		loop_call(p, cb_names[CB_BACK], EV_ENV_BACK, REC);
		E(BPF_LDX_MEM(BPF_DW, R4, R10, FP(last)));
	} else {
		env_back(p);
	}
	E(BPF_JMP_IMM(BPF_JEQ, R4, 0, none));
	ES(MOV64_IMM(R1, EV_ENV_WINDOW + 1),
	   ALU64_REG(BPF_SUB, R1, R4),
	   STX_MEM(BPF_DW, R10, R1, FP(last)),
	   ST_MEM(BPF_DW, R10, FP(next), 0));
	E(BPF_JMP_A(scan));
	L(none);
	E(BPF_ST_MEM(BPF_B, BLOCK, EV_ENV_WINDOW - 1, 0));
	rec_or(p, EV_OFF(ctx_flags), BPF_H, EV_C_ENV_CUT);
	ES(ST_MEM(BPF_DW, R10, FP(last), EV_ENV_WINDOW), ST_MEM(BPF_DW, R10, FP(next), 2));
	L(scan);
	ES(LDX_MEM(BPF_DW, R1, R10, FP(last)),
	   STX_MEM(BPF_H, REC, R1, EV_OFF(env_len)),
	   LDX_MEM(BPF_DW, R2, R10, FP(arg_start)),
	   ALU64_REG(BPF_ADD, R2, R1),
	   STX_MEM(BPF_DW, R10, R2, FP(arg_start)));
	env_scan(p, l, done);
}

/* The new image's environment, [mm->env_start, mm->env_end), as one block after text_len:
 * whole when it fits, else env_window(). */
static void env_block(struct asm_prog *p, const struct prog_layout *l, uint32_t base_max)
{
	const uint32_t *m = l->member;
	const char *done = asm_local(p, "env_done"), *fits = asm_local(p, "env_fits");
	const char *join = asm_local(p, "env_join"), *unread = asm_local(p, "env_unread");

	deref(p, FP(ptr), FP(task), m[KM_TASK_MM], done);
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(ptr)));
	read_kernel_u64(p, FP(arg_start), m[KM_MM_ENV_START], done);
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(ptr)));
	read_kernel_u64(p, FP(arg_end), m[KM_MM_ENV_END], done);
	HAVE(ENV);
	ES(LDX_MEM(BPF_DW, BLOCK, R10, FP(arg_end)),
	   LDX_MEM(BPF_DW, R1, R10, FP(arg_start)),
	   ALU64_REG(BPF_SUB, BLOCK, R1));
	E(BPF_JMP_IMM(BPF_JSLE, BLOCK, 0, done));
	E(BPF_JMP_IMM(BPF_JLE, BLOCK, EV_ENV_MAX, fits));
	env_window(p, l, base_max, done, unread);
	E(BPF_JMP_A(join));
	L(fits);
	E(BPF_LDX_MEM(BPF_W, R1, REC, EV_OFF(text_len)));
	E(BPF_JMP_IMM(BPF_JGT, R1, base_max, done));
	ES(ALU64_REG(BPF_ADD, R1, REC),
	   ALU64_IMM(BPF_ADD, R1, EV_HDR),
	   STX_MEM(BPF_DW, R10, R1, FP(tmp)),
	   MOV64_REG(R2, BLOCK),
	   LDX_MEM(BPF_DW, R3, R10, FP(arg_start)),
	   EMIT_CALL(BPF_FUNC_probe_read_user));
	E(BPF_JMP_IMM(BPF_JNE, R0, 0, unread));
	/* the area ends with its last string's NUL; the reader counts on one */
	ES(LDX_MEM(BPF_DW, R1, R10, FP(tmp)),
	   ALU64_REG(BPF_ADD, R1, BLOCK),
	   ST_MEM(BPF_B, R1, -1, 0),
	   STX_MEM(BPF_H, REC, BLOCK, EV_OFF(env_len)));
	L(join);
	ES(LDX_MEM(BPF_W, R1, REC, EV_OFF(text_len)),
	   LDX_MEM(BPF_H, R2, REC, EV_OFF(env_len)),
	   ALU64_REG(BPF_ADD, R1, R2),
	   STX_MEM(BPF_W, REC, R1, EV_OFF(text_len)));
	E(BPF_JMP_A(done));
	L(unread); /* none of it: not an empty environment */
	rec_or(p, EV_OFF(ctx_flags), BPF_H, EV_C_ENV_CUT);
	L(done);
}

/*
 * The cgroup (default hierarchy) as the kernel names it at the exec: current->cgroups->dfl_cgrp
 * ->kn, then each kernfs node's name up to the hierarchy's root (whose name is not a
 * component), leaf first, NUL each, into the block after text_len (at most base_max then).
 * Nothing is looked up later: a cgroup removed at once is named as well as any.
 */

/* One pass: FP(dentry), a kernfs node; on to next with its parent, or to end or cut. */
static void cg_step(struct asm_prog *p, const struct prog_layout *l, const char *next,
		    const char *end, const char *cut_l)
{
	const uint32_t *m = l->member;

	E(BPF_JMP_IMM(BPF_JGE, ITER, WALK_MAX, cut_l));
	ES(ALU64_IMM(BPF_ADD, ITER, 1), LDX_MEM(BPF_DW, R3, R10, FP(dentry)));
	/* a read that fails cuts the path: what is kept is its leaf side */
	read_kernel_u64(p, FP(parent), m[KM_KERNFS_PARENT], cut_l);
	E(BPF_LDX_MEM(BPF_DW, R1, R10, FP(parent)));
	E(BPF_JMP_IMM(BPF_JEQ, R1, 0, end)); /* the hierarchy's root */
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(dentry)));
	read_kernel_u64(p, FP(tmp), m[KM_KERNFS_NAME], cut_l);
	/* at text_len + len, both bounds learnt again from memory */
	E(BPF_LDX_MEM(BPF_W, BLOCK, REC, EV_OFF(text_len)));
	E(BPF_JMP_IMM(BPF_JGT, BLOCK, BASE_CGROUP, cut_l)); /* never, but bounds */
	E(BPF_LDX_MEM(BPF_H, R1, REC, EV_OFF(cgroup_len)));
	E(BPF_JMP_IMM(BPF_JGT, R1, EV_PATH_MAX - EV_NAME_MAX, cut_l));
	read_name(p);
	E(BPF_JMP_IMM(BPF_JSLE, R0, 0, cut_l));
	ES(LDX_MEM(BPF_H, R1, REC, EV_OFF(cgroup_len)),
	   ALU64_REG(BPF_ADD, R1, R0),
	   STX_MEM(BPF_H, REC, R1, EV_OFF(cgroup_len)),
	   LDX_MEM(BPF_DW, R1, R10, FP(parent)),
	   STX_MEM(BPF_DW, R10, R1, FP(dentry)));
	E(BPF_JMP_A(next));
}

static void cgroup_block(struct asm_prog *p, const struct prog_layout *l)
{
	const uint32_t *m = l->member;
	const char *loop = asm_local(p, "cg_walk"), *cut_l = asm_local(p, "cg_cut");
	const char *end = asm_local(p, "cg_end"), *none = asm_local(p, "cg_none");

	deref(p, FP(ptr), FP(task), m[KM_TASK_CGROUPS], none);
	deref(p, FP(ptr), FP(ptr), m[KM_CSS_SET_DFL_CGRP], none);
	deref(p, FP(dentry), FP(ptr), m[KM_CGROUP_KN], none);
	rec_or(p, EV_OFF(ctx_flags), BPF_H, EV_C_CGROUP_PATH);
	if (l->loop) {
		loop_call(p, cb_names[CB_CGROUP], WALK_MAX + 1, REC);
	} else {
		E(BPF_MOV64_IMM(ITER, 0));
		L(loop);
		cg_step(p, l, loop, end, cut_l);
		L(cut_l);
		rec_or(p, EV_OFF(ctx_flags), BPF_H, EV_C_CGROUP_CUT);
	}
	L(end); /* the block joins the text */
	ES(LDX_MEM(BPF_W, R1, REC, EV_OFF(text_len)),
	   LDX_MEM(BPF_H, R2, REC, EV_OFF(cgroup_len)),
	   ALU64_REG(BPF_ADD, R1, R2),
	   STX_MEM(BPF_W, REC, R1, EV_OFF(text_len)));
	L(none);
}

/* FP(top_dentry) = current->fs->root.dentry; 0 when unreadable (walks then go up to the root
 * of the mount tree). Its mount is not compared: the verifier then walks the loop twice as
 * long, and only the root directory bind-mounted elsewhere would tell them apart. */
static void process_root(struct asm_prog *p, const struct prog_layout *l)
{
	const uint32_t *m = l->member;
	const char *done = asm_local(p, "top_done");

	E(BPF_ST_MEM(BPF_DW, R10, FP(top_dentry), 0));
	deref(p, FP(ptr), FP(task), m[KM_TASK_FS], done);
	E(BPF_LDX_MEM(BPF_DW, R3, R10, FP(ptr)));
	read_kernel_u64(p, FP(top_dentry), m[KM_FS_ROOT] + m[KM_PATH_DENTRY], done);
	L(done);
}

void context_read(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l,
		  bool image)
{
	const uint32_t *m = l->member;

	if (!o->ctx)
		return;
	ES(EMIT_CALL(BPF_FUNC_get_current_task), STX_MEM(BPF_DW, R10, R0, FP(task)));
	context_ids(p, o, l);
	if (want(o, l, CTX_CWD) || (image && want(o, l, CTX_EXE)))
		process_root(p, l);
	if (want(o, l, CTX_CWD)) {
		const char *done = asm_local(p, "cwd_done");

		deref(p, FP(ptr), FP(task), m[KM_TASK_FS], done);
		walk_path(p, l, m[KM_FS_PWD], &walks[0]);
		L(done);
	}
	if (image && want(o, l, CTX_EXE)) {
		const char *done = asm_local(p, "exe_done");

		deref(p, FP(ptr), FP(task), m[KM_TASK_MM], done);
		deref(p, FP(ptr), FP(ptr), m[KM_MM_EXE_FILE], done);
		walk_path(p, l, m[KM_FILE_PATH], &walks[1]);
		L(done);
	}
	if (image && want(o, l, CTX_ENV))
		env_block(p, l, BASE_ENV);
	/* the root directory, up to the top of the mount tree: empty unless chrooted */
	if (want(o, l, CTX_ROOT)) {
		const char *done = asm_local(p, "root_done");

		deref(p, FP(ptr), FP(task), m[KM_TASK_FS], done);
		walk_path(p, l, m[KM_FS_ROOT], &walks[2]);
		L(done);
	}
	if (want(o, l, CTX_CGROUP) && l->feature[KF_CGROUP])
		cgroup_block(p, l);
}

/*
 * The callbacks the program loads, after its last exit. Each copies in the slots of its loop's
 * state (cb_copy: the first of cb_slots, how many in, how many back: the last ones are read
 * only), runs its loop's step, then at cb_next copies them back for the next pass (0), at
 * cb_cut says the cut, and at cb_stop ends (1).
 */
static const int16_t cb_slots[] = {
    FP(dentry), FP(mount), FP(root), FP(top_dentry), FP(arg_start), FP(next), FP(arg_end)};
static const uint8_t cb_copy[CB_COUNT][3] = {
    {0, 4, 3}, {0, 4, 3}, {0, 3, 3}, {0, 0, 0}, {4, 3, 2}, {0, 1, 1}};

static void callback(struct asm_prog *p, const struct prog_layout *l, int k)
{
	const char *cont = asm_local(p, "cb_next"), *cut = asm_local(p, "cb_cut");
	const char *stop = asm_local(p, "cb_stop");
	const int16_t *slot = cb_slots + cb_copy[k][0];
	int i;

	loop_start(p, cb_names[k], REC, ITER);
	for (i = 0; i < cb_copy[k][1]; i++) {
		E(BPF_LDX_MEM(BPF_DW, R1, FRAME, slot[i]));
		E(BPF_STX_MEM(BPF_DW, R10, R1, slot[i]));
	}
	if (k == CB_BACK || k == CB_SCAN)
		env_block_at(p, BASE_ENV, stop);
	if (k == CB_BACK) {
		/* FP(last) = 1 + ITER at the first NUL from the window's end: a callback is
		 * walked a few times, branches or not */
		E(BPF_JMP_IMM(BPF_JGE, ITER, EV_ENV_BACK, stop)); /* never, but bounds */
		E(BPF_MOV64_IMM(R1,
				EV_ENV_WINDOW - 1)); /* a bounded offset, which a pointer keeps */
		ES(ALU64_REG(BPF_SUB, R1, ITER),
		   ALU64_REG(BPF_ADD, R1, BLOCK),
		   LDX_MEM(BPF_B, R2, R1, 0));
		E(BPF_JMP_IMM(BPF_JNE, R2, 0, cont));
		ES(ALU64_IMM(BPF_ADD, ITER, 1), STX_MEM(BPF_DW, FRAME, ITER, FP(last)));
		E(BPF_JMP_A(stop));
	} else if (k == CB_SCAN) {
		scan_step(p, cont, stop, cut);
	} else if (k == CB_CGROUP) {
		cg_step(p, l, cont, stop, cut);
	} else {
		walk_step(p, l, &walks[k], cont, stop, cut);
	}
	L(cont);
	for (i = 0; i < cb_copy[k][2]; i++) {
		E(BPF_LDX_MEM(BPF_DW, R1, R10, slot[i]));
		E(BPF_STX_MEM(BPF_DW, FRAME, R1, slot[i]));
	}
	ES(MOV64_IMM(R0, 0), EXIT_INSN());
	if (k != CB_BACK) {
		L(cut);
		if (k == CB_SCAN) {
			const char *left = asm_local(p, "cb_left");

			scan_cut(p, left);
			L(left);
			E(BPF_STX_MEM(BPF_DW, FRAME, R1, FP(tmp)));
		} else {
			rec_or(p,
			       EV_OFF(ctx_flags),
			       BPF_H,
			       k == CB_CGROUP ? EV_C_CGROUP_CUT : walks[k].cut);
		}
	}
	L(stop);
	ES(MOV64_IMM(R0, 1), EXIT_INSN());
}

void context_callbacks(struct asm_prog *p, const struct prog_layout *l)
{
	for (int k = 0; k < CB_COUNT + 2; k++)
		for (size_t j = 0; j < p->njumps; j++)
			if (!strcmp(p->jumps[j].name, cb_names[k])) {
				if (k < CB_COUNT)
					callback(p, l, k);
				else /* common.c's */
					args_callback(p, k == CB_COUNT ? 4 : 8);
				break;
			}
}
