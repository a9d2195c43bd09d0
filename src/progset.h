/* SPDX-License-Identifier: MIT */
/* The program set: the declared programs built for a layout, loaded and attached. */
#ifndef MINISNOOP_PROGSET_H
#define MINISNOOP_PROGSET_H

#include "layout.h"
#include "loader.h"

#include <stdio.h>
#include <sys/types.h>

struct progset {
	const struct kernel_layout *k;
	bool loads[P_COUNT]; /* used on this kernel */
	bool built[P_COUNT]; /* assembled: the used ones, or all of them for dump */
	struct asm_prog asm_[P_COUNT];
	struct map_spec maps[MAP_ID_COUNT];
	size_t nmaps;
	int prog_fd[P_COUNT];
	int tp_fd[P_COUNT];
	/* What progset_load kept of the verifier for the edge to print: each program's log
	 * (when asked for one, or when it was refused: the program with a log and no fd), and
	 * the program each was loaded as (itself, or an earlier one built alike). */
	struct load_log {
		char *text; /* NULL: none */
		size_t len;
	} log[P_COUNT];
	size_t loaded_as[P_COUNT];
	/* While the loads are shared: the child loading those of mine[] false, its socket. */
	pid_t child;
	int sk;
	bool mine[P_COUNT];
};

/*
 * The tracer's and verify's first steps, in the order that names a missing privilege as
 * such: bpf() usable, tracefs readable (mounted privately if need be, and let go once read),
 * the layout probed and complete. 0 or -errno, err set.
 */
int progset_prepare(struct kernel_layout *k, bool use_btf, char *err, size_t errlen);
/* Its two halves: bpf() and tracefs (the tracepoint ids known), then BTF and the check. */
int progset_prepare_tracefs(struct kernel_layout *k, bool use_btf, char *err, size_t errlen);
int progset_prepare_btf(struct kernel_layout *k, char *err, size_t errlen);
/* Between the halves: the ids of the tracepoints that options o are likely to attach to
 * (a guess before BTF, from the options alone), in ids[P_COUNT]; their number. */
size_t progset_warm_ids(const struct kernel_layout *k, const struct prog_opts *o, int *ids);
/* Builds the programs this layout loads (every program with all) for options o; k must
 * outlive s. 0 or -errno with err set. */
int progset_build(struct progset *s, const struct prog_opts *o, const struct kernel_layout *k,
		  bool all, char *err, size_t errlen);
/* Creates the maps the built programs refer to and loads them, keeping the verifier's logs
 * in s->log. 0 or -errno with err set; prints nothing. */
int progset_load(struct progset *s, const struct load_opts *o, char *err, size_t errlen);
/* The tracer's way, in two steps: the maps created and a child loading some of the programs
 * (the maps may be filled meanwhile, the rings opened); then each program loaded and attached
 * in rank order, as soon as it and those before it are loaded. progset_close ends a child
 * left loading. */
int progset_load_begin(struct progset *s, const struct load_opts *o, char *err, size_t errlen);
int progset_load_attach(struct progset *s, const struct load_opts *o, char *err, size_t errlen);
/* For the edge, after progset_load: with whole, each log kept, annotated with source lines
 * ("=== name: verifier log (N bytes) ==="), in load order; else only the tail of a refused
 * program's ("minisnoop: verifier log tail for name:"). Frees the logs. */
void progset_print_logs(FILE *out, struct progset *s, bool whole);
int progset_attach(struct progset *s, char *err, size_t errlen);
/* Prints the built programs as `minisnoop dump` does (only the one named only, unless NULL);
 * the number printed. */
int progset_dump(FILE *out, const struct progset *s, const char *only, bool with_src);
struct perf_ring;
/* One perf ring per online CPU (pages each), put into the events map. 0 or -errno, err set. */
int progset_open_rings(struct progset *ps, unsigned pages, struct perf_ring **rings, int *nr,
		       char *err, size_t n);
int progset_map_fd(const struct progset *s, const char *name);
void progset_close(struct progset *s);

#endif
