// SPDX-License-Identifier: MIT
/* Writing exec events as text columns (BCC's layout) or JSON lines. */
#include "fmt.h"
#include "output.h"

#include "cgroup.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NSEC_PER_SEC 1000000000LL

/* The most a context field can add to a line, its key or padding included, but for the
 * blocks (cwd, exe, env), which out_event counts from the view: 6 bytes per escaped byte. */
#define KIND_ROOM(kind, size)                                                                      \
	((kind) == FK_STR || (kind) == FK_TTY ? 6 * ((size) + 4) + 2                               \
	 : (kind) == FK_CGROUP		      ? 6 * CGROUP_PATH_MAX + 2                            \
					      : 0)
#define FIELD_ROOM(c, nm, hd, w, grp, knd, mem, all_)                                              \
	+(int)(sizeof(nm) + 4 + 24 + KIND_ROOM(FK_##knd, sizeof(((struct ms_event *)0)->mem)))

/*
 * Worst case bytes for one decoded event (JSON: 6 output bytes per input byte, plus quotes,
 * commas and the fixed fields). The buffer never gets smaller than this, so that when realloc
 * fails, flushing is enough to make room for any record ev_decode accepts.
 */
#define OB_FIXED   256
#define OB_PER_STR 8
#define OB_CTX	   (0 CONTEXT_FIELDS(FIELD_ROOM)) /* every context field but the blocks */
#define OB_EVENT_MAX                                                                               \
	(OB_FIXED + OB_CTX + 6 * (EV_COMM_LEN + EV_TEXT_MAX + 4 * 32) +                            \
	 4 * OB_ROOT_MARK(EV_PATH_MAX + 32) + OB_PER_STR * (2 * EV_MAX_ARGS_LIM + 2))
/* A root mark (root_mark) of a root path n bytes long: escaped, its brackets, "mnt:N:". */
#define OB_ROOT_MARK(n) (6 * (n) + 32)

int outbuf_init(struct outbuf *o, int fd, size_t cap)
{
	if (cap < OB_EVENT_MAX)
		cap = OB_EVENT_MAX;
	o->buf = malloc(cap);
	if (!o->buf) {
		o->len = o->cap = 0;
		return -ENOMEM;
	}
	o->len = 0;
	o->cap = cap;
	o->fd = fd;
	o->stop = NULL;
	return 0;
}

void outbuf_free(struct outbuf *o)
{
	free(o->buf);
	o->buf = NULL;
	o->len = o->cap = 0;
}

int outbuf_flush(struct outbuf *o)
{
	return outbuf_flush_n(o, o->len);
}

int outbuf_flush_n(struct outbuf *o, size_t upto)
{
	size_t off = 0;
	ssize_t n;
	int err = 0;

	if (upto > o->len)
		upto = o->len;
	while (off < upto) {
		n = write(o->fd, o->buf + off, upto - off);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR && !(o->stop && *o->stop))
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* An inherited stdout may be non-blocking: wait, do not spin. */
			struct pollfd p = {.fd = o->fd, .events = POLLOUT};

			if (poll(&p, 1, -1) >= 0 || (errno == EINTR && !(o->stop && *o->stop)))
				continue;
		}
		err = n < 0 ? -errno : -EIO;
		break;
	}
	/* Keep what was not written at the front, so a later flush resumes from there. */
	if (off && off < o->len)
		memmove(o->buf, o->buf + off, o->len - off);
	o->len -= off;
	return err;
}

/* Makes room for need more bytes; false if that is impossible (out of memory). */
static bool ob_reserve(struct outbuf *o, size_t need)
{
	size_t ncap;
	char *nb;

	if (o->cap - o->len >= need)
		return true;
	if (need > SIZE_MAX / 4)
		return false;
	ncap = o->cap ? o->cap : OB_EVENT_MAX;
	while (ncap - o->len < need)
		ncap *= 2;
	nb = realloc(o->buf, ncap);
	if (nb) {
		o->buf = nb;
		o->cap = ncap;
		return true;
	}
	/* No memory: write out the batch so far instead (a rare, extra syscall). */
	return outbuf_flush(o) == 0 && o->cap - o->len >= need;
}

static const char hexdig[] = "0123456789abcdef";

/* Length (2 to 4) of the valid multi-byte UTF-8 sequence at s, or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* UTF-16 surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0; /* ASCII, stray continuation, C0/C1 overlong leads, F5..FF */
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* U+0080..U+009F: terminals may act on them like ESC sequences. */
static bool is_c1(const unsigned char *s, size_t len)
{
	return len == 2 && s[0] == 0xc2 && s[1] < 0xa0;
}

/* Code point of a valid sequence of len bytes. */
static uint32_t utf8_cp(const unsigned char *s, size_t len)
{
	uint32_t cp = s[0] & (0x7f >> len);

	for (size_t i = 1; i < len; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

/* Bidi controls and invisible characters: they can make a line say something it does not
 * (reorder what follows, hide a word), so text output escapes them. */
static bool is_deceptive(uint32_t cp)
{
	return cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff ||
	       cp == 0x27e6 || cp == 0x27e7; /* the root mark's brackets: never raw from data */
}

/* Text escape into d (room for 4 bytes per input byte); quote also escapes '"'. */
static char *esc_text(char *d, const char *str, size_t n, bool quote)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;

	while (i < n) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f) {
			if (c == '\\' || (quote && c == '"'))
				*d++ = '\\';
			*d++ = (char)c;
			i++;
			continue;
		}
		if (c >= 0x80) {
			k = utf8_seq(s + i, n - i);
			if (k && is_deceptive(utf8_cp(s + i, k))) {
				uint32_t cp = utf8_cp(s + i, k);

				*d++ = '\\';
				*d++ = 'u';
				for (int sh = 12; sh >= 0; sh -= 4)
					*d++ = hexdig[(cp >> sh) & 15];
				i += k;
				continue;
			}
			if (k && !is_c1(s + i, k)) {
				memcpy(d, s + i, k);
				d += k;
				i += k;
				continue;
			}
		}
		*d++ = '\\';
		if (c == '\n') {
			*d++ = 'n';
		} else if (c == '\t') {
			*d++ = 't';
		} else if (c == '\r') {
			*d++ = 'r';
		} else {
			*d++ = 'x';
			*d++ = hexdig[c >> 4];
			*d++ = hexdig[c & 15];
		}
		i++;
	}
	return d;
}

static char *put_u00(char *d, unsigned pfx, unsigned char c)
{
	*d++ = '\\';
	*d++ = 'u';
	*d++ = hexdig[pfx >> 4];
	*d++ = hexdig[pfx & 15];
	*d++ = hexdig[c >> 4];
	*d++ = hexdig[c & 15];
	return d;
}

/* A C0 control or DEL inside a JSON string. */
static char *json_ctl(char *d, unsigned char c)
{
	char e;

	switch (c) {
	case '\n':
		e = 'n';
		break;
	case '\t':
		e = 't';
		break;
	case '\r':
		e = 'r';
		break;
	case '\b':
		e = 'b';
		break;
	case '\f':
		e = 'f';
		break;
	default:
		return put_u00(d, 0x00, c);
	}
	*d++ = '\\';
	*d++ = e;
	return d;
}

/* JSON string with quotes into d (room for 6 bytes per input byte + 2). */
static char *esc_json(char *d, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;

	*d++ = '"';
	while (i < n) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f) {
			if (c == '"' || c == '\\')
				*d++ = '\\';
			*d++ = (char)c;
			i++;
		} else if (c < 0x80) {
			d = json_ctl(d, c);
			i++;
		} else if ((k = utf8_seq(s + i, n - i)) != 0) {
			/* C1 escaped as \u0080..\u009f: same code point, safer on a terminal. */
			if (is_c1(s + i, k)) {
				d = put_u00(d, 0x00, s[i + 1]);
			} else {
				memcpy(d, s + i, k);
				d += k;
			}
			i += k;
		} else {
			d = put_u00(d, 0xdc, c); /* surrogateescape: U+DC00 + byte */
			i++;
		}
	}
	*d++ = '"';
	return d;
}

void out_text_escaped(struct outbuf *o, const char *s, size_t n)
{
	if (!ob_reserve(o, 4 * n))
		return;
	o->len = (size_t)(esc_text(o->buf + o->len, s, n, false) - o->buf);
}

void out_json_string(struct outbuf *o, const char *s, size_t n)
{
	if (!ob_reserve(o, 6 * n + 2))
		return;
	o->len = (size_t)(esc_json(o->buf + o->len, s, n) - o->buf);
}

static char *put_str(char *d, const char *s)
{
	size_t n = strlen(s);

	memcpy(d, s, n);
	return d + n;
}

static char *put_u64(char *d, uint64_t v)
{
	char t[20];
	int n = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*d++ = t[--n];
	return d;
}

static char *put_i64(char *d, int64_t v)
{
	if (v < 0) {
		*d++ = '-';
		return put_u64(d, -(uint64_t)v);
	}
	return put_u64(d, (uint64_t)v);
}

/* Zero-padded to width digits. */
static char *put_u0(char *d, uint64_t v, int width)
{
	char *end = d + width;

	for (char *p = end; p > d; v /= 10)
		*--p = (char)('0' + v % 10);
	return end;
}

/* Screen columns of escaped text: one per code point (it is ASCII or valid UTF-8). */
static size_t columns(const char *s, const char *end)
{
	size_t n = 0;

	for (; s < end; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Ends a column that started at start, like %-Ns in screen columns, but a value that fills
 * it still gets a separating space. */
static char *end_col(char *d, const char *start, size_t width)
{
	size_t w = width ? columns(start, d) : 0;

	do
		*d++ = ' ';
	while (++w < width);
	return d;
}

/* Wall-clock time of ts_ns, split so that no addition can overflow for any input. */
static void realtime(uint64_t ts_ns, int64_t off_ns, int64_t *sec, long *nsec)
{
	int64_t s = (int64_t)(ts_ns / NSEC_PER_SEC) + off_ns / NSEC_PER_SEC;
	int64_t ns = (int64_t)(ts_ns % NSEC_PER_SEC) + off_ns % NSEC_PER_SEC;

	if (ns < 0) {
		ns += NSEC_PER_SEC;
		s--;
	} else if (ns >= NSEC_PER_SEC) {
		ns -= NSEC_PER_SEC;
		s++;
	}
	*sec = s;
	*nsec = (long)ns;
}

/* The event's wall-clock time, broken down in local time or UTC; returns the nanoseconds. */
static long event_tm(const struct ms_event *h, const struct out_opts *opt, bool local,
		     struct tm *tm)
{
	int64_t sec;
	long nsec;
	time_t t;

	realtime(h->ts_ns, opt->mono_to_real_ns, &sec, &nsec);
	t = (time_t)sec;
	if (!(local ? localtime_r(&t, tm) : gmtime_r(&t, tm)))
		memset(tm, 0, sizeof(*tm));
	return nsec;
}

/* Seconds since start with 3 decimals, rounded like %.3f. */
static char *put_since(char *d, uint64_t ts_ns, uint64_t start_ns)
{
	uint64_t diff, ms;

	if (ts_ns >= start_ns) {
		diff = ts_ns - start_ns;
	} else {
		diff = start_ns - ts_ns;
		*d++ = '-';
	}
	ms = diff / 1000000 + (diff % 1000000 >= 500000);
	d = put_u64(d, ms / 1000);
	*d++ = '.';
	return put_u0(d, ms % 1000, 3);
}

static char *text_arg(char *d, const struct out_opts *opt, const char *s, size_t n)
{
	if (!opt->quote)
		return esc_text(d, s, n, false);
	*d++ = '"';
	d = esc_text(d, s, n, true);
	*d++ = '"';
	return d;
}

/* ["a","b"] */
static char *json_strings(char *d, const char *const *str, const size_t *len, unsigned n)
{
	*d++ = '[';
	for (unsigned i = 0; i < n; i++) {
		if (i)
			*d++ = ',';
		d = esc_json(d, str[i], len[i]);
	}
	*d++ = ']';
	return d;
}

#define MEMBER(m) (((struct ms_event *)0)->m)

const struct col_def out_cols[COL_COUNT] = {
#define BASE_COL(c, nm, hd, w) [COL_##c] = {.name = nm, .head = hd, .width = w, .ctx = -1},
    OUT_BASE_COLUMNS(BASE_COL)
#undef BASE_COL
#define CTX_COL(c, nm, hd, w, grp, knd, mem, all_)                                                 \
	[COL_##c] = {.name = nm,                                                                   \
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

/* What the list says of each field, checked where it is built. */
#define FIELD_CHECK(c, nm, hd, w, grp, knd, mem, all_)                                             \
	_Static_assert(sizeof(nm) <= 9 && sizeof(hd) <= 9,                                         \
		       "field " nm ": name or header too long");                                   \
	_Static_assert((FK_##knd != FK_U32 && FK_##knd != FK_U32_SET) || sizeof(MEMBER(mem)) == 4, \
		       "field " nm ": a number is a u32 member");                                  \
	_Static_assert(FK_##knd != FK_CGROUP || sizeof(MEMBER(mem)) == 8,                          \
		       "field " nm ": a cgroup id is a u64 member");                               \
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
				ms_snprintf(err, n, "unknown field %.*s (try: minisnoop check)",
					    (int)(len > 40 ? 40 : len), spec);
				return -EINVAL;
			}
			add_col(opt, (enum out_col)c);
		}
		spec += len + (spec[len] == ',');
	}
	return 0;
}

int out_columns(struct out_opts *opt, const char *spec, bool env, uint32_t *ctx, char *err,
		size_t n)
{
	/* "+a,b" and "all" keep the default columns */
	bool plus = spec && (spec[0] == '+' || !strcmp(spec, "all"));

	opt->ncol = 0;
	opt->ctx_cols = 0;
	if (!spec || plus)
		default_cols(opt);
	if (spec && parse_cols(opt, spec + (spec[0] == '+'), err, n))
		return -EINVAL;
	if (env)
		add_col(opt, COL_ENV);
	if (!spec || plus)
		add_col(opt, COL_ARGS);
	*ctx = CTXB(ROOT) | CTXB(MNTNS); /* root_mark's */
	for (unsigned c = COL_CTX_FIRST; c < COL_COUNT; c++)
		if (opt->ctx_cols & (1ull << c))
			*ctx |= 1u << out_cols[c].ctx;
	return 0;
}

void out_own_root(struct out_opts *opt)
{
	struct stat st;

	opt->own_mntns = stat("/proc/self/ns/mnt", &st) ? 0 : (uint32_t)st.st_ino;
}

/* Options without columns (out_columns not called) show the default ones. */
static const struct out_opts *with_cols(const struct out_opts *opt, struct out_opts *tmp)
{
	if (opt->ncol)
		return opt;
	*tmp = *opt;
	default_cols(tmp);
	add_col(tmp, COL_ARGS);
	return tmp;
}

void out_header(struct outbuf *o, const struct out_opts *opt)
{
	struct out_opts tmp;
	char *d, *c;

	opt = with_cols(opt, &tmp);
	if (opt->json || !ob_reserve(o, OB_FIXED + 10 * OUT_COLS_MAX))
		return;
	d = o->buf + o->len;
	for (unsigned i = 0; i < opt->ncol; i++) {
		const struct col_def *cd = &out_cols[opt->col[i]];

		c = d;
		d = put_str(d, cd->head);
		if (i + 1 < opt->ncol)
			d = end_col(d, c, cd->width);
	}
	*d++ = '\n';
	o->len = (size_t)(d - o->buf);
}

/* A context field's value as the record gives it. */
struct value {
	enum { V_NULL, V_NUM, V_WORD, V_STR } type; /* V_WORD: written as is (true, false) */
	const char *s;
	size_t len;
	uint64_t num;
};

static struct value str_value(const char *s, size_t len)
{
	return (struct value){.type = V_STR, .s = s, .len = len};
}

/* In another mount namespace than the tracer's (when both are known). */
static bool other_mntns(const struct out_opts *opt, const struct ev_view *v)
{
	return opt->own_mntns && (v->have & CTXB(MNTNS)) && v->hdr.mntns != opt->own_mntns;
}

/* The value of context column cd (not env), null when the kernel did not give it; buf (40
 * bytes) holds a value that is not in the view as it is shown. */
static struct value ctx_value(const struct out_opts *opt, const struct ev_view *v,
			      const struct col_def *cd, char *buf)
{
	const char *at = (const char *)&v->hdr + cd->off;
	struct value r = {.type = V_NULL};
	const char *s;
	uint64_t id;
	uint32_t n;
	size_t len;

	if (!(v->have & (1u << cd->ctx)))
		return r;
	switch (cd->kind) {
	case FK_U32:
	case FK_U32_SET:
		memcpy(&n, at, sizeof(n));
		/* (uid_t)-1: the login uid and session were never set */
		if (cd->kind == FK_U32_SET && n == UINT32_MAX)
			return r;
		return (struct value){.type = V_NUM, .num = n};
	case FK_STR:
		return str_value(at, strnlen(at, cd->size));
	case FK_TTY: /* "pts3" is /dev/pts/3 */
		len = strnlen(at, cd->size);
		if (!len)
			return r;
		if (len > 3 && !memcmp(at, "pts", 3) && at[3] >= '0' && at[3] <= '9') {
			ms_snprintf(buf, 40, "pts/%.*s", (int)len - 3, at + 3);
			return str_value(buf, len + 1);
		}
		return str_value(at, len);
	case FK_CGROUP: /* as the kernel named it at the exec, else from the mounted trees */
		if (v->cgroup_path)
			return str_value(v->cgroup, v->cgroup_len);
		memcpy(&id, at, sizeof(id));
		s = cgroup_name(id);
		return s ? str_value(s, strlen(s)) : r;
	case FK_FILELESS:
		s = (v->hdr.ctx_flags & EV_C_EXE_DELETED) ? "true" : "false";
		return (struct value){.type = V_WORD, .s = s, .len = strlen(s)};
	case FK_CWD:
		return str_value(v->cwd, v->cwd_len);
	case FK_EXE:
		return str_value(v->exe, v->exe_len);
	case FK_ROOT: /* "/": the top of another mount namespace's tree */
		if (v->root_len)
			return str_value(v->root, v->root_len);
		return other_mntns(opt, v) ? str_value("/", 1) : r;
	default: /* FK_ENV: a list, the caller's */
		return r;
	}
}

/*
 * A process whose root is not the tracer's: chrooted (its root is not the top of its mount
 * tree), or in another mount namespace. Its paths (filename, args' first, cwd, exe) start
 * with "⟦ROOT⟧", or "⟦mnt:N:ROOT⟧" in mount namespace N: brackets that text output never
 * shows raw from data (esc_text escapes them), so no path reads as the tracer's own.
 */
static char *root_mark(char *d, const struct out_opts *opt, const struct ev_view *v)
{
	bool ns = other_mntns(opt, v);

	if (!ns && !(v->have & CTXB(ROOT) && v->root_len))
		return d;
	d = put_str(d, "\xe2\x9f\xa6"); /* U+27E6 */
	if (ns) {
		d = put_str(d, "mnt:");
		d = put_u64(d, v->hdr.mntns);
		*d++ = ':';
	}
	if (v->have & CTXB(ROOT) && v->root_len)
		d = esc_text(d, v->root, v->root_len, false);
	else
		*d++ = '/';
	return put_str(d, "\xe2\x9f\xa7"); /* U+27E7 */
}

static char *text_strings(char *d, const struct out_opts *opt, const char *const *str,
			  const size_t *len, unsigned from, unsigned n)
{
	for (unsigned i = from; i < n; i++) {
		if (i > from)
			*d++ = ' ';
		d = text_arg(d, opt, str[i], len[i]);
	}
	return d;
}

static char *text_col(char *d, const struct out_opts *opt, const struct ev_view *v, enum out_col c,
		      unsigned argc)
{
	const struct ms_event *h = &v->hdr;
	char buf[40], ret[16];
	struct value val;
	size_t len;
	struct tm tm;

	switch (c) {
	case COL_TIME:
		event_tm(h, opt, true, &tm);
		d = put_u0(d, (unsigned)tm.tm_hour % 100, 2);
		*d++ = ':';
		d = put_u0(d, (unsigned)tm.tm_min % 100, 2);
		*d++ = ':';
		return put_u0(d, (unsigned)tm.tm_sec % 100, 2);
	case COL_ELAPSED:
		return put_since(d, h->ts_ns, opt->start_ns);
	case COL_UID:
		return put_u64(d, h->uid);
	case COL_COMM:
		return esc_text(d, h->comm, strnlen(h->comm, EV_COMM_LEN), false);
	case COL_PID:
		return put_u64(d, h->pid);
	case COL_TID:
		return put_u64(d, h->tid);
	case COL_PPID:
		return put_u64(d, h->ppid);
	case COL_RET:
		for (len = (size_t)(put_i64(ret, h->ret) - ret); len < 3; len++)
			*d++ = ' ';
		return put_i64(d, h->ret);
	case COL_FILENAME:
		d = root_mark(d, opt, v);
		return text_arg(d, opt, v->filename, v->filename_len);
	case COL_ARGS:
		/* BCC shows the executed path in place of argv[0]. */
		d = root_mark(d, opt, v);
		d = text_arg(d, opt, v->filename, v->filename_len);
		if (argc > 1)
			*d++ = ' ';
		d = text_strings(d, opt, v->args, v->arg_len, 1, argc);
		return v->truncated ? put_str(d, " ...") : d;
	default:
		break;
	}
	if (out_cols[c].kind == FK_ENV) {
		if (!(v->have & (1u << out_cols[c].ctx)))
			return put_str(d, "-");
		d = text_strings(d, opt, v->env, v->env_len, 0, v->envc);
		return v->env_cut ? put_str(d, " ...") : d;
	}
	val = ctx_value(opt, v, &out_cols[c], buf);
	switch (val.type) {
	case V_NULL:
		return put_str(d, "-");
	case V_NUM:
		return put_u64(d, val.num);
	case V_WORD:
		return put_str(d, val.s);
	default:
		if (out_cols[c].kind == FK_CWD || out_cols[c].kind == FK_EXE)
			d = root_mark(d, opt, v);
		return text_arg(d, opt, val.s, val.len);
	}
}

static char *text_event(char *d, const struct out_opts *opt, const struct ev_view *v, unsigned argc)
{
	struct out_opts tmp;

	opt = with_cols(opt, &tmp);
	for (unsigned i = 0; i < opt->ncol; i++) {
		char *c = d;

		d = text_col(d, opt, v, (enum out_col)opt->col[i], argc);
		if (i + 1 == opt->ncol)
			break;
		d = end_col(d, c, out_cols[opt->col[i]].width);
	}
	*d++ = '\n';
	return d;
}

/* The chosen context keys, in the table's order: ,"key":value */
static char *json_context(char *d, const struct out_opts *opt, const struct ev_view *v)
{
	struct value val;
	char buf[40];

	for (unsigned c = COL_CTX_FIRST; c < COL_COUNT; c++) {
		if (!(opt->ctx_cols & (1ull << c)))
			continue;
		*d++ = ',';
		*d++ = '"';
		d = put_str(d, out_cols[c].name);
		d = put_str(d, "\":");
		if (out_cols[c].kind == FK_ENV) {
			if (!(v->have & (1u << out_cols[c].ctx)))
				d = put_str(d, "null");
			else
				d = json_strings(d, v->env, v->env_len, v->envc);
			continue;
		}
		val = ctx_value(opt, v, &out_cols[c], buf);
		switch (val.type) {
		case V_NULL:
			d = put_str(d, "null");
			break;
		case V_NUM:
			d = put_u64(d, val.num);
			break;
		case V_WORD:
			d = put_str(d, val.s);
			break;
		default:
			d = esc_json(d, val.s, val.len);
		}
	}
	return d;
}

static char *json_event(char *d, const struct out_opts *opt, const struct ms_event *h,
			const char *comm, const struct ev_view *v, unsigned argc)
{
	struct tm tm;
	long nsec = event_tm(h, opt, false, &tm);
	bool cut;

	d = put_str(d, "{\"time\":\"");
	/* Years outside 0..9999 only come from a bogus clock offset; keep the field well-formed. */
	d = put_u0(d, (uint64_t)(tm.tm_year + 1900LL) % 10000, 4);
	*d++ = '-';
	d = put_u0(d, (unsigned)tm.tm_mon + 1, 2);
	*d++ = '-';
	d = put_u0(d, (unsigned)tm.tm_mday, 2);
	*d++ = 'T';
	d = put_u0(d, (unsigned)tm.tm_hour, 2);
	*d++ = ':';
	d = put_u0(d, (unsigned)tm.tm_min, 2);
	*d++ = ':';
	d = put_u0(d, (unsigned)tm.tm_sec % 100, 2);
	*d++ = '.';
	d = put_u0(d, (uint64_t)nsec / 1000, 6);
	d = put_str(d, "Z\",\"pid\":");
	d = put_u64(d, h->pid);
	d = put_str(d, ",\"ppid\":");
	d = put_u64(d, h->ppid);
	d = put_str(d, ",\"uid\":");
	d = put_u64(d, h->uid);
	d = put_str(d, ",\"comm\":");
	d = esc_json(d, comm, strnlen(comm, EV_COMM_LEN));
	d = put_str(d, ",\"ret\":");
	d = put_i64(d, h->ret);
	d = put_str(d, ",\"filename\":");
	d = esc_json(d, v->filename, v->filename_len);
	d = put_str(d, ",\"args\":");
	d = json_strings(d, v->args, v->arg_len, argc);
	/* a cut environment, when shown, is said like cut arguments */
	cut = v->truncated ||
	      ((opt->ctx_cols & (1ull << COL_ENV)) && (v->have & CTXB(ENV)) && v->env_cut);
	d = put_str(d, cut ? ",\"truncated\":true" : ",\"truncated\":false");
	d = json_context(d, opt, v);
	return put_str(d, "}\n");
}

void out_event(struct outbuf *o, const struct out_opts *opt, const struct ev_view *v)
{
	struct ms_event h;
	const char *comm;
	unsigned argc = v->argc; /* at most EV_MAX_ARGS_LIM: ev_decode sees to it */
	size_t need = OB_FIXED + OB_CTX + 6 * (EV_COMM_LEN + v->filename_len) +
		      OB_PER_STR * ((size_t)argc + v->envc + 2);
	char *d;

	for (unsigned i = 0; i < argc; i++)
		need += 6 * v->arg_len[i];
	need += 4 * OB_ROOT_MARK(v->root_len); /* filename, args, cwd, exe */
	if (opt->ctx_cols) {
		need += 6 * (v->cwd_len + v->exe_len + v->root_len + v->cgroup_len +
			     CGROUP_PATH_MAX + EV_COMM_LEN + 40);
		for (unsigned i = 0; i < v->envc; i++)
			need += 6 * v->env_len[i];
	}
	if (!ob_reserve(o, need))
		return;
	h = v->hdr;
	comm = v->hdr.comm;
	d = o->buf + o->len;
	if (opt->json)
		d = json_event(d, opt, &h, comm, v, argc);
	else
		d = text_event(d, opt, v, argc);
	o->len = (size_t)(d - o->buf);
}
