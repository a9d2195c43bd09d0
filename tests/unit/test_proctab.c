// SPDX-License-Identifier: MIT
/*
 * The process table of -o ancestors and --existing (src/proctab.c): /proc/PID/stat parsing,
 * ancestry through exited and reparented processes, eviction when full, a random walk whose
 * links and counts are checked after every step, and what 10k and 100k processes cost.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "proctab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TICK 10000000ull

/* ---- /proc/PID/stat ---- */

/* A stat line with the given pid, comm, ppid, start (field 22) and arg_start (field 48). */
static int stat_line(char *buf, size_t n, const char *pid_comm, unsigned ppid, unsigned long ticks,
		     unsigned long arg_start)
{
	int len = snprintf(buf, n, "%s S %u", pid_comm, ppid);

	for (int f = 5; f <= 52; f++)
		len += snprintf(buf + len, n - (size_t)len, " %lu",
				f == 22	  ? ticks
				: f == 48 ? arg_start
				: f == 7  ? 0
					  : (unsigned long)f);
	len += snprintf(buf + len, n - (size_t)len, "\n");
	return len;
}

static void test_parse_stat_rows(void **state)
{
	static const struct {
		const char *pid_comm;
		int want; /* 0 or -EINVAL */
		unsigned pid;
		const char *comm;
	} rows[] = {
	    {"1234 (bash)", 0, 1234, "bash"},
	    {"7 (a) (b) c)", 0, 7, "a) (b) c"}, /* the last ')' ends the comm */
	    {"8 (with space)", 0, 8, "with space"},
	    {"9 (0123456789abcdefXYZ)", 0, 9, "0123456789abcde"}, /* cut to 15 */
	    {"10 ()", 0, 10, ""},
	    {"0 (zero)", -EINVAL, 0, ""},
	    {"x (bad)", -EINVAL, 0, ""},
	    {"11 no parens", -EINVAL, 0, ""},
	    {"12 (open", -EINVAL, 0, ""},
	    {"99999999999 (big)", -EINVAL, 0, ""},
	};
	char buf[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pt_stat st;
		int n = stat_line(buf, sizeof(buf), rows[i].pid_comm, 42, 777, 0x7ffd1000);

		assert_int_equal(pt_parse_stat(buf, (size_t)n, &st), rows[i].want);
		if (rows[i].want)
			continue;
		assert_int_equal(st.pid, rows[i].pid);
		assert_string_equal(st.comm, rows[i].comm);
		assert_int_equal(st.ppid, 42);
		assert_int_equal(st.ticks, 777);
		assert_int_equal(st.arg_start, 0x7ffd1000);
	}
}

/* Cut anywhere before field 48: refused; never read past n + 1 (the copy's NUL). */
static void test_parse_stat_cut(void **state)
{
	char buf[1024];
	int n = stat_line(buf, sizeof(buf), "5 (sh)", 1, 3, 4);
	const char *last = strrchr(buf, ' ');

	(void)state;
	for (int k = 0; k < n; k++) {
		char *copy = malloc((size_t)k + 1);
		struct pt_stat st;
		int r;

		memcpy(copy, buf, (size_t)k);
		copy[k] = 0;
		r = pt_parse_stat(copy, (size_t)k, &st);
		/* fields 49..52 follow 48: any cut after 48's digits still parses */
		if (k < (int)(last - buf) - 3 * 4)
			assert_int_equal(r, -EINVAL);
		free(copy);
	}
}

/* ---- the table, driven like the tracer drives it ---- */

static uint64_t id_of(uint32_t pid, uint64_t start_ns, uint64_t arg_start)
{
	return ev_image_id(pid, start_ns, arg_start);
}

static void seed(struct proctab *t, uint32_t pid, uint32_t ppid, const char *comm,
		 const char *cmdline, size_t n)
{
	struct pt_stat st = {.pid = pid, .ppid = ppid, .ticks = pid * 3, .arg_start = pid * 4096};

	strncpy(st.comm, comm, sizeof(st.comm) - 1);
	pt_seed(t, &st, 0, cmdline, n, false);
}

static void do_fork(struct proctab *t, uint32_t ppid, uint32_t pid, uint64_t start_ns,
		    uint64_t arg_start)
{
	struct ms_fork f = {.pid = pid,
			    .ppid = ppid,
			    .have = CTXB(IDS),
			    .flags = EV_F_FORK,
			    .start_ns = start_ns,
			    .arg_start = arg_start};

	pt_fork(t, &f);
}

/* An exec (or, with exit, an exit) record's view: pid's start, its new arg_start. */
static struct ev_view *view(uint32_t pid, uint32_t ppid, uint64_t start_ns, uint64_t arg_start,
			    const char *comm, const char *const *args, bool exit)
{
	static struct ev_view v;

	memset(&v, 0, sizeof(v));
	v.hdr.pid = v.hdr.tid = pid;
	v.hdr.ppid = ppid;
	v.hdr.start_ns = start_ns;
	v.hdr.arg_start = arg_start;
	strncpy(v.hdr.comm, comm, sizeof(v.hdr.comm) - 1);
	v.have = CTXB(IDS);
	v.id = id_of(pid, start_ns, arg_start);
	v.exit = exit;
	for (v.argc = 0; args && args[v.argc]; v.argc++) {
		v.args[v.argc] = args[v.argc];
		v.arg_len[v.argc] = strlen(args[v.argc]);
	}
	return &v;
}

/* Ancestors of pid's current image as "comm(pid)[arg1|arg2]" joined by " < ", parent first. */
static const char *anc_text(struct proctab *t, uint32_t pid, uint64_t start_ns, unsigned max)
{
	static char out[2048];
	struct ev_view *v = view(pid, 0, start_ns, 0, "", NULL, false);
	size_t n = 0;

	pt_ancestors(t, v, max);
	if (!v->anc_known)
		return "unknown";
	out[0] = 0;
	for (unsigned i = 0; i < v->nanc; i++) {
		const char *a = v->anc[i].args;

		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%.16s(%u)[", i ? " < " : "",
				      v->anc[i].comm, v->anc[i].pid);
		for (unsigned k = 0; k < v->anc[i].argc; k++, a += strlen(a) + 1)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", k ? "|" : "", a);
		n += (size_t)snprintf(out + n, sizeof(out) - n, "]");
	}
	return out;
}

/* Every count and link agrees: refs = links in + live; lists hold what their state says. */
static void check_table(const struct proctab *t)
{
	uint32_t *in = calloc(t->used + 1, sizeof(*in)), live = 0, retired = 0, freed = 0;

	for (uint32_t s = 1; s <= t->used; s++) {
		const struct pt_image *im = &t->img[s - 1];
		uint32_t p = im->parent;

		if (im->state == PT_FREE)
			continue;
		if (p && t->img[p - 1].state != PT_FREE && t->img[p - 1].serial == im->pserial)
			in[p]++;
	}
	for (uint32_t s = 1; s <= t->used; s++) {
		const struct pt_image *im = &t->img[s - 1];

		live += im->state == PT_LIVE;
		retired += im->state == PT_RETIRED;
		freed += im->state == PT_FREE;
		if (im->state != PT_FREE)
			assert_int_equal(im->refs, in[s] + (im->state == PT_LIVE));
		if (im->state == PT_RETIRED)
			assert_true(im->refs > 0); /* else it would have been freed */
	}
	assert_int_equal(live, t->live);
	assert_int_equal(retired, t->retired);
	for (uint32_t s = t->free_head; s; s = t->img[s - 1].next)
		freed--;
	assert_int_equal(freed, 0);
	free(in);
}

/* sh -c 'sh -c "sleep 1"' from the test (pid 10): the two shells exit (their child
 * reparented to 1) before the sleep execs; its ancestors are still both shells, then us. */
static void test_chain_through_exited(void **state)
{
	static const char *const outer[] = {"sh", "-c", "sh -c \"sleep 1\"", NULL},
				 *const inner[] = {"sh", "-c", "sleep 1", NULL},
				 *const sleep[] = {"sleep", "1", NULL};
	struct proctab t;

	(void)state;
	assert_int_equal(pt_init(&t, 64), 0);
	seed(&t, 1, 0, "init", "/sbin/init\0", 11);
	seed(&t, 10, 1, "test_life", "test_life\0-v\0", 13);
	pt_seed_link(&t);
	do_fork(&t, 10, 20, 20 * TICK, 10 * 4096); /* the outer sh */
	pt_exec(&t, view(20, 10, 20 * TICK, 0x2000, "sh", outer, false));
	do_fork(&t, 20, 21, 21 * TICK, 0x2000);
	pt_exec(&t, view(21, 20, 21 * TICK, 0x2100, "sh", inner, false));
	do_fork(&t, 21, 22, 22 * TICK, 0x2100); /* forked, not yet exec'd */
	pt_exit(&t, view(21, 20, 21 * TICK, 0x2100, "sh", NULL, true));
	pt_exit(&t, view(20, 10, 20 * TICK, 0x2000, "sh", NULL, true));
	check_table(&t);
	assert_int_equal(t.retired, 2);
	pt_exec(&t, view(22, 1, 22 * TICK, 0x2200, "sleep", sleep, false)); /* reparented */
	assert_string_equal(anc_text(&t, 22, 22 * TICK, EV_ANC_MAX),
			    "sh(21)[sh|-c|sleep 1] < sh(20)[sh|-c|sh -c \"sleep 1\"] < "
			    "test_life(10)[test_life|-v] < init(1)[/sbin/init]");
	assert_string_equal(anc_text(&t, 22, 22 * TICK, 1), "sh(21)[sh|-c|sleep 1]");
	/* the ids are the events' */
	{
		struct ev_view *v = view(22, 1, 22 * TICK, 0x2200, "", NULL, false);

		pt_ancestors(&t, v, EV_ANC_MAX);
		assert_true(v->anc[0].has_id);
		assert_true(v->anc[0].id == id_of(21, 21 * TICK, 0x2100));
		assert_true(v->anc[1].id == id_of(20, 20 * TICK, 0x2000));
		assert_true(v->anc[2].id == id_of(10, 30 * TICK, 10 * 4096));
	}
	/* another process's start: not this one */
	assert_string_equal(anc_text(&t, 22, 99 * TICK, EV_ANC_MAX), "unknown");
	check_table(&t);
	/* the leaf ends: the exited shells go with it */
	pt_exit(&t, view(22, 1, 22 * TICK, 0x2200, "sleep", NULL, true));
	check_table(&t);
	assert_int_equal(t.retired, 0);
	assert_int_equal(t.live, 2);
	pt_free(&t);
}

/* A forked child runs its parent's program until it execs; an exec keeps the parent; a pid
 * used again (another start) is another process; a seed after the exec is not doubled. */
static void test_fork_exec_reuse(void **state)
{
	static const char *const a1[] = {"make", "-j2", NULL}, *const a2[] = {"cc", "x.c", NULL};
	struct proctab t;
	struct ev_view *v;

	(void)state;
	assert_int_equal(pt_init(&t, 64), 0);
	seed(&t, 1, 0, "init", "init\0", 5);
	seed(&t, 5, 1, "bash", "bash\0-l\0", 8);
	pt_seed_link(&t);
	do_fork(&t, 5, 30, 30 * TICK, 5 * 4096);
	assert_string_equal(anc_text(&t, 30, 30 * TICK, 9), "bash(5)[bash|-l] < init(1)[init]");
	v = view(30, 5, 30 * TICK, 0x3000, "make", a1, false);
	pt_exec(&t, v);
	pt_exec(&t, v); /* the same image again (seeded after its exec): no new one */
	assert_int_equal(t.live, 3);
	pt_exec(&t, view(30, 5, 30 * TICK, 0x3100, "cc", a2, false)); /* execs again */
	assert_string_equal(anc_text(&t, 30, 30 * TICK, 9), "bash(5)[bash|-l] < init(1)[init]");
	check_table(&t);
	do_fork(&t, 30, 31, 31 * TICK, 0x3100);
	assert_string_equal(anc_text(&t, 31, 31 * TICK, 1), "cc(30)[cc|x.c]");
	/* 31's exit was missed; the pid comes again with another start, from bash */
	do_fork(&t, 5, 31, 40 * TICK, 5 * 4096);
	assert_string_equal(anc_text(&t, 31, 40 * TICK, 1), "bash(5)[bash|-l]");
	do_fork(&t, 5, 31, 40 * TICK, 5 * 4096); /* the same fork twice: kept once */
	check_table(&t);
	assert_int_equal(t.live, 4);
	pt_free(&t);
}

/* The running view: /proc's ids, the parent's id as parent_id. */
static void test_view(void **state)
{
	struct proctab t;
	struct ev_view *v = malloc(sizeof(*v));
	uint32_t k;

	(void)state;
	assert_int_equal(pt_init(&t, 8), 0);
	seed(&t, 1, 0, "init", "init\0", 5);
	seed(&t, 77, 1, "x\x1b]0;", "a\0b c\0", 6);
	pt_seed_link(&t);
	k = pt_next_live(&t, 0);
	k = pt_next_live(&t, k);
	pt_view(&t, k, 123, v);
	assert_true(v->running);
	assert_int_equal(v->hdr.pid, 77);
	assert_int_equal(v->hdr.ppid, 1);
	assert_int_equal(v->argc, 2);
	assert_string_equal(v->args[1], "b c");
	assert_true(v->id == id_of(77, 77 * 3 * TICK, 77 * 4096));
	assert_true(v->has_parent && v->parent_id == id_of(1, 3 * TICK, 4096));
	assert_int_equal(pt_next_live(&t, k), 0);
	free(v);
	pt_free(&t);
}

/* A process in a fake /proc: PID/stat (start ticks) and PID/cmdline (n bytes). */
static void fake_proc(const char *dir, unsigned pid, const char *comm, unsigned ppid,
		      unsigned long ticks, const char *cmdline, size_t n)
{
	char path[256], pc[64], line[1024];
	FILE *f;
	int len;

	snprintf(path, sizeof(path), "%s/%u", dir, pid);
	mkdir(path, 0755);
	snprintf(pc, sizeof(pc), "%u (%s)", pid, comm);
	len = stat_line(line, sizeof(line), pc, ppid, ticks, pid * 4096ul);
	snprintf(path, sizeof(path), "%s/%u/stat", dir, pid);
	assert_non_null(f = fopen(path, "w"));
	fwrite(line, 1, (size_t)len, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/%u/cmdline", dir, pid);
	assert_non_null(f = fopen(path, "w"));
	fwrite(cmdline, 1, n, f);
	fclose(f);
}

/* Seeded from /proc without details (PT_LAZY): a parent's arguments are read at the seed, a
 * leaf's when it forks, and none when its pid shows another start by then (used again). */
static void test_lazy_seed(void **state)
{
	char dir[] = "/tmp/minisnoop-proctab-XXXXXX";
	struct proctab t;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fake_proc(dir, 1, "init", 0, 3, "init\0", 5);
	fake_proc(dir, 10, "sh", 1, 30, "sh\0-l\0", 6);
	fake_proc(dir, 20, "leaf", 10, 60, "leaf\0a b\0", 9);
	fake_proc(dir, 30, "gone", 1, 90, "gone\0", 5);
	assert_int_equal(pt_init(&t, 16), 0);
	assert_int_equal(pt_seed_proc(&t, dir, false), 4);
	assert_string_equal(anc_text(&t, 20, 60 * TICK, 0), "sh(10)[sh|-l] < init(1)[init]");
	do_fork(&t, 20, 21, 100 * TICK, 20 * 4096);
	assert_string_equal(anc_text(&t, 21, 100 * TICK, 1), "leaf(20)[leaf|a b]");
	fake_proc(dir, 30, "other", 1, 95, "other\0", 6); /* 30 ended, its pid used again */
	do_fork(&t, 30, 31, 100 * TICK, 30 * 4096);
	assert_string_equal(anc_text(&t, 31, 100 * TICK, 1), "gone(30)[]");
	{ /* a directory name longer than the path buffer: no arguments, nothing overrun */
		static char longdir[400];

		memset(longdir, 'd', sizeof(longdir) - 1);
		struct pt_stat st = {.pid = 50, .ppid = 1, .ticks = 50, .comm = "lazy"};

		pt_seed(&t, &st, 0, NULL, 0, false);
		t.proc_dir = longdir;
		do_fork(&t, 50, 51, 101 * TICK, 4096);
		assert_string_equal(anc_text(&t, 51, 101 * TICK, 1), "lazy(50)[]");
		t.proc_dir = dir;
	}
	check_table(&t);
	pt_free(&t);
	assert_int_equal(pt_init(&t, 16), 0); /* with details (--existing): all read at once */
	assert_int_equal(pt_seed_proc(&t, dir, true), 4);
	assert_string_equal(anc_text(&t, 20, 60 * TICK, 1), "sh(10)[sh|-l]");
	pt_free(&t);
	for (unsigned k = 0; k < 4; k++) {
		static const char *const names[] = {"stat", "cmdline", ""};
		char path[256];

		for (unsigned f = 0; f < 3; f++) {
			snprintf(path, sizeof(path), "%s/%u/%s", dir,
				 (unsigned[]){1, 10, 20, 30}[k], names[f]);
			f < 2 ? unlink(path) : rmdir(path);
		}
	}
	rmdir(dir);
}

/* Full: the oldest exited ancestor is evicted (counted), the chain ends there; a table of
 * live processes only leaves the next one out (counted). */
static void test_eviction(void **state)
{
	struct proctab t;

	(void)state;
	assert_int_equal(pt_init(&t, 4), 0);
	seed(&t, 1, 0, "init", "init\0", 5);
	pt_seed_link(&t);
	do_fork(&t, 1, 2, 2 * TICK, 0);
	do_fork(&t, 2, 3, 3 * TICK, 0);
	pt_exit(&t, view(2, 1, 2 * TICK, 0, "", NULL, true)); /* 2 retired, kept for 3 */
	do_fork(&t, 3, 4, 4 * TICK, 0);			      /* the 4th slot */
	assert_int_equal(t.evicted, 0);
	do_fork(&t, 3, 5, 5 * TICK, 0); /* full: 2 goes */
	assert_int_equal(t.evicted, 1);
	assert_string_equal(anc_text(&t, 3, 3 * TICK, 9), "");
	check_table(&t);
	do_fork(&t, 3, 6, 6 * TICK, 0); /* all live: left out */
	assert_int_equal(t.untracked, 1);
	assert_string_equal(anc_text(&t, 6, 6 * TICK, 9), "unknown");
	check_table(&t);
	pt_free(&t);
}

/* Random forks, execs and exits (missed ones too, pids used again), checked at each step. */
static void test_random_walk(void **state)
{
	static const char *const args[] = {"p", "0123456789012345678901234567890123456789", NULL};
	struct proctab t;
	uint64_t x = 88172645463325252ull, clock = 100;

	(void)state;
	assert_int_equal(pt_init(&t, 48), 0);
	seed(&t, 1, 0, "init", "init\0", 5);
	pt_seed_link(&t);
	for (int step = 0; step < 200000; step++) {
		uint32_t pid, ppid;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		pid = 2 + (uint32_t)(x % 40);
		ppid = 1 + (uint32_t)((x >> 8) % 41);
		clock++;
		switch ((x >> 20) % 4) {
		case 0:
			do_fork(&t, ppid, pid, clock * TICK, 0);
			break;
		case 1: {
			struct ev_view *v = view(pid, ppid, 0, clock, "p", args, false);

			v->have = (x >> 30) & 1 ? CTXB(IDS) : 0; /* without BTF: no start */
			pt_exec(&t, v);
			break;
		}
		case 2:
			pt_exit(&t, view(pid, ppid, 0, 0, "", NULL, true));
			break;
		default: {
			struct ev_view *v = view(pid, 0, 0, 0, "", NULL, false);

			v->have = 0;
			pt_ancestors(&t, v, EV_ANC_MAX);
			for (unsigned i = 0; i < v->nanc; i++)
				assert_true(v->anc[i].args_len <= EV_ANC_ARGS);
		}
		}
		if (step % 97 == 0)
			check_table(&t);
	}
	check_table(&t);
	pt_free(&t);
}

/* Resident bytes of this process (/proc/self/statm's second field, in pages). */
static size_t resident(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, rss = 0;

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * (size_t)sysconf(_SC_PAGESIZE);
}

/* What the table costs: n live processes, each with its own command line, and a parent;
 * *rss: how much this process grew meanwhile. */
static size_t cost(uint32_t n, size_t *rss)
{
	size_t before = resident();

	static const char *const args[] = {"/usr/lib/worker",	      "--name",
					   "some-worker-name",	      "--config",
					   "/etc/worker/worker.conf", NULL};
	struct proctab t;
	size_t bytes;

	assert_int_equal(pt_init(&t, PT_CAP_DEF), 0);
	seed(&t, 1, 0, "init", "init\0", 5);
	pt_seed_link(&t);
	for (uint32_t pid = 2; pid <= n; pid++) {
		do_fork(&t, 1 + pid / 2, pid, pid * TICK, 0);
		pt_exec(&t, view(pid, 1 + pid / 2, pid * TICK, pid, "worker", args, false));
	}
	assert_int_equal(t.live, n);
	assert_int_equal(t.evicted + t.untracked, 0);
	bytes = pt_memory(&t);
	*rss = resident() - before;
	pt_free(&t);
	return bytes;
}

static void test_memory(void **state)
{
	size_t r10, r100, k10 = cost(10000, &r10), k100 = cost(100000, &r100);

	(void)state;
	print_message("[   INFO   ] process table: 10k processes %.1f MiB (resident: +%.1f MiB), "
		      "100k %.1f MiB (+%.1f MiB)\n",
		      k10 / 1048576.0, r10 / 1048576.0, k100 / 1048576.0, r100 / 1048576.0);
	assert_true(k10 < 8u << 20); /* issue 21's goal */
	assert_true(k100 < 32u << 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_stat_rows),
	    cmocka_unit_test(test_parse_stat_cut),
	    cmocka_unit_test(test_chain_through_exited),
	    cmocka_unit_test(test_fork_exec_reuse),
	    cmocka_unit_test(test_view),
	    cmocka_unit_test(test_lazy_seed),
	    cmocka_unit_test(test_eviction),
	    cmocka_unit_test(test_random_walk),
	    cmocka_unit_test(test_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
