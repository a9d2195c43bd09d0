// SPDX-License-Identifier: MIT
/* Writing exec events as text columns (BCC's layout) or JSON lines. */
#include "fmt.h"
#include "output.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NSEC_PER_SEC 1000000000LL

/*
 * Worst case bytes for one decoded event (JSON: 6 output bytes per input byte, plus quotes,
 * commas and the fixed fields). The buffer never gets smaller than this, so that when realloc
 * fails, flushing is enough to make room for any record ev_decode accepts.
 */
#define OB_FIXED   256
#define OB_PER_STR 8
#define OB_EVENT_MAX                                                                               \
	(OB_FIXED + 6 * (EV_COMM_LEN + EV_TEXT_MAX) + OB_PER_STR * (EV_MAX_ARGS_LIM + 2))

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
	       (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
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

/* Pads the column that started at start to width, like %-Ns. */
static char *pad(char *d, const char *start, size_t width)
{
	while ((size_t)(d - start) < width)
		*d++ = ' ';
	return d;
}

/* A leading column: like %-Ns, but a value that fills it still gets a separating space. */
static char *end_col(char *d, const char *start, size_t width)
{
	if ((size_t)(d - start) >= width)
		*d++ = ' ';
	return pad(d, start, width);
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

/* Screen columns of escaped text: one per code point (it is ASCII or valid UTF-8). */
static size_t columns(const char *s, const char *end)
{
	size_t n = 0;

	for (; s < end; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
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

void out_header(struct outbuf *o, const struct out_opts *opt)
{
	char *d, *c;

	if (opt->json || !ob_reserve(o, OB_FIXED))
		return;
	d = o->buf + o->len;
	if (opt->clock) {
		c = d;
		d = pad(put_str(d, "TIME"), c, 9);
	}
	if (opt->since) {
		c = d;
		d = pad(put_str(d, "TIME(s)"), c, 8);
	}
	if (opt->show_uid) {
		c = d;
		d = pad(put_str(d, "UID"), c, 6);
	}
	d = put_str(d, "PCOMM            PID     PPID    RET ARGS\n");
	o->len = (size_t)(d - o->buf);
}

static char *text_event(char *d, const struct out_opts *opt, const struct ms_event *h,
			const char *comm, const struct ev_view *v, unsigned argc)
{
	char *c;
	char ret[16];
	size_t rl;

	if (opt->clock) {
		struct tm tm;

		event_tm(h, opt, true, &tm);
		c = d;
		d = put_u0(d, (unsigned)tm.tm_hour % 100, 2);
		*d++ = ':';
		d = put_u0(d, (unsigned)tm.tm_min % 100, 2);
		*d++ = ':';
		d = put_u0(d, (unsigned)tm.tm_sec % 100, 2);
		d = end_col(d, c, 9);
	}
	if (opt->since) {
		c = d;
		d = end_col(put_since(d, h->ts_ns, opt->start_ns), c, 8);
	}
	if (opt->show_uid) {
		c = d;
		d = end_col(put_u64(d, h->uid), c, 6);
	}

	c = d;
	d = esc_text(d, comm, strnlen(comm, EV_COMM_LEN), false);
	for (size_t w = columns(c, d); w < 16; w++)
		*d++ = ' ';
	*d++ = ' ';
	c = d;
	d = pad(put_u64(d, h->pid), c, 7);
	*d++ = ' ';
	c = d;
	d = pad(put_u64(d, h->ppid), c, 7);
	*d++ = ' ';
	rl = (size_t)(put_i64(ret, h->ret) - ret);
	for (; rl < 3; rl++)
		*d++ = ' ';
	d = put_i64(d, h->ret);
	*d++ = ' ';

	/* BCC shows the executed path in place of argv[0]. */
	d = text_arg(d, opt, v->filename, v->filename_len);
	for (unsigned i = 1; i < argc; i++) {
		*d++ = ' ';
		d = text_arg(d, opt, v->args[i], v->arg_len[i]);
	}
	if (v->truncated)
		d = put_str(d, " ...");
	*d++ = '\n';
	return d;
}

static char *json_event(char *d, const struct out_opts *opt, const struct ms_event *h,
			const char *comm, const struct ev_view *v, unsigned argc)
{
	struct tm tm;
	long nsec = event_tm(h, opt, false, &tm);

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
	d = put_str(d, ",\"args\":[");
	for (unsigned i = 0; i < argc; i++) {
		if (i)
			*d++ = ',';
		d = esc_json(d, v->args[i], v->arg_len[i]);
	}
	d = put_str(d, v->truncated ? "],\"truncated\":true}\n" : "],\"truncated\":false}\n");
	return d;
}

void out_event(struct outbuf *o, const struct out_opts *opt, const struct ev_view *v)
{
	struct ms_event h;
	const char *comm;
	unsigned argc = v->argc; /* at most EV_MAX_ARGS_LIM: ev_decode sees to it */
	size_t need =
	    OB_FIXED + 6 * (EV_COMM_LEN + v->filename_len) + OB_PER_STR * ((size_t)argc + 2);
	char *d;

	for (unsigned i = 0; i < argc; i++)
		need += 6 * v->arg_len[i];
	if (!ob_reserve(o, need))
		return;
	h = v->hdr;
	comm = v->hdr.comm;
	d = o->buf + o->len;
	if (opt->json)
		d = json_event(d, opt, &h, comm, v, argc);
	else
		d = text_event(d, opt, &h, comm, v, argc);
	o->len = (size_t)(d - o->buf);
}
