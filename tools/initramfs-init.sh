#!/bin/busybox sh
# shellcheck shell=dash
# /init of a minisnoop initramfs (built by tools/initramfs.sh): busybox and minisnoop only.
#
# Mounts proc, sysfs and devtmpfs and nothing else: tracefs is left to minisnoop, which
# mounts it itself. Then runs /etc/minisnoop-rc when the image has one (the boot test's
# guest script), else `minisnoop check` and a shell on the console. Powers off at the end.
# The rc is sourced: it runs in this process, PID 1, so that what it starts itself are
# init's own children (ppid 1). It must not `exit` (that would kill init: a panic).
# Kernel command-line words of the form NAME=VALUE that the kernel does not know reach
# this script as environment variables, e.g. MINISNOOP_NO_BTF=1.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
# The image carries /dev/console when built as root; reopen it from devtmpfs either way.
exec 0</dev/console 1>/dev/console 2>&1
/bin/busybox --install -s
echo "minisnoop-initramfs: $(uname -r) $(uname -m), $(nproc) CPU(s)"

if [ -f /etc/minisnoop-rc ]; then
	# shellcheck source=/dev/null
	. /etc/minisnoop-rc
	echo "minisnoop-initramfs: /etc/minisnoop-rc exited with status $?"
else
	/bin/minisnoop check
	echo "minisnoop-initramfs: 'minisnoop' traces execs; leave the shell to power off"
	setsid cttyhack sh -l
fi
sync
poweroff -f
