// SPDX-License-Identifier: MIT
/*
 * The boot test's 32-bit program (x86_64 image only, built static with
 * i686-linux-gnu-gcc): forks, and the child execs busybox echo with known arguments through
 * the 32-bit (compat) execve, which the sys_enter_execve tracepoints never see. The parent
 * writes the child's pid to PIDFILE, waits for it and exits with its status.
 *
 * Usage: exec32 PIDFILE
 * The child runs: execve("/bin/busybox", {"echo", "exec32", "a b", "", NULL}, environ);
 * tests/initramfs/guest.sh records the same path and arguments as the truth.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	static char *const args[] = {"echo", "exec32", "a b", "", NULL};
	int status;
	pid_t pid;
	FILE *f;

	if (argc != 2) {
		fputs("usage: exec32 PIDFILE\n", stderr);
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("exec32: fork");
		return 1;
	}
	if (pid == 0) {
		execve("/bin/busybox", args, environ);
		perror("exec32: execve /bin/busybox");
		_exit(127);
	}
	f = fopen(argv[1], "w");
	if (!f || fprintf(f, "%d\n", (int)pid) < 0 || fclose(f) != 0)
		perror("exec32: writing the pid file");
	if (waitpid(pid, &status, 0) < 0) {
		perror("exec32: waitpid");
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
