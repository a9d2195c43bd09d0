/* SPDX-License-Identifier: MIT */
/* An exec record decoded: the header and its strings, for filters and output. */
#ifndef MINISNOOP_EVENT_H
#define MINISNOOP_EVENT_H

#include "record.h"

#include <stdbool.h>
#include <stddef.h>

/* A record checked and split into its strings; pointers point into the record. */
struct ev_view {
	struct ms_event hdr;  /* copied: records in the ring are only 4-byte aligned */
	const char *filename; /* NUL terminated */
	size_t filename_len;  /* without NUL */
	const char *args[EV_MAX_ARGS_LIM];
	size_t arg_len[EV_MAX_ARGS_LIM]; /* without NUL */
	unsigned argc;
	bool truncated; /* any EV_F_TRUNC_* or EV_F_READ_ERR flag, or an inconsistent record */
	/* Context: have is the record's, less what did not decode. Paths are joined here, as
	 * /proc shows them: "/a/b", " (deleted)" after an unlinked one, "…/" before a cut one. */
	uint32_t have;
	char cwd[EV_PATH_MAX + 32], exe[EV_PATH_MAX + 32];
	size_t cwd_len, exe_len;
	/* The root directory's path when it is not the top of the process's mount tree (a
	 * chroot), else root_len 0; the cgroup's path when the kernel read it (cgroup_path). */
	char root[EV_PATH_MAX + 32], cgroup[EV_PATH_MAX + 32];
	size_t root_len, cgroup_len;
	bool cgroup_path;
	const char *env[EV_MAX_ARGS_LIM];
	size_t env_len[EV_MAX_ARGS_LIM];
	unsigned envc;
	bool env_cut;
};

/* Checks sizes (the record is untrusted) and splits the text, keeping at most max_args
 * arguments. 0 or -EINVAL. */
int ev_decode(const void *data, size_t size, unsigned max_args, struct ev_view *v);

#endif
