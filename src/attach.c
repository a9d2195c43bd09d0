// SPDX-License-Identifier: MIT
/* Tracepoint attach: one perf event per tracepoint; the program runs on every CPU. */
#include "attach.h"

#include <errno.h>
#include <stdbool.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int tp_attach(int tp_id, int prog_fd)
{
	struct perf_event_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_TRACEPOINT;
	a.size = sizeof(a);
	a.config = (unsigned long long)tp_id;
	a.sample_period = 1;
	a.wakeup_events = 1;
	/* pid -1, cpu 0: a BPF program on a tracepoint fires on all CPUs anyway. */
	fd = syscall(__NR_perf_event_open, &a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl((int)fd, PERF_EVENT_IOC_SET_BPF, prog_fd) < 0 ||
	    ioctl((int)fd, PERF_EVENT_IOC_ENABLE, 0) < 0) {
		int err = -errno;

		close((int)fd);
		return err;
	}
	return (int)fd;
}

/*
 * Each detach waits for RCU grace periods under one kernel mutex, so that detaches add up
 * (20-40 ms each here) even from parallel threads. A child takes them over: it holds
 * copies of the events and nothing else, and we can exit at once, everything written.
 */
void tp_detach_all(int *fds, size_t n)
{
	pid_t pid;
	size_t k;

	for (k = 0; k < n && fds[k] < 0; k++)
		;
	if (k == n) /* nothing attached (or another holds it: tracer.c's keeper) */
		return;
	pid = fork();

	if (pid == 0) {
		/* not stdout, stderr or anything else of ours: a pipe must see its end now */
		for (int fd = 0; fd < 1024; fd++) {
			bool ours = false;

			for (k = 0; k < n && !ours; k++)
				ours = fds[k] == fd;
			if (!ours)
				close(fd);
		}
		for (k = 0; k < n; k++)
			if (fds[k] >= 0)
				close(fds[k]);
		_exit(0);
	}
	/* With the child, closing our copies detaches nothing; without it, this detaches. */
	for (k = 0; k < n; k++) {
		if (fds[k] >= 0)
			close(fds[k]);
		fds[k] = -1;
	}
}
