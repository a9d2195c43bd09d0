/*
 * startstop: how fast a tracer starts and stops, for `make bench`.
 *
 *   startstop [-i INTERVAL_US] [-t TIMEOUT_S] [-r READY] -m MARKER TAG -- TRACER [ARGS...]
 *
 * Runs TRACER with its stdout and stderr on pipes. The clock starts in the
 * child just before it execs TRACER. From then on, MARKER is exec'd with the
 * one argument TAG.a every INTERVAL_US (default 1000) until a line naming
 * TAG.a arrives on TRACER's stdout: the first event line. Then, once those
 * markers are reaped, MARKER TAG.z is run to its end (its exec has been seen
 * by every tracepoint), TRACER gets SIGTERM, and the clock runs until TRACER
 * has exited, and on until the processes it left behind have too (this is
 * their subreaper): a tracer may leave the slow detaches to a child, whose end
 * is when its programs are detached. What TRACER writes after the signal is
 * still read, and must name TAG.z: what the kernel had written when the signal
 * came is not lost at the exit.
 *
 * Prints one line on stdout, times in ms since TRACER's exec (exit, detached:
 * since the SIGTERM), -1 when it never happened:
 *
 *   first=12.3 ready=8.1 exit=4.2 detached=150.3 last=1 status=0
 *
 * ready is when READY (default "tracing") first appears on TRACER's stderr or
 * stdout: what it writes once it is attached; last is 1 when TAG.z was
 * written; status is TRACER's exit status, or "sigN" when a signal ended it.
 * TRACER's stderr is copied to ours. Exit status: 0 measured, 1 TRACER ended or TIMEOUT_S
 * (default 30) passed before the first event line or before it exited after
 * SIGTERM (it is killed then), or a system call failed, 2 usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "toolarg.h"

extern char **environ;

#define TAIL 255 /* bytes kept between reads, so that a needle split by a read is found */

/* One output pipe of the tracer, searched for needles as it is read. */
struct stream {
	int fd;
	char buf[65536 + TAIL];
	size_t kept;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: startstop [-i INTERVAL_US] [-t TIMEOUT_S] [-r READY] -m MARKER TAG -- "
		"TRACER [ARGS...]\n"
		"  times TRACER's first event line (an exec of MARKER TAG.a), its READY\n"
		"  message on stderr or stdout (default \"tracing\") and its exit after SIGTERM\n");
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * Reads what is there. Returns the bytes read (0 at end of file, -1 when
 * nothing was there); *hit[k] is set when needle k is in what was read (or
 * straddles the previous read). copy: a descriptor to copy the bytes to, or -1.
 */
static ssize_t stream_read(struct stream *s, const char *const *needle, int *hit, int n, int copy)
{
	ssize_t r = read(s->fd, s->buf + s->kept, sizeof(s->buf) - s->kept);
	size_t len;

	if (r <= 0)
		return r < 0 ? -1 : 0;
	if (copy >= 0 && write(copy, s->buf + s->kept, (size_t)r) < 0) {
		/* our stderr gone: nothing to report it on, the figures still count */
	}
	len = s->kept + (size_t)r;
	for (int k = 0; k < n; k++)
		if (!hit[k] && memmem(s->buf, len, needle[k], strlen(needle[k])))
			hit[k] = 1;
	s->kept = len < TAIL ? len : TAIL;
	memmove(s->buf, s->buf + len - s->kept, s->kept);
	return r;
}

static pid_t spawn(const char *prog, const char *arg)
{
	char *argv[] = {(char *)prog, (char *)arg, NULL};
	pid_t pid;
	int err = posix_spawn(&pid, prog, NULL, NULL, argv, environ);

	if (err) {
		fprintf(stderr, "startstop: cannot run %s: %s\n", prog, strerror(err));
		return -1;
	}
	return pid;
}

static void fmt_ms(char *out, size_t len, double ms)
{
	if (ms < 0)
		snprintf(out, len, "-1");
	else
		snprintf(out, len, "%.1f", ms);
}

int main(int argc, char **argv)
{
	const char *marker = NULL, *ready = "tracing";
	long interval_us = 1000, timeout_s = 30;
	char tag_a[256], tag_z[256], f[4][32], st[32] = "-1";
	const char *out_needles[3] = {tag_a, NULL, tag_z}; /* NULL: READY, set below */
	int out_hit[3] = {0, 0, 0}, err_hit[1] = {0};
	static struct stream out, err;
	int opt, op[2], ep[2], pidfd, status = 0, exited = 0, outstanding = 0, rc = 0;
	volatile double *t0;
	double first = -1, ready_at = -1, exit_ms = -1, detached = -1, t_kill = 0, next;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+i:t:r:m:h")) != -1) {
		switch (opt) {
		case 'i':
			interval_us =
			    (long)tool_count("startstop", optarg, "-i", 10L * 1000 * 1000);
			break;
		case 't':
			timeout_s = (long)tool_count("startstop", optarg, "-t", 3600);
			break;
		case 'r':
			ready = optarg;
			break;
		case 'm':
			marker = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!marker || argc - optind < 3 || strcmp(argv[optind + 1], "--") ||
	    strlen(argv[optind]) > sizeof(tag_a) - 3) {
		usage(stderr);
		return 2;
	}
	snprintf(tag_a, sizeof(tag_a), "%s.a", argv[optind]);
	snprintf(tag_z, sizeof(tag_z), "%s.z", argv[optind]);
	argv += optind + 2;
	out_needles[1] = ready;

	/* What the tracer leaves behind becomes our child: we see it end. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1)) {
		perror("startstop: PR_SET_CHILD_SUBREAPER");
		return 1;
	}
	/* The child writes its clock here just before exec. */
	t0 = mmap(NULL, sizeof(*t0), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t0 == MAP_FAILED || pipe2(op, O_CLOEXEC) || pipe2(ep, O_CLOEXEC)) {
		perror("startstop: setup");
		return 1;
	}
	*t0 = -1;
	pid = fork();
	if (pid < 0) {
		perror("startstop: fork");
		return 1;
	}
	if (pid == 0) {
		if (dup2(op[1], STDOUT_FILENO) < 0 || dup2(ep[1], STDERR_FILENO) < 0)
			_exit(127);
		*t0 = now_ms();
		execvp(argv[0], argv);
		fprintf(stderr, "startstop: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(op[1]);
	close(ep[1]);
	out.fd = op[0];
	err.fd = ep[0];
	fcntl(out.fd, F_SETFL, O_NONBLOCK);
	fcntl(err.fd, F_SETFL, O_NONBLOCK);
	/* Tells when the tracer has exited, to the µs; without it (before 5.3), 1 ms polls. */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	/* Until the first event line: markers every interval, the pipes read as they fill. */
	while (*t0 < 0 && !exited)
		if (waitpid(pid, &status, WNOHANG) == pid)
			exited = 1;
	next = now_ms();
	while (first < 0 && !exited) {
		struct pollfd p[2] = {{out.fd, POLLIN, 0}, {err.fd, POLLIN, 0}};
		double now = now_ms(), wait_ms;
		pid_t w;
		int ws;

		if (now - *t0 > (double)timeout_s * 1e3) {
			fprintf(stderr, "startstop: no line naming %s within %ld s\n", tag_a,
				timeout_s);
			rc = 1;
			break;
		}
		if (now >= next) {
			if (spawn(marker, tag_a) < 0) {
				rc = 1;
				break;
			}
			outstanding++;
			next += (double)interval_us / 1e3;
			if (next < now)
				next = now;
		}
		wait_ms = next - now_ms();
		poll(p, 2, wait_ms > 0 ? (int)wait_ms + 1 : 0);
		now = now_ms();
		/* stdout: the first marker (out_hit[0]) or READY (out_hit[1]) */
		if (p[0].revents) {
			stream_read(&out, out_needles, out_hit, 2, -1);
			if (out_hit[0])
				first = now - *t0;
		}
		if (p[1].revents)
			stream_read(&err, &ready, err_hit, 1, STDERR_FILENO);
		if ((out_hit[1] || err_hit[0]) && ready_at < 0)
			ready_at = now - *t0;
		/* markers that ended, and the tracer if it did */
		while ((w = waitpid(-1, &ws, WNOHANG)) > 0) {
			if (w == pid) {
				status = ws;
				exited = 1;
			} else {
				outstanding--;
			}
		}
	}
	if (exited && first < 0) {
		fprintf(stderr, "startstop: %s ended before a line naming %s\n", argv[0], tag_a);
		rc = 1;
	}

	if (!rc) {
		/* The markers still running, then one more whose exec is done before SIGTERM. */
		int ms;

		while (outstanding > 0) {
			pid_t w = waitpid(-1, &ms, 0);

			if (w == pid) {
				status = ms;
				exited = 1;
			} else if (w > 0) {
				outstanding--;
			} else {
				break;
			}
		}
		pid_t z = exited ? -1 : spawn(marker, tag_z);

		if (z > 0)
			waitpid(z, &ms, 0);
		t_kill = now_ms();
		if (!exited)
			kill(pid, SIGTERM);
		while (!exited) {
			struct pollfd p[3] = {
			    {out.fd, POLLIN, 0}, {err.fd, POLLIN, 0}, {pidfd, POLLIN, 0}};

			if (now_ms() - t_kill > (double)timeout_s * 1e3) {
				fprintf(stderr,
					"startstop: %s still there %ld s after SIGTERM: killed\n",
					argv[0], timeout_s);
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
				rc = 1;
				break;
			}
			poll(p, 3, pidfd >= 0 ? 1000 : 1); /* a negative fd is skipped */
			if (waitpid(pid, &status, WNOHANG) == pid) {
				exit_ms = now_ms() - t_kill;
				exited = 1;
			}
			if (p[0].revents)
				stream_read(&out, out_needles, out_hit, 3, -1);
			if (p[1].revents)
				stream_read(&err, &ready, err_hit, 1, STDERR_FILENO);
		}
	}
	if (!exited) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	/* What it wrote before it ended (end of file, or nothing more from others holding the
	 * pipes). */
	while (stream_read(&out, out_needles, out_hit, 3, -1) > 0)
		;
	while (stream_read(&err, &ready, err_hit, 1, STDERR_FILENO) > 0)
		;
	/* The processes it left behind (the markers are all reaped by now). */
	for (;;) {
		pid_t w = waitpid(-1, NULL, WNOHANG);

		if (w < 0) {
			if (exit_ms >= 0)
				detached = now_ms() - t_kill;
			break;
		}
		if (w == 0) {
			struct timespec ms1 = {0, 1000000};

			if (now_ms() - t_kill > (double)timeout_s * 1e3) {
				fprintf(stderr,
					"startstop: what %s left behind is still there %ld s "
					"after SIGTERM\n",
					argv[0], timeout_s);
				rc = 1;
				break;
			}
			nanosleep(&ms1, NULL);
		}
	}
	if (WIFEXITED(status))
		snprintf(st, sizeof(st), "%d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(st, sizeof(st), "sig%d", WTERMSIG(status));
	fmt_ms(f[0], sizeof(f[0]), first);
	fmt_ms(f[1], sizeof(f[1]), ready_at);
	fmt_ms(f[2], sizeof(f[2]), exit_ms);
	fmt_ms(f[3], sizeof(f[3]), detached);
	printf("first=%s ready=%s exit=%s detached=%s last=%d status=%s\n", f[0], f[1], f[2], f[3],
	       out_hit[2], st);
	return rc;
}
