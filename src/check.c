// SPDX-License-Identifier: MIT
/* One line per requirement: ok or missing, and what to do about it. */
#include "check.h"

#include "bpf_sys.h"
#include "btf.h"
#include "programs.h"
#include "tracefs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static int failures;

static void line(bool ok, bool required, const char *what, const char *detail)
{
	printf("%-28s %-8s %s\n", what, ok ? "ok" : required ? "missing" : "no", detail);
	if (!ok && required)
		failures++;
}

/* Capability bit cap in CapEff of /proc/self/status. */
static bool has_cap(int cap)
{
	char buf[2048], *p;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return geteuid() == 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	p = strstr(buf, "CapEff:");
	return p && (strtoull(p + 7, NULL, 16) >> cap) & 1;
}

int cmd_check(int argc, char **argv)
{
	struct utsname u;
	char buf[256], jit[8] = "";
	const char *dir;
	bool priv;
	int err, fd, k;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "minisnoop: check takes no arguments\n");
		return 2;
	}
	failures = 0;
	uname(&u);
	snprintf(buf, sizeof(buf), "%s %s (5.5 or later needed)", u.release, u.machine);
	{
		char *dot;
		long maj = strtol(u.release, &dot, 10), min = 0;

		if (*dot == '.')
			min = strtol(dot + 1, NULL, 10);
		line(maj > 5 || (maj == 5 && min >= 5), true, "kernel version", buf);
	}
	/* CAP_SYS_ADMIN = 21, CAP_PERFMON = 38, CAP_BPF = 39 */
	priv = has_cap(21) || (has_cap(38) && has_cap(39));
	line(priv, true, "privileges",
	     priv ? "CAP_SYS_ADMIN or CAP_BPF+CAP_PERFMON"
		  : "run as root, or grant CAP_BPF and CAP_PERFMON");

	if (bpf_usable(buf, sizeof(buf)) == 0)
		line(true, true, "bpf() usable", "created a test map");
	else
		line(false, true, "bpf() usable", buf);

	dir = tracefs_find(true, &err);
	if (dir)
		snprintf(buf, sizeof(buf), "%s%s", dir,
			 tracefs_mounted_by_us() ? " (mounted it now)" : "");
	else
		snprintf(buf, sizeof(buf), "cannot mount tracefs: %s (CONFIG_FTRACE, root)",
			 strerror(-err));
	line(dir != NULL, true, "tracefs", buf);

	for (k = 0; k < P_COUNT; k++) {
		int id = dir ? tracefs_event_id(prog_defs[k].tp_category, prog_defs[k].tp_event)
			     : -ENOENT;
		char what[64];

		snprintf(what, sizeof(what), "tracepoint %s", prog_defs[k].tp_event);
		if (id >= 0)
			snprintf(buf, sizeof(buf), "id %d", id);
		else
			snprintf(buf, sizeof(buf), "%s (CONFIG_FTRACE_SYSCALLS)", strerror(-id));
		/* fork tracking is needed only without BTF */
		line(id >= 0, k != P_FORK, what, buf);
	}

	{
		struct prog_cfg c;
		int r = progset_btf_offsets(&c);

		if (!r)
			snprintf(buf, sizeof(buf),
				 "task_struct.real_parent at %u, tgid at %u, mm at %u; "
				 "mm_struct.arg_start at %u: ppid and late argv from BTF",
				 c.off_real_parent, c.off_tgid, c.off_mm, c.off_arg_start);
		else
			snprintf(buf, sizeof(buf),
				 "%s: %s: ppid from fork tracking (exact for processes started "
				 "after minisnoop)",
				 BTF_VMLINUX_PATH, strerror(-r));
		line(!r, false, "BTF", buf);
		if (getenv("MINISNOOP_NO_BTF"))
			line(true, false, "ppid source", "fork tracking (MINISNOOP_NO_BTF set)");
	}

	fd = open("/proc/sys/net/core/bpf_jit_enable", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, jit, sizeof(jit) - 1);

		close(fd);
		jit[n > 0 ? n : 0] = 0;
		jit[strcspn(jit, "\n")] = 0;
	}
	snprintf(buf, sizeof(buf), "bpf_jit_enable=%s%s", jit[0] ? jit : "?",
		 jit[0] == '1' || jit[0] == '2' ? ""
						: " (interpreted: slower; sysctl "
						  "net.core.bpf_jit_enable=1)");
	line(jit[0] == '1' || jit[0] == '2', false, "JIT", buf);

	if (failures)
		printf("minisnoop cannot trace here: %d requirement%s missing\n", failures,
		       failures > 1 ? "s" : "");
	else
		printf("minisnoop can trace here\n");
	return failures ? 1 : 0;
}
