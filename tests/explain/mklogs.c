// SPDX-License-Identifier: MIT
/*
 * Makes the real logs of tests/explain/: deliberately broken programs (and one good one)
 * loaded on the running kernel with the verifier log at level 1 and statistics; each log is
 * written as tests/explain/KERNEL-NAME.log (KERNEL: the release's major.minor).
 * Build and run as root from the top directory:
 *   make build/host/src/{asm,loader,bpf_sys,disasm,vlog,fmt,sysfile}.o
 *   gcc -D_GNU_SOURCE -Iinclude -Isrc -o build/tests/mklogs tests/explain/mklogs.c \
 *       build/host/src/{asm,loader,bpf_sys,disasm,vlog,fmt,sysfile}.o && build/tests/mklogs
 * then `MINISNOOP_UPDATE_GOLDEN=1 build/tests/test_explain` writes the expected explanations.
 * `build/tests/mklogs --text DIR` writes the same programs as text (DIR/NAME.txt, for
 * `minisnoop verify --prog`) instead: tests/explain/boot-logs.sh loads them on the boot
 * kernels (5.10, 6.1, 6.12), whose wording differs.
 */
#include "bpf_asm.h"
#include "disasm.h"
#include "loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static struct map_spec maps[] = {{"vals", BPF_MAP_TYPE_HASH, 4, 8, 16, 0, -1}};

typedef void (*build_fn)(struct asm_prog *p);

static void null_deref(struct asm_prog *p)
{
	EMIT(p, BPF_ST_MEM(BPF_W, R10, -4, 0));
	EMIT(p, BPF_LD_MAP_FD(R1, "vals"));
	EMIT(p, BPF_MOV64_REG(R2, R10));
	EMIT(p, BPF_ALU64_IMM(BPF_ADD, R2, -4));
	EMIT(p, BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem));
	EMIT(p, BPF_LDX_MEM(BPF_DW, R0, R0, 0));
	EMIT(p, BPF_EXIT_INSN());
}

static void scalar_deref(struct asm_prog *p)
{
	EMIT(p, BPF_MOV64_IMM(R1, 0));
	EMIT(p, BPF_LDX_MEM(BPF_DW, R0, R1, 0));
	EMIT(p, BPF_EXIT_INSN());
}

static void uninit_reg(struct asm_prog *p)
{
	EMIT(p, BPF_MOV64_REG(R0, R2));
	EMIT(p, BPF_EXIT_INSN());
}

static void no_r0(struct asm_prog *p)
{
	EMIT(p, BPF_MOV64_IMM(R1, 1));
	EMIT(p, BPF_EXIT_INSN());
}

static void infinite_loop(struct asm_prog *p)
{
	EMIT(p, BPF_MOV64_IMM(R0, 0));
	LABEL(p, "again");
	EMIT(p, BPF_JMP_IMM(BPF_JEQ, R0, 0, "again"));
	EMIT(p, BPF_EXIT_INSN());
}

static void too_large(struct asm_prog *p)
{
	EMIT(p, BPF_MOV64_IMM(R0, 0));
	LABEL(p, "again");
	EMIT(p, BPF_ALU64_IMM(BPF_ADD, R0, 1));
	EMIT(p, BPF_JMP_IMM(BPF_JLT, R0, 10000000, "again"));
	EMIT(p, BPF_MOV64_IMM(R0, 0));
	EMIT(p, BPF_EXIT_INSN());
}

static void stack_oob(struct asm_prog *p)
{
	EMIT(p, BPF_ST_MEM(BPF_DW, R10, -520, 0));
	EMIT(p, BPF_MOV64_IMM(R0, 0));
	EMIT(p, BPF_EXIT_INSN());
}

static void helper_denied(struct asm_prog *p)
{
	EMIT(p, BPF_MOV64_IMM(R2, 8));
	EMIT(p, BPF_EMIT_CALL(BPF_FUNC_xdp_adjust_head));
	EMIT(p, BPF_MOV64_IMM(R0, 0));
	EMIT(p, BPF_EXIT_INSN());
}

static void ctx_access(struct asm_prog *p)
{
	EMIT(p, BPF_LDX_MEM(BPF_W, R0, R1, 10000));
	EMIT(p, BPF_EXIT_INSN());
}

static void unreachable(struct asm_prog *p)
{
	EMIT(p, BPF_MOV64_IMM(R0, 0));
	EMIT(p, BPF_EXIT_INSN());
	EMIT(p, BPF_MOV64_IMM(R0, 1));
	EMIT(p, BPF_EXIT_INSN());
}

static void jump_out(struct asm_prog *p)
{
	EMIT(p, BPF_MOV64_IMM(R0, 0));
	EMIT(p, BPF_RAW_INSN(BPF_JMP | BPF_JA, 0, 0, 100, 0));
	EMIT(p, BPF_EXIT_INSN());
}

static void map_value_oob(struct asm_prog *p)
{
	EMIT(p, BPF_ST_MEM(BPF_W, R10, -4, 0));
	EMIT(p, BPF_LD_MAP_FD(R1, "vals"));
	EMIT(p, BPF_MOV64_REG(R2, R10));
	EMIT(p, BPF_ALU64_IMM(BPF_ADD, R2, -4));
	EMIT(p, BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem));
	EMIT(p, BPF_JMP_IMM(BPF_JEQ, R0, 0, "out"));
	EMIT(p, BPF_LDX_MEM(BPF_DW, R0, R0, 8));
	LABEL(p, "out");
	EMIT(p, BPF_MOV64_IMM(R0, 0));
	EMIT(p, BPF_EXIT_INSN());
}

static void ptr_arith(struct asm_prog *p)
{
	EMIT(p, BPF_MOV64_REG(R2, R10));
	EMIT(p, BPF_ALU64_IMM(BPF_MUL, R2, 2));
	EMIT(p, BPF_MOV64_IMM(R0, 0));
	EMIT(p, BPF_EXIT_INSN());
}

static void no_exit(struct asm_prog *p)
{
	EMIT(p, BPF_MOV64_IMM(R0, 0));
}

static void bad_opcode(struct asm_prog *p)
{
	EMIT(p, BPF_RAW_INSN(0xff, 0, 0, 0, 0));
	EMIT(p, BPF_MOV64_IMM(R0, 0));
	EMIT(p, BPF_EXIT_INSN());
}

static void fp_write(struct asm_prog *p)
{
	EMIT(p, BPF_MOV64_IMM(R10, 0));
	EMIT(p, BPF_MOV64_IMM(R0, 0));
	EMIT(p, BPF_EXIT_INSN());
}

/* Two branches walked, the second fails: the path shows "from X to Y". */
static void branchy(struct asm_prog *p)
{
	EMIT(p, BPF_LDX_MEM(BPF_W, R2, R1, 0)); /* skb->len */
	EMIT(p, BPF_JMP_IMM(BPF_JGT, R2, 100, "big"));
	EMIT(p, BPF_MOV64_IMM(R0, 0));
	EMIT(p, BPF_EXIT_INSN());
	LABEL(p, "big");
	EMIT(p, BPF_JMP_IMM(BPF_JGT, R2, 1000, "huge"));
	EMIT(p, BPF_MOV64_IMM(R0, 1));
	EMIT(p, BPF_EXIT_INSN());
	LABEL(p, "huge");
	EMIT(p, BPF_MOV64_REG(R0, R3));
	EMIT(p, BPF_EXIT_INSN());
}

static void accepted(struct asm_prog *p)
{
	EMIT(p, BPF_LDX_MEM(BPF_W, R2, R1, 0));
	EMIT(p, BPF_ST_MEM(BPF_DW, R10, -8, 0));
	EMIT(p, BPF_JMP_IMM(BPF_JGT, R2, 100, "big"));
	EMIT(p, BPF_MOV64_IMM(R0, 0));
	EMIT(p, BPF_EXIT_INSN());
	LABEL(p, "big");
	EMIT(p, BPF_MOV64_IMM(R0, 1));
	EMIT(p, BPF_EXIT_INSN());
}

/* A bigger accepted one, for --compare: more branches, more states. */
static void accepted_more(struct asm_prog *p)
{
	EMIT(p, BPF_LDX_MEM(BPF_W, R2, R1, 0));
	EMIT(p, BPF_ST_MEM(BPF_DW, R10, -8, 0));
	EMIT(p, BPF_ST_MEM(BPF_DW, R10, -16, 0));
	EMIT(p, BPF_MOV64_IMM(R0, 0));
	for (int k = 0; k < 6; k++) {
		char *l = malloc(8);

		snprintf(l, 8, "s%d", k);
		EMIT(p, BPF_JMP_IMM(BPF_JGT, R2, 10 * k, l));
		EMIT(p, BPF_ALU64_IMM(BPF_ADD, R0, 1));
		LABEL(p, l);
	}
	EMIT(p, BPF_EXIT_INSN());
}

static void ret_range(struct asm_prog *p)
{
	EMIT(p, BPF_MOV64_IMM(R0, 7));
	EMIT(p, BPF_EXIT_INSN());
}

static const struct {
	const char *name;
	build_fn fn;
	enum bpf_prog_type type;
} progs[] = {
    {"null-deref", null_deref, BPF_PROG_TYPE_SOCKET_FILTER},
    {"scalar-deref", scalar_deref, BPF_PROG_TYPE_SOCKET_FILTER},
    {"uninit-reg", uninit_reg, BPF_PROG_TYPE_SOCKET_FILTER},
    {"no-r0", no_r0, BPF_PROG_TYPE_SOCKET_FILTER},
    {"infinite-loop", infinite_loop, BPF_PROG_TYPE_SOCKET_FILTER},
    {"too-large", too_large, BPF_PROG_TYPE_SOCKET_FILTER},
    {"stack-oob", stack_oob, BPF_PROG_TYPE_SOCKET_FILTER},
    {"helper-denied", helper_denied, BPF_PROG_TYPE_SOCKET_FILTER},
    {"ctx-access", ctx_access, BPF_PROG_TYPE_SOCKET_FILTER},
    {"unreachable", unreachable, BPF_PROG_TYPE_SOCKET_FILTER},
    {"jump-out", jump_out, BPF_PROG_TYPE_SOCKET_FILTER},
    {"map-value-oob", map_value_oob, BPF_PROG_TYPE_SOCKET_FILTER},
    {"ptr-arith", ptr_arith, BPF_PROG_TYPE_SOCKET_FILTER},
    {"no-exit", no_exit, BPF_PROG_TYPE_SOCKET_FILTER},
    {"bad-opcode", bad_opcode, BPF_PROG_TYPE_SOCKET_FILTER},
    {"fp-write", fp_write, BPF_PROG_TYPE_SOCKET_FILTER},
    {"branchy", branchy, BPF_PROG_TYPE_SOCKET_FILTER},
    {"ret-range", ret_range, BPF_PROG_TYPE_CGROUP_SKB},
    {"accepted", accepted, BPF_PROG_TYPE_SOCKET_FILTER},
    {"accepted-more", accepted_more, BPF_PROG_TYPE_SOCKET_FILTER},
};

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/explain";
	struct load_opts o = {.log_level = 1, .stats = true};
	char err[256], rel[16] = "";
	struct utsname u;

	if (argc > 2 && !strcmp(argv[1], "--text")) {
		for (size_t k = 0; k < sizeof(progs) / sizeof(progs[0]); k++) {
			struct asm_prog p;
			char path[512];
			FILE *f;

			asm_init(&p);
			progs[k].fn(&p);
			asm_finish(&p);
			snprintf(path, sizeof(path), "%s/%s.txt", argv[2], progs[k].name);
			f = fopen(path, "w");
			if (!f)
				return 1;
			fprintf(f, "type %s\nmap vals hash key 4 value 8 entries 16\n",
				progs[k].type == BPF_PROG_TYPE_CGROUP_SKB ? "cgroup_skb"
									  : "socket_filter");
			disasm_prog(f, &p, false);
			fclose(f);
			asm_free(&p);
		}
		return 0;
	}
	uname(&u);
	sscanf(u.release, "%15[0-9.]", rel);
	if (strchr(rel, '.') && strchr(strchr(rel, '.') + 1, '.'))
		*strchr(strchr(rel, '.') + 1, '.') = 0;
	if (maps_create(maps, 1, err, sizeof(err))) {
		fprintf(stderr, "mklogs: %s\n", err);
		return 1;
	}
	for (size_t k = 0; k < sizeof(progs) / sizeof(progs[0]); k++) {
		struct asm_prog p;
		struct load_result res;
		char path[512];
		FILE *f;
		int r;

		asm_init(&p);
		progs[k].fn(&p);
		asm_finish(&p);
		r = prog_load(&p, progs[k].type, "mklogs", maps, 1, &o, &res);
		snprintf(path, sizeof(path), "%s/%s-%s.log", dir, rel, progs[k].name);
		f = fopen(path, "w");
		if (f) {
			fputs(res.log ? res.log : "", f);
			fclose(f);
		}
		printf("%s: %d %s\n", path, r, r ? res.errmsg : "loaded");
		load_result_free(&res);
		asm_free(&p);
	}
	maps_close(maps, 1);
	return 0;
}
