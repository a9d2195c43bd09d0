/* SPDX-License-Identifier: MIT */
/* Attaching a loaded program to a tracepoint through perf_event_open(). */
#ifndef MINISNOOP_ATTACH_H
#define MINISNOOP_ATTACH_H

/* Opens tracepoint id as a perf event, sets prog_fd on it and enables it.
 * Returns the perf fd (closing it detaches) or a negative errno. With prog_fd -1: the event
 * only, disabled, so that the kernel's work of a first attach there is done ahead. */
int tp_attach(int tp_id, int prog_fd);

#include <stdbool.h>
#include <stddef.h>

/* A kprobe (ret: a kretprobe) on kernel function func at offset, through the kprobe PMU
 * (no tracefs): the perf fd, or -ENOENT without a kprobe PMU, -ENOTSUP without kretprobes,
 * or what perf_event_open said (-ENOENT too for a function that cannot be probed). */
int kprobe_attach(const char *func, unsigned long long offset, bool ret, int prog_fd);

/* Closes the attached events' fds (-1 skipped) and sets them to -1; the detaching, slow
 * in the kernel, is left to a child process that holds nothing else. */
void tp_detach_all(int *fds, size_t n);
/* In a child that holds only what it keeps: closes every descriptor but keep's n (-1s
 * skipped), a close_range(2) a gap (one close each below 1024 before 5.9). */
void close_all_but(const int *keep, size_t n);
/* The CPU we run on (getcpu), or -1. */
int cpu_here(void);

#endif
