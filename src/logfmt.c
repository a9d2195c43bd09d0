// SPDX-License-Identifier: MIT
/* Events as syslog messages, /dev/kmsg records and journal entries (logfmt.h). */
#ifndef MINISNOOP_TINY
#include "logfmt.h"

#include "fmt.h"

#include <string.h>
#include <time.h>

/* The names syslog.conf knows (RFC 5424's codes) that a service may want. */
static const struct {
	char name[9];
	uint8_t code;
} facilities[] = {{"user", 1},	  {"daemon", 3},  {"auth", 4},	  {"authpriv", 10},
		  {"local0", 16}, {"local1", 17}, {"local2", 18}, {"local3", 19},
		  {"local4", 20}, {"local5", 21}, {"local6", 22}, {"local7", 23}};

int logfmt_facility(const char *name)
{
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (!strcmp(facilities[i].name, name))
			return facilities[i].code;
	return -1;
}

size_t logfmt_head(char *d, unsigned pri, const struct tm *tm, uint32_t pid, bool kmsg)
{
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm now;
	time_t t;

	if (kmsg)
		return (size_t)ms_snprintf(d, 64, "<%u>minisnoop[%u]: ", pri, pid);
	if (!tm) {
		t = time(NULL);
		if (!localtime_r(&t, &now))
			memset(&now, 0, sizeof(now));
		tm = &now;
	}
	/* RFC 3164: the day of the month padded with a space */
	return (size_t)ms_snprintf(d, 64, "<%u>%.3s %c%c %02d:%02d:%02d minisnoop[%u]: ", pri,
				   mon + (size_t)3 * ((unsigned)tm->tm_mon % 12),
				   tm->tm_mday >= 10 ? '0' + tm->tm_mday / 10 % 10 : ' ',
				   '0' + tm->tm_mday % 10, tm->tm_hour % 100, tm->tm_min % 100,
				   tm->tm_sec % 100, pid);
}

/* ---- journal fields ---- */

/* A value that must go in the binary form: a byte journald would split on, or a control. */
static bool binary(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			return true;
	return false;
}

/* The field NAME (MINISNOOP_ before it when own) of the pieces joined: each followed by sep
 * (trailing) or between them. */
static char *field_parts(char *d, const char *name, bool own, const char *const *s,
			 const size_t *len, unsigned n, char sep, bool trailing)
{
	size_t total = 0;
	/* a NUL between values is a control byte like any other */
	bool bin = (trailing ? n > 0 : n > 1) && (unsigned char)sep < 0x20;

	for (unsigned i = 0; i < n; i++) {
		total += len[i] + (trailing || i + 1 < n);
		bin = bin || binary(s[i], len[i]);
	}
	if (own) {
		memcpy(d, "MINISNOOP_", 10);
		d += 10;
	}
	/* upper case: the names are the JSON keys (ours are lower case ASCII, digits and _) */
	for (; *name; name++)
		*d++ = *name >= 'a' && *name <= 'z' ? (char)(*name - 32) : *name;
	if (bin) {
		*d++ = '\n';
		for (int b = 0; b < 8; b++)
			*d++ = (char)((uint64_t)total >> (8 * b));
	} else {
		*d++ = '=';
	}
	for (unsigned i = 0; i < n; i++) {
		memcpy(d, s[i], len[i]);
		d += len[i];
		if (trailing || i + 1 < n)
			*d++ = sep;
	}
	*d++ = '\n';
	return d;
}

char *logfmt_field(char *d, const char *name, bool own, const char *s, size_t n)
{
	return field_parts(d, name, own, &s, &n, 1, 0, false);
}

static char *field_num(char *d, const char *name, bool own, int64_t v)
{
	char num[24];
	int n = ms_snprintf(num, sizeof(num), "%lld", (long long)v);

	return logfmt_field(d, name, own, num, (size_t)n);
}

static char *field_str(char *d, const char *name, bool own, const char *s)
{
	return logfmt_field(d, name, own, s, strlen(s));
}

/* What every entry starts with. */
static char *entry_head(char *d, const struct sink *k, const char *msg, size_t n, unsigned prio,
			const char *event)
{
	d = logfmt_field(d, "MESSAGE", false, msg, n);
	d = field_num(d, "PRIORITY", false, prio);
	d = field_num(d, "SYSLOG_FACILITY", false, k->facility);
	d = field_str(d, "SYSLOG_IDENTIFIER", false, "minisnoop");
	return field_str(d, "EVENT", true, event);
}

/* The context columns chosen (-o, JSON keys upper-cased; the ids with --exit), null ones left
 * out. */
static char *entry_context(char *d, const struct out_opts *opt, const struct ev_view *v)
{
	uint64_t cols = opt->ctx_cols | (opt->events ? 1ull << COL_ID | 1ull << COL_PARENT_ID : 0);
	char buf[OUT_VALUE_BUF];
	const char *s;
	size_t len;
	uint64_t num;

	for (unsigned c = COL_CTX_FIRST; c < COL_COUNT; c++) {
		if (!(cols & (1ull << c)))
			continue;
		if (out_cols[c].kind == FK_ENV) {
			if (!(v->have & (1u << out_cols[c].ctx)))
				continue;
			d = field_parts(d, "ENV", true, v->env, v->env_len, v->envc, 0, true);
			d = field_str(d, "ENV_TRUNCATED", true, v->env_cut ? "true" : "false");
			continue;
		}
		switch (out_ctx_raw(opt, v, c, buf, &s, &len, &num)) {
		case 1:
			d = field_num(d, out_cols[c].name, true, (int64_t)num);
			break;
		case 2:
			d = logfmt_field(d, out_cols[c].name, true, s, len);
			break;
		default:
			break;
		}
	}
	return d;
}

/* An upper bound of the entry's bytes, the message's included. */
static size_t entry_room(const struct ev_view *v, size_t msg)
{
	size_t n = msg + 2 * v->filename_len + v->cwd_len + v->exe_len + v->root_len +
		   v->cgroup_len + (size_t)128 * (COL_COUNT + 24) + 256;

	for (unsigned i = 0; i < v->argc; i++)
		n += 2 * (v->arg_len[i] + 1);
	for (unsigned i = 0; i < v->envc; i++)
		n += v->env_len[i] + 1;
	return n;
}

/* The entry's raw bytes at o->buf[at..] made the stuffed line at o->buf[start..] (at - start
 * is at least the entry's length: stuffing never overtakes what it has yet to read). */
static void entry_close(struct outbuf *o, size_t start, size_t at, size_t len)
{
	o->len = start + logfmt_stuff(o->buf + start, o->buf + at, len);
	o->buf[o->len++] = '\n';
}

static void journal_event(struct outbuf *o, const struct out_opts *opt, struct sink *k,
			  const struct ev_view *v, size_t start)
{
	size_t msg = o->len - start - 1, room = entry_room(v, msg), at;
	const struct ms_event *h = &v->hdr;
	char *d, *e;

	if (!outbuf_reserve(o, 3 * room + 1)) {
		o->len = start;
		k->dropped++;
		return;
	}
	at = start + room + 1;
	d = e = o->buf + at;
	d = entry_head(d, k, o->buf + start, msg, LOGFMT_INFO, v->exit ? "exit" : "exec");
	d = field_num(d, "PID", true, h->pid);
	d = field_num(d, "PPID", true, h->ppid);
	d = field_num(d, "UID", true, h->uid);
	d = logfmt_field(d, "COMM", true, h->comm, strnlen(h->comm, EV_COMM_LEN));
	if (v->exit) {
		d = field_num(d, "TID", true, h->tid);
	} else {
		d = field_num(d, "RET", true, h->ret);
		d = logfmt_field(d, "FILENAME", true, v->filename, v->filename_len);
		d = field_num(d, "ARGC", true, v->argc);
		d = field_parts(d, "ARGS", true, v->args, v->arg_len, v->argc, ' ', false);
		d = field_parts(d, "ARGV", true, v->args, v->arg_len, v->argc, 0, true);
		d = field_str(d, "TRUNCATED", true, v->truncated ? "true" : "false");
	}
	d = entry_context(d, opt, v);
	entry_close(o, start, at, (size_t)(d - e));
}

/* ---- cutting an event to fit ---- */

/* len cut by excess, back to the start of a character (a cut one would become escapes). */
static size_t cut_len(const char *s, size_t len, size_t excess)
{
	size_t n = len > excess ? len - excess : 0;

	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

bool logfmt_shrink(struct ev_view *v, size_t excess)
{
	size_t *lens[5] = {&v->filename_len, &v->cwd_len, &v->exe_len, &v->root_len,
			   &v->cgroup_len};
	const char *strs[5] = {v->filename, v->cwd, v->exe, v->root, v->cgroup};
	size_t **big = NULL, n;

	if (v->envc) { /* the environment first: whole strings from the end */
		while (v->envc && excess) {
			n = v->env_len[--v->envc] + 1;
			excess -= n < excess ? n : excess;
		}
		if (v->env_gap > v->envc || !v->env_cut)
			v->env_gap = v->envc;
		v->env_cut = true;
		return true;
	}
	if (v->argc) { /* then the arguments from the end: the last one cut, or left out */
		v->truncated = true;
		while (v->argc && excess) {
			unsigned i = v->argc - 1;

			if (v->arg_len[i] > excess) {
				v->arg_len[i] = cut_len(v->args[i], v->arg_len[i], excess);
				return true;
			}
			/* a JSON string's quotes and comma: text over-counted is cut next time */
			excess -= v->arg_len[i] + 3 < excess ? v->arg_len[i] + 3 : excess;
			v->argc--;
		}
		return true;
	}
	for (unsigned i = 0; i < 5; i++)
		if (*lens[i] && (!big || *lens[i] > **big))
			big = &lens[i];
	if (!big)
		return false;
	**big = cut_len(strs[big - lens], **big, excess);
	if (big != lens)
		((char *)strs[big - lens])[**big] = 0; /* the view's own arrays stay strings */
	v->truncated = true;
	return true;
}

/* The header before the line at start (dropped with it when there is no room). */
static void prepend(struct outbuf *o, size_t start, const char *head, size_t hl)
{
	if (!outbuf_reserve(o, hl)) {
		o->len = start;
		return;
	}
	memmove(o->buf + start + hl, o->buf + start, o->len - start);
	memcpy(o->buf + start, head, hl);
	o->len += hl;
}

/* syslog, kmsg: the header, then the line, cut until both fit msg_max. */
static void message_event(struct outbuf *o, const struct out_opts *opt, struct sink *k,
			  struct ev_view *v, size_t start)
{
	char head[64];
	struct tm tm;
	size_t hl, line;
	bool cut = false;

	out_event_tm(v, opt, &tm);
	hl = logfmt_head(head, (unsigned)k->facility * 8 + LOGFMT_INFO, &tm, k->pid,
			 k->proto == SINK_KMSG);
	for (unsigned tries = 0;; tries++) {
		line = o->len - start - 1;
		if (hl + line <= k->msg_max)
			break;
		if (tries == 64 || !logfmt_shrink(v, hl + line - k->msg_max)) {
			o->len = start; /* the fixed fields alone do not fit: said by the sink */
			k->dropped++;
			return;
		}
		cut = true;
		o->len = start;
		out_event(o, opt, v);
		if (o->len == start)
			return;
	}
	k->cut += cut;
	prepend(o, start, head, hl);
}

void logfmt_event(struct outbuf *o, const struct out_opts *opt, struct sink *k, struct ev_view *v)
{
	size_t start = o->len;

	out_event(o, opt, v);
	if (o->len == start)
		return;
	if (k->proto == SINK_JOURNAL)
		journal_event(o, opt, k, v, start);
	else if (k->proto != SINK_LINES)
		message_event(o, opt, k, v, start);
}

void logfmt_note(struct outbuf *o, struct sink *k, size_t start)
{
	size_t line = o->len - start - 1, hl, at;
	char head[64];
	char *d, *e;

	if (o->len <= start || k->proto == SINK_LINES)
		return;
	if (k->proto != SINK_JOURNAL) {
		hl = logfmt_head(head, (unsigned)k->facility * 8 + LOGFMT_NOTICE, NULL, k->pid,
				 k->proto == SINK_KMSG);
		prepend(o, start, head, hl);
		return;
	}
	if (!outbuf_reserve(o, 3 * (line + 256))) {
		o->len = start; /* not sent half made */
		return;
	}
	at = start + line + 256;
	d = e = o->buf + at;
	d = entry_head(d, k, o->buf + start, line, LOGFMT_NOTICE, "note");
	entry_close(o, start, at, (size_t)(d - e));
}

/* ---- byte stuffing ---- */

size_t logfmt_stuff(char *d, const char *s, size_t n)
{
	char *p = d;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\n' || c == 1) {
			*p++ = 1;
			*p++ = c == 1 ? 1 : 2;
		} else {
			*p++ = c;
		}
	}
	return (size_t)(p - d);
}

size_t logfmt_unstuff(char *d, const char *s, size_t n)
{
	char *p = d;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != 1) {
			*p++ = s[i];
			continue;
		}
		if (++i == n || (s[i] != 1 && s[i] != 2))
			return (size_t)-1;
		*p++ = s[i] == 1 ? 1 : '\n';
	}
	return (size_t)(p - d);
}
#endif
