// SPDX-License-Identifier: MIT
/* Tracepoint attach: one perf event per tracepoint; the program runs on every CPU. */
#include "attach.h"

#include "sysfile.h"

#include <errno.h>
#include <stdint.h>
#include <stdbool.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int cpu_here(void)
{
	unsigned cpu = 0;

	return syscall(__NR_getcpu, &cpu, NULL, NULL) == 0 && cpu < 4096 ? (int)cpu : -1;
}

/* The CPU we run on: an event there is installed and enabled without interrupting another
 * CPU (two such calls an attach, 0.1 ms each here when that CPU is busy); else CPU 0. */
static int here(void)
{
	int cpu = cpu_here();

	return cpu < 0 ? 0 : cpu;
}

/* a's event opened disabled and bare: it registers the tracepoint with perf (the first of a
 * kind, 0.2 ms here: the syscalls' sets a flag on every task) and does nothing more */
static int tp_warm_open(struct perf_event_attr *a)
{
	long fd;

	a->size = sizeof(*a);
	a->disabled = 1;
	fd = syscall(__NR_perf_event_open, a, -1, here(), -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

/* a's event opened with prog_fd set on it and enabled: the perf fd, or -errno */
static int attach_event(struct perf_event_attr *a, int prog_fd)
{
	long fd;

	a->size = sizeof(*a);
	a->sample_period = 1;
	a->wakeup_events = 1;
	/* pid -1 and any CPU: a BPF program on a tracepoint or a kprobe fires on all CPUs. */
	fd = syscall(__NR_perf_event_open, a, -1, here(), -1, PERF_FLAG_FD_CLOEXEC);
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

int tp_attach(int tp_id, int prog_fd)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_TRACEPOINT;
	a.config = (unsigned long long)tp_id;
	return prog_fd < 0 ? tp_warm_open(&a) : attach_event(&a, prog_fd);
}

#ifndef MINISNOOP_TINY
/* A small number from a sysfs file ("6\n", "config:0\n" after prefix); -1 if not that. */
static int sys_small(const char *path, const char *prefix)
{
	char b[64];
	ssize_t n = read_small_file(path, b, sizeof(b));
	size_t pl = strlen(prefix);
	int v = 0, digits = 0;

	if (n <= (ssize_t)pl || strncmp(b, prefix, pl))
		return -1;
	for (const char *p = b + pl; *p >= '0' && *p <= '9' && digits < 6; p++, digits++)
		v = v * 10 + (*p - '0');
	return digits && digits < 6 ? v : -1;
}

int kprobe_attach(const char *func, unsigned long long offset, bool ret, int prog_fd)
{
	struct perf_event_attr a;
	int type = sys_small("/sys/bus/event_source/devices/kprobe/type", ""), bit = 0;

	if (type < 0)
		return -ENOENT; /* no kprobe PMU: CONFIG_KPROBE_EVENTS off, or no sysfs */
	if (ret && (bit = sys_small("/sys/bus/event_source/devices/kprobe/format/retprobe",
				    "config:")) < 0)
		return -ENOTSUP;
	memset(&a, 0, sizeof(a));
	a.type = (unsigned)type;
	a.config = ret ? 1ull << bit : 0;
	a.config1 = (unsigned long long)(uintptr_t)func; /* kprobe_func */
	a.config2 = offset;				 /* probe_offset */
	return attach_event(&a, prog_fd);
}
#endif

/*
 * Each detach waits for RCU grace periods under one kernel mutex, so that detaches add up
 * (20-40 ms each here) even from parallel threads. A child takes them over: it holds
 * copies of the events and nothing else, and we can exit at once, everything written.
 */
#ifndef __NR_close_range
#define __NR_close_range 436 /* the same on every ISA */
#endif

void close_all_but(const int *keep, size_t n)
{
	unsigned lo = 0;

	for (;;) {
		int next = -1; /* the lowest kept at or over lo */

		for (size_t k = 0; k < n; k++)
			if (keep[k] >= (int)lo && (next < 0 || keep[k] < next))
				next = keep[k];
		if (next != (int)lo &&
		    syscall(__NR_close_range, lo, next < 0 ? ~0u : (unsigned)next - 1, 0))
			for (unsigned fd = lo; fd < (next < 0 ? 1024u : (unsigned)next); fd++)
				close((int)fd);
		if (next < 0)
			return;
		lo = (unsigned)next + 1;
	}
}

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
		close_all_but(fds, n);
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
