#!/bin/sh
# shellcheck shell=dash
# The busybox boot's guest side (tools/boot-service.sh): /etc/minisnoop-rc in the initramfs,
# sourced by /init (tools/initramfs-init.sh) as PID 1. Starts minisnoop first, with the
# shipped busybox init script (/etc/init.d/S01minisnoop, as make install lays it out), then
# execs known commands as PID 1's children and a grandchild, and prints on the console, as
# `@@bb` lines, what minisnoop wrote and the truth; tools/service-boot/check.py compares.
# The sink: -j --kmsg (the events read back with dmesg), with printk_devkmsg on, so that the
# kernel keeps every record: all the later execs of /init must be there. It is written to the
# sysctl first thing rather than given as printk.devkmsg=on on the kernel's command line,
# which locks it (minisnoop reads the sysctl either way): at the end the kernel's default,
# ratelimit, where what the limit drops is counted and said. Sourced by PID 1: it must not
# `exit`.
bbsay() { echo "@@bb $*"; }
bbhex() { printf '%s' "$1" | hexdump -v -e '1/1 "%02x"'; }
bbsink=kmsg
mkdir -p /etc/default
echo 'MINISNOOP_OPTIONS="-j --kmsg"' >/etc/default/minisnoop
echo on >/proc/sys/kernel/printk_devkmsg
bbsay devkmsg "$(cat /proc/sys/kernel/printk_devkmsg)"
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
# more execs than the kernel's default limit keeps (10 per 5 s): all of them must be there
bbi=1
while [ $bbi -le 40 ]; do
	/bin/busybox true msk-L $bbi
	bbi=$((bbi + 1))
done
bbsay loop 40
# stop: SIGTERM, everything written, the pid file gone
/etc/init.d/S01minisnoop stop
bbsay stop-rc $?
if [ -e /run/minisnoop.pid ]; then bbsay pidfile-left; else bbsay pidfile-gone; fi
dmesg | grep -F 'msk-' | grep -F 'minisnoop[' | while IFS= read -r l; do bbsay "out| $l"; done
# the kernel saying it suppressed writes of minisnoop's: none may be
dmesg | grep -F 'minisnoop' | grep -i 'suppressed' | while IFS= read -r l; do bbsay "suppressed| $l"; done

# the kernel's default, ratelimit: minisnoop says so at start, sends only what the kernel
# keeps, and counts the rest (its summary on stderr at SIGTERM)
echo ratelimit >/proc/sys/kernel/printk_devkmsg
/bin/minisnoop -j --kmsg --pidfile /run/rl.pid 2>/tmp/rl.err &
bbrl=$!
bbi=0
while [ ! -s /run/rl.pid ] && [ $bbi -lt 300 ]; do sleep 0.1; bbi=$((bbi + 1)); done
bbi=1
while [ $bbi -le 30 ]; do
	/bin/busybox true msk-R $bbi
	bbi=$((bbi + 1))
done
kill $bbrl
wait $bbrl
bbsay rl-rc $?
while IFS= read -r l; do bbsay "rl-err| $l"; done </tmp/rl.err
bbsay rl-records "$(dmesg | grep -F 'minisnoop[' | grep -cF '"msk-R"')"
bbsay rl-total "$(dmesg | grep -cF "minisnoop[$bbrl]: {")"
bbsay "done"
