// SPDX-License-Identifier: MIT
/* After attaching, minisnoop keeps no privilege: the rings and counters are mmapped. */
#include "fmt.h"
#include "privs.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fail(char *err, size_t errlen, const char *what)
{
	int e = errno;

	ms_snprintf(err, errlen, "%s: %s", what, strerror(e));
	return -e;
}

int privs_drop(const struct run_as *as, char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct none[2];

	/* Raw syscalls: minisnoop has one thread, so libc's all-threads machinery (a kilobyte
	 * in a static binary) is not needed. */
	if (as && as->set) {
		gid_t g = (gid_t)as->gid;

		if (syscall(SYS_setgroups, 1, &g) || syscall(SYS_setresgid, g, g, g))
			return fail(err, errlen, "-Z: switching group");
		if (syscall(SYS_setresuid, as->uid, as->uid, as->uid))
			return fail(err, errlen, "-Z: switching user");
	}
	memset(none, 0, sizeof(none));
	if (syscall(SYS_capset, &hdr, none))
		return fail(err, errlen, "dropping capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return fail(err, errlen, "setting no_new_privs");
	return 0;
}
