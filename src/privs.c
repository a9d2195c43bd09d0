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

/* The effective capability set (capget: /proc/self/status would have to be read whole, and
 * many supplementary groups push its CapEff line far down). */
static int eff_caps(uint64_t *eff)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &hdr, d))
		return -errno;
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	return 0;
}

bool privs_has_cap(int cap)
{
	uint64_t eff = 0;

	if (eff_caps(&eff))
		return geteuid() == 0;
	return (eff >> cap) & 1;
}

int privs_check(const struct run_as *as, char *err, size_t errlen)
{
	bool uid = privs_has_cap(CAP_SETUID), gid = privs_has_cap(CAP_SETGID);

	if (!as || !as->set || (uid && gid))
		return 0;
	ms_snprintf(err, errlen,
		    "-Z: switching to uid %u needs CAP_SETUID and CAP_SETGID (missing%s%s): run as "
		    "root, or grant them",
		    as->uid, uid ? "" : " CAP_SETUID", gid ? "" : " CAP_SETGID");
	return -EPERM;
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
