/* SPDX-License-Identifier: MIT */
/* Explaining a verifier log from anywhere (the kernel, libbpf, bpftool, dmesg), offline. */
#ifndef MINISNOOP_EXPLAIN_H
#define MINISNOOP_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The figures of the statistics lines, veristat's columns. */
enum ex_stat {
	EX_INSNS,
	EX_LIMIT,
	EX_MAX_STATES,
	EX_TOTAL_STATES,
	EX_PEAK_STATES,
	EX_MARK_READ,
	EX_STACK,
	EX_TIME_US,
	EX_NSTATS
};

#define EX_REGS	 32 /* state entries kept (R0..R10, stack slots, refs) */
#define EX_PATH	 16 /* the last "from X to Y" branch decisions */
#define EX_TRAIL 24 /* the last instructions walked on the failing path */

struct explain {
	int verdict;		    /* 1 accepted, -1 rejected, 0 no verdict in the text */
	const char *framing;	    /* "kernel", "dmesg", "minisnoop", "bpftrace", or loader */
	char loader[16];	    /* a loader library's prefix, as its lines give it */
	char prog[64];		    /* program name when the framing gives it */
	char load_err[256];	    /* the loader's own failure line (libbpf, minisnoop) */
	long insn;		    /* the failing instruction, or -1 */
	char insn_text[160];	    /* its "(xx) ..." text from the log */
	char source[160];	    /* the last source line ("; ...") before it */
	char reason[256];	    /* the verifier's message */
	int row;		    /* its row in the table of messages, or -1 */
	char regs[EX_REGS][2][160]; /* the state before the failure: name, value */
	unsigned nregs;
	bool state_after;      /* the state is after state_at ran ("; R0=..."), not before it */
	long state_at;	       /* the instruction that state was printed at, or -1 */
	long from[EX_PATH][2]; /* branch decisions, the last EX_PATH in order */
	char kind[EX_PATH];    /* 't' jumped, 'f' fell through, 'p' popped ("from X to Y") */
	long last_jmp;	       /* the conditional jump just read, or -1 */
	bool popped;	       /* a "from X to Y" line restarted the path */
	unsigned nfrom;	       /* how many in the whole log */
	long trail[EX_TRAIL];  /* instructions since the last branch decision */
	unsigned ntrail;       /* how many in all */
	long long stat[EX_NSTATS];
	unsigned have;	/* bits of stat[] present */
	char stack[48]; /* "stack depth" as printed ("8+16" with subprograms) */
	unsigned lines; /* lines read */
	bool truncated; /* the input was cut at EXPLAIN_MAX */
};

/* Input beyond this is not read (the loader's own log cap). */
#define EXPLAIN_MAX ((size_t)256 * 1024 * 1024)

/* Reads a log of n bytes (any bytes; NUL ends nothing) into x. Never fails. */
void explain_parse(const char *text, size_t n, struct explain *x);
/* The explanation, plain words. */
void explain_print(FILE *out, const struct explain *x);
/* The figures of two logs side by side, with what grew. */
void explain_compare(FILE *out, const char *na, const struct explain *a, const char *nb,
		     const struct explain *b);
/* The message table: the plain words and the fix for row (NULL past the end). */
const char *explain_row(int row, const char **what, const char **fix);
/* The command: minisnoop explain [--compare] [FILE|-]... */
int cmd_explain(int argc, char **argv);

#endif
