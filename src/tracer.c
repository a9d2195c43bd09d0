// SPDX-License-Identifier: MIT
/* The tracing loop: poll the rings, decode, filter, format into one buffer, write per batch. */
#include "fmt.h"
#include "tracer.h"

#include "bpf_sys.h"
#include "perf_ring.h"
#include "cgroup.h"
#include "progset.h"
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
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal, give_up, hup, usr1;

/* A write still blocked a second after the stop is given up: a slow reader still gets
 * everything, one that does not read cannot keep us from stopping. */
static void on_signal(int sig)
{
	if (!stop_signal)
		alarm(1);
	stop_signal = sig;
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
	uint64_t said[3];		/* losses reported so far */
	uint64_t reported_at;
	uint64_t status_at, status_matched; /* the last SIGUSR1 status, for its rate */
	int pid_fd;			    /* --pidfile, locked while we run */
	unsigned tokens; /* batches that may still be read without a pause (coalesce) */
	uint64_t tokens_at;
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

static int on_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct session *s = ctx;
	struct ev_view v;

	(void)cpu;
	if (s->done)
		return 1;
	if (ev_decode_env(data, size, s->o->prog.max_args, s->o->prog.max_env, &v)) {
		ms_fprintf(stderr, "minisnoop: skipped a malformed record of %u bytes\n", size);
		return 0;
	}
	/* an exit's pid may already be another process's */
	if (!(v.hdr.flags & EV_F_PPID_KERNEL) && !v.exit)
		v.hdr.ppid = proc_ppid(v.hdr.pid);
	if (!filter_match(&s->o->filter, &v))
		return 0;
	/* --rate: before formatting, the costly part */
	if (!rate_allow(&s->rate, v.hdr.comm, v.hdr.ts_ns))
		return 0;
	if (!line_begin(s, v.hdr.ts_ns))
		return 1;
#ifndef MINISNOOP_TINY
	if (s->sink.proto) /* --syslog, --journal, --kmsg: each event its message */
		logfmt_event(&s->out, &s->fmt, &s->sink, &v);
	else
#endif
		out_event(&s->out, &s->fmt, &v);
	line_end(s);
	s->matched++;
	if (s->o->count && s->matched >= s->o->count) {
		s->done = true;
		return 1;
	}
	return 0;
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
	s->said[0] = lost;
	s->said[1] = stash;
	s->said[2] = unseen;
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
static void sort_refs(struct line_ref *a, struct line_ref *tmp, size_t n)
{
	size_t w, i;

	for (w = 1; w < n; w *= 2) {
		for (i = 0; i < n; i += 2 * w) {
			size_t m = i + w < n ? i + w : n, r = i + 2 * w < n ? i + 2 * w : n;
			size_t x = i, y = m, k = i;

			while (x < m && y < r)
				tmp[k++] = a[y].ts < a[x].ts ? a[y++] : a[x++];
			while (x < m)
				tmp[k++] = a[x++];
			while (y < r)
				tmp[k++] = a[y++];
		}
		memcpy(a, tmp, n * sizeof(*a));
	}
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
	uint64_t upto = final ? UINT64_MAX : now_ns(CLOCK_MONOTONIC);
	int k, r, n = 0;

	for (k = 0; k < nr && !s->done; k++) {
		r = perf_ring_consume(&rings[k], on_sample, on_lost, s);
		if (r < 0) {
			ms_fprintf(stderr, "minisnoop: CPU %d's ring is corrupt: %s\n",
				   rings[k].cpu, strerror(-r));
			return r;
		}
		n += r;
	}
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
 * quiet spell, are written as soon as they come.
 */
#define COALESCE_NS	   (50ull * 1000 * 1000)
#define COALESCE_REFILL_NS (250ull * 1000 * 1000)
#define COALESCE_BURST	   4

static void coalesce(struct session *s)
{
	uint64_t now = now_ns(CLOCK_MONOTONIC), earned = (now - s->tokens_at) / COALESCE_REFILL_NS;
	struct timespec ts = {0, (long)COALESCE_NS};

	if (earned) {
		s->tokens = s->tokens + earned > COALESCE_BURST ? COALESCE_BURST
								: s->tokens + (unsigned)earned;
		s->tokens_at += earned * COALESCE_REFILL_NS;
	}
	if (s->tokens) {
		s->tokens--;
		return;
	}
	if (!stop_signal)
		nanosleep(&ts, NULL);
}

/* Everything the kernel side needs, in the order that names the first real problem. */
static int start(struct session *s, char *err, size_t errlen)
{
	const struct tracer_opts *o = s->o;
	struct prog_opts po = o->prog;
	struct load_opts lo = {.log_level = o->verifier_log > 0 ? (unsigned)o->verifier_log : 0,
			       .stats = o->verifier_log >= 0};
	int r = progset_prepare(&s->layout, !o->no_btf, err, errlen);
	static uint64_t ctr_ids[CONTAINER_CGROUPS_MAX];
	size_t nctr = 0;

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
	if (!r)
		r = progset_load(&s->ps, &lo, err, errlen);
	progset_print_logs(stderr, &s->ps, o->verifier_log >= 0);
	if (!r)
		r = open_cgroup(o, &s->ps, err, errlen);
	if (!r)
		r = fill_containers(o, &s->ps, ctr_ids, nctr, err, errlen);
	if (!r)
		r = progset_open_rings(&s->ps, o->pages, &s->rings, &s->nr, err, errlen);
	if (!r)
		r = map_stats(s, err, errlen);
	if (!r)
		r = progset_attach(&s->ps, err, errlen);
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
 * signal reaches it. It waits for the end of a pipe that only we hold, then closes them (the
 * detaches take their grace periods there, after we have exited). When it cannot be made,
 * progset_close's child detaches, as before.
 */
static void keep_events(struct session *s)
{
	static const int ignored[] = {SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE};
	int p[2], *fds = s->ps.tp_fd;
	char c, err[128];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		for (size_t k = 0; k < sizeof(ignored) / sizeof(ignored[0]); k++)
			signal(ignored[k], SIG_IGN);
		setsid();
		/* nothing of ours (stdout, stderr, rings, maps) but the events and the pipe */
		for (int fd = 0; fd < 1024; fd++) {
			bool keep = fd == p[0];

			for (int k = 0; k < P_COUNT && !keep; k++)
				keep = fds[k] == fd;
			if (!keep)
				close(fd);
		}
		privs_drop(NULL, err, sizeof(err)); /* no capability, no way back; still root */
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		for (int k = 0; k < P_COUNT; k++)
			if (fds[k] >= 0)
				close(fds[k]);
		_exit(0);
	}
	close(p[0]); /* p[1] stays open until we exit */
	for (int k = 0; k < P_COUNT; k++) {
		if (fds[k] >= 0)
			close(fds[k]);
		fds[k] = -1;
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

/* Polls and drains until a signal, --count, --duration or a closed pipe; the exit status. */
static int trace_loop(struct session *s, uint64_t deadline)
{
	while (!s->done && !stop_signal) {
		/* events held back for ordering are written at the next round, soon */
		int timeout = s->nlines ? 5 : 1000, r;

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
	}
	return 0;
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

/* Said at start: a ring that cannot hold the largest records loses each one (counted). */
static void ring_note(const struct tracer_opts *o)
{
	size_t need = sample_max(&o->prog), ring = (size_t)o->pages * page_size();
	unsigned pages = o->pages;

	if (need < ring)
		return;
	while ((size_t)pages * page_size() <= need)
		pages *= 2;
	ms_fprintf(stderr,
		   "minisnoop: --pages %u: a ring of %zu KiB per CPU is smaller than the largest "
		   "record these options can make (%zu bytes): such records are lost, and "
		   "counted; --pages %u holds any\n",
		   o->pages, ring / 1024, need, pages);
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

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
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
	s.pid_fd = -1;
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
	keep_events(&s);
	if (s.pid_fd >= 0 && pidfile_write(&s, o->pidfile))
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
	/* Tell a waiting script that tracing has started (events from now on are seen). */
	layout_ppid_note(&s.layout, note, sizeof(note));
	ms_fprintf(stderr, "minisnoop: tracing (%s%s); Ctrl-C to stop\n", note,
		   !o->prog.compat ? ""
		   : s.layout.feature[KF_COMPAT]
		       ? "; failed 32-bit execs too"
		       : "; not failed 32-bit execs: see minisnoop check");

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
out:
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
	return status;
}
