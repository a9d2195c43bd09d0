// SPDX-License-Identifier: MIT
/* One line per requirement: ok or missing, and what to do about it. */
#include "fmt.h"
#include "output.h"
#include "check.h"

#include "btf.h"
#include "layout.h"
#include "loader.h"
#include "selftest.h"
#include "sysfile.h"
#include "tracefs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static int failures;

static void line(bool ok, bool required, const char *what, const char *detail)
{
	ms_printf("%-28s %-8s %s\n", what, ok ? "ok" : required ? "missing" : "no", detail);
	if (!ok && required)
		failures++;
}

/* Capability bit cap in CapEff of /proc/self/status. */
static bool has_cap(int cap)
{
	char buf[2048], *p;

	if (read_small_file("/proc/self/status", buf, sizeof(buf)) <= 0)
		return geteuid() == 0;
	p = str_find(buf, "CapEff:");
	return p && (scan_u64(p + 7, NULL, 16, NULL) >> cap) & 1;
}

static void check_kernel(void)
{
	struct utsname u;
	char buf[256], *dot;
	long maj, min = 0;

	uname(&u);
	ms_snprintf(buf, sizeof(buf), "%s %s (5.5 or later needed)", u.release, u.machine);
	maj = (long)scan_u64(u.release, &dot, 10, NULL);
	if (*dot == '.')
		min = (long)scan_u64(dot + 1, NULL, 10, NULL);
	line(maj > 5 || (maj == 5 && min >= 5), true, "kernel version", buf);
}

static void check_privileges(void)
{
	char buf[256];
	/* CAP_DAC_OVERRIDE = 1, CAP_DAC_READ_SEARCH = 2, CAP_SYS_ADMIN = 21, CAP_PERFMON = 38,
	 * CAP_BPF = 39; tracefs is mode 0700: root's, or CAP_DAC_READ_SEARCH's */
	bool admin = has_cap(21), bpf = admin || has_cap(39), perfmon = admin || has_cap(38);
	bool dac = geteuid() == 0 || has_cap(1) || has_cap(2);

	if (bpf && perfmon && dac)
		ms_snprintf(buf, sizeof(buf), "%s, tracefs readable",
			    admin ? "CAP_SYS_ADMIN" : "CAP_BPF+CAP_PERFMON");
	else
		ms_snprintf(buf, sizeof(buf), "missing%s%s%s: run as root, or grant them",
			    bpf ? "" : " CAP_BPF", perfmon ? "" : " CAP_PERFMON",
			    dac ? "" : " CAP_DAC_READ_SEARCH");
	line(bpf && perfmon && dac, true, "privileges", buf);
	if (bpf_usable(buf, sizeof(buf)) == 0)
		line(true, true, "bpf() usable", "created a test map");
	else
		line(false, true, "bpf() usable", buf);
}

static void check_tracefs(void)
{
	char buf[256];
	int r = tracefs_mount();

	if (!r)
		ms_snprintf(buf, sizeof(buf), "%s%s", tracefs_dir(),
			    tracefs_mounted_by_us() ? " (mounted it for this check)" : "");
	else if (r == -EACCES)
		ms_snprintf(
		    buf, sizeof(buf),
		    "/sys/kernel/tracing not readable: grant CAP_DAC_READ_SEARCH, or run as "
		    "root");
	else
		ms_snprintf(buf, sizeof(buf), "cannot mount tracefs: %s (CONFIG_FTRACE, root)",
			    strerror(-r));
	line(!r, true, "tracefs", buf);
}

/* Each declared program's tracepoint: its id and the fields it reads, as found. */
static void check_tracepoints(const struct kernel_layout *k)
{
	for (size_t p = 0; p < P_COUNT; p++) {
		const struct prog_def *d = &prog_defs[p];
		const struct tp_state *t = &k->tp[p];
		char what[64], buf[256];
		int n;

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
		line(!t->err, layout_loads(k, (enum prog_id)p), what, buf);
	}
}

/* BTF, then each feature: the members it found, or what is lost without them. */
static void check_btf(const struct kernel_layout *k)
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
	line(k->btf_used && !k->btf_err, false, "BTF", buf);
	for (size_t f = 0; f < KF_COUNT; f++) {
		const struct kfeature_def *d = &kfeature_defs[f];
		const char *sep = "";
		size_t n = (size_t)ms_snprintf(buf, sizeof(buf), "from BTF: ");

		for (size_t m = 0; m < KM_COUNT && n < sizeof(buf); m++) {
			if (!(d->members & (1ull << m)))
				continue;
			n += (size_t)ms_snprintf(buf + n, sizeof(buf) - n, "%s%s.%s at %u", sep,
						 kmember_defs[m].type, kmember_defs[m].member,
						 k->member[m]);
			sep = ", ";
		}
		line(k->feature[f], false, d->name, k->feature[f] ? buf : d->without);
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
					    kmember_defs[m].type, kmember_defs[m].member);
				break;
			}
}

/* The context fields (-o, -e): which this kernel gives, and why the others stay null. */
static void check_fields(const struct kernel_layout *k)
{
	ms_printf("fields:\n");
	for (unsigned c = COL_CWD; c < COL_COUNT; c++) {
		int f = ctx_feature[out_col_ctx((enum out_col)c)];
		char why[160] = "";

		if (f >= 0 && !k->feature[f]) /* off whenever BTF is not read */
			why_off(k, f, why, sizeof(why));
		if (why[0])
			ms_printf("  %-26s null:    %s\n", out_col_name((enum out_col)c), why);
		else
			ms_printf("  %-26s ok\n", out_col_name((enum out_col)c));
	}
}

static void check_jit(void)
{
	char jit[8] = "", buf[128];

	if (read_small_file("/proc/sys/net/core/bpf_jit_enable", jit, sizeof(jit)) < 0)
		jit[0] = 0;
	jit[strcspn(jit, "\n")] = 0;
	ms_snprintf(buf, sizeof(buf), "bpf_jit_enable=%s%s", jit[0] ? jit : "?",
		    jit[0] == '1' || jit[0] == '2' ? ""
						   : " (interpreted: slower; sysctl "
						     "net.core.bpf_jit_enable=1)");
	line(jit[0] == '1' || jit[0] == '2', false, "JIT", buf);
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
static void check_selftest(struct kernel_layout *k)
{
	char msg[320];
	const char *t = getenv("MINISNOOP_TEST_LAYOUT");
	int r;

	if (failures) {
		line(false, false, "self-test", "not run: something above is missing");
		return;
	}
	if (t && !strcmp(t, "skew"))
		skew_layout(k);
	r = selftest_run(k, msg, sizeof(msg));
	line(r == 0, true, "self-test", msg);
}

int cmd_check(int argc, char **argv, bool no_btf)
{
	struct kernel_layout k;

	(void)argv;
	if (argc > 1) {
		ms_fprintf(stderr, "minisnoop: check takes no arguments\n");
		return 2;
	}
	failures = 0;
	check_kernel();
	check_privileges();
	/* Mounting is this explicit step; the probe below only looks. */
	check_tracefs();
	layout_probe(&k, !no_btf);
	check_tracepoints(&k);
	check_btf(&k);
	/* Off by default: watching the compat entry costs every syscall (minisnoop.8). */
	line(k.feature[KF_COMPAT], false, "failed 32-bit execs",
	     k.feature[KF_COMPAT] ? "reported with --compat (it watches every syscall)"
				  : "not seen, nor counted, even with --compat");
	check_fields(&k);
	check_jit();
	check_selftest(&k);
	tracefs_unmount();
	if (failures)
		ms_printf("minisnoop cannot trace here: %d requirement%s missing\n", failures,
			  failures > 1 ? "s" : "");
	else
		ms_printf("minisnoop can trace here\n");
	return failures ? 1 : 0;
}
