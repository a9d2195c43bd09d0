// SPDX-License-Identifier: MIT
/* Creates maps and loads programs; grows the verifier log until it holds everything. */
#include "fmt.h"
#include "loader.h"

#include "bpf_sys.h"
#include "disasm.h"
#include "privs.h"
#include "sysfile.h"
#include "vlog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* GPL-compatible: probe_read_* and perf_event_output are GPL-only helpers. */
static const char license[] = "Dual MIT/GPL";

const char *bpf_errno_hint(int err)
{
	switch (err) {
	case -ENOSYS:
		return "this kernel has no bpf() system call (CONFIG_BPF_SYSCALL)";
	case -EPERM:
	case -EACCES:
		return "run as root, or grant CAP_BPF and CAP_PERFMON (CAP_SYS_ADMIN before Linux "
		       "5.8)";
	case -E2BIG:
		return "the kernel rejects a size minisnoop asked for (program or map too large)";
	case -ENOMEM:
		return "out of memory (or locked memory: raise RLIMIT_MEMLOCK on kernels before "
		       "5.11)";
	default:
		return NULL;
	}
}

#ifndef MINISNOOP_TINY
static int sys_int(const char *path)
{
	char b[32];

	return read_small_file(path, b, sizeof(b)) < 0 ? -1 : atoi(b);
}

void nolog_env_read(struct nolog_env *e)
{
	char b[128], *l, *r;

	memset(e, 0, sizeof(*e));
	if (read_small_file("/sys/kernel/security/lockdown", b, sizeof(b)) >= 0 &&
	    (l = strchr(b, '[')) && (r = strchr(l, ']')) && r - l < (long)sizeof(e->lockdown))
		memcpy(e->lockdown, l + 1, (size_t)(r - l - 1));
	e->unpriv_disabled = sys_int("/proc/sys/kernel/unprivileged_bpf_disabled");
	e->jit_enable = sys_int("/proc/sys/net/core/bpf_jit_enable");
	e->jit_harden = sys_int("/proc/sys/net/core/bpf_jit_harden");
	e->cap_bpf = privs_has_cap(39) || privs_has_cap(21);
}

/* The kernel says nothing in the log before the verifier runs: the attributes are checked
 * first, then privilege, then size; and after it, the JIT. */
void nolog_why(int err, int type, size_t insns, const struct nolog_env *e, char *buf, size_t n)
{
	const char *why;

	if ((err == -EPERM || err == -EACCES) && !e->cap_bpf)
		why =
		    e->unpriv_disabled > 0
			? "unprivileged BPF is disabled (kernel.unprivileged_bpf_disabled=%d): "
			  "run as root, or with CAP_BPF and CAP_PERFMON"
			: "this program type needs CAP_BPF (and CAP_PERFMON for tracing), or root";
	else if (err == -EPERM && e->lockdown[0] && strcmp(e->lockdown, "none"))
		why = "the kernel is locked down (lockdown=%s): BPF that reads kernel memory is "
		      "refused";
	else if (err == -EPERM || err == -EACCES)
		why = "refused although privileged: a security module (SELinux, lockdown, "
		      "Landlock) or a seccomp filter, see dmesg";
	else if (err == -E2BIG)
		why = insns > 4096 && !e->cap_bpf ? "more than 4096 instructions without CAP_BPF"
		      : insns > 1000000		  ? "more than 1000000 instructions"
					: "the kernel is older than the attributes asked for "
					  "(a bpf_attr field it does not know is set)";
	else if (err == -EINVAL)
		why =
		    type > BPF_PROG_TYPE_CGROUP_SKB + 30
			? "a program type this kernel does not know (type %d)"
			: "the attributes were refused before verification: a program type this "
			  "kernel was built without (type %d), a license that is not "
			  "GPL-compatible "
			  "for a GPL-only program type, an expected attach type the type does not "
			  "take, or a bad name";
	else if (err == -524 || err == -EOPNOTSUPP)
		why = "the JIT could not compile it (bpf_jit_enable=%d): an instruction the JIT of "
		      "this architecture lacks (ARM32: 64-bit atomics, cpu v4), with no "
		      "interpreter to fall back on (CONFIG_BPF_JIT_ALWAYS_ON)";
	else if (err == -ENOMEM)
		why = "out of memory for the JIT (net.core.bpf_jit_limit), or RLIMIT_MEMLOCK "
		      "before 5.11 (bpf_jit_harden=%d)";
	else
		why = bpf_errno_hint(err) ? bpf_errno_hint(err) : "no more is known";
	/* the figure or the mode each message names */
	if (strstr(why, "%d"))
		ms_snprintf(buf, n, why,
			    err == -EINVAL			? type
			    : err == -ENOMEM			? e->jit_harden
			    : err == -524 || err == -EOPNOTSUPP ? e->jit_enable
								: e->unpriv_disabled);
	else if (strstr(why, "%s"))
		ms_snprintf(buf, n, why, e->lockdown);
	else
		ms_snprintf(buf, n, "%s", why);
}
#endif

int bpf_usable(char *err, size_t errlen)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "probe", 4, 4, 1, 0);
	const char *hint;

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	hint = bpf_errno_hint(fd);
	ms_snprintf(err, errlen, "bpf(): %s%s%s", strerror(-fd), hint ? ": " : "",
		    hint ? hint : "");
	return fd;
}

int maps_create(struct map_spec *maps, size_t n, char *errmsg, size_t errlen)
{
	size_t k;

	for (k = 0; k < n; k++)
		maps[k].fd = -1;
	for (k = 0; k < n; k++) {
		int fd = bpf_map_create(maps[k].type, maps[k].name, maps[k].key_size,
					maps[k].value_size, maps[k].max_entries, maps[k].flags);
		if (fd < 0) {
			const char *hint = bpf_errno_hint(fd);

			ms_snprintf(errmsg, errlen, "creating map '%s': %s%s%s", maps[k].name,
				    strerror(-fd), hint ? ": " : "", hint ? hint : "");
			maps_close(maps, k);
			return fd;
		}
		maps[k].fd = fd;
	}
	return 0;
}

void maps_close(struct map_spec *maps, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		if (maps[k].fd >= 0)
			close(maps[k].fd);
		maps[k].fd = -1;
	}
}

size_t log_next_size(size_t cur, size_t max)
{
	if (cur >= max)
		return 0;
	return cur > max / 2 ? max : cur * 2;
}

/* Copies the instructions with every map reference replaced by the map's fd. */
static int resolve_maps(const struct asm_prog *p, const struct map_spec *maps, size_t nmaps,
			struct bpf_insn **out, char *errmsg, size_t errlen)
{
	struct bpf_insn *in = malloc(p->len * sizeof(*in));
	size_t k, m;

	if (!in)
		return -ENOMEM;
	memcpy(in, p->insns, p->len * sizeof(*in));
	for (k = 0; k < p->nmaps; k++) {
		const struct asm_ref *r = &p->maps[k];

		for (m = 0; m < nmaps; m++)
			if (!strcmp(maps[m].name, r->name))
				break;
		if (m == nmaps || maps[m].fd < 0) {
			ms_snprintf(errmsg, errlen, "%s:%d: unknown map '%s'",
				    p->src ? p->src[r->at].file : "?",
				    p->src ? p->src[r->at].line : 0, r->name);
			free(in);
			return -ENOENT;
		}
		in[r->at].imm = maps[m].fd;
	}
	*out = in;
	return 0;
}

static int load_once(const struct bpf_insn *in, size_t len, enum bpf_prog_type type,
		     const char *name, unsigned level, char *log, size_t log_size)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.insns = (uint64_t)(uintptr_t)in;
	a.insn_cnt = (uint32_t)len;
	a.license = (uint64_t)(uintptr_t)license;
	if (log && level) {
		log[0] = 0;
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = (uint32_t)log_size;
		a.log_level = level;
	}
	strncpy(a.prog_name, name, sizeof(a.prog_name) - 1);
	/* EAGAIN: a signal came while the verifier ran (our loading child's SIGCHLD, caught
	 * with -- COMMAND): verified again, a few times at most */
	for (int k = 0;; k++) {
		int r = sys_prog_load(&a, in);

		if (r != -EAGAIN || k == 4)
			return r;
	}
}

/* Loads, growing the log buffer while the kernel says it was too small. */
static int load_logged(const struct bpf_insn *in, size_t len, enum bpf_prog_type type,
		       const char *name, unsigned level, const struct load_opts *o,
		       struct load_result *res)
{
	size_t size = o->log_initial ? o->log_initial : LOG_INITIAL_DEFAULT;
	size_t max = o->log_max ? o->log_max : LOG_MAX_DEFAULT;
	int r;

	for (;;) {
		char *nl = realloc(res->log, size);

		if (!nl)
			return -ENOMEM;
		res->log = nl;
		r = load_once(in, len, type, name, level, res->log, size);
		if (r != -ENOSPC)
			break;
		/* A loaded program is never ENOSPC; only the log was short. */
		size = log_next_size(size, max);
		if (!size)
			break;
		res->grows++;
	}
	res->log_len = strlen(res->log);
	return r;
}

int prog_load(const struct asm_prog *p, enum bpf_prog_type type, const char *name,
	      const struct map_spec *maps, size_t nmaps, const struct load_opts *o,
	      struct load_result *res)
{
	struct bpf_insn *in = NULL;
	unsigned level = (o->log_level & 3) | (o->stats ? 4 : 0);
	int r;

	memset(res, 0, sizeof(*res));
	res->fd = -1;
	if (p->err) {
		ms_snprintf(res->errmsg, sizeof(res->errmsg), "%s", p->errmsg);
		return p->err;
	}
	r = resolve_maps(p, maps, nmaps, &in, res->errmsg, sizeof(res->errmsg));
	if (r)
		return r;
	r = level ? load_logged(in, p->len, type, name, level, o, res)
		  : load_once(in, p->len, type, name, 0, NULL, 0);
	/* Rejected without a log: load again at level 1 to say why. */
	if (r < 0 && !(level & 3) && r != -EPERM && r != -ENOSYS) {
		int again = load_logged(in, p->len, type, name, 1 | (level & 4), o, res);

		if (again >= 0)
			r = again;
	}
	free(in);
	if (r >= 0) {
		res->fd = r;
		return 0;
	}
	if (res->log && res->log_len) {
		char reason[256];
		long at = vlog_last_insn(res->log);

		vlog_reason(res->log, reason, sizeof(reason));
		if (at >= 0 && (size_t)at < p->len) {
#ifdef MINISNOOP_TINY /* no disassembler, no source lines */
			ms_snprintf(res->errmsg, sizeof(res->errmsg),
				    "verifier rejected '%s' at insn %ld: %s", name, at, reason);
#else
			char text[128] = "", src[160];

			disasm_insn(p, (size_t)at, text, sizeof(text));
			asm_src_fmt(&p->src[at], src, sizeof(src));
			ms_snprintf(res->errmsg, sizeof(res->errmsg),
				    "verifier rejected '%s' at insn %ld %s (%s): %s", name, at,
				    text, src, reason);
#endif
		} else {
			ms_snprintf(res->errmsg, sizeof(res->errmsg), "verifier rejected '%s': %s",
				    name, reason);
		}
	} else {
#ifndef MINISNOOP_TINY
		char why[300];
		struct nolog_env e;
		const char *hint = why;

		nolog_env_read(&e);
		nolog_why(r, type, p->len, &e, why, sizeof(why));
#else
		const char *hint = bpf_errno_hint(r);
#endif
		ms_snprintf(res->errmsg, sizeof(res->errmsg), "loading '%s': %s%s%s", name,
			    strerror(-r), hint ? ": " : "", hint ? hint : "");
	}
	return r;
}

void load_result_free(struct load_result *res)
{
	free(res->log);
	res->log = NULL;
	if (res->fd >= 0)
		close(res->fd);
	res->fd = -1;
}
