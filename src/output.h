/* SPDX-License-Identifier: MIT */
/* Writing exec events as text columns (BCC's layout) or JSON lines. */
#ifndef MINISNOOP_OUTPUT_H
#define MINISNOOP_OUTPUT_H

#include "event.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Text columns (-o); the context ones are JSON keys too. */
enum out_col {
	COL_TIME,
	COL_ELAPSED,
	COL_UID,
	COL_COMM,
	COL_PID,
	COL_TID,
	COL_PPID,
	COL_RET,
	COL_FILENAME,
	COL_ARGS,
	COL_CWD, /* the first context column */
	COL_EXE,
	COL_FILELESS,
	COL_EUID,
	COL_GID,
	COL_EGID,
	COL_AUID,
	COL_SESSION,
	COL_TTY,
	COL_PCOMM,
	COL_PIDNS,
	COL_MNTNS,
	COL_NSPID,
	COL_CGROUP,
	COL_ENV,
	COL_COUNT,
};
#define OUT_COLS_MAX 64

struct out_opts {
	bool json;
	bool quote;		   /* -q: "arg" with " and \ escaped */
	bool clock;		   /* -T: HH:MM:SS column (local time) */
	bool since;		   /* -t: seconds since start column */
	bool show_uid;		   /* -U: UID column */
	int64_t mono_to_real_ns;   /* add to ts_ns for wall-clock time */
	uint64_t start_ns;	   /* monotonic start, for -t */
	uint8_t col[OUT_COLS_MAX]; /* text columns in order (out_columns) */
	unsigned ncol;
	uint32_t ctx_cols; /* 1 << COL_* of the context columns chosen: the JSON keys */
};

/* A column's name (-o, JSON key) and the CTX_* it needs, -1 for none. */
const char *out_col_name(enum out_col c);
int out_col_ctx(enum out_col c);

/* Columns from -o's spec (NULL: the default ones, after -T -t -U) and -e; the CTX() bits the
 * programs must read for them. 0, or -EINVAL with the message in err. */
int out_columns(struct out_opts *opt, const char *spec, bool env, uint32_t *ctx, char *err,
		size_t n);

/* Output buffer: events are formatted here and written once per batch. */
struct outbuf {
	char *buf;
	size_t len, cap;
	int fd;
	/* When set and non-zero, a write interrupted by a signal gives up (-EINTR) instead of
	 * being retried: a reader that does not read must not keep us from stopping. */
	const volatile sig_atomic_t *stop;
};

int outbuf_init(struct outbuf *o, int fd, size_t cap);
void outbuf_free(struct outbuf *o);
/* Writes everything buffered; 0, -EPIPE when the reader is gone, -EINTR when *stop was set
 * while the write was blocked, or another negative errno (a full disk: -ENOSPC). */
int outbuf_flush(struct outbuf *o);
/* Writes the first upto bytes; the rest moves to the front, kept for a later flush. */
int outbuf_flush_n(struct outbuf *o, size_t upto);

/* The text header line (nothing for JSON). */
void out_header(struct outbuf *o, const struct out_opts *opt);
/* One event as a text line or a JSON object line. */
void out_event(struct outbuf *o, const struct out_opts *opt, const struct ev_view *v);

/*
 * Escaping, exposed for tests. Text: printable ASCII as is, except backslash as "\\";
 * \n \t \r as such, other bytes < 0x20, 0x7f and every byte >= 0x80 that is not part of
 * valid UTF-8 as \xHH; valid multi-byte UTF-8 except C1 controls kept.
 * JSON: a valid JSON string body (quotes included); valid UTF-8 is kept, control characters
 * are escaped, and each byte that is not part of valid UTF-8 becomes \udcHH (U+DC80 + byte,
 * Python's "surrogateescape"), so the exact bytes can be recovered; documented in README.
 */
void out_text_escaped(struct outbuf *o, const char *s, size_t n);
void out_json_string(struct outbuf *o, const char *s, size_t n);

#endif
