// SPDX-License-Identifier: MIT
/* Writing exec events as text lines (BCC's columns) or JSON objects, one per line. */
#include "fmt.h"
#include "output.h"

#include "cgroup.h"
#include "container.h"
#include "escape.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define NSEC_PER_SEC 1000000000LL
#define VALUE_BUF    (CONTAINER_ID_LEN + 1) /* ctx_value's: a tty name, a container id */

/* The most a context field can add to a line, its key or padding included, but for the
 * blocks (cwd, exe, env), which out_event counts from the view: 6 bytes per escaped byte. */
#define KIND_ROOM(kind, size)                                                                      \
	((kind) == FK_STR || (kind) == FK_TTY	      ? 6 * ((size) + 4) + 2                       \
	 : (kind) == FK_CGROUP			      ? 6 * CGROUP_PATH_MAX + 2                    \
	 : (kind) == FK_CONTAINER || (kind) == FK_POD ? CONTAINER_ID_LEN + 2                       \
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
/* ,"env_truncated":false,"env_unscanned":N, or two "..." */
#define OB_ENV_CUT 64
/* -o ancestors: each one's keys, escaped comm and argument text, a string's quotes and comma */
#define OB_ANC(args_len, argc) (96 + 6 * (EV_COMM_LEN + (args_len)) + OB_PER_STR * (argc))
/* A root mark (root_mark) of a root path n bytes long: escaped, its brackets, "mnt:N:". */
#define OB_ROOT_MARK(n) (6 * (n) + 32)
const size_t out_event_max = OB_FIXED + OB_CTX + 6 * (EV_COMM_LEN + EV_TEXT_MAX + 4 * 32) +
			     4 * OB_ROOT_MARK(EV_PATH_MAX + 32) +
			     OB_PER_STR * (EV_MAX_ARGS_LIM + EV_ENV_VIEW_MAX + 2) + OB_ENV_CUT +
			     EV_ANC_MAX * OB_ANC(EV_ANC_ARGS, EV_ANC_ARGS);

void out_own_root(struct out_opts *opt)
{
	struct stat st;

	/* init's when we may see it: a service sandboxed by systemd (ProtectSystem=...), or a
	 * pod sharing the host's pids, runs in a mount namespace of its own that no process
	 * it watches shares */
	if (stat("/proc/1/ns/mnt", &st) && stat("/proc/self/ns/mnt", &st))
		st.st_ino = 0;
	opt->own_mntns = (uint32_t)st.st_ino;
}

void out_text_escaped(struct outbuf *o, const char *s, size_t n)
{
	if (!outbuf_reserve(o, ESC_TEXT_ROOM(n)))
		return;
	o->len = (size_t)(esc_text(o->buf + o->len, s, n, false) - o->buf);
}

void out_json_string(struct outbuf *o, const char *s, size_t n)
{
	if (!outbuf_reserve(o, ESC_JSON_ROOM(n)))
		return;
	o->len = (size_t)(esc_json(o->buf + o->len, s, n) - o->buf);
}

static char *put_str(char *d, const char *s)
{
	size_t n = strlen(s);

	memcpy(d, s, n);
	return d + n;
}

/* A string literal: its length known, copied inline (put_str's strlen and rep movsb were a tenth
 * of a JSON line's time). */
#define PUT(d, lit) ((char *)memcpy(d, lit, sizeof(lit) - 1) + sizeof(lit) - 1)

static char *put_u64(char *d, uint64_t v)
{
	char t[20];
	unsigned n = ev_digits(t, v);

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

/* Zero-padded to width digits (v's last ones). */
static char *put_u0(char *d, uint32_t v, int width)
{
	char t[20], *end = d + width;
	unsigned n = ev_digits(t, v);

	for (unsigned i = 0; d < end; i++)
		*--end = i < n ? t[i] : '0';
	return d + width;
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

	/* UTC's last second, kept: a storm's lines share it (local time follows TZ) */
	static struct {
		time_t t;
		bool set;
		struct tm tm;
	} utc;

	realtime(h->ts_ns, opt->mono_to_real_ns, &sec, &nsec);
	t = (time_t)sec;
	if (!local && utc.set && utc.t == t) {
		*tm = utc.tm;
		return nsec;
	}
	if (!(local ? localtime_r(&t, tm) : gmtime_r(&t, tm)))
		memset(tm, 0, sizeof(*tm));
	if (!local) {
		utc.t = t;
		utc.tm = *tm;
		utc.set = true;
	}
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

/* word: in a column that is not the last, where a space would split it */
static char *text_arg(char *d, const struct out_opts *opt, const char *s, size_t n, bool word)
{
	unsigned fl = word && !opt->quote ? ESC_WORD : 0;

	if (!opt->quote)
		return esc_text(d, s, n, fl);
	*d++ = '"';
	d = esc_text(d, s, n, ESC_QUOTE);
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

#ifndef MINISNOOP_TINY /* ids and ancestors: not in make tiny */
/* An image id: 16 hex digits into buf. */
static char *hex16(char *buf, uint64_t id)
{
	for (int i = 15; i >= 0; i--, id >>= 4)
		buf[i] = "0123456789abcdef"[id & 15];
	return buf;
}
#endif

/* A context field's value as the record gives it: 16 bytes, returned in registers (a larger
 * one was copied with rep movs at each of a -o all line's 25 keys). */
struct value {
	const char *s;
	uint32_t len;				    /* V_NUM: the number (a u32 member) */
	enum { V_NULL, V_NUM, V_WORD, V_STR } type; /* V_WORD: written as is (true, false) */
};

static struct value str_value(const char *s, size_t len)
{
	return (struct value){.type = V_STR, .s = s, .len = (uint32_t)len};
}

/* In another mount namespace than the tracer's (when both are known). */
static bool other_mntns(const struct out_opts *opt, const struct ev_view *v)
{
	return opt->own_mntns && (v->have & CTXB(MNTNS)) && v->hdr.mntns != opt->own_mntns;
}

/* A root other than the tracer's own; conservative while that is not known. */
static bool other_root(const struct out_opts *opt, const struct ev_view *v)
{
	if (!(v->have & CTXB(ROOT)))
		return false;
	if (!opt->own_root_known)
		return v->root_len != 0;
	return v->root_len != opt->own_root_len || memcmp(v->root, opt->own_root, v->root_len);
}

#ifndef MINISNOOP_TINY /* no containers there */
/* The container and pod of the exec's cgroup: from the path the kernel read at the exec (exact
 * even for a container gone since), else the id named from the mounted cgroup2 trees, else the
 * v1 pids or cpu hierarchy of the process, read now (racy: src/container.c). */
static int container_of(const struct ev_view *v, uint64_t id, char *cid, char *pod)
{
	/* the line's container and pod columns ask alike: the v1 read (an open of /proc) once */
	static struct {
		uint64_t ts, id;
		uint32_t pid;
		int have;
		char cid[CONTAINER_ID_LEN + 1], pod[POD_UID_LEN + 1];
	} last;
	const char *s = v->cgroup_path ? NULL : cgroup_name(id);
	int have = v->cgroup_path ? container_of_path(v->cgroup, v->cgroup_len, cid, pod)
		   : s		  ? container_of_path(s, strlen(s), cid, pod)
				  : 0;

	if (have)
		return have;
	if (last.ts != v->hdr.ts_ns || last.pid != v->hdr.pid || last.id != id) {
		last.have = 0;
		last.cid[0] = last.pod[0] = 0;
		if (!container_v1 || !container_v1_flat(v->hdr.ts_ns))
			last.have = container_of_pid_v1(v->hdr.pid, last.cid, last.pod);
		last.ts = v->hdr.ts_ns;
		last.pid = v->hdr.pid;
		last.id = id;
	}
	memcpy(cid, last.cid, sizeof(last.cid));
	memcpy(pod, last.pod, sizeof(last.pod));
	return last.have;
}
#endif

/* The value of context column cd (not env), null when the kernel did not give it; buf
 * (VALUE_BUF bytes) holds a value that is not in the view as it is shown. */
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
		return (struct value){.type = V_NUM, .len = n};
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
#ifndef MINISNOOP_TINY
	case FK_CONTAINER:
	case FK_POD: {
		char pod[POD_UID_LEN + 1];

		memcpy(&id, at, sizeof(id));
		container_of(v, id, buf, pod);
		if (cd->kind == FK_POD)
			memcpy(buf, pod, sizeof(pod));
		return buf[0] ? str_value(buf, strlen(buf)) : r;
	}
#endif
	case FK_FILELESS:
		s = (v->hdr.ctx_flags & EV_C_EXE_DELETED) ? "true" : "false";
		return (struct value){.type = V_WORD, .s = s, .len = (uint32_t)strlen(s)};
	case FK_CWD:
		return str_value(v->cwd, v->cwd_len);
	case FK_EXE:
		return str_value(v->exe, v->exe_len);
	case FK_ROOT: /* "/": the top of the mount tree (another mount namespace's too) */
		if (!other_root(opt, v) && !other_mntns(opt, v))
			return r;
		return v->root_len ? str_value(v->root, v->root_len) : str_value("/", 1);
#ifndef MINISNOOP_TINY
	case FK_ID:
	case FK_PARENTID:
		if (cd->kind == FK_PARENTID && !v->has_parent)
			return r;
		return str_value(hex16(buf, cd->kind == FK_ID ? v->id : v->parent_id), 16);
#endif
	default: /* FK_ENV: a list, the caller's */
		return r;
	}
}

/*
 * A process whose root is not the tracer's (a chroot; or the top of the mount tree when the
 * tracer is itself chrooted), or in another mount namespace. Its paths (filename, args' first, cwd,
 * exe) start with "⟦ROOT⟧", or "⟦mnt:N:ROOT⟧" in mount namespace N: brackets that text output never
 * shows raw from data (esc_text escapes them), so no path reads as the tracer's own. The
 * mark is outside -q's quotes, so its spaces and quotes are escaped there.
 */
static char *root_mark(char *d, const struct out_opts *opt, const struct ev_view *v, bool word)
{
	bool ns = other_mntns(opt, v);

	if (!ns && !other_root(opt, v))
		return d;
	d = put_str(d, "\xe2\x9f\xa6"); /* U+27E6 */
	if (ns) {
		d = put_str(d, "mnt:");
		d = put_u64(d, v->hdr.mntns);
		*d++ = ':';
	}
	if (v->have & CTXB(ROOT) && v->root_len)
		d = esc_text(d, v->root, v->root_len,
			     opt->quote ? ESC_WORD | ESC_QUOTE
			     : word	? ESC_WORD
					: 0);
	else
		*d++ = '/';
	return put_str(d, "\xe2\x9f\xa7"); /* U+27E7 */
}

static char *text_strings(char *d, const struct out_opts *opt, const char *const *str,
			  const size_t *len, unsigned from, unsigned n, bool word)
{
	for (unsigned i = from; i < n; i++) {
		if (i > from)
			*d++ = ' ';
		d = text_arg(d, opt, str[i], len[i], word);
	}
	return d;
}

/* The environment, with "..." where strings were left out (before those always shown, or at
 * the end) and at the end when the kernel stopped looking (env_unscanned in JSON). */
static char *text_env(char *d, const struct out_opts *opt, const struct ev_view *v, bool word)
{
	unsigned gap = v->env_cut ? v->env_gap : UINT32_MAX;

	d = text_strings(d, opt, v->env, v->env_len, 0, gap < v->envc ? gap : v->envc, word);
	if (gap <= v->envc)
		d = put_str(d, gap ? " ..." : "...");
	if (gap < v->envc) {
		*d++ = ' ';
		d = text_strings(d, opt, v->env, v->env_len, gap, v->envc, word);
		if (v->env_stopped)
			d = put_str(d, " ...");
	}
	return d;
}

#ifndef MINISNOOP_TINY /* -o ancestors: not in make tiny */
/* -o ancestors as text: the oldest first, the parent last, "comm(pid)" joined by " > " (">"
 * in a column that is not the last); "-" when there are none or the table does not know. */
static char *text_ancestors(char *d, const struct ev_view *v, bool word)
{
	if (!v->anc_known || !v->nanc)
		return put_str(d, "-");
	for (unsigned i = v->nanc; i-- > 0;) {
		const struct ev_ancestor *a = &v->anc[i];

		d = esc_text(d, a->comm, strnlen(a->comm, EV_COMM_LEN), word ? ESC_WORD : 0);
		*d++ = '(';
		d = put_u64(d, a->pid);
		*d++ = ')';
		if (i)
			d = put_str(d, word ? ">" : " > ");
	}
	return d;
}

/* One ancestor in JSON: {"pid","id","comm","args","truncated"}. */
static char *json_ancestor(char *d, const struct ev_ancestor *a)
{
	const char *s = a->args, *end = a->args + a->args_len;
	char id[16];

	d = put_u64(put_str(d, "{\"pid\":"), a->pid);
	d = put_str(d, ",\"id\":");
	d = a->has_id ? esc_json(d, hex16(id, a->id), 16) : put_str(d, "null");
	d = put_str(d, ",\"comm\":");
	d = esc_json(d, a->comm, strnlen(a->comm, EV_COMM_LEN));
	d = put_str(d, ",\"args\":[");
	for (unsigned k = 0; k < a->argc && s < end; k++) {
		size_t n = strnlen(s, (size_t)(end - s));

		if (k)
			*d++ = ',';
		d = esc_json(d, s, n);
		s += n + 1;
	}
	return put_str(d, a->cut ? "],\"truncated\":true}" : "],\"truncated\":false}");
}

#endif

#ifndef MINISNOOP_TINY
/* Whether n bytes are the same, 8 at a time (musl's memcmp goes a byte at a time, and the kept
 * texts below are matched on a line's every argument and variable). */
static bool same(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	for (; n >= 8; a += 8, b += 8, n -= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return false;
	}
	while (n--)
		if (*a++ != *b++)
			return false;
	return true;
}

/*
 * Each ancestor's JSON text, kept: the execs and exits of a storm share their ancestors, whose
 * escaping was most of the reader's time per line (2 KB a line with 10 ancestors). An entry
 * is found by the table slot's serial (an image's text never changes while its serial stands,
 * and no serial is used twice in a run), checked against its pid and id; allocated at the
 * first use (pages untouched until used).
 */
#define ANC_CACHE 256 /* in pairs: two ancestors sharing a slot do not evict each other */
struct anc_text {
	uint32_t serial, pid, len, used;
	uint64_t id;
	char text[OB_ANC(EV_ANC_ARGS, EV_ANC_ARGS)];
};
static struct anc_text *anc_cache;

static char *json_ancestor_kept(char *d, const struct ev_ancestor *a)
{
	static uint32_t uses;
	struct anc_text *e;
	char *start = d;
	unsigned i = a->serial % ANC_CACHE & ~1u;

	if (!a->serial || (!anc_cache && !(anc_cache = calloc(ANC_CACHE, sizeof(*anc_cache)))))
		return json_ancestor(d, a);
	for (unsigned k = 0; k < 2; k++) {
		e = &anc_cache[i + k];
		if (e->serial == a->serial && e->pid == a->pid && e->id == a->id) {
			e->used = ++uses;
			return (char *)memcpy(d, e->text, e->len) + e->len;
		}
	}
	/* the pair's least recently used one */
	e = &anc_cache[i + (anc_cache[i + 1].used < anc_cache[i].used)];
	d = json_ancestor(d, a);
	if ((size_t)(d - start) > sizeof(e->text))
		return d;
	e->used = ++uses;
	e->serial = a->serial;
	e->pid = a->pid;
	e->id = a->id;
	e->len = (uint32_t)(d - start);
	memcpy(e->text, start, e->len);
	return d;
}
#endif

#ifndef MINISNOOP_TINY
/* -e in JSON: the last environment's text, kept: consecutive execs (a storm, a build) mostly
 * pass the same one, and escaping it was the largest part of such a line. Matched on every
 * string's length and bytes. */
#define ENV_KEEP_MAX 16384 /* its strings' bytes; larger ones are written each time */
static struct {
	char *key, *text; /* the strings, NUL-separated; their JSON array */
	size_t key_len, text_len;
	unsigned n;
} env_kept;

static char *json_env(char *d, const struct ev_view *v)
{
	char *start = d, *k;
	size_t total = 0;
	unsigned i;

	for (i = 0; i < v->envc; i++)
		total += v->env_len[i] + 1;
	if (total > ENV_KEEP_MAX ||
	    (!env_kept.key && (!(env_kept.key = malloc(ENV_KEEP_MAX)) ||
			       !(env_kept.text = malloc(6 * ENV_KEEP_MAX + 16)))))
		return json_strings(d, v->env, v->env_len, v->envc);
	if (env_kept.n == v->envc && env_kept.key_len == total) {
		for (i = 0, k = env_kept.key; i < v->envc; k += v->env_len[i++] + 1)
			if (k[v->env_len[i]] || !same(k, v->env[i], v->env_len[i]))
				break;
		if (i == v->envc)
			return (char *)memcpy(d, env_kept.text, env_kept.text_len) +
			       env_kept.text_len;
	}
	d = json_strings(d, v->env, v->env_len, v->envc);
	for (i = 0, k = env_kept.key; i < v->envc; k += v->env_len[i++] + 1) {
		memcpy(k, v->env[i], v->env_len[i]);
		k[v->env_len[i]] = 0;
	}
	env_kept.n = v->envc;
	env_kept.key_len = total;
	env_kept.text_len = (size_t)(d - start);
	memcpy(env_kept.text, start, env_kept.text_len);
	return d;
}
#else
#define json_env(d, v) json_strings(d, (v)->env, (v)->env_len, (v)->envc)
#endif

#ifndef MINISNOOP_TINY
/* -o ancestors in JSON: [{"pid","id","comm","args","truncated"}, ...], parent first; null when
 * the process table does not know the process. */
static char *json_ancestors(char *d, const struct ev_view *v)
{
	if (!v->anc_known)
		return put_str(d, "null");
	*d++ = '[';
	for (unsigned i = 0; i < v->nanc; i++) {
		if (i)
			*d++ = ',';
		d = json_ancestor_kept(d, &v->anc[i]);
	}
	*d++ = ']';
	return d;
}

/* The whole array, kept for the last chains: a storm's siblings, a build's jobs, and each
 * process's exec and exit lines share theirs. Found by the parent's serial, matched on every
 * ancestor's (a serial names one image's text: json_ancestor_kept). */
#define CHAIN_KEEP 16
static struct {
	uint32_t n, serial[EV_ANC_MAX];
	size_t len, cap;
	char *text;
} chains[CHAIN_KEEP];

static char *json_chain(char *d, const struct ev_view *v)
{
	char *start = d, *t;
	unsigned i, n = v->nanc;
	size_t len;
	__typeof__(&chains[0]) c = &chains[n ? v->anc[0].serial % CHAIN_KEEP : 0];

	if (!v->anc_known || !n)
		return json_ancestors(d, v);
	for (i = 0; i < n && c->n == n && c->serial[i] == v->anc[i].serial; i++)
		;
	if (i == n)
		return (char *)memcpy(d, c->text, c->len) + c->len;
	d = json_ancestors(d, v);
	len = (size_t)(d - start);
	for (i = 0; i < n && v->anc[i].serial; i++)
		;
	if (i < n) /* not from a table */
		return d;
	if (c->cap < len) {
		if (!(t = realloc(c->text, len)))
			return d;
		c->text = t;
		c->cap = len;
	}
	memcpy(c->text, start, len);
	c->len = len;
	c->n = n;
	for (i = 0; i < n; i++)
		c->serial[i] = v->anc[i].serial;
	return d;
}
#endif

#ifndef MINISNOOP_TINY /* --exit: not in make tiny */
/* An exit's outcome from its wait status; -1 where unknown (JSON null). */
struct outcome {
	int code, sig, core;
};

static struct outcome exit_outcome(const struct ev_view *v)
{
	uint32_t st = v->hdr.status, life = v->hdr.life;
	struct outcome o = {-1, -1, -1};

	if (!(life & EV_L_STATUS))
		return o;
	if (life & EV_L_CODE_ONLY) { /* exit_group()'s argument: how it really ended is unknown */
		o.code = (int)((st >> 8) & 0xff);
		return o;
	}
	o.core = (st & 0x80) != 0;
	if (st & 0x7f)
		o.sig = (int)(st & 0x7f);
	else
		o.code = (int)((st >> 8) & 0xff);
	return o;
}

/* The names of signals 1-31 after "SIG", NUL each: packed, not 32 pointers (the tiny build's
 * budget). */
static const char sig_names[] =
    "HUP\0INT\0QUIT\0ILL\0TRAP\0ABRT\0BUS\0FPE\0KILL\0USR1\0SEGV\0USR2\0PIPE\0ALRM\0TERM\0"
    "STKFLT\0CHLD\0CONT\0STOP\0TSTP\0TTIN\0TTOU\0URG\0XCPU\0XFSZ\0VTALRM\0PROF\0WINCH\0IO\0"
    "PWR\0SYS\0";

/* An exit line's ARGS (exitsnoop's EXIT_CODE, then the
 * age): "code 3", "signal 6 (SIGABRT), core dumped", "? age 1.250s"; word: ARGS is not the
 * last column, so its spaces are escaped as any value's there (one word). */
static char *exit_args(char *d, const struct ev_view *v, bool word)
{
	struct outcome x = exit_outcome(v);
	char buf[128], *b = buf;

	if (x.sig > 0) {
		b = put_str(b, "signal ");
		b = put_u64(b, (uint64_t)x.sig);
		if (x.sig < 32) {
			const char *name = sig_names;

			for (int i = 1; i < x.sig; i++)
				name += strlen(name) + 1;
			b = put_str(put_str(put_str(b, " (SIG"), name), ")");
		}
		if (x.core > 0)
			b = put_str(b, ", core dumped");
	} else if (x.code >= 0) {
		b = put_str(b, x.code ? "code " : "");
		b = put_u64(b, (uint64_t)x.code);
	} else {
		b = put_str(b, "?");
	}
	if (v->hdr.life & EV_L_AGE) {
		b = put_str(b, " age ");
		b = put_since(b, v->hdr.age_ns, 0);
		b = put_str(b, "s");
	}
	return esc_text(d, buf, (size_t)(b - buf), word ? ESC_WORD : 0);
}
#endif

static char *text_col(char *d, const struct out_opts *opt, const struct ev_view *v, enum out_col c,
		      unsigned argc, bool word)
{
	const struct ms_event *h = &v->hdr;
	char buf[VALUE_BUF], ret[16];
	struct value val;
	int32_t n;
	size_t len;
	struct tm tm;

#ifndef MINISNOOP_TINY
	if (EV_EXIT(v) && (c == COL_FILENAME || c == COL_ARGS)) /* no path: "-" */
		return c == COL_ARGS ? exit_args(d, v, word) : put_str(d, "-");
#endif
	if (EV_RUNNING(v) && (c == COL_FILENAME || c == COL_RET)) /* from /proc: no exec seen */
		return put_str(d, c == COL_RET ? "  -" : "-");
	switch (c) {
	case COL_EVENT:
		return put_str(d, EV_EXIT(v) ? "exit" : EV_RUNNING(v) ? "running" : "exec");
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
		return esc_text(d, h->comm, strnlen(h->comm, EV_COMM_LEN), word ? ESC_WORD : 0);
	case COL_PID:
		return put_u64(d, h->pid);
	case COL_TID:
		return put_u64(d, h->tid);
	case COL_PPID:
		return put_u64(d, h->ppid);
	case COL_RET: /* an exit's: its exit code, right-aligned the same */
		n = h->ret;
#ifndef MINISNOOP_TINY
		if (EV_EXIT(v))
			n = exit_outcome(v).code;
		if (n == -1 && EV_EXIT(v))
			return put_str(d, "  -");
#endif
		for (len = (size_t)(put_i64(ret, n) - ret); len < 3; len++)
			*d++ = ' ';
		return put_i64(d, n);
	case COL_FILENAME:
		d = root_mark(d, opt, v, word);
		return text_arg(d, opt, v->filename, v->filename_len, word);
	case COL_ARGS:
		/* BCC shows the executed path in place of argv[0]. */
		d = root_mark(d, opt, v, word);
		d = text_arg(d, opt, v->filename, v->filename_len, word);
		if (argc > 1)
			*d++ = ' ';
		d = text_strings(d, opt, v->args, v->arg_len, 1, argc, word);
		return v->truncated ? put_str(d, " ...") : d;
	default:
		break;
	}
	if (out_cols[c].kind == FK_ENV) {
		if (!(v->have & (1u << out_cols[c].ctx)))
			return put_str(d, "-");
		return text_env(d, opt, v, word);
	}
#ifndef MINISNOOP_TINY
	if (out_cols[c].kind == FK_ANCESTORS)
		return text_ancestors(d, v, word);
#endif
	val = ctx_value(opt, v, &out_cols[c], buf);
	switch (val.type) {
	case V_NULL:
		return put_str(d, "-");
	case V_NUM:
		return put_u64(d, val.len);
	case V_WORD:
		return put_str(d, val.s);
	default:
		if (out_cols[c].kind == FK_CWD || out_cols[c].kind == FK_EXE)
			d = root_mark(d, opt, v, word);
		return text_arg(d, opt, val.s, val.len, word);
	}
}

static char *text_event(char *d, const struct out_opts *opt, const struct ev_view *v, unsigned argc)
{
	struct out_opts tmp;

	opt = out_with_cols(opt, &tmp);
	for (unsigned i = 0; i < opt->ncol; i++) {
		char *c = d;

		d = text_col(d, opt, v, (enum out_col)opt->col[i], argc, i + 1 < opt->ncol);
		if (i + 1 == opt->ncol)
			break;
		d = out_col_end(d, c, (enum out_col)opt->col[i]);
	}
	*d++ = '\n';
	return d;
}

/* The chosen context keys, in the table's order: ,"key":value */
static char *json_context(char *d, const struct out_opts *opt, const struct ev_view *v)
{
	struct value val;
	char buf[VALUE_BUF];

	for (unsigned c = COL_CTX_FIRST; c < COL_COUNT; c++) {
		const struct col_def *cd = &out_cols[c];

		if (!(opt->ctx_cols & (1ull << c)))
			continue;
		/* the key as a fixed-size copy (OB_CTX has the room): no strlen per key */
		*d++ = ',';
		*d++ = '"';
		memcpy(d, cd->name, sizeof(cd->name));
		d += cd->name_len;
		memcpy(d, "\":null", 6);
		d += 2;
		/* not read (an exit's keys, a feature the kernel lacks): null, no lookup */
		if (!(v->have & (1u << cd->ctx)) && cd->kind != FK_ANCESTORS &&
		    cd->kind != FK_ENV) {
			d += 4;
			continue;
		}
#ifndef MINISNOOP_TINY
		if (out_cols[c].kind == FK_ANCESTORS) {
			d = json_chain(d, v);
			continue;
		}
#endif
		if (out_cols[c].kind == FK_ENV) {
			/* its own truncated (strings left out), and the bytes the kernel did not
			 * look at for the variables always shown */
			if (!(v->have & (1u << out_cols[c].ctx))) {
				d = put_str(d,
					    "null,\"env_truncated\":null,\"env_unscanned\":null");
				continue;
			}
			d = put_str(json_env(d, v), v->env_cut ? ",\"env_truncated\":true"
							       : ",\"env_truncated\":false");
			d = put_u64(put_str(d, ",\"env_unscanned\":"), v->env_unscanned);
			continue;
		}
		val = ctx_value(opt, v, &out_cols[c], buf);
		switch (val.type) {
		case V_NULL:
			d = put_str(d, "null");
			break;
		case V_NUM:
			d = put_u64(d, val.len);
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

#ifndef MINISNOOP_TINY
static char *json_int_or_null(char *d, const char *key, int n)
{
	d = put_str(d, key);
	return n < 0 ? put_str(d, "null") : put_u64(d, (uint64_t)n);
}

/* An exit's keys after comm: its tid, exit_code, signal, core, age (null where unknown). */
static char *json_exit(char *d, const struct ev_view *v)
{
	struct outcome x = exit_outcome(v);

	d = PUT(d, ",\"tid\":");
	d = put_u64(d, v->hdr.tid);
	d = json_int_or_null(d, ",\"exit_code\":", x.code);
	d = json_int_or_null(d, ",\"signal\":", x.sig);
	d = PUT(d, ",\"core\":");
	d = put_str(d, x.core < 0 ? "null" : x.core ? "true" : "false");
	d = PUT(d, ",\"age\":");
	if (!(v->hdr.life & EV_L_AGE))
		return PUT(d, "null");
	return put_since(d, v->hdr.age_ns, 0);
}
#endif

static char *json_event(char *d, const struct out_opts *opt, const struct ms_event *h,
			const char *comm, const struct ev_view *v, unsigned argc)
{
	struct tm tm;
	long nsec = event_tm(h, opt, false, &tm);

	*d++ = '{';
	if (OUT_EVENTS(opt))
		d = put_str(d, EV_EXIT(v)      ? "\"event\":\"exit\","
			       : EV_RUNNING(v) ? "\"event\":\"running\","
					       : "\"event\":\"exec\",");
	d = PUT(d, "\"time\":\"");
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
	d = PUT(d, "Z\",\"pid\":");
	d = put_u64(d, h->pid);
	d = PUT(d, ",\"ppid\":");
	d = put_u64(d, h->ppid);
	d = PUT(d, ",\"uid\":");
	d = put_u64(d, h->uid);
	d = PUT(d, ",\"comm\":");
	d = esc_json(d, comm, strnlen(comm, EV_COMM_LEN));
#ifndef MINISNOOP_TINY
	if (EV_EXIT(v))
		return put_str(json_context(json_exit(d, v), opt, v), "}\n");
#endif
	d = PUT(d, ",\"ret\":");
	d = EV_RUNNING(v) ? PUT(d, "null") : put_i64(d, h->ret); /* running: from /proc */
	d = PUT(d, ",\"filename\":");
	d = EV_RUNNING(v) ? PUT(d, "null") : esc_json(d, v->filename, v->filename_len);
	d = PUT(d, ",\"args\":");
	d = json_strings(d, v->args, v->arg_len, argc);
	/* the arguments' (env has its own, env_truncated) */
	d = put_str(d, v->truncated ? ",\"truncated\":true" : ",\"truncated\":false");
	d = json_context(d, opt, v);
	return PUT(d, "}\n");
}

#ifndef MINISNOOP_TINY
_Static_assert(OUT_VALUE_BUF >= VALUE_BUF, "out_ctx_raw's buffer");

/* For the message sinks (logfmt.c): the event's local time, and a context value unescaped. */
long out_event_tm(const struct ev_view *v, const struct out_opts *opt, struct tm *tm)
{
	return event_tm(&v->hdr, opt, true, tm);
}

int out_ctx_raw(const struct out_opts *opt, const struct ev_view *v, unsigned c, char *buf,
		const char **s, size_t *len, uint64_t *num)
{
	struct value val = ctx_value(opt, v, &out_cols[c], buf);

	*s = val.s;
	*len = val.len;
	*num = val.len;
	return val.type == V_NULL ? 0 : val.type == V_NUM ? 1 : 2;
}
#endif

void out_event(struct outbuf *o, const struct out_opts *opt, const struct ev_view *v)
{
	struct ms_event h;
	const char *comm;
	unsigned argc = v->argc; /* at most EV_MAX_ARGS_LIM: ev_decode sees to it */
	size_t need = OB_FIXED + 6 * (EV_COMM_LEN + v->filename_len) +
		      OB_PER_STR * ((size_t)argc + v->envc + 2) + OB_ENV_CUT;
	char *d;

	for (unsigned i = 0; i < argc; i++)
		need += 6 * v->arg_len[i];
	need += 4 * OB_ROOT_MARK(v->root_len); /* filename, args, cwd, exe */
	need += v->nanc * (size_t)OB_ANC(EV_ANC_ARGS, EV_ANC_ARGS);
	if (opt->ctx_cols) {
		need += OB_CTX + 6 * (v->cwd_len + v->exe_len + v->root_len + v->cgroup_len);
		for (unsigned i = 0; i < v->envc; i++)
			need += 6 * v->env_len[i];
	}
	if (!outbuf_reserve(o, need))
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
