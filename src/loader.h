/* SPDX-License-Identifier: MIT */
/* Map creation and program loading with the verifier log captured. */
#ifndef MINISNOOP_LOADER_H
#define MINISNOOP_LOADER_H

#include "bpf_asm.h"

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct map_spec {
	const char *name;
	enum bpf_map_type type;
	uint32_t key_size, value_size, max_entries, flags;
	int fd; /* -1 until created */
};

#define LOG_INITIAL_DEFAULT ((size_t)64 * 1024)
#define LOG_MAX_DEFAULT	    ((size_t)256 * 1024 * 1024)

struct load_opts {
	unsigned log_level; /* 0, 1 or 2 */
	bool stats;	    /* add BPF_LOG_STATS: "processed N insns ..." */
	size_t log_initial; /* first log buffer size; grown on ENOSPC */
	size_t log_max;	    /* growth stops here */
};

struct load_result {
	int fd;		  /* program fd, or -1 */
	char *log;	  /* verifier log, NUL terminated, malloc'd (may be NULL) */
	size_t log_len;	  /* strlen(log) */
	unsigned grows;	  /* times the buffer was grown */
	char errmsg[512]; /* one-line reason on failure */
};

int maps_create(struct map_spec *maps, size_t n, char *errmsg, size_t errlen);
void maps_close(struct map_spec *maps, size_t n);

/* Next log buffer size after ENOSPC: doubles, capped at max; 0 when already at max. */
size_t log_next_size(size_t cur, size_t max);

/*
 * Resolves p's map names against maps[], loads it, and returns the fd in res->fd.
 * On rejection returns a negative errno with res->errmsg set (the verifier's reason and the
 * emitting source line when it can tell) and the whole log in res->log.
 * The log is captured even when opts->log_level is 0 and the load fails (retried at level 1).
 */
int prog_load(const struct asm_prog *p, enum bpf_prog_type type, const char *name,
	      const struct map_spec *maps, size_t nmaps, const struct load_opts *opts,
	      struct load_result *res);
void load_result_free(struct load_result *res);

/* Whether bpf() works for us at all (a tiny map is created and dropped); 0, or a negative
 * errno with err saying what to do. Run first, so that a missing privilege is named as such
 * rather than as whatever fails next. */
int bpf_usable(char *err, size_t errlen);
/* Words for a bpf() errno at the edge: what to do about it. */
const char *bpf_errno_hint(int err);

/* What the kernel exposes that bears on a load failing without a log. */
struct nolog_env {
	char lockdown[16];   /* the [selected] mode of /sys/kernel/security/lockdown, "" */
	int unpriv_disabled; /* /proc/sys/kernel/unprivileged_bpf_disabled, -1 unknown */
	int jit_enable;	     /* /proc/sys/net/core/bpf_jit_enable, -1 unknown */
	int jit_harden;	     /* bpf_jit_harden, -1 unknown */
	bool cap_bpf;	     /* CAP_BPF or CAP_SYS_ADMIN */
};
void nolog_env_read(struct nolog_env *e);
/* Why BPF_PROG_LOAD of insns instructions of type failed with err and no log, into buf. */
void nolog_why(int err, int type, size_t insns, const struct nolog_env *e, char *buf, size_t n);

#endif
