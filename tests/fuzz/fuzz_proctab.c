// SPDX-License-Identifier: MIT
/*
 * The process table of -o ancestors and --existing (src/proctab.c) under any sequence of
 * inputs: /proc/PID/stat texts (pt_parse_stat, then seeded), fork records (ev_decode_fork's
 * shape, struct ms_fork), exec and exit views, ancestry asked for and written as text and
 * JSON with -o ancestors. Input: the table's size (a byte), then operations, each an op byte
 * and its operands. Checked after each: every image's links and counts agree (refs = the
 * images linked to it, + 1 while live; the lists hold what their states say), an ancestor's
 * text stays within the table's bounds, and the text line is printable.
 */
#include "fuzz.h"

#include "output.h"
#include "proctab.h"

#include <errno.h>

static void check_table(const struct proctab *t)
{
	static uint32_t in[260];
	uint32_t live = 0, retired = 0, freed = 0;

	FUZZ_CHECK(t->used <= t->cap && t->cap < 256);
	memset(in, 0, sizeof(in));
	for (uint32_t s = 1; s <= t->used; s++) {
		const struct pt_image *im = &t->img[s - 1];
		uint32_t p = im->parent;

		FUZZ_CHECK(im->args_len <= EV_ANC_ARGS && im->argc <= im->args_len);
		FUZZ_CHECK(!im->args_len || !im->args[im->args_len - 1]);
		if (im->state != PT_FREE && p && t->img[p - 1].state != PT_FREE &&
		    t->img[p - 1].serial == im->pserial)
			in[p]++;
	}
	for (uint32_t s = 1; s <= t->used; s++) {
		const struct pt_image *im = &t->img[s - 1];

		live += im->state == PT_LIVE;
		retired += im->state == PT_RETIRED;
		freed += im->state == PT_FREE;
		if (im->state != PT_FREE)
			FUZZ_CHECK(im->refs == in[s] + (im->state == PT_LIVE));
	}
	FUZZ_CHECK(live == t->live && retired == t->retired);
	for (uint32_t s = t->free_head; s; s = t->img[s - 1].next)
		freed--;
	FUZZ_CHECK(freed == 0);
}

struct in {
	const uint8_t *p, *end;
};

static uint8_t take(struct in *in)
{
	return in->p < in->end ? *in->p++ : 0;
}

static void take_n(struct in *in, void *d, size_t n)
{
	size_t k = (size_t)(in->end - in->p) < n ? (size_t)(in->end - in->p) : n;

	memset(d, 0, n);
	memcpy(d, in->p, k);
	in->p += k;
}

/* An exec or exit record's view of small pids (collisions are the point), its start. */
static void small_view(struct in *in, struct ev_view *v, bool exit)
{
	static char args[4][16];
	uint8_t pid = take(in), start = take(in), n = take(in);

	memset(&v->hdr, 0, sizeof(v->hdr));
	v->hdr.pid = v->hdr.tid = 1 + pid % 24;
	v->hdr.ppid = take(in) % 25;
	v->hdr.start_ns = (uint64_t)(start & 0x7f) * 10000000;
	v->hdr.arg_start = take(in);
	take_n(in, v->hdr.comm, 4);
	v->have = start & 0x80 ? CTXB(IDS) : 0;
	v->id = ev_image_id(v->hdr.pid, v->hdr.start_ns, v->hdr.arg_start);
	v->exit = exit;
	v->running = false;
	v->filename = "/x"; /* as a decoded record has it */
	v->filename_len = 2;
	v->truncated = n & 0x80;
	v->argc = n % 5;
	for (unsigned i = 0; i < v->argc; i++) {
		uint8_t len = take(in) % 15;

		take_n(in, args[i], len);
		args[i][len] = 0;
		v->args[i] = args[i];
		v->arg_len[i] = strlen(args[i]); /* a NUL inside ends it, as in a record */
	}
}

static void check_line(const char *s, size_t n)
{
	FUZZ_CHECK(n > 0 && s[n - 1] == '\n');
	for (size_t i = 0; i + 1 < n; i++)
		FUZZ_CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ev_view v; /* large: not on the stack */
	struct in in = {data, data + size};
	struct proctab t;
	struct out_opts text = {0}, json = {.json = true};
	struct outbuf o = {.buf = malloc(64), .cap = 64, .fd = -1};
	uint32_t ctx;
	char err[64];

	FUZZ_CHECK(o.buf);
	FUZZ_CHECK(!out_columns(&text, "pid,ancestors", false, &ctx, err, sizeof(err)));
	FUZZ_CHECK(!out_columns(&json, "ancestors", false, &ctx, err, sizeof(err)));
	FUZZ_CHECK(!pt_init(&t, 1 + take(&in) % 24));
	while (in.p < in.end) {
		uint8_t op = take(&in);

		switch (op % 6) {
		case 0: { /* a /proc stat text and its command line */
			char buf[256], *cmd = buf + 128;
			uint8_t len = take(&in) % 128, cl = take(&in) % 64;
			struct pt_stat st;
			int r;

			take_n(&in, buf, len);
			buf[len] = 0;
			r = pt_parse_stat(buf, len, &st);
			FUZZ_CHECK(r == 0 || r == -EINVAL);
			if (!r) {
				FUZZ_CHECK(st.pid && !st.comm[EV_COMM_LEN - 1]);
				st.pid = 1 + st.pid % 24;
				st.ppid %= 25;
				take_n(&in, cmd, cl);
				/* 0x40: seeded lazily (no /proc here: the fill keeps none) */
				pt_seed(&t, &st, 0, op & 0x40 ? NULL : cmd, cl, op & 0x80);
				pt_seed_link(&t);
			}
			break;
		}
		case 1: { /* a fork record, as the ring gives it */
			uint8_t rec[sizeof(struct ms_fork) + 8];
			struct ms_fork f;
			int r;

			take_n(&in, rec, sizeof(rec));
			r = ev_decode_fork(rec, op & 0x80 ? sizeof(rec) : sizeof(f) - 1, &f);
			FUZZ_CHECK(r == 0 || r == -EINVAL);
			if (r && op & 0x40) { /* also a valid one of these bytes */
				memcpy(&f, rec, sizeof(f));
				f.flags = EV_F_FORK;
				f.have &= CTXB(IDS);
				f.pid += !f.pid;
				r = 0;
			}
			if (!r) {
				FUZZ_CHECK(f.flags == EV_F_FORK && f.pid);
				f.pid = 1 + f.pid % 24;
				f.ppid %= 25;
				f.start_ns %= 128 * 10000000ull;
				pt_fork(&t, &f);
			}
			break;
		}
		case 2:
			small_view(&in, &v, false);
			pt_exec(&t, &v);
			break;
		case 3:
			small_view(&in, &v, true);
			pt_exit(&t, &v);
			break;
		case 4: /* ancestry, written as --existing or an event would be */
			small_view(&in, &v, false);
			pt_ancestors(&t, &v, 1 + take(&in) % EV_ANC_MAX);
			FUZZ_CHECK(v.nanc <= EV_ANC_MAX);
			for (unsigned i = 0; i < v.nanc; i++)
				FUZZ_CHECK(v.anc[i].args_len <= EV_ANC_ARGS &&
					   v.anc[i].argc <= v.anc[i].args_len);
			o.len = 0;
			out_event(&o, &text, &v);
			check_line(o.buf, o.len);
			o.len = 0;
			out_event(&o, &json, &v);
			check_line(o.buf, o.len);
			break;
		default: { /* --existing's lines */
			uint32_t k = pt_next_live(&t, 0);

			for (; k; k = pt_next_live(&t, k)) {
				pt_view(&t, k, 1, &v);
				pt_ancestors(&t, &v, EV_ANC_MAX);
				o.len = 0;
				out_event(&o, &json, &v);
				check_line(o.buf, o.len);
			}
		}
		}
		check_table(&t);
	}
	pt_free(&t);
	outbuf_free(&o);
	return 0;
}
