/*
 * progstats: run-time statistics of the loaded BPF programs, for `make bench`.
 *
 *   progstats [-p PID] [ID...]
 *
 * Prints one line per loaded BPF program, in id order (only the programs
 * given, when ids are given):
 *
 *   ID NAME RUN_CNT RUN_TIME_NS
 *
 * NAME is the kernel's 15-character program name, "-" when it has none.
 * RUN_CNT and RUN_TIME_NS only grow while kernel.bpf_stats_enabled is 1 (or
 * a BPF_ENABLE_STATS descriptor is open); take two snapshots and subtract.
 * With -p PID, the first line is
 *
 *   pid PID CPU_NS
 *
 * the user+system CPU time of process PID (all its threads, also those that
 * have exited) in ns: the same sum as utime+stime in /proc/PID/stat, without
 * its 10 ms clock-tick resolution.
 *
 * Raw bpf() syscall, no libbpf, so that it builds wherever linux/bpf.h is.
 * Needs root (or CAP_SYS_ADMIN) to walk the programs. Exit status: 0 ok,
 * 1 a bpf() call failed, an id is not loaded or PID is gone, 2 usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "toolarg.h"

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static void usage(FILE *f)
{
	fprintf(f, "usage: progstats [-p PID] [ID...]\n"
		   "  prints 'ID NAME RUN_CNT RUN_TIME_NS' for each loaded BPF program\n"
		   "  (or each ID given); -p PID first prints 'pid PID CPU_NS'\n");
}

/*
 * Prints the line of program ID. Returns 0, -ENOENT when no program has that
 * id (it may have been unloaded since it was listed), or another -errno.
 */
static int print_prog(__u32 id)
{
	union bpf_attr attr;
	struct bpf_prog_info info;
	int fd, err = 0;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (fd < 0)
		return -errno;

	/* A kernel whose bpf_prog_info is shorter accepts ours: its tail is zero. */
	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (__u32)fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (__u64)(unsigned long)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) < 0)
		err = -errno;
	else
		printf("%u %.*s %llu %llu\n", id, (int)sizeof(info.name),
		       info.name[0] ? info.name : "-", (unsigned long long)info.run_cnt,
		       (unsigned long long)info.run_time_ns);
	close(fd);
	return err;
}

static int print_cpu(pid_t pid)
{
	clockid_t clk;
	struct timespec ts;
	int err = clock_getcpuclockid(pid, &clk);

	if (err) {
		fprintf(stderr, "progstats: process %d: %s\n", (int)pid, strerror(err));
		return 1;
	}
	if (clock_gettime(clk, &ts) < 0) {
		fprintf(stderr, "progstats: CPU time of process %d: %s\n", (int)pid,
			strerror(errno));
		return 1;
	}
	printf("pid %d %llu\n", (int)pid,
	       (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec);
	return 0;
}

/* Every loaded program, in id order. Returns 0 or 1 (and says why). */
static int print_all(void)
{
	union bpf_attr attr;
	int err, status = 0;

	memset(&attr, 0, sizeof(attr));
	for (;;) {
		if (sys_bpf(BPF_PROG_GET_NEXT_ID, &attr) < 0) {
			if (errno == ENOENT) /* past the last id */
				return status;
			fprintf(stderr, "progstats: listing BPF programs: %s%s\n", strerror(errno),
				errno == EPERM ? ": run as root" : "");
			return 1;
		}
		err = print_prog(attr.next_id);
		/* Unloaded between the listing and the lookup: not an error. */
		if (err && err != -ENOENT) {
			fprintf(stderr, "progstats: program %u: %s\n", attr.next_id,
				strerror(-err));
			status = 1;
		}
		attr.start_id = attr.next_id;
	}
}

int main(int argc, char **argv)
{
	pid_t pid = 0;
	int opt, err, status = 0;

	while ((opt = getopt(argc, argv, "hp:")) != -1) {
		switch (opt) {
		case 'p':
			pid = (pid_t)tool_count("progstats", optarg, "-p", INT_MAX);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	for (int i = optind; i < argc; i++) /* all ids checked before any output */
		tool_count("progstats", argv[i], "program id", UINT_MAX);

	if (pid && print_cpu(pid))
		return 1;

	if (optind < argc) {
		for (int i = optind; i < argc; i++) {
			__u32 id = (__u32)strtoul(argv[i], NULL, 10);

			err = print_prog(id);
			if (err) {
				fprintf(stderr, "progstats: program %u: %s\n", id,
					err == -ENOENT ? "not loaded" : strerror(-err));
				status = 1;
			}
		}
	} else {
		status = print_all();
	}
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "progstats: writing: %s\n", strerror(errno));
		return 1;
	}
	return status;
}
