// SPDX-License-Identifier: MIT
/*
 * The boot test's 32-bit program (x86_64 image only, built static with
 * i686-linux-gnu-gcc): forks, and the child execs through the 32-bit (compat) execve, which
 * the sys_enter_execve tracepoints never see. The parent writes the child's pid to PIDFILE,
 * waits for it and exits with its status.
 *
 * Usage: exec32 PIDFILE [UID PATH]
 * The child runs: execve("/bin/busybox", {"echo", "exec32", "a b", "", NULL}, environ);
 * with UID and PATH it first takes that uid (and gid) and execs PATH instead, with the same
 * arguments: a missing PATH makes a failed compat execve (ret -2), which only minisnoop
 * --compat reports. tests/initramfs/guest.sh records the same path and arguments as the
 * truth.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	static char *const args[] = {"echo", "exec32", "a b", "", NULL};
	const char *path = "/bin/busybox";
	int status;
	pid_t pid;
	FILE *f;

	if (argc != 2 && argc != 4) {
		fputs("usage: exec32 PIDFILE [UID PATH]\n", stderr);
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("exec32: fork");
		return 1;
	}
	if (pid == 0) {
		if (argc == 4) {
			unsigned id = (unsigned)strtoul(argv[2], NULL, 10);

			if (setgid(id) || setuid(id)) {
				perror("exec32: setuid");
				_exit(126);
			}
			path = argv[3];
		}
		execve(path, args, environ);
		perror("exec32: execve");
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
