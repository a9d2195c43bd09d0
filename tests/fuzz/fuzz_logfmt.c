// SPDX-License-Identifier: MIT
/*
 * The message sinks' encoders (src/logfmt.c) on any decodable record. Input as fuzz_event's:
 * max_args byte, option bits byte, the clock offset and start time (8 bytes each), then the
 * record. Bits: 1 JSON, 2 -q, 4..8 the columns (-o), 16 -e, the high three the message limit.
 *
 * Checked: a journal entry is one line with no other newline, unstuffs, and parses strictly
 * (valid field names, binary lengths inside the entry, MESSAGE first), with MINISNOOP_ARGV
 * exactly the arguments, each followed by a NUL; a syslog and a kmsg message is one line
 * within the limit, "<PRI>...minisnoop[PID]: " and then, with JSON, one valid JSON object
 * (cut or not), or nothing and one drop counted.
 */
#include "fuzz.h"

#include "event.h"
#include "logfmt.h"
#include "output.h"

#include <errno.h>

#define PRE 18

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "UTC0", 1);
	return 0;
}

/* ---- a strict JSON checker (minisnoop's lines: no exponents, no blanks) ---- */

static const char *js_value(const char *p, const char *end, int depth);

static const char *js_str(const char *p, const char *end)
{
	if (p >= end || *p != '"')
		return NULL;
	for (p++; p < end; p++) {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '"')
			return p + 1;
		if (*p != '\\')
			continue;
		if (++p >= end)
			return NULL;
		if (*p == 'u') {
			for (int i = 1; i <= 4; i++)
				if (p + i >= end || !strchr("0123456789abcdefABCDEF", p[i]) ||
				    !p[i])
					return NULL;
			p += 4;
		} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
			return NULL;
		}
	}
	return NULL;
}

static const char *js_seq(const char *p, const char *end, char close, bool obj, int depth)
{
	p++;
	if (p < end && *p == close)
		return p + 1;
	for (;;) {
		if (obj) {
			p = js_str(p, end);
			if (!p || p >= end || *p != ':')
				return NULL;
			p++;
		}
		p = js_value(p, end, depth + 1);
		if (!p || p >= end)
			return NULL;
		if (*p == close)
			return p + 1;
		if (*p != ',')
			return NULL;
		p++;
	}
}

static const char *js_value(const char *p, const char *end, int depth)
{
	if (p >= end || depth > 8)
		return NULL;
	if (*p == '{')
		return js_seq(p, end, '}', true, depth);
	if (*p == '[')
		return js_seq(p, end, ']', false, depth);
	if (*p == '"')
		return js_str(p, end);
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++)
			;
		if (p < end && *p == '.') /* an exit's age: seconds */
			for (p++; p < end && *p >= '0' && *p <= '9'; p++)
				;
		return p;
	}
	for (const char *w = "true\0false\0null\0"; *w; w += strlen(w) + 1)
		if ((size_t)(end - p) >= strlen(w) && !memcmp(p, w, strlen(w)))
			return p + strlen(w);
	return NULL;
}

/* ---- journal entries ---- */

static void check_entry(const char *s, size_t n, const struct ev_view *v)
{
	const char *end = s + n;
	bool first = true, argv_seen = false;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s)), *eq, *val;
		size_t nlen, len;

		FUZZ_CHECK(nl);
		eq = memchr(s, '=', (size_t)(nl - s));
		nlen = (size_t)((eq ? eq : nl) - s);
		FUZZ_CHECK(nlen > 0 && nlen <= 64 && s[0] >= 'A' && s[0] <= 'Z');
		for (size_t i = 0; i < nlen; i++)
			FUZZ_CHECK((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
				   s[i] == '_');
		FUZZ_CHECK(!first || (nlen == 7 && !memcmp(s, "MESSAGE", 7)));
		if (eq) {
			val = eq + 1;
			len = (size_t)(nl - val);
		} else {
			uint64_t l = 0;

			FUZZ_CHECK(end - nl >= 10);
			for (int i = 7; i >= 0; i--)
				l = l << 8 | (unsigned char)nl[1 + i];
			FUZZ_CHECK(l <= (uint64_t)(end - nl - 10));
			val = nl + 9;
			len = (size_t)l;
			FUZZ_CHECK(val[len] == '\n');
			nl = val + len;
		}
		if (nlen == 14 && !memcmp(s, "MINISNOOP_ARGV", 14)) {
			const char *p = val;

			for (unsigned i = 0; i < v->argc; i++) {
				FUZZ_CHECK((size_t)(val + len - p) > v->arg_len[i]);
				FUZZ_CHECK(!memcmp(p, v->args[i], v->arg_len[i]) &&
					   !p[v->arg_len[i]]);
				p += v->arg_len[i] + 1;
			}
			FUZZ_CHECK(p == val + len);
			argv_seen = true;
		}
		first = false;
		s = nl + 1;
	}
	FUZZ_CHECK(!first && (argv_seen || v->exit));
}

static const char *const specs[4] = {NULL, "+cwd,exe,tty", "all", "pid,env,cwd,pcomm"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ev_view v; /* large: not on the stack */
	struct out_opts opt = {0};
	struct outbuf o;
	struct sink k;
	unsigned max_args;
	uint32_t ctx;
	char err[128], *raw;
	void *rec;
	size_t n, max;
	uint8_t bits;

	if (size < PRE)
		return 0;
	max_args = data[0] % (EV_MAX_ARGS_LIM + 1);
	bits = data[1];
	memcpy(&opt.mono_to_real_ns, data + 2, 8);
	memcpy(&opt.start_ns, data + 10, 8);
	opt.events = data[10] & 1;
	rec = malloc(size - PRE ? size - PRE : 1);
	FUZZ_CHECK(rec);
	memcpy(rec, data + PRE, size - PRE);
	if (ev_decode_env(rec, size - PRE, max_args, data[0], &v)) {
		free(rec);
		return 0;
	}
	FUZZ_CHECK(!out_columns(&opt, specs[(bits >> 2) & 3], bits & 16, &ctx, err, sizeof(err)));
	opt.json = bits & 1;
	opt.quote = bits & 2;
	o = (struct outbuf){.buf = malloc(64), .cap = 64, .fd = -1};
	FUZZ_CHECK(o.buf);

	/* the journal: the view is not changed */
	memset(&k, 0, sizeof(k));
	k.proto = SINK_JOURNAL;
	k.facility = LOGFMT_FACILITY_DEF;
	logfmt_event(&o, &opt, &k, &v);
	FUZZ_CHECK(o.len > 0 && o.buf[o.len - 1] == '\n' && !memchr(o.buf, '\n', o.len - 1));
	raw = malloc(o.len);
	FUZZ_CHECK(raw);
	n = logfmt_unstuff(raw, o.buf, o.len - 1);
	FUZZ_CHECK(n != (size_t)-1);
	check_entry(raw, n, &v);
	free(raw);

	/* syslog, then kmsg (whose limit is the smaller): cut to fit, or one drop counted */
	max = 32 + (size_t)(bits >> 5) * 1100;
	for (int kmsg = 0; kmsg < 2; kmsg++) {
		const char *body;

		memset(&k, 0, sizeof(k));
		k.proto = kmsg ? SINK_KMSG : SINK_SYSLOG;
		k.facility = 23;
		k.pid = 4242;
		k.msg_max = kmsg && max > 991 ? 991 : max;
		o.len = 0;
		logfmt_event(&o, &opt, &k, &v);
		if (!o.len) {
			FUZZ_CHECK(k.dropped == 1);
			continue;
		}
		FUZZ_CHECK(k.dropped == 0 && o.len - 1 <= k.msg_max);
		FUZZ_CHECK(o.buf[o.len - 1] == '\n' && !memchr(o.buf, '\n', o.len - 1));
		FUZZ_CHECK(!memcmp(o.buf, "<190>", 5));
		body = memmem(o.buf, o.len, "minisnoop[4242]: ", 17);
		FUZZ_CHECK(body);
		body += 17;
		if (opt.json)
			FUZZ_CHECK(js_value(body, o.buf + o.len - 1, 0) == o.buf + o.len - 1);
	}
	free(o.buf);
	free(rec);
	return 0;
}
