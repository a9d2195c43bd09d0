/*
 * storm: exec storm generator for `make bench`.
 *
 *   storm [-n N] [-w K] [-p PROGRAM] [ARGS...]
 *
 * K worker processes together run N fork+execve of PROGRAM with ARGS (argv[0]
 * is PROGRAM as given), each worker waiting for its child before the next.
 * PROGRAM defaults to true-static next to this executable (build/true-static).
 * Prints one line on stdout:
 *
 *   execs=8000 workers=2 seconds=1.234 rate=6482.1 failed=0
 *
 * seconds is CLOCK_MONOTONIC from before the first worker starts until the last
 * one is reaped; failed counts children that did not exit with status 0 (an
 * execve that fails exits 127). Exit status: 0 all good, 1 some child failed or
 * a fork/wait failed, 2 usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "toolarg.h"

extern char **environ;

#define MAX_WORKERS 4096

/* One per worker, in memory shared with the workers and their children. */
struct tally {
	long done;	/* children reaped */
	long failed;	/* children that did not exit 0 */
	int exec_errno; /* errno of a failed execve, written by the child */
	int sys_errno;	/* errno of a failed fork/waitpid in the worker */
	const char *sys_what;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: storm [-n N] [-w K] [-p PROGRAM] [ARGS...]\n"
		   "  -n N        execs in total (default 8000)\n"
		   "  -w K        worker processes (default 2)\n"
		   "  -p PROGRAM  program to exec (default: true-static beside storm)\n");
}

/* true-static in the directory of this executable, else build/true-static. */
static const char *default_program(void)
{
	static char path[PATH_MAX];
	const size_t tail = sizeof("/true-static");
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - tail);
	char *slash;

	if (n <= 0 || (size_t)n >= sizeof(path) - tail)
		return "build/true-static";
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (!slash)
		return "build/true-static";
	strcpy(slash, "/true-static");
	return path;
}

static int worker(const char *prog, char **argv, long n, struct tally *t)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;

		if (pid < 0) {
			t->sys_errno = errno;
			t->sys_what = "fork";
			return 1;
		}
		if (pid == 0) {
			execve(prog, argv, environ);
			t->exec_errno = errno;
			_exit(127);
		}
		while (waitpid(pid, &st, 0) < 0) {
			if (errno != EINTR) {
				t->sys_errno = errno;
				t->sys_what = "waitpid";
				return 1;
			}
		}
		t->done++;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			t->failed++;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long n = 8000, k = 2, done = 0, failed = 0;
	const char *prog = NULL;
	struct tally *tally;
	pid_t *pids;
	char **cargv;
	double t0, secs;
	int opt, exec_errno = 0, rc = 0;

	while ((opt = getopt(argc, argv, "+n:w:p:h")) != -1) {
		switch (opt) {
		case 'n':
			n = (long)tool_count("storm", optarg, "-n", LONG_MAX / 2);
			break;
		case 'w':
			k = (long)tool_count("storm", optarg, "-w", MAX_WORKERS);
			break;
		case 'p':
			prog = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!prog)
		prog = default_program();
	if (access(prog, X_OK) != 0) {
		fprintf(stderr, "storm: %s: %s%s\n", prog, strerror(errno),
			errno == ENOENT ? " (make tools builds it)" : "");
		return 1;
	}

	/* argv for the children: PROGRAM, then ARGS. */
	cargv = calloc((size_t)(argc - optind) + 2, sizeof(*cargv));
	pids = calloc((size_t)k, sizeof(*pids));
	if (!cargv || !pids) {
		fprintf(stderr, "storm: out of memory\n");
		return 1;
	}
	cargv[0] = (char *)prog;
	for (int i = optind; i < argc; i++)
		cargv[i - optind + 1] = argv[i];

	tally = mmap(NULL, (size_t)k * sizeof(*tally), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tally == MAP_FAILED) {
		fprintf(stderr, "storm: mmap: %s\n", strerror(errno));
		return 1;
	}

	fflush(NULL);
	t0 = now();
	for (long w = 0; w < k; w++) {
		long share = n / k + (w < n % k);

		pids[w] = fork();
		if (pids[w] < 0) {
			int e = errno;

			for (long j = 0; j < w; j++)
				kill(pids[j], SIGKILL);
			while (wait(NULL) > 0 || errno == EINTR)
				;
			fprintf(stderr, "storm: fork of worker %ld: %s\n", w + 1, strerror(e));
			return 1;
		}
		if (pids[w] == 0)
			_exit(worker(prog, cargv, share, &tally[w]));
	}
	for (long w = 0; w < k; w++) {
		int st;

		while (waitpid(pids[w], &st, 0) < 0) {
			if (errno != EINTR) {
				fprintf(stderr, "storm: waitpid: %s\n", strerror(errno));
				return 1;
			}
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			rc = 1;
	}
	secs = now() - t0;

	for (long w = 0; w < k; w++) {
		done += tally[w].done;
		failed += tally[w].failed;
		if (!exec_errno)
			exec_errno = tally[w].exec_errno;
	}
	printf("execs=%ld workers=%ld seconds=%.3f rate=%.1f failed=%ld\n", done, k, secs,
	       secs > 0 ? (double)done / secs : 0.0, failed);
	fflush(stdout);

	for (long w = 0; w < k; w++) {
		if (tally[w].sys_what) {
			fprintf(stderr, "storm: worker %ld: %s: %s\n", w + 1, tally[w].sys_what,
				strerror(tally[w].sys_errno));
			return 1;
		}
	}
	if (rc) {
		fprintf(stderr, "storm: a worker died\n");
		return 1;
	}
	if (failed) {
		if (exec_errno)
			fprintf(stderr, "storm: %ld of %ld children failed: exec %s: %s\n", failed,
				done, prog, strerror(exec_errno));
		else
			fprintf(stderr, "storm: %ld of %ld children did not exit 0\n", failed,
				done);
		return 1;
	}
	return 0;
}
