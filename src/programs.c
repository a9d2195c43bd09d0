// SPDX-License-Identifier: MIT
/* The program set: tracefs offsets and BTF in, loaded and attached programs out. */
#include "programs.h"

#include "attach.h"
#include "bpf_sys.h"
#include "btf.h"
#include "tracefs.h"
#include "vlog.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

const struct prog_def prog_defs[P_COUNT] = {
    [P_ENTER_EXECVE] = {"execve_enter", "syscalls", "sys_enter_execve", prog_exec_enter},
    [P_EXIT_EXECVE] = {"execve_exit", "syscalls", "sys_exit_execve", prog_exec_exit},
    [P_ENTER_EXECVEAT] = {"execveat_enter", "syscalls", "sys_enter_execveat", prog_exec_enter},
    [P_EXIT_EXECVEAT] = {"execveat_exit", "syscalls", "sys_exit_execveat", prog_exec_exit},
    [P_FORK] = {"fork", "sched", "sched_process_fork", prog_fork},
};

/* Syscall tracepoints: 8 bytes of common fields, the syscall number, then 8 bytes an
 * argument. Used only to show programs when tracefs cannot be read. */
static int guess_field(const char *event, const char *field)
{
	bool at = strstr(event, "execveat") != NULL;

	if (!strcmp(field, "filename"))
		return at ? 24 : 16;
	if (!strcmp(field, "argv"))
		return at ? 32 : 24;
	if (!strcmp(field, "ret"))
		return 16;
	return 20; /* sched_process_fork's child_pid on 5.x/6.x */
}

/* A field's offset from the event's format text, or r's error when it could not be read. */
static int field(struct progset *s, const struct prog_def *d, const char *format, int r,
		 const char *name, int16_t *out, bool need, char *err, size_t errlen)
{
	const char *cat = d->tp_category, *event = d->tp_event;
	int off = 0, size = 0;

	if (r >= 0)
		r = tracefs_parse_field(format, name, &off, &size);

	if (r < 0 && !need) {
		s->offsets_guessed = true;
		*out = (int16_t)guess_field(event, name);
		return 0;
	}
	if (r < 0) {
		snprintf(err, errlen, "tracepoint %s:%s field %s: %s", cat, event, name,
			 r == -ENOENT ? "not found (no such tracepoint or field)" : strerror(-r));
		return r;
	}
	if (off < 0 || off > 4096) {
		snprintf(err, errlen, "tracepoint %s:%s field %s: odd offset %d", cat, event, name,
			 off);
		return -EINVAL;
	}
	*out = (int16_t)off;
	return 0;
}

/* The kernel struct members the programs read, and where each offset goes. */
int progset_btf_offsets(struct prog_cfg *c)
{
	struct btf_query q[] = {
	    {"task_struct", "real_parent", &c->off_real_parent, 0},
	    {"task_struct", "tgid", &c->off_tgid, 0},
	    {"task_struct", "mm", &c->off_mm, 0},
	    {"mm_struct", "arg_start", &c->off_arg_start, 0},
	    {"mm_struct", "arg_end", &c->off_arg_end, 0},
	    {"mm_struct", "env_end", &c->off_env_end, 0},
	};
	struct btf *b = NULL;
	/* One pass over the file for all of them, in small buffers. */
	int r = btf_load_file(BTF_VMLINUX_PATH, &b);

	if (!r)
		r = btf_resolve(b, q, sizeof(q) / sizeof(q[0]));
	btf_free(b);
	return r;
}

static void ppid_source(struct progset *s, bool want_btf)
{
	int r;

	s->cfg.btf = false;
	if (!want_btf) {
		snprintf(s->btf_note, sizeof(s->btf_note), "fork tracking (BTF not used: forced)");
		return;
	}
	r = progset_btf_offsets(&s->cfg);
	if (r == 0) {
		s->cfg.btf = true;
		snprintf(s->btf_note, sizeof(s->btf_note),
			 "BTF: task_struct.real_parent at %u, tgid at %u", s->cfg.off_real_parent,
			 s->cfg.off_tgid);
	} else {
		snprintf(s->btf_note, sizeof(s->btf_note), "fork tracking (%s: %s)",
			 BTF_VMLINUX_PATH, strerror(-r));
	}
}

int progset_build(struct progset *s, const struct prog_cfg *base, bool want_btf, bool need_tracefs,
		  char *err, size_t errlen)
{
	size_t k;
	int r;

	memset(s, 0, sizeof(*s));
	s->cfg = *base;
	for (k = 0; k < P_COUNT; k++)
		s->prog_fd[k] = s->tp_fd[k] = -1;
	if (s->cfg.max_args < 1 || s->cfg.max_args > EV_MAX_ARGS_LIM) {
		snprintf(err, errlen, "max-args %u out of range 1..%d", s->cfg.max_args,
			 EV_MAX_ARGS_LIM);
		return -EINVAL;
	}
	/* A missing privilege is named as such, not as whatever would fail next. */
	if (need_tracefs && (r = bpf_usable(err, errlen)) != 0)
		return r;
	if (need_tracefs && !tracefs_find(true, &r)) {
		snprintf(err, errlen,
			 "tracefs: not mounted and mounting it at /sys/kernel/tracing failed: %s "
			 "(needs root and CONFIG_FTRACE)",
			 strerror(-r));
		return r;
	}
	ppid_source(s, want_btf);
	s->used[P_ENTER_EXECVE] = s->used[P_EXIT_EXECVE] = true;
	s->used[P_ENTER_EXECVEAT] = s->used[P_EXIT_EXECVEAT] = true;
	s->used[P_FORK] = !s->cfg.btf;

	for (k = 0; k < P_COUNT; k++) {
		const struct prog_def *d = &prog_defs[k];
		struct prog_cfg c = s->cfg;
		char fmt[4096];
		int fr;

		if (!s->used[k])
			continue;
		c.execveat = k == P_ENTER_EXECVEAT;
		/* One read of the format file for all the fields this program needs. */
		fr = tracefs_format(d->tp_category, d->tp_event, fmt, sizeof(fmt));
		if (d->build == prog_exec_enter) {
			r = field(s, d, fmt, fr, "filename", &c.off_filename, need_tracefs, err,
				  errlen);
			if (!r)
				r = field(s, d, fmt, fr, "argv", &c.off_argv, need_tracefs, err,
					  errlen);
		} else if (d->build == prog_exec_exit) {
			r = field(s, d, fmt, fr, "ret", &c.off_ret, need_tracefs, err, errlen);
		} else {
			r = field(s, d, fmt, fr, "child_pid", &c.off_child_pid, need_tracefs, err,
				  errlen);
		}
		if (r)
			return r;
		asm_init(&s->asm_[k]);
		d->build(&s->asm_[k], &c);
		r = asm_finish(&s->asm_[k]);
		if (r) {
			snprintf(err, errlen, "assembling %s: %s", d->name, s->asm_[k].errmsg);
			return r;
		}
	}
	return 0;
}

static void add_map(struct progset *s, const char *name, enum bpf_map_type type, uint32_t key,
		    uint32_t value, uint32_t max, uint32_t flags)
{
	struct map_spec *m = &s->maps[s->nmaps++];

	m->name = name;
	m->type = type;
	m->key_size = key;
	m->value_size = value;
	m->max_entries = max;
	m->flags = flags;
	m->fd = -1;
}

int progset_load(struct progset *s, const struct load_opts *o, FILE *log_out, char *err,
		 size_t errlen)
{
	int ncpu = bpf_possible_cpus();
	size_t k;
	int r;

	if (ncpu < 1) {
		snprintf(err, errlen, "reading the possible CPUs: %s", strerror(-ncpu));
		return ncpu < 0 ? ncpu : -EINVAL;
	}
	s->nmaps = 0;
	add_map(s, MAP_EVENTS, BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, (uint32_t)ncpu, 0);
	add_map(s, MAP_SCRATCH, BPF_MAP_TYPE_PERCPU_ARRAY, 4, SCRATCH_SIZE, 1, 0);
	/* Execs in flight between enter and exit; preallocated so that an insert never
	 * fails for want of memory in the kernel. */
	add_map(s, MAP_STASH, BPF_MAP_TYPE_HASH, 4, STASH_SIZE,
		(uint32_t)(ncpu * 32 > 128 ? ncpu * 32 : 128), 0);
	add_map(s, MAP_STATS, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, MS_STAT_MAX, 0);
	if (s->cfg.filter_cgroup)
		add_map(s, MAP_CGROUP, BPF_MAP_TYPE_CGROUP_ARRAY, 4, 4, 1, 0);
	if (s->used[P_FORK])
		add_map(s, MAP_FORKS, BPF_MAP_TYPE_LRU_HASH, 4, 4, 16384, 0);
	r = maps_create(s->maps, s->nmaps, err, errlen);
	if (r)
		return r;

	for (k = 0; k < P_COUNT; k++) {
		struct load_result res;

		if (!s->used[k])
			continue;
		r = prog_load(&s->asm_[k], BPF_PROG_TYPE_TRACEPOINT, prog_defs[k].name, s->maps,
			      s->nmaps, o, &res);
		if (log_out && res.log && res.log_len) {
			fprintf(log_out, "=== %s: verifier log (%zu bytes) ===\n",
				prog_defs[k].name, res.log_len);
			vlog_annotate(log_out, res.log, &s->asm_[k]);
		}
		if (r) {
			snprintf(err, errlen, "%s", res.errmsg);
			if (!log_out && res.log && res.log_len) {
				fprintf(stderr, "minisnoop: verifier log tail for %s:\n",
					prog_defs[k].name);
				vlog_tail(stderr, res.log, &s->asm_[k], 20);
			}
			res.fd = -1;
			load_result_free(&res);
			return r;
		}
		s->prog_fd[k] = res.fd;
		res.fd = -1;
		load_result_free(&res);
	}
	return 0;
}

int progset_attach(struct progset *s, char *err, size_t errlen)
{
	size_t k;

	/* Fork tracking first, so that no fork slips between it and the exec programs; exit
	 * before enter, so that every stashed record has a reader. */
	static const int order[] = {P_FORK, P_EXIT_EXECVE, P_EXIT_EXECVEAT, P_ENTER_EXECVE,
				    P_ENTER_EXECVEAT};

	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		const struct prog_def *d = &prog_defs[order[k]];
		int id, fd;

		if (!s->used[order[k]])
			continue;
		id = tracefs_event_id(d->tp_category, d->tp_event);
		if (id < 0) {
			snprintf(err, errlen, "tracepoint %s:%s: %s", d->tp_category, d->tp_event,
				 id == -ENOENT ? "not found in this kernel" : strerror(-id));
			return id;
		}
		fd = tp_attach(id, s->prog_fd[order[k]]);
		if (fd < 0) {
			snprintf(err, errlen, "attaching %s to %s:%s: %s", d->name, d->tp_category,
				 d->tp_event, strerror(-fd));
			return fd;
		}
		s->tp_fd[order[k]] = fd;
	}
	return 0;
}

int progset_map_fd(const struct progset *s, const char *name)
{
	size_t k;

	for (k = 0; k < s->nmaps; k++)
		if (!strcmp(s->maps[k].name, name))
			return s->maps[k].fd;
	return -1;
}

void progset_close(struct progset *s)
{
	size_t k;

	for (k = 0; k < P_COUNT; k++) {
		if (s->tp_fd[k] >= 0)
			close(s->tp_fd[k]);
		if (s->prog_fd[k] >= 0)
			close(s->prog_fd[k]);
		s->tp_fd[k] = s->prog_fd[k] = -1;
		asm_free(&s->asm_[k]);
	}
	maps_close(s->maps, s->nmaps);
	s->nmaps = 0;
}
