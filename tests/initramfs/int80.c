// SPDX-License-Identifier: MIT
/*
 * The boot test's 64-bit program that execs through the 32-bit entry (x86_64 image only,
 * built static and not position-independent, so that its data lies below 4 GiB where a
 * 32-bit pointer reaches): forks; the child takes UID (and gid) and calls execve with
 * `int $0x80` (i386 number 11), PATH and argv {"int80", "x y", NULL} as 32-bit pointers.
 * The syscalls:sys_enter_execve tracepoints never see it; a missing PATH fails with -2, which
 * only minisnoop --compat reports. The parent writes the child's pid to PIDFILE, waits for it
 * and exits with its status.
 *
 * Usage: int80 PIDFILE UID PATH
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char path32[256], arg0[] = "int80", arg1[] = "x y";
static uint32_t argv32[3], envp32[1];

/* eax = 11 (the i386 execve), ebx, ecx, edx: the compat entry takes their low halves */
static long int80_execve(void)
{
	long ret = 11;

	argv32[0] = (uint32_t)(uintptr_t)arg0;
	argv32[1] = (uint32_t)(uintptr_t)arg1;
	__asm__ volatile("int $0x80"
			 : "+a"(ret)
			 : "b"((uint32_t)(uintptr_t)path32), "c"((uint32_t)(uintptr_t)argv32),
			   "d"((uint32_t)(uintptr_t)envp32)
			 : "memory");
	return ret;
}

int main(int argc, char **argv)
{
	int status;
	pid_t pid;
	FILE *f;

	if (argc != 4 || strlen(argv[3]) >= sizeof(path32)) {
		fputs("usage: int80 PIDFILE UID PATH\n", stderr);
		return 2;
	}
	if ((uintptr_t)argv32 > UINT32_MAX || (uintptr_t)path32 > UINT32_MAX) {
		fputs("int80: data above 4 GiB: build with -static -no-pie\n", stderr);
		return 2;
	}
	strcpy(path32, argv[3]);
	pid = fork();
	if (pid < 0) {
		perror("int80: fork");
		return 1;
	}
	if (pid == 0) {
		unsigned id = (unsigned)strtoul(argv[2], NULL, 10);

		if (setgid(id) || setuid(id)) {
			perror("int80: setuid");
			_exit(126);
		}
		fprintf(stderr, "int80: execve returned %ld\n", int80_execve());
		_exit(127);
	}
	f = fopen(argv[1], "w");
	if (!f || fprintf(f, "%d\n", (int)pid) < 0 || fclose(f) != 0)
		perror("int80: writing the pid file");
	if (waitpid(pid, &status, 0) < 0) {
		perror("int80: waitpid");
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
