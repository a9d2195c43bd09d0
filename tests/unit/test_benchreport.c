// SPDX-License-Identifier: MIT
/* make bench's reporter (tools/benchreport.c) on a small fixed samples file: medians and
 * per-round figures, met / NOT met for each goal, the table layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define BENCHREPORT_NO_MAIN
#include "../../tools/benchreport.c"

/*
 * Two rounds (medians of two are means) and three start/stop tries (medians of three).
 * minisnoop meets issue 12's goals (not 21's start-up and CPU ones); minisnoop-all misses
 * each one it can; minisnoop-life did not run.
 */
static const char fixture[] =
    "# a comment\n"
    "run\t0\tn\t100\n"
    "run\t0\tworkers\t2\n"
    "run\t0\trounds\t2\n"
    "run\t0\ttries\t3\n"
    "run\t0\tkernel\t6.18.0-test\n"
    "run\t0\tcpus\t2\n"
    "run\t0\tcpus_online\t2\n"
    "run\t0\tpage_size\t4096\n"
    "run\t0\tminisnoop_args\t--pages 8\n"
    "run\t0\ttracers\tminisnoop minisnoop-all execsnoop\n"
    "run\t0\tload_start\t0.10 0.20 0.30\n"
    "run\t0\tload_end\t0.40 0.50 0.60\n"
    "run\t0\trss_method\ttime\n"
    "run\t0\tsize_budget\t122880\n"
    "run\t0\tstripped_bytes\t100000\n"
    "run\t0\tclk_tck\t100\n"
    "run\t0\tnote\tbpftrace's execsnoop.bt (bpftrace): not installed, left out\n"
    "none\t1\trate\t1000\n"
    "none\t2\trate\t1100\n"
    /* busy ticks (10 ms): minisnoop adds 1 and 2 a storm of 100, execsnoop 4 and 8 */
    "none\t1\tbusy_ticks\t100\n"
    "none\t2\tbusy_ticks\t110\n"
    "minisnoop\t1\tbusy_ticks\t101\n"
    "minisnoop\t2\tbusy_ticks\t112\n"
    "minisnoop\t1\tring_kb\t36\n"
    "minisnoop\t2\tring_kb\t36\n"
    "execsnoop\t1\tbusy_ticks\t104\n"
    "execsnoop\t2\tbusy_ticks\t118\n"
    /* minisnoop: ratios 0.990 and 0.980; CPU per exec 10000+500+8000 and 12000+700+10000 */
    "minisnoop\t1\trate\t990\n"
    "minisnoop\t1\tcaptured\t100\n"
    "minisnoop\t1\tlost\t0\n"
    "minisnoop\t1\trss_kb\t500\n"
    "minisnoop\t1\tvcsw\t10\n"
    "minisnoop\t1\twindow_s\t1.0\n"
    "minisnoop\t1\texecs\t100\n"
    "minisnoop\t1\tprog_runs:exec\t100\n"
    "minisnoop\t1\tprog_ns:exec\t1000000\n"
    "minisnoop\t1\tprog_runs:execve_exit\t100\n"
    "minisnoop\t1\tprog_ns:execve_exit\t50000\n"
    "minisnoop\t1\treader_ns\t800000\n"
    "minisnoop\t2\trate\t1078\n"
    "minisnoop\t2\tcaptured\t100\n"
    "minisnoop\t2\tlost\t0\n"
    "minisnoop\t2\trss_kb\t520\n"
    "minisnoop\t2\tvcsw\t30\n"
    "minisnoop\t2\twindow_s\t1.0\n"
    "minisnoop\t2\texecs\t100\n"
    "minisnoop\t2\tprog_runs:exec\t100\n"
    "minisnoop\t2\tprog_ns:exec\t1200000\n"
    "minisnoop\t2\tprog_runs:execve_exit\t100\n"
    "minisnoop\t2\tprog_ns:execve_exit\t70000\n"
    "minisnoop\t2\treader_ns\t1000000\n"
    "minisnoop\t0\tbinary_bytes\t204800\n"
    "minisnoop\t1\tfirst_ms\t10.0\n"
    "minisnoop\t1\tattached_ms\t8\n"
    "minisnoop\t1\texit_ms\t1.0\n"
    "minisnoop\t1\tdetached_ms\t200\n"
    "minisnoop\t1\tlast_ok\t1\n"
    "minisnoop\t1\tstatus\t0\n"
    "minisnoop\t2\tfirst_ms\t30.0\n"
    "minisnoop\t2\tattached_ms\t-1\n"
    "minisnoop\t2\texit_ms\t2.0\n"
    "minisnoop\t2\tdetached_ms\t250\n"
    "minisnoop\t2\tlast_ok\t1\n"
    "minisnoop\t2\tstatus\t0\n"
    "minisnoop\t3\tfirst_ms\t20.0\n"
    "minisnoop\t3\tattached_ms\t9\n"
    "minisnoop\t3\texit_ms\t3.0\n"
    "minisnoop\t3\tdetached_ms\t300\n"
    "minisnoop\t3\tlast_ok\t1\n"
    "minisnoop\t3\tstatus\t0\n"
    /* minisnoop-all: a lost event, ratio 0.920, 275 wake-ups/s, 5000 KiB, a last event
     * missing, 150 execs traced per storm of 100 */
    "minisnoop-all\t1\trate\t900\n"
    "minisnoop-all\t1\tcaptured\t100\n"
    "minisnoop-all\t1\tlost\t0\n"
    "minisnoop-all\t1\trss_kb\t5000\n"
    "minisnoop-all\t1\tvcsw\t300\n"
    "minisnoop-all\t1\twindow_s\t1.0\n"
    "minisnoop-all\t1\texecs\t100\n"
    "minisnoop-all\t1\tprog_runs:exec\t150\n"
    "minisnoop-all\t1\tprog_ns:exec\t2000000\n"
    "minisnoop-all\t1\treader_ns\t1000000\n"
    "minisnoop-all\t2\trate\t1034\n"
    "minisnoop-all\t2\tcaptured\t99\n"
    "minisnoop-all\t2\tlost\t1\n"
    "minisnoop-all\t2\trss_kb\t100\n"
    "minisnoop-all\t2\tvcsw\t500\n"
    "minisnoop-all\t2\twindow_s\t2.0\n"
    "minisnoop-all\t2\texecs\t100\n"
    "minisnoop-all\t2\tprog_runs:exec\t150\n"
    "minisnoop-all\t2\tprog_ns:exec\t2000000\n"
    "minisnoop-all\t2\treader_ns\t1000000\n"
    "minisnoop-all\t0\tbinary_bytes\t204800\n"
    "minisnoop-all\t1\tfirst_ms\t30\n"
    "minisnoop-all\t1\tattached_ms\t30\n"
    "minisnoop-all\t1\texit_ms\t150\n"
    "minisnoop-all\t1\tdetached_ms\t100\n"
    "minisnoop-all\t1\tlast_ok\t1\n"
    "minisnoop-all\t1\tstatus\t0\n"
    "minisnoop-all\t2\tfirst_ms\t40\n"
    "minisnoop-all\t2\tattached_ms\t31\n"
    "minisnoop-all\t2\texit_ms\t1\n"
    "minisnoop-all\t2\tdetached_ms\t100\n"
    "minisnoop-all\t2\tlast_ok\t0\n"
    "minisnoop-all\t2\tstatus\tsig15\n"
    "minisnoop-all\t3\tfirst_ms\t50\n"
    "minisnoop-all\t3\tattached_ms\t32\n"
    "minisnoop-all\t3\texit_ms\t2\n"
    "minisnoop-all\t3\tdetached_ms\t100\n"
    "minisnoop-all\t3\tlast_ok\t1\n"
    "minisnoop-all\t3\tstatus\t0\n"
    /* execsnoop: CPU per exec 50000 and 60000 ns; its programs' run counts absent */
    "execsnoop\t1\trate\t800\n"
    "execsnoop\t1\texecs\t100\n"
    "execsnoop\t1\tprog_ns:execsnoop\t2500000\n"
    "execsnoop\t1\treader_ns\t2500000\n"
    "execsnoop\t2\trate\t800\n"
    "execsnoop\t2\texecs\t100\n"
    "execsnoop\t2\tprog_ns:execsnoop\t3000000\n"
    "execsnoop\t2\treader_ns\t3000000\n"
    "execsnoop\t0\tbinary_bytes\t431104\n";

struct fixture {
	struct samples s;
	struct report r;
};

static void load(struct fixture *fx, const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	assert_non_null(f);
	assert_int_equal(samples_read(f, "fixture", &fx->s), 0);
	fclose(f);
	assert_int_equal(report_compute(&fx->r, &fx->s), 0);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	load(fx, fixture);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	samples_free(&fx->s);
	free(fx);
	return 0;
}

static void test_median(void **state)
{
	double odd[] = {30, 10, 20}, even[] = {4, 1, 3, 2}, one[] = {7.5};

	(void)state;
	assert_true(median(odd, 3) == 20);
	assert_true(median(even, 4) == 2.5);
	assert_true(median(one, 1) == 7.5);
	assert_true(isnan(median(NULL, 0)));
}

static void test_figures(void **state)
{
	const struct report *r = &((struct fixture *)*state)->r;
	const struct figures *ms = fig(r, "minisnoop"), *all = fig(r, "minisnoop-all");

	assert_int_equal(r->n, 100);
	assert_int_equal(r->ntracers, 3);
	assert_string_equal(ms->rate0, "1050");
	assert_string_equal(ms->rate, "1034");
	assert_string_equal(ms->ratios, "0.990 0.980");
	assert_string_equal(ms->ratio, "0.985");
	assert_string_equal(ms->capt, "100/100");
	assert_string_equal(ms->lost, "0");
	assert_string_equal(ms->execs, "100");
	assert_string_equal(ms->bpf, "11.60");
	assert_string_equal(ms->reader, "9.00");
	assert_string_equal(ms->total, "20.60");
	assert_string_equal(ms->vs_rounds, "0.370 0.378");
	assert_string_equal(ms->vs, "0.374");
	assert_int_equal(ms->nprog, 2);
	assert_string_equal(ms->prog[0], "exec 11.00");
	assert_string_equal(ms->prog[1], "execve_exit 0.60");
	assert_string_equal(ms->wake, "20");
	assert_string_equal(ms->first, "20.0");
	assert_string_equal(ms->attached, "8.5"); /* -1: not seen, left out */
	assert_string_equal(ms->exit, "2.0");
	assert_string_equal(ms->detached, "250.0");
	assert_string_equal(ms->last, "3/3");
	assert_string_equal(ms->rsskb, "520");
	assert_string_equal(ms->rss, "0.51");
	assert_string_equal(ms->size, "200 KB static, 97 KB stripped");
	assert_string_equal(ms->sys, "150.00"); /* 100 and 200 µs a exec */
	assert_string_equal(ms->sys_rounds, "0.250 0.250");
	assert_string_equal(ms->sysvs, "0.250");
	assert_string_equal(ms->ringkb, "36");
	assert_string_equal(all->sys, "—"); /* no busy ticks of its own */
	assert_string_equal(all->ringkb, "—");
	assert_string_equal(fig(r, "execsnoop")->sys, "600.00");
	assert_string_equal(all->capt, "99/100");
	assert_string_equal(all->lost, "1");
	assert_string_equal(all->ratio, "0.920");
	assert_string_equal(all->wake, "275");
	assert_string_equal(all->vs, "0.550");
	assert_string_equal(all->statuses, "0 sig15");
	assert_true(all->most == 150);
	assert_string_equal(fig(r, "execsnoop")->total, "55.00");
	assert_string_equal(fig(r, "execsnoop")->size, "421 KB + shared libs");
	assert_int_equal(r->prog_rows, 2);
	assert_int_equal(rss_goal_kb(&((struct fixture *)*state)->s), 1024 + 2 * 9 * 4);
}

static void test_goals(void **state)
{
	static const char *const want[][4] = {
	    {"1 first event line <= 5 ms", "minisnoop", "20.0 ms (attached 8.5 ms)", "NOT met"},
	    {"1 first event line <= 10 ms", "minisnoop-all", "40.0 ms (attached 31.0 ms)",
	     "NOT met"},
	    {"1 first event line <= 10 ms", "minisnoop-life", "not in this run", "not measured"},
	    {"2 CPU/exec <= 0.25 x libbpf-tools'", "minisnoop", "20.60 µs = 0.374 x 55.00 µs",
	     "NOT met"},
	    {"2 CPU/exec <= 0.4 x libbpf-tools'", "minisnoop-all", "30.00 µs = 0.550 x 55.00 µs",
	     "NOT met"},
	    {"2 CPU/exec <= 0.4 x libbpf-tools'", "minisnoop-life", "not in this run",
	     "not measured"},
	    {"2 system-wide CPU/exec <= 0.3 x libbpf-tools'", "minisnoop",
	     "150.00 µs = 0.250 x 600.00 µs added", "met"},
	    {"2 system-wide CPU/exec <= 0.1 x auditd's", "minisnoop",
	     "150.00 µs added; auditd not in this run", "not measured"},
	    {"3 stripped size <= 163840 bytes", "minisnoop", "100000 bytes", "met"},
	    {"3 stripped size <= 122880 bytes (guard)", "minisnoop", "100000 bytes", "met"},
	    {"3 stripped size <= 65536 bytes", "minisnoop-tiny", "? (not built) bytes",
	     "not measured"},
	    {"4 peak RSS <= 1 MiB + rings = 1060 KiB", "minisnoop", "520 KiB (rings 36 KiB)",
	     "met"},
	    {"4 peak RSS (no goal)", "minisnoop-all", "5000 KiB (rings — KiB)", "-"},
	    {"4 peak RSS <= 8192 KiB (ancestors)", "minisnoop-life", "not in this run",
	     "not measured"},
	    {"5 exit after SIGTERM <= 5 ms, all written", "minisnoop",
	     "2.0 ms (detached 250.0 ms), last event 3/3", "met"},
	    {"5 exit after SIGTERM <= 5 ms, all written", "minisnoop-all",
	     "2.0 ms (detached 100.0 ms), last event 2/3", "NOT met"},
	    {"5 exit after SIGTERM <= 5 ms, all written", "minisnoop-life", "not in this run",
	     "not measured"},
	    {"12 storm: all captured, 0 lost, ratio >= 0.97", "minisnoop",
	     "100/100, 0 lost, ratio 0.985", "met"},
	    {"12 storm: all captured, 0 lost, ratio >= 0.97", "minisnoop-all",
	     "99/100, 1 lost, ratio 0.920", "NOT met"},
	    {"12 storm: all captured, 0 lost, ratio >= 0.97", "minisnoop-life", "not in this run",
	     "not measured"},
	    {"12 reader wake-ups <= 100/s in the storm", "minisnoop", "20/s (19 per 1000 execs)",
	     "met"},
	    {"12 reader wake-ups <= 100/s in the storm", "minisnoop-all",
	     "275/s (284 per 1000 execs)", "NOT met"},
	    {"12 reader wake-ups <= 100/s in the storm", "minisnoop-life", "not in this run",
	     "not measured"},
	    {"17 CPU/exec <= 0.4 x libbpf-tools' execsnoop", "minisnoop-anc", "not in this run",
	     "not measured"},
	    {"17 storm: all captured, 0 lost", "minisnoop-anc", "not in this run", "not measured"},
	};
	const struct report *r = &((struct fixture *)*state)->r;
	struct goal_row g[MAX_GOALS];
	int k = report_goals(r, g);

	assert_int_equal(k, sizeof(want) / sizeof(want[0]));
	for (int i = 0; i < k; i++) {
		assert_string_equal(g[i].goal, want[i][0]);
		assert_string_equal(g[i].variant, want[i][1]);
		assert_string_equal(g[i].figure, want[i][2]);
		assert_string_equal(g[i].result, want[i][3]);
	}
}

/* Bounds are inclusive; a figure that is not a number never meets a goal; without
 * libbpf-tools goal 2's CPU is not measured, without strip the size goal is not met. */
static void test_goal_edges(void **state)
{
	static const char text[] = "run\t0\tn\t10\nrun\t0\trounds\t1\nrun\t0\ttries\t1\n"
				   "run\t0\ttracers\tminisnoop minisnoop-all\n"
				   "run\t0\tsize_budget\t1000\n"
				   "minisnoop\t1\tfirst_ms\t5.0\n"
				   "minisnoop\t1\texit_ms\t5\n"
				   "minisnoop\t1\tlast_ok\t1\n";
	struct fixture fx;
	struct goal_row g[MAX_GOALS];
	int k;

	(void)state;
	load(&fx, text);
	k = report_goals(&fx.r, g);
	assert_int_equal(k, 25);
	assert_string_equal(g[0].figure, "5.0 ms (attached — ms)");
	assert_string_equal(g[0].result, "met");
	assert_string_equal(g[1].figure, "— ms (attached — ms)");
	assert_string_equal(g[1].result, "NOT met");
	assert_string_equal(g[3].result, "not measured");
	assert_string_equal(g[3].figure, "— µs; libbpf-tools not in this run");
	assert_string_equal(g[6].result, "not measured");
	assert_string_equal(g[8].figure, "? (no strip) bytes");
	assert_string_equal(g[8].result, "NOT met");
	assert_string_equal(g[9].result, "NOT met");
	assert_string_equal(g[10].result, "not measured");
	assert_string_equal(g[11].goal, "4 peak RSS <= 1 MiB + rings = 1024 KiB");
	assert_string_equal(g[11].result, "NOT met"); /* no RSS figure */
	assert_string_equal(g[14].result, "met");
	assert_string_equal(g[17].result, "NOT met"); /* no storm figures */
	assert_true(le("0.400", 0.4));
	assert_false(le("0.401", 0.4));
	assert_false(le("nan", 1));
	assert_false(le("—", 1));
	assert_false(le("", 1));
	samples_free(&fx.s);
}

/* Issue 17's rows: minisnoop-anc against execsnoop alone, exitsnoop beside it; a peer
 * without start/stop tries shows "—" there. */
static void test_goal_life(void **state)
{
	static const char text[] = "run\t0\tn\t10\nrun\t0\trounds\t1\nrun\t0\ttries\t1\n"
				   "run\t0\ttracers\tminisnoop-anc execsnoop exitsnoop\n"
				   "minisnoop-anc\t1\texecs\t10\n"
				   "minisnoop-anc\t1\tprog_ns:fork\t40000\n"
				   "minisnoop-anc\t1\treader_ns\t60000\n"
				   "minisnoop-anc\t1\tcaptured\t10\n"
				   "minisnoop-anc\t1\tlost\t0\n"
				   "execsnoop\t1\texecs\t10\n"
				   "execsnoop\t1\treader_ns\t300000\n"
				   "exitsnoop\t1\texecs\t10\n"
				   "exitsnoop\t1\treader_ns\t200000\n";
	struct fixture fx;
	struct goal_row g[MAX_GOALS];
	int k;

	(void)state;
	load(&fx, text);
	k = report_goals(&fx.r, g);
	assert_int_equal(k, 25);
	assert_string_equal(g[23].figure, "10.00 µs = 0.333 x 30.00 µs; exitsnoop 20.00 µs");
	assert_string_equal(g[23].result, "met");
	assert_string_equal(g[24].figure, "10/10, 0 lost");
	assert_string_equal(g[24].result, "met");
	assert_string_equal(fig(&fx.r, "exitsnoop")->first, "—");
	samples_free(&fx.s);
}

static void test_table(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	print_table(f, "a\tbb\nccc\tµ\n", 0);
	print_table(f, "a\tbb\tc\nccc\tµ\n", 1);
	fclose(f);
	assert_string_equal(text, "a    bb\n"
				  "ccc   µ\n"
				  "a    bb  c\n"
				  "ccc  µ\n");
	free(text);
}

static void test_report_text(void **state)
{
	const struct report *r = &((struct fixture *)*state)->r;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(report_print(f, r), 0);
	fclose(f);
	assert_non_null(
	    strstr(text, "\nbpftrace's execsnoop.bt (bpftrace): not installed, left out\n"));
	assert_non_null(strstr(text, "\nratio minisnoop-all per round: 0.900 0.940\n"));
	assert_non_null(
	    strstr(text, "\nCPU per exec minisnoop / execsnoop per round: 0.370 0.378\n"));
	assert_null(strstr(text, "execsnoop / execsnoop"));
	/* Right-aligned under each tracer, as wide as its widest figure (the size). */
	assert_non_null(
	    strstr(text, "\ntracer                                                 minisnoop       "
			 "           minisnoop-all             execsnoop\n"));
	assert_non_null(strstr(text,
			       "\nBPF µs by program                                     exec 11.00 "
			       "                    exec 20.00       execsnoop 27.50\n"
			       "                                                execve_exit 0.60\n"
			       "reader wake-ups/s in storm "));
	assert_non_null(strstr(text, "\nminisnoop-all: note: 150 execs traced per storm of 100"));
	assert_non_null(strstr(text, "\nminisnoop-all: exit status after SIGTERM: 0 sig15\n"));
	assert_non_null(
	    strstr(text, "\nexecsnoop: its programs never ran during the storms: were BPF stats"));
	assert_non_null(strstr(text, "\nload average at the end: 0.40 0.50 0.60\n"));
	assert_null(strstr(text, "execsnoop: exit status")); /* no tries: nothing to say */
	assert_non_null(strstr(text, "\n3 stripped size <= 122880 bytes (guard)        minisnoop   "
				     "    100000 bytes                                met\n"));
	free(text);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {"run\t0\tn\n", "run\tx\tn\t1\n"};
	struct samples s;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *f = fmemopen((void *)bad[i], strlen(bad[i]), "r");

		assert_non_null(f);
		assert_int_equal(samples_read(f, "bad", &s), -EINVAL);
		fclose(f);
		samples_free(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_median),
	    cmocka_unit_test_setup_teardown(test_figures, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_goals, setup, teardown),
	    cmocka_unit_test(test_goal_edges),
	    cmocka_unit_test(test_goal_life),
	    cmocka_unit_test(test_table),
	    cmocka_unit_test_setup_teardown(test_report_text, setup, teardown),
	    cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
