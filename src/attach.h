/* SPDX-License-Identifier: MIT */
/* Attaching a loaded program to a tracepoint through perf_event_open(). */
#ifndef MINISNOOP_ATTACH_H
#define MINISNOOP_ATTACH_H

/* Opens tracepoint id as a perf event, sets prog_fd on it and enables it.
 * Returns the perf fd (closing it detaches) or a negative errno. */
int tp_attach(int tp_id, int prog_fd);

#endif
