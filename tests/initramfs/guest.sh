#!/bin/sh
# shellcheck shell=dash disable=SC3045,SC2016,SC2154,SC2034 # busybox ash: read -t; names set or read by eval
# The boot test's guest side: /etc/minisnoop-rc in the initramfs (tools/initramfs-init.sh
# sources it, as PID 1, with proc, sysfs and devtmpfs mounted, nothing else). Runs minisnoop
# check and verify, traces a fixed set of execs with `minisnoop -j --count N`, and prints on
# the console, between `@@ms` markers, what minisnoop captured and the truth: pids from $!,
# $$ and the programs that fork, the exec's expected return value, its path and every
# argument, hex-encoded. The host (tests/initramfs/check.py) compares the two. Nothing here
# knows what minisnoop printed.
#
# While the tracer runs, this shell execs nothing but the test commands (only builtins and
# forks), so that the N events are exactly the N expected ones.

# The command PID 1 runs as its own child while the tracer runs (ppid 1): with_marker CMD...
# runs CMD... followed by the marker's argv.
with_marker() { "$@" /bin/busybox echo "init child" "ppid 1"; }
spawn() { "$@" >/dev/null 2>&1 & }

# --- PID 1's side -----------------------------------------------------------------------
# Sourced by /init, this first runs as PID 1. It starts the test proper (this file again, as
# a child shell) and serves it: `run` on /tmp/init.req starts the marker as PID 1's own child
# and writes its pid to /tmp/init-child.pid; `end STATUS` comes when the test is over. Only
# builtins and that one fork+exec happen here meanwhile. Never `exit` here: that kills init.
if [ "$$" = 1 ]; then
	mkfifo /tmp/init.req
	exec 3<>/tmp/init.req
	(
		/bin/sh /etc/minisnoop-rc
		echo "end $?" >/tmp/init.req
	) 3<&- &
	_st=1
	while read -r _req _st <&3; do
		case "$_req" in
		run)
			with_marker spawn
			echo "$!" >/tmp/init-child.pid
			;;
		end) break ;;
		esac
	done
	exec 3<&-
	wait
	return "${_st:-1}"
fi

say() { echo "@@ms $*"; }
stamp() { read -r up _ </proc/uptime; say "at $1 $up"; }
hex() { printf '%s' "$1" | hexdump -v -e '1/1 "%02x"'; }

stamp userspace
say kernel "$(uname -r)" "$(uname -m)" cpus="$(nproc)"
# no-btf: asked for (MINISNOOP_NO_BTF=1 on the kernel command line), or a kernel without BTF
if [ -n "${MINISNOOP_NO_BTF:-}" ] || [ ! -e /sys/kernel/btf/vmlinux ]; then mode=no-btf; else mode=btf; fi
say mode $mode
# tracefs_state WHEN: says whether tracefs is mounted; `tracefs_state WHEN unmount` also
# unmounts it, so that the next minisnoop command has to mount it again itself.
tracefs_state() {
	if grep -qE ' (tracefs|debugfs) ' /proc/mounts; then
		say "tracefs-$1 mounted"
		if [ "${2:-}" = unmount ]; then
			umount /sys/kernel/tracing /sys/kernel/debug/tracing /sys/kernel/debug 2>/dev/null
			! grep -qE ' (tracefs|debugfs) ' /proc/mounts || say "bad-test cannot unmount tracefs"
		fi
	else
		say "tracefs-$1 absent"
	fi
}
tracefs_state before

# --- check --------------------------------------------------------------------------
minisnoop check >/tmp/check.out 2>&1
rc=$?
while IFS= read -r l; do say "check| $l"; done </tmp/check.out
say check-rc $rc
tracefs_state after-check unmount
stamp check

# --- the tiny build's check (x86_64 images): its code is unpacked at start
if [ -x /bin/minisnoop-tiny ]; then
	minisnoop-tiny check >/tmp/tiny.out 2>&1
	rc=$?
	while IFS= read -r l; do say "tiny-check| $l"; done </tmp/tiny.out
	say tiny-check-rc $rc
	tracefs_state after-tiny-check unmount
fi

# --- verify: the full level-2 log is kept here, only its size and statistics are printed
minisnoop verify --log-level 1 >/tmp/verify.out 2>&1
rc=$?
say verify-rc $rc
say verify-size "$(wc -l </tmp/verify.out)" "$(wc -c </tmp/verify.out)"
grep 'processed [0-9]* insns' /tmp/verify.out | while IFS= read -r l; do say "verify-stat| $l"; done
[ $rc = 0 ] || tail -n 30 /tmp/verify.out | while IFS= read -r l; do say "verify-tail| $l"; done
tracefs_state after-verify unmount
stamp verify

# --- verify --prog --attach: a user's kprobe program attached through the kprobe PMU ----
printf 'type kprobe\n   0: (b7) r0 = 0\n   1: (95) exit\n' >/tmp/kp.txt
if [ -e /sys/bus/event_source/devices/kprobe/type ]; then
	for _at in kprobe:vfs_read kretprobe:vfs_read; do
		minisnoop verify --prog /tmp/kp.txt --attach $_at >/tmp/kp.out 2>&1
		say "attach-rc $_at $? $(grep -c "attached to $_at" /tmp/kp.out)"
		while IFS= read -r l; do say "attach| $l"; done </tmp/kp.out
	done
else
	say "attach-skip no /sys/bus/event_source/devices/kprobe (no CONFIG_KPROBE_EVENTS)"
fi

# --- the commands, and their truth ------------------------------------------------------
NCASES=0
CASES=""
# Optional truths, set after record: T_NAME_file, the path exec was given when argv[0] is
# not it; T_NAME_via=compat, an exec made by a 32-bit program (no syscall tracepoint sees it);
# T_NAME_uid and T_NAME_comm when not 0 and sh.
# record NAME PID PPID RET TRUNC ARGV...: keeps the truth in shell variables (no exec)
record() {
	_n=$1
	eval "T_${_n}_pid=\$2 T_${_n}_ppid=\$3 T_${_n}_ret=\$4 T_${_n}_trunc=\$5"
	shift 5
	eval "T_${_n}_argc=$#"
	_i=0
	for _a; do
		eval "T_${_n}_$_i=\$_a"
		_i=$((_i + 1))
	done
	CASES="$CASES $_n"
	NCASES=$((NCASES + 1))
}
# run NAME RET TRUNC ARGV...: runs ARGV as a child of this shell and records it
run() {
	_name=$1 _ret=$2 _tr=$3
	shift 3
	"$@" >/dev/null 2>&1 &
	_pid=$!
	wait $_pid
	record "$_name" $_pid $$ "$_ret" "$_tr" "$@"
}
nap() { read -r -t "$1" _ <>/tmp/nap.fifo; }

mkfifo /tmp/nap.fifo /tmp/go.fifo
printf 'not executable\n' >/tmp/noexec
chmod 644 /tmp/noexec
long=""
i=0
while [ $i -lt 300 ]; do long="${long}0123456789"; i=$((i + 1)); done # 3000 bytes
tab=$(printf '\t')
nl=$(printf 'new\nline.') # $() strips trailing newlines, not this one
nl=${nl%.}
ff=$(printf '\377') # not UTF-8: JSON must carry it as \udcff
# Forked before the tracer starts, execs after: its parent is older than minisnoop.
(
	read -r _ </tmp/go.fifo
	exec /bin/busybox sleep 2
) &
early=$!

EXPECT=11 # the cases below, with the init child
# The 32-bit program (x86_64 images only) and the exec it makes; the failed execs through the
# 32-bit entry, as uid 65534, by it and by int80 (a 64-bit program's `int $0x80`): their own
# execs always, their children's failures where --compat sees them (BTF; check.py asserts it).
exec32="" compatfail=""
if [ -x /bin/exec32 ]; then exec32=1 EXPECT=$((EXPECT + 3)); fi
if [ -n "$exec32" ] && [ -x /bin/int80 ]; then EXPECT=$((EXPECT + 1)); fi
if [ -n "$exec32" ] && [ $mode = btf ]; then compatfail=1 EXPECT=$((EXPECT + 1)); fi
if [ -n "$compatfail" ] && [ -x /bin/int80 ]; then EXPECT=$((EXPECT + 1)); fi
: >/tmp/trace.err # the loop below may read it before the tracer's redirection made it
minisnoop -j --compat --count $EXPECT >/tmp/trace.json 2>/tmp/trace.err &
ms=$!
# Wait for "minisnoop: tracing" with builtins only (no exec may happen once it attached).
i=0
attached=""
while [ $i -lt 1200 ]; do
	while IFS= read -r l; do
		case "$l" in *"minisnoop: tracing"*) attached=1 ;; esac
	done </tmp/trace.err
	[ -n "$attached" ] && break
	kill -0 $ms 2>/dev/null || break
	nap 0.1
	i=$((i + 1))
done
stamp attached
if [ -z "$attached" ]; then
	say trace-not-attached
	kill $ms 2>/dev/null
fi
# A stuck tracer is stopped (SIGTERM) so that what it got is still printed.
(
	nap 30
	kill $ms 2>/dev/null
) &
watchdog=$!

if [ -n "$attached" ]; then
	record early $early $$ 0 0 /bin/busybox sleep 2
	echo go >/tmp/go.fifo
	# A child of PID 1 itself: asked of the PID 1 side of this script (top of the file).
	if [ -p /tmp/init.req ]; then
		echo run >/tmp/init.req
		i=0
		while [ ! -s /tmp/init-child.pid ] && [ $i -lt 100 ]; do nap 0.1; i=$((i + 1)); done
		if [ -s /tmp/init-child.pid ] && read -r ipid </tmp/init-child.pid; then
			with_marker record init "$ipid" 1 0 0
		else
			say "bad-test PID 1 did not start the init child"
		fi
	else
		say "bad-test no /tmp/init.req: /init did not source this script as PID 1"
	fi
	if [ -n "$exec32" ]; then
		# exec32 (an ordinary exec) forks; its child execs busybox with the 32-bit execve.
		run exec32 0 0 /bin/exec32 /tmp/exec32.pid
		if [ -s /tmp/exec32.pid ] && read -r c32 </tmp/exec32.pid; then
			record exec32child "$c32" "$_pid" 0 0 echo exec32 "a b" ""
			T_exec32child_file=/bin/busybox T_exec32child_via=compat
		else
			say "bad-test exec32 wrote no child pid"
		fi
		# A 32-bit program's failed execve, as uid 65534: its child exits 127.
		rm -f /tmp/exec32.pid
		run exec32fail 0 0 /bin/exec32 /tmp/exec32.pid 65534 /nonexistent/exec32
		if [ -z "$compatfail" ]; then
			: # not seen without BTF: nothing to record
		elif [ -s /tmp/exec32.pid ] && read -r c32 </tmp/exec32.pid; then
			record exec32failchild "$c32" "$_pid" -2 0 echo exec32 "a b" ""
			T_exec32failchild_file=/nonexistent/exec32 T_exec32failchild_uid=65534
			T_exec32failchild_comm=exec32
		else
			say "bad-test exec32 wrote no child pid"
		fi
		# A 64-bit program's `int $0x80` execve of a missing file, as uid 65534.
		if [ -x /bin/int80 ]; then
			rm -f /tmp/int80.pid
			run int80 0 0 /bin/int80 /tmp/int80.pid 65534 /nonexistent/int80
			if [ -z "$compatfail" ]; then
				:
			elif [ -s /tmp/int80.pid ] && read -r c80 </tmp/int80.pid; then
				record int80child "$c80" "$_pid" -2 0 int80 "x y"
				T_int80child_file=/nonexistent/int80 T_int80child_uid=65534 T_int80child_comm=int80
			else
				say "bad-test int80 wrote no child pid"
			fi
		fi
	fi
	run spaces 0 0 /bin/busybox echo "hello world" " lead" "tab${tab}x" 'q"uote' 'back\slash' "ünïcödé ✓" "$ff" "$nl" '$HOME *'
	run empty 0 0 /bin/busybox echo "" a "" "" b ""
	run symlink 0 0 /bin/true 1 2 3
	run missing -2 0 /nonexistent/prog "some arg"
	run noexec -13 0 /tmp/noexec x
	run long 0 0 /bin/busybox echo "$long"
	# 25 argv entries: the default --max-args 20 keeps argv[0..19] and says truncated.
	run many 0 1 /bin/true a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 a17 a18 a19 a20 a21 a22 a23 a24
	# A child of a child: sh forks and execs busybox; ppid must be that sh.
	script='/bin/busybox echo grand "child arg" >/dev/null & echo $! >/tmp/grandchild.pid; wait'
	/bin/sh -c "$script" &
	sh_pid=$!
	wait $sh_pid
	record sh $sh_pid $$ 0 0 /bin/sh -c "$script"
	read -r gc </tmp/grandchild.pid
	record grandchild "$gc" $sh_pid 0 0 /bin/busybox echo grand "child arg"
	# Not waited for: it only has to outlive the tracer's output of its event.
fi
[ $NCASES = $EXPECT ] || say "bad-test expected $EXPECT cases, ran $NCASES"

wait $ms
rc=$?
kill $watchdog 2>/dev/null
stamp traced
say trace-rc $rc
tracefs_state after-trace

# --- report -------------------------------------------------------------------------------
for n in $CASES; do
	eval "f=\${T_${n}_file:-} via=\${T_${n}_via:-} uid=\${T_${n}_uid:-} comm=\${T_${n}_comm:-}"
	more=""
	[ -z "$f" ] || more="$more file=$(hex "$f")"
	[ -z "$via" ] || more="$more via=$via"
	[ -z "$uid" ] || more="$more uid=$uid"
	[ -z "$comm" ] || more="$more comm=$comm"
	eval "say truth $n pid=\$T_${n}_pid ppid=\$T_${n}_ppid ret=\$T_${n}_ret truncated=\$T_${n}_trunc argc=\$T_${n}_argc\$more"
	eval "argc=\$T_${n}_argc"
	i=0
	while [ "$i" -lt "$argc" ]; do
		eval "a=\$T_${n}_$i"
		say arg "$n" "$i" "$(hex "$a")"
		i=$((i + 1))
	done
done
while IFS= read -r l; do say "stderr| $l"; done </tmp/trace.err
say json-begin
cat /tmp/trace.json
say json-end

# --- context fields (-o all -e): one exec from a known state ---------------------------------
# /tmp/ctx.d/ctxprobe is a symlink to busybox: exe is busybox, comm ctxprobe; env -i execs it
# in the child the shell forked, so its parent is this shell.
mkdir -p /tmp/ctx.d
ln -sf /bin/busybox /tmp/ctx.d/ctxprobe
: >/tmp/ctx.err
minisnoop -j -o all -e -n '^ctxprobe$' --count 1 >/tmp/ctx.json 2>/tmp/ctx.err &
ctxms=$!
i=0
attached=""
while [ $i -lt 600 ]; do
	while IFS= read -r l; do
		case "$l" in *"minisnoop: tracing"*) attached=1 ;; esac
	done </tmp/ctx.err
	[ -n "$attached" ] && break
	kill -0 $ctxms 2>/dev/null || break
	nap 0.1
	i=$((i + 1))
done
if [ -n "$attached" ]; then
	(
		cd /tmp/ctx.d && exec /bin/busybox env -i CTX=one "E2=two words" ./ctxprobe ctx
	) >/dev/null 2>&1 &
	cpid=$!
	wait $cpid
	(
		nap 20
		kill $ctxms 2>/dev/null
	) &
	ctxwd=$!
	wait $ctxms
	kill $ctxwd 2>/dev/null
	say ctx-truth pid=$cpid cwd=/tmp/ctx.d exe=/bin/busybox pcomm=sh \
		pidns="$(readlink /proc/$$/ns/pid)" mntns="$(readlink /proc/$$/ns/mnt)"
else
	say ctx-not-attached
	kill $ctxms 2>/dev/null
fi
while IFS= read -r l; do say "ctx-stderr| $l"; done </tmp/ctx.err
while IFS= read -r l; do say "ctx-json| $l"; done </tmp/ctx.json
say "done"
