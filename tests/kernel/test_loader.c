// SPDX-License-Identifier: MIT
/* Loads real programs into the running kernel; needs root (CAP_BPF + CAP_PERFMON). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bpf_sys.h"
#include "loader.h"
#include "progset.h"
#include "vlog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct load_opts lopt1 = {.log_level = 1, .stats = true};

/* The whole of a file, NUL-terminated (malloc'd), or NULL. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];
	FILE *out;

	if (!f)
		return NULL;
	out = open_memstream(&buf, &len);
	while (out && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, out);
	if (out)
		fclose(out);
	fclose(f);
	return buf;
}

/* Every test needs a working bpf(); say why when there is none. */
static int need_bpf(void **state)
{
	int fd;

	(void)state;
	if (geteuid() != 0) {
		print_message("skipped: kernel tests need root\n");
		return 0;
	}
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "probe", 4, 4, 1, 0);
	if (fd < 0) {
		print_message("skipped: bpf() unusable: %s\n", strerror(-fd));
		return 0;
	}
	close(fd);
	return 0;
}

#define REQUIRE_BPF()                                                                              \
	do {                                                                                       \
		int fd_;                                                                           \
		if (geteuid() != 0)                                                                \
			skip();                                                                    \
		fd_ = bpf_map_create(BPF_MAP_TYPE_ARRAY, "probe", 4, 4, 1, 0);                     \
		if (fd_ < 0)                                                                       \
			skip();                                                                    \
		close(fd_);                                                                        \
	} while (0)

static void test_load_real_program_and_read_info(void **state)
{
	struct asm_prog p;
	struct load_result r;
	struct bpf_prog_info info;
	struct bpf_map_info minfo;
	uint32_t len = sizeof(info), prog_map_id = 0;
	struct map_spec maps[] = {{.name = "counts",
				   .type = BPF_MAP_TYPE_ARRAY,
				   .key_size = 4,
				   .value_size = 8,
				   .max_entries = 1}};
	char err[256];

	(void)state;
	REQUIRE_BPF();
	assert_int_equal(maps_create(maps, 1, err, sizeof(err)), 0);
	asm_init(&p);
	EMIT(&p, BPF_ST_MEM(BPF_W, R10, -4, 0));
	EMIT(&p, BPF_LD_MAP_FD(R1, "counts"));
	EMIT(&p, BPF_MOV64_REG(R2, R10));
	EMIT(&p, BPF_ALU64_IMM(BPF_ADD, R2, -4));
	EMIT(&p, BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem));
	EMIT(&p, BPF_JMP_IMM(BPF_JEQ, R0, 0, "out"));
	EMIT(&p, BPF_MOV64_IMM(R1, 1));
	EMIT(&p, BPF_ATOMIC_OP(BPF_DW, BPF_ADD, R0, R1, 0));
	LABEL(&p, "out");
	EMIT(&p, BPF_MOV64_IMM(R0, 0));
	EMIT(&p, BPF_EXIT_INSN());
	assert_int_equal(asm_finish(&p), 0);

	assert_int_equal(prog_load(&p, BPF_PROG_TYPE_TRACEPOINT, "ms_test", maps, 1, &lopt1, &r),
			 0);
	assert_true(r.fd >= 0);
	assert_non_null(strstr(r.log, "processed "));
	memset(&info, 0, sizeof(info));
	assert_int_equal(bpf_obj_info(r.fd, &info, &len), 0);
	assert_int_equal(info.type, BPF_PROG_TYPE_TRACEPOINT);
	assert_string_equal(info.name, "ms_test");
	assert_int_equal(info.nr_map_ids, 1);
	/* The kernel may inline the array lookup, so its copy is at least as long as ours. */
	assert_true(info.xlated_prog_len >= p.len * sizeof(struct bpf_insn));
	/* The map the program uses is the one we created and named. */
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = 1;
	info.map_ids = (uint64_t)(uintptr_t)&prog_map_id;
	len = sizeof(info);
	assert_int_equal(bpf_obj_info(r.fd, &info, &len), 0);
	memset(&minfo, 0, sizeof(minfo));
	len = sizeof(minfo);
	assert_int_equal(bpf_obj_info(maps[0].fd, &minfo, &len), 0);
	assert_int_equal(prog_map_id, minfo.id);
	assert_string_equal(minfo.name, "counts");
	load_result_free(&r);
	maps_close(maps, 1);
	asm_free(&p);
}

static int uninit_line, oob_line;

static void test_uninitialised_register_names_reason_and_line(void **state)
{
	struct asm_prog p;
	struct load_result r;
	char want[128];
	int e;

	(void)state;
	REQUIRE_BPF();
	asm_init(&p);
	EMIT(&p, BPF_MOV64_IMM(R0, 0));
	uninit_line = __LINE__ + 1;
	EMIT(&p, BPF_ALU64_REG(BPF_ADD, R0, R7)); /* r7 never written */
	EMIT(&p, BPF_EXIT_INSN());
	assert_int_equal(asm_finish(&p), 0);
	/* Level 0: the loader asks again with a log to say why. */
	e = prog_load(&p, BPF_PROG_TYPE_TRACEPOINT, "ms_uninit", NULL, 0, &(struct load_opts){0},
		      &r);
	assert_true(e < 0);
	assert_int_equal(r.fd, -1);
	assert_non_null(strstr(r.errmsg, "R7 !read_ok"));
	snprintf(want, sizeof(want), "at insn 1 (0f) r0 += r7 (%s:%d)", __FILE__, uninit_line);
	assert_non_null(strstr(r.errmsg, want));
	load_result_free(&r);
	asm_free(&p);
}

static void test_stack_out_of_bounds_names_reason_and_line(void **state)
{
	struct asm_prog p;
	struct load_result r;
	char want[128];

	(void)state;
	REQUIRE_BPF();
	asm_init(&p);
	EMIT(&p, BPF_MOV64_IMM(R0, 0));
	oob_line = __LINE__ + 1;
	EMIT(&p, BPF_STX_MEM(BPF_DW, R10, R0, -520)); /* below the 512-byte stack */
	EMIT(&p, BPF_EXIT_INSN());
	assert_int_equal(asm_finish(&p), 0);
	assert_true(prog_load(&p, BPF_PROG_TYPE_TRACEPOINT, "ms_oob", NULL, 0, &lopt1, &r) < 0);
	assert_non_null(strstr(r.errmsg, "invalid write to stack"));
	snprintf(want, sizeof(want), "(%s:%d)", __FILE__, oob_line);
	assert_non_null(strstr(r.errmsg, want));
	load_result_free(&r);
	asm_free(&p);
}

/* "verification time N usec" differs between two loads of the same program. */
static void drop_time_line(char *log)
{
	char *s = strstr(log, "verification time "), *e;

	if (!s)
		return;
	e = strchr(s, '\n');
	e = e ? e + 1 : s + strlen(s);
	memmove(s, e, strlen(e) + 1);
}

static void test_tiny_log_grows_until_whole(void **state)
{
	struct progset ps;
	struct kernel_layout k;
	struct prog_opts c = {.max_args = 8};
	struct load_opts big = {.log_level = 2, .stats = true};
	struct load_opts tiny = {.log_level = 2, .stats = true, .log_initial = 64};
	struct load_result r1, r2;
	char err[512];
	int i = P_EXECVE_EXIT;

	(void)state;
	REQUIRE_BPF();
	/* tracefs' offsets when it is mounted, else the generic layout, as dump does */
	layout_probe(&k, true);
	layout_guess(&k);
	assert_int_equal(progset_build(&ps, &c, &k, false, err, sizeof(err)), 0);
	/* The exit program with real maps, loaded twice: once with room, once from 64 bytes. */
	assert_int_equal(progset_load(&ps, &(struct load_opts){0}, err, sizeof(err)), 0);
	assert_int_equal(prog_load(&ps.asm_[i], BPF_PROG_TYPE_TRACEPOINT, "ms_big", ps.maps,
				   ps.nmaps, &big, &r1),
			 0);
	assert_int_equal(prog_load(&ps.asm_[i], BPF_PROG_TYPE_TRACEPOINT, "ms_tiny", ps.maps,
				   ps.nmaps, &tiny, &r2),
			 0);
	assert_true(r2.grows > 0);
	assert_true(r1.log_len > 1000);
	/* Same log apart from the timing line. */
	assert_true(r2.grows > 3);
	assert_non_null(strstr(r2.log, "processed "));
	drop_time_line(r1.log);
	drop_time_line(r2.log);
	assert_string_equal(r1.log, r2.log);
	load_result_free(&r1);
	load_result_free(&r2);
	progset_close(&ps);
}

/* The context's loops are bpf_loop callbacks where the kernel has it (5.17+) and BTF is read,
 * unless MINISNOOP_NO_LOOP says not: the tests' way to the unrolled loops of older kernels. */
static void test_bpf_loop_probe(void **state)
{
	static const struct {
		const char *env; /* MINISNOOP_NO_LOOP, NULL: unset */
		bool loop;	 /* on a kernel that has it */
	} rows[] = {{NULL, true}, {"1", false}, {"", false}};
	struct kernel_layout k;
	struct utsname u;
	int major = 0, minor = 0;

	(void)state;
	REQUIRE_BPF();
	assert_int_equal(uname(&u), 0);
	assert_true(sscanf(u.release, "%d.%d", &major, &minor) == 2);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].env)
			setenv("MINISNOOP_NO_LOOP", rows[i].env, 1);
		else
			unsetenv("MINISNOOP_NO_LOOP");
		layout_probe(&k, true);
		assert_int_equal(k.loop, rows[i].loop && !k.btf_err &&
					     (major > 5 || (major == 5 && minor >= 17)));
	}
	unsetenv("MINISNOOP_NO_LOOP");
}

#define REJECTION_GOLDEN "tests/golden/verifier-rejection.txt"

/* The annotated log's lines from the one naming instruction at to the reason, into out. */
static void failing_lines(FILE *out, const char *annotated, long at, const char *reason)
{
	char start[32];
	const char *s = annotated;
	bool on = false;

	snprintf(start, sizeof(start), "%ld: (", at);
	while (*s) {
		const char *e = strchrnul(s, '\n');

		if (!on && !strncmp(s, start, strlen(start)))
			on = true;
		if (on)
			fprintf(out, "%.*s\n", (int)(e - s), s);
		if (on && (size_t)(e - s) == strlen(reason) && !strncmp(s, reason, strlen(reason)))
			break;
		s = *e ? e + 1 : e;
	}
}

/*
 * The exec program, built through its real emitters for a tracepoint whose old_pid field
 * lies past any tracepoint record (load_field misused): the verifier rejects the load, and
 * both the one-line reason and the annotated log name the program's line that called
 * load_field, not only load_field's own. The text is tests/golden/verifier-rejection.txt,
 * the docs' example; MINISNOOP_UPDATE_GOLDEN=1 rewrites it.
 */
static void test_rejection_names_the_emitters_line(void **state)
{
	struct kernel_layout k;
	struct progset ps;
	struct prog_opts c = {.max_args = 2};
	struct load_result r;
	char err[512], reason[256], *annotated = NULL, *text = NULL, *want, *line;
	size_t alen = 0, tlen = 0;
	FILE *f;
	long at;

	(void)state;
	REQUIRE_BPF();
	layout_probe(&k, true);
	layout_guess(&k);
	k.tp[P_EXEC].field[EXEC_OLD_PID] = (struct tp_field){30000, 4};
	assert_int_equal(progset_build(&ps, &c, &k, false, err, sizeof(err)), 0);
	/* The maps, and the first refusal (exec is loaded first); its log is not wanted here. */
	assert_true(progset_load(&ps, &(struct load_opts){0}, err, sizeof(err)) < 0);
	assert_true(prog_load(&ps.asm_[P_EXEC], BPF_PROG_TYPE_TRACEPOINT, "exec", ps.maps, ps.nmaps,
			      &lopt1, &r) < 0);
	assert_non_null(strstr(r.errmsg, "invalid bpf_context access"));
	at = vlog_last_insn(r.log);
	assert_int_equal(at, 1); /* after r6 = r1 */
	vlog_reason(r.log, reason, sizeof(reason));

	f = open_memstream(&annotated, &alen);
	assert_non_null(f);
	vlog_annotate(f, r.log, &ps.asm_[P_EXEC]);
	fclose(f);
	f = open_memstream(&text, &tlen);
	assert_non_null(f);
	fprintf(
	    f,
	    "# The exec program built for a sched_process_exec whose old_pid field lies past any\n"
	    "# tracepoint record, loaded by tests/kernel/test_loader.c\n"
	    "# (MINISNOOP_UPDATE_GOLDEN=1 rewrites this file).\n"
	    "minisnoop: %s\n\n# The annotated verifier log, from the failing instruction to "
	    "the reason:\n",
	    r.errmsg);
	failing_lines(f, annotated, at, reason);
	fclose(f);

	/* The caller's line in insns/, then load_field's own. */
	line = strstr(text, "\n1: (61) r1 = *(u32 *)(r6 +30000)  ; insns/exec.c:");
	assert_non_null(line);
	assert_non_null(strstr(line, " < insns/common.c:"));
	assert_non_null(strstr(r.errmsg, "(insns/exec.c:"));
	assert_non_null(strstr(r.errmsg, " < insns/common.c:"));

	if (getenv("MINISNOOP_UPDATE_GOLDEN")) {
		f = fopen(REJECTION_GOLDEN, "w");
		assert_non_null(f);
		fputs(text, f);
		fclose(f);
	}
	want = read_file(REJECTION_GOLDEN);
	if (!want)
		fail_msg("%s missing: run with MINISNOOP_UPDATE_GOLDEN=1 from the top directory",
			 REJECTION_GOLDEN);
	if (strcmp(text, want)) {
		print_error("got:\n%s\nwant:\n%s\n", text, want);
		fail_msg("the rejection differs from %s (MINISNOOP_UPDATE_GOLDEN=1 after a "
			 "deliberate change, and review the diff)",
			 REJECTION_GOLDEN);
	}
	free(want);
	free(text);
	free(annotated);
	load_result_free(&r);
	progset_close(&ps);
}

static void test_not_permitted_says_which_capabilities(void **state)
{
	int pfd[2];
	pid_t pid;
	char buf[512] = "";
	ssize_t n;
	int status;

	(void)state;
	REQUIRE_BPF();
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct asm_prog p;
		struct load_result r;

		close(pfd[0]);
		/* nobody: no capabilities left */
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(3);
		asm_init(&p);
		EMIT(&p, BPF_MOV64_IMM(R0, 0));
		EMIT(&p, BPF_EXIT_INSN());
		asm_finish(&p);
		prog_load(&p, BPF_PROG_TYPE_TRACEPOINT, "ms_eperm", NULL, 0, &lopt1, &r);
		n = write(pfd[1], r.errmsg, strlen(r.errmsg));
		_exit(n > 0 ? 0 : 4);
	}
	close(pfd[1]);
	n = read(pfd[0], buf, sizeof(buf) - 1);
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	buf[n > 0 ? n : 0] = 0;
	assert_non_null(strstr(buf, "Operation not permitted"));
	assert_non_null(strstr(buf, "CAP_BPF"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_load_real_program_and_read_info),
	    cmocka_unit_test(test_uninitialised_register_names_reason_and_line),
	    cmocka_unit_test(test_stack_out_of_bounds_names_reason_and_line),
	    cmocka_unit_test(test_tiny_log_grows_until_whole),
	    cmocka_unit_test(test_rejection_names_the_emitters_line),
	    cmocka_unit_test(test_bpf_loop_probe),
	    cmocka_unit_test(test_not_permitted_says_which_capabilities),
	};
	need_bpf(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
