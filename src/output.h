/* SPDX-License-Identifier: MIT */
/*
 * Writing exec events as text columns (BCC's layout) or JSON lines: the columns, -o and the
 * header (columns.c), the output buffer (outbuf.c), the event lines (output.c); untrusted
 * bytes are escaped by escape.c (escape.h).
 */
#ifndef MINISNOOP_OUTPUT_H
#define MINISNOOP_OUTPUT_H

#include "event.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- columns.c ---- */

/* The columns that are always known, in enum out_col's order: X(column, name, header, width)
 * as in fields.h's CONTEXT_FIELDS (the JSON keys of these are fixed: out_event). */
#define OUT_BASE_COLUMNS(X)                                                                        \
	X(EVENT, "event", "EVENT", 6)                                                              \
	X(TIME, "time", "TIME", 9)                                                                 \
	X(ELAPSED, "elapsed", "TIME(s)", 8)                                                        \
	X(UID, "uid", "UID", 6)                                                                    \
	X(COMM, "comm", "PCOMM", 17)                                                               \
	X(PID, "pid", "PID", 8)                                                                    \
	X(TID, "tid", "TID", 8)                                                                    \
	X(PPID, "ppid", "PPID", 8)                                                                 \
	X(RET, "ret", "RET", 4)                                                                    \
	X(FILENAME, "filename", "FILENAME", 0)                                                     \
	X(ARGS, "args", "ARGS", 0)

/* Text columns (-o): the base ones, then the context fields, which are JSON keys too. */
#define COL_ENUM(column, ...) COL_##column,
enum out_col { OUT_BASE_COLUMNS(COL_ENUM) CONTEXT_FIELDS(COL_ENUM) COL_COUNT };
#undef COL_ENUM
/* The first context column: as many as there are base columns. */
#define COL_ONE(...)  +1
#define COL_CTX_FIRST ((enum out_col)(0 OUT_BASE_COLUMNS(COL_ONE)))
_Static_assert(COL_COUNT <= 64, "out_opts.ctx_cols is a 64-bit mask");
#define OUT_COLS_MAX 64

/* A column: its -o name (and JSON key), text header and width (0: as wide as the value; a
 * column ends with a space unless it is the last); for a context field, the CTX_* it needs
 * read and how its record member is shown. */
struct col_def {
	char name[10];
	uint8_t name_len;
	char head[10];
	uint8_t width;
	int8_t ctx;   /* CTX_*, -1: a base column */
	uint8_t kind; /* FK_* */
	uint8_t off;  /* the record member: offset */
	uint8_t size; /* and size */
	bool all;     /* "-o all" adds it */
};
extern const struct col_def out_cols[COL_COUNT];

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
	uint64_t ctx_cols;  /* 1 << COL_* of the context columns chosen: the JSON keys */
	uint32_t own_mntns; /* init's or the tracer's mount namespace (out_own_root), 0: unknown */
	/* The tracer's own root as the kernel's root block gives it (tracer.c learns it): a
	 * process with the same root is not marked. Until known, any root below the top is. */
	bool own_root_known;
	const char *own_root;
	size_t own_root_len;
	bool events; /* lifecycle options (--exit): an EVENT column first, JSON's event key
		      * and the ids in every JSON line */
};

/* make tiny has no lifecycle lines (no --exit, --existing): constant there, so that their
 * code is not built. */
#ifdef MINISNOOP_TINY
#define OUT_EVENTS(opt) ((void)(opt), false)
#else
#define OUT_EVENTS(opt) ((opt)->events)
#endif

/* The mount namespace against which a process's is told apart: init's when /proc/1/ns/mnt
 * may be read, else the tracer's own (it never leaves it: tracefs is mounted in a child's). */
void out_own_root(struct out_opts *opt);

struct outbuf;

/* Columns from -o's spec (NULL: the default ones, after -T -t -U) and -e; the CTX() bits the
 * programs must read for them, and always root and mntns, with which the paths of a process
 * whose root is not the tracer's are marked. 0, or -EINVAL with the message in err. */
int out_columns(struct out_opts *opt, const char *spec, bool env, uint32_t *ctx, char *err,
		size_t n);

/* The text header line (nothing for JSON). */
void out_header(struct outbuf *o, const struct out_opts *opt);

/* Between columns.c and output.c: opt, or in tmp the default columns when it has none (options
 * out_columns never saw); the end of column c that started at start and runs to d (padded
 * like %-Ns in screen columns, but at least one space). */
const struct out_opts *out_with_cols(const struct out_opts *opt, struct out_opts *tmp);
char *out_col_end(char *d, const char *start, enum out_col c);

/* ---- outbuf.c ---- */

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
/* Makes room for need more bytes (growing, or when out of memory flushing); false if that is
 * impossible. */
bool outbuf_reserve(struct outbuf *o, size_t need);

/* ---- output.c ---- */

/* The most one event can take; outbuf_init raises cap to it, so that flushing
 * always makes room for an event. */
extern const size_t out_event_max;
/* One event as a text line or a JSON object line. */
void out_event(struct outbuf *o, const struct out_opts *opt, const struct ev_view *v);

/* Untrusted bytes, escaped (escape.h) into the buffer: as text, or as a JSON string. */
void out_text_escaped(struct outbuf *o, const char *s, size_t n);
void out_json_string(struct outbuf *o, const char *s, size_t n);

#ifndef MINISNOOP_TINY
struct tm;
/* For the message sinks: the event's wall-clock time in local time (its nanoseconds), and
 * context column c's value as the record gives it, unescaped: 0 null, 1 the number *num, 2 the
 * bytes *s, *len (buf: OUT_VALUE_BUF bytes may hold them). Not for env. */
#define OUT_VALUE_BUF 80
long out_event_tm(const struct ev_view *v, const struct out_opts *opt, struct tm *tm);
int out_ctx_raw(const struct out_opts *opt, const struct ev_view *v, unsigned c, char *buf,
		const char **s, size_t *len, uint64_t *num);
#endif

#endif
