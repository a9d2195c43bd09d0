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
