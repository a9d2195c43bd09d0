// SPDX-License-Identifier: MIT
/* Decoding exec records: the record is untrusted, every size is checked. */
#include "event.h"

#include <errno.h>
#include <string.h>

#define EV_TRUNC_FLAGS                                                                             \
	(EV_F_TRUNC_ARGS | EV_F_TRUNC_ARG | EV_F_TRUNC_FILE | EV_F_READ_ERR | EV_F_NO_ARGS)

/*
 * ev_decode: -EINVAL only when the header contradicts the record it came in (shorter than the
 * header, text_len beyond the record's end or beyond EV_TEXT_MAX). Inconsistent text (missing
 * NULs, filename_len or argc not matching the strings present, argc above EV_MAX_ARGS_LIM,
 * non-NUL bytes after the last argument) decodes the strings that are NUL-terminated inside
 * text_len and sets truncated. More than max_args arguments are cut to max_args (truncated). A
 * filename without its NUL becomes "" since the view promises NUL-terminated strings; an argument
 * without its NUL ends the list.
 */
/* A path block (names leaf first, NUL each) joined root first into out, which has room for
 * EV_PATH_MAX + 32 bytes when n <= EV_PATH_MAX. Bytes after the last NUL are dropped. */
static size_t join_path(const char *blk, size_t n, bool cut, bool deleted, char *out)
{
	size_t o = 0, e = n, s;

	while (e && blk[e - 1])
		e--;
	if (cut) {
		memcpy(out, "\xe2\x80\xa6", 3); /* U+2026: not an absolute path */
		o = 3;
	}
	while (e) { /* blk[e - 1] is the NUL after a name that starts at s */
		for (s = e - 1; s && blk[s - 1]; s--)
			;
		out[o++] = '/';
		memcpy(out + o, blk + s, e - 1 - s);
		o += e - 1 - s;
		e = s;
	}
	if (!o)
		out[o++] = '/';
	if (deleted) {
		memcpy(out + o, " (deleted)", 10);
		o += 10;
	}
	out[o] = 0;
	return o;
}

bool env_always(const char *s, size_t len)
{
	/* glibc's list of variables it drops for setuid programs (unsecvars.h), with the
	 * loader's and malloc's whole families; then what makes shells and interpreters run
	 * other code */
	static const char *const prefix[] = {"LD_",  "MALLOC_", "BASH_FUNC_", "PYTHON",
					     "PERL", "RUBY",	"NODE_"};
	static const char *const name[] = {"GCONV_PATH",  "GETCONF_DIR", "GLIBC_TUNABLES",
					   "HOSTALIASES", "LOCALDOMAIN", "LOCPATH",
					   "NIS_PATH",	  "NLSPATH",	 "RESOLV_HOST_CONF",
					   "RES_OPTIONS", "TMPDIR",	 "TZDIR",
					   "BASH_ENV",	  "ENV",	 "SHELLOPTS",
					   "BASHOPTS",	  "PS4",	 "IFS",
					   "PATH"};
	const char *eq = memchr(s, '=', len);
	size_t n = eq ? (size_t)(eq - s) : len, k;

	for (k = 0; k < sizeof(prefix) / sizeof(prefix[0]); k++)
		if (n >= strlen(prefix[k]) && !memcmp(s, prefix[k], strlen(prefix[k])))
			return true;
	if (!eq)
		return false;
	for (k = 0; k < sizeof(name) / sizeof(name[0]); k++)
		if (n == strlen(name[k]) && !memcmp(s, name[k], n))
			return true;
	return false;
}

/* The strings of [s, s + n) into the env view: each while fewer than max were seen (*seen
 * counts them), else only those env_always() names. A string without its NUL ends them. */
static void env_strings(struct ev_view *v, const char *s, size_t n, unsigned max, unsigned *seen)
{
	size_t pos = 0, len;
	const char *nul;

	while (pos < n) {
		nul = memchr(s + pos, 0, n - pos);
		if (!nul) {
			v->env_cut = true;
			break;
		}
		len = (size_t)(nul - (s + pos));
		if ((*seen < max || env_always(s + pos, len)) && v->envc < EV_ENV_VIEW_MAX) {
			v->env[v->envc] = s + pos;
			v->env_len[v->envc++] = len;
		} else {
			v->env_cut = true;
			if (v->env_gap > v->envc)
				v->env_gap = v->envc;
		}
		++*seen;
		pos = (size_t)(nul - s) + 1;
	}
}

/* The env block: the window, or all of it; after it, what the kernel's scan found (ENV_SCAN),
 * of which the reader keeps what env_always() names. */
static void decode_env(const char *blk, size_t n, uint16_t flags, unsigned max_env,
		       struct ev_view *v)
{
	size_t win = n;
	unsigned seen = 0;

	v->envc = 0;
	v->env_gap = UINT32_MAX;
	v->env_cut = (flags & (EV_C_ENV_CUT | EV_C_ENV_SCAN | EV_C_ENV_SCAN_CUT)) != 0;
	v->env_stopped = (flags & EV_C_ENV_SCAN_CUT) != 0;
	v->env_unscanned = 0;
	if (flags & EV_C_ENV_SCAN) {
		const unsigned char *t = (const unsigned char *)blk + n - EV_ENV_TRAILER;

		win = n = n < EV_ENV_TRAILER ? 0 : n - EV_ENV_TRAILER;
		if (n) {
			v->env_unscanned = t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 |
					   (uint32_t)t[3] << 24;
			win = t[4] | (size_t)t[5] << 8;
		}
		if (win > n)
			win = n = 0;
	}
	env_strings(v, blk, win, max_env, &seen);
	if (flags & EV_C_ENV_SCAN) {
		/* the strings the window did not hold were left out here */
		if (v->env_gap > v->envc)
			v->env_gap = v->envc;
		env_strings(v, blk + win, n - win, 0, &seen);
	}
	if (v->env_gap > v->envc)
		v->env_gap = v->envc;
}

/* No blocks: what an exit shows, and what a bad record's context starts from. */
__attribute__((noinline)) static void context_none(struct ev_view *v)
{
	v->envc = v->env_gap = 0;
	v->cwd_len = v->exe_len = v->root_len = v->cgroup_len = 0;
	v->cwd[0] = v->exe[0] = v->root[0] = v->cgroup[0] = 0;
	v->cgroup_path = false;
	v->env_cut = v->env_stopped = false;
	v->env_unscanned = 0;
}

/* The blocks after the arguments: cwd, exe, env, root, cgroup; returns where the arguments
 * end. */
static size_t decode_context(const struct ms_event *h, const char *text, size_t tlen,
			     unsigned max_env, struct ev_view *v)
{
	size_t blocks = (size_t)h->cwd_len + h->exe_len + h->env_len + h->root_len + h->cgroup_len,
	       at;

	v->have = h->have;
	context_none(v);
	if (blocks > tlen || h->cwd_len > EV_PATH_MAX || h->exe_len > EV_PATH_MAX ||
	    h->root_len > EV_PATH_MAX || h->cgroup_len > EV_PATH_MAX) {
		v->have &= ~(CTXB(CWD) | CTXB(EXE) | CTXB(ENV) | CTXB(ROOT));
		v->truncated = true;
		return tlen;
	}
	at = tlen - blocks;
	v->cwd_len = join_path(text + at, h->cwd_len, h->ctx_flags & EV_C_CWD_CUT,
			       h->ctx_flags & EV_C_CWD_DELETED, v->cwd);
	at += h->cwd_len;
	v->exe_len = join_path(text + at, h->exe_len, h->ctx_flags & EV_C_EXE_CUT,
			       h->ctx_flags & EV_C_EXE_DELETED, v->exe);
	at += h->exe_len;
	decode_env(text + at, h->env_len, h->ctx_flags, max_env, v);
	at += h->env_len;
	/* the top of the mount tree: an empty block (nothing is joined) */
	if (h->root_len || (h->ctx_flags & (EV_C_ROOT_CUT | EV_C_ROOT_DELETED)))
		v->root_len = join_path(text + at, h->root_len, h->ctx_flags & EV_C_ROOT_CUT,
					h->ctx_flags & EV_C_ROOT_DELETED, v->root);
	at += h->root_len;
	if (h->ctx_flags & EV_C_CGROUP_PATH) {
		v->cgroup_len = join_path(text + at, h->cgroup_len, h->ctx_flags & EV_C_CGROUP_CUT,
					  false, v->cgroup);
		v->cgroup_path = true;
	}
	return tlen - blocks;
}

unsigned ev_digits(char t[20], uint64_t v)
{
	unsigned n = 0, k;
	uint32_t w, q;

	while (v > UINT32_MAX) { /* nine digits a div */
		w = (uint32_t)(v % 1000000000);
		v /= 1000000000;
		for (k = 0; k < 9; k++, w = q) {
			q = (uint32_t)(((uint64_t)w * 0xCCCCCCCDu) >> 35); /* w / 10, any u32 */
			t[n++] = (char)('0' + (w - q * 10));
		}
	}
	for (w = (uint32_t)v;; w = q) {
		q = (uint32_t)(((uint64_t)w * 0xCCCCCCCDu) >> 35);
		t[n++] = (char)('0' + (w - q * 10));
		if (!q)
			return n;
	}
}

uint64_t ev_image_id(uint32_t tgid, uint64_t start_ns, uint64_t arg_start)
{
	/* the last few, by pid: an exec's id again at its exit, its parent's at each sibling's */
	static struct {
		uint32_t tgid;
		uint64_t start, arg, h;
	} memo[8];
	uint64_t part[3] = {tgid, start_ns / 10000000, arg_start}, h = 0xcbf29ce484222325ull;
	char t[20];
	__typeof__(&memo[0]) m = &memo[tgid % 8];

	if (m->h && m->tgid == tgid && m->start == part[1] && m->arg == arg_start)
		return m->h;
	m->tgid = tgid;
	m->start = part[1];
	m->arg = arg_start;

	for (int i = 0; i < 3; i++) {
		unsigned n = ev_digits(t, part[i]);

		while (n)
			h = (h ^ (unsigned char)t[--n]) * 0x100000001b3ull;
		if (i < 2)
			h = (h ^ ':') * 0x100000001b3ull;
	}
	return m->h = h;
}

#ifndef MINISNOOP_TINY
/* The ids from the facts the record carries. */
static void decode_ids(const struct ms_event *h, struct ev_view *v)
{
	v->id = v->parent_id = 0;
	v->has_parent = false;
	if (!(v->have & CTXB(IDS)))
		return;
	v->id = ev_image_id(h->pid, h->start_ns, h->arg_start);
	/* no parent known (pid 1's is the idle task, tgid 0) */
	v->has_parent = h->ppid && h->pstart_ns;
	if (v->has_parent)
		v->parent_id = ev_image_id(h->ppid, h->pstart_ns, h->parg_start);
}
#endif

int ev_decode_fork(const void *data, size_t size, struct ms_fork *f)
{
	uint32_t flags;

	if (!data || !f || size < sizeof(*f))
		return -EINVAL;
	/* the flags alone first: most records are not forks (every record is asked) */
	memcpy(&flags, (const char *)data + offsetof(struct ms_fork, flags), sizeof(flags));
	if (flags != EV_F_FORK)
		return -EINVAL;
	memcpy(f, data, sizeof(*f)); /* 4-byte aligned in the ring */
	if (f->flags != EV_F_FORK || !f->pid || (f->have & ~CTXB(IDS)))
		return -EINVAL;
	return 0;
}

int ev_decode(const void *data, size_t size, unsigned max_args, struct ev_view *v)
{
	return ev_decode_env(data, size, max_args, EV_MAX_ENV_DEF, v);
}

int ev_decode_env(const void *data, size_t size, unsigned max_args, unsigned max_env,
		  struct ev_view *v)
{
	struct ms_event h;
	const char *text, *nul;
	size_t tlen, pos, want, i;
	bool block;

	if (!data || !v || size < (size_t)EV_HDR)
		return -EINVAL;
	/* Records from the perf ring are only 4-byte aligned: copy the header, never cast. */
	memcpy(&h, data, sizeof(h));
	tlen = h.text_len;
	if (tlen > size - EV_HDR || tlen > EV_TEXT_MAX)
		return -EINVAL;

	text = (const char *)data + EV_HDR;
	v->hdr = h;
	v->argc = 0;
	v->exit = (h.flags & EV_F_EXIT) != 0;
	v->running = v->anc_known = false;
	v->nanc = 0;
#ifdef MINISNOOP_TINY /* no exits, no ids: a record with either is not one of its programs' */
	if (h.flags & (EV_F_FORK | EV_F_EXIT) || h.have & CTXB(IDS))
		return -EINVAL;
	v->have = h.have;
#else
	if (h.flags & EV_F_FORK) /* another shape (ev_decode_fork) */
		return -EINVAL;
	v->have = h.have; /* the ids' bit, as decode_context leaves it */
	decode_ids(&h, v);
#endif
	if (EV_EXIT(v)) { /* no strings and no context but the ids: any text is ignored */
		v->have &= CTXB(IDS);
		v->truncated = false;
		v->filename = "";
		v->filename_len = 0;
		context_none(v);
		return 0;
	}
	v->truncated = (h.flags & EV_TRUNC_FLAGS) != 0;
	tlen = decode_context(&h, text, tlen, max_env ? max_env : EV_MAX_ENV_DEF, v);

	/* filename_len counts the NUL; the filename's NUL must sit exactly at its end. */
	pos = h.filename_len < tlen ? h.filename_len : tlen;
	nul = memchr(text, 0, pos);
	if (nul) {
		v->filename = text;
		v->filename_len = (size_t)(nul - text);
		if (v->filename_len + 1 != h.filename_len)
			v->truncated = true;
	} else {
		v->filename = "";
		v->filename_len = 0;
		v->truncated = true;
	}

	/* A block copied from the new image carries no count: take every string. */
	block = (h.flags & EV_F_ARGS_BLOCK) != 0;
	want = block ? EV_MAX_ARGS_LIM : h.argc;
	if (want > EV_MAX_ARGS_LIM) {
		want = EV_MAX_ARGS_LIM;
		v->truncated = true;
	}
	while (v->argc < want && pos < tlen) {
		nul = memchr(text + pos, 0, tlen - pos);
		if (!nul)
			break;
		v->args[v->argc] = text + pos;
		v->arg_len[v->argc] = (size_t)(nul - (text + pos));
		v->argc++;
		pos = (size_t)(nul - text) + 1;
	}
	if (!block && v->argc < h.argc)
		v->truncated = true;
	/* A block carries every argument the new image has: --max-args applies here. */
	if (v->argc > max_args) {
		v->argc = max_args;
		v->truncated = true;
	}
	/* NUL padding after the arguments is harmless; anything else means argc undercounts. */
	for (i = pos; i < tlen && !v->truncated; i++)
		if (text[i])
			v->truncated = true;
	return 0;
}
