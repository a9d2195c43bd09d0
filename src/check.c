// SPDX-License-Identifier: MIT
/* One line per requirement: ok or missing, and what to do about it. */
#include "fmt.h"
#include "output.h"
#include "check.h"

#include "btf.h"
#include "layout.h"
#include "loader.h"
#include "privs.h"
#include "progset.h"
#include "selftest.h"
#include "sysfile.h"
#include "textprog.h"
#include "tracefs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* One run of `check`: what each step adds to, and the self-test and the verdict read. */
struct check_run {
	int failures; /* requirements missing so far */
};

static void line(struct check_run *c, bool ok, bool required, const char *what, const char *detail)
{
	ms_printf("%-28s %-8s %s\n", what, ok ? "ok" : required ? "missing" : "no", detail);
	if (!ok && required)
		c->failures++;
}

static void check_kernel(struct check_run *c)
{
	struct utsname u;
	char buf[256], *dot;
	long maj, min = 0;

	uname(&u);
	ms_snprintf(buf, sizeof(buf), "%s %s (5.5 or later needed)", u.release, u.machine);
	maj = (long)scan_u64(u.release, &dot, 10, NULL);
	if (*dot == '.')
		min = (long)scan_u64(dot + 1, NULL, 10, NULL);
	line(c, maj > 5 || (maj == 5 && min >= 5), true, "kernel version", buf);
}

static void check_privileges(struct check_run *c)
{
	char buf[256];
	/* CAP_DAC_OVERRIDE = 1, CAP_DAC_READ_SEARCH = 2, CAP_SYS_ADMIN = 21, CAP_PERFMON = 38,
	 * CAP_BPF = 39; tracefs is mode 0700: root's, or CAP_DAC_READ_SEARCH's */
	bool admin = privs_has_cap(21), bpf = admin || privs_has_cap(39),
	     perfmon = admin || privs_has_cap(38);
	bool dac = geteuid() == 0 || privs_has_cap(1) || privs_has_cap(2);

	if (bpf && perfmon && dac)
		ms_snprintf(buf, sizeof(buf), "%s, tracefs readable",
			    admin ? "CAP_SYS_ADMIN" : "CAP_BPF+CAP_PERFMON");
	else
		ms_snprintf(buf, sizeof(buf), "missing%s%s%s: run as root, or grant them",
			    bpf ? "" : " CAP_BPF", perfmon ? "" : " CAP_PERFMON",
			    dac ? "" : " CAP_DAC_READ_SEARCH");
	line(c, bpf && perfmon && dac, true, "privileges", buf);
	if (bpf_usable(buf, sizeof(buf)) == 0)
		line(c, true, true, "bpf() usable", "created a test map");
	else
		line(c, false, true, "bpf() usable", buf);
}

static void check_tracefs(struct check_run *c)
{
	char buf[256];
	int r = tracefs_open();

	if (!r)
		ms_snprintf(buf, sizeof(buf), "%s%s", tracefs_dir(),
			    tracefs_own_mount() ? " (mounted it for this check, privately)" : "");
	else if (r == -EACCES)
		ms_snprintf(
		    buf, sizeof(buf),
		    "/sys/kernel/tracing not readable: grant CAP_DAC_READ_SEARCH, or run as "
		    "root");
	else
		ms_snprintf(buf, sizeof(buf), "cannot mount tracefs: %s (CONFIG_FTRACE, root)",
			    strerror(-r));
	line(c, !r, true, "tracefs", buf);
}

/* Each declared program's tracepoint: its id and the fields it reads, as found. */
static void check_tracepoints(struct check_run *c, const struct kernel_layout *k)
{
	for (size_t p = 0; p < P_COUNT; p++) {
		const struct prog_def *d = &prog_defs[p];
		const struct tp_state *t = &k->tp[p];
		char what[64], buf[256];
		int n;

		if (!d->emit) /* --exit's in make tiny: not in the build */
			continue;
		ms_snprintf(what, sizeof(what), "tracepoint %s", d->tp_event);
		if (t->err && t->bad)
			n = ms_snprintf(buf, sizeof(buf), "field %s: %s", t->bad,
					t->err == -ENOENT ? "not found" : "odd offset or size");
		else if (t->err && !k->tracefs)
			n = ms_snprintf(buf, sizeof(buf), "not looked up: tracefs not available");
		else if (t->err)
			n = ms_snprintf(buf, sizeof(buf), "%s (CONFIG_FTRACE_SYSCALLS)",
					strerror(-t->err));
		else
			n = ms_snprintf(buf, sizeof(buf), "id %d", t->id);
		for (size_t f = 0; !t->err && f < PROG_TP_FIELDS && d->fields[f] && n > 0 &&
				   (size_t)n < sizeof(buf);
		     f++)
			n += ms_snprintf(buf + n, sizeof(buf) - (size_t)n, ", %s at %d (%u bytes)",
					 d->fields[f], t->field[f].off, t->field[f].size);
		/* A fallback program is needed only when what it stands in for is missing. */
		line(c, !t->err, layout_loads(k, (enum prog_id)p), what, buf);
	}
}

/* What is lost when context feature f is off, as fields.h says; NULL for another feature. */
static const char *ctx_lost(size_t f)
{
#define CTX_LOST(group, feature, lost) [CTX_##group] = lost,
	static const char *const lost[CTX_BITS] = {CTX_GROUPS(CTX_LOST)};
#undef CTX_LOST

	for (size_t g = 0; g < CTX_BITS; g++)
		if (ctx_feature[g] == (int)f)
			return lost[g];
	return NULL;
}

/* BTF, then each feature: the members it found, or what is lost without them. */
static void check_btf(struct check_run *c, const struct kernel_layout *k)
{
	char buf[256];

	if (!k->btf_used)
		ms_snprintf(buf, sizeof(buf), "not used (--no-btf or MINISNOOP_NO_BTF)");
	else if (k->narrow)
		ms_snprintf(buf, sizeof(buf),
			    "not used: a 32-bit kernel (the programs read 8-byte "
			    "kernel pointers)");
	else if (k->btf_err)
		ms_snprintf(buf, sizeof(buf), "%s: %s", BTF_VMLINUX_PATH, strerror(-k->btf_err));
	else
		ms_snprintf(buf, sizeof(buf), "%s", BTF_VMLINUX_PATH);
	line(c, k->btf_used && !k->btf_err, false, "BTF", buf);
	/* the lifecycle's features (ids, exits, fork records) are not make tiny's */
	for (size_t f = 0; f < (MS_FULL(1 ||) 0 ? KF_COUNT : KF_IDS); f++) {
		const struct kfeature_def *d = &kfeature_defs[f];
		const char *sep = "";
		size_t n = (size_t)ms_snprintf(buf, sizeof(buf), "from BTF: ");

		for (size_t m = 0; m < KM_COUNT && n < sizeof(buf); m++) {
			if (!(d->members & (1ull << m)))
				continue;
			n += (size_t)ms_snprintf(buf + n, sizeof(buf) - n, "%s%s.%s at %u", sep,
						 kmember_name(kmember_defs[m].type),
						 kmember_defs[m].member, k->member[m]);
			sep = ", ";
		}
		/* a context feature's loss is said in fields.h */
		line(c, k->feature[f], false, d->name,
		     k->feature[f] ? buf
		     : d->without  ? d->without
				   : ctx_lost(f));
	}
}

/* Why feature f is off, for the fields that need it. */
static void why_off(const struct kernel_layout *k, int f, char *buf, size_t n)
{
	if (!k->btf_used)
		ms_snprintf(buf, n, "BTF not used (--no-btf or MINISNOOP_NO_BTF)");
	else if (k->narrow)
		ms_snprintf(buf, n, "BTF not used on a 32-bit kernel");
	else if (k->btf_err)
		ms_snprintf(buf, n, "no BTF (%s: %s)", BTF_VMLINUX_PATH, strerror(-k->btf_err));
	else
		for (size_t m = 0; m < KM_COUNT; m++)
			if (kfeature_defs[f].members & (1ull << m) && !k->member_found[m]) {
				ms_snprintf(buf, n, "this kernel's BTF has no %s.%s",
					    kmember_name(kmember_defs[m].type),
					    kmember_defs[m].member);
				break;
			}
}

/* The context fields (-o, -e): which this kernel gives, and why the others stay null. */
static void check_fields(const struct kernel_layout *k)
{
	ms_printf("fields:\n");
	for (size_t c = COL_CTX_FIRST; c < COL_COUNT; c++) {
		int f = ctx_feature[out_cols[c].ctx];
		char why[160] = "";

		if (f >= 0 && !k->feature[f]) /* off whenever BTF is not read */
			why_off(k, f, why, sizeof(why));
		if (why[0]) /* ancestors: from fork records and /proc all the same, ids null */
			ms_printf("  %-26s %s%s\n", out_cols[c].name,
				  MS_FULL(c == COL_ANCESTORS ? "ids null: " :) "null:    ", why);
		else
			ms_printf("  %-26s ok\n", out_cols[c].name);
	}
}

static void check_jit(struct check_run *c)
{
	char jit[8] = "", buf[128];

	if (read_small_file("/proc/sys/net/core/bpf_jit_enable", jit, sizeof(jit)) < 0)
		jit[0] = 0;
	jit[strcspn(jit, "\n")] = 0;
	ms_snprintf(buf, sizeof(buf), "bpf_jit_enable=%s%s", jit[0] ? jit : "?",
		    jit[0] == '1' || jit[0] == '2' ? ""
						   : " (interpreted: slower; sysctl "
						     "net.core.bpf_jit_enable=1)");
	line(c, jit[0] == '1' || jit[0] == '2', false, "JIT", buf);
}

/* Test-only (MINISNOOP_TEST_LAYOUT=skew): a layout wrong on purpose, as a kernel could
 * differ from what was read: argv read where envp is, mm's environment taken for argv. */
static void skew_layout(struct kernel_layout *k)
{
	k->tp[P_EXECVE_ENTER].field[ENTER_ARGV].off += 8;
	k->tp[P_EXECVEAT_ENTER].field[ENTER_ARGV].off += 8;
	k->member[KM_MM_ARG_START] += 16;
	k->member[KM_MM_ARG_END] += 16;
}

/* The real programs, attached, must report a canary exec exactly as it happened. */
static void check_selftest(struct check_run *c, struct kernel_layout *k)
{
	char msg[320];
	const char *t = getenv("MINISNOOP_TEST_LAYOUT");
	struct progset ps = {0};
	int r;

	if (c->failures) {
		line(c, false, false, "self-test", "not run: something above is missing");
		return;
	}
	if (t && !strcmp(t, "skew"))
		skew_layout(k);
	r = selftest_run(k, &ps, msg, sizeof(msg));
	progset_print_logs(stderr, &ps, false); /* a refused program's log tail */
	progset_close(&ps);
	line(c, r == 0, true, "self-test", msg);
}

#ifndef MINISNOOP_TINY
/* check --types: which program types verify --prog can load here ("r0 = 0; exit" of each). */
static int check_types(struct check_run *c)
{
	const struct load_opts o = {0};

	for (const int *t = textprog_types; *t >= 0; t++) {
		struct asm_prog p;
		struct load_result res;
		int r;

		asm_init(&p);
		EMIT(&p, BPF_MOV64_IMM(R0, 0));
		EMIT(&p, BPF_EXIT_INSN());
		asm_finish(&p);
		r = prog_load(&p, (enum bpf_prog_type) * t, "ms_type", NULL, 0, &o, &res);
		line(c, !r, false, textprog_type_name(*t), r ? res.errmsg : "loads here");
		load_result_free(&res);
		asm_free(&p);
	}
	return 0;
}
#endif

int cmd_check(int argc, char **argv, bool no_btf)
{
	struct check_run run = {0};
	struct kernel_layout k;

#ifndef MINISNOOP_TINY
	if (argc == 2 && !strcmp(argv[1], "--types"))
		return check_types(&run);
#endif
	(void)argv;
	if (argc > 1) {
		ms_fprintf(stderr, "minisnoop: check takes no arguments\n");
		return 2;
	}
	check_kernel(&run);
	check_privileges(&run);
	/* Mounting is this explicit step; the probe below only looks. */
	check_tracefs(&run);
	layout_probe(&k, !no_btf);
	tracefs_close();
	check_tracepoints(&run, &k);
	check_btf(&run, &k);
	/* Off by default: watching the compat entry costs every syscall (minisnoop.8). */
	line(&run, k.feature[KF_COMPAT], false, "failed 32-bit execs",
	     k.feature[KF_COMPAT] ? "reported with --compat (it watches every syscall)"
				  : "not seen, nor counted, even with --compat");
#ifndef MINISNOOP_TINY /* no subtrees there */
	/* subtrees need no BTF: the fork tracepoint names the child, current is the parent */
	line(&run, !k.tp[P_FORK].err && !k.tp[P_EXIT].err, false, "subtrees",
	     "--tree, --exclude-tree, -- COMMAND: from sched_process_fork and _exit");
#endif
	check_fields(&k);
	check_jit(&run);
	check_selftest(&run, &k);
	if (run.failures)
		ms_printf("minisnoop cannot trace here: %d requirement%s missing\n", run.failures,
			  run.failures > 1 ? "s" : "");
	else
		ms_printf("minisnoop can trace here\n");
	return run.failures ? 1 : 0;
}
