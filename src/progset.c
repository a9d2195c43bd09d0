// SPDX-License-Identifier: MIT
/* The program set: the tables in, loaded and attached programs out. */
#include "fmt.h"
#include "progset.h"

#include "attach.h"
#include "bpf_sys.h"
#include "disasm.h"
#include "perf_ring.h"
#include "tracefs.h"
#include "vlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int progset_prepare_tracefs(struct kernel_layout *k, bool use_btf, char *err, size_t errlen)
{
	int r = bpf_usable(err, errlen);

	if (r)
		return r;
	r = tracefs_open();
	if (r == -EACCES) {
		ms_snprintf(err, errlen,
			    "tracefs: /sys/kernel/tracing is not readable: %s (needs "
			    "CAP_DAC_READ_SEARCH besides CAP_BPF and CAP_PERFMON, or root)",
			    strerror(-r));
		return r;
	}
	if (r) {
		ms_snprintf(
		    err, errlen,
		    "tracefs: not mounted and mounting it at /sys/kernel/tracing failed: %s "
		    "(needs root and CONFIG_FTRACE)",
		    strerror(-r));
		return r;
	}
	/* The probe is all that reads tracefs: attaching needs only the ids it found. */
	layout_probe_tracefs(k, use_btf);
	tracefs_close();
	return 0;
}

int progset_prepare_btf(struct kernel_layout *k, char *err, size_t errlen)
{
	layout_probe_btf(k);
	return layout_check(k, err, errlen);
}

int progset_prepare(struct kernel_layout *k, bool use_btf, char *err, size_t errlen)
{
	int r = progset_prepare_tracefs(k, use_btf, err, errlen);

	return r ? r : progset_prepare_btf(k, err, errlen);
}

/* Every map the program refers to must be one it declares. */
static int check_maps(const struct prog_def *d, const struct asm_prog *p, char *err, size_t errlen)
{
	for (size_t i = 0; i < p->nmaps; i++) {
		size_t m = 0;

		while (m < MAP_ID_COUNT && strcmp(map_defs[m].name, p->maps[i].name))
			m++;
		if (m == MAP_ID_COUNT || !(d->maps & (1u << m))) {
			ms_snprintf(err, errlen,
				    "program %s refers to map '%s' it does not declare", d->name,
				    p->maps[i].name);
			return -EINVAL;
		}
	}
	return 0;
}

/* Whether programs p and q read their tracepoints' fields at the same places (the rest of a
 * program's layout is the kernel's, the same for all). */
static bool same_fields(const struct kernel_layout *k, size_t p, size_t q)
{
	for (size_t f = 0; f < PROG_TP_FIELDS; f++)
		if (k->tp[p].field[f].off != k->tp[q].field[f].off ||
		    k->tp[p].field[f].size != k->tp[q].field[f].size)
			return false;
	return true;
}

/* Whether program d loads with options o, given whether the kernel's layout takes it
 * (layout_loads) and whether BTF gives KF_COMPAT: progset_build's decision and
 * progset_warm_ids' guess before BTF, one condition for both. */
static bool opts_load(const struct prog_def *d, const struct prog_opts *o, bool kernel_loads,
		      bool compat)
{
	return ((kernel_loads || (d->forks && o->forks)) && !(d->successes && o->failed_only) &&
		(!d->compat || (o->compat && compat)) && (!d->exits || o->exits)) ||
	       (d->trees && o->tree);
}

size_t progset_warm_ids(const struct kernel_layout *k, const struct prog_opts *o, int *ids)
{
	/* BTF to be read is taken as giving every feature (it does on the kernels it is
	 * read on): a fallback program then is not guessed to load */
	bool btf = k->btf_used && !k->narrow;
	size_t n = 0;

	for (size_t p = 0; p < P_COUNT; p++) {
		const struct prog_def *d = &prog_defs[p];

		if (k->tp[p].id >= 0 && opts_load(d, o, d->unless_feature == ALWAYS || !btf, btf))
			ids[n++] = k->tp[p].id;
	}
	return n;
}

int progset_build(struct progset *s, const struct prog_opts *o, const struct kernel_layout *k,
		  bool all, char *err, size_t errlen)
{
	int r;

	memset(s, 0, sizeof(*s));
	s->k = k;
	for (size_t p = 0; p < P_COUNT; p++) {
		s->prog_fd[p] = s->tp_fd[p] = -1;
		s->loaded_as[p] = p;
	}
	for (size_t p = 0; p < P_COUNT; p++) {
		const struct prog_def *d = &prog_defs[p];
		struct prog_layout l;

		s->loads[p] =
		    opts_load(d, o, layout_loads(k, (enum prog_id)p), k->feature[KF_COMPAT]);
		if (!s->loads[p] && !all)
			continue;
		/* An emitter gives the same code for the same options and layout: a program made
		 * as an earlier one (the syscalls' exits) is neither built nor verified again. */
		for (size_t q = 0; !all && q < p && s->loaded_as[p] == p; q++)
			if (s->built[q] && prog_defs[q].emit == d->emit && same_fields(k, p, q))
				s->loaded_as[p] = q;
		if (s->loaded_as[p] != p)
			continue;
		layout_prog(k, (enum prog_id)p, &l);
		asm_init(&s->asm_[p]);
		s->built[p] = true;
		d->emit(&s->asm_[p], o, &l);
		r = asm_finish(&s->asm_[p]);
		if (r) {
			ms_snprintf(err, errlen, "assembling %s: %s", d->name, s->asm_[p].errmsg);
			return r;
		}
		r = check_maps(d, &s->asm_[p], err, errlen);
		if (r)
			return r;
	}
	return 0;
}

/* Whether a loaded program's code refers to map m. */
static bool map_used(const struct progset *s, size_t m)
{
	for (size_t p = 0; p < P_COUNT; p++)
		for (size_t i = 0; s->loads[p] && i < s->asm_[p].nmaps; i++)
			if (!strcmp(s->asm_[p].maps[i].name, map_defs[m].name))
				return true;
	return false;
}

static int create_maps(struct progset *s, char *err, size_t errlen)
{
	int ncpu = bpf_possible_cpus();

	if (ncpu < 1) {
		ms_snprintf(err, errlen, "reading the possible CPUs: %s", strerror(-ncpu));
		return ncpu < 0 ? ncpu : -EINVAL;
	}
	s->nmaps = 0;
	for (size_t m = 0; m < MAP_ID_COUNT; m++) {
		const struct map_def *d = &map_defs[m];
		uint32_t n = d->per_cpu * (uint32_t)ncpu;

		if (!map_used(s, m))
			continue;
		s->maps[s->nmaps++] = (struct map_spec){
		    d->name,  d->type, d->key_size, d->value_size, n > d->entries ? n : d->entries,
		    d->flags, -1};
	}
	return maps_create(s->maps, s->nmaps, err, errlen);
}

static int load_one(struct progset *s, size_t p, const struct load_opts *o, char *err,
		    size_t errlen)
{
	struct load_result res;
	int r = prog_load(&s->asm_[p], BPF_PROG_TYPE_TRACEPOINT, prog_defs[p].name, s->maps,
			  s->nmaps, o, &res);

	if (r)
		ms_snprintf(err, errlen, "%s", res.errmsg);
	else
		s->prog_fd[p] = res.fd;
	if (res.log && res.log_len) { /* the edge prints it (progset_print_logs) */
		s->log[p] = (struct load_log){res.log, res.log_len};
		res.log = NULL;
	}
	res.fd = -1;
	load_result_free(&res);
	return r;
}

/*
 * Verifying is most of the start-up (exec's and execve_exit's programs 1.5-3 ms each here),
 * and the kernel verifies a privileged load without a lock: when no log is asked for, a child
 * (sharing nothing) loads the programs of mine[] == false and hands each descriptor back over
 * a socket, while we load the others, those attached first among them. Whatever did not come
 * back is loaded here, as before, so that a refusal is reported (with its log) the usual way.
 * A child that cannot be made changes nothing but the time.
 */
struct handed {
	uint32_t p;
	int32_t err;
};

static void load_in_child(struct progset *s, const struct load_opts *o, int sk)
{
	for (size_t p = 0; p < P_COUNT; p++) {
		char cbuf[CMSG_SPACE(sizeof(int))] = {0}, err[8];
		struct handed h = {(uint32_t)p, 0};
		struct iovec iov = {&h, sizeof(h)};
		struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};

		if (!s->loads[p] || s->loaded_as[p] != p || s->mine[p])
			continue;
		h.err = load_one(s, p, o, err, sizeof(err));
		if (!h.err) {
			struct cmsghdr *c;

			m.msg_control = cbuf;
			m.msg_controllen = sizeof(cbuf);
			c = CMSG_FIRSTHDR(&m);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &s->prog_fd[p], sizeof(int));
		}
		if (sendmsg(sk, &m, MSG_NOSIGNAL) < 0)
			break;
	}
	_exit(0);
}

/* The child is gone, or never was: what it did not hand back is ours to load. */
static void child_done(struct progset *s)
{
	if (s->child > 0) {
		close(s->sk);
		while (waitpid(s->child, NULL, 0) < 0 && errno == EINTR)
			;
	}
	s->child = -1;
	s->sk = -1;
	for (size_t p = 0; p < P_COUNT; p++)
		s->mine[p] = true;
}

/* One descriptor the child sent, or its end (then child_done). */
static void take_handed(struct progset *s)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct handed h;
	struct iovec iov = {&h, sizeof(h)};
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c;
	ssize_t n;
	int fd = -1;

	while ((n = recvmsg(s->sk, &m, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(h)) {
		child_done(s);
		return;
	}
	c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (fd >= 0 && (h.p >= P_COUNT || h.err || s->prog_fd[h.p] >= 0))
		close(fd);
	else if (fd >= 0)
		s->prog_fd[h.p] = fd;
}

/* Rank order (rank, then table order) of the loaded programs; their number. */
static size_t attach_order(const struct progset *s, size_t *order)
{
	size_t n = 0, k;

	for (size_t p = 0; p < P_COUNT; p++) {
		if (!s->loads[p])
			continue;
		for (k = n++; k && prog_defs[order[k - 1]].attach_rank > prog_defs[p].attach_rank;
		     k--)
			order[k] = order[k - 1];
		order[k] = p;
	}
	return n;
}

/* Splits the programs to verify in two halves of about as many instructions: ours starts with
 * the one attached first (exec's, by default), then the largest go first to the lighter half;
 * false if the child's would be too small to be worth a fork. */
static bool split(struct progset *s)
{
	size_t order[P_COUNT], n = attach_order(s, order), half[2] = {0, 0};
	bool placed[P_COUNT] = {false};

	for (size_t k = 0; k < n; k++)
		placed[order[k]] = s->loaded_as[order[k]] != order[k];
	if (n) {
		placed[order[0]] = s->mine[order[0]] = true;
		half[0] = s->asm_[order[0]].len;
	}
	for (;;) {
		size_t best = P_COUNT;

		for (size_t p = 0; p < P_COUNT; p++)
			if (s->loads[p] && !placed[p] &&
			    (best == P_COUNT || s->asm_[p].len > s->asm_[best].len))
				best = p;
		if (best == P_COUNT)
			return half[1] >= 256;
		placed[best] = true;
		s->mine[best] = half[0] <= half[1];
		half[s->mine[best] ? 0 : 1] += s->asm_[best].len;
	}
}

/* Creates the maps and starts the child's loads. 0 or -errno with err set. */
int progset_load_begin(struct progset *s, const struct load_opts *o, char *err, size_t errlen)
{
	int r = create_maps(s, err, errlen), sk[2] = {-1, -1};

	/* Programs built alike (the syscalls' exits, whose tracepoints have the same layout)
	 * are verified once and attached twice. Decided before loading patches map fds in. */
	for (size_t p = 0; p < P_COUNT; p++) {
		if (!s->built[p]) /* one built alike already (progset_build), or none */
			continue;
		s->loaded_as[p] = p;
		for (size_t q = 0; q < p && s->loaded_as[p] == p; q++)
			if (s->loads[p] && s->loads[q] && s->asm_[p].len == s->asm_[q].len &&
			    !memcmp(s->asm_[p].insns, s->asm_[q].insns,
				    s->asm_[p].len * sizeof(struct bpf_insn)))
				s->loaded_as[p] = q;
	}
	child_done(s); /* none yet: every program ours */
	memset(s->mine, 0, sizeof(s->mine));
	if (!r && !o->log_level && !o->stats && split(s) &&
	    !socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sk)) {
		s->child = fork();
		if (s->child == 0) {
			close(sk[0]);
			load_in_child(s, o, sk[1]);
		}
		close(sk[1]);
		s->sk = sk[0];
		if (s->child < 0)
			child_done(s);
	} else {
		child_done(s);
	}
	return r;
}

/* Program p's descriptor, loading it here if it is ours (or the child did not hand it back),
 * else waiting for the child's; a copy of its twin's for one loaded as another. */
static int load_fd(struct progset *s, size_t p, const struct load_opts *o, char *err, size_t errlen)
{
	size_t q = s->loaded_as[p];
	int r = 0;

	while (s->prog_fd[q] < 0 && !s->mine[q])
		take_handed(s);
	if (s->prog_fd[q] < 0)
		r = load_one(s, q, o, err, errlen);
	if (!r && s->prog_fd[p] < 0) {
		s->prog_fd[p] = fcntl(s->prog_fd[q], F_DUPFD_CLOEXEC, 0);
		if (s->prog_fd[p] < 0) {
			r = -errno;
			ms_snprintf(err, errlen, "%s: %s", prog_defs[p].name, strerror(errno));
		}
	}
	return r;
}

int progset_load(struct progset *s, const struct load_opts *o, char *err, size_t errlen)
{
	int r = progset_load_begin(s, o, err, errlen);

	/* ours first, while the child loads its own */
	for (size_t p = 0; !r && p < P_COUNT; p++)
		if (s->loads[p] && s->loaded_as[p] == p && s->mine[p])
			r = load_fd(s, p, o, err, errlen);
	for (size_t p = 0; !r && p < P_COUNT; p++)
		if (s->loads[p])
			r = load_fd(s, p, o, err, errlen);
	child_done(s);
	return r;
}

static int attach_one(struct progset *s, size_t p, char *err, size_t errlen)
{
	const struct prog_def *d = &prog_defs[p];
	int id = s->k->tp[p].id, fd;

	if (id < 0) {
		ms_snprintf(err, errlen, "tracepoint %s:%s: %s", d->tp_category, d->tp_event,
			    id == -ENOENT ? "not found in this kernel" : strerror(-id));
		return id;
	}
	fd = tp_attach(id, s->prog_fd[p]);
	if (fd < 0) {
		ms_snprintf(err, errlen, "attaching %s to %s:%s: %s", d->name, d->tp_category,
			    d->tp_event, strerror(-fd));
		return fd;
	}
	s->tp_fd[p] = fd;
	return 0;
}

int progset_attach(struct progset *s, char *err, size_t errlen)
{
	size_t order[P_COUNT], n = attach_order(s, order);
	int r = 0;

	/* In rising rank: a reader of stashed records is in place before their writer. */
	for (size_t k = 0; !r && k < n; k++)
		r = attach_one(s, order[k], err, errlen);
	return r;
}

int progset_load_attach(struct progset *s, const struct load_opts *o, char *err, size_t errlen)
{
	size_t order[P_COUNT], n = attach_order(s, order), k = 0;
	int r = 0;

	/* Each program attached once it and those before it in rank order are loaded; ours
	 * loaded in that order, so that the first attached wait for nobody. */
	while (!r && k < n) {
		size_t p = order[k], next = k;

		if (s->prog_fd[s->loaded_as[p]] >= 0) {
			r = load_fd(s, p, o, err, errlen); /* a twin's copy, if need be */
			if (!r)
				r = attach_one(s, p, err, errlen);
			k++;
			continue;
		}
		/* the next of ours not loaded yet; the child's meanwhile, else p here */
		while (next < n && (s->loaded_as[order[next]] != order[next] ||
				    !s->mine[order[next]] || s->prog_fd[order[next]] >= 0))
			next++;
		r = load_fd(s, next < n ? order[next] : p, o, err, errlen);
	}
	child_done(s);
	return r;
}

static void free_logs(struct progset *s)
{
	for (size_t p = 0; p < P_COUNT; p++) {
		free(s->log[p].text);
		s->log[p] = (struct load_log){NULL, 0};
	}
}

void progset_print_logs(FILE *out, struct progset *s, bool whole)
{
	for (size_t p = 0; p < P_COUNT; p++) {
		const char *name = prog_defs[p].name, *log = s->log[p].text;

		if (whole && s->loads[p] && s->loaded_as[p] != p && s->prog_fd[p] >= 0)
			ms_fprintf(out, "=== %s: the same program as %s, loaded once ===\n", name,
				   prog_defs[s->loaded_as[p]].name);
		if (!log)
			continue;
		if (whole) {
			ms_fprintf(out, "=== %s: verifier log (%zu bytes) ===\n", name,
				   s->log[p].len);
			vlog_annotate(out, log, &s->asm_[p]);
		} else if (s->prog_fd[p] < 0) {
			ms_fprintf(out, "minisnoop: verifier log tail for %s:\n", name);
			vlog_tail(out, log, &s->asm_[p], 20);
		}
	}
	free_logs(s);
}

#ifndef MINISNOOP_TINY
int progset_dump(FILE *out, const struct progset *s, const char *only, bool with_src)
{
	int n = 0;

	for (size_t p = 0; p < P_COUNT; p++) {
		const struct prog_def *d = &prog_defs[p];

		if (!s->built[p] || (only && strcmp(only, d->name)))
			continue;
		ms_fprintf(out, "%s%s: %s:%s, %zu insns", n++ ? "\n" : "", d->name, d->tp_category,
			   d->tp_event, s->asm_[p].len);
		if (s->loads[p])
			ms_fprintf(out, "\n");
		else
			ms_fprintf(out, " (not loaded %s)\n",
				   d->compat
				       ? "without --compat, nor without BTF's thread_info.status"
				   : layout_loads(s->k, (enum prog_id)p)
				       ? "with -x: it reports successes only"
				       : "on this kernel: BTF gives what it does");
		disasm_prog(out, &s->asm_[p], with_src);
	}
	return n;
}
#endif

int progset_open_rings(struct progset *ps, unsigned pages, struct perf_ring **rings, int *nr,
		       char *err, size_t n)
{
	int ncpu = bpf_possible_cpus(), cpu, opened = 0, r;
	int events = progset_map_fd(ps, MAP_EVENTS);
	/* Wake the reader once a quarter of the ring is full; poll's timeout bounds latency. */
	/* Woken by every record, so that an idle tracer shows an event at once; the reader
	 * coalesces the wake-ups of a storm by pausing between batches. */
	uint32_t watermark = 0;

	*rings = calloc((size_t)(ncpu > 0 ? ncpu : 1), sizeof(**rings));
	if (!*rings)
		return -ENOMEM;
	for (cpu = 0; cpu < ncpu; cpu++) {
		struct perf_ring *rg = &(*rings)[opened];

		r = perf_ring_open(rg, cpu, pages, watermark);
		if (r == -ENODEV || r == -EINVAL) /* offline CPU */
			continue;
		if (r) {
			ms_snprintf(err, n, "opening the perf ring of CPU %d: %s", cpu,
				    strerror(-r));
			goto fail;
		}
		opened++;
		(void)perf_ring_add_quiet(rg); /* without it, woken per record as before */
		r = bpf_map_update(events, &cpu, &rg->fd, BPF_ANY);
		if (r) {
			ms_snprintf(err, n, "adding CPU %d's ring to the events map: %s", cpu,
				    strerror(-r));
			goto fail;
		}
	}
	if (!opened) {
		ms_snprintf(err, n, "no CPU accepted a perf ring");
		r = -ENODEV;
		goto fail;
	}
	*nr = opened;
	return 0;
fail:
	while (opened > 0)
		perf_ring_close(&(*rings)[--opened]);
	free(*rings);
	*rings = NULL;
	return r;
}

int progset_map_fd(const struct progset *s, const char *name)
{
	for (size_t m = 0; m < s->nmaps; m++)
		if (!strcmp(s->maps[m].name, name))
			return s->maps[m].fd;
	return -1;
}

void progset_close(struct progset *s)
{
	if (!s->k) /* never built: nothing is open */
		return;
	child_done(s); /* one still verifying ends with its load */
	tp_detach_all(s->tp_fd, P_COUNT);
	for (size_t p = 0; p < P_COUNT; p++) {
		if (s->prog_fd[p] >= 0)
			close(s->prog_fd[p]);
		s->prog_fd[p] = -1;
		if (s->built[p])
			asm_free(&s->asm_[p]);
		s->built[p] = false;
	}
	maps_close(s->maps, s->nmaps);
	s->nmaps = 0;
	free_logs(s);
}
