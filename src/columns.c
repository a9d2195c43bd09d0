// SPDX-License-Identifier: MIT
/* The columns: the table fields.h and OUT_BASE_COLUMNS expand to, -o and -e, the header. */
#include "fmt.h"
#include "output.h"

#include "escape.h"

#include <errno.h>
#include <string.h>

#define MEMBER(m) (((struct ms_event *)0)->m)

const struct col_def out_cols[COL_COUNT] = {
#define BASE_COL(c, nm, hd, w)                                                                     \
	[COL_##c] = {.name = nm, .name_len = sizeof(nm) - 1, .head = hd, .width = w, .ctx = -1},
    OUT_BASE_COLUMNS(BASE_COL)
#undef BASE_COL
#define CTX_COL(c, nm, hd, w, grp, knd, mem, all_)                                                 \
	[COL_##c] = {.name = nm,                                                                   \
		     .name_len = sizeof(nm) - 1,                                                   \
		     .head = hd,                                                                   \
		     .width = w,                                                                   \
		     .ctx = CTX_##grp,                                                             \
		     .kind = FK_##knd,                                                             \
		     .off = offsetof(struct ms_event, mem),                                        \
		     .size = sizeof(MEMBER(mem)),                                                  \
		     .all = FIELD_##all_},
#define FIELD_ALL true
#define FIELD_OWN false
	CONTEXT_FIELDS(CTX_COL)
#undef CTX_COL
};

/* What the list says of each field, checked where the table is built. */
#define FIELD_CHECK(c, nm, hd, w, grp, knd, mem, all_)                                             \
	_Static_assert(sizeof(nm) <= 10 && sizeof(hd) <= 10 && (w) <= 17,                          \
		       "field " nm ": name, header or width too long for the header's room");      \
	_Static_assert((FK_##knd != FK_U32 && FK_##knd != FK_U32_SET) || sizeof(MEMBER(mem)) == 4, \
		       "field " nm ": a number is a u32 member");                                  \
	_Static_assert(                                                                            \
	    (FK_##knd != FK_CGROUP && FK_##knd != FK_CONTAINER && FK_##knd != FK_POD) ||           \
		sizeof(MEMBER(mem)) == 8,                                                          \
	    "field " nm ": a cgroup id is a u64 member");                                          \
	_Static_assert(FK_##knd != FK_TTY || sizeof(MEMBER(mem)) <= 32,                            \
		       "field " nm ": a tty name fits ctx_value's buffer");
CONTEXT_FIELDS(FIELD_CHECK)
#undef FIELD_CHECK
_Static_assert(EV_HDR < 256, "a member's offset fits col_def.off");

static void add_col(struct out_opts *opt, enum out_col c)
{
	for (unsigned i = 0; i < opt->ncol; i++)
		if (opt->col[i] == c)
			return;
	if (opt->ncol < OUT_COLS_MAX)
		opt->col[opt->ncol++] = (uint8_t)c;
	if (c >= COL_CTX_FIRST)
		opt->ctx_cols |= 1ull << c;
}

static void default_cols(struct out_opts *opt)
{
	if (OUT_EVENTS(opt))
		add_col(opt, COL_EVENT);
	if (opt->clock)
		add_col(opt, COL_TIME);
	if (opt->since)
		add_col(opt, COL_ELAPSED);
	if (opt->show_uid)
		add_col(opt, COL_UID);
	add_col(opt, COL_COMM);
	add_col(opt, COL_PID);
	add_col(opt, COL_PPID);
	add_col(opt, COL_RET);
}

#ifdef MINISNOOP_TINY
/* The fields of what make tiny leaves out (lifecycle, containers): named as such. */
static bool left_out(const char *name, size_t len)
{
	static const char names[] = "id\0parent_id\0ancestors\0container\0pod\0";

	for (const char *s = names; *s; s += strlen(s) + 1)
		if (strlen(s) == len && !memcmp(s, name, len))
			return true;
	return false;
}
#else
#define left_out(name, len) false
#endif

/* "a,b,c": each name, or "all" (every context column but env) */
static int parse_cols(struct out_opts *opt, const char *spec, char *err, size_t n)
{
	while (*spec) {
		size_t len = strcspn(spec, ","), c;

		if (len == 3 && !memcmp(spec, "all", 3)) {
			for (c = COL_CTX_FIRST; c < COL_COUNT; c++)
				if (out_cols[c].all)
					add_col(opt, (enum out_col)c);
		} else {
			for (c = 0; c < COL_COUNT; c++)
				if (strlen(out_cols[c].name) == len &&
				    !memcmp(spec, out_cols[c].name, len))
					break;
			if (c == COL_COUNT) {
				ms_snprintf(err, n,
					    left_out(spec, len)
						? "-o %.*s is not in this build "
						  "(minisnoop-tiny)"
						: "unknown field %.*s (try: minisnoop check)",
					    (int)(len > 40 ? 40 : len), spec);
				return -EINVAL;
			}
			add_col(opt, (enum out_col)c);
		}
		spec += len + (spec[len] == ',');
	}
	return 0;
}

/* spec names "all" as one of its items */
static bool has_all(const char *spec)
{
	for (size_t len; *spec; spec += len + (spec[len] == ','))
		if ((len = strcspn(spec, ",")) == 3 && !memcmp(spec, "all", 3))
			return true;
	return false;
}

int out_columns(struct out_opts *opt, const char *spec, bool env, uint32_t *ctx, char *err,
		size_t n)
{
	/* "+a,b" and a list naming "all" keep the default columns */
	bool plus = spec && (spec[0] == '+' || has_all(spec));

	opt->ncol = 0;
	opt->ctx_cols = 0;
	if (!spec || plus)
		default_cols(opt);
	else if (OUT_EVENTS(opt)) /* which kind of line, before the columns asked for */
		add_col(opt, COL_EVENT);
	if (spec && parse_cols(opt, spec + (spec[0] == '+'), err, n))
		return -EINVAL;
	if (env)
		add_col(opt, COL_ENV);
	if (!spec || plus)
		add_col(opt, COL_ARGS);
	*ctx = CTXB(ROOT) | CTXB(MNTNS); /* root_mark's (output.c) */
#ifndef MINISNOOP_TINY
	/* JSON's lifecycle lines carry the ids; the exit's age needs the start they read */
	if (OUT_EVENTS(opt) && opt->json)
		opt->ctx_cols |= (1ull << COL_ID) | (1ull << COL_PARENT_ID);
	if (OUT_EVENTS(opt))
		*ctx |= CTXB(IDS);
#endif
	for (unsigned c = COL_CTX_FIRST; c < COL_COUNT; c++)
		if (opt->ctx_cols & (1ull << c))
			*ctx |= 1u << out_cols[c].ctx;
	return 0;
}

/* Options without columns (out_columns not called) show the default ones. */
const struct out_opts *out_with_cols(const struct out_opts *opt, struct out_opts *tmp)
{
	if (opt->ncol)
		return opt;
	*tmp = *opt;
	default_cols(tmp);
	add_col(tmp, COL_ARGS);
	return tmp;
}

char *out_col_end(char *d, const char *start, enum out_col c)
{
	size_t width = out_cols[c].width, w = width ? esc_columns(start, d) : 0;

	do
		*d++ = ' ';
	while (++w < width);
	return d;
}

void out_header(struct outbuf *o, const struct out_opts *opt)
{
	struct out_opts tmp;
	char *d, *c;

	opt = out_with_cols(opt, &tmp);
	/* a header is at most as wide as the widest column (17) or header (8), plus a space */
	if (opt->json || !outbuf_reserve(o, 18 * OUT_COLS_MAX + 1))
		return;
	d = o->buf + o->len;
	for (unsigned i = 0; i < opt->ncol; i++) {
		const struct col_def *cd = &out_cols[opt->col[i]];
		size_t n = strlen(cd->head);

		c = d;
		memcpy(d, cd->head, n);
		d += n;
		if (i + 1 < opt->ncol)
			d = out_col_end(d, c, (enum out_col)opt->col[i]);
	}
	*d++ = '\n';
	o->len = (size_t)(d - o->buf);
}
