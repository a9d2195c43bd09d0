/* SPDX-License-Identifier: MIT */
/*
 * Where the formatted events go: a sink takes a batch of whole lines (each ending in '\n') and
 * writes it with as few syscalls as it can. Standard output and a file (-w, --rotate) today;
 * a sink that sends each event on its own (syslog, the journal, /dev/kmsg) sets write_line
 * instead of write and sink_write hands it the batch line by line.
 */
#ifndef MINISNOOP_SINK_H
#define MINISNOOP_SINK_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sink;

struct sink_ops {
	const char *name; /* in messages: "standard output", "file" */
	/* The batch buf[0..len), whole lines; *done: the bytes written (a line boundary unless
	 * the sink is a stream, stdout). 0 or -errno. */
	int (*write)(struct sink *k, const char *buf, size_t len, size_t *done);
	/* Or one line (without its '\n'); 0 or -errno, then the line and the rest are kept. */
	int (*write_line)(struct sink *k, const char *line, size_t len);
	int (*reopen)(struct sink *k); /* SIGHUP; may be NULL */
	void (*close)(struct sink *k);
};

/* A write that failed is kept for the next try up to this much; then whole lines are dropped
 * (counted). */
#define SINK_KEEP_MAX (4u << 20)

struct sink {
	const struct sink_ops *ops;
	int fd;
	const volatile sig_atomic_t *stop; /* stdout: a blocked write gives up once set */
	/* a file */
	const char *path;
	uint64_t rot_size; /* 0: no rotation */
	unsigned rot_count;
	uint64_t size; /* of the current file */
	uint64_t base; /* the header that began it (a file not yet written to) */
	char *head;    /* the text header each new file begins with */
	size_t head_len;
	uint64_t checked_ns; /* when it was last looked for (removed: reopened) */
	/* what could not be written yet (a full disk), retried before the next batch */
	char *keep;
	size_t keep_len, keep_max;
	int err; /* the error being reported (said once until a write succeeds again) */
	/* counters */
	uint64_t lines, dropped, errors, rotations;
	/* the lines of the next sink_write's batch when the caller knows them (0: counted) */
	size_t batch_lines;
	/* A message sink (--syslog, --journal, --kmsg: logfmt.c encodes, logsink.c sends). */
	uint8_t proto;	   /* SINK_LINES: whole lines as they are; else SINK_* */
	uint8_t facility;  /* syslog's, 0..23 */
	bool stream;	   /* /dev/log is a stream socket: each message ends with a NUL */
	bool rate_limited; /* /dev/kmsg drops what passes the kernel's limit (mirrored here) */
	uint32_t pid;	   /* ours, in each syslog message */
	size_t msg_max;	   /* syslog, kmsg: the most one message may take (then it is cut) */
	size_t dgram_max;  /* journal: a larger entry goes in a sealed memfd */
	int conn_err;	   /* the last connect's error, while waiting to try again */
	uint64_t retry_ns, backoff_ns;
	uint64_t win_ns; /* kmsg's rate limit: the window's start, and what it sent in it */
	unsigned win_n;
	char *scratch; /* a journal entry unstuffed (logfmt.h) */
	size_t scratch_cap;
	uint64_t cut, limited, big; /* events cut to fit, dropped by kmsg's limit, journal memfds */
};

enum { SINK_LINES, SINK_SYSLOG, SINK_JOURNAL, SINK_KMSG };

#ifndef MINISNOOP_TINY
/* --syslog: path (/dev/log) connected now if it can be (else tried again as events come);
 * --journal: path (/run/systemd/journal/socket) likewise; --kmsg: path (/dev/kmsg) opened
 * now, with the kernel's rate limit learned from limit_path (printk_devkmsg). 0, or -errno
 * with the message in err; a note for the user (a limit) in err with 0 returned. */
int sink_syslog(struct sink *k, const char *path, unsigned facility, char *err, size_t n);
int sink_journal(struct sink *k, const char *path, char *err, size_t n);
int sink_kmsg(struct sink *k, const char *path, const char *limit_path, unsigned facility,
	      char *err, size_t n);
/* A message sink's own counters, for the status line and the summary: ", N cut to fit, M
 * dropped by the rate limit". */
void sink_notes(const struct sink *k, char *buf, size_t n);
#endif

/* Standard output (fd 1, or fd for tests). */
void sink_stdout(struct sink *k, int fd, const volatile sig_atomic_t *stop);
/* -w FILE: opened now (created 0600, appended to; a symlink or anything but a regular file is
 * refused); rot_size 0 for no rotation. 0, or -errno with the message in err. */
int sink_file(struct sink *k, const char *path, uint64_t rot_size, unsigned rot_count, char *err,
	      size_t n);

/* The text header: each file that begins empty (at start, rotated, reopened) starts with
 * it; standard output gets it once, now. 0 or -errno. */
int sink_header(struct sink *k, const char *head, size_t len);

/* Writes the whole lines of buf[0..len). For stdout: 0, or -errno and *done bytes written
 * (-EPIPE: the reader left; -EINTR: *stop was set while blocked). For a file: 0 unless
 * nothing can ever be written (what fails is kept and retried, or dropped and counted). */
int sink_write(struct sink *k, const char *buf, size_t len, size_t *done);
/* Retries what a failed write kept (called about once a second); 0 or -errno. */
int sink_retry(struct sink *k);
/* SIGHUP: a file is opened again by its name (logrotate moved it). 0 or -errno. */
int sink_reopen(struct sink *k);
/* Writes what is kept if it can, then closes. */
void sink_close(struct sink *k);

/* The fd to poll for a closed reader (stdout), or -1. */
int sink_poll_fd(const struct sink *k);

/* The whole-line prefix of buf[0..len) that is at most max bytes (0 when the first line is
 * longer). */
size_t sink_lines_within(const char *buf, size_t len, size_t max);

/* "SIZE[,COUNT]": SIZE in bytes with k, M or G (1024s); COUNT 1..999 (default 1). */
int sink_parse_rotate(const char *s, uint64_t *size, unsigned *count);

#endif
