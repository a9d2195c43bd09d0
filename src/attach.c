// SPDX-License-Identifier: MIT
/* Tracepoint attach: one perf event per tracepoint; the program runs on every CPU. */
#include "attach.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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

/* Each detach waits for an RCU grace period (tens of ms): one child per fd, sharing our
 * memory and fd table, so that the waits overlap instead of adding up. */
#define DETACH_STACK 4096

static int close_one(void *arg)
{
	return (int)syscall(SYS_close, *(int *)arg);
}

void tp_detach_all(int *fds, size_t n)
{
	static char stacks[TP_DETACH_MAX][DETACH_STACK] __attribute__((aligned(16)));
	pid_t pids[TP_DETACH_MAX];
	size_t k;

	for (k = 0; k < n; k++) {
		pids[k] = -1;
		if (fds[k] < 0)
			continue;
		if (k < TP_DETACH_MAX)
			pids[k] = clone(close_one, stacks[k] + DETACH_STACK,
					CLONE_VM | CLONE_FILES | SIGCHLD, &fds[k]);
		if (pids[k] < 0) /* no child: close it here */
			close(fds[k]);
	}
	for (k = 0; k < n && k < TP_DETACH_MAX; k++)
		if (pids[k] > 0)
			while (waitpid(pids[k], NULL, __WALL) < 0 && errno == EINTR)
				;
	for (k = 0; k < n; k++)
		fds[k] = -1;
}
