/* SPDX-License-Identifier: MIT */
/*
 * The process table of -o ancestors and --existing: one entry per process image, seeded from
 * /proc at start and kept by the fork, exec and exit records. An image links to the image of
 * the process that forked it (as it was then), so that ancestry holds when the intermediate
 * processes have exited or their children were reparented: an exited image stays while a
 * child links to it. Bounded: at most cap images; when full, the oldest exited image that is
 * still linked to is evicted (its descendants' ancestry ends there), counted.
 */
#ifndef MINISNOOP_PROCTAB_H
#define MINISNOOP_PROCTAB_H

#include "event.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PT_CAP_DEF 131072 /* images: 100k live processes fit */

struct pt_image {
	uint64_t id;			/* ev_image_id's, where PT_HAS_ID */
	uint32_t pid, ppid, uid, ticks; /* ticks: the process's start (clock ticks), 0: unknown */
	uint32_t serial, pserial;	/* this slot's use, and its parent's when it linked to it */
	uint32_t parent;		/* the parent's slot + 1; 0: none known */
	uint32_t next;			/* the pid hash's chain, or the free list (slot + 1) */
	uint32_t older, newer;		/* the retired list (slot + 1) */
	uint32_t refs;			/* images linked to it, + 1 while its process's current */
	uint8_t state;			/* PT_FREE, PT_LIVE, PT_RETIRED */
	uint8_t flags;			/* PT_HAS_ID, PT_CUT, PT_LAZY */
	uint8_t argc, args_len;
	char comm[EV_COMM_LEN];
	char args[EV_ANC_ARGS]; /* argc NUL-terminated strings */
};
_Static_assert(sizeof(struct pt_image) == 256, "an image is 256 bytes (minisnoop.8 says so)");
enum { PT_FREE, PT_LIVE, PT_RETIRED };
#define PT_HAS_ID 1u
#define PT_CUT	  2u
#define PT_LAZY	  4u /* seeded without uid and arguments: the arguments read once linked to */

struct proctab {
	struct pt_image *img; /* cap slots, touched as used */
	uint32_t *bucket;     /* pid hash: slot + 1 */
	uint32_t cap, mask, used, free_head;
	uint32_t oldest, newest; /* the retired list */
	uint32_t live, retired;
	uint64_t evicted;     /* exited images dropped while linked to */
	uint64_t untracked;   /* processes left out: the table was full of live ones */
	const char *proc_dir; /* where PT_LAZY images' arguments are read */
};

/* 0 or -ENOMEM; cap at least 1. */
int pt_init(struct proctab *t, uint32_t cap);
void pt_free(struct proctab *t);
/* Bytes the table holds now: the slots used so far and the hash. */
size_t pt_memory(const struct proctab *t);

/* /proc/PID/stat's fields the table takes; pt_parse_stat: 0 or -EINVAL (any bytes: n of them,
 * then a NUL at buf[n], as read_small_file leaves it). */
struct pt_stat {
	uint32_t pid, ppid;
	uint64_t ticks, arg_start; /* fields 22 and 48 */
	char comm[EV_COMM_LEN];	   /* NUL-padded, cut to 15 bytes */
};
int pt_parse_stat(const char *buf, size_t n, struct pt_stat *st);
/* A running process from /proc: its stat, uid and command line (NUL-separated, n bytes;
 * cut: there was more; NULL: PT_LAZY, read from proc_dir when an image links to it). Parents
 * are linked by pt_seed_link, after every process is added. */
void pt_seed(struct proctab *t, const struct pt_stat *st, uint32_t uid, const char *cmdline,
	     size_t n, bool cut);
void pt_seed_link(struct proctab *t);
/* Every process in proc_dir ("/proc"), bounded reads; the number added. Without details,
 * PID/stat alone (PT_LAZY): the arguments of those that are a parent are read then, of the
 * others when they fork (ancestors only need parents'); --existing's lines need details. */
int pt_seed_proc(struct proctab *t, const char *proc_dir, bool details);

/* The records, in time order. */
void pt_fork(struct proctab *t, const struct ms_fork *f);
void pt_exec(struct proctab *t, const struct ev_view *v);
void pt_exit(struct proctab *t, const struct ev_view *v);

/* v's anc and nanc: the ancestors of the current image of v's process (its start as v says),
 * parent first, at most max (0, or more than EV_ANC_MAX: EV_ANC_MAX). */
void pt_ancestors(const struct proctab *t, struct ev_view *v, unsigned max);
/* --existing: the live images in slot order; slot 0 starts, returns the next slot or 0. */
uint32_t pt_next_live(const struct proctab *t, uint32_t slot);
/* A "running" view of slot's image (ids, comm, args; ts_ns given). */
void pt_view(const struct proctab *t, uint32_t slot, uint64_t ts_ns, struct ev_view *v);

#endif
