// SPDX-License-Identifier: MIT
/* The tracing loop: poll the rings, decode, filter, format into one buffer, write per batch. */
#include "fmt.h"
#include "tracer.h"

#include "attach.h"
#include "bpf_sys.h"
#include "perf_ring.h"
#include "cgroup.h"
#include "progset.h"
#include "proctab.h"
#include "rate.h"
#include "sink.h"
#ifndef MINISNOOP_TINY
#include "logfmt.h"
#endif
#include "sysfile.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal, give_up, hup, usr1;
/* -- COMMAND: its pid while it runs; the first SIGINT or SIGTERM, which does not stop us */
static volatile sig_atomic_t cmd_pid, cmd_signalled;

/* A write still blocked a second after the stop is given up: a slow reader still gets
 * everything, one that does not read cannot keep us from stopping. */
static void on_signal(int sig)
{
	if (!stop_signal)
		alarm(1);
	stop_signal = sig;
}

/*
 * -- COMMAND: the first SIGINT or SIGTERM is COMMAND's (sent on by us unless it came from the
 * terminal, which sent COMMAND its own), and we trace on until it ends; a second one stops us
 * at once, leaving it running.
 */
static void on_signal_cmd(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (cmd_pid > 0 && !cmd_signalled) {
		cmd_signalled = sig;
		if (si->si_code <= 0) /* kill(), sigqueue(): a process's, not the terminal's */
			kill((pid_t)cmd_pid, sig);
		return;
	}
	on_signal(sig);
}

/* Only to wake poll() when COMMAND ends. */
static void on_chld(int sig)
{
	(void)sig;
}

static void on_alarm(int sig)
{
	(void)sig;
	give_up = 1;
}

/* SIGHUP: the -w file is opened again (logrotate); SIGUSR1: a status line. Both are acted on
 * in the loop, between batches. */
static void on_hup(int sig)
{
	(void)sig;
	hup = 1;
}

static void on_usr1(int sig)
{
	(void)sig;
	usr1 = 1;
}

/* Where each event of a batch sits in the output buffer, to put the batch in time order:
 * each CPU's ring is in order, but the rings are read one after the other. */
struct line_ref {
	uint64_t ts;
	size_t off, len;
};

struct session {
	const struct tracer_opts *o;
	struct outbuf out;
	struct sink sink;
	struct rate rate;
	struct out_opts fmt; /* the options, with the clocks read at start */
	struct line_ref *lines;
	size_t nlines, lines_cap;
	char *sorted; /* the batch in time order, as large as out.buf */
	size_t sorted_cap;
	uint64_t lost, matched, unwritten;
	bool done, pipe_closed, write_failed;
	struct kernel_layout layout;
	struct progset ps;
	struct perf_ring *rings;
	int nr;
	struct pollfd *pfd;
	const volatile uint64_t *stats; /* the programs' counters, mmapped */
	uint64_t said[4];		/* losses reported so far */
	uint64_t reported_at;
	uint64_t status_at, status_matched; /* the last SIGUSR1 status, for its rate */
	int pid_fd;			    /* --pidfile, locked while we run */
	int keeper;			    /* our end of the keeper's socket, or -1 */
	struct tree_cmd cmd;		    /* -- COMMAND */
	int cmd_wstatus;		    /* its wait status once cmd_ended */
	bool cmd_ended;
	unsigned tokens; /* batches that may still be read without a pause (coalesce) */
	uint64_t tokens_at;
	pid_t self;	/* learning our own root from our failed exec (learn_own_root) */
	char *own_root; /* what fmt.own_root points to */
	/* -o ancestors (and --existing's start): the process table; with ancestors, records are
	 * queued and taken in time order (rings are read one after the other), so that a
	 * child's exec never comes before its parent's fork */
	struct proctab pt;
	bool pt_on, anc;
	struct line_ref *rq; /* queued records: time, offset and size in rbuf */
	size_t nrq, rq_cap;
	char *rbuf, *rbuf2;
	size_t rlen, rcap;
	struct ev_view view;		/* take_record's: too large for the stack of every call */
	uint64_t drained_at, window_ns; /* the last drain, and the time since the one before */
	uint64_t fill;			/* the fullest ring at the last drain, in 1/1024ths */
	bool quiet;			/* the programs write through the quiet events */
	bool woke;			/* just back to waking events: poll briefly once */
};

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Parent from /proc, for processes forked before fork tracking started (no BTF). */
static uint32_t proc_ppid(uint32_t pid)
{
	char path[64], buf[1024], *p;

	ms_snprintf(path, sizeof(path), "/proc/%u/status", pid);
	if (read_small_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	p = str_find(buf, "\nPPid:");
	return p ? (uint32_t)scan_u64(p + 6, NULL, 10, NULL) : 0;
}

/* A line of the batch starts at the end of the output buffer (its time, to sort it). */
static bool line_begin(struct session *s, uint64_t ts)
{
	if (s->nlines == s->lines_cap) {
		size_t cap = s->lines_cap ? s->lines_cap * 2 : 256;
		/* twice: the second half is the sort's scratch */
		struct line_ref *n = realloc(s->lines, 2 * cap * sizeof(*n));

		if (!n) {
			ms_fprintf(stderr, "minisnoop: out of memory\n");
			s->done = true;
			return false;
		}
		s->lines = n;
		s->lines_cap = cap;
	}
	s->lines[s->nlines].ts = ts;
	s->lines[s->nlines].off = s->out.len;
	return true;
}

static void line_end(struct session *s)
{
	s->lines[s->nlines].len = s->out.len - s->lines[s->nlines].off;
	s->nlines++;
}

/*
 * Our own root, as the kernel's root block gives it, so that processes sharing it are not
 * marked when we run chrooted ourselves (a build chroot): we exec a missing file once,
 * right after attaching, pinned to the CPU we run on (moving to another costs a migration,
 * and a wait while that CPU is busy), whose ring is then made the first so that its record
 * is read before any other ring's in the first drain. Until the record comes (a filter may
 * drop it), any root below the top of the mount tree is marked, as if we were at the top.
 */
#define OWN_ROOT_PROBE "/nonexistent/minisnoop-own-root"

static void learn_own_root(struct session *s)
{
	static char *const none[] = {NULL};
	struct stat a, b;
	cpu_set_t was, here;
	int cpu = cpu_here(), k;

	if (!(s->o->prog.ctx & CTXB(ROOT)))
		return;
	/* init's root: taken for the top of the tree, as it is unless init is chrooted */
	if (!stat("/", &a) && !stat("/proc/1/root/", &b) && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino) {
		s->fmt.own_root_known = true;
		return;
	}
	s->self = getpid();
	CPU_ZERO(&here);
	if (cpu >= 0 && cpu < CPU_SETSIZE && !sched_getaffinity(0, sizeof(was), &was)) {
		CPU_SET(cpu, &here);
		sched_setaffinity(0, sizeof(here), &here);
		for (k = 0; k < s->nr && s->rings[k].cpu != cpu; k++)
			;
		if (k < s->nr) { /* its ring first (the poll set follows the rings' order) */
			struct perf_ring r = s->rings[k];
			struct pollfd f = s->pfd[k];

			s->rings[k] = s->rings[0], s->rings[0] = r;
			s->pfd[k] = s->pfd[0], s->pfd[0] = f;
		}
	}
	execve(OWN_ROOT_PROBE, none, none); /* fails: ENOENT */
	if (CPU_COUNT(&here))
		sched_setaffinity(0, sizeof(was), &was);
}

/* Our probe's record: taken, never shown. */
static bool own_root_probe(struct session *s, const struct ev_view *v)
{
	if (v->hdr.pid != (uint32_t)s->self || v->hdr.ret >= 0 || v->exit ||
	    v->filename_len != sizeof(OWN_ROOT_PROBE) - 1 ||
	    memcmp(v->filename, OWN_ROOT_PROBE, v->filename_len))
		return false;
	s->self = 0;
	if (!(v->have & CTXB(ROOT)) || !(s->own_root = malloc(v->root_len + 1)))
		return true; /* unknown: stays conservative */
	memcpy(s->own_root, v->root, v->root_len);
	s->fmt.own_root = s->own_root;
	s->fmt.own_root_len = v->root_len;
	s->fmt.own_root_known = true;
	return true;
}

/* The process table's code is left out of make tiny (main.c refuses the options); PT_ON(x):
 * the tracer's session or options have it on. */
#ifdef MINISNOOP_TINY
#define PT_ON(x) false
#else
#define PT_ON(x) ((x)->pt_on)
#endif

/* A fork record, for the process table (a malformed one is said as an exec record's
 * decoding refuses it: EV_F_FORK is never an exec's). */
static bool fork_record(struct session *s, const void *data, uint32_t size)
{
	struct ms_fork f;

	if (ev_decode_fork(data, size, &f))
		return false;
	if (PT_ON(s))
		pt_fork(&s->pt, &f);
	return true;
}

/* The event as a line of the batch: the text or JSON line, or with --syslog, --journal or
 * --kmsg the message the sink sends. */
static void format_event(struct session *s, struct ev_view *v)
{
#ifndef MINISNOOP_TINY
	if (s->sink.proto)
		logfmt_event(&s->out, &s->fmt, &s->sink, v);
	else
#endif
		out_event(&s->out, &s->fmt, v);
}

/* One event: the process table kept, then filtered, formatted and counted. 1: stop reading. */
static int take_record(struct session *s, const void *data, uint32_t size)
{
	struct ev_view *v = &s->view;
	int r = 0;

	if (fork_record(s, data, size))
		return 0;
	if (ev_decode_env(data, size, s->o->prog.max_args, s->o->prog.max_env, v)) {
		ms_fprintf(stderr, "minisnoop: skipped a malformed record of %u bytes\n", size);
		return 0;
	}
	if (s->self && own_root_probe(s, v))
		return 0;
	/* an exit's pid may already be another process's */
	if (!(v->hdr.flags & EV_F_PPID_KERNEL) && !v->exit)
		v->hdr.ppid = proc_ppid(v->hdr.pid);
	if (PT_ON(s)) {
		if (!v->exit)
			pt_exec(&s->pt, v);
		if (v->exit && !s->o->show_exits) /* asked for by the table only */
			goto out;
		if (s->anc)
			pt_ancestors(&s->pt, v, s->o->max_anc);
	}
	if (!filter_match(&s->o->filter, v))
		goto out;
	/* --rate: before formatting, the costly part */
	if (!rate_allow(&s->rate, v->hdr.comm, v->hdr.ts_ns))
		goto out;
	if (!line_begin(s, v->hdr.ts_ns)) {
		r = 1;
		goto out;
	}
	format_event(s, v);
	line_end(s);
	s->matched++;
	if (s->o->count && s->matched >= s->o->count) {
		s->done = true;
		r = 1;
	}
out:
	if (PT_ON(s) && v->exit) /* after its line: its ancestors pointed into the table */
		pt_exit(&s->pt, v);
	return r;
}

/* With the process table: queued, taken in time order by take_queue. */
static int queue_record(struct session *s, const void *data, uint32_t size)
{
	size_t need = (size + 7) & ~(size_t)7;

	if (size < 8) {
		ms_fprintf(stderr, "minisnoop: skipped a malformed record of %u bytes\n", size);
		return 0;
	}
	if (s->nrq == s->rq_cap) {
		size_t cap = s->rq_cap ? s->rq_cap * 2 : 256;
		struct line_ref *n = realloc(s->rq, 2 * cap * sizeof(*n)); /* and the sort's */

		if (!n)
			goto oom;
		s->rq = n;
		s->rq_cap = cap;
	}
	if (s->rlen + need > s->rcap) {
		size_t cap = s->rcap ? s->rcap : 1 << 16;
		char *a, *b;

		while (cap < s->rlen + need)
			cap *= 2;
		a = realloc(s->rbuf, cap);
		if (a)
			s->rbuf = a;
		b = a ? realloc(s->rbuf2, cap) : NULL;
		if (!b)
			goto oom;
		s->rbuf2 = b;
		s->rcap = cap;
	}
	memcpy(&s->rq[s->nrq].ts, data, 8); /* both shapes start with their time */
	s->rq[s->nrq].off = s->rlen;
	s->rq[s->nrq].len = size;
	memcpy(s->rbuf + s->rlen, data, size);
	s->rlen += need;
	s->nrq++;
	return 0;
oom:
	ms_fprintf(stderr, "minisnoop: out of memory\n");
	s->done = true;
	return 1;
}

static int on_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct session *s = ctx;

	(void)cpu;
	if (s->done)
		return 1;
	return PT_ON(s) && s->anc ? queue_record(s, data, size) : take_record(s, data, size);
}

/* Counted here, reported with the programs' own counts (report_losses). */
static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	struct session *s = ctx;

	(void)cpu;
	s->lost += lost;
}

/* The programs' counters, mapped at start: reading them needs no bpf() call, so no
 * privilege once tracing. */
static int map_stats(struct session *s, char *err, size_t n)
{
	void *m =
	    mmap(NULL, page_size(), PROT_READ, MAP_SHARED, progset_map_fd(&s->ps, MAP_STATS), 0);

	if (m == MAP_FAILED) {
		ms_snprintf(err, n, "mapping the counters: %s (kernel 5.5 or later needed)",
			    strerror(errno));
		return -errno;
	}
	s->stats = m;
	return 0;
}

static uint64_t counter(const struct session *s, enum ms_stat idx)
{
	return s->stats ? s->stats[idx] : 0;
}

/* What was lost so far: a full ring shows both as a failed output and as a LOST record. */
static void losses(const struct session *s, uint64_t *lost, uint64_t *stash, uint64_t *unseen)
{
	uint64_t fails = counter(s, MS_STAT_OUTPUT_FAIL);

	*lost = s->lost > fails ? s->lost : fails;
	*stash = counter(s, MS_STAT_STASH_FAIL);
	*unseen = counter(s, MS_STAT_UNSEEN);
}

/* At most once a second, what was lost since the last report; the summary says the total. */
static void report_losses(struct session *s, bool final)
{
	uint64_t lost, stash, unseen, now = now_ns(CLOCK_MONOTONIC);

	if (!final && now - s->reported_at < 1000000000ull)
		return;
	s->reported_at = now;
	losses(s, &lost, &stash, &unseen);
	if (lost > s->said[0])
		ms_fprintf(stderr,
			   "minisnoop: %" PRIu64 " events lost%s (rings full: try --pages)\n", lost,
			   final ? "" : " so far");
	if (stash > s->said[1])
		ms_fprintf(stderr,
			   "minisnoop: %" PRIu64 " execs%s whose entry could not be kept: if they "
			   "fail, they are not reported\n",
			   stash, final ? "" : " so far");
	if (unseen > s->said[2])
		ms_fprintf(stderr,
			   "minisnoop: %" PRIu64
			   " failed execs%s not reported: their entry was not "
			   "seen (in flight at start, or evicted)\n",
			   unseen, final ? "" : " so far");
	if (counter(s, MS_STAT_TREE_FULL) > s->said[3])
		ms_fprintf(stderr,
			   "minisnoop: %" PRIu64 " forks not followed%s: the subtree map was full "
			   "(%u entries); those processes and their children are %s\n",
			   counter(s, MS_STAT_TREE_FULL), final ? "" : " so far", TREE_MAX,
			   s->o->prog.tree == TREE_OUT ? "traced although excluded" : "not traced");
	s->said[0] = lost;
	s->said[1] = stash;
	s->said[2] = unseen;
	s->said[3] = counter(s, MS_STAT_TREE_FULL);
}

/* "N exec events of COMM dropped by --rate", in the output itself, as a JSON object with -j. */
static void put(struct outbuf *o, const char *str)
{
	size_t n = strlen(str);

	if (outbuf_reserve(o, n)) {
		memcpy(o->buf + o->len, str, n);
		o->len += n;
	}
}

static void rate_note(void *ctx, const char *comm, uint64_t n)
{
	struct session *s = ctx;
	char num[96];

	if (!line_begin(s, now_ns(CLOCK_MONOTONIC)))
		return;
	if (s->fmt.json)
		ms_snprintf(num, sizeof(num),
			    "{\"event\":\"dropped\",\"by\":\"rate\",\"count\":%" PRIu64
			    ",\"comm\":%s",
			    n, comm ? "" : "null");
	else
		ms_snprintf(num, sizeof(num), "minisnoop: %" PRIu64 " exec events of %s", n,
			    comm ? "" : "other commands");
	put(&s->out, num);
	if (comm && s->fmt.json)
		out_json_string(&s->out, comm, strnlen(comm, RATE_COMM));
	else if (comm)
		out_text_escaped(&s->out, comm, strnlen(comm, RATE_COMM));
	if (s->fmt.json)
		put(&s->out, "}\n");
	else {
		ms_snprintf(num, sizeof(num), " dropped by --rate %" PRIu64 "/s\n", s->rate.per_s);
		put(&s->out, num);
	}
#ifndef MINISNOOP_TINY
	logfmt_note(&s->out, &s->sink, s->lines[s->nlines].off);
#endif
	line_end(s);
}

static int open_cgroup(const struct tracer_opts *o, struct progset *ps, char *err, size_t n)
{
	int cg, key = 0, r;

	if (!o->cgroup_path)
		return 0;
	cg = open(o->cgroup_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0) {
		ms_snprintf(err, n, "cgroup %s: %s", o->cgroup_path, strerror(errno));
		return -errno;
	}
	r = bpf_map_update(progset_map_fd(ps, MAP_CGROUP), &key, &cg, BPF_ANY);
	close(cg);
	if (r)
		ms_snprintf(err, n, "cgroup %s: %s (a cgroup v2 directory is needed)",
			    o->cgroup_path, strerror(-r));
	return r;
}

/* --container: the container cgroups there are now into the kernel's map. */
static int fill_containers(const struct tracer_opts *o, struct progset *ps, const uint64_t *ids,
			   size_t n, char *err, size_t errlen)
{
	uint32_t one = 1;

	for (size_t i = 0; o->filter.ctr && i < n; i++) {
		int r = bpf_map_update(progset_map_fd(ps, MAP_CONTAINERS), &ids[i], &one, BPF_ANY);

		if (r) {
			ms_snprintf(err, errlen, "--container: filling its map: %s", strerror(-r));
			return r;
		}
	}
	return 0;
}

/* Stable bottom-up merge sort by time (no qsort: it would add 2 KB to a small binary). */
/* Stable merge sort by time (tmp: n more). What it sorts is a few runs in order already (each
 * CPU's ring is, and what a batch left): runs are merged as found, one pass for two rings. */
static void sort_refs(struct line_ref *a, struct line_ref *tmp, size_t n)
{
	struct line_ref *src = a, *dst = tmp, *t;
	size_t runs = 2;

	while (runs > 1) {
		runs = 0;
		for (size_t i = 0, m, r, x, y, k; i < n; i = r, runs++) {
			for (m = i + 1; m < n && src[m - 1].ts <= src[m].ts; m++)
				;
			if (m == n && !i)
				break; /* in order */
			for (r = m < n ? m + 1 : n; r < n && src[r - 1].ts <= src[r].ts; r++)
				;
			for (x = i, y = m, k = i; x < m || y < r;)
				dst[k++] = y < r && (x == m || src[y].ts < src[x].ts) ? src[y++]
										      : src[x++];
		}
		if (runs) {
			t = src;
			src = dst;
			dst = t;
		}
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

/* Rewrites the pending lines of the output buffer in time order. */
static void sort_lines(struct session *s)
{
	size_t k, at = 0, base = s->lines[0].off;
	bool ordered = true;
	char *tmp;

	for (k = 1; k < s->nlines && ordered; k++)
		ordered = s->lines[k - 1].ts <= s->lines[k].ts;
	if (ordered)
		return;
	if (s->sorted_cap < s->out.len) {
		tmp = realloc(s->sorted, s->out.cap);
		if (!tmp)
			return; /* keep ring order rather than lose events */
		s->sorted = tmp;
		s->sorted_cap = s->out.cap;
	}
	sort_refs(s->lines, s->lines + s->lines_cap, s->nlines);
	for (k = 0; k < s->nlines; k++) {
		memcpy(s->sorted + at, s->out.buf + s->lines[k].off, s->lines[k].len);
		s->lines[k].off = base + at;
		at += s->lines[k].len;
	}
	memcpy(s->out.buf + base, s->sorted, at);
}

/* The queued records up to time upto, in time order; the later ones stay queued. */
static void take_queue(struct session *s, uint64_t upto)
{
	size_t k = 0, n = 0, len = 0;

	sort_refs(s->rq, s->rq + s->rq_cap, s->nrq);
	for (; k < s->nrq && s->rq[k].ts <= upto && !s->done; k++)
		take_record(s, s->rbuf + s->rq[k].off, (uint32_t)s->rq[k].len);
	if (s->done)
		k = s->nrq;
	for (; k < s->nrq; k++, n++) {
		memcpy(s->rbuf2 + len, s->rbuf + s->rq[k].off, s->rq[k].len);
		s->rq[n] = s->rq[k];
		s->rq[n].off = len;
		len += (s->rq[k].len + 7) & ~(size_t)7;
	}
	s->nrq = n;
	s->rlen = len;
	if (n) { /* the kept ones are in rbuf2 now */
		char *t = s->rbuf;

		s->rbuf = s->rbuf2;
		s->rbuf2 = t;
	}
}

/* Writes the first `cut` bytes of the output; a closed pipe, a stop while blocked, or a
 * write error (a full disk) ends the session, each said differently. */
static void write_out(struct session *s, size_t cut)
{
	size_t done;
	int r = sink_write(&s->sink, s->out.buf, cut, &done);

	/* what was not written stays at the front */
	if (done && done < s->out.len)
		memmove(s->out.buf, s->out.buf + done, s->out.len - done);
	s->out.len -= done;
	if (!r)
		return;
	s->done = true;
	if (r == -EPIPE) {
		s->pipe_closed = true;
	} else if (r == -EINTR) {
		/* Each event is one line: count the ones dropped. */
		for (size_t i = 0; i < s->out.len; i++)
			s->unwritten += s->out.buf[i] == '\n';
	} else {
		ms_fprintf(stderr, "minisnoop: writing the output: %s\n", strerror(-r));
		s->write_failed = true;
	}
	s->out.len = 0;
	s->nlines = 0;
}

/*
 * Writes, in time order, the pending events up to time `upto`. Later ones wait for the next
 * round: another CPU's ring may still receive events older than them, and it was read
 * before they arrived.
 */
static void write_upto(struct session *s, uint64_t upto)
{
	size_t keep = 0, cut = s->out.len, k;

	if (s->nlines > 1)
		sort_lines(s);
	while (keep < s->nlines && s->lines[keep].ts <= upto)
		keep++;
	if (keep < s->nlines)
		cut = s->lines[keep].off;
	/* text and JSON: a line an event, the sink need not count them (a message sink's
	 * events may take several) */
	s->sink.batch_lines = s->sink.proto ? 0 : keep;
	write_out(s, cut);
	for (k = keep; k < s->nlines; k++) {
		s->lines[k - keep] = s->lines[k];
		s->lines[k - keep].off -= cut;
	}
	s->nlines = s->nlines >= keep ? s->nlines - keep : 0;
}

/* Reads every ring and writes what is in order; the number of records read, or -errno. */
static int drain(struct session *s, struct perf_ring *rings, int nr, bool final)
{
	uint64_t upto = final ? UINT64_MAX : now_ns(CLOCK_MONOTONIC), pos;
	int k, r, n = 0;

	s->window_ns = upto - s->drained_at;
	s->drained_at = upto;
	s->fill = 0;
	for (k = 0; k < nr && !s->done; k++) {
		pos = perf_ring_read_pos(&rings[k]);
		r = perf_ring_consume(&rings[k], on_sample, on_lost, s);
		pos = (perf_ring_read_pos(&rings[k]) - pos) * 1024 / rings[k].data_size;
		s->fill = pos > s->fill ? pos : s->fill;
		if (r < 0) {
			ms_fprintf(stderr, "minisnoop: CPU %d's ring is corrupt: %s\n",
				   rings[k].cpu, strerror(-r));
			return r;
		}
		n += r;
	}
	if (PT_ON(s) && s->anc && s->nrq)
		take_queue(s, final || s->done ? UINT64_MAX : upto);
	/* --count reached or a closed pipe: nothing more comes, write all. */
	write_upto(s, final || s->done ? UINT64_MAX : upto);
	return n;
}

/*
 * After a batch, maybe a pause before the next poll. Each wake-up costs more than the
 * events it reads when batches are small (40 µs of reader CPU per exec with a 10 ms pause,
 * 17 µs with 40 ms, here), so a storm is read in batches COALESCE_NS apart: about 20
 * wake-ups a second. But a few batches in a row are read at once (a token each, one
 * earned back every COALESCE_REFILL_NS), so that a lone event, or the first few after a
 * quiet spell, are written as soon as they come. The pause also ends before the fullest
 * ring, filling as fast as it did since the last batch, would be a quarter full: large
 * records (-o all -e: ~2 KB an exec) in a storm of 4,000 execs a second filled 256 KiB
 * rings in one 50 ms pause and were lost.
 */
#define COALESCE_NS	   (50ull * 1000 * 1000)
#define COALESCE_REFILL_NS (250ull * 1000 * 1000)
#define COALESCE_BURST	   4

/*
 * Points each CPU's slot of the events map at its ring's quiet event (no wake-up per record)
 * or back at the waking one. A wake-up is only of use while we wait in poll(); in a storm we
 * read in batches between pauses, and a record woken per exec cost the exec program ten times
 * its own run time here (a self-IPI in a VM: 15 µs an exec instead of 1.5).
 */
static void set_quiet(struct session *s, bool quiet)
{
	int events = progset_map_fd(&s->ps, MAP_EVENTS);

	if (s->quiet == quiet)
		return;
	for (int k = 0; k < s->nr; k++) {
		const struct perf_ring *rg = &s->rings[k];

		if (rg->quiet_fd >= 0)
			bpf_map_update(events, &rg->cpu, quiet ? &rg->quiet_fd : &rg->fd, BPF_ANY);
	}
	s->quiet = quiet;
	s->woke = !quiet;
}

static void coalesce(struct session *s)
{
	uint64_t now = now_ns(CLOCK_MONOTONIC), earned = (now - s->tokens_at) / COALESCE_REFILL_NS;
	uint64_t pause = COALESCE_NS;
	struct timespec ts;

	if (earned) {
		s->tokens = s->tokens + earned > COALESCE_BURST ? COALESCE_BURST
								: s->tokens + (unsigned)earned;
		s->tokens_at += earned * COALESCE_REFILL_NS;
	}
	if (s->tokens) {
		s->tokens--;
		return;
	}
	if (s->fill && s->window_ns / s->fill * 256 < pause)
		pause = s->window_ns / s->fill * 256;
	ts = (struct timespec){0, (long)pause};
	if (!stop_signal && pause >= 1000000) {
		set_quiet(s, true);
		nanosleep(&ts, NULL);
	}
}

static void keeper_start(struct session *s, const int *warm, size_t nwarm);

/* Everything the kernel side needs, in the order that names the first real problem. */
static int start(struct session *s, char *err, size_t errlen)
{
	const struct tracer_opts *o = s->o;
	struct prog_opts po = o->prog;
	struct load_opts lo = {.log_level = o->verifier_log > 0 ? (unsigned)o->verifier_log : 0,
			       .stats = o->verifier_log >= 0};
	int r = progset_prepare_tracefs(&s->layout, !o->no_btf, err, errlen), warm[P_COUNT];
	static uint64_t ctr_ids[CONTAINER_CGROUPS_MAX];
	size_t nctr = 0;

	/* the ids known: the keeper registers their tracepoints while we read BTF */
	if (!r)
		keeper_start(s, warm, progset_warm_ids(&s->layout, &po, warm));
	if (!r)
		r = progset_prepare_btf(&s->layout, err, errlen);
	po.match_cgroup = o->cgroup_path != NULL;
	if (!r && o->filter.ctr && o->filter.ctr->on) {
		r = cgroup_scan_containers(o->filter.ctr, ctr_ids, CONTAINER_CGROUPS_MAX, &nctr,
					   &o->filter.ctr->new_above, err, errlen);
		po.match_container = true;
		po.container_new = o->filter.ctr->new_above;
		po.ctx |= 1u << CTX_CGROUP; /* the user-space half reads the id */
	}
	if (!r)
		r = progset_build(&s->ps, &po, &s->layout, false, err, errlen);
	/* while a child verifies some of the programs: the maps filled, the rings opened */
	if (!r)
		r = progset_load_begin(&s->ps, &lo, err, errlen);
	if (!r)
		r = open_cgroup(o, &s->ps, err, errlen);
	if (!r)
		r = fill_containers(o, &s->ps, ctr_ids, nctr, err, errlen);
	if (!r)
		r = progset_open_rings(&s->ps, tracer_ring_pages(o), &s->rings, &s->nr, err,
				       errlen);
	if (!r)
		r = map_stats(s, err, errlen);
	/* each program attached once it (and those attached before it) is verified */
	if (!r)
		r = progset_load_attach(&s->ps, &lo, err, errlen);
	progset_print_logs(stderr, &s->ps, o->verifier_log >= 0);
	if (!r && o->prog.tree) /* after attaching: a fork from now on is followed */
		r = tree_seed(progset_map_fd(&s->ps, MAP_TREE), &o->tree, err, errlen);
	if (!r && s->cmd.pid > 0) {
		uint32_t pid = (uint32_t)s->cmd.pid, in = TREE_IN;

		uint32_t self = (uint32_t)getpid();
		int forks = progset_map_fd(&s->ps, MAP_FORKS);

		r = bpf_map_update(progset_map_fd(&s->ps, MAP_TREE), &pid, &in, BPF_ANY);
		if (r)
			ms_snprintf(err, errlen, "adding COMMAND to the subtree map: %s",
				    strerror(-r));
		/* without BTF, its parent (us) for its exit's ppid: forked before fork tracking */
		if (!r && forks >= 0)
			bpf_map_update(forks, &pid, &self, BPF_ANY);
	}
	if (r)
		return r;
	s->pfd = calloc((size_t)s->nr + 1, sizeof(*s->pfd));
	if (!s->pfd) {
		ms_snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (int k = 0; k < s->nr; k++) {
		s->pfd[k].fd = s->rings[k].fd;
		s->pfd[k].events = POLLIN;
	}
	/* No events asked for: a pipe whose reader left reports POLLERR, so that
	 * `minisnoop | head -3` ends when head does, not at the next exec. */
	s->pfd[s->nr].fd = sink_poll_fd(&s->sink);
	return 0;
}

/*
 * The attached events are held by a keeper, forked while we are still privileged: it stays
 * root when -Z switches us, so that the -Z user cannot stop it (a stopped holder would keep
 * the programs running after we are gone), and it leaves our session, so that no terminal
 * signal reaches it. It is forked as soon as the tracepoint ids are known and, on the other
 * CPU while we read BTF and verify, opens a bare event on each tracepoint we are likely to
 * attach to: the kernel's registering of a tracepoint with perf on its first open (0.2-0.3 ms
 * each for sched_process_exec and the raw syscall tracepoints here) is then done when we
 * attach. It is handed the events over a socket once they are attached, closes its own then
 * (ours keep the tracepoints registered), and waits for the end of that socket, which only we
 * hold; then closes them (the detaches take their grace periods there, after we have exited).
 * When it cannot be made or handed them, progset_close's child detaches, as before.
 */
static void keeper_start(struct session *s, const int *warm, size_t nwarm)
{
	static const int ignored[] = {SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE};
	int sk[2], fds[P_COUNT], n = 0, held[P_COUNT];
	char cbuf[CMSG_SPACE(sizeof(fds))] = {0}, c, err[128];
	struct iovec iov = {&c, 1};
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *h;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sk))
		return;
	pid = fork();
	if (pid != 0) {
		close(sk[1]);
		if (pid > 0)
			s->keeper = sk[0]; /* open until we exit */
		else
			close(sk[0]);
		return;
	}
	for (size_t k = 0; k < sizeof(ignored) / sizeof(ignored[0]); k++)
		signal(ignored[k], SIG_IGN);
	setsid();
	/* nothing of ours (stdout, stderr, maps, sockets) but its end of the socket */
	close_all_but(&sk[1], 1);
	for (size_t k = 0; k < nwarm; k++) /* CAP_PERFMON: before the drop */
		held[k] = tp_attach(warm[k], -1);
	privs_drop(NULL, err, sizeof(err)); /* no capability, no way back; still root */
	while (recvmsg(sk[1], &m, MSG_CMSG_CLOEXEC) < 0 && errno == EINTR)
		;
	/* handed the attached events, or we failed (EOF): ours are of no more use */
	for (size_t k = 0; k < nwarm; k++)
		if (held[k] >= 0)
			close(held[k]);
	h = CMSG_FIRSTHDR(&m);
	if (h && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS &&
	    h->cmsg_len > CMSG_LEN(0) && h->cmsg_len <= CMSG_LEN(sizeof(fds))) {
		n = (int)((h->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(fds, CMSG_DATA(h), (size_t)n * sizeof(int));
	}
	while (read(sk[1], &c, 1) != 0 && errno == EINTR)
		;
	while (n > 0)
		close(fds[--n]);
	_exit(0);
}

/* The attached events to the keeper, closed here (they stay attached). */
static void keeper_hand(struct session *s)
{
	int fds[P_COUNT], n = 0, *tp = s->ps.tp_fd;
	char cbuf[CMSG_SPACE(sizeof(fds))] = {0}, c = 0;
	struct iovec iov = {&c, 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf};
	struct cmsghdr *h;

	for (int k = 0; k < P_COUNT; k++)
		if (tp[k] >= 0)
			fds[n++] = tp[k];
	if (s->keeper < 0 || !n)
		return;
	m.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
	h = CMSG_FIRSTHDR(&m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
	memcpy(CMSG_DATA(h), fds, (size_t)n * sizeof(int));
	if (sendmsg(s->keeper, &m, MSG_NOSIGNAL) != 1)
		return;
	for (int k = 0; k < P_COUNT; k++) {
		if (tp[k] >= 0)
			close(tp[k]);
		tp[k] = -1;
	}
}

static void status(struct session *s)
{
	uint64_t lost, stash, unseen, now = now_ns(CLOCK_MONOTONIC);
	uint64_t dt = now - s->status_at, n = s->matched - s->status_matched;
	char notes[128] = "";

#ifndef MINISNOOP_TINY
	if (s->sink.proto)
		sink_notes(&s->sink, notes, sizeof(notes));
#endif
	losses(s, &lost, &stash, &unseen);
	ms_fprintf(stderr,
		   "minisnoop: status: %" PRIu64 " events (%" PRIu64 "/s over the last %" PRIu64
		   " s), %" PRIu64 " lost, %" PRIu64 " dropped by --rate, %d rings; %s: %" PRIu64
		   " lines written, %" PRIu64 " dropped, %" PRIu64 " write errors, %" PRIu64
		   " rotations%s\n",
		   s->matched, dt ? n * UINT64_C(1000000000) / dt : 0, dt / UINT64_C(1000000000),
		   lost, s->rate.dropped, s->nr, s->sink.path ? s->sink.path : s->sink.ops->name,
		   s->sink.lines, s->sink.dropped, s->sink.errors, s->sink.rotations, notes);
	s->status_at = now;
	s->status_matched = s->matched;
}

/* Between two batches: SIGUSR1, and once a second the losses, what --rate dropped and
 * a retry of what the sink could not write. */
static void between_batches(struct session *s)
{
	uint64_t last = s->reported_at;

	if (usr1) {
		usr1 = 0;
		status(s);
	}
	report_losses(s, false);
	if (s->reported_at == last)
		return;
	sink_retry(&s->sink);
	if (s->rate.pending) {
		rate_each_dropped(&s->rate, rate_note, s);
		write_upto(s, now_ns(CLOCK_MONOTONIC));
	}
}

#ifndef MINISNOOP_TINY
/*
 * --pidfile: locked (flock) from start to exit, so that a second minisnoop is refused while
 * the first runs, and a file left by one that was killed (not locked) is taken over. The pid
 * is written once tracing has started: a service manager that reads it then knows that
 * execs are seen.
 */
static int pidfile_lock(struct session *s, const char *path)
{
	char buf[24] = "";
	struct stat st;
	int r, fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK,
			 0644);

	if (fd < 0) {
		r = -errno;
		ms_fprintf(stderr, "minisnoop: --pidfile %s: %s\n", path,
			   r == -ELOOP ? "a symbolic link (refused)" : strerror(-r));
		return r;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		ms_fprintf(stderr, "minisnoop: --pidfile %s: not a regular file (refused)\n", path);
		close(fd);
		return -EINVAL;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		ssize_t n;

		r = -errno;
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		buf[strcspn(buf, "\n")] = 0;
		ms_fprintf(stderr, "minisnoop: --pidfile %s: %s%s%s\n", path,
			   r == -EWOULDBLOCK ? "in use by another minisnoop" : strerror(-r),
			   *buf ? ", pid " : "", buf);
		close(fd);
		return r;
	}
	s->pid_fd = fd;
	return 0;
}

static int pidfile_write(struct session *s, const char *path)
{
	char buf[24];
	int n = ms_snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	if (ftruncate(s->pid_fd, 0) || pwrite(s->pid_fd, buf, (size_t)n, 0) != n) {
		int r = errno ? -errno : -EIO;

		ms_fprintf(stderr, "minisnoop: --pidfile %s: %s\n", path, strerror(-r));
		return r;
	}
	return 0;
}

/* Removed only while it is still ours (not replaced by a newer one); with -Z the directory
 * may not let USER remove it: then it is emptied, and its lock is gone in any case. */
static void pidfile_remove(struct session *s, const char *path)
{
	struct stat a, b;

	if (s->pid_fd < 0 || !path)
		return;
	if (!fstat(s->pid_fd, &a) && !stat(path, &b) && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino && unlink(path))
		(void)!ftruncate(s->pid_fd, 0);
	close(s->pid_fd);
	s->pid_fd = -1;
}
#else
/* make tiny has no --pidfile (main.c refuses it) */
#define pidfile_lock(s, path)	(0)
#define pidfile_write(s, path)	(0)
#define pidfile_remove(s, path) ((void)0)
#endif

/* Polls and drains until a signal, --count, --duration or a closed pipe; the exit status. */
static int trace_loop(struct session *s, uint64_t deadline)
{
	while (!s->done && !stop_signal) {
		/* events (or records) held back for ordering are taken at the next round, soon;
		 * quiet, a storm's batches are read without waiting; back to waking events, the
		 * records written through a quiet one meanwhile are read first, and a last one that
		 * may have raced with the switch within a pause */
		int timeout = s->quiet		    ? 0
			      : s->woke		    ? (int)(COALESCE_NS / 1000000)
			      : s->nlines || s->nrq ? 5
						    : 1000,
		    r;

		/* COMMAND ended: what it did is in the rings by now (its exit comes before its
		 * parent hears of it); the final drain reads it. SIGCHLD cut the poll short. */
		if (s->cmd.pid > 0 && waitpid(s->cmd.pid, &s->cmd_wstatus, WNOHANG) == s->cmd.pid) {
			s->cmd_ended = true;
			cmd_pid = 0;
			break;
		}
		if (s->cmd.pid > 0 &&
		    timeout > 250) /* a SIGCHLD just before poll: late, not lost */
			timeout = 250;

		if (deadline) {
			uint64_t now = now_ns(CLOCK_MONOTONIC);

			if (now >= deadline)
				break;
			if ((deadline - now) / 1000000 < (uint64_t)timeout)
				timeout = (int)((deadline - now) / 1000000) + 1;
		}
		r = poll(s->pfd, (nfds_t)s->nr + 1, timeout);
		if (r < 0 && errno != EINTR) {
			ms_fprintf(stderr, "minisnoop: poll: %s\n", strerror(errno));
			return 1;
		}
		if (r > 0 && (s->pfd[s->nr].revents & (POLLERR | POLLHUP))) {
			s->pipe_closed = s->done = true;
			break;
		}
		/* before the drain: what comes after SIGHUP goes to the new file */
		if (hup) {
			hup = 0;
			sink_reopen(&s->sink);
		}
		r = drain(s, s->rings, s->nr, false);
		if (r < 0)
			return 1;
		between_batches(s);
		if (r > 0)
			coalesce(s);
		else if (s->quiet) /* the storm is over: woken by the next record */
			set_quiet(s, false);
		else
			s->woke = false;
	}
	return 0;
}

/* The process table from /proc; 0 or 1 (said). */
static int seed(struct session *s)
{
	int r = pt_init(&s->pt, PT_CAP_DEF);

	if (!r)
		r = pt_seed_proc(&s->pt, "/proc", s->o->existing);
	if (r < 0) {
		ms_fprintf(stderr, "minisnoop: process table: %s\n", strerror(-r));
		return 1;
	}
	s->pt_on = true;
	s->anc = s->o->ancestors;
	return 0;
}

/* --existing: a "running" line per process /proc showed, through the user-space filters and
 * -u; written before the first event. The table is dropped after when nothing else keeps it. */
static void running_lines(struct session *s)
{
	uint64_t now = now_ns(CLOCK_MONOTONIC);

	for (uint32_t k = pt_next_live(&s->pt, 0); k && !s->done; k = pt_next_live(&s->pt, k)) {
		struct ev_view *v = &s->view;

		pt_view(&s->pt, k, now, v);
		if (s->o->prog.match_uid && v->hdr.uid != s->o->prog.uid)
			continue;
		if (s->anc)
			pt_ancestors(&s->pt, v, s->o->max_anc);
		if (!filter_match(&s->o->filter, v) || !line_begin(s, now))
			continue;
		format_event(s, v);
		line_end(s);
	}
	write_upto(s, UINT64_MAX);
	if (!s->anc) {
		pt_free(&s->pt);
		s->pt_on = false;
	}
}

/* An event read but not to be written: counted as an event, and as not written. */
static int count_unwritten(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct session *s = ctx;
	struct ev_view v;

	(void)cpu;
	if (!ev_decode_env(data, size, s->o->prog.max_args, s->o->prog.max_env, &v) &&
	    filter_match(&s->o->filter, &v)) {
		s->matched++;
		s->unwritten++;
	}
	return 0;
}

static void summary(struct session *s)
{
	uint64_t lost, stash, unseen;

	/* Output blocked at the stop: what is still in the rings was not written either. */
	for (int k = 0; s->unwritten && k < s->nr; k++)
		perf_ring_consume(&s->rings[k], count_unwritten, on_lost, s);
	report_losses(s, true);
	losses(s, &lost, &stash, &unseen);
	if (s->pipe_closed)
		return;
	ms_fprintf(stderr, "minisnoop: %" PRIu64 " events, %" PRIu64 " lost", s->matched, lost);
	if (s->rate.per_s)
		ms_fprintf(stderr, ", %" PRIu64 " dropped by --rate", s->rate.dropped);
	if (s->sink.path)
		ms_fprintf(stderr, ", %" PRIu64 " not written to %s (%" PRIu64 " write errors)",
			   s->sink.dropped, s->sink.path, s->sink.errors);
#ifndef MINISNOOP_TINY
	if (s->sink.proto) {
		char notes[128];

		sink_notes(&s->sink, notes, sizeof(notes));
		ms_fprintf(stderr, "%s", notes);
	}
#endif
	if (s->unwritten)
		ms_fprintf(stderr, ", %" PRIu64 " not written (output blocked when stopped)",
			   s->unwritten);
	if (s->pt.evicted || s->pt.untracked)
		ms_fprintf(stderr,
			   ", process table full: %" PRIu64 " ancestors evicted, %" PRIu64
			   " untracked",
			   s->pt.evicted, s->pt.untracked);
	ms_fprintf(stderr, "\n");
}

/*
 * The largest record the programs can write with these options, as a perf sample (header,
 * size word, padded to 8): the whole text bound, less the blocks not asked for (a block added
 * later is counted until it is named here: too high, never too low).
 */
static size_t sample_max(const struct prog_opts *po)
{
	size_t rec = EV_HDR + EV_TEXT_MAX;

	if (!(po->ctx & CTXB(CWD)))
		rec -= EV_PATH_MAX;
	if (!(po->ctx & CTXB(EXE)))
		rec -= EV_PATH_MAX;
	if (!(po->ctx & CTXB(ENV)))
		rec -= EV_ENV_MAX;
	return 8 + ((4 + rec + 7) & ~(size_t)7);
}

/*
 * Ring pages per CPU when --pages is not given: 64 (256 KiB), or 256 with -e, whose records
 * are ~2 KB an exec rather than ~300 bytes: a storm of 4,000 execs a second filled 256 KiB
 * rings while the reader was off the CPU (2 cores, 2 exec'ing workers) and lost records.
 */
unsigned tracer_ring_pages(const struct tracer_opts *o)
{
	return o->pages ? o->pages : o->prog.ctx & CTXB(ENV) ? 256 : 64;
}

/* Said at start: a ring that cannot hold the largest records loses each one (counted). */
static void ring_note(const struct tracer_opts *o)
{
	unsigned pages = tracer_ring_pages(o), asked = pages;
	size_t need = sample_max(&o->prog), ring = (size_t)pages * page_size();

	if (need < ring)
		return;
	while ((size_t)pages * page_size() <= need)
		pages *= 2;
	ms_fprintf(stderr,
		   "minisnoop: --pages %u: a ring of %zu KiB per CPU is smaller than the largest "
		   "record these options can make (%zu bytes): such records are lost, and "
		   "counted; --pages %u holds any\n",
		   asked, ring / 1024, need, pages);
}

#ifndef MINISNOOP_TINY
/* --syslog, --journal, --kmsg: what they say at start (a socket not there yet, kmsg's limit). */
static int open_msg_sink(struct sink *k, const struct tracer_opts *o, char *err, size_t n)
{
	int r;

	err[0] = 0;
	if (o->msg_sink == SINK_SYSLOG)
		r = sink_syslog(k, "/dev/log", o->facility, err, n);
	else if (o->msg_sink == SINK_JOURNAL)
		r = sink_journal(k, "/run/systemd/journal/socket", err, n);
	else
		r = sink_kmsg(k, "/dev/kmsg", "/proc/sys/kernel/printk_devkmsg", o->facility, err,
			      n);
	if (err[0])
		ms_fprintf(stderr, "minisnoop: %s\n", err);
	return r;
}
#endif

int tracer_run(const struct tracer_opts *o)
{
	struct session s = {.o = o, .fmt = o->out};
	struct sigaction sa;
	char err[512] = "", note[160];
	int status = 1, r;
	uint64_t deadline = 0;
	bool to_stdout = !o->out_file && !o->msg_sink;

	/* COMMAND first, before our handlers and files: it waits until tracing has started */
	if (o->tree.cmd) {
		r = tree_cmd_find(&s.cmd, o->tree.cmd[0]);
		if (r)
			return r;
		r = tree_cmd_spawn(&s.cmd, o->tree.cmd);
		if (r) {
			ms_fprintf(stderr, "minisnoop: starting COMMAND: %s\n", strerror(-r));
			return 1;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (s.cmd.pid > 0) {
		sa.sa_sigaction = on_signal_cmd;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sa.sa_flags = 0;
		sa.sa_handler = on_chld;
		sigaction(SIGCHLD, &sa, NULL);
	}
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	/* only with -w or a message sink (it connects again): otherwise a hangup does what it
	 * did (and nohup's SIG_IGN stays) */
	sa.sa_handler = on_hup;
	if (!to_stdout)
		sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (to_stdout && fcntl(STDOUT_FILENO, F_GETFD) < 0) {
		ms_fprintf(stderr,
			   "minisnoop: standard output is closed: nowhere to write events\n");
		return 1;
	}
	/* -Z that cannot be done fails now, not once the programs are attached */
	if (privs_check(&o->run_as, err, sizeof(err))) {
		ms_fprintf(stderr, "minisnoop: %s\n", err);
		return 1;
	}
	ring_note(o);
	s.pid_fd = s.keeper = -1;
	sink_stdout(&s.sink, STDOUT_FILENO, &give_up);
	if (outbuf_init(&s.out, to_stdout ? STDOUT_FILENO : -1, 1 << 16) ||
	    rate_init(&s.rate, o->rate)) {
		ms_fprintf(stderr, "minisnoop: out of memory\n");
		return 1;
	}
	s.out.stop = &give_up; /* after init, which clears it */
	/* the file and the pid file are opened as root, before anything is loaded */
	if (o->out_file &&
	    sink_file(&s.sink, o->out_file, o->rot_size, o->rot_count, err, sizeof(err))) {
		ms_fprintf(stderr, "minisnoop: %s\n", err);
		goto out;
	}
#ifndef MINISNOOP_TINY
	if (o->msg_sink && open_msg_sink(&s.sink, o, err, sizeof(err)))
		goto out;
#endif
	if (o->pidfile && pidfile_lock(&s, o->pidfile))
		goto out;
	if (start(&s, err, sizeof(err))) {
		ms_fprintf(stderr, "minisnoop: %s\n", err);
		goto out;
	}
	learn_own_root(&s);
	keeper_hand(&s);
	if (s.pid_fd >= 0 && pidfile_write(&s, o->pidfile))
		goto out;
	/* attached: what starts from now on is seen; read as root (arg_start is ptrace's) */
	if (PT_ON(o) && seed(&s))
		goto out;
	/* Attached: no privilege is needed any more. */
	if (privs_drop(&o->run_as, err, sizeof(err))) {
		ms_fprintf(stderr, "minisnoop: %s\n", err);
		goto out;
	}
	s.fmt.start_ns = now_ns(CLOCK_MONOTONIC);
	s.fmt.mono_to_real_ns = (int64_t)(now_ns(CLOCK_REALTIME) - s.fmt.start_ns);
	if (o->duration_ms)
		deadline = s.fmt.start_ns + o->duration_ms * 1000000;
	if (!s.sink.proto) /* a message sink has no header line */
		out_header(&s.out, &s.fmt);
	/* a file has it at the top of each new part (--rotate, SIGHUP), not at each start */
	r = sink_header(&s.sink, s.out.buf, s.out.len);
	s.out.len = 0;
	if (r == -EPIPE) {
		s.pipe_closed = s.done = true;
	} else if (r == -EINTR) {
		s.done = true;
	} else if (r) {
		ms_fprintf(stderr, "minisnoop: writing the output: %s\n", strerror(-r));
		s.write_failed = s.done = true;
	}
	if (PT_ON(o) && o->existing)
		running_lines(&s);
	/* Tell a waiting script that tracing has started (events from now on are seen). */
	layout_ppid_note(&s.layout, note, sizeof(note));
	ms_fprintf(stderr, "minisnoop: tracing (%s%s); Ctrl-C to stop\n", note,
		   !o->prog.compat ? ""
		   : s.layout.feature[KF_COMPAT]
		       ? "; failed 32-bit execs too"
		       : "; not failed 32-bit execs: see minisnoop check");
	if (s.cmd.pid > 0) {
		cmd_pid = s.cmd.pid;
		if (tree_cmd_release(&s.cmd, o->tree.cmd[0]) == -EPIPE) {
			ms_fprintf(stderr, "minisnoop: COMMAND did not wait to be started\n");
			goto out;
		}
	}
	s.status_at = s.fmt.start_ns;
	s.tokens = COALESCE_BURST;
	s.tokens_at = s.fmt.start_ns;
	status = trace_loop(&s, deadline);
	/* Whatever the kernel already wrote is still shown, unless the reader does not read:
	 * then the write is given up a second after the stop. */
	if (!stop_signal)
		alarm(1);
	if (!s.pipe_closed && !s.unwritten && !s.write_failed && status == 0) {
		drain(&s, s.rings, s.nr, true);
		if (s.rate.pending && !s.done) {
			rate_each_dropped(&s.rate, rate_note, &s);
			write_upto(&s, UINT64_MAX);
		}
	}
	alarm(0);
	sink_close(&s.sink); /* what it kept is tried once more, or counted */
	summary(&s);
	if (s.write_failed)
		status = 1;
	else if (s.cmd_ended) /* as a shell says how it ended */
		status = tree_exit_status(s.cmd_wstatus);
	else if (s.cmd.pid > 0 && stop_signal) /* stopped before it ended: it runs on */
		status = 128 + stop_signal;
out:
	if (s.cmd.pid > 0 && s.cmd.go >= 0) /* never released: it ends without exec'ing */
		tree_cmd_abort(&s.cmd);
	if (s.stats)
		munmap((void *)s.stats, page_size());
	free(s.pfd);
	for (int k = 0; k < s.nr; k++)
		perf_ring_close(&s.rings[k]);
	free(s.rings);
	progset_close(&s.ps);
	sink_close(&s.sink);
	pidfile_remove(&s, o->pidfile);
	outbuf_free(&s.out);
	rate_free(&s.rate);
	free(s.lines);
	free(s.sorted);
	free(s.own_root);
	free(s.rq);
	free(s.rbuf);
	free(s.rbuf2);
	pt_free(&s.pt);
	return status;
}
