/* SPDX-License-Identifier: MIT */
/*
 * A user's program: raw struct bpf_insn bytes, or text in the syntax `dump` prints (bpftool's
 * xlated lines, labels, "map NAME TYPE key K value V entries E" declarations), for
 * `verify --prog` and `dump --prog`.
 */
#ifndef MINISNOOP_TEXTPROG_H
#define MINISNOOP_TEXTPROG_H

#include "bpf_asm.h"
#include "loader.h"

#include <stdbool.h>
#include <stdio.h>

#define TEXTPROG_MAPS	   64
#define TEXTPROG_MAX_INSNS 1000000 /* BPF_COMPLEXITY_LIMIT_INSNS: no program is longer */
#define TEXTPROG_MAX_BYTES ((size_t)64 * 1024 * 1024)

struct textprog {
	struct asm_prog p;
	struct map_spec maps[TEXTPROG_MAPS];
	size_t nmaps;
	int type;     /* enum bpf_prog_type, or -1 when the text does not say ("type xdp") */
	bool raw;     /* read from struct bpf_insn bytes */
	char **names; /* labels, map names and the file name, owned */
	size_t nnames;
};

/* Parses text (n bytes; any bytes) named file into t; 0, or a negative errno with err set
 * ("prog.txt:12: unknown instruction 'r1 = ?'"). t is freed with textprog_free() either way. */
int textprog_parse(struct textprog *t, const char *text, size_t n, const char *file, char *err,
		   size_t errlen);
/* Reads a file (or "-"): raw when it holds a NUL byte (struct bpf_insn, 8 bytes each), else text.
 */
int textprog_read(struct textprog *t, const char *path, char *err, size_t errlen);
void textprog_free(struct textprog *t);
/* Prints t back: type and map declarations, then the listing as dump prints it. */
void textprog_dump(FILE *out, const struct textprog *t);
/* A program type's name ("xdp", "socket_filter", ...) to its number; -1 when unknown. */
int textprog_type(const char *name);
const char *textprog_type_name(int type);
/* The program types verify --prog takes, for check --types: -1 ends it. */
extern const int textprog_types[];

/* dump --prog FILE and verify --prog FILE [--type T] [--attach TP]; an exit status. */
int textprog_cmd(bool verify, const char *path, const char *type, const char *attach,
		 unsigned log_level);

#endif
