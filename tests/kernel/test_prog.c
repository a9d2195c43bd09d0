// SPDX-License-Identifier: MIT
/*
 * Issue 20, end to end: `minisnoop verify --prog` loads the text programs of tests/textprog/
 * (one of each program type, accepted and rejected) and says why a rejected one was rejected
 * in plain words; `explain` reads the log it printed. A row: the options, the exit status, and
 * what stdout or stderr must say.
 */
#include "snoop.h"

#include "bpf_asm.h"
#include "loader.h"

#include <sys/utsname.h>
#include <sys/wait.h>

#define P "tests/textprog/"

static const struct row {
	const char *args[8];
	int status;
	const char *out, *err; /* substrings of stdout and stderr ("" for none) */
} rows[] = {
    {{"verify", "--prog", P "socket-len.txt", NULL},
     0,
     "'socket_len' (socket_filter, 2 insns)",
     ""},
    {{"verify", "--prog", P "socket-count.txt", NULL}, 0, "loaded and verified", ""},
    {{"verify", "--prog", P "socket-null.txt", NULL},
     1,
     "means: the register is a pointer that may be NULL",
     "R0 invalid mem access 'map_value_or_null'"},
    {{"verify", "--prog", P "xdp-pass.txt", NULL}, 0, "(xdp, 8 insns) loaded and verified", ""},
    {{"verify", "--prog", P "xdp-nobounds.txt", NULL},
     1,
     "means: packet data read beyond what was checked against data_end",
     "(tests/textprog/xdp-nobounds.txt:3)"},
    {{"verify", "--prog", P "tracepoint-ok.txt", "--attach", "sched:sched_process_exec", NULL},
     0,
     "attached to sched:sched_process_exec",
     ""},
    {{"verify", "--prog", P "tracepoint-far.txt", "--attach", "sched:sched_process_exec", NULL},
     1,
     "",
     "reads past the tracepoint's record"},
    {{"verify", "--prog", P "kprobe-pid.txt", NULL}, 0, "(kprobe, 13 insns) loaded", ""},
    {{"verify", "--prog", P "kprobe-pid.txt", "--attach", "kprobe:vfs read", NULL},
     1,
     "",
     "--attach: kprobe:FUNCTION[+OFFSET] or kretprobe:FUNCTION, not 'kprobe:vfs read'"},
    {{"verify", "--prog", P "kprobe-pid.txt", "--attach", "kretprobe:vfs_read+8", NULL},
     1,
     "",
     "--attach: kprobe:FUNCTION[+OFFSET]"},
    {{"verify", "--prog", P "kprobe-helper.txt", NULL},
     1,
     "means: the helper is not available to this program type",
     "cannot use helper bpf_xdp_adjust_head#44"},
    {{"verify", "--prog", P "cgroup-skb-ok.txt", NULL}, 0, "(cgroup_skb, 2 insns)", ""},
    {{"verify", "--prog", P "cgroup-skb-ret.txt", NULL},
     1,
     "means: the return value is outside the range",
     "should have been in [0, 1]"},
    /* --type overrides the file's own; the same text as a socket filter is rejected */
    {{"verify", "--prog", P "xdp-pass.txt", "--type", "socket_filter", NULL},
     1,
     "verdict: rejected",
     ""},
    {{"verify", "--prog", P "xdp-pass.txt", "--type", "nosuch", NULL}, 2, "", "--type: one of"},
    {{"verify", "--type", "xdp", NULL}, 2, "", "--type needs --prog FILE"},
    {{"dump", "--prog", P "socket-count.txt", NULL}, 0, "map counts array key 4 value 8", ""},
    {{"explain", "tests/explain/6.18-null-deref.log", NULL}, 0, "verdict: rejected", ""},
};

static bool has(const struct buf *b, const char *s)
{
	return !*s || buf_has(b, s);
}

/* The running kernel is 5.17 or later (bpf_loop). */
static bool has_loop(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	return !uname(&u) && sscanf(u.release, "%u.%u", &major, &minor) == 2 &&
	       (major > 5 || (major == 5 && minor >= 17));
}

/* 21 subprograms (20 bpf_loop callbacks), each named in the BTF func_info the loader makes
 * (it held 16 once: the kernel refused the program, "number of funcs in func_info ...") */
static void test_many_subprograms(void **state)
{
	const char *args[] = {"verify", "--prog", P "socket-loops.txt", NULL};
	struct snoop *s;

	(void)state;
	REQUIRE_KERNEL();
	skip_unless_built("verify");
	if (!has_loop()) {
		print_message("[  SKIP    ] no bpf_loop before 5.17\n");
		skip();
	}
	s = run_minisnoop(args, 20000);
	if (s->status || !buf_has(&s->out, "'socket_loops' (socket_filter, 162 insns) loaded"))
		fail_msg("verify socket-loops.txt: exit %#x\n%s%s", s->status, buf_str(&s->out),
			 buf_str(&s->err));
}

static void test_text_programs(void **state)
{
	(void)state;
	REQUIRE_KERNEL();
	skip_unless_built("explain");
	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		const struct row *r = &rows[k];
		struct snoop *s = run_minisnoop(r->args, 20000);

		if (!WIFEXITED(s->status) || WEXITSTATUS(s->status) != r->status ||
		    !has(&s->out, r->out) || !has(&s->err, r->err))
			fail_msg(
			    "%s %s %s: exit %#x, want %d, '%s' and '%s'; stdout:\n%s\nstderr:\n%s",
			    r->args[0], r->args[1], r->args[2] ? r->args[2] : "", s->status,
			    r->status, r->out, r->err, buf_str(&s->out), buf_str(&s->err));
		snoop_cleanup(); /* its slot back: the table is longer than the slots */
	}
}

/* What verify printed of a rejection, read again by explain: the same reason. */
static void test_verify_log_explained_again(void **state)
{
	const char *v[] = {"verify", "--prog", P "kprobe-helper.txt", NULL};
	char path[PATH_MAX];
	struct snoop *s;
	FILE *f;

	(void)state;
	REQUIRE_KERNEL();
	skip_unless_built("explain");
	s = run_minisnoop(v, 20000);
	snprintf(path, sizeof(path), "%s/verify.log", tmpdir());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(buf_str(&s->out), f);
	fputs(buf_str(&s->err), f);
	fclose(f);
	{
		const char *e[] = {"explain", path, NULL};

		s = run_minisnoop(e, 20000);
		expect_exit0(s, "explain");
		if (!buf_has(&s->out, "log: minisnoop") ||
		    !buf_has(&s->out, "reason: program of this type cannot use helper") ||
		    !buf_has(&s->out, "at insn 1: (85) call bpf_xdp_adjust_head#44"))
			fail_msg("explain of verify's output:\n%s", buf_str(&s->out));
	}
}

/* Loads n instructions (r0 = 0 ... exit) of type; the loader's one-line message. */
static int load_n(size_t n, int type, char *msg, size_t len)
{
	const struct load_opts o = {.log_level = 1, .stats = true};
	struct load_result res;
	struct asm_prog p;
	int r;

	asm_init(&p);
	for (size_t k = 0; k + 1 < n; k++)
		EMIT(&p, BPF_MOV64_IMM(R0, 0));
	EMIT(&p, BPF_EXIT_INSN());
	assert_int_equal(asm_finish(&p), 0);
	r = prog_load(&p, (enum bpf_prog_type)type, "ms_nolog", NULL, 0, &o, &res);
	snprintf(msg, len, "%s", res.errmsg);
	load_result_free(&res);
	asm_free(&p);
	return r;
}

/* Failures before the verifier writes a word: named from the attributes and the system. */
static void test_failures_without_a_log_said(void **state)
{
	char msg[512];
	int pfd[2], status;
	ssize_t n;
	pid_t pid;

	(void)state;
	REQUIRE_KERNEL();
	REQUIRE_NOBODY();
	skip_unless_built("explain");
	assert_int_equal(load_n(1000001, BPF_PROG_TYPE_SOCKET_FILTER, msg, sizeof(msg)), -E2BIG);
	if (!strstr(msg, "more than 1000000 instructions"))
		fail_msg("E2BIG: %s", msg);
	assert_int_equal(load_n(2, 999, msg, sizeof(msg)), -EINVAL);
	if (!strstr(msg, "a program type this kernel does not know (type 999)"))
		fail_msg("EINVAL: %s", msg);
	/* unprivileged: which of the two refusals is read from the sysctl */
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		if (!become(65534))
			_exit(3);
		load_n(2, BPF_PROG_TYPE_SOCKET_FILTER, msg, sizeof(msg));
		_exit(write(pfd[1], msg, strlen(msg)) > 0 ? 0 : 4);
	}
	close(pfd[1]);
	n = read(pfd[0], msg, sizeof(msg) - 1);
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	msg[n > 0 ? n : 0] = 0;
	{
		FILE *f = fopen("/proc/sys/kernel/unprivileged_bpf_disabled", "r");
		int v = -1;

		if (f) {
			if (fscanf(f, "%d", &v) != 1)
				v = -1;
			fclose(f);
		}
		if (v > 0 &&
		    !strstr(msg, "unprivileged BPF is disabled (kernel.unprivileged_bpf_disabled="))
			fail_msg("EPERM with unprivileged_bpf_disabled=%d: %s", v, msg);
		if (v <= 0 && msg[0] && !strstr(msg, "CAP_BPF"))
			fail_msg("unprivileged load: %s", msg);
	}
}

/* --attach kprobe: through the kprobe PMU where the kernel has one (the boot test's kernels
 * do: tests/initramfs/guest.sh), said plainly where it has not (this host's). */
static void test_kprobe_attach(void **state)
{
	static const char *const specs[] = {"kprobe:vfs_read", "kretprobe:vfs_read",
					    "kprobe:vfs_read+0"};
	bool pmu = access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0;

	(void)state;
	REQUIRE_KERNEL();
	skip_unless_built("verify");
	for (size_t k = 0; k < sizeof(specs) / sizeof(specs[0]); k++) {
		const char *args[] = {"verify",	  "--prog", P "kprobe-pid.txt",
				      "--attach", specs[k], NULL};
		struct snoop *s = run_minisnoop(args, 20000);
		char want[96];

		snprintf(want, sizeof(want), "attached to %s", specs[k]);
		if (pmu ? s->status != 0 || !buf_has(&s->out, want)
			: WEXITSTATUS(s->status) != 1 || !buf_has(&s->err, "no kprobe PMU"))
			fail_msg("verify --attach %s (kprobe PMU %s): status 0x%x\n%s%s", specs[k],
				 pmu ? "present" : "absent", s->status, buf_str(&s->out),
				 buf_str(&s->err));
	}
	if (!pmu)
		print_message("[  NOTE    ] no kprobe PMU here: only the refusal was checked\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(test_text_programs),
	    T(test_many_subprograms),
	    T(test_verify_log_explained_again),
	    T(test_failures_without_a_log_said),
	    T(test_kprobe_attach),
#undef T
	};

	snoop_init(120, "/tmp/minisnoop-prog.", NULL);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
