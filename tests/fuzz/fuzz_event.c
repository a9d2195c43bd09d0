// SPDX-License-Identifier: MIT
/*
 * An exec record from the kernel, decoded (src/event.c), filtered (src/filter.c) and written
 * as text and as JSON (src/columns.c, src/output.c, src/escape.c). Input: max_args byte,
 * option bits byte, the clock offset and start time (8 bytes each, host order), then the
 * record. The option byte's low four bits are -q -T -t -U; its high four pick the columns
 * (modes[] below: -o specs, -e).
 *
 * What minisnoop.8 promises is checked on every output: the text lines have no raw control byte,
 * no bidi control or invisible character and only valid UTF-8; the JSON line is one valid
 * JSON object whose strings give back exactly the record's bytes (surrogateescape), with the
 * header's numbers, the truncated flag, then each chosen context key in the table's order
 * with its value or null. The decoded view is checked against a model of the record written
 * here: which context decoded (have), the joined cwd/exe paths, the environment strings.
 *
 * Lifecycle (issue 17): the start time's low bit turns --exit's output on (the EVENT column,
 * JSON's event key and ids); a record with EV_F_EXIT is an exit, checked against a model of
 * its outcome (exit_code, signal, core, age) and of the ids (FNV-1a of "TGID:TICKS:ARG_START").
 * The same bytes as a fork record (ev_decode_fork, -o ancestors): one shape or the other.
 */
#include "fuzz.h"

#include "cgroup.h"
#include "container.h"
#include "escape.h"
#include "event.h"
#include "filter.h"
#include "output.h"

#include <errno.h>
#include <inttypes.h>

#define PRE 18 /* bytes before the record */

/*
 * Known, reported: when the context blocks do not fit the text (cwd_len + exe_len + env_len >
 * text_len, or a path block over EV_PATH_MAX), decode_context returns before it sets
 * v->cwd_len and v->exe_len, and out_event sizes its buffer with them whatever have says:
 * with the caller's garbage there, the event is dropped (outbuf_reserve fails) or the buffer
 * grows to the garbage's size. While this is 1, such a view gets empty paths before it is
 * checked and written; set it to 0 (or build with -DKNOWN_UNSET_PATHS=0) once event.c sets
 * them on that path, and the checks below hold for every view.
 */
#ifndef KNOWN_UNSET_PATHS
#define KNOWN_UNSET_PATHS 0
#endif

#define C(x) (1u << COL_##x)
#define CTX_ALL                                                                                    \
	(C(ROOT) | C(CWD) | C(EXE) | C(FILELESS) | C(EUID) | C(GID) | C(EGID) | C(AUID) |          \
	 C(SESSION) | C(TTY) | C(PCOMM) | C(PIDNS) | C(MNTNS) | C(NSPID) | C(CGROUP) |             \
	 C(CONTAINER) | C(POD))

/* Columns from the option byte's high bits: out_columns(spec, env), and what it must give:
 * the context columns (JSON keys) and the number of text columns besides the default ones
 * and ARGS (plus). */
static const struct mode {
	bool call; /* false: out_columns not called, as before -o existed */
	const char *spec;
	bool env;
	uint32_t want;
	bool plus; /* the default columns first, ARGS last */
	unsigned ncol;
} modes[16] = {
    {false, NULL, false, 0, true, 0},
    {true, NULL, false, 0, true, 0},
    {true, NULL, true, C(ENV), true, 1},
    {true, "all", false, CTX_ALL, true, 17},
    {true, "all", true, CTX_ALL | C(ENV), true, 18},
    {true, "+cwd,exe,tty", false, C(CWD) | C(EXE) | C(TTY), true, 3},
    {true, "+cwd,exe,tty", true, C(CWD) | C(EXE) | C(TTY) | C(ENV), true, 4},
    {true, "pid,env,cwd,pcomm", false, C(ENV) | C(CWD) | C(PCOMM), false, 4},
    {true, "pid,env,cwd,pcomm", true, C(ENV) | C(CWD) | C(PCOMM), false, 4},
    {true,
     "time,elapsed,uid,comm,pid,tid,ppid,ret,filename,args,root,cwd,exe,fileless,euid,gid,"
     "egid,auid,session,tty,pcomm,pidns,mntns,nspid,cgroup,container,pod,env",
     false, CTX_ALL | C(ENV), false, 28},
    /* the context keys backwards: JSON still writes them in the table's order */
    {true,
     "env,pod,container,cgroup,nspid,mntns,pidns,pcomm,tty,session,auid,egid,gid,euid,fileless,"
     "exe,cwd,root,args",
     false, CTX_ALL | C(ENV), false, 19},
    {true, "fileless,auid,session,tty,cgroup,comm", false,
     C(FILELESS) | C(AUID) | C(SESSION) | C(TTY) | C(CGROUP), false, 6},
    {true, "+all,cwd,cwd", true, CTX_ALL | C(ENV), true, 18},
    {true, "cwd", false, C(CWD), false, 1}, /* one column: the text line is checked exactly */
    {true, "exe,euid,gid,egid,pidns,mntns,nspid", true,
     C(EXE) | C(EUID) | C(GID) | C(EGID) | C(PIDNS) | C(MNTNS) | C(NSPID) | C(ENV), false, 8},
    {true, "args,filename,tid,time,elapsed,uid", false, 0, false, 6},
};

/* The CTX_* bit each context column needs, as include/fields.h says (COL_CWD on). */
static const uint8_t col_ctx[COL_COUNT] = {
    [COL_ROOT] = CTX_ROOT,    [COL_CWD] = CTX_CWD,	    [COL_EXE] = CTX_EXE,
    [COL_FILELESS] = CTX_EXE, [COL_EUID] = CTX_CREDS,	    [COL_GID] = CTX_GID,
    [COL_EGID] = CTX_CREDS,   [COL_AUID] = CTX_LOGIN,	    [COL_SESSION] = CTX_LOGIN,
    [COL_TTY] = CTX_TTY,      [COL_PCOMM] = CTX_PCOMM,	    [COL_PIDNS] = CTX_PIDNS,
    [COL_MNTNS] = CTX_MNTNS,  [COL_NSPID] = CTX_PIDNS,	    [COL_CGROUP] = CTX_CGROUP,
    [COL_ENV] = CTX_ENV,      [COL_CONTAINER] = CTX_CGROUP, [COL_POD] = CTX_CGROUP,
    [COL_ID] = CTX_IDS,	      [COL_PARENT_ID] = CTX_IDS,
};

static struct filter filt;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	container_v1 = false; /* container and pod from the record alone, not this host */
	/* -T formats local time: the same for every run, whatever the machine's zone. */
	setenv("TZ", "UTC0", 1);
	FUZZ_CHECK(!filter_set(&filt, FILTER_NAME, "^(ba|da)?sh$|[[:cntrl:]]", err, sizeof(err)));
	FUZZ_CHECK(!filter_set(&filt, FILTER_LINE, "\\<-c\\>|x{2,3}y?$|\\xff", err, sizeof(err)));
	return 0;
}

/* Length of the valid UTF-8 sequence at s, not a C1 control; 0 when there is none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07u;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	/* Overlong forms, UTF-16 surrogates, past U+10FFFF, C1 controls */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return len;
}

/* Code point of the valid sequence of len bytes at s. */
static uint32_t utf8_cp(const unsigned char *s, size_t len)
{
	uint32_t cp = len == 1 ? s[0] : s[0] & (0x7fu >> len);

	for (size_t i = 1; i < len; i++)
		cp = cp << 6 | (s[i] & 0x3fu);
	return cp;
}

/* A text line: printable, valid UTF-8, nothing a viewer hides (escape.h), one newline at its
 * end. */
static void check_text(const char *line, size_t n)
{
	const unsigned char *s = (const unsigned char *)line;
	uint32_t cp;

	FUZZ_CHECK(n > 0 && s[n - 1] == '\n');
	for (size_t i = 0, k; i < n - 1; i += k) {
		FUZZ_CHECK(s[i] >= 0x20 && s[i] != 0x7f);
		k = utf8_len(s + i, n - 1 - i);
		FUZZ_CHECK(k);
		cp = utf8_cp(s + i, k);
		/* but the root mark's brackets: raw only in a mark (check_mark) */
		FUZZ_CHECK(!esc_hidden(cp) || cp == 0x27e6 || cp == 0x27e7);
	}
}

/* n lowercase hex digits, as text output writes them */
static unsigned text_hex(const unsigned char *s, int n)
{
	unsigned v = 0;

	for (int i = 0; i < n; i++) {
		FUZZ_CHECK((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'));
		v = v * 16 + (unsigned)(s[i] <= '9' ? s[i] - '0' : s[i] - 'a' + 10);
	}
	return v;
}

/* A text value written by itself (-o cwd): the escapes undone give back exactly want, in
 * quotes with -q; "-" when there is no value. */
static void check_text_value(const char *line, size_t n, bool quote, const char *want,
			     size_t want_len, unsigned char *scratch)
{
	const unsigned char *s = (const unsigned char *)line, *end = s + n - 1;
	size_t len = 0;

	FUZZ_CHECK(n > 0 && line[n - 1] == '\n');
	if (!want) {
		FUZZ_CHECK(n == 2 && line[0] == '-');
		return;
	}
	if (quote) {
		FUZZ_CHECK(n >= 3 && s[0] == '"' && end[-1] == '"');
		s++;
		end--;
	}
	while (s < end) {
		if (*s != '\\') {
			FUZZ_CHECK(!quote || *s != '"'); /* -q: a quote inside is escaped */
			/* a bracket of the root mark is never raw in a value */
			FUZZ_CHECK(end - s < 3 || s[0] != 0xe2 || s[1] != 0x9f ||
				   (s[2] != 0xa6 && s[2] != 0xa7));
			scratch[len++] = *s++;
			continue;
		}
		FUZZ_CHECK(end - s >= 2);
		switch (s[1]) {
		case '\\':
		case '"':
			FUZZ_CHECK(s[1] == '\\' || quote);
			scratch[len++] = s[1];
			s += 2;
			break;
		case 'n':
			scratch[len++] = '\n';
			s += 2;
			break;
		case 't':
			scratch[len++] = '\t';
			s += 2;
			break;
		case 'r':
			scratch[len++] = '\r';
			s += 2;
			break;
		case 'x':
			FUZZ_CHECK(end - s >= 4);
			scratch[len++] = (unsigned char)text_hex(s + 2, 2);
			s += 4;
			break;
		case 'u':
		case 'U': {
			int nd = s[1] == 'u' ? 4 : 8;
			uint32_t cp;
			unsigned char *d = scratch + len;

			FUZZ_CHECK(end - s >= 2 + nd);
			cp = text_hex(s + 2, nd);
			/* only these are written as \uXXXX, \UXXXXXXXX past U+FFFF */
			FUZZ_CHECK(esc_hidden(cp) || esc_mark(cp));
			FUZZ_CHECK((cp > 0xffff) == (nd == 8) && cp <= 0x10ffff);
			if (cp < 0x800) {
				*d++ = (unsigned char)(0xc0 | cp >> 6);
			} else if (cp < 0x10000) {
				*d++ = (unsigned char)(0xe0 | cp >> 12);
				*d++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
			} else {
				*d++ = (unsigned char)(0xf0 | cp >> 18);
				*d++ = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
				*d++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
			}
			*d++ = (unsigned char)(0x80 | (cp & 0x3f));
			len = (size_t)(d - scratch);
			s += 2 + nd;
			break;
		}
		default:
			FUZZ_CHECK(!"bad text escape");
		}
	}
	FUZZ_CHECK(len == want_len && !memcmp(scratch, want, len));
}

/* A tiny JSON reader: enough to check minisnoop's lines strictly. */
struct js {
	const unsigned char *p, *end;
	unsigned char *str; /* the last string read, decoded to bytes */
	size_t str_len;
};

static int js_peek(struct js *j)
{
	return j->p < j->end ? *j->p : -1;
}

static void js_expect(struct js *j, char c)
{
	FUZZ_CHECK(js_peek(j) == (unsigned char)c);
	j->p++;
}

static unsigned js_hex4(struct js *j)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		int c = js_peek(j);

		FUZZ_CHECK((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			   (c >= 'A' && c <= 'F'));
		v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 32) - 'a' + 10);
		j->p++;
	}
	return v;
}

static void js_put_utf8(struct js *j, uint32_t cp)
{
	unsigned char *d = j->str + j->str_len;

	if (cp < 0x80) {
		*d++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*d++ = (unsigned char)(0xc0 | cp >> 6);
		*d++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*d++ = (unsigned char)(0xe0 | cp >> 12);
		*d++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		*d++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		*d++ = (unsigned char)(0xf0 | cp >> 18);
		*d++ = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		*d++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		*d++ = (unsigned char)(0x80 | (cp & 0x3f));
	}
	j->str_len = (size_t)(d - j->str);
}

/* A string into j->str: UTF-8 kept, escapes decoded, \udc80..\udcff back to raw bytes. */
static void js_string(struct js *j)
{
	j->str_len = 0;
	js_expect(j, '"');
	for (;;) {
		int c = js_peek(j);
		size_t k;

		FUZZ_CHECK(c >= 0x20 && c != 0x7f); /* raw controls are not JSON (DEL: not ours) */
		if (c == '"') {
			j->p++;
			return;
		}
		if (c != '\\') {
			k = utf8_len(j->p, (size_t)(j->end - j->p));
			FUZZ_CHECK(k);
			memcpy(j->str + j->str_len, j->p, k);
			j->str_len += k;
			j->p += k;
			continue;
		}
		j->p++;
		c = js_peek(j);
		j->p++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			j->str[j->str_len++] = (unsigned char)c;
			break;
		case 'b':
			j->str[j->str_len++] = '\b';
			break;
		case 'f':
			j->str[j->str_len++] = '\f';
			break;
		case 'n':
			j->str[j->str_len++] = '\n';
			break;
		case 'r':
			j->str[j->str_len++] = '\r';
			break;
		case 't':
			j->str[j->str_len++] = '\t';
			break;
		case 'u': {
			unsigned cp = js_hex4(j);

			if (cp >= 0xdc80 && cp <= 0xdcff) {
				j->str[j->str_len++] = (unsigned char)(cp - 0xdc00);
			} else if (cp >= 0xd800 && cp <= 0xdbff) {
				unsigned lo;

				js_expect(j, '\\');
				js_expect(j, 'u');
				lo = js_hex4(j);
				FUZZ_CHECK(lo >= 0xdc00 && lo <= 0xdfff);
				js_put_utf8(j, 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00));
			} else {
				/* Other lone surrogates would lose bytes */
				FUZZ_CHECK(cp < 0xd800 || cp > 0xdfff);
				js_put_utf8(j, cp);
			}
			break;
		}
		default:
			FUZZ_CHECK(!"bad escape");
		}
	}
}

/* A number as JSON writes it; returns its text for comparison. */
static void js_number(struct js *j, char *buf, size_t n)
{
	const unsigned char *s = j->p;
	size_t len;

	if (js_peek(j) == '-')
		j->p++;
	FUZZ_CHECK(js_peek(j) >= '0' && js_peek(j) <= '9');
	if (js_peek(j) == '0')
		j->p++;
	else
		while (js_peek(j) >= '0' && js_peek(j) <= '9')
			j->p++;
	/* minisnoop writes integers only */
	len = (size_t)(j->p - s);
	FUZZ_CHECK(len < n);
	memcpy(buf, s, len);
	buf[len] = 0;
}

static void js_key(struct js *j, const char *key, int first)
{
	if (!first)
		js_expect(j, ',');
	js_string(j);
	FUZZ_CHECK(j->str_len == strlen(key) && !memcmp(j->str, key, j->str_len));
	js_expect(j, ':');
}

static void js_bytes(struct js *j, const char *key, const char *want, size_t n)
{
	js_key(j, key, 0);
	js_string(j);
	FUZZ_CHECK(j->str_len == n && !memcmp(j->str, want, n));
}

static void js_num(struct js *j, const char *key, int64_t want)
{
	char got[32], exp[32];

	js_key(j, key, 0);
	js_number(j, got, sizeof(got));
	snprintf(exp, sizeof(exp), "%" PRId64, want);
	FUZZ_CHECK(!strcmp(got, exp));
}

static void js_word(struct js *j, const char *w)
{
	while (*w)
		js_expect(j, *w++);
}

/* ["a","b"] with exactly these strings */
static void js_strings(struct js *j, const char *const *str, const size_t *len, unsigned n)
{
	js_expect(j, '[');
	for (unsigned i = 0; i < n; i++) {
		if (i)
			js_expect(j, ',');
		js_string(j);
		FUZZ_CHECK(j->str_len == len[i] && !memcmp(j->str, str[i], j->str_len));
	}
	js_expect(j, ']');
}

/* A string value, or null when want is NULL. */
static void js_str_or_null(struct js *j, const char *want, size_t n)
{
	if (!want) {
		js_word(j, "null");
		return;
	}
	js_string(j);
	FUZZ_CHECK(j->str_len == n && !memcmp(j->str, want, n));
}

/* A number value, or null. */
static void js_num_or_null(struct js *j, bool have, uint32_t want)
{
	char got[32], exp[32];

	if (!have) {
		js_word(j, "null");
		return;
	}
	js_number(j, got, sizeof(got));
	snprintf(exp, sizeof(exp), "%" PRIu32, want);
	FUZZ_CHECK(!strcmp(got, exp));
}

/* An image id as minisnoop.8 says, written independently of src/event.c. */
static void model_id(uint32_t pid, uint64_t start_ns, uint64_t arg_start, char out[20])
{
	char text[80];
	uint64_t h = 0xcbf29ce484222325ull;

	snprintf(text, sizeof(text), "%" PRIu32 ":%" PRIu64 ":%" PRIu64, pid, start_ns / 10000000,
		 arg_start);
	for (const char *c = text; *c; c++)
		h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
	snprintf(out, 20, "%016" PRIx64, h);
}

/* The context keys chosen (cols), in the table's order, each with v's value or null. */
static void check_json_context(struct js *j, const struct ev_view *v, uint32_t cols, bool other_ns)
{
	const struct ms_event *h = &v->hdr;
	static const char *const names[COL_COUNT] = {
	    [COL_ROOT] = "root",
	    [COL_CWD] = "cwd",
	    [COL_EXE] = "exe",
	    [COL_FILELESS] = "fileless",
	    [COL_EUID] = "euid",
	    [COL_GID] = "gid",
	    [COL_EGID] = "egid",
	    [COL_AUID] = "auid",
	    [COL_SESSION] = "session",
	    [COL_TTY] = "tty",
	    [COL_PCOMM] = "pcomm",
	    [COL_PIDNS] = "pidns",
	    [COL_MNTNS] = "mntns",
	    [COL_NSPID] = "nspid",
	    [COL_CGROUP] = "cgroup",
	    [COL_ENV] = "env",
	    [COL_CONTAINER] = "container",
	    [COL_POD] = "pod",
	    [COL_ID] = "id",
	    [COL_PARENT_ID] = "parent_id",
	};
	char idbuf[20];
	char tty[40];
	size_t n;

	for (unsigned c = COL_CTX_FIRST; c < COL_COUNT; c++) {
		bool have;

		if (!(cols & (1u << c)))
			continue;
		js_key(j, names[c], 0);
		have = (v->have >> col_ctx[c]) & 1;
		switch (c) {
		case COL_ROOT: /* null: the tracer's own; "/": the top of another namespace's */
			if (have && v->root_len)
				js_str_or_null(j, v->root, v->root_len);
			else
				js_str_or_null(j, have && other_ns ? "/" : NULL, 1);
			break;
		case COL_CWD:
			js_str_or_null(j, have ? v->cwd : NULL, v->cwd_len);
			break;
		case COL_EXE:
			js_str_or_null(j, have ? v->exe : NULL, v->exe_len);
			break;
		case COL_FILELESS:
			js_word(j, !have			     ? "null"
				   : h->ctx_flags & EV_C_EXE_DELETED ? "true"
								     : "false");
			break;
		case COL_EUID:
			js_num_or_null(j, have, h->euid);
			break;
		case COL_GID:
			js_num_or_null(j, have, h->gid);
			break;
		case COL_EGID:
			js_num_or_null(j, have, h->egid);
			break;
		case COL_AUID: /* 4294967295: never set */
			js_num_or_null(j, have && h->auid != UINT32_MAX, h->auid);
			break;
		case COL_SESSION:
			js_num_or_null(j, have && h->session != UINT32_MAX, h->session);
			break;
		case COL_TTY:
			/* "" is none; "pts3" is /dev/pts/3 */
			n = strnlen(h->tty, sizeof(h->tty));
			if (n > 3 && !memcmp(h->tty, "pts", 3) && h->tty[3] >= '0' &&
			    h->tty[3] <= '9') {
				memcpy(tty, "pts/", 4);
				memcpy(tty + 4, h->tty + 3, n - 3);
				n++;
			} else {
				memcpy(tty, h->tty, n);
			}
			js_str_or_null(j, have && n ? tty : NULL, n);
			break;
		case COL_PCOMM:
			js_str_or_null(j, have ? h->pcomm : NULL, strnlen(h->pcomm, EV_COMM_LEN));
			break;
		case COL_PIDNS:
			js_num_or_null(j, have, h->pidns);
			break;
		case COL_MNTNS:
			js_num_or_null(j, have, h->mntns);
			break;
		case COL_NSPID:
			js_num_or_null(j, have, h->nspid);
			break;
		case COL_CGROUP: {
			const char *name;

			if (have && v->cgroup_path) { /* the kernel's block */
				js_str_or_null(j, v->cgroup, v->cgroup_len);
				break;
			}
			name = have ? cgroup_name(h->cgroup) : NULL;
			/* Only the root is known whatever is mounted. */
			FUZZ_CHECK(!have || h->cgroup != 1 || name);
			js_str_or_null(j, name, name ? strlen(name) : 0);
			break;
		}
		case COL_CONTAINER:
		case COL_POD: {
			/* from the path by container_of_path (tests/unit/test_container.c): the
			 * kernel's block when the record has it, else the id's name; the v1
			 * reading is off here (container_v1) */
			const char *name = have && !v->cgroup_path ? cgroup_name(h->cgroup) : NULL;
			char id[CONTAINER_ID_LEN + 1] = "", pod[POD_UID_LEN + 1] = "";
			const char *s;

			if (have && v->cgroup_path)
				container_of_path(v->cgroup, v->cgroup_len, id, pod);
			else if (name)
				container_of_path(name, strlen(name), id, pod);
			s = c == COL_POD ? pod : id;
			js_str_or_null(j, s[0] ? s : NULL, strlen(s));
			break;
		}
		case COL_ENV: /* and its own two keys */
			if (have)
				js_strings(j, v->env, v->env_len, v->envc);
			else
				js_word(j, "null");
			js_key(j, "env_truncated", 0);
			js_word(j, !have ? "null" : v->env_cut ? "true" : "false");
			if (have)
				js_num(j, "env_unscanned", v->env_unscanned);
			else {
				js_key(j, "env_unscanned", 0);
				js_word(j, "null");
			}
			break;
		case COL_ID:
			model_id(h->pid, h->start_ns, h->arg_start, idbuf);
			js_str_or_null(j, have ? idbuf : NULL, 16);
			break;
		case COL_PARENT_ID:
			model_id(h->ppid, h->pstart_ns, h->parg_start, idbuf);
			js_str_or_null(j, have && h->ppid && h->pstart_ns ? idbuf : NULL, 16);
			break;
		}
	}
}

/* The JSON line for v: exactly the keys minisnoop writes, in order, with v's values. */
/* An exit's keys after comm, from its wait status as wait(2) would decode it. */
static void check_json_exit(struct js *j, const struct ev_view *v)
{
	uint32_t st = v->hdr.status, life = v->hdr.life;
	bool known = life & EV_L_STATUS, only = life & EV_L_CODE_ONLY;
	bool signaled = known && !only && (st & 0x7f);
	char age[48];
	uint64_t ms;

	js_num(j, "tid", v->hdr.tid);
	js_key(j, "exit_code", 0);
	js_num_or_null(j, known && !signaled, (st >> 8) & 0xff);
	js_key(j, "signal", 0);
	js_num_or_null(j, signaled, st & 0x7f);
	js_key(j, "core", 0);
	js_word(j, !known || only ? "null" : st & 0x80 ? "true" : "false");
	js_key(j, "age", 0);
	if (!(life & EV_L_AGE)) {
		js_word(j, "null");
		return;
	}
	ms = v->hdr.age_ns / 1000000 + (v->hdr.age_ns % 1000000 >= 500000);
	snprintf(age, sizeof(age), "%" PRIu64 ".%03u", ms / 1000, (unsigned)(ms % 1000));
	js_word(j, age);
}

static void check_json(const char *line, size_t n, const struct ev_view *v, uint32_t cols,
		       bool events, bool other_ns, unsigned char *scratch)
{
	struct js j = {(const unsigned char *)line, (const unsigned char *)line + n, scratch, 0};
	static const char digits[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";

	FUZZ_CHECK(n > 0 && line[n - 1] == '\n' && !memchr(line, '\n', n - 1));
	j.end--;
	js_expect(&j, '{');
	if (events) {
		js_key(&j, "event", 1);
		js_word(&j, v->exit ? "\"exit\"" : "\"exec\"");
	}
	js_key(&j, "time", !events);
	js_string(&j);
	FUZZ_CHECK(j.str_len == sizeof(digits) - 1);
	for (size_t i = 0; i < j.str_len; i++)
		FUZZ_CHECK(digits[i] == 'd' ? j.str[i] >= '0' && j.str[i] <= '9'
					    : j.str[i] == digits[i]);
	js_num(&j, "pid", v->hdr.pid);
	js_num(&j, "ppid", v->hdr.ppid);
	js_num(&j, "uid", v->hdr.uid);
	js_bytes(&j, "comm", v->hdr.comm, strnlen(v->hdr.comm, EV_COMM_LEN));
	if (v->exit) {
		check_json_exit(&j, v);
		check_json_context(&j, v, cols, other_ns);
		js_expect(&j, '}');
		FUZZ_CHECK(j.p == j.end);
		return;
	}
	js_num(&j, "ret", v->hdr.ret);
	js_bytes(&j, "filename", v->filename, v->filename_len);
	js_key(&j, "args", 0);
	js_strings(&j, v->args, v->arg_len, v->argc);
	js_key(&j, "truncated", 0);
	/* the arguments' only: the environment has env_truncated */
	js_word(&j, v->truncated ? "true" : "false");
	check_json_context(&j, v, cols, other_ns);
	js_expect(&j, '}');
	FUZZ_CHECK(j.p == j.end);
}

/* Whether the record's context blocks fit its text; when not, none of them decodes. */
static bool blocks_fit(const void *rec)
{
	struct ms_event h;

	memcpy(&h, rec, sizeof(h));
	return (size_t)h.cwd_len + h.exe_len + h.env_len + h.root_len + h.cgroup_len <=
		   h.text_len &&
	       h.cwd_len <= EV_PATH_MAX && h.exe_len <= EV_PATH_MAX && h.root_len <= EV_PATH_MAX &&
	       h.cgroup_len <= EV_PATH_MAX;
}

/* A path block (names leaf first, NUL each) as minisnoop.8 shows it: "/" and the names root
 * first, "…" before a cut one, " (deleted)" after an unlinked one; bytes after the last NUL
 * are part of no name. */
static size_t model_path(const char *blk, size_t n, bool cut, bool deleted, char *out)
{
	static size_t start[EV_PATH_MAX];
	size_t k = 0, o = 0, at = 0;
	const char *nul;

	while (at < n && (nul = memchr(blk + at, 0, n - at))) {
		start[k++] = at;
		at = (size_t)(nul - blk) + 1;
	}
	if (cut) {
		memcpy(out, "\xe2\x80\xa6", 3);
		o = 3;
	} else if (!k) {
		out[o++] = '/';
	}
	while (k--) {
		size_t len = strlen(blk + start[k]);

		out[o++] = '/';
		memcpy(out + o, blk + start[k], len);
		o += len;
	}
	if (deleted) {
		memcpy(out + o, " (deleted)", 10);
		o += 10;
	}
	return o;
}

/* A joined path in the view: within its array, NUL at its end, the model's bytes. */
static void check_path(const char *got, size_t got_len, size_t room, const char *blk, size_t n,
		       bool cut, bool deleted)
{
	static char want[EV_PATH_MAX + 32];
	size_t len;

	FUZZ_CHECK(got_len < room && got[got_len] == 0);
	len = model_path(blk, n, cut, deleted, want);
	FUZZ_CHECK(len == got_len && !memcmp(got, want, len));
}

/*
 * The view against the record: where the text ends for the arguments, which context decoded,
 * the cwd and exe paths, the environment strings (inside the env block: the window's first
 * max_env strings and the variables always shown, then those of the scan's part always shown;
 * cut when any was left out, the block had bytes without a NUL, or the record says so).
 */
static void check_view(const void *rec, size_t size, unsigned max_env, const struct ev_view *v)
{
	struct ms_event h;
	const char *text = (const char *)rec + EV_HDR, *blk, *nul;
	size_t tlen, blocks, end, at, n, win;
	uint32_t unscanned;
	bool bad, cut;
	unsigned k, seen;

	memcpy(&h, rec, sizeof(h));
	FUZZ_CHECK(v->exit == ((h.flags & EV_F_EXIT) != 0));
	if (v->exit) { /* no strings, no context but the ids */
		FUZZ_CHECK(v->have == (h.have & CTXB(IDS)));
		FUZZ_CHECK(v->filename_len == 0 && v->argc == 0 && v->envc == 0 && !v->truncated);
		FUZZ_CHECK(v->cwd_len == 0 && v->exe_len == 0 && !v->cwd[0] && !v->exe[0]);
		FUZZ_CHECK(v->root_len == 0 && v->cgroup_len == 0 && !v->cgroup_path);
		return;
	}
	tlen = h.text_len;
	blocks = (size_t)h.cwd_len + h.exe_len + h.env_len + h.root_len + h.cgroup_len;
	bad = !blocks_fit(rec);
	end = bad ? tlen : tlen - blocks; /* the filename and arguments are before end */
	FUZZ_CHECK(EV_HDR + tlen <= size);

	FUZZ_CHECK(v->have ==
		   (bad ? h.have & ~(CTXB(CWD) | CTXB(EXE) | CTXB(ENV) | CTXB(ROOT)) : h.have));
	FUZZ_CHECK(!bad || v->truncated);
	FUZZ_CHECK(v->filename_len == 0 ||
		   (v->filename == text && v->filename_len < end && !text[v->filename_len]));
	for (unsigned i = 0; i < v->argc; i++)
		FUZZ_CHECK(v->args[i] >= text && v->args[i] + v->arg_len[i] < text + end);

	/* The paths: whatever decoded, the output layer sizes its buffer with both lengths. */
	FUZZ_CHECK(v->cwd_len < sizeof(v->cwd) && v->cwd[v->cwd_len] == 0);
	FUZZ_CHECK(v->exe_len < sizeof(v->exe) && v->exe[v->exe_len] == 0);
	FUZZ_CHECK(v->envc <= EV_ENV_VIEW_MAX && v->env_gap <= v->envc);
	for (unsigned i = 0; i < v->envc; i++)
		FUZZ_CHECK(v->env[i] >= text && v->env[i] + v->env_len[i] < text + tlen &&
			   !v->env[i][v->env_len[i]]);
	FUZZ_CHECK(v->root_len < sizeof(v->root) && v->root[v->root_len] == 0);
	FUZZ_CHECK(v->cgroup_len < sizeof(v->cgroup) && v->cgroup[v->cgroup_len] == 0);
	if (bad) {
		FUZZ_CHECK(v->envc == 0 && v->root_len == 0 && !v->cgroup_path);
		return;
	}
	blk = text + end;
	check_path(v->cwd, v->cwd_len, sizeof(v->cwd), blk, h.cwd_len, h.ctx_flags & EV_C_CWD_CUT,
		   h.ctx_flags & EV_C_CWD_DELETED);
	blk += h.cwd_len;
	check_path(v->exe, v->exe_len, sizeof(v->exe), blk, h.exe_len, h.ctx_flags & EV_C_EXE_CUT,
		   h.ctx_flags & EV_C_EXE_DELETED);
	blk += h.exe_len;
	n = h.env_len;
	win = n;
	unscanned = 0;
	if (h.ctx_flags & EV_C_ENV_SCAN) { /* the trailer: bytes not scanned, the window */
		const unsigned char *t = (const unsigned char *)blk + n - EV_ENV_TRAILER;

		win = n = n < EV_ENV_TRAILER ? 0 : n - EV_ENV_TRAILER;
		if (n) {
			unscanned = t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 |
				    (uint32_t)t[3] << 24;
			win = t[4] | (size_t)t[5] << 8;
		}
		if (win > n)
			win = n = 0;
	}
	FUZZ_CHECK(v->env_unscanned == unscanned);
	FUZZ_CHECK(v->env_stopped == !!(h.ctx_flags & EV_C_ENV_SCAN_CUT));
	cut = (h.ctx_flags & (EV_C_ENV_CUT | EV_C_ENV_SCAN | EV_C_ENV_SCAN_CUT)) != 0;
	for (at = 0, k = 0, seen = 0; at < n; seen++) {
		size_t part = at < win ? win : n, len;

		nul = memchr(blk + at, 0, part - at);
		if (!nul) { /* the rest of this part is left out */
			cut = true;
			if (part == n)
				break;
			at = win;
			continue;
		}
		len = (size_t)(nul - (blk + at));
		if (((at < win && seen < max_env) || env_always(blk + at, len)) &&
		    k < EV_ENV_VIEW_MAX) {
			FUZZ_CHECK(k < v->envc && v->env[k] == blk + at && v->env_len[k] == len);
			k++;
		} else {
			cut = true;
		}
		at = (size_t)(nul - blk) + 1;
	}
	FUZZ_CHECK(v->envc == k);
	FUZZ_CHECK(v->env_cut == cut);
	blk += h.env_len;
	/* root: nothing joined for an empty block (the top of the mount tree) */
	if (h.root_len || (h.ctx_flags & (EV_C_ROOT_CUT | EV_C_ROOT_DELETED)))
		check_path(v->root, v->root_len, sizeof(v->root), blk, h.root_len,
			   h.ctx_flags & EV_C_ROOT_CUT, h.ctx_flags & EV_C_ROOT_DELETED);
	else
		FUZZ_CHECK(v->root_len == 0);
	blk += h.root_len;
	FUZZ_CHECK(v->cgroup_path == !!(h.ctx_flags & EV_C_CGROUP_PATH));
	if (v->cgroup_path)
		check_path(v->cgroup, v->cgroup_len, sizeof(v->cgroup), blk, h.cgroup_len,
			   h.ctx_flags & EV_C_CGROUP_CUT, false);
}

/* A path's text value starts with the root mark exactly when the process's root is not the
 * tracer's: "⟦" ["mnt:N:"] the escaped root (or "/") "⟧", outside -q's quotes (so its '"' and
 * spaces are escaped then); returns the bytes it takes. */
static size_t check_mark(const char *line, size_t n, const struct ev_view *v, bool other_ns,
			 bool quote, unsigned char *scratch)
{
	bool chroot = (v->have & CTXB(ROOT)) && v->root_len;
	const char *close, *at = line;
	char pfx[40], *tmp;
	size_t len;

	if (!chroot && !other_ns) {
		FUZZ_CHECK(n < 3 || memcmp(line, "\xe2\x9f\xa6", 3));
		return 0;
	}
	FUZZ_CHECK(n >= 6 && !memcmp(line, "\xe2\x9f\xa6", 3));
	at += 3;
	if (other_ns) {
		len = (size_t)snprintf(pfx, sizeof(pfx), "mnt:%" PRIu32 ":", v->hdr.mntns);
		FUZZ_CHECK(!memcmp(at, pfx, len));
		at += len;
	}
	close = memmem(at, n - (size_t)(at - line), "\xe2\x9f\xa7", 3);
	FUZZ_CHECK(close);
	/* what is inside is the root, escaped as any text value */
	len = (size_t)(close - at);
	tmp = malloc(len + 3);
	FUZZ_CHECK(tmp);
	tmp[0] = '"';
	memcpy(tmp + quote, at, len);
	if (quote) {
		FUZZ_CHECK(!memchr(at, ' ', len));
		tmp[1 + len] = '"';
	}
	tmp[len + 2 * quote] = '\n';
	check_text_value(tmp, len + 1 + 2 * quote, quote, chroot ? v->root : "/",
			 chroot ? v->root_len : 1, scratch);
	free(tmp);
	return (size_t)(close + 3 - line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ev_view v; /* 31 KB: not on the stack */
	struct out_opts opt = {0};
	const struct mode *m;
	bool other_ns;
	size_t mark;
	struct outbuf o;
	unsigned max_args, max_env, defaults;
	unsigned char *scratch;
	uint32_t ctx, want_ctx = 0;
	char err[128];
	size_t start;
	uint8_t bits;
	void *rec;
	int r;

	if (size < PRE)
		return 0;
	max_args = data[0] % (EV_MAX_ARGS_LIM + 1);
	bits = data[1];
	opt.quote = bits & 1;
	opt.clock = bits & 2;
	opt.since = bits & 4;
	opt.show_uid = bits & 8;
	m = &modes[bits >> 4];
	memcpy(&opt.mono_to_real_ns, data + 2, 8);
	memcpy(&opt.start_ns, data + 10, 8);
	opt.events = data[10] & 1;			/* --exit */
	opt.own_mntns = (uint32_t)(opt.start_ns >> 32); /* 0: not known */
	/* A heap copy of its exact size: ev_decode must not read past the record. */
	rec = malloc(size - PRE ? size - PRE : 1);
	FUZZ_CHECK(rec);
	memcpy(rec, data + PRE, size - PRE);

	/* Not zeroed, like the tracer's view on its stack: what decoding leaves unset shows. */
	memset(&v, 0xa5, sizeof(v));
	/* the same byte gives --max-env: 0 is its default */
	max_env = data[0];
	r = ev_decode_env(rec, size - PRE, max_args, max_env, &v);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	{ /* -o ancestors' fork records: the other shape, never both */
		struct ms_fork f;
		int fr = ev_decode_fork(rec, size - PRE, &f);

		FUZZ_CHECK(fr == 0 || fr == -EINVAL);
		FUZZ_CHECK(fr || (f.flags == EV_F_FORK && f.pid && r));
	}
	if (r) {
		free(rec);
		return 0;
	}
	FUZZ_CHECK(v.argc <= max_args && v.argc <= EV_MAX_ARGS_LIM);
	FUZZ_CHECK(v.filename[v.filename_len] == 0);
	for (unsigned i = 0; i < v.argc; i++)
		FUZZ_CHECK(v.args[i][v.arg_len[i]] == 0);
	if (KNOWN_UNSET_PATHS && !blocks_fit(rec)) {
		v.cwd_len = v.exe_len = 0;
		v.cwd[0] = v.exe[0] = 0;
	}
	check_view(rec, size - PRE, max_env ? max_env : EV_MAX_ENV_DEF, &v);
	filter_match(&filt, &v);

	/* The columns: what out_columns chose must be what the spec says. */
	if (m->call) {
		FUZZ_CHECK(!out_columns(&opt, m->spec, m->env, &ctx, err, sizeof(err)));
		FUZZ_CHECK(opt.ctx_cols == m->want);
		for (unsigned c = COL_CTX_FIRST; c < COL_COUNT; c++)
			if (m->want & (1u << c))
				want_ctx |= 1u << col_ctx[c];
		if (opt.events) /* --exit reads the ids (for the exit's age too) */
			want_ctx |= CTXB(IDS);
		/* always: with them the paths of a process whose root is not ours are marked */
		FUZZ_CHECK(ctx == (want_ctx | CTXB(ROOT) | CTXB(MNTNS)));
		defaults = opt.clock + opt.since + opt.show_uid + 4;
		FUZZ_CHECK(opt.ncol == (m->plus ? defaults + m->ncol + 1 : m->ncol) + opt.events);
		FUZZ_CHECK(!opt.events || opt.col[0] == COL_EVENT);
		FUZZ_CHECK(!m->plus || opt.col[opt.ncol - 1] == COL_ARGS);
	}

	/* A small buffer, as a batch's buffer after earlier events, so that it has to grow. */
	o = (struct outbuf){.buf = malloc(64), .cap = 64, .fd = -1};
	FUZZ_CHECK(o.buf);
	opt.json = false;
	out_header(&o, &opt);
	check_text(o.buf, o.len);
	start = o.len;
	out_event(&o, &opt, &v);
	check_text(o.buf + start, o.len - start);
	/* Decoded strings are never longer than the line that holds them. */
	scratch = malloc(o.len - start + 4);
	FUZZ_CHECK(scratch);
	other_ns = opt.own_mntns && (v.have & CTXB(MNTNS)) && v.hdr.mntns != opt.own_mntns;
	if (m->call && m->spec && !strcmp(m->spec, "cwd") && !opt.events) {
		mark = v.have & CTXB(CWD) ? check_mark(o.buf + start, o.len - start, &v, other_ns,
						       opt.quote, scratch)
					  : 0;
		check_text_value(o.buf + start + mark, o.len - start - mark, opt.quote,
				 v.have & CTXB(CWD) ? v.cwd : NULL, v.cwd_len, scratch);
	}
	free(scratch);

	start = o.len;
	opt.json = true;
	if (opt.events) /* as out_columns gives them with -j */
		opt.ctx_cols |= C(ID) | C(PARENT_ID);
	out_event(&o, &opt, &v);
	scratch = malloc(o.len - start + 4);
	FUZZ_CHECK(scratch);
	check_json(o.buf + start, o.len - start, &v, (uint32_t)opt.ctx_cols, opt.events, other_ns,
		   scratch);

	free(scratch);
	outbuf_free(&o);
	free(rec);
	return 0;
}
