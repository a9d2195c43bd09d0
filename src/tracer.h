/* SPDX-License-Identifier: MIT */
/* The tracing session: load, attach, read rings, filter, print, summarise. */
#ifndef MINISNOOP_TRACER_H
#define MINISNOOP_TRACER_H

#include "filter.h"
#include "output.h"
#include "privs.h"
#include "insns.h"

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
	unsigned pages;	      /* ring pages per CPU */
	const char *out_file; /* -w FILE (NULL: stdout) */
	uint64_t rot_size;    /* --rotate SIZE (0: none) */
	unsigned rot_count;   /* and COUNT */
	uint64_t rate;	      /* --rate N: events a second per command (0: no limit) */
	const char *pidfile;  /* --pidfile FILE */
	int msg_sink;	      /* --syslog, --journal, --kmsg: SINK_* (0: none) */
	unsigned facility;    /* --syslog=FACILITY */
};

/* Runs until a signal, --count, --duration or a closed stdout. Returns the exit status. */
int tracer_run(const struct tracer_opts *o);

#endif
