#!/bin/sh
# shellcheck shell=dash
# The busybox boot's guest side (tools/boot-service.sh): /etc/minisnoop-rc in the initramfs,
# sourced by /init (tools/initramfs-init.sh) as PID 1. Starts minisnoop first, with the
# shipped busybox init script (/etc/init.d/S01minisnoop, as make install lays it out), then
# execs known commands as PID 1's children and a grandchild, and prints on the console, as
# `@@bb` lines, what minisnoop wrote and the truth; tools/service-boot/check.py compares.
# The sink: --kmsg when the build has it (the events read back with dmesg), else -w to a file
# in the initramfs. Sourced by PID 1: it must not `exit`.
bbsay() { echo "@@bb $*"; }
bbhex() { printf '%s' "$1" | hexdump -v -e '1/1 "%02x"'; }
# [sinks] --kmsg preferred once the build has it (issue 18); -j either way
if /bin/minisnoop --help 2>&1 | grep -q -- '--kmsg'; then
	bbsink=kmsg
	echo 'MINISNOOP_OPTIONS="-j --kmsg"' >/etc/default/minisnoop
else
	bbsink='file'
	echo 'MINISNOOP_OPTIONS="-j -w /var/log/minisnoop/exec.log"' >/etc/default/minisnoop
fi
mkdir -p /usr/bin
ln -sf /bin/minisnoop /usr/bin/minisnoop # where make install PREFIX=/usr put it
bbsay begin "$(uname -r)" sink=$bbsink
/etc/init.d/S01minisnoop start >/tmp/start.out 2>&1
bbsay start-rc $?
while IFS= read -r l; do bbsay "start| $l"; done </tmp/start.out
bbsay status "$(/etc/init.d/S01minisnoop status)"

# NAME ARGV...: ARGV run as PID 1's child, the truth said
bbrun() {
	_n=$1
	shift
	"$@" >/dev/null 2>&1 &
	_p=$!
	wait $_p
	bbsay truth "$_n" pid=$_p ppid=$$ uid=0 argc=$#
	_i=0
	for _a; do
		bbsay arg "$_n" $_i "$(bbhex "$_a")"
		_i=$((_i + 1))
	done
}
bbsay pid1 $$
bbrun I1 /bin/busybox echo msk-I1 "two words" ""
bbrun I2 /bin/busybox true msk-I2
/bin/sh -c '/bin/busybox echo msk-I3 grandchild >/dev/null & echo $! >/tmp/gc.pid; wait' &
bbshpid=$!
wait $bbshpid
read -r bbgc </tmp/gc.pid
bbsay truth I3 pid="$bbgc" ppid=$bbshpid uid=0 argc=4
bbsay arg I3 0 "$(bbhex /bin/busybox)"
bbsay arg I3 1 "$(bbhex echo)"
bbsay arg I3 2 "$(bbhex msk-I3)"
bbsay arg I3 3 "$(bbhex grandchild)"
# reload (SIGHUP: the file reopened) must not stop it
/etc/init.d/S01minisnoop reload
bbsay reload-rc $?
sleep 1
bbsay status-after-reload "$(/etc/init.d/S01minisnoop status)"
bbrun I4 /bin/busybox echo msk-I4
# stop: SIGTERM, everything written, the pid file gone
/etc/init.d/S01minisnoop stop
bbsay stop-rc $?
if [ -e /run/minisnoop.pid ]; then bbsay pidfile-left; else bbsay pidfile-gone; fi
if [ $bbsink = kmsg ]; then
	dmesg | grep -F 'msk-I' | while IFS= read -r l; do bbsay "out| $l"; done
else
	bbsay file-mode "$(stat -c '%a' /var/log/minisnoop/exec.log)"
	grep -F '"msk-I' /var/log/minisnoop/exec.log | while IFS= read -r l; do bbsay "out| $l"; done
fi
bbsay "done"
