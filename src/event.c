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
/* NUL-terminated strings of [s, s + n), at most max; false when some bytes were left over. */
static bool split(const char *s, size_t n, unsigned max, const char **str, size_t *len,
		  unsigned *count)
{
	size_t pos = 0;
	const char *nul;

	*count = 0;
	while (pos < n && *count < max) {
		nul = memchr(s + pos, 0, n - pos);
		if (!nul)
			return false;
		str[*count] = s + pos;
		len[(*count)++] = (size_t)(nul - (s + pos));
		pos = (size_t)(nul - s) + 1;
	}
	return pos >= n;
}

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

/* The blocks after the arguments: cwd, exe, env, root, cgroup; returns where the arguments
 * end. */
static size_t decode_context(const struct ms_event *h, const char *text, size_t tlen,
			     unsigned max_args, struct ev_view *v)
{
	size_t blocks = (size_t)h->cwd_len + h->exe_len + h->env_len + h->root_len + h->cgroup_len,
	       at;
	bool ok;

	v->have = h->have;
	v->envc = 0;
	v->cwd_len = v->exe_len = v->root_len = v->cgroup_len = 0;
	v->cwd[0] = v->exe[0] = v->root[0] = v->cgroup[0] = 0;
	v->cgroup_path = false;
	v->env_cut = (h->ctx_flags & EV_C_ENV_CUT) != 0;
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
	ok = split(text + at, h->env_len, max_args, v->env, v->env_len, &v->envc);
	if (!ok)
		v->env_cut = true;
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

int ev_decode(const void *data, size_t size, unsigned max_args, struct ev_view *v)
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
	v->truncated = (h.flags & EV_TRUNC_FLAGS) != 0;
	tlen = decode_context(&h, text, tlen, max_args, v);

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
