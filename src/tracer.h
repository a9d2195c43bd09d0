/* SPDX-License-Identifier: MIT */
/* The tracing session: load, attach, read rings, filter, print, summarise. */
#ifndef MINISNOOP_TRACER_H
#define MINISNOOP_TRACER_H

#include "filter.h"
#include "output.h"
#include "privs.h"
#include "insns.h"
#include "tree.h"

#include <stdbool.h>
#include <stdint.h>

struct tracer_opts {
	struct prog_opts
	    prog;	      /* kernel-side filters, max_args (match_cgroup follows cgroup_path) */
	struct filter filter; /* user-space filters */
	struct out_opts out;
	const char *cgroup_path;
	struct run_as run_as; /* -Z USER */
	bool no_btf;
	int verifier_log;     /* -1: none, else the level to print */
	uint64_t count;	      /* stop after this many events (0: no limit) */
	uint64_t duration_ms; /* 0: no limit */
	unsigned pages;	      /* ring pages per CPU; 0: tracer_ring_pages */
	const char *out_file; /* -w FILE (NULL: stdout) */
	uint64_t rot_size;    /* --rotate SIZE (0: none) */
	unsigned rot_count;   /* and COUNT */
	uint64_t rate;	      /* --rate N: events a second per command (0: no limit) */
	const char *pidfile;  /* --pidfile FILE */
	/* issue 17 */
	bool show_exits;  /* --exit: exit lines (prog.exits also loads them for the table) */
	bool ancestors;	  /* -o ancestors: the process table, kept by fork, exec and exit */
	unsigned max_anc; /* --ancestors N: at most N of them (0: EV_ANC_MAX) */
	bool existing;	  /* --existing: a "running" line per process at start */
	bool pt_on;	  /* either: the process table (not in make tiny) */

	/* --tree, --exclude-tree, -- COMMAND (prog.tree says which) */
	struct tree_opts tree;

	int msg_sink;	   /* --syslog, --journal, --kmsg: SINK_* (0: none) */
	unsigned facility; /* --syslog=FACILITY */
};

/* Ring pages per CPU for these options (--pages, else the default for the fields). */
unsigned tracer_ring_pages(const struct tracer_opts *o);

/* Runs until a signal, --count, --duration, a closed stdout or COMMAND's end. Returns the exit
 * status (COMMAND's with one, as a shell gives it). */
int tracer_run(const struct tracer_opts *o);

#endif
